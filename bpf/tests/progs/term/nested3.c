// SPDX-License-Identifier: MIT
/*
 * Three nested constant loops (4 x 5 x 6) with work at every level.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1799
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=2
#include "../pquic/pquic.h"

protoop_arg_t nested3(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 4; i++) {
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
#pragma nounroll
		for (int j = 0; j < 5; j++) {
			acc ^= acc << 1;
#pragma nounroll
			for (int k = 0; k < 6; k++)
				acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)k);
		}
	}
	return acc;
}
