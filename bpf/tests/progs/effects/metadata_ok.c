// SPDX-License-Identifier: MIT
/* Per-plugin slots kept by the host are the plugin's own state. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

protoop_arg_t metadata_ok(picoquic_cnx_t *cnx)
{
	set_cnx_metadata(cnx, 0, get_cnx_metadata(cnx, 0) + 1);
	return 0;
}
