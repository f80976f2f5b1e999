// SPDX-License-Identifier: MIT
/*
 * congestion_algorithm_notify (replace): a NewReno-like window update.  §5:
 * inputs path_x, notification, rtt_measurement, nb_bytes_acknowledged,
 * lost_packet_number, current_time; writes CWIN on input 0 only.  A switch on
 * the notification and 64-bit constants (lddw).
 */
#include "pquic.h"

#define MIN_CWIN (2 * 1440ULL)
#define MAX_CWIN 0x00ffffffffffffffULL

protoop_arg_t congestion_algorithm_notify(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path_x = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	uint64_t notification = PQUIC_INPUT(cnx, 1);
	uint64_t nb_bytes_acknowledged = PQUIC_INPUT(cnx, 3);
	uint64_t cwin = get_path(path_x, AK_PATH_CWIN, 0);

	switch (notification) {
	case picoquic_congestion_notification_acknowledgement:
		if (cwin < MAX_CWIN - nb_bytes_acknowledged)
			cwin += nb_bytes_acknowledged;
		break;
	case picoquic_congestion_notification_repeat:
	case picoquic_congestion_notification_ecn_ec:
		cwin /= 2;
		break;
	case picoquic_congestion_notification_timeout:
		cwin = MIN_CWIN;
		break;
	case picoquic_congestion_notification_spurious_repeat:
		cwin *= 2;
		break;
	default:
		return 0;
	}
	if (cwin < MIN_CWIN)
		cwin = MIN_CWIN;
	if (cwin > MAX_CWIN)
		cwin = MAX_CWIN;
	set_path(path_x, AK_PATH_CWIN, 0, cwin);
	return 0;
}
