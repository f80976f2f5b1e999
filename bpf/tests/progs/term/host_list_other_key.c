// SPDX-License-Identifier: MIT
/*
 * A fact for AK_PKT_NEXT_PACKET does not cover a walk along
 * AK_PKT_PREVIOUS_PACKET: still unknown.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=19
// PDS-EXPECT: rule=termination/host-list-walk
// PDS-FACT: list get_pkt AK_PKT_NEXT_PACKET <= 4096
// PDS-RUN: get_cnx(0x00,0)=0x10001 clist(get_pkt,0x00)=3
#include "../pquic/pquic.h"

protoop_arg_t host_list_other_key(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t n = 0;

#pragma nounroll
	while (p) {
		n += get_pkt(p, AK_PKT_IS_PURE_ACK);
		p = (picoquic_packet_t *)get_pkt(p, AK_PKT_PREVIOUS_PACKET);
	}
	return n;
}
