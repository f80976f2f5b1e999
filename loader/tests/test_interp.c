// SPDX-License-Identifier: MIT
/*
 * The interpreter against hand-computed results: every instruction class in
 * both profiles (RFC 9669 semantics; PQUIC's uBPF rules where they differ),
 * memory faults, the budget, division by zero per profile, helper arguments,
 * BPF-to-BPF frames, plugin memory, and the compiled PQUIC pluglets under a
 * scripted host.
 */
#include <stdlib.h>
#include <string.h>

#include "mk/cunit.h"
#include "loader/tests/util.h"
#include "loader/tests/util_elf.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(0xb7, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(0xbf, d, s, 0, 0)
#define MOV32_IMM(d, i) INSN(0xb4, d, 0, 0, i)
#define ALU64_IMM(op, d, i) INSN(0x07 | (op), d, 0, 0, i)
#define ALU64_REG(op, d, s) INSN(0x0f | (op), d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(0x04 | (op), d, 0, 0, i)
#define ALU32_REG(op, d, s) INSN(0x0c | (op), d, s, 0, 0)
#define LDDW_LO(d, v) INSN(0x18, d, 0, 0, (int32_t)(uint32_t)(uint64_t)(v))
#define LDDW_HI(v) INSN(0, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(v) >> 32))
#define JMP_IMM(op, d, i, o) INSN(0x05 | (op), d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(0x0d | (op), d, s, o, 0)
#define JMP32_IMM(op, d, i, o) INSN(0x06 | (op), d, 0, o, i)
#define STX(sz, d, s, o) INSN(0x63 | (sz), d, s, o, 0)
#define ST(sz, d, o, i) INSN(0x62 | (sz), d, 0, o, i)
#define LDX(sz, d, s, o) INSN(0x61 | (sz), d, s, o, 0)
#define LDXSX(sz, d, s, o) INSN(0x81 | (sz), d, s, o, 0)
#define ATOMIC(sz, d, s, o, op) INSN(0xc3 | (sz), d, s, o, op)
#define CALL(id) INSN(0x85, 0, 0, 0, id)
#define EXIT INSN(0x95, 0, 0, 0, 0)

enum { W = 0x00, H = 0x08, B = 0x10, DW = 0x18 };
enum { ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60 };
enum { RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0, ARSH = 0xc0, END = 0xd0 };
enum { JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60 };
enum { JSGE = 0x70, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0 };

#define PQ (1u << PDS_CHK_PROFILE_PQUIC)
#define KE (1u << PDS_CHK_PROFILE_KERNEL)
#define MAXN 16

/* ------------------------------------------------------------------ harness */

struct host_log {
	struct pds_ldr_helper_call last; /* last.name is only valid during the call: see name */
	char name[64];
	int ncalls;
	uint64_t ret;
	int fail;
};

static int test_helper(void *ctx, struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c,
		       uint64_t *r0)
{
	struct host_log *h = ctx;

	(void)vm;
	h->last = *c;
	snprintf(h->name, sizeof(h->name), "%s", c->name ? c->name : "");
	h->ncalls++;
	*r0 = h->ret;
	return h->fail;
}

/* Builds an object from insns, runs it once; returns the run's result. */
static int run_prog(enum pds_chk_profile p, const struct pds_insn *insns, size_t n, uint64_t arg,
		    uint64_t budget, struct host_log *h, struct pds_ldr_run *res)
{
	struct pds_t_elf_spec sp = {.profile = p, .insns = insns, .ninsns = n};
	struct pds_ldr_vm_opts o = {.sz = sizeof(o), .helper = test_helper, .helper_ctx = h};
	struct pds_chk_obj *obj = pds_t_elf_open(&sp);
	struct pds_ldr_vm *vm = NULL;
	int err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	err = pds_ldr_vm_new(pds_chk_obj_prog(obj, 0), p, h ? &o : NULL, &vm);
	CU_ASSERT_EQUAL_FATAL(err, 0);
	err = pds_ldr_vm_run(vm, arg, budget, res);
	pds_ldr_vm_free(vm);
	pds_chk_obj_free(obj);
	return err;
}

struct vec {
	const char *what;
	unsigned profiles;
	struct pds_insn prog[MAXN];
	uint64_t r0;
	int err;
};

static size_t prog_len(const struct pds_insn *p)
{
	size_t n = 0;

	while (n < MAXN && !(p[n].code == 0x95))
		n++;
	return n + 1;
}

static void run_vectors(const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int p = 0; p < 2; p++) {
			struct pds_ldr_run res;
			int err;

			if (!(v[i].profiles & (1u << p)))
				continue;
			err = run_prog((enum pds_chk_profile)p, v[i].prog, prog_len(v[i].prog), 0,
				       0, NULL, &res);
			if (err != v[i].err || (!err && res.r0 != v[i].r0))
				fprintf(stderr, "  %s (%s): got %s r0 %#llx, want %s r0 %#llx\n",
					v[i].what, pds_chk_profile_name((enum pds_chk_profile)p),
					pds_ldr_rule(err), (unsigned long long)res.r0,
					pds_ldr_rule(v[i].err), (unsigned long long)v[i].r0);
			CU_ASSERT_EQUAL(err, v[i].err);
			if (!v[i].err)
				CU_ASSERT_EQUAL(res.r0, v[i].r0);
		}
	}
}

/* ------------------------------------------------------------------ ALU */

static const struct vec alu64_vecs[] = {
	{.what = "mov imm sign-extends",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -1), EXIT},
	 .r0 = ~0ULL},
	{.what = "add wraps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0xffffffffffffffffULL), LDDW_HI(0xffffffffffffffffULL),
		  ALU64_IMM(ADD, 0, 2), EXIT},
	 .r0 = 1},
	{.what = "sub below zero",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 3), ALU64_IMM(SUB, 0, 5), EXIT},
	 .r0 = (uint64_t)-2},
	{.what = "mul wraps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x8000000000000001ULL), LDDW_HI(0x8000000000000001ULL),
		  ALU64_IMM(MUL, 0, 2), EXIT},
	 .r0 = 2},
	{.what = "div unsigned",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -8), ALU64_IMM(DIV, 0, 3), EXIT},
	 .r0 = 0xfffffffffffffff8ULL / 3},
	{.what = "mod unsigned",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -8), MOV64_IMM(1, 5), ALU64_REG(MOD, 0, 1), EXIT},
	 .r0 = 0xfffffffffffffff8ULL % 5},
	{.what = "or and xor",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 0xf0), ALU64_IMM(OR, 0, 0x0f), ALU64_IMM(AND, 0, 0x3c),
		  ALU64_IMM(XOR, 0, 1), EXIT},
	 .r0 = 0x3d},
	{.what = "lsh masks the amount",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 1), MOV64_IMM(1, 65), ALU64_REG(LSH, 0, 1), EXIT},
	 .r0 = 2},
	{.what = "rsh logical",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -1), ALU64_IMM(RSH, 0, 60), EXIT},
	 .r0 = 0xf},
	{.what = "arsh keeps the sign",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -64), ALU64_IMM(ARSH, 0, 4), EXIT},
	 .r0 = (uint64_t)-4},
	{.what = "arsh masks the amount",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -64), MOV64_IMM(1, 68), ALU64_REG(ARSH, 0, 1), EXIT},
	 .r0 = (uint64_t)-4},
	{.what = "neg",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 5), ALU64_IMM(NEG, 0, 0), EXIT},
	 .r0 = (uint64_t)-5},
	{.what = "mov reg",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(3, 77), MOV64_REG(0, 3), EXIT},
	 .r0 = 77},
	{.what = "lddw",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL), EXIT},
	 .r0 = 0x1122334455667788ULL},
};

static void test_alu64(void)
{
	run_vectors(alu64_vecs, sizeof(alu64_vecs) / sizeof(alu64_vecs[0]));
}

static const struct vec alu32_vecs[] = {
	{.what = "mov32 zero-extends",
	 .profiles = PQ | KE,
	 .prog = {MOV32_IMM(0, -1), EXIT},
	 .r0 = 0xffffffffULL},
	{.what = "add32 wraps and clears the upper half",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0xabcdef00ffffffffULL), LDDW_HI(0xabcdef00ffffffffULL),
		  ALU32_IMM(ADD, 0, 2), EXIT},
	 .r0 = 1},
	{.what = "add32 of zero clears the upper half",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0xffffffff00000005ULL), LDDW_HI(0xffffffff00000005ULL),
		  ALU32_IMM(ADD, 0, 0), EXIT},
	 .r0 = 5},
	{.what = "sub32 below zero",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 1), ALU32_IMM(SUB, 0, 2), EXIT},
	 .r0 = 0xffffffffULL},
	{.what = "mul32",
	 .profiles = PQ | KE,
	 .prog = {MOV32_IMM(0, 0x10000), ALU32_IMM(MUL, 0, 0x10001), EXIT},
	 .r0 = 0x10000},
	{.what = "div32 uses the low halves",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x100000064ULL), LDDW_HI(0x100000064ULL), ALU32_IMM(DIV, 0, 7), EXIT},
	 .r0 = 100 / 7},
	{.what = "lsh32 masks to 31",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 1), MOV64_IMM(1, 33), ALU32_REG(LSH, 0, 1), EXIT},
	 .r0 = 2},
	{.what = "rsh32",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -1), ALU32_IMM(RSH, 0, 28), EXIT},
	 .r0 = 0xf},
	{.what = "arsh32 uses bit 31",
	 .profiles = PQ | KE,
	 .prog = {MOV32_IMM(0, (int32_t)0x80000000u), ALU32_IMM(ARSH, 0, 4), EXIT},
	 .r0 = 0xf8000000ULL},
	{.what = "neg32",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, 1), ALU32_IMM(NEG, 0, 0), EXIT},
	 .r0 = 0xffffffffULL},
	{.what = "mod32",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(0, -1), ALU32_IMM(MOD, 0, 10), EXIT},
	 .r0 = 0xffffffffULL % 10},
};

static void test_alu32(void)
{
	run_vectors(alu32_vecs, sizeof(alu32_vecs) / sizeof(alu32_vecs[0]));
}

static const struct vec swap_vecs[] = {
	{.what = "le16 truncates",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  ALU32_IMM(END, 0, 16), EXIT},
	 .r0 = 0x7788},
	{.what = "le32 truncates",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  ALU32_IMM(END, 0, 32), EXIT},
	 .r0 = 0x55667788},
	{.what = "le64 keeps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  ALU32_IMM(END, 0, 64), EXIT},
	 .r0 = 0x1122334455667788ULL},
	{.what = "be16 swaps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  INSN(0xdc, 0, 0, 0, 16), EXIT},
	 .r0 = 0x8877},
	{.what = "be32 swaps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  INSN(0xdc, 0, 0, 0, 32), EXIT},
	 .r0 = 0x88776655},
	{.what = "be64 swaps",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(0, 0x1122334455667788ULL), LDDW_HI(0x1122334455667788ULL),
		  INSN(0xdc, 0, 0, 0, 64), EXIT},
	 .r0 = 0x8877665544332211ULL},
};

static void test_byte_swaps(void)
{
	run_vectors(swap_vecs, sizeof(swap_vecs) / sizeof(swap_vecs[0]));
}

/* ------------------------------------------------------------------ jumps */

/* r1 = a, r2 = b; r0 = 1 when "if r1 OP r2" is taken, else 0. */
static void check_jump(unsigned profiles, uint8_t cls, uint8_t op, uint64_t a, uint64_t b,
		       int taken)
{
	struct vec v = {.what = "jump",
			.profiles = profiles,
			.prog = {LDDW_LO(1, a), LDDW_HI(a), LDDW_LO(2, b), LDDW_HI(b),
				 MOV64_IMM(0, 1), INSN(cls | 0x08 | op, 1, 2, 1, 0),
				 MOV64_IMM(0, 0), EXIT},
			.r0 = (uint64_t)taken};

	run_vectors(&v, 1);
}

static void test_jumps(void)
{
	const uint64_t m1 = (uint64_t)-1;

	check_jump(PQ | KE, 0x05, JEQ, 5, 5, 1);
	check_jump(PQ | KE, 0x05, JNE, 5, 5, 0);
	check_jump(PQ | KE, 0x05, JGT, m1, 1, 1);  /* unsigned: UINT64_MAX > 1 */
	check_jump(PQ | KE, 0x05, JSGT, m1, 1, 0); /* signed: -1 > 1 is false */
	check_jump(PQ | KE, 0x05, JGE, 1, 1, 1);
	check_jump(PQ | KE, 0x05, JSGE, m1, 0, 0);
	check_jump(PQ | KE, 0x05, JLT, 1, m1, 1);
	check_jump(PQ | KE, 0x05, JSLT, m1, 0, 1);
	check_jump(PQ | KE, 0x05, JLE, 2, 1, 0);
	check_jump(PQ | KE, 0x05, JSLE, m1, m1, 1);
	check_jump(PQ | KE, 0x05, JSET, 6, 4, 1);
	check_jump(PQ | KE, 0x05, JSET, 6, 1, 0);
	/* JMP32 compares the low halves only (kernel ISA). */
	check_jump(KE, 0x06, JEQ, 0x100000001ULL, 1, 1);
	check_jump(KE, 0x06, JSLT, 0xffffffffULL, 0, 1);
	check_jump(KE, 0x06, JGT, 0x1ffffffffULL, 0x200000000ULL, 1);
	check_jump(KE, 0x05, JGT, 0x1ffffffffULL, 0x200000000ULL, 0);
}

/* ------------------------------------------------------------------ memory */

static const struct vec mem_vecs[] = {
	{.what = "store and load each width",
	 .profiles = PQ | KE,
	 .prog = {LDDW_LO(1, 0x8899aabbccddeeffULL), LDDW_HI(0x8899aabbccddeeffULL),
		  STX(DW, 10, 1, -8), LDX(B, 0, 10, -8), LDX(H, 2, 10, -6), ALU64_IMM(LSH, 2, 8),
		  ALU64_REG(OR, 0, 2), LDX(W, 2, 10, -4), ALU64_IMM(LSH, 2, 24),
		  ALU64_REG(OR, 0, 2), EXIT},
	 .r0 = 0xff | 0xccddULL << 8 | 0x8899aabbULL << 24},
	{.what = "st imm sign-extends then truncates",
	 .profiles = PQ | KE,
	 .prog = {ST(DW, 10, -16, -2), ST(B, 10, -16, 0x11), LDX(DW, 0, 10, -16), EXIT},
	 .r0 = 0xffffffffffffff11ULL},
	{.what = "pquic stack is 2048 bytes",
	 .profiles = PQ,
	 .prog = {ST(DW, 10, -2048, 9), LDX(DW, 0, 10, -2048), EXIT},
	 .r0 = 9},
	{.what = "pquic below the stack faults",
	 .profiles = PQ,
	 .prog = {MOV64_REG(1, 10), ALU64_IMM(ADD, 1, -2049), ST(B, 1, 0, 9), EXIT},
	 .err = PDS_LDR_E_VM_MEMORY},
	{.what = "kernel frame is 512 bytes",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -512, 7), LDX(DW, 0, 10, -512), EXIT},
	 .r0 = 7},
	{.what = "kernel below the frame faults",
	 .profiles = KE,
	 .prog = {MOV64_REG(1, 10), ALU64_IMM(ADD, 1, -513), ST(B, 1, 0, 9), EXIT},
	 .err = PDS_LDR_E_VM_MEMORY},
	{.what = "above the stack faults",
	 .profiles = PQ | KE,
	 .prog = {MOV64_REG(1, 10), LDX(B, 0, 1, 0), EXIT},
	 .err = PDS_LDR_E_VM_MEMORY},
	{.what = "straddling the top faults",
	 .profiles = PQ | KE,
	 .prog = {MOV64_REG(1, 10), LDX(DW, 0, 1, -4), EXIT},
	 .err = PDS_LDR_E_VM_MEMORY},
	{.what = "host handle never dereferences",
	 .profiles = PQ | KE,
	 .prog = {MOV64_IMM(1, 0x1000), LDX(DW, 0, 1, 0), EXIT},
	 .err = PDS_LDR_E_VM_MEMORY},
	{.what = "sign-extending loads",
	 .profiles = KE,
	 .prog = {ST(W, 10, -8, (int32_t)0x80ff8081u), LDXSX(B, 0, 10, -8), LDXSX(H, 1, 10, -6),
		  ALU64_REG(ADD, 0, 1), LDXSX(W, 1, 10, -8), ALU64_REG(ADD, 0, 1), EXIT},
	 .r0 = (uint64_t)(-127 + (int16_t)0x80ff + (int32_t)0x80ff8081)},
};

static void test_memory(void)
{
	struct pds_insn p[] = {LDX(DW, 0, 1, 8), EXIT};
	struct pds_ldr_run res;

	run_vectors(mem_vecs, sizeof(mem_vecs) / sizeof(mem_vecs[0]));
	/* The fault names the address. */
	CU_ASSERT_EQUAL(run_prog(PDS_CHK_PROFILE_PQUIC, p, 2, 0x5000, 0, NULL, &res),
			PDS_LDR_E_VM_MEMORY);
	CU_ASSERT_EQUAL(res.fault_addr, 0x5008);
	CU_ASSERT_EQUAL(res.stop_slot, 0);
	CU_ASSERT_EQUAL(res.insns, 1);
}

static const struct vec atomic_vecs[] = {
	{.what = "xadd dw",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -8, 40), MOV64_IMM(1, 2), ATOMIC(DW, 10, 1, -8, 0x00),
		  LDX(DW, 0, 10, -8), EXIT},
	 .r0 = 42},
	{.what = "fetch add w returns the old value",
	 .profiles = KE,
	 .prog = {ST(W, 10, -8, 40), MOV64_IMM(1, 2), ATOMIC(W, 10, 1, -8, 0x01), LDX(W, 0, 10, -8),
		  ALU64_IMM(LSH, 0, 8), ALU64_REG(OR, 0, 1), EXIT},
	 .r0 = 42 << 8 | 40},
	{.what = "fetch or, and, xor",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -8, 0xf0), MOV64_IMM(1, 0x0f), ATOMIC(DW, 10, 1, -8, 0x41),
		  MOV64_IMM(1, 0x3c), ATOMIC(DW, 10, 1, -8, 0x51), MOV64_IMM(1, 1),
		  ATOMIC(DW, 10, 1, -8, 0xa1), LDX(DW, 0, 10, -8), EXIT},
	 .r0 = 0x3d},
	{.what = "xchg",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -8, 5), MOV64_IMM(1, 9), ATOMIC(DW, 10, 1, -8, 0xe1),
		  LDX(DW, 0, 10, -8), ALU64_IMM(MUL, 0, 10), ALU64_REG(ADD, 0, 1), EXIT},
	 .r0 = 95},
	{.what = "cmpxchg equal stores",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -8, 5), MOV64_IMM(0, 5), MOV64_IMM(1, 7), ATOMIC(DW, 10, 1, -8, 0xf1),
		  LDX(DW, 1, 10, -8), ALU64_IMM(MUL, 1, 10), ALU64_REG(ADD, 0, 1), EXIT},
	 .r0 = 75},
	{.what = "cmpxchg different keeps",
	 .profiles = KE,
	 .prog = {ST(DW, 10, -8, 5), MOV64_IMM(0, 6), MOV64_IMM(1, 7), ATOMIC(DW, 10, 1, -8, 0xf1),
		  LDX(DW, 1, 10, -8), ALU64_IMM(MUL, 1, 10), ALU64_REG(ADD, 0, 1), EXIT},
	 .r0 = 55},
};

static void test_atomics(void)
{
	run_vectors(atomic_vecs, sizeof(atomic_vecs) / sizeof(atomic_vecs[0]));
}

/* ------------------------------------------------------------------ division by zero */

static const struct vec div0_vecs[] = {
	/* uBPF stops the pluglet ("division by zero at PC"). */
	{.what = "pquic div64",
	 .profiles = PQ,
	 .prog = {MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(DIV, 0, 1), EXIT},
	 .err = PDS_LDR_E_VM_DIV_ZERO},
	{.what = "pquic mod64",
	 .profiles = PQ,
	 .prog = {MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(MOD, 0, 1), EXIT},
	 .err = PDS_LDR_E_VM_DIV_ZERO},
	{.what = "pquic div32",
	 .profiles = PQ,
	 .prog = {MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU32_REG(DIV, 0, 1), EXIT},
	 .err = PDS_LDR_E_VM_DIV_ZERO},
	{.what = "pquic mod32 by a zero low half",
	 .profiles = PQ,
	 .prog = {MOV64_IMM(0, 7), LDDW_LO(1, 1ULL << 32), LDDW_HI(1ULL << 32),
		  ALU32_REG(MOD, 0, 1), EXIT},
	 .err = PDS_LDR_E_VM_DIV_ZERO},
	/* The kernel: x / 0 = 0, x % 0 = x (RFC 9669 §4.1). */
	{.what = "kernel div64",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(DIV, 0, 1), EXIT},
	 .r0 = 0},
	{.what = "kernel mod64",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), MOV64_IMM(1, 0), ALU64_REG(MOD, 0, 1), EXIT},
	 .r0 = (uint64_t)-7},
	{.what = "kernel div32",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU32_REG(DIV, 0, 1), EXIT},
	 .r0 = 0},
	{.what = "kernel mod32 zero-extends",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), MOV64_IMM(1, 0), ALU32_REG(MOD, 0, 1), EXIT},
	 .r0 = 0xfffffff9ULL},
	{.what = "kernel sdiv",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), INSN(0x37, 0, 0, 1, 2), EXIT},
	 .r0 = (uint64_t)-3},
	{.what = "kernel smod",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), INSN(0x97, 0, 0, 1, 2), EXIT},
	 .r0 = (uint64_t)-1},
	{.what = "kernel sdiv INT64_MIN by -1",
	 .profiles = KE,
	 .prog = {LDDW_LO(0, 1ULL << 63), LDDW_HI(1ULL << 63), INSN(0x37, 0, 0, 1, -1), EXIT},
	 .r0 = 1ULL << 63},
	{.what = "kernel sdiv by 0",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), MOV64_IMM(1, 0), INSN(0x3f, 0, 1, 1, 0), EXIT},
	 .r0 = 0},
	{.what = "kernel smod32 by 0",
	 .profiles = KE,
	 .prog = {MOV64_IMM(0, -7), MOV64_IMM(1, 0), INSN(0x9c, 0, 1, 1, 0), EXIT},
	 .r0 = 0xfffffff9ULL},
	{.what = "kernel movsx",
	 .profiles = KE,
	 .prog = {MOV64_IMM(1, 0x80), INSN(0xbf, 0, 1, 8, 0), EXIT},
	 .r0 = (uint64_t)-128},
};

static void test_division_by_zero(void)
{
	run_vectors(div0_vecs, sizeof(div0_vecs) / sizeof(div0_vecs[0]));
}

/* ------------------------------------------------------------------ budget */

static void test_budget(void)
{
	/* r0 += 1; if r0 != 0 goto -2: runs until the budget stops it. */
	struct pds_insn spin[] = {MOV64_IMM(0, 1), ALU64_IMM(ADD, 0, 1), JMP_IMM(JNE, 0, 0, -2),
				  EXIT};
	struct pds_insn three[] = {MOV64_IMM(0, 1), ALU64_IMM(ADD, 0, 1), EXIT};
	struct pds_ldr_run res;

	for (int p = 0; p < 2; p++) {
		CU_ASSERT_EQUAL(run_prog((enum pds_chk_profile)p, spin, 4, 0, 1001, NULL, &res),
				PDS_LDR_E_VM_BUDGET);
		CU_ASSERT_EQUAL(res.insns, 1001);
		CU_ASSERT_EQUAL(res.r0, 501); /* 1 + 500 increments */
		/* Exactly enough budget runs to the end; one less stops before the exit. */
		CU_ASSERT_EQUAL(run_prog((enum pds_chk_profile)p, three, 3, 0, 3, NULL, &res), 0);
		CU_ASSERT_EQUAL(res.insns, 3);
		CU_ASSERT_EQUAL(res.r0, 2);
		CU_ASSERT_EQUAL(run_prog((enum pds_chk_profile)p, three, 3, 0, 2, NULL, &res),
				PDS_LDR_E_VM_BUDGET);
		CU_ASSERT_EQUAL(res.insns, 2);
	}
}

/* ------------------------------------------------------------------ helpers */

static void test_kernel_helper_args(void)
{
	struct pds_insn p[] = {
		MOV64_IMM(1, 11), MOV64_IMM(2, 22), MOV64_IMM(3, 33),	  MOV64_IMM(4, 44),
		MOV64_IMM(5, 55), CALL(7),	    ALU64_IMM(ADD, 0, 1), EXIT};
	struct host_log h = {.ret = 99};
	struct pds_ldr_run res;

	CU_ASSERT_EQUAL(run_prog(PDS_CHK_PROFILE_KERNEL, p, 8, 0, 0, &h, &res), 0);
	CU_ASSERT_EQUAL(res.r0, 100);
	CU_ASSERT_EQUAL(res.insns, 8); /* the call counts one */
	CU_ASSERT_EQUAL(h.ncalls, 1);
	CU_ASSERT_EQUAL(h.last.id, 7);
	CU_ASSERT_EQUAL(h.last.slot, 5);
	CU_ASSERT_STRING_EQUAL(h.name, "bpf_get_prandom_u32");
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(h.last.args[i], (uint64_t)(11 * (i + 1)));
	/* A refusing callback stops the run; no callback at all is its own code. */
	h.fail = 1;
	CU_ASSERT_EQUAL(run_prog(PDS_CHK_PROFILE_KERNEL, p, 8, 0, 0, &h, &res),
			PDS_LDR_E_VM_HELPER);
	CU_ASSERT_EQUAL(res.stop_slot, 5);
	CU_ASSERT_EQUAL(run_prog(PDS_CHK_PROFILE_KERNEL, p, 8, 0, 0, NULL, &res),
			PDS_LDR_E_VM_NO_HELPER);
}

static void test_pquic_helper_by_name(void)
{
	struct pds_insn p[] = {MOV64_REG(6, 1), MOV64_IMM(2, 0x2d), MOV64_IMM(3, 0),
			       INSN(0x85, 0, 1, 0, -1), EXIT};
	struct pds_t_elf_reloc rel = {3, "get_cnx"};
	struct pds_t_elf_spec sp = {PDS_CHK_PROFILE_PQUIC, p, 5, &rel, 1};
	struct host_log h = {.ret = 4};
	struct pds_ldr_vm_opts o = {.sz = sizeof(o), .helper = test_helper, .helper_ctx = &h};
	struct pds_chk_obj *obj = pds_t_elf_open(&sp);
	struct pds_ldr_vm *vm = NULL;
	struct pds_ldr_run res;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL_FATAL(
		pds_ldr_vm_new(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_PQUIC, &o, &vm), 0);
	pds_chk_obj_free(obj); /* the VM keeps its own copy */
	CU_ASSERT_EQUAL(pds_ldr_vm_run(vm, 0xc0ffee, 0, &res), 0);
	CU_ASSERT_EQUAL(res.r0, 4);
	CU_ASSERT_STRING_EQUAL(h.name, "get_cnx");
	CU_ASSERT_EQUAL(h.last.id, -1);
	CU_ASSERT_EQUAL(h.last.args[0], 0xc0ffee);
	CU_ASSERT_EQUAL(h.last.args[1], 0x2d);
	CU_ASSERT_EQUAL(h.last.args[2], 0);
	pds_ldr_vm_free(vm);
}

/* ------------------------------------------------------------------ plugin memory */

static void test_arena(void)
{
	struct pds_insn p[] = {LDX(DW, 0, 1, 0), ALU64_IMM(ADD, 0, 1), STX(DW, 1, 0, 8), EXIT};
	struct pds_t_elf_spec sp = {PDS_CHK_PROFILE_PQUIC, p, 4, NULL, 0};
	struct pds_ldr_vm_opts o = {.sz = sizeof(o), .arena_size = 256};
	struct pds_chk_obj *obj = pds_t_elf_open(&sp);
	struct pds_ldr_vm *vm = NULL;
	uint64_t a, b, c, v = 41, got = 0;
	struct pds_ldr_run res;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL_FATAL(
		pds_ldr_vm_new(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_PQUIC, &o, &vm), 0);
	CU_ASSERT_EQUAL(pds_ldr_vm_alloc(vm, 16, &a), 0);
	CU_ASSERT_EQUAL(a, PDS_LDR_VM_ARENA_BASE);
	CU_ASSERT_EQUAL(pds_ldr_vm_write(vm, a, &v, 8), 0);
	CU_ASSERT_EQUAL(pds_ldr_vm_run(vm, a, 0, &res), 0);
	CU_ASSERT_EQUAL(res.r0, 42);
	CU_ASSERT_EQUAL(pds_ldr_vm_read(vm, a + 8, &got, 8), 0);
	CU_ASSERT_EQUAL(got, 42);
	/* Plugin memory survives runs. */
	CU_ASSERT_EQUAL(pds_ldr_vm_run(vm, a + 8, 0, &res), 0);
	CU_ASSERT_EQUAL(res.r0, 43);
	/* First fit, merge on free, realloc keeps the contents. */
	CU_ASSERT_EQUAL(pds_ldr_vm_alloc(vm, 100, &b), 0);
	CU_ASSERT_EQUAL(b, a + 16);
	CU_ASSERT_EQUAL(pds_ldr_vm_alloc(vm, 200, &c), PDS_LDR_E_VM_ARENA_FULL);
	CU_ASSERT_EQUAL(pds_ldr_vm_realloc(vm, a, 32, &c), 0);
	CU_ASSERT_EQUAL(c, b + 104);
	CU_ASSERT_EQUAL(pds_ldr_vm_read(vm, c + 8, &got, 8), 0);
	CU_ASSERT_EQUAL(got, 42);
	CU_ASSERT_EQUAL(pds_ldr_vm_release(vm, a), PDS_LDR_E_VM_BAD_FREE);
	CU_ASSERT_EQUAL(pds_ldr_vm_release(vm, b + 8), PDS_LDR_E_VM_BAD_FREE);
	CU_ASSERT_EQUAL(pds_ldr_vm_release(vm, b), 0);
	CU_ASSERT_EQUAL(pds_ldr_vm_alloc(vm, 120, &b), 0);
	CU_ASSERT_EQUAL(b, a);
	CU_ASSERT_EQUAL(pds_ldr_vm_release(vm, 0), 0);
	/* Outside the arena and past its end. */
	CU_ASSERT_EQUAL(pds_ldr_vm_write(vm, PDS_LDR_VM_ARENA_BASE + 250, &v, 8),
			PDS_LDR_E_VM_MEMORY);
	CU_ASSERT_EQUAL(pds_ldr_vm_read(vm, 0x1000, &got, 1), PDS_LDR_E_VM_MEMORY);
	CU_ASSERT_EQUAL(pds_ldr_vm_run(vm, PDS_LDR_VM_ARENA_BASE + 252, 0, &res),
			PDS_LDR_E_VM_MEMORY);
	pds_ldr_vm_free(vm);
	pds_chk_obj_free(obj);
}

/* ------------------------------------------------------------------ compiled programs */

static struct pds_t_scen *scen(const char *text)
{
	char err[128];
	struct pds_t_scen *s = pds_t_scen_parse(text, err, sizeof(err));

	if (!s)
		fprintf(stderr, "scenario: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

static const struct pds_t_call *find_call(struct pds_t_scen *s, const char *name, uint64_t a1)
{
	const struct pds_t_call *calls;
	size_t n = pds_t_scen_calls(s, &calls);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(calls[i].name, name) && calls[i].args[1] == a1)
			return &calls[i];
	return NULL;
}

/* update_rtt: a new largest acknowledged packet sets LATEST_PROGRESS_TIME and output 0. */
static void test_pluglet_update_rtt(void)
{
	struct pds_chk_obj *obj = pds_t_open("pquic/update_rtt", PDS_CHK_PROFILE_PQUIC);
	struct pds_t_scen *s = scen("get_cnx(0x00,0)=10 get_cnx(0x00,1)=1000 get_cnx(0x00,2)=5 "
				    "get_cnx(0x00,3)=0x3000 get_cnx(0x00,4)=0x4000 "
				    "get_pkt_ctx(0x08)=5 get_path(0x0d,0)=25");
	const struct pds_t_call *c;
	struct pds_ldr_run res;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL(pds_t_scen_run(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_PQUIC, s, 0, &res),
			0);
	CU_ASSERT_EQUAL(res.r0, 0);
	c = find_call(s, "set_cnx", 0x17);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->args[0], PDS_T_CNX);
	CU_ASSERT_EQUAL(c->args[3], 1000);
	c = find_call(s, "set_cnx", 0x01);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->args[3], 1);
	c = find_call(s, "get_pkt_ctx", 0x08);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->args[0], 0x3000); /* the object came from input 3 */
	/* Too much ack delay: is_new_ack drops to 0. */
	pds_t_scen_free(s);
	s = scen("get_cnx(0x00,0)=10 get_cnx(0x00,2)=50 get_pkt_ctx(0x08)=5 get_path(0x0d,0)=25");
	CU_ASSERT_EQUAL(pds_t_scen_run(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_PQUIC, s, 0, &res),
			0);
	c = find_call(s, "set_cnx", 0x01);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->args[3], 0);
	pds_t_scen_free(s);
	pds_chk_obj_free(obj);
}

/* String constants are readable and read-only; strlen sees them. */
static int strings_host(void *ctx, struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c,
			uint64_t *r0)
{
	char *text = ctx;
	size_t len = 0;
	int err;

	*r0 = 0;
	if (strcmp(c->name, "helper_protoop_printf"))
		return 0;
	err = pds_ldr_vm_strnlen(vm, c->args[1], 255, &len);
	if (!err)
		err = pds_ldr_vm_read(vm, c->args[1], text, len + 1);
	if (!err && pds_ldr_vm_write(vm, c->args[1], "x", 1) != PDS_LDR_E_VM_READ_ONLY)
		err = 1;
	return err;
}

static void test_pluglet_strings(void)
{
	struct pds_chk_obj *obj = pds_t_open("pquic/log_path_stats", PDS_CHK_PROFILE_PQUIC);
	char text[256] = "";
	struct pds_ldr_vm_opts o = {.sz = sizeof(o), .helper = strings_host, .helper_ctx = text};
	const struct pds_chk_prog *prog;
	const struct pds_insn_ref *ref = NULL;
	struct pds_ldr_vm *vm = NULL;
	struct pds_ldr_run res;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	prog = pds_chk_obj_prog(obj, 0);
	for (size_t i = 0; i < pds_chk_prog_slot_count(prog) && !ref; i++) {
		ref = pds_chk_prog_ref(prog, i);
		if (ref && ref->kind != PDS_REF_STRING)
			ref = NULL;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
	CU_ASSERT_EQUAL_FATAL(pds_ldr_vm_new(prog, PDS_CHK_PROFILE_PQUIC, &o, &vm), 0);
	CU_ASSERT_EQUAL(pds_ldr_vm_run(vm, PDS_T_CNX, 0, &res), 0);
	CU_ASSERT_STRING_EQUAL(text, ref->string);
	pds_ldr_vm_free(vm);
	pds_chk_obj_free(obj);
}

/* Every compiled pluglet runs to its exit under a neutral host (no fault, no stop). */
static void test_pquic_pluglets_run(void)
{
	static const char *const names[] = {
		"before_sending_packet",
		"congestion_notify_newreno",
		"header_parsed",
		"is_ack_needed",
		"log_path_stats",
		"pacing_update",
		"parse_ecn_block",
		"process_ack_of_ack",
		"retransmit_needed_by_packet",
		"schedule_frames_on_path",
		"set_next_wake_time",
		"sni_probe",
		"stream_fin",
		"update_ack_delay",
		"update_rtt",
	};
	struct pds_t_scen *s = scen("get_cnx(0x00,0)=arena get_cnx(0x00,1)=64 get_cnx=0");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char name[96];
		struct pds_chk_obj *obj;
		struct pds_ldr_run res;
		int err;

		snprintf(name, sizeof(name), "pquic/%s", names[i]);
		obj = pds_t_open(name, PDS_CHK_PROFILE_PQUIC);
		CU_ASSERT_PTR_NOT_NULL(obj);
		if (!obj)
			continue;
		err = pds_t_scen_run(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_PQUIC, s, 1000000,
				     &res);
		printf("  %-30s %-16s %llu insns\n", names[i], pds_ldr_rule(err),
		       (unsigned long long)res.insns);
		CU_ASSERT_EQUAL(err, 0);
		CU_ASSERT(res.insns > 0);
		pds_chk_obj_free(obj);
	}
	pds_t_scen_free(s);
}

/* BPF-to-BPF calls: the chain of subprog_chain.c computed here in C. */
static uint64_t mix(uint64_t a, uint64_t b)
{
	return (a ^ (b << 7)) * 0x9e3779b97f4a7c15ULL;
}

static void test_kernel_subprograms(void)
{
	struct pds_chk_obj *obj = pds_t_open("kernel/subprog_chain", PDS_CHK_PROFILE_KERNEL);
	struct pds_t_scen *s = scen("u32@0=21 bpf_ktime_get_ns=1000");
	uint64_t x = 21, want;
	struct pds_ldr_run res;
	int found = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	/* level1(x) = level2(2x) ^ level3(x); level2(y) = level3(y + 1) + mix(y, 3). */
	want = ((mix(2 * x + 1, 1000) + mix(2 * x, 3)) ^ mix(x, 1000)) & 1;
	for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
		const struct pds_chk_prog *p = pds_chk_obj_prog(obj, i);

		if (strcmp(pds_chk_prog_name(p), "chain_all"))
			continue;
		found = 1;
		CU_ASSERT_EQUAL(pds_t_scen_run(p, PDS_CHK_PROFILE_KERNEL, s, 0, &res), 0);
		CU_ASSERT_EQUAL(res.r0, want);
	}
	CU_ASSERT(found);
	pds_t_scen_free(s);
	pds_chk_obj_free(obj);
	/* Recursion 15 deep exceeds the 8 frames. */
	obj = pds_t_open("kterm/krecursion", PDS_CHK_PROFILE_KERNEL);
	s = scen("bpf_get_prandom_u32=15");
	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL(
		pds_t_scen_run(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_KERNEL, s, 0, &res),
		PDS_LDR_E_VM_CALL_DEPTH);
	pds_t_scen_free(s);
	s = scen("bpf_get_prandom_u32=3");
	CU_ASSERT_EQUAL(
		pds_t_scen_run(pds_chk_obj_prog(obj, 0), PDS_CHK_PROFILE_KERNEL, s, 0, &res), 0);
	pds_t_scen_free(s);
	pds_chk_obj_free(obj);
}

/* ------------------------------------------------------------------ corpus */

/* The written worst case of every corpus program equals what the interpreter counts. */
static void test_corpus_worst_measured(void)
{
	struct pds_t_case *cases = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(pds_t_corpus_load(&cases, &n), 0);
	CU_ASSERT(n >= 55);
	CU_ASSERT_EQUAL(pds_t_corpus_measure(cases, n), 0);
	free(cases);
}

static void test_errors(void)
{
	CU_ASSERT_STRING_EQUAL(pds_ldr_rule(PDS_LDR_E_VM_BUDGET), "vm/budget");
	CU_ASSERT_STRING_EQUAL(pds_ldr_rule(PDS_LDR_E_VM_DIV_ZERO), "vm/division-by-zero");
	CU_ASSERT_STRING_EQUAL(pds_ldr_rule(12345), "unknown");
	CU_ASSERT_STRING_EQUAL(pds_ldr_strerror(0), "success");
	CU_ASSERT_EQUAL(pds_ldr_vm_new(NULL, PDS_CHK_PROFILE_PQUIC, NULL, NULL), PDS_LDR_E_INVAL);
	CU_ASSERT_EQUAL(pds_ldr_vm_run(NULL, 0, 0, NULL), PDS_LDR_E_INVAL);
}

PDS_TEST_MAIN("interp", PDS_TEST(test_alu64), PDS_TEST(test_alu32), PDS_TEST(test_byte_swaps),
	      PDS_TEST(test_jumps), PDS_TEST(test_memory), PDS_TEST(test_atomics),
	      PDS_TEST(test_division_by_zero), PDS_TEST(test_budget),
	      PDS_TEST(test_kernel_helper_args), PDS_TEST(test_pquic_helper_by_name),
	      PDS_TEST(test_arena), PDS_TEST(test_pluglet_update_rtt),
	      PDS_TEST(test_pluglet_strings), PDS_TEST(test_pquic_pluglets_run),
	      PDS_TEST(test_kernel_subprograms), PDS_TEST(test_corpus_worst_measured),
	      PDS_TEST(test_errors))
