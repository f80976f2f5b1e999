/* SPDX-License-Identifier: MIT */
/*
 * libpdsload's eBPF interpreter: runs one program read by pds_chk_obj_open()
 * with the semantics of its profile.
 *
 * PQUIC pluglets run as PQUIC's uBPF runs them (docs/pquic-abi.md §2-§3): a
 * 2,048-byte stack, every load and store checked against the stack and the
 * plugin's memory, helpers bound by name, division by zero stops the pluglet.
 * Kernel programs run with the kernel's semantics: 512 bytes of stack per frame,
 * BPF-to-BPF calls (each frame with its own r6-r9 and stack, at most 8 frames),
 * division by zero yields 0 and modulo by zero leaves the dividend, JMP32,
 * atomics, sign-extending loads and moves, sdiv/smod and byte swaps.
 *
 * The VM has its own address space: registers hold VM addresses, never host
 * pointers.  The stack, the plugin-memory arena and the read-only string
 * constants live at the fixed bases below; every other value (a host object
 * handle chosen by the caller, a map handle) is opaque and any access through
 * it stops the run with PDS_LDR_E_VM_MEMORY.  Callers choose handles below
 * PDS_LDR_VM_RODATA_BASE.
 *
 * Conventions: functions return 0 or a positive enum pds_ldr_err; nothing is
 * printed.  The caller owns what it passes in; the VM copies the program.
 */
#ifndef PDS_INTERP_H
#define PDS_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>
#include <pds/ldr_errors.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PDS_API
#define PDS_API __attribute__((visibility("default")))
#endif

PDS_API const char *pds_ldr_strerror(int err);
/* Stable rule id of a code ("vm/budget"), "unknown" for other values. */
PDS_API const char *pds_ldr_rule(int err);

/* VM address space. */
#define PDS_LDR_VM_RODATA_BASE 0x0000500000000000ULL /* string constants, read only */
#define PDS_LDR_VM_ARENA_BASE 0x0000600000000000ULL  /* plugin memory */
#define PDS_LDR_VM_STACK_TOP 0x0000700000000000ULL   /* r10 of the first frame */
#define PDS_LDR_VM_MAP_BASE 0x0000400000000000ULL    /* lddw of map i: base + i (opaque) */

#define PDS_LDR_PQUIC_STACK 2048u	/* uBPF's STACK_SIZE */
#define PDS_LDR_KERNEL_FRAME_STACK 512u /* MAX_BPF_STACK */
#define PDS_LDR_KERNEL_MAX_FRAMES 8u	/* MAX_CALL_FRAMES */
#define PDS_LDR_DEFAULT_ARENA (1u << 20)

struct pds_ldr_vm;

/* One helper call as the program made it. */
struct pds_ldr_helper_call {
	const char *name; /* helper name (PQUIC, kfuncs, known kernel ids), else NULL */
	int32_t id;	  /* kernel helper id; -1 in the PQUIC profile and for kfuncs */
	uint32_t slot;	  /* slot of the call instruction */
	uint64_t args[5]; /* r1-r5 */
};

/*
 * Called for every helper call.  Returns 0 and sets *r0, or any other value to
 * stop the run (the run then returns PDS_LDR_E_VM_HELPER, or the callback's
 * value when it is itself a pds_ldr_err such as PDS_LDR_E_VM_MEMORY).  The
 * callback may use the memory and allocator functions below on vm.
 */
typedef int (*pds_ldr_helper_fn)(void *ctx, struct pds_ldr_vm *vm,
				 const struct pds_ldr_helper_call *call, uint64_t *r0);

struct pds_ldr_vm_opts {
	size_t sz;	   /* sizeof(struct pds_ldr_vm_opts) */
	size_t arena_size; /* bytes of plugin memory; 0: PDS_LDR_DEFAULT_ARENA */
	pds_ldr_helper_fn helper;
	void *helper_ctx;
};

/* Copies prog's instructions and string constants; prog may be freed after. */
PDS_API int pds_ldr_vm_new(const struct pds_chk_prog *prog, enum pds_chk_profile profile,
			   const struct pds_ldr_vm_opts *opts, struct pds_ldr_vm **out);
PDS_API void pds_ldr_vm_free(struct pds_ldr_vm *vm);

struct pds_ldr_run {
	uint64_t r0;	     /* r0 at the final exit (valid when the run returned 0) */
	uint64_t insns;	     /* instructions executed; lddw and call count one each */
	uint32_t stop_slot;  /* slot of the last instruction run (the faulting one) */
	uint64_t fault_addr; /* memory faults: the VM address accessed */
};

/*
 * Runs the program from slot 0 with r1 = arg (PQUIC: the connection handle;
 * kernel: the context, for example an arena address) and a zeroed stack.  Plugin
 * memory keeps its contents from run to run.  budget: the largest number of
 * instructions the run may execute, 0 for no limit.  Returns 0 when the program
 * reached its final exit; out is filled in every case.
 */
PDS_API int pds_ldr_vm_run(struct pds_ldr_vm *vm, uint64_t arg, uint64_t budget,
			   struct pds_ldr_run *out);

/* ------------------------------------------------------------------ plugin memory */

/* my_malloc / my_free / my_realloc over the arena; addresses are 8-byte aligned.
 * A size of 0 allocates 8 bytes; freeing 0 does nothing. */
PDS_API int pds_ldr_vm_alloc(struct pds_ldr_vm *vm, uint64_t size, uint64_t *addr);
PDS_API int pds_ldr_vm_release(struct pds_ldr_vm *vm, uint64_t addr);
PDS_API int pds_ldr_vm_realloc(struct pds_ldr_vm *vm, uint64_t addr, uint64_t size, uint64_t *out);

/* Copies between the caller and VM memory: reads reach the stack, the arena and
 * the string constants, writes the stack and the arena.  PDS_LDR_E_VM_MEMORY or
 * PDS_LDR_E_VM_READ_ONLY when the whole range is not reachable. */
PDS_API int pds_ldr_vm_read(const struct pds_ldr_vm *vm, uint64_t addr, void *buf, size_t len);
PDS_API int pds_ldr_vm_write(struct pds_ldr_vm *vm, uint64_t addr, const void *buf, size_t len);
/* Length of the NUL-terminated string at addr, at most max; for strlen-like helpers. */
PDS_API int pds_ldr_vm_strnlen(const struct pds_ldr_vm *vm, uint64_t addr, size_t max, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
