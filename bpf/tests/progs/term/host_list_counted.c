// SPDX-License-Identifier: MIT
/*
 * A host list walk that also counts and stops after 100 packets: proven with no
 * fact (the counter bounds it).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1610
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=0x10001 list(get_pkt,0x01)=4096 get_pkt=1
#include "../pquic/pquic.h"

protoop_arg_t host_list_counted(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t n = 0, bytes = 0;

#pragma nounroll
	while (p && n < 100) {
		bytes += get_pkt(p, AK_PKT_LENGTH);
		p = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
		n++;
	}
	return bytes;
}
