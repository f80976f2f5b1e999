// SPDX-License-Identifier: MIT
/* pds_chk_obj: open an object with its profile's reader, and accessors. */
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

extern const struct pds_elf_limits pds_pquic_elf_limits;

const char *pds_obj_intern(struct pds_chk_obj *obj, const char *s, size_t len)
{
	char *copy;

	if (obj->nstrings == obj->capstrings) {
		size_t cap = obj->capstrings ? obj->capstrings * 2 : 16;
		char **v = realloc(obj->strings, cap * sizeof(*v));

		if (!v)
			return NULL;
		obj->strings = v;
		obj->capstrings = cap;
	}
	copy = pds_strndup(s, len);
	if (!copy)
		return NULL;
	obj->strings[obj->nstrings++] = copy;
	return copy;
}

static void prog_free(struct pds_chk_prog *p)
{
	free(p->name);
	free(p->section);
	pds_arr_free(p->insns);
	pds_arr_free(p->refs);
	pds_arr_free(p->origin);
	free(p->sub_starts);
	for (size_t i = 0; p->sub_names && i < p->nsubs; i++)
		free(p->sub_names[i]);
	free(p->sub_names);
}

PDS_API void pds_chk_obj_free(struct pds_chk_obj *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < obj->nprogs; i++)
		prog_free(&obj->progs[i]);
	free(obj->progs);
	for (size_t i = 0; i < obj->nsec_names; i++)
		free(obj->sec_names[i]);
	free(obj->sec_names);
	for (size_t i = 0; i < obj->nstrings; i++)
		free(obj->strings[i]);
	free(obj->strings);
	pds_linetab_free(&obj->lines);
	pds_vartab_free(&obj->vars);
	free(obj->path);
	free(obj);
}

static int copy_section_names(struct pds_chk_obj *obj, const struct pds_elf *e)
{
	obj->sec_names = pds_calloc(e->nsecs, sizeof(*obj->sec_names));
	if (!obj->sec_names)
		return PDS_CHK_E_NOMEM;
	obj->nsec_names = e->nsecs;
	for (size_t i = 0; i < e->nsecs; i++) {
		obj->sec_names[i] = pds_strdup(e->secs[i].name ? e->secs[i].name : "");
		if (!obj->sec_names[i])
			return PDS_CHK_E_NOMEM;
	}
	return 0;
}

struct downgrade {
	const struct pds_chk_diag_sink *sink;
};

/* Problems in line info only cost precision in messages: they become warnings. */
static void downgrade_fn(void *ctx, const struct pds_chk_diag *d)
{
	const struct downgrade *g = ctx;
	struct pds_chk_diag w = *d;

	if (!g->sink || !g->sink->fn)
		return;
	if (w.level == PDS_CHK_ERROR)
		w.level = PDS_CHK_WARNING;
	w.code = 0;
	g->sink->fn(g->sink->ctx, &w);
}

/* Line info is a convenience for messages: BTF first, DWARF when BTF has none. */
static int read_lines(struct pds_chk_obj *obj, const struct pds_elf *e,
		      const struct pds_chk_diag_sink *sink)
{
	struct downgrade g = {sink};
	struct pds_chk_diag_sink soft = {downgrade_fn, &g};
	int err = pds_btf_lines(e, &obj->lines, &soft);

	if (!err && obj->lines.n == 0)
		err = pds_dwarf_lines(e, &obj->lines, &soft);
	if (err == PDS_CHK_E_NOMEM)
		return err;
	if (err) {
		pds_linetab_free(&obj->lines);
		memset(&obj->lines, 0, sizeof(obj->lines));
		return 0;
	}
	pds_linetab_sort(&obj->lines);
	return 0;
}

/*
 * Variable names only improve messages: malformed DWARF costs the table and one
 * warning (sent by pds_dwarf_vars), never the object.
 */
static int read_vars(struct pds_chk_obj *obj, const struct pds_elf *e,
		     const struct pds_chk_diag_sink *sink)
{
	int err = pds_dwarf_vars(e, &obj->vars, sink);

	return err == PDS_CHK_E_NOMEM ? err : 0;
}

static int open_elf(struct pds_chk_obj *obj, const void *buf, size_t len,
		    const struct pds_chk_diag_sink *sink)
{
	const struct pds_elf_limits *lim =
		obj->profile == PDS_CHK_PROFILE_PQUIC ? &pds_pquic_elf_limits : NULL;
	struct pds_elf e;
	int err;

	err = pds_elf_open(&e, buf, len, obj->path, lim, sink);
	if (err)
		return err;
	err = copy_section_names(obj, &e);
	if (!err)
		err = read_lines(obj, &e, sink);
	if (!err)
		err = read_vars(obj, &e, sink);
	if (!err && obj->profile == PDS_CHK_PROFILE_PQUIC)
		err = pds_pquic_read(obj, &e, sink);
	else if (!err)
		err = pds_kernel_read(obj, &e, sink);
	pds_elf_close(&e);
	return err;
}

PDS_API int pds_chk_obj_open_mem(const void *buf, size_t len, const char *name,
				 const struct pds_chk_open_opts *opts, struct pds_chk_obj **out)
{
	const struct pds_chk_diag_sink *sink = opts ? &opts->diag : NULL;
	struct pds_chk_obj *obj;
	int err;

	if (!out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if (!buf || !opts || opts->sz < sizeof(*opts) ||
	    (opts->profile != PDS_CHK_PROFILE_PQUIC && opts->profile != PDS_CHK_PROFILE_KERNEL))
		return PDS_CHK_E_INVAL;
	obj = pds_calloc(1, sizeof(*obj));
	if (!obj)
		return PDS_CHK_E_NOMEM;
	obj->profile = opts->profile;
	obj->path = pds_strdup(name ? name : "<memory>");
	if (!obj->path) {
		free(obj);
		return PDS_CHK_E_NOMEM;
	}
	err = open_elf(obj, buf, len, sink);
	if (err) {
		pds_chk_obj_free(obj);
		return err;
	}
	*out = obj;
	return 0;
}

PDS_API int pds_chk_obj_open(const char *path, const struct pds_chk_open_opts *opts,
			     struct pds_chk_obj **out)
{
	const struct pds_chk_diag_sink *sink = opts ? &opts->diag : NULL;
	size_t max = 0, len;
	void *buf;
	int err;

	if (!out || !path)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if (opts && opts->profile == PDS_CHK_PROFILE_PQUIC)
		max = pds_pquic_elf_limits.max_size;
	err = pds_read_file(path, max, PDS_CHK_E_ELF_TOO_LARGE, &buf, &len, sink);
	if (err)
		return err;
	err = pds_chk_obj_open_mem(buf, len, path, opts, out);
	free(buf);
	return err;
}

PDS_API const char *pds_chk_obj_path(const struct pds_chk_obj *obj)
{
	return obj->path;
}

PDS_API enum pds_chk_profile pds_chk_obj_profile(const struct pds_chk_obj *obj)
{
	return obj->profile;
}

PDS_API size_t pds_chk_obj_prog_count(const struct pds_chk_obj *obj)
{
	return obj ? obj->nprogs : 0;
}

PDS_API const struct pds_chk_prog *pds_chk_obj_prog(const struct pds_chk_obj *obj, size_t i)
{
	return obj && i < obj->nprogs ? &obj->progs[i] : NULL;
}

PDS_API int pds_chk_obj_has_lines(const struct pds_chk_obj *obj)
{
	return obj && obj->lines.n > 0;
}

PDS_API const char *pds_chk_prog_name(const struct pds_chk_prog *prog)
{
	return prog->name;
}

PDS_API const char *pds_chk_prog_section(const struct pds_chk_prog *prog)
{
	return prog->section;
}

PDS_API size_t pds_chk_prog_slot_count(const struct pds_chk_prog *prog)
{
	return prog->nslots;
}

PDS_API size_t pds_chk_prog_insn_count(const struct pds_chk_prog *prog)
{
	size_t n = 0;

	for (size_t i = 0; i < prog->nslots; i++) {
		n++;
		if (pds_insn_is_lddw(&prog->insns[i]))
			i++;
	}
	return n;
}

PDS_API const struct pds_insn *pds_chk_prog_insns(const struct pds_chk_prog *prog)
{
	return prog->insns;
}

PDS_API const struct pds_insn_ref *pds_chk_prog_ref(const struct pds_chk_prog *prog, size_t slot)
{
	if (slot >= prog->nslots || prog->refs[slot].kind == PDS_REF_NONE)
		return NULL;
	return &prog->refs[slot];
}

PDS_API int pds_chk_prog_srcloc(const struct pds_chk_prog *prog, size_t slot,
				struct pds_srcloc *loc)
{
	const struct pds_line *l;

	if (slot >= prog->nslots)
		return PDS_CHK_E_INVAL;
	l = pds_linetab_find(&prog->obj->lines, prog->origin[slot].sec, prog->origin[slot].sec_off);
	if (!l || !l->file || !l->line)
		return PDS_CHK_E_INVAL;
	loc->file = l->file;
	loc->line = l->line;
	loc->col = l->col;
	loc->text = l->text;
	return 0;
}

PDS_API void pds_chk_prog_origin(const struct pds_chk_prog *prog, size_t slot, const char **section,
				 uint64_t *sec_off)
{
	uint32_t sec = slot < prog->nslots ? prog->origin[slot].sec : 0;

	if (section)
		*section = sec < prog->obj->nsec_names ? prog->obj->sec_names[sec] : "";
	if (sec_off)
		*sec_off = slot < prog->nslots ? prog->origin[slot].sec_off : 0;
}

PDS_API size_t pds_chk_prog_subprogs(const struct pds_chk_prog *prog, const uint32_t **starts,
				     const char *const **names)
{
	if (starts)
		*starts = prog->sub_starts;
	if (names)
		*names = (const char *const *)prog->sub_names;
	return prog->nsubs;
}

void pds_prog_loc(const struct pds_chk_prog *prog, size_t slot, struct pds_loc *loc,
		  struct pds_srcloc *src)
{
	memset(loc, 0, sizeof(*loc));
	loc->file = prog->obj->path;
	loc->insn = (int64_t)slot;
	pds_chk_prog_origin(prog, slot, &loc->section, &loc->sec_off);
	if (pds_chk_prog_srcloc(prog, slot, src) == 0)
		loc->src = src;
}

static int raw_prog(struct pds_chk_obj *obj, const struct pds_insn *insns, size_t n,
		    const char *const *helpers, const char *name)
{
	struct pds_chk_prog *p;

	obj->progs = pds_calloc(1, sizeof(*obj->progs));
	obj->sec_names = pds_calloc(2, sizeof(*obj->sec_names));
	if (!obj->progs || !obj->sec_names)
		return PDS_CHK_E_NOMEM;
	obj->nsec_names = 2;
	obj->sec_names[0] = pds_strdup("");
	obj->sec_names[1] = pds_strdup(".text");
	obj->nprogs = 1;
	p = &obj->progs[0];
	p->obj = obj;
	p->nslots = n;
	p->name = pds_strdup(name);
	p->section = pds_strdup(".text");
	p->insns = pds_arr_alloc(n, sizeof(*p->insns));
	p->refs = pds_arr_alloc(n, sizeof(*p->refs));
	p->origin = pds_arr_alloc(n, sizeof(*p->origin));
	p->sub_starts = pds_calloc(1, sizeof(*p->sub_starts));
	p->sub_names = pds_calloc(1, sizeof(*p->sub_names));
	if (!obj->sec_names[0] || !obj->sec_names[1] || !p->name || !p->section || !p->insns ||
	    !p->refs || !p->origin || !p->sub_starts || !p->sub_names)
		return PDS_CHK_E_NOMEM;
	p->nsubs = 1;
	p->sub_names[0] = pds_strdup(name);
	if (!p->sub_names[0])
		return PDS_CHK_E_NOMEM;
	memcpy(p->insns, insns, n * sizeof(*insns));
	for (size_t i = 0; i < n; i++) {
		p->origin[i] = (struct pds_slot_origin){1, i * 8};
		p->refs[i].helper_id = -1;
		if (!pds_insn_is_call(&insns[i]))
			continue;
		if (obj->profile == PDS_CHK_PROFILE_KERNEL) {
			p->refs[i].kind = PDS_REF_HELPER;
			p->refs[i].helper_id = insns[i].imm;
			p->refs[i].name = pds_kernel_helper_name(insns[i].imm);
		} else if (helpers && helpers[i]) {
			p->refs[i].kind = PDS_REF_HELPER;
			p->refs[i].name = pds_obj_intern(obj, helpers[i], strlen(helpers[i]));
			if (!p->refs[i].name)
				return PDS_CHK_E_NOMEM;
		}
	}
	return 0;
}

PDS_API int pds_chk_obj_from_insns(const struct pds_insn *insns, size_t n,
				   const char *const *helpers, const char *name,
				   const struct pds_chk_open_opts *opts, struct pds_chk_obj **out)
{
	const struct pds_chk_diag_sink *sink = opts ? &opts->diag : NULL;
	struct pds_validate_ctx vctx = {.sink = sink};
	struct pds_chk_obj *obj;
	int err;

	if (!out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if ((!insns && n) || !opts || opts->sz < sizeof(*opts) ||
	    (opts->profile != PDS_CHK_PROFILE_PQUIC && opts->profile != PDS_CHK_PROFILE_KERNEL))
		return PDS_CHK_E_INVAL;
	obj = pds_calloc(1, sizeof(*obj));
	if (!obj)
		return PDS_CHK_E_NOMEM;
	obj->profile = opts->profile;
	obj->path = pds_strdup(name ? name : "<insns>");
	err = obj->path ? raw_prog(obj, insns, n, helpers, name ? name : "prog") : PDS_CHK_E_NOMEM;
	vctx.file = obj->path;
	vctx.prog = obj->progs ? &obj->progs[0] : NULL;
	if (!err)
		err = pds_decode_validate(obj->profile, insns, n, &vctx);
	for (size_t i = 0; !err && i < n; i++) {
		const struct pds_insn_ref *r = &obj->progs[0].refs[i];

		if (pds_insn_is_call(&insns[i]) && r->kind == PDS_REF_NONE &&
		    (i == 0 || !pds_insn_is_lddw(&insns[i - 1]))) {
			struct pds_loc loc;
			struct pds_srcloc src;

			pds_prog_loc(&obj->progs[0], i, &loc, &src);
			err = pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_RELOC_UNRESOLVED, &loc,
				       "call without a helper name");
		}
	}
	if (err) {
		pds_chk_obj_free(obj);
		return err;
	}
	*out = obj;
	return 0;
}
