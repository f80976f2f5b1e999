// SPDX-License-Identifier: MIT
/*
 * Two loops one after the other: the costs add (12 + 30 iterations).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=540
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=3
#include "../pquic/pquic.h"

protoop_arg_t two_sequential(picoquic_cnx_t *cnx)
{
	uint64_t a = 0, b = 0;

#pragma nounroll
	for (int i = 0; i < 12; i++)
		a += get_cnx(cnx, AK_CNX_INPUT, 0);
#pragma nounroll
	for (int j = 0; j < 30; j++)
		b ^= get_cnx(cnx, AK_CNX_INPUT, 1) + a;
	return a + b;
}
