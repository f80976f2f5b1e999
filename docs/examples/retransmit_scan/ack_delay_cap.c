// SPDX-License-Identifier: MIT
/*
 * Caps the local acknowledgement delay of the packet-number context passed as
 * input 0 at 25 ms: straight-line code, no loop, and the one write
 * update_ack_delay's spec allows (AK_PKTCTX_ACK_DELAY_LOCAL on input 0).
 */
#include "pquic.h"

protoop_arg_t ack_delay_cap(picoquic_cnx_t *cnx)
{
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 0);
	uint64_t delay = get_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL);

	if (delay > 25000)
		set_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL, 25000);
	return 0;
}
