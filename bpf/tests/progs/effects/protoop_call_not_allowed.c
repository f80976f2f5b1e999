// SPDX-License-Identifier: MIT
/* update_rtt's spec allows running no protoop. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/protoop-not-allowed
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t protoop_call_not_allowed(picoquic_cnx_t *cnx)
{
	protoop_params_t pp = {0};

	return plugin_run_protoop(cnx, &pp, "callee_protoop", NULL);
}
