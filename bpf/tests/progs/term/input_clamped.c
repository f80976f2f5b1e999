// SPDX-License-Identifier: MIT
/*
 * A bound read from an input and clamped to 100 before the loop.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1214
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=5000 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t input_clamped(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0), acc = 0;

	if (n > 100)
		n = 100;
#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
