/* SPDX-License-Identifier: MIT */
/*
 * Result codes of the PDS checker library (libpdscheck).
 *
 * Every code has a stable rule id (what tests and scripts match) and a one-line
 * description.  0 is success; every other value is a reason.  The list is an
 * X-macro so that the enum, the rule ids and the descriptions cannot drift apart.
 * Codes are never renumbered: new ones go at the end of their group.
 */
#ifndef PDS_CHK_ERRORS_H
#define PDS_CHK_ERRORS_H

/* X(name, value, rule id, description) */
/* one row per code reads better than the formatter's layout */
/* clang-format off */
#define PDS_CHK_ERRORS(X)                                                                         \
	X(OK, 0, "ok", "success")                                                                \
	/* system and usage: 1..19 */                                                              \
	X(E_NOMEM, 1, "sys/nomem", "out of memory")                                              \
	X(E_IO, 2, "sys/io", "cannot read the file")                                             \
	X(E_INVAL, 3, "sys/invalid-argument", "invalid argument")                               \
	X(E_PROFILE, 4, "sys/unknown-profile", "unknown ABI profile")                           \
	/* ELF container: 20..59 */                                                                \
	X(E_ELF_TOO_LARGE, 20, "elf/too-large", "object larger than the profile allows")        \
	X(E_ELF_NOT_ELF, 21, "elf/not-elf", "not an ELF file")                                  \
	X(E_ELF_CLASS, 22, "elf/bad-class", "not a 64-bit ELF object")                          \
	X(E_ELF_ENDIAN, 23, "elf/bad-endianness", "not a little-endian ELF object")             \
	X(E_ELF_MACHINE, 24, "elf/bad-machine", "e_machine is neither EM_NONE nor EM_BPF")      \
	X(E_ELF_TYPE, 25, "elf/bad-type", "not a relocatable object (ET_REL)")                  \
	X(E_ELF_TOO_MANY_SECTIONS, 26, "elf/too-many-sections",                                 \
	  "more sections than the profile allows")                                               \
	X(E_ELF_TRUNCATED, 27, "elf/truncated", "a header or section lies outside the file")    \
	X(E_ELF_MALFORMED, 28, "elf/malformed", "malformed ELF structure")                      \
	X(E_ELF_NO_CODE, 29, "elf/no-code", "no executable section")                            \
	X(E_ELF_CODE_SIZE, 30, "elf/bad-code-size",                                               \
	  "code section size is not a multiple of 8 bytes")                                       \
	X(E_ELF_SYMTAB, 31, "elf/bad-symtab", "malformed symbol table")                         \
	X(E_ELF_STRTAB, 32, "elf/bad-strtab", "string offset outside its string table")         \
	X(E_ELF_VERSION, 33, "elf/bad-version", "unknown ELF version")                          \
	X(E_ELF_LIBBPF, 34, "elf/libbpf-refused", "libbpf refuses to open the object")          \
	X(E_ELF_NO_PROGRAMS, 35, "elf/no-programs", "the object holds no program")              \
	/* relocations: 60..79 */                                                                  \
	X(E_RELOC_TYPE, 60, "reloc/unknown-type", "relocation type the loader does not handle") \
	X(E_RELOC_OFFSET, 61, "reloc/offset-out-of-range",                                        \
	  "relocation offset outside its section or not on an instruction")                      \
	X(E_RELOC_SYMBOL, 62, "reloc/symbol-out-of-range",                                        \
	  "relocation symbol index outside the symbol table")                                     \
	X(E_RELOC_TARGET, 63, "reloc/bad-target",                                                 \
	  "relocation applied to an instruction that cannot take it")                            \
	X(E_RELOC_STRING, 64, "reloc/bad-string",                                                 \
	  "string constant outside its section or not NUL-terminated")                           \
	X(E_RELOC_UNRESOLVED, 65, "reloc/unresolved-call",                                        \
	  "helper call without a relocation naming the helper")                                  \
	X(E_BPF_CALL, 66, "reloc/bpf-to-bpf-call",                                                \
	  "BPF-to-BPF call, which the PQUIC loader does not support")                            \
	X(E_RELOC_SECTION, 67, "reloc/bad-section",                                               \
	  "relocation section names a missing or non-code section")                              \
	X(E_SUBPROG, 68, "reloc/bad-subprogram", "call to a location that starts no function")  \
	X(E_RECURSION, 69, "reloc/too-many-subprograms",                                          \
	  "more subprograms or instructions than the profile allows")                            \
	/* instructions: 80..119 */                                                                \
	X(E_INSN_OPCODE, 80, "insn/unknown-opcode", "opcode not in the profile's instruction set") \
	X(E_INSN_REG, 81, "insn/bad-register", "register number out of range or not writable")  \
	X(E_INSN_JUMP_RANGE, 82, "insn/jump-out-of-range", "jump target outside the program")   \
	X(E_INSN_JUMP_LDDW, 83, "insn/jump-into-lddw",                                            \
	  "jump target is the second half of an lddw")                                             \
	X(E_INSN_JUMP_SELF, 84, "insn/jump-to-self", "jump to itself")                          \
	X(E_INSN_LDDW, 85, "insn/incomplete-lddw", "lddw without a valid second slot")          \
	X(E_INSN_IMM, 86, "insn/bad-immediate", "immediate not allowed for this instruction")   \
	X(E_INSN_OFF, 87, "insn/bad-offset", "offset not allowed for this instruction")         \
	X(E_INSN_DIV_ZERO, 88, "insn/division-by-zero", "division or modulo by immediate zero") \
	X(E_INSN_STACK, 89, "insn/stack-out-of-range",                                            \
	  "access through r10 outside the profile's stack")                                      \
	X(E_INSN_NO_EXIT, 90, "insn/no-exit", "program has no exit instruction")                \
	X(E_INSN_TOO_MANY, 91, "insn/too-many-instructions",                                      \
	  "more instruction slots than the profile allows")                                       \
	X(E_INSN_TOO_MANY_MEM, 92, "insn/too-many-memory-accesses",                               \
	  "more loads and stores through registers other than r10 than the profile allows")     \
	X(E_INSN_FALLTHROUGH, 93, "insn/falls-off-end", "last instruction falls off the end")   \
	/* manifests: 120..159 */                                                                  \
	X(E_MF_SYNTAX, 120, "manifest/syntax", "line does not follow the manifest grammar")     \
	X(E_MF_OPTION, 121, "manifest/unknown-option", "unknown plugin option")                 \
	X(E_MF_ANCHOR, 122, "manifest/unknown-anchor", "unknown anchor")                        \
	X(E_MF_PARAM, 123, "manifest/bad-param", "param is not a number in range")              \
	X(E_MF_DUPLICATE, 124, "manifest/duplicate-replace",                                      \
	  "more than one replace or extern for one protoop and param")                            \
	X(E_MF_EXTERN_OBSERVED, 125, "manifest/observer-on-extern",                               \
	  "pre or post observer on an extern protoop")                                             \
	X(E_MF_MISSING_FILE, 126, "manifest/missing-file", "file named by the manifest is missing") \
	X(E_MF_ESCAPE, 127, "manifest/path-escapes",                                              \
	  "file path leaves the plugin's folder")                                                 \
	X(E_MF_INCLUDE_CYCLE, 128, "manifest/include-cycle", "include cycle")                   \
	X(E_MF_EMPTY, 129, "manifest/empty", "manifest has no plugin id line")                  \
	X(E_MF_PLUGIN_ID, 130, "manifest/bad-plugin-id", "malformed plugin id")                 \
	X(E_MF_TOO_LARGE, 131, "manifest/too-large",                                              \
	  "manifest file, or all manifests together, larger than the limit")                     \
	X(E_MF_BYTES, 132, "manifest/bad-bytes", "NUL or control character in the manifest")    \
	X(E_MF_PROTOOP, 133, "manifest/bad-protoop", "malformed protoop name")                  \
	X(E_MF_NO_PLUGLETS, 134, "manifest/no-pluglets", "manifest names no pluglet")           \
	X(E_MF_LINE_TOO_LONG, 135, "manifest/line-too-long", "line longer than the limit")      \
	X(E_MF_INCLUDE_DEPTH, 136, "manifest/include-too-deep", "includes nested too deep")     \
	X(E_MF_ABSOLUTE_PATH, 137, "manifest/absolute-path", "absolute file path")              \
	X(E_MF_BAD_PATH, 138, "manifest/bad-file-name",                                           \
	  "file name empty, too long, or with characters outside the portable set")             \
	X(E_MF_NOT_FILE, 139, "manifest/not-a-regular-file",                                      \
	  "file named by the manifest is not a regular file")                                     \
	X(E_MF_PATH_DIFFERS, 140, "manifest/path-differs-in-pquic",                               \
	  "PQUIC resolves the name against the top folder to another file")                      \
	X(E_MF_INCLUDE_REFUSED, 141, "manifest/include-without-folder",                           \
	  "include in a manifest parsed without a folder")                                         \
	X(E_MF_OPTION_REPEATED, 142, "manifest/repeated-option", "plugin option given twice")   \
	X(E_MF_PARAM_MIX, 143, "manifest/param-mismatch",                                         \
	  "protoop used both with and without param")                                              \
	X(E_MF_MARKER, 144, "manifest/marker-without-negotiate",                                  \
	  "\"-\" marker line in a plugin without the negotiate option")                          \
	X(E_MF_MARKER_REPEATED, 145, "manifest/repeated-marker", "second \"-\" marker line")     \
	X(E_MF_TOO_MANY_INCLUDES, 146, "manifest/too-many-includes",                              \
	  "more include lines followed than the limit")                                            \
	X(E_MF_EMPTY_INCLUDE, 147, "manifest/empty-include",                                      \
	  "included manifest is empty or only comments")                                           \
	/* line info: 160..179 */                                                                  \
	X(E_BTF_HEADER, 160, "btf/bad-header", ".BTF header or string table malformed")            \
	X(E_BTF_STRING, 161, "btf/bad-string", "BTF string offset outside the .BTF string table")  \
	X(E_BTF_EXT_HEADER, 162, "btf/bad-ext-header", ".BTF.ext header malformed")                \
	X(E_BTF_LINE_INFO, 163, "btf/bad-line-info", "malformed .BTF.ext line info subsection")    \
	X(E_BTF_SECTION, 164, "btf/bad-section", "line info names a missing or non-code section")  \
	X(E_BTF_INSN_OFF, 165, "btf/bad-insn-offset",                                              \
	  "line info offset outside its section or not on an instruction")                         \
	X(E_DWARF_HEADER, 166, "dwarf/bad-header",                                                 \
	  "malformed or unsupported .debug_line unit header")                                      \
	X(E_DWARF_FORM, 167, "dwarf/bad-form",                                                     \
	  "unsupported or malformed DWARF form in a line table")                                   \
	X(E_DWARF_STRING, 168, "dwarf/bad-string",                                                 \
	  "DWARF string offset outside its string section")                                        \
	X(E_DWARF_OPCODE, 169, "dwarf/bad-opcode", "malformed or truncated line-number program")   \
	X(E_DWARF_FILE, 170, "dwarf/bad-file-index",                                               \
	  "line row names a file outside the file table")                                          \
	X(E_DWARF_RELOC, 171, "dwarf/bad-relocation",                                              \
	  "relocation in .debug_line of the wrong type or target")                                 \
	X(E_DWARF_ADDRESS, 172, "dwarf/bad-address",                                               \
	  "line row outside its code section or not on an instruction")                           \
	X(E_BTF_TYPES, 173, "btf/bad-types",                                                        \
	  "malformed .BTF type section (unknown kind, truncated record, type id out of range)")  \
	/* specs: 180..199 */                                                                      \
	X(E_SPEC_SYNTAX, 180, "spec/syntax", "line does not follow the spec grammar")            \
	X(E_SPEC_KEY, 181, "spec/unknown-key", "unknown access key")                              \
	X(E_SPEC_NUMBER, 182, "spec/bad-number", "malformed or out-of-range number")              \
	X(E_SPEC_DUPLICATE, 183, "spec/duplicate", "the same fact or protoop is declared twice")  \
	X(E_SPEC_TOO_LARGE, 184, "spec/too-large", "spec file or line over the limit")            \
	X(E_SPEC_HELPER, 185, "spec/unknown-helper", "unknown helper name")                       \
	X(E_SPEC_BYTES, 186, "spec/bad-bytes", "NUL or control character in the spec")

/* clang-format on */
enum pds_chk_err {
#define PDS_CHK_ERR_ENUM(name, value, rule, desc) PDS_CHK_##name = value,
	PDS_CHK_ERRORS(PDS_CHK_ERR_ENUM)
#undef PDS_CHK_ERR_ENUM
};

#endif
