// SPDX-License-Identifier: MIT
/*
 * A triangular nest with a falling outer counter: i runs from 24 down to 1
 * and the inner loop runs i times, 300 inner iterations in all.  The outer
 * loop exits on i == 0, so the inner bound comes from what the outer loop's
 * bound says of i at its head (at most 24).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=2823
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t triangular_down(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 24; i != 0; i--)
#pragma nounroll
		for (uint64_t j = 0; j < i; j++)
			acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)j);
	return acc;
}
