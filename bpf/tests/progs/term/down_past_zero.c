// SPDX-License-Identifier: MIT
/*
 * An unsigned counter counting down by two from an input: an odd start steps
 * from 1 to UINT64_MAX instead of reaching 0, and i >= 1 holds for ever.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=16
// PDS-RUN: get_cnx(0x00,0)=7 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t down_past_zero(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = PQUIC_INPUT(cnx, 0); i != 0; i -= 2)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
