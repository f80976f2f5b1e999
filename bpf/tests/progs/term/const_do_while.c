// SPDX-License-Identifier: MIT
/*
 * A do-while loop: the body runs before the first test, 25 times in all.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=205
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=2
#include "../pquic/pquic.h"

protoop_arg_t const_do_while(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, x = 1;

#pragma nounroll
	do {
		x = x * 31 + get_cnx(cnx, AK_CNX_NB_SPURIOUS, 0);
		i++;
	} while (i != 25);
	return x;
}
