// SPDX-License-Identifier: MIT
/*
 * The spec parser (spec.c, include/pds/spec.h): every declaration form with
 * every field checked, comments, CRLF and hexadecimal numbers; a table of
 * malformed specs, each refused with one code at one line, reported to the sink
 * as an error naming the spec; the size limits; and bit flips and truncations
 * of a good spec, which must never crash and always give a consistent result.
 *
 * Access key values are those of pquic-access-keys.tsv: AK_CNX_INPUT 0x00,
 * AK_CNX_NB_PATHS 0x2d, AK_PKT_NEXT_PACKET 0x01, AK_PKT_LENGTH 0x05.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/spec.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

#define AK_CNX_INPUT 0x00
#define AK_CNX_NB_PATHS 0x2d
#define AK_PKT_NEXT_PACKET 0x01
#define AK_PKT_LENGTH 0x05

/* What the sink saw: the first error, and how many errors. */
struct seen {
	unsigned errors;
	int code;
	unsigned line;
	char file[64];
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct seen *s = ctx;

	if (d->level != PDS_CHK_ERROR)
		return;
	if (!s->errors++) {
		s->code = d->code;
		s->line = d->line;
		snprintf(s->file, sizeof(s->file), "%s", d->file ? d->file : "");
	}
}

static int parse(const char *text, size_t len, struct seen *s, struct pds_chk_spec **out)
{
	struct pds_chk_diag_sink sink = {collect, s};

	memset(s, 0, sizeof(*s));
	return pds_chk_spec_parse_mem(text, len, "t.spec", &sink, out);
}

static void check_range(const struct pds_chk_fact_range *r, const char *helper, uint16_t key,
			int has_param, uint16_t param, uint64_t max)
{
	CU_ASSERT_STRING_EQUAL(r->helper, helper);
	CU_ASSERT_EQUAL(r->key, key);
	CU_ASSERT_EQUAL(r->has_param, has_param);
	if (has_param)
		CU_ASSERT_EQUAL(r->param, param);
	CU_ASSERT_EQUAL(r->max, max);
}

static void check_list(const struct pds_chk_fact_list *l, const char *helper, uint16_t key,
		       uint64_t max_len)
{
	CU_ASSERT_STRING_EQUAL(l->helper, helper);
	CU_ASSERT_EQUAL(l->key, key);
	CU_ASSERT_EQUAL(l->max_len, max_len);
}

/* ------------------------------------------------------------------ good specs */

static const char every_form[] = "# host facts\n"
				 "range get_cnx AK_CNX_NB_PATHS <= 16\n"
				 "range get_cnx AK_CNX_INPUT param 1 <= 1500\n"
				 "range get_cnx AK_CNX_INPUT param 2 <= 0\n"
				 "range get_pkt 5 <= 0x5dc\n"
				 "list get_pkt AK_PKT_NEXT_PACKET: acyclic, length <= 4096\n"
				 "list get_sack_item 1 <= 64\n"
				 "list get_path 0x0 acyclic length <= 18446744073709551615\n";

static void test_every_form(void)
{
	struct pds_chk_spec *spec = NULL;
	const struct pds_chk_facts *f;
	struct seen s;

	CU_ASSERT_EQUAL_FATAL(parse(every_form, strlen(every_form), &s, &spec), 0);
	CU_ASSERT_EQUAL(s.errors, 0);
	f = pds_chk_spec_facts(spec);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(f->nranges, 4);
	check_range(&f->ranges[0], "get_cnx", AK_CNX_NB_PATHS, 0, 0, 16);
	check_range(&f->ranges[1], "get_cnx", AK_CNX_INPUT, 1, 1, 1500);
	check_range(&f->ranges[2], "get_cnx", AK_CNX_INPUT, 1, 2, 0);
	check_range(&f->ranges[3], "get_pkt", AK_PKT_LENGTH, 0, 0, 1500);
	CU_ASSERT_EQUAL_FATAL(f->nlists, 3);
	check_list(&f->lists[0], "get_pkt", AK_PKT_NEXT_PACKET, 4096);
	check_list(&f->lists[1], "get_sack_item", 1, 64);
	check_list(&f->lists[2], "get_path", 0, UINT64_MAX);
	pds_chk_spec_free(spec);
}

static void test_crlf_comments_blanks(void)
{
	static const char text[] = "# facts, CRLF\r\n"
				   "\r\n"
				   "   # indented comment\r\n"
				   "\t range\tget_cnx   AK_CNX_NB_PATHS\t<=\t0x10 \r\n"
				   "\n"
				   "list get_pkt AK_PKT_NEXT_PACKET acyclic, length <= 7\r";
	struct pds_chk_spec *spec = NULL;
	const struct pds_chk_facts *f;
	struct seen s;

	/* the last line ends in CR without a newline */
	CU_ASSERT_EQUAL_FATAL(parse(text, strlen(text), &s, &spec), 0);
	f = pds_chk_spec_facts(spec);
	CU_ASSERT_EQUAL_FATAL(f->nranges, 1);
	check_range(&f->ranges[0], "get_cnx", AK_CNX_NB_PATHS, 0, 0, 16);
	CU_ASSERT_EQUAL_FATAL(f->nlists, 1);
	check_list(&f->lists[0], "get_pkt", AK_PKT_NEXT_PACKET, 7);
	pds_chk_spec_free(spec);
}

static void test_empty_and_comment_only(void)
{
	static const char *const texts[] = {"", "\n", "# only a comment\n", "\r\n\r\n", "   \t\n"};
	struct pds_chk_spec *spec;
	struct seen s;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		spec = NULL;
		CU_ASSERT_EQUAL_FATAL(parse(texts[i], strlen(texts[i]), &s, &spec), 0);
		CU_ASSERT_EQUAL(pds_chk_spec_facts(spec)->nranges, 0);
		CU_ASSERT_EQUAL(pds_chk_spec_facts(spec)->nlists, 0);
		pds_chk_spec_free(spec);
	}
}

/* Number edges: hex and decimal extremes, 16-bit keys and params. */
static void test_numbers(void)
{
	static const char text[] = "range get_cnx 65535 param 65535 <= 0xffffffffffffffff\n"
				   "range get_cnx 0xffff <= 18446744073709551615\n"
				   "range get_cnx 0 param 0 <= 0x0\n"
				   "range get_cnx 0 param 0xffff <= 0XfF\n";
	struct pds_chk_spec *spec = NULL;
	const struct pds_chk_facts *f;
	struct seen s;
	int rc;

	/* 0X is not the 0x prefix: the last line is refused */
	rc = parse(text, strlen(text), &s, &spec);
	CU_ASSERT_EQUAL(rc, PDS_CHK_E_SPEC_NUMBER);
	CU_ASSERT_EQUAL(s.line, 4);
	CU_ASSERT_PTR_NULL(spec);
	rc = parse(text, strlen(text) - strlen("range get_cnx 0 param 0xffff <= 0XfF\n"), &s,
		   &spec);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	f = pds_chk_spec_facts(spec);
	CU_ASSERT_EQUAL_FATAL(f->nranges, 3);
	check_range(&f->ranges[0], "get_cnx", 0xffff, 1, 0xffff, UINT64_MAX);
	check_range(&f->ranges[1], "get_cnx", 0xffff, 0, 0, UINT64_MAX);
	check_range(&f->ranges[2], "get_cnx", 0, 1, 0, 0);
	pds_chk_spec_free(spec);
}

/* ------------------------------------------------------------------ malformed specs */

struct bad {
	const char *text;
	int code;
	unsigned line;
};

static const struct bad bad_specs[] = {
	{"bogus get_cnx 1 <= 2\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_cnx 1 <=\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_cnx 1 < 2\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_cnx 1 <= 2 3\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_cnx 1 param 1 <= 2 3\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_cnx 1 param 2 < 3\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"a b c d e f g h i j k l m n o p q\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"# c\nlist get_pkt AK_PKT_NEXT_PACKET: cyclic, length <= 5\n", PDS_CHK_E_SPEC_SYNTAX, 2},
	{"list get_pkt AK_PKT_NEXT_PACKET: acyclic, size <= 5\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"list get_pkt AK_PKT_NEXT_PACKET length <= 5\n", PDS_CHK_E_SPEC_SYNTAX, 1},
	{"range get_foo 1 <= 2\n", PDS_CHK_E_SPEC_HELPER, 1},
	{"range set_cnx 1 <= 2\n", PDS_CHK_E_SPEC_HELPER, 1},
	{"\n\nlist cnx AK_PKT_NEXT_PACKET <= 2\n", PDS_CHK_E_SPEC_HELPER, 3},
	{"range get_cnx AK_NOPE <= 2\n", PDS_CHK_E_SPEC_KEY, 1},
	{"range get_cnx AK_PKT_LENGTH <= 2\n", PDS_CHK_E_SPEC_KEY, 1},
	{"list get_cnx AK_PKT_NEXT_PACKET <= 2\n", PDS_CHK_E_SPEC_KEY, 1},
	{"range get_cnx 1 <= 018\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 <= 0x\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 <= 0X10\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 <= -1\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 <= 18446744073709551616\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 <= 0x10000000000000000\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 65536 <= 1\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 param 65536 <= 1\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 1 param x <= 1\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"list get_pkt 1: acyclic, length <= 1x\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"list get_pkt : acyclic, length <= 2\n", PDS_CHK_E_SPEC_NUMBER, 1},
	{"range get_cnx 45 <= 16\n# c\nrange get_cnx AK_CNX_NB_PATHS <= 17\n",
	 PDS_CHK_E_SPEC_DUPLICATE, 3},
	{"range get_cnx 0 param 1 <= 1\nrange get_cnx 0 param 0x1 <= 2\n", PDS_CHK_E_SPEC_DUPLICATE,
	 2},
	{"list get_pkt 1 <= 5\nlist get_pkt AK_PKT_NEXT_PACKET: acyclic, length <= 6\n",
	 PDS_CHK_E_SPEC_DUPLICATE, 2},
	{"range get_cnx 1 <= 2\x01\n", PDS_CHK_E_SPEC_BYTES, 1},
	{"range get_cnx 1 <= 2\rjunk\n", PDS_CHK_E_SPEC_BYTES, 1},
	{"range get_cnx 1 <= 2\r\r\n", PDS_CHK_E_SPEC_BYTES, 1},
	{"# c\r\n\x1b[0m\n", PDS_CHK_E_SPEC_BYTES, 2},
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		const struct bad *b = &bad_specs[i];
		struct pds_chk_spec *spec = (struct pds_chk_spec *)&spec;
		struct seen s;
		int rc = parse(b->text, strlen(b->text), &s, &spec);

		if (rc != b->code || s.line != b->line)
			fprintf(stderr, "case %zu: got code %d line %u, want %d line %u\n", i, rc,
				s.line, b->code, b->line);
		CU_ASSERT_EQUAL(rc, b->code);
		CU_ASSERT_PTR_NULL(spec);
		CU_ASSERT_EQUAL(s.code, b->code);
		CU_ASSERT_EQUAL(s.line, b->line);
		CU_ASSERT_STRING_EQUAL(s.file, "t.spec");
	}
}

/* A NUL byte in the text (the length, not a terminator, ends the spec). */
static void test_nul_byte(void)
{
	static const char text[] = "# c\nrange get_cnx 1 <= 2\0\n";
	struct pds_chk_spec *spec = NULL;
	struct seen s;

	CU_ASSERT_EQUAL(parse(text, sizeof(text) - 1, &s, &spec), PDS_CHK_E_SPEC_BYTES);
	CU_ASSERT_EQUAL(s.line, 2);
	CU_ASSERT_PTR_NULL(spec);
}

/* ------------------------------------------------------------------ limits */

static char *filled(size_t len, char c)
{
	char *buf = malloc(len + 1);

	if (buf) {
		memset(buf, c, len);
		buf[len] = '\0';
	}
	return buf;
}

static void test_line_length(void)
{
	size_t max = PDS_CHK_SPEC_MAX_LINE;
	char *buf = filled(max + 8, ' ');
	struct pds_chk_spec *spec = NULL;
	struct seen s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	/* a comment line of exactly the limit, CR not counted, then one byte more */
	buf[0] = '#';
	memcpy(buf + max, "\r\n", 2);
	CU_ASSERT_EQUAL(parse(buf, max + 2, &s, &spec), 0);
	pds_chk_spec_free(spec);
	spec = NULL;
	buf[0] = '\n';
	buf[1] = '#';
	buf[max] = ' ';
	buf[max + 1] = 'x';
	memcpy(buf + max + 2, "\n", 1);
	CU_ASSERT_EQUAL(parse(buf, max + 3, &s, &spec), PDS_CHK_E_SPEC_TOO_LARGE);
	CU_ASSERT_EQUAL(s.line, 2);
	CU_ASSERT_PTR_NULL(spec);
	free(buf);
}

static void test_file_size(void)
{
	size_t max = PDS_CHK_SPEC_MAX_SIZE;
	char *buf = filled(max + 1, '\n');
	struct pds_chk_spec *spec = NULL;
	struct seen s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf + max - 22, "range get_cnx 1 <= 2\n", 21);
	CU_ASSERT_EQUAL(parse(buf, max, &s, &spec), 0);
	CU_ASSERT_EQUAL(pds_chk_spec_facts(spec)->nranges, 1);
	pds_chk_spec_free(spec);
	spec = NULL;
	CU_ASSERT_EQUAL(parse(buf, max + 1, &s, &spec), PDS_CHK_E_SPEC_TOO_LARGE);
	CU_ASSERT_EQUAL(s.code, PDS_CHK_E_SPEC_TOO_LARGE);
	CU_ASSERT_PTR_NULL(spec);
	free(buf);
}

static void test_from_file(void)
{
	char *dir = pds_t_mkdtemp(), path[512];
	struct pds_chk_diag_sink sink = {collect, NULL};
	struct pds_chk_spec *spec = NULL;
	struct seen s = {0};

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	sink.ctx = &s;
	snprintf(path, sizeof(path), "%s/host.spec", dir);
	CU_ASSERT_EQUAL_FATAL(pds_t_write_file(path, every_form, strlen(every_form)), 0);
	CU_ASSERT_EQUAL(pds_chk_spec_parse(path, &sink, &spec), 0);
	CU_ASSERT_EQUAL(pds_chk_spec_facts(spec)->nranges, 4);
	pds_chk_spec_free(spec);
	spec = NULL;
	CU_ASSERT_EQUAL_FATAL(pds_t_write_file(path, "range get_cnx 1 <= 2\nrange x\n", 29), 0);
	CU_ASSERT_EQUAL(pds_chk_spec_parse(path, &sink, &spec), PDS_CHK_E_SPEC_SYNTAX);
	CU_ASSERT_EQUAL(s.line, 2);
	CU_ASSERT_STRING_EQUAL(s.file, path);
	CU_ASSERT_PTR_NULL(spec);
	snprintf(path, sizeof(path), "%s/missing.spec", dir);
	CU_ASSERT_EQUAL(pds_chk_spec_parse(path, &sink, &spec), PDS_CHK_E_IO);
	CU_ASSERT_PTR_NULL(spec);
	CU_ASSERT_EQUAL(pds_chk_spec_parse_mem("x", 1, "n", NULL, NULL), PDS_CHK_E_INVAL);
	CU_ASSERT_EQUAL(pds_chk_spec_parse_mem(NULL, 1, "n", NULL, &spec), PDS_CHK_E_INVAL);
	CU_ASSERT_PTR_NULL(pds_chk_spec_facts(NULL));
	pds_chk_spec_free(NULL);
	pds_t_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ damage */

/* Whatever the input: a spec exactly on success, else the sink saw an error with the code. */
static void check_consistent(const char *text, size_t len)
{
	struct pds_chk_spec *spec = NULL;
	struct seen s;
	int rc = parse(text, len, &s, &spec);

	CU_ASSERT_EQUAL(rc == 0, spec != NULL);
	if (rc) {
		CU_ASSERT_EQUAL(s.code, rc);
		CU_ASSERT(s.line >= 1);
	}
	pds_chk_spec_free(spec);
}

static void test_bit_flips(void)
{
	size_t len = strlen(every_form);
	char *buf = malloc(len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(buf, every_form, len);
		buf[bit / 8] ^= (char)(1u << (bit % 8));
		check_consistent(buf, len);
	}
	free(buf);
}

/*
 * Every prefix: consistent; a prefix ending at a line end is accepted; one that
 * stops a declaration before its number is refused.
 */
static void test_truncations(void)
{
	const char *text = every_form;
	size_t len = strlen(text), ls = 0;

	for (size_t cut = 0; cut <= len; cut++)
		check_consistent(text, cut);
	while (ls < len) {
		const char *nl = strchr(text + ls, '\n'), *le = strstr(text + ls, "<= ");
		struct pds_chk_spec *spec = NULL;
		struct seen s;

		CU_ASSERT_EQUAL(parse(text, (size_t)(nl - text) + 1, &s, &spec), 0);
		pds_chk_spec_free(spec);
		for (size_t cut = ls + 1; text[ls] != '#' && le && cut < (size_t)(le - text) + 3;
		     cut++) {
			spec = NULL;
			CU_ASSERT_NOT_EQUAL(parse(text, cut, &s, &spec), 0);
			CU_ASSERT_PTR_NULL(spec);
		}
		ls = (size_t)(nl - text) + 1;
	}
}

PDS_TEST_MAIN("spec", PDS_TEST(test_every_form), PDS_TEST(test_crlf_comments_blanks),
	      PDS_TEST(test_empty_and_comment_only), PDS_TEST(test_numbers),
	      PDS_TEST(test_malformed), PDS_TEST(test_nul_byte), PDS_TEST(test_line_length),
	      PDS_TEST(test_file_size), PDS_TEST(test_from_file), PDS_TEST(test_bit_flips),
	      PDS_TEST(test_truncations))
