// SPDX-License-Identifier: MIT
/*
 * The witness (witness.h, c2sp.org/tlog-witness): first contact, growth with
 * consistency proofs, and every refusal — rollback, split view (same size,
 * another root), bad or missing log signature, bad proofs, stale old size,
 * malformed requests — each leaving the state unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mk/cunit.h"
#include <pds/checkpoint.h>
#include <pds/note.h>
#include <pds/witness.h>

#include "util_tlog.h"

#define ORIGIN "log.example/w"

static struct pds_note_signer *log_key, *other_key, *wit_key;
static struct pds_note_verifier log_pub, wit_pub;

static void keys(void)
{
	uint8_t seed[32];

	if (log_key)
		return;
	CU_ASSERT_FATAL(sodium_init() >= 0);
	memset(seed, 1, sizeof(seed));
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_from_seed(ORIGIN, PDS_NOTE_ED25519, seed, &log_key),
			      0);
	memset(seed, 2, sizeof(seed));
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_from_seed(ORIGIN, PDS_NOTE_ED25519, seed, &other_key),
			      0);
	memset(seed, 3, sizeof(seed));
	CU_ASSERT_EQUAL_FATAL(
		pds_note_signer_from_seed("witness.example", PDS_NOTE_COSIGNATURE, seed, &wit_key),
		0);
	pds_note_signer_public(log_key, &log_pub);
	pds_note_signer_public(wit_key, &wit_pub);
}

/* A tree of n entries "<tag> i". */
static void tree(struct ut_tree *t, uint64_t n, const char *tag)
{
	char e[64];

	memset(t, 0, sizeof(*t));
	for (uint64_t i = 0; i < n; i++) {
		int len = snprintf(e, sizeof(e), "%s %llu", tag, (unsigned long long)i);

		ut_tree_add(t, e, (size_t)len);
	}
}

/* The checkpoint note of t at size n, signed by s. */
static char *checkpoint(struct ut_tree *t, uint64_t n, const struct pds_note_signer *s)
{
	struct pds_tlog_hash root;
	struct pds_note *note = NULL;
	char *body = NULL, *out = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_tlog_tree_hash(n, ut_tree_read, t, &root), 0);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint_body(ORIGIN, n, &root, &body, &len), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_new(body, len, &note), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_sign(note, s), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(note, &out, &len), 0);
	pds_note_free(note);
	free(body);
	return out;
}

/* "old m", the proof from m to n (flip: which proof bit to flip, -1 none), blank, note. */
static char *request(struct ut_tree *t, uint64_t m, uint64_t n, const char *note, long flip)
{
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	size_t len = 0, off = 0;
	char *req = malloc(8192);
	char b64[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	if (m > 0 && m < n)
		CU_ASSERT_EQUAL_FATAL(
			pds_tlog_prove_consistency(n, m, ut_tree_read, t, proof, &len), 0);
	if (flip >= 0 && (size_t)flip / 256 < len)
		proof[flip / 256].b[(flip % 256) / 8] ^= (uint8_t)(1u << (flip % 8));
	off += (size_t)snprintf(req + off, 8192 - off, "old %llu\n", (unsigned long long)m);
	for (size_t i = 0; i < len; i++) {
		sodium_bin2base64(b64, sizeof(b64), proof[i].b, 32, sodium_base64_VARIANT_ORIGINAL);
		off += (size_t)snprintf(req + off, 8192 - off, "%s\n", b64);
	}
	snprintf(req + off, 8192 - off, "\n%s", note);
	return req;
}

static char *state;

static int add(const char *req, char **resp, uint64_t *known)
{
	struct pds_witness_opts o = {.sz = sizeof(o),
				     .state_dir = state,
				     .key = wit_key,
				     .log_key = &log_pub,
				     .time = 1700000000};
	char *r = NULL;
	size_t len;
	int err = pds_witness_add_checkpoint(&o, req, strlen(req), &r, &len, known);

	if (resp)
		*resp = r;
	else
		free(r);
	return err;
}

/* The response line is a valid cosignature by the witness on that checkpoint. */
static void check_response(const char *note, const char *resp)
{
	size_t a = strlen(note), b = strlen(resp);
	char *all = malloc(a + b + 1);
	struct pds_note *n = NULL;
	uint64_t time = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	memcpy(all, note, a);
	memcpy(all + a, resp, b + 1);
	CU_ASSERT_EQUAL(pds_note_parse(all, a + b, "cosigned", NULL, &n), 0);
	if (n) {
		CU_ASSERT_EQUAL(pds_cosig_verify(n, &wit_pub, &time), 0);
		CU_ASSERT_EQUAL(time, 1700000000);
	}
	pds_note_free(n);
	free(all);
}

static void fresh_state(void)
{
	keys();
	if (state)
		ut_rmtree(state);
	free(state);
	state = ut_tmpdir("witness");
}

static void test_grow(void)
{
	struct ut_tree t;
	uint64_t known = 99;
	char *resp = NULL;

	fresh_state();
	tree(&t, 300, "e");
	/* First contact: old 0, empty proof. */
	for (uint64_t prev = 0, n = 1; n <= 300; prev = n, n = n * 3 + 1) {
		char *note = checkpoint(&t, n, log_key);
		char *req = request(&t, prev, n, note, -1);

		CU_ASSERT_EQUAL(add(req, &resp, &known), 0);
		CU_ASSERT_EQUAL(known, prev);
		check_response(note, resp);
		free(resp);
		free(req);
		free(note);
	}
	ut_tree_free(&t);
}

/* Cosign size 40 of t, for the refusal tests. */
static void at_40(struct ut_tree *t)
{
	char *note, *req;

	fresh_state();
	tree(t, 300, "e");
	note = checkpoint(t, 40, log_key);
	req = request(t, 0, 40, note, -1);
	CU_ASSERT_EQUAL_FATAL(add(req, NULL, NULL), 0);
	free(req);
	free(note);
}

/* The state still holds 40: a good request from 40 to 41 passes. */
static void still_40(struct ut_tree *t)
{
	char *note = checkpoint(t, 41, log_key);
	char *req = request(t, 40, 41, note, -1);
	uint64_t known = 0;

	CU_ASSERT_EQUAL(add(req, NULL, &known), 0);
	CU_ASSERT_EQUAL(known, 40);
	free(req);
	free(note);
}

static void test_rollback_and_conflict(void)
{
	struct ut_tree t;
	uint64_t known = 0;
	char *note, *req;

	at_40(&t);
	/* A smaller checkpoint claiming old 40: rollback. */
	note = checkpoint(&t, 30, log_key);
	req = request(&t, 40, 30, note, -1);
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_WITNESS_ROLLBACK);
	free(req);
	/* The same one from old 20: the witness holds 40 (409 with the size). */
	req = request(&t, 20, 30, note, -1);
	CU_ASSERT_EQUAL(add(req, NULL, &known), PDS_ATT_E_WITNESS_CONFLICT);
	CU_ASSERT_EQUAL(known, 40);
	free(req);
	free(note);
	still_40(&t);
	ut_tree_free(&t);
}

static void test_split_view(void)
{
	struct ut_tree t, other;
	char *note, *req;

	at_40(&t);
	tree(&other, 41, "fork");
	/* Same size, another root, signed by the log's own key. */
	note = checkpoint(&other, 40, log_key);
	req = request(&other, 40, 40, note, -1);
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_TLOG_CONSISTENCY);
	free(req);
	free(note);
	/* A bigger fork with a proof of its own history. */
	note = checkpoint(&other, 41, log_key);
	req = request(&other, 40, 41, note, -1);
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_TLOG_CONSISTENCY);
	free(req);
	free(note);
	still_40(&t);
	ut_tree_free(&other);
	ut_tree_free(&t);
}

static void test_bad_signature(void)
{
	struct ut_tree t;
	char *note, *req;
	char *sig;

	at_40(&t);
	note = checkpoint(&t, 50, other_key);
	req = request(&t, 40, 50, note, -1);
	/* Same name, other key: the id differs, so the log's key did not sign. */
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_NOTE_UNVERIFIED);
	free(req);
	free(note);
	note = checkpoint(&t, 50, log_key);
	sig = strstr(note, "\xe2\x80\x94 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
	/* A bit of the signature (past the key id) flipped. */
	sig[strlen(sig) - 10] ^= 0x01;
	req = request(&t, 40, 50, note, -1);
	CU_ASSERT_NOT_EQUAL(add(req, NULL, NULL), 0);
	free(req);
	free(note);
	still_40(&t);
	ut_tree_free(&t);
}

static void test_bad_proof(void)
{
	struct ut_tree t;
	char *note = NULL, *req;
	int refused = 0, tried = 0;

	at_40(&t);
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	size_t plen = 0;

	note = checkpoint(&t, 77, log_key);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_prove_consistency(77, 40, ut_tree_read, &t, proof, &plen),
			      0);
	/* Every hash of the proof, several bits each. */
	for (long bit = 0; bit < (long)plen * 256; bit += 7) {
		req = request(&t, 40, 77, note, bit);
		tried++;
		refused += add(req, NULL, NULL) == PDS_ATT_E_TLOG_CONSISTENCY;
		free(req);
	}
	CU_ASSERT(tried > 0);
	CU_ASSERT_EQUAL(refused, tried);
	/* A truncated proof (last line dropped) and a missing one. */
	req = request(&t, 40, 77, note, -1);
	{
		char *blank = strstr(req, "\n\n");
		char *last = blank;

		while (last > req && last[-1] != '\n')
			last--;
		memmove(last, blank + 1, strlen(blank + 1) + 1);
	}
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_TLOG_CONSISTENCY);
	free(req);
	req = request(&t, 40, 40, note, -1); /* claims 77 with no proof */
	memcpy(req, "old 40", 6);
	CU_ASSERT_EQUAL(add(req, NULL, NULL), PDS_ATT_E_TLOG_CONSISTENCY);
	free(req);
	free(note);
	still_40(&t);
	ut_tree_free(&t);
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"",
		"old\n\n",
		"old 01\n\n",
		"old -1\n\n",
		"new 0\n\n",
		"old 0",
		"old 0\nnot base64\n\n",
		"old 0\nAAAA\n\n",
		"old 0\n",
	};
	struct ut_diags d = {0};
	struct pds_witness_opts o;
	char *resp = NULL;
	size_t len;

	fresh_state();
	o = (struct pds_witness_opts){.sz = sizeof(o),
				      .state_dir = state,
				      .key = wit_key,
				      .log_key = &log_pub,
				      .sink = {ut_diag_sink, &d}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d.count = 0;
		CU_ASSERT_EQUAL(
			pds_witness_add_checkpoint(&o, bad[i], strlen(bad[i]), &resp, &len, NULL),
			PDS_ATT_E_WITNESS_REQUEST);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "request:"));
	}
	/* A request with no checkpoint note after the blank line. */
	CU_ASSERT_NOT_EQUAL(pds_witness_add_checkpoint(&o, "old 0\n\nx\n", 9, &resp, &len, NULL),
			    0);
	CU_ASSERT_EQUAL(pds_witness_add_checkpoint(NULL, "old 0\n\n", 7, &resp, &len, NULL),
			PDS_ATT_E_INVAL);
	ut_rmtree(state);
	free(state);
	state = NULL;
	pds_note_signer_free(log_key);
	pds_note_signer_free(other_key);
	pds_note_signer_free(wit_key);
	log_key = other_key = wit_key = NULL;
}

PDS_TEST_MAIN("witness", PDS_TEST(test_grow), PDS_TEST(test_rollback_and_conflict),
	      PDS_TEST(test_split_view), PDS_TEST(test_bad_signature), PDS_TEST(test_bad_proof),
	      PDS_TEST(test_malformed))
