// SPDX-License-Identifier: MIT
/* retransmit_needed_by_packet declares three outputs: writing them is always allowed. */
// PDS-PROTOOP: retransmit_needed_by_packet
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_cnx:AK_CNX_OUTPUT@cnx
#include "../pquic/pquic.h"

protoop_arg_t outputs_declared(picoquic_cnx_t *cnx)
{
	uint64_t now = PQUIC_INPUT(cnx, 1);

	PQUIC_OUTPUT(cnx, 0, 0);
	PQUIC_OUTPUT(cnx, 1, 2);
	PQUIC_OUTPUT(cnx, 2, now + 1000);
	return 0;
}
