// SPDX-License-Identifier: MIT
/*
 * Minimal eBPF ELF objects built in memory, so that interpreter tests can run
 * hand-written instruction sequences through the real object reader.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/tests/util_elf.h"

#define NSEC 7

struct strtab {
	char buf[1024];
	size_t len;
};

static uint32_t str_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)t->len;

	if (t->len + n > sizeof(t->buf))
		return 0;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	return off;
}

struct img {
	uint8_t *buf;
	size_t len, cap;
};

static size_t img_add(struct img *m, const void *data, size_t len)
{
	size_t off = (m->len + 7) & ~(size_t)7;

	if (off + len > m->cap) {
		size_t cap = (off + len) * 2;
		uint8_t *nb = realloc(m->buf, cap);

		if (!nb)
			return 0;
		memset(nb + m->cap, 0, cap - m->cap);
		m->buf = nb;
		m->cap = cap;
	}
	memset(m->buf + m->len, 0, off - m->len);
	if (len)
		memcpy(m->buf + off, data, len);
	m->len = off + len;
	return off;
}

/* Symbols: null, the program, then one undefined symbol per helper relocation. */
static size_t build_symbols(const struct pds_t_elf_spec *sp, struct strtab *str, Elf64_Sym *syms)
{
	size_t n = 2;

	syms[1] = (Elf64_Sym){.st_name = str_add(str, "prog"),
			      .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
			      .st_shndx = 1,
			      .st_size = sp->ninsns * 8};
	for (size_t i = 0; i < sp->nrelocs; i++)
		syms[n++] = (Elf64_Sym){.st_name = str_add(str, sp->relocs[i].helper),
					.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE)};
	return n;
}

int pds_t_elf_build(const struct pds_t_elf_spec *sp, uint8_t **out, size_t *outlen)
{
	Elf64_Shdr sh[NSEC];
	Elf64_Sym syms[2 + PDS_T_ELF_MAX_RELOCS] = {{0}};
	Elf64_Rel rels[PDS_T_ELF_MAX_RELOCS];
	struct strtab shstr = {.len = 1}, str = {.len = 1};
	Elf64_Ehdr eh = {0};
	struct img m = {0};
	size_t nsyms, shoff;
	int kernel = sp->profile == PDS_CHK_PROFILE_KERNEL;

	if (sp->nrelocs > PDS_T_ELF_MAX_RELOCS)
		return -1;
	memset(sh, 0, sizeof(sh));
	nsyms = build_symbols(sp, &str, syms);
	for (size_t i = 0; i < sp->nrelocs; i++)
		rels[i] = (Elf64_Rel){.r_offset = sp->relocs[i].slot * 8,
				      .r_info = ELF64_R_INFO(2 + i, 10 /* R_BPF_64_32 */)};
	img_add(&m, &eh, sizeof(eh));
	sh[1] = (Elf64_Shdr){.sh_name = str_add(&shstr, kernel ? "socket" : ".text"),
			     .sh_type = SHT_PROGBITS,
			     .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			     .sh_offset = img_add(&m, sp->insns, sp->ninsns * 8),
			     .sh_size = sp->ninsns * 8,
			     .sh_addralign = 8};
	sh[2] = (Elf64_Shdr){.sh_name = str_add(&shstr, kernel ? ".relsocket" : ".rel.text"),
			     .sh_type = SHT_REL,
			     .sh_offset = img_add(&m, rels, sp->nrelocs * sizeof(rels[0])),
			     .sh_size = sp->nrelocs * sizeof(rels[0]),
			     .sh_link = 3,
			     .sh_info = 1,
			     .sh_addralign = 8,
			     .sh_entsize = sizeof(rels[0])};
	sh[3] = (Elf64_Shdr){.sh_name = str_add(&shstr, ".symtab"),
			     .sh_type = SHT_SYMTAB,
			     .sh_offset = img_add(&m, syms, nsyms * sizeof(syms[0])),
			     .sh_size = nsyms * sizeof(syms[0]),
			     .sh_link = 4,
			     .sh_info = 1,
			     .sh_addralign = 8,
			     .sh_entsize = sizeof(syms[0])};
	sh[4] = (Elf64_Shdr){.sh_name = str_add(&shstr, ".strtab"),
			     .sh_type = SHT_STRTAB,
			     .sh_offset = img_add(&m, str.buf, str.len),
			     .sh_size = str.len,
			     .sh_addralign = 1};
	sh[6] = (Elf64_Shdr){.sh_name = str_add(&shstr, "license"),
			     .sh_type = SHT_PROGBITS,
			     .sh_flags = SHF_ALLOC | SHF_WRITE,
			     .sh_offset = img_add(&m, "GPL", 4),
			     .sh_size = 4,
			     .sh_addralign = 1};
	sh[5] = (Elf64_Shdr){.sh_name = str_add(&shstr, ".shstrtab"), .sh_type = SHT_STRTAB};
	sh[5].sh_offset = img_add(&m, shstr.buf, shstr.len);
	sh[5].sh_size = shstr.len;
	sh[5].sh_addralign = 1;
	shoff = img_add(&m, sh, sizeof(sh));
	if (!m.buf || !shoff) {
		free(m.buf);
		return -1;
	}
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = NSEC;
	eh.e_shstrndx = 5;
	memcpy(m.buf, &eh, sizeof(eh));
	*out = m.buf;
	*outlen = m.len;
	return 0;
}

static void print_diag(void *ctx, const struct pds_chk_diag *d)
{
	char buf[512];

	(void)ctx;
	pds_chk_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

struct pds_chk_obj *pds_t_elf_open(const struct pds_t_elf_spec *sp)
{
	struct pds_chk_open_opts o = {
		.sz = sizeof(o), .profile = sp->profile, .diag = {print_diag}};
	struct pds_chk_obj *obj = NULL;
	uint8_t *img;
	size_t len;
	int err;

	if (pds_t_elf_build(sp, &img, &len))
		return NULL;
	err = pds_chk_obj_open_mem(img, len, "insns.o", &o, &obj);
	if (err)
		fprintf(stderr, "insns.o: %s\n", pds_chk_strerror(err));
	free(img);
	return obj;
}
