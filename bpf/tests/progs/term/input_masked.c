// SPDX-License-Identifier: MIT
/*
 * A bound masked to six bits: known bits alone limit it to 63.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=579
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=0xff get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t input_masked(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0) & 0x3f, acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
