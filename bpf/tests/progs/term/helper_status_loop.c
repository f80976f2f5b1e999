// SPDX-License-Identifier: MIT
/*
 * A loop that exits only when a helper reports success: if reserve_frames
 * keeps failing, it spins.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=17
// PDS-EXPECT: rule=termination/helper-status-loop
// PDS-RUN: reserve_frames=1
#include "../pquic/pquic.h"

protoop_arg_t helper_status_loop(picoquic_cnx_t *cnx)
{
	uint64_t tries = 0;

#pragma nounroll
	while (reserve_frames(cnx, 1, NULL) != 0)
		tries++;
	return tries;
}
