// SPDX-License-Identifier: MIT
/*
 * The second round of the termination analysis: what a loop's bound proves of
 * its counters at its head narrows the loops inside it (a triangular nest),
 * and never where the counter may wrap.
 *
 * Triangular, the outer loop exiting on equality (intervals alone cannot bound
 * i inside it):
 *   0: r0 = 0
 *   1: r7 = START                      i
 *   2: r8 = 0                          outer head: j = 0
 *   3: if r8 >= r7 goto 6              inner head: while (j < i)
 *   4: r8 += 1
 *   5: goto 3
 *   6: r7 += 1
 *   7: if r7 == END goto 9
 *   8: goto 2
 *   9: exit
 * From START 0 to END 20: i is 0..19 at the outer head, the inner loop runs i
 * times, and a run executes 2 + sum(3i + 5 for i < 20) - 1 + 1 = 672
 * instructions.  From START -3 to END 2, i passes 2^64 - 3 first: the inner
 * loop may run that often, and only the signed view of i is bounded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "mk/cunit.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})

static struct pds_chk_term_report *triangular(int32_t start, int32_t end, bool kernel)
{
	const struct pds_insn v[] = {
		INSN(0xb7, 0, 0, 0, 0), INSN(0xb7, 7, 0, 0, start), INSN(0xb7, 8, 0, 0, 0),
		INSN(0x3d, 8, 7, 2, 0), INSN(0x07, 8, 0, 0, 1),	    INSN(0x05, 0, 0, -3, 0),
		INSN(0x07, 7, 0, 0, 1), INSN(0x15, 7, 0, 1, end),   INSN(0x05, 0, 0, -7, 0),
		INSN(0x95, 0, 0, 0, 0),
	};
	struct pds_chk_open_opts oo = {.sz = sizeof(oo),
				       .profile = kernel ? PDS_CHK_PROFILE_KERNEL
							 : PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *r = NULL;
	struct pds_chk_obj *obj = NULL;

	CU_ASSERT_EQUAL_FATAL(
		pds_chk_obj_from_insns(v, sizeof(v) / sizeof(v[0]), NULL, "tri", &oo, &obj), 0);
	CU_ASSERT_EQUAL_FATAL(pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &r), 0);
	pds_chk_obj_free(obj);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(r->nloops, 2);
	return r;
}

static const struct pds_chk_loop_report *loop_at(const struct pds_chk_term_report *r,
						 uint32_t header)
{
	for (size_t i = 0; i < r->nloops; i++)
		if (r->loops[i].header == header)
			return &r->loops[i];
	CU_FAIL("no loop at the expected head");
	return &r->loops[0];
}

static void test_triangular_equality_exit(void)
{
	for (int k = 0; k < 2; k++) {
		struct pds_chk_term_report *r = triangular(0, 20, k);
		const struct pds_chk_loop_report *outer = loop_at(r, 2), *inner = loop_at(r, 3);

		CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_PROVEN);
		CU_ASSERT_EQUAL(outer->max_iter, 19);
		CU_ASSERT_EQUAL(inner->verdict, PDS_VERDICT_PROVEN);
		/* at most 19 in truth; the bound of i at the head is 19 */
		CU_ASSERT(inner->max_iter >= 19 && inner->max_iter <= 20);
		CU_ASSERT(r->bound >= 672);
		CU_ASSERT(r->bound <= 2 * 672);
		pds_chk_term_report_free(r);
	}
}

static void test_triangular_wrapping_counter(void)
{
	for (int k = 0; k < 2; k++) {
		struct pds_chk_term_report *r = triangular(-3, 2, k);
		const struct pds_chk_loop_report *outer = loop_at(r, 2), *inner = loop_at(r, 3);

		CU_ASSERT_EQUAL(outer->max_iter, 4);
		/* i = 2^64 - 3 is unsigned-compared: the inner loop may run 2^64 - 3 times */
		CU_ASSERT(inner->verdict > PDS_VERDICT_PROVEN_ASSUMING ||
			  inner->max_iter >= UINT64_MAX - 3);
		CU_ASSERT_EQUAL(r->bound, UINT64_MAX);
		pds_chk_term_report_free(r);
	}
}

PDS_TEST_MAIN("head invariants of loop counters", PDS_TEST(test_triangular_equality_exit),
	      PDS_TEST(test_triangular_wrapping_counter))
