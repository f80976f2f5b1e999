// SPDX-License-Identifier: MIT
/*
 * A walk of a plugin-owned linked list in plugin memory until NULL: nothing
 * bounds its length (nor rules out a cycle).  Needs a run-time budget.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=23
// PDS-EXPECT: rule=termination/plugin-list-walk
// PDS-RUN: get_cnx_metadata=arena pcycle@0=3
#include "../pquic/pquic.h"

struct node {
	struct node *next;
	uint64_t value;
};

protoop_arg_t plugin_list(picoquic_cnx_t *cnx)
{
	struct node *n = (struct node *)get_cnx_metadata(cnx, 0);
	uint64_t sum = 0;

#pragma nounroll
	for (; n; n = n->next)
		sum += n->value;
	return sum;
}
