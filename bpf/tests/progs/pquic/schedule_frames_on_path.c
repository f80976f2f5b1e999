// SPDX-License-Identifier: MIT
/*
 * schedule_frames_on_path (replace): delegate frame scheduling to the built-in
 * protoops by name, then fill the packet and the outputs.  §5: inputs packet,
 * send_buffer_max, current_time, retransmit_p, from_path, reason; writes the
 * packet (input 0) and PLUGIN_REQUESTED; outputs path_x, length, header_length.
 * Several string constants, so all but the first have a non-zero addend.
 */
#include "pquic.h"

protoop_arg_t schedule_frames_on_path(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *packet = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t send_buffer_max = PQUIC_INPUT(cnx, 1);
	uint64_t current_time = PQUIC_INPUT(cnx, 2);
	picoquic_path_t *path_x = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, 0);
	protoop_arg_t args[3], outs[3];
	protoop_params_t pp = {
		.param = NO_PARAM,
		.inputc = 3,
		.inputv = args,
		.outputv = outs,
	};
	uint64_t length;

	args[0] = (protoop_arg_t)path_x;
	args[1] = send_buffer_max;
	args[2] = current_time;
	plugin_run_protoop(cnx, &pp, "prepare_packet_ready", NULL);
	length = outs[0];
	if (length == 0) {
		pp.inputc = 1;
		args[0] = (protoop_arg_t)packet;
		plugin_run_protoop(cnx, &pp, "retransmit_needed", NULL);
		length = outs[0];
	}
	set_pkt(packet, AK_PKT_LENGTH, length);
	set_pkt(packet, AK_PKT_SEND_TIME, current_time);
	set_pkt(packet, AK_PKT_IS_CONGESTION_CONTROLLED, 1);
	if (get_cnx(cnx, AK_CNX_PIDS_TO_REQUEST_SIZE, 0) > 0)
		set_cnx(cnx, AK_CNX_PLUGIN_REQUESTED, 0, 1);
	PQUIC_OUTPUT(cnx, 0, path_x);
	PQUIC_OUTPUT(cnx, 1, length);
	PQUIC_OUTPUT(cnx, 2, 0);
	return 0;
}
