// SPDX-License-Identifier: MIT
/*
 * Strict encodings shared by the text formats.  Every format of this library
 * accepts exactly one encoding of a value, so each decoder here re-checks that
 * its input is the canonical one rather than merely decodable.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/note.h>

#include "attest/att_fmt.h"

int att_err(const struct att_src *src, size_t off, int code, const char *fmt, ...)
{
	struct pds_att_diag d = {0};
	char msg[512];
	va_list ap;

	if (!src || !src->sink || !src->sink->fn)
		return code;
	d.file = src->file ? src->file : "<input>";
	d.code = code;
	d.rule = pds_att_rule(code);
	if (src->buf && off <= src->len) {
		size_t bol = 0;

		d.line = 1;
		for (size_t i = 0; i < off; i++)
			if (src->buf[i] == '\n') {
				d.line++;
				bol = i + 1;
			}
		d.col = (unsigned)(off - bol + 1);
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.msg = msg;
	src->sink->fn(src->sink->ctx, &d);
	return code;
}

static void shift_fn(void *ctx, const struct pds_att_diag *d)
{
	const struct att_shift *sh = ctx;
	struct pds_att_diag copy = *d;

	if (copy.line)
		copy.line += sh->lines;
	if (sh->to && sh->to->fn)
		sh->to->fn(sh->to->ctx, &copy);
}

void att_shift_init(struct att_shift *sh, const struct pds_att_diag_sink *to, const char *buf,
		    size_t off)
{
	sh->to = to;
	sh->lines = 0;
	if (off) {
		const char *p = buf, *end = buf + off;

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			sh->lines++;
			p++;
		}
	}
	sh->self.fn = shift_fn;
	sh->self.ctx = sh;
}

void att_b64_encode(const uint8_t *in, size_t n, char *out)
{
	sodium_bin2base64(out, att_b64_len(n) + 1, in, n, sodium_base64_VARIANT_ORIGINAL);
}

/* The value of one base64 character (RFC 4648 §4), or -1. */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict padded base64: whole 4-character groups, '=' only as the last one
 * or two characters, and zero pad bits, so that one byte string has exactly
 * one accepted spelling.
 */
int att_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t pad, n;

	if (len == 0 || len % 4 != 0)
		return -1;
	pad = u[len - 1] == '=' ? (u[len - 2] == '=' ? 2 : 1) : 0;
	n = len / 4 * 3 - pad;
	if (n > cap)
		return -1;
	for (size_t i = 0, o = 0; i < len; i += 4) {
		int v[4];
		uint32_t w;
		size_t k = i + 4 == len ? 4 - pad : 4;

		for (size_t j = 0; j < 4; j++) {
			v[j] = j < k ? b64_value(u[i + j]) : 0;
			if (v[j] < 0)
				return -1;
		}
		w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
		    (uint32_t)v[3];
		if ((k == 3 && (w & 0xff)) || (k == 2 && (w & 0xffff)))
			return -1; /* pad bits set: not the canonical spelling */
		out[o++] = (uint8_t)(w >> 16);
		if (k > 2)
			out[o++] = (uint8_t)(w >> 8);
		if (k > 3)
			out[o++] = (uint8_t)w;
	}
	*out_len = n;
	return 0;
}

int att_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int att_parse_hex(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void att_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * Decodes one UTF-8 sequence at s (RFC 3629 §4: shortest form only, no
 * surrogates, at most U+10FFFF); returns its length or 0 if invalid.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int att_check_text(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		/* Printable ASCII and newlines, the whole of a well-formed note. */
		if ((u[i] >= 0x20 && u[i] < 0x80) || u[i] == '\n') {
			i++;
			continue;
		}
		n = utf8_decode(u + i, len - i, &cp);
		if (!n) {
			*bad = i;
			return PDS_ATT_E_NOTE_UTF8;
		}
		if (cp < 0x20 && cp != '\n') {
			*bad = i;
			return PDS_ATT_E_NOTE_CONTROL;
		}
		i += n;
	}
	return 0;
}

/* Unicode White_Space characters (Unicode 15, PropList.txt). */
static int is_unicode_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

int att_check_name(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	if (len == 0 || len > PDS_NOTE_NAME_MAX)
		return -1;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);

		if (!n || cp < 0x20 || cp == 0x7f || cp == '+' || is_unicode_space(cp))
			return -1;
		i += n;
	}
	return 0;
}

void att_buf_add(struct att_buf *b, const void *data, size_t n)
{
	if (b->err)
		return;
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap - b->len <= n) {
			if (cap > SIZE_MAX / 2) {
				b->err = PDS_ATT_E_NOMEM;
				return;
			}
			cap *= 2;
		}
		p = realloc(b->p, cap);
		if (!p) {
			b->err = PDS_ATT_E_NOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void att_buf_str(struct att_buf *b, const char *s)
{
	att_buf_add(b, s, strlen(s));
}

void att_buf_printf(struct att_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		if (!b->err)
			b->err = PDS_ATT_E_INVAL;
		return;
	}
	att_buf_add(b, tmp, (size_t)n);
}

int att_buf_finish(struct att_buf *b, char **out, size_t *len)
{
	if (!b->err && !b->p)
		att_buf_add(b, "", 0);
	if (b->err) {
		free(b->p);
		b->p = NULL;
		return b->err;
	}
	*out = b->p;
	if (len)
		*len = b->len;
	b->p = NULL;
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

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

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, ret;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

int att_create_file(const char *path, const void *data, size_t len, unsigned mode)
{
	char tmp[PATH_MAX];
	int fd, err = PDS_ATT_E_IO;
	struct stat st;

	if (!path || !*path)
		return PDS_ATT_E_INVAL;
	if (lstat(path, &st) == 0)
		return PDS_ATT_E_EXISTS;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return PDS_ATT_E_INVAL;
	/* O_EXCL on the temporary name too: never write through a planted link. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return PDS_ATT_E_IO;
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		close(fd);
		goto out;
	}
	if (close(fd))
		goto out;
	/* link() refuses an existing target, so the final name is never replaced. */
	if (link(tmp, path)) {
		err = errno == EEXIST ? PDS_ATT_E_EXISTS : PDS_ATT_E_IO;
		goto out;
	}
	err = 0;
out:
	unlink(tmp);
	if (fsync_dir_of(path) && !err)
		err = PDS_ATT_E_IO;
	return err;
}

int att_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct att_buf b = {0};
	char chunk[4096];
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PDS_ATT_E_IO;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = PDS_ATT_E_IO;
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			err = PDS_ATT_E_NOTE_SIZE;
			break;
		}
		att_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (err) {
		free(b.p);
		return err;
	}
	return att_buf_finish(&b, out, len);
}

int att_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
