// SPDX-License-Identifier: MIT
/*
 * A 64-bit field of plugin memory as the bound: terminates (unit step against a
 * reloaded u64) with a bound only the type limits.  The scenario runs 1000.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=9010
// PDS-RUN: get_cnx_metadata=arena u64@8=1000
#include "../pquic/pquic.h"

struct state {
	uint64_t flags;
	uint64_t n;
};

protoop_arg_t mem_u64_bound(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 2);
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < st->n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
	return acc;
}
