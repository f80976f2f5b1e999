// SPDX-License-Identifier: MIT
/*
 * The counter's address is kept in plugin memory and a store through the
 * reloaded pointer resets the counter every iteration: it never reaches 10.
 * The reloaded pointer is a number to the analysis, so the store may write
 * any stack slot: never proven.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=27
// PDS-EXPECT: rule=termination/unbounded-loop
// PDS-RUN: get_cnx_metadata=arena get_cnx=1
#include "../pquic/pquic.h"

struct state {
	uint64_t flags;
	volatile uint64_t *p;
};

protoop_arg_t stack_alias_plugin_mem(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 2);
	volatile uint64_t i;
	uint64_t acc = 0;

	st->p = &i;
#pragma nounroll
	for (i = 0; i < 10; i++) {
		*st->p = 0;
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
	}
	return acc;
}
