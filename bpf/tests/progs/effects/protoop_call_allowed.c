// SPDX-License-Identifier: MIT
/* Runs a protoop its spec allows; the callee's allowed write becomes the caller's, which its spec allows too. */
// PDS-PROTOOP: caller_protoop
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_cnx:AK_CNX_LATEST_PROGRESS_TIME@cnx
#include "../pquic/pquic.h"

protoop_arg_t protoop_call_allowed(picoquic_cnx_t *cnx)
{
	protoop_params_t pp = {0};

	return plugin_run_protoop(cnx, &pp, "callee_protoop", NULL);
}
