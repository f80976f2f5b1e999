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

#include <pds/analysis.h>
#include <pds/check.h>
#include <pds/effects.h>
#include <pds/manifest.h>
#include <pds/spec.h>

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
	const char *cfg_path;
	const char *spec_paths[16];
	int nspecs;
	const char *protoop; /* for objects given alone (--protoop) */
};

struct run {
	struct options opt;
	struct pds_json json;
	struct diag_rec *diags; /* collected for --json */
	size_t ndiags, capdiags;
	unsigned errors, warnings;
	struct pds_chk_spec *spec;
	FILE *cfg_out;
	const char *protoop; /* protoop of the object being checked */
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
	      "  -c, --cfg=FILE      write each program's CFG as Graphviz DOT, loops and\n"
	      "                      their bounds marked\n"
	      "  -s, --spec=FILE     more specs: host facts (ranges, list bounds) and protoop\n"
	      "                      specs, added to the built-in PQUIC ones (repeatable)\n"
	      "  -P, --protoop=NAME  protoop an object given alone is attached to (side effects)\n"
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

static void json_u64(struct pds_json *j, const char *key, uint64_t v)
{
	if (v == UINT64_MAX)
		pds_json_null(j, key);
	else
		pds_json_uint(j, key, v);
}

static void json_loops(struct run *r, const struct pds_chk_term_report *t)
{
	pds_json_begin_arr(&r->json, "loops");
	for (size_t i = 0; i < t->nloops; i++) {
		const struct pds_chk_loop_report *l = &t->loops[i];

		pds_json_begin_obj(&r->json, NULL);
		pds_json_uint(&r->json, "header", l->header);
		pds_json_uint(&r->json, "depth", l->depth);
		pds_json_int(&r->json, "parent", l->parent);
		pds_json_str(&r->json, "verdict", pds_chk_verdict_name(l->verdict));
		json_u64(&r->json, "max_iterations", l->max_iter);
		pds_json_str(&r->json, "iterations_formula", l->iter_formula);
		pds_json_str(&r->json, "variable", l->ivar && l->ivar[0] ? l->ivar : NULL);
		if (l->has_loc) {
			pds_json_str(&r->json, "src_file", l->loc.file);
			pds_json_uint(&r->json, "src_line", l->loc.line);
		}
		if (l->rule) {
			pds_json_str(&r->json, "rule", l->rule);
			pds_json_str(&r->json, "reason", l->reason);
		}
		pds_json_end_obj(&r->json);
	}
	pds_json_end_arr(&r->json);
}

static void json_termination(struct run *r, const struct pds_chk_term_report *t)
{
	pds_json_begin_obj(&r->json, "termination");
	if (!t) {
		pds_json_str(&r->json, "verdict", "unknown");
		pds_json_str(&r->json, "reason", "the analysis could not run");
		pds_json_end_obj(&r->json);
		return;
	}
	pds_json_str(&r->json, "verdict", pds_chk_verdict_name(t->verdict));
	json_u64(&r->json, "bound", t->bound);
	pds_json_bool(&r->json, "bound_saturated",
		      t->verdict <= PDS_VERDICT_PROVEN_ASSUMING && t->bound == UINT64_MAX);
	pds_json_str(&r->json, "formula", t->formula);
	pds_json_begin_arr(&r->json, "assumptions");
	for (size_t i = 0; i < t->nassumptions; i++)
		pds_json_str(&r->json, NULL, t->assumptions[i]);
	pds_json_end_arr(&r->json);
	if (t->rule) {
		pds_json_str(&r->json, "rule", t->rule);
		pds_json_str(&r->json, "reason", t->reason);
	}
	json_loops(r, t);
	pds_json_end_obj(&r->json);
}

static void json_effects(struct run *r, const struct pds_chk_effects_report *e)
{
	pds_json_begin_obj(&r->json, "side_effects");
	pds_json_str(&r->json, "protoop", r->protoop);
	if (!e) {
		pds_json_str(&r->json, "verdict", "unknown");
		pds_json_str(&r->json, "reason",
			     r->protoop ? "the analysis could not run"
					: "no protoop given (--protoop)");
		pds_json_end_obj(&r->json);
		return;
	}
	pds_json_str(&r->json, "verdict", pds_chk_effects_verdict_name(e->verdict));
	pds_json_begin_arr(&r->json, "writes");
	for (size_t i = 0; i < e->nwrites; i++) {
		pds_json_begin_obj(&r->json, NULL);
		pds_json_str(&r->json, "setter", e->writes[i].setter);
		pds_json_str(&r->json, "key", e->writes[i].key);
		pds_json_str(&r->json, "object", e->writes[i].object);
		if (e->writes[i].via)
			pds_json_str(&r->json, "via_protoop", e->writes[i].via);
		pds_json_end_obj(&r->json);
	}
	pds_json_end_arr(&r->json);
	pds_json_begin_arr(&r->json, "protoops_called");
	for (size_t i = 0; i < e->nprotoops; i++)
		pds_json_str(&r->json, NULL, e->protoops[i]);
	pds_json_end_arr(&r->json);
	pds_json_begin_arr(&r->json, "findings");
	for (size_t i = 0; i < e->nfindings; i++) {
		const struct pds_chk_finding *f = &e->findings[i];

		pds_json_begin_obj(&r->json, NULL);
		pds_json_uint(&r->json, "insn", f->slot);
		pds_json_bool(&r->json, "violation", f->violation);
		pds_json_str(&r->json, "rule", f->rule);
		pds_json_str(&r->json, "message", f->message);
		if (f->has_loc) {
			pds_json_str(&r->json, "src_file", f->loc.file);
			pds_json_uint(&r->json, "src_line", f->loc.line);
		}
		pds_json_end_obj(&r->json);
	}
	pds_json_end_arr(&r->json);
	pds_json_end_obj(&r->json);
}

static void json_prog(struct run *r, const struct pds_chk_prog *p,
		      const struct pds_chk_term_report *term,
		      const struct pds_chk_effects_report *eff)
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
	json_termination(r, term);
	json_effects(r, eff);
	pds_json_end_obj(&r->json);
}

static void print_termination(const struct pds_chk_prog *p, const struct pds_chk_term_report *t)
{
	printf("%s: termination %s", pds_chk_prog_name(p), pds_chk_verdict_name(t->verdict));
	if (t->verdict <= PDS_VERDICT_PROVEN_ASSUMING) {
		if (t->bound == UINT64_MAX)
			printf(", more than 2^64 instructions at worst");
		else
			printf(", at most %llu instructions", (unsigned long long)t->bound);
		if (t->formula)
			printf(" (%s)", t->formula);
		for (size_t i = 0; i < t->nassumptions; i++)
			printf("%s%s", i ? ", " : "; assuming ", t->assumptions[i]);
	} else if (t->reason) {
		printf(": %s", t->reason);
	}
	printf("\n");
}

static void print_effects(const struct pds_chk_prog *p, const struct run *r,
			  const struct pds_chk_effects_report *e)
{
	printf("%s: side effects %s", pds_chk_prog_name(p),
	       e ? pds_chk_effects_verdict_name(e->verdict) : "unknown");
	if (!e) {
		printf(" (%s)\n", r->protoop ? "the analysis could not run" : "no protoop given");
		return;
	}
	printf(" for %s; writes:", r->protoop);
	if (!e->nwrites)
		printf(" none");
	for (size_t i = 0; i < e->nwrites; i++)
		printf("%s %s %s on %s", i ? "," : "", e->writes[i].setter, e->writes[i].key,
		       e->writes[i].object);
	printf("\n");
}

/* Exit code of one program from its verdicts. */
static int prog_exit(const struct pds_chk_term_report *t, const struct pds_chk_effects_report *e)
{
	if ((t && t->verdict == PDS_VERDICT_FAILS) || (e && e->verdict == PDS_EFFECTS_VIOLATION))
		return EXIT_VIOLATED;
	if (!t || t->verdict == PDS_VERDICT_UNKNOWN || !e || e->verdict != PDS_EFFECTS_OK)
		return EXIT_UNKNOWN;
	return EXIT_HOLDS;
}

static int worse(int a, int b);

static int check_prog(struct run *r, const struct pds_chk_prog *p, enum pds_chk_profile profile)
{
	struct pds_chk_term_opts topts = {.sz = sizeof(topts), .diag = {on_diag, r}};
	struct pds_chk_effects_opts eopts = {
		.sz = sizeof(eopts), .spec = r->spec, .protoop = r->protoop, .diag = {on_diag, r}};
	struct pds_chk_term_report *term = NULL;
	struct pds_chk_effects_report *eff = NULL;
	int rc;

	topts.facts = pds_chk_spec_facts(r->spec);
	if (pds_chk_termination(p, &topts, &term) != 0)
		term = NULL;
	/* side effects are defined for PQUIC pluglets against their protoop's spec */
	if (r->protoop && profile == PDS_CHK_PROFILE_PQUIC && pds_chk_effects(p, &eopts, &eff) != 0)
		eff = NULL;
	rc = prog_exit(term, eff);
	if (r->opt.disasm) {
		pds_chk_disasm(p, stdout,
			       PDS_DISASM_BYTES | (r->opt.source ? PDS_DISASM_SOURCE : 0));
		fputc('\n', stdout);
	}
	if (r->cfg_out)
		pds_chk_cfg_dot(p, term, r->cfg_out);
	if (r->opt.json)
		json_prog(r, p, term, eff);
	else if (!r->opt.quiet) {
		if (term)
			print_termination(p, term);
		print_effects(p, r, eff);
	}
	pds_chk_term_report_free(term);
	pds_chk_effects_report_free(eff);
	return rc;
}

static int check_object(struct run *r, const char *path, enum pds_chk_profile profile)
{
	struct pds_chk_open_opts opts = {
		.sz = sizeof(opts), .profile = profile, .diag = {on_diag, r}};
	struct pds_chk_obj *obj = NULL;
	unsigned warnings = r->warnings;
	int rc = EXIT_HOLDS;

	if (r->opt.json) {
		pds_json_str(&r->json, "profile", pds_chk_profile_name(profile));
		pds_json_begin_arr(&r->json, "programs");
	}
	if (pds_chk_obj_open(path, &opts, &obj) != 0)
		rc = EXIT_BAD_INPUT;
	for (size_t i = 0; obj && i < pds_chk_obj_prog_count(obj); i++)
		rc = worse(rc, check_prog(r, pds_chk_obj_prog(obj, i), profile));
	if (r->opt.json)
		pds_json_end_arr(&r->json);
	if (r->opt.werror && r->warnings > warnings)
		rc = worse(rc, EXIT_VIOLATED);
	pds_chk_obj_free(obj);
	return rc;
}

static int worse(int a, int b)
{
	static const int rank[] = {
		[EXIT_HOLDS] = 0, [EXIT_UNKNOWN] = 1, [EXIT_VIOLATED] = 2, [EXIT_BAD_INPUT] = 3};

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
		r->protoop = pl->protoop;
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
	if (plugin) {
		rc = check_plugin(r, path);
	} else {
		r->protoop = r->opt.protoop;
		rc = check_object(r, path, r->opt.profile);
	}
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
		{"protoop", required_argument, NULL, 'P'}, {"cfg", required_argument, NULL, 'c'},
		{"spec", required_argument, NULL, 's'},	   {NULL, 0, NULL, 0},
	};
	int c;

	o->source = true;
	while ((c = getopt_long(argc, argv, "p:djqWhVc:s:P:", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			o->protoop = optarg;
			break;
		case 'c':
			o->cfg_path = optarg;
			break;
		case 's':
			if (o->nspecs == 16) {
				fprintf(stderr, "pds-check: at most 16 --spec files\n");
				return EXIT_BAD_INPUT;
			}
			o->spec_paths[o->nspecs++] = optarg;
			break;
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
	{
		struct pds_chk_diag_sink sink = {on_diag, &r};
		bool json = r.opt.json;

		r.opt.json = false; /* a bad spec is reported before any output */
		rc = pds_chk_spec_builtin(&sink, &r.spec);
		for (int i = 0; !rc && i < r.opt.nspecs; i++)
			rc = pds_chk_spec_add_file(r.spec, r.opt.spec_paths[i], &sink);
		r.opt.json = json;
		if (rc) {
			pds_chk_spec_free(r.spec);
			return EXIT_BAD_INPUT;
		}
	}
	if (r.opt.cfg_path) {
		r.cfg_out = fopen(r.opt.cfg_path, "w");
		if (!r.cfg_out) {
			fprintf(stderr, "pds-check: cannot write %s\n", r.opt.cfg_path);
			pds_chk_spec_free(r.spec);
			return EXIT_BAD_INPUT;
		}
	}
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
	pds_chk_spec_free(r.spec);
	if (r.cfg_out && fclose(r.cfg_out) != 0) {
		fprintf(stderr, "pds-check: error writing %s\n", r.opt.cfg_path);
		worst = EXIT_BAD_INPUT;
	}
	return worst;
}
