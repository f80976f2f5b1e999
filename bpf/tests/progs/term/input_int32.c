// SPDX-License-Identifier: MIT
/*
 * 32-bit signed counter and bound: without ALU32 clang compares them after the
 * "<<= 32; s>>= 32" sign-extension idiom.  Bounded by INT32_MAX iterations; the
 * scenario runs 1000.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=13014
// PDS-RUN: get_cnx(0x00,0)=1000 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t input_int32(picoquic_cnx_t *cnx)
{
	int n = (int)PQUIC_INPUT(cnx, 0);
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
	return acc;
}
