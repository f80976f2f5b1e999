// SPDX-License-Identifier: MIT
/*
 * Signed notes (c2sp.org/signed-note, "Format" and "Signatures"): parsing with
 * every rule of the spec, signing, encoding and verification against a set of
 * known keys.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/note.h>

#include "attest/att_fmt.h"
#include "attest/note_internal.h"

/* U+2014 EM DASH then a space: the start of every signature line. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN 4

static void sig_release(struct pds_note_sig *s)
{
	free(s->name);
	free(s->sig);
}

PDS_API void pds_note_free(struct pds_note *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->sig_count; i++)
		sig_release(&n->sigs[i]);
	free(n->sigs);
	free(n->text);
	free(n);
}

/* Bytes of one encoded signature line. */
static size_t sig_line_len(const struct pds_note_sig *s)
{
	return SIG_PREFIX_LEN + strlen(s->name) + 1 + att_b64_len(4 + s->sig_len) + 1;
}

static size_t note_encoded_len(const struct pds_note *n)
{
	size_t len = n->text_len + 1;

	for (size_t i = 0; i < n->sig_count; i++)
		len += sig_line_len(&n->sigs[i]);
	return len;
}

static int text_ok(const char *text, size_t len)
{
	size_t bad;

	if (len == 0 || text[len - 1] != '\n')
		return PDS_ATT_E_NOTE_TEXT;
	if (len + 1 > PDS_NOTE_MAX_SIZE)
		return PDS_ATT_E_NOTE_SIZE;
	return att_check_text(text, len, &bad);
}

static int note_alloc(const char *text, size_t len, struct pds_note **out)
{
	struct pds_note *n = calloc(1, sizeof(*n));

	if (!n)
		return PDS_ATT_E_NOMEM;
	n->text = malloc(len + 1);
	if (!n->text) {
		free(n);
		return PDS_ATT_E_NOMEM;
	}
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->text_len = len;
	*out = n;
	return 0;
}

PDS_API int pds_note_new(const char *text, size_t len, struct pds_note **out)
{
	int err;

	if (!text || !out)
		return PDS_ATT_E_INVAL;
	err = text_ok(text, len);
	if (err)
		return err;
	return note_alloc(text, len, out);
}

static const struct pds_note_sig *find_sig(const struct pds_note *n, const char *name,
					   size_t name_len, uint32_t id)
{
	for (size_t i = 0; i < n->sig_count; i++) {
		const struct pds_note_sig *s = &n->sigs[i];

		if (s->id == id && strlen(s->name) == name_len && !memcmp(s->name, name, name_len))
			return s;
	}
	return NULL;
}

/* Appends a signature; name is validated by the caller. */
static int push_sig(struct pds_note *n, const char *name, size_t name_len, uint32_t id,
		    const uint8_t *sig, size_t sig_len)
{
	struct pds_note_sig *sigs, *s;

	if (n->sig_count >= PDS_NOTE_MAX_SIGS)
		return PDS_ATT_E_NOTE_SIZE;
	if (find_sig(n, name, name_len, id))
		return PDS_ATT_E_NOTE_DUP_SIG;
	sigs = realloc(n->sigs, (n->sig_count + 1) * sizeof(*sigs));
	if (!sigs)
		return PDS_ATT_E_NOMEM;
	n->sigs = sigs;
	s = &sigs[n->sig_count];
	s->name = malloc(name_len + 1);
	s->sig = malloc(sig_len);
	if (!s->name || !s->sig) {
		sig_release(s);
		return PDS_ATT_E_NOMEM;
	}
	memcpy(s->name, name, name_len);
	s->name[name_len] = '\0';
	memcpy(s->sig, sig, sig_len);
	s->id = id;
	s->sig_len = sig_len;
	n->sig_count++;
	return 0;
}

int att_note_add_sig(struct pds_note *n, const struct pds_note_verifier *key, const uint8_t *sig,
		     size_t sig_len)
{
	size_t name_len = strlen(key->name);
	size_t line = SIG_PREFIX_LEN + name_len + 1 + att_b64_len(4 + sig_len) + 1;
	int err;

	if (att_check_name(key->name, name_len))
		return PDS_ATT_E_KEY_NAME;
	if (sig_len == 0 || sig_len > PDS_NOTE_MAX_SIG_BYTES)
		return PDS_ATT_E_INVAL;
	if (note_encoded_len(n) + line > PDS_NOTE_MAX_SIZE)
		return PDS_ATT_E_NOTE_SIZE;
	err = push_sig(n, key->name, name_len, key->id, sig, sig_len);
	return err;
}

PDS_API int pds_note_sign(struct pds_note *n, const struct pds_note_signer *s)
{
	const struct pds_note_verifier *key;
	uint8_t sig[crypto_sign_BYTES];
	int err;

	if (!n || !s)
		return PDS_ATT_E_INVAL;
	key = att_signer_key(s);
	/* A cosignature key signs a different message (checkpoint.h). */
	if (key->type != PDS_NOTE_ED25519)
		return PDS_ATT_E_KEY_TYPE;
	err = att_signer_sign(s, (const uint8_t *)n->text, n->text_len, sig);
	if (err)
		return err;
	return att_note_add_sig(n, key, sig, sizeof(sig));
}

PDS_API int pds_note_encode(const struct pds_note *n, char **out, size_t *len)
{
	struct att_buf b = {0};

	if (!n || !out)
		return PDS_ATT_E_INVAL;
	att_buf_add(&b, n->text, n->text_len);
	att_buf_add(&b, "\n", 1);
	for (size_t i = 0; i < n->sig_count; i++) {
		const struct pds_note_sig *s = &n->sigs[i];
		size_t raw_len = 4 + s->sig_len;
		uint8_t *raw = malloc(raw_len);
		char *b64 = malloc(att_b64_len(raw_len) + 1);

		if (!raw || !b64) {
			free(raw);
			free(b64);
			b.err = PDS_ATT_E_NOMEM;
			break;
		}
		att_put_be32(raw, s->id);
		memcpy(raw + 4, s->sig, s->sig_len);
		att_b64_encode(raw, raw_len, b64);
		att_buf_add(&b, sig_prefix, SIG_PREFIX_LEN);
		att_buf_str(&b, s->name);
		att_buf_add(&b, " ", 1);
		att_buf_str(&b, b64);
		att_buf_add(&b, "\n", 1);
		free(raw);
		free(b64);
	}
	return att_buf_finish(&b, out, len);
}

/* Parses one signature line [off, eol) (eol points at its newline) into n. */
static int parse_sig_line(const struct att_src *src, size_t off, size_t eol, struct pds_note *n,
			  uint8_t *raw)
{
	const char *line = src->buf + off, *sp, *b64;
	size_t len = eol - off, name_len, b64_len, raw_len;
	uint32_t id;
	int err;

	if (len < SIG_PREFIX_LEN || memcmp(line, sig_prefix, SIG_PREFIX_LEN))
		return att_err(src, off, PDS_ATT_E_NOTE_SIG_LINE,
			       "signature line must start with U+2014 and a space");
	sp = memchr(line + SIG_PREFIX_LEN, ' ', len - SIG_PREFIX_LEN);
	if (!sp)
		return att_err(src, off + SIG_PREFIX_LEN, PDS_ATT_E_NOTE_SIG_LINE,
			       "signature line has no space between key name and signature");
	name_len = (size_t)(sp - line) - SIG_PREFIX_LEN;
	if (att_check_name(line + SIG_PREFIX_LEN, name_len))
		return att_err(src, off + SIG_PREFIX_LEN, PDS_ATT_E_NOTE_SIG_LINE,
			       "key name is empty, too long, or has a space or '+'");
	b64 = sp + 1;
	b64_len = (size_t)(line + len - b64);
	if (att_b64_decode(b64, b64_len, raw, 4 + PDS_NOTE_MAX_SIG_BYTES, &raw_len) || raw_len < 5)
		return att_err(src, (size_t)(b64 - src->buf), PDS_ATT_E_NOTE_SIG_LINE,
			       "signature is not canonical base64 of a key id and signature");
	id = att_be32(raw);
	err = push_sig(n, line + SIG_PREFIX_LEN, name_len, id, raw + 4, raw_len - 4);
	if (err == PDS_ATT_E_NOTE_DUP_SIG)
		return att_err(src, off, err, "second signature by key %.*s+%08x", (int)name_len,
			       line + SIG_PREFIX_LEN, (unsigned)id);
	if (err == PDS_ATT_E_NOTE_SIZE)
		return att_err(src, off, err, "more than %u signatures", PDS_NOTE_MAX_SIGS);
	return err;
}

/* Index of the last "\n\n" in buf, or len if none. */
static size_t last_blank_line(const char *buf, size_t len)
{
	for (size_t i = len; i >= 2; i--)
		if (buf[i - 1] == '\n' && buf[i - 2] == '\n')
			return i - 2;
	return len;
}

static int parse_sigs(const struct att_src *src, size_t off, struct pds_note *n)
{
	uint8_t *raw = malloc(4 + PDS_NOTE_MAX_SIG_BYTES);
	int err = 0;

	if (!raw)
		return PDS_ATT_E_NOMEM;
	if (src->buf[src->len - 1] != '\n') {
		err = att_err(src, src->len, PDS_ATT_E_NOTE_SIG_LINE,
			      "last signature line does not end with a newline");
		goto out;
	}
	while (off < src->len && !err) {
		const char *nl = memchr(src->buf + off, '\n', src->len - off);
		size_t eol = (size_t)(nl - src->buf);

		err = parse_sig_line(src, off, eol, n, raw);
		off = eol + 1;
	}
out:
	free(raw);
	return err;
}

PDS_API int pds_note_parse(const char *buf, size_t len, const char *file,
			   const struct pds_att_diag_sink *sink, struct pds_note **out)
{
	struct att_src src = {file, buf, len, sink};
	struct pds_note *n = NULL;
	size_t split, bad;
	int err;

	if (!buf || !out)
		return PDS_ATT_E_INVAL;
	if (len > PDS_NOTE_MAX_SIZE)
		return att_err(&src, 0, PDS_ATT_E_NOTE_SIZE, "note larger than %u bytes",
			       PDS_NOTE_MAX_SIZE);
	err = att_check_text(buf, len, &bad);
	if (err)
		return att_err(&src, bad, err, "%s",
			       err == PDS_ATT_E_NOTE_UTF8 ? "invalid UTF-8"
							  : "control character in note");
	/* The text ends at the last blank line (signed-note, Format). */
	split = last_blank_line(buf, len);
	if (split >= len || split + 2 == len)
		return att_err(&src, len, PDS_ATT_E_NOTE_NO_SIGS,
			       "no blank line followed by signature lines");
	err = note_alloc(buf, split + 1, &n);
	if (err)
		return err;
	err = parse_sigs(&src, split + 2, n);
	if (err) {
		pds_note_free(n);
		return err;
	}
	*out = n;
	return 0;
}

/* 0 if s is a good signature by key over n, else PDS_ATT_E_NOTE_BAD_SIG. */
static int check_sig(const struct pds_note *n, const struct pds_note_sig *s,
		     const struct pds_note_verifier *key)
{
	uint64_t time;

	if (key->type == PDS_NOTE_COSIGNATURE)
		return att_cosig_check(n, s, key, &time) ? PDS_ATT_E_NOTE_BAD_SIG : 0;
	if (key->type != PDS_NOTE_ED25519 || s->sig_len != crypto_sign_BYTES)
		return PDS_ATT_E_NOTE_BAD_SIG;
	if (crypto_sign_verify_detached(s->sig, (const uint8_t *)n->text, n->text_len, key->pub))
		return PDS_ATT_E_NOTE_BAD_SIG;
	return 0;
}

PDS_API int pds_note_verify(const struct pds_note *n, const struct pds_note_verifier *keys,
			    size_t nkeys, size_t min_valid, unsigned char *verified)
{
	size_t good = 0;
	int err = 0;

	if (!n || (nkeys && !keys))
		return PDS_ATT_E_INVAL;
	if (verified)
		memset(verified, 0, nkeys);
	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	for (size_t k = 0; k < nkeys; k++) {
		const struct pds_note_sig *s =
			find_sig(n, keys[k].name, strlen(keys[k].name), keys[k].id);

		if (!s)
			continue;
		/* A known key's bad signature rejects the note (signed-note, Signatures). */
		err = check_sig(n, s, &keys[k]);
		if (err)
			goto out;
		good++;
		if (verified)
			verified[k] = 1;
	}
	if (min_valid == 0)
		min_valid = 1;
	err = good >= min_valid ? 0 : PDS_ATT_E_NOTE_UNVERIFIED;
out:
	if (err && verified)
		memset(verified, 0, nkeys);
	return err;
}
