// SPDX-License-Identifier: MIT
/*
 * process_possible_ack_of_ack_frame (pre observer): count the SACK ranges of
 * the packet context, following get_sack_item(AK_SACKITEM_NEXT_SACK) at most
 * MAX_RANGES times, and keep the widest range in metadata.  §5: input pkt_ctx;
 * no writes to host state.
 */
#include "pquic.h"

#define MAX_RANGES 32

protoop_arg_t process_possible_ack_of_ack_frame(picoquic_cnx_t *cnx)
{
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 0);
	picoquic_sack_item_t *item =
		(picoquic_sack_item_t *)get_pkt_ctx(pc, AK_PKTCTX_FIRST_SACK_ITEM);
	uint64_t widest = 0;
	int n = 0;

	while (item && n < MAX_RANGES) {
		uint64_t start = get_sack_item(item, AK_SACKITEM_START_RANGE);
		uint64_t end = get_sack_item(item, AK_SACKITEM_END_RANGE);

		if (end - start > widest)
			widest = end - start;
		item = (picoquic_sack_item_t *)get_sack_item(item, AK_SACKITEM_NEXT_SACK);
		n++;
	}
	set_pkt_ctx_metadata(cnx, pc, 0, widest);
	return n;
}
