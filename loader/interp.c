// SPDX-License-Identifier: MIT
/*
 * The eBPF interpreter of libpdsload.
 *
 * Semantics follow the eBPF instruction set (RFC 9669): 64-bit wrapping
 * arithmetic, ALU32 results zero-extended, shift amounts masked to the operand
 * width, signed and unsigned comparisons, JMP32.  Profile differences:
 *   - PQUIC runs its uBPF subset only (docs/pquic-abi.md §2): no JMP32, no
 *     atomics, no sign-extending loads or moves, no sdiv/smod, no BPF-to-BPF
 *     calls; uBPF stops the pluglet on a division or modulo by zero
 *     ("division by zero at PC", vm/ubpf_vm.c), and so does this VM;
 *   - the kernel defines x / 0 = 0 and x % 0 = x (RFC 9669 §4.1) and gives each
 *     of at most 8 call frames its own 512 bytes of stack and r6-r9.
 * Every load and store must fall in the stack, the plugin-memory arena or (loads
 * only) a string constant: PQUIC's run-time memory check (§3).
 */
#include <stdlib.h>
#include <string.h>

#include <pds/interp.h>

/* Instruction fields (RFC 9669 §3, §4, §5). */
enum {
	CLS_LD = 0x00,
	CLS_LDX = 0x01,
	CLS_ST = 0x02,
	CLS_STX = 0x03,
	CLS_ALU = 0x04,
	CLS_JMP = 0x05,
	CLS_JMP32 = 0x06,
	CLS_ALU64 = 0x07,
	SRC_X = 0x08,
	MODE_IMM = 0x00,
	MODE_MEM = 0x60,
	MODE_MEMSX = 0x80,
	MODE_ATOMIC = 0xc0,
	SZ_W = 0x00,
	SZ_H = 0x08,
	SZ_B = 0x10,
	SZ_DW = 0x18,
};

enum {
	OP_ADD = 0x00,
	OP_SUB = 0x10,
	OP_MUL = 0x20,
	OP_DIV = 0x30,
	OP_OR = 0x40,
	OP_AND = 0x50,
	OP_LSH = 0x60,
	OP_RSH = 0x70,
	OP_NEG = 0x80,
	OP_MOD = 0x90,
	OP_XOR = 0xa0,
	OP_MOV = 0xb0,
	OP_ARSH = 0xc0,
	OP_END = 0xd0,
};

enum {
	J_JA = 0x00,
	J_JEQ = 0x10,
	J_JGT = 0x20,
	J_JGE = 0x30,
	J_JSET = 0x40,
	J_JNE = 0x50,
	J_JSGT = 0x60,
	J_JSGE = 0x70,
	J_CALL = 0x80,
	J_EXIT = 0x90,
	J_JLT = 0xa0,
	J_JLE = 0xb0,
	J_JSLT = 0xc0,
	J_JSLE = 0xd0,
};

enum {
	AT_FETCH = 0x01,
	AT_XCHG = 0xe0 | AT_FETCH,
	AT_CMPXCHG = 0xf0 | AT_FETCH,
};

/* What a slot refers to, resolved once when the VM is made. */
enum aux_kind {
	AUX_NONE = 0,
	AUX_HELPER,
	AUX_SUBPROG,
	AUX_LDDW,	 /* lddw whose value is in imm64 */
	AUX_UNSUPPORTED, /* global data, kfunc address … */
};

struct slot_aux {
	uint8_t kind;
	int32_t helper_id;
	const char *name; /* into vm->names */
	uint64_t imm64;
};

struct block {
	uint64_t off, size;
	int used;
};

struct frame {
	uint64_t saved[4]; /* r6-r9 of the caller */
	uint64_t r10;
	uint32_t ret_pc;
};

struct pds_ldr_vm {
	enum pds_chk_profile profile;
	struct pds_insn *insns;
	struct slot_aux *aux;
	size_t nslots;
	char *names; /* helper names, NUL-separated */
	uint8_t *rodata;
	size_t rodata_len;
	uint8_t *stack;
	size_t stack_len;
	uint64_t stack_lo; /* lowest VM address the current frame may reach */
	uint8_t *arena;
	size_t arena_len;
	struct block *blocks;
	size_t nblocks, capblocks;
	pds_ldr_helper_fn helper;
	void *helper_ctx;
};

/* ------------------------------------------------------------------ memory */

static uint8_t *in_region(uint8_t *mem, uint64_t base, uint64_t size, uint64_t addr, uint64_t len)
{
	uint64_t off = addr - base;

	if (addr < base || off >= size || len > size - off)
		return NULL;
	return mem + off;
}

/* Host pointer of [addr, addr+len) or NULL; *err tells which fault. */
static uint8_t *vm_mem(const struct pds_ldr_vm *vm, uint64_t addr, uint64_t len, int write,
		       int *err)
{
	uint64_t lo = vm->stack_lo;
	uint8_t *p;

	p = in_region(vm->stack + (lo - (PDS_LDR_VM_STACK_TOP - vm->stack_len)), lo,
		      PDS_LDR_VM_STACK_TOP - lo, addr, len);
	if (p)
		return p;
	p = in_region(vm->arena, PDS_LDR_VM_ARENA_BASE, vm->arena_len, addr, len);
	if (p)
		return p;
	p = in_region(vm->rodata, PDS_LDR_VM_RODATA_BASE, vm->rodata_len, addr, len);
	if (p && !write)
		return p;
	*err = p ? PDS_LDR_E_VM_READ_ONLY : PDS_LDR_E_VM_MEMORY;
	return NULL;
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void store_le(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

PDS_API int pds_ldr_vm_read(const struct pds_ldr_vm *vm, uint64_t addr, void *buf, size_t len)
{
	int err = PDS_LDR_E_VM_MEMORY;
	const uint8_t *p;

	if (!vm || (!buf && len))
		return PDS_LDR_E_INVAL;
	if (!len)
		return 0;
	p = vm_mem(vm, addr, len, 0, &err);
	if (!p)
		return err;
	memcpy(buf, p, len);
	return 0;
}

PDS_API int pds_ldr_vm_write(struct pds_ldr_vm *vm, uint64_t addr, const void *buf, size_t len)
{
	int err = PDS_LDR_E_VM_MEMORY;
	uint8_t *p;

	if (!vm || (!buf && len))
		return PDS_LDR_E_INVAL;
	if (!len)
		return 0;
	p = vm_mem(vm, addr, len, 1, &err);
	if (!p)
		return err;
	memcpy(p, buf, len);
	return 0;
}

PDS_API int pds_ldr_vm_strnlen(const struct pds_ldr_vm *vm, uint64_t addr, size_t max, size_t *len)
{
	int err = PDS_LDR_E_VM_MEMORY;
	const uint8_t *p;
	size_t n;

	if (!vm || !len)
		return PDS_LDR_E_INVAL;
	for (n = 0; n < max; n++) {
		p = vm_mem(vm, addr + n, 1, 0, &err);
		if (!p)
			return err;
		if (!*p)
			break;
	}
	*len = n;
	return 0;
}

/* ------------------------------------------------------------------ arena allocator */

/* First fit over a list of blocks that tile the arena, neighbours merged on free. */
static int blocks_insert(struct pds_ldr_vm *vm, size_t at, struct block b)
{
	if (vm->nblocks == vm->capblocks) {
		size_t cap = vm->capblocks ? 2 * vm->capblocks : 16;
		struct block *nb = realloc(vm->blocks, cap * sizeof(*nb));

		if (!nb)
			return PDS_LDR_E_NOMEM;
		vm->blocks = nb;
		vm->capblocks = cap;
	}
	memmove(&vm->blocks[at + 1], &vm->blocks[at], (vm->nblocks - at) * sizeof(b));
	vm->blocks[at] = b;
	vm->nblocks++;
	return 0;
}

static void blocks_remove(struct pds_ldr_vm *vm, size_t at)
{
	memmove(&vm->blocks[at], &vm->blocks[at + 1], (vm->nblocks - at - 1) * sizeof(*vm->blocks));
	vm->nblocks--;
}

PDS_API int pds_ldr_vm_alloc(struct pds_ldr_vm *vm, uint64_t size, uint64_t *addr)
{
	uint64_t need;
	int err;

	if (!vm || !addr)
		return PDS_LDR_E_INVAL;
	if (size > vm->arena_len)
		return PDS_LDR_E_VM_ARENA_FULL;
	need = size ? (size + 7) & ~7ULL : 8;
	for (size_t i = 0; i < vm->nblocks; i++) {
		struct block *b = &vm->blocks[i];

		if (b->used || b->size < need)
			continue;
		if (b->size > need) {
			struct block rest = {b->off + need, b->size - need, 0};

			err = blocks_insert(vm, i + 1, rest);
			if (err)
				return err;
			b = &vm->blocks[i];
			b->size = need;
		}
		b->used = 1;
		memset(vm->arena + b->off, 0, need);
		*addr = PDS_LDR_VM_ARENA_BASE + b->off;
		return 0;
	}
	return PDS_LDR_E_VM_ARENA_FULL;
}

static int find_block(const struct pds_ldr_vm *vm, uint64_t addr, size_t *at)
{
	for (size_t i = 0; i < vm->nblocks; i++) {
		if (PDS_LDR_VM_ARENA_BASE + vm->blocks[i].off == addr && vm->blocks[i].used) {
			*at = i;
			return 0;
		}
	}
	return PDS_LDR_E_VM_BAD_FREE;
}

PDS_API int pds_ldr_vm_release(struct pds_ldr_vm *vm, uint64_t addr)
{
	size_t i;
	int err;

	if (!vm)
		return PDS_LDR_E_INVAL;
	if (!addr)
		return 0;
	err = find_block(vm, addr, &i);
	if (err)
		return err;
	vm->blocks[i].used = 0;
	if (i + 1 < vm->nblocks && !vm->blocks[i + 1].used) {
		vm->blocks[i].size += vm->blocks[i + 1].size;
		blocks_remove(vm, i + 1);
	}
	if (i > 0 && !vm->blocks[i - 1].used) {
		vm->blocks[i - 1].size += vm->blocks[i].size;
		blocks_remove(vm, i);
	}
	return 0;
}

PDS_API int pds_ldr_vm_realloc(struct pds_ldr_vm *vm, uint64_t addr, uint64_t size, uint64_t *out)
{
	uint64_t naddr, keep;
	size_t i;
	int err;

	if (!vm || !out)
		return PDS_LDR_E_INVAL;
	if (!addr)
		return pds_ldr_vm_alloc(vm, size, out);
	err = find_block(vm, addr, &i);
	if (err)
		return err;
	keep = vm->blocks[i].size < size ? vm->blocks[i].size : size;
	err = pds_ldr_vm_alloc(vm, size, &naddr);
	if (err)
		return err;
	memmove(vm->arena + (naddr - PDS_LDR_VM_ARENA_BASE),
		vm->arena + (addr - PDS_LDR_VM_ARENA_BASE), keep);
	err = pds_ldr_vm_release(vm, addr);
	if (err)
		return err;
	*out = naddr;
	return 0;
}

/* ------------------------------------------------------------------ making a VM */

static size_t names_size(const struct pds_chk_prog *prog, size_t *rodata)
{
	size_t n = 0;

	*rodata = 0;
	for (size_t i = 0; i < pds_chk_prog_slot_count(prog); i++) {
		const struct pds_insn_ref *r = pds_chk_prog_ref(prog, i);

		if (r && r->kind == PDS_REF_STRING && r->string)
			*rodata += strlen(r->string) + 1;
		else if (r && r->name)
			n += strlen(r->name) + 1;
	}
	return n;
}

/* Resolves what each slot's reference means to the VM. */
static void resolve_slot(struct pds_ldr_vm *vm, const struct pds_insn_ref *r, size_t slot,
			 size_t *name_off, size_t *ro_off)
{
	struct slot_aux *a = &vm->aux[slot];
	const struct pds_insn *in = &vm->insns[slot];

	if (in->code == (CLS_LD | MODE_IMM | SZ_DW) && slot + 1 < vm->nslots) {
		a->kind = AUX_LDDW;
		a->imm64 = (uint32_t)in->imm | (uint64_t)(uint32_t)vm->insns[slot + 1].imm << 32;
	}
	if (!r)
		return;
	if (r->name && r->kind != PDS_REF_STRING) {
		size_t len = strlen(r->name) + 1;

		memcpy(vm->names + *name_off, r->name, len);
		a->name = vm->names + *name_off;
		*name_off += len;
	}
	switch (r->kind) {
	case PDS_REF_HELPER:
	case PDS_REF_KFUNC:
		a->kind = AUX_HELPER;
		a->helper_id = r->kind == PDS_REF_HELPER ? r->helper_id : -1;
		break;
	case PDS_REF_SUBPROG:
		a->kind = AUX_SUBPROG;
		break;
	case PDS_REF_STRING:
		/* PQUIC hands the pluglet a pointer to the constant (§2). */
		a->imm64 = PDS_LDR_VM_RODATA_BASE + *ro_off;
		if (r->string) {
			size_t len = strlen(r->string) + 1;

			memcpy(vm->rodata + *ro_off, r->string, len);
			*ro_off += len;
		}
		break;
	case PDS_REF_MAP:
		a->imm64 = PDS_LDR_VM_MAP_BASE + slot;
		break;
	case PDS_REF_MAP_VALUE:
	case PDS_REF_FUNC_ADDR:
		a->kind = AUX_UNSUPPORTED;
		break;
	case PDS_REF_NONE:
		break;
	}
}

static int vm_alloc_parts(struct pds_ldr_vm *vm, const struct pds_chk_prog *prog, size_t arena)
{
	size_t nnames = names_size(prog, &vm->rodata_len);

	vm->nslots = pds_chk_prog_slot_count(prog);
	vm->insns = malloc((vm->nslots ? vm->nslots : 1) * sizeof(*vm->insns));
	vm->aux = calloc(vm->nslots ? vm->nslots : 1, sizeof(*vm->aux));
	vm->names = malloc(nnames + 1);
	vm->rodata = calloc(vm->rodata_len + 1, 1);
	vm->stack_len = vm->profile == PDS_CHK_PROFILE_KERNEL
				? PDS_LDR_KERNEL_FRAME_STACK * PDS_LDR_KERNEL_MAX_FRAMES
				: PDS_LDR_PQUIC_STACK;
	vm->stack = calloc(vm->stack_len, 1);
	vm->arena_len = arena;
	vm->arena = calloc(arena, 1);
	if (!vm->insns || !vm->aux || !vm->names || !vm->rodata || !vm->stack || !vm->arena)
		return PDS_LDR_E_NOMEM;
	return blocks_insert(vm, 0, (struct block){0, arena, 0});
}

PDS_API int pds_ldr_vm_new(const struct pds_chk_prog *prog, enum pds_chk_profile profile,
			   const struct pds_ldr_vm_opts *opts, struct pds_ldr_vm **out)
{
	size_t name_off = 0, ro_off = 0, arena = PDS_LDR_DEFAULT_ARENA;
	struct pds_ldr_vm *vm;
	int err;

	if (!out)
		return PDS_LDR_E_INVAL;
	*out = NULL;
	if (!prog || (profile != PDS_CHK_PROFILE_PQUIC && profile != PDS_CHK_PROFILE_KERNEL))
		return PDS_LDR_E_INVAL;
	if (opts && opts->sz < sizeof(*opts))
		return PDS_LDR_E_INVAL;
	if (opts && opts->arena_size)
		arena = opts->arena_size;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return PDS_LDR_E_NOMEM;
	vm->profile = profile;
	if (opts) {
		vm->helper = opts->helper;
		vm->helper_ctx = opts->helper_ctx;
	}
	err = vm_alloc_parts(vm, prog, arena);
	if (err)
		goto out;
	memcpy(vm->insns, pds_chk_prog_insns(prog), vm->nslots * sizeof(*vm->insns));
	for (size_t i = 0; i < vm->nslots; i++)
		resolve_slot(vm, pds_chk_prog_ref(prog, i), i, &name_off, &ro_off);
	vm->stack_lo = PDS_LDR_VM_STACK_TOP - vm->stack_len;
	*out = vm;
	return 0;
out:
	pds_ldr_vm_free(vm);
	return err;
}

PDS_API void pds_ldr_vm_free(struct pds_ldr_vm *vm)
{
	if (!vm)
		return;
	free(vm->insns);
	free(vm->aux);
	free(vm->names);
	free(vm->rodata);
	free(vm->stack);
	free(vm->arena);
	free(vm->blocks);
	free(vm);
}

/* ------------------------------------------------------------------ ALU */

static uint64_t bswap(uint64_t v, int32_t width)
{
	switch (width) {
	case 16:
		return __builtin_bswap16((uint16_t)v);
	case 32:
		return __builtin_bswap32((uint32_t)v);
	default:
		return __builtin_bswap64(v);
	}
}

static uint64_t to_le(uint64_t v, int32_t width)
{
	switch (width) {
	case 16:
		return (uint16_t)v;
	case 32:
		return (uint32_t)v;
	default:
		return v;
	}
}

static uint64_t sext(uint64_t v, unsigned bits)
{
	unsigned sh = 64 - bits;

	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* Signed division and remainder with the kernel's rules for 0 and INT_MIN / -1. */
static uint64_t sdiv64(int64_t a, int64_t b, int mod)
{
	if (b == 0)
		return mod ? (uint64_t)a : 0;
	if (b == -1)
		return mod ? 0 : (uint64_t)0 - (uint64_t)a;
	return (uint64_t)(mod ? a % b : a / b);
}

static uint32_t sdiv32(int32_t a, int32_t b, int mod)
{
	if (b == 0)
		return mod ? (uint32_t)a : 0;
	if (b == -1)
		return mod ? 0 : (uint32_t)0 - (uint32_t)a;
	return (uint32_t)(mod ? a % b : a / b);
}

/* Whether an instruction is outside PQUIC's uBPF subset (§2). */
static int pquic_refuses(const struct pds_insn *in)
{
	uint8_t cls = in->code & 0x07, op = in->code & 0xf0;

	if (cls == CLS_JMP32)
		return 1;
	if ((cls == CLS_ALU || cls == CLS_ALU64) && (op == OP_DIV || op == OP_MOD || op == OP_MOV))
		return in->off != 0;
	if (cls == CLS_ALU64 && op == OP_END)
		return 1;
	if (cls == CLS_LDX && (in->code & 0xe0) == MODE_MEMSX)
		return 1;
	return cls == CLS_STX && (in->code & 0xe0) == MODE_ATOMIC;
}

/* Fields the ISA leaves undefined: offsets other than the movsx/sdiv ones, swap widths. */
static int alu_fields_bad(const struct pds_insn *in, int is64)
{
	uint8_t op = in->code & 0xf0;

	if (op == OP_MOV)
		return in->off && in->off != 8 && in->off != 16 && !(is64 && in->off == 32);
	if (op == OP_DIV || op == OP_MOD)
		return in->off != 0 && in->off != 1;
	if (op == OP_END)
		return in->imm != 16 && in->imm != 32 && in->imm != 64;
	return 0;
}

static int alu64(const struct pds_ldr_vm *vm, const struct pds_insn *in, uint64_t *d, uint64_t s)
{
	if (alu_fields_bad(in, 1))
		return PDS_LDR_E_VM_OPCODE;
	switch (in->code & 0xf0) {
	case OP_ADD:
		*d += s;
		break;
	case OP_SUB:
		*d -= s;
		break;
	case OP_MUL:
		*d *= s;
		break;
	case OP_OR:
		*d |= s;
		break;
	case OP_AND:
		*d &= s;
		break;
	case OP_XOR:
		*d ^= s;
		break;
	case OP_LSH:
		*d <<= s & 63;
		break;
	case OP_RSH:
		*d >>= s & 63;
		break;
	case OP_ARSH:
		*d = (uint64_t)((int64_t)*d >> (s & 63));
		break;
	case OP_NEG:
		*d = (uint64_t)0 - *d;
		break;
	case OP_MOV:
		*d = in->off ? sext(s, (unsigned)in->off) : s;
		break;
	case OP_END:
		*d = bswap(*d, in->imm);
		break;
	case OP_DIV:
	case OP_MOD:
		if (!s && vm->profile == PDS_CHK_PROFILE_PQUIC)
			return PDS_LDR_E_VM_DIV_ZERO;
		if (in->off == 1)
			*d = sdiv64((int64_t)*d, (int64_t)s, (in->code & 0xf0) == OP_MOD);
		else if ((in->code & 0xf0) == OP_DIV)
			*d = s ? *d / s : 0;
		else
			*d = s ? *d % s : *d;
		break;
	default:
		return PDS_LDR_E_VM_OPCODE;
	}
	return 0;
}

static int alu32(const struct pds_ldr_vm *vm, const struct pds_insn *in, uint64_t *d64, uint32_t s)
{
	uint32_t d = (uint32_t)*d64;

	if (alu_fields_bad(in, 0))
		return PDS_LDR_E_VM_OPCODE;
	switch (in->code & 0xf0) {
	case OP_ADD:
		d += s;
		break;
	case OP_SUB:
		d -= s;
		break;
	case OP_MUL:
		d *= s;
		break;
	case OP_OR:
		d |= s;
		break;
	case OP_AND:
		d &= s;
		break;
	case OP_XOR:
		d ^= s;
		break;
	case OP_LSH:
		d <<= s & 31;
		break;
	case OP_RSH:
		d >>= s & 31;
		break;
	case OP_ARSH:
		d = (uint32_t)((int32_t)d >> (s & 31));
		break;
	case OP_NEG:
		d = 0u - d;
		break;
	case OP_MOV:
		d = in->off ? (uint32_t)sext(s, (unsigned)in->off) : s;
		break;
	case OP_END:
		/* Byte order conversion works on the whole register (RFC 9669 §4.2). */
		*d64 = (in->code & SRC_X) ? bswap(*d64, in->imm) : to_le(*d64, in->imm);
		return 0;
	case OP_DIV:
	case OP_MOD:
		if (!s && vm->profile == PDS_CHK_PROFILE_PQUIC)
			return PDS_LDR_E_VM_DIV_ZERO;
		if (in->off == 1)
			d = sdiv32((int32_t)d, (int32_t)s, (in->code & 0xf0) == OP_MOD);
		else if ((in->code & 0xf0) == OP_DIV)
			d = s ? d / s : 0;
		else
			d = s ? d % s : d;
		break;
	default:
		return PDS_LDR_E_VM_OPCODE;
	}
	*d64 = d;
	return 0;
}

/* ------------------------------------------------------------------ jumps */

static int cond64(uint8_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case J_JEQ:
		return a == b;
	case J_JNE:
		return a != b;
	case J_JGT:
		return a > b;
	case J_JGE:
		return a >= b;
	case J_JLT:
		return a < b;
	case J_JLE:
		return a <= b;
	case J_JSET:
		return (a & b) != 0;
	case J_JSGT:
		return (int64_t)a > (int64_t)b;
	case J_JSGE:
		return (int64_t)a >= (int64_t)b;
	case J_JSLT:
		return (int64_t)a < (int64_t)b;
	case J_JSLE:
		return (int64_t)a <= (int64_t)b;
	default:
		return -1;
	}
}

static int cond32(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case J_JSGT:
		return (int32_t)a > (int32_t)b;
	case J_JSGE:
		return (int32_t)a >= (int32_t)b;
	case J_JSLT:
		return (int32_t)a < (int32_t)b;
	case J_JSLE:
		return (int32_t)a <= (int32_t)b;
	default:
		return cond64(op, a, b);
	}
}

/* ------------------------------------------------------------------ the run */

struct run {
	struct pds_ldr_vm *vm;
	uint64_t reg[11];
	struct frame frames[PDS_LDR_KERNEL_MAX_FRAMES];
	unsigned depth;
	uint32_t pc;
	uint64_t fault;
	int done;
};

static int do_call(struct run *r, const struct pds_insn *in, uint32_t slot)
{
	struct pds_ldr_vm *vm = r->vm;
	const struct slot_aux *a = &vm->aux[slot];
	struct pds_ldr_helper_call c;
	struct frame *f;
	int err;

	if (a->kind == AUX_SUBPROG && vm->profile == PDS_CHK_PROFILE_KERNEL) {
		if (r->depth + 1 >= PDS_LDR_KERNEL_MAX_FRAMES)
			return PDS_LDR_E_VM_CALL_DEPTH;
		f = &r->frames[r->depth++];
		memcpy(f->saved, &r->reg[6], sizeof(f->saved));
		f->r10 = r->reg[10];
		f->ret_pc = r->pc;
		r->reg[10] -= PDS_LDR_KERNEL_FRAME_STACK;
		vm->stack_lo = r->reg[10] - PDS_LDR_KERNEL_FRAME_STACK;
		r->pc = (uint32_t)((int64_t)slot + 1 + in->imm);
		return 0;
	}
	if (a->kind != AUX_HELPER)
		return a->kind == AUX_SUBPROG ? PDS_LDR_E_VM_OPCODE : PDS_LDR_E_VM_UNSUPPORTED;
	if (!vm->helper)
		return PDS_LDR_E_VM_NO_HELPER;
	c.name = a->name;
	c.id = vm->profile == PDS_CHK_PROFILE_KERNEL ? a->helper_id : -1;
	c.slot = slot;
	memcpy(c.args, &r->reg[1], sizeof(c.args));
	err = vm->helper(vm->helper_ctx, vm, &c, &r->reg[0]);
	if (err)
		return err > PDS_LDR_E_VM_BUDGET && err <= PDS_LDR_E_VM_UNSUPPORTED
			       ? err
			       : PDS_LDR_E_VM_HELPER;
	return 0;
}

static void do_exit(struct run *r)
{
	struct frame *f;

	if (!r->depth) {
		r->done = 1;
		return;
	}
	f = &r->frames[--r->depth];
	memcpy(&r->reg[6], f->saved, sizeof(f->saved));
	r->reg[10] = f->r10;
	r->vm->stack_lo = r->depth ? f->r10 - PDS_LDR_KERNEL_FRAME_STACK
				   : PDS_LDR_VM_STACK_TOP - r->vm->stack_len;
	r->pc = f->ret_pc;
}

static int do_jmp(struct run *r, const struct pds_insn *in, uint32_t slot)
{
	uint8_t op = in->code & 0xf0;
	int taken;

	if ((op == J_CALL || op == J_EXIT) && (in->code & 0x07) == CLS_JMP32)
		return PDS_LDR_E_VM_OPCODE;
	if (op == J_CALL)
		return do_call(r, in, slot);
	if (op == J_EXIT) {
		do_exit(r);
		return 0;
	}
	if (op == J_JA) {
		/* JMP32 | JA ("gotol") takes its offset from imm. */
		r->pc = (uint32_t)((int64_t)r->pc +
				   ((in->code & 0x07) == CLS_JMP32 ? in->imm : in->off));
		return 0;
	}
	if ((in->code & 0x07) == CLS_JMP32)
		taken = cond32(op, (uint32_t)r->reg[in->dst],
			       (in->code & SRC_X) ? (uint32_t)r->reg[in->src] : (uint32_t)in->imm);
	else
		taken = cond64(op, r->reg[in->dst],
			       (in->code & SRC_X) ? r->reg[in->src] : (uint64_t)(int64_t)in->imm);
	if (taken < 0)
		return PDS_LDR_E_VM_OPCODE;
	if (taken)
		r->pc = (uint32_t)((int64_t)r->pc + in->off);
	return 0;
}

static unsigned size_bytes(uint8_t code)
{
	static const unsigned sz[4] = {4, 2, 1, 8};

	return sz[(code >> 3) & 3];
}

static int atomic(struct run *r, const struct pds_insn *in, uint8_t *p, unsigned n)
{
	uint64_t old = load_le(p, n), s = r->reg[in->src], v;

	if (n == 4)
		s = (uint32_t)s;
	switch (in->imm) {
	case OP_ADD:
	case OP_ADD | AT_FETCH:
		v = old + s;
		break;
	case OP_OR:
	case OP_OR | AT_FETCH:
		v = old | s;
		break;
	case OP_AND:
	case OP_AND | AT_FETCH:
		v = old & s;
		break;
	case OP_XOR:
	case OP_XOR | AT_FETCH:
		v = old ^ s;
		break;
	case AT_XCHG:
		v = s;
		break;
	case AT_CMPXCHG:
		v = old == (n == 4 ? (uint32_t)r->reg[0] : r->reg[0]) ? s : old;
		store_le(p, n, v);
		r->reg[0] = old;
		return 0;
	default:
		return PDS_LDR_E_VM_OPCODE;
	}
	store_le(p, n, v);
	if (in->imm & AT_FETCH)
		r->reg[in->src] = old;
	return 0;
}

static int do_mem(struct run *r, const struct pds_insn *in)
{
	uint8_t cls = in->code & 0x07, mode = in->code & 0xe0;
	unsigned n = size_bytes(in->code);
	int err = PDS_LDR_E_VM_MEMORY;
	uint64_t addr;
	uint8_t *p;

	if (cls == CLS_LDX) {
		if (mode != MODE_MEM && !(mode == MODE_MEMSX && n < 8))
			return PDS_LDR_E_VM_OPCODE;
		addr = r->reg[in->src] + (uint64_t)(int64_t)in->off;
		p = vm_mem(r->vm, addr, n, 0, &err);
		if (!p)
			goto fault;
		r->reg[in->dst] = load_le(p, n);
		if (mode == MODE_MEMSX)
			r->reg[in->dst] = sext(r->reg[in->dst], 8 * n);
		return 0;
	}
	if ((cls == CLS_ST && mode != MODE_MEM) ||
	    (cls == CLS_STX && mode != MODE_MEM && mode != MODE_ATOMIC) ||
	    (mode == MODE_ATOMIC && n != 4 && n != 8))
		return PDS_LDR_E_VM_OPCODE;
	addr = r->reg[in->dst] + (uint64_t)(int64_t)in->off;
	p = vm_mem(r->vm, addr, n, 1, &err);
	if (!p)
		goto fault;
	if (mode == MODE_ATOMIC)
		return atomic(r, in, p, n);
	store_le(p, n, cls == CLS_ST ? (uint64_t)(int64_t)in->imm : r->reg[in->src]);
	return 0;
fault:
	r->fault = addr;
	return err;
}

static int do_lddw(struct run *r, const struct pds_insn *in, uint32_t slot)
{
	const struct slot_aux *a = &r->vm->aux[slot];

	if (in->code != (CLS_LD | MODE_IMM | SZ_DW) || a->kind == AUX_NONE)
		return PDS_LDR_E_VM_OPCODE; /* legacy packet loads (LD_ABS/LD_IND) */
	if (a->kind == AUX_UNSUPPORTED)
		return PDS_LDR_E_VM_UNSUPPORTED;
	r->reg[in->dst] = a->imm64;
	r->pc++;
	return 0;
}

static int step(struct run *r, uint32_t slot)
{
	const struct pds_insn *in = &r->vm->insns[slot];
	uint8_t cls = in->code & 0x07;

	if (r->vm->profile == PDS_CHK_PROFILE_PQUIC && pquic_refuses(in))
		return PDS_LDR_E_VM_OPCODE;
	if (in->dst > 10 || in->src > 10 ||
	    (in->dst == 10 && cls != CLS_ST && cls != CLS_STX && cls != CLS_JMP &&
	     cls != CLS_JMP32))
		return PDS_LDR_E_VM_OPCODE;
	switch (cls) {
	case CLS_ALU64:
		return alu64(r->vm, in, &r->reg[in->dst],
			     (in->code & SRC_X) ? r->reg[in->src] : (uint64_t)(int64_t)in->imm);
	case CLS_ALU:
		return alu32(r->vm, in, &r->reg[in->dst],
			     (in->code & SRC_X) ? (uint32_t)r->reg[in->src] : (uint32_t)in->imm);
	case CLS_JMP:
	case CLS_JMP32:
		return do_jmp(r, in, slot);
	case CLS_LD:
		return do_lddw(r, in, slot);
	default:
		return do_mem(r, in);
	}
}

PDS_API int pds_ldr_vm_run(struct pds_ldr_vm *vm, uint64_t arg, uint64_t budget,
			   struct pds_ldr_run *out)
{
	struct run r;
	uint64_t count = 0;
	uint32_t slot = 0;
	int err = 0;

	if (!vm || !out)
		return PDS_LDR_E_INVAL;
	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	memset(vm->stack, 0, vm->stack_len);
	r.vm = vm;
	r.reg[1] = arg;
	r.reg[10] = PDS_LDR_VM_STACK_TOP;
	vm->stack_lo = PDS_LDR_VM_STACK_TOP - (vm->profile == PDS_CHK_PROFILE_KERNEL
						       ? PDS_LDR_KERNEL_FRAME_STACK
						       : vm->stack_len);
	while (!r.done) {
		if (r.pc >= vm->nslots) {
			err = PDS_LDR_E_VM_PC;
			break;
		}
		if (budget && count == budget) {
			err = PDS_LDR_E_VM_BUDGET;
			break;
		}
		slot = r.pc++;
		count++;
		err = step(&r, slot);
		if (err)
			break;
	}
	vm->stack_lo = PDS_LDR_VM_STACK_TOP - vm->stack_len;
	out->r0 = r.reg[0];
	out->insns = count;
	out->stop_slot = slot;
	out->fault_addr = r.fault;
	return err;
}
