// SPDX-License-Identifier: MIT
/* Signed notes: published vectors, several signers, bit flips, truncations, malformed cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/note.h>
#include <sodium.h>

#include "attest/att_fmt.h"
#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

#define EM "\xe2\x80\x94"

/* c2sp.org/signed-note example (test-vectors.md). */
static const char spec_vkey[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char spec_note[] = "This is an example message.\n\n" EM " example.com/foo "
				"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOB"
				"H3mFXmRKuwHjG1Yu72IneyaQM=\n";

/* golang.org/x/mod/sumdb/note package documentation. */
static const char go_skey[] =
	"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char enoch_vkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
			      "then you don't know what your problem is.\n";
static const char go_peter_sig[] =
	EM " PeterNeumann "
	   "x08go/ZJkuBS9UG/"
	   "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char go_enoch_sig[] = EM " EnochRoot "
				      "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
				      "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

static struct pds_note_verifier vkey(const char *text)
{
	struct pds_note_verifier v = {0};

	CU_ASSERT_EQUAL(pds_note_verifier_parse(text, strlen(text), "k", NULL, &v), 0);
	return v;
}

static void test_spec_vector(void)
{
	struct pds_note_verifier v = vkey(spec_vkey);
	struct pds_note *n = NULL;
	char *enc = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_note_parse(spec_note, strlen(spec_note), "n", NULL, &n), 0);
	CU_ASSERT_STRING_EQUAL(n->text, "This is an example message.\n");
	CU_ASSERT_EQUAL(n->sig_count, 1);
	CU_ASSERT_EQUAL(n->sigs[0].id, 0x530d903au);
	CU_ASSERT_EQUAL(pds_note_verify(n, &v, 1, 0, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(n, &enc, &len), 0);
	CU_ASSERT_EQUAL(len, strlen(spec_note));
	CU_ASSERT_STRING_EQUAL(enc, spec_note);
	free(enc);
	pds_note_free(n);
}

/* Deterministic Ed25519: signing the published text reproduces the published bytes. */
static void test_go_sign_byte_for_byte(void)
{
	struct pds_note_signer *s = NULL;
	struct pds_note *n = NULL;
	char want[1024], *enc = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_note_signer_parse(go_skey, strlen(go_skey), "k", NULL, &s), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_new(go_text, strlen(go_text), &n), 0);
	CU_ASSERT_EQUAL(pds_note_sign(n, s), 0);
	/* A second signature by the same key is refused. */
	CU_ASSERT_EQUAL(pds_note_sign(n, s), PDS_ATT_E_NOTE_DUP_SIG);
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(n, &enc, &len), 0);
	snprintf(want, sizeof(want), "%s\n%s", go_text, go_peter_sig);
	CU_ASSERT_STRING_EQUAL(enc, want);
	free(enc);
	pds_note_free(n);
	pds_note_signer_free(s);
}

static void test_several_signers(void)
{
	struct pds_note_verifier keys[2] = {vkey(go_vkey), vkey(enoch_vkey)};
	struct pds_note_verifier stranger = keys[0];
	struct pds_note *n = NULL;
	unsigned char ok[2];
	char note[1024];

	snprintf(note, sizeof(note), "%s\n%s%s", go_text, go_peter_sig, go_enoch_sig);
	CU_ASSERT_EQUAL_FATAL(pds_note_parse(note, strlen(note), "n", NULL, &n), 0);
	CU_ASSERT_EQUAL(n->sig_count, 2);
	CU_ASSERT_EQUAL(pds_note_verify(n, keys, 2, 2, ok), 0);
	CU_ASSERT(ok[0] == 1 && ok[1] == 1);
	CU_ASSERT_EQUAL(pds_note_verify(n, keys + 1, 1, 0, ok), 0);
	CU_ASSERT_EQUAL(pds_note_verify(n, keys, 2, 3, NULL), PDS_ATT_E_NOTE_UNVERIFIED);
	CU_ASSERT_EQUAL(pds_note_verify(n, keys, 0, 0, NULL), PDS_ATT_E_NOTE_UNVERIFIED);
	/* Same name, other id: an unknown key, ignored, so nothing verifies. */
	stranger.id ^= 1;
	CU_ASSERT_EQUAL(pds_note_verify(n, &stranger, 1, 0, ok), PDS_ATT_E_NOTE_UNVERIFIED);
	CU_ASSERT_EQUAL(ok[0], 0);
	/* Same name and id, other public key: a known key whose signature fails. */
	stranger = keys[0];
	stranger.pub[0] ^= 1;
	keys[0] = stranger;
	CU_ASSERT_EQUAL(pds_note_verify(n, keys, 2, 1, ok), PDS_ATT_E_NOTE_BAD_SIG);
	CU_ASSERT(ok[0] == 0 && ok[1] == 0);
	pds_note_free(n);
}

static void test_sign_and_verify_many(void)
{
	struct pds_note_verifier keys[PDS_NOTE_MAX_SIGS + 1];
	struct pds_note_signer *s;
	struct pds_note *n = NULL, *back = NULL;
	char name[32], *enc = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pds_note_new("multi\n", 6, &n), 0);
	for (unsigned i = 0; i <= PDS_NOTE_MAX_SIGS; i++) {
		snprintf(name, sizeof(name), "signer.example/%u", i);
		s = atu_signer(name, PDS_NOTE_ED25519, (uint8_t)(i + 1));
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		pds_note_signer_public(s, &keys[i]);
		CU_ASSERT_EQUAL(pds_note_sign(n, s),
				i < PDS_NOTE_MAX_SIGS ? 0 : PDS_ATT_E_NOTE_SIZE);
		pds_note_signer_free(s);
	}
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(n, &enc, &len), 0);
	CU_ASSERT_EQUAL_FATAL(pds_note_parse(enc, len, "n", NULL, &back), 0);
	CU_ASSERT_EQUAL(back->sig_count, PDS_NOTE_MAX_SIGS);
	CU_ASSERT_EQUAL(pds_note_verify(back, keys, PDS_NOTE_MAX_SIGS, PDS_NOTE_MAX_SIGS, NULL), 0);
	CU_ASSERT_EQUAL(
		pds_note_verify(back, keys, PDS_NOTE_MAX_SIGS + 1, PDS_NOTE_MAX_SIGS + 1, NULL),
		PDS_ATT_E_NOTE_UNVERIFIED);
	/* A cosignature key cannot make a plain note signature. */
	s = atu_signer("w", PDS_NOTE_COSIGNATURE, 9);
	CU_ASSERT_EQUAL(pds_note_sign(n, s), PDS_ATT_E_KEY_TYPE);
	pds_note_signer_free(s);
	free(enc);
	pds_note_free(n);
	pds_note_free(back);
}

static int parse_and_verify(const char *buf, size_t len, const struct pds_note_verifier *v,
			    uint32_t *id)
{
	struct pds_note *n = NULL;
	int err = pds_note_parse(buf, len, "n", NULL, &n);

	if (err)
		return err;
	*id = n->sig_count ? n->sigs[0].id : 0;
	err = pds_note_verify(n, v, 1, 0, NULL);
	pds_note_free(n);
	return err;
}

static int is_parse_error(int err)
{
	return err == PDS_ATT_E_NOTE_UTF8 || err == PDS_ATT_E_NOTE_CONTROL ||
	       err == PDS_ATT_E_NOTE_NO_SIGS || err == PDS_ATT_E_NOTE_SIG_LINE;
}

/* Every bit of text, key name and signature: refused, with the code the place implies. */
static void test_bit_flips(void)
{
	struct pds_note_verifier v = vkey(spec_vkey);
	size_t len = strlen(spec_note), text_end = strlen("This is an example message.\n");
	size_t name_end = text_end + 1 + 4 + strlen("example.com/foo");
	size_t refused = 0, wrong = 0;
	char buf[sizeof(spec_note)];

	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			uint32_t id = 0;
			int err, ok;

			memcpy(buf, spec_note, len);
			buf[i] ^= (char)(1 << bit);
			err = parse_and_verify(buf, len, &v, &id);
			refused += err != 0;
			if (i < text_end)
				ok = is_parse_error(err) || err == PDS_ATT_E_NOTE_BAD_SIG;
			else if (i <= name_end)
				ok = is_parse_error(err) || err == PDS_ATT_E_NOTE_UNVERIFIED;
			else if (is_parse_error(err))
				ok = 1;
			else /* signature bytes: a changed key id makes the key unknown */
				ok = err == (id == v.id ? PDS_ATT_E_NOTE_BAD_SIG
							: PDS_ATT_E_NOTE_UNVERIFIED);
			if (!ok) {
				wrong++;
				fprintf(stderr, "flip %zu.%d: %d\n", i, bit, err);
			}
		}
	CU_ASSERT_EQUAL(refused, len * 8);
	CU_ASSERT_EQUAL(wrong, 0);
}

static void test_truncations(void)
{
	struct pds_note_verifier v = vkey(spec_vkey);
	size_t len = strlen(spec_note);

	for (size_t n = 0; n < len; n++) {
		uint32_t id;
		int err = parse_and_verify(spec_note, n, &v, &id);

		CU_ASSERT(is_parse_error(err));
	}
}

struct bad_note {
	const char *text;
	int code;
	unsigned line;
};

#define SIG                                                                                        \
	"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72Iney" \
	"aQM="
/* Malformed notes, one broken rule each, with the line the diagnostic must name. */
static const struct bad_note bad_notes[] = {
	{"no blank line\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_NO_SIGS, 3},
	{"text\n\n", PDS_ATT_E_NOTE_NO_SIGS, 3},
	{"text\n\n" EM " example.com/foo " SIG, PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\r\n\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_CONTROL, 1},
	{"tab\there\n\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_CONTROL, 1},
	{"bad \xff utf8\n\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_UTF8, 1},
	{"overlong \xc0\xaf\n\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_UTF8, 1},
	{"surrogate \xed\xa0\x80\n\n" EM " example.com/foo " SIG "\n", PDS_ATT_E_NOTE_UTF8, 1},
	{"text\n\n- example.com/foo " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM "example.com/foo " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM "  example.com/foo " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo  " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo " SIG " \n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " exa+mple " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " exa\xc2\xa0mple " SIG "\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo AAAAAA==\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo AAAAAAB=\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo AAAAAAA\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo AAAA AAA=\n", PDS_ATT_E_NOTE_SIG_LINE, 3},
	{"text\n\n" EM " example.com/foo " SIG "\n" EM " example.com/foo " SIG "\n",
	 PDS_ATT_E_NOTE_DUP_SIG, 4},
	{"text\n\n" EM " a AAAAAAA=\n\n" EM " b AAAAAAA=\n", PDS_ATT_E_NOTE_DUP_SIG, 0},
	{"text\n\n" EM " a AAAAAAA=\nnot a signature\n", PDS_ATT_E_NOTE_SIG_LINE, 4},
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_notes) / sizeof(bad_notes[0]); i++) {
		const struct bad_note *b = &bad_notes[i];
		struct pds_note *n = NULL;
		struct atu_diags d;
		int err;

		atu_diags_init(&d);
		err = pds_note_parse(b->text, strlen(b->text), "bad.note", &d.sink, &n);
		if (b->line == 0) {
			/* "a" and "b" differ: the blank line makes "a" part of the text. */
			CU_ASSERT_EQUAL(err, 0);
			pds_note_free(n);
			continue;
		}
		if (err != b->code || d.last_line != b->line)
			fprintf(stderr, "case %zu: code %d line %u (%s)\n", i, err, d.last_line,
				d.last_text);
		CU_ASSERT_EQUAL(err, b->code);
		CU_ASSERT_PTR_NULL(n);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_EQUAL(d.last_line, b->line);
		CU_ASSERT_STRING_EQUAL(d.last_rule, pds_att_rule(b->code));
		CU_ASSERT(strncmp(d.last_text, "bad.note:", 9) == 0);
	}
}

static void test_limits(void)
{
	struct pds_note *n = NULL;
	size_t big = PDS_NOTE_MAX_SIZE + 1;
	char *buf = malloc(big + 1);
	struct atu_diags d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, 'a', big);
	buf[big] = '\0';
	atu_diags_init(&d);
	CU_ASSERT_EQUAL(pds_note_parse(buf, big, "big", &d.sink, &n), PDS_ATT_E_NOTE_SIZE);
	CU_ASSERT_STRING_EQUAL(d.last_rule, "note/too-large");
	buf[PDS_NOTE_MAX_SIZE - 1] = '\n';
	CU_ASSERT_EQUAL(pds_note_new(buf, PDS_NOTE_MAX_SIZE, &n), PDS_ATT_E_NOTE_SIZE);
	CU_ASSERT_EQUAL(pds_note_new("no newline", 10, &n), PDS_ATT_E_NOTE_TEXT);
	CU_ASSERT_EQUAL(pds_note_new("", 0, &n), PDS_ATT_E_NOTE_TEXT);
	CU_ASSERT_EQUAL(pds_note_new("a\x01\n", 3, &n), PDS_ATT_E_NOTE_CONTROL);
	/* Text may hold blank lines; the last one separates the signatures. */
	CU_ASSERT_EQUAL_FATAL(pds_note_new("a\n\nb\n\n", 6, &n), 0);
	{
		struct pds_note_signer *s = atu_signer("k", PDS_NOTE_ED25519, 3);
		struct pds_note_verifier v;
		struct pds_note *back = NULL;
		char *enc = NULL;
		size_t len;

		pds_note_signer_public(s, &v);
		CU_ASSERT_EQUAL(pds_note_sign(n, s), 0);
		CU_ASSERT_EQUAL(pds_note_encode(n, &enc, &len), 0);
		CU_ASSERT_EQUAL_FATAL(pds_note_parse(enc, len, "n", NULL, &back), 0);
		CU_ASSERT_STRING_EQUAL(back->text, "a\n\nb\n\n");
		CU_ASSERT_EQUAL(pds_note_verify(back, &v, 1, 0, NULL), 0);
		pds_note_free(back);
		pds_note_signer_free(s);
		free(enc);
	}
	pds_note_free(n);
	free(buf);
}

/* The reference: libsodium's decoder, then the canonical spelling re-encoded. */
static int b64_reference(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n)
{
	const char *end = NULL;
	char again[64];

	if (len == 0 || len % 4 || len + 1 > sizeof(again) ||
	    sodium_base642bin(out, cap, s, len, NULL, n, &end, sodium_base64_VARIANT_ORIGINAL) ||
	    end != s + len)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, *n, sodium_base64_VARIANT_ORIGINAL);
	return strlen(again) == len && !memcmp(again, s, len) ? 0 : -1;
}

static void b64_compare(const char *s, size_t len, size_t cap, unsigned *agree)
{
	uint8_t a[32], b[32];
	size_t na = 99, nb = 99;
	int ra = att_b64_decode(s, len, a, cap, &na), rb = b64_reference(s, len, b, cap, &nb);

	CU_ASSERT_EQUAL(ra, rb);
	if (ra == 0 && rb == 0) {
		CU_ASSERT_EQUAL(na, nb);
		CU_ASSERT(na == nb && !memcmp(a, b, na));
	}
	*agree += ra == rb;
}

/* Strict base64 agrees with the reference on every short spelling. */
static void test_base64(void)
{
	static const char alpha[] = "AQgw/+=a9-\n";
	char s[24];
	unsigned agree = 0, accepted = 0;
	uint8_t bytes[16], out[16];
	size_t n;

	/* Every 4-character string over 11 characters, with 1, 2 and 3 bytes of room. */
	for (unsigned i = 0; i < 11 * 11 * 11 * 11; i++) {
		for (unsigned k = 0, v = i; k < 4; k++, v /= 11)
			s[k] = alpha[v % 11];
		for (size_t cap = 1; cap <= 3; cap++)
			b64_compare(s, 4, cap, &agree);
		accepted += att_b64_decode(s, 4, out, 3, &n) == 0;
	}
	CU_ASSERT_EQUAL(agree, 3 * 11 * 11 * 11 * 11);
	CU_ASSERT(accepted > 100);
	/* Random byte strings round-trip; changing one character is refused or decodes
	 * to other bytes, as the reference says. */
	for (unsigned r = 0; r < 3000; r++) {
		size_t len = r % 16, elen = att_b64_len(len);

		randombytes_buf(bytes, len);
		att_b64_encode(bytes, len, s);
		if (len == 0) {
			CU_ASSERT_EQUAL(att_b64_decode(s, 0, out, sizeof(out), &n), -1);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(att_b64_decode(s, elen, out, sizeof(out), &n), 0);
		CU_ASSERT(n == len && !memcmp(out, bytes, len));
		CU_ASSERT_EQUAL(att_b64_decode(s, elen, out, len - 1, &n), -1);
		s[r % elen] = alpha[r % 11];
		b64_compare(s, elen, sizeof(out), &agree);
		b64_compare(s, elen - 1, sizeof(out), &agree);
	}
}

/* Well-formed UTF-8 by the table of the Unicode standard (§3.9, Table 3-7). */
static size_t utf8_reference(const unsigned char *s, size_t len)
{
	static const struct {
		unsigned char lead_lo, lead_hi, lo, hi;
		size_t n;
	} t[] = {
		{0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
		{0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3},
		{0xee, 0xef, 0x80, 0xbf, 3}, {0xf0, 0xf0, 0x90, 0xbf, 4},
		{0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (s[0] < t[i].lead_lo || s[0] > t[i].lead_hi)
			continue;
		if (len < t[i].n || s[1] < t[i].lo || s[1] > t[i].hi)
			return 0;
		for (size_t k = 2; k < t[i].n; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return t[i].n;
	}
	return 0;
}

static int text_reference(const unsigned char *s, size_t len, size_t *bad)
{
	for (size_t i = 0, n; i < len; i += n) {
		*bad = i;
		if (s[i] < 0x80) {
			if (s[i] < 0x20 && s[i] != '\n')
				return PDS_ATT_E_NOTE_CONTROL;
			n = 1;
		} else if ((n = utf8_reference(s + i, len - i)) == 0) {
			return PDS_ATT_E_NOTE_UTF8;
		}
	}
	return 0;
}

/* Note text: every 1- and 2-byte string and random longer ones, against the table. */
static void test_text_check(void)
{
	static const unsigned char pick[] = {0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7f,
					     0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1,
					     0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
					     0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
	unsigned char s[8];
	unsigned agree = 0, total = 0;

	for (unsigned len = 1; len <= 5; len++) {
		unsigned count = len <= 2 ? (len == 1 ? 256 : 65536) : 60000;

		for (unsigned i = 0; i < count; i++) {
			size_t bad = 99, rbad = 99;
			int got, want;

			if (len == 1) {
				s[0] = (unsigned char)i;
			} else if (len == 2) {
				s[0] = (unsigned char)(i >> 8);
				s[1] = (unsigned char)i;
			} else {
				for (unsigned k = 0; k < len; k++)
					s[k] = pick[randombytes_uniform(sizeof(pick))];
			}
			got = att_check_text((const char *)s, len, &bad);
			want = text_reference(s, len, &rbad);
			total++;
			agree += got == want && (got == 0 || bad == rbad);
		}
	}
	CU_ASSERT_EQUAL(agree, total);
}

PDS_TEST_MAIN("attest signed notes", PDS_TEST(test_spec_vector),
	      PDS_TEST(test_go_sign_byte_for_byte), PDS_TEST(test_several_signers),
	      PDS_TEST(test_sign_and_verify_many), PDS_TEST(test_bit_flips),
	      PDS_TEST(test_truncations), PDS_TEST(test_malformed), PDS_TEST(test_limits),
	      PDS_TEST(test_base64), PDS_TEST(test_text_check))
