// SPDX-License-Identifier: MIT
/*
 * A bound reduced modulo 50 (at most 49); the division is by a constant.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=505
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=49 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t input_modulo(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0) % 50, acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1) * i;
	return acc;
}
