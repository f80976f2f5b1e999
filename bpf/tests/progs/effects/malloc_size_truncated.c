// SPDX-License-Identifier: MIT
/*
 * my_malloc takes a 32-bit size: a 64-bit request of 4 GiB + 32 bytes gets 32
 * bytes, so my_memset (which checks no bounds) 800 bytes in writes outside
 * the allocation.
 */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=unknown
// PDS-EFFECTS: rule=effects/write-outside-plugin-memory
// PDS-EFFECTS: line=22
#include "../pquic/pquic.h"

/* the same helper, given a 64-bit register as the size */
extern void *my_malloc_wide(picoquic_cnx_t *cnx, uint64_t size) __asm__("my_malloc");

protoop_arg_t malloc_size_truncated(picoquic_cnx_t *cnx)
{
	uint8_t *state = my_malloc_wide(cnx, 0x100000020ull);

	if (!state)
		return 1;
	my_memset(state + 800, 0, 8);
	return 0;
}
