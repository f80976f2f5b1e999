// SPDX-License-Identifier: MIT
/* update_rtt may write LATEST_PROGRESS_TIME on the connection, not IS_0RTT_ACCEPTED. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/key-not-allowed
// PDS-EFFECTS: line=12
#include "../pquic/pquic.h"

protoop_arg_t key_outside_spec(picoquic_cnx_t *cnx)
{
	set_cnx(cnx, AK_CNX_LATEST_PROGRESS_TIME, 0, picoquic_current_time());
	set_cnx(cnx, AK_CNX_IS_0RTT_ACCEPTED, 0, 1);
	return 0;
}
