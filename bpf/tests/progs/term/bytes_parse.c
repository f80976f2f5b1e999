// SPDX-License-Identifier: MIT
/*
 * Scanning a byte buffer in plugin memory whose length comes from an input
 * clamped to 128; each byte is loaded with a narrow load.  Zero bytes take the
 * longer path, so the worst case is an all-zero buffer.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1299
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=arena get_cnx(0x00,1)=1000
#include "../pquic/pquic.h"

protoop_arg_t bytes_parse(picoquic_cnx_t *cnx)
{
	const uint8_t *bytes = (const uint8_t *)PQUIC_INPUT(cnx, 0);
	uint64_t len = PQUIC_INPUT(cnx, 1), nonzero = 0;

	if (len > 128)
		len = 128;
#pragma nounroll
	for (uint64_t i = 0; i < len; i++)
		nonzero += bytes[i] != 0;
	return nonzero;
}
