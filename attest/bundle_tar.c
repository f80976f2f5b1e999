// SPDX-License-Identifier: MIT
/*
 * The ustar layer of bundles, after POSIX.1-2017 "pax", section ustar Interchange
 * Format: 512-byte header blocks, octal numeric fields, a checksum that is the
 * sum of the header's bytes with the checksum field read as spaces, the path
 * split into prefix and name, member data padded to a block, and two zero
 * blocks at the end.
 *
 * The writer emits one exact form (docs/formats.md §9); the reader accepts
 * regular-file members only and is strict where POSIX leaves room, because an
 * extracted bundle must hold exactly what its SIGNATURES hash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/bundle_internal.h"

/* Header layout (POSIX ustar): offset and width of each field. */
enum {
	H_NAME = 0,
	H_NAME_LEN = 100,
	H_MODE = 100,
	H_UID = 108,
	H_GID = 116,
	H_SIZE = 124,
	H_MTIME = 136,
	H_CHKSUM = 148,
	H_TYPEFLAG = 156,
	H_LINKNAME = 157,
	H_MAGIC = 257,
	H_VERSION = 263,
	H_UNAME = 265,
	H_GNAME = 297,
	H_DEVMAJOR = 329,
	H_DEVMINOR = 337,
	H_PREFIX = 345,
	H_PREFIX_LEN = 155,
	H_ID_LEN = 32,
};

#define NAME_MAX_BYTES (H_NAME_LEN - 1)
#define PREFIX_MAX_BYTES (H_PREFIX_LEN - 1)

struct numfield {
	const char *name;
	unsigned off, width;
};

/* The numeric fields the reader parses; devmajor/devminor may also be empty. */
static const struct numfield num_fields[] = {
	{"mode", H_MODE, 8},	     {"uid", H_UID, 8},		  {"gid", H_GID, 8},
	{"size", H_SIZE, 12},	     {"mtime", H_MTIME, 12},	  {"chksum", H_CHKSUM, 8},
	{"devmajor", H_DEVMAJOR, 8}, {"devminor", H_DEVMINOR, 8},
};

struct typeinfo {
	char flag;
	int code;
	const char *what;
};

/* Typeflags refused, each with the reason an extraction must not follow it. */
static const struct typeinfo refused_types[] = {
	{'1', PDS_ATT_E_BND_LINK, "a hard link"},
	{'2', PDS_ATT_E_BND_LINK, "a symbolic link"},
	{'3', PDS_ATT_E_BND_DEVICE, "a character device"},
	{'4', PDS_ATT_E_BND_DEVICE, "a block device"},
	{'6', PDS_ATT_E_BND_DEVICE, "a FIFO"},
	{'5', PDS_ATT_E_BND_TYPE, "a directory (bundles hold files only)"},
};

static int bnd_err(const struct att_src *src, size_t off, int code, const char *fmt, ...)
	ATT_PRINTF(4, 5);

static int bnd_err(const struct att_src *src, size_t off, int code, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return att_err(src, 0, code, "archive offset %zu: %s", off, msg);
}

/* ------------------------------------------------------------------ writer */

/* width-1 zero-padded octal digits and a NUL, as GNU and BSD tar write them. */
static void put_octal(uint8_t *f, unsigned width, uint64_t v)
{
	for (unsigned i = width - 1; i-- > 0; v >>= 3)
		f[i] = (uint8_t)('0' + (v & 7));
	f[width - 1] = '\0';
}

static unsigned header_sum(const uint8_t *h)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < BND_BLOCK; i++)
		sum += (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : h[i];
	return sum;
}

/* Index of the '/' splitting path into prefix and name, or -1 when none is needed or fits. */
static long split_at(const char *path, size_t len)
{
	if (len <= NAME_MAX_BYTES)
		return -1;
	for (size_t i = 0; i < len && i <= PREFIX_MAX_BYTES; i++)
		if (path[i] == '/' && len - i - 1 <= NAME_MAX_BYTES && len - i - 1 > 0)
			return (long)i;
	return -2;
}

static void write_header(uint8_t *h, const struct pds_bnd_member *m)
{
	size_t len = strlen(m->path);
	long cut = split_at(m->path, len);

	memset(h, 0, BND_BLOCK);
	if (cut >= 0) {
		memcpy(h + H_PREFIX, m->path, (size_t)cut);
		memcpy(h + H_NAME, m->path + cut + 1, len - (size_t)cut - 1);
	} else {
		memcpy(h + H_NAME, m->path, len);
	}
	put_octal(h + H_MODE, 8, 0644);
	put_octal(h + H_UID, 8, 0);
	put_octal(h + H_GID, 8, 0);
	put_octal(h + H_SIZE, 12, m->size);
	put_octal(h + H_MTIME, 12, 0);
	h[H_TYPEFLAG] = '0';
	memcpy(h + H_MAGIC, "ustar", 6);
	memcpy(h + H_VERSION, "00", 2);
	memcpy(h + H_UNAME, "root", 4);
	memcpy(h + H_GNAME, "root", 4);
	put_octal(h + H_DEVMAJOR, 8, 0);
	put_octal(h + H_DEVMINOR, 8, 0);
	/* six digits, NUL, space: the form every tar writes and reads */
	put_octal(h + H_CHKSUM, 7, header_sum(h));
	h[H_CHKSUM + 7] = ' ';
}

void bnd_tar_encode(const struct pds_bnd *b, struct att_buf *out)
{
	static const uint8_t zeros[2 * BND_BLOCK];
	uint8_t h[BND_BLOCK];

	for (size_t i = 0; i < b->count; i++) {
		const struct pds_bnd_member *m = &b->members[i];

		write_header(h, m);
		att_buf_add(out, h, sizeof(h));
		att_buf_add(out, m->data, m->size);
		att_buf_add(out, zeros, (BND_BLOCK - m->size % BND_BLOCK) % BND_BLOCK);
	}
	att_buf_add(out, zeros, sizeof(zeros));
}

/* ------------------------------------------------------------------ reader */

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* At least one octal digit, then only NULs and spaces to the end of the field. */
static int get_octal(const uint8_t *f, unsigned width, uint64_t *v)
{
	unsigned i = 0;

	*v = 0;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++)
		*v = *v << 3 | (uint64_t)(f[i] - '0');
	if (i == 0 || i > 21)
		return -1;
	for (; i < width; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	return 0;
}

/* A NUL-terminated string in a field of width bytes, NUL-padded after it. */
static int get_string(const uint8_t *f, unsigned width, size_t *len)
{
	const uint8_t *nul = memchr(f, 0, width);

	if (!nul)
		return -1;
	*len = (size_t)(nul - f);
	return all_zero(nul, width - *len) ? 0 : -1;
}

static int check_fields(const uint8_t *h, const struct att_src *src, size_t off, uint64_t *size)
{
	size_t n;
	uint64_t v;

	if (memcmp(h + H_MAGIC, "ustar", 6) || memcmp(h + H_VERSION, "00", 2))
		return bnd_err(src, off, PDS_ATT_E_BND_HEADER, "not a POSIX ustar header");
	for (size_t i = 0; i < ATT_ARRAY_SIZE(num_fields); i++) {
		const struct numfield *f = &num_fields[i];
		int dev = f->off == H_DEVMAJOR || f->off == H_DEVMINOR;

		if (dev && all_zero(h + f->off, f->width))
			continue;
		if (get_octal(h + f->off, f->width, &v))
			return bnd_err(src, off, PDS_ATT_E_BND_HEADER, "field '%s' is not octal",
				       f->name);
		if (f->off == H_SIZE)
			*size = v;
	}
	if (get_string(h + H_NAME, H_NAME_LEN, &n) || n == 0)
		return bnd_err(src, off, PDS_ATT_E_BND_HEADER,
			       "name is empty or not NUL-terminated and NUL-padded");
	if (get_string(h + H_PREFIX, H_PREFIX_LEN, &n))
		return bnd_err(src, off, PDS_ATT_E_BND_HEADER,
			       "prefix is not NUL-terminated and NUL-padded");
	if (get_string(h + H_UNAME, H_ID_LEN, &n) || get_string(h + H_GNAME, H_ID_LEN, &n))
		return bnd_err(src, off, PDS_ATT_E_BND_HEADER,
			       "owner name is not NUL-terminated and NUL-padded");
	return 0;
}

static int check_type(const uint8_t *h, const struct att_src *src, size_t off, const char *path)
{
	char t = (char)h[H_TYPEFLAG];

	for (size_t i = 0; i < ATT_ARRAY_SIZE(refused_types); i++)
		if (refused_types[i].flag == t)
			return bnd_err(src, off, refused_types[i].code, "'%s' is %s", path,
				       refused_types[i].what);
	if (t != '0' && t != '\0')
		return bnd_err(src, off, PDS_ATT_E_BND_TYPE, "'%s' has typeflag 0x%02x", path,
			       (unsigned)(uint8_t)t);
	if (h[H_LINKNAME] != '\0' || !all_zero(h + H_LINKNAME, H_NAME_LEN))
		return bnd_err(src, off, PDS_ATT_E_BND_HEADER, "regular file '%s' has a link name",
			       path);
	return 0;
}

/* prefix + '/' + name, or name alone. */
static char *header_path(const uint8_t *h)
{
	size_t pl = strlen((const char *)h + H_PREFIX), nl = strlen((const char *)h + H_NAME);
	char *p = malloc(pl + nl + 2);

	if (!p)
		return NULL;
	if (pl) {
		memcpy(p, h + H_PREFIX, pl);
		p[pl++] = '/';
	}
	memcpy(p + pl, h + H_NAME, nl + 1);
	return p;
}

/* Where a new member may go: after every member so far, unique, no folder clash. */
static int check_place(const struct pds_bnd *b, const struct att_src *src, size_t off,
		       const char *path)
{
	size_t at = bnd_lower_bound(b, path);

	if (at < b->count && !strcmp(b->members[at].path, path))
		return bnd_err(src, off, PDS_ATT_E_BND_DUPLICATE, "second member '%s'", path);
	if (at != b->count)
		return bnd_err(src, off, PDS_ATT_E_BND_ORDER, "'%s' comes after '%s'", path,
			       b->members[b->count - 1].path);
	if (bnd_conflict(b, path))
		return bnd_err(src, off, PDS_ATT_E_BND_CONFLICT,
			       "'%s' and another member cannot both be extracted", path);
	return 0;
}

/* Checks the header at tar+off and the data after it; on success *path is malloc'd. */
static int read_header(const uint8_t *tar, size_t len, size_t off, const struct att_src *src,
		       const struct pds_bnd_limits *lim, uint64_t *size, char **path)
{
	const uint8_t *h = tar + off;
	uint64_t stored;
	int err;

	if (get_octal(h + H_CHKSUM, 8, &stored) || stored != header_sum(h))
		return bnd_err(src, off, PDS_ATT_E_BND_CHECKSUM, "header checksum mismatch");
	err = check_fields(h, src, off, size);
	if (err)
		return err;
	*path = header_path(h);
	if (!*path)
		return PDS_ATT_E_NOMEM;
	err = pds_bnd_path_check(*path);
	if (err)
		return bnd_err(src, off, err, "member path '%s': %s", *path, pds_att_strerror(err));
	err = check_type(h, src, off, *path);
	if (err)
		return err;
	if (*size > lim->member_max)
		return bnd_err(src, off, PDS_ATT_E_BND_MEMBER_SIZE,
			       "'%s' has %llu bytes, over the limit of %llu", *path,
			       (unsigned long long)*size, (unsigned long long)lim->member_max);
	if (*size > len - off - BND_BLOCK)
		return bnd_err(src, off, PDS_ATT_E_BND_TRUNCATED, "'%s' data ends early", *path);
	return 0;
}

/* The rest of the archive after its member data: data padding, then the end blocks. */
static int read_member(const uint8_t *tar, size_t len, size_t *off, const struct att_src *src,
		       const struct pds_bnd_limits *lim, struct pds_bnd *b)
{
	uint64_t size = 0;
	char *path = NULL;
	uint8_t *data = NULL;
	size_t pad, start = *off;
	int err;

	if (b->count >= lim->members_max) {
		err = bnd_err(src, start, PDS_ATT_E_BND_COUNT, "more than %llu members",
			      (unsigned long long)lim->members_max);
		goto out;
	}
	err = read_header(tar, len, start, src, lim, &size, &path);
	if (err)
		goto out;
	pad = (BND_BLOCK - size % BND_BLOCK) % BND_BLOCK;
	if (pad > len - start - BND_BLOCK - size) {
		err = bnd_err(src, start, PDS_ATT_E_BND_TRUNCATED, "'%s' padding ends early", path);
		goto out;
	}
	if (!all_zero(tar + start + BND_BLOCK + size, pad)) {
		err = bnd_err(src, start, PDS_ATT_E_BND_HEADER,
			      "'%s' is padded with non-zero bytes", path);
		goto out;
	}
	err = check_place(b, src, start, path);
	if (err)
		goto out;
	data = malloc(size ? size : 1);
	if (!data) {
		err = PDS_ATT_E_NOMEM;
		goto out;
	}
	memcpy(data, tar + start + BND_BLOCK, size);
	err = bnd_insert(b, b->count, path, data, size);
	path = NULL;
	data = NULL;
	*off = start + BND_BLOCK + size + pad;
out:
	free(path);
	free(data);
	return err;
}

/* Two zero blocks end the archive (POSIX); only zero blocks may follow them. */
static int read_end(const uint8_t *tar, size_t len, size_t off, const struct att_src *src)
{
	if (len - off < 2 * BND_BLOCK)
		return bnd_err(src, off, PDS_ATT_E_BND_TRUNCATED,
			       "archive ends after one end-of-archive block");
	if (!all_zero(tar + off + BND_BLOCK, len - off - BND_BLOCK))
		return bnd_err(src, off + BND_BLOCK, PDS_ATT_E_BND_TRAILING,
			       "data after an end-of-archive block");
	if (len % BND_BLOCK)
		return bnd_err(src, len, PDS_ATT_E_BND_TRAILING,
			       "archive is not a whole number of blocks");
	return 0;
}

int bnd_tar_decode(const uint8_t *tar, size_t len, const struct att_src *src,
		   const struct pds_bnd_limits *lim, struct pds_bnd *b)
{
	size_t off = 0;
	int err;

	for (;;) {
		if (len - off < BND_BLOCK)
			return bnd_err(src, off, PDS_ATT_E_BND_TRUNCATED,
				       "archive ends without end-of-archive blocks");
		if (all_zero(tar + off, BND_BLOCK))
			return read_end(tar, len, off, src);
		err = read_member(tar, len, &off, src, lim, b);
		if (err)
			return err;
	}
}
