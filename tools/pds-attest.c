// SPDX-License-Identifier: MIT
/*
 * pds-attest — check a plugin (or a lone eBPF object) with libpdscheck, and when
 * the verdicts satisfy the acceptance rule, sign an attestation (docs/formats.md
 * §7), append it to a transparency log and write <input>.pds beside the input
 * (§6): the logged note and a tlog-proof against the batch's checkpoint.
 *
 *   pds-attest --key K --log DIR [--log-key L] [--accept RULE]... INPUT
 *   pds-attest --cosign INPUT.pds --key K2 [--log-pub P] [--accept RULE]... [INPUT]
 *
 * Exit codes (docs/man/pds-attest.1): 0 attested or cosigned, 1 refused by the
 * rule (or, cosigning, the facts differ), 2 usage, 3 bad input or I/O, 4 the
 * log is locked by another writer.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <pds/analysis.h>
#include <pds/attestation.h>
#include <pds/check.h>
#include <pds/manifest.h>
#include <pds/note.h>
#include <pds/proof.h>
#include <pds/effects.h>
#include <pds/log_keys.h>
#include <pds/spec.h>
#include <pds/tlog.h>

#include "tools/common.h"

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_ERROR = 3,
	EXIT_LOCKED = 4,
};

#define FILE_MAX (16u << 20)
#define CHECKER_NAME "pds-check"
#define PASSES "read,termination"

/* Verdict sets the operator accepts, one bit per verdict. */
enum { TERM_PROVEN, TERM_ASSUMING, TERM_UNKNOWN, TERM_FAILS };
enum { EFF_PROVEN, EFF_UNKNOWN, EFF_REFUTED };

struct opts {
	const char *key, *log, *log_key, *log_pub, *cosign, *spec, *input;
	unsigned accept_term, accept_eff;
	int json;
};

/* What the checker found, kept beside the attestation for the rule and the report. */
struct run {
	struct opts o;
	struct pds_attestation a;
	enum pds_chk_verdict *term; /* per object, the checker's own verdict */
	size_t cap;
	struct pds_chk_spec *spec;
	int bad_input;
};

static void usage(FILE *out)
{
	fputs("usage: pds-attest --key K --log DIR [options] NAME.plugin|FILE.o\n"
	      "       pds-attest --cosign FILE.pds --key K2 [options] [NAME.plugin|FILE.o]\n"
	      "Check a plugin with libpdscheck; if the verdicts satisfy the rule, sign an\n"
	      "attestation, append it to the log and write <input>.pds beside the input.\n"
	      "options:\n"
	      "  -k, --key FILE       the verifier's signer key (signs the attestation)\n"
	      "  -l, --log DIR        the transparency log (pds-log init)\n"
	      "  -L, --log-key FILE   the log's signer key (default: --key)\n"
	      "  -a, --accept RULE    PROPERTY=VERDICT[,VERDICT...]; properties:\n"
	      "                       termination (proven, proven-assuming, unknown, fails)\n"
	      "                       side-effects (proven, unknown, refuted)\n"
	      "                       default: termination=proven,proven-assuming\n"
	      "                                side-effects=proven\n"
	      "  -s, --spec FILE      host facts the analyses may assume (pds-check --spec)\n"
	      "  -c, --cosign FILE    countersign the attestation in FILE.pds after\n"
	      "                       re-running the checks; the input defaults to FILE\n"
	      "                       without .pds\n"
	      "  -P, --log-pub FILE   with --cosign: also verify the .pds proof against the\n"
	      "                       log's verifier key\n"
	      "  -j, --json           print the result as JSON\n"
	      "  -h, --help           this help\n"
	      "exit: 0 attested, 1 refused by the rule, 2 usage, 3 bad input or I/O,\n"
	      "      4 another writer holds the log\n",
	      out);
}

static int parse_set(const char *list, const char *const *names, size_t n, unsigned *set)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	*set = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < n && strcmp(t, names[i]) != 0)
			i++;
		if (i == n)
			rc = -1;
		else
			*set |= 1u << i;
	}
	free(copy);
	return rc;
}

static const char *const term_names[] = {"proven", "proven-assuming", "unknown", "fails"};
static const char *const eff_names[] = {"proven", "unknown", "refuted"};

static int parse_accept(const char *rule, struct opts *o)
{
	const char *eq = strchr(rule, '=');

	if (!eq)
		return -1;
	if (!strncmp(rule, "termination=", 12))
		return parse_set(eq + 1, term_names, 4, &o->accept_term);
	if (!strncmp(rule, "side-effects=", 13))
		return parse_set(eq + 1, eff_names, 3, &o->accept_eff);
	return -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"key", required_argument, NULL, 'k'},	   {"log", required_argument, NULL, 'l'},
		{"log-key", required_argument, NULL, 'L'}, {"accept", required_argument, NULL, 'a'},
		{"spec", required_argument, NULL, 's'},	   {"cosign", required_argument, NULL, 'c'},
		{"log-pub", required_argument, NULL, 'P'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	   {NULL, 0, NULL, 0},
	};
	int c;

	/* The default rule: nothing the checker could not decide is accepted. */
	o->accept_term = 1u << TERM_PROVEN | 1u << TERM_ASSUMING;
	o->accept_eff = 1u << EFF_PROVEN;
	while ((c = getopt_long(argc, argv, "k:l:L:a:s:c:P:jh", longs, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key = optarg;
			break;
		case 'l':
			o->log = optarg;
			break;
		case 'L':
			o->log_key = optarg;
			break;
		case 'a':
			if (parse_accept(optarg, o)) {
				fprintf(stderr, "pds-attest: bad rule '%s'\n", optarg);
				return -1;
			}
			break;
		case 's':
			o->spec = optarg;
			break;
		case 'c':
			o->cosign = optarg;
			break;
		case 'P':
			o->log_pub = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind != argc || !o->key || (!o->cosign && (!o->log || !o->input))) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- diagnostics */

static void chk_diag(void *ctx, const struct pds_chk_diag *d)
{
	struct run *r = ctx;
	char line[2048];

	if (d->level != PDS_CHK_ERROR)
		return;
	r->bad_input = 1;
	pds_chk_diag_format(d, line, sizeof(line));
	fprintf(stderr, "pds-attest: %s\n", line);
}

static void att_diag(void *ctx, const struct pds_att_diag *d)
{
	char buf[1024];

	(void)ctx;
	pds_att_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "pds-attest: %s\n", buf);
}

static const struct pds_att_diag_sink att_sink = {att_diag, NULL};

static int fail(const char *what, int err)
{
	fprintf(stderr, "pds-attest: %s: %s [%s]\n", what, pds_att_strerror(err),
		pds_att_rule(err));
	if (err == PDS_ATT_E_TLOG_LOCKED)
		return EXIT_LOCKED;
	if (err == PDS_ATT_E_INVAL)
		return EXIT_USAGE;
	return EXIT_ERROR;
}

static int sys_fail(const char *what, int err)
{
	fprintf(stderr, "pds-attest: %s: %s\n", what, strerror(err));
	return EXIT_ERROR;
}

/* ---------------------------------------------------------------- building the attestation */

static int sha256_file(const char *path, uint8_t out[32])
{
	char *buf;
	size_t len;
	int err = pds_tool_read_file(path, FILE_MAX, &buf, &len);

	if (err)
		return sys_fail(path, err);
	crypto_hash_sha256(out, (const unsigned char *)buf, len);
	free(buf);
	return 0;
}

static int list_add(struct pds_att_list *l, const char *s)
{
	char **v;

	for (size_t i = 0; i < l->count; i++)
		if (!strcmp(l->items[i], s))
			return 0;
	v = realloc(l->items, (l->count + 1) * sizeof(*v));
	if (!v)
		return -1;
	l->items = v;
	if (!(v[l->count] = strdup(s)))
		return -1;
	l->count++;
	return 0;
}

static void list_free(struct pds_att_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
}

static int helpers_of(const struct pds_chk_prog *p, struct pds_att_list *l)
{
	for (size_t i = 0; i < pds_chk_prog_slot_count(p); i++) {
		const struct pds_insn_ref *ref = pds_chk_prog_ref(p, i);
		char id[16];

		if (!ref || ref->kind != PDS_REF_HELPER)
			continue;
		snprintf(id, sizeof(id), "%" PRId32, ref->helper_id);
		if (list_add(l, ref->name ? ref->name : id))
			return -1;
	}
	return 0;
}

/*
 * pds-check's verdicts in the attestation's words (formats.md §7): proven and
 * proven-assuming are "proven" with their bound (the spec line's digest names
 * the host facts assumed), fails is "refuted".
 */
static void set_termination(struct pds_att_object *ob, const struct pds_chk_term_report *t)
{
	ob->termination = PDS_ATT_UNKNOWN;
	if (!t)
		return;
	if (t->verdict == PDS_VERDICT_FAILS) {
		ob->termination = PDS_ATT_REFUTED;
	} else if (t->verdict <= PDS_VERDICT_PROVEN_ASSUMING && t->bound != UINT64_MAX) {
		ob->termination = PDS_ATT_PROVEN;
		ob->bound = t->bound;
	}
}

struct obj_ctx {
	const char *path; /* to read */
	const char *file; /* as recorded */
	const struct pds_chk_pluglet *pl;
};

/* Side effects against the protoop's spec: the verdict and the exact write set. */
static int set_effects(struct run *r, struct pds_att_object *ob, const struct obj_ctx *oc,
		       const struct pds_chk_prog *p)
{
	struct pds_chk_effects_opts eo = {
		.sz = sizeof(eo), .spec = r->spec, .protoop = oc->pl ? oc->pl->protoop : NULL};
	struct pds_chk_effects_report *e = NULL;
	int err = 0;

	ob->effects = PDS_ATT_UNKNOWN;
	if (!eo.protoop || pds_chk_effects(p, &eo, &e) != 0)
		return 0;
	if (e->verdict == PDS_EFFECTS_OK)
		ob->effects = PDS_ATT_PROVEN;
	else if (e->verdict == PDS_EFFECTS_VIOLATION)
		ob->effects = PDS_ATT_REFUTED;
	for (size_t i = 0; !err && i < e->nwrites; i++) {
		char w[200];

		snprintf(w, sizeof(w), "%s:%s@%s", e->writes[i].setter, e->writes[i].key,
			 e->writes[i].object);
		err = list_add(&ob->writes, w);
	}
	pds_chk_effects_report_free(e);
	return err;
}

static struct pds_att_object *new_object(struct run *r, enum pds_chk_verdict v)
{
	struct pds_attestation *a = &r->a;

	if (a->object_count == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct pds_att_object *ob = realloc(a->objects, cap * sizeof(*ob));
		enum pds_chk_verdict *tv;

		if (!ob)
			return NULL;
		a->objects = ob;
		tv = realloc(r->term, cap * sizeof(*tv));
		if (!tv)
			return NULL;
		r->term = tv;
		r->cap = cap;
	}
	r->term[a->object_count] = v;
	memset(&a->objects[a->object_count], 0, sizeof(a->objects[0]));
	return &a->objects[a->object_count++];
}

static int add_prog(struct run *r, const struct obj_ctx *oc, const uint8_t digest[32],
		    const struct pds_chk_prog *p)
{
	struct pds_chk_term_opts topts = {.sz = sizeof(topts), .diag = {NULL, NULL}};
	struct pds_chk_term_report *t = NULL;
	struct pds_att_object *ob;
	int err = 0;

	topts.facts = pds_chk_spec_facts(r->spec);
	if (pds_chk_termination(p, &topts, &t) != 0)
		t = NULL;
	ob = new_object(r, t ? t->verdict : PDS_VERDICT_UNKNOWN);
	if (!ob) {
		err = -1;
		goto out;
	}
	memcpy(ob->sha256, digest, 32);
	ob->name = strdup(oc->pl ? oc->pl->protoop : pds_chk_prog_name(p));
	ob->file = strdup(oc->file);
	if (oc->pl) {
		ob->has_param = oc->pl->has_param;
		ob->param = oc->pl->param;
		ob->anchor = strdup(pds_chk_anchor_name(oc->pl->anchor));
		err = !ob->anchor;
	}
	set_termination(ob, t);
	ob->memory = PDS_ATT_UNKNOWN;
	if (!err)
		err = set_effects(r, ob, oc, p);
	if (err || !ob->name || !ob->file || helpers_of(p, &ob->helpers))
		err = -1;
out:
	pds_chk_term_report_free(t);
	return err ? sys_fail("check", ENOMEM) : 0;
}

static int add_object(struct run *r, const struct obj_ctx *oc, enum pds_chk_profile profile)
{
	struct pds_chk_open_opts opts = {
		.sz = sizeof(opts), .profile = profile, .diag = {chk_diag, r}};
	struct pds_chk_obj *obj = NULL;
	uint8_t digest[32];
	int rc = sha256_file(oc->path, digest);

	if (rc)
		return rc;
	if (pds_chk_obj_open(oc->path, &opts, &obj) != 0)
		return EXIT_ERROR;
	for (size_t i = 0; !rc && i < pds_chk_obj_prog_count(obj); i++)
		rc = add_prog(r, oc, digest, pds_chk_obj_prog(obj, i));
	pds_chk_obj_free(obj);
	return rc;
}

static int is_manifest(const char *path)
{
	size_t n = strlen(path);

	return n > 7 && !strcmp(path + n - 7, ".plugin");
}

static int check_plugin(struct run *r)
{
	struct pds_chk_diag_sink sink = {chk_diag, r};
	struct pds_chk_manifest *m = NULL;
	int rc;

	if (pds_chk_manifest_parse(r->o.input, &sink, &m) != 0)
		return EXIT_ERROR;
	rc = sha256_file(r->o.input, r->a.manifest);
	r->a.has_manifest = 1;
	r->a.plugin = strdup(m->plugin_id);
	if (!rc && !r->a.plugin)
		rc = sys_fail("check", ENOMEM);
	for (size_t i = 0; !rc && i < m->pluglet_count; i++) {
		struct obj_ctx oc = {m->pluglets[i].path, m->pluglets[i].file, &m->pluglets[i]};

		rc = add_object(r, &oc, PDS_CHK_PROFILE_PQUIC);
	}
	pds_chk_manifest_free(m);
	return rc;
}

static int check_lone_object(struct run *r)
{
	const char *base = strrchr(r->o.input, '/');
	struct obj_ctx oc = {r->o.input, base ? base + 1 : r->o.input, NULL};

	r->a.plugin = strdup(oc.file);
	if (!r->a.plugin)
		return sys_fail("check", ENOMEM);
	return add_object(r, &oc, PDS_CHK_PROFILE_PQUIC);
}

/* Runs the checker and fills r->a; the time is the caller's. */
static int build(struct run *r)
{
	int rc;

	{
		/* The built-in protoop specs, plus --spec: the digest covers both texts. */
		struct pds_chk_diag_sink sink = {chk_diag, r};
		crypto_hash_sha256_state st;
		size_t blen;
		const char *btext = pds_chk_spec_builtin_text(&blen);
		uint8_t user[32];

		if (pds_chk_spec_builtin(&sink, &r->spec) != 0 ||
		    (r->o.spec && pds_chk_spec_add_file(r->spec, r->o.spec, &sink) != 0))
			return EXIT_ERROR;
		rc = r->o.spec ? sha256_file(r->o.spec, user) : 0;
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, (const unsigned char *)btext, blen);
		if (r->o.spec)
			crypto_hash_sha256_update(&st, user, sizeof(user));
		crypto_hash_sha256_final(&st, r->a.spec);
	}
	r->a.checker = strdup(CHECKER_NAME);
	r->a.checker_version = strdup(PDS_VERSION);
	r->a.profile = strdup(pds_chk_profile_name(PDS_CHK_PROFILE_PQUIC));
	if (!rc && (!r->a.checker || !r->a.checker_version || !r->a.profile ||
		    list_add(&r->a.passes, "read") || list_add(&r->a.passes, "termination") ||
		    list_add(&r->a.passes, "side-effects")))
		rc = sys_fail("check", ENOMEM);
	if (!rc)
		rc = is_manifest(r->o.input) ? check_plugin(r) : check_lone_object(r);
	if (!rc && r->a.object_count == 0) {
		fprintf(stderr, "pds-attest: %s: no program to attest\n", r->o.input);
		rc = EXIT_ERROR;
	}
	return rc;
}

static void run_free(struct run *r)
{
	struct pds_attestation *a = &r->a;

	for (size_t i = 0; i < a->object_count; i++) {
		free(a->objects[i].name);
		free(a->objects[i].anchor);
		free(a->objects[i].file);
		list_free(&a->objects[i].helpers);
		list_free(&a->objects[i].writes);
	}
	free(a->objects);
	free(a->plugin);
	free(a->checker);
	free(a->checker_version);
	free(a->profile);
	list_free(&a->passes);
	free(r->term);
	pds_chk_spec_free(r->spec);
}

/* ---------------------------------------------------------------- the rule */

static int eff_index(enum pds_att_verdict v)
{
	return v == PDS_ATT_PROVEN ? EFF_PROVEN : v == PDS_ATT_REFUTED ? EFF_REFUTED : EFF_UNKNOWN;
}

/* 0 when every object's verdicts are in the accepted sets; reports each refusal. */
static int apply_rule(const struct run *r)
{
	int refused = 0;

	for (size_t i = 0; i < r->a.object_count; i++) {
		const struct pds_att_object *ob = &r->a.objects[i];

		if (!(r->o.accept_term & 1u << r->term[i])) {
			fprintf(stderr, "pds-attest: %s (%s): termination %s is not accepted\n",
				ob->file, ob->name, term_names[r->term[i]]);
			refused = 1;
		}
		if (!(r->o.accept_eff & 1u << eff_index(ob->effects))) {
			fprintf(stderr, "pds-attest: %s (%s): side-effects %s is not accepted\n",
				ob->file, ob->name, eff_names[eff_index(ob->effects)]);
			refused = 1;
		}
	}
	return refused ? EXIT_REFUSED : 0;
}

/* ---------------------------------------------------------------- logging */

struct log_keys {
	struct pds_note_signer *signer;
	struct pds_note_verifier vkey;
};

static char *pds_path(const char *input)
{
	size_t n = strlen(input);
	char *p = malloc(n + 5);

	if (p)
		memcpy(p, input, n), memcpy(p + n, ".pds", 5);
	return p;
}

/* Appends entry as a one-entry batch and returns the evidence text for it. */
static int log_entry(const struct opts *o, struct log_keys *k, const char *entry, size_t len,
		     char **evidence, size_t *ev_len, uint64_t *index, uint64_t *size)
{
	struct pds_log_keys lk = {.signer = k->signer, .vkey = &k->vkey, .sink = &att_sink};
	struct pds_tlog_opts lo = {.sz = sizeof(lo),
				   .sign = pds_log_keys_sign,
				   .sign_ctx = &lk,
				   .verify = pds_log_keys_verify,
				   .verify_ctx = &lk,
				   .sink = att_sink};
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	struct pds_tlog *log = NULL;
	struct pds_proof *p = NULL;
	const char *note;
	size_t plen, note_len;
	int err;

	err = pds_tlog_open(o->log, &lo, &log);
	if (!err)
		err = pds_tlog_append(log, entry, len, index);
	if (!err)
		err = pds_tlog_checkpoint(log);
	if (err)
		goto out;
	*size = pds_tlog_size(log);
	note = pds_tlog_checkpoint_note(log, &note_len);
	err = pds_tlog_prove(log, *size, *index, proof, &plen);
	if (!err)
		err = pds_proof_new(*index, proof, plen, NULL, 0, note, note_len, &p);
	if (!err)
		err = pds_evidence_encode(entry, len, p, evidence, ev_len);
out:
	pds_proof_free(p);
	pds_tlog_free(log);
	return err ? fail(o->log, err) : 0;
}

static void report(const struct run *r, const char *action, const char *out, uint64_t index,
		   uint64_t size)
{
	if (!r->o.json) {
		printf("%s: %s, %s\n", r->o.input, action, out);
		if (size)
			printf("index %" PRIu64 ", tree size %" PRIu64 "\n", index, size);
		return;
	}
	struct pds_json j;

	pds_json_init(&j, stdout);
	pds_json_begin_obj(&j, NULL);
	pds_json_str(&j, "input", r->o.input);
	pds_json_str(&j, "result", action);
	pds_json_str(&j, "evidence", out);
	if (size) {
		pds_json_uint(&j, "index", index);
		pds_json_uint(&j, "size", size);
	}
	pds_json_begin_arr(&j, "objects");
	for (size_t i = 0; i < r->a.object_count; i++) {
		const struct pds_att_object *ob = &r->a.objects[i];

		pds_json_begin_obj(&j, NULL);
		pds_json_str(&j, "file", ob->file);
		pds_json_str(&j, "name", ob->name);
		pds_json_str(&j, "termination", term_names[r->term[i]]);
		if (ob->termination == PDS_ATT_PROVEN)
			pds_json_uint(&j, "bound", ob->bound);
		else
			pds_json_null(&j, "bound");
		pds_json_str(&j, "side_effects", pds_att_verdict_name(ob->effects));
		pds_json_end_obj(&j);
	}
	pds_json_end_arr(&j);
	pds_json_end_obj(&j);
}

static int signed_note(const struct pds_attestation *a, const struct pds_note_signer *s, char **out,
		       size_t *len)
{
	struct pds_note *n = NULL;
	char *text = NULL;
	size_t tlen;
	int err = pds_att_format(a, &text, &tlen);

	if (!err)
		err = pds_note_new(text, tlen, &n);
	if (!err)
		err = pds_note_sign(n, s);
	if (!err)
		err = pds_note_encode(n, out, len);
	free(text);
	pds_note_free(n);
	return err;
}

static int load_signer(const char *path, struct pds_note_signer **s)
{
	int err = pds_note_signer_load(path, &att_sink, s);

	return err ? fail(path, err) : 0;
}

static int attest(struct run *r)
{
	struct log_keys lk = {0};
	struct pds_note_signer *signer = NULL;
	char *entry = NULL, *ev = NULL, *out = NULL;
	size_t len, ev_len;
	uint64_t index = 0, size = 0;
	int rc, err;

	rc = load_signer(r->o.key, &signer);
	if (!rc && r->o.log_key)
		rc = load_signer(r->o.log_key, &lk.signer);
	if (rc)
		goto out;
	rc = build(r);
	if (!rc)
		rc = apply_rule(r);
	if (rc)
		goto out;
	r->a.time = (uint64_t)time(NULL);
	err = signed_note(&r->a, signer, &entry, &len);
	if (err) {
		rc = fail("attestation", err);
		goto out;
	}
	pds_note_signer_public(lk.signer ? lk.signer : signer, &lk.vkey);
	if (!lk.signer) {
		lk.signer = signer;
		signer = NULL;
	}
	rc = log_entry(&r->o, &lk, entry, len, &ev, &ev_len, &index, &size);
	if (rc)
		goto out;
	/* The entry is logged; the evidence beside the input replaces any older one. */
	out = pds_path(r->o.input);
	if (!out) {
		rc = sys_fail("attest", ENOMEM);
	} else if ((err = pds_tool_write_atomic(out, ev, ev_len, 0644)) != 0) {
		rc = sys_fail(out, err);
	} else {
		report(r, "attested", out, index, size);
	}
out:
	free(entry);
	free(ev);
	free(out);
	pds_note_signer_free(signer);
	pds_note_signer_free(lk.signer);
	return rc;
}

/* ---------------------------------------------------------------- cosigning */

/*
 * The logged entry of a .pds whose note carries cosigners' lines: the note with
 * its first signature only (pds-attest logs notes signed once; cosigners append).
 */
static int logged_entry(const struct pds_note *n, char **out, size_t *len)
{
	struct pds_note first = *n;

	first.sig_count = 1;
	return pds_note_encode(&first, out, len);
}

static int check_evidence(const struct run *r, const struct pds_evidence *e)
{
	struct pds_note_verifier pub;
	char *entry = NULL;
	size_t len;
	int err;

	if (!r->o.log_pub)
		return 0;
	err = pds_note_verifier_load(r->o.log_pub, &att_sink, &pub);
	if (err)
		return fail(r->o.log_pub, err);
	err = logged_entry(e->note, &entry, &len);
	if (!err)
		err = pds_proof_verify(e->proof, entry, len, NULL, &pub, NULL, 0, 0);
	free(entry);
	if (err) {
		fprintf(stderr, "pds-attest: %s: %s [%s]\n", r->o.cosign, pds_att_strerror(err),
			pds_att_rule(err));
		return EXIT_REFUSED;
	}
	return 0;
}

/* The facts re-derived here must be those attested: the texts agree but for the time. */
static int same_facts(struct run *r, const struct pds_evidence *e)
{
	struct pds_attestation *theirs = NULL;
	char *mine = NULL;
	size_t len;
	int err, rc = 0;

	err = pds_att_parse(e->note->text, e->note->text_len, r->o.cosign, &att_sink, &theirs);
	if (err)
		return EXIT_ERROR;
	r->a.time = theirs->time;
	err = pds_att_format(&r->a, &mine, &len);
	if (err) {
		rc = fail("attestation", err);
	} else if (len != e->note->text_len || memcmp(mine, e->note->text, len) != 0) {
		fprintf(stderr,
			"pds-attest: %s: the checks give other facts than the attestation\n",
			r->o.cosign);
		rc = EXIT_REFUSED;
	}
	free(mine);
	pds_att_free(theirs);
	return rc;
}

static int cosign(struct run *r)
{
	struct pds_note_signer *signer = NULL;
	struct pds_evidence *e = NULL;
	char *buf = NULL, *note = NULL, *ev = NULL;
	size_t len, note_len, ev_len;
	int rc, err;
	char *input = NULL;

	if (!r->o.input) {
		size_t n = strlen(r->o.cosign);

		if (n <= 4 || strcmp(r->o.cosign + n - 4, ".pds") != 0) {
			fprintf(stderr, "pds-attest: %s: name the input checked\n", r->o.cosign);
			return EXIT_USAGE;
		}
		input = strndup(r->o.cosign, n - 4);
		if (!input)
			return sys_fail("cosign", ENOMEM);
		r->o.input = input;
	}
	rc = load_signer(r->o.key, &signer);
	if (rc)
		goto out;
	err = pds_tool_read_file(r->o.cosign, FILE_MAX, &buf, &len);
	if (err) {
		rc = sys_fail(r->o.cosign, err);
		goto out;
	}
	if (pds_evidence_parse(buf, len, r->o.cosign, &att_sink, &e) != 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	rc = check_evidence(r, e);
	if (!rc)
		rc = build(r);
	if (!rc)
		rc = same_facts(r, e);
	if (!rc)
		rc = apply_rule(r);
	if (rc)
		goto out;
	err = pds_note_sign(e->note, signer);
	if (!err)
		err = pds_note_encode(e->note, &note, &note_len);
	if (!err)
		err = pds_evidence_encode(note, note_len, e->proof, &ev, &ev_len);
	if (err) {
		rc = fail(r->o.cosign, err);
		goto out;
	}
	err = pds_tool_write_atomic(r->o.cosign, ev, ev_len, 0644);
	if (err)
		rc = sys_fail(r->o.cosign, err);
	else
		report(r, "cosigned", r->o.cosign, 0, 0);
out:
	free(buf);
	free(note);
	free(ev);
	free(input);
	pds_evidence_free(e);
	pds_note_signer_free(signer);
	return rc;
}

int main(int argc, char **argv)
{
	struct run r = {0};
	int rc;

	if (parse_args(argc, argv, &r.o))
		return EXIT_USAGE;
	if (sodium_init() < 0) {
		fprintf(stderr, "pds-attest: libsodium failed to initialise\n");
		return EXIT_ERROR;
	}
	rc = r.o.cosign ? cosign(&r) : attest(&r);
	run_free(&r);
	return rc;
}
