// SPDX-License-Identifier: MIT
/*
 * A plugin-owned list walk capped at 32 nodes: proven.  The scenario's list has
 * 100 nodes, so the cap decides.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=393
// PDS-EXPECT: tight
// PDS-RUN: get_cnx_metadata=arena plist@0=100
#include "../pquic/pquic.h"

struct node {
	struct node *next;
	uint64_t value;
};

protoop_arg_t plugin_list_counted(picoquic_cnx_t *cnx)
{
	struct node *n = (struct node *)get_cnx_metadata(cnx, 0);
	uint64_t sum = 0;

#pragma nounroll
	for (int k = 0; n && k < 32; k++, n = n->next)
		sum += n->value + 1;
	return sum;
}
