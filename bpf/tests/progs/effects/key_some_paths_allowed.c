// SPDX-License-Identifier: MIT
/* The benign twin: the guarded write is one the spec allows. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_cnx:AK_CNX_LATEST_PROGRESS_TIME@cnx
#include "../pquic/pquic.h"

protoop_arg_t key_some_paths_allowed(picoquic_cnx_t *cnx)
{
	uint64_t now = picoquic_current_time();

	if (now > 10000 && now < 10003)
		set_cnx(cnx, AK_CNX_LATEST_PROGRESS_TIME, 0, now);
	return 0;
}
