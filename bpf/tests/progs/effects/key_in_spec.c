// SPDX-License-Identifier: MIT
/* The benign twin of key_outside_spec: only the key update_rtt allows, and its output. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_cnx:AK_CNX_LATEST_PROGRESS_TIME@cnx,set_cnx:AK_CNX_OUTPUT@cnx
#include "../pquic/pquic.h"

protoop_arg_t key_in_spec(picoquic_cnx_t *cnx)
{
	set_cnx(cnx, AK_CNX_LATEST_PROGRESS_TIME, 0, picoquic_current_time());
	PQUIC_OUTPUT(cnx, 0, 1);
	return 0;
}
