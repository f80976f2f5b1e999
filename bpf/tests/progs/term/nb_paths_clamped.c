// SPDX-License-Identifier: MIT
/*
 * nb_paths clamped by the pluglet itself to 8: proven without any fact.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=135
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x2d,0)=100 get_cnx=0x2000 get_path=1
#include "../pquic/pquic.h"

#define MAX_PATHS 8

protoop_arg_t nb_paths_clamped(picoquic_cnx_t *cnx)
{
	uint64_t n = get_cnx(cnx, AK_CNX_NB_PATHS, 0), sent = 0;

	if (n > MAX_PATHS)
		n = MAX_PATHS;
#pragma nounroll
	for (uint64_t i = 0; i < n; i++) {
		picoquic_path_t *p = (picoquic_path_t *)get_cnx(cnx, AK_CNX_PATH, (uint16_t)i);

		sent += get_path(p, AK_PATH_NB_PKT_SENT, 0);
	}
	return sent;
}
