// SPDX-License-Identifier: MIT
/* The protoop name comes from plugin memory: which protoop runs cannot be known. */
// PDS-PROTOOP: caller_protoop
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/protoop-not-constant
// PDS-EFFECTS: line=14
#include "../pquic/pquic.h"

protoop_arg_t protoop_call_not_constant(picoquic_cnx_t *cnx)
{
	protoop_params_t pp = {0};
	char *name = (char *)get_cnx_metadata(cnx, 0);

	return plugin_run_protoop(cnx, &pp, name, NULL);
}
