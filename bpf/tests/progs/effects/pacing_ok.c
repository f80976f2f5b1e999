// SPDX-License-Identifier: MIT
/* The benign twin of write_in_loop: pacing and window on the path passed as input 0 only. */
// PDS-PROTOOP: congestion_algorithm_notify
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_path:AK_PATH_CWIN@input0,set_path:AK_PATH_PACING_BUCKET_MAX@input0
#include "../pquic/pquic.h"

protoop_arg_t pacing_ok(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	uint64_t acked = PQUIC_INPUT(cnx, 3);
	uint64_t cwin = get_path(path, AK_PATH_CWIN, 0) + acked;

	set_path(path, AK_PATH_CWIN, 0, cwin);
	set_path(path, AK_PATH_PACING_BUCKET_MAX, 0, cwin / 4);
	return 0;
}
