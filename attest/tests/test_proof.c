// SPDX-License-Identifier: MIT
/* tlog-proof and .pds evidence: RFC 6962 vectors, round trips, flips, truncations, malformed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/checkpoint.h>
#include <pds/proof.h>

#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

#define EM "\xe2\x80\x94"

static void unhex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i]; i++) {
		unsigned v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* RFC 6962 reference tree (test-vectors.md): root of 8 leaves, proof of leaf 5. */
static const char root8[] = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
static const char *const proof5[] = {
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
};
static const uint8_t leaf5[] = {0x40, 0x41, 0x42, 0x43};

struct fixture {
	struct pds_note_signer *log, *wit;
	struct pds_note_verifier log_key, wit_key;
	char *text; /* encoded tlog-proof */
	size_t len;
};

/* A signed, cosigned checkpoint of (size, root) from origin "log.example/a". */
static char *signed_checkpoint(struct fixture *f, uint64_t size, const uint8_t root[32],
			       size_t *len)
{
	struct pds_checkpoint c = {.origin = "log.example/a", .size = size};
	struct pds_note *n = NULL;
	char *body = NULL, *out = NULL;
	size_t blen;

	memcpy(c.root, root, 32);
	CU_ASSERT_EQUAL(pds_checkpoint_format(&c, &body, &blen), 0);
	CU_ASSERT_EQUAL(pds_note_new(body, blen, &n), 0);
	CU_ASSERT_EQUAL(pds_note_sign(n, f->log), 0);
	CU_ASSERT_EQUAL(pds_cosig_sign(n, f->wit, 1700000001), 0);
	CU_ASSERT_EQUAL(pds_note_encode(n, &out, len), 0);
	pds_note_free(n);
	free(body);
	return out;
}

static void fixture_make(struct fixture *f, const uint8_t *extra, size_t extra_len)
{
	struct pds_tlog_hash hashes[3];
	struct pds_proof *p = NULL;
	uint8_t root[32];
	char *ckpt;
	size_t clen;

	f->log = atu_signer("log.example/a", PDS_NOTE_ED25519, 1);
	f->wit = atu_signer("witness.example/w", PDS_NOTE_COSIGNATURE, 2);
	pds_note_signer_public(f->log, &f->log_key);
	pds_note_signer_public(f->wit, &f->wit_key);
	unhex(root8, root);
	for (int i = 0; i < 3; i++)
		unhex(proof5[i], hashes[i].b);
	ckpt = signed_checkpoint(f, 8, root, &clen);
	CU_ASSERT_EQUAL(pds_proof_new(5, hashes, 3, extra, extra_len, ckpt, clen, &p), 0);
	CU_ASSERT_EQUAL(pds_proof_encode(p, &f->text, &f->len), 0);
	pds_proof_free(p);
	free(ckpt);
}

static void fixture_free(struct fixture *f)
{
	pds_note_signer_free(f->log);
	pds_note_signer_free(f->wit);
	free(f->text);
}

static int parse_verify(const struct fixture *f, const char *text, size_t len, const void *entry,
			size_t entry_len, size_t min_wit)
{
	struct pds_proof *p = NULL;
	int err = pds_proof_parse(text, len, "p", NULL, &p);

	if (!err)
		err = pds_proof_verify(p, entry, entry_len, NULL, &f->log_key, &f->wit_key, 1,
				       min_wit);
	pds_proof_free(p);
	return err;
}

static void test_rfc6962_vector(void)
{
	struct fixture f;
	struct pds_proof *p = NULL;
	char *again = NULL;
	size_t len;

	fixture_make(&f, NULL, 0);
	CU_ASSERT(strncmp(f.text,
			  "c2sp.org/tlog-proof@v1\nindex "
			  "5\nvBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=\n",
			  76) == 0);
	CU_ASSERT_EQUAL(parse_verify(&f, f.text, f.len, leaf5, 4, 1), 0);
	/* Another entry, index or witness quorum: refused with the matching code. */
	CU_ASSERT_EQUAL(parse_verify(&f, f.text, f.len, leaf5, 3, 1), PDS_ATT_E_PROOF_INCLUSION);
	CU_ASSERT_EQUAL_FATAL(pds_proof_parse(f.text, f.len, "p", NULL, &p), 0);
	CU_ASSERT_EQUAL(p->index, 5);
	CU_ASSERT_EQUAL(p->hash_count, 3);
	CU_ASSERT_EQUAL(p->body.size, 8);
	p->index = 4;
	CU_ASSERT_EQUAL(pds_proof_verify(p, leaf5, 4, NULL, &f.log_key, NULL, 0, 0),
			PDS_ATT_E_PROOF_INCLUSION);
	p->index = 5;
	CU_ASSERT_EQUAL(pds_proof_verify(p, leaf5, 4, NULL, &f.log_key, NULL, 0, 0), 0);
	CU_ASSERT_EQUAL(pds_proof_verify(p, leaf5, 4, "other", &f.log_key, NULL, 0, 0),
			PDS_ATT_E_CKPT_ORIGIN);
	CU_ASSERT_EQUAL(pds_proof_verify(p, leaf5, 4, NULL, &f.wit_key, NULL, 0, 0),
			PDS_ATT_E_CKPT_ORIGIN);
	CU_ASSERT_EQUAL(pds_proof_verify(p, leaf5, 4, NULL, &f.log_key, &f.wit_key, 1, 2),
			PDS_ATT_E_NOTE_UNVERIFIED);
	CU_ASSERT_EQUAL_FATAL(pds_proof_encode(p, &again, &len), 0);
	CU_ASSERT_EQUAL(len, f.len);
	CU_ASSERT_STRING_EQUAL(again, f.text);
	free(again);
	pds_proof_free(p);
	fixture_free(&f);
}

static void test_extra(void)
{
	static const uint8_t extra[] = "opaque context";
	struct fixture f;
	struct pds_proof *p = NULL;

	fixture_make(&f, extra, sizeof(extra) - 1);
	CU_ASSERT(strncmp(f.text, "c2sp.org/tlog-proof@v1\nextra b3BhcXVlIGNvbnRleHQ=\nindex 5\n",
			  58) == 0);
	CU_ASSERT_EQUAL_FATAL(pds_proof_parse(f.text, f.len, "p", NULL, &p), 0);
	CU_ASSERT_EQUAL(p->extra_len, sizeof(extra) - 1);
	CU_ASSERT_EQUAL(memcmp(p->extra, extra, p->extra_len), 0);
	CU_ASSERT_EQUAL(parse_verify(&f, f.text, f.len, leaf5, 4, 1), 0);
	pds_proof_free(p);
	fixture_free(&f);
}

/* Every bit of header, index, hashes, checkpoint and signatures. */
static void test_bit_flips(void)
{
	struct fixture f;
	size_t refused = 0;

	fixture_make(&f, NULL, 0);
	for (size_t i = 0; i < f.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			f.text[i] ^= (char)(1 << bit);
			refused += parse_verify(&f, f.text, f.len, leaf5, 4, 1) != 0;
			f.text[i] ^= (char)(1 << bit);
		}
	CU_ASSERT_EQUAL(refused, f.len * 8);
	CU_ASSERT_EQUAL(parse_verify(&f, f.text, f.len, leaf5, 4, 1), 0);
	fixture_free(&f);
}

static void test_truncations(void)
{
	struct fixture f;

	fixture_make(&f, NULL, 0);
	for (size_t n = 0; n < f.len; n++)
		CU_ASSERT_NOT_EQUAL(parse_verify(&f, f.text, n, leaf5, 4, 1), 0);
	fixture_free(&f);
}

struct bad_proof {
	const char *from, *to;
	int code;
	unsigned line;
};

static const struct bad_proof bad_proofs[] = {
	{"c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", PDS_ATT_E_PROOF_HEADER, 1},
	{"index 5", "index 05", PDS_ATT_E_PROOF_INDEX, 2},
	{"index 5", "index  5", PDS_ATT_E_PROOF_INDEX, 2},
	{"index 5", "index -5", PDS_ATT_E_PROOF_INDEX, 2},
	{"index 5", "index 9223372036854775808", PDS_ATT_E_PROOF_INDEX, 2},
	{"index 5\n", "", PDS_ATT_E_PROOF_INDEX, 2},
	{"index 5", "extra index 5", PDS_ATT_E_PROOF_EXTRA, 2},
	{"index 5", "extra \nindex 5", PDS_ATT_E_PROOF_EXTRA, 2},
	{"index 5", "extra AB==\nindex 5", PDS_ATT_E_PROOF_EXTRA, 2},
	{"vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
	 "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnmt=", PDS_ATT_E_PROOF_HASH, 3},
	{"vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
	 "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms", PDS_ATT_E_PROOF_HASH, 3},
	{"vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=\n",
	 "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= \n", PDS_ATT_E_PROOF_HASH, 3},
	{"log.example/a\n8\n", "log.example/a\n08\n", PDS_ATT_E_CKPT_SIZE, 8},
	{"\n\nlog.example/a", "\nlog.example/a", PDS_ATT_E_PROOF_HASH, 6},
	{EM " log.example/a ", EM " log.example/a+x ", PDS_ATT_E_NOTE_SIG_LINE, 11},
};

static char *replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t pre = (size_t)(p - text);
	char *out = malloc(strlen(text) + strlen(to) + 1);

	memcpy(out, text, pre);
	strcpy(out + pre, to);
	strcat(out, p + strlen(from));
	return out;
}

static void test_malformed(void)
{
	struct fixture f;

	fixture_make(&f, NULL, 0);
	for (size_t i = 0; i < sizeof(bad_proofs) / sizeof(bad_proofs[0]); i++) {
		const struct bad_proof *b = &bad_proofs[i];
		char *text;
		struct pds_proof *p = NULL;
		struct atu_diags d;
		int err;

		if (!strstr(f.text, b->from)) {
			CU_FAIL("case does not apply");
			continue;
		}
		text = replace(f.text, b->from, b->to);
		atu_diags_init(&d);
		err = pds_proof_parse(text, strlen(text), "x.tlog-proof", &d.sink, &p);
		if (err != b->code || d.last_line != b->line)
			fprintf(stderr, "case %zu: %d line %u (%s)\n", i, err, d.last_line,
				d.last_text);
		CU_ASSERT_EQUAL(err, b->code);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_EQUAL(d.last_line, b->line);
		CU_ASSERT_PTR_NULL(p);
		free(text);
	}
	fixture_free(&f);
}

static void test_too_many_hashes(void)
{
	struct fixture f;
	char *text, *extra = malloc(64 * 45 + 1);
	struct pds_proof *p = NULL;

	fixture_make(&f, NULL, 0);
	extra[0] = '\0';
	for (int i = 0; i < 61; i++)
		strcat(extra, "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=\n");
	{
		/* 3 hashes + 61 = 64 > 63 */
		char *head = malloc(strlen(extra) + 16);

		sprintf(head, "index 5\n%s", extra);
		text = replace(f.text, "index 5\n", head);
		free(head);
	}
	CU_ASSERT_EQUAL(pds_proof_parse(text, strlen(text), "p", NULL, &p), PDS_ATT_E_PROOF_LENGTH);
	free(text);
	free(extra);
	fixture_free(&f);
}

/* .pds: an attestation note as logged in a two-entry tree, then its proof. */
static void test_evidence(void)
{
	static const char att_text[] = "pds-attestation/v1\nplugin x\n";
	struct fixture f;
	struct pds_note *n = NULL;
	struct pds_tlog_hash l0, l1, root;
	struct pds_proof *p = NULL;
	struct pds_evidence *e = NULL;
	char *entry = NULL, *ckpt, *pds = NULL;
	size_t entry_len, clen, pds_len, refused = 0;

	fixture_make(&f, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_new(att_text, strlen(att_text), &n), 0);
	CU_ASSERT_EQUAL(pds_note_sign(n, f.log), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(n, &entry, &entry_len), 0);
	pds_tlog_leaf_hash("first", 5, &l0);
	pds_tlog_leaf_hash(entry, entry_len, &l1);
	pds_tlog_node_hash(&l0, &l1, &root);
	ckpt = signed_checkpoint(&f, 2, root.b, &clen);
	CU_ASSERT_EQUAL_FATAL(pds_proof_new(1, &l0, 1, NULL, 0, ckpt, clen, &p), 0);
	CU_ASSERT_EQUAL_FATAL(pds_evidence_encode(entry, entry_len, p, &pds, &pds_len), 0);
	CU_ASSERT_EQUAL(memcmp(pds, entry, entry_len), 0);
	CU_ASSERT_EQUAL(memcmp(pds + entry_len, "c2sp.org/tlog-proof@v1\nindex 1\n", 31), 0);
	CU_ASSERT_EQUAL_FATAL(pds_evidence_parse(pds, pds_len, "x.pds", NULL, &e), 0);
	CU_ASSERT_EQUAL(e->entry_len, entry_len);
	CU_ASSERT_EQUAL(memcmp(e->entry, entry, entry_len), 0);
	CU_ASSERT_EQUAL(pds_note_verify(e->note, &f.log_key, 1, 1, NULL), 0);
	CU_ASSERT_EQUAL(pds_proof_verify(e->proof, e->entry, e->entry_len, NULL, &f.log_key,
					 &f.wit_key, 1, 1),
			0);
	pds_evidence_free(e);
	/* Every flipped bit: the framing, the note, its signature or the proof refuses. */
	for (size_t i = 0; i < pds_len; i++)
		for (int bit = 0; bit < 8; bit++) {
			int err;

			e = NULL;
			pds[i] ^= (char)(1 << bit);
			err = pds_evidence_parse(pds, pds_len, "x.pds", NULL, &e);
			if (!err)
				err = pds_note_verify(e->note, &f.log_key, 1, 1, NULL);
			if (!err)
				err = pds_proof_verify(e->proof, e->entry, e->entry_len, NULL,
						       &f.log_key, &f.wit_key, 1, 1);
			refused += err != 0;
			pds_evidence_free(e);
			pds[i] ^= (char)(1 << bit);
		}
	CU_ASSERT_EQUAL(refused, pds_len * 8);
	for (size_t k = 0; k < pds_len; k++) {
		int err;

		e = NULL;
		err = pds_evidence_parse(pds, k, "x.pds", NULL, &e);
		if (!err)
			err = pds_proof_verify(e->proof, e->entry, e->entry_len, NULL, &f.log_key,
					       &f.wit_key, 1, 1);
		CU_ASSERT_NOT_EQUAL(err, 0);
		pds_evidence_free(e);
	}
	CU_ASSERT_EQUAL(pds_evidence_parse(entry, entry_len, "x.pds", NULL, &e),
			PDS_ATT_E_EVIDENCE_SYNTAX);
	free(pds);
	free(ckpt);
	free(entry);
	pds_proof_free(p);
	pds_note_free(n);
	fixture_free(&f);
}

PDS_TEST_MAIN("attest tlog-proof and evidence", PDS_TEST(test_rfc6962_vector), PDS_TEST(test_extra),
	      PDS_TEST(test_bit_flips), PDS_TEST(test_truncations), PDS_TEST(test_malformed),
	      PDS_TEST(test_too_many_hashes), PDS_TEST(test_evidence))
