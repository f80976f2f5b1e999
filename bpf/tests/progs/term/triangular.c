// SPDX-License-Identifier: MIT
/*
 * A triangular nest: the inner bound is the outer counter (at most 19), so
 * 190 inner iterations run while the product of the bounds is 20 x 19.  The
 * outer loop exits on i == 20, so the intervals alone leave i unbounded inside
 * it; the outer loop's bound says i is at most 20 at its head, and the second
 * round of the fixpoint uses that.  Products of bounds promise twice the worst
 * case of a triangle, which is what tight asks for.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1832
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t triangular(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < 20; i++)
#pragma nounroll
		for (uint64_t j = 0; j < i; j++)
			acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)j);
	return acc;
}
