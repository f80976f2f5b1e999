// SPDX-License-Identifier: MIT
/*
 * A goto into the middle of a loop body gives the cycle two entries: an
 * irreducible cycle, which has no single loop head for a bound.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/irreducible
#include "../pquic/pquic.h"

protoop_arg_t irreducible(picoquic_cnx_t *cnx)
{
	uint64_t i = 0, acc = 0;

	if (PQUIC_INPUT(cnx, 0) & 1)
		goto middle;
top:
	acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	acc *= get_cnx(cnx, AK_CNX_INPUT, 3);
	set_cnx(cnx, AK_CNX_OUTPUT, 1, acc);
	acc -= get_cnx(cnx, AK_CNX_INPUT, 4);
middle:
	acc ^= get_cnx(cnx, AK_CNX_INPUT, 2);
	set_cnx(cnx, AK_CNX_OUTPUT, 0, acc);
	acc += get_cnx(cnx, AK_CNX_INPUT, 5);
	set_cnx(cnx, AK_CNX_OUTPUT, 2, acc);
	if (++i < 10)
		goto top;
	return acc;
}
