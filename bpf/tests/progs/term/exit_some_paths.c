// SPDX-License-Identifier: MIT
/*
 * The counting exit is duplicated on the two paths around the loop (each arm
 * increments and tests): every path still meets a test of the same counter.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=608
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=2
#include "../pquic/pquic.h"

protoop_arg_t exit_some_paths(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, even = 0, odd = 0;

#pragma nounroll
	for (;;) {
		uint64_t v = get_cnx(cnx, AK_CNX_INPUT, 0);

		if (v & 1) {
			odd += v;
			if (++i >= 30)
				break;
		} else {
			even += v;
			set_cnx(cnx, AK_CNX_OUTPUT, 0, even);
			if (++i >= 30)
				break;
		}
	}
	return even - odd;
}
