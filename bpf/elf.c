// SPDX-License-Identifier: MIT
/*
 * A validated view of an eBPF relocatable object, built with libelf.
 *
 * Everything the later stages touch is checked here once: the identification
 * bytes, header and section table lie in the file, every section's data lies in
 * the file, every name is a NUL-terminated string inside its string table, the
 * symbol table is well formed, and relocations name existing symbols.
 */
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/internal.h"

#define ERR(code, ...) pds_diag(sink, PDS_CHK_ERROR, (code), &loc, __VA_ARGS__)

static int check_ident(const uint8_t *img, size_t size, const char *path,
		       const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(path);

	if (size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG) != 0)
		return ERR(PDS_CHK_E_ELF_NOT_ELF, "no ELF magic at the start of the file");
	if (img[EI_CLASS] != ELFCLASS64)
		return ERR(PDS_CHK_E_ELF_CLASS, "ELF class %u, expected ELFCLASS64", img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return ERR(PDS_CHK_E_ELF_ENDIAN, "ELF data encoding %u, expected little-endian",
			   img[EI_DATA]);
	if (img[EI_VERSION] != EV_CURRENT)
		return ERR(PDS_CHK_E_ELF_VERSION, "ELF identification version %u, expected %u",
			   img[EI_VERSION], EV_CURRENT);
	if (size < sizeof(Elf64_Ehdr))
		return ERR(PDS_CHK_E_ELF_TRUNCATED, "file of %zu bytes ends inside the ELF header",
			   size);
	return 0;
}

static int check_header(const Elf64_Ehdr *eh, size_t size, const char *path,
			const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(path);

	if (eh->e_version != EV_CURRENT)
		return ERR(PDS_CHK_E_ELF_VERSION, "e_version %u, expected %u", eh->e_version,
			   EV_CURRENT);
	if (eh->e_type != ET_REL)
		return ERR(PDS_CHK_E_ELF_TYPE, "e_type %u, expected ET_REL (%u)", eh->e_type,
			   ET_REL);
	if (eh->e_machine != EM_NONE && eh->e_machine != EM_BPF)
		return ERR(PDS_CHK_E_ELF_MACHINE, "e_machine %u, expected EM_NONE or EM_BPF (%u)",
			   eh->e_machine, EM_BPF);
	if (eh->e_shnum == 0 || eh->e_shoff == 0)
		return ERR(PDS_CHK_E_ELF_NO_CODE, "the object has no section header table");
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return ERR(PDS_CHK_E_ELF_MALFORMED, "e_shentsize %u, expected %zu", eh->e_shentsize,
			   sizeof(Elf64_Shdr));
	if (eh->e_shoff > size || (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return ERR(PDS_CHK_E_ELF_TRUNCATED,
			   "section header table (%u entries at 0x%llx) extends past the end of "
			   "the file (%zu bytes)",
			   eh->e_shnum, (unsigned long long)eh->e_shoff, size);
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return ERR(PDS_CHK_E_ELF_MALFORMED, "e_shstrndx %u outside the %u sections",
			   eh->e_shstrndx, eh->e_shnum);
	return 0;
}

/* A NUL-terminated string at off inside section strtab, or NULL. */
static const char *str_at(const struct pds_elf_sec *strtab, uint64_t off)
{
	if (!strtab->data || strtab->type != SHT_STRTAB || off >= strtab->size)
		return NULL;
	if (!memchr(strtab->data + off, '\0', strtab->size - off))
		return NULL;
	return (const char *)strtab->data + off;
}

static int read_sections(struct pds_elf *e, const Elf64_Ehdr *eh,
			 const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(e->image + eh->e_shoff);
	struct pds_elf_sec *shstr;

	e->nsecs = eh->e_shnum;
	e->secs = pds_calloc(e->nsecs, sizeof(*e->secs));
	if (!e->secs)
		return ERR(PDS_CHK_E_NOMEM, "out of memory");
	for (size_t i = 0; i < e->nsecs; i++) {
		struct pds_elf_sec *s = &e->secs[i];
		Elf64_Shdr h;

		memcpy(&h, &sh[i], sizeof(h));
		s->idx = (uint32_t)i;
		s->type = h.sh_type;
		s->flags = h.sh_flags;
		s->size = h.sh_size;
		s->link = h.sh_link;
		s->info = h.sh_info;
		s->entsize = h.sh_entsize;
		s->name = "";
		if (h.sh_type == SHT_NOBITS || h.sh_type == SHT_NULL)
			continue;
		if (h.sh_offset > e->size || e->size - h.sh_offset < h.sh_size)
			return ERR(PDS_CHK_E_ELF_TRUNCATED,
				   "section %zu (0x%llx bytes at 0x%llx) extends past the end of "
				   "the file (%zu bytes)",
				   i, (unsigned long long)h.sh_size,
				   (unsigned long long)h.sh_offset, e->size);
		s->data = e->image + h.sh_offset;
	}
	shstr = &e->secs[eh->e_shstrndx];
	for (size_t i = 1; i < e->nsecs; i++) {
		uint32_t name_off;

		/* e_shoff need not be aligned: copy the field, never access it in place */
		memcpy(&name_off, (const uint8_t *)&sh[i] + offsetof(Elf64_Shdr, sh_name),
		       sizeof(name_off));
		e->secs[i].name = str_at(shstr, name_off);
		if (!e->secs[i].name)
			return ERR(PDS_CHK_E_ELF_STRTAB,
				   "section %zu: name offset %u outside the section name table", i,
				   name_off);
	}
	return 0;
}

/* Relocation sections must apply to an existing section of the object. */
static int check_rel_targets(struct pds_elf *e, const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);

	for (size_t i = 1; i < e->nsecs; i++) {
		const struct pds_elf_sec *rs = &e->secs[i];

		if (rs->type != SHT_REL && rs->type != SHT_RELA)
			continue;
		if (rs->info == 0 || rs->info >= e->nsecs || rs->info == i)
			return ERR(PDS_CHK_E_RELOC_SECTION,
				   "%s: sh_info %u names no section the relocations could apply to",
				   rs->name, rs->info);
	}
	return 0;
}

static int read_symbols(struct pds_elf *e, const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	const struct pds_elf_sec *st = NULL, *strtab;

	for (size_t i = 1; i < e->nsecs; i++) {
		if (e->secs[i].type != SHT_SYMTAB)
			continue;
		if (st)
			return ERR(PDS_CHK_E_ELF_SYMTAB, "more than one symbol table");
		st = &e->secs[i];
	}
	if (!st)
		return 0;
	if (st->entsize != sizeof(Elf64_Sym) || st->size % sizeof(Elf64_Sym) != 0)
		return ERR(PDS_CHK_E_ELF_SYMTAB,
			   "symbol table %s: entry size %llu, size %llu (expected entries of %zu)",
			   st->name, (unsigned long long)st->entsize, (unsigned long long)st->size,
			   sizeof(Elf64_Sym));
	if (st->link == 0 || st->link >= e->nsecs || e->secs[st->link].type != SHT_STRTAB)
		return ERR(PDS_CHK_E_ELF_SYMTAB,
			   "symbol table %s: sh_link %u is not a string table", st->name, st->link);
	strtab = &e->secs[st->link];
	e->symtab_idx = st->idx;
	e->nsyms = st->size / sizeof(Elf64_Sym);
	e->syms = pds_calloc(e->nsyms, sizeof(*e->syms));
	if (!e->syms)
		return ERR(PDS_CHK_E_NOMEM, "out of memory");
	for (size_t i = 0; i < e->nsyms; i++) {
		Elf64_Sym sym;

		memcpy(&sym, st->data + i * sizeof(sym), sizeof(sym));
		e->syms[i].name = str_at(strtab, sym.st_name);
		if (!e->syms[i].name)
			return ERR(PDS_CHK_E_ELF_STRTAB,
				   "symbol %zu: name offset %u outside string table %s", i,
				   sym.st_name, strtab->name);
		e->syms[i].value = sym.st_value;
		e->syms[i].size = sym.st_size;
		e->syms[i].shndx = sym.st_shndx;
		e->syms[i].type = GELF_ST_TYPE(sym.st_info);
		e->syms[i].bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE &&
		    sym.st_shndx >= e->nsecs)
			return ERR(PDS_CHK_E_ELF_SYMTAB,
				   "symbol %zu (%s): section index %u out of range", i,
				   e->syms[i].name, sym.st_shndx);
	}
	return 0;
}

/* libelf must agree with our reading of the header and section table. */
static int libelf_cross_check(struct pds_elf *e, const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	size_t shnum = 0;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ERR(PDS_CHK_E_ELF_MALFORMED, "libelf: %s", elf_errmsg(-1));
	elf = elf_memory((char *)e->image, e->size);
	if (!elf)
		return ERR(PDS_CHK_E_ELF_MALFORMED, "libelf: %s", elf_errmsg(-1));
	e->elf = elf;
	if (elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64)
		return ERR(PDS_CHK_E_ELF_MALFORMED, "libelf does not read this as ELF64");
	if (elf_getshdrnum(elf, &shnum) != 0 || shnum != e->nsecs)
		return ERR(PDS_CHK_E_ELF_MALFORMED, "libelf: section count disagrees (%s)",
			   elf_errmsg(-1));
	return 0;
}

int pds_elf_open(struct pds_elf *e, const void *image, size_t size, const char *path,
		 const struct pds_elf_limits *lim, const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(path);
	Elf64_Ehdr eh;
	uint8_t *copy;
	int err;

	memset(e, 0, sizeof(*e));
	e->path = path;
	if (lim && lim->max_size && size > lim->max_size)
		return ERR(PDS_CHK_E_ELF_TOO_LARGE,
			   "object is %zu bytes, more than the %zu allowed", size, lim->max_size);
	err = check_ident(image, size, path, sink);
	if (err)
		return err;
	/* An aligned private copy: libelf and the stages read it in place. */
	copy = malloc(size);
	if (!copy)
		return ERR(PDS_CHK_E_NOMEM, "out of memory");
	memcpy(copy, image, size);
	e->image = copy;
	e->size = size;
	memcpy(&eh, copy, sizeof(eh));
	e->machine = eh.e_machine;
	err = check_header(&eh, size, path, sink);
	if (!err && lim && lim->max_sections && eh.e_shnum > lim->max_sections)
		err = ERR(PDS_CHK_E_ELF_TOO_MANY_SECTIONS, "%u sections, more than the %zu allowed",
			  eh.e_shnum, lim->max_sections);
	if (!err)
		err = read_sections(e, &eh, sink);
	if (!err)
		err = read_symbols(e, sink);
	if (!err)
		err = check_rel_targets(e, sink);
	if (!err)
		err = libelf_cross_check(e, sink);
	if (err)
		pds_elf_close(e);
	return err;
}

void pds_elf_close(struct pds_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	free(e->secs);
	free(e->syms);
	free((void *)e->image);
	memset(e, 0, sizeof(*e));
}

const struct pds_elf_sec *pds_elf_sec_by_name(const struct pds_elf *e, const char *name)
{
	for (size_t i = 1; i < e->nsecs; i++)
		if (!strcmp(e->secs[i].name, name))
			return &e->secs[i];
	return NULL;
}

static int rel_cmp(const void *a, const void *b)
{
	const struct pds_elf_rel *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int read_rel_section(const struct pds_elf *e, const struct pds_elf_sec *rs,
			    struct pds_elf_rel *out, const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	bool rela = rs->type == SHT_RELA;
	size_t esz = rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
	size_t n = rs->size / esz;

	for (size_t i = 0; i < n; i++) {
		Elf64_Rela r = {0};

		memcpy(&r, rs->data + i * esz, esz);
		out[i].off = r.r_offset;
		out[i].sym = (uint32_t)ELF64_R_SYM(r.r_info);
		out[i].type = (uint32_t)ELF64_R_TYPE(r.r_info);
		out[i].addend = rela ? r.r_addend : 0;
		out[i].rela = rela;
		if (out[i].sym >= e->nsyms)
			return ERR(PDS_CHK_E_RELOC_SYMBOL,
				   "%s: relocation %zu names symbol %u, the table has %zu",
				   rs->name, i, out[i].sym, e->nsyms);
		if (out[i].off >= e->secs[rs->info].size)
			return ERR(
				PDS_CHK_E_RELOC_OFFSET,
				"%s: relocation %zu at offset 0x%llx, past the end of %s (0x%llx)",
				rs->name, i, (unsigned long long)out[i].off, e->secs[rs->info].name,
				(unsigned long long)e->secs[rs->info].size);
	}
	return 0;
}

static int check_rel_section(const struct pds_elf *e, const struct pds_elf_sec *rs,
			     const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	size_t esz = rs->type == SHT_RELA ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);

	if (rs->size % esz != 0 || (rs->entsize && rs->entsize != esz))
		return ERR(PDS_CHK_E_ELF_MALFORMED,
			   "%s: size %llu / entry size %llu do not fit relocations of %zu bytes",
			   rs->name, (unsigned long long)rs->size, (unsigned long long)rs->entsize,
			   esz);
	if (!e->symtab_idx || rs->link != e->symtab_idx)
		return ERR(PDS_CHK_E_ELF_SYMTAB, "%s: sh_link %u is not the symbol table", rs->name,
			   rs->link);
	return 0;
}

int pds_elf_relocs(const struct pds_elf *e, uint32_t target, struct pds_elf_rel **rels, size_t *n,
		   const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	size_t total = 0, at = 0;
	struct pds_elf_rel *v;
	int err;

	*rels = NULL;
	*n = 0;
	for (size_t i = 1; i < e->nsecs; i++) {
		const struct pds_elf_sec *rs = &e->secs[i];

		if ((rs->type != SHT_REL && rs->type != SHT_RELA) || rs->info != target)
			continue;
		err = check_rel_section(e, rs, sink);
		if (err)
			return err;
		total += rs->size / (rs->type == SHT_RELA ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel));
	}
	v = pds_calloc(total, sizeof(*v));
	if (!v)
		return ERR(PDS_CHK_E_NOMEM, "out of memory");
	for (size_t i = 1; i < e->nsecs; i++) {
		const struct pds_elf_sec *rs = &e->secs[i];

		if ((rs->type != SHT_REL && rs->type != SHT_RELA) || rs->info != target)
			continue;
		err = read_rel_section(e, rs, v + at, sink);
		if (err) {
			free(v);
			return err;
		}
		at += rs->size / (rs->type == SHT_RELA ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel));
	}
	qsort(v, total, sizeof(*v), rel_cmp);
	*rels = v;
	*n = total;
	return 0;
}
