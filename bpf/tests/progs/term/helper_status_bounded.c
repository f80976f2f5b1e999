// SPDX-License-Identifier: MIT
/*
 * A retry loop that exits on a helper's status but also counts: at most 8 tries.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=125
// PDS-EXPECT: tight
// PDS-RUN: reserve_frames=1
#include "../pquic/pquic.h"

protoop_arg_t helper_status_bounded(picoquic_cnx_t *cnx)
{
	int tries;

#pragma nounroll
	for (tries = 0; tries < 8; tries++)
		if (reserve_frames(cnx, 1, NULL) == 0)
			break;
	return (protoop_arg_t)tries;
}
