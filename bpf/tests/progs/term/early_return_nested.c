// SPDX-License-Identifier: MIT
/*
 * An early return from the inner loop of a nest (10 x 10).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1444
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=3
#include "../pquic/pquic.h"

protoop_arg_t early_return_nested(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 10; i++)
#pragma nounroll
		for (int j = 0; j < 10; j++) {
			uint64_t v = get_cnx(cnx, AK_CNX_INPUT, (uint16_t)j);

			if (v > 1000)
				return v;
			acc += v ^ (uint64_t)i;
		}
	return acc;
}
