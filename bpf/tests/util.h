/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the bpf/ tests: files and temporary folders, the compiled
 * test programs, running llvm-objdump and a model of what it prints (the
 * reference the object reader is compared with), and raw ELF access for tests
 * that damage an object one field at a time.
 *
 * Every function returns 0 on success and -1 on failure (after printing why on
 * stderr, since these run inside tests); objects they fill are freed by the
 * matching _free function.
 */
#ifndef PDS_BPF_TESTS_UTIL_H
#define PDS_BPF_TESTS_UTIL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ files */

int pds_t_read_file(const char *path, uint8_t **buf, size_t *len);
int pds_t_write_file(const char *path, const void *buf, size_t len);
/* A fresh private folder under $TMPDIR (or /tmp); malloc'ed path. */
char *pds_t_mkdtemp(void);
/* Removes a folder made by pds_t_mkdtemp and everything in it. */
int pds_t_rm_rf(const char *dir);

/* ------------------------------------------------------------------ test programs */

/* Path of a compiled test program, "pquic/update_rtt" -> $PDS_TEST_BPF_DIR/.../update_rtt.o;
 * malloc'ed. */
char *pds_t_prog_path(const char *name);
/*
 * Every compiled object in bpf/tests/progs/<subdir>/, sorted by name.  *paths
 * is a malloc'ed array of malloc'ed paths; returns the count, or -1.
 */
int pds_t_list_progs(const char *subdir, char ***paths);
void pds_t_free_list(char **paths, int n);

/* ------------------------------------------------------------------ running tools */

/* Runs argv (PATH lookup) and returns its standard output, NUL-terminated, or NULL when
 * it cannot run or exits non-zero. */
char *pds_t_run(const char *const argv[]);
/* $LLVM_OBJDUMP, or "llvm-objdump". */
const char *pds_t_objdump(void);

/* ------------------------------------------------------------------ llvm-objdump model */

struct pds_od_reloc {
	uint64_t off; /* byte offset in the section */
	char type[24];
	char sym[128];
};

/* One instruction line of `llvm-objdump -dr`. */
struct pds_od_insn {
	uint32_t slot;	 /* address: llvm-objdump numbers BPF instructions in slots */
	unsigned width;	 /* slots: 2 for an lddw */
	uint8_t raw[16]; /* the encoded bytes as in the file (before relocation) */
	char text[160];	 /* the instruction text printed with --no-show-raw-insn */
	int nrelocs;
	struct pds_od_reloc reloc; /* the first relocation at this instruction */
};

struct pds_od_sec {
	char *name;
	unsigned idx;  /* ELF section index */
	uint64_t size; /* bytes */
	int exec;      /* llvm-objdump -h type TEXT */
	struct pds_od_insn *insns;
	size_t ninsns;
};

struct pds_od_sym {
	char *name;
	char *section; /* NULL for undefined and absolute symbols */
	uint64_t value, size;
	int func; /* flag F */
	int global;
};

struct pds_od {
	struct pds_od_sec *secs; /* in section-index order */
	size_t nsecs;
	struct pds_od_sym *syms;
	size_t nsyms;
};

/*
 * Runs `llvm-objdump -h -t`, `llvm-objdump -dr --no-show-raw-insn` and
 * `llvm-objdump -dr` on path and builds the model; the two disassemblies must
 * agree on every address.
 */
int pds_od_load(const char *path, struct pds_od *od);
void pds_od_free(struct pds_od *od);
const struct pds_od_sec *pds_od_sec(const struct pds_od *od, const char *name);
/* The instruction at a slot of a section, NULL when none starts there. */
const struct pds_od_insn *pds_od_insn_at(const struct pds_od_sec *s, uint32_t slot);
/* The function symbol of section sec that starts at byte offset off, NULL when none. */
const struct pds_od_sym *pds_od_func_at(const struct pds_od *od, const char *sec, uint64_t off);
/* Number of slots an instruction range covers (the sum of widths). */
uint32_t pds_od_slots(const struct pds_od_sec *s);
/* Contents of a section as printed by `llvm-objdump -s -j name`; malloc'ed. */
int pds_od_section_bytes(const char *path, const char *name, uint8_t **buf, size_t *len);

/* Fields of an encoded instruction slot. */
static inline uint8_t pds_od_code(const uint8_t *raw)
{
	return raw[0];
}

static inline int32_t pds_od_imm(const uint8_t *raw)
{
	return (int32_t)((uint32_t)raw[4] | (uint32_t)raw[5] << 8 | (uint32_t)raw[6] << 16 |
			 (uint32_t)raw[7] << 24);
}

static inline int16_t pds_od_off(const uint8_t *raw)
{
	return (int16_t)((uint16_t)raw[2] | (uint16_t)raw[3] << 8);
}

/* ------------------------------------------------------------------ raw ELF access */

/* Accessors over an object image in memory; they do not check what they are given
 * beyond the bounds of the image (tests pass well-formed objects and damage them after). */
Elf64_Ehdr *pds_t_ehdr(uint8_t *img);
Elf64_Shdr *pds_t_shdr(uint8_t *img, size_t len, unsigned idx);
/* Section header by name, NULL when absent; *idx gets its index when idx is not NULL. */
Elf64_Shdr *pds_t_shdr_by_name(uint8_t *img, size_t len, const char *name, unsigned *idx);
/* First section of the given type, NULL when absent. */
Elf64_Shdr *pds_t_shdr_by_type(uint8_t *img, size_t len, uint32_t type, unsigned *idx);
/* Pointer to a section's bytes (NULL when they lie outside the image). */
uint8_t *pds_t_sec_data(uint8_t *img, size_t len, const Elf64_Shdr *sh);

#endif
