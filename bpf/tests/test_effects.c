// SPDX-License-Identifier: MIT
/*
 * The side-effect analysis on hand-written pluglets: each violation class of
 * pquic-abi.md §5 and its benign twin, checked against the built-in protoop
 * specs (plus a test protoop that grants I/O).  Programs are instruction slots
 * built with pds_chk_obj_from_insns; slot i calls helpers[i].
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>
#include <pds/effects.h>
#include <pds/spec.h>

#include "mk/cunit.h"

#define MAXN 64

/* A tiny assembler: one slot per macro. */
#define MOVI(d, k) ((struct pds_insn){.code = 0xb7, .dst = (d), .imm = (k)})
#define MOV(d, s) ((struct pds_insn){.code = 0xbf, .dst = (d), .src = (s)})
#define ADDI(d, k) ((struct pds_insn){.code = 0x07, .dst = (d), .imm = (k)})
#define CALL ((struct pds_insn){.code = 0x85, .src = 1, .imm = -1})
#define EXIT ((struct pds_insn){.code = 0x95})
#define STXDW(d, o, s) ((struct pds_insn){.code = 0x7b, .dst = (d), .src = (s), .off = (o)})
#define JGTI(d, k, o) ((struct pds_insn){.code = 0x25, .dst = (d), .off = (o), .imm = (k)})

struct prog {
	struct pds_insn insns[MAXN];
	const char *helpers[MAXN];
	size_t n;
};

static void emit(struct prog *p, struct pds_insn in)
{
	p->insns[p->n++] = in;
}

static void call(struct prog *p, const char *helper)
{
	p->helpers[p->n] = helper;
	emit(p, CALL);
}

/* r0 = get_cnx(cnx, AK_CNX_INPUT, i); cnx is kept in r6 */
static void input(struct prog *p, int i)
{
	emit(p, MOV(1, 6));
	emit(p, MOVI(2, 0));
	emit(p, MOVI(3, i));
	call(p, "get_cnx");
}

static void start(struct prog *p)
{
	memset(p, 0, sizeof(*p));
	emit(p, MOV(6, 1));
}

static void finish(struct prog *p)
{
	emit(p, MOVI(0, 0));
	emit(p, EXIT);
}

static struct pds_chk_spec *spec;

static const char test_spec[] = "protoop io_protoop\n"
				"input 0 fd\n"
				"allow-helper socket\n"
				"allow-helper send\n"
				"protoop param_protoop\n"
				"allow set_cnx AK_CNX_LOCAL_PARAMETER param 3 on cnx\n";

static struct pds_chk_effects_report *run(struct prog *p, const char *protoop)
{
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_effects_opts eo = {.sz = sizeof(eo), .protoop = protoop};
	struct pds_chk_effects_report *r = NULL;
	struct pds_chk_obj *obj = NULL;

	if (!spec) {
		CU_ASSERT_FATAL(pds_chk_spec_builtin(NULL, &spec) == 0);
		CU_ASSERT_FATAL(pds_chk_spec_add_mem(spec, test_spec, sizeof(test_spec) - 1,
						     "test.spec", NULL) == 0);
	}
	eo.spec = spec;
	CU_ASSERT_FATAL(pds_chk_obj_from_insns(p->insns, p->n, p->helpers, "t", &oo, &obj) == 0);
	CU_ASSERT_FATAL(pds_chk_effects(pds_chk_obj_prog(obj, 0), &eo, &r) == 0);
	for (size_t i = 0; getenv("PDS_TEST_VERBOSE") && i < r->nfindings; i++)
		printf("\n    %s: %s", r->findings[i].rule, r->findings[i].message);
	pds_chk_obj_free(obj);
	return r;
}

static bool has_finding(const struct pds_chk_effects_report *r, const char *rule, int violation)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].rule, rule) && r->findings[i].violation == violation)
			return true;
	return false;
}

static bool has_write(const struct pds_chk_effects_report *r, const char *setter, const char *key,
		      const char *object)
{
	for (size_t i = 0; i < r->nwrites; i++)
		if (!strcmp(r->writes[i].setter, setter) && !strcmp(r->writes[i].key, key) &&
		    !strcmp(r->writes[i].object, object))
			return true;
	return false;
}

/* set_cnx(cnx, key, 0, v) */
static void set_cnx(struct prog *p, int key)
{
	emit(p, MOV(1, 6));
	emit(p, MOVI(2, key));
	emit(p, MOVI(3, 0));
	emit(p, MOVI(4, 7));
	call(p, "set_cnx");
}

static void test_allowed_key_on_cnx(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	set_cnx(&p, 0x17); /* AK_CNX_LATEST_PROGRESS_TIME, allowed by update_rtt */
	finish(&p);
	r = run(&p, "update_rtt");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
	CU_ASSERT_EQUAL(r->nwrites, 1);
	CU_ASSERT(has_write(r, "set_cnx", "AK_CNX_LATEST_PROGRESS_TIME", "cnx"));
	pds_chk_effects_report_free(r);
	/* the same write from a protoop whose spec allows nothing */
	r = run(&p, "header_parsed");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
	CU_ASSERT(has_finding(r, "effects/key-not-allowed", 1));
	pds_chk_effects_report_free(r);
}

static void test_key_on_some_paths_only(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	call(&p, "picoquic_current_time");
	emit(&p, JGTI(0, 10000, 1)); /* if (now > 10000) skip the next slot */
	emit(&p, ((struct pds_insn){.code = 0x05, .off = 5})); /* goto end */
	set_cnx(&p, 0x03); /* AK_CNX_IS_0RTT_ACCEPTED: not allowed */
	finish(&p);
	r = run(&p, "update_rtt");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
	CU_ASSERT(has_finding(r, "effects/key-not-allowed", 1));
	CU_ASSERT(has_write(r, "set_cnx", "AK_CNX_IS_0RTT_ACCEPTED", "cnx"));
	pds_chk_effects_report_free(r);
}

static void test_key_not_constant(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	input(&p, 1);
	emit(&p, MOV(2, 0)); /* the key comes from an input */
	emit(&p, MOV(1, 6));
	emit(&p, MOVI(3, 0));
	emit(&p, MOVI(4, 1));
	call(&p, "set_cnx");
	finish(&p);
	r = run(&p, "update_rtt");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
	CU_ASSERT(has_finding(r, "effects/key-not-constant", 1));
	pds_chk_effects_report_free(r);
}

/* set_path(obj, AK_PATH_CWIN, 0, 10) with obj from input 0, or from the connection's paths */
static void test_right_key_wrong_object(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	for (int from_input = 0; from_input < 2; from_input++) {
		start(&p);
		if (from_input) {
			input(&p, 0);
		} else {
			emit(&p, MOV(1, 6));
			emit(&p, MOVI(2, 0x2e)); /* AK_CNX_PATH */
			emit(&p, MOVI(3, 0));
			call(&p, "get_cnx");
		}
		emit(&p, MOV(1, 0));
		emit(&p, MOVI(2, 0x17)); /* AK_PATH_CWIN */
		emit(&p, MOVI(3, 0));
		emit(&p, MOVI(4, 10));
		call(&p, "set_path");
		finish(&p);
		r = run(&p, "congestion_algorithm_notify");
		if (from_input) {
			CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
			CU_ASSERT(has_write(r, "set_path", "AK_PATH_CWIN", "input0"));
		} else {
			CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
			CU_ASSERT(has_finding(r, "effects/wrong-object", 1));
		}
		pds_chk_effects_report_free(r);
	}
}

/* my_memcpy(dst, src, 16) into the stack, into my_malloc(64) memory, into a host object */
static void test_memcpy_destinations(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	for (int where = 0; where < 4; where++) {
		start(&p);
		if (where == 0) {
			emit(&p, MOV(1, 10));
			emit(&p, ADDI(1, -32));
		} else if (where == 1 || where == 3) {
			emit(&p, MOV(1, 6));
			emit(&p, MOVI(2, 64));
			call(&p, "my_malloc");
			emit(&p, MOV(1, 0));
		} else {
			input(&p, 0); /* the packet passed to the protoop: host memory */
			emit(&p, MOV(1, 0));
		}
		emit(&p, MOV(2, 10));
		emit(&p, ADDI(2, -64));
		emit(&p, MOVI(3, where == 3 ? 100 : 16));
		call(&p, "my_memcpy");
		finish(&p);
		r = run(&p, "parse_ecn_block");
		if (where < 2)
			CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
		if (where == 2) {
			CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
			CU_ASSERT(has_finding(r, "effects/write-outside-plugin-memory", 1));
		}
		if (where == 3) { /* 100 bytes into a 64-byte allocation: not proven */
			CU_ASSERT_NOT_EQUAL(r->verdict, PDS_EFFECTS_OK);
			CU_ASSERT(has_finding(r, "effects/write-outside-plugin-memory", 0));
		}
		pds_chk_effects_report_free(r);
	}
}

static void test_raw_store_into_host_memory(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	input(&p, 0);
	emit(&p, MOVI(1, 0));
	emit(&p, STXDW(0, 8, 1)); /* *(u64 *)(input0 + 8) = 0 */
	finish(&p);
	r = run(&p, "before_sending_packet");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
	CU_ASSERT(has_finding(r, "effects/host-store", 1));
	pds_chk_effects_report_free(r);
	/* the same store into the stack is fine */
	start(&p);
	emit(&p, MOVI(1, 0));
	emit(&p, STXDW(10, -8, 1));
	finish(&p);
	r = run(&p, "before_sending_packet");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
	pds_chk_effects_report_free(r);
}

static void test_io_needs_a_grant(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	emit(&p, MOVI(1, 2));
	emit(&p, MOVI(2, 1));
	emit(&p, MOVI(3, 0));
	call(&p, "socket");
	finish(&p);
	r = run(&p, "update_rtt");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_VIOLATION);
	CU_ASSERT(has_finding(r, "effects/helper-not-allowed", 1));
	pds_chk_effects_report_free(r);
	r = run(&p, "io_protoop");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
	pds_chk_effects_report_free(r);
}

static void test_outputs(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	for (int out = 0; out < 2; out++) {
		start(&p);
		emit(&p, MOV(1, 6));
		emit(&p, MOVI(2, 0x01)); /* AK_CNX_OUTPUT */
		emit(&p, MOVI(3, out));	 /* update_rtt declares output 0 only */
		emit(&p, MOVI(4, 1));
		call(&p, "set_cnx");
		finish(&p);
		r = run(&p, "update_rtt");
		CU_ASSERT_EQUAL(r->verdict, out == 0 ? PDS_EFFECTS_OK : PDS_EFFECTS_VIOLATION);
		CU_ASSERT(has_write(r, "set_cnx", "AK_CNX_OUTPUT", "cnx"));
		pds_chk_effects_report_free(r);
	}
}

static void test_no_spec_is_unknown(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	set_cnx(&p, 0x03);
	finish(&p);
	r = run(&p, "a_protoop_nobody_described");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_UNKNOWN);
	CU_ASSERT(has_finding(r, "effects/no-spec", 0));
	CU_ASSERT(has_write(r, "set_cnx", "AK_CNX_IS_0RTT_ACCEPTED", "cnx")); /* full effect set */
	pds_chk_effects_report_free(r);
}

/* r7 is read before anything wrote it: undecided, never allowed silently. */
static void test_uninitialised_register(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	emit(&p, MOV(0, 7));
	emit(&p, EXIT);
	r = run(&p, "before_sending_packet");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_UNKNOWN);
	CU_ASSERT(has_finding(r, "effects/uninitialised-read", 0));
	pds_chk_effects_report_free(r);
	start(&p);
	emit(&p, MOVI(7, 1));
	emit(&p, MOV(0, 7));
	emit(&p, EXIT);
	r = run(&p, "before_sending_packet");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
	pds_chk_effects_report_free(r);
}

/* "allow … param 3": local transport parameter 3 only. */
static void test_allow_with_param(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	for (int param = 3; param <= 4; param++) {
		start(&p);
		emit(&p, MOV(1, 6));
		emit(&p, MOVI(2, 0x0b)); /* AK_CNX_LOCAL_PARAMETER */
		emit(&p, MOVI(3, param));
		emit(&p, MOVI(4, 1));
		call(&p, "set_cnx");
		finish(&p);
		r = run(&p, "param_protoop");
		CU_ASSERT_EQUAL(r->verdict, param == 3 ? PDS_EFFECTS_OK : PDS_EFFECTS_VIOLATION);
		pds_chk_effects_report_free(r);
	}
}

struct bad_spec {
	const char *text;
	int code;
	unsigned line;
};

static void on_diag(void *ctx, const struct pds_chk_diag *d)
{
	unsigned *line = ctx;

	if (d->level == PDS_CHK_ERROR)
		*line = d->line;
}

/* Malformed protoop sections: each refused with its code at its line. */
static void test_bad_protoop_specs(void)
{
	static const struct bad_spec cases[] = {
		{"input 0 x\n", PDS_CHK_E_SPEC_SYNTAX, 1},
		{"protoop a\nprotoop a\n", PDS_CHK_E_SPEC_DUPLICATE, 2},
		{"protoop a\ninput 99 x\n", PDS_CHK_E_SPEC_NUMBER, 2},
		{"protoop a\ninput 0 x moon\n", PDS_CHK_E_SPEC_SYNTAX, 2},
		{"protoop a\ninput 0 x\ninput 0 y\n", PDS_CHK_E_SPEC_DUPLICATE, 3},
		{"protoop a\noutput 1 x extra\n", PDS_CHK_E_SPEC_SYNTAX, 2},
		{"protoop a\nallow set_cnx AK_NOPE on cnx\n", PDS_CHK_E_SPEC_KEY, 2},
		{"protoop a\nallow set_cnx AK_PATH_CWIN on cnx\n", PDS_CHK_E_SPEC_KEY, 2},
		{"protoop a\nallow set_moon AK_CNX_STATE on cnx\n", PDS_CHK_E_SPEC_HELPER, 2},
		{"protoop a\nallow set_cnx AK_CNX_STATE on moon\n", PDS_CHK_E_SPEC_SYNTAX, 2},
		{"protoop a\nallow set_cnx AK_CNX_STATE param 70000 on cnx\n",
		 PDS_CHK_E_SPEC_NUMBER, 2},
		{"protoop a\nallow set_path AK_PATH_CWIN on input x\n", PDS_CHK_E_SPEC_NUMBER, 2},
		{"protoop a\nallow-helper\n", PDS_CHK_E_SPEC_SYNTAX, 2},
		{"protoop a\nallow-protoop b c\n", PDS_CHK_E_SPEC_SYNTAX, 2},
		{"protoop a/b\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pds_chk_spec *sp = NULL;
		unsigned line = 0;
		struct pds_chk_diag_sink sink = {on_diag, &line};
		int err = pds_chk_spec_parse_mem(cases[i].text, strlen(cases[i].text), "bad.spec",
						 &sink, &sp);

		CU_ASSERT_EQUAL(err, cases[i].code);
		CU_ASSERT_EQUAL(line, cases[i].line);
		CU_ASSERT_PTR_NULL(sp);
		if (err != cases[i].code)
			printf("\n  case %zu: got %d", i, err);
		pds_chk_spec_free(sp);
	}
}

static void test_reads_only(void)
{
	struct prog p;
	struct pds_chk_effects_report *r;

	start(&p);
	input(&p, 4);
	emit(&p, MOV(1, 0));
	emit(&p, MOVI(2, 0x17));
	emit(&p, MOVI(3, 0));
	call(&p, "get_path");
	finish(&p);
	r = run(&p, "update_rtt");
	CU_ASSERT_EQUAL(r->verdict, PDS_EFFECTS_OK);
	CU_ASSERT_EQUAL(r->nwrites, 0);
	CU_ASSERT_EQUAL(r->nhelpers, 2);
	pds_chk_effects_report_free(r);
	pds_chk_spec_free(spec);
	spec = NULL;
}

PDS_TEST_MAIN("effects", PDS_TEST(test_allowed_key_on_cnx), PDS_TEST(test_key_on_some_paths_only),
	      PDS_TEST(test_key_not_constant), PDS_TEST(test_right_key_wrong_object),
	      PDS_TEST(test_memcpy_destinations), PDS_TEST(test_raw_store_into_host_memory),
	      PDS_TEST(test_io_needs_a_grant), PDS_TEST(test_outputs),
	      PDS_TEST(test_no_spec_is_unknown), PDS_TEST(test_uninitialised_register),
	      PDS_TEST(test_allow_with_param), PDS_TEST(test_bad_protoop_specs),
	      PDS_TEST(test_reads_only))
