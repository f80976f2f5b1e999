// SPDX-License-Identifier: MIT
/*
 * A bound clamped with a ternary min() (compiled to a conditional move-like
 * branch) to 64.
 * Not marked tight: the MIN macro reads the input twice, and the checker does
 * not assume that two reads of a host getter agree.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=780
// PDS-RUN: get_cnx(0x00,2)=64 get_cnx=1
#include "../pquic/pquic.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

protoop_arg_t input_ternary_min(picoquic_cnx_t *cnx)
{
	uint64_t n = MIN(PQUIC_INPUT(cnx, 2), 64), acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc ^= get_cnx(cnx, AK_CNX_INPUT, 3) + i;
	return acc;
}
