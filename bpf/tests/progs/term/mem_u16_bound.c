// SPDX-License-Identifier: MIT
/*
 * A 16-bit field of plugin memory as the bound, reloaded each iteration: at
 * most 65,535 iterations, the scenario's value.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=589825
// PDS-EXPECT: tight
// PDS-RUN: get_cnx_metadata=arena u16@2=65535
#include "../pquic/pquic.h"

struct state {
	uint16_t flags;
	uint16_t n;
	uint32_t count;
};

protoop_arg_t mem_u16_bound(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 1);
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < st->n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
	return acc;
}
