// SPDX-License-Identifier: MIT
/*
 * A 64-bit bound straight from an input, not clamped: the loop still ends (the
 * counter cannot pass n without equalling it), but only the type's range bounds
 * it, so the bound is huge.  The scenario runs a small input.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=9011
// PDS-RUN: get_cnx(0x00,0)=1000 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t input_unclamped(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0), acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
