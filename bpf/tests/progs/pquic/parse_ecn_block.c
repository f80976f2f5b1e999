// SPDX-License-Identifier: MIT
/*
 * parse_ecn_block (replace): three varint counters (ECT0, ECT1, CE) follow an
 * ACK_ECN frame's ranges.  §5: inputs bytes, bytes_max; no writes; output 0 is
 * where parsing stopped.  A loop with a constant bound and a helper inside.
 */
#include "pquic.h"

#define NB_ECN_COUNTERS 3

protoop_arg_t parse_ecn_block(picoquic_cnx_t *cnx)
{
	uint8_t *bytes = (uint8_t *)PQUIC_INPUT(cnx, 0);
	const uint8_t *bytes_max = (const uint8_t *)PQUIC_INPUT(cnx, 1);
	uint64_t counters[NB_ECN_COUNTERS];
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < NB_ECN_COUNTERS; i++) {
		if (!bytes)
			break;
		bytes = picoquic_varint_decode(bytes, bytes_max - bytes, &counters[i]);
	}
	if (bytes) {
		set_cnx_metadata(cnx, 1, counters[0]);
		set_cnx_metadata(cnx, 2, counters[1]);
		set_cnx_metadata(cnx, 3, counters[2]);
	}
	PQUIC_OUTPUT(cnx, 0, bytes);
	return bytes ? 0 : 1;
}
