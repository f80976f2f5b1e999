// SPDX-License-Identifier: MIT
/*
 * congestion_algorithm_notify (post observer): derive pacing from the window
 * and the smoothed RTT.  Writes only the pacing keys that §5 allows on input 0:
 * PACING_BUCKET_MAX, PACING_PACKET_TIME_NANOSEC, PACING_PACKET_TIME_MICROSEC.
 * Nanosecond arithmetic with 64-bit constants.
 */
#include "pquic.h"

#define NSEC_PER_USEC 1000ULL
#define PACKET_SIZE 1440ULL
#define BUCKET_MAX_NSEC 0x0000002540be4000ULL /* 160 s: above 32 bits, an lddw */

protoop_arg_t pacing_update(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path_x = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	uint64_t cwin = get_path(path_x, AK_PATH_CWIN, 0);
	uint64_t srtt = get_path(path_x, AK_PATH_SMOOTHED_RTT, 0);
	uint64_t packet_time_ns, bucket;

	if (cwin < PACKET_SIZE || srtt == 0)
		return 0;
	packet_time_ns = srtt * NSEC_PER_USEC * PACKET_SIZE / cwin;
	bucket = packet_time_ns * 16;
	if (bucket > BUCKET_MAX_NSEC)
		bucket = BUCKET_MAX_NSEC;
	set_path(path_x, AK_PATH_PACING_BUCKET_MAX, 0, bucket);
	set_path(path_x, AK_PATH_PACING_PACKET_TIME_NANOSEC, 0, packet_time_ns);
	set_path(path_x, AK_PATH_PACING_PACKET_TIME_MICROSEC, 0, packet_time_ns / NSEC_PER_USEC);
	return 0;
}
