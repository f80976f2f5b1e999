// SPDX-License-Identifier: MIT
/*
 * retransmit_needed_by_packet (replace): a packet needs retransmission when
 * enough later packets were sent after it.  §5: inputs p, current_time,
 * timer_based; no writes; outputs timer_based, reason, retransmit_timer.  Walks
 * the list of newer packets with get_pkt(p, AK_PKT_NEXT_PACKET), at most
 * MAX_WALK of them.
 */
#include "pquic.h"

#define MAX_WALK 64
#define REORDER_THRESHOLD 3

protoop_arg_t retransmit_needed_by_packet(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t current_time = PQUIC_INPUT(cnx, 1);
	picoquic_path_t *path = (picoquic_path_t *)get_pkt(p, AK_PKT_SEND_PATH);
	uint64_t send_time = get_pkt(p, AK_PKT_SEND_TIME);
	uint64_t rto = get_path(path, AK_PATH_RETRANSMIT_TIMER, 0);
	picoquic_packet_t *next = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
	int later = 0, i;
	int should_retransmit = 0, timer_based = 0;

	for (i = 0; i < MAX_WALK && next; i++) {
		later++;
		next = (picoquic_packet_t *)get_pkt(next, AK_PKT_NEXT_PACKET);
	}
	if (later >= REORDER_THRESHOLD) {
		should_retransmit = 1;
	} else if (current_time >= send_time + rto) {
		should_retransmit = 1;
		timer_based = 1;
	}
	PQUIC_OUTPUT(cnx, 0, timer_based);
	PQUIC_OUTPUT(cnx, 1, should_retransmit ? 2 : 0);
	PQUIC_OUTPUT(cnx, 2, send_time + rto);
	return should_retransmit;
}
