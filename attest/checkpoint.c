// SPDX-License-Identifier: MIT
/*
 * Checkpoint bodies (c2sp.org/tlog-checkpoint, "Note text") and Ed25519
 * cosignatures (c2sp.org/tlog-cosignature, "Format" and "Ed25519 signed
 * message").
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/checkpoint.h>

#include "attest/att_fmt.h"
#include "attest/note_internal.h"

#define COSIG_LEN (8 + crypto_sign_BYTES)
#define TIME_MAX ((uint64_t)INT64_MAX)

PDS_API void pds_checkpoint_release(struct pds_checkpoint *c)
{
	if (!c)
		return;
	free(c->origin);
	for (size_t i = 0; i < c->ext_count; i++)
		free(c->ext[i]);
	free(c->ext);
	memset(c, 0, sizeof(*c));
}

static char *dup_span(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* One line [off, eol) of a checkpoint body, by position. */
static int parse_line(const struct att_src *src, size_t off, size_t eol, unsigned idx,
		      struct pds_checkpoint *c)
{
	const char *s = src->buf + off;
	size_t n = eol - off, got;
	char **ext;

	switch (idx) {
	case 0:
		if (n == 0)
			return att_err(src, off, PDS_ATT_E_CKPT_ORIGIN, "empty origin line");
		c->origin = dup_span(s, n);
		return c->origin ? 0 : PDS_ATT_E_NOMEM;
	case 1:
		if (att_parse_dec(s, n, PDS_CKPT_MAX_SIZE, &c->size))
			return att_err(src, off, PDS_ATT_E_CKPT_SIZE,
				       "tree size is not a decimal without leading zeros");
		return 0;
	case 2:
		if (att_b64_decode(s, n, c->root, sizeof(c->root), &got) || got != 32)
			return att_err(src, off, PDS_ATT_E_CKPT_HASH,
				       "root hash is not canonical base64 of 32 bytes");
		return 0;
	}
	if (n == 0)
		return att_err(src, off, PDS_ATT_E_CKPT_EXT, "empty extension line");
	if (c->ext_count >= PDS_CKPT_MAX_EXT)
		return att_err(src, off, PDS_ATT_E_CKPT_EXT, "more than %u extension lines",
			       PDS_CKPT_MAX_EXT);
	ext = realloc(c->ext, (c->ext_count + 1) * sizeof(*ext));
	if (!ext)
		return PDS_ATT_E_NOMEM;
	c->ext = ext;
	ext[c->ext_count] = dup_span(s, n);
	if (!ext[c->ext_count])
		return PDS_ATT_E_NOMEM;
	c->ext_count++;
	return 0;
}

PDS_API int pds_checkpoint_parse(const char *text, size_t len, const char *file,
				 const struct pds_att_diag_sink *sink, struct pds_checkpoint *out)
{
	struct att_src src = {file, text, len, sink};
	struct pds_checkpoint c = {0};
	size_t off = 0, bad;
	unsigned idx = 0;
	int err;

	if (!text || !out)
		return PDS_ATT_E_INVAL;
	if (len > PDS_NOTE_MAX_SIZE)
		return att_err(&src, 0, PDS_ATT_E_NOTE_SIZE, "checkpoint too large");
	err = att_check_text(text, len, &bad);
	if (err)
		return att_err(&src, bad, err, "invalid UTF-8 or control character");
	if (len == 0 || text[len - 1] != '\n')
		return att_err(&src, len, PDS_ATT_E_NOTE_TEXT,
			       "checkpoint text does not end with a newline");
	while (off < len) {
		size_t eol = (size_t)((const char *)memchr(text + off, '\n', len - off) - text);

		err = parse_line(&src, off, eol, idx++, &c);
		if (err)
			goto fail;
		off = eol + 1;
	}
	if (idx < 3) {
		err = att_err(&src, len, PDS_ATT_E_CKPT_LINES,
			      "checkpoint needs origin, size and root hash lines");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	pds_checkpoint_release(&c);
	return err;
}

static int no_newline(const char *s)
{
	return s && *s && !strchr(s, '\n');
}

PDS_API int pds_checkpoint_format(const struct pds_checkpoint *c, char **out, size_t *len)
{
	struct att_buf b = {0};
	char root[45];
	size_t bad;
	int err;

	if (!c || !out || !no_newline(c->origin))
		return PDS_ATT_E_INVAL;
	if (c->size > PDS_CKPT_MAX_SIZE)
		return PDS_ATT_E_CKPT_SIZE;
	if (c->ext_count > PDS_CKPT_MAX_EXT)
		return PDS_ATT_E_CKPT_EXT;
	att_b64_encode(c->root, sizeof(c->root), root);
	att_buf_str(&b, c->origin);
	att_buf_printf(&b, "\n%llu\n%s\n", (unsigned long long)c->size, root);
	for (size_t i = 0; i < c->ext_count; i++) {
		if (!no_newline(c->ext[i])) {
			free(b.p);
			return PDS_ATT_E_CKPT_EXT;
		}
		att_buf_str(&b, c->ext[i]);
		att_buf_add(&b, "\n", 1);
	}
	if (!b.err && att_check_text(b.p, b.len, &bad)) {
		free(b.p);
		return PDS_ATT_E_INVAL;
	}
	err = att_buf_finish(&b, out, len);
	return err;
}

PDS_API int pds_checkpoint_open(const char *buf, size_t len, const char *file,
				const struct pds_att_diag_sink *sink, const char *origin,
				const struct pds_note_verifier *keys, size_t nkeys,
				size_t min_valid, struct pds_note **note,
				struct pds_checkpoint *body)
{
	struct att_src src = {file, buf, len, sink};
	struct pds_checkpoint c = {0};
	struct pds_note *n = NULL;
	int err;

	if (!note || !body)
		return PDS_ATT_E_INVAL;
	err = pds_note_parse(buf, len, file, sink, &n);
	if (err)
		return err;
	err = pds_checkpoint_parse(n->text, n->text_len, file, sink, &c);
	if (err)
		goto fail;
	if (origin && strcmp(origin, c.origin)) {
		err = att_err(&src, 0, PDS_ATT_E_CKPT_ORIGIN, "origin is not %s", origin);
		goto fail;
	}
	err = pds_note_verify(n, keys, nkeys, min_valid, NULL);
	if (err) {
		att_err(&src, n->text_len + 1, err, "%s", pds_att_strerror(err));
		goto fail;
	}
	*note = n;
	*body = c;
	return 0;
fail:
	pds_checkpoint_release(&c);
	pds_note_free(n);
	return err;
}

/* "cosignature/v1\ntime <t>\n" || checkpoint text, malloc'd. */
static int cosig_message(const struct pds_note *n, uint64_t time, uint8_t **msg, size_t *len)
{
	char head[64];
	int h = snprintf(head, sizeof(head), "cosignature/v1\ntime %llu\n",
			 (unsigned long long)time);
	uint8_t *m = malloc((size_t)h + n->text_len);

	if (!m)
		return PDS_ATT_E_NOMEM;
	memcpy(m, head, (size_t)h);
	memcpy(m + h, n->text, n->text_len);
	*msg = m;
	*len = (size_t)h + n->text_len;
	return 0;
}

PDS_API int pds_cosig_time(const struct pds_note_sig *sig, uint64_t *time)
{
	uint64_t t;

	if (!sig || !time)
		return PDS_ATT_E_INVAL;
	if (sig->sig_len != COSIG_LEN)
		return PDS_ATT_E_COSIG_SYNTAX;
	t = (uint64_t)att_be32(sig->sig) << 32 | att_be32(sig->sig + 4);
	if (t > TIME_MAX)
		return PDS_ATT_E_COSIG_TIME;
	*time = t;
	return 0;
}

int att_cosig_check(const struct pds_note *n, const struct pds_note_sig *s,
		    const struct pds_note_verifier *key, uint64_t *time)
{
	uint8_t *msg = NULL;
	size_t len;
	uint64_t t;
	int err;

	if (key->type != PDS_NOTE_COSIGNATURE)
		return PDS_ATT_E_KEY_TYPE;
	err = pds_cosig_time(s, &t);
	if (err)
		return err;
	err = cosig_message(n, t, &msg, &len);
	if (err)
		return err;
	if (crypto_sign_verify_detached(s->sig + 8, msg, len, key->pub))
		err = PDS_ATT_E_NOTE_BAD_SIG;
	free(msg);
	if (!err)
		*time = t;
	return err;
}

PDS_API int pds_cosig_sign(struct pds_note *checkpoint, const struct pds_note_signer *witness,
			   uint64_t time)
{
	const struct pds_note_verifier *key;
	uint8_t sig[COSIG_LEN];
	uint8_t *msg = NULL;
	size_t len;
	int err;

	if (!checkpoint || !witness)
		return PDS_ATT_E_INVAL;
	key = att_signer_key(witness);
	if (key->type != PDS_NOTE_COSIGNATURE)
		return PDS_ATT_E_KEY_TYPE;
	if (time > TIME_MAX)
		return PDS_ATT_E_COSIG_TIME;
	err = cosig_message(checkpoint, time, &msg, &len);
	if (err)
		return err;
	att_put_be32(sig, (uint32_t)(time >> 32));
	att_put_be32(sig + 4, (uint32_t)time);
	err = att_signer_sign(witness, msg, len, sig + 8);
	free(msg);
	if (err)
		return err;
	return att_note_add_sig(checkpoint, key, sig, sizeof(sig));
}

PDS_API int pds_cosig_verify(const struct pds_note *checkpoint, const struct pds_note_verifier *key,
			     uint64_t *time)
{
	if (!checkpoint || !key || !time)
		return PDS_ATT_E_INVAL;
	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	for (size_t i = 0; i < checkpoint->sig_count; i++) {
		const struct pds_note_sig *s = &checkpoint->sigs[i];

		if (s->id == key->id && !strcmp(s->name, key->name))
			return att_cosig_check(checkpoint, s, key, time);
	}
	return PDS_ATT_E_NOTE_UNVERIFIED;
}
