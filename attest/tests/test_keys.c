// SPDX-License-Identifier: MIT
/* Signed-note keys: published vectors, encodings, bit flips, truncations, key files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <pds/note.h>

#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

/* c2sp.org/signed-note example key (test-vectors.md). */
static const char spec_vkey[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
/* golang.org/x/mod/sumdb/note package documentation: a signer and its verifier. */
static const char go_skey[] =
	"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

static void test_spec_vkey(void)
{
	struct pds_note_verifier v;
	char buf[PDS_NOTE_KEY_MAX];
	uint32_t id;

	CU_ASSERT_EQUAL_FATAL(pds_note_verifier_parse(spec_vkey, strlen(spec_vkey), "k", NULL, &v),
			      0);
	CU_ASSERT_STRING_EQUAL(v.name, "example.com/foo");
	CU_ASSERT_EQUAL(v.id, 0x530d903au);
	CU_ASSERT_EQUAL(v.type, PDS_NOTE_ED25519);
	CU_ASSERT_EQUAL(pds_note_key_id(v.name, v.type, v.pub, &id), 0);
	CU_ASSERT_EQUAL(id, 0x530d903au);
	CU_ASSERT_EQUAL(pds_note_verifier_encode(&v, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, spec_vkey);
}

static void test_go_signer(void)
{
	struct pds_note_signer *s = NULL;
	struct pds_note_verifier pub, v;
	char buf[PDS_NOTE_KEY_MAX];

	CU_ASSERT_EQUAL_FATAL(pds_note_signer_parse(go_skey, strlen(go_skey), "k", NULL, &s), 0);
	pds_note_signer_public(s, &pub);
	CU_ASSERT_EQUAL_FATAL(pds_note_verifier_parse(go_vkey, strlen(go_vkey), "k", NULL, &v), 0);
	CU_ASSERT_EQUAL(memcmp(pub.pub, v.pub, 32), 0);
	CU_ASSERT_EQUAL(pub.id, 0xc74f20a3u);
	CU_ASSERT_EQUAL(pds_note_signer_encode(s, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, go_skey);
	CU_ASSERT_EQUAL(pds_note_verifier_encode(&pub, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, go_vkey);
	/* One final newline is the file form; a second is not. */
	snprintf(buf, sizeof(buf), "%s\n", go_vkey);
	CU_ASSERT_EQUAL(pds_note_verifier_parse(buf, strlen(buf), "k", NULL, &v), 0);
	snprintf(buf, sizeof(buf), "%s\n\n", go_vkey);
	CU_ASSERT_EQUAL(pds_note_verifier_parse(buf, strlen(buf), "k", NULL, &v),
			PDS_ATT_E_KEY_SYNTAX);
	pds_note_signer_free(s);
}

/* Which codes a flip at offset off of "name+id+key" may produce. */
static int flip_code_ok(const char *key, int signer, size_t off, int err)
{
	const char *p1 = strchr(key, '+'), *p2 = strchr(p1 + 1, '+');
	size_t id_at = (size_t)(p1 - key) + 1, key_at = (size_t)(p2 - key) + 1;

	if (signer) { /* skip "PRIVATE+KEY+" */
		p1 = strchr(key + 12, '+');
		p2 = strchr(p1 + 1, '+');
		id_at = (size_t)(p1 - key) + 1;
		key_at = (size_t)(p2 - key) + 1;
		if (off < 12)
			return err == PDS_ATT_E_KEY_SYNTAX;
	}
	if (off < id_at)
		return err == PDS_ATT_E_KEY_ID || err == PDS_ATT_E_KEY_NAME ||
		       err == PDS_ATT_E_KEY_SYNTAX;
	if (off < key_at)
		return err == PDS_ATT_E_KEY_ID || err == PDS_ATT_E_KEY_SYNTAX;
	return err == PDS_ATT_E_KEY_ID || err == PDS_ATT_E_KEY_SYNTAX || err == PDS_ATT_E_KEY_TYPE;
}

static void flip_all(const char *key, int signer)
{
	size_t len = strlen(key), refused = 0, wrong = 0;
	char *buf = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			struct pds_note_verifier v;
			struct pds_note_signer *s = NULL;
			int err;

			memcpy(buf, key, len + 1);
			buf[i] ^= (char)(1 << bit);
			err = signer ? pds_note_signer_parse(buf, len, "k", NULL, &s)
				     : pds_note_verifier_parse(buf, len, "k", NULL, &v);
			pds_note_signer_free(s);
			refused += err != 0;
			if (!flip_code_ok(key, signer, i, err)) {
				wrong++;
				fprintf(stderr, "flip %zu.%d: code %d\n", i, bit, err);
			}
		}
	CU_ASSERT_EQUAL(refused, len * 8);
	CU_ASSERT_EQUAL(wrong, 0);
	free(buf);
}

static void test_vkey_bit_flips(void)
{
	flip_all(spec_vkey, 0);
	flip_all(go_vkey, 0);
}

static void test_skey_bit_flips(void)
{
	flip_all(go_skey, 1);
}

static void test_truncations(void)
{
	struct pds_note_verifier v;
	struct pds_note_signer *s = NULL;

	for (size_t n = 0; n < strlen(spec_vkey); n++) {
		int err = pds_note_verifier_parse(spec_vkey, n, "k", NULL, &v);

		CU_ASSERT(err == PDS_ATT_E_KEY_SYNTAX || err == PDS_ATT_E_KEY_NAME);
	}
	for (size_t n = 0; n < strlen(go_skey); n++) {
		int err = pds_note_signer_parse(go_skey, n, "k", NULL, &s);

		CU_ASSERT(err == PDS_ATT_E_KEY_SYNTAX || err == PDS_ATT_E_KEY_NAME);
		CU_ASSERT_PTR_NULL(s);
	}
}

struct bad_key {
	const char *text;
	int code;
};

/* Malformed keys, each breaking one rule; the same cases seed fuzz_note's corpus. */
static const struct bad_key bad_keys[] = {
	{"", PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo", PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903a", PDS_ATT_E_KEY_SYNTAX},
	{"+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", PDS_ATT_E_KEY_NAME},
	{"exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", PDS_ATT_E_KEY_NAME},
	{"example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	 PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	 PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", PDS_ATT_E_KEY_ID},
	{"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l", PDS_ATT_E_KEY_ID},
	{"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
	 PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k=",
	 PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903a+A*kyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	 PDS_ATT_E_KEY_SYNTAX},
	{"example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	 PDS_ATT_E_KEY_TYPE},
	{"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k ",
	 PDS_ATT_E_KEY_SYNTAX},
	{"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	 PDS_ATT_E_KEY_SYNTAX},
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		struct atu_diags d;
		struct pds_note_verifier v;
		int err;

		atu_diags_init(&d);
		err = pds_note_verifier_parse(bad_keys[i].text, strlen(bad_keys[i].text), "bad.pub",
					      &d.sink, &v);
		if (err != bad_keys[i].code)
			fprintf(stderr, "case %zu: got %d want %d\n", i, err, bad_keys[i].code);
		CU_ASSERT_EQUAL(err, bad_keys[i].code);
		CU_ASSERT_EQUAL(d.count, 1);
		CU_ASSERT_EQUAL(d.last_code, err);
		CU_ASSERT_STRING_EQUAL(d.last_rule, pds_att_rule(err));
		CU_ASSERT(strncmp(d.last_text, "bad.pub:1:", 10) == 0);
	}
}

static void test_cosigner_key(void)
{
	struct pds_note_signer *s = atu_signer("witness.example/w1", PDS_NOTE_COSIGNATURE, 7);
	struct pds_note_verifier pub, v;
	char buf[PDS_NOTE_KEY_MAX];
	uint32_t id1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	pds_note_signer_public(s, &pub);
	CU_ASSERT_EQUAL(pub.type, PDS_NOTE_COSIGNATURE);
	/* The type byte takes part in the key id: same key, type 0x01, other id. */
	CU_ASSERT_EQUAL(pds_note_key_id(pub.name, PDS_NOTE_ED25519, pub.pub, &id1), 0);
	CU_ASSERT_NOT_EQUAL(id1, pub.id);
	CU_ASSERT_EQUAL(pds_note_verifier_encode(&pub, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(pds_note_verifier_parse(buf, strlen(buf), "k", NULL, &v), 0);
	CU_ASSERT_EQUAL(memcmp(&v, &pub, sizeof(v)), 0);
	pds_note_signer_free(s);
	CU_ASSERT_EQUAL(pds_note_signer_generate("a", 0x02, &s), PDS_ATT_E_KEY_TYPE);
	CU_ASSERT_EQUAL(pds_note_signer_generate("a+b", 0x01, &s), PDS_ATT_E_KEY_NAME);
	CU_ASSERT_EQUAL(pds_note_signer_generate("", 0x01, &s), PDS_ATT_E_KEY_NAME);
	CU_ASSERT_EQUAL(pds_note_signer_generate("a\xc2\xa0"
						 "b",
						 0x01, &s),
			PDS_ATT_E_KEY_NAME);
}

static void test_key_files(void)
{
	char *dir = atu_tmpdir(), skey[4200], vkey[4200];
	struct pds_note_signer *s = NULL, *back = NULL, *other = NULL;
	struct pds_note_verifier pub, v;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(skey, sizeof(skey), "%s/k.key", dir);
	snprintf(vkey, sizeof(vkey), "%s/k.pub", dir);
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_generate("pds.example/v1", 1, &s), 0);
	CU_ASSERT_EQUAL(pds_note_signer_write(s, skey), 0);
	CU_ASSERT_EQUAL(stat(skey, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	pds_note_signer_public(s, &pub);
	CU_ASSERT_EQUAL(pds_note_verifier_write(&pub, vkey), 0);
	/* Never overwrite: a second key under the same name is refused, the first kept. */
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_generate("pds.example/v1", 1, &other), 0);
	CU_ASSERT_EQUAL(pds_note_signer_write(other, skey), PDS_ATT_E_EXISTS);
	CU_ASSERT_EQUAL(pds_note_verifier_write(&pub, vkey), PDS_ATT_E_EXISTS);
	CU_ASSERT_EQUAL(pds_note_signer_load(skey, NULL, &back), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	pds_note_signer_public(back, &v);
	CU_ASSERT_EQUAL(memcmp(&v, &pub, sizeof(v)), 0);
	CU_ASSERT_EQUAL(pds_note_verifier_load(vkey, NULL, &v), 0);
	CU_ASSERT_EQUAL(memcmp(&v, &pub, sizeof(v)), 0);
	/* Two random keys differ. */
	pds_note_signer_public(other, &v);
	CU_ASSERT_NOT_EQUAL(memcmp(v.pub, pub.pub, 32), 0);
	/* Loading the public file as a signer, or a missing file, fails. */
	CU_ASSERT_EQUAL(pds_note_signer_load(vkey, NULL, &back), PDS_ATT_E_KEY_SYNTAX);
	CU_ASSERT_EQUAL(pds_note_signer_load("/nonexistent/k.key", NULL, &back), PDS_ATT_E_IO);
	pds_note_signer_free(s);
	pds_note_signer_free(other);
	pds_note_signer_free(back);
	atu_rmdir(dir);
	free(dir);
}

/* Runs pds-keygen with opts, then -o dir and the quoted name; returns its exit status. */
static int run(const char *opts, const char *dir, const char *name)
{
	char cmd[8192];
	int st;

	snprintf(cmd, sizeof(cmd), "%s/bin/pds-keygen %s -o %s '%s' >/dev/null 2>&1",
		 getenv("PDS_TEST_BUILD_DIR"), opts, dir, name);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* pds-keygen: both files, modes, a matching pair, no overwrite, exit codes. */
static void test_keygen_tool(void)
{
	char *dir = atu_tmpdir(), path[4200];
	struct pds_note_signer *s = NULL;
	struct pds_note_verifier pub, v;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	if (!getenv("PDS_TEST_BUILD_DIR")) {
		CU_FAIL("PDS_TEST_BUILD_DIR not set");
		return;
	}
	CU_ASSERT_EQUAL(run("", dir, "example.com/log"), 0);
	snprintf(path, sizeof(path), "%s/example.com_log.key", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_load(path, NULL, &s), 0);
	pds_note_signer_public(s, &pub);
	snprintf(path, sizeof(path), "%s/example.com_log.pub", dir);
	CU_ASSERT_EQUAL(pds_note_verifier_load(path, NULL, &v), 0);
	CU_ASSERT_EQUAL(memcmp(&v, &pub, sizeof(v)), 0);
	CU_ASSERT_STRING_EQUAL(v.name, "example.com/log");
	CU_ASSERT_EQUAL(run("", dir, "example.com/log"), 1);
	pds_note_signer_free(s);
	s = NULL;
	/* The first key is still there, unchanged. */
	snprintf(path, sizeof(path), "%s/example.com_log.key", dir);
	CU_ASSERT_EQUAL_FATAL(pds_note_signer_load(path, NULL, &s), 0);
	pds_note_signer_public(s, &v);
	CU_ASSERT_EQUAL(memcmp(&v, &pub, sizeof(v)), 0);
	CU_ASSERT_EQUAL(run("", dir, "bad+name"), 2);
	CU_ASSERT_EQUAL(run("-c", dir, "w.example/w"), 0);
	snprintf(path, sizeof(path), "%s/w.example_w.pub", dir);
	CU_ASSERT_EQUAL(pds_note_verifier_load(path, NULL, &v), 0);
	CU_ASSERT_EQUAL(v.type, PDS_NOTE_COSIGNATURE);
	pds_note_signer_free(s);
	atu_rmdir(dir);
	free(dir);
}

PDS_TEST_MAIN("attest keys", PDS_TEST(test_spec_vkey), PDS_TEST(test_go_signer),
	      PDS_TEST(test_vkey_bit_flips), PDS_TEST(test_skey_bit_flips),
	      PDS_TEST(test_truncations), PDS_TEST(test_malformed), PDS_TEST(test_cosigner_key),
	      PDS_TEST(test_key_files), PDS_TEST(test_keygen_tool))
