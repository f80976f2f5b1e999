// SPDX-License-Identifier: MIT
/*
 * C2SP tlog-tiles: tile paths, tile and entry-bundle parsing, and the
 * tlog-checkpoint body (c2sp.org/tlog-checkpoint, "Note text").
 *
 * A level-L tile holds up to 256 consecutive stored hashes of tree level 8L;
 * the seven levels between two tile levels are recomputed from the bottom row.
 * Entry bundles hold the entries themselves, 256 per bundle.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/tlog.h>

#include "tlog_internal.h"

static const char *tlog_rule(int code)
{
	switch (code) {
#define TLOG_RULE_CASE(name, value, rule, desc)                                                    \
	case value:                                                                                \
		return rule;
		PDS_ATT_ERRORS(TLOG_RULE_CASE)
#undef TLOG_RULE_CASE
	}
	return "unknown";
}

int tlog_diag(const struct pds_att_diag_sink *sink, const char *file, unsigned line, unsigned col,
	      int code, const char *fmt, ...)
{
	char msg[256];
	struct pds_att_diag d;
	va_list ap;

	if (!sink || !sink->fn)
		return code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.file = file ? file : "<input>";
	d.line = line;
	d.col = col;
	d.code = code;
	d.rule = tlog_rule(code);
	d.msg = msg;
	sink->fn(sink->ctx, &d);
	return code;
}

void tlog_fold_subtree(const struct pds_tlog_hash *h, size_t count, struct pds_tlog_hash *out)
{
	struct pds_tlog_hash buf[PDS_TLOG_TILE_WIDTH / 2];

	if (count == 1) {
		*out = h[0];
		return;
	}
	/* Pairwise, level by level: count is a power of two no larger than a tile. */
	for (size_t i = 0; i < count / 2; i++)
		pds_tlog_node_hash(&h[2 * i], &h[2 * i + 1], &buf[i]);
	for (count /= 2; count > 1; count /= 2)
		for (size_t i = 0; i < count / 2; i++)
			pds_tlog_node_hash(&buf[2 * i], &buf[2 * i + 1], &buf[i]);
	*out = buf[0];
}

/* ---------------------------------------------------------------- paths */

static int put_index(char *buf, size_t size, size_t *off, uint64_t n)
{
	char groups[8][4];
	int ng = 0, w;

	/* tlog-tiles: 3-digit groups, most significant first, all but the last "x"-prefixed. */
	do {
		snprintf(groups[ng++], sizeof(groups[0]), "%03u", (unsigned)(n % 1000));
		n /= 1000;
	} while (n > 0);
	while (ng-- > 0) {
		w = snprintf(buf + *off, size - *off, ng ? "x%s/" : "%s", groups[ng]);
		if (w < 0 || (size_t)w >= size - *off)
			return PDS_ATT_E_INVAL;
		*off += (size_t)w;
	}
	return 0;
}

int pds_tlog_tile_path(const struct pds_tlog_tile *t, char *buf, size_t size)
{
	size_t off;
	int w, err;

	if (t->width < 1 || t->width > PDS_TLOG_TILE_WIDTH || t->level < PDS_TLOG_ENTRIES_LEVEL ||
	    t->level >= 8)
		return PDS_ATT_E_INVAL;
	if (t->level == PDS_TLOG_ENTRIES_LEVEL)
		w = snprintf(buf, size, "tile/entries/");
	else
		w = snprintf(buf, size, "tile/%d/", t->level);
	if (w < 0 || (size_t)w >= size)
		return PDS_ATT_E_INVAL;
	off = (size_t)w;
	err = put_index(buf, size, &off, t->n);
	if (err)
		return err;
	if (t->width < PDS_TLOG_TILE_WIDTH) {
		w = snprintf(buf + off, size - off, ".p/%u", t->width);
		if (w < 0 || (size_t)w >= size - off)
			return PDS_ATT_E_INVAL;
	}
	return 0;
}

/* Exactly three decimal digits. */
static int take3(const char **p, unsigned *v)
{
	const char *s = *p;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return -1;
	*v = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
	*p = s + 3;
	return 0;
}

/* Decimal without leading zeros, at most max. */
static int take_dec(const char **p, uint64_t max, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (d > max || x > (max - d) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = x;
	return 0;
}

static int parse_index(const char **p, uint64_t *n)
{
	const char *s = *p;
	uint64_t x = 0;
	unsigned g;
	int first = 1;

	while (*s == 'x') {
		s++;
		if (take3(&s, &g) || *s++ != '/')
			return -1;
		/* A leading group of zeros would be a second spelling of the same N. */
		if (first && g == 0)
			return -1;
		if (x > (UINT64_MAX - g) / 1000)
			return -1;
		x = x * 1000 + g;
		first = 0;
	}
	if (take3(&s, &g) || x > (UINT64_MAX - g) / 1000)
		return -1;
	*n = x * 1000 + g;
	*p = s;
	return 0;
}

int pds_tlog_tile_parse_path(const char *path, struct pds_tlog_tile *t)
{
	const char *s = path;
	uint64_t v;

	if (strncmp(s, "tile/", 5) != 0)
		return PDS_ATT_E_TLOG_PATH;
	s += 5;
	if (strncmp(s, "entries/", 8) == 0) {
		t->level = PDS_TLOG_ENTRIES_LEVEL;
		s += 8;
	} else {
		if (take_dec(&s, 7, &v) || *s++ != '/')
			return PDS_ATT_E_TLOG_PATH;
		t->level = (int)v;
	}
	if (parse_index(&s, &t->n))
		return PDS_ATT_E_TLOG_PATH;
	t->width = PDS_TLOG_TILE_WIDTH;
	if (*s == '\0')
		return 0;
	if (strncmp(s, ".p/", 3) != 0)
		return PDS_ATT_E_TLOG_PATH;
	s += 3;
	if (take_dec(&s, PDS_TLOG_TILE_WIDTH - 1, &v) || v == 0 || *s != '\0')
		return PDS_ATT_E_TLOG_PATH;
	t->width = (unsigned)v;
	return 0;
}

unsigned pds_tlog_tile_width(int level, uint64_t tile_n, uint64_t size)
{
	uint64_t count;

	if (level == PDS_TLOG_ENTRIES_LEVEL)
		count = size;
	else if (level >= 0 && level < 8)
		count = size >> (PDS_TLOG_TILE_HEIGHT * level);
	else
		return 0;
	if (tile_n >= count / PDS_TLOG_TILE_WIDTH + 1)
		return 0;
	count -= tile_n * PDS_TLOG_TILE_WIDTH;
	return count >= PDS_TLOG_TILE_WIDTH ? PDS_TLOG_TILE_WIDTH : (unsigned)count;
}

/* ---------------------------------------------------------------- tiles and bundles */

int pds_tlog_tile_parse(const char *name, const uint8_t *data, size_t len, unsigned width,
			const struct pds_att_diag_sink *sink)
{
	(void)data;
	if (width < 1 || width > PDS_TLOG_TILE_WIDTH)
		return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_TILE, "width %u is not 1..256",
				 width);
	/* tlog-tiles: a tile is its hashes, concatenated; nothing else. */
	if (len != (size_t)width * PDS_TLOG_HASH_SIZE)
		return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_TILE,
				 "at byte %zu: tile ends, but one of width %u has %u bytes", len,
				 width, width * PDS_TLOG_HASH_SIZE);
	return 0;
}

int pds_tlog_bundle_parse(const char *name, const uint8_t *data, size_t len, unsigned count,
			  size_t *offsets, const struct pds_att_diag_sink *sink)
{
	size_t off = 0;

	if (count < 1 || count > PDS_TLOG_TILE_WIDTH)
		return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_BUNDLE,
				 "entry count %u is not 1..256", count);
	for (unsigned i = 0; i < count; i++) {
		size_t n;

		if (len - off < 2)
			return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_BUNDLE,
					 "at byte %zu: entry %u: length prefix cut short", off, i);
		/* tlog-tiles: each entry is a big-endian uint16 length, then the bytes. */
		n = (size_t)data[off] << 8 | data[off + 1];
		if (len - off - 2 < n)
			return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_BUNDLE,
					 "at byte %zu: entry %u: %zu bytes declared, %zu left", off,
					 i, n, len - off - 2);
		if (offsets)
			offsets[i] = off + 2;
		off += 2 + n;
	}
	if (off != len)
		return tlog_diag(sink, name, 0, 0, PDS_ATT_E_TLOG_BUNDLE,
				 "at byte %zu: %zu bytes after entry %u, the last", off, len - off,
				 count - 1);
	if (offsets)
		offsets[count] = len;
	return 0;
}

/* ---------------------------------------------------------------- checkpoint body */

#define B64_HASH_LEN 44 /* standard padded base64 of 32 bytes */

/* One line of text starting at off: its length, or -1 without a newline. */
static long line_len(const char *text, size_t len, size_t off)
{
	const char *nl = memchr(text + off, '\n', len - off);

	return nl ? (long)(nl - (text + off)) : -1;
}

static int text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int parse_root(const char *s, size_t n, struct pds_tlog_hash *root)
{
	char again[B64_HASH_LEN + 1];
	size_t got;

	if (n != B64_HASH_LEN ||
	    sodium_base642bin(root->b, sizeof(root->b), s, n, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != PDS_TLOG_HASH_SIZE)
		return -1;
	/* One spelling only: the re-encoding must be the text itself (zero pad bits). */
	sodium_bin2base64(again, sizeof(again), root->b, PDS_TLOG_HASH_SIZE,
			  sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, n) == 0 ? 0 : -1;
}

int pds_tlog_checkpoint_parse(const char *name, const char *text, size_t len, char **origin,
			      uint64_t *size, struct pds_tlog_hash *root,
			      const struct pds_att_diag_sink *sink)
{
	const int code = PDS_ATT_E_TLOG_CHECKPOINT;
	size_t off = 0;
	long n[3];
	const char *s;
	unsigned line;

	for (line = 0; line < 3; line++) {
		n[line] = line_len(text, len, off);
		if (n[line] < 0)
			return tlog_diag(sink, name, line + 1, 1, code, "line %u has no newline",
					 line + 1);
		if (n[line] == 0 || !text_ok(text + off, (size_t)n[line]))
			return tlog_diag(sink, name, line + 1, 1, code,
					 "line %u is empty or has a control character", line + 1);
		if (line == 1) {
			s = text + off;
			if (take_dec(&s, INT64_MAX, size) || s != text + off + n[1])
				return tlog_diag(
					sink, name, 2, 1, code,
					"tree size is not a decimal without leading zeros");
		} else if (line == 2 && parse_root(text + off, (size_t)n[2], root)) {
			return tlog_diag(sink, name, 3, 1, code,
					 "root is not the base64 of 32 bytes");
		}
		off += (size_t)n[line] + 1;
	}
	/* Extension lines, up to the blank line that ends the note text (if any). */
	for (line = 4; off < len && text[off] != '\n'; line++) {
		long el = line_len(text, len, off);

		if (el < 0 || !text_ok(text + off, (size_t)el))
			return tlog_diag(sink, name, line, 1, code,
					 "extension line has no newline or a control character");
		off += (size_t)el + 1;
	}
	*origin = strndup(text, (size_t)n[0]);
	return *origin ? 0 : PDS_ATT_E_NOMEM;
}

int pds_tlog_checkpoint_body(const char *origin, uint64_t size, const struct pds_tlog_hash *root,
			     char **body, size_t *len)
{
	char b64[B64_HASH_LEN + 1];
	size_t olen = strlen(origin);
	int n;

	if (olen == 0 || !text_ok(origin, olen))
		return PDS_ATT_E_INVAL;
	sodium_bin2base64(b64, sizeof(b64), root->b, PDS_TLOG_HASH_SIZE,
			  sodium_base64_VARIANT_ORIGINAL);
	n = asprintf(body, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	if (n < 0) {
		*body = NULL;
		return PDS_ATT_E_NOMEM;
	}
	*len = (size_t)n;
	return 0;
}
