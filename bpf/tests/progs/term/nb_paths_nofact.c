// SPDX-License-Identifier: MIT
/*
 * The same path loop with no declared fact: nb_paths is any 64-bit value, the
 * loop still ends (i < n with a unit step), with a bound from the type's range.
 * The scenario runs 16 paths.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=235
// PDS-RUN: get_cnx(0x2d,0)=16 get_cnx=0x2000 get_path=1500
#include "../pquic/pquic.h"

protoop_arg_t nb_paths_nofact(picoquic_cnx_t *cnx)
{
	uint64_t n = get_cnx(cnx, AK_CNX_NB_PATHS, 0), cwin = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++) {
		picoquic_path_t *p = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		cwin += get_path(p, AK_PATH_CWIN, 0);
	}
	return cwin;
}
