/* SPDX-License-Identifier: MIT */
/*
 * eBPF objects built in memory from an instruction array: one code section
 * (".text" for PQUIC, "socket" for the kernel), a global function symbol at
 * slot 0, a "license" section, and for PQUIC helper calls an R_BPF_64_32
 * relocation against an undefined symbol named after the helper (pquic-abi.md §2).
 */
#ifndef PDS_LOADER_TESTS_UTIL_ELF_H
#define PDS_LOADER_TESTS_UTIL_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>

#define PDS_T_ELF_MAX_RELOCS 8

struct pds_t_elf_reloc {
	uint32_t slot;
	const char *helper;
};

struct pds_t_elf_spec {
	enum pds_chk_profile profile;
	const struct pds_insn *insns;
	size_t ninsns;
	const struct pds_t_elf_reloc *relocs;
	size_t nrelocs;
};

/* The object's bytes, malloc'ed; -1 on failure. */
int pds_t_elf_build(const struct pds_t_elf_spec *sp, uint8_t **out, size_t *outlen);
/* Builds and opens it with pds_chk_obj_open_mem; NULL (after printing why) on failure. */
struct pds_chk_obj *pds_t_elf_open(const struct pds_t_elf_spec *sp);

#endif
