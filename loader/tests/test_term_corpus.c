// SPDX-License-Identifier: MIT
/*
 * The termination corpus (bpf/tests/progs/term/ and kterm/, issue 3) against
 * both the interpreter and the analysis.
 *
 * Each program says in its source what it expects (util.h): a verdict, the true
 * worst case of a scenario that maximises the run, whether the bound must be
 * tight, the source line of the offending loop.  The interpreter half checks
 * that each written worst case is what a run really executes; the analysis half
 * checks pds_chk_termination's verdict, bound, loop reports and assumptions
 * against them, printing one line per program.
 */
#include <stdlib.h>
#include <string.h>

#include "mk/cunit.h"
#include "loader/tests/util.h"

static struct pds_t_case *cases;
static size_t ncases;

static void load_corpus(void)
{
	if (cases)
		return;
	CU_ASSERT_EQUAL_FATAL(pds_t_corpus_load(&cases, &ncases), 0);
}

/* The corpus covers what issue 3 asks for: enough programs, every verdict, both profiles. */
static void test_corpus_shape(void)
{
	size_t by_verdict[4] = {0}, kernel = 0, tight = 0, facts = 0, rules = 0;

	load_corpus();
	for (size_t i = 0; i < ncases; i++) {
		by_verdict[cases[i].verdict]++;
		kernel += cases[i].profile == PDS_CHK_PROFILE_KERNEL;
		tight += cases[i].tight;
		facts += cases[i].facts.nranges + cases[i].facts.nlists > 0;
		rules += cases[i].rule[0] != 0;
	}
	printf("  %zu programs: %zu proven, %zu proven-assuming, %zu unknown, %zu fails; "
	       "%zu kernel, %zu tight, %zu with facts\n",
	       ncases, by_verdict[0], by_verdict[1], by_verdict[2], by_verdict[3], kernel, tight,
	       facts);
	CU_ASSERT(ncases >= 55);
	for (int v = 0; v < 4; v++)
		CU_ASSERT(by_verdict[v] >= 3);
	CU_ASSERT(kernel >= 8);
	CU_ASSERT(tight >= 30);
	CU_ASSERT(facts >= 4);
	CU_ASSERT(rules >= 15);
}

/* Interpreter half: every written worst case is what a run of its scenario executes. */
static void test_worst_is_measured(void)
{
	load_corpus();
	CU_ASSERT_EQUAL(pds_t_corpus_measure(cases, ncases), 0);
}

/*
 * A non-proven loop report at the written line (with the written rule, when
 * given).  Recursion is a cycle of the call graph, not a loop: the program's own
 * rule must name it.
 */
static int loop_reported(const struct pds_t_case *c, const struct pds_chk_term_report *r)
{
	if (!strcmp(c->rule, "termination/recursion"))
		return r->rule && !strcmp(r->rule, c->rule);
	for (size_t i = 0; i < r->nloops; i++) {
		const struct pds_chk_loop_report *l = &r->loops[i];

		if (l->verdict < PDS_VERDICT_UNKNOWN || !l->has_loc || l->loc.line != c->loop_line)
			continue;
		if (!c->rule[0] || (l->rule && !strcmp(l->rule, c->rule)))
			return 1;
	}
	return 0;
}

/* Checks one report; returns the number of failed expectations and says which. */
static int judge(const struct pds_t_case *c, const struct pds_chk_term_report *r, char *why,
		 size_t size)
{
	int bad = 0;

	why[0] = 0;
	if ((int)r->verdict != c->verdict) {
		snprintf(why, size, "verdict");
		bad++;
	}
	if (c->verdict <= PDS_VERDICT_PROVEN_ASSUMING && r->bound < c->worst) {
		snprintf(why + strlen(why), size - strlen(why), " bound<worst");
		bad++;
	}
	if (c->tight && r->bound > 2 * c->worst) {
		snprintf(why + strlen(why), size - strlen(why), " not-tight");
		bad++;
	}
	if (c->verdict == PDS_VERDICT_PROVEN_ASSUMING && r->nassumptions == 0) {
		snprintf(why + strlen(why), size - strlen(why), " no-assumptions");
		bad++;
	}
	if (c->verdict >= PDS_VERDICT_UNKNOWN && !loop_reported(c, r)) {
		snprintf(why + strlen(why), size - strlen(why), " no-loop-at-line-%u%s%s",
			 c->loop_line, c->rule[0] ? "-with-" : "", c->rule);
		bad++;
	}
	return bad;
}

static int analyse(const struct pds_t_case *c)
{
	struct pds_chk_term_opts o = {.sz = sizeof(o), .facts = &c->facts};
	struct pds_chk_obj *obj = pds_t_open(c->obj, c->profile);
	struct pds_chk_term_report *r = NULL;
	char why[160] = "";
	int err, bad = 1;

	if (!obj) {
		printf("  %-30s cannot open %s\n", c->name, c->obj);
		return 1;
	}
	err = pds_chk_termination(pds_chk_obj_prog(obj, 0), &o, &r);
	if (err) {
		printf("  %-30s analysis error %s\n", c->name, pds_chk_rule(err));
		goto out;
	}
	bad = judge(c, r, why, sizeof(why));
	printf("  %-30s expected %-15s got %-15s bound %-20llu worst %-8llu %s%s\n", c->name,
	       pds_t_verdict_text(c->verdict), pds_t_verdict_text((int)r->verdict),
	       (unsigned long long)r->bound, (unsigned long long)c->worst, bad ? "FAIL:" : "ok",
	       why);
	if (bad && r->rule)
		printf("  %-30s   (%s: %s)\n", "", r->rule, r->reason ? r->reason : "");
	for (size_t i = 0; bad && i < r->nloops; i++)
		printf("  %-30s   loop at slot %u line %u: %s %s\n", "", r->loops[i].header,
		       r->loops[i].has_loc ? r->loops[i].loc.line : 0,
		       pds_t_verdict_text((int)r->loops[i].verdict),
		       r->loops[i].rule ? r->loops[i].rule : "");
out:
	pds_chk_term_report_free(r);
	pds_chk_obj_free(obj);
	return bad != 0;
}

/* Analysis half: verdicts, bounds, loop lines, rules and assumptions. */
static void test_analysis_agrees(void)
{
	size_t failed = 0;

	load_corpus();
	for (size_t i = 0; i < ncases; i++)
		failed += (size_t)analyse(&cases[i]);
	printf("  %zu of %zu programs as expected\n", ncases - failed, ncases);
	CU_ASSERT_EQUAL(failed, 0);
}

static void test_cleanup(void)
{
	free(cases);
	cases = NULL;
	CU_PASS("corpus freed");
}

PDS_TEST_MAIN("term_corpus", PDS_TEST(test_corpus_shape), PDS_TEST(test_worst_is_measured),
	      PDS_TEST(test_analysis_agrees), PDS_TEST(test_cleanup))
