/* SPDX-License-Identifier: MIT */
/*
 * Private helpers of the text formats (keys, notes, checkpoints, proofs,
 * attestations): strict base64 and decimal, UTF-8 checks, diagnostics and
 * crash-safe file creation.
 */
#ifndef PDS_ATT_FMT_H
#define PDS_ATT_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>

#define ATT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ATT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Where a diagnostic points: the input, its name, and a byte offset in it. */
struct att_src {
	const char *file;
	const char *buf;
	size_t len;
	const struct pds_att_diag_sink *sink;
};

/*
 * Sends "file:line:col" for byte offset off of src (line and column computed
 * from the buffer) and returns code, so that callers can "return att_err(…)".
 */
int att_err(const struct att_src *src, size_t off, int code, const char *fmt, ...) ATT_PRINTF(4, 5);

/*
 * A sink that forwards to another one with line numbers shifted by lines: for
 * parsing a part of a file (the checkpoint inside a tlog-proof) with the
 * positions of the whole file.  Initialise with att_shift_init, then pass
 * &shift->self.
 */
struct att_shift {
	const struct pds_att_diag_sink *to;
	unsigned lines;
	struct pds_att_diag_sink self;
};

void att_shift_init(struct att_shift *sh, const struct pds_att_diag_sink *to, const char *buf,
		    size_t off);

/* Length of the standard, padded base64 encoding of n bytes. */
static inline size_t att_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* Encodes n bytes into out (att_b64_len(n) + 1 bytes, NUL-terminated). */
void att_b64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decodes the one canonical standard base64 encoding (RFC 4648 §4, padded,
 * zero pad bits, no whitespace) of at most cap bytes; 0 on success.
 */
int att_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* Decimal without leading zeros ("0" alone allowed), at most max; 0 on success. */
int att_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Lowercase hex of exactly 2*n digits; 0 on success. */
int att_parse_hex(const char *s, size_t len, uint8_t *out, size_t n);
void att_hex_encode(const uint8_t *in, size_t n, char *out);

/*
 * Signed-note text rules (c2sp.org/signed-note, Format): valid UTF-8 and no
 * control character below U+0020 but newline.  Returns 0, PDS_ATT_E_NOTE_UTF8
 * or PDS_ATT_E_NOTE_CONTROL with *bad set to the offending offset.
 */
int att_check_text(const char *s, size_t len, size_t *bad);

/*
 * Key name rules (signed-note, Format): non-empty, at most PDS_NOTE_NAME_MAX
 * bytes, valid UTF-8, no Unicode space, no '+', no control character.
 */
int att_check_name(const char *s, size_t len);

/* Big-endian helpers. */
static inline uint32_t att_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void att_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Growable byte buffer for encoders; on allocation failure err is set and appends stop. */
struct att_buf {
	char *p;
	size_t len, cap;
	int err;
};

void att_buf_add(struct att_buf *b, const void *data, size_t n);
void att_buf_str(struct att_buf *b, const char *s);
void att_buf_printf(struct att_buf *b, const char *fmt, ...) ATT_PRINTF(2, 3);
/* Hands the NUL-terminated buffer to the caller or frees it on error. */
int att_buf_finish(struct att_buf *b, char **out, size_t *len);

/*
 * Creates path with exactly data, never replacing an existing file: writes a
 * temporary file in the same folder, fsyncs it, links it to path (which fails
 * if path exists), removes the temporary name and fsyncs the folder.  A crash
 * leaves either no file at path or the whole file.  Returns PDS_ATT_E_EXISTS
 * when path exists.
 */
int att_create_file(const char *path, const void *data, size_t len, unsigned mode);

/* Reads a whole file of at most max bytes into a malloc'd, NUL-terminated buffer. */
int att_read_file(const char *path, size_t max, char **out, size_t *len);
/*
 * Reads exactly n bytes from fd into buf, retrying on EINTR: 0, or -1 with errno
 * set (0 when the file ended early, having shrunk while read).
 */
int att_read_full(int fd, void *buf, size_t n);

#endif
