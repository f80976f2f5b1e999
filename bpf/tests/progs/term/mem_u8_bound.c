// SPDX-License-Identifier: MIT
/*
 * A bound in plugin memory, an 8-bit field of a state block reached through a
 * metadata getter.  The setter in the body may write plugin memory, so the
 * compiler reloads the field on every iteration; its width bounds it by 255.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=2049
// PDS-EXPECT: tight
// PDS-RUN: get_cnx_metadata=arena u8@0=255
#include "../pquic/pquic.h"

struct state {
	uint8_t n;
	uint8_t flags;
	uint16_t pad;
	uint32_t count;
};

protoop_arg_t mem_u8_bound(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 0);

#pragma nounroll
	for (unsigned i = 0; i < st->n; i++)
		set_cnx(cnx, AK_CNX_OUTPUT, 0, i);
	return st->count;
}
