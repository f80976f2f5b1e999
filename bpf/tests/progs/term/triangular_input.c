// SPDX-License-Identifier: MIT
/*
 * A triangular nest under an input-bounded outer loop: n is an input clamped
 * to 30 and the inner loop runs i times for each i below n, 435 inner
 * iterations at most.  The outer loop exits on i == n; its bound gives its
 * counters' ranges at its head, and clang keeps i + 1 in a second register
 * that bounds the inner loop: its range at the inner head comes from the outer
 * loop's symbolic pass (the same register, unchanged since the outer head).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=6329
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=30 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t triangular_input(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0), acc = 0;

	if (n > 30)
		n = 30;
#pragma nounroll
	for (uint64_t i = 0; i != n; i++)
#pragma nounroll
		for (uint64_t j = 0; j <= i; j++)
			acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)j);
	return acc;
}
