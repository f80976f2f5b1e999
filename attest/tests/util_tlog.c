// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util_tlog.h"

static void *grow(void *p, uint64_t *cap, uint64_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * elem);
	if (!p)
		abort();
	return p;
}

void ut_tree_add(struct ut_tree *t, const void *entry, size_t len)
{
	struct pds_tlog_hash leaf, add[64];
	size_t count;

	pds_tlog_leaf_hash(entry, len, &leaf);
	if (pds_tlog_stored_hashes(t->n, &leaf, ut_tree_read, t, add, &count) != 0)
		abort();
	t->leaf = grow(t->leaf, &t->cap_leaf, t->n + 1, sizeof(leaf));
	t->stored = grow(t->stored, &t->cap_stored, t->nstored + count, sizeof(leaf));
	t->leaf[t->n++] = leaf;
	memcpy(t->stored + t->nstored, add, count * sizeof(leaf));
	t->nstored += count;
}

void ut_tree_free(struct ut_tree *t)
{
	free(t->leaf);
	free(t->stored);
	memset(t, 0, sizeof(*t));
}

int ut_tree_read(void *ctx, const uint64_t *indexes, size_t count, struct pds_tlog_hash *out)
{
	const struct ut_tree *t = ctx;

	for (size_t i = 0; i < count; i++) {
		if (indexes[i] >= t->nstored)
			return PDS_ATT_E_TLOG_RANGE;
		out[i] = t->stored[indexes[i]];
	}
	return 0;
}

static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

void ut_mth(const struct pds_tlog_hash *leaf, uint64_t lo, uint64_t hi, struct pds_tlog_hash *out)
{
	struct pds_tlog_hash l, r;
	uint64_t k;

	if (hi - lo == 1) {
		*out = leaf[lo];
		return;
	}
	k = split_point(hi - lo);
	ut_mth(leaf, lo, lo + k, &l);
	ut_mth(leaf, lo + k, hi, &r);
	pds_tlog_node_hash(&l, &r, out);
}

size_t ut_path(const struct pds_tlog_hash *leaf, uint64_t m, uint64_t lo, uint64_t hi,
	       struct pds_tlog_hash *out)
{
	uint64_t k;
	size_t n;

	if (hi - lo == 1)
		return 0;
	k = split_point(hi - lo);
	if (m < k) {
		n = ut_path(leaf, m, lo, lo + k, out);
		ut_mth(leaf, lo + k, hi, &out[n]);
	} else {
		n = ut_path(leaf, m - k, lo + k, hi, out);
		ut_mth(leaf, lo, lo + k, &out[n]);
	}
	return n + 1;
}

size_t ut_subproof(const struct pds_tlog_hash *leaf, uint64_t m, uint64_t lo, uint64_t hi, int b,
		   struct pds_tlog_hash *out)
{
	uint64_t k;
	size_t n;

	if (m == hi - lo) {
		if (b)
			return 0;
		ut_mth(leaf, lo, hi, &out[0]);
		return 1;
	}
	k = split_point(hi - lo);
	if (m <= k) {
		n = ut_subproof(leaf, m, lo, lo + k, b, out);
		ut_mth(leaf, lo + k, hi, &out[n]);
	} else {
		n = ut_subproof(leaf, m - k, lo + k, hi, 0, out);
		ut_mth(leaf, lo, lo + k, &out[n]);
	}
	return n + 1;
}

void ut_hex32(const char *hex, struct pds_tlog_hash *out)
{
	if (sodium_hex2bin(out->b, sizeof(out->b), hex, strlen(hex), NULL, NULL, NULL) != 0)
		abort();
}

void ut_signer_init(struct ut_signer *s, unsigned char seed_byte)
{
	unsigned char seed[32];

	if (sodium_init() < 0)
		abort();
	memset(seed, seed_byte, sizeof(seed));
	crypto_sign_seed_keypair(s->pk, s->sk, seed);
	s->calls = 0;
}

#define UT_SIG_PREFIX "\n\xe2\x80\x94 test.example/log "

int ut_sign(void *ctx, const char *body, size_t len, char **note, size_t *note_len)
{
	struct ut_signer *s = ctx;
	unsigned char sig[64];
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	size_t n;

	s->calls++;
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, len, s->sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	n = len + strlen(UT_SIG_PREFIX) + strlen(b64) + 1;
	*note = malloc(n + 1);
	if (!*note)
		return PDS_ATT_E_NOMEM;
	snprintf(*note, n + 1, "%.*s%s%s\n", (int)len, body, UT_SIG_PREFIX, b64);
	*note_len = n;
	return 0;
}

int ut_verify(void *ctx, const char *note, size_t len)
{
	struct ut_signer *s = ctx;
	unsigned char sig[64];
	size_t plen = strlen(UT_SIG_PREFIX), got, body;
	const char *p = memmem(note, len, UT_SIG_PREFIX, plen);

	if (!p || p + plen + 89 != note + len || note[len - 1] != '\n')
		return PDS_ATT_E_TLOG_SIGNATURE;
	body = (size_t)(p - note);
	if (sodium_base642bin(sig, sizeof(sig), p + plen, 88, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != 64)
		return PDS_ATT_E_TLOG_SIGNATURE;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)note, body, s->pk) != 0)
		return PDS_ATT_E_TLOG_SIGNATURE;
	return 0;
}

void ut_opts(struct pds_tlog_opts *o, struct ut_signer *s, unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->flags = flags;
	o->sign = ut_sign;
	o->sign_ctx = s;
	o->verify = ut_verify;
	o->verify_ctx = s;
}

char *ut_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&dir, "%s/pds-%s-XXXXXX", base, tag) < 0 || !mkdtemp(dir))
		abort();
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void ut_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int ut_flip_file(const char *path, long off, unsigned bit)
{
	unsigned char c;
	int fd = open(path, O_RDWR);
	int ok;

	if (fd < 0)
		return -1;
	ok = pread(fd, &c, 1, off) == 1;
	c ^= (unsigned char)(1u << bit);
	ok = ok && pwrite(fd, &c, 1, off) == 1;
	close(fd);
	return ok ? 0 : -1;
}

void ut_diag_sink(void *ctx, const struct pds_att_diag *d)
{
	struct ut_diags *u = ctx;

	u->count++;
	u->last_code = d->code;
	snprintf(u->last, sizeof(u->last), "%s:%u:%u: %s [%s]", d->file, d->line, d->col, d->msg,
		 d->rule);
}

int ut_shell(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *ut_read_in(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}
