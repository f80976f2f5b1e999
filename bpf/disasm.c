// SPDX-License-Identifier: MIT
/*
 * Disassembly in llvm-objdump's BPF syntax, with what the reader resolved:
 * helper, kfunc and subprogram names on calls, string constants, maps and
 * global data on lddw, and source lines interleaved when line info exists.
 */
#include <inttypes.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=",	[BPF_SUB >> 4] = "-=",	[BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=",	[BPF_OR >> 4] = "|=",	[BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=",	[BPF_MOV >> 4] = "=",	[BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==",	 [BPF_JGT >> 4] = ">",	  [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&",	 [BPF_JNE >> 4] = "!=",	  [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<",	  [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<",	 [BPF_JSLE >> 4] = "s<=",
};

static const char *const size_names[4] = {"u32", "u16", "u8", "u64"};
static const char *const ssize_names[4] = {"s32", "s16", "s8", "s64"};

struct out {
	char *buf;
	size_t size, len;
};

PDS_PRINTF(2, 3)
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + (o->len < o->size ? o->len : o->size),
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* C-style escapes, so that a constant never breaks the one-line-per-instruction layout. */
static void put_escaped(struct out *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			put(o, "\\n");
		else if (*p == '\t')
			put(o, "\\t");
		else if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			put(o, "\\x%02x", *p);
		else
			put(o, "%c", *p);
	}
}

static void mem_operand(struct out *o, uint8_t code, uint8_t reg, int16_t off, bool sx)
{
	unsigned sz = BPF_SIZE(code) >> 3;

	put(o, "*(%s *)(r%u %c %d)", sx ? ssize_names[sz] : size_names[sz], reg,
	    off < 0 ? '-' : '+', off < 0 ? -(int)off : off);
}

static void text_alu(struct out *o, const struct pds_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	uint8_t op = BPF_OP(in->code);
	const char *sym = alu_ops[op >> 4];

	if (op == BPF_MOV && in->off && BPF_SRC(in->code) == BPF_X) {
		put(o, "%c%u = (s%d)%c%u", r, in->dst, in->off, r, in->src);
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
		put(o, "%c%u s%s ", r, in->dst, sym);
	else
		put(o, "%c%u %s ", r, in->dst, sym);
	if (BPF_SRC(in->code) == BPF_X)
		put(o, "%c%u", r, in->src);
	else
		put(o, "%d", in->imm);
}

static void text_atomic(struct out *o, const struct pds_insn *in)
{
	const char *sz = BPF_SIZE(in->code) == BPF_DW ? "u64" : "u32";
	int32_t op = in->imm & ~BPF_FETCH;
	const char *name = op == BPF_ADD   ? "add"
			   : op == BPF_OR  ? "or"
			   : op == BPF_AND ? "and"
					   : "xor";

	char c = in->off < 0 ? '-' : '+';
	int off = in->off < 0 ? -(int)in->off : in->off;

	if (in->imm == BPF_XCHG)
		put(o, "r%u = xchg_%s((%s *)(r%u %c %d), r%u)", in->src, sz + 1, sz, in->dst, c,
		    off, in->src);
	else if (in->imm == BPF_CMPXCHG)
		put(o, "r0 = cmpxchg_%s(r%u %c %d, r0, r%u)", sz + 1, in->dst, c, off, in->src);
	else if (in->imm & BPF_FETCH)
		put(o, "r%u = atomic_fetch_%s((%s *)(r%u %c %d), r%u)", in->src, name, sz, in->dst,
		    c, off, in->src);
	else
		put(o, "lock *(%s *)(r%u %c %d) %s r%u", sz, in->dst, c, off,
		    alu_ops[(op & 0xf0) >> 4], in->src);
}

static void text_jump(struct out *o, const struct pds_insn *in, size_t slot)
{
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
	int64_t rel = in->code == (BPF_JMP32 | BPF_JA) ? in->imm : in->off;

	if (BPF_OP(in->code) == BPF_JA) {
		put(o, "%s %+" PRId64 " <%" PRId64 ">",
		    BPF_CLASS(in->code) == BPF_JMP32 ? "gotol" : "goto", rel,
		    (int64_t)slot + 1 + rel);
		return;
	}
	put(o, "if %c%u %s ", r, in->dst, jmp_ops[BPF_OP(in->code) >> 4]);
	if (BPF_SRC(in->code) == BPF_X)
		put(o, "%c%u", r, in->src);
	else
		put(o, "%d", in->imm);
	put(o, " goto %+" PRId64 " <%" PRId64 ">", rel, (int64_t)slot + 1 + rel);
}

static void text_call(struct out *o, const struct pds_insn_ref *ref, const struct pds_insn *in)
{
	if (ref && ref->name)
		put(o, "call %s", ref->name);
	else
		put(o, "call %d", in->imm);
	if (ref && ref->kind == PDS_REF_HELPER && ref->helper_id >= 0 && ref->name)
		put(o, " #%d", ref->helper_id);
}

static void text_lddw(struct out *o, const struct pds_insn *in, const struct pds_insn_ref *ref)
{
	uint64_t v = (uint32_t)in[0].imm | ((uint64_t)(uint32_t)in[1].imm << 32);

	put(o, "r%u = 0x%" PRIx64 " ll", in->dst, v);
	if (!ref)
		return;
	switch (ref->kind) {
	case PDS_REF_STRING:
		put(o, " ; \"");
		put_escaped(o, ref->string);
		put(o, "\" (%s+%" PRIu64 "%s)", ref->name, ref->value_off,
		    ref->addend_ignored ? ", addend ignored by PQUIC" : "");
		break;
	case PDS_REF_MAP:
		put(o, " ; map %s", ref->name);
		break;
	case PDS_REF_MAP_VALUE:
		put(o, " ; %s+%" PRIu64, ref->name, ref->value_off);
		break;
	case PDS_REF_FUNC_ADDR:
		put(o, " ; address of <%u>", ref->target);
		break;
	default:
		break;
	}
}

static void text_mem(struct out *o, const struct pds_insn *in, enum pds_op_kind kind)
{
	switch (kind) {
	case PDS_OP_LDX:
		put(o, "r%u = ", in->dst);
		mem_operand(o, in->code, in->src, in->off, BPF_MODE(in->code) == PDS_BPF_MEMSX);
		break;
	case PDS_OP_ST:
		mem_operand(o, in->code, in->dst, in->off, false);
		put(o, " = %d", in->imm);
		break;
	case PDS_OP_STX:
		mem_operand(o, in->code, in->dst, in->off, false);
		put(o, " = r%u", in->src);
		break;
	case PDS_OP_LDABS:
		put(o, "r0 = *(%s *)skb[%d]", size_names[BPF_SIZE(in->code) >> 3], in->imm);
		break;
	default: /* PDS_OP_LDIND */
		put(o, "r0 = *(%s *)skb[r%u + %d]", size_names[BPF_SIZE(in->code) >> 3], in->src,
		    in->imm);
		break;
	}
}

PDS_API int pds_chk_insn_text(const struct pds_chk_prog *prog, size_t slot, char *buf, size_t size)
{
	struct out o = {buf, size, 0};
	const struct pds_insn *in;
	const struct pds_op_desc *d;

	if (size)
		buf[0] = '\0';
	if (slot >= prog->nslots)
		return -1;
	in = &prog->insns[slot];
	d = pds_decode_desc(prog->obj->profile, in->code);
	if (!d) {
		put(&o, "<unknown opcode 0x%02x>", in->code);
		return (int)o.len;
	}
	switch (d->kind) {
	case PDS_OP_ALU:
		text_alu(&o, in);
		break;
	case PDS_OP_NEG:
		put(&o, "%c%u = -%c%u", BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w', in->dst,
		    BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w', in->dst);
		break;
	case PDS_OP_END:
		put(&o, "r%u = %s%d r%u", in->dst, BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
		    in->imm, in->dst);
		break;
	case PDS_OP_BSWAP:
		put(&o, "r%u = bswap%d r%u", in->dst, in->imm, in->dst);
		break;
	case PDS_OP_LDDW:
		if (slot + 1 < prog->nslots)
			text_lddw(&o, in, pds_chk_prog_ref(prog, slot));
		break;
	case PDS_OP_ATOMIC:
		text_atomic(&o, in);
		break;
	case PDS_OP_JA:
	case PDS_OP_JA32:
	case PDS_OP_JCOND:
		text_jump(&o, in, slot);
		break;
	case PDS_OP_CALL:
		text_call(&o, pds_chk_prog_ref(prog, slot), in);
		break;
	case PDS_OP_EXIT:
		put(&o, "exit");
		break;
	default:
		text_mem(&o, in, d->kind);
		break;
	}
	return (int)o.len;
}

static void print_source(const struct pds_chk_prog *prog, size_t slot, FILE *out,
			 struct pds_srcloc *last)
{
	struct pds_srcloc loc;

	if (pds_chk_prog_srcloc(prog, slot, &loc) != 0)
		return;
	if (last->file && last->line == loc.line && !strcmp(last->file, loc.file))
		return;
	*last = loc;
	if (loc.text && loc.text[0])
		fprintf(out, "; %s:%u: %s\n", loc.file, loc.line, loc.text);
	else
		fprintf(out, "; %s:%u\n", loc.file, loc.line);
}

static void print_label(const struct pds_chk_prog *prog, size_t slot, FILE *out)
{
	for (size_t i = 0; i < prog->nsubs; i++) {
		if (prog->sub_starts[i] != slot)
			continue;
		if (slot)
			fputc('\n', out);
		fprintf(out, "%016zx <%s>:\n", slot * 8, prog->sub_names[i]);
	}
}

PDS_API int pds_chk_disasm(const struct pds_chk_prog *prog, FILE *out, unsigned flags)
{
	struct pds_srcloc last = {0};
	char text[512];

	fprintf(out, "Disassembly of program %s (section %s, %zu instructions):\n\n", prog->name,
		prog->section, pds_chk_prog_insn_count(prog));
	for (size_t i = 0; i < prog->nslots; i++) {
		const uint8_t *b = (const uint8_t *)&prog->insns[i];
		bool wide = pds_insn_is_lddw(&prog->insns[i]) && i + 1 < prog->nslots;

		print_label(prog, i, out);
		if (flags & PDS_DISASM_SOURCE)
			print_source(prog, i, out, &last);
		pds_chk_insn_text(prog, i, text, sizeof(text));
		fprintf(out, "%8zu:", i);
		if (flags & PDS_DISASM_BYTES)
			fprintf(out, "\t%02x %02x %02x %02x %02x %02x %02x %02x", b[0], b[1], b[2],
				b[3], b[4], b[5], b[6], b[7]);
		fprintf(out, "\t%s\n", text);
		if (wide && (flags & PDS_DISASM_BYTES)) {
			b = (const uint8_t *)&prog->insns[i + 1];
			fprintf(out, "\t\t%02x %02x %02x %02x %02x %02x %02x %02x\n", b[0], b[1],
				b[2], b[3], b[4], b[5], b[6], b[7]);
		}
		i += wide;
	}
	return ferror(out) ? PDS_CHK_E_IO : 0;
}
