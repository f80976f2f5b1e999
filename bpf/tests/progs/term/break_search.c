// SPDX-License-Identifier: MIT
/*
 * A search that breaks out when a path matches: the worst case never matches
 * and runs all 64 iterations.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=905
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=0x999 get_cnx=0x100
#include "../pquic/pquic.h"

protoop_arg_t break_search(picoquic_cnx_t *cnx)
{
	uint64_t target = PQUIC_INPUT(cnx, 0);
	int found = -1;

#pragma nounroll
	for (int i = 0; i < 64; i++) {
		if (get_cnx(cnx, AK_CNX_PATH, (uint16_t)i) == target) {
			found = i;
			break;
		}
	}
	return (protoop_arg_t)found;
}
