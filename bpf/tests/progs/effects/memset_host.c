// SPDX-License-Identifier: MIT
/* my_memset over the bytes passed as input 0: host memory. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/write-outside-plugin-memory
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t memset_host(picoquic_cnx_t *cnx)
{
	uint8_t *bytes = (uint8_t *)PQUIC_INPUT(cnx, 0);

	my_memset(bytes, 0, 32);
	return 0;
}
