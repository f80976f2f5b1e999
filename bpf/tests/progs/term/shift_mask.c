// SPDX-License-Identifier: MIT
/*
 * A 16-iteration loop building a bit mask from a getter's answers.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=243
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t shift_mask(picoquic_cnx_t *cnx)
{
	uint64_t mask = 0;

#pragma nounroll
	for (unsigned i = 0; i < 16; i++)
		if (get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i) & 1)
			mask |= 1ULL << i;
	return mask;
}
