// SPDX-License-Identifier: MIT
/*
 * A volatile pointer into plugin memory: every test reloads the 8-bit bound.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1796
// PDS-EXPECT: tight
// PDS-RUN: get_cnx_metadata=arena+16 u8@16=255
#include "../pquic/pquic.h"

protoop_arg_t volatile_u8_bound(picoquic_cnx_t *cnx)
{
	volatile uint8_t *n = (volatile uint8_t *)get_cnx_metadata(cnx, 3);
	uint64_t x = 0;

#pragma nounroll
	for (uint64_t i = 0; i < *n; i++)
		x = x * 5 + i;
	return x;
}
