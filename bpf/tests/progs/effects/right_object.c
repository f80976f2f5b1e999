// SPDX-License-Identifier: MIT
/* The benign twin of wrong_object: the path the protoop was given. */
// PDS-PROTOOP: congestion_algorithm_notify
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_path:AK_PATH_CWIN@input0
#include "../pquic/pquic.h"

protoop_arg_t right_object(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);

	set_path(path, AK_PATH_CWIN, 0, 10 * 1460);
	return 0;
}
