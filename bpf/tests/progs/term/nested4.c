// SPDX-License-Identifier: MIT
/*
 * Loops nested four deep (3 x 4 x 5 x 6 = 360 innermost iterations): bounds
 * multiply.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=5814
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t nested4(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int a = 0; a < 3; a++)
#pragma nounroll
		for (int b = 0; b < 4; b++)
#pragma nounroll
			for (int c = 0; c < 5; c++)
#pragma nounroll
				for (int d = 0; d < 6; d++)
					acc += get_cnx(cnx, AK_CNX_INPUT,
						       (uint16_t)(a + b + c + d));
	return acc;
}
