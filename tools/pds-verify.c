// SPDX-License-Identifier: MIT
/*
 * pds-verify — libpdsload on the command line: verifies plugins (a manifest
 * with its .pds evidence, or a .pdsb bundle) against a trust policy, the way a
 * host does before loading them.  Reads local files only.
 *
 *   pds-verify --policy P [options] NAME.plugin|ID.pdsb...
 *   pds-verify --policy P --check-policy
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/load.h>

#include "tools/common.h"

enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

struct opts {
	const char *policy;
	const char *state;
	const char *into;
	const char *advance;
	uint64_t now;
	int json, no_cache, check_policy, quiet;
	char **inputs;
	int ninputs;
};

static void usage(FILE *f)
{
	fputs("usage: pds-verify --policy P [options] NAME.plugin|ID.pdsb...\n"
	      "       pds-verify --policy P --check-policy\n"
	      "       pds-verify --policy P --advance REQUEST|-\n"
	      "Verify plugins against a trust policy before loading them: the files'\n"
	      "digests against the attestation, the verifiers' signatures against the\n"
	      "policy's formula, the log proof, the witnesses' cosignatures and the\n"
	      "checkpoint's age, the anti-rollback state, the verdicts and the budget.\n"
	      "A .pdsb bundle is also checked for its packagers' signatures and safe\n"
	      "contents.  No network access.\n"
	      "options:\n"
	      "  -p, --policy FILE    the trust policy (docs/formats.md §10)\n"
	      "  -s, --state DIR      anti-rollback state folder (overrides the policy's)\n"
	      "  -i, --into DIR       with one bundle: extract it into DIR when accepted\n"
	      "  -t, --now SECONDS    the time for checkpoint age checks (default: now)\n"
	      "  -c, --check-policy   parse the policy and print what it requires\n"
	      "  -a, --advance FILE   move the anti-rollback state to a newer checkpoint\n"
	      "                       given a consistency proof (what pds-log consistency\n"
	      "                       prints; - reads standard input)\n"
	      "  -j, --json           print results as JSON\n"
	      "  -q, --quiet          print refusals only\n"
	      "  -h, --help           this help\n"
	      "exit: 0 every input accepted, 1 an input refused, 2 usage, 3 bad policy\n",
	      f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"policy", required_argument, NULL, 'p'},  {"state", required_argument, NULL, 's'},
		{"into", required_argument, NULL, 'i'},	   {"now", required_argument, NULL, 't'},
		{"check-policy", no_argument, NULL, 'c'},  {"json", no_argument, NULL, 'j'},
		{"advance", required_argument, NULL, 'a'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},	   {NULL, 0, NULL, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "p:s:i:t:a:cjqh", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->policy = optarg;
			break;
		case 's':
			o->state = optarg;
			break;
		case 'i':
			o->into = optarg;
			break;
		case 't':
			if (parse_u64(optarg, &o->now)) {
				fprintf(stderr, "pds-verify: --now: not a number: %s\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			o->check_policy = 1;
			break;
		case 'a':
			o->advance = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	o->inputs = argv + optind;
	o->ninputs = argc - optind;
	if (!o->policy || (o->check_policy || o->advance ? o->ninputs != 0 : o->ninputs < 1) ||
	    (o->check_policy && o->advance) || (o->into && o->ninputs != 1)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int is_bundle(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, ".pdsb");
}

static void print_json(struct pds_json *j, const char *input, const struct pds_ldr_result *r)
{
	pds_json_begin_obj(j, NULL);
	pds_json_str(j, "input", input);
	pds_json_bool(j, "accepted", r->code == 0);
	pds_json_int(j, "code", r->code);
	pds_json_str(j, "rule", pds_ldr_rule(r->code));
	pds_json_str(j, "message", r->message);
	if (r->code) {
		pds_json_str(j, "file", r->file);
		pds_json_uint(j, "line", r->line);
		pds_json_uint(j, "column", r->col);
		if (r->detail)
			pds_json_str(j, "detail_rule", r->detail_rule);
	} else {
		pds_json_str(j, "plugin", r->plugin);
		pds_json_str(j, "log", r->origin);
		pds_json_uint(j, "index", r->index);
		pds_json_uint(j, "tree_size", r->tree_size);
		pds_json_uint(j, "checkpoint_time", r->checkpoint_time);
		pds_json_uint(j, "witnesses", r->witnesses);
		pds_json_str(j, "verifiers", r->verifiers);
		pds_json_uint(j, "objects", r->objects);
		pds_json_uint(j, "max_bound", r->max_bound);
	}
	pds_json_end_obj(j);
}

static void print_text(const struct opts *o, const struct pds_ldr_result *r)
{
	if (!r->code) {
		if (!o->quiet)
			printf("%s\n", r->message);
		return;
	}
	fprintf(stderr, "%s: refused [%s]\n", r->message, pds_ldr_rule(r->code));
}

static int advance(const struct opts *o, struct pds_ldr_policy *p)
{
	struct pds_ldr_result *r = malloc(sizeof(*r));
	const char *name = strcmp(o->advance, "-") ? o->advance : "<stdin>";
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!r || pds_tool_read_file(o->advance, 1u << 20, &buf, &len)) {
		fprintf(stderr, "pds-verify: cannot read %s\n", name);
		free(r);
		return EXIT_ERROR;
	}
	rc = pds_ldr_advance(p, buf, len, name, r);
	if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		print_json(&j, name, r);
	} else {
		print_text(o, r);
	}
	free(buf);
	free(r);
	return rc ? EXIT_REFUSED : EXIT_OK;
}

static int verify_all(const struct opts *o, struct pds_ldr_policy *p)
{
	struct pds_ldr_result *r = malloc(sizeof(*r));
	struct pds_json j;
	int refused = 0;

	if (!r) {
		fprintf(stderr, "pds-verify: out of memory\n");
		return EXIT_ERROR;
	}
	if (o->json) {
		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		pds_json_begin_arr(&j, "results");
	}
	for (int i = 0; i < o->ninputs; i++) {
		const char *in = o->inputs[i];
		int err = is_bundle(in) ? pds_ldr_verify_bundle(p, in, o->into, NULL, 0, r)
					: pds_ldr_verify_plugin(p, in, r);

		refused |= err != 0;
		if (o->json)
			print_json(&j, in, r);
		else
			print_text(o, r);
	}
	if (o->json) {
		pds_json_end_arr(&j);
		pds_json_bool(&j, "accepted", !refused);
		pds_json_end_obj(&j);
	}
	free(r);
	return refused ? EXIT_REFUSED : EXIT_OK;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct pds_ldr_opts lo = {.sz = sizeof(lo)};
	struct pds_ldr_policy *p = NULL;
	struct pds_ldr_result *r;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc;
	r = malloc(sizeof(*r));
	if (!r) {
		fprintf(stderr, "pds-verify: out of memory\n");
		return EXIT_ERROR;
	}
	if (pds_ldr_policy_load(o.policy, &p, r) != 0) {
		fprintf(stderr, "%s [%s]\n", r->message, pds_ldr_rule(r->code));
		free(r);
		return EXIT_ERROR;
	}
	free(r);
	lo.state_dir = o.state;
	lo.now = o.now;
	if (pds_ldr_policy_set(p, &lo) != 0) {
		fprintf(stderr, "pds-verify: cannot apply the options\n");
		pds_ldr_policy_free(p);
		return EXIT_ERROR;
	}
	if (o.check_policy) {
		char summary[8192];

		pds_ldr_policy_summary(p, summary, sizeof(summary));
		printf("%s: policy parses\n%s", o.policy, summary);
		rc = EXIT_OK;
	} else if (o.advance) {
		rc = advance(&o, p);
	} else {
		rc = verify_all(&o, p);
	}
	pds_ldr_policy_free(p);
	return rc;
}
