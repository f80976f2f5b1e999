// SPDX-License-Identifier: MIT
/*
 * i += 2 until i == 15 from 0: the counter is always even and jumps over the
 * bound.  The counter lives in a volatile stack slot so that the compiler keeps
 * the test: the exit exists but can never be taken.
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/skips-bound
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t skip_bound(picoquic_cnx_t *cnx)
{
	volatile uint64_t i = 0;

#pragma nounroll
	while (i != 15) {
		set_cnx(cnx, AK_CNX_OUTPUT, 0, i);
		i = i + 2;
	}
	return 0;
}
