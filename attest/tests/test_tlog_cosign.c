// SPDX-License-Identifier: MIT
/*
 * Witnesses' cosignatures added to a log's checkpoint
 * (pds_tlog_add_cosignatures): accepted lines make proofs that satisfy a
 * witness quorum; every malformed, foreign, stale or damaged line is refused
 * with its code and leaves the checkpoint file byte for byte as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/checkpoint.h>
#include <pds/log_keys.h>
#include <pds/proof.h>
#include <pds/tlog.h>

#include "attest/tests/util_tlog.h"
#include "mk/cunit.h"

#define NWIT 3

struct env {
	char *dir;
	struct pds_note_signer *log_key, *wit[NWIT], *plain;
	struct pds_note_verifier log_pub, wit_pub[NWIT];
	struct pds_log_keys lk;
	struct pds_tlog_opts opts;
	struct pds_tlog *log;
};

static struct pds_note_signer *key(const char *name, uint8_t type, uint8_t b)
{
	uint8_t seed[32];
	struct pds_note_signer *s = NULL;

	memset(seed, b, sizeof(seed));
	CU_ASSERT_FATAL(pds_note_signer_from_seed(name, type, seed, &s) == 0);
	return s;
}

static void env_open(struct env *e)
{
	CU_ASSERT_FATAL(pds_tlog_open(e->dir, &e->opts, &e->log) == 0);
}

static void env_init(struct env *e, int entries)
{
	char name[32];

	memset(e, 0, sizeof(*e));
	e->dir = ut_tmpdir("cosign");
	e->log_key = key("log.example/cosign", PDS_NOTE_ED25519, 1);
	pds_note_signer_public(e->log_key, &e->log_pub);
	for (int i = 0; i < NWIT; i++) {
		snprintf(name, sizeof(name), "w%d.example", i);
		e->wit[i] = key(name, PDS_NOTE_COSIGNATURE, (uint8_t)(10 + i));
		pds_note_signer_public(e->wit[i], &e->wit_pub[i]);
	}
	e->plain = key("w0.example", PDS_NOTE_ED25519, 10);
	e->lk = (struct pds_log_keys){.signer = e->log_key, .vkey = &e->log_pub};
	e->opts = (struct pds_tlog_opts){.sz = sizeof(e->opts),
					 .sign = pds_log_keys_sign,
					 .sign_ctx = &e->lk,
					 .verify = pds_log_keys_verify,
					 .verify_ctx = &e->lk};
	CU_ASSERT_FATAL(pds_tlog_init(e->dir, e->log_pub.name, &e->opts) == 0);
	env_open(e);
	for (int i = 0; i < entries; i++) {
		char entry[32];

		snprintf(entry, sizeof(entry), "entry %d\n", i);
		CU_ASSERT_FATAL(pds_tlog_append(e->log, entry, strlen(entry), NULL) == 0);
	}
	CU_ASSERT_FATAL(pds_tlog_checkpoint(e->log) == 0);
}

static void env_free(struct env *e)
{
	pds_tlog_free(e->log);
	pds_note_signer_free(e->log_key);
	pds_note_signer_free(e->plain);
	for (int i = 0; i < NWIT; i++)
		pds_note_signer_free(e->wit[i]);
	ut_rmtree(e->dir);
	free(e->dir);
}

/* The signature line(s) signer adds to the log's current checkpoint (malloc'd). */
static char *cosig_lines(struct env *e, const struct pds_note_signer *s, uint64_t t)
{
	const char *cp;
	size_t len, out_len;
	struct pds_note *n = NULL, *parsed = NULL;
	char *enc = NULL, *line;

	cp = pds_tlog_checkpoint_note(e->log, &len);
	CU_ASSERT_FATAL(pds_note_parse(cp, len, "cp", NULL, &parsed) == 0);
	/* the same text, with only the new line */
	CU_ASSERT_FATAL(pds_note_new(parsed->text, parsed->text_len, &n) == 0);
	pds_note_free(parsed);
	CU_ASSERT_FATAL(t ? pds_cosig_sign(n, s, t) == 0 : pds_note_sign(n, s) == 0);
	CU_ASSERT_FATAL(pds_note_encode(n, &enc, &out_len) == 0);
	line = strdup(enc + n->text_len + 1);
	free(enc);
	pds_note_free(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	return line;
}

static char *checkpoint_file(struct env *e, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = malloc(8192);

	snprintf(path, sizeof(path), "%s/checkpoint", e->dir);
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f && buf);
	*len = fread(buf, 1, 8191, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* A refused call leaves the file as it was. */
static void expect_refusal(struct env *e, const char *lines, size_t len, int want)
{
	size_t before_len, after_len, added = 99;
	char *before = checkpoint_file(e, &before_len), *after;
	int err = pds_tlog_add_cosignatures(e->log, lines, len, e->wit_pub, NWIT, &added);

	CU_ASSERT_EQUAL(err, want);
	CU_ASSERT_EQUAL(added, 0);
	after = checkpoint_file(e, &after_len);
	CU_ASSERT(before_len == after_len && !memcmp(before, after, before_len));
	free(before);
	free(after);
}

/*
 * A damaged line: which code depends on where the damage lands (the line's
 * framing, the name, the key id, the timestamp or the signature), but it is one
 * of these and the file is unchanged.
 */
static void expect_damaged(struct env *e, const char *lines, size_t len)
{
	static const int codes[] = {
		PDS_ATT_E_NOTE_SIG_LINE, /* framing or base64 */
		PDS_ATT_E_NOTE_UTF8,	 /* the em dash */
		PDS_ATT_E_NOTE_CONTROL,	 /* a byte turned into a control character */
		PDS_ATT_E_TLOG_COSIGNER, /* the name or the key id */
		PDS_ATT_E_NOTE_BAD_SIG,	 /* the timestamp or the signature */
	};
	size_t before_len, after_len, added = 99;
	char *before = checkpoint_file(e, &before_len), *after;
	int err = pds_tlog_add_cosignatures(e->log, lines, len, e->wit_pub, NWIT, &added);
	int known = 0;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		known |= err == codes[i];
	CU_ASSERT(known);
	if (!known)
		fprintf(stderr, "unexpected code %d for %.*s\n", err, (int)len, lines);
	CU_ASSERT_EQUAL(added, 0);
	after = checkpoint_file(e, &after_len);
	CU_ASSERT(before_len == after_len && !memcmp(before, after, before_len));
	free(before);
	free(after);
}

/* The checkpoint on disk is the one in memory, with nsigs signature lines. */
static void same_as_file(struct env *e, size_t nsigs)
{
	size_t len, mem_len, n = 0;
	char *file = checkpoint_file(e, &len);
	const char *mem = pds_tlog_checkpoint_note(e->log, &mem_len);

	CU_ASSERT(len == mem_len && !memcmp(file, mem, len));
	for (const char *p = file; (p = strstr(p, "\n\xe2\x80\x94 ")) != NULL; p++)
		n++;
	CU_ASSERT_EQUAL(n, nsigs);
	free(file);
}

static int proof_ok(struct env *e, size_t min_witnesses)
{
	struct pds_tlog_hash hashes[64];
	struct pds_proof *p = NULL;
	size_t n = 64, cp_len;
	const char *cp = pds_tlog_checkpoint_note(e->log, &cp_len);
	int err = pds_tlog_prove(e->log, pds_tlog_size(e->log), 2, hashes, &n);

	if (!err)
		err = pds_proof_new(2, hashes, n, NULL, 0, cp, cp_len, &p);
	if (!err)
		err = pds_proof_verify(p, "entry 2\n", 8, NULL, &e->log_pub, e->wit_pub, NWIT,
				       min_witnesses);
	pds_proof_free(p);
	return err;
}

static void test_add_and_prove(void)
{
	struct env e;
	char *l0, *l1, *both;
	size_t added = 0, len;

	env_init(&e, 5);
	CU_ASSERT_NOT_EQUAL(proof_ok(&e, 1), 0);
	l0 = cosig_lines(&e, e.wit[0], 1000);
	l1 = cosig_lines(&e, e.wit[1], 1001);
	CU_ASSERT_FATAL(asprintf(&both, "%s%s", l0, l1) > 0);
	CU_ASSERT_EQUAL(
		pds_tlog_add_cosignatures(e.log, both, strlen(both), e.wit_pub, NWIT, &added), 0);
	CU_ASSERT_EQUAL(added, 2);
	same_as_file(&e, 3);
	CU_ASSERT_EQUAL(proof_ok(&e, 2), 0);
	CU_ASSERT_NOT_EQUAL(proof_ok(&e, 3), 0);
	/* Reopened, the log keeps them; a new batch's checkpoint starts without them. */
	pds_tlog_free(e.log);
	env_open(&e);
	CU_ASSERT_EQUAL(proof_ok(&e, 2), 0);
	CU_ASSERT_EQUAL(pds_tlog_fsck(e.log), 0);
	/* The same witness again, newer: replaced, still two. */
	free(l0);
	l0 = cosig_lines(&e, e.wit[0], 2000);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, l0, strlen(l0), e.wit_pub, NWIT, NULL), 0);
	same_as_file(&e, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(pds_tlog_checkpoint_note(e.log, &len), l0));
	CU_ASSERT_EQUAL(proof_ok(&e, 2), 0);
	/* Older than the one it would replace: refused. */
	free(l1);
	l1 = cosig_lines(&e, e.wit[0], 1500);
	expect_refusal(&e, l1, strlen(l1), PDS_ATT_E_TLOG_COSIG_OLDER);
	CU_ASSERT_FATAL(pds_tlog_append(e.log, "x\n", 2, NULL) == 0);
	CU_ASSERT_FATAL(pds_tlog_checkpoint(e.log) == 0);
	CU_ASSERT_NOT_EQUAL(proof_ok(&e, 1), 0);
	same_as_file(&e, 1);
	free(l0);
	free(l1);
	free(both);
	env_free(&e);
}

static void test_refusals(void)
{
	struct env e;
	struct pds_note_signer *stranger = key("w9.example", PDS_NOTE_COSIGNATURE, 99);
	char *line, *stale, *plain, *cut, *both;
	size_t len;

	env_init(&e, 3);
	stale = cosig_lines(&e, e.wit[2], 500);
	CU_ASSERT_FATAL(pds_tlog_append(e.log, "more\n", 5, NULL) == 0);
	CU_ASSERT_FATAL(pds_tlog_checkpoint(e.log) == 0);
	/* A line for the previous checkpoint does not verify on this one. */
	expect_refusal(&e, stale, strlen(stale), PDS_ATT_E_NOTE_BAD_SIG);
	line = cosig_lines(&e, stranger, 700);
	expect_refusal(&e, line, strlen(line), PDS_ATT_E_TLOG_COSIGNER);
	free(line);
	/* An Ed25519 (0x01) line under a witness's name is not a cosignature. */
	plain = cosig_lines(&e, e.plain, 0);
	expect_refusal(&e, plain, strlen(plain), PDS_ATT_E_TLOG_COSIGNER);
	line = cosig_lines(&e, e.wit[1], 800);
	len = strlen(line);
	/* Every truncation, then one flipped bit (each of the 8 in turn) in every byte. */
	cut = malloc(len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
	for (size_t n = 1; n < len; n++) {
		memcpy(cut, line, n);
		expect_damaged(&e, cut, n);
	}
	for (size_t i = 0; i < len; i++) {
		memcpy(cut, line, len);
		cut[i] ^= (char)(1 << (i % 8));
		expect_damaged(&e, cut, len);
	}
	expect_refusal(&e, "", 0, PDS_ATT_E_INVAL);
	/* One bad line refuses the call: the good one beside it is not taken either. */
	both = NULL;
	CU_ASSERT_FATAL(asprintf(&both, "%s%s", line, stale) > 0);
	expect_refusal(&e, both, strlen(both), PDS_ATT_E_NOTE_BAD_SIG);
	free(both);
	/* The same witness twice in one call. */
	CU_ASSERT_FATAL(asprintf(&both, "%s%s", line, line) > 0);
	expect_refusal(&e, both, strlen(both), PDS_ATT_E_NOTE_DUP_SIG);
	free(both);
	/* None of that changed the checkpoint: the good line is still accepted alone. */
	CU_ASSERT_EQUAL(proof_ok(&e, 1), PDS_ATT_E_NOTE_UNVERIFIED);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, line, len, e.wit_pub, NWIT, NULL), 0);
	CU_ASSERT_EQUAL(proof_ok(&e, 1), 0);
	free(cut);
	free(line);
	free(plain);
	free(stale);
	pds_note_signer_free(stranger);
	env_free(&e);
}

/*
 * A log whose right edge is damaged (a cut partial tile) opens for proofs but
 * takes no cosignature: after a failed batch the checkpoint file may be newer
 * than the one in memory, and writing that one again would roll it back.
 */
static void test_damaged(void)
{
	struct env e;
	char path[512], *line;
	size_t len;

	env_init(&e, 5);
	line = cosig_lines(&e, e.wit[0], 100);
	pds_tlog_free(e.log);
	snprintf(path, sizeof(path), "%s/tile/0/000.p/5", e.dir);
	CU_ASSERT_EQUAL_FATAL(truncate(path, 40), 0);
	env_open(&e);
	len = strlen(line);
	expect_refusal(&e, line, len, PDS_ATT_E_TLOG_TILE);
	free(line);
	env_free(&e);
}

/* fuzz_tlog_cosign seeds go to build/fuzz-seeds/fuzz_tlog_cosign/ (best effort). */
static void save_seed(const char *name, const char *text)
{
	const char *b = getenv("PDS_TEST_BUILD_DIR");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/../fuzz-seeds", b ? b : "build/release");
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/../fuzz-seeds/fuzz_tlog_cosign", b ? b : "build/release");
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/../fuzz-seeds/fuzz_tlog_cosign/%s",
		 b ? b : "build/release", name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/*
 * The log fuzz_tlog_cosign builds (three entries): lines that it accepts and
 * refuses, saved as its seeds after this test checks what each one does.
 */
static void test_fuzz_seeds(void)
{
	struct env e;
	struct pds_note_signer *stranger = key("w9.example", PDS_NOTE_COSIGNATURE, 99);
	char *l0, *l1, *plain, *other, *both;

	env_init(&e, 3);
	l0 = cosig_lines(&e, e.wit[0], 1000);
	l1 = cosig_lines(&e, e.wit[1], 1001);
	plain = cosig_lines(&e, e.plain, 0);
	other = cosig_lines(&e, stranger, 1002);
	CU_ASSERT_FATAL(asprintf(&both, "%s%s", l0, l1) > 0);
	expect_refusal(&e, plain, strlen(plain), PDS_ATT_E_TLOG_COSIGNER);
	save_seed("type-0x01", plain);
	expect_refusal(&e, other, strlen(other), PDS_ATT_E_TLOG_COSIGNER);
	save_seed("unknown-witness", other);
	l1[20] = '\0';
	expect_damaged(&e, l1, strlen(l1));
	save_seed("cut", l1);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, both, strlen(both), e.wit_pub, NWIT, NULL),
			0);
	save_seed("two-witnesses", both);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, l0, strlen(l0), e.wit_pub, NWIT, NULL), 0);
	save_seed("one-witness", l0);
	free(l0);
	free(l1);
	free(plain);
	free(other);
	free(both);
	pds_note_signer_free(stranger);
	env_free(&e);
}

/* A reader cannot add lines; the writer's lock keeps a second writer out. */
static void test_readonly(void)
{
	struct env e;
	struct pds_tlog *ro = NULL, *second = NULL;
	struct pds_tlog_opts o;
	char *line;

	env_init(&e, 2);
	line = cosig_lines(&e, e.wit[0], 100);
	o = e.opts;
	o.flags |= PDS_TLOG_RDONLY;
	CU_ASSERT_FATAL(pds_tlog_open(e.dir, &o, &ro) == 0);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(ro, line, strlen(line), e.wit_pub, NWIT, NULL),
			PDS_ATT_E_TLOG_READONLY);
	CU_ASSERT_EQUAL(pds_tlog_open(e.dir, &e.opts, &second), PDS_ATT_E_TLOG_LOCKED);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(NULL, line, strlen(line), e.wit_pub, NWIT, NULL),
			PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, line, strlen(line), NULL, 1, NULL),
			PDS_ATT_E_INVAL);
	/* No witness given: every line is by an unknown key. */
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, line, strlen(line), NULL, 0, NULL),
			PDS_ATT_E_TLOG_COSIGNER);
	CU_ASSERT_EQUAL(pds_tlog_add_cosignatures(e.log, line, strlen(line), e.wit_pub, NWIT, NULL),
			0);
	/* A reader opened now reads the checkpoint with the line. */
	pds_tlog_free(ro);
	ro = NULL;
	CU_ASSERT_FATAL(pds_tlog_open(e.dir, &o, &ro) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(pds_tlog_checkpoint_note(ro, &(size_t){0}), line));
	pds_tlog_free(ro);
	pds_tlog_free(second);
	free(line);
	env_free(&e);
}

PDS_TEST_MAIN("tlog_cosign", PDS_TEST(test_add_and_prove), PDS_TEST(test_refusals),
	      PDS_TEST(test_readonly), PDS_TEST(test_damaged), PDS_TEST(test_fuzz_seeds))
