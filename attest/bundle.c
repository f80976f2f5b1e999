// SPDX-License-Identifier: MIT
/*
 * Plugin bundles (docs/formats.md §9): member lists, the gzip layer, packager
 * signatures over SIGNATURES, and extraction that leaves either the whole
 * folder or nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include "attest/bundle_internal.h"

/*
 * The one gzip header accepted (RFC 1952 §2.3): ID1 ID2, CM 8 (deflate), FLG 0
 * (no name, comment or extra field), MTIME 0, XFL 2 (maximum compression), OS
 * 255 (unknown).  zlib ignores MTIME, XFL and OS, so without this check a bit
 * flip there would leave a signed bundle valid.
 */
static const uint8_t gz_head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff};
#define GZ_TRAILER 8u
#define GZ_LEVEL 9
#define INFLATE_CHUNK (256u << 10)

/* ------------------------------------------------------------------ members */

PDS_API void pds_bnd_limits_default(struct pds_bnd_limits *lim)
{
	lim->member_max = PDS_BND_DEFAULT_MEMBER_MAX;
	lim->total_max = PDS_BND_DEFAULT_TOTAL_MAX;
	lim->ratio_max = PDS_BND_DEFAULT_RATIO_MAX;
	lim->members_max = PDS_BND_DEFAULT_MEMBERS_MAX;
	lim->lenient = 0;
}

PDS_API int pds_bnd_new(struct pds_bnd **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : PDS_ATT_E_NOMEM;
}

PDS_API void pds_bnd_free(struct pds_bnd *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->count; i++) {
		free(b->members[i].path);
		free(b->members[i].data);
	}
	free(b->members);
	free(b);
}

/* One component: printable ASCII but '/' and '\', neither "." nor "..". */
static int component_check(const char *c, size_t n)
{
	if (n == 0)
		return PDS_ATT_E_BND_PATH;
	if (n == 2 && c[0] == '.' && c[1] == '.')
		return PDS_ATT_E_BND_TRAVERSAL;
	if (n == 1 && c[0] == '.')
		return PDS_ATT_E_BND_PATH;
	for (size_t i = 0; i < n; i++)
		if (c[i] <= ' ' || c[i] > '~' || c[i] == '\\')
			return PDS_ATT_E_BND_PATH;
	return 0;
}

/* Whether a ustar prefix/name split exists (prefix <= 154, name 1..99 bytes). */
static int splittable(const char *path, size_t len)
{
	if (len <= 99)
		return 1;
	for (size_t i = 0; i < len && i <= 154; i++)
		if (path[i] == '/' && len - i - 1 >= 1 && len - i - 1 <= 99)
			return 1;
	return 0;
}

PDS_API int pds_bnd_path_check(const char *path)
{
	size_t len, start = 0;
	int err = 0;

	if (!path || !*path)
		return PDS_ATT_E_BND_PATH;
	if (path[0] == '/')
		return PDS_ATT_E_BND_ABSOLUTE;
	len = strlen(path);
	/* ".." anywhere wins over the other reasons: it is the attack to name */
	for (size_t i = 0; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		int e = component_check(path + start, i - start);

		if (e == PDS_ATT_E_BND_TRAVERSAL)
			return e;
		if (!err)
			err = e;
		start = i + 1;
	}
	if (err)
		return err;
	if (len > PDS_BND_PATH_MAX || !splittable(path, len))
		return PDS_ATT_E_BND_PATH;
	return 0;
}

size_t bnd_lower_bound(const struct pds_bnd *b, const char *path)
{
	size_t lo = 0, hi = b->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->members[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

PDS_API const struct pds_bnd_member *pds_bnd_find(const struct pds_bnd *b, const char *path)
{
	size_t at = bnd_lower_bound(b, path);

	if (at < b->count && !strcmp(b->members[at].path, path))
		return &b->members[at];
	return NULL;
}

int bnd_conflict(const struct pds_bnd *b, const char *path)
{
	size_t len = strlen(path), at;
	char *folder = malloc(len + 2);
	int err = 0;

	if (!folder)
		return PDS_ATT_E_NOMEM;
	/* a member named like one of path's folders */
	for (size_t i = 0; i < len && !err; i++) {
		if (path[i] != '/')
			continue;
		memcpy(folder, path, i);
		folder[i] = '\0';
		if (pds_bnd_find(b, folder))
			err = PDS_ATT_E_BND_CONFLICT;
	}
	/* a member below path, as if path were a folder */
	memcpy(folder, path, len);
	memcpy(folder + len, "/", 2);
	at = bnd_lower_bound(b, folder);
	if (!err && at < b->count && !strncmp(b->members[at].path, folder, len + 1))
		err = PDS_ATT_E_BND_CONFLICT;
	free(folder);
	return err;
}

int bnd_insert(struct pds_bnd *b, size_t at, char *path, uint8_t *data, size_t size)
{
	struct pds_bnd_member *m = realloc(b->members, (b->count + 1) * sizeof(*m));

	if (!m) {
		free(path);
		free(data);
		return PDS_ATT_E_NOMEM;
	}
	b->members = m;
	memmove(m + at + 1, m + at, (b->count - at) * sizeof(*m));
	m[at] = (struct pds_bnd_member){.path = path, .data = data, .size = size};
	crypto_hash_sha256(m[at].sha256, data, size);
	b->count++;
	return 0;
}

static int add_owned(struct pds_bnd *b, const char *path, uint8_t *data, size_t len)
{
	char *p;
	int err = pds_bnd_path_check(path);

	if (!err && !strcmp(path, PDS_BND_SIGNATURES))
		err = PDS_ATT_E_INVAL;
	if (!err && pds_bnd_find(b, path))
		err = PDS_ATT_E_BND_DUPLICATE;
	if (!err)
		err = bnd_conflict(b, path);
	p = err ? NULL : strdup(path);
	if (!err && !p)
		err = PDS_ATT_E_NOMEM;
	if (err) {
		free(data);
		return err;
	}
	return bnd_insert(b, bnd_lower_bound(b, path), p, data, len);
}

PDS_API int pds_bnd_add(struct pds_bnd *b, const char *path, const void *data, size_t len)
{
	uint8_t *copy;

	if (!b || !path || (!data && len))
		return PDS_ATT_E_INVAL;
	copy = malloc(len ? len : 1);
	if (!copy)
		return PDS_ATT_E_NOMEM;
	if (len)
		memcpy(copy, data, len);
	return add_owned(b, path, copy, len);
}

static int read_regular(const char *file, size_t max, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return PDS_ATT_E_IO;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = PDS_ATT_E_IO;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = PDS_ATT_E_BND_MEMBER_SIZE;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = PDS_ATT_E_NOMEM;
		goto out;
	}
	if (att_read_full(fd, buf, (size_t)st.st_size) != 0) {
		err = PDS_ATT_E_IO; /* error, or the file shrank while read */
		goto out;
	}
	got = (size_t)st.st_size;
	*out = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

PDS_API int pds_bnd_add_file(struct pds_bnd *b, const char *path, const char *file)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int err;

	if (!b || !path || !file)
		return PDS_ATT_E_INVAL;
	err = read_regular(file, PDS_BND_DEFAULT_MEMBER_MAX, &data, &len);
	if (err)
		return err;
	return add_owned(b, path, data, len);
}

/* ------------------------------------------------------------------ gzip */

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Raw deflate at a fixed level between our own gzip header and trailer (RFC 1952). */
static int gzip_encode(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
	z_stream zs = {0};
	uLong bound;
	uint8_t *buf;
	int ret;

	if (len > UINT_MAX)
		return PDS_ATT_E_BND_TOTAL_SIZE;
	if (deflateInit2(&zs, GZ_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return PDS_ATT_E_NOMEM;
	bound = deflateBound(&zs, (uLong)len);
	buf = malloc(sizeof(gz_head) + bound + GZ_TRAILER);
	if (!buf) {
		deflateEnd(&zs);
		return PDS_ATT_E_NOMEM;
	}
	memcpy(buf, gz_head, sizeof(gz_head));
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf + sizeof(gz_head);
	zs.avail_out = (uInt)bound;
	ret = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (ret != Z_STREAM_END) {
		free(buf);
		return PDS_ATT_E_NOMEM;
	}
	*out_len = sizeof(gz_head) + zs.total_out;
	put_le32(buf + *out_len, (uint32_t)crc32(0, in, (uInt)len));
	put_le32(buf + *out_len + 4, (uint32_t)len);
	*out_len += GZ_TRAILER;
	*out = buf;
	return 0;
}

struct inflater {
	z_stream zs;
	const struct att_src *src;
	const struct pds_bnd_limits *lim;
	size_t in_len;
	uint8_t *buf;
	size_t cap, used;
};

/*
 * Called whenever inflate stops: refuses the archive as soon as the bytes
 * produced pass the total or the ratio limit, so a bomb never fills memory.
 */
static int inflater_limits(const struct inflater *f)
{
	const struct pds_bnd_limits *lim = f->lim;

	if (f->used > lim->total_max)
		return att_err(f->src, 0, PDS_ATT_E_BND_TOTAL_SIZE,
			       "inflates past %llu bytes, the total size limit",
			       (unsigned long long)lim->total_max);
	if (lim->ratio_max && f->used > PDS_BND_RATIO_FLOOR &&
	    f->used / lim->ratio_max >= f->in_len)
		return att_err(f->src, 0, PDS_ATT_E_BND_RATIO,
			       "%zu compressed bytes inflate past %zu bytes, a ratio over %llu",
			       f->in_len, f->used, (unsigned long long)lim->ratio_max);
	return 0;
}

/* Room for the next chunk; the buffer never grows past total_max + 1. */
static int inflater_room(struct inflater *f)
{
	size_t want, limit = (size_t)f->lim->total_max + 1;
	uint8_t *p;

	if (f->cap - f->used >= INFLATE_CHUNK || f->cap == limit)
		return 0;
	want = f->cap ? f->cap * 2 : INFLATE_CHUNK;
	if (want < f->used + INFLATE_CHUNK)
		want = f->used + INFLATE_CHUNK;
	if (want > limit)
		want = limit;
	p = realloc(f->buf, want);
	if (!p)
		return PDS_ATT_E_NOMEM;
	f->buf = p;
	f->cap = want;
	return 0;
}

/*
 * deflate pads its last byte with bits that inflate ignores; zlib writes them
 * as zero.  Requiring zeros keeps one encoding per archive, so that no bit of
 * a signed bundle can change without the bundle being refused.
 */
static int inflater_pad_bits(const struct inflater *f)
{
	unsigned bits = (unsigned)f->zs.data_type & 63;

	if ((f->zs.data_type & 192) != 192 || bits == 0 || bits > 7)
		return 0;
	if (f->zs.next_in[-1] >> (8 - bits))
		return att_err(f->src, 0, PDS_ATT_E_BND_GZIP,
			       "deflate stream ends with non-zero padding bits");
	return 0;
}

static int inflater_step(struct inflater *f, int *done)
{
	uInt avail;
	int ret, err = inflater_room(f);

	if (err)
		return err;
	avail = (uInt)(f->cap - f->used < INFLATE_CHUNK ? f->cap - f->used : INFLATE_CHUNK);
	f->zs.next_out = f->buf + f->used;
	f->zs.avail_out = avail;
	ret = inflate(&f->zs, Z_BLOCK);
	f->used += avail - f->zs.avail_out;
	err = inflater_limits(f);
	if (err)
		return err;
	if (ret == Z_STREAM_END)
		*done = 1;
	else if (ret == Z_MEM_ERROR)
		return PDS_ATT_E_NOMEM;
	else if (ret == Z_BUF_ERROR && f->zs.avail_in == 0)
		return att_err(f->src, 0, PDS_ATT_E_BND_TRUNCATED, "deflate stream ends early");
	else if (ret != Z_OK && ret != Z_BUF_ERROR)
		return att_err(f->src, 0, PDS_ATT_E_BND_GZIP, "corrupt deflate stream: %s",
			       f->zs.msg ? f->zs.msg : "error");
	return inflater_pad_bits(f);
}

static int gzip_trailer(const struct inflater *f)
{
	const uint8_t *t = f->zs.next_in;

	if (f->zs.avail_in < GZ_TRAILER)
		return att_err(f->src, 0, PDS_ATT_E_BND_TRUNCATED, "gzip trailer is cut short");
	if (f->zs.avail_in > GZ_TRAILER)
		return att_err(f->src, 0, PDS_ATT_E_BND_TRAILING,
			       "%u bytes after the end of the gzip stream",
			       f->zs.avail_in - GZ_TRAILER);
	if (get_le32(t) != (uint32_t)crc32(0, f->buf, (uInt)f->used))
		return att_err(f->src, 0, PDS_ATT_E_BND_GZIP, "gzip CRC-32 mismatch");
	if (get_le32(t + 4) != (uint32_t)f->used)
		return att_err(f->src, 0, PDS_ATT_E_BND_GZIP, "gzip size mismatch");
	return 0;
}

static int gzip_decode(const uint8_t *in, size_t len, const struct att_src *src,
		       const struct pds_bnd_limits *lim, uint8_t **out, size_t *out_len)
{
	struct inflater f = {.src = src, .lim = lim, .in_len = len};
	int done = 0, err = 0;

	if (len < sizeof(gz_head) && !memcmp(in, gz_head, len))
		return att_err(src, 0, PDS_ATT_E_BND_TRUNCATED, "gzip header is cut short");
	if (len < sizeof(gz_head) || memcmp(in, gz_head, sizeof(gz_head)))
		return att_err(
			src, 0, PDS_ATT_E_BND_GZIP,
			"not the gzip header of a bundle (1f 8b 08 00, mtime 0, xfl 2, os 255)");
	if (len > UINT_MAX)
		return att_err(src, 0, PDS_ATT_E_BND_TOTAL_SIZE, "archive too large");
	if (inflateInit2(&f.zs, -15) != Z_OK)
		return PDS_ATT_E_NOMEM;
	f.zs.next_in = (Bytef *)in + sizeof(gz_head);
	f.zs.avail_in = (uInt)(len - sizeof(gz_head));
	while (!done && !err)
		err = inflater_step(&f, &done);
	if (!err)
		err = gzip_trailer(&f);
	inflateEnd(&f.zs);
	if (err) {
		free(f.buf);
		return err;
	}
	*out = f.buf;
	*out_len = f.used;
	return 0;
}

/* ------------------------------------------------------------------ archive */

/*
 * deflate has many encodings of one archive (a match may point at any earlier
 * copy of the same bytes, and tar is full of zeros), and inflate accepts them
 * all.  Re-compressing with the fixed settings and comparing makes the bundle
 * bytes unique: no bit of a signed bundle can change and the bundle still be
 * accepted.  The price: bundles must come from a zlib that compresses like
 * this one (docs/formats.md §9); lim->lenient lifts the check.
 */
static int check_canonical(const uint8_t *tar, size_t tar_len, const void *buf, size_t len,
			   const struct att_src *src)
{
	uint8_t *again = NULL;
	size_t n = 0;
	int err = gzip_encode(tar, tar_len, &again, &n);

	if (!err && (n != len || memcmp(again, buf, len)))
		err = att_err(src, 0, PDS_ATT_E_BND_ENCODING,
			      "the archive is not compressed as pds-bundle compresses it");
	free(again);
	return err;
}

PDS_API int pds_bnd_encode(const struct pds_bnd *b, uint8_t **out, size_t *len)
{
	struct att_buf tar = {0};
	char *p = NULL;
	size_t n = 0;
	int err;

	if (!b || !out || !len)
		return PDS_ATT_E_INVAL;
	bnd_tar_encode(b, &tar);
	err = att_buf_finish(&tar, &p, &n);
	if (err)
		return err;
	err = gzip_encode((const uint8_t *)p, n, out, len);
	free(p);
	return err;
}

PDS_API int pds_bnd_parse(const void *buf, size_t len, const char *file,
			  const struct pds_bnd_limits *lim, const struct pds_att_diag_sink *sink,
			  struct pds_bnd **out)
{
	struct att_src src = {.file = file, .sink = sink};
	struct pds_bnd_limits def;
	struct pds_bnd *b = NULL;
	uint8_t *tar = NULL;
	size_t tar_len = 0;
	int err;

	if (!out || (!buf && len))
		return PDS_ATT_E_INVAL;
	*out = NULL;
	if (!lim) {
		pds_bnd_limits_default(&def);
		lim = &def;
	}
	err = gzip_decode(buf ? buf : "", len, &src, lim, &tar, &tar_len);
	if (err)
		return err;
	err = pds_bnd_new(&b);
	if (!err)
		err = bnd_tar_decode(tar, tar_len, &src, lim, b);
	if (!err && !lim->lenient)
		err = check_canonical(tar, tar_len, buf, len, &src);
	free(tar);
	if (err) {
		pds_bnd_free(b);
		return err;
	}
	*out = b;
	return 0;
}

PDS_API int pds_bnd_load(const char *path, const struct pds_bnd_limits *lim,
			 const struct pds_att_diag_sink *sink, struct pds_bnd **out)
{
	struct att_src src = {.file = path, .sink = sink};
	struct pds_bnd_limits def;
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	if (!path || !out)
		return PDS_ATT_E_INVAL;
	*out = NULL;
	if (!lim) {
		pds_bnd_limits_default(&def);
		lim = &def;
	}
	/* a compressed file larger than its whole inflated limit cannot be valid */
	err = read_regular(path, lim->total_max, &buf, &len);
	if (err == PDS_ATT_E_BND_MEMBER_SIZE)
		return att_err(&src, 0, PDS_ATT_E_BND_TOTAL_SIZE,
			       "file is larger than the total size limit");
	if (err) {
		struct stat st;
		int e = errno;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return att_err(&src, 0, err, "cannot read the bundle: not a regular file");
		return att_err(&src, 0, err, "cannot read the bundle: %s", strerror(e));
	}
	err = pds_bnd_parse(buf, len, path, lim, sink, out);
	free(buf);
	return err;
}

/* Replaces path: temp file beside it, fsync, rename, fsync of the folder. */
static int replace_file(const char *path, const uint8_t *data, size_t len)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16), *slash;
	int fd = -1, err = PDS_ATT_E_IO;
	size_t done = 0;

	if (!tmp)
		return PDS_ATT_E_NOMEM;
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp-XXXXXX", 12);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		done += (size_t)w;
	}
	if (fchmod(fd, 0644) || fsync(fd) || close(fd)) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path))
		goto out;
	slash = strrchr(tmp, '/');
	if (slash)
		slash[1] = '\0';
	fd = open(slash ? tmp : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = (fd >= 0 && fsync(fd) == 0) ? 0 : PDS_ATT_E_IO;
	free(tmp);
	close(fd);
	return err;
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err;
}

PDS_API int pds_bnd_write(const struct pds_bnd *b, const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	if (!b || !path)
		return PDS_ATT_E_INVAL;
	err = pds_bnd_encode(b, &buf, &len);
	if (!err)
		err = replace_file(path, buf, len);
	free(buf);
	return err;
}

/* ------------------------------------------------------------------ signatures */

PDS_API int pds_bnd_signatures_text(const struct pds_bnd *b, char **out, size_t *len)
{
	struct att_buf t = {0};
	char hex[65];

	if (!b || !out || !len)
		return PDS_ATT_E_INVAL;
	att_buf_str(&t, PDS_BND_FORMAT "\n");
	for (size_t i = 0; i < b->count; i++) {
		if (!strcmp(b->members[i].path, PDS_BND_SIGNATURES))
			continue;
		att_hex_encode(b->members[i].sha256, 32, hex);
		att_buf_printf(&t, "%s %s\n", hex, b->members[i].path);
	}
	return att_buf_finish(&t, out, len);
}

/* Puts data as the SIGNATURES member, replacing the one there; takes data. */
static int set_signatures(struct pds_bnd *b, char *data, size_t len)
{
	size_t at = bnd_lower_bound(b, PDS_BND_SIGNATURES);
	char *path;

	if (at < b->count && !strcmp(b->members[at].path, PDS_BND_SIGNATURES)) {
		free(b->members[at].data);
		b->members[at].data = (uint8_t *)data;
		b->members[at].size = len;
		crypto_hash_sha256(b->members[at].sha256, (uint8_t *)data, len);
		return 0;
	}
	path = strdup(PDS_BND_SIGNATURES);
	if (!path) {
		free(data);
		return PDS_ATT_E_NOMEM;
	}
	return bnd_insert(b, at, path, (uint8_t *)data, len);
}

PDS_API int pds_bnd_sign(struct pds_bnd *b, const struct pds_note_signer *s)
{
	const struct pds_bnd_member *m;
	struct pds_note *note = NULL;
	char *text = NULL, *enc = NULL;
	size_t len = 0, enc_len = 0;
	int err;

	if (!b || !s)
		return PDS_ATT_E_INVAL;
	err = pds_bnd_signatures_text(b, &text, &len);
	if (err)
		return err;
	m = pds_bnd_find(b, PDS_BND_SIGNATURES);
	if (m) {
		err = pds_note_parse((const char *)m->data, m->size, PDS_BND_SIGNATURES, NULL,
				     &note);
		/* a second packager signs the very text the first one did */
		if (!err && (note->text_len != len || memcmp(note->text, text, len)))
			err = PDS_ATT_E_BND_STALE;
	} else {
		err = pds_note_new(text, len, &note);
	}
	if (!err)
		err = pds_note_sign(note, s);
	if (!err)
		err = pds_note_encode(note, &enc, &enc_len);
	if (!err)
		err = set_signatures(b, enc, enc_len);
	pds_note_free(note);
	free(text);
	return err;
}

/* One "<hex> <path>" line of the SIGNATURES text, at text[off..end). */
struct sig_line {
	uint8_t sha256[32];
	char path[PDS_BND_PATH_MAX + 1];
	size_t off;
};

static int parse_sig_line(const struct att_src *src, size_t off, size_t end, const char *prev,
			  struct sig_line *l)
{
	const char *s = src->buf + off;
	size_t n = end - off;
	int err;

	l->off = off;
	if (n < 66 || s[64] != ' ' || att_parse_hex(s, 64, l->sha256, 32))
		return att_err(src, off, PDS_ATT_E_BND_SIG_TEXT,
			       "expected \"<sha256 hex> <path>\"");
	if (n - 65 > PDS_BND_PATH_MAX)
		return att_err(src, off + 65, PDS_ATT_E_BND_SIG_TEXT, "path too long");
	memcpy(l->path, s + 65, n - 65);
	l->path[n - 65] = '\0';
	err = pds_bnd_path_check(l->path);
	if (err || !strcmp(l->path, PDS_BND_SIGNATURES))
		return att_err(src, off + 65, PDS_ATT_E_BND_SIG_TEXT, "bad member path '%s'",
			       l->path);
	if (prev && strcmp(prev, l->path) >= 0)
		return att_err(src, off + 65, PDS_ATT_E_BND_SIG_TEXT,
			       "'%s' is not after '%s': paths must be sorted and unique", l->path,
			       prev);
	return 0;
}

/* Compares line l with the members from *next on: each listed member, in order. */
static int match_line(const struct pds_bnd *b, size_t *next, const struct att_src *src,
		      const struct sig_line *l)
{
	const struct pds_bnd_member *m;
	int cmp;

	while (*next < b->count && !strcmp(b->members[*next].path, PDS_BND_SIGNATURES))
		(*next)++;
	m = *next < b->count ? &b->members[*next] : NULL;
	cmp = m ? strcmp(m->path, l->path) : 1;
	if (cmp > 0)
		return att_err(src, l->off + 65, PDS_ATT_E_BND_MEMBER_MISSING,
			       "'%s' is listed but not in the bundle", l->path);
	if (cmp < 0)
		return att_err(src, 0, PDS_ATT_E_BND_MEMBER_UNLISTED,
			       "member '%s' is not listed in SIGNATURES", m->path);
	if (sodium_memcmp(m->sha256, l->sha256, 32))
		return att_err(src, l->off, PDS_ATT_E_BND_HASH,
			       "member '%s' does not have the SHA-256 listed", m->path);
	(*next)++;
	return 0;
}

/*
 * Walks the lines after the format line: with b NULL only their syntax and order
 * are checked; with b each is matched against the members.
 */
static int walk_listing(const struct pds_bnd *b, const struct att_src *src, size_t *next)
{
	const char *t = src->buf, *nl;
	size_t off, first = strlen(PDS_BND_FORMAT) + 1;
	struct sig_line *l = calloc(2, sizeof(*l));
	int err = 0, cur = 0;

	if (!l)
		return PDS_ATT_E_NOMEM;
	for (off = first; off < src->len && !err; off = (size_t)(nl - t) + 1, cur ^= 1) {
		nl = memchr(t + off, '\n', src->len - off);
		err = parse_sig_line(src, off, (size_t)(nl - t),
				     off > first ? l[cur ^ 1].path : NULL, &l[cur]);
		if (!err && b)
			err = match_line(b, next, src, &l[cur]);
	}
	free(l);
	return err;
}

/*
 * The signed text lists exactly the members other than SIGNATURES, with their
 * hashes: the whole text is checked first, so that a malformed text is
 * reported as such and not as the first member it fails to match.
 */
static int check_listing(const struct pds_bnd *b, const struct att_src *src)
{
	size_t next = 0, flen = strlen(PDS_BND_FORMAT);
	int err;

	/* the note's text always ends in a newline (signed-note), so every line has one */
	if (src->len < flen + 1 || memcmp(src->buf, PDS_BND_FORMAT "\n", flen + 1))
		return att_err(src, 0, PDS_ATT_E_BND_SIG_TEXT, "first line is not \"%s\"",
			       PDS_BND_FORMAT);
	err = walk_listing(NULL, src, &next);
	if (!err)
		err = walk_listing(b, src, &next);
	for (; !err && next < b->count; next++)
		if (strcmp(b->members[next].path, PDS_BND_SIGNATURES))
			err = att_err(src, 0, PDS_ATT_E_BND_MEMBER_UNLISTED,
				      "member '%s' is not listed in SIGNATURES",
				      b->members[next].path);
	return err;
}

/*
 * Every required packager must have signed.  pds_note_verify is asked for one
 * good signature so that it reports which keys signed; a missing one is then
 * named.  Any bad signature by a required key refuses the bundle.
 */
static int check_packagers(const struct pds_note *note, const struct att_src *src,
			   const struct pds_note_verifier *packagers, size_t n)
{
	unsigned char *ok = calloc(n, 1);
	size_t i = 0;
	int err;

	if (!ok)
		return PDS_ATT_E_NOMEM;
	err = pds_note_verify(note, packagers, n, 1, ok);
	while (!err && i < n && ok[i])
		i++;
	if (err == PDS_ATT_E_NOTE_BAD_SIG)
		err = att_err(src, 0, PDS_ATT_E_BND_PACKAGER_BAD,
			      "a required packager's signature does not verify");
	else if (err == PDS_ATT_E_NOTE_UNVERIFIED || (!err && i < n))
		err = att_err(src, 0, PDS_ATT_E_BND_PACKAGER_MISSING,
			      "packager '%s' (key id %08x) has not signed", packagers[i].name,
			      packagers[i].id);
	else if (err)
		err = att_err(src, 0, err, "packager signatures: %s", pds_att_strerror(err));
	free(ok);
	return err;
}

PDS_API int pds_bnd_verify_signatures(const struct pds_bnd *b, const char *file,
				      const struct pds_note_verifier *packagers, size_t npackagers,
				      const struct pds_att_diag_sink *sink)
{
	const struct pds_bnd_member *m;
	struct pds_note *note = NULL;
	struct att_src src = {.sink = sink};
	char name[PATH_MAX];
	int err;

	if (!b || !packagers || npackagers == 0)
		return PDS_ATT_E_INVAL;
	snprintf(name, sizeof(name), "%s:%s", file ? file : "<bundle>", PDS_BND_SIGNATURES);
	src.file = name;
	m = pds_bnd_find(b, PDS_BND_SIGNATURES);
	if (!m)
		return att_err(&src, 0, PDS_ATT_E_BND_UNSIGNED, "the bundle has no %s member",
			       PDS_BND_SIGNATURES);
	err = pds_note_parse((const char *)m->data, m->size, name, sink, &note);
	if (err)
		return err;
	err = check_packagers(note, &src, packagers, npackagers);
	if (!err) {
		src.buf = note->text;
		src.len = note->text_len;
		err = check_listing(b, &src);
	}
	pds_note_free(note);
	return err;
}

/* ------------------------------------------------------------------ extraction */

static int write_all(int fd, const uint8_t *p, size_t n)
{
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

/* Opens (creating when needed) each folder of path below root; returns the last one's fd. */
static int open_parent(int root, char *path, char **base)
{
	int fd = dup(root);
	char *c = path, *slash;

	while (fd >= 0 && (slash = strchr(c, '/'))) {
		int sub;

		*slash = '\0';
		if (mkdirat(fd, c, 0755) && errno != EEXIST)
			sub = -1;
		else
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		*slash = '/';
		close(fd);
		fd = sub;
		c = slash + 1;
	}
	*base = c;
	return fd;
}

static int extract_member(int root, const struct pds_bnd_member *m)
{
	char *path = strdup(m->path), *base;
	int dfd, fd = -1, err = PDS_ATT_E_IO;

	if (!path)
		return PDS_ATT_E_NOMEM;
	dfd = open_parent(root, path, &base);
	if (dfd < 0)
		goto out;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 && !write_all(fd, m->data, m->size) && !fsync(fd) && !fsync(dfd))
		err = 0;
out:
	if (fd >= 0 && close(fd))
		err = PDS_ATT_E_IO;
	if (dfd >= 0)
		close(dfd);
	free(path);
	return err;
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* fsync the folder that holds path. */
static int sync_parent(const char *path)
{
	char *copy = strdup(path), *slash;
	int fd, err;

	if (!copy)
		return PDS_ATT_E_NOMEM;
	slash = strrchr(copy, '/');
	if (slash)
		slash[slash == copy ? 1 : 0] = '\0';
	fd = open(slash ? copy : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = (fd >= 0 && fsync(fd) == 0) ? 0 : PDS_ATT_E_IO;
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

static int extract_into(const struct pds_bnd *b, const char *tmp, const struct att_src *src)
{
	int root = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (root < 0 || fchmod(root, 0755))
		err = att_err(src, 0, PDS_ATT_E_IO, "cannot open '%s': %s", tmp, strerror(errno));
	for (size_t i = 0; i < b->count && !err; i++) {
		err = extract_member(root, &b->members[i]);
		if (err)
			err = att_err(src, 0, err, "cannot write '%s' under '%s': %s",
				      b->members[i].path, tmp, strerror(errno));
	}
	if (!err && fsync(root))
		err = att_err(src, 0, PDS_ATT_E_IO, "cannot sync '%s'", tmp);
	if (root >= 0)
		close(root);
	return err;
}

PDS_API int pds_bnd_extract(const struct pds_bnd *b, const char *dir,
			    const struct pds_att_diag_sink *sink)
{
	struct att_src src = {.file = dir, .sink = sink};
	struct stat st;
	size_t n;
	char *tmp;
	int err;

	if (!b || !dir || !*dir)
		return PDS_ATT_E_INVAL;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!lstat(dir, &st))
		return att_err(&src, 0, PDS_ATT_E_EXISTS,
			       "already exists; extraction makes a new folder");
	tmp = malloc(n + 16);
	if (!tmp)
		return PDS_ATT_E_NOMEM;
	memcpy(tmp, dir, n);
	memcpy(tmp + n, ".tmp-XXXXXX", 12);
	if (!mkdtemp(tmp)) {
		err = att_err(&src, 0, PDS_ATT_E_IO, "cannot create a folder beside it: %s",
			      strerror(errno));
		free(tmp);
		return err;
	}
	err = extract_into(b, tmp, &src);
	if (!err && renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE))
		err = att_err(&src, 0, errno == EEXIST ? PDS_ATT_E_EXISTS : PDS_ATT_E_IO,
			      "cannot rename '%s' into place: %s", tmp, strerror(errno));
	if (err)
		nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		err = sync_parent(dir);
	free(tmp);
	return err;
}
