// SPDX-License-Identifier: MIT
/*
 * update_rtt (replace): on a new largest acknowledged packet, record the time of
 * progress on the connection and report is_new_ack.  pquic-abi.md §5: inputs
 * largest, current_time, ack_delay, pc, path_x; writes LATEST_PROGRESS_TIME on
 * the connection; output 0 is is_new_ack.  Straight-line getters and setters.
 */
#include "pquic.h"

protoop_arg_t update_rtt(picoquic_cnx_t *cnx)
{
	uint64_t largest = PQUIC_INPUT(cnx, 0);
	uint64_t current_time = PQUIC_INPUT(cnx, 1);
	uint64_t ack_delay = PQUIC_INPUT(cnx, 2);
	picoquic_packet_context_t *pc = (picoquic_packet_context_t *)PQUIC_INPUT(cnx, 3);
	picoquic_path_t *path_x = (picoquic_path_t *)PQUIC_INPUT(cnx, 4);
	uint64_t highest = get_pkt_ctx(pc, AK_PKTCTX_HIGHEST_ACKNOWLEDGED);
	uint64_t max_ack_delay = get_path(path_x, AK_PATH_MAX_ACK_DELAY, 0);
	int is_new_ack = 0;

	if (highest == (uint64_t)-1 || largest > highest) {
		is_new_ack = 1;
		set_cnx(cnx, AK_CNX_LATEST_PROGRESS_TIME, 0, current_time);
	}
	/* A peer that reports more delay than it announced is not trusted for RTT. */
	if (ack_delay > max_ack_delay)
		is_new_ack = 0;
	PQUIC_OUTPUT(cnx, 0, is_new_ack);
	return 0;
}
