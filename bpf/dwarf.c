// SPDX-License-Identifier: MIT
/*
 * Source lines from DWARF: the line-number programs of .debug_line, versions 2 to 5
 * (DWARF 5 §6.2; the older layouts differ only in the header, §6.2.4).
 *
 * In a relocatable eBPF object the addresses that DW_LNE_set_address loads are
 * relocated against a code section's symbol (R_BPF_64_ABS64): the relocation names
 * the section a sequence belongs to and the value in place (plus the symbol's
 * value, or the RELA addend) is the byte offset in it.  A sequence whose address
 * carries no relocation cannot be placed and is skipped.  String offsets of
 * DW_FORM_line_strp / DW_FORM_strp may be relocated the same way (R_BPF_64_ABS32).
 *
 * Every read is bounded by its unit; a malformed unit makes the whole call fail
 * with one code and a message naming the byte offset in .debug_line.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/dwarf_int.h"
#include "bpf/internal.h"

/* DWARF 5 §7.22, table 7.25: standard opcodes and their operand counts. */
enum {
	DW_LNS_copy = 1,
	DW_LNS_advance_pc,
	DW_LNS_advance_line,
	DW_LNS_set_file,
	DW_LNS_set_column,
	DW_LNS_negate_stmt,
	DW_LNS_set_basic_block,
	DW_LNS_const_add_pc,
	DW_LNS_fixed_advance_pc,
	DW_LNS_set_prologue_end,
	DW_LNS_set_epilogue_begin,
	DW_LNS_set_isa,
	DW_LNS_last = DW_LNS_set_isa,
};

static const uint8_t std_operands[DW_LNS_last + 1] = {
	[DW_LNS_advance_pc] = 1, [DW_LNS_advance_line] = 1,	[DW_LNS_set_file] = 1,
	[DW_LNS_set_column] = 1, [DW_LNS_fixed_advance_pc] = 1, [DW_LNS_set_isa] = 1,
};

/* Table 7.26: extended opcodes. */
enum {
	DW_LNE_end_sequence = 1,
	DW_LNE_set_address = 2,
	DW_LNE_define_file = 3, /* versions 2 to 4 */
	DW_LNE_set_discriminator = 4,
};

/* Table 7.27: line number header entry formats. */
enum {
	DW_LNCT_path = 1,
	DW_LNCT_directory_index = 2,
};

/* ------------------------------------------------------------------ unit */

struct dw_unit {
	const struct pds_elf *e;
	const struct pds_elf_sec *sec; /* .debug_line */
	const struct pds_elf_sec *line_str, *str;
	const struct pds_elf_rel *rels;
	size_t nrels;
	struct pds_linetab *t;
	const struct pds_chk_diag_sink *sink;
	uint64_t start; /* offset of the unit in .debug_line */
	uint16_t version;
	uint8_t offsz, addr_size;
	uint8_t min_inst, max_ops, opcode_base, line_range;
	int8_t line_base;
	const uint8_t *std_lens;
	const char **dirs; /* into the sections, valid during the call */
	size_t ndirs;
	char **files; /* owned full paths, by file number - file_base */
	size_t nfiles, capfiles;
	unsigned file_base; /* number of the first entry: 1 before version 5, 0 from 5 */
};

PDS_PRINTF(4, 5)
static int dw_err(const struct dw_unit *u, int code, uint64_t at, const char *fmt, ...)
{
	struct pds_loc loc = PDS_LOC_FILE(u->e->path);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pds_diag(u->sink, PDS_CHK_ERROR, code, &loc, "%s+0x%llx: line table at 0x%llx: %s",
			u->sec->name, (unsigned long long)at, (unsigned long long)u->start, msg);
}

static const struct pds_elf_rel *dw_reloc_at(const struct dw_unit *u, uint64_t off)
{
	size_t lo = 0, hi = u->nrels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->rels[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->nrels && u->rels[lo].off == off ? &u->rels[lo] : NULL;
}

/*
 * The value of a size-byte field at off once relocated, and the section its
 * symbol lies in (0 when the field carries no relocation).
 */
static int dw_relocated(const struct dw_unit *u, uint64_t off, unsigned size, uint64_t inplace,
			uint64_t *val, uint32_t *shndx)
{
	const struct pds_elf_rel *rel = dw_reloc_at(u, off);
	uint32_t want = size == 8 ? PDS_R_BPF_64_ABS64 : PDS_R_BPF_64_ABS32;
	const struct pds_elf_sym *sym;

	*val = inplace;
	*shndx = 0;
	if (!rel)
		return 0;
	sym = &u->e->syms[rel->sym];
	if (rel->type != want || sym->shndx == SHN_UNDEF || sym->shndx >= u->e->nsecs)
		return dw_err(u, PDS_CHK_E_DWARF_RELOC, off,
			      "relocation of type %u against symbol %u (section %u); expected type "
			      "%u against a defined symbol",
			      rel->type, rel->sym, sym->shndx, want);
	*val = sym->value + (rel->rela ? (uint64_t)rel->addend : inplace);
	*shndx = sym->shndx;
	return 0;
}

/* A string at an offset-size field of form line_strp or strp, checked and relocated. */
static int dw_strp(struct dw_unit *u, struct rd *r, const struct pds_elf_sec *strsec,
		   const char **out)
{
	uint64_t at = r->pos, off = rd_uint(r, u->offsz);
	uint32_t shndx;
	int err;

	if (r->bad)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at, "string offset past the header's end");
	err = dw_relocated(u, at, u->offsz, off, &off, &shndx);
	if (err)
		return err;
	if (!strsec || (shndx && shndx != strsec->idx))
		return dw_err(u, PDS_CHK_E_DWARF_STRING, at, "string offset into %s, which %s",
			      strsec ? strsec->name : "a string section",
			      strsec ? "the relocation does not name" : "the object lacks");
	if (!strsec->data || off >= strsec->size ||
	    !memchr(strsec->data + off, '\0', strsec->size - off))
		return dw_err(u, PDS_CHK_E_DWARF_STRING, at,
			      "offset 0x%llx is no terminated string of %s (%llu bytes)",
			      (unsigned long long)off, strsec->name,
			      (unsigned long long)strsec->size);
	*out = (const char *)strsec->data + off;
	return 0;
}

/* ------------------------------------------------------------------ forms */

/* DWARF 5 §7.5.6 table 7.6: the forms a v5 line table header may use. */
enum form_kind { F_FIXED, F_ULEB, F_BLOCK, F_STRING, F_LINE_STRP, F_STRP };

static const struct form_info {
	uint16_t form;
	uint8_t kind;
	uint8_t size; /* F_FIXED */
} forms[] = {
	{0x05, F_FIXED, 2},    /* DW_FORM_data2 */
	{0x06, F_FIXED, 4},    /* DW_FORM_data4 */
	{0x07, F_FIXED, 8},    /* DW_FORM_data8 */
	{0x08, F_STRING, 0},   /* DW_FORM_string */
	{0x09, F_BLOCK, 0},    /* DW_FORM_block */
	{0x0b, F_FIXED, 1},    /* DW_FORM_data1 */
	{0x0e, F_STRP, 0},     /* DW_FORM_strp */
	{0x0f, F_ULEB, 0},     /* DW_FORM_udata */
	{0x1e, F_FIXED, 16},   /* DW_FORM_data16 (MD5) */
	{0x1f, F_LINE_STRP, 0} /* DW_FORM_line_strp */
};

static const struct form_info *form_lookup(uint64_t form)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(forms); i++)
		if (forms[i].form == form)
			return &forms[i];
	return NULL;
}

struct dw_val {
	uint64_t u;
	const char *s; /* string forms only */
};

static int dw_read_form(struct dw_unit *u, struct rd *r, const struct form_info *f,
			struct dw_val *v)
{
	uint64_t at = r->pos;

	v->u = 0;
	v->s = NULL;
	switch (f->kind) {
	case F_FIXED:
		if (f->size <= 8)
			v->u = rd_uint(r, f->size);
		else
			rd_take(r, f->size);
		break;
	case F_ULEB:
		v->u = rd_uleb(r);
		break;
	case F_BLOCK:
		rd_take(r, rd_uleb(r));
		break;
	case F_STRING:
		v->s = rd_cstr(r);
		break;
	case F_LINE_STRP:
		return dw_strp(u, r, u->line_str, &v->s);
	case F_STRP:
		return dw_strp(u, r, u->str, &v->s);
	}
	if (r->bad)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at, "entry runs past the header's end");
	return 0;
}

/* ------------------------------------------------------------------ file table */

static const char *dw_dir(const struct dw_unit *u, uint64_t idx)
{
	/* Before version 5, directory 0 is the compilation directory, which only
	 * .debug_info knows: names in it stay relative. */
	if (u->version < 5)
		return idx == 0 || idx > u->ndirs ? NULL : u->dirs[idx - 1];
	return idx < u->ndirs ? u->dirs[idx] : NULL;
}

static char *join_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* The full path of a file entry: name, prefixed by its directory when relative. */
static char *file_path(const struct dw_unit *u, const char *name, uint64_t dir_idx)
{
	const char *dir = dw_dir(u, dir_idx);
	char *base, *p;

	if (name[0] == '/' || !dir || !dir[0])
		return pds_strdup(name);
	/* Version 5 directories other than 0 may be relative to directory 0 (§6.2.4.1). */
	if (u->version >= 5 && dir_idx && dir[0] != '/' && u->ndirs && u->dirs[0][0]) {
		base = join_path(u->dirs[0], dir);
		p = base ? join_path(base, name) : NULL;
		free(base);
		return p;
	}
	return join_path(dir, name);
}

static int dw_add_file(struct dw_unit *u, uint64_t at, const char *name, uint64_t dir_idx)
{
	if (dir_idx && !dw_dir(u, dir_idx))
		return dw_err(u, PDS_CHK_E_DWARF_FILE, at, "file '%s' names directory %llu of %zu",
			      name, (unsigned long long)dir_idx, u->ndirs);
	if (u->nfiles == u->capfiles) {
		size_t cap = u->capfiles ? u->capfiles * 2 : 8;
		char **v = realloc(u->files, cap * sizeof(*v));

		if (!v)
			return dw_err(u, PDS_CHK_E_NOMEM, at, "out of memory");
		u->files = v;
		u->capfiles = cap;
	}
	u->files[u->nfiles] = file_path(u, name, dir_idx);
	if (!u->files[u->nfiles])
		return dw_err(u, PDS_CHK_E_NOMEM, at, "out of memory");
	u->nfiles++;
	return 0;
}

static int dw_add_dir(struct dw_unit *u, size_t *cap, uint64_t at, const char *dir)
{
	if (u->ndirs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		const char **v = realloc(u->dirs, ncap * sizeof(*v));

		if (!v)
			return dw_err(u, PDS_CHK_E_NOMEM, at, "out of memory");
		u->dirs = v;
		*cap = ncap;
	}
	u->dirs[u->ndirs++] = dir;
	return 0;
}

/* Versions 2 to 4 (§6.2.4 items 15, 16 of DWARF 4): NUL-terminated lists. */
static int dw_tables_v4(struct dw_unit *u, struct rd *r)
{
	size_t capdirs = 0;
	int err = 0;

	while (!err && !r->bad && r->pos < r->end && r->p[r->pos]) {
		uint64_t at = r->pos;

		err = dw_add_dir(u, &capdirs, at, rd_cstr(r));
	}
	rd_take(r, 1);
	while (!err && !r->bad && r->pos < r->end && r->p[r->pos]) {
		uint64_t at = r->pos;
		const char *name = rd_cstr(r);
		uint64_t dir = rd_uleb(r);

		rd_uleb(r); /* modification time */
		rd_uleb(r); /* length */
		if (!r->bad)
			err = dw_add_file(u, at, name, dir);
	}
	rd_take(r, 1);
	if (!err && r->bad)
		err = dw_err(u, PDS_CHK_E_DWARF_HEADER, r->pos,
			     "directory or file table runs past the header's end");
	return err;
}

struct entry_fmt {
	uint64_t type;
	const struct form_info *form;
};

/* An entry format description (§6.2.4 items 14, 15, 19, 20 of DWARF 5). */
static int dw_formats(struct dw_unit *u, struct rd *r, struct entry_fmt *fmt, uint8_t *n)
{
	uint64_t at = r->pos;

	*n = (uint8_t)rd_uint(r, 1);
	for (unsigned i = 0; i < *n && !r->bad; i++) {
		uint64_t form_at;

		fmt[i].type = rd_uleb(r);
		form_at = r->pos;
		fmt[i].form = form_lookup(rd_uleb(r));
		if (!r->bad && !fmt[i].form)
			return dw_err(u, PDS_CHK_E_DWARF_FORM, form_at,
				      "form not allowed in a line table header");
	}
	if (r->bad)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at, "entry formats run past the header");
	return 0;
}

/* One v5 directory or file entry: its path and directory index. */
static int dw_entry_v5(struct dw_unit *u, struct rd *r, const struct entry_fmt *fmt, uint8_t n,
		       const char **path, uint64_t *dir)
{
	struct dw_val v;
	int err;

	*path = NULL;
	*dir = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t at = r->pos;

		err = dw_read_form(u, r, fmt[i].form, &v);
		if (err)
			return err;
		if (fmt[i].type == DW_LNCT_path && !v.s)
			return dw_err(u, PDS_CHK_E_DWARF_FORM, at, "DW_LNCT_path is not a string");
		if (fmt[i].type == DW_LNCT_directory_index && v.s)
			return dw_err(u, PDS_CHK_E_DWARF_FORM, at,
				      "DW_LNCT_directory_index is not a constant");
		if (fmt[i].type == DW_LNCT_path)
			*path = v.s;
		else if (fmt[i].type == DW_LNCT_directory_index)
			*dir = v.u;
	}
	if (!*path)
		return dw_err(u, PDS_CHK_E_DWARF_FORM, r->pos, "entry without DW_LNCT_path");
	return 0;
}

/* Version 5: directories, then files, each a format description, a count and entries. */
static int dw_tables_v5(struct dw_unit *u, struct rd *r)
{
	struct entry_fmt fmt[255];
	size_t capdirs = 0;
	const char *path;
	uint64_t count, at, dir;
	uint8_t n;
	int err;

	for (int pass = 0; pass < 2; pass++) {
		err = dw_formats(u, r, fmt, &n);
		if (err)
			return err;
		at = r->pos;
		count = rd_uleb(r);
		/* Every entry holds a path, of at least one byte: a bound before looping. */
		if (r->bad || count > r->end - r->pos)
			return dw_err(u, PDS_CHK_E_DWARF_HEADER, at,
				      "%llu entries cannot fit the %llu bytes left",
				      (unsigned long long)count,
				      (unsigned long long)(r->end - r->pos));
		for (uint64_t i = 0; i < count; i++) {
			at = r->pos;
			err = dw_entry_v5(u, r, fmt, n, &path, &dir);
			if (!err)
				err = pass ? dw_add_file(u, at, path, dir)
					   : dw_add_dir(u, &capdirs, at, path);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ header */

/* §6.2.4: fixed fields up to the opcode lengths; r ends up bounded by the header. */
static int dw_header(struct dw_unit *u, struct rd *r, uint64_t *prog)
{
	uint64_t at, len;

	at = r->pos;
	u->version = (uint16_t)rd_uint(r, 2);
	if (r->bad || u->version < 2 || u->version > 5)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at, "version %u, expected 2 to 5",
			      u->version);
	u->addr_size = 8;
	if (u->version >= 5) {
		u->addr_size = (uint8_t)rd_uint(r, 1);
		if (rd_uint(r, 1) != 0 || (u->addr_size != 4 && u->addr_size != 8))
			return dw_err(u, PDS_CHK_E_DWARF_HEADER, at + 2,
				      "address size %u or segment selector size not 4/8 and 0",
				      u->addr_size);
	}
	at = r->pos;
	len = rd_uint(r, u->offsz);
	if (r->bad || len > r->end - r->pos)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at,
			      "header_length %llu runs past the unit's end",
			      (unsigned long long)len);
	*prog = r->pos + len;
	r->end = *prog;
	u->min_inst = (uint8_t)rd_uint(r, 1);
	u->max_ops = u->version >= 4 ? (uint8_t)rd_uint(r, 1) : 1;
	rd_uint(r, 1); /* default_is_stmt: rows are kept whatever their flags */
	u->line_base = (int8_t)rd_uint(r, 1);
	u->line_range = (uint8_t)rd_uint(r, 1);
	u->opcode_base = (uint8_t)rd_uint(r, 1);
	u->std_lens = r->p + r->pos;
	rd_take(r, u->opcode_base ? u->opcode_base - 1u : 0);
	if (r->bad || !u->min_inst || !u->max_ops || !u->line_range || !u->opcode_base)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, at + u->offsz,
			      "header fields truncated, or a zero instruction length, operations "
			      "per instruction, line range or opcode base");
	/* One exact encoding: a known opcode declared with other operands is refused. */
	for (unsigned op = 1; op < u->opcode_base && op <= DW_LNS_last; op++)
		if (u->std_lens[op - 1] != std_operands[op])
			return dw_err(u, PDS_CHK_E_DWARF_HEADER,
				      (uint64_t)(u->std_lens - r->p) + op - 1,
				      "standard opcode %u declared with %u operands, not %u", op,
				      u->std_lens[op - 1], std_operands[op]);
	return 0;
}

/* ------------------------------------------------------------------ line program */

/* The state machine registers of §6.2.2 that rows keep. */
struct dw_state {
	uint64_t addr;
	uint32_t sec; /* code section of the sequence, 0 when unknown */
	uint64_t file, col;
	int64_t line;
	uint64_t op_index;
};

static void dw_reset(struct dw_state *s)
{
	memset(s, 0, sizeof(*s));
	s->file = 1;
	s->line = 1;
}

/* §6.2.5.1: advancing by an operation advance, VLIW-aware as the spec writes it. */
static void dw_advance(const struct dw_unit *u, struct dw_state *s, uint64_t adv)
{
	s->addr += u->min_inst * ((s->op_index + adv) / u->max_ops);
	s->op_index = (s->op_index + adv) % u->max_ops;
}

static int dw_row(struct dw_unit *u, const struct dw_state *s, uint64_t at, bool end)
{
	const struct pds_elf_sec *code;
	uint64_t fidx = s->file - u->file_base;

	if (!s->sec)
		return 0;
	code = &u->e->secs[s->sec];
	if (s->addr % 8 != 0 || s->addr > code->size || (!end && s->addr == code->size))
		return dw_err(u, PDS_CHK_E_DWARF_ADDRESS, at,
			      "address 0x%llx is not an instruction of %s (0x%llx bytes)",
			      (unsigned long long)s->addr, code->name,
			      (unsigned long long)code->size);
	if (end)
		return 0;
	if (s->file < u->file_base || fidx >= u->nfiles)
		return dw_err(u, PDS_CHK_E_DWARF_FILE, at, "file %llu, the table has %zu from %u",
			      (unsigned long long)s->file, u->nfiles, u->file_base);
	if (s->line < 0 || s->line > UINT32_MAX || s->col > UINT32_MAX)
		return dw_err(u, PDS_CHK_E_DWARF_OPCODE, at,
			      "line %lld or column %llu out of range", (long long)s->line,
			      (unsigned long long)s->col);
	if (pds_linetab_add(u->t, s->sec, s->addr, u->files[fidx], NULL, (unsigned)s->line,
			    (unsigned)s->col) != 0)
		return dw_err(u, PDS_CHK_E_NOMEM, at, "out of memory");
	return 0;
}

static int dw_set_address(struct dw_unit *u, struct rd *r, struct dw_state *s, uint64_t len)
{
	uint64_t at = r->pos, val;
	uint32_t shndx;
	int err;

	if (len != u->addr_size)
		return dw_err(u, PDS_CHK_E_DWARF_OPCODE, at,
			      "DW_LNE_set_address with %llu bytes, the address size is %u",
			      (unsigned long long)len, u->addr_size);
	val = rd_uint(r, u->addr_size);
	err = dw_relocated(u, at, u->addr_size, val, &val, &shndx);
	if (err)
		return err;
	if (shndx && !(u->e->secs[shndx].flags & SHF_EXECINSTR))
		return dw_err(u, PDS_CHK_E_DWARF_RELOC, at, "address relocated into %s, not code",
			      u->e->secs[shndx].name);
	s->sec = shndx;
	s->addr = val;
	s->op_index = 0;
	return 0;
}

/* §6.2.5.3: 0, length, sub-opcode and operands filling exactly the length. */
static int dw_extended(struct dw_unit *u, struct rd *r, struct dw_state *s, uint64_t at)
{
	uint64_t len = rd_uleb(r), body = r->pos, op, dir;
	const char *name;
	int err = 0;

	if (r->bad || len == 0 || len > r->end - r->pos)
		return dw_err(u, PDS_CHK_E_DWARF_OPCODE, at, "extended opcode of length %llu",
			      (unsigned long long)len);
	op = rd_uint(r, 1);
	if (op == DW_LNE_end_sequence) {
		err = dw_row(u, s, at, true);
		dw_reset(s);
	} else if (op == DW_LNE_set_address) {
		err = dw_set_address(u, r, s, len - 1);
	} else if (op == DW_LNE_define_file && u->version < 5) {
		name = rd_cstr(r);
		dir = rd_uleb(r);
		if (!r->bad)
			err = dw_add_file(u, at, name, dir);
		rd_uleb(r);
		rd_uleb(r);
	} else if (op == DW_LNE_set_discriminator) {
		rd_uleb(r);
	} else {
		r->pos = body + len; /* vendor extension: skipped whole */
	}
	if (!err && (r->bad || r->pos != body + len))
		err = dw_err(u, PDS_CHK_E_DWARF_OPCODE, at,
			     "extended opcode %llu does not fill its length %llu",
			     (unsigned long long)op, (unsigned long long)len);
	return err;
}

static int dw_standard(struct dw_unit *u, struct rd *r, struct dw_state *s, uint8_t op, uint64_t at)
{
	switch (op) {
	case DW_LNS_copy:
		return dw_row(u, s, at, false);
	case DW_LNS_advance_pc:
		dw_advance(u, s, rd_uleb(r));
		break;
	case DW_LNS_advance_line:
		s->line = (int64_t)((uint64_t)s->line + rd_leb(r, true));
		break;
	case DW_LNS_set_file:
		s->file = rd_uleb(r);
		break;
	case DW_LNS_set_column:
		s->col = rd_uleb(r);
		break;
	case DW_LNS_const_add_pc:
		dw_advance(u, s, (255u - u->opcode_base) / u->line_range);
		break;
	case DW_LNS_fixed_advance_pc:
		s->addr += rd_uint(r, 2);
		s->op_index = 0;
		break;
	default:
		/* negate_stmt, basic_block, prologue/epilogue flags, isa, and opcodes
		 * this reader does not know: operands skipped as the header declares. */
		for (unsigned i = 0; i < u->std_lens[op - 1]; i++)
			rd_uleb(r);
	}
	return 0;
}

static int dw_special(struct dw_unit *u, struct dw_state *s, uint8_t op, uint64_t at)
{
	unsigned adj = op - u->opcode_base;

	dw_advance(u, s, adj / u->line_range);
	s->line = (int64_t)((uint64_t)s->line +
			    (uint64_t)(int64_t)(u->line_base + (int)(adj % u->line_range)));
	return dw_row(u, s, at, false);
}

static int dw_program(struct dw_unit *u, struct rd *r)
{
	struct dw_state s;
	int err = 0;

	dw_reset(&s);
	while (!err && r->pos < r->end) {
		uint64_t at = r->pos;
		uint8_t op = (uint8_t)rd_uint(r, 1);

		if (op == 0)
			err = dw_extended(u, r, &s, at);
		else if (op < u->opcode_base)
			err = dw_standard(u, r, &s, op, at);
		else
			err = dw_special(u, &s, op, at);
		if (!err && r->bad)
			err = dw_err(u, PDS_CHK_E_DWARF_OPCODE, at,
				     "opcode %u runs past the unit's end", op);
	}
	return err;
}

/* ------------------------------------------------------------------ units */

/* §7.4: the initial length selects 32- or 64-bit DWARF. */
static int dw_unit_length(struct dw_unit *u, struct rd *r, uint64_t *end)
{
	uint64_t len = rd_uint(r, 4);

	u->offsz = 4;
	if (len == 0xffffffffu) {
		u->offsz = 8;
		len = rd_uint(r, 8);
	} else if (len >= 0xfffffff0u) {
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, u->start, "reserved initial length 0x%llx",
			      (unsigned long long)len);
	}
	if (r->bad || len > r->end - r->pos)
		return dw_err(u, PDS_CHK_E_DWARF_HEADER, u->start,
			      "unit length %llu runs past the section's end (%llu bytes)",
			      (unsigned long long)len, (unsigned long long)u->sec->size);
	*end = r->pos + len;
	return 0;
}

static void dw_unit_clear(struct dw_unit *u)
{
	for (size_t i = 0; i < u->nfiles; i++)
		free(u->files[i]);
	free(u->files);
	free(u->dirs);
	u->files = NULL;
	u->dirs = NULL;
	u->nfiles = u->capfiles = u->ndirs = 0;
}

/* One unit starting at r->pos; r->pos ends at the next. */
static int dw_one_unit(struct dw_unit *u, struct rd *r)
{
	struct rd hdr, prog;
	uint64_t end = 0, prog_start = 0;
	int err;

	u->start = r->pos;
	err = dw_unit_length(u, r, &end);
	if (err)
		return err;
	hdr = (struct rd){.p = r->p, .pos = r->pos, .end = end};
	r->pos = end;
	err = dw_header(u, &hdr, &prog_start);
	if (err)
		return err;
	u->file_base = u->version >= 5 ? 0 : 1;
	err = u->version >= 5 ? dw_tables_v5(u, &hdr) : dw_tables_v4(u, &hdr);
	if (err)
		goto out;
	prog = (struct rd){.p = r->p, .pos = prog_start, .end = end};
	err = dw_program(u, &prog);
out:
	dw_unit_clear(u);
	return err;
}

int pds_dwarf_lines(const struct pds_elf *e, struct pds_linetab *t,
		    const struct pds_chk_diag_sink *sink)
{
	struct dw_unit u = {.e = e, .t = t, .sink = sink};
	struct pds_elf_rel *rels = NULL;
	size_t n0 = t->n;
	struct rd r;
	int err;

	u.sec = pds_elf_sec_by_name(e, ".debug_line");
	if (!u.sec || !u.sec->data || !u.sec->size)
		return 0;
	if (u.sec->flags & SHF_COMPRESSED) {
		struct pds_loc loc = PDS_LOC_FILE(e->path);

		pds_diag_rule(sink, PDS_CHK_WARNING, "dwarf/compressed", &loc,
			      "%s is compressed; source lines are not read from it", u.sec->name);
		return 0;
	}
	u.line_str = pds_elf_sec_by_name(e, ".debug_line_str");
	u.str = pds_elf_sec_by_name(e, ".debug_str");
	err = pds_elf_relocs(e, u.sec->idx, &rels, &u.nrels, sink);
	if (err)
		return err;
	u.rels = rels;
	r = (struct rd){.p = u.sec->data, .pos = 0, .end = u.sec->size};
	while (!err && r.pos < r.end)
		err = dw_one_unit(&u, &r);
	free(rels);
	/* All or nothing, as for BTF. */
	if (err)
		t->n = n0;
	return err;
}
