/* SPDX-License-Identifier: MIT */
/*
 * Shared by the DWARF readers (dwarf.c for .debug_line, dwarf_vars.c for
 * .debug_info): a bounded byte cursor with the encodings of DWARF 5 §7.6
 * (LEB128) and little-endian fixed-size fields.
 */
#ifndef PDS_BPF_DWARF_INT_H
#define PDS_BPF_DWARF_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* LLVM's BPF relocation numbers (llvm/BinaryFormat/ELFRelocs/BPF.def); elf.h lacks them. */
#define PDS_R_BPF_64_ABS64 2
#define PDS_R_BPF_64_ABS32 3

/* A bounded cursor; any read past end sets bad and yields zeros. */
struct rd {
	const uint8_t *p;
	uint64_t pos, end;
	bool bad;
};

static inline bool rd_take(struct rd *r, uint64_t n)
{
	if (r->bad || r->end - r->pos < n) {
		r->bad = true;
		return false;
	}
	r->pos += n;
	return true;
}

static inline uint64_t rd_uint(struct rd *r, unsigned n)
{
	uint64_t v = 0;

	if (!rd_take(r, n))
		return 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->pos - n + i] << (8 * i);
	return v;
}

/* LEB128 (§7.6): at most ten bytes, the bits past the 64th dropped. */
static inline uint64_t rd_leb(struct rd *r, bool is_signed)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		if (shift >= 64 || !rd_take(r, 1)) {
			r->bad = true;
			return 0;
		}
		b = r->p[r->pos - 1];
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (is_signed && shift < 64 && (b & 0x40))
		v |= ~0ull << shift;
	return v;
}

static inline uint64_t rd_uleb(struct rd *r)
{
	return rd_leb(r, false);
}

static inline const char *rd_cstr(struct rd *r)
{
	const uint8_t *s = r->p + r->pos;
	const uint8_t *nul;

	if (r->bad)
		return "";
	nul = memchr(s, '\0', r->end - r->pos);
	if (!nul) {
		r->bad = true;
		return "";
	}
	r->pos += (uint64_t)(nul - s) + 1;
	return (const char *)s;
}

#endif
