// SPDX-License-Identifier: MIT
/* my_memcpy does no bounds check: copying into the packet passed as input 0 writes host memory. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/write-outside-plugin-memory
// PDS-EFFECTS: line=14
#include "../pquic/pquic.h"

protoop_arg_t memcpy_host(picoquic_cnx_t *cnx)
{
	uint8_t *bytes = (uint8_t *)PQUIC_INPUT(cnx, 0);
	char junk[16] = "0123456789abcde";

	my_memcpy(bytes, junk, sizeof(junk));
	return 0;
}
