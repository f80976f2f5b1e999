// SPDX-License-Identifier: MIT
/*
 * is_ack_needed (replace): acknowledge when the context asks for it and the
 * path's ack delay has passed.  §5: inputs current_time, pc, path_x; no writes.
 */
#include "pquic.h"

protoop_arg_t is_ack_needed(picoquic_cnx_t *cnx)
{
	uint64_t current_time = PQUIC_INPUT(cnx, 0);
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 1);
	picoquic_path_t *path_x = (picoquic_path_t *)PQUIC_INPUT(cnx, 2);
	uint64_t highest_ack_time, ack_delay;

	if (!get_pkt_ctx(pc, AK_PKTCTX_ACK_NEEDED))
		return 0;
	highest_ack_time = get_pkt_ctx(pc, AK_PKTCTX_HIGHEST_ACK_TIME);
	ack_delay = get_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL);
	if (get_path(path_x, AK_PATH_PING_RECEIVED, 0))
		return 1;
	return current_time >= highest_ack_time + ack_delay;
}
