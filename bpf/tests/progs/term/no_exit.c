// SPDX-License-Identifier: MIT
/*
 * A loop with no exit at all: it keeps writing an output.
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/no-exit
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t no_exit(picoquic_cnx_t *cnx)
{
	uint64_t t = PQUIC_INPUT(cnx, 0);

	if (t == 42)
		return 1;
#pragma nounroll
	for (;;)
		set_cnx(cnx, AK_CNX_OUTPUT, 0, t++);
	return 0;
}
