// SPDX-License-Identifier: MIT
/*
 * PQUIC pluglet reader (pquic-abi.md §2): read the object the way PQUIC's
 * loader does, and refuse what it refuses.
 *
 * - code is the first section flagged exactly SHF_ALLOC|SHF_EXECINSTR;
 * - helper calls are `call` instructions carrying an R_BPF_64_32 relocation
 *   (type 2 is accepted too) against an undefined symbol: the helper's name;
 * - R_BPF_64_64 on an lddw loads the address of a NUL-terminated string at the
 *   symbol's value in its section.  PQUIC ignores the addend, so a non-zero
 *   in-place addend (clang >= 14 references `.rodata.str1.1` + offset) makes
 *   PQUIC load the wrong string: reported as a warning;
 * - any other relocation type, and BPF-to-BPF calls, fail the load.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

#define PQUIC_MAX_SIZE (1u << 20)
#define PQUIC_MAX_SECTIONS 32
#define R_BPF_64_32_ALT 2 /* accepted by PQUIC for calls as well */

struct pq_ctx {
	struct pds_chk_obj *obj;
	const struct pds_elf *e;
	const struct pds_elf_sec *code;
	struct pds_chk_prog *prog;
	const struct pds_chk_diag_sink *sink;
};

static const struct pds_elf_sec *find_code(const struct pds_elf *e)
{
	for (size_t i = 1; i < e->nsecs; i++)
		if (e->secs[i].flags == (SHF_ALLOC | SHF_EXECINSTR))
			return &e->secs[i];
	return NULL;
}

PDS_PRINTF(4, 5)
static int slot_err(struct pq_ctx *c, size_t slot, int code, const char *fmt, ...)
{
	struct pds_loc loc;
	struct pds_srcloc src;
	va_list ap;

	pds_prog_loc(c->prog, slot < c->prog->nslots ? slot : c->prog->nslots - 1, &loc, &src);
	va_start(ap, fmt);
	pds_vdiag(c->sink, PDS_CHK_ERROR, code, NULL, &loc, fmt, ap);
	va_end(ap);
	return code;
}

static int resolve_call(struct pq_ctx *c, const struct pds_elf_rel *r, size_t slot)
{
	const struct pds_elf_sym *sym = &c->e->syms[r->sym];
	struct pds_insn_ref *ref = &c->prog->refs[slot];

	if (!pds_insn_is_call(&c->prog->insns[slot]))
		return slot_err(c, slot, PDS_CHK_E_RELOC_TARGET,
				"%s relocation against '%s' on an instruction that is not a call",
				"R_BPF_64_32", sym->name);
	if (sym->shndx != SHN_UNDEF)
		return slot_err(
			c, slot, PDS_CHK_E_BPF_CALL,
			"BPF-to-BPF call of local function '%s': PQUIC resolves only helpers",
			sym->name[0] ? sym->name : "<section>");
	if (!sym->name[0])
		return slot_err(c, slot, PDS_CHK_E_RELOC_SYMBOL,
				"call relocation against a symbol without a name");
	ref->kind = PDS_REF_HELPER;
	ref->helper_id = -1;
	ref->name = pds_obj_intern(c->obj, sym->name, strlen(sym->name));
	return ref->name ? 0 : PDS_CHK_E_NOMEM;
}

static int resolve_string(struct pq_ctx *c, const struct pds_elf_rel *r, size_t slot)
{
	const struct pds_elf_sym *sym = &c->e->syms[r->sym];
	const struct pds_insn *in = &c->prog->insns[slot];
	struct pds_insn_ref *ref = &c->prog->refs[slot];
	const struct pds_elf_sec *s;
	const char *str, *end;
	struct pds_loc loc;
	struct pds_srcloc src;
	int64_t addend;

	if (!pds_insn_is_lddw(in))
		return slot_err(c, slot, PDS_CHK_E_RELOC_TARGET,
				"%s relocation against '%s' on an instruction that is not lddw",
				"R_BPF_64_64", sym->name);
	if (sym->shndx == SHN_UNDEF || sym->shndx >= c->e->nsecs || !c->e->secs[sym->shndx].data)
		return slot_err(c, slot, PDS_CHK_E_RELOC_STRING,
				"string relocation against '%s', which has no data in the object",
				sym->name);
	s = &c->e->secs[sym->shndx];
	if (sym->value >= s->size)
		return slot_err(c, slot, PDS_CHK_E_RELOC_STRING,
				"string relocation against '%s' points past the end of %s",
				sym->name, s->name);
	str = (const char *)s->data + sym->value;
	end = memchr(str, '\0', s->size - sym->value);
	if (!end)
		return slot_err(c, slot, PDS_CHK_E_RELOC_STRING,
				"string at '%s' in %s is not NUL-terminated", sym->name, s->name);
	addend = r->rela ? r->addend : (int64_t)(uint32_t)in[0].imm;
	ref->kind = PDS_REF_STRING;
	ref->helper_id = -1;
	ref->value_off = sym->value;
	ref->name = pds_obj_intern(c->obj, s->name, strlen(s->name));
	ref->string = pds_obj_intern(c->obj, str, (size_t)(end - str));
	if (!ref->name || !ref->string)
		return PDS_CHK_E_NOMEM;
	if (addend != 0) {
		char shown[64];

		ref->addend_ignored = 1;
		pds_escape(str, shown, sizeof(shown));
		pds_prog_loc(c->prog, slot, &loc, &src);
		pds_diag_rule(c->sink, PDS_CHK_WARNING, "reloc/string-addend-ignored", &loc,
			      "string constant at %s+%lld: PQUIC ignores the addend and loads "
			      "\"%s\" from %s+%llu instead",
			      s->name, (long long)addend, shown, s->name,
			      (unsigned long long)sym->value);
	}
	return 0;
}

static int apply_relocs(struct pq_ctx *c)
{
	struct pds_elf_rel *rels = NULL;
	size_t n = 0;
	int err;

	err = pds_elf_relocs(c->e, c->code->idx, &rels, &n, c->sink);
	for (size_t i = 0; !err && i < n; i++) {
		const struct pds_elf_rel *r = &rels[i];
		size_t slot = r->off / 8;

		if (r->off % 8 != 0)
			err = slot_err(
				c, slot, PDS_CHK_E_RELOC_OFFSET,
				"relocation at offset 0x%llx is not on an instruction boundary",
				(unsigned long long)r->off);
		else if (r->type == R_BPF_64_32 || r->type == R_BPF_64_32_ALT)
			err = resolve_call(c, r, slot);
		else if (r->type == R_BPF_64_64)
			err = resolve_string(c, r, slot);
		else
			err = slot_err(c, slot, PDS_CHK_E_RELOC_TYPE,
				       "relocation type %u is not one PQUIC's loader handles (only "
				       "R_BPF_64_64 and R_BPF_64_32)",
				       r->type);
	}
	free(rels);
	return err;
}

/* Every call must have been given a helper by a relocation. */
static int check_calls(struct pq_ctx *c)
{
	int first = 0;

	for (size_t i = 0; i < c->prog->nslots; i++) {
		const struct pds_insn *in = &c->prog->insns[i];

		if (i && pds_insn_is_lddw(&c->prog->insns[i - 1]))
			continue;
		if (!pds_insn_is_call(in) || c->prog->refs[i].kind == PDS_REF_HELPER)
			continue;
		if (!first)
			first = in->src == 1 ? PDS_CHK_E_BPF_CALL : PDS_CHK_E_RELOC_UNRESOLVED;
		slot_err(c, i, in->src == 1 ? PDS_CHK_E_BPF_CALL : PDS_CHK_E_RELOC_UNRESOLVED, "%s",
			 in->src == 1 ? "BPF-to-BPF call, which PQUIC does not support"
				      : "call without a relocation naming its helper");
	}
	return first;
}

static const char *prog_name(const struct pds_elf *e, const struct pds_elf_sec *code)
{
	for (size_t i = 1; i < e->nsyms; i++)
		if (e->syms[i].shndx == code->idx && e->syms[i].type == STT_FUNC &&
		    e->syms[i].value == 0 && e->syms[i].name[0])
			return e->syms[i].name;
	return code->name;
}

static int alloc_prog(struct pq_ctx *c)
{
	struct pds_chk_prog *p = c->prog;
	const char *name = prog_name(c->e, c->code);

	p->nslots = c->code->size / 8;
	p->name = pds_strdup(name);
	p->section = pds_strdup(c->code->name);
	p->insns = pds_arr_alloc(p->nslots, sizeof(*p->insns));
	p->refs = pds_arr_alloc(p->nslots, sizeof(*p->refs));
	p->origin = pds_arr_alloc(p->nslots, sizeof(*p->origin));
	p->sub_starts = pds_calloc(1, sizeof(*p->sub_starts));
	p->sub_names = pds_calloc(1, sizeof(*p->sub_names));
	if (!p->name || !p->section || !p->insns || !p->refs || !p->origin || !p->sub_starts ||
	    !p->sub_names)
		return PDS_CHK_E_NOMEM;
	p->sub_names[0] = pds_strdup(name);
	if (!p->sub_names[0])
		return PDS_CHK_E_NOMEM;
	p->nsubs = 1;
	memcpy(p->insns, c->code->data, p->nslots * 8);
	for (size_t i = 0; i < p->nslots; i++) {
		p->origin[i].sec = c->code->idx;
		p->origin[i].sec_off = i * 8;
		p->refs[i].helper_id = -1;
	}
	return 0;
}

int pds_pquic_read(struct pds_chk_obj *obj, const struct pds_elf *e,
		   const struct pds_chk_diag_sink *sink)
{
	struct pq_ctx c = {.obj = obj, .e = e, .sink = sink};
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	struct pds_validate_ctx vctx = {.file = e->path, .sink = sink};
	int err;

	c.code = find_code(e);
	if (!c.code)
		return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_ELF_NO_CODE, &loc,
				"no section flagged exactly SHF_ALLOC|SHF_EXECINSTR");
	if (c.code->type != SHT_PROGBITS || !c.code->data || c.code->size == 0 ||
	    c.code->size % 8 != 0)
		return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_ELF_CODE_SIZE, &loc,
				"code section %s: %llu bytes, not a non-empty multiple of 8",
				c.code->name, (unsigned long long)c.code->size);
	obj->progs = pds_calloc(1, sizeof(*obj->progs));
	if (!obj->progs)
		return PDS_CHK_E_NOMEM;
	obj->nprogs = 1;
	c.prog = &obj->progs[0];
	c.prog->obj = obj;
	err = alloc_prog(&c);
	if (err)
		return pds_diag(sink, PDS_CHK_ERROR, err, &loc, "out of memory");
	vctx.prog = c.prog;
	err = pds_decode_validate(PDS_CHK_PROFILE_PQUIC, c.prog->insns, c.prog->nslots, &vctx);
	if (!err)
		err = apply_relocs(&c);
	if (!err)
		err = check_calls(&c);
	return err;
}

/* Limits PQUIC's loader enforces on the file itself. */
const struct pds_elf_limits pds_pquic_elf_limits = {
	.max_size = PQUIC_MAX_SIZE,
	.max_sections = PQUIC_MAX_SECTIONS,
};
