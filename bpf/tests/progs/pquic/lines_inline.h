/* SPDX-License-Identifier: MIT */
/*
 * A helper inlined from a header, so that the line tables of lines_inline.c name
 * two files: rows of one function point into both.
 */
#ifndef PDS_TEST_LINES_INLINE_H
#define PDS_TEST_LINES_INLINE_H

#include "pquic.h"

static __attribute__((always_inline)) inline uint64_t lines_scale(uint64_t v, uint64_t k)
{
	if (k > 8)
		k = 8;
	return (v << k) - v;
}

#endif
