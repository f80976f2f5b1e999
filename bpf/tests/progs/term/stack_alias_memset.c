// SPDX-License-Identifier: MIT
/*
 * The same escape through plugin memory, the counter reset by my_memset on
 * the reloaded pointer: a helper given an unknown number may write any stack
 * slot. Never proven.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=26
// PDS-EXPECT: rule=termination/unbounded-loop
// PDS-RUN: get_cnx_metadata=arena get_cnx=1
#include "../pquic/pquic.h"

struct state {
	uint64_t flags;
	volatile uint64_t *p;
};

protoop_arg_t stack_alias_memset(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 2);
	volatile uint64_t i;
	uint64_t acc = 0;

	st->p = &i;
#pragma nounroll
	for (i = 0; i < 10; i++) {
		my_memset((void *)st->p, 0, sizeof(i));
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
	}
	return acc;
}
