// SPDX-License-Identifier: MIT
/* The one write update_ack_delay allows, on the context passed as input 0. */
// PDS-PROTOOP: update_ack_delay
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_pkt_ctx:AK_PKTCTX_ACK_DELAY_LOCAL@input0
#include "../pquic/pquic.h"

protoop_arg_t pkt_ctx_allowed(picoquic_cnx_t *cnx)
{
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 0);

	set_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL, 1000);
	return 0;
}
