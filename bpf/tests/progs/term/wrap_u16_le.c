// SPDX-License-Identifier: MIT
/*
 * A 16-bit counter against a 16-bit bound from plugin memory, i <= n: wraps
 * forever when n is 65535.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/wrapping-counter
// PDS-RUN: get_cnx_metadata=arena u16@0=65535
#include "../pquic/pquic.h"

protoop_arg_t wrap_u16_le(picoquic_cnx_t *cnx)
{
	uint16_t *n = (uint16_t *)get_cnx_metadata(cnx, 0);
	uint64_t acc = 0;

#pragma nounroll
	for (uint16_t i = 0; i <= *n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, i);
	return acc;
}
