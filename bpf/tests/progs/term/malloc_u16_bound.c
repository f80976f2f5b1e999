// SPDX-License-Identifier: MIT
/*
 * State allocated with my_malloc, its 16-bit field filled from an input; the
 * loop reloads the field through the pointer each iteration.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=917511
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=65535 get_cnx=1
#include "../pquic/pquic.h"

struct state {
	uint32_t count;
	uint16_t n;
	uint16_t pad;
};

protoop_arg_t malloc_u16_bound(picoquic_cnx_t *cnx)
{
	struct state *st = my_malloc(cnx, sizeof(*st));
	uint64_t acc = 0;

	if (!st)
		return 0;
	st->n = (uint16_t)PQUIC_INPUT(cnx, 0);
#pragma nounroll
	for (uint32_t i = 0; i < st->n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	my_free(cnx, st);
	return acc;
}
