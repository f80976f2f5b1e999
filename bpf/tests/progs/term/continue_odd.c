// SPDX-License-Identifier: MIT
/*
 * continue on some iterations: the counter still advances on every path.
 * Worst case: every getter answer is even, so the longer path runs each time.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=742
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=2
#include "../pquic/pquic.h"

protoop_arg_t continue_odd(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 32; i++) {
		uint64_t v = get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);

		if (v & 1)
			continue;
		acc += v * 7;
		set_cnx(cnx, AK_CNX_OUTPUT, 0, acc);
	}
	return acc;
}
