/* SPDX-License-Identifier: MIT */
/*
 * Result codes of the PDS loader library (libpdsload).
 *
 * 0 is success; every other value is a reason with a stable rule id (what tests
 * and scripts match) and a one-line description.  The list is an X-macro so that
 * the enum, the rule ids and the descriptions cannot drift apart.  Codes are never
 * renumbered: new ones go at the end of their group.
 */
#ifndef PDS_LDR_ERRORS_H
#define PDS_LDR_ERRORS_H

/* X(name, value, rule id, description) */
/* one row per code reads better than the formatter's layout */
/* clang-format off */
#define PDS_LDR_ERRORS(X)                                                                          \
	X(OK, 0, "ok", "success")                                                                  \
	/* system and usage: 1..19 */                                                              \
	X(E_NOMEM, 1, "sys/nomem", "out of memory")                                                \
	X(E_INVAL, 2, "sys/invalid-argument", "invalid argument")                                  \
	X(E_IO, 3, "sys/io", "cannot read or write a file")                                        \
	/* interpreter: 20..59 */                                                                  \
	X(E_VM_BUDGET, 20, "vm/budget", "instruction budget exhausted")                            \
	X(E_VM_MEMORY, 21, "vm/memory-fault",                                                      \
	  "load or store outside the stack, plugin memory and string constants")                   \
	X(E_VM_READ_ONLY, 22, "vm/read-only", "store into a read-only string constant")            \
	X(E_VM_DIV_ZERO, 23, "vm/division-by-zero",                                                \
	  "division or modulo by zero, which stops a PQUIC pluglet")                               \
	X(E_VM_OPCODE, 24, "vm/bad-opcode", "instruction the profile does not run")                \
	X(E_VM_PC, 25, "vm/pc-out-of-range", "control left the program")                           \
	X(E_VM_CALL_DEPTH, 26, "vm/call-depth", "BPF-to-BPF calls nested too deep")                \
	X(E_VM_HELPER, 27, "vm/helper-failed", "the helper callback stopped the run")              \
	X(E_VM_NO_HELPER, 28, "vm/no-helper", "helper call without a helper callback")             \
	X(E_VM_ARENA_FULL, 29, "vm/arena-full", "plugin memory exhausted")                         \
	X(E_VM_BAD_FREE, 30, "vm/bad-free", "free or realloc of an address not allocated")         \
	X(E_VM_UNSUPPORTED, 31, "vm/unsupported-reference",                                        \
	  "reference (global data, callback address) the interpreter does not run")

/* clang-format on */
enum pds_ldr_err {
#define PDS_LDR_ERR_ENUM(name, value, rule, desc) PDS_LDR_##name = value,
	PDS_LDR_ERRORS(PDS_LDR_ERR_ENUM)
#undef PDS_LDR_ERR_ENUM
};

#endif
