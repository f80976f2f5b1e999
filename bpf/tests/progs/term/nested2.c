// SPDX-License-Identifier: MIT
/*
 * Two nested constant loops: 8 x 6 inner iterations.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=756
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t nested2(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 8; i++)
#pragma nounroll
		for (int j = 0; j < 6; j++)
			acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)(i * 8 + j));
	return acc;
}
