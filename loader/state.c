// SPDX-License-Identifier: MIT
/*
 * The loader's anti-rollback state (docs/loader.md, "Anti-rollback state").
 *
 * One file per log in the state folder, named by the hex SHA-256 of the log's
 * origin, holding the checkpoints this host has accepted from that log, newest
 * first:
 *
 *   pds-loader-state/v1
 *   origin <origin>
 *   <size> <base64 root>           1..PDS_STATE_HISTORY lines, sizes decreasing
 *
 * A checkpoint is accepted against the state when
 *   - its size is the newest size and its root the newest root;
 *   - its size is larger: the caller vouches that it extends the newest one
 *     (a witness quorum cosigned it, or a consistency proof was checked);
 *   - its size is smaller and the state lists that size with that root (a
 *     checkpoint accepted earlier stays acceptable);
 * a size already listed with another root is a split view, a smaller size not
 * listed is a rollback.  The file is replaced atomically (temp file, fsync,
 * rename, fsync of the folder) under an exclusive lock on <name>.lock, so a
 * crash leaves the old or the new state and two loaders never interleave.
 * A state file that does not parse refuses every checkpoint of that log.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "loader/policy_internal.h"

#define STATE_HEADER "pds-loader-state/v1\n"
#define STATE_MAX (64u << 10)

struct state_entry {
	uint64_t size;
	uint8_t root[32];
};

struct state {
	struct state_entry e[PDS_STATE_HISTORY];
	size_t count;
};

static void hex32(const uint8_t in[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[64] = 0;
}

static int state_paths(const char *dir, const char *origin, char *file, char *lock, size_t size)
{
	uint8_t d[32];
	char hex[65];

	crypto_hash_sha256(d, (const unsigned char *)origin, strlen(origin));
	hex32(d, hex);
	if ((size_t)snprintf(file, size, "%s/%s", dir, hex) >= size ||
	    (size_t)snprintf(lock, size, "%s/%s.lock", dir, hex) >= size)
		return -1;
	return 0;
}

/* Parses one "<size> <base64 root>" line ending at end. */
static int parse_entry(const char *p, const char *end, struct state_entry *e)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	char b64[64];
	size_t blen, n = 0;
	uint64_t v = 0;

	if (!sp || sp == p || (sp - p > 1 && *p == '0'))
		return -1;
	for (const char *q = p; q < sp; q++) {
		if (*q < '0' || *q > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	blen = (size_t)(end - sp - 1);
	if (blen != 44)
		return -1;
	memcpy(b64, sp + 1, blen);
	b64[blen] = 0;
	if (sodium_base642bin(e->root, 32, b64, blen, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != 32)
		return -1;
	e->size = v;
	return 0;
}

/* Parses a state file; returns the 1-based line at fault, or 0. */
static unsigned parse_state(const char *buf, size_t len, const char *origin, struct state *st)
{
	const char *p = buf, *end = buf + len;
	size_t hl = strlen(STATE_HEADER), ol = strlen(origin);
	unsigned line = 3;

	st->count = 0;
	if (len < hl || memcmp(buf, STATE_HEADER, hl) != 0)
		return 1;
	p += hl;
	if ((size_t)(end - p) < 8 + ol || memcmp(p, "origin ", 7) != 0 ||
	    memcmp(p + 7, origin, ol) != 0 || p[7 + ol] != '\n')
		return 2;
	p += 8 + ol;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl || st->count == PDS_STATE_HISTORY || parse_entry(p, nl, &st->e[st->count]))
			return line;
		if (st->count && st->e[st->count].size >= st->e[st->count - 1].size)
			return line;
		st->count++;
		p = nl + 1;
		line++;
	}
	return st->count ? 0 : line;
}

static int read_state(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	ssize_t n;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > STATE_MAX)
		goto fail;
	*buf = malloc((size_t)sb.st_size + 1);
	if (!*buf)
		goto fail;
	n = read(fd, *buf, (size_t)sb.st_size);
	if (n != sb.st_size)
		goto fail;
	*len = (size_t)n;
	close(fd);
	return 0;
fail:
	free(*buf);
	*buf = NULL;
	close(fd);
	return -1;
}

int pds_ldr_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_state(const char *dir, const char *path, const char *origin,
		       const struct state *st)
{
	size_t cap = strlen(STATE_HEADER) + strlen(origin) + 16 + st->count * 80, len = 0;
	char *text = malloc(cap), tmp[PDS_LDR_FILE_MAX];
	int fd = -1, rc = -1;

	if (!text || (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		goto out;
	len = (size_t)snprintf(text, cap, "%sorigin %s\n", STATE_HEADER, origin);
	for (size_t i = 0; i < st->count; i++) {
		char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

		sodium_bin2base64(b64, sizeof(b64), st->e[i].root, 32,
				  sodium_base64_VARIANT_ORIGINAL);
		len += (size_t)snprintf(text + len, cap - len, "%" PRIu64 " %s\n", st->e[i].size,
					b64);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || pds_ldr_write_all(fd, text, len) || fsync(fd))
		goto out;
	if (close(fd)) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) || sync_dir(dir))
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(text);
	return rc;
}

/* Decides against st; 1 when the checkpoint is new and st was updated. */
static int judge(struct state *st, uint64_t size, const uint8_t root[32],
		 pds_ldr_extends_fn extends, void *ctx, struct pds_ldr_result *res,
		 const char *evidence)
{
	const struct state_entry *newest = &st->e[0];
	int err;

	if (size > newest->size) {
		err = extends(ctx, newest->size, newest->root, res);
		if (err)
			return err;
		memmove(&st->e[1], &st->e[0], (PDS_STATE_HISTORY - 1) * sizeof(st->e[0]));
		st->e[0].size = size;
		memcpy(st->e[0].root, root, 32);
		if (st->count < PDS_STATE_HISTORY)
			st->count++;
		return 1;
	}
	for (size_t i = 0; i < st->count; i++) {
		if (st->e[i].size != size)
			continue;
		if (memcmp(st->e[i].root, root, 32) != 0)
			return pds_ldr_fail(res, PDS_LDR_E_SPLIT_VIEW, evidence, 0, 0,
					    "the log showed another tree of size %" PRIu64
					    " before: two histories (split view)",
					    size);
		return 0;
	}
	return pds_ldr_fail(res, PDS_LDR_E_ROLLBACK, evidence, 0, 0,
			    "checkpoint of size %" PRIu64
			    " is older than the accepted size %" PRIu64
			    " and was not accepted before; refresh the evidence (pds-log refresh)",
			    size, newest->size);
}

struct vouch {
	int may_advance;
	uint64_t size;
	const char *evidence;
};

static int vouched(void *ctx, uint64_t old_size, const uint8_t old_root[32],
		   struct pds_ldr_result *res)
{
	const struct vouch *v = ctx;

	(void)old_root;
	if (v->may_advance)
		return 0;
	return pds_ldr_fail(res, PDS_LDR_E_UNWITNESSED_ADVANCE, v->evidence, 0, 0,
			    "checkpoint of size %" PRIu64
			    " is newer than the accepted size %" PRIu64
			    ", and neither a witness quorum nor a consistency proof shows that "
			    "it extends it (pds-verify --advance)",
			    v->size, old_size);
}

int pds_ldr_state_check(const char *dir, const char *origin, uint64_t size, const uint8_t root[32],
			int may_advance, struct pds_ldr_result *res, const char *evidence)
{
	struct vouch v = {may_advance, size, evidence};

	return pds_ldr_state_update(dir, origin, size, root, vouched, &v, res, evidence);
}

int pds_ldr_state_update(const char *dir, const char *origin, uint64_t size, const uint8_t root[32],
			 pds_ldr_extends_fn extends, void *ctx, struct pds_ldr_result *res,
			 const char *evidence)
{
	char path[PDS_LDR_FILE_MAX], lock[PDS_LDR_FILE_MAX];
	struct state st = {.count = 0};
	char *buf = NULL;
	size_t len;
	int lfd, rc, err;
	unsigned bad;

	if (!dir)
		return pds_ldr_fail(res, PDS_LDR_E_STATE, evidence, 0, 0,
				    "the policy names no anti-rollback state folder (state line)");
	if (state_paths(dir, origin, path, lock, sizeof(path)))
		return pds_ldr_fail(res, PDS_LDR_E_STATE, dir, 0, 0, "state path is too long");
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (lfd < 0)
		return pds_ldr_fail(res, PDS_LDR_E_STATE, lock, 0, 0, "cannot open the lock: %s",
				    strerror(errno));
	if (flock(lfd, LOCK_EX) != 0) {
		err = errno;
		close(lfd);
		return pds_ldr_fail(res, PDS_LDR_E_STATE_LOCKED, lock, 0, 0, "cannot lock: %s",
				    strerror(err));
	}
	rc = read_state(path, &buf, &len);
	if (rc < 0) {
		rc = pds_ldr_fail(res, PDS_LDR_E_STATE, path, 0, 0, "cannot read the state");
		goto out;
	}
	if (rc == 1) {
		/* First checkpoint from this log: it becomes the reference. */
		st.count = 1;
		st.e[0].size = size;
		memcpy(st.e[0].root, root, 32);
		rc = 1;
	} else if ((bad = parse_state(buf, len, origin, &st)) != 0) {
		rc = pds_ldr_fail(res, PDS_LDR_E_STATE, path, bad, 1,
				  "anti-rollback state is malformed; refusing every checkpoint "
				  "of log %s until it is repaired",
				  origin);
		goto out;
	} else {
		rc = judge(&st, size, root, extends, ctx, res, evidence);
	}
	if (rc == 1) {
		rc = write_state(dir, path, origin, &st)
			     ? pds_ldr_fail(res, PDS_LDR_E_STATE, path, 0, 0,
					    "cannot write the state: %s", strerror(errno))
			     : 0;
	}
out:
	free(buf);
	flock(lfd, LOCK_UN);
	close(lfd);
	return rc;
}

unsigned pds_ldr_state_parse(const char *buf, size_t len, const char *origin, uint64_t *newest)
{
	struct state *st = malloc(sizeof(*st));
	unsigned bad;

	if (!st)
		return 1;
	bad = parse_state(buf, len, origin, st);
	if (!bad && newest)
		*newest = st->e[0].size;
	free(st);
	return bad;
}
