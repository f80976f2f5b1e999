// SPDX-License-Identifier: MIT
/*
 * pds-log: keeps a transparency log in a folder (C2SP tlog-tiles), with its
 * checkpoints signed as C2SP signed notes by the log's key.
 *
 *   pds-log init        --key K [--origin O] DIR
 *   pds-log append      --key K DIR FILE...       one batch, one checkpoint
 *   pds-log checkpoint  --key K DIR               re-sign the current tree
 *   pds-log prove       --key K|--pub P DIR INDEX  a c2sp.org/tlog-proof
 *   pds-log consistency --key K|--pub P DIR OLD    a tlog-witness request body
 *   pds-log verify      --pub P ENTRY PROOF        an offline tlog-proof
 *   pds-log fsck        --key K|--pub P DIR
 *   pds-log cosign      --key K --witness W... DIR FILE|-   witnesses' lines
 *   pds-log refresh     --key K|--pub P DIR FILE.pds...    prove evidence again
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/log_keys.h>
#include <pds/checkpoint.h>
#include <pds/note.h>
#include <pds/proof.h>
#include <pds/tlog.h>

#include "tools/common.h"

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1, /* a proof, signature or fsck check failed */
	EXIT_USAGE = 2,
	EXIT_ERROR = 3, /* I/O, missing or malformed files */
	EXIT_LOCKED = 4,
};

#define ENTRY_MAX (PDS_TLOG_MAX_ENTRY + 1)

struct opts {
	const char *cmd;
	const char *key;
	const char *pub;
	const char *origin;
	const char *witness[64];
	int nwitness;
	int json;
	int nargs;
	char **args;
};

struct keys {
	struct pds_note_signer *signer;
	struct pds_note_verifier vkey;
	int have_vkey;
	struct pds_log_keys lk; /* the log's callbacks over the two keys above */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pds-log COMMAND [options] ARGS\n"
		"  init        --key K [--origin O] DIR   create a log (size 0, signed)\n"
		"  append      --key K DIR FILE...        add each FILE as one entry ('-' reads "
		"stdin),\n"
		"                                         then one checkpoint for the batch\n"
		"  checkpoint  --key K DIR                sign the current tree again\n"
		"  prove       (--key K|--pub P) DIR INDEX\n"
		"                                         print a c2sp.org/tlog-proof of entry "
		"INDEX\n"
		"  consistency (--key K|--pub P) DIR OLD  print a tlog-witness request: old size,\n"
		"                                         consistency proof, checkpoint\n"
		"  verify      --pub P ENTRY PROOF        check an offline tlog-proof of ENTRY\n"
		"  fsck        (--key K|--pub P) DIR      check every entry, tile and the root\n"
		"  cosign      --key K --witness W... DIR FILE|-\n"
		"                                         add witnesses' cosignature lines (what\n"
		"                                         pds-witness printed) to the checkpoint\n"
		"  refresh     (--key K|--pub P) DIR FILE.pds...\n"
		"                                         prove each evidence file's entry again\n"
		"                                         against the current (cosigned) "
		"checkpoint\n"
		"options:\n"
		"  -k, --key FILE     the log's signer key (its public half verifies)\n"
		"  -p, --pub FILE     the log's verifier key\n"
		"  -o, --origin NAME  log origin (default: the key's name)\n"
		"  -w, --witness FILE a witness's verifier key (cosign; repeatable)\n"
		"  -j, --json         print results as JSON\n"
		"  -h, --help         this help\n"
		"exit: 0 ok, 1 refused (bad proof, signature or fsck finding), 2 usage,\n"
		"      3 I/O or malformed input, 4 another writer holds the log\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"key", required_argument, NULL, 'k'},
		{"pub", required_argument, NULL, 'p'},
		{"origin", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"witness", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "k:p:o:w:jh", longs, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key = optarg;
			break;
		case 'p':
			o->pub = optarg;
			break;
		case 'o':
			o->origin = optarg;
			break;
		case 'w':
			if (o->nwitness == (int)(sizeof(o->witness) / sizeof(o->witness[0]))) {
				fprintf(stderr, "pds-log: too many --witness keys\n");
				return -1;
			}
			o->witness[o->nwitness++] = optarg;
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
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	o->cmd = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	return 0;
}

static void print_diag(void *ctx, const struct pds_att_diag *d)
{
	char buf[1024];

	(void)ctx;
	pds_att_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "pds-log: %s\n", buf);
}

static const struct pds_att_diag_sink sink = {print_diag, NULL};

static int fail(const char *what, int err)
{
	fprintf(stderr, "pds-log: %s: %s [%s]\n", what, pds_att_strerror(err), pds_att_rule(err));
	if (err == PDS_ATT_E_TLOG_LOCKED)
		return EXIT_LOCKED;
	if (err == PDS_ATT_E_TLOG_INCLUSION || err == PDS_ATT_E_TLOG_CONSISTENCY ||
	    err == PDS_ATT_E_TLOG_SIGNATURE || err == PDS_ATT_E_TLOG_HASH ||
	    err == PDS_ATT_E_TLOG_ROOT || err == PDS_ATT_E_NOTE_BAD_SIG ||
	    err == PDS_ATT_E_NOTE_UNVERIFIED || err == PDS_ATT_E_PROOF_INCLUSION ||
	    err == PDS_ATT_E_TLOG_COSIGNER || err == PDS_ATT_E_TLOG_COSIG_OLDER)
		return EXIT_REFUSED;
	if (err == PDS_ATT_E_INVAL)
		return EXIT_USAGE;
	return EXIT_ERROR;
}

/* ---------------------------------------------------------------- signing callbacks */

static int load_keys(const struct opts *o, struct keys *k, int need_signer)
{
	int err;

	if (o->key) {
		err = pds_note_signer_load(o->key, &sink, &k->signer);
		if (err)
			return fail(o->key, err);
		pds_note_signer_public(k->signer, &k->vkey);
		k->have_vkey = 1;
	} else if (o->pub && !need_signer) {
		err = pds_note_verifier_load(o->pub, &sink, &k->vkey);
		if (err)
			return fail(o->pub, err);
		k->have_vkey = 1;
	} else {
		fprintf(stderr, "pds-log: %s needs %s\n", o->cmd,
			need_signer ? "--key (the log's signer key)" : "--key or --pub");
		return EXIT_USAGE;
	}
	return 0;
}

static void log_opts(struct keys *k, unsigned flags, struct pds_tlog_opts *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->sz = sizeof(*lo);
	lo->flags = flags;
	k->lk = (struct pds_log_keys){.signer = k->signer, .vkey = &k->vkey, .sink = &sink};
	lo->sign = k->signer ? pds_log_keys_sign : NULL;
	lo->sign_ctx = &k->lk;
	lo->verify = pds_log_keys_verify;
	lo->verify_ctx = &k->lk;
	lo->sink = sink;
}

static int open_log(const char *dir, struct keys *k, unsigned flags, struct pds_tlog **log)
{
	struct pds_tlog_opts lo;
	int err;

	log_opts(k, flags, &lo);
	err = pds_tlog_open(dir, &lo, log);
	return err ? fail(dir, err) : 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

static void b64(const struct pds_tlog_hash *h, char out[45])
{
	sodium_bin2base64(out, 45, h->b, PDS_TLOG_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
}

static void print_head(struct pds_tlog *log, struct pds_json *j)
{
	struct pds_tlog_hash root;
	char r[45];

	pds_tlog_root(log, &root);
	b64(&root, r);
	pds_json_str(j, "origin", pds_tlog_origin(log));
	pds_json_uint(j, "size", pds_tlog_size(log));
	pds_json_str(j, "root", r);
}

/* ---------------------------------------------------------------- commands */

static int cmd_init(const struct opts *o, struct keys *k)
{
	struct pds_tlog_opts lo;
	const char *origin;
	int err;

	if (o->nargs != 1)
		return usage(stderr), EXIT_USAGE;
	origin = o->origin ? o->origin : k->vkey.name;
	log_opts(k, 0, &lo);
	err = pds_tlog_init(o->args[0], origin, &lo);
	if (err)
		return fail(o->args[0], err);
	if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		pds_json_str(&j, "origin", origin);
		pds_json_uint(&j, "size", 0);
		pds_json_end_obj(&j);
	} else {
		printf("%s: log '%s' created\n", o->args[0], origin);
	}
	return EXIT_OK;
}

static int read_entry(const char *path, uint8_t *buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return EXIT_ERROR;
	}
	n = fread(buf, 1, ENTRY_MAX, f);
	if (ferror(f) || n > PDS_TLOG_MAX_ENTRY) {
		fprintf(stderr, "pds-log: %s: %s [%s]\n", path,
			n > PDS_TLOG_MAX_ENTRY ? pds_att_strerror(PDS_ATT_E_TLOG_ENTRY_SIZE)
					       : "read error",
			pds_att_rule(n > PDS_TLOG_MAX_ENTRY ? PDS_ATT_E_TLOG_ENTRY_SIZE
							    : PDS_ATT_E_IO));
		if (f != stdin)
			fclose(f);
		return EXIT_ERROR;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return 0;
}

static int cmd_append(const struct opts *o, struct keys *k)
{
	struct pds_tlog *log = NULL;
	uint64_t *index = NULL;
	uint8_t *buf = NULL;
	struct pds_json j;
	int rc, err = 0;

	if (o->nargs < 2)
		return usage(stderr), EXIT_USAGE;
	rc = open_log(o->args[0], k, 0, &log);
	if (rc)
		return rc;
	buf = malloc(ENTRY_MAX);
	index = calloc((size_t)o->nargs, sizeof(*index));
	if (!buf || !index) {
		rc = fail("append", PDS_ATT_E_NOMEM);
		goto out;
	}
	for (int i = 1; i < o->nargs && !rc; i++) {
		size_t len;

		rc = read_entry(o->args[i], buf, &len);
		if (!rc && (err = pds_tlog_append(log, buf, len, &index[i])) != 0)
			rc = fail(o->args[i], err);
	}
	/* Nothing is logged unless the whole batch is: the checkpoint is the commit. */
	if (!rc && (err = pds_tlog_checkpoint(log)) != 0)
		rc = fail(o->args[0], err);
	if (rc)
		goto out;
	if (o->json) {
		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		print_head(log, &j);
		pds_json_begin_arr(&j, "entries");
		for (int i = 1; i < o->nargs; i++) {
			pds_json_begin_obj(&j, NULL);
			pds_json_str(&j, "file", o->args[i]);
			pds_json_uint(&j, "index", index[i]);
			pds_json_end_obj(&j);
		}
		pds_json_end_arr(&j);
		pds_json_end_obj(&j);
	} else {
		for (int i = 1; i < o->nargs; i++)
			printf("%s: index %" PRIu64 "\n", o->args[i], index[i]);
		printf("size %" PRIu64 "\n", pds_tlog_size(log));
	}
out:
	free(buf);
	free(index);
	pds_tlog_free(log);
	return rc;
}

static int cmd_checkpoint(const struct opts *o, struct keys *k)
{
	struct pds_tlog *log = NULL;
	int rc, err;

	if (o->nargs != 1)
		return usage(stderr), EXIT_USAGE;
	rc = open_log(o->args[0], k, 0, &log);
	if (rc)
		return rc;
	err = pds_tlog_checkpoint(log);
	if (err) {
		rc = fail(o->args[0], err);
	} else {
		size_t len;
		const char *note = pds_tlog_checkpoint_note(log, &len);

		fwrite(note, 1, len, stdout);
	}
	pds_tlog_free(log);
	return rc;
}

static int cmd_prove(const struct opts *o, struct keys *k)
{
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	struct pds_tlog *log = NULL;
	struct pds_proof *p = NULL;
	uint64_t index;
	const char *note;
	char *text = NULL;
	size_t len, note_len, tlen;
	int rc, err;

	if (o->nargs != 2 || parse_u64(o->args[1], &index))
		return usage(stderr), EXIT_USAGE;
	rc = open_log(o->args[0], k, PDS_TLOG_RDONLY, &log);
	if (rc)
		return rc;
	note = pds_tlog_checkpoint_note(log, &note_len);
	err = pds_tlog_prove(log, pds_tlog_size(log), index, proof, &len);
	if (!err)
		err = pds_proof_new(index, proof, len, NULL, 0, note, note_len, &p);
	if (!err)
		err = pds_proof_encode(p, &text, &tlen);
	if (err) {
		rc = fail(o->args[0], err);
	} else if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		print_head(log, &j);
		pds_json_uint(&j, "index", index);
		pds_json_str(&j, "proof", text);
		pds_json_end_obj(&j);
	} else {
		fwrite(text, 1, tlen, stdout);
	}
	free(text);
	pds_proof_free(p);
	pds_tlog_free(log);
	return rc;
}

static int cmd_consistency(const struct opts *o, struct keys *k)
{
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	struct pds_tlog *log = NULL;
	uint64_t old;
	size_t len, note_len;
	const char *note;
	char h[45];
	int rc, err;

	if (o->nargs != 2 || parse_u64(o->args[1], &old))
		return usage(stderr), EXIT_USAGE;
	rc = open_log(o->args[0], k, PDS_TLOG_RDONLY, &log);
	if (rc)
		return rc;
	note = pds_tlog_checkpoint_note(log, &note_len);
	err = pds_tlog_prove_tree(log, pds_tlog_size(log), old, proof, &len);
	if (err) {
		rc = fail(o->args[0], err);
	} else if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		print_head(log, &j);
		pds_json_uint(&j, "old", old);
		pds_json_begin_arr(&j, "proof");
		for (size_t i = 0; i < len; i++) {
			b64(&proof[i], h);
			pds_json_str(&j, NULL, h);
		}
		pds_json_end_arr(&j);
		pds_json_end_obj(&j);
	} else {
		/* c2sp.org/tlog-witness add-checkpoint request body. */
		printf("old %" PRIu64 "\n", old);
		for (size_t i = 0; i < len; i++) {
			b64(&proof[i], h);
			printf("%s\n", h);
		}
		printf("\n");
		fwrite(note, 1, note_len, stdout);
	}
	pds_tlog_free(log);
	return rc;
}

/* A whole file of at most 16 MiB, NUL-terminated. */
static int slurp(const char *path, char **buf, size_t *len)
{
	const size_t max = 16u << 20;
	FILE *f = fopen(path, "rb");
	char *p = malloc(max + 2);
	size_t n = 0;

	if (!f || !p) {
		if (f)
			fclose(f);
		free(p);
		perror(path);
		return EXIT_ERROR;
	}
	n = fread(p, 1, max + 1, f);
	if (ferror(f) || n > max) {
		fprintf(stderr, "pds-log: %s: %s\n", path,
			n > max ? "larger than 16 MiB" : "read error");
		fclose(f);
		free(p);
		return EXIT_ERROR;
	}
	fclose(f);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

static int cmd_verify(const struct opts *o, struct keys *k)
{
	struct pds_proof *p = NULL;
	char *entry = NULL, *text = NULL;
	size_t elen, tlen;
	int rc, err = 0;

	if (o->nargs != 2)
		return usage(stderr), EXIT_USAGE;
	rc = slurp(o->args[0], &entry, &elen);
	if (!rc)
		rc = slurp(o->args[1], &text, &tlen);
	if (rc)
		goto out;
	err = pds_proof_parse(text, tlen, o->args[1], &sink, &p);
	if (!err)
		err = pds_proof_verify(p, entry, elen, o->origin, &k->vkey, NULL, 0, 0);
	if (err) {
		rc = fail(o->args[1], err);
		goto out;
	}
	if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		pds_json_str(&j, "origin", p->body.origin);
		pds_json_uint(&j, "size", p->body.size);
		pds_json_uint(&j, "index", p->index);
		pds_json_bool(&j, "verified", 1);
		pds_json_end_obj(&j);
	} else {
		printf("%s: entry %" PRIu64 " of %s at size %" PRIu64 ": verified\n", o->args[0],
		       p->index, p->body.origin, p->body.size);
	}
out:
	free(entry);
	free(text);
	pds_proof_free(p);
	return rc;
}

static int cmd_fsck(const struct opts *o, struct keys *k)
{
	struct pds_tlog *log = NULL;
	int rc, err;

	if (o->nargs != 1)
		return usage(stderr), EXIT_USAGE;
	/* A writer's open finishes recovery first; without the signer key, read only. */
	rc = open_log(o->args[0], k, k->signer ? 0 : PDS_TLOG_RDONLY, &log);
	if (rc)
		return rc;
	err = pds_tlog_fsck(log);
	if (o->json) {
		struct pds_json j;

		pds_json_init(&j, stdout);
		pds_json_begin_obj(&j, NULL);
		print_head(log, &j);
		pds_json_bool(&j, "ok", err == 0);
		if (err)
			pds_json_str(&j, "rule", pds_att_rule(err));
		pds_json_end_obj(&j);
	} else if (!err) {
		printf("%s: %" PRIu64 " entries, tiles and root verified\n", o->args[0],
		       pds_tlog_size(log));
	}
	if (err)
		rc = fail(o->args[0], err);
	pds_tlog_free(log);
	return rc;
}

/* ---------------------------------------------------------------- witnessing */

static int cmd_cosign(const struct opts *o, struct keys *k)
{
	struct pds_note_verifier w[64];
	struct pds_tlog *log = NULL;
	char *lines = NULL;
	size_t len, added = 0;
	int rc, err;

	if (o->nargs != 2 || !o->nwitness)
		return usage(stderr), EXIT_USAGE;
	for (int i = 0; i < o->nwitness; i++) {
		err = pds_note_verifier_load(o->witness[i], &sink, &w[i]);
		if (err)
			return fail(o->witness[i], err);
	}
	err = pds_tool_read_file(o->args[1], 1u << 20, &lines, &len);
	if (err) {
		fprintf(stderr, "pds-log: %s: %s\n", o->args[1],
			err == EFBIG ? "larger than 1 MiB" : strerror(err));
		return EXIT_ERROR;
	}
	rc = open_log(o->args[0], k, 0, &log);
	if (!rc) {
		err = pds_tlog_add_cosignatures(log, lines, len, w, (size_t)o->nwitness, &added);
		if (err) {
			rc = fail(o->args[1], err);
		} else if (o->json) {
			struct pds_json j;

			pds_json_init(&j, stdout);
			pds_json_begin_obj(&j, NULL);
			print_head(log, &j);
			pds_json_uint(&j, "cosignatures_added", added);
			pds_json_end_obj(&j);
		} else {
			printf("%s: %zu cosignature%s added to the checkpoint of size %" PRIu64
			       "\n",
			       o->args[0], added, added == 1 ? "" : "s", pds_tlog_size(log));
		}
	}
	free(lines);
	pds_tlog_free(log);
	return rc;
}

/* The entry a .pds proves: the note with its first signature line only (§6). */
static int logged_entry(const struct pds_note *n, char **out, size_t *len)
{
	struct pds_note first = *n;

	first.sig_count = 1;
	return pds_note_encode(&first, out, len);
}

/* A proof of entry index against the log's current checkpoint, with its cosignatures. */
static int prove_current(struct pds_tlog *log, uint64_t index, struct pds_proof **p)
{
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	size_t n, note_len;
	const char *note = pds_tlog_checkpoint_note(log, &note_len);
	int err = pds_tlog_prove(log, pds_tlog_size(log), index, proof, &n);

	return err ? err : pds_proof_new(index, proof, n, NULL, 0, note, note_len, p);
}

/* Whether the log holds entry (len bytes) at index: 0 yes, 1 no, else a code. */
static int logged_at(struct pds_tlog *log, uint64_t index, const char *entry, size_t len)
{
	uint8_t *logged = NULL;
	size_t logged_len;
	int err;

	if (index >= pds_tlog_size(log))
		return 1;
	err = pds_tlog_entry(log, index, &logged, &logged_len);
	if (!err)
		err = logged_len != len || memcmp(logged, entry, len) != 0;
	free(logged);
	return err;
}

static void refresh_report(struct pds_tlog *log, const char *path, uint64_t index, int json,
			   struct pds_json *j)
{
	if (json) {
		pds_json_begin_obj(j, NULL);
		pds_json_str(j, "file", path);
		pds_json_bool(j, "refreshed", 1);
		pds_json_uint(j, "index", index);
		pds_json_uint(j, "size", pds_tlog_size(log));
		pds_json_end_obj(j);
	} else {
		printf("%s: entry %" PRIu64 " proved against the checkpoint of size %" PRIu64 "\n",
		       path, index, pds_tlog_size(log));
	}
}

/*
 * One evidence file proved again (formats.md §8): its logged entry must be the
 * log's entry at its index, the new proof must verify with the log's key before
 * the file is replaced, and the attestation note is kept byte for byte.
 */
static int refresh_one(struct pds_tlog *log, const struct pds_note_verifier *vkey, const char *path,
		       int json, struct pds_json *j)
{
	struct pds_evidence *ev = NULL;
	struct pds_proof *p = NULL;
	char *buf = NULL, *entry = NULL, *out = NULL;
	size_t len, entry_len, out_len;
	uint64_t index = 0;
	int rc = slurp(path, &buf, &len), err;

	if (rc)
		return rc;
	err = pds_evidence_parse(buf, len, path, &sink, &ev);
	if (!err)
		err = logged_entry(ev->note, &entry, &entry_len);
	if (!err) {
		index = ev->proof->index;
		err = logged_at(log, index, entry, entry_len);
	}
	if (err == 1) {
		fprintf(stderr,
			"pds-log: %s: entry %" PRIu64 " of %s is not this attestation: the "
			"evidence is not from this log\n",
			path, index, pds_tlog_origin(log));
		rc = EXIT_REFUSED;
		goto out;
	}
	if (!err)
		err = prove_current(log, index, &p);
	if (!err)
		err = pds_proof_verify(p, entry, entry_len, pds_tlog_origin(log), vkey, NULL, 0, 0);
	if (!err)
		err = pds_evidence_encode(ev->entry, ev->entry_len, p, &out, &out_len);
	if (err) {
		rc = fail(path, err);
		goto out;
	}
	err = pds_tool_write_atomic(path, out, out_len, 0644);
	if (err) {
		fprintf(stderr, "pds-log: %s: %s\n", path, strerror(err));
		rc = EXIT_ERROR;
		goto out;
	}
	refresh_report(log, path, index, json, j);
out:
	free(out);
	pds_proof_free(p);
	free(entry);
	pds_evidence_free(ev);
	free(buf);
	return rc;
}

static int cmd_refresh(const struct opts *o, struct keys *k)
{
	struct pds_tlog *log = NULL;
	struct pds_json j;
	int rc, worst = 0;

	if (o->nargs < 2)
		return usage(stderr), EXIT_USAGE;
	rc = open_log(o->args[0], k, PDS_TLOG_RDONLY, &log);
	if (rc)
		return rc;
	if (o->json) {
		pds_json_init(&j, stdout);
		pds_json_begin_arr(&j, NULL);
	}
	for (int i = 1; i < o->nargs; i++) {
		rc = refresh_one(log, &k->vkey, o->args[i], o->json, &j);
		/* The reason went to stderr; the array still names every file. */
		if (rc && o->json) {
			pds_json_begin_obj(&j, NULL);
			pds_json_str(&j, "file", o->args[i]);
			pds_json_bool(&j, "refreshed", 0);
			pds_json_int(&j, "exit", rc);
			pds_json_end_obj(&j);
		}
		if (rc > worst)
			worst = rc;
	}
	if (o->json)
		pds_json_end_arr(&j);
	pds_tlog_free(log);
	return worst;
}

static const struct {
	const char *name;
	int (*run)(const struct opts *o, struct keys *k);
	int need_signer;
} commands[] = {
	{"init", cmd_init, 1},
	{"append", cmd_append, 1},
	{"checkpoint", cmd_checkpoint, 1},
	{"prove", cmd_prove, 0},
	{"consistency", cmd_consistency, 0},
	{"verify", cmd_verify, 0},
	{"fsck", cmd_fsck, 0},
	{"cosign", cmd_cosign, 1},
	{"refresh", cmd_refresh, 0},
};

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct keys k = {0};
	int rc = EXIT_USAGE;

	if (parse_args(argc, argv, &o))
		return EXIT_USAGE;
	if (sodium_init() < 0)
		return EXIT_ERROR;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(o.cmd, commands[i].name) != 0)
			continue;
		rc = load_keys(&o, &k, commands[i].need_signer);
		if (!rc)
			rc = commands[i].run(&o, &k);
		pds_note_signer_free(k.signer);
		return rc;
	}
	fprintf(stderr, "pds-log: unknown command '%s'\n", o.cmd);
	usage(stderr);
	return rc;
}
