// SPDX-License-Identifier: MIT
/*
 * An early return from inside the loop; the worst case returns at the end.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=227
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t early_return(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 16; i++) {
		uint64_t v = get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);

		if (v == 0)
			return 1000 + i;
		acc += v;
	}
	return acc;
}
