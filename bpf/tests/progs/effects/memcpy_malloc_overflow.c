// SPDX-License-Identifier: MIT
/* Copies 64 bytes into a 16-byte allocation: not proven to stay in plugin memory. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=unknown
// PDS-EFFECTS: rule=effects/write-outside-plugin-memory
// PDS-EFFECTS: line=16
#include "../pquic/pquic.h"

protoop_arg_t memcpy_malloc_overflow(picoquic_cnx_t *cnx)
{
	uint8_t *buf = my_malloc(cnx, 16);
	uint8_t *bytes = (uint8_t *)PQUIC_INPUT(cnx, 0);

	if (!buf)
		return 1;
	my_memcpy(buf, bytes, 64);
	return 0;
}
