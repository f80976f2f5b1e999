// SPDX-License-Identifier: MIT
/*
 * Malformed objects: each case copies a good compiled program, changes one
 * thing in memory with <elf.h> and plain offsets, opens it with
 * pds_chk_obj_open_mem and expects exactly one result code, which must also
 * reach the diagnostic sink as an error naming the object.  The limits and
 * rules come from pquic-abi.md §2 (PQUIC profile) and the Linux eBPF ISA
 * (kernel profile); JMP32, atomics and signed division are refused by the first
 * and accepted by the second.
 *
 * With PDS_MALFORMED_CORPUS_DIR set, every damaged object is also written there
 * (as <case>.o), to seed the reader's fuzzer.
 */
#include <elf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10
#endif

#define PQUIC_MAX_SIZE (1u << 20) /* §2: file at most 1 MiB */
#define PQUIC_MAX_SECTIONS 32	  /* §2: at most 32 sections */
#define PQUIC_MAX_SLOTS 65536	  /* §2: at most 65,536 instruction slots */
#define PQUIC_MAX_MEM 2048	  /* §2: at most 2,048 loads/stores through other registers */
#define PQUIC_STACK 2048	  /* §2: r10-relative accesses within [-2048, 0) */

#define LDDW (BPF_LD | BPF_IMM | BPF_DW)

/* An object image being damaged; mutations may grow it. */
struct img {
	uint8_t *buf;
	size_t len;
};

/* ------------------------------------------------------------------ image access */

static Elf64_Ehdr *ehdr(struct img *m)
{
	return pds_t_ehdr(m->buf);
}

static Elf64_Shdr *sec(struct img *m, const char *name, unsigned *idx)
{
	return pds_t_shdr_by_name(m->buf, m->len, name, idx);
}

static int is_exec(const Elf64_Shdr *sh)
{
	return sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR) && sh->sh_size > 0;
}

/* The code to damage: the first non-empty executable section other than .text (a
 * kernel program), else .text (a pluglet). */
static Elf64_Shdr *code(struct img *m, unsigned *idx)
{
	Elf64_Shdr *text = sec(m, ".text", idx);

	for (unsigned i = 1; i < ehdr(m)->e_shnum; i++) {
		Elf64_Shdr *sh = pds_t_shdr(m->buf, m->len, i);

		if (sh && sh != text && is_exec(sh)) {
			if (idx)
				*idx = i;
			return sh;
		}
	}
	return text;
}

static uint8_t *slot(struct img *m, size_t i)
{
	Elf64_Shdr *sh = code(m, NULL);

	if (!sh || (i + 1) * 8 > sh->sh_size)
		return NULL;
	return m->buf + sh->sh_offset + i * 8;
}

static size_t nslots(struct img *m)
{
	Elf64_Shdr *sh = code(m, NULL);

	return sh ? sh->sh_size / 8 : 0;
}

typedef int (*insn_pred)(const uint8_t *in);

/* First instruction at or after slot from that satisfies pred (lddw halves skipped). */
static long find(struct img *m, insn_pred pred, size_t from)
{
	size_t n = nslots(m);

	for (size_t i = 0; i < n; i++) {
		const uint8_t *in = slot(m, i);

		if (i >= from && pred(in))
			return (long)i;
		if (in[0] == LDDW)
			i++;
	}
	return -1;
}

static int p_call(const uint8_t *in)
{
	return in[0] == (BPF_JMP | BPF_CALL);
}

static int p_lddw(const uint8_t *in)
{
	return in[0] == LDDW;
}

static int p_exit(const uint8_t *in)
{
	return in[0] == (BPF_JMP | BPF_EXIT);
}

static int p_cond_jump(const uint8_t *in)
{
	uint8_t op = in[0] & 0xf0;

	return (in[0] & 7) == BPF_JMP && op != BPF_CALL && op != BPF_EXIT && op != BPF_JA;
}

static int p_jump(const uint8_t *in)
{
	return p_cond_jump(in) || in[0] == (BPF_JMP | BPF_JA);
}

static int p_mov64_reg(const uint8_t *in)
{
	return in[0] == (BPF_ALU64 | BPF_MOV | BPF_X);
}

static int p_mov64_imm(const uint8_t *in)
{
	return in[0] == (BPF_ALU64 | BPF_MOV | BPF_K);
}

static int p_stack_store(const uint8_t *in)
{
	return in[0] == (BPF_STX | BPF_MEM | BPF_DW) && (in[1] & 0xf) == BPF_REG_10;
}

static int p_store(const uint8_t *in)
{
	return (in[0] & 7) == BPF_STX && (in[0] & 0xe0) == BPF_MEM;
}

static int p_div_reg(const uint8_t *in)
{
	return in[0] == (BPF_ALU64 | BPF_DIV | BPF_X);
}

static int p_alu64_reg(const uint8_t *in)
{
	return (in[0] & 0x0f) == (BPF_ALU64 | BPF_X) && (in[0] & 0xf0) != BPF_MOV &&
	       (in[0] & 0xf0) != BPF_END;
}

static void set_imm(uint8_t *in, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	in[4] = (uint8_t)u;
	in[5] = (uint8_t)(u >> 8);
	in[6] = (uint8_t)(u >> 16);
	in[7] = (uint8_t)(u >> 24);
}

static void set_off(uint8_t *in, int16_t off)
{
	in[2] = (uint8_t)((uint16_t)off);
	in[3] = (uint8_t)((uint16_t)off >> 8);
}

static void set_regs(uint8_t *in, unsigned dst, unsigned src)
{
	in[1] = (uint8_t)((src & 0xf) << 4 | (dst & 0xf));
}

/* Relocations that apply to the code section. */
static Elf64_Rel *code_rels(struct img *m, size_t *n, Elf64_Shdr **relsh)
{
	unsigned cidx = 0;

	if (!code(m, &cidx))
		return NULL;
	for (unsigned i = 1; i < ehdr(m)->e_shnum; i++) {
		Elf64_Shdr *sh = pds_t_shdr(m->buf, m->len, i);

		if (sh && sh->sh_type == SHT_REL && sh->sh_info == cidx) {
			*n = sh->sh_size / sizeof(Elf64_Rel);
			if (relsh)
				*relsh = sh;
			return (Elf64_Rel *)(m->buf + sh->sh_offset);
		}
	}
	return NULL;
}

/* The relocation at byte offset off of the code section, or NULL. */
static Elf64_Rel *rel_at(struct img *m, uint64_t off)
{
	size_t n = 0;
	Elf64_Rel *r = code_rels(m, &n, NULL);

	for (size_t i = 0; r && i < n; i++)
		if (r[i].r_offset == off)
			return &r[i];
	return NULL;
}

/* Drops the relocation at byte offset off by moving the last one into its place. */
static int drop_rel(struct img *m, uint64_t off)
{
	Elf64_Shdr *sh = NULL;
	size_t n = 0;
	Elf64_Rel *r = code_rels(m, &n, &sh), *victim = rel_at(m, off);

	if (!victim || n == 0)
		return -1;
	*victim = r[n - 1];
	sh->sh_size -= sizeof(Elf64_Rel);
	return 0;
}

static Elf64_Sym *symbols(struct img *m, size_t *n, Elf64_Shdr **symsh)
{
	Elf64_Shdr *sh = pds_t_shdr_by_type(m->buf, m->len, SHT_SYMTAB, NULL);

	if (!sh)
		return NULL;
	*n = sh->sh_size / sizeof(Elf64_Sym);
	if (symsh)
		*symsh = sh;
	return (Elf64_Sym *)(m->buf + sh->sh_offset);
}

/* Appends bytes at the end of the image, 8-aligned; returns their file offset. */
static long append(struct img *m, const void *data, size_t len)
{
	size_t off = (m->len + 7) & ~(size_t)7;
	uint8_t *nb = realloc(m->buf, off + len);

	if (!nb)
		return -1;
	memset(nb + m->len, 0, off - m->len);
	if (data)
		memcpy(nb + off, data, len);
	else
		memset(nb + off, 0, len);
	m->buf = nb;
	m->len = off + len;
	return (long)off;
}

/* ------------------------------------------------------------------ ELF header */

static int m_not_elf(struct img *m)
{
	m->buf[EI_MAG1] = 'X';
	return 0;
}

static int m_class32(struct img *m)
{
	m->buf[EI_CLASS] = ELFCLASS32;
	return 0;
}

static int m_class_none(struct img *m)
{
	m->buf[EI_CLASS] = ELFCLASSNONE;
	return 0;
}

static int m_big_endian(struct img *m)
{
	m->buf[EI_DATA] = ELFDATA2MSB;
	return 0;
}

static int m_machine(struct img *m)
{
	ehdr(m)->e_machine = EM_X86_64;
	return 0;
}

static int m_type_exec(struct img *m)
{
	ehdr(m)->e_type = ET_EXEC;
	return 0;
}

static int m_type_dyn(struct img *m)
{
	ehdr(m)->e_type = ET_DYN;
	return 0;
}

static int m_version(struct img *m)
{
	ehdr(m)->e_version = EV_CURRENT + 1;
	return 0;
}

static int m_ident_version(struct img *m)
{
	m->buf[EI_VERSION] = EV_NONE;
	return 0;
}

static int m_shentsize(struct img *m)
{
	ehdr(m)->e_shentsize = sizeof(Elf64_Shdr) / 2;
	return 0;
}

static int m_shstrndx(struct img *m)
{
	ehdr(m)->e_shstrndx = (Elf64_Half)(ehdr(m)->e_shnum + 3);
	return 0;
}

/* A copy of the section header table with empty sections added past the limit. */
static int m_many_sections(struct img *m)
{
	Elf64_Ehdr *eh = ehdr(m);
	size_t old = eh->e_shnum, extra = PQUIC_MAX_SECTIONS + 2 - old;
	size_t size = (old + extra) * sizeof(Elf64_Shdr);
	Elf64_Shdr *table = calloc(old + extra, sizeof(Elf64_Shdr));
	long off;

	if (!table || old > PQUIC_MAX_SECTIONS)
		goto fail;
	memcpy(table, m->buf + eh->e_shoff, old * sizeof(Elf64_Shdr));
	for (size_t i = old; i < old + extra; i++) {
		table[i].sh_type = SHT_PROGBITS;
		table[i].sh_addralign = 1;
	}
	off = append(m, table, size);
	free(table);
	if (off < 0)
		return -1;
	ehdr(m)->e_shoff = (Elf64_Off)off;
	ehdr(m)->e_shnum = (Elf64_Half)(old + extra);
	return 0;
fail:
	free(table);
	return -1;
}

static int m_too_large(struct img *m)
{
	return append(m, NULL, PQUIC_MAX_SIZE + 1 - m->len) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ truncations */

/* The identification is complete, the rest of the header is cut. */
static int m_trunc_ident(struct img *m)
{
	m->len = EI_NIDENT;
	return 0;
}

static int m_trunc_ehdr(struct img *m)
{
	m->len = sizeof(Elf64_Ehdr) - 8;
	return 0;
}

static int m_trunc_shdrs(struct img *m)
{
	m->len = ehdr(m)->e_shoff + (size_t)ehdr(m)->e_shnum * sizeof(Elf64_Shdr) - 1;
	return 0;
}

static int m_trunc_in_code(struct img *m)
{
	size_t keep = (code(m, NULL)->sh_offset + 8 + 7) & ~(size_t)7;
	size_t table = (size_t)ehdr(m)->e_shnum * sizeof(Elf64_Shdr);

	/* Keep the section headers readable: move them down to the cut. */
	if (ehdr(m)->e_shoff < keep)
		return -1;
	memmove(m->buf + keep, m->buf + ehdr(m)->e_shoff, table);
	ehdr(m)->e_shoff = keep;
	m->len = keep + table;
	return 0;
}

/* ------------------------------------------------------------------ sections */

static int m_code_offset(struct img *m)
{
	code(m, NULL)->sh_offset = m->len;
	return 0;
}

static int m_code_size(struct img *m)
{
	code(m, NULL)->sh_size = (m->len + 8) & ~(size_t)7;
	return 0;
}

static int m_code_huge_offset(struct img *m)
{
	code(m, NULL)->sh_offset = ~(Elf64_Off)0 - 4;
	return 0;
}

static int m_sh_name(struct img *m)
{
	Elf64_Shdr *strs = pds_t_shdr(m->buf, m->len, ehdr(m)->e_shstrndx);

	code(m, NULL)->sh_name = (Elf64_Word)(strs->sh_size + 100);
	return 0;
}

static int m_symtab_link(struct img *m)
{
	Elf64_Shdr *sh = NULL;
	size_t n;

	if (!symbols(m, &n, &sh))
		return -1;
	sh->sh_link = ehdr(m)->e_shnum + 4u;
	return 0;
}

static int m_symtab_entsize(struct img *m)
{
	Elf64_Shdr *sh = NULL;
	size_t n;

	if (!symbols(m, &n, &sh))
		return -1;
	sh->sh_entsize = sizeof(Elf64_Sym) - 8;
	return 0;
}

static int m_symtab_size(struct img *m)
{
	Elf64_Shdr *sh = NULL;
	size_t n;

	if (!symbols(m, &n, &sh))
		return -1;
	sh->sh_size -= 1;
	return 0;
}

/* The helper name of the first call points outside .strtab. */
static int m_sym_name(struct img *m)
{
	long c = find(m, p_call, 0);
	Elf64_Rel *r = c < 0 ? NULL : rel_at(m, (uint64_t)c * 8);
	Elf64_Shdr *symsh = NULL, *strsh;
	size_t n = 0;
	Elf64_Sym *syms = symbols(m, &n, &symsh);

	if (!r || !syms || ELF64_R_SYM(r->r_info) >= n)
		return -1;
	strsh = pds_t_shdr(m->buf, m->len, symsh->sh_link);
	syms[ELF64_R_SYM(r->r_info)].st_name = (Elf64_Word)(strsh->sh_size + 50);
	return 0;
}

static int m_no_exec(struct img *m)
{
	code(m, NULL)->sh_flags &= ~(Elf64_Xword)SHF_EXECINSTR;
	return 0;
}

static int m_code_not_multiple(struct img *m)
{
	code(m, NULL)->sh_size -= 4;
	return 0;
}

/* ------------------------------------------------------------------ relocations */

static Elf64_Rel *first_rel(struct img *m)
{
	size_t n = 0;
	Elf64_Rel *r = code_rels(m, &n, NULL);

	return r && n ? r : NULL;
}

static int m_rel_off_range(struct img *m)
{
	Elf64_Rel *r = first_rel(m);

	if (!r)
		return -1;
	r->r_offset = code(m, NULL)->sh_size + 8;
	return 0;
}

static int m_rel_off_misaligned(struct img *m)
{
	Elf64_Rel *r = first_rel(m);

	if (!r)
		return -1;
	r->r_offset += 4;
	return 0;
}

static int m_rel_sym_range(struct img *m)
{
	Elf64_Rel *r = first_rel(m);
	size_t n = 0;

	if (!r || !symbols(m, &n, NULL))
		return -1;
	r->r_info = ELF64_R_INFO(n + 7, ELF64_R_TYPE(r->r_info));
	return 0;
}

static int m_rel_type(struct img *m)
{
	Elf64_Rel *r = first_rel(m);

	if (!r)
		return -1;
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 7);
	return 0;
}

static int m_rel_section(struct img *m)
{
	Elf64_Shdr *sh = NULL;
	size_t n = 0;

	if (!code_rels(m, &n, &sh))
		return -1;
	sh->sh_info = ehdr(m)->e_shnum + 2u;
	return 0;
}

/* The first call becomes "r0 = -1": its R_BPF_64_32 now sits on a mov. */
static int m_call_reloc_on_mov(struct img *m)
{
	long c = find(m, p_call, 0);

	if (c < 0 || !rel_at(m, (uint64_t)c * 8))
		return -1;
	slot(m, (size_t)c)[0] = BPF_ALU64 | BPF_MOV | BPF_K;
	set_regs(slot(m, (size_t)c), 0, 0);
	return 0;
}

/* The first relocated lddw becomes two movs: its R_BPF_64_64 now sits on a mov. */
static int m_lddw_reloc_on_mov(struct img *m)
{
	long c = -1;

	for (long i = find(m, p_lddw, 0); i >= 0; i = find(m, p_lddw, (size_t)i + 1))
		if (rel_at(m, (uint64_t)i * 8)) {
			c = i;
			break;
		}
	if (c < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		uint8_t *in = slot(m, (size_t)c + (size_t)k);

		in[0] = BPF_ALU64 | BPF_MOV | BPF_K;
		set_regs(in, slot(m, (size_t)c)[1] & 0xf, 0);
		set_imm(in, 0);
	}
	return 0;
}

static Elf64_Sym *string_symbol(struct img *m, Elf64_Shdr **strsec)
{
	long c = -1;
	Elf64_Rel *r = NULL;
	size_t n = 0;
	Elf64_Sym *syms = symbols(m, &n, NULL);

	for (long i = find(m, p_lddw, 0); i >= 0 && !r; i = find(m, p_lddw, (size_t)i + 1))
		if ((r = rel_at(m, (uint64_t)i * 8)))
			c = i;
	if (c < 0 || !syms || ELF64_R_SYM(r->r_info) >= n)
		return NULL;
	*strsec = pds_t_shdr(m->buf, m->len, syms[ELF64_R_SYM(r->r_info)].st_shndx);
	return *strsec ? &syms[ELF64_R_SYM(r->r_info)] : NULL;
}

static int m_string_past_section(struct img *m)
{
	Elf64_Shdr *s = NULL;
	Elf64_Sym *y = string_symbol(m, &s);

	if (!y)
		return -1;
	y->st_value = s->sh_size + 16;
	return 0;
}

static int m_string_no_nul(struct img *m)
{
	Elf64_Shdr *s = NULL;

	if (!string_symbol(m, &s))
		return -1;
	memset(m->buf + s->sh_offset, 'A', s->sh_size);
	return 0;
}

/* A helper call in the kernel's form (src 0, helper id 5) that no relocation names. */
static int m_call_by_id(struct img *m)
{
	long c = find(m, p_call, 0);

	if (c < 0 || drop_rel(m, (uint64_t)c * 8) < 0)
		return -1;
	set_regs(slot(m, (size_t)c), 0, 0);
	set_imm(slot(m, (size_t)c), 5);
	return 0;
}

/*
 * clang's helper call (src 1, imm -1) whose relocation is gone: src 1 is the
 * ISA's BPF-to-BPF call, so with no relocation naming a helper it is one.
 */
static int m_call_no_reloc(struct img *m)
{
	long c = find(m, p_call, 0);

	return c < 0 ? -1 : drop_rel(m, (uint64_t)c * 8);
}

/* A real BPF-to-BPF call: src 1, target the next instruction, no relocation. */
static int m_bpf_call_local(struct img *m)
{
	long c = find(m, p_call, 0);

	if (c < 0 || drop_rel(m, (uint64_t)c * 8) < 0)
		return -1;
	set_imm(slot(m, (size_t)c), 0);
	return 0;
}

/* The first call's relocation names the pluglet's own function symbol. */
static int m_bpf_call_symbol(struct img *m)
{
	long c = find(m, p_call, 0);
	Elf64_Rel *r = c < 0 ? NULL : rel_at(m, (uint64_t)c * 8);
	unsigned cidx = 0;
	size_t n = 0;
	Elf64_Sym *syms = symbols(m, &n, NULL);

	code(m, &cidx);
	for (size_t i = 1; r && syms && i < n; i++)
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC && syms[i].st_shndx == cidx) {
			r->r_info = ELF64_R_INFO(i, ELF64_R_TYPE(r->r_info));
			return 0;
		}
	return -1;
}

/* ------------------------------------------------------------------ instructions */

static int m_opcode_ff(struct img *m)
{
	slot(m, 0)[0] = 0xff;
	return 0;
}

static int m_opcode_zero(struct img *m)
{
	long i = find(m, p_mov64_imm, 0);

	if (i < 0)
		return -1;
	slot(m, (size_t)i)[0] = 0x00;
	return 0;
}

static int m_dst11(struct img *m)
{
	long i = find(m, p_mov64_imm, 0);

	if (i < 0)
		return -1;
	set_regs(slot(m, (size_t)i), 11, 0);
	return 0;
}

static int m_src11(struct img *m)
{
	long i = find(m, p_mov64_reg, 0);

	if (i < 0)
		return -1;
	set_regs(slot(m, (size_t)i), slot(m, (size_t)i)[1] & 0xf, 11);
	return 0;
}

static int m_write_r10(struct img *m)
{
	long i = find(m, p_mov64_reg, 0);

	if (i < 0)
		return -1;
	set_regs(slot(m, (size_t)i), BPF_REG_10, slot(m, (size_t)i)[1] >> 4);
	return 0;
}

static int m_jump_far(struct img *m)
{
	long i = find(m, p_jump, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), INT16_MAX);
	return 0;
}

static int m_jump_before_start(struct img *m)
{
	long i = find(m, p_jump, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), (int16_t)(-i - 5));
	return 0;
}

/* A jump before an lddw retargeted to the lddw's second slot. */
static int m_jump_into_lddw(struct img *m)
{
	long l = find(m, p_lddw, 0), j = -1;

	for (long i = find(m, p_jump, 0); i >= 0 && i < l; i = find(m, p_jump, (size_t)i + 1))
		j = i;
	if (l < 0 || j < 0)
		return -1;
	set_off(slot(m, (size_t)j), (int16_t)(l - j));
	return 0;
}

static int m_jump_self(struct img *m)
{
	long i = find(m, p_cond_jump, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), -1);
	return 0;
}

static int m_lddw_second_opcode(struct img *m)
{
	long i = find(m, p_lddw, 0);

	if (i < 0)
		return -1;
	slot(m, (size_t)i + 1)[0] = BPF_JMP | BPF_EXIT;
	return 0;
}

/* The exit moves one slot up and the last slot starts an lddw that has no second slot. */
static int m_lddw_last_slot(struct img *m)
{
	size_t n = nslots(m);
	uint8_t *last = slot(m, n - 1), *prev = slot(m, n - 2);

	if (n < 3 || !p_exit(last) || slot(m, n - 3)[0] == LDDW || rel_at(m, (n - 2) * 8))
		return -1;
	memcpy(prev, last, 8);
	memset(last, 0, 8);
	last[0] = LDDW;
	return 0;
}

static int to_div_zero(struct img *m, uint8_t code)
{
	long i = find(m, p_mov64_imm, 0);

	if (i < 0)
		return -1;
	slot(m, (size_t)i)[0] = code;
	set_imm(slot(m, (size_t)i), 0);
	return 0;
}

static int m_div_zero(struct img *m)
{
	return to_div_zero(m, BPF_ALU64 | BPF_DIV | BPF_K);
}

static int m_mod_zero(struct img *m)
{
	return to_div_zero(m, BPF_ALU64 | BPF_MOD | BPF_K);
}

static int m_div32_zero(struct img *m)
{
	return to_div_zero(m, BPF_ALU | BPF_DIV | BPF_K);
}

static int m_stack_below(struct img *m)
{
	long i = find(m, p_stack_store, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), -PQUIC_STACK - 8);
	return 0;
}

static int m_stack_above(struct img *m)
{
	long i = find(m, p_stack_store, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), 8);
	return 0;
}

/* The only exit becomes a backward jump to the instruction before it. */
static int m_no_exit(struct img *m)
{
	long i = find(m, p_exit, 0);

	if (i < 1 || find(m, p_exit, (size_t)i + 1) >= 0)
		return -1;
	slot(m, (size_t)i)[0] = BPF_JMP | BPF_JA;
	set_off(slot(m, (size_t)i), -2);
	return 0;
}

/* ------------------------------------------------------------------ newer ISA */

static int m_jmp32(struct img *m)
{
	long i = find(m, p_cond_jump, 0);

	if (i < 0)
		return -1;
	slot(m, (size_t)i)[0] = (uint8_t)((slot(m, (size_t)i)[0] & ~7) | BPF_JMP32);
	return 0;
}

/* A store becomes an atomic add of the same size (imm BPF_ADD). */
static int m_atomic(struct img *m)
{
	long i = find(m, p_store, 0);
	uint8_t *in;

	if (i < 0)
		return -1;
	in = slot(m, (size_t)i);
	if ((in[0] & 0x18) != BPF_W && (in[0] & 0x18) != BPF_DW)
		return -1;
	in[0] = (uint8_t)((in[0] & ~0xe0) | BPF_ATOMIC);
	set_imm(in, BPF_ADD);
	return 0;
}

/* An unsigned division by register becomes a signed one (off 1, ISA v4). */
static int m_sdiv(struct img *m)
{
	long i = find(m, p_div_reg, 0);

	if (i < 0)
		return -1;
	set_off(slot(m, (size_t)i), 1);
	return 0;
}

/* Any 64-bit register ALU operation becomes a signed modulo (off 1, ISA v4). */
static int m_smod(struct img *m)
{
	long i = find(m, p_alu64_reg, 0);

	if (i < 0)
		return -1;
	slot(m, (size_t)i)[0] = BPF_ALU64 | BPF_MOD | BPF_X;
	set_off(slot(m, (size_t)i), 1);
	return 0;
}

/* ------------------------------------------------------------------ synthetic code */

/* Replaces the code with n copies of fill followed by "r0 = 0; exit", no relocations. */
static int replace_code(struct img *m, const uint8_t fill[8], size_t n)
{
	static const uint8_t tail[16] = {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0, 0, 0, 0,
					 BPF_JMP | BPF_EXIT};
	size_t size = (n + 2) * 8;
	uint8_t *code_buf = malloc(size);
	Elf64_Shdr *relsh = NULL;
	size_t nrel = 0;
	long off;

	if (!code_buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		memcpy(code_buf + i * 8, fill, 8);
	memcpy(code_buf + n * 8, tail, 16);
	off = append(m, code_buf, size);
	free(code_buf);
	if (off < 0)
		return -1;
	if (code_rels(m, &nrel, &relsh))
		relsh->sh_size = 0;
	code(m, NULL)->sh_offset = (Elf64_Off)off;
	code(m, NULL)->sh_size = size;
	return 0;
}

static int m_too_many_slots(struct img *m)
{
	static const uint8_t mov[8] = {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1, 0, 0, 0};

	return replace_code(m, mov, PQUIC_MAX_SLOTS - 1);
}

static int m_too_many_mem(struct img *m)
{
	/* *(u64 *)(r1 + 0) = r0: through the connection pointer, not r10 */
	static const uint8_t store[8] = {BPF_STX | BPF_MEM | BPF_DW, 0x01, 0, 0, 0, 0, 0, 0};

	return replace_code(m, store, PQUIC_MAX_MEM + 1);
}

/* Limits hold exactly at the boundary: 65,536 slots and 2,048 memory accesses pass. */
static int m_max_slots(struct img *m)
{
	static const uint8_t mov[8] = {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1, 0, 0, 0};

	return replace_code(m, mov, PQUIC_MAX_SLOTS - 2);
}

static int m_max_mem(struct img *m)
{
	static const uint8_t store[8] = {BPF_STX | BPF_MEM | BPF_DW, 0x01, 0, 0, 0, 0, 0, 0};

	return replace_code(m, store, PQUIC_MAX_MEM);
}

/* ------------------------------------------------------------------ kernel only */

/* The first program's call of a .text subprogram lands one slot into the function. */
static int m_subprog_mid(struct img *m)
{
	for (long i = find(m, p_call, 0); i >= 0; i = find(m, p_call, (size_t)i + 1)) {
		uint8_t *in = slot(m, (size_t)i);

		if ((in[1] >> 4) == BPF_PSEUDO_CALL) {
			set_imm(in, pds_od_imm(in) + 1);
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ the table */

#define P_RTT "pquic/update_rtt"
#define P_STR "pquic/schedule_frames_on_path"
#define P_CC "pquic/congestion_notify_newreno"
#define P_PACE "pquic/pacing_update"
#define K_CHAIN "kernel/subprog_chain"
#define K_XDP "kernel/xdp_counter"
#define K_GLOB "kernel/globals"

#define PQ PDS_CHK_PROFILE_PQUIC
#define KE PDS_CHK_PROFILE_KERNEL
#define E(x) PDS_CHK_E_##x

struct mcase {
	const char *name;
	const char *base;
	int (*mutate)(struct img *m);
	enum pds_chk_profile profile;
	int expected;
};

static const struct mcase cases[] = {
	/* the untouched bases open cleanly */
	{"base-pquic-rtt", P_RTT, NULL, PQ, 0},
	{"base-pquic-strings", P_STR, NULL, PQ, 0},
	{"base-pquic-lddw", P_CC, NULL, PQ, 0},
	{"base-pquic-div", P_PACE, NULL, PQ, 0},
	{"base-kernel-chain", K_CHAIN, NULL, KE, 0},
	{"base-kernel-xdp", K_XDP, NULL, KE, 0},
	{"base-kernel-globals", K_GLOB, NULL, KE, 0},
	/* ELF header */
	{"not-elf", P_RTT, m_not_elf, PQ, E(ELF_NOT_ELF)},
	{"class-32", P_RTT, m_class32, PQ, E(ELF_CLASS)},
	{"class-none", P_RTT, m_class_none, PQ, E(ELF_CLASS)},
	{"big-endian", P_RTT, m_big_endian, PQ, E(ELF_ENDIAN)},
	{"machine-x86-64", P_RTT, m_machine, PQ, E(ELF_MACHINE)},
	{"type-exec", P_RTT, m_type_exec, PQ, E(ELF_TYPE)},
	{"type-dyn", P_RTT, m_type_dyn, PQ, E(ELF_TYPE)},
	{"version", P_RTT, m_version, PQ, E(ELF_VERSION)},
	{"ident-version", P_RTT, m_ident_version, PQ, E(ELF_VERSION)},
	{"shentsize", P_RTT, m_shentsize, PQ, E(ELF_MALFORMED)},
	{"shstrndx-out-of-range", P_RTT, m_shstrndx, PQ, E(ELF_MALFORMED)},
	{"too-many-sections", P_RTT, m_many_sections, PQ, E(ELF_TOO_MANY_SECTIONS)},
	{"too-large", P_RTT, m_too_large, PQ, E(ELF_TOO_LARGE)},
	{"kernel-machine", K_XDP, m_machine, KE, E(ELF_MACHINE)},
	{"kernel-big-endian", K_XDP, m_big_endian, KE, E(ELF_ENDIAN)},
	/* truncations */
	{"truncated-ident", P_RTT, m_trunc_ident, PQ, E(ELF_TRUNCATED)},
	{"truncated-ehdr", P_RTT, m_trunc_ehdr, PQ, E(ELF_TRUNCATED)},
	{"truncated-shdrs", P_RTT, m_trunc_shdrs, PQ, E(ELF_TRUNCATED)},
	{"truncated-in-code", P_RTT, m_trunc_in_code, PQ, E(ELF_TRUNCATED)},
	{"kernel-truncated-shdrs", K_CHAIN, m_trunc_shdrs, KE, E(ELF_TRUNCATED)},
	{"kernel-truncated-in-code", K_CHAIN, m_trunc_in_code, KE, E(ELF_TRUNCATED)},
	/* sections */
	{"code-offset-past-end", P_RTT, m_code_offset, PQ, E(ELF_TRUNCATED)},
	{"code-size-past-end", P_RTT, m_code_size, PQ, E(ELF_TRUNCATED)},
	{"code-offset-wraps", P_RTT, m_code_huge_offset, PQ, E(ELF_TRUNCATED)},
	{"sh-name-outside-shstrtab", P_RTT, m_sh_name, PQ, E(ELF_STRTAB)},
	{"symtab-link", P_RTT, m_symtab_link, PQ, E(ELF_SYMTAB)},
	{"symtab-entsize", P_RTT, m_symtab_entsize, PQ, E(ELF_SYMTAB)},
	{"symtab-size", P_RTT, m_symtab_size, PQ, E(ELF_SYMTAB)},
	{"symbol-name-outside-strtab", P_RTT, m_sym_name, PQ, E(ELF_STRTAB)},
	{"no-exec-section", P_RTT, m_no_exec, PQ, E(ELF_NO_CODE)},
	{"code-size-not-multiple", P_RTT, m_code_not_multiple, PQ, E(ELF_CODE_SIZE)},
	{"kernel-code-size-past-end", K_XDP, m_code_size, KE, E(ELF_TRUNCATED)},
	{"kernel-symtab-entsize", K_XDP, m_symtab_entsize, KE, E(ELF_SYMTAB)},
	/* relocations */
	{"reloc-offset-out-of-range", P_RTT, m_rel_off_range, PQ, E(RELOC_OFFSET)},
	{"reloc-offset-misaligned", P_RTT, m_rel_off_misaligned, PQ, E(RELOC_OFFSET)},
	{"reloc-symbol-out-of-range", P_RTT, m_rel_sym_range, PQ, E(RELOC_SYMBOL)},
	{"reloc-unknown-type", P_RTT, m_rel_type, PQ, E(RELOC_TYPE)},
	{"reloc-missing-section", P_RTT, m_rel_section, PQ, E(RELOC_SECTION)},
	{"reloc-64-32-on-mov", P_RTT, m_call_reloc_on_mov, PQ, E(RELOC_TARGET)},
	{"reloc-64-64-on-mov", P_STR, m_lddw_reloc_on_mov, PQ, E(RELOC_TARGET)},
	{"string-past-section", P_STR, m_string_past_section, PQ, E(RELOC_STRING)},
	{"string-not-terminated", P_STR, m_string_no_nul, PQ, E(RELOC_STRING)},
	{"call-by-id-no-reloc", P_RTT, m_call_by_id, PQ, E(RELOC_UNRESOLVED)},
	{"call-reloc-removed", P_RTT, m_call_no_reloc, PQ, E(BPF_CALL)},
	{"bpf-to-bpf-call", P_RTT, m_bpf_call_local, PQ, E(BPF_CALL)},
	{"bpf-to-bpf-call-symbol", P_RTT, m_bpf_call_symbol, PQ, E(BPF_CALL)},
	{"kernel-reloc-offset-misaligned", K_CHAIN, m_rel_off_misaligned, KE, E(RELOC_OFFSET)},
	{"kernel-reloc-symbol-out-of-range", K_CHAIN, m_rel_sym_range, KE, E(RELOC_SYMBOL)},
	{"kernel-subprog-mid-function", K_CHAIN, m_subprog_mid, KE, E(SUBPROG)},
	/* instructions */
	{"opcode-ff", P_RTT, m_opcode_ff, PQ, E(INSN_OPCODE)},
	{"opcode-zero", P_RTT, m_opcode_zero, PQ, E(INSN_OPCODE)},
	{"dst-r11", P_RTT, m_dst11, PQ, E(INSN_REG)},
	{"src-r11", P_RTT, m_src11, PQ, E(INSN_REG)},
	{"write-r10", P_RTT, m_write_r10, PQ, E(INSN_REG)},
	{"jump-past-end", P_RTT, m_jump_far, PQ, E(INSN_JUMP_RANGE)},
	{"jump-before-start", P_RTT, m_jump_before_start, PQ, E(INSN_JUMP_RANGE)},
	{"jump-into-lddw", P_CC, m_jump_into_lddw, PQ, E(INSN_JUMP_LDDW)},
	{"jump-to-self", P_RTT, m_jump_self, PQ, E(INSN_JUMP_SELF)},
	{"lddw-second-slot-opcode", P_CC, m_lddw_second_opcode, PQ, E(INSN_LDDW)},
	{"lddw-missing-second-slot", P_RTT, m_lddw_last_slot, PQ, E(INSN_LDDW)},
	{"div-by-zero", P_RTT, m_div_zero, PQ, E(INSN_DIV_ZERO)},
	{"mod-by-zero", P_RTT, m_mod_zero, PQ, E(INSN_DIV_ZERO)},
	{"div32-by-zero", P_RTT, m_div32_zero, PQ, E(INSN_DIV_ZERO)},
	{"stack-below-frame", P_RTT, m_stack_below, PQ, E(INSN_STACK)},
	{"stack-above-frame", P_RTT, m_stack_above, PQ, E(INSN_STACK)},
	{"no-exit", P_RTT, m_no_exit, PQ, E(INSN_NO_EXIT)},
	{"too-many-slots", P_RTT, m_too_many_slots, PQ, E(INSN_TOO_MANY)},
	{"too-many-memory-accesses", P_RTT, m_too_many_mem, PQ, E(INSN_TOO_MANY_MEM)},
	{"max-slots", P_RTT, m_max_slots, PQ, 0},
	{"max-memory-accesses", P_RTT, m_max_mem, PQ, 0},
	{"kernel-opcode-ff", K_XDP, m_opcode_ff, KE, E(INSN_OPCODE)},
	{"kernel-dst-r11", K_XDP, m_dst11, KE, E(INSN_REG)},
	{"kernel-write-r10", K_XDP, m_write_r10, KE, E(INSN_REG)},
	{"kernel-jump-past-end", K_XDP, m_jump_far, KE, E(INSN_JUMP_RANGE)},
	{"kernel-lddw-second-slot-opcode", K_GLOB, m_lddw_second_opcode, KE, E(INSN_LDDW)},
	{"kernel-div-by-zero", K_XDP, m_div_zero, KE, E(INSN_DIV_ZERO)},
	/*
	 * The newer ISA: refused by PQUIC, accepted by the kernel.  Signed division
	 * shares its opcode byte with the unsigned one and differs by off = 1, a
	 * field PQUIC's instruction set requires to be zero.
	 */
	{"jmp32", P_RTT, m_jmp32, PQ, E(INSN_OPCODE)},
	{"kernel-jmp32", K_XDP, m_jmp32, KE, 0},
	{"atomic-add", P_RTT, m_atomic, PQ, E(INSN_OPCODE)},
	{"kernel-atomic-add", K_GLOB, m_atomic, KE, 0},
	{"signed-div", P_PACE, m_sdiv, PQ, E(INSN_OFF)},
	{"signed-mod", P_PACE, m_smod, PQ, E(INSN_OFF)},
	{"kernel-signed-mod", K_GLOB, m_smod, KE, 0},
};

/* ------------------------------------------------------------------ running a case */

struct sink_log {
	const char *name;
	int errors;
	int matching; /* errors with the expected code that name the object */
	int expected;
	int first_code;
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct sink_log *log = ctx;

	if (d->level != PDS_CHK_ERROR)
		return;
	if (log->errors++ == 0)
		log->first_code = d->code;
	if (d->code == log->expected && d->file && strcmp(d->file, log->name) == 0 && d->message &&
	    d->rule && strcmp(d->rule, pds_chk_rule(log->expected)) == 0)
		log->matching++;
}

static void save_corpus(const char *name, const struct img *m)
{
	const char *dir = getenv("PDS_MALFORMED_CORPUS_DIR");
	char *path;

	if (!dir || !*dir || asprintf(&path, "%s/%s.o", dir, name) < 0)
		return;
	pds_t_write_file(path, m->buf, m->len);
	free(path);
}

static int run_case(const struct mcase *c)
{
	char *path = pds_t_prog_path(c->base), name[96];
	struct sink_log log = {.name = name, .expected = c->expected};
	struct pds_chk_open_opts opts = {
		.sz = sizeof(opts),
		.profile = c->profile,
		.diag = {collect, &log},
	};
	struct pds_chk_obj *obj = (struct pds_chk_obj *)&log; /* must be reset to NULL */
	struct img m = {NULL, 0};
	int rc, ok = 0;

	snprintf(name, sizeof(name), "%s.o", c->name);
	if (!path || pds_t_read_file(path, &m.buf, &m.len) < 0)
		goto out;
	if (c->mutate && c->mutate(&m) < 0) {
		fprintf(stderr, "%s: the mutation does not apply to %s\n", c->name, c->base);
		goto out;
	}
	save_corpus(c->name, &m);
	rc = pds_chk_obj_open_mem(m.buf, m.len, name, &opts, &obj);
	if (c->expected == 0)
		ok = rc == 0 && obj != NULL && log.errors == 0;
	else
		ok = rc == c->expected && obj == NULL && log.matching > 0;
	if (rc != 0)
		obj = NULL; /* never free what a failed open may have left behind */
	if (!ok)
		fprintf(stderr, "%s (%s, %s): expected %s, got %s; %d error(s), first %s\n",
			c->name, c->base, pds_chk_profile_name(c->profile),
			pds_chk_rule(c->expected), pds_chk_rule(rc), log.errors,
			pds_chk_rule(log.first_code));
	pds_chk_obj_free(obj);
out:
	free(m.buf);
	free(path);
	return ok;
}

static void run_group(int (*want)(const struct mcase *))
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!want(&cases[i]))
			continue;
		n++;
		CU_ASSERT(run_case(&cases[i])); /* the case is named on stderr when it fails */
	}
	CU_ASSERT(n > 0);
}

static int is_base(const struct mcase *c)
{
	return c->mutate == NULL;
}

static int is_pquic_refusal(const struct mcase *c)
{
	return c->mutate && c->profile == PQ && c->expected != 0;
}

static int is_kernel_refusal(const struct mcase *c)
{
	return c->mutate && c->profile == KE && c->expected != 0;
}

static int is_acceptance(const struct mcase *c)
{
	return c->mutate && c->expected == 0;
}

static void test_bases_open(void)
{
	run_group(is_base);
}

static void test_pquic_refusals(void)
{
	run_group(is_pquic_refusal);
}

static void test_kernel_refusals(void)
{
	run_group(is_kernel_refusal);
}

static void test_boundaries_and_newer_isa(void)
{
	run_group(is_acceptance);
}

/* The corpus is large enough and every case changes the object it starts from. */
static void test_corpus_shape(void)
{
	size_t refusals = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		char *path;
		struct img m = {NULL, 0};
		uint8_t *orig = NULL;
		size_t olen = 0;

		refusals += c->expected != 0;
		if (!c->mutate)
			continue;
		path = pds_t_prog_path(c->base);
		CU_ASSERT_FATAL(path && pds_t_read_file(path, &orig, &olen) == 0);
		CU_ASSERT_FATAL(pds_t_read_file(path, &m.buf, &m.len) == 0);
		CU_ASSERT(c->mutate(&m) == 0);
		CU_ASSERT(m.len != olen || memcmp(m.buf, orig, olen) != 0);
		free(m.buf);
		free(orig);
		free(path);
	}
	CU_ASSERT(refusals >= 30);
}

/* The size limit also holds when the object is read from a file (§2: at most 1 MiB). */
static void test_too_large_file(void)
{
	char *src = pds_t_prog_path(P_RTT), *dir = pds_t_mkdtemp(), *path = NULL;
	struct sink_log log = {.expected = E(ELF_TOO_LARGE)};
	struct pds_chk_open_opts opts = {
		.sz = sizeof(opts),
		.profile = PQ,
		.diag = {collect, &log},
	};
	struct pds_chk_obj *obj = NULL;
	struct img m = {NULL, 0};

	CU_ASSERT_FATAL(src && dir && asprintf(&path, "%s/big.o", dir) > 0);
	log.name = path;
	CU_ASSERT_FATAL(pds_t_read_file(src, &m.buf, &m.len) == 0);
	CU_ASSERT_FATAL(m_too_large(&m) == 0);
	CU_ASSERT_FATAL(pds_t_write_file(path, m.buf, m.len) == 0);
	CU_ASSERT_EQUAL(pds_chk_obj_open(path, &opts, &obj), E(ELF_TOO_LARGE));
	CU_ASSERT_PTR_NULL(obj);
	CU_ASSERT(log.matching > 0);
	/* One byte less is within the limit and the junk after the object is harmless. */
	m.len = PQUIC_MAX_SIZE;
	memset(&log, 0, sizeof(log));
	log.name = path;
	CU_ASSERT_FATAL(pds_t_write_file(path, m.buf, m.len) == 0);
	CU_ASSERT_EQUAL(pds_chk_obj_open(path, &opts, &obj), 0);
	CU_ASSERT_EQUAL(log.errors, 0);
	pds_chk_obj_free(obj);
	CU_ASSERT(pds_t_rm_rf(dir) == 0);
	free(m.buf);
	free(path);
	free(dir);
	free(src);
}

PDS_TEST_MAIN("bpf malformed objects", PDS_TEST(test_corpus_shape), PDS_TEST(test_bases_open),
	      PDS_TEST(test_pquic_refusals), PDS_TEST(test_kernel_refusals),
	      PDS_TEST(test_boundaries_and_newer_isa), PDS_TEST(test_too_large_file))
