// SPDX-License-Identifier: MIT
/* A plain store through the packet pointer passed as input 0: host memory. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/host-store
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t raw_store_host(picoquic_cnx_t *cnx)
{
	volatile uint64_t *bytes = (volatile uint64_t *)PQUIC_INPUT(cnx, 0);

	bytes[1] = 0;
	return 0;
}
