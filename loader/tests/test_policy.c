// SPDX-License-Identifier: MIT
/*
 * The trust policy parser: every field of valid policies, the verifier formula
 * and the witness quorum against reference evaluations over every subset of
 * signers, a corpus of malformed policies each with its code, line and column,
 * and every truncation and bit flip of a valid policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/policy_internal.h"
#include "mk/cunit.h"

/* Keys: verifiers and packagers are Ed25519 (0x01), witnesses cosigners (0x04). */
static char vk[6][PDS_NOTE_KEY_MAX], wk[6][PDS_NOTE_KEY_MAX], lk[2][PDS_NOTE_KEY_MAX];
static struct pds_ldr_result res;

static void make_key(const char *name, uint8_t type, uint8_t b, char *out)
{
	struct pds_note_signer *s = NULL;
	struct pds_note_verifier v;
	uint8_t seed[32];

	memset(seed, b, sizeof(seed));
	CU_ASSERT_FATAL(pds_note_signer_from_seed(name, type, seed, &s) == 0);
	pds_note_signer_public(s, &v);
	CU_ASSERT_FATAL(pds_note_verifier_encode(&v, out, PDS_NOTE_KEY_MAX) == 0);
	pds_note_signer_free(s);
}

static void keys(void)
{
	char name[32];

	if (vk[0][0])
		return;
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "v%d.example", i);
		make_key(name, PDS_NOTE_ED25519, (uint8_t)(1 + i), vk[i]);
		snprintf(name, sizeof(name), "w%d.example", i);
		make_key(name, PDS_NOTE_COSIGNATURE, (uint8_t)(20 + i), wk[i]);
	}
	make_key("log.example/a", PDS_NOTE_ED25519, 40, lk[0]);
	make_key("log.example/b", PDS_NOTE_ED25519, 41, lk[1]);
}

/* A policy text: "%L0" "%L1" "%V0".."%V5" "%W0".."%W5" stand for keys. */
static char *expand(const char *tmpl)
{
	size_t cap = strlen(tmpl) * 4 + 4096, n = 0;
	char *out = malloc(cap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	keys();
	for (const char *p = tmpl; *p; p++) {
		const char *k = NULL;

		if (p[0] == '%' && (p[1] == 'L' || p[1] == 'V' || p[1] == 'W') && p[2] >= '0' &&
		    p[2] <= '5') {
			int i = p[2] - '0';

			k = p[1] == 'L' ? lk[i % 2] : p[1] == 'V' ? vk[i] : wk[i];
			p += 2;
		}
		if (k) {
			n += (size_t)snprintf(out + n, cap - n, "%s", k);
		} else {
			out[n++] = *p;
		}
	}
	out[n] = 0;
	return out;
}

static struct pds_ldr_policy *parse(const char *tmpl)
{
	struct pds_ldr_policy *p = NULL;
	char *text = expand(tmpl);
	int err = pds_ldr_policy_parse(text, strlen(text), "t.policy", &p, &res);

	if (err)
		fprintf(stderr, "\n    unexpected: %s\n", res.message);
	free(text);
	return p;
}

/* ------------------------------------------------------------------ valid policies */

static const char base[] = "log %L0\nverifier a %V0\nverifier b %V1\nverifier c %V2\n";

static void test_fields(void)
{
	struct pds_ldr_policy *p = parse("# a comment\n"
					 "\n"
					 "log %L0 https://log.example/a\n"
					 "log   %L1\n"
					 "witness w0 %W0 https://w0.example/\n"
					 "witness w1 %W1\n"
					 "witness w2 %W2\n"
					 "group g1 2 w0 w1 w2\n"
					 "witness w3 %W3\n"
					 "group top all g1 w3\n"
					 "quorum top\n"
					 "verifier a %V0\n"
					 "verifier b %V1\n"
					 "require a & !b\n"
					 "packager distro %V2\n"
					 "packager other %V3\n"
					 "packagers 1\n"
					 "max-bound 50000\n"
					 "accept-termination proven,budget\n"
					 "accept-effects proven,unknown\n"
					 "accept-memory proven\n"
					 "max-checkpoint-age 90m\n"
					 "max-manifest-size 2k\n"
					 "max-object-size 3M\n"
					 "state /var/lib/pds/state\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->log_count, 2);
	CU_ASSERT_STRING_EQUAL(p->logs[0].key.name, "log.example/a");
	CU_ASSERT_STRING_EQUAL(p->logs[0].url, "https://log.example/a");
	CU_ASSERT_PTR_NULL(p->logs[1].url);
	CU_ASSERT_EQUAL(p->witness_count, 4);
	CU_ASSERT_STRING_EQUAL(p->witnesses[0].url, "https://w0.example/");
	CU_ASSERT_EQUAL(p->witnesses[3].key.type, PDS_NOTE_COSIGNATURE);
	CU_ASSERT_EQUAL(p->group_count, 2);
	CU_ASSERT_EQUAL(p->groups[0].k, 2);
	CU_ASSERT_EQUAL(p->groups[0].member_count, 3);
	CU_ASSERT_EQUAL(p->groups[1].k, 2); /* all of (g1, w3) */
	CU_ASSERT_EQUAL(p->groups[1].members[0].is_group, 1);
	CU_ASSERT_EQUAL(p->groups[1].members[1].index, 3);
	CU_ASSERT_EQUAL(p->quorum_kind, PDS_POL_QUORUM_GROUP);
	CU_ASSERT_EQUAL(p->quorum_index, 1);
	CU_ASSERT_EQUAL(p->verifier_count, 2);
	CU_ASSERT_STRING_EQUAL(p->formula.text, "a & !b");
	CU_ASSERT_EQUAL(p->packager_count, 2);
	CU_ASSERT_EQUAL(p->rules.packager_k, 1);
	CU_ASSERT_EQUAL(p->rules.has_max_bound, 1);
	CU_ASSERT_EQUAL(p->rules.max_bound, 50000);
	CU_ASSERT_EQUAL(p->rules.termination, 1u << PDS_ATT_PROVEN | 1u << PDS_ATT_BUDGET);
	CU_ASSERT_EQUAL(p->rules.effects, 1u << PDS_ATT_PROVEN | 1u << PDS_ATT_UNKNOWN);
	CU_ASSERT_EQUAL(p->rules.memory, 1u << PDS_ATT_PROVEN);
	CU_ASSERT_EQUAL(p->rules.max_age, 5400);
	CU_ASSERT_EQUAL(p->rules.manifest_max, 2048);
	CU_ASSERT_EQUAL(p->rules.object_max, 3u << 20);
	CU_ASSERT_STRING_EQUAL(p->state_dir, "/var/lib/pds/state");
	pds_ldr_policy_free(p);

	/* Defaults. */
	p = parse("log %L0\nverifier a %V0\nrequire a\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->quorum_kind, PDS_POL_QUORUM_NONE);
	CU_ASSERT_EQUAL(p->rules.termination, 1u << PDS_ATT_PROVEN);
	CU_ASSERT_EQUAL(p->rules.effects, 1u << PDS_ATT_PROVEN);
	CU_ASSERT_EQUAL(p->rules.memory, 1u << PDS_ATT_PROVEN | 1u << PDS_ATT_UNKNOWN);
	CU_ASSERT_EQUAL(p->rules.has_max_bound, 0);
	CU_ASSERT_EQUAL(p->rules.has_max_age, 0);
	CU_ASSERT_EQUAL(p->rules.manifest_max, PDS_POL_DEFAULT_MANIFEST_MAX);
	CU_ASSERT_EQUAL(p->rules.object_max, PDS_POL_DEFAULT_OBJECT_MAX);
	CU_ASSERT_PTR_NULL(p->state_dir);
	CU_ASSERT_EQUAL(p->rules.packager_k, 0);
	pds_ldr_policy_free(p);

	/* Durations. */
	{
		static const struct {
			const char *v;
			uint64_t s;
		} d[] = {{"1s", 1}, {"59s", 59}, {"2m", 120}, {"3h", 10800}, {"7d", 604800}};

		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
			char t[128];

			snprintf(t, sizeof(t),
				 "log %%L0\nverifier a %%V0\nrequire a\n"
				 "max-checkpoint-age %s\n",
				 d[i].v);
			p = parse(t);
			CU_ASSERT_PTR_NOT_NULL_FATAL(p);
			CU_ASSERT_EQUAL(p->rules.max_age, d[i].s);
			pds_ldr_policy_free(p);
		}
	}
}

/* ------------------------------------------------------------------ the formula */

typedef int (*reference)(const unsigned char *s);

static int ref_and_or(const unsigned char *s)
{
	return s[0] && (s[1] || s[2]);
}

static int ref_2of3(const unsigned char *s)
{
	return s[0] + s[1] + s[2] >= 2;
}

static int ref_not(const unsigned char *s)
{
	return !s[0] || s[1];
}

static int ref_nested(const unsigned char *s)
{
	return (s[0] && s[1]) + (s[2] + s[3] + s[4] >= 2) >= 1;
}

static int ref_precedence(const unsigned char *s)
{
	return (s[0] && s[1]) || (s[2] && !s[3]) || s[4];
}

static int ref_all_of_5(const unsigned char *s)
{
	return s[0] && s[1] && s[2] && s[3] && s[4];
}

static int ref_repeat(const unsigned char *s)
{
	return (s[0] + s[0] + s[1]) >= 2;
}

static void test_formula(void)
{
	static const struct {
		const char *formula;
		reference ref;
	} cases[] = {
		{"a & (b | c)", ref_and_or},
		{"2 of (a, b, c)", ref_2of3},
		{"!a | b", ref_not},
		{"1 of (a & b, 2 of (c, d, e))", ref_nested},
		{"a&b|c&!d|e", ref_precedence},
		{"5 of (a,b,c,d,e)", ref_all_of_5},
		{"((a)) & (((b)) | ((c)))", ref_and_or},
		{"  2   of(a,b ,c )  ", ref_2of3},
		{"!!!a | b", ref_not},
		{"2 of (a, a, b)", ref_repeat},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tmpl[512];
		struct pds_ldr_policy *p;
		unsigned mismatches = 0;

		snprintf(tmpl, sizeof(tmpl),
			 "log %%L0\nverifier a %%V0\nverifier b %%V1\nverifier c %%V2\n"
			 "verifier d %%V3\nverifier e %%V4\nrequire %s\n",
			 cases[i].formula);
		p = parse(tmpl);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		for (unsigned set = 0; set < 32; set++) {
			unsigned char s[PDS_POL_MAX_VERIFIERS] = {0};

			for (int v = 0; v < 5; v++)
				s[v] = (unsigned char)(set >> v & 1);
			mismatches += pds_pol_formula_eval(&p->formula, s) != cases[i].ref(s);
		}
		CU_ASSERT_EQUAL(mismatches, 0);
		if (mismatches)
			fprintf(stderr, "\n    %s: %u of 32 subsets differ\n", cases[i].formula,
				mismatches);
		pds_ldr_policy_free(p);
	}
}

static int ref_quorum(const unsigned char *s)
{
	/* group x 2 w0 w1 w2; group y any w3 w4; group top all x y */
	return (s[0] + s[1] + s[2] >= 2) && (s[3] || s[4]);
}

static void test_quorum(void)
{
	struct pds_ldr_policy *p = parse("log %L0\nverifier a %V0\nrequire a\n"
					 "witness w0 %W0\nwitness w1 %W1\nwitness w2 %W2\n"
					 "witness w3 %W3\nwitness w4 %W4\n"
					 "group x 2 w0 w1 w2\ngroup y any w3 w4\n"
					 "group top all x y\nquorum top\n");
	unsigned mismatches = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (unsigned set = 0; set < 32; set++) {
		unsigned char s[PDS_POL_MAX_WITNESSES] = {0};

		for (int w = 0; w < 5; w++)
			s[w] = (unsigned char)(set >> w & 1);
		mismatches += pds_pol_quorum_eval(p, s) != ref_quorum(s);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	pds_ldr_policy_free(p);

	/* A single witness as the quorum; "none". */
	p = parse("log %L0\nverifier a %V0\nrequire a\nwitness w0 %W0\nwitness w1 %W1\n"
		  "quorum w1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pds_pol_quorum_eval(p, (unsigned char[64]){1, 0}), 0);
	CU_ASSERT_EQUAL(pds_pol_quorum_eval(p, (unsigned char[64]){0, 1}), 1);
	pds_ldr_policy_free(p);
	p = parse("log %L0\nverifier a %V0\nrequire a\nwitness w0 %W0\nquorum none\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pds_pol_quorum_eval(p, (unsigned char[64]){0}), 1);
	pds_ldr_policy_free(p);
}

/* ------------------------------------------------------------------ malformed */

static const struct bad {
	const char *text;
	int code;
	unsigned line, col;
} bad[] = {
	/* encoding */
	{"log x\tx\n", PDS_LDR_E_POL_ENCODING, 1, 6},
	{"log %L0\r\n", PDS_LDR_E_POL_ENCODING, 1, 0},
	{"log %L0", PDS_LDR_E_POL_ENCODING, 1, 0},
	{"# caf\xc3\xa9\n", PDS_LDR_E_POL_ENCODING, 1, 6},
	{"\x01\n", PDS_LDR_E_POL_ENCODING, 1, 1},
	/* required lines */
	{"", PDS_LDR_E_POL_MISSING, 0, 0},
	{"verifier a %V0\nrequire a\n", PDS_LDR_E_POL_MISSING, 0, 0},
	{"log %L0\nrequire x\n", PDS_LDR_E_POL_UNDEFINED, 2, 9},
	{"log %L0\nverifier a %V0\n", PDS_LDR_E_POL_MISSING, 0, 0},
	{"log %L0\nverifier a %V0\nrequire a\nwitness w %W0\n", PDS_LDR_E_POL_MISSING, 0, 0},
	/* keywords and field counts */
	{"logs %L0\n", PDS_LDR_E_POL_KEYWORD, 1, 1},
	{" log %L0\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	{"log\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	{"log %L0 url extra\n", PDS_LDR_E_POL_SYNTAX, 1, 0},
	{"verifier a\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	{"verifier a %V0 extra\n", PDS_LDR_E_POL_SYNTAX, 1, 0},
	{"quorum\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	{"max-bound\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	{"max-bound 1 2\n", PDS_LDR_E_POL_SYNTAX, 1, 0},
	{"group g 1\n", PDS_LDR_E_POL_SYNTAX, 1, 1},
	/* keys */
	{"log nokey\n", PDS_LDR_E_POL_KEY, 1, 5},
	{"log %W0\n", PDS_LDR_E_POL_KEY, 1, 5},
	{"witness w %V0\n", PDS_LDR_E_POL_KEY, 1, 11},
	{"verifier a %W0\n", PDS_LDR_E_POL_KEY, 1, 12},
	{"packager p %W1\n", PDS_LDR_E_POL_KEY, 1, 12},
	{"verifier a v0.example+00000000+AQ==\n", PDS_LDR_E_POL_KEY, 1, 12},
	/* names */
	{"verifier -a %V0\n", PDS_LDR_E_POL_SYNTAX, 1, 10},
	{"verifier a/b %V0\n", PDS_LDR_E_POL_SYNTAX, 1, 10},
	{"verifier none %V0\n", PDS_LDR_E_POL_SYNTAX, 1, 10},
	{"verifier of %V0\n", PDS_LDR_E_POL_SYNTAX, 1, 10},
	{"verifier aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa %V0\n",
	 PDS_LDR_E_POL_SYNTAX, 1, 10},
	/* duplicates */
	{"log %L0\nlog %L0\n", PDS_LDR_E_POL_DUPLICATE, 2, 5},
	{"verifier a %V0\nverifier a %V1\n", PDS_LDR_E_POL_DUPLICATE, 2, 10},
	{"verifier a %V0\nverifier b %V0\n", PDS_LDR_E_POL_DUPLICATE, 2, 12},
	{"witness w %W0\nwitness w %W1\n", PDS_LDR_E_POL_DUPLICATE, 2, 9},
	{"witness w %W0\nwitness x %W1\ngroup w any x\n", PDS_LDR_E_POL_DUPLICATE, 3, 7},
	{"witness w %W0\ngroup g any w w\n", PDS_LDR_E_POL_DUPLICATE, 2, 15},
	{"quorum none\nquorum none\n", PDS_LDR_E_POL_DUPLICATE, 2, 1},
	{"require a\nrequire a\n", PDS_LDR_E_POL_UNDEFINED, 1, 9},
	{"verifier a %V0\nrequire a\nrequire a\n", PDS_LDR_E_POL_DUPLICATE, 3, 1},
	{"max-bound 5\nmax-bound 6\n", PDS_LDR_E_POL_DUPLICATE, 2, 1},
	{"state /a\nstate /b\n", PDS_LDR_E_POL_DUPLICATE, 2, 1},
	{"accept-effects proven\naccept-effects proven\n", PDS_LDR_E_POL_DUPLICATE, 2, 1},
	{"packager p %V0\npackager q %V0\n", PDS_LDR_E_POL_DUPLICATE, 2, 12},
	/* groups and quorum */
	{"witness w %W0\ngroup g any x\n", PDS_LDR_E_POL_UNDEFINED, 2, 13},
	{"witness w %W0\ngroup g 2 w\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"witness w %W0\ngroup g 0 w\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"witness w %W0\ngroup g some w\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"witness w %W0\ngroup g 01 w\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"witness w %W0\ngroup g any g\n", PDS_LDR_E_POL_UNDEFINED, 2, 13},
	{"log %L0\nverifier a %V0\nrequire a\nquorum w\n", PDS_LDR_E_POL_UNDEFINED, 4, 8},
	{"log %L0\nverifier a %V0\nrequire a\npackagers 1\n", PDS_LDR_E_POL_THRESHOLD, 4, 11},
	{"log %L0\nverifier a %V0\nrequire a\npackager p %V1\npackagers 2\n",
	 PDS_LDR_E_POL_THRESHOLD, 5, 11},
	/* values */
	{"max-bound 0\n", PDS_LDR_E_POL_VALUE, 1, 11},
	{"max-bound 012\n", PDS_LDR_E_POL_VALUE, 1, 11},
	{"max-bound -5\n", PDS_LDR_E_POL_VALUE, 1, 11},
	{"max-bound 9223372036854775808\n", PDS_LDR_E_POL_VALUE, 1, 11},
	{"max-bound 12k\n", PDS_LDR_E_POL_VALUE, 1, 11},
	{"max-checkpoint-age 10\n", PDS_LDR_E_POL_VALUE, 1, 20},
	{"max-checkpoint-age 10y\n", PDS_LDR_E_POL_VALUE, 1, 20},
	{"max-checkpoint-age d\n", PDS_LDR_E_POL_VALUE, 1, 20},
	{"max-checkpoint-age 106751991167301d\n", PDS_LDR_E_POL_VALUE, 1, 20},
	{"max-object-size 1G\n", PDS_LDR_E_POL_VALUE, 1, 17},
	{"max-manifest-size k\n", PDS_LDR_E_POL_VALUE, 1, 19},
	{"accept-termination proven,maybe\n", PDS_LDR_E_POL_VALUE, 1, 27},
	{"accept-termination proven,proven\n", PDS_LDR_E_POL_VALUE, 1, 27},
	{"accept-termination proven,\n", PDS_LDR_E_POL_VALUE, 1, 27},
	{"accept-termination ,proven\n", PDS_LDR_E_POL_VALUE, 1, 20},
	{"accept-effects budget\n", PDS_LDR_E_POL_VALUE, 1, 16},
	{"accept-memory proven,budget\n", PDS_LDR_E_POL_VALUE, 1, 22},
	{"state relative/path\n", PDS_LDR_E_POL_VALUE, 1, 7},
	/* formulas */
	{"verifier a %V0\nrequire\n", PDS_LDR_E_POL_FORMULA, 2, 1},
	{"verifier a %V0\nrequire a &\n", PDS_LDR_E_POL_FORMULA, 2, 12},
	{"verifier a %V0\nrequire (a\n", PDS_LDR_E_POL_FORMULA, 2, 11},
	{"verifier a %V0\nrequire a)\n", PDS_LDR_E_POL_FORMULA, 2, 10},
	{"verifier a %V0\nrequire a b\n", PDS_LDR_E_POL_FORMULA, 2, 11},
	{"verifier a %V0\nrequire a && a\n", PDS_LDR_E_POL_FORMULA, 2, 12},
	{"verifier a %V0\nrequire 1 of a\n", PDS_LDR_E_POL_FORMULA, 2, 14},
	{"verifier a %V0\nrequire 1 of (a a)\n", PDS_LDR_E_POL_FORMULA, 2, 17},
	{"verifier a %V0\nrequire 1 of ()\n", PDS_LDR_E_POL_FORMULA, 2, 15},
	{"verifier a %V0\nrequire 2 of (a)\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"verifier a %V0\nrequire 0 of (a)\n", PDS_LDR_E_POL_THRESHOLD, 2, 9},
	{"verifier a %V0\nrequire a | b\n", PDS_LDR_E_POL_UNDEFINED, 2, 13},
	{"verifier a %V0\nrequire !\n", PDS_LDR_E_POL_FORMULA, 2, 10},
	{"verifier a %V0\nrequire a # comment\n", PDS_LDR_E_POL_FORMULA, 2, 11},
};

static void test_malformed(void)
{
	unsigned wrong = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pds_ldr_policy *p = (void *)1;
		char *text = expand(bad[i].text);
		int err = pds_ldr_policy_parse(text, strlen(text), "bad.policy", &p, &res);
		int ok = err == bad[i].code && res.code == err && res.line == bad[i].line &&
			 (bad[i].col == 0 || res.col == bad[i].col) && p == NULL &&
			 !strcmp(res.file, "bad.policy") && strstr(res.message, "bad.policy");

		if (!ok && wrong++ < 10)
			fprintf(stderr, "\n    case %zu: want %s %u:%u, got %s %u:%u: %s\n", i,
				pds_ldr_rule(bad[i].code), bad[i].line, bad[i].col,
				pds_ldr_rule(err), res.line, res.col, res.message);
		free(text);
	}
	printf("\n  %zu malformed policies, %u with another code or place\n",
	       sizeof(bad) / sizeof(bad[0]), wrong);
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT(sizeof(bad) / sizeof(bad[0]) >= 60);
}

/* Every code of the policy group is reached by some case above. */
static void test_every_code_covered(void)
{
	for (int code = PDS_LDR_E_POL_SYNTAX; code <= PDS_LDR_E_POL_ENCODING; code++) {
		int seen = 0;

		if (code == PDS_LDR_E_POL_LIMIT)
			continue; /* test_limits */
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			seen |= bad[i].code == code;
		CU_ASSERT(seen);
	}
}

static void test_limits(void)
{
	struct pds_ldr_policy *p = NULL;
	size_t len = PDS_LDR_POLICY_MAX + 2, n = 0;
	char *big = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	while (n + 2 <= len) {
		big[n++] = '#';
		big[n++] = '\n';
	}
	CU_ASSERT_EQUAL(pds_ldr_policy_parse(big, n, "big", &p, &res), PDS_LDR_E_POL_LIMIT);
	free(big);
	/* 17 logs */
	{
		char *t = NULL, *text;
		size_t tl = 0;
		FILE *f = open_memstream(&t, &tl);

		for (int i = 0; i < 17; i++) {
			char name[32];
			char key[PDS_NOTE_KEY_MAX];

			snprintf(name, sizeof(name), "log%d.example", i);
			make_key(name, PDS_NOTE_ED25519, (uint8_t)(100 + i), key);
			fprintf(f, "log %s\n", key);
		}
		fclose(f);
		text = t;
		CU_ASSERT_EQUAL(pds_ldr_policy_parse(text, tl, "many", &p, &res),
				PDS_LDR_E_POL_LIMIT);
		CU_ASSERT_EQUAL(res.line, 17);
		free(t);
	}
	/* 65 witnesses, 65 verifiers. */
	for (int role = 0; role < 2; role++) {
		char *t = NULL;
		size_t tl = 0;
		FILE *f = open_memstream(&t, &tl);

		for (int i = 0; i < 65; i++) {
			char name[32];
			char key[PDS_NOTE_KEY_MAX];

			snprintf(name, sizeof(name), "k%d.example", i);
			make_key(name, role ? PDS_NOTE_ED25519 : PDS_NOTE_COSIGNATURE,
				 (uint8_t)(120 + i), key);
			fprintf(f, "%s n%d %s\n", role ? "verifier" : "witness", i, key);
		}
		fclose(f);
		CU_ASSERT_EQUAL(pds_ldr_policy_parse(t, tl, "many", &p, &res), PDS_LDR_E_POL_LIMIT);
		CU_ASSERT_EQUAL(res.line, 65);
		CU_ASSERT_PTR_NULL(p);
		free(t);
	}
	/* 256 terms joined by '|' are 511 nodes; 257 are 513. */
	for (int terms = 256; terms <= 257; terms++) {
		char text[2048] = "log %L0\nverifier a %V0\nrequire a", *e;

		for (int i = 1; i < terms; i++)
			strcat(text, "|a");
		strcat(text, "\n");
		e = expand(text);
		CU_ASSERT_EQUAL(pds_ldr_policy_parse(e, strlen(e), "wide", &p, &res),
				terms == 256 ? 0 : PDS_LDR_E_POL_LIMIT);
		if (p)
			CU_ASSERT_EQUAL(p->formula.count, 511);
		pds_ldr_policy_free(p);
		p = NULL;
		free(e);
	}
	/* A formula nested 70 deep. */
	{
		char text[1024] = "log %L0\nverifier a %V0\nrequire ", *e;

		for (int i = 0; i < 70; i++)
			strcat(text, "(");
		strcat(text, "a");
		for (int i = 0; i < 70; i++)
			strcat(text, ")");
		strcat(text, "\n");
		e = expand(text);
		CU_ASSERT_EQUAL(pds_ldr_policy_parse(e, strlen(e), "deep", &p, &res),
				PDS_LDR_E_POL_LIMIT);
		free(e);
	}
}

/* ------------------------------------------------------------------ cuts and flips */

static void test_cuts_and_flips(void)
{
	char *good = expand("log %L0\nwitness w0 %W0\nwitness w1 %W1\ngroup g any w0 w1\n"
			    "quorum g\nverifier a %V0\nverifier b %V1\nrequire a & (b | !a)\n"
			    "packager p %V2\nmax-bound 100\nmax-checkpoint-age 1d\n"
			    "accept-termination proven,budget\nstate /tmp/x\n");
	size_t len = strlen(good);
	unsigned refused = 0, accepted = 0, bad_code = 0;
	char *buf = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (size_t cut = 0; cut < len; cut++) {
		struct pds_ldr_policy *p = NULL;
		int err = pds_ldr_policy_parse(good, cut, "cut", &p, &res);

		/* a cut line has no final newline; a cut at a line end may still parse */
		if (err) {
			refused++;
			bad_code += err < 100 || err > 110;
		} else {
			accepted++;
			CU_ASSERT(good[cut - 1] == '\n');
		}
		pds_ldr_policy_free(p);
	}
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct pds_ldr_policy *p = NULL;
			int err;

			memcpy(buf, good, len);
			buf[i] ^= (char)(1 << bit);
			err = pds_ldr_policy_parse(buf, len, "flip", &p, &res);
			if (err) {
				refused++;
				bad_code += (err < 100 || err > 110) && err != PDS_LDR_E_NOMEM;
				CU_ASSERT(res.line <= 14);
			} else {
				accepted++;
			}
			pds_ldr_policy_free(p);
		}
	}
	printf("\n  %zu cuts and %zu flips: %u refused, %u still a valid policy\n", len, len * 8,
	       refused, accepted);
	CU_ASSERT_EQUAL(bad_code, 0);
	CU_ASSERT(refused > accepted);
	free(buf);
	free(good);
}

static void test_load(void)
{
	char dir[] = "/tmp/pds-policy.XXXXXX", path[64];
	struct pds_ldr_policy *p = NULL;
	char *text = expand(base);
	FILE *f;

	CU_ASSERT_EQUAL(pds_ldr_policy_load("/nonexistent/trust.policy", &p, &res), PDS_LDR_E_IO);
	CU_ASSERT_STRING_EQUAL(res.file, "/nonexistent/trust.policy");
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "/nonexistent/trust.policy: "));
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	CU_ASSERT_EQUAL(pds_ldr_policy_load(dir, &p, &res), PDS_LDR_E_IO);
	CU_ASSERT_STRING_EQUAL(res.file, dir);
	CU_ASSERT_PTR_NULL(p);
	snprintf(path, sizeof(path), "%s/trust.policy", dir);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "%srequire a & b\n", text);
	fclose(f);
	CU_ASSERT_EQUAL(pds_ldr_policy_load(path, &p, &res), 0);
	CU_ASSERT_PTR_NOT_NULL(p);
	pds_ldr_policy_free(p);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "%srequire a &\n", text);
	fclose(f);
	CU_ASSERT_EQUAL(pds_ldr_policy_load(path, &p, &res), PDS_LDR_E_POL_FORMULA);
	CU_ASSERT_STRING_EQUAL(res.file, path);
	CU_ASSERT_EQUAL(res.line, 5);
	unlink(path);
	rmdir(dir);
	free(text);
}

/* The commented example in docs/ parses and says what its comments say. */
static void test_example(void)
{
	struct pds_ldr_policy *p = NULL;
	unsigned char s[PDS_POL_MAX_WITNESSES] = {0};
	int err = pds_ldr_policy_load("docs/examples/policy/example.policy", &p, &res);

	if (err)
		fprintf(stderr, "\n    %s\n", res.message);
	CU_ASSERT_EQUAL_FATAL(err, 0);
	CU_ASSERT_EQUAL(p->log_count, 1);
	CU_ASSERT_STRING_EQUAL(p->logs[0].key.name, "log.example.org/pds");
	CU_ASSERT_EQUAL(p->witness_count, 3);
	CU_ASSERT_EQUAL(p->quorum_kind, PDS_POL_QUORUM_GROUP);
	CU_ASSERT_EQUAL(p->groups[p->quorum_index].k, 2);
	s[0] = s[2] = 1;
	CU_ASSERT_EQUAL(pds_pol_quorum_eval(p, s), 1);
	s[0] = 0;
	CU_ASSERT_EQUAL(pds_pol_quorum_eval(p, s), 0);
	/* vendor & 1 of (lab, ci) */
	CU_ASSERT_EQUAL(p->verifier_count, 3);
	CU_ASSERT_EQUAL(pds_pol_formula_eval(&p->formula, (unsigned char[64]){1, 0, 1}), 1);
	CU_ASSERT_EQUAL(pds_pol_formula_eval(&p->formula, (unsigned char[64]){1, 0, 0}), 0);
	CU_ASSERT_EQUAL(pds_pol_formula_eval(&p->formula, (unsigned char[64]){0, 1, 1}), 0);
	CU_ASSERT_EQUAL(p->packager_count, 1);
	CU_ASSERT_EQUAL(p->rules.packager_k, 1);
	CU_ASSERT_EQUAL(p->rules.max_age, 7 * 86400);
	CU_ASSERT_EQUAL(p->rules.max_bound, 1000000);
	CU_ASSERT_STRING_EQUAL(p->state_dir, "/var/lib/pds/state");
	pds_ldr_policy_free(p);
}

/* pds_ldr_fail: a fresh result, the place in the message shortened to what is known. */
static void test_fail(void)
{
	char longname[PDS_LDR_FILE_MAX + 100];

	memset(&res, 0x5a, sizeof(res));
	CU_ASSERT_EQUAL(pds_ldr_fail(&res, PDS_LDR_E_POL_VALUE, "p", 3, 7, "bad %d", 42),
			PDS_LDR_E_POL_VALUE);
	CU_ASSERT_EQUAL(res.code, PDS_LDR_E_POL_VALUE);
	CU_ASSERT_STRING_EQUAL(res.file, "p");
	CU_ASSERT_EQUAL(res.line, 3);
	CU_ASSERT_EQUAL(res.col, 7);
	CU_ASSERT_STRING_EQUAL(res.message, "p:3:7: bad 42");
	CU_ASSERT_EQUAL(res.detail, 0);
	CU_ASSERT_EQUAL(res.plugin[0], 0);
	CU_ASSERT_EQUAL(res.max_bound, 0);
	pds_ldr_fail(&res, PDS_LDR_E_IO, "p", 0, 0, "gone");
	CU_ASSERT_STRING_EQUAL(res.message, "p: gone");
	CU_ASSERT_EQUAL(res.line, 0);
	pds_ldr_fail(&res, PDS_LDR_E_IO, "p", 4, 0, "x");
	CU_ASSERT_STRING_EQUAL(res.message, "p:4: x");
	/* The file name may be res's own (re-coding a refusal). */
	pds_ldr_fail(&res, PDS_LDR_E_STATE, res.file, 1, 1, "%s", res.message);
	CU_ASSERT_STRING_EQUAL(res.file, "p");
	CU_ASSERT_STRING_EQUAL(res.message, "p:1:1: p:4: x");
	/* An over-long name is cut, terminated. */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	pds_ldr_fail(&res, PDS_LDR_E_IO, longname, 1, 1, "x");
	CU_ASSERT_EQUAL(strlen(res.file), PDS_LDR_FILE_MAX - 1);
	CU_ASSERT(strlen(res.message) < PDS_LDR_MSG_MAX);
	CU_ASSERT_EQUAL(pds_ldr_fail(NULL, PDS_LDR_E_IO, "p", 0, 0, "x"), PDS_LDR_E_IO);
}

PDS_TEST_MAIN("policy", PDS_TEST(test_fields), PDS_TEST(test_formula), PDS_TEST(test_quorum),
	      PDS_TEST(test_malformed), PDS_TEST(test_every_code_covered), PDS_TEST(test_limits),
	      PDS_TEST(test_cuts_and_flips), PDS_TEST(test_load), PDS_TEST(test_example),
	      PDS_TEST(test_fail))
