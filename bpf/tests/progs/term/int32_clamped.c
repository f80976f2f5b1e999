// SPDX-License-Identifier: MIT
/*
 * 32-bit signed counter against a 32-bit bound clamped to [0, 200]: the
 * sign-extension idiom must keep the clamped range.
 * Not marked tight: the compiler re-derives the clamped value from the raw
 * input on one path, and the non-relational domain cannot see that the two
 * agree, so the bound is sound but uses the full 32-bit range.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=3220
// PDS-RUN: get_cnx(0x00,0)=200 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t int32_clamped(picoquic_cnx_t *cnx)
{
	int n = (int)PQUIC_INPUT(cnx, 0);
	uint64_t acc = 0;

	if (n > 200)
		n = 200;
#pragma nounroll
	for (int i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
	return acc;
}
