// SPDX-License-Identifier: MIT
/* update_rtt declares output 0 only; output 1 is not its to write. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/key-not-allowed
// PDS-EFFECTS: line=11
#include "../pquic/pquic.h"

protoop_arg_t output_undeclared(picoquic_cnx_t *cnx)
{
	PQUIC_OUTPUT(cnx, 1, 7);
	return 0;
}
