// SPDX-License-Identifier: MIT
/*
 * The counter lives in plugin memory and is reset on one path inside the
 * loop: with a nonzero input it never reaches 10. Never proven.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=22
// PDS-EXPECT: rule=termination/unbounded-loop
// PDS-RUN: get_cnx_metadata=arena get_cnx=1
#include "../pquic/pquic.h"

struct state {
	uint64_t i;
	uint64_t flags;
};

protoop_arg_t counter_in_plugin_mem(picoquic_cnx_t *cnx)
{
	struct state *st = (struct state *)get_cnx_metadata(cnx, 2);

#pragma nounroll
	for (st->i = 0; st->i < 10; st->i++)
		if (get_cnx(cnx, AK_CNX_INPUT, 0))
			st->i = 0;
	return st->flags;
}
