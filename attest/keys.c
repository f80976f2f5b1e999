// SPDX-License-Identifier: MIT
/*
 * Signed-note keys (c2sp.org/signed-note, "Signatures" and "Ed25519
 * signatures"; the vkey and skey encodings of docs/formats.md §1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/note.h>

#include "attest/att_fmt.h"
#include "attest/note_internal.h"

#define SIGNER_PREFIX "PRIVATE+KEY+"
#define KEY_B64_LEN 44 /* base64 of type byte + 32 key bytes */

/* Seed then the libsodium secret key (seed || public key), in sodium_malloc memory. */
struct secret {
	uint8_t seed[crypto_sign_SEEDBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

struct pds_note_signer {
	struct pds_note_verifier pub;
	struct secret *secret;
};

static int type_supported(uint8_t type)
{
	return type == PDS_NOTE_ED25519 || type == PDS_NOTE_COSIGNATURE;
}

PDS_API int pds_note_key_id(const char *name, uint8_t type, const uint8_t pub[32], uint32_t *id)
{
	crypto_hash_sha256_state st;
	uint8_t hash[crypto_hash_sha256_BYTES];
	const uint8_t sep[2] = {'\n', type};

	if (!name || !pub || !id)
		return PDS_ATT_E_INVAL;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, sizeof(sep));
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, hash);
	*id = att_be32(hash);
	return 0;
}

static int signer_alloc(const char *name, uint8_t type, struct pds_note_signer **out)
{
	struct pds_note_signer *s;
	size_t len = name ? strlen(name) : 0;

	if (!name || !out)
		return PDS_ATT_E_INVAL;
	if (att_check_name(name, len))
		return PDS_ATT_E_KEY_NAME;
	if (!type_supported(type))
		return PDS_ATT_E_KEY_TYPE;
	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	s = calloc(1, sizeof(*s));
	if (!s)
		return PDS_ATT_E_NOMEM;
	s->secret = sodium_malloc(sizeof(*s->secret));
	if (!s->secret) {
		free(s);
		return PDS_ATT_E_NOMEM;
	}
	memcpy(s->pub.name, name, len + 1);
	s->pub.type = type;
	*out = s;
	return 0;
}

/* Derives the key pair and id from s->secret->seed. */
static int signer_derive(struct pds_note_signer *s)
{
	if (crypto_sign_seed_keypair(s->pub.pub, s->secret->sk, s->secret->seed))
		return PDS_ATT_E_CRYPTO;
	return pds_note_key_id(s->pub.name, s->pub.type, s->pub.pub, &s->pub.id);
}

PDS_API int pds_note_signer_from_seed(const char *name, uint8_t type, const uint8_t seed[32],
				      struct pds_note_signer **out)
{
	struct pds_note_signer *s;
	int err;

	if (!seed)
		return PDS_ATT_E_INVAL;
	err = signer_alloc(name, type, &s);
	if (err)
		return err;
	memcpy(s->secret->seed, seed, sizeof(s->secret->seed));
	err = signer_derive(s);
	if (err) {
		pds_note_signer_free(s);
		return err;
	}
	*out = s;
	return 0;
}

PDS_API int pds_note_signer_generate(const char *name, uint8_t type, struct pds_note_signer **out)
{
	struct pds_note_signer *s;
	int err;

	err = signer_alloc(name, type, &s);
	if (err)
		return err;
	randombytes_buf(s->secret->seed, sizeof(s->secret->seed));
	err = signer_derive(s);
	if (err) {
		pds_note_signer_free(s);
		return err;
	}
	*out = s;
	return 0;
}

PDS_API void pds_note_signer_free(struct pds_note_signer *s)
{
	if (!s)
		return;
	sodium_free(s->secret); /* wipes before unmapping */
	free(s);
}

PDS_API void pds_note_signer_public(const struct pds_note_signer *s, struct pds_note_verifier *out)
{
	*out = s->pub;
}

const struct pds_note_verifier *att_signer_key(const struct pds_note_signer *s)
{
	return &s->pub;
}

int att_signer_sign(const struct pds_note_signer *s, const uint8_t *msg, size_t len,
		    uint8_t sig[64])
{
	if (crypto_sign_detached(sig, NULL, msg, len, s->secret->sk))
		return PDS_ATT_E_CRYPTO;
	return 0;
}

/* "<name>+<id>+<base64(type || key)>" into buf; key is public or seed. */
static int key_encode(const char *prefix, const struct pds_note_verifier *v, const uint8_t *key,
		      char *buf, size_t size)
{
	uint8_t raw[33];
	char b64[KEY_B64_LEN + 1];
	size_t nlen = strlen(v->name);
	int n;

	if (!buf || size < PDS_NOTE_KEY_MAX)
		return PDS_ATT_E_INVAL;
	if (att_check_name(v->name, nlen))
		return PDS_ATT_E_KEY_NAME;
	if (!type_supported(v->type))
		return PDS_ATT_E_KEY_TYPE;
	raw[0] = v->type;
	memcpy(raw + 1, key, 32);
	att_b64_encode(raw, sizeof(raw), b64);
	sodium_memzero(raw, sizeof(raw));
	n = snprintf(buf, size, "%s%s+%08x+%s", prefix, v->name, (unsigned)v->id, b64);
	sodium_memzero(b64, sizeof(b64));
	return n > 0 && (size_t)n < size ? 0 : PDS_ATT_E_INVAL;
}

PDS_API int pds_note_signer_encode(const struct pds_note_signer *s, char *buf, size_t size)
{
	if (!s)
		return PDS_ATT_E_INVAL;
	return key_encode(SIGNER_PREFIX, &s->pub, s->secret->seed, buf, size);
}

PDS_API int pds_note_verifier_encode(const struct pds_note_verifier *v, char *buf, size_t size)
{
	if (!v)
		return PDS_ATT_E_INVAL;
	return key_encode("", v, v->pub, buf, size);
}

/*
 * Splits "<name>+<id>+<base64>" (the part after any prefix): checks the name,
 * the 8 lowercase hex digits of the id and decodes type || key into raw.
 */
static int key_fields(const struct att_src *src, size_t start, struct pds_note_verifier *v,
		      uint8_t raw[33])
{
	const char *p = src->buf + start, *end = src->buf + src->len;
	const char *plus1 = memchr(p, '+', (size_t)(end - p)), *plus2;
	uint8_t id[4];
	size_t n;

	if (!plus1)
		return att_err(src, start, PDS_ATT_E_KEY_SYNTAX, "key has no '+' after its name");
	plus2 = memchr(plus1 + 1, '+', (size_t)(end - plus1 - 1));
	if (!plus2)
		return att_err(src, (size_t)(plus1 + 1 - src->buf), PDS_ATT_E_KEY_SYNTAX,
			       "key has no '+' after its key id");
	if (att_check_name(p, (size_t)(plus1 - p)))
		return att_err(src, start, PDS_ATT_E_KEY_NAME, "bad key name");
	if (att_parse_hex(plus1 + 1, (size_t)(plus2 - plus1 - 1), id, sizeof(id)))
		return att_err(src, (size_t)(plus1 + 1 - src->buf), PDS_ATT_E_KEY_SYNTAX,
			       "key id is not 8 lowercase hex digits");
	if ((size_t)(end - plus2 - 1) != KEY_B64_LEN ||
	    att_b64_decode(plus2 + 1, KEY_B64_LEN, raw, 33, &n) || n != 33)
		return att_err(src, (size_t)(plus2 + 1 - src->buf), PDS_ATT_E_KEY_SYNTAX,
			       "key material is not canonical base64 of 33 bytes");
	if (!type_supported(raw[0]))
		return att_err(src, (size_t)(plus2 + 1 - src->buf), PDS_ATT_E_KEY_TYPE,
			       "signature type 0x%02x is not supported", raw[0]);
	memcpy(v->name, p, (size_t)(plus1 - p));
	v->name[plus1 - p] = '\0';
	v->id = att_be32(id);
	v->type = raw[0];
	return 0;
}

/* A key file holds one line: one final newline is allowed and dropped. */
static size_t key_text_len(const char *text, size_t len)
{
	return len && text[len - 1] == '\n' ? len - 1 : len;
}

/* off: where the key id starts in src, for the diagnostic. */
static int check_id(const struct att_src *src, size_t off, const struct pds_note_verifier *v)
{
	uint32_t id;
	int err = pds_note_key_id(v->name, v->type, v->pub, &id);

	if (err)
		return err;
	if (id != v->id)
		return att_err(src, off, PDS_ATT_E_KEY_ID,
			       "key id %08x does not match the key (%08x)", (unsigned)v->id,
			       (unsigned)id);
	return 0;
}

PDS_API int pds_note_verifier_parse(const char *text, size_t len, const char *file,
				    const struct pds_att_diag_sink *sink,
				    struct pds_note_verifier *out)
{
	struct att_src src = {file, text, 0, sink};
	struct pds_note_verifier v = {0};
	uint8_t raw[33];
	int err;

	if (!text || !out)
		return PDS_ATT_E_INVAL;
	src.len = key_text_len(text, len);
	if (src.len >= PDS_NOTE_KEY_MAX || memchr(text, '\n', src.len))
		return att_err(&src, 0, PDS_ATT_E_KEY_SYNTAX, "a key is one line");
	if (src.len >= 12 && memcmp(text, SIGNER_PREFIX, 12) == 0)
		return att_err(&src, 0, PDS_ATT_E_KEY_SYNTAX,
			       "this is a signer (private) key, not a verifier key");
	err = key_fields(&src, 0, &v, raw);
	if (err)
		return err;
	memcpy(v.pub, raw + 1, 32);
	err = check_id(&src, strlen(v.name) + 1, &v);
	if (err)
		return err;
	*out = v;
	return 0;
}

PDS_API int pds_note_signer_parse(const char *text, size_t len, const char *file,
				  const struct pds_att_diag_sink *sink,
				  struct pds_note_signer **out)
{
	struct att_src src = {file, text, 0, sink};
	struct pds_note_signer *s = NULL;
	struct pds_note_verifier v = {0};
	uint8_t *raw = NULL;
	int err;

	if (!text || !out)
		return PDS_ATT_E_INVAL;
	src.len = key_text_len(text, len);
	if (src.len >= PDS_NOTE_KEY_MAX || memchr(text, '\n', src.len))
		return att_err(&src, 0, PDS_ATT_E_KEY_SYNTAX, "a key is one line");
	if (src.len < 12 || memcmp(text, SIGNER_PREFIX, 12) != 0)
		return att_err(&src, 0, PDS_ATT_E_KEY_SYNTAX, "signer key must start with %s",
			       SIGNER_PREFIX);
	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	raw = sodium_malloc(33);
	if (!raw)
		return PDS_ATT_E_NOMEM;
	err = key_fields(&src, 12, &v, raw);
	if (err)
		goto out;
	err = pds_note_signer_from_seed(v.name, v.type, raw + 1, &s);
	if (err)
		goto out;
	if (s->pub.id != v.id) {
		err = att_err(&src, 13 + strlen(v.name), PDS_ATT_E_KEY_ID,
			      "key id %08x does not match the key", (unsigned)v.id);
		goto out;
	}
	*out = s;
	s = NULL;
out:
	pds_note_signer_free(s);
	sodium_free(raw);
	return err;
}

/* Reads at most max bytes of path into buf; sets *len. */
static int read_small(const char *path, char *buf, size_t max, size_t *len)
{
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return PDS_ATT_E_IO;
	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return PDS_ATT_E_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return 0;
}

PDS_API int pds_note_signer_load(const char *path, const struct pds_att_diag_sink *sink,
				 struct pds_note_signer **out)
{
	char *buf;
	size_t len = 0;
	int err;

	if (!path || !out)
		return PDS_ATT_E_INVAL;
	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	buf = sodium_malloc(PDS_NOTE_KEY_MAX + 1);
	if (!buf)
		return PDS_ATT_E_NOMEM;
	err = read_small(path, buf, PDS_NOTE_KEY_MAX + 1, &len);
	if (!err)
		err = pds_note_signer_parse(buf, len, path, sink, out);
	sodium_free(buf);
	return err;
}

PDS_API int pds_note_verifier_load(const char *path, const struct pds_att_diag_sink *sink,
				   struct pds_note_verifier *out)
{
	char buf[PDS_NOTE_KEY_MAX + 1];
	size_t len = 0;
	int err;

	if (!path || !out)
		return PDS_ATT_E_INVAL;
	err = read_small(path, buf, sizeof(buf), &len);
	if (err)
		return err;
	return pds_note_verifier_parse(buf, len, path, sink, out);
}

PDS_API int pds_note_signer_write(const struct pds_note_signer *s, const char *path)
{
	char *buf;
	int err;

	if (!s || !path)
		return PDS_ATT_E_INVAL;
	buf = sodium_malloc(PDS_NOTE_KEY_MAX + 1);
	if (!buf)
		return PDS_ATT_E_NOMEM;
	err = pds_note_signer_encode(s, buf, PDS_NOTE_KEY_MAX);
	if (!err) {
		size_t n = strlen(buf);

		buf[n] = '\n';
		err = att_create_file(path, buf, n + 1, 0600);
	}
	sodium_free(buf);
	return err;
}

PDS_API int pds_note_verifier_write(const struct pds_note_verifier *v, const char *path)
{
	char buf[PDS_NOTE_KEY_MAX + 1];
	int err;

	if (!v || !path)
		return PDS_ATT_E_INVAL;
	err = pds_note_verifier_encode(v, buf, PDS_NOTE_KEY_MAX);
	if (err)
		return err;
	strcat(buf, "\n");
	return att_create_file(path, buf, strlen(buf), 0644);
}
