// SPDX-License-Identifier: MIT
/*
 * A loop over the connection's paths, bounded by the getter nb_paths, with the
 * declared host fact nb_paths <= 16: proven under that assumption.
 */
// PDS-EXPECT: verdict=proven-assuming
// PDS-EXPECT: worst=235
// PDS-EXPECT: tight
// PDS-FACT: range get_cnx AK_CNX_NB_PATHS <= 16
// PDS-RUN: get_cnx(0x2d,0)=16 get_cnx=0x2000 get_path=1500
#include "../pquic/pquic.h"

protoop_arg_t nb_paths_fact(picoquic_cnx_t *cnx)
{
	uint64_t n = get_cnx(cnx, AK_CNX_NB_PATHS, 0), cwin = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++) {
		picoquic_path_t *p = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		cwin += get_path(p, AK_PATH_CWIN, 0);
	}
	return cwin;
}
