// SPDX-License-Identifier: MIT
/*
 * A walk of the host's packet list (p = get_pkt(p, AK_PKT_NEXT_PACKET) until
 * NULL) with the declared fact that the list is acyclic and at most 4096 long.
 */
// PDS-EXPECT: verdict=proven-assuming
// PDS-EXPECT: worst=45065
// PDS-EXPECT: tight
// PDS-FACT: list get_pkt AK_PKT_NEXT_PACKET <= 4096
// PDS-RUN: get_cnx(0x00,0)=0x10001 list(get_pkt,0x01)=4096 get_pkt=1200
#include "../pquic/pquic.h"

protoop_arg_t host_list_fact(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t bytes = 0;

#pragma nounroll
	while (p) {
		bytes += get_pkt(p, AK_PKT_LENGTH);
		p = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
	}
	return bytes;
}
