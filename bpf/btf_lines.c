// SPDX-License-Identifier: MIT
/*
 * Source lines from BTF: the line info subsection of .BTF.ext, with file names and
 * source texts from the .BTF string table.
 *
 * Layouts (Linux Documentation/bpf/btf.rst, §2 "BTF Type and String Encoding" and
 * §4.2 ".BTF.ext section"), all little-endian like the object:
 *   .BTF      magic 0xeB9F u16, version u8 = 1, flags u8, hdr_len u32,
 *             type_off u32, type_len u32, str_off u32, str_len u32
 *             (offsets count from the end of the header)
 *   .BTF.ext  magic u16, version u8, flags u8, hdr_len u32,
 *             func_info_off u32, func_info_len u32, line_info_off u32, line_info_len u32
 *   line info rec_size u32, then per section: sec_name_off u32, num_info u32 and
 *             num_info records of rec_size bytes starting with
 *             {insn_off u32 (bytes), file_name_off u32, line_off u32, line_col u32}
 *             where line_col = line << 10 | col.
 * Every field is checked before use; a record larger than 16 bytes (a future
 * version) is read for its first 16.
 */
#include <elf.h>
#include <string.h>

#include "bpf/internal.h"

#define BTF_MAGIC 0xeB9F
#define BTF_VERSION 1
#define BTF_HDR_LEN 24
#define BTF_EXT_HDR_LEN 24 /* through line_info_len */
#define BTF_LINE_REC_MIN 16

#define ERR(code, ...) pds_diag(sink, PDS_CHK_ERROR, (code), &loc, __VA_ARGS__)

struct btf_strs {
	const char *base;
	uint32_t len;
};

/* The string at off, or NULL: the table ends with NUL, so any offset inside is a string. */
static const char *btf_str(const struct btf_strs *s, uint32_t off)
{
	return off < s->len ? s->base + off : NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Whether [off, off + len) lies inside a region of size bytes. */
static bool in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int btf_check_magic(const struct pds_elf *e, const struct pds_elf_sec *s, int code,
			   uint32_t min_hdr, uint32_t *hdr_len,
			   const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);

	if (!s->data || s->size < 8)
		return ERR(code, "%s+0x0: section of %llu bytes has no header", s->name,
			   (unsigned long long)s->size);
	if (rd16(s->data) != BTF_MAGIC)
		return ERR(code, "%s+0x0: magic 0x%04x, expected 0x%04x (little-endian)", s->name,
			   rd16(s->data), BTF_MAGIC);
	if (s->data[2] != BTF_VERSION)
		return ERR(code, "%s+0x2: version %u, expected %u", s->name, s->data[2],
			   BTF_VERSION);
	*hdr_len = rd32(s->data + 4);
	if (*hdr_len < min_hdr || *hdr_len > s->size)
		return ERR(code, "%s+0x4: hdr_len %u outside %u..%llu", s->name, *hdr_len, min_hdr,
			   (unsigned long long)s->size);
	return 0;
}

static int btf_read_strings(const struct pds_elf *e, struct btf_strs *strs,
			    const struct pds_chk_diag_sink *sink)
{
	const struct pds_elf_sec *s = pds_elf_sec_by_name(e, ".BTF");
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t body;
	int err;

	if (!s)
		return ERR(PDS_CHK_E_BTF_HEADER, ".BTF.ext: no .BTF section holds its strings");
	err = btf_check_magic(e, s, PDS_CHK_E_BTF_HEADER, BTF_HDR_LEN, &hdr_len, sink);
	if (err)
		return err;
	body = s->size - hdr_len;
	type_off = rd32(s->data + 8);
	type_len = rd32(s->data + 12);
	str_off = rd32(s->data + 16);
	str_len = rd32(s->data + 20);
	if (!in_range(type_off, type_len, body))
		return ERR(PDS_CHK_E_BTF_HEADER,
			   ".BTF+0x8: types (%u bytes at %u) outside the %llu "
			   "bytes after the header",
			   type_len, type_off, (unsigned long long)body);
	if (!in_range(str_off, str_len, body))
		return ERR(PDS_CHK_E_BTF_HEADER,
			   ".BTF+0x10: strings (%u bytes at %u) outside the "
			   "%llu bytes after the header",
			   str_len, str_off, (unsigned long long)body);
	strs->base = (const char *)s->data + hdr_len + str_off;
	strs->len = str_len;
	/* btf.rst §2.1: the table starts with the empty string; ending with NUL makes
	 * every offset inside it a terminated string. */
	if (str_len == 0 || strs->base[0] != '\0' || strs->base[str_len - 1] != '\0')
		return ERR(PDS_CHK_E_BTF_HEADER,
			   ".BTF+0x%llx: string table does not start and end "
			   "with NUL",
			   (unsigned long long)hdr_len + str_off);
	return 0;
}

struct btf_ctx {
	const struct pds_elf *e;
	struct pds_linetab *t;
	const struct pds_chk_diag_sink *sink;
	struct btf_strs strs;
	const uint8_t *ext; /* .BTF.ext data */
	uint64_t pos, end;  /* current position and end of line info in .BTF.ext */
	uint32_t rec_size;
};

/* A code section named by a BTF string, or an error. */
static int btf_code_section(struct btf_ctx *c, uint32_t name_off, uint64_t at,
			    const struct pds_elf_sec **out)
{
	const struct pds_chk_diag_sink *sink = c->sink;
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	const char *name = btf_str(&c->strs, name_off);
	const struct pds_elf_sec *s;

	if (!name)
		return ERR(PDS_CHK_E_BTF_STRING,
			   ".BTF.ext+0x%llx: section name offset %u outside "
			   "the %u bytes of BTF strings",
			   (unsigned long long)at, name_off, c->strs.len);
	s = pds_elf_sec_by_name(c->e, name);
	if (!s || !s->data || !(s->flags & SHF_EXECINSTR))
		return ERR(PDS_CHK_E_BTF_SECTION,
			   ".BTF.ext+0x%llx: line info for '%s', which is %s",
			   (unsigned long long)at, name, s ? "not a code section" : "no section");
	*out = s;
	return 0;
}

static int btf_record(struct btf_ctx *c, const struct pds_elf_sec *code, uint64_t at)
{
	const struct pds_chk_diag_sink *sink = c->sink;
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	const uint8_t *r = c->ext + at;
	uint32_t insn_off = rd32(r), file_off = rd32(r + 4), text_off = rd32(r + 8);
	uint32_t line_col = rd32(r + 12);
	const char *file = btf_str(&c->strs, file_off), *text = btf_str(&c->strs, text_off);

	if (insn_off % 8 != 0 || insn_off >= code->size)
		return ERR(PDS_CHK_E_BTF_INSN_OFF,
			   ".BTF.ext+0x%llx: insn_off 0x%x is not an "
			   "instruction of %s (0x%llx bytes)",
			   (unsigned long long)at, insn_off, code->name,
			   (unsigned long long)code->size);
	if (!file || !text)
		return ERR(PDS_CHK_E_BTF_STRING,
			   ".BTF.ext+0x%llx: %s offset %u outside the %u "
			   "bytes of BTF strings",
			   (unsigned long long)at + (file ? 8 : 4),
			   file ? "line text" : "file name", file ? text_off : file_off,
			   c->strs.len);
	if (pds_linetab_add(c->t, code->idx, insn_off, *file ? file : NULL, *text ? text : NULL,
			    line_col >> 10, line_col & 0x3ff) != 0)
		return ERR(PDS_CHK_E_NOMEM, "out of memory");
	return 0;
}

/* One section's block: sec_name_off, num_info, then the records. */
static int btf_block(struct btf_ctx *c)
{
	const struct pds_chk_diag_sink *sink = c->sink;
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	const struct pds_elf_sec *code = NULL;
	uint32_t name_off, num;
	uint64_t at = c->pos;
	int err;

	if (c->end - c->pos < 8)
		return ERR(PDS_CHK_E_BTF_LINE_INFO,
			   ".BTF.ext+0x%llx: %llu bytes left, too few for "
			   "a section header",
			   (unsigned long long)at, (unsigned long long)(c->end - c->pos));
	name_off = rd32(c->ext + at);
	num = rd32(c->ext + at + 4);
	if (num == 0 || (uint64_t)num * c->rec_size > c->end - at - 8)
		return ERR(PDS_CHK_E_BTF_LINE_INFO,
			   ".BTF.ext+0x%llx: num_info %u records of %u "
			   "bytes do not fit the %llu bytes left",
			   (unsigned long long)at + 4, num, c->rec_size,
			   (unsigned long long)(c->end - at - 8));
	err = btf_code_section(c, name_off, at, &code);
	c->pos = at + 8;
	for (uint32_t i = 0; !err && i < num; i++, c->pos += c->rec_size)
		err = btf_record(c, code, c->pos);
	return err;
}

/* Locates the line info subsection; c->end == c->pos when it is empty. */
static int btf_ext_header(struct btf_ctx *c, const struct pds_elf_sec *s)
{
	const struct pds_chk_diag_sink *sink = c->sink;
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	uint32_t hdr_len, off, len;
	int err;

	err = btf_check_magic(c->e, s, PDS_CHK_E_BTF_EXT_HEADER, BTF_EXT_HDR_LEN, &hdr_len, sink);
	if (err)
		return err;
	off = rd32(s->data + 16);
	len = rd32(s->data + 20);
	if (off % 4 != 0 || !in_range(off, len, s->size - hdr_len))
		return ERR(PDS_CHK_E_BTF_LINE_INFO,
			   ".BTF.ext+0x10: line info (%u bytes at %u) "
			   "misaligned or outside the %llu bytes after the header",
			   len, off, (unsigned long long)(s->size - hdr_len));
	c->ext = s->data;
	c->pos = (uint64_t)hdr_len + off;
	c->end = c->pos + len;
	return 0;
}

static int btf_line_info(struct btf_ctx *c)
{
	const struct pds_chk_diag_sink *sink = c->sink;
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	int err = 0;

	if (c->end - c->pos < 4)
		return ERR(PDS_CHK_E_BTF_LINE_INFO,
			   ".BTF.ext+0x%llx: line info too short for its "
			   "record size",
			   (unsigned long long)c->pos);
	c->rec_size = rd32(c->ext + c->pos);
	if (c->rec_size < BTF_LINE_REC_MIN || c->rec_size % 4 != 0)
		return ERR(PDS_CHK_E_BTF_LINE_INFO,
			   ".BTF.ext+0x%llx: record size %u, expected a "
			   "multiple of 4 of at least %u",
			   (unsigned long long)c->pos, c->rec_size, BTF_LINE_REC_MIN);
	c->pos += 4;
	while (!err && c->pos < c->end)
		err = btf_block(c);
	return err;
}

int pds_btf_lines(const struct pds_elf *e, struct pds_linetab *t,
		  const struct pds_chk_diag_sink *sink)
{
	const struct pds_elf_sec *s = pds_elf_sec_by_name(e, ".BTF.ext");
	struct btf_ctx c = {.e = e, .t = t, .sink = sink};
	size_t n0 = t->n;
	int err;

	if (!s)
		return 0;
	err = btf_ext_header(&c, s);
	if (err || c.pos == c.end)
		return err;
	err = btf_read_strings(e, &c.strs, sink);
	if (!err)
		err = btf_line_info(&c);
	/* All or nothing: a half-read table would give some slots wrong positions. */
	if (err)
		t->n = n0;
	return err;
}
