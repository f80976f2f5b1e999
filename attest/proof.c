// SPDX-License-Identifier: MIT
/*
 * tlog-proof (c2sp.org/tlog-proof, "Format") and the .pds evidence framing
 * (docs/formats.md §6).  Inclusion is checked with the log's RFC 9162
 * verifier (tlog.h).
 */
#include <stdlib.h>
#include <string.h>

#include <pds/proof.h>

#include "attest/att_fmt.h"

#define HEADER_LEN (sizeof(PDS_PROOF_HEADER) - 1)
#define HASH_B64_LEN 44
#define INDEX_MAX ((uint64_t)INT64_MAX)
/* A proof holds a checkpoint note plus at most 63 hash lines and an extra line. */
#define PROOF_MAX_SIZE (PDS_NOTE_MAX_SIZE + 8192u)

static const char sig_prefix[] = "\xe2\x80\x94 ";

PDS_API void pds_proof_free(struct pds_proof *p)
{
	if (!p)
		return;
	free(p->extra);
	free(p->hashes);
	pds_note_free(p->checkpoint);
	pds_checkpoint_release(&p->body);
	free(p);
}

/* The line starting at *off: sets *s, *n (newline excluded); -1 at end or without newline. */
static int next_line(const struct att_src *src, size_t *off, const char **s, size_t *n)
{
	const char *nl;

	if (*off >= src->len)
		return -1;
	nl = memchr(src->buf + *off, '\n', src->len - *off);
	if (!nl)
		return -1;
	*s = src->buf + *off;
	*n = (size_t)(nl - *s);
	*off += *n + 1;
	return 0;
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

static int parse_extra(const struct att_src *src, size_t at, const char *s, size_t n,
		       struct pds_proof *p)
{
	p->extra = malloc(PDS_PROOF_MAX_EXTRA);
	if (!p->extra)
		return PDS_ATT_E_NOMEM;
	if (att_b64_decode(s + 6, n - 6, p->extra, PDS_PROOF_MAX_EXTRA, &p->extra_len))
		return att_err(src, at + 6, PDS_ATT_E_PROOF_EXTRA,
			       "extra data is not canonical base64 of 1..%u bytes",
			       PDS_PROOF_MAX_EXTRA);
	return 0;
}

static int parse_hashes(const struct att_src *src, size_t *off, struct pds_proof *p)
{
	const char *s;
	size_t n, at = *off, got;

	p->hashes = malloc(PDS_PROOF_MAX_HASHES * sizeof(*p->hashes));
	if (!p->hashes)
		return PDS_ATT_E_NOMEM;
	for (;;) {
		at = *off;
		if (next_line(src, off, &s, &n))
			return att_err(src, at, PDS_ATT_E_PROOF_NO_CHECKPOINT,
				       "no blank line and checkpoint after the proof hashes");
		if (n == 0)
			return 0;
		if (p->hash_count == PDS_PROOF_MAX_HASHES)
			return att_err(src, at, PDS_ATT_E_PROOF_LENGTH, "more than %u hashes",
				       PDS_PROOF_MAX_HASHES);
		if (n != HASH_B64_LEN ||
		    att_b64_decode(s, n, p->hashes[p->hash_count].b, 32, &got) || got != 32)
			return att_err(src, at, PDS_ATT_E_PROOF_HASH,
				       "hash is not canonical base64 of 32 bytes");
		p->hash_count++;
	}
}

/* Parses the checkpoint note at off to the end, with positions of the whole input. */
static int parse_checkpoint(const struct att_src *src, size_t off, struct pds_proof *p)
{
	struct att_shift sh;
	int err;

	if (off >= src->len)
		return att_err(src, off, PDS_ATT_E_PROOF_NO_CHECKPOINT,
			       "no checkpoint after the blank line");
	att_shift_init(&sh, src->sink, src->buf, off);
	err = pds_note_parse(src->buf + off, src->len - off, src->file, &sh.self, &p->checkpoint);
	if (err)
		return err;
	return pds_checkpoint_parse(p->checkpoint->text, p->checkpoint->text_len, src->file,
				    &sh.self, &p->body);
}

static int parse_head(const struct att_src *src, size_t *off, struct pds_proof *p)
{
	const char *s;
	size_t n, at = 0;
	int err;

	if (next_line(src, off, &s, &n) || n != HEADER_LEN || memcmp(s, PDS_PROOF_HEADER, n))
		return att_err(src, 0, PDS_ATT_E_PROOF_HEADER, "first line must be %s",
			       PDS_PROOF_HEADER);
	at = *off;
	if (next_line(src, off, &s, &n))
		return att_err(src, at, PDS_ATT_E_PROOF_INDEX, "missing index line");
	if (starts_with(s, n, "extra ")) {
		err = parse_extra(src, at, s, n, p);
		if (err)
			return err;
		at = *off;
		if (next_line(src, off, &s, &n))
			return att_err(src, at, PDS_ATT_E_PROOF_INDEX, "missing index line");
	}
	if (!starts_with(s, n, "index ") || att_parse_dec(s + 6, n - 6, INDEX_MAX, &p->index))
		return att_err(src, at, PDS_ATT_E_PROOF_INDEX,
			       "expected \"index N\", N decimal without leading zeros");
	return 0;
}

PDS_API int pds_proof_parse(const char *buf, size_t len, const char *file,
			    const struct pds_att_diag_sink *sink, struct pds_proof **out)
{
	struct att_src src = {file, buf, len, sink};
	struct pds_proof *p;
	size_t off = 0, bad;
	int err;

	if (!buf || !out)
		return PDS_ATT_E_INVAL;
	if (len > PROOF_MAX_SIZE)
		return att_err(&src, 0, PDS_ATT_E_NOTE_SIZE, "proof larger than %u bytes",
			       PROOF_MAX_SIZE);
	err = att_check_text(buf, len, &bad);
	if (err)
		return att_err(&src, bad, err, "invalid UTF-8 or control character");
	p = calloc(1, sizeof(*p));
	if (!p)
		return PDS_ATT_E_NOMEM;
	err = parse_head(&src, &off, p);
	if (!err)
		err = parse_hashes(&src, &off, p);
	if (!err)
		err = parse_checkpoint(&src, off, p);
	if (err) {
		pds_proof_free(p);
		return err;
	}
	*out = p;
	return 0;
}

PDS_API int pds_proof_new(uint64_t index, const struct pds_tlog_hash *hashes, size_t count,
			  const uint8_t *extra, size_t extra_len, const char *checkpoint,
			  size_t checkpoint_len, struct pds_proof **out)
{
	struct pds_proof *p;
	int err = PDS_ATT_E_NOMEM;

	if (!out || !checkpoint || (count && !hashes) || (extra_len && !extra))
		return PDS_ATT_E_INVAL;
	if (index > INDEX_MAX)
		return PDS_ATT_E_PROOF_INDEX;
	if (count > PDS_PROOF_MAX_HASHES)
		return PDS_ATT_E_PROOF_LENGTH;
	if (extra && (extra_len == 0 || extra_len > PDS_PROOF_MAX_EXTRA))
		return PDS_ATT_E_PROOF_EXTRA;
	p = calloc(1, sizeof(*p));
	if (!p)
		return PDS_ATT_E_NOMEM;
	p->index = index;
	p->hashes = malloc(PDS_PROOF_MAX_HASHES * sizeof(*p->hashes));
	if (!p->hashes)
		goto fail;
	if (count)
		memcpy(p->hashes, hashes, count * sizeof(*hashes));
	p->hash_count = count;
	if (extra) {
		p->extra = malloc(extra_len);
		if (!p->extra)
			goto fail;
		memcpy(p->extra, extra, extra_len);
		p->extra_len = extra_len;
	}
	err = pds_note_parse(checkpoint, checkpoint_len, "checkpoint", NULL, &p->checkpoint);
	if (!err)
		err = pds_checkpoint_parse(p->checkpoint->text, p->checkpoint->text_len,
					   "checkpoint", NULL, &p->body);
	if (err)
		goto fail;
	*out = p;
	return 0;
fail:
	pds_proof_free(p);
	return err;
}

PDS_API int pds_proof_encode(const struct pds_proof *p, char **out, size_t *len)
{
	struct att_buf b = {0};
	char *note = NULL;
	char hash[HASH_B64_LEN + 1];
	size_t note_len;
	int err;

	if (!p || !out || !p->checkpoint)
		return PDS_ATT_E_INVAL;
	att_buf_str(&b, PDS_PROOF_HEADER "\n");
	if (p->extra) {
		char *x = malloc(att_b64_len(p->extra_len) + 1);

		if (!x) {
			free(b.p);
			return PDS_ATT_E_NOMEM;
		}
		att_b64_encode(p->extra, p->extra_len, x);
		att_buf_str(&b, "extra ");
		att_buf_str(&b, x);
		att_buf_add(&b, "\n", 1);
		free(x);
	}
	att_buf_printf(&b, "index %llu\n", (unsigned long long)p->index);
	for (size_t i = 0; i < p->hash_count; i++) {
		att_b64_encode(p->hashes[i].b, 32, hash);
		att_buf_str(&b, hash);
		att_buf_add(&b, "\n", 1);
	}
	att_buf_add(&b, "\n", 1);
	err = pds_note_encode(p->checkpoint, &note, &note_len);
	if (err) {
		free(b.p);
		return err;
	}
	att_buf_add(&b, note, note_len);
	free(note);
	return att_buf_finish(&b, out, len);
}

/* Checks the checkpoint signatures: the log's key and min_witnesses cosigners. */
static int verify_signers(const struct pds_proof *p, const struct pds_note_verifier *log_key,
			  const struct pds_note_verifier *witnesses, size_t nwitnesses,
			  size_t min_witnesses)
{
	struct pds_note_verifier *keys;
	unsigned char *ok;
	size_t good = 0;
	int err = PDS_ATT_E_NOMEM;

	keys = calloc(nwitnesses + 1, sizeof(*keys));
	ok = calloc(nwitnesses + 1, 1);
	if (!keys || !ok)
		goto out;
	keys[0] = *log_key;
	if (nwitnesses)
		memcpy(keys + 1, witnesses, nwitnesses * sizeof(*keys));
	err = pds_note_verify(p->checkpoint, keys, nwitnesses + 1, 1, ok);
	if (err)
		goto out;
	for (size_t i = 1; i <= nwitnesses; i++)
		good += ok[i];
	err = ok[0] && good >= min_witnesses ? 0 : PDS_ATT_E_NOTE_UNVERIFIED;
out:
	free(keys);
	free(ok);
	return err;
}

PDS_API int pds_proof_verify(const struct pds_proof *p, const void *entry, size_t entry_len,
			     const char *origin, const struct pds_note_verifier *log_key,
			     const struct pds_note_verifier *witnesses, size_t nwitnesses,
			     size_t min_witnesses)
{
	struct pds_tlog_hash leaf, root;
	int err;

	if (!p || !p->checkpoint || !log_key || (entry_len && !entry) || (nwitnesses && !witnesses))
		return PDS_ATT_E_INVAL;
	if (min_witnesses > nwitnesses)
		return PDS_ATT_E_NOTE_UNVERIFIED;
	if (strcmp(p->body.origin, origin ? origin : log_key->name))
		return PDS_ATT_E_CKPT_ORIGIN;
	err = verify_signers(p, log_key, witnesses, nwitnesses, min_witnesses);
	if (err)
		return err;
	pds_tlog_leaf_hash(entry, entry_len, &leaf);
	memcpy(root.b, p->body.root, sizeof(root.b));
	if (pds_tlog_verify_inclusion(p->body.size, p->index, &leaf, p->hashes, p->hash_count,
				      &root))
		return PDS_ATT_E_PROOF_INCLUSION;
	return 0;
}

/* ------------------------------------------------------------------ .pds evidence */

PDS_API void pds_evidence_free(struct pds_evidence *e)
{
	if (!e)
		return;
	free(e->entry);
	pds_note_free(e->note);
	pds_proof_free(e->proof);
	free(e);
}

/*
 * Where the attestation note ends: after the first blank line come its
 * signature lines, each starting with U+2014; the first line that does not is
 * the tlog-proof header.  Returns the proof's offset, or 0 when there is none.
 */
static size_t evidence_split(const char *buf, size_t len)
{
	const char *blank = memmem(buf, len, "\n\n", 2);
	size_t off;

	if (!blank)
		return 0;
	off = (size_t)(blank - buf) + 2;
	while (off < len && len - off >= 4 && memcmp(buf + off, sig_prefix, 4) == 0) {
		const char *nl = memchr(buf + off, '\n', len - off);

		if (!nl)
			return 0;
		off = (size_t)(nl - buf) + 1;
	}
	if (len - off < HEADER_LEN + 1 || memcmp(buf + off, PDS_PROOF_HEADER "\n", HEADER_LEN + 1))
		return 0;
	return off;
}

PDS_API int pds_evidence_parse(const char *buf, size_t len, const char *file,
			       const struct pds_att_diag_sink *sink, struct pds_evidence **out)
{
	struct att_src src = {file, buf, len, sink};
	struct pds_evidence *e;
	struct att_shift sh;
	size_t split;
	int err;

	if (!buf || !out)
		return PDS_ATT_E_INVAL;
	split = evidence_split(buf, len);
	if (!split)
		return att_err(&src, 0, PDS_ATT_E_EVIDENCE_SYNTAX,
			       "expected an attestation note then a line %s", PDS_PROOF_HEADER);
	e = calloc(1, sizeof(*e));
	if (!e)
		return PDS_ATT_E_NOMEM;
	e->entry = malloc(split + 1);
	if (!e->entry) {
		err = PDS_ATT_E_NOMEM;
		goto fail;
	}
	memcpy(e->entry, buf, split);
	e->entry[split] = '\0';
	e->entry_len = split;
	err = pds_note_parse(buf, split, file, sink, &e->note);
	if (err)
		goto fail;
	att_shift_init(&sh, sink, buf, split);
	err = pds_proof_parse(buf + split, len - split, file, &sh.self, &e->proof);
	if (err)
		goto fail;
	*out = e;
	return 0;
fail:
	pds_evidence_free(e);
	return err;
}

PDS_API int pds_evidence_encode(const char *entry, size_t entry_len, const struct pds_proof *p,
				char **out, size_t *len)
{
	struct att_buf b = {0};
	struct pds_note *n = NULL;
	char *proof = NULL;
	size_t proof_len;
	int err;

	if (!entry || !p || !out)
		return PDS_ATT_E_INVAL;
	err = pds_note_parse(entry, entry_len, "attestation", NULL, &n);
	if (err)
		return err;
	/* The framing needs the note's only blank line to be the one before its signatures. */
	if (memmem(entry, entry_len, "\n\n", 2) != entry + n->text_len - 1)
		err = PDS_ATT_E_EVIDENCE_SYNTAX;
	pds_note_free(n);
	if (err)
		return err;
	err = pds_proof_encode(p, &proof, &proof_len);
	if (err)
		return err;
	att_buf_add(&b, entry, entry_len);
	att_buf_add(&b, proof, proof_len);
	free(proof);
	return att_buf_finish(&b, out, len);
}
