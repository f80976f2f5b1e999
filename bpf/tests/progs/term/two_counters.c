// SPDX-License-Identifier: MIT
/*
 * Two counters and two exits: the loop stops when either reaches its bound;
 * the first one (40) always decides.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=365
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t two_counters(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, j = 0, acc = 0;

#pragma nounroll
	while (i < 40 && j < 100) {
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
		i++;
		j += 2;
	}
	return acc + j;
}
