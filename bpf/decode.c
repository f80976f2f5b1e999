// SPDX-License-Identifier: MIT
/*
 * Instruction decoding tables, one per ABI profile, and the static validator.
 *
 * pquic:  the uBPF subset PQUIC's loader accepts (pquic-abi.md §2): ALU/ALU64,
 *         byte swaps, lddw, LDX/ST/STX of 1-8 bytes, JMP with 64-bit compares,
 *         call, exit.  No JMP32, no atomics, no signed division, no sign-extending
 *         loads or moves, no legacy packet loads.
 * kernel: the current eBPF ISA (RFC 9669): also JMP32, atomics, sdiv/smod,
 *         movsx, ldxsx, bswap, gotol and the legacy LD_ABS/LD_IND.
 * Opcode rules are a table indexed by the opcode byte; each entry says how the
 * other fields must look.  The validator reports every problem it sees (up to a
 * cap) and returns the first code.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

static const struct pds_profile_rules rules_pquic = {
	.profile = PDS_CHK_PROFILE_PQUIC,
	.max_slots = 65536,
	.max_mem_accesses = 2048,
	.stack_size = 2048,
	.reject_self_jump = true,
	.check_stack_offsets = true,
};

static const struct pds_profile_rules rules_kernel = {
	.profile = PDS_CHK_PROFILE_KERNEL,
	.max_slots = 1000000,
	.max_mem_accesses = 0,
	.stack_size = 512,
	.reject_self_jump = false,
	.check_stack_offsets = true,
};

const struct pds_profile_rules *pds_profile_rules(enum pds_chk_profile p)
{
	return p == PDS_CHK_PROFILE_KERNEL ? &rules_kernel : &rules_pquic;
}

static struct pds_op_desc table_pquic[256], table_kernel[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static const uint8_t alu_ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,  BPF_AND,
				  BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH};
static const uint8_t jcond_ops[] = {BPF_JEQ,  BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
				    BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
static const uint8_t sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};

static void set(struct pds_op_desc *t, uint8_t code, enum pds_op_kind kind)
{
	t[code].kind = kind;
}

/* What both profiles share. */
static void build_common(struct pds_op_desc *t)
{
	for (int c = 0; c < 2; c++) {
		uint8_t cls = c ? BPF_ALU64 : BPF_ALU;

		for (size_t i = 0; i < PDS_ARRAY_SIZE(alu_ops); i++) {
			set(t, cls | alu_ops[i] | BPF_K, PDS_OP_ALU);
			set(t, cls | alu_ops[i] | BPF_X, PDS_OP_ALU);
		}
		set(t, cls | BPF_NEG | BPF_K, PDS_OP_NEG);
	}
	set(t, BPF_ALU | BPF_END | BPF_TO_LE, PDS_OP_END);
	set(t, BPF_ALU | BPF_END | BPF_TO_BE, PDS_OP_END);
	set(t, BPF_LD | BPF_IMM | BPF_DW, PDS_OP_LDDW);
	for (size_t i = 0; i < PDS_ARRAY_SIZE(sizes); i++) {
		set(t, BPF_LDX | BPF_MEM | sizes[i], PDS_OP_LDX);
		set(t, BPF_ST | BPF_MEM | sizes[i], PDS_OP_ST);
		set(t, BPF_STX | BPF_MEM | sizes[i], PDS_OP_STX);
	}
	set(t, BPF_JMP | BPF_JA, PDS_OP_JA);
	for (size_t i = 0; i < PDS_ARRAY_SIZE(jcond_ops); i++) {
		set(t, BPF_JMP | jcond_ops[i] | BPF_K, PDS_OP_JCOND);
		set(t, BPF_JMP | jcond_ops[i] | BPF_X, PDS_OP_JCOND);
	}
	set(t, BPF_JMP | BPF_CALL, PDS_OP_CALL);
	set(t, BPF_JMP | BPF_EXIT, PDS_OP_EXIT);
}

static void build_kernel(struct pds_op_desc *t)
{
	build_common(t);
	set(t, BPF_ALU64 | BPF_END | BPF_TO_LE, PDS_OP_BSWAP);
	for (size_t i = 0; i < PDS_ARRAY_SIZE(jcond_ops); i++) {
		set(t, BPF_JMP32 | jcond_ops[i] | BPF_K, PDS_OP_JCOND);
		set(t, BPF_JMP32 | jcond_ops[i] | BPF_X, PDS_OP_JCOND);
	}
	set(t, BPF_JMP32 | BPF_JA, PDS_OP_JA32);
	for (size_t i = 0; i < 3; i++) {
		set(t, BPF_LDX | PDS_BPF_MEMSX | sizes[i], PDS_OP_LDX);
		set(t, BPF_LD | BPF_ABS | sizes[i], PDS_OP_LDABS);
		set(t, BPF_LD | BPF_IND | sizes[i], PDS_OP_LDIND);
	}
	set(t, BPF_STX | BPF_ATOMIC | BPF_W, PDS_OP_ATOMIC);
	set(t, BPF_STX | BPF_ATOMIC | BPF_DW, PDS_OP_ATOMIC);
}

static void build_tables(void)
{
	build_common(table_pquic);
	build_kernel(table_kernel);
}

const struct pds_op_desc *pds_decode_desc(enum pds_chk_profile p, uint8_t code)
{
	const struct pds_op_desc *t;

	pthread_once(&tables_once, build_tables);
	t = p == PDS_CHK_PROFILE_KERNEL ? table_kernel : table_pquic;
	return t[code].kind == PDS_OP_INVALID ? NULL : &t[code];
}

const struct pds_op_desc *pds_decode_table(enum pds_chk_profile p)
{
	pthread_once(&tables_once, build_tables);
	return p == PDS_CHK_PROFILE_KERNEL ? table_kernel : table_pquic;
}

bool pds_decode_opcode_known(enum pds_chk_profile p, uint8_t code)
{
	return pds_decode_desc(p, code) != NULL;
}

/* ------------------------------------------------------------------ validation */

#define MAX_REPORTS 20

struct vstate {
	enum pds_chk_profile profile;
	const struct pds_profile_rules *rules;
	const struct pds_insn *insns;
	size_t n;
	const struct pds_validate_ctx *ctx;
	uint8_t *lddw_tail; /* 1 on the second slot of an lddw */
	int first_err;
	unsigned reports;
};

PDS_PRINTF(4, 5)
static int bad(struct vstate *v, size_t slot, int code, const char *fmt, ...)
{
	struct pds_loc loc = PDS_LOC_FILE(v->ctx->file);
	struct pds_srcloc src;
	va_list ap;

	if (!v->first_err)
		v->first_err = code;
	if (v->reports++ >= MAX_REPORTS)
		return code;
	if (v->ctx->prog) {
		pds_prog_loc(v->ctx->prog, slot, &loc, &src);
	} else {
		loc.insn = (int64_t)slot;
		loc.sec_off = slot * 8;
	}
	va_start(ap, fmt);
	pds_vdiag(v->ctx->sink, PDS_CHK_ERROR, code, NULL, &loc, fmt, ap);
	va_end(ap);
	return code;
}

static bool alu_off_ok(enum pds_chk_profile p, const struct pds_insn *in)
{
	uint8_t op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;

	if (in->off == 0)
		return true;
	if (p != PDS_CHK_PROFILE_KERNEL)
		return false;
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
		return true; /* sdiv / smod */
	if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X)
		return in->off == 8 || in->off == 16 || (is64 && in->off == 32); /* movsx */
	return false;
}

static void check_alu(struct vstate *v, size_t i, const struct pds_insn *in)
{
	uint8_t op = BPF_OP(in->code);
	int width = BPF_CLASS(in->code) == BPF_ALU64 ? 64 : 32;

	if (!alu_off_ok(v->profile, in))
		bad(v, i, PDS_CHK_E_INSN_OFF, "offset %d not allowed on an ALU instruction",
		    in->off);
	if (BPF_SRC(in->code) == BPF_X) {
		if (in->imm != 0)
			bad(v, i, PDS_CHK_E_INSN_IMM, "register-source ALU with immediate %d",
			    in->imm);
		return;
	}
	if (in->src != 0)
		bad(v, i, PDS_CHK_E_INSN_REG, "immediate-source ALU with source register r%u",
		    in->src);
	if ((op == BPF_DIV || op == BPF_MOD) && in->imm == 0)
		bad(v, i, PDS_CHK_E_INSN_DIV_ZERO, "%s by immediate zero",
		    op == BPF_DIV ? "division" : "modulo");
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && (in->imm < 0 || in->imm >= width))
		bad(v, i, PDS_CHK_E_INSN_IMM, "shift by %d on a %d-bit operand", in->imm, width);
}

static void check_fields_zero(struct vstate *v, size_t i, const struct pds_insn *in, bool src,
			      bool off, bool imm, const char *what)
{
	if (src && in->src != 0)
		bad(v, i, PDS_CHK_E_INSN_REG, "%s with non-zero source register r%u", what,
		    in->src);
	if (off && in->off != 0)
		bad(v, i, PDS_CHK_E_INSN_OFF, "%s with non-zero offset %d", what, in->off);
	if (imm && in->imm != 0)
		bad(v, i, PDS_CHK_E_INSN_IMM, "%s with non-zero immediate %d", what, in->imm);
}

static void check_end(struct vstate *v, size_t i, const struct pds_insn *in)
{
	check_fields_zero(v, i, in, true, true, false, "byte swap");
	if (in->imm != 16 && in->imm != 32 && in->imm != 64)
		bad(v, i, PDS_CHK_E_INSN_IMM, "byte swap width %d (16, 32 or 64)", in->imm);
}

static void check_stack(struct vstate *v, size_t i, const struct pds_insn *in, uint8_t base)
{
	int size = pds_insn_size_bytes(in->code);

	if (base != 10 || !v->rules->check_stack_offsets)
		return;
	if (in->off < -v->rules->stack_size || in->off + size > 0)
		bad(v, i, PDS_CHK_E_INSN_STACK,
		    "%d-byte access at r10%+d outside the %d-byte stack [r10-%d, r10)", size,
		    in->off, v->rules->stack_size, v->rules->stack_size);
}

static const int32_t atomic_ops[] = {
	BPF_ADD,
	BPF_OR,
	BPF_AND,
	BPF_XOR,
	BPF_ADD | BPF_FETCH,
	BPF_OR | BPF_FETCH,
	BPF_AND | BPF_FETCH,
	BPF_XOR | BPF_FETCH,
	BPF_XCHG,
	BPF_CMPXCHG,
};

static void check_mem(struct vstate *v, size_t i, const struct pds_insn *in, enum pds_op_kind kind)
{
	bool ok = false;

	switch (kind) {
	case PDS_OP_LDX:
		check_fields_zero(v, i, in, false, false, true, "load");
		check_stack(v, i, in, in->src);
		break;
	case PDS_OP_ST:
		check_fields_zero(v, i, in, true, false, false, "store of an immediate");
		check_stack(v, i, in, in->dst);
		break;
	case PDS_OP_STX:
		check_fields_zero(v, i, in, false, false, true, "store");
		check_stack(v, i, in, in->dst);
		break;
	default: /* PDS_OP_ATOMIC */
		for (size_t k = 0; k < PDS_ARRAY_SIZE(atomic_ops); k++)
			ok |= in->imm == atomic_ops[k];
		if (!ok)
			bad(v, i, PDS_CHK_E_INSN_IMM, "unknown atomic operation 0x%x", in->imm);
		check_stack(v, i, in, in->dst);
		break;
	}
}

static void check_target(struct vstate *v, size_t i, int64_t rel)
{
	int64_t t = (int64_t)i + 1 + rel;

	if (t < 0 || t >= (int64_t)v->n) {
		bad(v, i, PDS_CHK_E_INSN_JUMP_RANGE, "jump to slot %lld, outside the %zu slots",
		    (long long)t, v->n);
		return;
	}
	if (v->lddw_tail[t])
		bad(v, i, PDS_CHK_E_INSN_JUMP_LDDW, "jump to slot %lld, the second half of an lddw",
		    (long long)t);
	if (t == (int64_t)i && v->rules->reject_self_jump)
		bad(v, i, PDS_CHK_E_INSN_JUMP_SELF, "jump to itself");
}

static void check_jump(struct vstate *v, size_t i, const struct pds_insn *in, enum pds_op_kind kind)
{
	switch (kind) {
	case PDS_OP_JA:
		check_fields_zero(v, i, in, true, false, true, "goto");
		check_target(v, i, in->off);
		break;
	case PDS_OP_JA32:
		check_fields_zero(v, i, in, true, true, false, "gotol");
		check_target(v, i, in->imm);
		break;
	case PDS_OP_JCOND:
		if (BPF_SRC(in->code) == BPF_X && in->imm != 0)
			bad(v, i, PDS_CHK_E_INSN_IMM, "register compare with immediate %d",
			    in->imm);
		if (BPF_SRC(in->code) == BPF_K && in->src != 0)
			bad(v, i, PDS_CHK_E_INSN_REG, "immediate compare with source register r%u",
			    in->src);
		check_target(v, i, in->off);
		break;
	default:
		break;
	}
}

static void check_call(struct vstate *v, size_t i, const struct pds_insn *in)
{
	unsigned max_src = v->profile == PDS_CHK_PROFILE_KERNEL ? PDS_PSEUDO_KFUNC_CALL : 1;

	if (in->dst != 0)
		bad(v, i, PDS_CHK_E_INSN_REG, "call with non-zero destination register r%u",
		    in->dst);
	if (in->src > max_src)
		bad(v, i, PDS_CHK_E_INSN_REG, "call with source field %u", in->src);
	if (in->off != 0 &&
	    !(v->profile == PDS_CHK_PROFILE_KERNEL && in->src == PDS_PSEUDO_KFUNC_CALL))
		bad(v, i, PDS_CHK_E_INSN_OFF, "call with non-zero offset %d", in->off);
}

static void check_lddw(struct vstate *v, size_t i, const struct pds_insn *in)
{
	unsigned max_src = v->profile == PDS_CHK_PROFILE_KERNEL ? PDS_PSEUDO_MAP_IDX_VALUE : 0;
	const struct pds_insn *hi;

	if (i + 1 >= v->n) {
		bad(v, i, PDS_CHK_E_INSN_LDDW, "lddw in the last slot has no second half");
		return;
	}
	hi = &in[1];
	if (hi->code != 0 || hi->dst != 0 || hi->src != 0 || hi->off != 0)
		bad(v, i, PDS_CHK_E_INSN_LDDW,
		    "second slot of lddw must hold only the upper immediate (found opcode 0x%02x)",
		    hi->code);
	if (in->src > max_src)
		bad(v, i, PDS_CHK_E_INSN_REG, "lddw with source field %u", in->src);
	if (in->off != 0)
		bad(v, i, PDS_CHK_E_INSN_OFF, "lddw with non-zero offset %d", in->off);
	v->lddw_tail[i + 1] = 1;
}

static void check_legacy_ld(struct vstate *v, size_t i, const struct pds_insn *in,
			    enum pds_op_kind kind)
{
	check_fields_zero(v, i, in, kind == PDS_OP_LDABS, true, false, "legacy packet load");
	if (in->dst != 0)
		bad(v, i, PDS_CHK_E_INSN_REG, "legacy packet load with destination r%u", in->dst);
}

static bool writes_dst(enum pds_op_kind k)
{
	return k == PDS_OP_ALU || k == PDS_OP_NEG || k == PDS_OP_END || k == PDS_OP_BSWAP ||
	       k == PDS_OP_LDDW || k == PDS_OP_LDX;
}

static void check_slot(struct vstate *v, size_t i)
{
	const struct pds_insn *in = &v->insns[i];
	const struct pds_op_desc *d = pds_decode_desc(v->profile, in->code);

	if (!d) {
		bad(v, i, PDS_CHK_E_INSN_OPCODE, "opcode 0x%02x is not in the %s instruction set",
		    in->code, pds_chk_profile_name(v->profile));
		return;
	}
	if (in->dst > 10 || in->src > 10) {
		bad(v, i, PDS_CHK_E_INSN_REG, "register r%u out of range (r0-r10)",
		    in->dst > 10 ? in->dst : in->src);
		return;
	}
	if (writes_dst(d->kind) && in->dst == 10)
		bad(v, i, PDS_CHK_E_INSN_REG, "write to the read-only frame pointer r10");
	switch (d->kind) {
	case PDS_OP_ALU:
		check_alu(v, i, in);
		break;
	case PDS_OP_NEG:
		check_fields_zero(v, i, in, true, true, true, "negation");
		break;
	case PDS_OP_END:
	case PDS_OP_BSWAP:
		check_end(v, i, in);
		break;
	case PDS_OP_LDDW:
		check_lddw(v, i, in);
		break;
	case PDS_OP_LDX:
	case PDS_OP_ST:
	case PDS_OP_STX:
	case PDS_OP_ATOMIC:
		check_mem(v, i, in, d->kind);
		break;
	case PDS_OP_LDABS:
	case PDS_OP_LDIND:
		check_legacy_ld(v, i, in, d->kind);
		break;
	case PDS_OP_CALL:
		check_call(v, i, in);
		break;
	case PDS_OP_EXIT:
		check_fields_zero(v, i, in, true, true, true, "exit");
		if (in->dst != 0)
			bad(v, i, PDS_CHK_E_INSN_REG, "exit with non-zero register field");
		break;
	default:
		break;
	}
}

static bool is_mem_through_reg(const struct pds_insn *in, enum pds_op_kind k)
{
	if (k == PDS_OP_LDX)
		return in->src != 10;
	if (k == PDS_OP_ST || k == PDS_OP_STX || k == PDS_OP_ATOMIC)
		return in->dst != 10;
	return false;
}

static void check_program(struct vstate *v)
{
	size_t exits = 0, mem = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct pds_op_desc *d;

		if (v->lddw_tail[i])
			continue;
		check_slot(v, i);
		d = pds_decode_desc(v->profile, v->insns[i].code);
		exits += d && d->kind == PDS_OP_EXIT;
		mem += d && is_mem_through_reg(&v->insns[i], d->kind);
	}
	/* Jump targets are checked after every lddw is known. */
	for (size_t i = 0; i < v->n; i++) {
		const struct pds_op_desc *d = pds_decode_desc(v->profile, v->insns[i].code);

		if (!v->lddw_tail[i] && d && v->insns[i].dst <= 10 && v->insns[i].src <= 10)
			check_jump(v, i, &v->insns[i], d->kind);
	}
	if (!exits)
		bad(v, v->n - 1, PDS_CHK_E_INSN_NO_EXIT, "the program has no exit instruction");
	if (v->rules->max_mem_accesses && mem > v->rules->max_mem_accesses)
		bad(v, 0, PDS_CHK_E_INSN_TOO_MANY_MEM,
		    "%zu loads and stores through registers other than r10, more than the %zu "
		    "allowed",
		    mem, v->rules->max_mem_accesses);
}

static void check_last(struct vstate *v)
{
	size_t last = v->n - 1;
	const struct pds_op_desc *d;

	if (v->n >= 2 && v->lddw_tail[last])
		last--;
	d = pds_decode_desc(v->profile, v->insns[last].code);
	if (d && d->kind != PDS_OP_EXIT && d->kind != PDS_OP_JA && d->kind != PDS_OP_JA32)
		bad(v, last, PDS_CHK_E_INSN_FALLTHROUGH,
		    "the last instruction is neither exit nor goto: execution would fall off "
		    "the end");
}

int pds_decode_validate(enum pds_chk_profile p, const struct pds_insn *insns, size_t n,
			const struct pds_validate_ctx *ctx)
{
	struct vstate v = {
		.profile = p, .rules = pds_profile_rules(p), .insns = insns, .n = n, .ctx = ctx};

	if (n == 0) {
		struct pds_loc loc = PDS_LOC_FILE(ctx->file);

		return pds_diag(ctx->sink, PDS_CHK_ERROR, PDS_CHK_E_INSN_NO_EXIT, &loc,
				"the program is empty");
	}
	if (n > v.rules->max_slots) {
		struct pds_loc loc = PDS_LOC_FILE(ctx->file);

		return pds_diag(ctx->sink, PDS_CHK_ERROR, PDS_CHK_E_INSN_TOO_MANY, &loc,
				"%zu instruction slots, more than the %zu allowed", n,
				v.rules->max_slots);
	}
	v.lddw_tail = pds_calloc(n, 1);
	if (!v.lddw_tail)
		return PDS_CHK_E_NOMEM;
	check_program(&v);
	if (!v.first_err)
		check_last(&v);
	free(v.lddw_tail);
	return v.first_err;
}
