// SPDX-License-Identifier: MIT
/*
 * The witness of c2sp.org/tlog-witness (witness.h): request parsing, the checks
 * in the spec's order (signature, old size, recorded size, consistency), the
 * cosignature (c2sp.org/tlog-cosignature) and the per-origin state.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/checkpoint.h>
#include <pds/tlog.h>
#include <pds/witness.h>

#include "att_fmt.h"

struct request {
	uint64_t old;
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF];
	size_t nproof;
	size_t note_off; /* where the checkpoint note starts */
};

static size_t line_end(const char *buf, size_t len, size_t off)
{
	const char *nl = memchr(buf + off, '\n', len - off);

	return nl ? (size_t)(nl - buf) : len;
}

/* "old N\n", hashes, blank line; the checkpoint note is parsed by the caller. */
static int parse_request(const struct att_src *src, struct request *r)
{
	const char *buf = src->buf;
	size_t off = 0, end = line_end(buf, src->len, 0);
	size_t got;

	if (end == src->len || end < 5 || memcmp(buf, "old ", 4) != 0)
		return att_err(src, 0, PDS_ATT_E_WITNESS_REQUEST,
			       "first line is not \"old <size>\"");
	if (att_parse_dec(buf + 4, end - 4, PDS_CKPT_MAX_SIZE, &r->old))
		return att_err(src, 4, PDS_ATT_E_WITNESS_REQUEST,
			       "old size is not canonical decimal");
	for (off = end + 1; off < src->len && buf[off] != '\n'; off = end + 1) {
		end = line_end(buf, src->len, off);
		if (end == src->len)
			return att_err(src, off, PDS_ATT_E_WITNESS_REQUEST,
				       "proof line without newline");
		if (r->nproof == PDS_TLOG_MAX_PROOF - 1)
			return att_err(src, off, PDS_ATT_E_WITNESS_REQUEST,
				       "more than %u proof hashes", PDS_TLOG_MAX_PROOF - 1);
		if (att_b64_decode(buf + off, end - off, r->proof[r->nproof].b, PDS_TLOG_HASH_SIZE,
				   &got) ||
		    got != PDS_TLOG_HASH_SIZE)
			return att_err(src, off, PDS_ATT_E_WITNESS_REQUEST,
				       "proof line is not the base64 of a 32-byte hash");
		r->nproof++;
	}
	if (off >= src->len)
		return att_err(src, off, PDS_ATT_E_WITNESS_REQUEST,
			       "no blank line before the checkpoint");
	r->note_off = off + 1;
	return 0;
}

/* ---------------------------------------------------------------- state */

struct state {
	char path[PATH_MAX];
	int lock_fd;
	uint64_t size; /* 0 when the witness never cosigned this origin */
	struct pds_tlog_hash root;
};

static int state_open(const char *dir, const char *origin, struct state *st)
{
	uint8_t h[32];
	char hex[65], lock[PATH_MAX];

	crypto_hash_sha256(h, (const unsigned char *)origin, strlen(origin));
	att_hex_encode(h, sizeof(h), hex);
	if (snprintf(st->path, sizeof(st->path), "%s/%s", dir, hex) >= (int)sizeof(st->path) ||
	    snprintf(lock, sizeof(lock), "%s/%s.lock", dir, hex) >= (int)sizeof(lock))
		return PDS_ATT_E_INVAL;
	st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lock_fd < 0)
		return PDS_ATT_E_IO;
	/* One request per origin at a time: the check and the update are one step. */
	while (flock(st->lock_fd, LOCK_EX) != 0)
		if (errno != EINTR)
			return PDS_ATT_E_IO;
	return 0;
}

static int state_read(struct state *st, const char *origin)
{
	struct pds_checkpoint c = {0};
	char *text = NULL;
	size_t len;
	int err = att_read_file(st->path, 4096, &text, &len);

	if (err == PDS_ATT_E_IO && errno == ENOENT) {
		/* Never cosigned: the empty tree, which every tree extends. */
		st->size = 0;
		crypto_hash_sha256(st->root.b, NULL, 0);
		return 0;
	}
	if (err)
		return err;
	err = pds_checkpoint_parse(text, len, st->path, NULL, &c);
	if (!err && strcmp(c.origin, origin) != 0)
		err = PDS_ATT_E_TLOG_ORIGIN;
	if (!err) {
		st->size = c.size;
		memcpy(st->root.b, c.root, 32);
	}
	pds_checkpoint_release(&c);
	free(text);
	return err;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace the state file: temp file, fsync, rename, fsync of the folder. */
static int state_write(const struct state *st, const char *dir, const char *text, size_t len)
{
	char tmp[PATH_MAX + 8];
	int fd, dfd, err = PDS_ATT_E_IO;

	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return PDS_ATT_E_IO;
	if (write_all(fd, text, len) || fsync(fd)) {
		close(fd);
		goto out;
	}
	if (close(fd) || rename(tmp, st->path))
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return PDS_ATT_E_IO;
	err = fsync(dfd) ? PDS_ATT_E_IO : 0;
	close(dfd);
	return err;
out:
	unlink(tmp);
	return err;
}

/* ---------------------------------------------------------------- response */

static int cosig_line(const struct pds_note *n, const struct pds_note_verifier *k, char **out,
		      size_t *len)
{
	struct att_buf b = {0};

	for (size_t i = 0; i < n->sig_count; i++) {
		const struct pds_note_sig *s = &n->sigs[i];
		uint8_t raw[4 + PDS_NOTE_MAX_SIG_BYTES];
		char b64[(sizeof(raw) + 2) / 3 * 4 + 1];

		if (s->id != k->id || strcmp(s->name, k->name) != 0 || s->sig_len > sizeof(raw) - 4)
			continue;
		att_put_be32(raw, s->id);
		memcpy(raw + 4, s->sig, s->sig_len);
		att_b64_encode(raw, 4 + s->sig_len, b64);
		att_buf_printf(&b, "\xe2\x80\x94 %s %s\n", s->name, b64);
	}
	return att_buf_finish(&b, out, len);
}

/* The checks of tlog-witness §add-checkpoint, in its order, then the update. */
static int add_checked(const struct pds_witness_opts *o, struct state *st, const struct request *r,
		       struct pds_note *note, const struct pds_checkpoint *c, uint64_t *known)
{
	struct pds_tlog_hash root;
	int err;

	err = state_read(st, c->origin);
	if (err)
		return err;
	if (known)
		*known = st->size;
	if (r->old > c->size)
		return PDS_ATT_E_WITNESS_ROLLBACK;
	if (r->old != st->size)
		return PDS_ATT_E_WITNESS_CONFLICT;
	memcpy(root.b, c->root, 32);
	err = pds_tlog_verify_consistency(c->size, r->old, r->proof, r->nproof, &root, &st->root);
	if (err)
		return err;
	err = pds_cosig_sign(note, o->key, o->time);
	if (err)
		return err;
	return state_write(st, o->state_dir, note->text, note->text_len);
}

PDS_API int pds_witness_add_checkpoint(const struct pds_witness_opts *o, const char *req,
				       size_t len, char **resp, size_t *resp_len, uint64_t *known)
{
	struct att_src src = {"request", req, len, NULL};
	struct pds_checkpoint c = {0};
	struct pds_note *note = NULL;
	struct state st = {.lock_fd = -1};
	struct request r = {0};
	struct pds_note_verifier wkey;
	struct att_shift sh;
	int err;

	if (!o || o->sz < sizeof(*o) || !o->state_dir || !o->key || !o->log_key || !req || !resp ||
	    !resp_len)
		return PDS_ATT_E_INVAL;
	if (len > PDS_WITNESS_MAX_REQUEST)
		return PDS_ATT_E_WITNESS_REQUEST;
	src.sink = &o->sink;
	err = parse_request(&src, &r);
	if (err)
		return err;
	/* The log's key must have signed it (403), for the configured origin (404). */
	att_shift_init(&sh, &o->sink, req, r.note_off);
	err = pds_checkpoint_open(req + r.note_off, len - r.note_off, "request", &sh.self,
				  o->log_key->name, o->log_key, 1, 1, &note, &c);
	if (err == PDS_ATT_E_CKPT_ORIGIN)
		err = PDS_ATT_E_TLOG_ORIGIN;
	if (!err)
		err = state_open(o->state_dir, c.origin, &st);
	if (!err)
		err = add_checked(o, &st, &r, note, &c, known);
	if (!err) {
		pds_note_signer_public(o->key, &wkey);
		err = cosig_line(note, &wkey, resp, resp_len);
	}
	if (st.lock_fd >= 0)
		close(st.lock_fd);
	pds_checkpoint_release(&c);
	pds_note_free(note);
	return err;
}
