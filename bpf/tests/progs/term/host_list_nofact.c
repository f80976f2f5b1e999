// SPDX-License-Identifier: MIT
/*
 * The same host list walk with no fact: nothing says the list ends, and the
 * scenario's list is cyclic.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/host-list-walk
// PDS-RUN: get_cnx(0x00,0)=0x10001 clist(get_pkt,0x01)=3
#include "../pquic/pquic.h"

protoop_arg_t host_list_nofact(picoquic_cnx_t *cnx)
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
