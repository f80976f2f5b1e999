// SPDX-License-Identifier: MIT
/* CWIN may be written on the path passed as input 0, not on a path taken from the connection. */
// PDS-PROTOOP: congestion_algorithm_notify
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/wrong-object
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t wrong_object(picoquic_cnx_t *cnx)
{
	picoquic_path_t *other = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, 0);

	set_path(other, AK_PATH_CWIN, 0, 10 * 1460);
	return 0;
}
