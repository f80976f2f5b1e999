// SPDX-License-Identifier: MIT
/*
 * for (uint64_t i = n; i >= 0; i--): an unsigned value is never below zero,
 * the compiler drops the test and the loop has no exit at all (the program's
 * only exit is the early return before it).
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/no-exit
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t down_unsigned_ge0(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0);

	if (n == 0)
		return 1;
#pragma nounroll
	for (uint64_t i = n; i >= 0; i--)
		set_cnx(cnx, AK_CNX_OUTPUT, 0, i);
	return 0;
}
