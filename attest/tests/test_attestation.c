// SPDX-License-Identifier: MIT
/* Attestation text: golden encoding, round trip, one encoding only, malformed cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/attestation.h>
#include <pds/note.h>

#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define HA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* The encoding of sample(), written out by hand from docs/formats.md §7. */
static const char golden[] = "pds-attestation/v1\n"
			     "plugin be.example.ack_delay\n"
			     "manifest " HA "\n"
			     "checker pds-check 0.1.0\n"
			     "profile pquic\n"
			     "spec " HB "\n"
			     "passes cfg,effects,memory,termination\n"
			     "time 1700000000\n"
			     "object " H1 " update_rtt - replace rtt.o\n"
			     "termination proven 1234\n"
			     "effects proven cnx:rtt_min,path:smoothed_rtt\n"
			     "memory proven\n"
			     "helpers get_cnx,set_path\n"
			     "object " H2 " process_frame 7 post frame.o\n"
			     "termination unknown -\n"
			     "effects unknown -\n"
			     "memory refuted\n"
			     "helpers -\n";

static char *items_a[] = {"termination", "cfg", "memory", "effects"};
static char *writes[] = {"path:smoothed_rtt", "cnx:rtt_min"};
static char *helpers[] = {"set_path", "get_cnx"};

static void fill_hash(uint8_t h[32], uint8_t v)
{
	memset(h, v, 32);
}

/* Deliberately out of canonical order: the encoder sorts. */
static void sample(struct pds_attestation *a, struct pds_att_object o[2])
{
	memset(a, 0, sizeof(*a));
	memset(o, 0, 2 * sizeof(*o));
	a->plugin = "be.example.ack_delay";
	a->has_manifest = 1;
	fill_hash(a->manifest, 0xaa);
	a->checker = "pds-check";
	a->checker_version = "0.1.0";
	a->profile = "pquic";
	fill_hash(a->spec, 0xbb);
	a->passes.items = items_a;
	a->passes.count = 4;
	a->time = 1700000000;
	fill_hash(o[0].sha256, 0x22);
	o[0].name = "process_frame";
	o[0].has_param = 1;
	o[0].param = 7;
	o[0].anchor = "post";
	o[0].file = "frame.o";
	o[0].memory = PDS_ATT_REFUTED;
	fill_hash(o[1].sha256, 0x11);
	o[1].name = "update_rtt";
	o[1].anchor = "replace";
	o[1].file = "rtt.o";
	o[1].termination = PDS_ATT_PROVEN;
	o[1].bound = 1234;
	o[1].effects = PDS_ATT_PROVEN;
	o[1].writes.items = writes;
	o[1].writes.count = 2;
	o[1].memory = PDS_ATT_PROVEN;
	o[1].helpers.items = helpers;
	o[1].helpers.count = 2;
	a->objects = o;
	a->object_count = 2;
}

static void test_golden(void)
{
	struct pds_attestation a;
	struct pds_att_object o[2];
	char *text = NULL;
	size_t len;

	sample(&a, o);
	CU_ASSERT_EQUAL_FATAL(pds_att_format(&a, &text, &len), 0);
	CU_ASSERT_EQUAL(len, strlen(golden));
	CU_ASSERT_STRING_EQUAL(text, golden);
	free(text);
}

static void test_round_trip(void)
{
	struct pds_attestation *a = NULL;
	char *text = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_att_parse(golden, strlen(golden), "a", NULL, &a), 0);
	CU_ASSERT_STRING_EQUAL(a->plugin, "be.example.ack_delay");
	CU_ASSERT_EQUAL(a->time, 1700000000);
	CU_ASSERT_EQUAL(a->passes.count, 4);
	CU_ASSERT_STRING_EQUAL(a->passes.items[0], "cfg");
	CU_ASSERT_EQUAL_FATAL(a->object_count, 2);
	CU_ASSERT_STRING_EQUAL(a->objects[0].name, "update_rtt");
	CU_ASSERT_EQUAL(a->objects[0].has_param, 0);
	CU_ASSERT_EQUAL(a->objects[0].termination, PDS_ATT_PROVEN);
	CU_ASSERT_EQUAL(a->objects[0].bound, 1234);
	CU_ASSERT_EQUAL(a->objects[0].writes.count, 2);
	CU_ASSERT_STRING_EQUAL(a->objects[0].helpers.items[1], "set_path");
	CU_ASSERT_EQUAL(a->objects[1].param, 7);
	CU_ASSERT_STRING_EQUAL(a->objects[1].anchor, "post");
	CU_ASSERT_EQUAL(a->objects[1].memory, PDS_ATT_REFUTED);
	CU_ASSERT_EQUAL(a->objects[1].helpers.count, 0);
	CU_ASSERT_EQUAL_FATAL(pds_att_format(a, &text, &len), 0);
	CU_ASSERT_STRING_EQUAL(text, golden);
	free(text);
	pds_att_free(a);
}

/*
 * One encoding only: a flipped text is either refused or is the exact
 * encoding of what it parses to (so a different claim, caught by the signature).
 */
static void test_bit_flips(void)
{
	size_t len = strlen(golden), structure = 0, not_canonical = 0;
	char *buf = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			struct pds_attestation *a = NULL;
			char *again = NULL;
			size_t n;

			memcpy(buf, golden, len + 1);
			buf[i] ^= (char)(1 << bit);
			if (pds_att_parse(buf, len, "a", NULL, &a))
				continue;
			/* Separators are structure: no flip of one may parse. */
			structure += golden[i] == ' ' || golden[i] == '\n';
			if (pds_att_format(a, &again, &n) || n != len || memcmp(again, buf, len)) {
				not_canonical++;
				fprintf(stderr, "flip %zu.%d parses but is not canonical\n", i,
					bit);
			}
			free(again);
			pds_att_free(a);
		}
	CU_ASSERT_EQUAL(not_canonical, 0);
	CU_ASSERT_EQUAL(structure, 0);
	free(buf);
}

static void test_truncations(void)
{
	const char *one_end = strstr(golden, "object " H2);
	size_t len = strlen(golden), cut = (size_t)(one_end - golden);

	for (size_t n = 0; n < len; n++) {
		struct pds_attestation *a = NULL;
		int err = pds_att_parse(golden, n, "a", NULL, &a);

		/* The only valid prefix ends after the first object's block. */
		if (n == cut) {
			CU_ASSERT_EQUAL(err, 0);
		} else {
			CU_ASSERT(err == PDS_ATT_E_ATT_SYNTAX || err == PDS_ATT_E_ATT_MISSING ||
				  err == PDS_ATT_E_ATT_VERSION || err == PDS_ATT_E_ATT_VALUE);
		}
		pds_att_free(a);
	}
}

struct bad_att {
	const char *from, *to; /* replace the first "from" of golden by "to" */
	int code;
	unsigned line;
};

static const struct bad_att bad_atts[] = {
	{"pds-attestation/v1", "pds-attestation/v2", PDS_ATT_E_ATT_VERSION, 1},
	{"pds-attestation/v1\n", "", PDS_ATT_E_ATT_VERSION, 1},
	{"plugin ", "plugins ", PDS_ATT_E_ATT_MISSING, 2},
	{"plugin be", "plugin  be", PDS_ATT_E_ATT_SYNTAX, 2},
	{"ack_delay\n", "ack_delay \n", PDS_ATT_E_ATT_SYNTAX, 2},
	{"ack_delay\n", "ack_delay\r\n", PDS_ATT_E_ATT_SYNTAX, 2},
	{"manifest aa", "manifest AA", PDS_ATT_E_ATT_VALUE, 3},
	{"manifest aa", "manifest a", PDS_ATT_E_ATT_VALUE, 3},
	{"checker pds-check 0.1.0", "checker pds-check", PDS_ATT_E_ATT_SYNTAX, 4},
	{"profile pquic\n", "", PDS_ATT_E_ATT_MISSING, 5},
	{"passes cfg,effects", "passes effects,cfg", PDS_ATT_E_ATT_ORDER, 7},
	{"passes cfg,effects", "passes cfg,cfg", PDS_ATT_E_ATT_ORDER, 7},
	{"passes cfg,effects", "passes cfg,,effects", PDS_ATT_E_ATT_VALUE, 7},
	{"passes cfg,effects,memory,termination", "passes -", PDS_ATT_E_ATT_MISSING, 7},
	{"time 1700000000", "time 01700000000", PDS_ATT_E_ATT_VALUE, 8},
	{"time 1700000000", "time 9223372036854775808", PDS_ATT_E_ATT_VALUE, 8},
	{"time 1700000000", "time +1700000000", PDS_ATT_E_ATT_VALUE, 8},
	{"process_frame 7", "process_frame 65536", PDS_ATT_E_ATT_VALUE, 14},
	{"process_frame 7", "process_frame 07", PDS_ATT_E_ATT_VALUE, 14},
	{"update_rtt - replace rtt.o", "update_rtt - replace -", PDS_ATT_E_ATT_VALUE, 9},
	{"termination proven 1234", "termination proven -", PDS_ATT_E_ATT_VALUE, 10},
	{"termination unknown -", "termination unknown 5", PDS_ATT_E_ATT_VALUE, 15},
	{"termination unknown -", "termination maybe -", PDS_ATT_E_ATT_VALUE, 15},
	{"effects unknown -", "effects budget -", PDS_ATT_E_ATT_VALUE, 16},
	{"cnx:rtt_min,path", "zzz,path", PDS_ATT_E_ATT_ORDER, 11},
	{"memory refuted\n", "", PDS_ATT_E_ATT_MISSING, 17},
	{"helpers -\n", "helpers -\nextra line\n", PDS_ATT_E_ATT_MISSING, 19},
	{"object " H1,
	 "object "
	 "3333333333333333333333333333333333333333333333333333333333333333",
	 PDS_ATT_E_ATT_ORDER, 14},
	{"rtt.o", "r\xc3\xa9.o", PDS_ATT_E_ATT_SYNTAX, 9},
	{"helpers -\n", "helpers -", PDS_ATT_E_ATT_SYNTAX, 18},
};

static char *replace(const char *from, const char *to)
{
	const char *p = strstr(golden, from);
	size_t pre = (size_t)(p - golden), len = strlen(golden) - strlen(from) + strlen(to);
	char *out = malloc(len + 1);

	memcpy(out, golden, pre);
	strcpy(out + pre, to);
	strcat(out, p + strlen(from));
	return out;
}

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_atts) / sizeof(bad_atts[0]); i++) {
		const struct bad_att *b = &bad_atts[i];
		char *text = replace(b->from, b->to);
		struct pds_attestation *a = NULL;
		struct atu_diags d;
		int err;

		atu_diags_init(&d);
		err = pds_att_parse(text, strlen(text), "bad.att", &d.sink, &a);
		if (err != b->code || d.last_line != b->line)
			fprintf(stderr, "case %zu: code %d line %u (%s)\n", i, err, d.last_line,
				d.last_text);
		CU_ASSERT_EQUAL(err, b->code);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_EQUAL(d.last_line, b->line);
		CU_ASSERT_STRING_EQUAL(d.last_rule, pds_att_rule(b->code));
		CU_ASSERT_PTR_NULL(a);
		free(text);
	}
}

static void test_format_refusals(void)
{
	struct pds_attestation a;
	struct pds_att_object o[2];
	char *bad_items[] = {"x", "x"}, *text = NULL;
	size_t len;

	sample(&a, o);
	o[0].name = "has space";
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_VALUE);
	sample(&a, o);
	o[1].helpers.items = bad_items;
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_ORDER);
	sample(&a, o);
	o[1] = o[0];
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_ORDER);
	sample(&a, o);
	o[0].effects = PDS_ATT_BUDGET;
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_VALUE);
	sample(&a, o);
	o[0].bound = 3; /* a bound without a proof */
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_VALUE);
	sample(&a, o);
	a.time = (uint64_t)INT64_MAX + 1;
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_VALUE);
	sample(&a, o);
	a.object_count = 0;
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_MISSING);
	sample(&a, o);
	a.has_manifest = 0;
	CU_ASSERT_EQUAL_FATAL(pds_att_format(&a, &text, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nmanifest -\n"));
	free(text);
}

/* Tokens of the longest length round-trip; one byte more is refused on both sides. */
static void test_long_tokens(void)
{
	struct pds_attestation a, *back = NULL;
	struct pds_att_object o[2];
	char name[PDS_ATT_MAX_TOKEN + 2], file[PDS_ATT_MAX_TOKEN + 1], *text = NULL;
	size_t len;

	memset(name, 'n', sizeof(name) - 2);
	name[PDS_ATT_MAX_TOKEN] = '\0';
	memset(file, 'f', sizeof(file) - 1);
	file[PDS_ATT_MAX_TOKEN] = '\0';
	sample(&a, o);
	o[0].name = name;
	o[0].file = file;
	a.plugin = file;
	CU_ASSERT_EQUAL_FATAL(pds_att_format(&a, &text, &len), 0);
	CU_ASSERT_EQUAL_FATAL(pds_att_parse(text, len, "a", NULL, &back), 0);
	CU_ASSERT_STRING_EQUAL(back->plugin, file);
	CU_ASSERT_STRING_EQUAL(back->objects[1].name, name);
	pds_att_free(back);
	free(text);
	name[PDS_ATT_MAX_TOKEN] = 'n';
	name[PDS_ATT_MAX_TOKEN + 1] = '\0';
	CU_ASSERT_EQUAL(pds_att_format(&a, &text, &len), PDS_ATT_E_ATT_VALUE);
}

/* The attestation as a signed note: any flipped bit breaks the verifier's signature. */
static void test_signed(void)
{
	struct pds_note_signer *s = atu_signer("verifier.example/pv1", PDS_NOTE_ED25519, 5);
	struct pds_note_verifier v;
	struct pds_note *n = NULL;
	char *enc = NULL;
	size_t len, refused = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	pds_note_signer_public(s, &v);
	CU_ASSERT_EQUAL_FATAL(pds_note_new(golden, strlen(golden), &n), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_sign(n, s), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(n, &enc, &len), 0);
	pds_note_free(n);
	for (size_t i = 0; i < strlen(golden); i++)
		for (int bit = 0; bit < 8; bit++) {
			struct pds_note *m = NULL;
			int err;

			enc[i] ^= (char)(1 << bit);
			err = pds_note_parse(enc, len, "a", NULL, &m);
			if (!err)
				err = pds_note_verify(m, &v, 1, 0, NULL);
			refused += err != 0;
			pds_note_free(m);
			enc[i] ^= (char)(1 << bit);
		}
	CU_ASSERT_EQUAL(refused, strlen(golden) * 8);
	free(enc);
	pds_note_signer_free(s);
}

PDS_TEST_MAIN("attest attestation text", PDS_TEST(test_golden), PDS_TEST(test_round_trip),
	      PDS_TEST(test_bit_flips), PDS_TEST(test_truncations), PDS_TEST(test_malformed),
	      PDS_TEST(test_format_refusals), PDS_TEST(test_long_tokens), PDS_TEST(test_signed))
