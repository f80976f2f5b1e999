// SPDX-License-Identifier: MIT
/*
 * Kernel callbacks in the termination analysis: a subprogram run by bpf_loop
 * counts nr_loops times (1 << 23 at most), a callback that never ends makes
 * the program fail, one that runs itself again and one run once per map
 * element leave it unknown, and one also called directly starts from unknown
 * arguments
 * (bpf/tests/progs/kernel/callbacks.c).
 */
#include <stdlib.h>
#include <string.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

static struct pds_chk_obj *obj;

static struct pds_chk_term_report *term(const char *name)
{
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *r = NULL;

	if (!obj) {
		struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_KERNEL};
		char *path = pds_t_prog_path("kernel/callbacks");

		CU_ASSERT_PTR_NOT_NULL_FATAL(path);
		CU_ASSERT_EQUAL_FATAL(pds_chk_obj_open(path, &oo, &obj), 0);
		free(path);
	}
	for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
		const struct pds_chk_prog *p = pds_chk_obj_prog(obj, i);

		if (strcmp(pds_chk_prog_name(p), name))
			continue;
		CU_ASSERT_EQUAL_FATAL(pds_chk_termination(p, &to, &r), 0);
		return r;
	}
	CU_FAIL_FATAL("no such program");
	return NULL;
}

/*
 * sum100 runs 2 + 99 * 7 + 6 + 3 = 704 instructions; the caller 7 around the
 * call. Without the callbacks the bound was 7.
 */
static void test_loop_counts_callback(void)
{
	struct pds_chk_term_report *r = term("cb_loop_1000");

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_PROVEN);
	CU_ASSERT(r->bound >= 7 + 1000ull * 704);
	CU_ASSERT(r->bound <= 2 * (7 + 1000ull * 704));
	pds_chk_term_report_free(r);
}

/* nr_loops from the packet: the kernel runs at most 1 << 23 iterations. */
static void test_loop_count_capped(void)
{
	struct pds_chk_term_report *r = term("cb_loop_len");

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_PROVEN);
	CU_ASSERT(r->bound >= 7 + (1ull << 23) * 704);
	CU_ASSERT(r->bound <= 2 * (7 + (1ull << 23) * 704));
	pds_chk_term_report_free(r);
}

static void test_callback_never_ends(void)
{
	struct pds_chk_term_report *r = term("cb_loop_forever");

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_FAILS);
	CU_ASSERT_EQUAL(r->bound, UINT64_MAX);
	pds_chk_term_report_free(r);
}

static void test_callback_cycle_unknown(void)
{
	struct pds_chk_term_report *r = term("cb_loop_again");

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rule);
	CU_ASSERT_STRING_EQUAL(r->rule, "termination/recursion");
	CU_ASSERT_EQUAL(r->bound, UINT64_MAX);
	pds_chk_term_report_free(r);
}

static void test_for_each_unknown(void)
{
	struct pds_chk_term_report *r = term("cb_for_each");

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rule);
	CU_ASSERT_STRING_EQUAL(r->rule, "termination/callback");
	CU_ASSERT_EQUAL(r->bound, UINT64_MAX);
	pds_chk_term_report_free(r);
	pds_chk_obj_free(obj);
	obj = NULL;
}

/*
 * upto is called directly with 3 and run by bpf_loop with indices up to 999,
 * of which it loops over those up to 50: its arguments are not the direct
 * call's alone, so its loop may run 50 times per call (its address is taken:
 * it starts from unknown arguments).
 */
static void test_callback_called_directly(void)
{
	struct pds_chk_term_report *r = term("cb_also_direct");

	CU_ASSERT_EQUAL(r->nloops, 1);
	for (size_t i = 0; i < r->nloops; i++)
		CU_ASSERT(r->loops[i].verdict > PDS_VERDICT_PROVEN_ASSUMING ||
			  r->loops[i].max_iter >= 49);
	CU_ASSERT(r->bound >= 1000ull * 50);
	pds_chk_term_report_free(r);
}

PDS_TEST_MAIN("termination of kernel callbacks", PDS_TEST(test_loop_counts_callback),
	      PDS_TEST(test_loop_count_capped), PDS_TEST(test_callback_never_ends),
	      PDS_TEST(test_callback_cycle_unknown), PDS_TEST(test_for_each_unknown),
	      PDS_TEST(test_callback_called_directly))
