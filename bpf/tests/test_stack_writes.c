// SPDX-License-Identifier: MIT
/*
 * What may write the stack, seen from the loop bounds: a PQUIC helper given a
 * block on the stack that holds a stack address (protoop_params_t's outputv)
 * may write where that address points, so a bound kept there is not kept; a
 * store at a loop head through a register the back edge points at the stack.
 */
#include <stdint.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "mk/cunit.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})

/*
 * outs[0] = 5 at r10-56; the parameter block at r10-40..-8, its outputv at
 * r10-16 holding &outs (or 0); then
 *   for (i = 0; i < outs[0]; i++) plugin_run_protoop(cnx, &pp, 0, 0);
 */
static struct pds_chk_term_report *analyse(int outputv_on_stack)
{
	struct pds_insn v[] = {
		INSN(0xbf, 6, 1, 0, 0),
		INSN(0x7a, 10, 0, -56, 5),
		INSN(0xbf, 1, 10, 0, 0),
		INSN(0x07, 1, 0, 0, -56),
		outputv_on_stack ? INSN(0x7b, 10, 1, -16, 0) : INSN(0x7a, 10, 0, -16, 0),
		INSN(0xb7, 7, 0, 0, 0),
		INSN(0xbf, 1, 6, 0, 0),
		INSN(0xbf, 2, 10, 0, 0),
		INSN(0x07, 2, 0, 0, -40),
		INSN(0xb7, 3, 0, 0, 0),
		INSN(0xb7, 4, 0, 0, 0),
		INSN(0xb7, 5, 0, 0, 0),
		INSN(0x85, 0, 0, 0, 0),
		INSN(0x07, 7, 0, 0, 1),
		INSN(0x79, 1, 10, -56, 0),
		INSN(0x2d, 1, 7, -10, 0),
		INSN(0xb7, 0, 0, 0, 0),
		INSN(0x95, 0, 0, 0, 0),
	};
	const char *helpers[sizeof(v) / sizeof(v[0])] = {[12] = "plugin_run_protoop"};
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *r = NULL;
	struct pds_chk_obj *obj = NULL;

	CU_ASSERT_EQUAL_FATAL(
		pds_chk_obj_from_insns(v, sizeof(v) / sizeof(v[0]), helpers, "t", &oo, &obj), 0);
	CU_ASSERT_EQUAL_FATAL(pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &r), 0);
	pds_chk_obj_free(obj);
	return r;
}

/* The host may write any count into outs[0]: no small bound. */
static void test_address_in_parameter_block(void)
{
	struct pds_chk_term_report *r = analyse(1);

	CU_ASSERT(r->verdict >= PDS_VERDICT_UNKNOWN || r->bound > (1ull << 32));
	pds_chk_term_report_free(r);
}

/* The same block without a stack address in it: 5 iterations, as before. */
static void test_plain_parameter_block(void)
{
	struct pds_chk_term_report *r = analyse(0);

	CU_ASSERT_EQUAL(r->verdict, PDS_VERDICT_PROVEN);
	CU_ASSERT(r->bound >= 6 + 5 * 10);
	CU_ASSERT(r->bound <= 2 * (6 + 5 * 10) + 10);
	pds_chk_term_report_free(r);
}

/*
 * A loop whose head is the program's first instruction: the head's state joins
 * the state the program starts in with the back edge's. On the way back r1 is
 * r10-8, so the store through r1 at the head resets the counter kept there:
 *   0: *(u64 *)(r1 + 0) = 0; r3 = *(u64 *)(r10 - 8); r3 += 1;
 *      *(u64 *)(r10 - 8) = r3; r1 = r10 - 8; if r3 < 10 goto 0
 * The counter is 1 at every test: the loop never ends, in both profiles.
 */
static void test_head_at_first_instruction(void)
{
	struct pds_insn v[] = {
		INSN(0x7a, 1, 0, 0, 0),	  INSN(0x79, 3, 10, -8, 0), INSN(0x07, 3, 0, 0, 1),
		INSN(0x7b, 10, 3, -8, 0), INSN(0xbf, 1, 10, 0, 0),  INSN(0x07, 1, 0, 0, -8),
		INSN(0xa5, 3, 0, -7, 10), INSN(0xb7, 0, 0, 0, 0),   INSN(0x95, 0, 0, 0, 0),
	};

	for (int k = 0; k < 2; k++) {
		struct pds_chk_open_opts oo = {.sz = sizeof(oo),
					       .profile = k ? PDS_CHK_PROFILE_KERNEL
							    : PDS_CHK_PROFILE_PQUIC};
		struct pds_chk_term_opts to = {.sz = sizeof(to)};
		struct pds_chk_term_report *r = NULL;
		struct pds_chk_obj *obj = NULL;

		CU_ASSERT_EQUAL_FATAL(
			pds_chk_obj_from_insns(v, sizeof(v) / sizeof(v[0]), NULL, "t", &oo, &obj),
			0);
		CU_ASSERT_EQUAL_FATAL(pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &r), 0);
		CU_ASSERT(r->verdict >= PDS_VERDICT_UNKNOWN);
		CU_ASSERT_EQUAL(r->nloops, 1);
		if (r->nloops == 1) {
			CU_ASSERT_EQUAL(r->loops[0].header, 0);
			CU_ASSERT(r->loops[0].verdict >= PDS_VERDICT_UNKNOWN);
		}
		pds_chk_term_report_free(r);
		pds_chk_obj_free(obj);
	}
}

PDS_TEST_MAIN("stack writes and loop bounds", PDS_TEST(test_address_in_parameter_block),
	      PDS_TEST(test_plain_parameter_block), PDS_TEST(test_head_at_first_instruction))
