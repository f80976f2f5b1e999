// SPDX-License-Identifier: MIT
/* The right object, a key update_ack_delay does not allow. */
// PDS-PROTOOP: update_ack_delay
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/key-not-allowed
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t pkt_ctx_wrong_key(picoquic_cnx_t *cnx)
{
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 0);

	set_pkt_ctx(pc, AK_PKTCTX_HIGHEST_ACK_SENT, 0);
	return 0;
}
