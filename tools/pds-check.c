// SPDX-License-Identifier: MIT
/*
 * pds-check — read eBPF objects and PQUIC plugins, check them, report.
 *
 * Exit codes (docs/man/pds-check.1): 0 every property holds for every input,
 * 1 a property is violated, 2 a property could not be decided, 3 bad input or
 * usage.  The worst outcome over all inputs wins (3 > 1 > 2 > 0).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>
#include <pds/manifest.h>

#include "tools/common.h"

enum {
	EXIT_HOLDS = 0,
	EXIT_VIOLATED = 1,
	EXIT_UNKNOWN = 2,
	EXIT_BAD_INPUT = 3,
};

struct diag_rec {
	struct pds_chk_diag d;
	char *strings[5];
};

struct options {
	enum pds_chk_profile profile;
	bool profile_set;
	bool disasm;
	bool json;
	bool source;
	bool quiet;
	bool werror;
};

struct run {
	struct options opt;
	struct pds_json json;
	struct diag_rec *diags; /* collected for --json */
	size_t ndiags, capdiags;
	unsigned errors, warnings;
};

static void usage(FILE *out)
{
	fputs("Usage: pds-check [OPTIONS] FILE.o|NAME.plugin ...\n"
	      "Check eBPF objects and PQUIC plugins: read and validate every instruction,\n"
	      "and report termination and side-effect verdicts.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --profile=NAME  ABI profile for objects: pquic (default) or kernel;\n"
	      "                      plugins (.plugin manifests) are always pquic\n"
	      "  -d, --disasm        print each program's disassembly (helpers, strings,\n"
	      "                      maps resolved; source lines interleaved when known)\n"
	      "      --no-source     do not interleave source lines in --disasm\n"
	      "  -j, --json          print one JSON document on standard output\n"
	      "  -q, --quiet         print errors only\n"
	      "  -W, --werror        treat warnings as a violated property (exit 1)\n"
	      "  -h, --help          show this help and exit\n"
	      "  -V, --version       show the version and exit\n"
	      "\n"
	      "Exit status: 0 every property holds, 1 a property is violated, 2 a property\n"
	      "could not be decided, 3 bad input or usage.\n",
	      out);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void keep_diag(struct run *r, const struct pds_chk_diag *d)
{
	struct diag_rec *rec;

	if (r->ndiags == r->capdiags) {
		size_t cap = r->capdiags ? r->capdiags * 2 : 16;
		struct diag_rec *v = realloc(r->diags, cap * sizeof(*v));

		if (!v)
			return;
		r->diags = v;
		r->capdiags = cap;
	}
	rec = &r->diags[r->ndiags++];
	rec->d = *d;
	rec->d.rule = rec->strings[0] = dup_or_null(d->rule);
	rec->d.file = rec->strings[1] = dup_or_null(d->file);
	rec->d.section = rec->strings[2] = dup_or_null(d->section);
	rec->d.src_file = rec->strings[3] = dup_or_null(d->src_file);
	rec->d.message = rec->strings[4] = dup_or_null(d->message);
}

static void on_diag(void *ctx, const struct pds_chk_diag *d)
{
	struct run *r = ctx;
	char line[2048];

	r->errors += d->level == PDS_CHK_ERROR;
	r->warnings += d->level == PDS_CHK_WARNING;
	if (r->opt.json) {
		keep_diag(r, d);
		return;
	}
	if (r->opt.quiet && d->level != PDS_CHK_ERROR)
		return;
	pds_chk_diag_format(d, line, sizeof(line));
	fprintf(stderr, "%s\n", line);
}

static void json_diags(struct run *r)
{
	static const char *const levels[] = {"note", "warning", "error"};

	pds_json_begin_arr(&r->json, "diagnostics");
	for (size_t i = 0; i < r->ndiags; i++) {
		const struct pds_chk_diag *d = &r->diags[i].d;

		pds_json_begin_obj(&r->json, NULL);
		pds_json_str(&r->json, "level", levels[d->level <= 2 ? d->level : 2]);
		pds_json_str(&r->json, "rule", d->rule);
		pds_json_int(&r->json, "code", d->code);
		pds_json_str(&r->json, "file", d->file);
		if (d->line)
			pds_json_uint(&r->json, "line", d->line);
		if (d->section)
			pds_json_str(&r->json, "section", d->section);
		if (d->insn >= 0) {
			pds_json_int(&r->json, "insn", d->insn);
			pds_json_uint(&r->json, "offset", d->sec_off);
		}
		if (d->src_file) {
			pds_json_str(&r->json, "src_file", d->src_file);
			pds_json_uint(&r->json, "src_line", d->src_line);
			pds_json_uint(&r->json, "src_col", d->src_col);
		}
		pds_json_str(&r->json, "message", d->message);
		pds_json_end_obj(&r->json);
		for (int k = 0; k < 5; k++)
			free(r->diags[i].strings[k]);
	}
	pds_json_end_arr(&r->json);
	r->ndiags = 0;
}

/* Helper names called by a program, each once, in first-call order. */
static void json_helpers(struct run *r, const struct pds_chk_prog *p)
{
	size_t n = pds_chk_prog_slot_count(p);

	pds_json_begin_arr(&r->json, "helpers");
	for (size_t i = 0; i < n; i++) {
		const struct pds_insn_ref *ref = pds_chk_prog_ref(p, i);
		bool seen = false;

		if (!ref || (ref->kind != PDS_REF_HELPER && ref->kind != PDS_REF_KFUNC))
			continue;
		for (size_t k = 0; k < i && !seen; k++) {
			const struct pds_insn_ref *o = pds_chk_prog_ref(p, k);

			seen = o && o->kind == ref->kind && o->name && ref->name &&
			       !strcmp(o->name, ref->name) && o->helper_id == ref->helper_id;
		}
		if (seen)
			continue;
		if (ref->name)
			pds_json_str(&r->json, NULL, ref->name);
		else
			pds_json_int(&r->json, NULL, ref->helper_id);
	}
	pds_json_end_arr(&r->json);
}

static void json_prog(struct run *r, const struct pds_chk_prog *p)
{
	const uint32_t *starts;
	const char *const *names;
	size_t nsubs = pds_chk_prog_subprogs(p, &starts, &names);

	pds_json_begin_obj(&r->json, NULL);
	pds_json_str(&r->json, "name", pds_chk_prog_name(p));
	pds_json_str(&r->json, "section", pds_chk_prog_section(p));
	pds_json_uint(&r->json, "instructions", pds_chk_prog_insn_count(p));
	pds_json_uint(&r->json, "slots", pds_chk_prog_slot_count(p));
	json_helpers(r, p);
	pds_json_begin_arr(&r->json, "subprograms");
	for (size_t i = 1; i < nsubs; i++) {
		pds_json_begin_obj(&r->json, NULL);
		pds_json_str(&r->json, "name", names[i]);
		pds_json_uint(&r->json, "start", starts[i]);
		pds_json_end_obj(&r->json);
	}
	pds_json_end_arr(&r->json);
	pds_json_begin_obj(&r->json, "termination");
	pds_json_str(&r->json, "verdict", "unknown");
	pds_json_str(&r->json, "reason", "termination analysis not available in this version");
	pds_json_end_obj(&r->json);
	pds_json_begin_obj(&r->json, "side_effects");
	pds_json_str(&r->json, "verdict", "unknown");
	pds_json_str(&r->json, "reason", "side-effect analysis not available in this version");
	pds_json_end_obj(&r->json);
	pds_json_end_obj(&r->json);
}

/* Verdict of one readable object: the analyses decide; none is available yet. */
static int object_verdict(struct run *r, const struct pds_chk_obj *obj)
{
	if (r->opt.werror && r->warnings)
		return EXIT_VIOLATED;
	return pds_chk_obj_prog_count(obj) ? EXIT_UNKNOWN : EXIT_BAD_INPUT;
}

static int check_object(struct run *r, const char *path, enum pds_chk_profile profile)
{
	struct pds_chk_open_opts opts = {.sz = sizeof(opts), .profile = profile,
					 .diag = {on_diag, r}};
	struct pds_chk_obj *obj = NULL;
	int rc;

	if (pds_chk_obj_open(path, &opts, &obj) != 0) {
		rc = EXIT_BAD_INPUT;
		goto json;
	}
	rc = object_verdict(r, obj);
	if (r->opt.disasm)
		for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
			pds_chk_disasm(pds_chk_obj_prog(obj, i), stdout,
				       PDS_DISASM_BYTES | (r->opt.source ? PDS_DISASM_SOURCE : 0));
			fputc('\n', stdout);
		}
json:
	if (r->opt.json) {
		pds_json_str(&r->json, "profile", pds_chk_profile_name(profile));
		pds_json_begin_arr(&r->json, "programs");
		for (size_t i = 0; obj && i < pds_chk_obj_prog_count(obj); i++)
			json_prog(r, pds_chk_obj_prog(obj, i));
		pds_json_end_arr(&r->json);
	}
	pds_chk_obj_free(obj);
	return rc;
}

static int worse(int a, int b)
{
	static const int rank[] = {[EXIT_HOLDS] = 0, [EXIT_UNKNOWN] = 1, [EXIT_VIOLATED] = 2,
				   [EXIT_BAD_INPUT] = 3};

	return rank[b] > rank[a] ? b : a;
}

static const char *const anchor_json[] = {"replace", "pre", "post", "extern"};

static int check_plugin(struct run *r, const char *path)
{
	struct pds_chk_diag_sink sink = {on_diag, r};
	struct pds_chk_manifest *m = NULL;
	int rc = EXIT_HOLDS;

	if (pds_chk_manifest_parse(path, &sink, &m) != 0) {
		if (r->opt.json)
			pds_json_null(&r->json, "plugin_id");
		return EXIT_BAD_INPUT;
	}
	if (r->opt.json) {
		pds_json_str(&r->json, "plugin_id", m->plugin_id);
		pds_json_begin_arr(&r->json, "pluglets");
	}
	for (size_t i = 0; i < m->pluglet_count; i++) {
		const struct pds_chk_pluglet *pl = &m->pluglets[i];

		if (r->opt.json) {
			pds_json_begin_obj(&r->json, NULL);
			pds_json_str(&r->json, "protoop", pl->protoop);
			if (pl->has_param)
				pds_json_uint(&r->json, "param", pl->param);
			else
				pds_json_null(&r->json, "param");
			pds_json_str(&r->json, "anchor", anchor_json[pl->anchor & 3]);
			pds_json_str(&r->json, "file", pl->path);
		}
		rc = worse(rc, check_object(r, pl->path, PDS_CHK_PROFILE_PQUIC));
		if (r->opt.json)
			pds_json_end_obj(&r->json);
	}
	if (r->opt.json)
		pds_json_end_arr(&r->json);
	pds_chk_manifest_free(m);
	return rc;
}

static bool is_manifest(const char *path)
{
	size_t n = strlen(path);

	return n > 7 && !strcmp(path + n - 7, ".plugin");
}

static int check_input(struct run *r, const char *path)
{
	bool plugin = is_manifest(path);
	int rc;

	if (r->opt.json) {
		pds_json_begin_obj(&r->json, NULL);
		pds_json_str(&r->json, "file", path);
		pds_json_str(&r->json, "kind", plugin ? "plugin" : "object");
	}
	if (plugin)
		rc = check_plugin(r, path);
	else
		rc = check_object(r, path, r->opt.profile);
	if (r->opt.json) {
		static const char *const status[] = {[EXIT_HOLDS] = "holds",
						     [EXIT_VIOLATED] = "violated",
						     [EXIT_UNKNOWN] = "unknown",
						     [EXIT_BAD_INPUT] = "bad-input"};

		pds_json_str(&r->json, "status", status[rc]);
		json_diags(r);
		pds_json_end_obj(&r->json);
	}
	return rc;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'}, {"disasm", no_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},	   {"quiet", no_argument, NULL, 'q'},
		{"werror", no_argument, NULL, 'W'},	   {"no-source", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},	   {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->source = true;
	while ((c = getopt_long(argc, argv, "p:djqWhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (pds_chk_profile_parse(optarg, &o->profile) != 0) {
				fprintf(stderr, "pds-check: unknown profile '%s' (pquic, kernel)\n",
					optarg);
				return EXIT_BAD_INPUT;
			}
			o->profile_set = true;
			break;
		case 'd':
			o->disasm = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'W':
			o->werror = true;
			break;
		case 'S':
			o->source = false;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("pds-check %s\n", PDS_VERSION);
			exit(0);
		default:
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "pds-check: no input files\n");
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = {0};
	int rc, worst = EXIT_HOLDS;

	rc = parse_args(argc, argv, &r.opt);
	if (rc)
		return rc;
	if (r.opt.json) {
		pds_json_init(&r.json, stdout);
		pds_json_begin_obj(&r.json, NULL);
		pds_json_str(&r.json, "tool", "pds-check");
		pds_json_str(&r.json, "version", PDS_VERSION);
		pds_json_begin_arr(&r.json, "inputs");
	}
	for (int i = optind; i < argc; i++) {
		if (pds_tool_interactive() && !r.opt.json && argc - optind > 1)
			fprintf(stderr, "[%d/%d] %s\n", i - optind + 1, argc - optind, argv[i]);
		worst = worse(worst, check_input(&r, argv[i]));
	}
	if (r.opt.json) {
		pds_json_end_arr(&r.json);
		pds_json_int(&r.json, "exit", worst);
		pds_json_end_obj(&r.json);
	}
	free(r.diags);
	return worst;
}
