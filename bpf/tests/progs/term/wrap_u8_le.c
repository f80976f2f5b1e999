// SPDX-License-Identifier: MIT
/*
 * An 8-bit counter with i <= n, n an 8-bit field of plugin memory: 255 never
 * lets it out.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=23
// PDS-EXPECT: rule=termination/wrapping-counter
// PDS-RUN: get_cnx_metadata=arena u8@4=255
#include "../pquic/pquic.h"

struct state {
	uint32_t flags;
	uint8_t n;
};

protoop_arg_t wrap_u8_le(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 0);
	uint64_t acc = 0;

#pragma nounroll
	for (uint8_t i = 0; i <= st->n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, i);
	return acc;
}
