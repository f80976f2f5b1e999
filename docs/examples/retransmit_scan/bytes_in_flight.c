// SPDX-License-Identifier: MIT
/*
 * Bytes held by the packets of a retransmission queue: input 0 is the first
 * packet; each packet names the next one, NULL at the end.
 */
#include "pquic.h"

protoop_arg_t bytes_in_flight(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t bytes = 0;

#pragma nounroll
	while (p) {
		bytes += get_pkt(p, AK_PKT_LENGTH);
		p = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
	}
	set_cnx_metadata(cnx, 2, bytes);
	return 0;
}
