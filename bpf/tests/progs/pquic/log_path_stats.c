// SPDX-License-Identifier: MIT
/*
 * congestion_algorithm_notify (post observer): log the path's window and RTT.
 * Only reads host state.  Two string constants and snprintf into the stack: the
 * format string's relocation has a non-zero addend that PQUIC ignores (§2).
 */
#include "pquic.h"

protoop_arg_t log_path_stats(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path_x = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	protoop_arg_t args[2];
	char line[48];

	args[0] = get_path(path_x, AK_PATH_CWIN, 0);
	args[1] = get_path(path_x, AK_PATH_SMOOTHED_RTT, 0);
	helper_protoop_printf(cnx, "cwin %lu srtt %lu\n", args, 2);
	snprintf(line, sizeof(line), "path %p", path_x);
	return strlen(line);
}
