// SPDX-License-Identifier: MIT
/* A write outside the spec on a rare path only is still a violation. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/key-not-allowed
// PDS-EFFECTS: line=14
#include "../pquic/pquic.h"

protoop_arg_t key_some_paths(picoquic_cnx_t *cnx)
{
	uint64_t now = picoquic_current_time();

	if (now > 10000 && now < 10003)
		set_cnx(cnx, AK_CNX_STATE, 0, 0);
	return 0;
}
