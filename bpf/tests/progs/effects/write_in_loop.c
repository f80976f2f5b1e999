// SPDX-License-Identifier: MIT
/* Sets CWIN on every path of the connection, not only on the path passed as input 0. */
// PDS-PROTOOP: congestion_algorithm_notify
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/wrong-object
// PDS-EFFECTS: line=17
#include "../pquic/pquic.h"

protoop_arg_t write_in_loop(picoquic_cnx_t *cnx)
{
	int n = (int)get_cnx(cnx, AK_CNX_NB_PATHS, 0);

#pragma nounroll
	for (int i = 0; i < n && i < 8; i++) {
		picoquic_path_t *p = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		set_path(p, AK_PATH_CWIN, 0, 1460);
	}
	return 0;
}
