// SPDX-License-Identifier: MIT
/*
 * Kernel eBPF object reader (profile "kernel").
 *
 * libbpf opens the object and says which programs it holds (name, section,
 * instructions) and which maps; the ELF view gives the symbols and relocations
 * needed to link each program as libbpf would before loading it: every
 * subprogram reached by BPF-to-BPF calls (or taken as a callback address) is
 * appended once after the program, and calls are re-targeted to the appended
 * copy.  Helper calls keep their ids (names from libbpf's helper definitions),
 * lddw relocations name their map, global-data section or extern.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

struct relset {
	struct pds_elf_rel *v;
	size_t n;
};

struct placed {
	uint32_t sec;
	uint64_t off;
	uint32_t slot;
};

struct kctx {
	struct pds_chk_obj *obj;
	const struct pds_elf *e;
	const struct pds_chk_diag_sink *sink;
	struct relset *rels; /* by section index */
	struct pds_chk_prog *prog;
	size_t cap;
	struct placed *placed;
	size_t nplaced, capplaced;
};

/* ------------------------------------------------------------------ libbpf */

static __thread const struct pds_chk_diag_sink *libbpf_sink;
static __thread const char *libbpf_path;

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct pds_loc loc = PDS_LOC_FILE(libbpf_path);
	char msg[512];
	size_t len;

	if (level == LIBBPF_DEBUG || !libbpf_sink)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	pds_diag_rule(libbpf_sink, level == LIBBPF_WARN ? PDS_CHK_WARNING : PDS_CHK_NOTE,
		      "elf/libbpf", &loc, "libbpf: %s", msg);
	return 0;
}

static int libbpf_open(struct kctx *c, struct bpf_object **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "pds");
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	libbpf_print_fn_t old;
	struct bpf_object *bo;
	long err;

	libbpf_sink = c->sink;
	libbpf_path = c->e->path;
	old = libbpf_set_print(libbpf_print_fn);
	bo = bpf_object__open_mem(c->e->image, c->e->size, &opts);
	err = libbpf_get_error(bo);
	libbpf_set_print(old);
	libbpf_sink = NULL;
	if (err || !bo)
		return pds_diag(c->sink, PDS_CHK_ERROR, PDS_CHK_E_ELF_LIBBPF, &loc,
				"libbpf cannot open the object: %s", strerror((int)-err));
	*out = bo;
	return 0;
}

/* ------------------------------------------------------------------ symbols */

static const struct pds_elf_sym *func_at(const struct pds_elf *e, uint32_t sec, uint64_t off)
{
	for (size_t i = 1; i < e->nsyms; i++) {
		const struct pds_elf_sym *s = &e->syms[i];

		if (s->shndx == sec && s->type == STT_FUNC && s->value == off)
			return s;
	}
	return NULL;
}

static const struct pds_elf_sym *func_named(const struct pds_elf *e, const char *name,
					    const char *sec)
{
	for (size_t i = 1; i < e->nsyms; i++) {
		const struct pds_elf_sym *s = &e->syms[i];

		if (s->type == STT_FUNC && s->shndx && s->shndx < e->nsecs &&
		    !strcmp(s->name, name) && !strcmp(e->secs[s->shndx].name, sec))
			return s;
	}
	return NULL;
}

static bool is_code(const struct pds_elf_sec *s)
{
	return s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR) && s->data;
}

static const struct pds_elf_rel *rel_at(const struct kctx *c, uint32_t sec, uint64_t off)
{
	const struct relset *rs = &c->rels[sec];
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rs->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->v[lo].off == off ? &rs->v[lo] : NULL;
}

/* ------------------------------------------------------------------ linking */

PDS_PRINTF(4, 5)
static int kerr(struct kctx *c, size_t slot, int code, const char *fmt, ...)
{
	struct pds_loc loc;
	struct pds_srcloc src;
	va_list ap;

	pds_prog_loc(c->prog, slot, &loc, &src);
	va_start(ap, fmt);
	pds_vdiag(c->sink, PDS_CHK_ERROR, code, NULL, &loc, fmt, ap);
	va_end(ap);
	return code;
}

static int grow(struct kctx *c, size_t need)
{
	struct pds_chk_prog *p = c->prog;
	size_t cap = c->cap ? c->cap : 64;
	void *a, *b, *d;

	if (need <= c->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	a = pds_arr_realloc(p->insns, cap, sizeof(*p->insns));
	if (a)
		p->insns = a;
	b = pds_arr_realloc(p->refs, cap, sizeof(*p->refs));
	if (b)
		p->refs = b;
	d = pds_arr_realloc(p->origin, cap, sizeof(*p->origin));
	if (d)
		p->origin = d;
	if (!a || !b || !d)
		return PDS_CHK_E_NOMEM;
	c->cap = cap;
	return 0;
}

static int add_placed(struct kctx *c, uint32_t sec, uint64_t off, uint32_t slot)
{
	if (c->nplaced == c->capplaced) {
		size_t cap = c->capplaced ? c->capplaced * 2 : 8;
		struct placed *v = realloc(c->placed, cap * sizeof(*v));

		if (!v)
			return PDS_CHK_E_NOMEM;
		c->placed = v;
		c->capplaced = cap;
	}
	c->placed[c->nplaced++] = (struct placed){sec, off, slot};
	return 0;
}

static int add_sub(struct kctx *c, const char *name, uint32_t start)
{
	struct pds_chk_prog *p = c->prog;
	uint32_t *s = realloc(p->sub_starts, (p->nsubs + 1) * sizeof(*s));
	char **n;

	if (!s)
		return PDS_CHK_E_NOMEM;
	p->sub_starts = s;
	n = realloc(p->sub_names, (p->nsubs + 1) * sizeof(*n));
	if (!n)
		return PDS_CHK_E_NOMEM;
	p->sub_names = n;
	n[p->nsubs] = pds_strdup(name);
	if (!n[p->nsubs])
		return PDS_CHK_E_NOMEM;
	s[p->nsubs++] = start;
	return 0;
}

/* Appends the function sym; returns its first slot in *slot. */
static int append_func(struct kctx *c, const struct pds_elf_sym *sym, uint32_t *slot)
{
	const struct pds_elf_sec *s = &c->e->secs[sym->shndx];
	struct pds_chk_prog *p = c->prog;
	size_t n = sym->size / 8, at = p->nslots;
	int err;

	for (size_t i = 0; i < c->nplaced; i++)
		if (c->placed[i].sec == sym->shndx && c->placed[i].off == sym->value) {
			*slot = c->placed[i].slot;
			return 0;
		}
	if (sym->size == 0 || sym->size % 8 || sym->value % 8 || sym->value > s->size ||
	    s->size - sym->value < sym->size)
		return PDS_CHK_E_SUBPROG;
	if (at + n > pds_profile_rules(PDS_CHK_PROFILE_KERNEL)->max_slots)
		return PDS_CHK_E_RECURSION;
	err = grow(c, at + n);
	if (!err)
		err = add_placed(c, sym->shndx, sym->value, (uint32_t)at);
	if (!err)
		err = add_sub(c, sym->name, (uint32_t)at);
	if (err)
		return err;
	memcpy(p->insns + at, s->data + sym->value, n * 8);
	for (size_t i = 0; i < n; i++) {
		p->refs[at + i] = (struct pds_insn_ref){.helper_id = -1};
		p->origin[at + i] = (struct pds_slot_origin){sym->shndx, sym->value + i * 8};
	}
	p->nslots = at + n;
	*slot = (uint32_t)at;
	return 0;
}

/* The function starting at byte offset off of section sec, linked in. */
static int link_target(struct kctx *c, size_t slot, uint32_t sec, int64_t off, uint32_t *target)
{
	const struct pds_elf_sym *f;
	int err;

	if (sec == 0 || sec >= c->e->nsecs || !is_code(&c->e->secs[sec]) || off < 0 || off % 8)
		return kerr(c, slot, PDS_CHK_E_SUBPROG, "call target outside any code section");
	f = func_at(c->e, sec, (uint64_t)off);
	if (!f)
		return kerr(c, slot, PDS_CHK_E_SUBPROG,
			    "call target %s+0x%llx is not the start of a function",
			    c->e->secs[sec].name, (unsigned long long)off);
	err = append_func(c, f, target);
	if (err)
		return kerr(c, slot, err, "cannot link subprogram '%s': %s", f->name,
			    pds_chk_strerror(err));
	return 0;
}

static int link_call(struct kctx *c, size_t slot)
{
	struct pds_insn *in = &c->prog->insns[slot];
	struct pds_slot_origin o = c->prog->origin[slot];
	const struct pds_elf_rel *r = rel_at(c, o.sec, o.sec_off);
	struct pds_insn_ref *ref = &c->prog->refs[slot];
	uint32_t sec = o.sec, target;
	int64_t off;
	int err;

	if (in->src == 0) {
		ref->kind = PDS_REF_HELPER;
		ref->helper_id = in->imm;
		ref->name = pds_kernel_helper_name(in->imm);
		if (r)
			return kerr(c, slot, PDS_CHK_E_RELOC_TARGET, "relocation on a helper call");
		return 0;
	}
	if (r && c->e->syms[r->sym].shndx == SHN_UNDEF) {
		ref->kind = PDS_REF_KFUNC;
		ref->name = pds_obj_intern(c->obj, c->e->syms[r->sym].name,
					   strlen(c->e->syms[r->sym].name));
		return ref->name ? 0 : PDS_CHK_E_NOMEM;
	}
	if (in->src != BPF_PSEUDO_CALL)
		return kerr(c, slot, PDS_CHK_E_INSN_REG, "call with source field %u", in->src);
	if (r) {
		sec = c->e->syms[r->sym].shndx;
		off = (int64_t)c->e->syms[r->sym].value + ((int64_t)in->imm + 1) * 8;
	} else {
		off = (int64_t)o.sec_off + ((int64_t)in->imm + 1) * 8;
	}
	err = link_target(c, slot, sec, off, &target);
	if (err)
		return err;
	in = &c->prog->insns[slot]; /* linking may have moved the array */
	ref = &c->prog->refs[slot];
	ref->kind = PDS_REF_SUBPROG;
	ref->target = target;
	ref->name = c->prog->sub_names[c->prog->nsubs - 1];
	for (size_t i = 0; i < c->prog->nsubs; i++)
		if (c->prog->sub_starts[i] == target)
			ref->name = c->prog->sub_names[i];
	in->imm = (int32_t)((int64_t)target - (int64_t)slot - 1);
	return 0;
}

static int link_lddw(struct kctx *c, size_t slot)
{
	struct pds_slot_origin o = c->prog->origin[slot];
	const struct pds_elf_rel *r = rel_at(c, o.sec, o.sec_off);
	const struct pds_elf_sym *sym;
	const struct pds_elf_sec *s;
	struct pds_insn_ref *ref;
	uint32_t target;
	int err;

	if (!r)
		return 0;
	if (r->type != R_BPF_64_64)
		return kerr(c, slot, PDS_CHK_E_RELOC_TYPE, "relocation type %u on lddw", r->type);
	sym = &c->e->syms[r->sym];
	s = sym->shndx && sym->shndx < c->e->nsecs ? &c->e->secs[sym->shndx] : NULL;
	if (s && is_code(s)) {
		int64_t off = (int64_t)sym->value + c->prog->insns[slot].imm;

		err = link_target(c, slot, sym->shndx, off, &target);
		if (err)
			return err;
		ref = &c->prog->refs[slot];
		ref->kind = PDS_REF_FUNC_ADDR;
		ref->target = target;
		return 0;
	}
	ref = &c->prog->refs[slot];
	if (s && (!strcmp(s->name, ".maps") || !strcmp(s->name, "maps"))) {
		ref->kind = PDS_REF_MAP;
		ref->name = pds_obj_intern(c->obj, sym->name, strlen(sym->name));
	} else {
		ref->kind = PDS_REF_MAP_VALUE;
		ref->value_off = (sym->type == STT_SECTION ? 0 : sym->value) +
				 (uint32_t)c->prog->insns[slot].imm;
		/* named by its data section (.data, .rodata, .bss, .kconfig …), or by
		 * the extern symbol when it lives in no section of the object */
		ref->name = s ? pds_obj_intern(c->obj, s->name, strlen(s->name))
			      : pds_obj_intern(c->obj, sym->name, strlen(sym->name));
	}
	return ref->name ? 0 : PDS_CHK_E_NOMEM;
}

static int check_reloc_targets(struct kctx *c, uint32_t sec)
{
	const struct relset *rs = &c->rels[sec];
	const struct pds_elf_sec *s = &c->e->secs[sec];
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);

	for (size_t i = 0; i < rs->n; i++) {
		struct pds_insn in;

		loc.section = s->name;
		loc.sec_off = rs->v[i].off;
		loc.insn = (int64_t)(rs->v[i].off / 8);
		if (rs->v[i].off % 8 || rs->v[i].off + 8 > s->size)
			return pds_diag(c->sink, PDS_CHK_ERROR, PDS_CHK_E_RELOC_OFFSET, &loc,
					"relocation at 0x%llx is not on an instruction",
					(unsigned long long)rs->v[i].off);
		memcpy(&in, s->data + rs->v[i].off, 8);
		if (rs->v[i].type == R_BPF_64_64 && !pds_insn_is_lddw(&in))
			return pds_diag(
				c->sink, PDS_CHK_ERROR, PDS_CHK_E_RELOC_TARGET, &loc,
				"R_BPF_64_64 relocation on an instruction that is not lddw");
		if (rs->v[i].type == R_BPF_64_32 && !pds_insn_is_call(&in))
			return pds_diag(
				c->sink, PDS_CHK_ERROR, PDS_CHK_E_RELOC_TARGET, &loc,
				"R_BPF_64_32 relocation on an instruction that is not a call");
		if (rs->v[i].type != R_BPF_64_64 && rs->v[i].type != R_BPF_64_32)
			return pds_diag(c->sink, PDS_CHK_ERROR, PDS_CHK_E_RELOC_TYPE, &loc,
					"relocation type %u in a code section", rs->v[i].type);
	}
	return 0;
}

static int load_relocs(struct kctx *c)
{
	int err = 0;

	c->rels = pds_calloc(c->e->nsecs, sizeof(*c->rels));
	if (!c->rels)
		return PDS_CHK_E_NOMEM;
	for (uint32_t i = 1; !err && i < c->e->nsecs; i++) {
		if (!is_code(&c->e->secs[i]))
			continue;
		err = pds_elf_relocs(c->e, i, &c->rels[i].v, &c->rels[i].n, c->sink);
		if (!err)
			err = check_reloc_targets(c, i);
	}
	return err;
}

/* Jumps may not leave the function they are in. */
static int check_jumps_local(struct kctx *c)
{
	struct pds_chk_prog *p = c->prog;

	for (size_t f = 0; f < p->nsubs; f++) {
		size_t lo = p->sub_starts[f],
		       hi = f + 1 < p->nsubs ? p->sub_starts[f + 1] : p->nslots;

		for (size_t i = lo; i < hi; i++) {
			const struct pds_insn *in = &p->insns[i];
			uint8_t cls = BPF_CLASS(in->code);
			int64_t t;

			if ((cls != BPF_JMP && cls != BPF_JMP32) || BPF_OP(in->code) == BPF_CALL ||
			    BPF_OP(in->code) == BPF_EXIT)
				continue;
			if (i && pds_insn_is_lddw(&p->insns[i - 1]))
				continue;
			t = (int64_t)i + 1 + (in->code == (BPF_JMP32 | BPF_JA) ? in->imm : in->off);
			if (t < (int64_t)lo || t >= (int64_t)hi)
				return kerr(c, i, PDS_CHK_E_INSN_JUMP_RANGE,
					    "jump to slot %lld leaves function '%s'", (long long)t,
					    p->sub_names[f]);
		}
	}
	return 0;
}

static int link_prog(struct kctx *c, const struct pds_elf_sym *main_sym)
{
	struct pds_validate_ctx vctx = {.file = c->e->path, .sink = c->sink, .prog = c->prog};
	uint32_t start;
	int err;

	c->nplaced = 0;
	c->cap = 0;
	err = append_func(c, main_sym, &start);
	for (size_t i = 0; !err && i < c->prog->nslots; i++) {
		const struct pds_insn *in = &c->prog->insns[i];

		if (pds_insn_is_call(in))
			err = link_call(c, i);
		else if (pds_insn_is_lddw(in) && i + 1 < c->prog->nslots)
			err = link_lddw(c, i++);
	}
	if (!err)
		err = pds_decode_validate(PDS_CHK_PROFILE_KERNEL, c->prog->insns, c->prog->nslots,
					  &vctx);
	if (!err)
		err = check_jumps_local(c);
	return err;
}

static int read_program(struct kctx *c, const struct bpf_program *bp)
{
	const char *name = bpf_program__name(bp), *sec = bpf_program__section_name(bp);
	const struct pds_elf_sym *sym = func_named(c->e, name, sec);
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	struct pds_chk_prog *p = c->prog;

	if (!sym || sym->size / 8 != bpf_program__insn_cnt(bp))
		return pds_diag(c->sink, PDS_CHK_ERROR, PDS_CHK_E_ELF_SYMTAB, &loc,
				"program '%s' in %s has no matching function symbol", name, sec);
	p->obj = c->obj;
	p->name = pds_strdup(name);
	p->section = pds_strdup(sec);
	if (!p->name || !p->section)
		return PDS_CHK_E_NOMEM;
	return link_prog(c, sym);
}

static int read_programs(struct kctx *c, struct bpf_object *bo)
{
	struct pds_loc loc = PDS_LOC_FILE(c->e->path);
	struct bpf_program *bp;
	size_t n = 0;
	int err = 0;

	bpf_object__for_each_program(bp, bo) n++;
	if (!n)
		return pds_diag(c->sink, PDS_CHK_ERROR, PDS_CHK_E_ELF_NO_PROGRAMS, &loc,
				"no program in any executable section");
	c->obj->progs = pds_calloc(n, sizeof(*c->obj->progs));
	if (!c->obj->progs)
		return PDS_CHK_E_NOMEM;
	bpf_object__for_each_program(bp, bo)
	{
		c->prog = &c->obj->progs[c->obj->nprogs++];
		err = read_program(c, bp);
		if (err)
			break;
	}
	return err;
}

int pds_kernel_read(struct pds_chk_obj *obj, const struct pds_elf *e,
		    const struct pds_chk_diag_sink *sink)
{
	struct kctx c = {.obj = obj, .e = e, .sink = sink};
	struct bpf_object *bo = NULL;
	int err;

	err = load_relocs(&c);
	if (!err) /* libbpf trusts BTF type ids: check them first */
		err = pds_btf_check(e, sink);
	if (!err)
		err = libbpf_open(&c, &bo);
	if (!err)
		err = read_programs(&c, bo);
	bpf_object__close(bo);
	for (size_t i = 0; c.rels && i < e->nsecs; i++)
		free(c.rels[i].v);
	free(c.rels);
	free(c.placed);
	return err;
}
