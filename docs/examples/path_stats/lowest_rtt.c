// SPDX-License-Identifier: MIT
/*
 * Index of the path with the lowest smoothed RTT, kept in the plugin's
 * connection metadata slot 1.  One pass over the paths.
 */
#include "pquic.h"

protoop_arg_t lowest_rtt(picoquic_cnx_t *cnx)
{
	uint64_t nb = get_cnx(cnx, AK_CNX_NB_PATHS, 0), best = 0, best_rtt = ~0ull;

#pragma nounroll
	for (uint64_t i = 0; i < nb; i++) {
		picoquic_path_t *path = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);
		uint64_t rtt = get_path(path, AK_PATH_SMOOTHED_RTT, 0);

		if (rtt < best_rtt) {
			best_rtt = rtt;
			best = i;
		}
	}
	set_cnx_metadata(cnx, 1, best);
	return 0;
}
