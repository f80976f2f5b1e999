// SPDX-License-Identifier: MIT
/*
 * before_sending_packet (pre observer): fold the packet bytes into a checksum
 * kept in connection metadata.  §5: inputs bytes, bytes_max; no writes.  The
 * bytes are copied into the stack with my_memcpy in chunks; the loop bound
 * comes from the input, capped.
 */
#include "pquic.h"

#define CHUNK 64
#define MAX_BYTES 1500

protoop_arg_t before_sending_packet(picoquic_cnx_t *cnx)
{
	const uint8_t *bytes = (const uint8_t *)PQUIC_INPUT(cnx, 0);
	uint64_t bytes_max = PQUIC_INPUT(cnx, 1);
	uint8_t buf[CHUNK];
	uint64_t sum = get_cnx_metadata(cnx, 0);
	uint64_t done = 0;

	if (bytes_max > MAX_BYTES)
		bytes_max = MAX_BYTES;
	while (done < bytes_max) {
		uint64_t n = bytes_max - done;

		if (n > CHUNK)
			n = CHUNK;
		my_memcpy(buf, bytes + done, n);
		for (uint64_t i = 0; i < n; i++)
			sum = (sum << 5) + sum + buf[i];
		done += n;
	}
	set_cnx_metadata(cnx, 0, sum);
	return 0;
}
