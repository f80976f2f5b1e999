// SPDX-License-Identifier: MIT
/* Checkpoints and cosignatures: spec examples, signed message, flips, truncations, malformed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/checkpoint.h>

#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

#define EM "\xe2\x80\x94"

/* c2sp.org/tlog-cosignature example (test-vectors.md). */
static const char spec_ckpt[] =
	"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n" EM
	" example.com/behind-the-sofa "
	"Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
	"Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" EM " witness.example.com/w1 "
	"jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/"
	"zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

static void test_spec_example(void)
{
	struct pds_note *n = NULL;
	struct pds_checkpoint c = {0};
	char *body = NULL;
	size_t len;
	uint64_t t = 0;

	CU_ASSERT_EQUAL_FATAL(pds_note_parse(spec_ckpt, strlen(spec_ckpt), "c", NULL, &n), 0);
	CU_ASSERT_EQUAL_FATAL(pds_checkpoint_parse(n->text, n->text_len, "c", NULL, &c), 0);
	CU_ASSERT_STRING_EQUAL(c.origin, "example.com/behind-the-sofa");
	CU_ASSERT_EQUAL(c.size, 20852163);
	CU_ASSERT_EQUAL(c.root[0], 0x0a);
	CU_ASSERT_EQUAL(c.ext_count, 0);
	CU_ASSERT_EQUAL_FATAL(n->sig_count, 2);
	/* The cosignature's key id and big-endian timestamp (test-vectors.md). */
	CU_ASSERT_EQUAL(n->sigs[1].id, 0x8d66cf3fu);
	CU_ASSERT_EQUAL(pds_cosig_time(&n->sigs[1], &t), 0);
	CU_ASSERT_EQUAL(t, 1679315147u);
	CU_ASSERT_EQUAL(t, 0x641850CBu);
	/* The log's signature is 64 bytes: not a cosignature. */
	CU_ASSERT_EQUAL(pds_cosig_time(&n->sigs[0], &t), PDS_ATT_E_COSIG_SYNTAX);
	CU_ASSERT_EQUAL_FATAL(pds_checkpoint_format(&c, &body, &len), 0);
	CU_ASSERT_EQUAL(len, n->text_len);
	CU_ASSERT_STRING_EQUAL(body, n->text);
	free(body);
	pds_checkpoint_release(&c);
	pds_note_free(n);
}

struct fixture {
	struct pds_note_signer *log, *wit;
	struct pds_note_verifier keys[2];
	char *note;
	size_t len;
};

static void fixture_make(struct fixture *f, int with_ext)
{
	struct pds_checkpoint c = {0};
	static char *ext[] = {"extension one"};
	struct pds_note *n = NULL;
	char *body = NULL;
	size_t len;

	f->log = atu_signer("log.example/a", PDS_NOTE_ED25519, 1);
	f->wit = atu_signer("witness.example/w", PDS_NOTE_COSIGNATURE, 2);
	pds_note_signer_public(f->log, &f->keys[0]);
	pds_note_signer_public(f->wit, &f->keys[1]);
	c.origin = "log.example/a";
	c.size = 300;
	memset(c.root, 0x5c, 32);
	if (with_ext) {
		c.ext = ext;
		c.ext_count = 1;
	}
	CU_ASSERT_EQUAL(pds_checkpoint_format(&c, &body, &len), 0);
	CU_ASSERT_EQUAL(pds_note_new(body, len, &n), 0);
	CU_ASSERT_EQUAL(pds_note_sign(n, f->log), 0);
	CU_ASSERT_EQUAL(pds_cosig_sign(n, f->wit, 1700000000), 0);
	CU_ASSERT_EQUAL(pds_note_encode(n, &f->note, &f->len), 0);
	pds_note_free(n);
	free(body);
}

static void fixture_free(struct fixture *f)
{
	pds_note_signer_free(f->log);
	pds_note_signer_free(f->wit);
	free(f->note);
}

/* The cosignature signs "cosignature/v1\ntime <t>\n" || body, checked here with libsodium alone. */
static void test_cosigned_message(void)
{
	struct fixture f;
	struct pds_note *n = NULL;
	char msg[512];
	uint64_t t = 0;
	int m;

	fixture_make(&f, 1);
	CU_ASSERT_EQUAL_FATAL(pds_note_parse(f.note, f.len, "c", NULL, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n->sig_count, 2);
	CU_ASSERT_EQUAL(n->sigs[1].sig_len, 72);
	m = snprintf(msg, sizeof(msg), "cosignature/v1\ntime 1700000000\n%s", n->text);
	CU_ASSERT_EQUAL(crypto_sign_verify_detached(n->sigs[1].sig + 8, (const uint8_t *)msg,
						    (unsigned long long)m, f.keys[1].pub),
			0);
	CU_ASSERT_EQUAL(pds_cosig_verify(n, &f.keys[1], &t), 0);
	CU_ASSERT_EQUAL(t, 1700000000);
	/* Both keys, log and witness, through the generic note verifier. */
	CU_ASSERT_EQUAL(pds_note_verify(n, f.keys, 2, 2, NULL), 0);
	/* The log key is not a cosigner, and the witness key did not sign plainly. */
	CU_ASSERT_EQUAL(pds_cosig_verify(n, &f.keys[0], &t), PDS_ATT_E_KEY_TYPE);
	CU_ASSERT_EQUAL(pds_note_sign(n, f.wit), PDS_ATT_E_KEY_TYPE);
	CU_ASSERT_EQUAL(pds_cosig_sign(n, f.log, 1), PDS_ATT_E_KEY_TYPE);
	CU_ASSERT_EQUAL(pds_cosig_sign(n, f.wit, (uint64_t)INT64_MAX + 1), PDS_ATT_E_COSIG_TIME);
	pds_note_free(n);
	fixture_free(&f);
}

static int open_with(const char *buf, size_t len, const struct pds_note_verifier *keys)
{
	struct pds_note *n = NULL;
	struct pds_checkpoint c = {0};
	int err = pds_checkpoint_open(buf, len, "c", NULL, "log.example/a", keys, 2, 2, &n, &c);

	pds_note_free(n);
	pds_checkpoint_release(&c);
	return err;
}

static void test_open(void)
{
	struct fixture f;
	struct pds_note *n = NULL;
	struct pds_checkpoint c = {0};

	fixture_make(&f, 0);
	CU_ASSERT_EQUAL(open_with(f.note, f.len, f.keys), 0);
	CU_ASSERT_EQUAL(pds_checkpoint_open(f.note, f.len, "c", NULL, "other.example", f.keys, 2, 1,
					    &n, &c),
			PDS_ATT_E_CKPT_ORIGIN);
	CU_ASSERT_EQUAL(
		pds_checkpoint_open(f.note, f.len, "c", NULL, NULL, f.keys + 1, 1, 1, &n, &c), 0);
	CU_ASSERT_EQUAL(c.size, 300);
	pds_note_free(n);
	pds_checkpoint_release(&c);
	fixture_free(&f);
}

/* Every bit of the checkpoint, both names and both signatures. */
static void test_bit_flips(void)
{
	struct fixture f;
	size_t refused = 0;

	fixture_make(&f, 1);
	for (size_t i = 0; i < f.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			f.note[i] ^= (char)(1 << bit);
			refused += open_with(f.note, f.len, f.keys) != 0;
			f.note[i] ^= (char)(1 << bit);
		}
	CU_ASSERT_EQUAL(refused, f.len * 8);
	CU_ASSERT_EQUAL(open_with(f.note, f.len, f.keys), 0);
	fixture_free(&f);
}

static void test_truncations(void)
{
	struct fixture f;

	fixture_make(&f, 0);
	for (size_t n = 0; n < f.len; n++)
		CU_ASSERT_NOT_EQUAL(open_with(f.note, n, f.keys), 0);
	fixture_free(&f);
}

struct bad_body {
	const char *text;
	int code;
	unsigned line;
};

#define ROOT "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
static const struct bad_body bad_bodies[] = {
	{"o\n020852163\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n-1\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n+1\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n 1\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n18446744073709551616\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n\n" ROOT "\n", PDS_ATT_E_CKPT_SIZE, 2},
	{"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", PDS_ATT_E_CKPT_HASH, 3},
	{"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", PDS_ATT_E_CKPT_HASH, 3},
	{"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", PDS_ATT_E_CKPT_HASH, 3},
	{"o\n1\n", PDS_ATT_E_CKPT_LINES, 3},
	{"\n1\n" ROOT "\n", PDS_ATT_E_CKPT_ORIGIN, 1},
	{"o\n1\n" ROOT "\n\n", PDS_ATT_E_CKPT_EXT, 4},
	{"o\n1\n" ROOT, PDS_ATT_E_NOTE_TEXT, 3},
	{"o\n1\n" ROOT "\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\n", PDS_ATT_E_CKPT_EXT,
	 20},
	{"o\t\n1\n" ROOT "\n", PDS_ATT_E_NOTE_CONTROL, 1},
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_bodies) / sizeof(bad_bodies[0]); i++) {
		const struct bad_body *b = &bad_bodies[i];
		struct pds_checkpoint c = {0};
		struct atu_diags d;
		int err;

		atu_diags_init(&d);
		err = pds_checkpoint_parse(b->text, strlen(b->text), "ckpt", &d.sink, &c);
		if (err != b->code || d.last_line != b->line)
			fprintf(stderr, "case %zu: %d line %u (%s)\n", i, err, d.last_line,
				d.last_text);
		CU_ASSERT_EQUAL(err, b->code);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_EQUAL(d.last_line, b->line);
		CU_ASSERT_STRING_EQUAL(d.last_rule, pds_att_rule(b->code));
		CU_ASSERT_PTR_NULL(c.origin);
	}
}

static void test_extensions_and_zero(void)
{
	static const char body[] = "o\n0\n" ROOT "\next a\next b\n";
	struct pds_checkpoint c = {0};
	char *again = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_checkpoint_parse(body, strlen(body), "c", NULL, &c), 0);
	CU_ASSERT_EQUAL(c.size, 0);
	CU_ASSERT_EQUAL_FATAL(c.ext_count, 2);
	CU_ASSERT_STRING_EQUAL(c.ext[1], "ext b");
	CU_ASSERT_EQUAL_FATAL(pds_checkpoint_format(&c, &again, &len), 0);
	CU_ASSERT_STRING_EQUAL(again, body);
	free(again);
	pds_checkpoint_release(&c);
}

PDS_TEST_MAIN("attest checkpoints and cosignatures", PDS_TEST(test_spec_example),
	      PDS_TEST(test_cosigned_message), PDS_TEST(test_open), PDS_TEST(test_bit_flips),
	      PDS_TEST(test_truncations), PDS_TEST(test_malformed),
	      PDS_TEST(test_extensions_and_zero))
