// SPDX-License-Identifier: MIT
/*
 * The counting exit is on one path only: when the getter keeps answering an
 * odd value the counter never moves and the loop never ends.  Termination
 * depends on what the host answers: unknown.  The cycle that cannot be bounded
 * is the one through `continue`, which re-enters the body without the counting
 * test: its first line of code is the getter's line.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=20
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t exit_one_path(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, acc = 0;

#pragma nounroll
	while (i < 30) {
		uint64_t v = get_cnx(cnx, AK_CNX_INPUT, 0);

		if (v & 1)
			continue;
		acc += v;
		i++;
	}
	return acc;
}
