// SPDX-License-Identifier: MIT
/*
 * Source variables from DWARF 5 .debug_info (§3.3 subprograms, §3.5 lexical
 * blocks, §4.1 data objects): where each named variable or parameter lives, as a
 * register or a stack slot, over byte ranges of the code sections.  The
 * termination analysis uses the table to name loop counters.
 *
 * Locations are a single-operation DWARF expression (§2.6.1.1): DW_OP_reg0-9 or
 * DW_OP_regx (a register), DW_OP_breg10 or DW_OP_fbreg with DW_AT_frame_base
 * DW_OP_reg10 (a stack slot), given as an exprloc valid over the enclosing scope
 * or as a location list in .debug_loclists (§2.6.2).  Anything else (computed
 * values, pieces) is valid DWARF that names no register and is skipped.
 *
 * The BPF backend of LLVM writes stack offsets from the bottom of the function's
 * frame, not from r10: a variable spilled to [r10-8] in a function with a 32-byte
 * frame is DW_OP_breg10 +24.  The frame size is not in the object (.debug_frame
 * only has an empty CIE), so it is taken from the function's code: the lowest
 * r10-relative byte it addresses, rounded up to 8.
 *
 * In a relocatable object, addresses (DW_FORM_addr, .debug_addr entries,
 * DW_LLE_base_address) are relocated against a code section's symbol; section
 * offsets and string offsets (.debug_str_offsets) may be relocated too.  A range
 * whose address carries no relocation cannot be placed and is skipped.
 *
 * Everything is bounded by its section; the first problem ends the read, empties
 * the table and becomes one warning naming the section and byte offset.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/dwarf_int.h"
#include "bpf/internal.h"

/* §7.5.3 table 7.3, §7.5.4 table 7.5: the tags and attributes read. */
enum {
	DW_TAG_formal_parameter = 0x05,
	DW_TAG_lexical_block = 0x0b,
	DW_TAG_compile_unit = 0x11,
	DW_TAG_inlined_subroutine = 0x1d,
	DW_TAG_subprogram = 0x2e,
	DW_TAG_variable = 0x34,
	DW_TAG_partial_unit = 0x3c,
};

enum {
	DW_AT_location = 0x02,
	DW_AT_name = 0x03,
	DW_AT_low_pc = 0x11,
	DW_AT_high_pc = 0x12,
	DW_AT_frame_base = 0x40,
	DW_AT_str_offsets_base = 0x72,
	DW_AT_addr_base = 0x73,
	DW_AT_loclists_base = 0x8c,
};

/* §7.7.1 table 7.9: the operations of a simple location. */
enum {
	DW_OP_lit0 = 0x30,
	DW_OP_lit31 = 0x4f,
	DW_OP_reg0 = 0x50,
	DW_OP_reg9 = 0x59,
	DW_OP_reg10 = 0x5a,
	DW_OP_breg0 = 0x70,
	DW_OP_breg9 = 0x79,
	DW_OP_breg10 = 0x7a,
	DW_OP_regx = 0x90,
	DW_OP_fbreg = 0x91,
	DW_OP_stack_value = 0x9f,
};

/*
 * Operations of a value computed from registers (§2.5.1): how many operand bytes
 * follow (0xff: one LEB128), for the constants and arithmetic clang emits for
 * induction variables, e.g. i = r7 - 1 or i = (32 - r6) / 1.
 */
static const uint8_t dv_arith_ops[][2] = {
	{0x08, 1},    {0x09, 1}, {0x0a, 2}, {0x0b, 2},	  {0x0c, 4},
	{0x0d, 4},    {0x0e, 8}, {0x0f, 8}, {0x10, 0xff}, {0x11, 0xff}, /* const1u … consts */
	{0x1a, 0},    {0x1b, 0}, {0x1c, 0}, {0x1d, 0},	  {0x1e, 0},
	{0x1f, 0},    {0x20, 0}, {0x21, 0}, {0x22, 0},	  {0x23, 0xff}, /* and … plus_uconst */
	{0x24, 0},    {0x25, 0}, {0x26, 0}, {0x27, 0},			/* shl, shr, shra, xor */
	{0xa8, 0xff},							/* convert */
};

/* §7.7.3 table 7.10: location list entries. */
enum {
	DW_LLE_end_of_list,
	DW_LLE_base_addressx,
	DW_LLE_startx_endx,
	DW_LLE_startx_length,
	DW_LLE_offset_pair,
	DW_LLE_default_location,
	DW_LLE_base_address,
	DW_LLE_start_end,
	DW_LLE_start_length,
};

#define DV_MAX_DEPTH 64
#define DV_FORM_INDIRECT 0x16

/* ------------------------------------------------------------------ forms */

/* How a form is encoded, and what its value means. */
enum dv_enc { E_FIXED, E_OFF, E_ADDR, E_ULEB, E_SLEB, E_CSTR, E_BLOCK, E_NONE };
enum dv_cls {
	C_OTHER,
	C_CONST,
	C_STRING,
	C_STRP,
	C_STRX,
	C_ADDR,
	C_ADDRX,
	C_BLOCK,
	C_LISTX,
	C_SECOFF
};

/* DWARF 5 §7.5.6 table 7.6, every form but DW_FORM_indirect (read before lookup). */
static const struct dv_form {
	uint8_t form, enc, size, cls; /* size: E_FIXED bytes, or E_BLOCK length bytes (0: ULEB) */
} dv_forms[] = {
	{0x01, E_ADDR, 0, C_ADDR},    /* addr */
	{0x03, E_BLOCK, 2, C_BLOCK},  /* block2 */
	{0x04, E_BLOCK, 4, C_BLOCK},  /* block4 */
	{0x05, E_FIXED, 2, C_CONST},  /* data2 */
	{0x06, E_FIXED, 4, C_CONST},  /* data4 */
	{0x07, E_FIXED, 8, C_CONST},  /* data8 */
	{0x08, E_CSTR, 0, C_STRING},  /* string */
	{0x09, E_BLOCK, 0, C_BLOCK},  /* block */
	{0x0a, E_BLOCK, 1, C_BLOCK},  /* block1 */
	{0x0b, E_FIXED, 1, C_CONST},  /* data1 */
	{0x0c, E_FIXED, 1, C_OTHER},  /* flag */
	{0x0d, E_SLEB, 0, C_OTHER},   /* sdata */
	{0x0e, E_OFF, 0, C_STRP},     /* strp */
	{0x0f, E_ULEB, 0, C_CONST},   /* udata */
	{0x10, E_OFF, 0, C_OTHER},    /* ref_addr */
	{0x11, E_FIXED, 1, C_OTHER},  /* ref1 */
	{0x12, E_FIXED, 2, C_OTHER},  /* ref2 */
	{0x13, E_FIXED, 4, C_OTHER},  /* ref4 */
	{0x14, E_FIXED, 8, C_OTHER},  /* ref8 */
	{0x15, E_ULEB, 0, C_OTHER},   /* ref_udata */
	{0x17, E_OFF, 0, C_SECOFF},   /* sec_offset */
	{0x18, E_BLOCK, 0, C_BLOCK},  /* exprloc */
	{0x19, E_NONE, 0, C_OTHER},   /* flag_present */
	{0x1a, E_ULEB, 0, C_STRX},    /* strx */
	{0x1b, E_ULEB, 0, C_ADDRX},   /* addrx */
	{0x1c, E_FIXED, 4, C_OTHER},  /* ref_sup4 */
	{0x1d, E_OFF, 0, C_OTHER},    /* strp_sup */
	{0x1e, E_FIXED, 16, C_OTHER}, /* data16 */
	{0x1f, E_OFF, 0, C_OTHER},    /* line_strp */
	{0x20, E_FIXED, 8, C_OTHER},  /* ref_sig8 */
	{0x21, E_NONE, 0, C_OTHER},   /* implicit_const: the value is in the abbreviation */
	{0x22, E_ULEB, 0, C_LISTX},   /* loclistx */
	{0x23, E_ULEB, 0, C_OTHER},   /* rnglistx */
	{0x24, E_FIXED, 8, C_OTHER},  /* ref_sup8 */
	{0x25, E_FIXED, 1, C_STRX},   /* strx1 */
	{0x26, E_FIXED, 2, C_STRX},   /* strx2 */
	{0x27, E_FIXED, 3, C_STRX},   /* strx3 */
	{0x28, E_FIXED, 4, C_STRX},   /* strx4 */
	{0x29, E_FIXED, 1, C_ADDRX},  /* addrx1 */
	{0x2a, E_FIXED, 2, C_ADDRX},  /* addrx2 */
	{0x2b, E_FIXED, 3, C_ADDRX},  /* addrx3 */
	{0x2c, E_FIXED, 4, C_ADDRX},  /* addrx4 */
};

static const struct dv_form *dv_form_lookup(uint64_t form)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(dv_forms); i++)
		if (dv_forms[i].form == form)
			return &dv_forms[i];
	return NULL;
}

/* ------------------------------------------------------------------ context */

struct dv_sec {
	const struct pds_elf_sec *s; /* NULL when the object lacks it */
	struct pds_elf_rel *rels;
	size_t nrels;
};

/* A place in a code section; sec 0 when its address carried no relocation. */
struct dv_addr {
	uint32_t sec;
	uint64_t off;
};

/* The code range of a scope, and the frame of the function it is in. */
struct dv_scope {
	struct dv_addr lo;
	uint64_t hi;
	bool valid;
	bool fb_r10;	/* DW_AT_frame_base is DW_OP_reg10 */
	uint32_t frame; /* frame size in bytes */
};

struct dv_abbrev {
	uint64_t code, tag;
	bool children;
	uint64_t specs; /* offset of the attribute specifications in .debug_abbrev */
};

/* The attributes of one DIE that matter here, as read. */
struct dv_val {
	const struct dv_form *f;
	uint64_t u;	    /* constant, index, offset or address */
	uint32_t shndx;	    /* section the relocation names, 0 when none */
	const uint8_t *blk; /* C_BLOCK, C_STRING */
	uint64_t len;
	uint64_t at; /* offset of the value in .debug_info */
};

struct dv_die {
	struct dv_val name, loc, low, high, fb;
	bool has_name, has_loc, has_low, has_high, has_fb;
};

struct dv {
	const struct pds_elf *e;
	struct pds_vartab *t;
	struct dv_sec info, abbrev, str, stroff, addr, loclists;
	/* current unit */
	uint64_t unit_end;
	uint8_t offsz, addr_size;
	uint64_t str_base, addr_base, loc_base;
	struct dv_addr cu_base;
	struct dv_abbrev *abbrevs;
	size_t nabbrevs;
	struct dv_scope scopes[DV_MAX_DEPTH + 1];
	const char *name; /* name of the current variable once copied, else NULL */
	/* the first problem */
	int code;
	char msg[512];
};

PDS_PRINTF(5, 6)
static int dv_err(struct dv *d, const struct dv_sec *s, uint64_t at, int code, const char *fmt, ...)
{
	int n;
	va_list ap;

	if (d->code)
		return d->code;
	d->code = code;
	n = snprintf(d->msg, sizeof(d->msg), "%s+0x%llx: ", s->s ? s->s->name : "?",
		     (unsigned long long)at);
	va_start(ap, fmt);
	vsnprintf(d->msg + n, sizeof(d->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

/* Messages of pds_elf_relocs become the one warning, like every other problem. */
static void dv_capture(void *ctx, const struct pds_chk_diag *diag)
{
	struct dv *d = ctx;

	if (d->code || diag->level != PDS_CHK_ERROR)
		return;
	d->code = diag->code ? diag->code : PDS_CHK_E_DWARF_RELOC;
	snprintf(d->msg, sizeof(d->msg), "%s", diag->message);
}

static const struct pds_elf_rel *dv_reloc_at(const struct dv_sec *s, uint64_t off)
{
	size_t lo = 0, hi = s->nrels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->rels[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nrels && s->rels[lo].off == off ? &s->rels[lo] : NULL;
}

/* A size-byte field at at of section s, relocated; *shndx the section its symbol is in. */
static int dv_field(struct dv *d, const struct dv_sec *s, struct rd *r, unsigned size,
		    uint64_t *val, uint32_t *shndx)
{
	uint64_t at = r->pos, inplace = rd_uint(r, size);
	const struct pds_elf_rel *rel = dv_reloc_at(s, at);
	uint32_t want = size == 8 ? PDS_R_BPF_64_ABS64 : PDS_R_BPF_64_ABS32;
	const struct pds_elf_sym *sym;

	*val = inplace;
	*shndx = 0;
	if (r->bad)
		return dv_err(d, s, at, PDS_CHK_E_DWARF_HEADER, "%u-byte field past the end", size);
	if (!rel)
		return 0;
	sym = &d->e->syms[rel->sym];
	if (rel->type != want || sym->shndx == SHN_UNDEF || sym->shndx >= d->e->nsecs)
		return dv_err(d, s, at, PDS_CHK_E_DWARF_RELOC,
			      "relocation of type %u against symbol %u (section %u); expected type "
			      "%u against a defined symbol",
			      rel->type, rel->sym, sym->shndx, want);
	*val = sym->value + (rel->rela ? (uint64_t)rel->addend : inplace);
	*shndx = sym->shndx;
	return 0;
}

static struct rd dv_rd(const struct dv_sec *s, uint64_t pos)
{
	struct rd r = {.p = s->s ? s->s->data : NULL, .pos = pos, .end = 0};

	if (s->s && s->s->data)
		r.end = s->s->size;
	if (pos > r.end)
		r.bad = true;
	return r;
}

/* ------------------------------------------------------------------ values */

static int dv_read_form(struct dv *d, struct rd *r, const struct dv_form *f, struct dv_val *v)
{
	uint64_t at = r->pos;
	int err = 0;

	memset(v, 0, sizeof(*v));
	v->f = f;
	v->at = at;
	switch (f->enc) {
	case E_FIXED:
		if (f->size <= 8)
			v->u = rd_uint(r, f->size);
		else
			rd_take(r, f->size);
		break;
	case E_OFF:
	case E_ADDR:
		err = dv_field(d, &d->info, r, f->enc == E_OFF ? d->offsz : d->addr_size, &v->u,
			       &v->shndx);
		break;
	case E_ULEB:
		v->u = rd_uleb(r);
		break;
	case E_SLEB:
		v->u = rd_leb(r, true);
		break;
	case E_CSTR:
		v->blk = (const uint8_t *)rd_cstr(r);
		break;
	case E_BLOCK:
		v->len = f->size ? rd_uint(r, f->size) : rd_uleb(r);
		v->blk = r->p + r->pos;
		rd_take(r, v->len);
		break;
	case E_NONE:
		break;
	}
	if (!err && r->bad)
		err = dv_err(d, &d->info, at, PDS_CHK_E_DWARF_FORM,
			     "value of form 0x%x runs past the unit's end", f->form);
	return err;
}

/* An entry of .debug_addr (§7.27), relocated. */
static int dv_addrx(struct dv *d, const struct dv_sec *from, uint64_t at, uint64_t idx,
		    struct dv_addr *a)
{
	struct rd r = dv_rd(&d->addr, d->addr_base + idx * d->addr_size);

	if (!d->addr.s || idx > d->addr.s->size / d->addr_size || r.bad)
		return dv_err(d, from, at, PDS_CHK_E_DWARF_ADDRESS,
			      "address index %llu past .debug_addr", (unsigned long long)idx);
	return dv_field(d, &d->addr, &r, d->addr_size, &a->off, &a->sec);
}

static int dv_addr_of(struct dv *d, const struct dv_val *v, struct dv_addr *a)
{
	if (v->f->cls == C_ADDR) {
		a->off = v->u;
		a->sec = v->shndx;
		return 0;
	}
	if (v->f->cls == C_ADDRX)
		return dv_addrx(d, &d->info, v->at, v->u, a);
	return dv_err(d, &d->info, v->at, PDS_CHK_E_DWARF_FORM, "address of form 0x%x", v->f->form);
}

/* A string of .debug_str at a (relocated) offset. */
static int dv_str_at(struct dv *d, uint64_t at, uint64_t off, uint32_t shndx, const char **out)
{
	const struct pds_elf_sec *s = d->str.s;

	if (!s || !s->data || (shndx && shndx != s->idx) || off >= s->size ||
	    !memchr(s->data + off, '\0', s->size - off))
		return dv_err(d, &d->info, at, PDS_CHK_E_DWARF_STRING,
			      "string offset 0x%llx is no terminated string of .debug_str",
			      (unsigned long long)off);
	*out = (const char *)s->data + off;
	return 0;
}

/* A DW_AT_name: inline, strp or strx (§7.26 .debug_str_offsets); NULL for other forms. */
static int dv_name_of(struct dv *d, const struct dv_val *v, const char **out)
{
	uint64_t off;
	uint32_t shndx;
	struct rd r;
	int err;

	*out = NULL;
	switch (v->f->cls) {
	case C_STRING:
		*out = (const char *)v->blk;
		return 0;
	case C_STRP:
		return dv_str_at(d, v->at, v->u, v->shndx, out);
	case C_STRX:
		if (!d->stroff.s || v->u > d->stroff.s->size / d->offsz)
			return dv_err(d, &d->info, v->at, PDS_CHK_E_DWARF_STRING,
				      "string index %llu past .debug_str_offsets",
				      (unsigned long long)v->u);
		r = dv_rd(&d->stroff, d->str_base + v->u * d->offsz);
		err = dv_field(d, &d->stroff, &r, d->offsz, &off, &shndx);
		return err ? err : dv_str_at(d, v->at, off, shndx, out);
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ abbreviations */

/* §7.5.3: the abbreviation table at off, up to its terminating 0 code. */
static int dv_abbrevs(struct dv *d, uint64_t off)
{
	struct rd r = dv_rd(&d->abbrev, off);
	size_t cap = 0;

	d->nabbrevs = 0;
	while (!r.bad) {
		uint64_t at = r.pos, code = rd_uleb(&r), attr, form;
		struct dv_abbrev a = {.code = code};

		if (!code || r.bad)
			break;
		a.tag = rd_uleb(&r);
		a.children = rd_uint(&r, 1) != 0;
		a.specs = r.pos;
		do {
			attr = rd_uleb(&r);
			form = rd_uleb(&r);
			if (form == 0x21) /* implicit_const */
				rd_leb(&r, true);
		} while (!r.bad && (attr || form));
		if (r.bad)
			return dv_err(d, &d->abbrev, at, PDS_CHK_E_DWARF_HEADER,
				      "abbreviation %llu runs past the section's end",
				      (unsigned long long)code);
		if (d->nabbrevs == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct dv_abbrev *v = realloc(d->abbrevs, ncap * sizeof(*v));

			if (!v)
				return PDS_CHK_E_NOMEM;
			d->abbrevs = v;
			cap = ncap;
		}
		d->abbrevs[d->nabbrevs++] = a;
	}
	if (r.bad)
		return dv_err(d, &d->abbrev, off, PDS_CHK_E_DWARF_HEADER,
			      "abbreviation table without its terminating 0");
	return 0;
}

static const struct dv_abbrev *dv_abbrev_find(const struct dv *d, uint64_t code)
{
	/* Producers number abbreviations 1, 2, 3 …: try the direct index first. */
	if (code && code <= d->nabbrevs && d->abbrevs[code - 1].code == code)
		return &d->abbrevs[code - 1];
	for (size_t i = 0; i < d->nabbrevs; i++)
		if (d->abbrevs[i].code == code)
			return &d->abbrevs[i];
	return NULL;
}

/* ------------------------------------------------------------------ DIEs */

static void dv_keep(struct dv_die *die, uint64_t attr, const struct dv_val *v)
{
	static const struct {
		uint64_t attr;
		size_t val, has;
	} keep[] = {
		{DW_AT_name, offsetof(struct dv_die, name), offsetof(struct dv_die, has_name)},
		{DW_AT_location, offsetof(struct dv_die, loc), offsetof(struct dv_die, has_loc)},
		{DW_AT_low_pc, offsetof(struct dv_die, low), offsetof(struct dv_die, has_low)},
		{DW_AT_high_pc, offsetof(struct dv_die, high), offsetof(struct dv_die, has_high)},
		{DW_AT_frame_base, offsetof(struct dv_die, fb), offsetof(struct dv_die, has_fb)},
	};

	for (size_t i = 0; i < PDS_ARRAY_SIZE(keep); i++) {
		if (keep[i].attr != attr)
			continue;
		memcpy((char *)die + keep[i].val, v, sizeof(*v));
		*((bool *)((char *)die + keep[i].has)) = true;
	}
}

/* The unit's bases (§3.1.1) are read as they come: other attributes may precede them. */
static void dv_unit_base(struct dv *d, uint64_t attr, const struct dv_val *v)
{
	if (v->f->cls != C_SECOFF)
		return;
	if (attr == DW_AT_str_offsets_base)
		d->str_base = v->u;
	else if (attr == DW_AT_addr_base)
		d->addr_base = v->u;
	else if (attr == DW_AT_loclists_base)
		d->loc_base = v->u;
}

static int dv_attrs(struct dv *d, struct rd *r, const struct dv_abbrev *a, struct dv_die *die)
{
	struct rd spec = dv_rd(&d->abbrev, a->specs);
	int err = 0;

	memset(die, 0, sizeof(*die));
	for (;;) {
		uint64_t at = r->pos, attr = rd_uleb(&spec), form = rd_uleb(&spec);
		const struct dv_form *f;
		struct dv_val v;

		if (!attr && !form)
			return 0;
		if (form == DV_FORM_INDIRECT)
			form = rd_uleb(r);
		f = dv_form_lookup(form);
		if (!f)
			return dv_err(d, &d->info, at, PDS_CHK_E_DWARF_FORM, "unknown form 0x%llx",
				      (unsigned long long)form);
		err = dv_read_form(d, r, f, &v);
		if (form == 0x21)
			v.u = rd_leb(&spec, true);
		if (err)
			return err;
		dv_keep(die, attr, &v);
		if (a->tag == DW_TAG_compile_unit || a->tag == DW_TAG_partial_unit)
			dv_unit_base(d, attr, &v);
	}
}

/* DW_AT_low_pc and DW_AT_high_pc (§2.17.2): high is an address or an offset from low. */
static int dv_pc_range(struct dv *d, const struct dv_die *die, struct dv_scope *s)
{
	struct dv_addr hi;
	int err;

	if (!die->has_low || !die->has_high)
		return 0;
	err = dv_addr_of(d, &die->low, &s->lo);
	if (err)
		return err;
	if (die->high.f->cls == C_CONST) {
		hi.sec = s->lo.sec;
		hi.off = s->lo.off + die->high.u;
	} else {
		err = dv_addr_of(d, &die->high, &hi);
		if (err)
			return err;
	}
	s->hi = hi.off;
	s->valid = s->lo.sec != 0 && hi.sec == s->lo.sec;
	if (s->valid && (s->lo.off > s->hi || s->hi > d->e->secs[s->lo.sec].size ||
			 !d->e->secs[s->lo.sec].data))
		return dv_err(d, &d->info, die->low.at, PDS_CHK_E_DWARF_ADDRESS,
			      "pc range [0x%llx, 0x%llx) outside %s", (unsigned long long)s->lo.off,
			      (unsigned long long)s->hi, d->e->secs[s->lo.sec].name);
	return 0;
}

/* The frame size of a function: the lowest byte below r10 its code reaches, directly or
 * through a register copied from r10 (§ the comment at the top of this file). */
static uint32_t dv_frame_size(const struct pds_elf_sec *code, uint64_t lo, uint64_t hi)
{
	int64_t off[11] = {0}, low = 0;
	bool known[11] = {false};

	known[10] = true;
	for (uint64_t at = lo; at + 8 <= hi; at += 8) {
		const uint8_t *p = code->data + at;
		uint8_t op = p[0], cls = op & 7, dst = p[1] & 0xf, src = p[1] >> 4;
		int64_t o = (int16_t)(p[2] | p[3] << 8);
		int32_t imm = (int32_t)((uint32_t)p[4] | (uint32_t)p[5] << 8 |
					(uint32_t)p[6] << 16 | (uint32_t)p[7] << 24);
		int base = cls == 1 ? src : cls == 2 || cls == 3 ? dst : -1;

		if (dst > 10 || src > 10)
			continue;
		if (base >= 0 && known[base] && off[base] + o < low)
			low = off[base] + o;
		if (op == 0xbf) { /* r_dst = r_src */
			known[dst] = known[src];
			off[dst] = off[src];
		} else if (op == 0x07 && known[dst]) { /* r_dst += imm */
			off[dst] += imm;
			if (off[dst] < low)
				low = off[dst];
		} else if (op == 0x85) { /* call: r0-r5 clobbered */
			memset(known, 0, 6 * sizeof(known[0]));
		} else if ((cls == 0 || cls == 1 || cls == 4 || cls == 7) && dst != 10) {
			known[dst] = false;
		}
	}
	if (low < -(int64_t)UINT32_MAX)
		return UINT32_MAX & ~7u;
	return (uint32_t)((-low + 7) & ~7);
}

/* ------------------------------------------------------------------ table */

static bool dv_arith_op(struct rd *r, uint8_t op)
{
	if (op >= DW_OP_lit0 && op <= DW_OP_lit31)
		return true;
	for (size_t i = 0; i < PDS_ARRAY_SIZE(dv_arith_ops); i++) {
		if (dv_arith_ops[i][0] != op)
			continue;
		if (dv_arith_ops[i][1] == 0xff)
			rd_uleb(r);
		else
			rd_take(r, dv_arith_ops[i][1]);
		return !r->bad;
	}
	return false;
}

/* The one register r0-r9 a DW_OP_stack_value expression reads, or -1. */
static int dv_computed_reg(const uint8_t *expr, uint64_t len)
{
	struct rd r = {.p = expr, .pos = 0, .end = len};
	int reg = -1;

	if (len < 2 || expr[len - 1] != DW_OP_stack_value)
		return -1;
	r.end = len - 1;
	while (r.pos < r.end) {
		uint8_t op = (uint8_t)rd_uint(&r, 1);

		if (op >= DW_OP_breg0 && op <= DW_OP_breg9) {
			if (reg >= 0 && reg != op - DW_OP_breg0)
				return -1;
			reg = op - DW_OP_breg0;
			rd_leb(&r, true);
			if (r.bad)
				return -1;
		} else if (!dv_arith_op(&r, op)) {
			return -1;
		}
	}
	return reg;
}

static int dv_add(struct dv *d, const char *name, uint32_t sec, uint64_t lo, uint64_t hi, int reg,
		  int32_t stack_off, bool computed)
{
	struct pds_vartab *t = d->t;

	if (!d->name) {
		if (t->nnames == t->capnames) {
			size_t cap = t->capnames ? t->capnames * 2 : 16;
			char **v = realloc(t->names, cap * sizeof(*v));

			if (!v)
				return PDS_CHK_E_NOMEM;
			t->names = v;
			t->capnames = cap;
		}
		t->names[t->nnames] = pds_strdup(name);
		if (!t->names[t->nnames])
			return PDS_CHK_E_NOMEM;
		d->name = t->names[t->nnames++];
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct pds_var_loc *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return PDS_CHK_E_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct pds_var_loc){sec, lo, hi, reg, stack_off, computed, d->name};
	return 0;
}

/*
 * One location over [lo, hi) of sec: recorded when it is a simple register or stack
 * location (§2.6.1.1.3 register location descriptions, §2.6.1.1.2 memory ones).
 */
static int dv_location(struct dv *d, const char *name, const struct dv_scope *fn, uint32_t sec,
		       uint64_t lo, uint64_t hi, const uint8_t *expr, uint64_t len, uint64_t at)
{
	struct rd r = {.p = expr, .pos = 1, .end = len};
	int64_t off;
	int reg;

	if (!sec || lo == hi || !len)
		return 0;
	if (sec >= d->e->nsecs || lo > hi || hi > d->e->secs[sec].size)
		return dv_err(d, &d->loclists, at, PDS_CHK_E_DWARF_ADDRESS,
			      "range [0x%llx, 0x%llx) outside section %u", (unsigned long long)lo,
			      (unsigned long long)hi, sec);
	if (expr[0] >= DW_OP_reg0 && expr[0] <= DW_OP_reg9 && len == 1)
		return dv_add(d, name, sec, lo, hi, expr[0] - DW_OP_reg0, 0, false);
	if (expr[0] == DW_OP_regx) {
		reg = (int)rd_uleb(&r);
		return !r.bad && r.pos == len && reg >= 0 && reg <= 9
			       ? dv_add(d, name, sec, lo, hi, reg, 0, false)
			       : 0;
	}
	reg = dv_computed_reg(expr, len);
	if (reg >= 0)
		return dv_add(d, name, sec, lo, hi, reg, 0, true);
	if (expr[0] != DW_OP_breg10 && !(expr[0] == DW_OP_fbreg && fn->fb_r10))
		return 0;
	off = (int64_t)rd_leb(&r, true) - (int64_t)fn->frame;
	if (r.bad || r.pos != len || off >= 0 || off < INT16_MIN)
		return 0;
	return dv_add(d, name, sec, lo, hi, -1, (int32_t)off, false);
}

static int dv_lle_addr(struct dv *d, struct rd *r, bool indexed, struct dv_addr *a)
{
	uint64_t at = r->pos;

	if (indexed)
		return dv_addrx(d, &d->loclists, at, rd_uleb(r), a);
	return dv_field(d, &d->loclists, r, d->addr_size, &a->off, &a->sec);
}

/* One entry of a location list (§2.6.2, table 7.10); *done at DW_LLE_end_of_list. */
static int dv_lle(struct dv *d, struct rd *r, const char *name, const struct dv_scope *fn,
		  struct dv_addr *base, bool *done)
{
	uint64_t at = r->pos, kind = rd_uint(r, 1), len;
	struct dv_addr lo = {0}, hi = {0};
	int err = 0;

	*done = kind == DW_LLE_end_of_list;
	if (kind == DW_LLE_end_of_list)
		return r->bad ? dv_err(d, &d->loclists, at, PDS_CHK_E_DWARF_HEADER,
				       "location list runs past the section's end")
			      : 0;
	if (kind == DW_LLE_base_addressx || kind == DW_LLE_base_address)
		return dv_lle_addr(d, r, kind == DW_LLE_base_addressx, base);
	if (kind == DW_LLE_startx_endx || kind == DW_LLE_start_end) {
		err = dv_lle_addr(d, r, kind == DW_LLE_startx_endx, &lo);
		if (!err)
			err = dv_lle_addr(d, r, kind == DW_LLE_startx_endx, &hi);
	} else if (kind == DW_LLE_startx_length || kind == DW_LLE_start_length) {
		err = dv_lle_addr(d, r, kind == DW_LLE_startx_length, &lo);
		hi = (struct dv_addr){lo.sec, lo.off + rd_uleb(r)};
	} else if (kind == DW_LLE_offset_pair) {
		lo = (struct dv_addr){base->sec, base->off + rd_uleb(r)};
		hi = (struct dv_addr){base->sec, base->off + rd_uleb(r)};
	} else if (kind != DW_LLE_default_location) {
		return dv_err(d, &d->loclists, at, PDS_CHK_E_DWARF_FORM,
			      "unknown location list entry %llu", (unsigned long long)kind);
	}
	len = rd_uleb(r);
	if (!err && (r->bad || !rd_take(r, len)))
		return dv_err(d, &d->loclists, at, PDS_CHK_E_DWARF_HEADER,
			      "location list entry runs past the section's end");
	if (err || kind == DW_LLE_default_location || lo.sec != hi.sec)
		return err;
	return dv_location(d, name, fn, lo.sec, lo.off, hi.off, r->p + r->pos - len, len, at);
}

/* A location list at off in .debug_loclists. */
static int dv_loclist(struct dv *d, uint64_t off, const char *name, const struct dv_scope *fn)
{
	struct rd r = dv_rd(&d->loclists, off);
	struct dv_addr base = d->cu_base;
	bool done = false;
	int err = 0;

	if (!d->loclists.s || r.bad)
		return dv_err(d, &d->info, d->loc_base, PDS_CHK_E_DWARF_HEADER,
			      "location list at 0x%llx outside .debug_loclists",
			      (unsigned long long)off);
	while (!err && !done)
		err = dv_lle(d, &r, name, fn, &base, &done);
	return err;
}

/* DW_FORM_loclistx (§7.29): an index into the offsets after DW_AT_loclists_base. */
static int dv_loclistx(struct dv *d, uint64_t idx, const char *name, const struct dv_scope *fn)
{
	struct rd r = dv_rd(&d->loclists, d->loc_base + idx * d->offsz);
	uint64_t off;

	if (!d->loclists.s || idx > d->loclists.s->size / d->offsz)
		r.bad = true;
	off = rd_uint(&r, d->offsz);
	if (r.bad)
		return dv_err(d, &d->info, d->loc_base, PDS_CHK_E_DWARF_HEADER,
			      "location list index %llu past .debug_loclists",
			      (unsigned long long)idx);
	return dv_loclist(d, d->loc_base + off, name, fn);
}

static int dv_variable(struct dv *d, const struct dv_die *die, const struct dv_scope *scope)
{
	const struct dv_val *loc = &die->loc;
	const char *name;
	int err;

	if (!die->has_name || !die->has_loc)
		return 0;
	err = dv_name_of(d, &die->name, &name);
	if (err || !name || !name[0])
		return err;
	d->name = NULL;
	if (loc->f->cls == C_BLOCK)
		return scope->valid ? dv_location(d, name, scope, scope->lo.sec, scope->lo.off,
						  scope->hi, loc->blk, loc->len, 0)
				    : 0;
	if (loc->f->cls == C_LISTX)
		return dv_loclistx(d, loc->u, name, scope);
	if (loc->f->cls == C_SECOFF)
		return dv_loclist(d, loc->u, name, scope);
	return 0;
}

/* The scope a DIE opens for its children: its own pc range, or its parent's. */
static int dv_scope_of(struct dv *d, uint64_t tag, const struct dv_die *die,
		       const struct dv_scope *parent, struct dv_scope *s)
{
	int err;

	*s = *parent;
	if (tag != DW_TAG_subprogram && tag != DW_TAG_lexical_block &&
	    tag != DW_TAG_inlined_subroutine)
		return 0;
	s->valid = false;
	err = dv_pc_range(d, die, s);
	if (err)
		return err;
	if (!s->valid)
		*s = *parent;
	if (tag != DW_TAG_subprogram)
		return 0;
	/* A function's own frame: its variables are not in its caller's. */
	s->fb_r10 = die->has_fb && die->fb.f->cls == C_BLOCK && die->fb.len == 1 &&
		    die->fb.blk[0] == DW_OP_reg10;
	s->frame = s->valid ? dv_frame_size(&d->e->secs[s->lo.sec], s->lo.off, s->hi) : 0;
	return 0;
}

/* §3.1.1: the unit's DW_AT_low_pc is the base of its location lists. */
static int dv_cu(struct dv *d, const struct dv_die *die)
{
	d->cu_base = (struct dv_addr){0};
	return die->has_low ? dv_addr_of(d, &die->low, &d->cu_base) : 0;
}

/* Every DIE of a unit, with the stack of scopes they are nested in. */
static int dv_dies(struct dv *d, struct rd *r)
{
	unsigned depth = 0;
	struct dv_die die;
	int err = 0;

	memset(&d->scopes[0], 0, sizeof(d->scopes[0]));
	while (!err && r->pos < r->end) {
		uint64_t at = r->pos, code = rd_uleb(r);
		const struct dv_abbrev *a;

		if (r->bad)
			return dv_err(d, &d->info, at, PDS_CHK_E_DWARF_HEADER, "truncated DIE");
		if (!code) {
			depth -= depth > 0;
			continue;
		}
		a = dv_abbrev_find(d, code);
		if (!a)
			return dv_err(d, &d->info, at, PDS_CHK_E_DWARF_HEADER,
				      "DIE with abbreviation code %llu, which the table lacks",
				      (unsigned long long)code);
		err = dv_attrs(d, r, a, &die);
		if (!err && (a->tag == DW_TAG_compile_unit || a->tag == DW_TAG_partial_unit))
			err = dv_cu(d, &die);
		if (!err && (a->tag == DW_TAG_variable || a->tag == DW_TAG_formal_parameter))
			err = dv_variable(d, &die, &d->scopes[depth]);
		if (err || !a->children)
			continue;
		if (depth == DV_MAX_DEPTH)
			return dv_err(d, &d->info, at, PDS_CHK_E_DWARF_HEADER,
				      "DIEs nested deeper than %d", DV_MAX_DEPTH);
		err = dv_scope_of(d, a->tag, &die, &d->scopes[depth], &d->scopes[depth + 1]);
		depth++;
	}
	return err;
}

/* ------------------------------------------------------------------ units */

/* §7.5.1.1: a DWARF 5 compilation unit header; other unit types are skipped. */
static int dv_unit(struct dv *d, struct rd *r)
{
	uint64_t start = r->pos, len = rd_uint(r, 4), abbrev_off;
	unsigned version, type;
	uint32_t shndx;
	struct rd body;
	int err;

	d->offsz = 4;
	if (len == 0xffffffffu) {
		d->offsz = 8;
		len = rd_uint(r, 8);
	}
	if (r->bad || (d->offsz == 4 && len >= 0xfffffff0u) || len > r->end - r->pos)
		return dv_err(d, &d->info, start, PDS_CHK_E_DWARF_HEADER,
			      "unit length %llu runs past the section's end",
			      (unsigned long long)len);
	body = (struct rd){.p = r->p, .pos = r->pos, .end = r->pos + len};
	r->pos += len;
	version = (unsigned)rd_uint(&body, 2);
	type = (unsigned)rd_uint(&body, 1);
	d->addr_size = (uint8_t)rd_uint(&body, 1);
	if (body.bad || version != 5)
		return dv_err(d, &d->info, start, PDS_CHK_E_DWARF_HEADER,
			      "unit version %u; variables are read from DWARF 5 only", version);
	if (type != 1 && type != 3) /* DW_UT_compile, DW_UT_partial */
		return 0;
	if (d->addr_size != 8 && d->addr_size != 4)
		return dv_err(d, &d->info, start + d->offsz + 3, PDS_CHK_E_DWARF_HEADER,
			      "address size %u", d->addr_size);
	err = dv_field(d, &d->info, &body, d->offsz, &abbrev_off, &shndx);
	if (!err)
		err = dv_abbrevs(d, abbrev_off);
	d->str_base = d->addr_base = d->loc_base = 0;
	return err ? err : dv_dies(d, &body);
}

static int dv_sec_load(struct dv *d, struct dv_sec *s, const char *name,
		       const struct pds_chk_diag_sink *capture)
{
	s->s = pds_elf_sec_by_name(d->e, name);
	if (!s->s || !s->s->data) {
		s->s = NULL;
		return 0;
	}
	return pds_elf_relocs(d->e, s->s->idx, &s->rels, &s->nrels, capture);
}

static int dv_read(struct dv *d)
{
	struct pds_chk_diag_sink capture = {dv_capture, d};
	struct dv_sec *secs[] = {&d->info, &d->abbrev, &d->str, &d->stroff, &d->addr, &d->loclists};
	static const char *const names[] = {".debug_info", ".debug_abbrev",
					    ".debug_str",  ".debug_str_offsets",
					    ".debug_addr", ".debug_loclists"};
	struct rd r;
	int err = 0;

	for (size_t i = 0; !err && i < PDS_ARRAY_SIZE(secs); i++)
		err = dv_sec_load(d, secs[i], names[i], &capture);
	if (err || !d->info.s)
		return err;
	if (d->info.s->flags & SHF_COMPRESSED)
		return dv_err(d, &d->info, 0, PDS_CHK_E_DWARF_HEADER, "compressed; not read");
	if (!d->abbrev.s)
		return dv_err(d, &d->info, 0, PDS_CHK_E_DWARF_HEADER, "no .debug_abbrev");
	r = dv_rd(&d->info, 0);
	while (!err && r.pos < r.end)
		err = dv_unit(d, &r);
	return err;
}

int pds_dwarf_vars(const struct pds_elf *e, struct pds_vartab *t,
		   const struct pds_chk_diag_sink *sink)
{
	struct dv *d = pds_calloc(1, sizeof(*d));
	int err;

	if (!d)
		return PDS_CHK_E_NOMEM;
	d->e = e;
	d->t = t;
	err = dv_read(d);
	if (err && d->code == 0 && err != PDS_CHK_E_NOMEM)
		d->code = err;
	if (err) {
		pds_vartab_free(t);
		memset(t, 0, sizeof(*t));
	}
	if (err && err != PDS_CHK_E_NOMEM) {
		struct pds_loc loc = PDS_LOC_FILE(e->path);

		pds_diag_rule(sink, PDS_CHK_WARNING, "dwarf/bad-variables", &loc,
			      "%s; variable names are not read", d->msg);
	}
	free(d->info.rels);
	free(d->abbrev.rels);
	free(d->str.rels);
	free(d->stroff.rels);
	free(d->addr.rels);
	free(d->loclists.rels);
	free(d->abbrevs);
	free(d);
	return err;
}

void pds_vartab_free(struct pds_vartab *t)
{
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->v);
}

/* ------------------------------------------------------------------ lookups */

const char *pds_obj_var_name(const struct pds_chk_prog *prog, size_t slot, int reg,
			     int32_t stack_off)
{
	const struct pds_vartab *t;
	uint32_t sec;
	uint64_t off;

	if (!prog || slot >= prog->nslots || reg < -1 || reg > 9)
		return NULL;
	t = &prog->obj->vars;
	sec = prog->origin[slot].sec;
	off = prog->origin[slot].sec_off;
	/* A variable the register holds comes before one computed from it; the last match is
	 * the innermost scope's, since .debug_info lists inner scopes after outer ones. */
	for (int computed = 0; computed < 2; computed++) {
		for (size_t i = t->n; i-- > 0;) {
			const struct pds_var_loc *v = &t->v[i];

			if (v->sec == sec && v->lo <= off && off < v->hi && v->reg == reg &&
			    v->computed == computed && (reg >= 0 || v->stack_off == stack_off))
				return v->name;
		}
	}
	return NULL;
}

/* Digits at *s as a number of at most 6 digits, moving s past them; -1 when none. */
static long parse_digits(const char **s)
{
	long v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9' && n < 6) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n && !(**s >= '0' && **s <= '9') ? v : -1;
}

/* "r7" or "[r10-8]" as the termination analysis writes them. */
static bool parse_ivar(const char *ivar, int *reg, int32_t *off)
{
	const char *p = ivar;
	long v;

	*off = 0;
	if (p[0] == 'r') {
		p++;
		v = parse_digits(&p);
		if (v < 0 || v > 9 || *p)
			return false;
		*reg = (int)v;
		return true;
	}
	if (strncmp(p, "[r10-", 5))
		return false;
	p += 5;
	v = parse_digits(&p);
	if (v <= 0 || v > -(long)INT16_MIN || strcmp(p, "]"))
		return false;
	*reg = -1;
	*off = (int32_t)-v;
	return true;
}

char *pds_obj_ivar_label(const struct pds_chk_prog *prog, size_t slot, size_t head,
			 const char *ivar)
{
	const char *name = NULL;
	int32_t off;
	int reg;
	char *s;

	if (parse_ivar(ivar, &reg, &off)) {
		name = pds_obj_var_name(prog, slot, reg, off);
		if (!name)
			name = pds_obj_var_name(prog, head, reg, off);
	}
	if (!name)
		return pds_strdup(ivar);
	s = malloc(strlen(name) + strlen(ivar) + sizeof(" in "));
	if (s)
		sprintf(s, "%s in %s", name, ivar);
	return s;
}
