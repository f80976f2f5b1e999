// SPDX-License-Identifier: MIT
/*
 * update_ack_delay (replace): the local ack delay follows a quarter of the RTT
 * estimate, clamped.  §5: inputs pkt_ctx, old_path, rtt_estimate,
 * first_estimate; writes ACK_DELAY_LOCAL on input 0.
 */
#include "pquic.h"

#define ACK_DELAY_MIN 1000ULL
#define ACK_DELAY_MAX 25000ULL

protoop_arg_t update_ack_delay(picoquic_cnx_t *cnx)
{
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 0);
	uint64_t rtt_estimate = PQUIC_INPUT(cnx, 2);
	int first_estimate = (int)PQUIC_INPUT(cnx, 3);
	uint64_t old = get_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL);
	uint64_t delay = rtt_estimate / 4;

	if (!first_estimate)
		delay = (3 * old + delay) / 4;
	if (delay < ACK_DELAY_MIN)
		delay = ACK_DELAY_MIN;
	else if (delay > ACK_DELAY_MAX)
		delay = ACK_DELAY_MAX;
	set_pkt_ctx(pc, AK_PKTCTX_ACK_DELAY_LOCAL, delay);
	return 0;
}
