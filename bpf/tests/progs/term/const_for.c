// SPDX-License-Identifier: MIT
/*
 * A for loop with a constant bound: ten iterations, one getter each.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=133
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t const_for(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 10; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
	return acc;
}
