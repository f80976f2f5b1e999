// SPDX-License-Identifier: MIT
/*
 * For each of at most 16 paths (fact), walk a packet list of at most 64 (fact):
 * two assumptions, multiplied.
 */
// PDS-EXPECT: verdict=proven-assuming
// PDS-EXPECT: worst=11452
// PDS-EXPECT: tight
// PDS-FACT: range get_cnx AK_CNX_NB_PATHS <= 16
// PDS-FACT: list get_pkt AK_PKT_NEXT_PACKET <= 64
// PDS-RUN: get_cnx(0x2d,0)=16 get_cnx(0x00,0)=0x10001 list(get_pkt,0x01)=64 get_pkt=1
#include "../pquic/pquic.h"

protoop_arg_t host_list_nested_fact(picoquic_cnx_t *cnx)
{
	uint64_t n = get_cnx(cnx, AK_CNX_NB_PATHS, 0), total = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++) {
		picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);

#pragma nounroll
		while (p) {
			total += get_pkt(p, AK_PKT_LENGTH);
			p = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
		}
	}
	return total;
}
