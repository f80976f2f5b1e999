// SPDX-License-Identifier: MIT
/*
 * A while loop with a constant bound and an unsigned 64-bit counter.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=187
// PDS-EXPECT: tight
// PDS-RUN: get_path=7
#include "../pquic/pquic.h"

protoop_arg_t const_while(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	uint64_t i = 0, sum = 0;

#pragma nounroll
	while (i < 20) {
		sum += get_path(path, AK_PATH_CWIN, 0) >> 3;
		i++;
	}
	return sum;
}
