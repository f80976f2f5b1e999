// SPDX-License-Identifier: MIT
/*
 * A constant outer loop around an inner helper-status loop: the report must
 * name the inner loop.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/helper-status-loop
// PDS-RUN: reserve_frames=3
#include "../pquic/pquic.h"

protoop_arg_t helper_status_nested(picoquic_cnx_t *cnx)
{
	uint64_t total = 0;

#pragma nounroll
	for (int i = 0; i < 4; i++) {
		total += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
#pragma nounroll
		while (reserve_frames(cnx, (uint8_t)i, NULL) != 0)
			total++;
	}
	return total;
}
