/* SPDX-License-Identifier: MIT */
/* Private interfaces between the stages of libpdscheck. */
#ifndef PDS_BPF_INTERNAL_H
#define PDS_BPF_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>
#include <pds/manifest.h>

#define PDS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PDS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ------------------------------------------------------------------ diagnostics */

/* Where a diagnostic points; zero-initialise and fill what is known. */
struct pds_loc {
	const char *file;
	const char *section;
	int64_t insn; /* -1: none */
	uint64_t sec_off;
	unsigned line;
	const struct pds_srcloc *src;
};

#define PDS_LOC_FILE(f) ((struct pds_loc){.file = (f), .insn = -1})

/* Sends one diagnostic to the sink; returns code so callers can "return pds_diag(…)". */
int pds_diag(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, int code,
	     const struct pds_loc *loc, const char *fmt, ...) PDS_PRINTF(5, 6);
int pds_vdiag(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, int code,
	      const char *rule, const struct pds_loc *loc, const char *fmt, va_list ap);
/* Warnings and notes that carry a rule id but no error code. */
void pds_diag_rule(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, const char *rule,
		   const struct pds_loc *loc, const char *fmt, ...) PDS_PRINTF(5, 6);

/* ------------------------------------------------------------------ ELF view */

struct pds_elf_sec {
	const char *name;
	uint32_t idx;
	uint32_t type;
	uint64_t flags;
	const uint8_t *data; /* NULL for SHT_NOBITS */
	uint64_t size;
	uint32_t link, info;
	uint64_t entsize;
};

struct pds_elf_sym {
	const char *name;
	uint64_t value, size;
	uint16_t shndx;
	uint8_t type, bind;
};

struct pds_elf_rel {
	uint64_t off;	/* byte offset in the target section */
	uint32_t sym;	/* index into the symbol table */
	uint32_t type;	/* R_BPF_* */
	int64_t addend; /* RELA addend; 0 for REL */
	bool rela;
};

/*
 * A validated view of an ELF64 little-endian relocatable object, built with
 * libelf.  Every section's data lies inside the image; every name is a valid
 * NUL-terminated string (or "" when absent).
 */
struct pds_elf {
	const char *path; /* for diagnostics */
	const uint8_t *image;
	size_t size;
	void *elf; /* Elf * */
	uint16_t machine;
	struct pds_elf_sec *secs;
	size_t nsecs;
	struct pds_elf_sym *syms;
	size_t nsyms;
	uint32_t symtab_idx; /* 0 when there is none */
};

struct pds_elf_limits {
	size_t max_size;     /* 0: none */
	size_t max_sections; /* 0: none */
};

int pds_elf_open(struct pds_elf *e, const void *image, size_t size, const char *path,
		 const struct pds_elf_limits *lim, const struct pds_chk_diag_sink *sink);
void pds_elf_close(struct pds_elf *e);
const struct pds_elf_sec *pds_elf_sec_by_name(const struct pds_elf *e, const char *name);
/*
 * Relocations that apply to section target (every SHT_REL/SHT_RELA whose sh_info
 * is target), validated: symbol index inside the symbol table.  *rels is
 * malloc'ed, sorted by offset; the caller frees it.
 */
int pds_elf_relocs(const struct pds_elf *e, uint32_t target, struct pds_elf_rel **rels, size_t *n,
		   const struct pds_chk_diag_sink *sink);

/* ------------------------------------------------------------------ decoding */

/* Per-profile static limits and rules. */
struct pds_profile_rules {
	enum pds_chk_profile profile;
	size_t max_slots;	 /* slots per program */
	size_t max_mem_accesses; /* loads/stores through registers other than r10; 0: none */
	int stack_size;		 /* bytes below r10 */
	bool reject_self_jump;
	bool check_stack_offsets; /* r10-relative accesses must stay in the stack */
};

const struct pds_profile_rules *pds_profile_rules(enum pds_chk_profile p);

/* Whether the opcode byte exists in the profile's instruction set. */
bool pds_decode_opcode_known(enum pds_chk_profile p, uint8_t code);

/* Context of one program to validate; locations for messages come from origin. */
struct pds_validate_ctx {
	const char *file;
	const struct pds_chk_diag_sink *sink;
	const struct pds_chk_prog *prog; /* for section/offset/srcloc of a slot */
};

/*
 * Validates every slot of a program against the profile's decoding table:
 * opcodes, registers, immediates, offsets, lddw pairs, jump targets, exits,
 * static limits.  Reports every problem found; returns the first code.
 */
int pds_decode_validate(enum pds_chk_profile p, const struct pds_insn *insns, size_t n,
			const struct pds_validate_ctx *ctx);

/* Helper names known for a profile: PQUIC by name, kernel by id. */
const char *pds_kernel_helper_name(int32_t id);

/* ------------------------------------------------------------------ line info */

struct pds_line {
	uint32_t sec;	  /* ELF section index */
	uint64_t off;	  /* byte offset in that section */
	const char *file; /* interned in the table */
	const char *text; /* source line text (BTF) or NULL */
	unsigned line, col;
};

struct pds_linetab {
	struct pds_line *v; /* sorted by (sec, off) */
	size_t n, cap;
	char **strings; /* owned strings */
	size_t nstrings, capstrings;
};

int pds_linetab_add(struct pds_linetab *t, uint32_t sec, uint64_t off, const char *file,
		    const char *text, unsigned line, unsigned col);
void pds_linetab_sort(struct pds_linetab *t);
/* Last entry at or before (sec, off); NULL when none in that section. */
const struct pds_line *pds_linetab_find(const struct pds_linetab *t, uint32_t sec, uint64_t off);
void pds_linetab_free(struct pds_linetab *t);

/* BTF .BTF.ext line info; 0 when absent or read, a code when malformed. */
int pds_btf_lines(const struct pds_elf *e, struct pds_linetab *t,
		  const struct pds_chk_diag_sink *sink);
/* Structure of .BTF (kinds, record sizes, names, type ids); 0 when absent or sound. */
int pds_btf_check(const struct pds_elf *e, const struct pds_chk_diag_sink *sink);
/* DWARF .debug_line; 0 when absent or read, a code when malformed. */
int pds_dwarf_lines(const struct pds_elf *e, struct pds_linetab *t,
		    const struct pds_chk_diag_sink *sink);

/* ------------------------------------------------------------------ variables */

/*
 * Where a named source variable lives over a byte range of a code section, from
 * DWARF .debug_info: a register r0-r9, or a stack slot at r10 + stack_off.
 */
struct pds_var_loc {
	uint32_t sec;	   /* ELF section index */
	uint64_t lo, hi;   /* [lo, hi) byte offsets in it */
	int reg;	   /* 0..9, or -1 for a stack slot */
	int32_t stack_off; /* from r10 (negative), when reg is -1 */
	bool computed;	   /* a value computed from reg alone, as i = r7 - 1 */
	const char *name;  /* in names */
};

struct pds_vartab {
	struct pds_var_loc *v; /* in .debug_info order: inner scopes after outer ones */
	size_t n, cap;
	char **names; /* owned */
	size_t nnames, capnames;
};

/*
 * DWARF 5 variable and parameter locations; 0 when absent or read.  Malformed or
 * unsupported DWARF empties t, sends one warning (rule dwarf/bad-variables, code 0)
 * and returns a code; PDS_CHK_E_NOMEM is returned without a warning.
 */
int pds_dwarf_vars(const struct pds_elf *e, struct pds_vartab *t,
		   const struct pds_chk_diag_sink *sink);
void pds_vartab_free(struct pds_vartab *t);

/* ------------------------------------------------------------------ programs */

struct pds_slot_origin {
	uint32_t sec;	  /* ELF section index */
	uint64_t sec_off; /* byte offset in it */
};

struct pds_chk_prog {
	struct pds_chk_obj *obj;
	char *name;
	char *section;
	struct pds_insn *insns;
	size_t nslots;
	struct pds_insn_ref *refs; /* nslots entries, kind NONE for most */
	struct pds_slot_origin *origin;
	uint32_t *sub_starts; /* slot where each subprogram starts; [0] = 0 */
	char **sub_names;
	size_t nsubs;
};

struct pds_chk_obj {
	char *path;
	enum pds_chk_profile profile;
	struct pds_chk_prog *progs;
	size_t nprogs;
	char **sec_names; /* by ELF section index */
	size_t nsec_names;
	struct pds_linetab lines;
	struct pds_vartab vars; /* empty without usable DWARF */
	char **strings;		/* owned strings referenced from refs */
	size_t nstrings, capstrings;
};

/* Copies s into the object's string pool; NULL on allocation failure. */
const char *pds_obj_intern(struct pds_chk_obj *obj, const char *s, size_t len);

/* Profile readers: fill obj->progs from the ELF view. */
int pds_pquic_read(struct pds_chk_obj *obj, const struct pds_elf *e,
		   const struct pds_chk_diag_sink *sink);
int pds_kernel_read(struct pds_chk_obj *obj, const struct pds_elf *e,
		    const struct pds_chk_diag_sink *sink);

/*
 * The name of the source variable held in register reg (0..9) or, when reg is -1,
 * in the stack slot at r10 + stack_off, at a slot of prog; NULL when unknown.
 */
const char *pds_obj_var_name(const struct pds_chk_prog *prog, size_t slot, int reg,
			     int32_t stack_off);
/*
 * A loop variable label for reports: "i in r7" for ivar "r7" (or "[r10-8]") when
 * DWARF names it at slot, else at head, else a copy of ivar.  Malloc'ed; NULL when
 * out of memory.
 */
char *pds_obj_ivar_label(const struct pds_chk_prog *prog, size_t slot, size_t head,
			 const char *ivar);

/* Location of a slot for diagnostics (with source position when known). */
void pds_prog_loc(const struct pds_chk_prog *prog, size_t slot, struct pds_loc *loc,
		  struct pds_srcloc *src);

/* ------------------------------------------------------------------ helpers */

/* Zeroed allocation; never NULL for a zero size unless out of memory. */
void *pds_calloc(size_t n, size_t size);
/*
 * Arrays sized by the program, zeroed, freed with pds_arr_free only (never
 * free): large ones are huge-page mappings of their own. pds_arr_realloc keeps
 * the contents, zeroes what it adds and never shrinks; NULL when out of memory
 * (the old array stays valid).
 */
void *pds_arr_alloc(size_t n, size_t size);
void *pds_arr_realloc(void *old, size_t n, size_t size);
void pds_arr_free(void *p);
char *pds_strdup(const char *s);
char *pds_strndup(const char *s, size_t n);
/* C-style escapes of s into buf (truncated to fit), for messages. */
void pds_escape(const char *s, char *buf, size_t size);
/* Reads a whole file, refusing ones larger than max (E_ELF_TOO_LARGE/E_MF_TOO_LARGE
 * is the caller's choice of code via too_large). */
int pds_read_file(const char *path, size_t max, int too_large, void **buf, size_t *len,
		  const struct pds_chk_diag_sink *sink);

#endif
