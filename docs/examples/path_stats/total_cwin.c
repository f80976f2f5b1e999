// SPDX-License-Identifier: MIT
/*
 * Sum of the congestion windows of the connection's paths, kept in the
 * plugin's connection metadata slot 0.  The loop runs nb_paths times.
 */
#include "pquic.h"

protoop_arg_t total_cwin(picoquic_cnx_t *cnx)
{
	uint64_t nb = get_cnx(cnx, AK_CNX_NB_PATHS, 0), total = 0;

#pragma nounroll
	for (uint64_t i = 0; i < nb; i++) {
		picoquic_path_t *path = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		total += get_path(path, AK_PATH_CWIN, 0);
	}
	set_cnx_metadata(cnx, 0, total);
	return 0;
}
