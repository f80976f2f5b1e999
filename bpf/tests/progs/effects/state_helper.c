// SPDX-License-Identifier: MIT
/* reserve_frames changes host state; update_rtt does not grant it. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/helper-not-allowed
// PDS-EFFECTS: line=11
#include "../pquic/pquic.h"

protoop_arg_t state_helper(picoquic_cnx_t *cnx)
{
	return (protoop_arg_t)reserve_frames(cnx, 1, NULL);
}
