// SPDX-License-Identifier: MIT
/*
 * pds-bundle — plugin bundles for distro packagers (docs/formats.md §9).
 *
 *   pds-bundle create NAME.plugin [-o ID.pdsb]
 *   pds-bundle sign --key K ID.pdsb
 *   pds-bundle check-signatures --packager PUB... ID.pdsb
 *   pds-bundle list [--json] ID.pdsb
 *   pds-bundle extract --into DIR [--packager PUB...] ID.pdsb
 *   pds-bundle verify --policy P [--into DIR] ID.pdsb
 *
 * Exit codes (docs/man/pds-bundle.1): 0 done, 1 refused (signatures or an unsafe
 * archive), 2 usage, 3 I/O error or malformed input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pds/bundle.h>
#include <pds/load.h>
#include <pds/manifest.h>
#include <pds/note.h>

#include "tools/common.h"

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_ERROR = 3,
};

#define MAX_PACKAGERS 64

struct opts {
	const char *cmd;
	const char *input;
	const char *output;
	const char *key;
	const char *into;
	const char *policy;
	const char *packagers[MAX_PACKAGERS];
	size_t npackagers;
	int json;
	struct pds_bnd_limits lim;
};

static void usage(FILE *out)
{
	fputs("usage: pds-bundle create NAME.plugin [-o ID.pdsb]\n"
	      "       pds-bundle sign --key K ID.pdsb\n"
	      "       pds-bundle check-signatures --packager PUB [--packager PUB]... ID.pdsb\n"
	      "       pds-bundle list [--json] ID.pdsb\n"
	      "       pds-bundle extract --into DIR [--packager PUB]... ID.pdsb\n"
	      "       pds-bundle verify --policy P [--into DIR] ID.pdsb\n"
	      "Pack a plugin's manifests, objects and .pds evidence into a reproducible\n"
	      "gzip-compressed ustar bundle, sign it as a packager, check its signatures,\n"
	      "list it, extract it safely into a new folder, or verify it and its plugin\n"
	      "against a host's trust policy (as pds-verify does).\n"
	      "options:\n"
	      "  -o, --output FILE      create: the bundle to write (default ID.pdsb)\n"
	      "  -k, --key FILE         sign: the packager's signer key (pds-keygen)\n"
	      "  -p, --packager FILE    a packager's verifier key that must have signed\n"
	      "  -i, --into DIR         extract, verify: the folder to create\n"
	      "      --policy FILE      verify: the trust policy (docs/formats.md §10)\n"
	      "  -j, --json             list: JSON output\n"
	      "      --member-max N     largest member in bytes (default 1M)\n"
	      "      --total-max N      largest inflated archive in bytes (default 16M)\n"
	      "      --ratio-max N      largest inflated/compressed ratio (default 100)\n"
	      "      --members-max N    most members (default 1024)\n"
	      "  -h, --help             this help\n"
	      "N takes a suffix k, M or G (powers of 1024).\n"
	      "exit: 0 done, 1 refused (signatures, unsafe archive), 2 usage, 3 I/O or\n"
	      "      malformed input\n",
	      out);
}

static void att_diag(void *ctx, const struct pds_att_diag *d)
{
	char buf[1024];

	(void)ctx;
	pds_att_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "pds-bundle: %s\n", buf);
}

static void chk_diag(void *ctx, const struct pds_chk_diag *d)
{
	char buf[2048];

	(void)ctx;
	if (d->level != PDS_CHK_ERROR)
		return;
	pds_chk_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "pds-bundle: %s\n", buf);
}

static const struct pds_att_diag_sink att_sink = {att_diag, NULL};

/* I/O and malformed text are errors; everything a bundle or a signature gets wrong is a refusal. */
static int exit_of(int err)
{
	if (err == 0)
		return EXIT_OK;
	if (err == PDS_ATT_E_INVAL)
		return EXIT_USAGE;
	if (err >= 200 && err < 300)
		return EXIT_REFUSED;
	if (err == PDS_ATT_E_NOTE_BAD_SIG || err == PDS_ATT_E_NOTE_UNVERIFIED)
		return EXIT_REFUSED;
	return EXIT_ERROR;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (UINT64_MAX >> shift) || v == 0)
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

enum { OPT_MEMBER_MAX = 256, OPT_TOTAL_MAX, OPT_RATIO_MAX, OPT_MEMBERS_MAX, OPT_POLICY };

static int parse_limit(int c, const char *arg, struct pds_bnd_limits *lim)
{
	uint64_t *dst = c == OPT_MEMBER_MAX  ? &lim->member_max
			: c == OPT_TOTAL_MAX ? &lim->total_max
			: c == OPT_RATIO_MAX ? &lim->ratio_max
					     : &lim->members_max;

	if (parse_size(arg, dst)) {
		fprintf(stderr, "pds-bundle: bad number '%s'\n", arg);
		return -1;
	}
	return 0;
}

static int parse_opt(int c, struct opts *o)
{
	switch (c) {
	case 'o':
		o->output = optarg;
		return 0;
	case 'k':
		o->key = optarg;
		return 0;
	case 'i':
		o->into = optarg;
		return 0;
	case OPT_POLICY:
		o->policy = optarg;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	case 'p':
		if (o->npackagers == MAX_PACKAGERS) {
			fprintf(stderr, "pds-bundle: at most %d packagers\n", MAX_PACKAGERS);
			return -1;
		}
		o->packagers[o->npackagers++] = optarg;
		return 0;
	case OPT_MEMBER_MAX:
	case OPT_TOTAL_MAX:
	case OPT_RATIO_MAX:
	case OPT_MEMBERS_MAX:
		return parse_limit(c, optarg, &o->lim);
	case 'h':
		usage(stdout);
		exit(EXIT_OK);
	default:
		return -1;
	}
}

/* Which options each command takes; anything else is a usage error. */
static int opts_fit(const struct opts *o)
{
	const char *c = o->cmd;
	int create = !strcmp(c, "create"), sign = !strcmp(c, "sign");
	int check = !strcmp(c, "check-signatures"), list = !strcmp(c, "list");
	int extract = !strcmp(c, "extract"), verify = !strcmp(c, "verify");

	if (!create && !sign && !check && !list && !extract && !verify)
		return 0;
	if ((verify && !o->policy) || (o->policy && !verify))
		return 0;
	if ((o->output && !create) || (o->key && !sign) || (o->into && !extract && !verify) ||
	    (o->json && !list) || (o->npackagers && !check && !extract))
		return 0;
	if ((sign && !o->key) || (check && !o->npackagers) || (extract && !o->into))
		return 0;
	return 1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"output", required_argument, NULL, 'o'},
		{"key", required_argument, NULL, 'k'},
		{"packager", required_argument, NULL, 'p'},
		{"into", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"member-max", required_argument, NULL, OPT_MEMBER_MAX},
		{"total-max", required_argument, NULL, OPT_TOTAL_MAX},
		{"ratio-max", required_argument, NULL, OPT_RATIO_MAX},
		{"members-max", required_argument, NULL, OPT_MEMBERS_MAX},
		{"policy", required_argument, NULL, OPT_POLICY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	pds_bnd_limits_default(&o->lim);
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		exit(EXIT_OK);
	}
	if (argc < 2)
		return -1;
	o->cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:k:p:i:jh", longs, NULL)) != -1)
		if (parse_opt(c, o))
			return -1;
	if (optind != argc - 1 || !opts_fit(o))
		return -1;
	o->input = argv[optind];
	return 0;
}

/* ---------------------------------------------------------------- create */

/* path relative to the plugin's folder, as it goes in the bundle. */
static const char *relative(const struct pds_chk_manifest *m, const char *path)
{
	size_t n = strlen(m->dir);

	if (!strcmp(m->dir, "."))
		return path;
	if (strncmp(path, m->dir, n))
		return NULL;
	if (m->dir[n - 1] == '/')
		return path + n;
	return path[n] == '/' ? path + n + 1 : NULL;
}

static int add_one(struct pds_bnd *b, const struct pds_chk_manifest *m, const char *file)
{
	const char *rel = relative(m, file);
	int err;

	if (!rel) {
		fprintf(stderr, "pds-bundle: %s: not inside the plugin's folder %s\n", file,
			m->dir);
		return PDS_ATT_E_BND_PATH;
	}
	if (pds_bnd_find(b, rel))
		return 0; /* an object several pluglets name */
	err = pds_bnd_add_file(b, rel, file);
	if (err)
		fprintf(stderr, "pds-bundle: %s: cannot pack as '%s': %s [%s]\n", file, rel,
			pds_att_strerror(err), pds_att_rule(err));
	return err;
}

/* The file and, when there is one, its evidence file.pds beside it. */
static int add_with_evidence(struct pds_bnd *b, const struct pds_chk_manifest *m, const char *file)
{
	size_t n = strlen(file);
	char *pds = malloc(n + 5);
	struct stat st;
	int err = add_one(b, m, file);

	if (!pds)
		return PDS_ATT_E_NOMEM;
	memcpy(pds, file, n);
	memcpy(pds + n, ".pds", 5);
	if (!err && !stat(pds, &st) && S_ISREG(st.st_mode))
		err = add_one(b, m, pds);
	free(pds);
	return err;
}

static int pack_manifest(const struct pds_chk_manifest *m, struct pds_bnd *b)
{
	int err = 0;

	for (size_t i = 0; i < m->file_count && !err; i++)
		err = add_with_evidence(b, m, m->files[i]);
	for (size_t i = 0; i < m->pluglet_count && !err; i++)
		err = add_with_evidence(b, m, m->pluglets[i].path);
	return err;
}

static int cmd_create(const struct opts *o)
{
	struct pds_chk_diag_sink sink = {chk_diag, NULL};
	struct pds_chk_manifest *m = NULL;
	struct pds_bnd *b = NULL;
	char *out = NULL;
	int err, ret = EXIT_ERROR;

	if (pds_chk_manifest_parse(o->input, &sink, &m))
		return EXIT_ERROR;
	if (!m->dir) {
		fprintf(stderr, "pds-bundle: %s: manifest without a folder\n", o->input);
		goto out;
	}
	if (!o->output && asprintf(&out, "%s.pdsb", m->plugin_id) < 0)
		goto out;
	err = pds_bnd_new(&b);
	if (!err)
		err = pack_manifest(m, b);
	if (!err) {
		err = pds_bnd_write(b, o->output ? o->output : out);
		if (err)
			fprintf(stderr, "pds-bundle: %s: cannot write: %s\n",
				o->output ? o->output : out, pds_att_strerror(err));
	}
	ret = err ? (err == PDS_ATT_E_IO ? EXIT_ERROR : exit_of(err)) : EXIT_OK;
out:
	free(out);
	pds_bnd_free(b);
	pds_chk_manifest_free(m);
	return ret;
}

/* ---------------------------------------------------------------- the others */

static int load_packagers(const struct opts *o, struct pds_note_verifier *keys)
{
	for (size_t i = 0; i < o->npackagers; i++) {
		int err = pds_note_verifier_load(o->packagers[i], &att_sink, &keys[i]);

		if (err)
			return err;
	}
	return 0;
}

static int check_signatures(const struct opts *o, const struct pds_bnd *b)
{
	struct pds_note_verifier *keys = calloc(o->npackagers, sizeof(*keys));
	int err;

	if (!keys)
		return PDS_ATT_E_NOMEM;
	err = load_packagers(o, keys);
	if (!err)
		err = pds_bnd_verify_signatures(b, o->input, keys, o->npackagers, &att_sink);
	free(keys);
	return err;
}

static int cmd_sign(const struct opts *o, struct pds_bnd *b)
{
	struct pds_note_signer *s = NULL;
	int err = pds_note_signer_load(o->key, &att_sink, &s);

	if (err)
		return err;
	err = pds_bnd_sign(b, s);
	if (err)
		fprintf(stderr, "pds-bundle: %s: cannot sign: %s [%s]\n", o->input,
			pds_att_strerror(err), pds_att_rule(err));
	if (!err)
		err = pds_bnd_write(b, o->input);
	pds_note_signer_free(s);
	return err;
}

static void list_json(const struct opts *o, const struct pds_bnd *b)
{
	struct pds_json j;
	char hex[65];

	pds_json_init(&j, stdout);
	pds_json_begin_obj(&j, NULL);
	pds_json_str(&j, "bundle", o->input);
	pds_json_bool(&j, "signed", pds_bnd_find(b, PDS_BND_SIGNATURES) != NULL);
	pds_json_begin_arr(&j, "members");
	for (size_t i = 0; i < b->count; i++) {
		const struct pds_bnd_member *m = &b->members[i];

		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", m->sha256[k]);
		pds_json_begin_obj(&j, NULL);
		pds_json_str(&j, "path", m->path);
		pds_json_uint(&j, "size", m->size);
		pds_json_str(&j, "sha256", hex);
		pds_json_end_obj(&j);
	}
	pds_json_end_arr(&j);
	pds_json_end_obj(&j);
}

static void list_text(const struct pds_bnd *b)
{
	for (size_t i = 0; i < b->count; i++)
		printf("%10zu  %s\n", b->members[i].size, b->members[i].path);
}

/* The bundle and its plugin against a trust policy: libpdsload's verification. */
static int cmd_verify(const struct opts *o)
{
	struct pds_ldr_result *res = malloc(sizeof(*res));
	struct pds_ldr_policy *p = NULL;
	int rc = EXIT_ERROR;

	if (!res) {
		fprintf(stderr, "pds-bundle: out of memory\n");
		return EXIT_ERROR;
	}
	if (pds_ldr_policy_load(o->policy, &p, res) != 0) {
		fprintf(stderr, "%s [%s]\n", res->message, pds_ldr_rule(res->code));
	} else if (pds_ldr_verify_bundle(p, o->input, o->into, NULL, 0, res) != 0) {
		fprintf(stderr, "%s: refused [%s]\n", res->message, pds_ldr_rule(res->code));
		rc = EXIT_REFUSED;
	} else {
		printf("%s\n", res->message);
		rc = EXIT_OK;
	}
	pds_ldr_policy_free(p);
	free(res);
	return rc;
}

static int run(const struct opts *o)
{
	struct pds_bnd *b = NULL;
	int err;

	if (!strcmp(o->cmd, "create"))
		return cmd_create(o);
	if (!strcmp(o->cmd, "verify"))
		return cmd_verify(o);
	err = pds_bnd_load(o->input, &o->lim, &att_sink, &b);
	if (!err && !strcmp(o->cmd, "sign"))
		err = cmd_sign(o, b);
	else if (!err && !strcmp(o->cmd, "list"))
		o->json ? list_json(o, b) : list_text(b);
	else if (!err && o->npackagers)
		err = check_signatures(o, b);
	if (!err && !strcmp(o->cmd, "check-signatures"))
		printf("%s: signed by %zu required packager%s; %zu members match\n", o->input,
		       o->npackagers, o->npackagers == 1 ? "" : "s", b->count - 1);
	if (!err && !strcmp(o->cmd, "extract"))
		err = pds_bnd_extract(b, o->into, &att_sink);
	pds_bnd_free(b);
	return exit_of(err);
}

int main(int argc, char **argv)
{
	struct opts o = {0};

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return run(&o);
}
