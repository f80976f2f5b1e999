// SPDX-License-Identifier: MIT
/*
 * i += 2 until i == 15 with i starting from an input: an even start never
 * meets 15 (an odd one does, possibly after wrapping): unknown.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=17
// PDS-EXPECT: rule=termination/skips-bound
// PDS-RUN: get_cnx(0x00,0)=0 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t skip_bound_input(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = PQUIC_INPUT(cnx, 0); i != 15; i += 2)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
