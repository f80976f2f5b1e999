// SPDX-License-Identifier: MIT
/* my_memset into plugin memory from my_malloc, inside the allocation. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

protoop_arg_t memset_malloc(picoquic_cnx_t *cnx)
{
	uint8_t *buf = my_malloc(cnx, 64);

	if (!buf)
		return 1;
	my_memset(buf, 0, 64);
	return 0;
}
