// SPDX-License-Identifier: MIT
/*
 * A constant step of three that does not land on the bound: i < 100 still exits
 * (34 iterations) because the test is an inequality.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=311
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t step3(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < 100; i += 3)
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
	return acc;
}
