/* SPDX-License-Identifier: MIT */
/*
 * libpdscheck — reading and checking eBPF objects and PQUIC plugin manifests.
 *
 * Conventions: functions return 0 on success and a positive enum pds_chk_err
 * otherwise.  The library never prints and never exits; every diagnostic goes to
 * the caller's sink (struct pds_chk_diag_sink).  The caller owns what it passes
 * in; the library copies what it keeps.  Destructors accept NULL.
 */
#ifndef PDS_CHECK_H
#define PDS_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pds/chk_errors.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PDS_API
#define PDS_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------ profiles */

/* The ABI an object is read and checked against. */
enum pds_chk_profile {
	PDS_CHK_PROFILE_PQUIC = 0,  /* PQUIC pluglets: uBPF subset, helpers by name */
	PDS_CHK_PROFILE_KERNEL = 1, /* Linux eBPF: current ISA, helper ids, libbpf objects */
};

PDS_API const char *pds_chk_profile_name(enum pds_chk_profile p);
/* Returns 0 and sets *out when name is "pquic" or "kernel". */
PDS_API int pds_chk_profile_parse(const char *name, enum pds_chk_profile *out);

/* ------------------------------------------------------------------ errors */

PDS_API const char *pds_chk_strerror(int err);
/* Stable rule id of a code ("elf/bad-machine"), "unknown" for other values. */
PDS_API const char *pds_chk_rule(int err);

/* ------------------------------------------------------------------ diagnostics */

enum pds_chk_level {
	PDS_CHK_NOTE = 0,
	PDS_CHK_WARNING = 1,
	PDS_CHK_ERROR = 2,
};

/*
 * One diagnostic.  Every pointer is valid only during the sink call.
 * Location, most precise first: src_file:src_line:src_col when the object has
 * line info; otherwise file:section+0xoff: insn N; file:line for manifests;
 * file alone for whole-file problems.
 */
struct pds_chk_diag {
	enum pds_chk_level level;
	int code;	      /* enum pds_chk_err, or 0 for warnings and notes with a rule only */
	const char *rule;     /* stable id matched by tests and scripts */
	const char *file;     /* object or manifest path as given */
	const char *section;  /* code section, or NULL */
	int64_t insn;	      /* instruction slot in the program, or -1 */
	uint64_t sec_off;     /* byte offset of that instruction in its section */
	unsigned line;	      /* manifest line (1-based), or 0 */
	const char *src_file; /* source file from BTF/DWARF line info, or NULL */
	unsigned src_line, src_col;
	const char *message;
};

typedef void (*pds_chk_diag_fn)(void *ctx, const struct pds_chk_diag *d);

struct pds_chk_diag_sink {
	pds_chk_diag_fn fn; /* NULL discards diagnostics */
	void *ctx;
};

/* Compiler-style one-line rendering: "loc: error: message [rule]".  Returns the
 * length snprintf would have produced. */
PDS_API int pds_chk_diag_format(const struct pds_chk_diag *d, char *buf, size_t size);

/* ------------------------------------------------------------------ instructions */

/* One 8-byte instruction slot, as in the ELF file (little-endian host order). */
struct pds_insn {
	uint8_t code;
	uint8_t dst : 4;
	uint8_t src : 4;
	int16_t off;
	int32_t imm;
};

/* What a slot refers to, resolved from relocations, BTF or the profile. */
enum pds_ref_kind {
	PDS_REF_NONE = 0,
	PDS_REF_HELPER,	   /* call of a helper: name (and id in the kernel profile) */
	PDS_REF_SUBPROG,   /* BPF-to-BPF call: target slot in the linked program */
	PDS_REF_KFUNC,	   /* call of a kernel function by name */
	PDS_REF_STRING,	   /* lddw of a string constant (PQUIC) */
	PDS_REF_MAP,	   /* lddw of a map (kernel): name */
	PDS_REF_MAP_VALUE, /* lddw of a global-data map value: name + offset */
	PDS_REF_FUNC_ADDR, /* lddw of a subprogram's address */
};

struct pds_insn_ref {
	enum pds_ref_kind kind;
	const char *name;   /* helper, kfunc, map or data section name */
	int32_t helper_id;  /* kernel helper id; -1 when the profile resolves by name */
	uint32_t target;    /* SUBPROG / FUNC_ADDR: slot in the linked program */
	uint64_t value_off; /* MAP_VALUE: offset; STRING: offset in its section */
	const char *string; /* STRING: the constant as PQUIC would load it */
	int addend_ignored; /* STRING: the addend is non-zero and PQUIC ignores it */
};

/* Source position of a slot, from BTF line info or DWARF. */
struct pds_srcloc {
	const char *file;
	unsigned line, col;
	const char *text; /* the source line's text when BTF carries it, else NULL */
};

/* ------------------------------------------------------------------ objects */

struct pds_chk_obj;
struct pds_chk_prog;

struct pds_chk_open_opts {
	size_t sz; /* sizeof(struct pds_chk_open_opts) */
	enum pds_chk_profile profile;
	struct pds_chk_diag_sink diag;
};

/*
 * Opens an object and reads every program in it: PQUIC pluglets with libelf
 * exactly as PQUIC's loader does (first executable section, helpers by
 * relocation); kernel objects with libbpf (every program of every section,
 * subprograms linked in, maps and helper ids).  Every instruction is decoded and
 * validated against the profile.  On failure *out is NULL and at least one error
 * diagnostic has been sent to the sink.
 */
PDS_API int pds_chk_obj_open(const char *path, const struct pds_chk_open_opts *opts,
			     struct pds_chk_obj **out);
/* Same, from memory; name is used in diagnostics. */
PDS_API int pds_chk_obj_open_mem(const void *buf, size_t len, const char *name,
				 const struct pds_chk_open_opts *opts, struct pds_chk_obj **out);
PDS_API void pds_chk_obj_free(struct pds_chk_obj *obj);
/*
 * Builds a one-program object from raw instruction slots (tests, benchmarks,
 * generated code).  helpers[i], when not NULL, names the helper called at slot i
 * (PQUIC profile); kernel-profile calls use their ids.  The slots are validated
 * like those of an object file.
 */
PDS_API int pds_chk_obj_from_insns(const struct pds_insn *insns, size_t n,
				   const char *const *helpers, const char *name,
				   const struct pds_chk_open_opts *opts, struct pds_chk_obj **out);

PDS_API const char *pds_chk_obj_path(const struct pds_chk_obj *obj);
PDS_API enum pds_chk_profile pds_chk_obj_profile(const struct pds_chk_obj *obj);
PDS_API size_t pds_chk_obj_prog_count(const struct pds_chk_obj *obj);
PDS_API const struct pds_chk_prog *pds_chk_obj_prog(const struct pds_chk_obj *obj, size_t i);
/* Whether the object carries line info (BTF .BTF.ext or DWARF .debug_line). */
PDS_API int pds_chk_obj_has_lines(const struct pds_chk_obj *obj);

PDS_API const char *pds_chk_prog_name(const struct pds_chk_prog *prog);
PDS_API const char *pds_chk_prog_section(const struct pds_chk_prog *prog);
/* Number of 8-byte slots (an lddw takes two). */
PDS_API size_t pds_chk_prog_slot_count(const struct pds_chk_prog *prog);
/* Number of instructions (an lddw counts once). */
PDS_API size_t pds_chk_prog_insn_count(const struct pds_chk_prog *prog);
PDS_API const struct pds_insn *pds_chk_prog_insns(const struct pds_chk_prog *prog);
/* NULL for slots that refer to nothing. */
PDS_API const struct pds_insn_ref *pds_chk_prog_ref(const struct pds_chk_prog *prog, size_t slot);
/* Returns 0 and fills *loc when line info covers the slot. */
PDS_API int pds_chk_prog_srcloc(const struct pds_chk_prog *prog, size_t slot,
				struct pds_srcloc *loc);
/* Section and byte offset a slot came from (subprograms keep their own). */
PDS_API void pds_chk_prog_origin(const struct pds_chk_prog *prog, size_t slot, const char **section,
				 uint64_t *sec_off);
/* Slots of the program that start a subprogram (slot 0 first); returns the count. */
PDS_API size_t pds_chk_prog_subprogs(const struct pds_chk_prog *prog, const uint32_t **starts,
				     const char *const **names);

/* ------------------------------------------------------------------ disassembly */

enum pds_disasm_flags {
	PDS_DISASM_BYTES = 1 << 0,  /* show the encoded bytes, like llvm-objdump -d */
	PDS_DISASM_SOURCE = 1 << 1, /* interleave source lines when known */
};

/* Writes one instruction's text ("r0 = 1", "call get_cnx") into buf. */
PDS_API int pds_chk_insn_text(const struct pds_chk_prog *prog, size_t slot, char *buf, size_t size);
PDS_API int pds_chk_disasm(const struct pds_chk_prog *prog, FILE *out, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
