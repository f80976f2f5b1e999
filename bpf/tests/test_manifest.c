// SPDX-License-Identifier: MIT
/*
 * PQUIC manifest parser (bpf/manifest.c): good manifests field by field, the
 * malformed corpus in bpf/tests/data/manifests/bad/ (one file per case, expected
 * code and line in bad_cases[]), limits generated at run time, byte mutations and
 * truncations of accepted manifests.
 *
 * Each test copies a corpus folder into a fresh temporary plugin folder and adds the
 * files the manifests name as empty placeholders (the parser only checks that they
 * exist), plus the symlinks and the files outside the plugin's folder that the
 * escape cases need.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/manifest.h>

#include "mk/cunit.h"

#define CORPUS "bpf/tests/data/manifests"

/* ------------------------------------------------------------------ diagnostics sink */

struct rec {
	enum pds_chk_level level;
	int code;
	char rule[64];
	char file[PATH_MAX];
	unsigned line;
	char text[2048];
};

struct recs {
	struct rec v[8];
	size_t n; /* diagnostics received (may exceed the array) */
	size_t errors;
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct recs *r = ctx;

	if (d->level == PDS_CHK_ERROR)
		r->errors++;
	if (r->n < sizeof(r->v) / sizeof(r->v[0])) {
		struct rec *e = &r->v[r->n];

		e->level = d->level;
		e->code = d->code;
		snprintf(e->rule, sizeof(e->rule), "%s", d->rule ? d->rule : "");
		snprintf(e->file, sizeof(e->file), "%s", d->file ? d->file : "");
		e->line = d->line;
		pds_chk_diag_format(d, e->text, sizeof(e->text));
	}
	r->n++;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ------------------------------------------------------------------ plugin folders */

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_str(const char *dir, const char *name, const char *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return write_file(path, s, strlen(s));
}

static int copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	int err = in && out ? 0 : -1;

	while (!err && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			err = -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		err = -1;
	return err;
}

static int copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int err = 0;

	if (!d || (mkdir(to, 0755) && errno != EEXIST)) {
		if (d)
			closedir(d);
		return -1;
	}
	while (!err && (e = readdir(d))) {
		char src[PATH_MAX], dst[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "%s/%s", from, e->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", to, e->d_name);
		if (stat(src, &st))
			err = -1;
		else if (S_ISDIR(st.st_mode))
			err = copy_tree(src, dst);
		else
			err = copy_file(src, dst);
	}
	closedir(d);
	return err;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

struct tree {
	char top[1024];	   /* temporary folder */
	char plugin[1100]; /* top/plugin: the plugin's folder */
};

/*
 * top/plugin/ holds a copy of CORPUS/<which>/ and the placeholders a.o b.o c.o
 * d.o sub/e.o, a folder dir.o, symlinks link_in.o -> a.o, link_out.o -> ../outside.o
 * and link_up -> ..; top/ holds outside.o and outside.plugin.
 */
static int tree_make(struct tree *t, const char *which)
{
	static const char *const objs[] = {"a.o", "b.o", "c.o", "d.o", "sub/e.o"};
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];

	snprintf(t->top, sizeof(t->top), "%s/pds-manifest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->top))
		return -1;
	snprintf(t->plugin, sizeof(t->plugin), "%s/plugin", t->top);
	snprintf(path, sizeof(path), CORPUS "/%s", which);
	if (copy_tree(path, t->plugin))
		return -1;
	snprintf(path, sizeof(path), "%s/sub", t->plugin);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (write_str(t->plugin, objs[i], ""))
			return -1;
	snprintf(path, sizeof(path), "%s/dir.o", t->plugin);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/link_in.o", t->plugin);
	if (symlink("a.o", path))
		return -1;
	snprintf(path, sizeof(path), "%s/link_out.o", t->plugin);
	if (symlink("../outside.o", path))
		return -1;
	snprintf(path, sizeof(path), "%s/link_up", t->plugin);
	if (symlink("..", path))
		return -1;
	if (write_str(t->top, "outside.o", "") ||
	    write_str(t->top, "outside.plugin", "update_rtt replace a.o\n"))
		return -1;
	return 0;
}

static void tree_free(struct tree *t)
{
	nftw(t->top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tree_path(const struct tree *t, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", t->plugin, name);

	if (n < 0 || (size_t)n >= size)
		out[0] = '\0'; /* no such file: the caller's assertion fails */
}

static int parse_in(const struct tree *t, const char *name, struct recs *r,
		    struct pds_chk_manifest **m)
{
	struct pds_chk_diag_sink sink = {collect, r};
	char path[PATH_MAX];

	tree_path(t, name, path, sizeof(path));
	return pds_chk_manifest_parse(path, &sink, m);
}

/* ------------------------------------------------------------------ good manifests */

struct want_pluglet {
	const char *protoop;
	int has_param;
	unsigned param;
	enum pds_chk_anchor anchor;
	const char *file;
	const char *manifest; /* base name */
	unsigned line;
	int negotiated;
};

static void check_pluglets(const struct tree *t, const struct pds_chk_manifest *m,
			   const struct want_pluglet *w, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(m->pluglet_count, n);
	for (size_t i = 0; i < n; i++) {
		const struct pds_chk_pluglet *pl = &m->pluglets[i];
		char path[PATH_MAX];

		tree_path(t, w[i].file, path, sizeof(path));
		CU_ASSERT_STRING_EQUAL(pl->protoop, w[i].protoop);
		CU_ASSERT_EQUAL(pl->has_param, w[i].has_param);
		if (w[i].has_param)
			CU_ASSERT_EQUAL(pl->param, w[i].param);
		CU_ASSERT_EQUAL(pl->anchor, w[i].anchor);
		CU_ASSERT_STRING_EQUAL(pl->file, w[i].file);
		CU_ASSERT_STRING_EQUAL(pl->path, path);
		CU_ASSERT_STRING_EQUAL(base(pl->manifest), w[i].manifest);
		CU_ASSERT_EQUAL(pl->line, w[i].line);
		CU_ASSERT_EQUAL(pl->negotiated, w[i].negotiated);
		if (pl->line != w[i].line || strcmp(pl->protoop, w[i].protoop))
			fprintf(stderr, "pluglet %zu: %s at %s:%u\n", i, pl->protoop, pl->manifest,
				pl->line);
	}
}

static void check_files(const struct tree *t, const struct pds_chk_manifest *m,
			const char *const *names, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(m->file_count, n);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		tree_path(t, names[i], path, sizeof(path));
		CU_ASSERT_STRING_EQUAL(m->files[i], path);
	}
}

static void test_good_full(void)
{
	static const struct want_pluglet want[] = {
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_REPLACE, "a.o", "full.plugin", 5, 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_PRE, "b.o", "full.plugin", 6, 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_POST, "c.o", "full.plugin", 7, 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_POST, "c.o", "full.plugin", 8, 0},
		{"parse_frame", 1, 0x2c, PDS_CHK_ANCHOR_REPLACE, "d.o", "full.plugin", 9, 0},
		{"parse_frame", 1, 45, PDS_CHK_ANCHOR_REPLACE, "d.o", "full.plugin", 10, 0},
		{"parse_frame", 1, 0, PDS_CHK_ANCHOR_PRE, "a.o", "full.plugin", 11, 0},
		{"parse_frame", 1, 65534, PDS_CHK_ANCHOR_REPLACE, "b.o", "full.plugin", 12, 0},
		{"parse_frame", 1, 0xfffe, PDS_CHK_ANCHOR_POST, "c.o", "full.plugin", 13, 0},
		{"send_message", 0, 0, PDS_CHK_ANCHOR_EXTERN, "sub/e.o", "full.plugin", 14, 0},
		{"header_parsed", 0, 0, PDS_CHK_ANCHOR_POST, "a.o", "full_inc.plugin", 2, 0},
		{"stream_opened", 0, 0, PDS_CHK_ANCHOR_PRE, "b.o", "full_nested.plugin", 1, 0},
		{"is_ack_needed", 0, 0, PDS_CHK_ANCHOR_REPLACE, "link_in.o", "full.plugin", 16, 0},
	};
	static const char *const files[] = {"full.plugin", "full_inc.plugin", "full_nested.plugin"};
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	CU_ASSERT_EQUAL(parse_in(&t, "full.plugin", &r, &m), 0);
	CU_ASSERT_EQUAL(r.n, 0);
	if (r.n)
		fprintf(stderr, "%s\n", r.v[0].text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->plugin_id, "be.example.full");
	CU_ASSERT_EQUAL(m->options, PDS_CHK_OPT_RATE_UNLIMITED | PDS_CHK_OPT_DYNAMIC_MEMORY);
	CU_ASSERT_STRING_EQUAL(m->dir, t.plugin);
	CU_ASSERT_STRING_EQUAL(m->path, m->files[0]);
	check_pluglets(&t, m, want, sizeof(want) / sizeof(want[0]));
	check_files(&t, m, files, 3);
	pds_chk_manifest_free(m);
	tree_free(&t);
}

static void test_good_crlf_negotiate(void)
{
	static const struct want_pluglet want[] = {
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_REPLACE, "a.o", "crlf.plugin", 3, 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_POST, "b.o", "crlf.plugin", 5, 1},
		{"parse_frame", 1, 7, PDS_CHK_ANCHOR_REPLACE, "c.o", "crlf.plugin", 6, 1},
	};
	static const char *const files[] = {"crlf.plugin"};
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	CU_ASSERT_EQUAL(parse_in(&t, "crlf.plugin", &r, &m), 0);
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->plugin_id, "be.example.crlf");
	CU_ASSERT_EQUAL(m->options, PDS_CHK_OPT_NEGOTIATE);
	check_pluglets(&t, m, want, sizeof(want) / sizeof(want[0]));
	check_files(&t, m, files, 1);
	pds_chk_manifest_free(m);
	tree_free(&t);
}

/* A diamond is no cycle: the shared file is read twice and listed once. */
static void test_good_diamond(void)
{
	static const struct want_pluglet want[] = {
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_PRE, "d.o", "diamond_common.plugin", 1, 0},
		{"header_parsed", 0, 0, PDS_CHK_ANCHOR_REPLACE, "b.o", "diamond_left.plugin", 2, 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_PRE, "d.o", "diamond_common.plugin", 1, 0},
		{"header_prepared", 0, 0, PDS_CHK_ANCHOR_REPLACE, "c.o", "diamond_right.plugin", 2,
		 0},
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_REPLACE, "a.o", "diamond.plugin", 4, 0},
	};
	static const char *const files[] = {"diamond.plugin", "diamond_left.plugin",
					    "diamond_common.plugin", "diamond_right.plugin"};
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	CU_ASSERT_EQUAL(parse_in(&t, "diamond.plugin", &r, &m), 0);
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->options, 0);
	check_pluglets(&t, m, want, sizeof(want) / sizeof(want[0]));
	check_files(&t, m, files, 4);
	pds_chk_manifest_free(m);
	tree_free(&t);
}

static void test_good_minimal(void)
{
	static const struct want_pluglet want[] = {
		{"update_rtt", 0, 0, PDS_CHK_ANCHOR_REPLACE, "a.o", "minimal.plugin", 2, 0},
	};
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	CU_ASSERT_EQUAL(parse_in(&t, "minimal.plugin", &r, &m), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->plugin_id, "be.example.minimal");
	check_pluglets(&t, m, want, 1);
	pds_chk_manifest_free(m);
	tree_free(&t);
}

/* The top path is used as given: relative, or through "..". */
static void test_top_path_forms(void)
{
	static const char rel[] = CORPUS "/good/minimal.plugin";
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct pds_chk_diag_sink sink = {collect, &r};
	char path[PATH_MAX];
	struct tree t;

	/* the corpus folder itself has no objects: a.o is missing there */
	CU_ASSERT_EQUAL(pds_chk_manifest_parse(rel, &sink, &m), PDS_CHK_E_MF_MISSING_FILE);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL_FATAL(r.n, 1);
	CU_ASSERT_STRING_EQUAL(r.v[0].file, rel);
	CU_ASSERT_EQUAL(r.v[0].line, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.v[0].text, CORPUS "/good/a.o"));
	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	tree_path(&t, "sub/../full.plugin", path, sizeof(path));
	CU_ASSERT_EQUAL(pds_chk_manifest_parse(path, &sink, &m), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->pluglet_count, 13);
	tree_path(&t, "sub/../a.o", path, sizeof(path));
	CU_ASSERT_STRING_EQUAL(m->pluglets[0].path, path);
	tree_path(&t, "sub/../full_inc.plugin", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(m->file_count, 3);
	CU_ASSERT_STRING_EQUAL(m->files[1], path);
	pds_chk_manifest_free(m);
	tree_free(&t);
}

/* In memory with a folder: names resolve and includes work as for a file. */
static void test_mem_with_dir(void)
{
	static const char text[] = "be.example.mem\nupdate_rtt replace a.o\nfull_inc.plugin "
				   "include\n";
	struct pds_chk_diag_sink sink;
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	sink = (struct pds_chk_diag_sink){collect, &r};
	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	CU_ASSERT_EQUAL(
		pds_chk_manifest_parse_mem(text, strlen(text), "mem.plugin", t.plugin, &sink, &m),
		0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, "mem.plugin");
	CU_ASSERT_STRING_EQUAL(m->dir, t.plugin);
	CU_ASSERT_EQUAL(m->pluglet_count, 3);
	CU_ASSERT_EQUAL(m->file_count, 3);
	CU_ASSERT_STRING_EQUAL(m->files[0], "mem.plugin");
	CU_ASSERT_STRING_EQUAL(base(m->files[1]), "full_inc.plugin");
	CU_ASSERT_STRING_EQUAL(base(m->files[2]), "full_nested.plugin");
	pds_chk_manifest_free(m);
	m = NULL;
	/* A missing object is an error once there is a folder. */
	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem("be.x.y\nu replace zz.o\n", 22, "m", t.plugin,
						   &sink, &m),
			PDS_CHK_E_MF_MISSING_FILE);
	CU_ASSERT_PTR_NULL(m);
	tree_free(&t);
}

/* Without a folder: objects need not exist, includes are refused. */
static void test_mem_without_dir(void)
{
	static const char good[] = "be.example.nodir\nupdate_rtt replace nowhere/x.o\n";
	static const char inc[] =
		"be.example.nodir\nupdate_rtt replace a.o\nother.plugin include\n";
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct pds_chk_diag_sink sink = {collect, &r};

	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem(good, strlen(good), "g", NULL, &sink, &m), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NULL(m->dir);
	CU_ASSERT_EQUAL_FATAL(m->pluglet_count, 1);
	CU_ASSERT_STRING_EQUAL(m->pluglets[0].path, "nowhere/x.o");
	CU_ASSERT_STRING_EQUAL(m->pluglets[0].manifest, "g");
	pds_chk_manifest_free(m);
	m = NULL;
	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem(inc, strlen(inc), "i", NULL, &sink, &m),
			PDS_CHK_E_MF_INCLUDE_REFUSED);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL_FATAL(r.n, 1);
	CU_ASSERT_EQUAL(r.v[0].line, 3);
	CU_ASSERT_STRING_EQUAL(r.v[0].rule, "manifest/include-without-folder");
}

/* ------------------------------------------------------------------ malformed corpus */

struct bad_case {
	const char *name; /* bad/<name>.plugin */
	int code;
	const char *where;  /* base name of the file the error points at; NULL: the case */
	unsigned line;	    /* 0: the whole file */
	unsigned note_line; /* line of the "first declared here" note; 0: no note */
};

#define E(x) PDS_CHK_E_MF_##x
static const struct bad_case bad_cases[] = {
	{"syntax_one_field", E(SYNTAX), NULL, 2, 0},
	{"syntax_two_fields", E(SYNTAX), NULL, 2, 0},
	{"syntax_four_fields", E(SYNTAX), NULL, 2, 0},
	{"syntax_too_many_fields", E(SYNTAX), NULL, 2, 0},
	{"syntax_double_space", E(SYNTAX), NULL, 2, 0},
	{"syntax_leading_space", E(SYNTAX), NULL, 2, 0},
	{"syntax_trailing_space", E(SYNTAX), NULL, 2, 0},
	{"syntax_indented_comment", E(SYNTAX), NULL, 3, 0},
	{"syntax_param_no_anchor", E(SYNTAX), NULL, 2, 0},
	{"syntax_param_alone", E(SYNTAX), NULL, 2, 0},
	{"syntax_params_keyword", E(SYNTAX), NULL, 2, 0},
	{"syntax_blank_crlf", E(SYNTAX), NULL, 2, 0},
	{"syntax_id_double_space", E(SYNTAX), NULL, 1, 0},
	{"marker_with_fields", E(SYNTAX), NULL, 3, 0},
	{"option_unknown", E(OPTION), NULL, 1, 0},
	{"option_include", E(OPTION), NULL, 1, 0},
	{"option_repeated", E(OPTION_REPEATED), NULL, 1, 0},
	{"id_not_hierarchical", E(PLUGIN_ID), NULL, 1, 0},
	{"id_empty_label", E(PLUGIN_ID), NULL, 1, 0},
	{"id_bad_char", E(PLUGIN_ID), NULL, 1, 0},
	{"id_blank_first_line", E(PLUGIN_ID), NULL, 1, 0},
	{"id_too_long", E(PLUGIN_ID), NULL, 1, 0},
	{"anchor_unknown", E(ANCHOR), NULL, 2, 0},
	{"anchor_prefix", E(ANCHOR), NULL, 2, 0},
	{"anchor_case", E(ANCHOR), NULL, 2, 0},
	{"param_negative", E(PARAM), NULL, 2, 0},
	{"param_plus", E(PARAM), NULL, 2, 0},
	{"param_octal", E(PARAM), NULL, 2, 0},
	{"param_hex_upper_x", E(PARAM), NULL, 2, 0},
	{"param_hex_empty", E(PARAM), NULL, 2, 0},
	{"param_junk", E(PARAM), NULL, 2, 0},
	{"param_no_param", E(PARAM), NULL, 2, 0},
	{"param_overflow", E(PARAM), NULL, 2, 0},
	{"param_hex_overflow", E(PARAM), NULL, 2, 0},
	{"duplicate_replace", E(DUPLICATE), NULL, 4, 2},
	{"duplicate_extern", E(DUPLICATE), NULL, 3, 2},
	{"duplicate_param_bases", E(DUPLICATE), NULL, 3, 2},
	{"duplicate_diamond", E(DUPLICATE), "duplicate_diamond_common.inc", 2, 2},
	{"extern_then_pre", E(EXTERN_OBSERVED), NULL, 4, 2},
	{"post_then_extern", E(EXTERN_OBSERVED), NULL, 3, 2},
	{"extern_observed_other_param", E(EXTERN_OBSERVED), NULL, 3, 2},
	{"param_mix", E(PARAM_MIX), NULL, 3, 2},
	{"missing_object", E(MISSING_FILE), NULL, 3, 0},
	{"missing_include", E(MISSING_FILE), NULL, 2, 0},
	{"escape_dotdot", E(ESCAPE), NULL, 2, 0},
	{"escape_symlink", E(ESCAPE), NULL, 2, 0},
	{"escape_dir_symlink", E(ESCAPE), NULL, 2, 0},
	{"escape_include", E(ESCAPE), NULL, 2, 0},
	{"absolute_object", E(ABSOLUTE_PATH), NULL, 2, 0},
	{"absolute_include", E(ABSOLUTE_PATH), NULL, 2, 0},
	{"name_bad_char", E(BAD_PATH), NULL, 2, 0},
	{"name_empty_component", E(BAD_PATH), NULL, 2, 0},
	{"name_too_long", E(BAD_PATH), NULL, 2, 0},
	{"not_a_file", E(NOT_FILE), NULL, 2, 0},
	{"path_differs", E(PATH_DIFFERS), "path_differs_inner.plugin", 1, 0},
	{"cycle_self", E(INCLUDE_CYCLE), NULL, 3, 0},
	{"cycle_two", E(INCLUDE_CYCLE), "cycle_two_b.inc", 2, 0},
	{"cycle_three", E(INCLUDE_CYCLE), "cycle_three_c.inc", 2, 0},
	{"marker_without_negotiate", E(MARKER), NULL, 3, 0},
	{"marker_repeated", E(MARKER_REPEATED), NULL, 5, 0},
	{"bytes_nul", E(BYTES), NULL, 2, 0},
	{"bytes_tab", E(BYTES), NULL, 2, 0},
	{"bytes_cr_inside", E(BYTES), NULL, 2, 0},
	{"bytes_in_comment", E(BYTES), NULL, 2, 0},
	{"bytes_del", E(BYTES), NULL, 2, 0},
	{"protoop_bad_char", E(PROTOOP), NULL, 2, 0},
	{"protoop_dash", E(PROTOOP), NULL, 2, 0},
	{"protoop_too_long", E(PROTOOP), NULL, 2, 0},
	{"protoop_high_byte", E(PROTOOP), NULL, 2, 0},
	{"empty", E(EMPTY), NULL, 0, 0},
	{"only_comments", E(EMPTY), NULL, 0, 0},
	{"no_pluglets", E(NO_PLUGLETS), NULL, 2, 0},
	{"line_too_long", E(LINE_TOO_LONG), NULL, 3, 0},
	{"include_empty", E(EMPTY_INCLUDE), NULL, 3, 0},
	{"include_only_comments", E(EMPTY_INCLUDE), NULL, 2, 0},
	/* generated by make_generated() */
	{"too_large", E(TOO_LARGE), NULL, 0, 0},
	{"include_too_large", E(TOO_LARGE), NULL, 2, 0},
	{"include_too_deep", E(INCLUDE_DEPTH), "deep_16.inc", 1, 0},
	{"too_many_includes", E(TOO_MANY_INCLUDES), NULL, PDS_CHK_MANIFEST_MAX_INCLUDES + 2, 0},
};
#undef E

/* The cases too large to keep in the corpus. */
static int make_big(const struct tree *t)
{
	size_t big = PDS_CHK_MANIFEST_MAX_SIZE + 1;
	char *buf = malloc(big), path[PATH_MAX];
	int err = -1;

	if (!buf)
		return -1;
	memset(buf, '#', big);
	memcpy(buf, "be.example.big\nupdate_rtt replace a.o\n", 38);
	tree_path(t, "too_large.plugin", path, sizeof(path));
	if (!write_file(path, buf, big)) {
		tree_path(t, "big.inc", path, sizeof(path));
		err = write_file(path, buf, big);
	}
	free(buf);
	return err;
}

static int make_deep(const struct tree *t)
{
	char name[64], line[64];

	if (write_str(t->plugin, "include_too_deep.plugin",
		      "be.example.bad\ndeep_01.inc include\n"))
		return -1;
	for (int i = 1; i <= 17; i++) {
		snprintf(name, sizeof(name), "deep_%02d.inc", i);
		snprintf(line, sizeof(line), "deep_%02d.inc include\n", i + 1);
		if (write_str(t->plugin, name, i == 17 ? "update_rtt replace a.o\n" : line))
			return -1;
	}
	return 0;
}

static int make_many(const struct tree *t)
{
	char path[PATH_MAX];
	FILE *f;

	tree_path(t, "too_many_includes.plugin", path, sizeof(path));
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("be.example.bad\n", f);
	for (unsigned i = 0; i <= PDS_CHK_MANIFEST_MAX_INCLUDES; i++)
		fputs("empty.inc include\n", f);
	if (fclose(f))
		return -1;
	return write_str(t->plugin, "empty.inc", "\n");
}

static int make_generated(const struct tree *t)
{
	if (make_big(t) || make_deep(t) || make_many(t))
		return -1;
	return write_str(t->plugin, "include_too_large.plugin",
			 "be.example.bad\nbig.inc include\n");
}

static int check_bad_case(const struct tree *t, const struct bad_case *c)
{
	struct pds_chk_manifest *m = (void *)1;
	char file[PATH_MAX];
	struct recs r = {0};
	const char *where = c->where ? c->where : file;
	int rc, ok;

	snprintf(file, sizeof(file), "%s.plugin", c->name);
	rc = parse_in(t, file, &r, &m);
	ok = rc == c->code && m == NULL && r.errors == 1 && r.n >= 1 &&
	     r.v[0].level == PDS_CHK_ERROR && r.v[0].code == c->code &&
	     !strcmp(r.v[0].rule, pds_chk_rule(c->code)) && !strcmp(base(r.v[0].file), where) &&
	     r.v[0].line == c->line;
	if (c->note_line)
		ok = ok && r.n == 2 && r.v[1].level == PDS_CHK_NOTE &&
		     !strcmp(r.v[1].rule, r.v[0].rule) && r.v[1].line == c->note_line;
	else
		ok = ok && r.n == 1;
	if (!ok) {
		fprintf(stderr, "\n%s: expected %s at %s:%u, got %d (%s) with %zu diagnostics\n",
			c->name, pds_chk_rule(c->code), where, c->line, rc, pds_chk_rule(rc), r.n);
		for (size_t i = 0; i < r.n && i < 8; i++)
			fprintf(stderr, "  %s\n", r.v[i].text);
	}
	if (rc == 0 && m)
		pds_chk_manifest_free(m);
	return ok;
}

static void test_bad_corpus(void)
{
	size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]), passed = 0;
	struct tree t;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "bad"), 0);
	CU_ASSERT_EQUAL_FATAL(make_generated(&t), 0);
	for (size_t i = 0; i < n; i++)
		passed += check_bad_case(&t, &bad_cases[i]);
	CU_ASSERT_EQUAL(passed, n);
	tree_free(&t);
}

/* Every file in the bad corpus is a case or an included helper (*.inc, sub/). */
static void test_bad_corpus_complete(void)
{
	DIR *d = opendir(CORPUS "/bad");
	struct dirent *e;
	size_t files = 0, listed = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 7 || strcmp(e->d_name + len - 7, ".plugin"))
			continue;
		files++;
		for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
			if (strlen(bad_cases[i].name) == len - 7 &&
			    !strncmp(bad_cases[i].name, e->d_name, len - 7)) {
				listed++;
				break;
			}
	}
	closedir(d);
	CU_ASSERT(files >= 30);
	CU_ASSERT_EQUAL(files, listed);
}

/* At the limits exactly, manifests are accepted. */
static void test_limits_accepted(void)
{
	size_t size = PDS_CHK_MANIFEST_MAX_SIZE;
	char *buf = malloc(size), name[64], line[64], path[PATH_MAX];
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct tree t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	/* a file of exactly the maximum size, a line of exactly the maximum length */
	memset(buf, '#', size);
	memcpy(buf, "be.example.limit\nupdate_rtt replace a.o\n", 40);
	for (size_t i = 40 + PDS_CHK_MANIFEST_MAX_LINE; i < size; i += 1000)
		buf[i] = '\n';
	tree_path(&t, "limit.plugin", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(write_file(path, buf, size), 0);
	CU_ASSERT_EQUAL(parse_in(&t, "limit.plugin", &r, &m), 0);
	pds_chk_manifest_free(m);
	m = NULL;
	/* includes nested exactly PDS_CHK_MANIFEST_MAX_DEPTH deep */
	write_str(t.plugin, "deep.plugin", "be.example.deep\nd01.inc include\n");
	for (unsigned i = 1; i <= PDS_CHK_MANIFEST_MAX_DEPTH; i++) {
		snprintf(name, sizeof(name), "d%02u.inc", i);
		snprintf(line, sizeof(line), "d%02u.inc include\n", i + 1);
		write_str(t.plugin, name,
			  i == PDS_CHK_MANIFEST_MAX_DEPTH ? "update_rtt replace a.o\n" : line);
	}
	CU_ASSERT_EQUAL(parse_in(&t, "deep.plugin", &r, &m), 0);
	CU_ASSERT_PTR_NOT_NULL(m);
	if (m)
		CU_ASSERT_EQUAL(m->file_count, 1 + PDS_CHK_MANIFEST_MAX_DEPTH);
	pds_chk_manifest_free(m);
	CU_ASSERT_EQUAL(r.n, 0);
	free(buf);
	tree_free(&t);
}

/* ------------------------------------------------------------------ mutations */

/*
 * Each byte of an accepted manifest replaced by a control character must give
 * manifest/bad-bytes on its line; replaced by a non-ASCII byte, the code of the
 * field it lands in (class string, one letter per byte): I id, O option, P protoop,
 * K the "param" keyword, N the number, A anchor, F file, M the marker, C comment
 * text (accepted), '.' a separator or line end (any refusal or acceptance, no crash).
 */
static const char mut_text[] = "be.ex.flip negotiate\n"
			       "# comment\n"
			       "update_rtt replace a.o\n"
			       "parse_frame param 0x2c pre b.o\n"
			       "-\n"
			       "update_rtt post c.o\n";
static const char mut_class[] = "IIIIIIIIII.OOOOOOOOO."
				".CCCCCCCC."
				"PPPPPPPPPP.AAAAAAA.FFF."
				"PPPPPPPPPPP.KKKKK.NNNN.AAA.FFF."
				"M."
				"PPPPPPPPPP.AAAA.FFF.";

static int class_code(char c)
{
	switch (c) {
	case 'I':
		return PDS_CHK_E_MF_PLUGIN_ID;
	case 'O':
		return PDS_CHK_E_MF_OPTION;
	case 'P':
		return PDS_CHK_E_MF_PROTOOP;
	case 'K':
	case 'M':
		return PDS_CHK_E_MF_SYNTAX;
	case 'N':
		return PDS_CHK_E_MF_PARAM;
	case 'A':
		return PDS_CHK_E_MF_ANCHOR;
	case 'F':
		return PDS_CHK_E_MF_BAD_PATH;
	case 'C':
		return 0;
	}
	return -1;
}

static unsigned line_of(const char *s, size_t i)
{
	unsigned line = 1;

	for (size_t k = 0; k < i; k++)
		line += s[k] == '\n';
	return line;
}

static void test_byte_mutations(void)
{
	size_t len = sizeof(mut_text) - 1;
	char buf[sizeof(mut_text)];
	size_t bad = 0;

	CU_ASSERT_EQUAL_FATAL(sizeof(mut_class), sizeof(mut_text));
	for (size_t i = 0; i < len; i++) {
		static const unsigned char subst[] = {0x01, 0x00, 0x7f, 0xc3};

		for (size_t k = 0; k < sizeof(subst); k++) {
			struct pds_chk_manifest *m = NULL;
			struct recs r = {0};
			struct pds_chk_diag_sink sink = {collect, &r};
			int want = subst[k] == 0xc3 ? class_code(mut_class[i]) : PDS_CHK_E_MF_BYTES;
			int rc;

			memcpy(buf, mut_text, len);
			buf[i] = (char)subst[k];
			rc = pds_chk_manifest_parse_mem(buf, len, "mut", NULL, &sink, &m);
			pds_chk_manifest_free(m);
			CU_ASSERT((rc == 0) == (m != NULL));
			if (want < 0)
				continue;
			if (rc != want ||
			    (rc && (r.n != 1 || r.v[0].line != line_of(mut_text, i)))) {
				fprintf(stderr, "\nbyte %zu ('%c') -> 0x%02x: got %s, want %s\n", i,
					mut_text[i], subst[k], pds_chk_rule(rc),
					pds_chk_rule(want));
				bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Every truncation of a one-pluglet manifest, with the code each must give. */
static void test_truncations(void)
{
	static const char text[] = "be.x\nu param 7 pre a.o\n";
#define S PDS_CHK_E_MF_SYNTAX
	static const int want[sizeof(text)] = {
		PDS_CHK_E_MF_EMPTY,
		PDS_CHK_E_MF_PLUGIN_ID,
		PDS_CHK_E_MF_PLUGIN_ID,
		PDS_CHK_E_MF_PLUGIN_ID,
		PDS_CHK_E_MF_NO_PLUGLETS,
		PDS_CHK_E_MF_NO_PLUGLETS,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		S,
		PDS_CHK_E_MF_MISSING_FILE,
		PDS_CHK_E_MF_MISSING_FILE,
		0,
		0,
	};
#undef S
	struct tree t;
	size_t bad = 0;

	CU_ASSERT_EQUAL_FATAL(tree_make(&t, "good"), 0);
	for (size_t len = 0; len < sizeof(text); len++) {
		struct pds_chk_manifest *m = NULL;
		struct recs r = {0};
		struct pds_chk_diag_sink sink = {collect, &r};
		int rc = pds_chk_manifest_parse_mem(text, len, "trunc", t.plugin, &sink, &m);

		if (rc != want[len] || (rc != 0) != (r.errors == 1) || (rc == 0) != (m != NULL)) {
			fprintf(stderr, "\ntruncated to %zu: got %s, want %s\n", len,
				pds_chk_rule(rc), pds_chk_rule(want[len]));
			bad++;
		}
		if (m) {
			CU_ASSERT_EQUAL(m->pluglet_count, 1);
			CU_ASSERT_EQUAL(m->pluglets[0].param, 7);
		}
		pds_chk_manifest_free(m);
	}
	CU_ASSERT_EQUAL(bad, 0);
	tree_free(&t);
}

/* ------------------------------------------------------------------ API edges */

static void test_diag_format(void)
{
	static const char text[] = "be.example.fmt\nupdate_rtt around a.o\n";
	struct pds_chk_manifest *m = NULL;
	struct recs r = {0};
	struct pds_chk_diag_sink sink = {collect, &r};

	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem(text, strlen(text), "x.plugin", NULL, &sink, &m),
			PDS_CHK_E_MF_ANCHOR);
	CU_ASSERT_EQUAL_FATAL(r.n, 1);
	CU_ASSERT_EQUAL(strncmp(r.v[0].text, "x.plugin:2: error: ", 19), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.v[0].text, "[manifest/unknown-anchor]"));
}

static void test_anchor_names(void)
{
	CU_ASSERT_STRING_EQUAL(pds_chk_anchor_name(PDS_CHK_ANCHOR_REPLACE), "replace");
	CU_ASSERT_STRING_EQUAL(pds_chk_anchor_name(PDS_CHK_ANCHOR_PRE), "pre");
	CU_ASSERT_STRING_EQUAL(pds_chk_anchor_name(PDS_CHK_ANCHOR_POST), "post");
	CU_ASSERT_STRING_EQUAL(pds_chk_anchor_name(PDS_CHK_ANCHOR_EXTERN), "extern");
	CU_ASSERT_STRING_EQUAL(pds_chk_anchor_name((enum pds_chk_anchor)4), "unknown");
}

static void test_invalid_arguments(void)
{
	struct pds_chk_manifest *m = (void *)1;
	struct recs r = {0};
	struct pds_chk_diag_sink sink = {collect, &r};

	CU_ASSERT_EQUAL(pds_chk_manifest_parse("x", &sink, NULL), PDS_CHK_E_INVAL);
	CU_ASSERT_EQUAL(pds_chk_manifest_parse(NULL, &sink, &m), PDS_CHK_E_INVAL);
	CU_ASSERT_PTR_NULL(m);
	m = (void *)1;
	CU_ASSERT_EQUAL(pds_chk_manifest_parse("/nonexistent/pds/x.plugin", &sink, &m),
			PDS_CHK_E_IO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem(NULL, 3, "n", NULL, &sink, &m), PDS_CHK_E_INVAL);
	CU_ASSERT_EQUAL(pds_chk_manifest_parse_mem("be.x.y\nu pre a.o\n", 17, "n",
						   "/nonexistent/pds", &sink, &m),
			PDS_CHK_E_IO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(r.errors, 4);
	pds_chk_manifest_free(NULL);
}

PDS_TEST_MAIN("manifest", PDS_TEST(test_good_full), PDS_TEST(test_good_crlf_negotiate),
	      PDS_TEST(test_good_diamond), PDS_TEST(test_good_minimal),
	      PDS_TEST(test_top_path_forms), PDS_TEST(test_mem_with_dir),
	      PDS_TEST(test_mem_without_dir), PDS_TEST(test_bad_corpus),
	      PDS_TEST(test_bad_corpus_complete), PDS_TEST(test_limits_accepted),
	      PDS_TEST(test_byte_mutations), PDS_TEST(test_truncations), PDS_TEST(test_diag_format),
	      PDS_TEST(test_anchor_names), PDS_TEST(test_invalid_arguments))
