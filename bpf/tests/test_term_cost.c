// SPDX-License-Identifier: MIT
/*
 * The worst-case cost of nests deeper than any the corpus compiles: every loop
 * of a nest counts, however deep it sits, and the bound stays at least what a
 * run executes.
 *
 * A nest of depth D: D - 1 enclosing loops whose back edges are never taken
 * (each runs its body once), around a loop of 1000 iterations:
 *   r0 = 0; r2 = 0
 *   L1: r0 += 1   ...   L(D-1): r0 += 1
 *   r1 = 0
 *   Li: r1 += 1; if r1 < 1000 goto Li
 *   if r2 > 5 goto L(D-1)   ...   if r2 > 5 goto L1
 *   exit
 * A run executes 2 + (D - 1) + 1 + 2000 + (D - 1) + 1 instructions.
 */
#include <stdint.h>
#include <stdlib.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "mk/cunit.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})

static struct pds_chk_term_report *nest(int depth, size_t *ninsns)
{
	struct pds_insn *v = calloc((size_t)(2 * depth + 8), sizeof(*v));
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_KERNEL};
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *r = NULL;
	struct pds_chk_obj *obj = NULL;
	int n = 0, head[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_FATAL(depth <= 256);
	v[n++] = INSN(0xb7, 0, 0, 0, 0); /* r0 = 0 */
	v[n++] = INSN(0xb7, 2, 0, 0, 0); /* r2 = 0 */
	for (int k = 0; k < depth - 1; k++) {
		head[k] = n;
		v[n++] = INSN(0x07, 0, 0, 0, 1); /* r0 += 1 */
	}
	v[n++] = INSN(0xb7, 1, 0, 0, 0);     /* r1 = 0 */
	v[n++] = INSN(0x07, 1, 0, 0, 1);     /* r1 += 1 */
	v[n++] = INSN(0xa5, 1, 0, -2, 1000); /* if r1 < 1000 goto -2 */
	for (int k = depth - 2; k >= 0; k--) {
		v[n] = INSN(0x25, 2, 0, (int16_t)(head[k] - n - 1), 5); /* if r2 > 5 goto Lk */
		n++;
	}
	v[n++] = INSN(0x95, 0, 0, 0, 0);
	*ninsns = (size_t)n;
	CU_ASSERT_EQUAL_FATAL(pds_chk_obj_from_insns(v, (size_t)n, NULL, "nest", &oo, &obj), 0);
	CU_ASSERT_EQUAL_FATAL(pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &r), 0);
	pds_chk_obj_free(obj);
	free(v);
	return r;
}

static void check_depth(int depth)
{
	uint64_t worst = 2 + (uint64_t)(depth - 1) + 1 + 2000 + (uint64_t)(depth - 1) + 1;
	size_t n;
	struct pds_chk_term_report *r = nest(depth, &n);
	uint32_t deepest = 0;

	for (size_t i = 0; i < r->nloops; i++)
		deepest = r->loops[i].depth > deepest ? r->loops[i].depth : deepest;
	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_PROVEN);
	CU_ASSERT_EQUAL(r->nloops, (size_t)depth);
	CU_ASSERT_EQUAL(deepest, (uint32_t)depth);
	CU_ASSERT(r->bound >= worst);
	CU_ASSERT(r->bound <= 2 * worst);
	if (r->bound < worst || r->bound > 2 * worst)
		printf("\n  depth %d: bound %llu, a run executes %llu\n", depth,
		       (unsigned long long)r->bound, (unsigned long long)worst);
	pds_chk_term_report_free(r);
}

static void test_shallow_nest(void)
{
	check_depth(4);
}

static void test_deep_nests(void)
{
	static const int depths[] = {63, 64, 65, 66, 100, 200};

	for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++)
		check_depth(depths[i]);
}

PDS_TEST_MAIN("termination cost", PDS_TEST(test_shallow_nest), PDS_TEST(test_deep_nests))
