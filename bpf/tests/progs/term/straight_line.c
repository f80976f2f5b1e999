// SPDX-License-Identifier: MIT
/*
 * Straight-line code: getters, arithmetic and a setter, no branch back.
 * The bound is the longest path, here the one that takes the "then" branch.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=26
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=10 get_cnx(0x00,1)=3
#include "../pquic/pquic.h"

protoop_arg_t straight_line(picoquic_cnx_t *cnx)
{
	uint64_t a = PQUIC_INPUT(cnx, 0);
	uint64_t b = PQUIC_INPUT(cnx, 1);
	uint64_t r = a * 3 + (b >> 1);

	if (a > b)
		r ^= picoquic_current_time();
	PQUIC_OUTPUT(cnx, 0, r);
	return r & 0xff;
}
