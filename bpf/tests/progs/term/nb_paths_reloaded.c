// SPDX-License-Identifier: MIT
/*
 * The getter is called again in every test (i < get_cnx(nb_paths)), as real
 * plugins write it; the fact bounds every answer.
 */
// PDS-EXPECT: verdict=proven-assuming
// PDS-EXPECT: worst=298
// PDS-EXPECT: tight
// PDS-FACT: range get_cnx AK_CNX_NB_PATHS <= 16
// PDS-RUN: get_cnx(0x2d,0)=16 get_cnx=0x2000 get_path=10
#include "../pquic/pquic.h"

protoop_arg_t nb_paths_reloaded(picoquic_cnx_t *cnx)
{
	uint64_t rtt = 0;

#pragma nounroll
	for (uint64_t i = 0; i < get_cnx(cnx, AK_CNX_NB_PATHS, 0); i++) {
		picoquic_path_t *p = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		rtt += get_path(p, AK_PATH_SMOOTHED_RTT, 0);
	}
	return rtt;
}
