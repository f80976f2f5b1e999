// SPDX-License-Identifier: MIT
/*
 * The exit test sits in the middle of the body (work before and after it), so
 * the loop head is not the block that tests: the textual back jump is not the
 * test.  24 full iterations, then the first half once more.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=344
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t exit_mid_body(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, acc = 0;

#pragma nounroll
	for (;;) {
		acc += get_cnx(cnx, AK_CNX_INPUT, 0);
		if (i >= 24)
			break;
		acc ^= get_cnx(cnx, AK_CNX_INPUT, 1);
		i++;
	}
	return acc;
}
