// SPDX-License-Identifier: MIT
/*
 * Source positions across files: a pluglet whose body mixes its own lines, a
 * bounded loop and a helper inlined from lines_inline.h.  test_lines.c compares
 * the BTF and DWARF line tables of this object with the source text and with
 * llvm-dwarfdump.
 */
#include "lines_inline.h"

protoop_arg_t lines_inline(picoquic_cnx_t *cnx)
{
	uint64_t n = PQUIC_INPUT(cnx, 0);
	uint64_t acc = 0;

	if (n > 16)
		n = 16;
	for (uint64_t i = 0; i < n; i++)
		acc += lines_scale(PQUIC_INPUT(cnx, 1), i);
	PQUIC_OUTPUT(cnx, 0, acc);
	return acc > 1000;
}
