// SPDX-License-Identifier: MIT
/*
 * Soundness of the scalar lattice (scalar.c) against concrete eBPF arithmetic.
 *
 * Abstract values are built from small random sets of concrete values (the
 * extremes of each width are favoured), so each comes with members known by
 * construction, plus members sampled from its own bounds.  Every transfer
 * function must keep every concrete outcome: an ALU result (RFC 9669 §4, both
 * classes, both source forms, each profile's division by zero), both edges of
 * every conditional jump (§4.3, JMP and JMP32), join, widening, truncation and
 * sync.  A failure prints the operands and the concrete witness.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mk/cunit.h"
#include "bpf/analysis_int.h"

#define MAXM 8 /* members kept per abstract value */

struct sample {
	struct pds_av av;
	uint64_t m[MAXM];
	int n;
};

static uint64_t rng_state;
static unsigned long long checks;
static unsigned failures;

/* Iterations scale down under the sanitizers (build/san), which run several times slower. */
static int scaled(int n)
{
	const char *dir = getenv("PDS_TEST_BUILD_DIR");

	return dir && strstr(dir, "san") ? n / 4 : n;
}

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const uint64_t edges[] = {
	0,
	1,
	2,
	3,
	5,
	7,
	8,
	0x7f,
	0x80,
	0xff,
	0x100,
	0x7fff,
	0x8000,
	0xffff,
	0x10000,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x100000000ull,
	0x7fffffffffffffffull,
	0x8000000000000000ull,
	0xffffffffffffffffull,
	0xfffffffffffffffeull,
	0xffffffff80000000ull,
	0xffffffffffff8000ull,
	0xffffffffffffff80ull,
};

/* A concrete value shaped like the ones programs compute: small, near a boundary, masked. */
static uint64_t gen_value(void)
{
	uint64_t r = rnd();

	switch (r % 8) {
	case 0:
	case 1:
		return edges[(r >> 8) % PDS_ARRAY_SIZE(edges)];
	case 2:
		return edges[(r >> 8) % PDS_ARRAY_SIZE(edges)] + ((r >> 40) % 5) - 2;
	case 3:
		return (r >> 8) % 64;
	case 4:
		return (r >> 8) & 0xffff;
	case 5:
		return (uint32_t)(r >> 8);
	case 6:
		return (uint64_t) - (int64_t)((r >> 8) % 300);
	default:
		return rnd();
	}
}

static bool member(const struct pds_av *a, uint64_t x)
{
	return a->kind == PDS_AV_SCALAR && x >= a->umin && x <= a->umax && (int64_t)x >= a->smin &&
	       (int64_t)x <= a->smax && (x & ~a->tmask) == a->tval;
}

static void print_av(const char *what, const struct pds_av *a)
{
	fprintf(stderr,
		"    %s: kind %u u[%#" PRIx64 ", %#" PRIx64 "] s[%" PRId64 ", %" PRId64
		"] tnum (%#" PRIx64 ", %#" PRIx64 ")\n",
		what, a->kind, a->umin, a->umax, a->smin, a->smax, a->tval, a->tmask);
}

static void report(const char *what, const struct pds_av *a, const struct pds_av *b,
		   const struct pds_av *r, uint64_t x, uint64_t y, uint64_t z)
{
	failures++;
	if (failures > 12)
		return;
	fprintf(stderr, "  unsound: %s, x %#" PRIx64 " y %#" PRIx64 " -> %#" PRIx64 "\n", what, x,
		y, z);
	print_av("a", a);
	if (b)
		print_av("b", b);
	if (r)
		print_av("result", r);
}

/* Adds members drawn from the abstract value itself. */
static void add_sampled_members(struct sample *s)
{
	for (int tries = 0; tries < 8 && s->n < MAXM; tries++) {
		const struct pds_av *a = &s->av;
		uint64_t span = a->umax - a->umin, x;

		x = a->umin + (span == UINT64_MAX ? rnd() : rnd() % (span + 1));
		x = (x & a->tmask) | a->tval;
		if (tries & 1)
			x = (rnd() & 1) ? a->umin : a->umax;
		if (member(a, x))
			s->m[s->n++] = x;
	}
}

/* The smallest abstract value holding vals, in each of the lattice's views. */
static void from_set(struct pds_av *a, const uint64_t *v, int n)
{
	uint64_t mu = 0;

	pds_av_unknown(a);
	a->umin = UINT64_MAX;
	a->umax = 0;
	a->smin = INT64_MAX;
	a->smax = INT64_MIN;
	for (int i = 0; i < n; i++) {
		a->umin = v[i] < a->umin ? v[i] : a->umin;
		a->umax = v[i] > a->umax ? v[i] : a->umax;
		a->smin = (int64_t)v[i] < a->smin ? (int64_t)v[i] : a->smin;
		a->smax = (int64_t)v[i] > a->smax ? (int64_t)v[i] : a->smax;
		mu |= v[i] ^ v[0];
	}
	a->tmask = mu;
	a->tval = v[0] & ~mu;
}

static void gen_sample(struct sample *s)
{
	uint64_t r = rnd();
	uint64_t lo, hi;

	memset(s, 0, sizeof(*s));
	switch (r % 6) {
	case 0:
		s->m[0] = gen_value();
		pds_av_const(&s->av, s->m[0]);
		s->n = 1;
		break;
	case 1:
		pds_av_unknown(&s->av);
		break;
	case 2:
		lo = gen_value();
		hi = gen_value();
		if (lo > hi) {
			uint64_t t = lo;

			lo = hi;
			hi = t;
		}
		pds_av_urange(&s->av, lo, hi);
		s->m[s->n++] = lo;
		s->m[s->n++] = hi;
		break;
	default:
		s->n = 1 + (int)((r >> 8) % 4);
		for (int i = 0; i < s->n; i++)
			s->m[i] = gen_value();
		from_set(&s->av, s->m, s->n);
		break;
	}
	/* sync must keep every member it was built from */
	if (!pds_av_sync(&s->av) && s->n > 0)
		report("sync called a non-empty value empty", &s->av, NULL, NULL, s->m[0], 0, 0);
	for (int i = 0; i < s->n; i++) {
		checks++;
		if (!member(&s->av, s->m[i]))
			report("sync lost a member", &s->av, NULL, NULL, s->m[i], 0, 0);
	}
	add_sampled_members(s);
}

/* ------------------------------------------------------------------ concrete semantics */

static uint64_t sext_bits(uint64_t v, int bits)
{
	int sh = 64 - bits;

	return (uint64_t)((int64_t)(v << sh) >> sh);
}

static uint64_t bswap_w(uint64_t v, int w)
{
	return w == 16	 ? __builtin_bswap16((uint16_t)v)
	       : w == 32 ? __builtin_bswap32((uint32_t)v)
			 : __builtin_bswap64(v);
}

/* Signed division and remainder, RFC 9669 §4.1 (truncating; INT_MIN / -1 wraps). */
static int64_t sdiv(int64_t a, int64_t b, bool mod, int width)
{
	int64_t min = width == 64 ? INT64_MIN : INT32_MIN;

	if (b == -1 && a == min)
		return mod ? 0 : a;
	return mod ? a % b : a / b;
}

/* One binary operation on width-bit operands (a and b already narrowed); false
 * when the run stops (PQUIC's division by zero). */
static bool eval_bin(uint8_t op, int16_t off, int width, uint64_t a, uint64_t b,
		     enum pds_chk_profile p, uint64_t *out)
{
	uint64_t mask = width == 64 ? UINT64_MAX : 0xffffffffull;
	int64_t sa = width == 64 ? (int64_t)a : (int32_t)a,
		sb = width == 64 ? (int64_t)b : (int32_t)b;

	switch (op) {
	case BPF_ADD:
		*out = a + b;
		break;
	case BPF_SUB:
		*out = a - b;
		break;
	case BPF_MUL:
		*out = a * b;
		break;
	case BPF_OR:
		*out = a | b;
		break;
	case BPF_AND:
		*out = a & b;
		break;
	case BPF_XOR:
		*out = a ^ b;
		break;
	case BPF_LSH:
		*out = a << (b & (uint64_t)(width - 1));
		break;
	case BPF_RSH:
		*out = a >> (b & (uint64_t)(width - 1));
		break;
	case BPF_ARSH:
		*out = (uint64_t)(sa >> (b & (uint64_t)(width - 1)));
		break;
	case BPF_NEG:
		*out = 0 - a;
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (b == 0 && p == PDS_CHK_PROFILE_PQUIC)
			return false;
		if (b == 0) /* kernel: quotient 0, remainder the dividend */
			*out = op == BPF_DIV ? 0 : a;
		else if (off == 1)
			*out = (uint64_t)sdiv(sa, sb, op == BPF_MOD, width);
		else
			*out = op == BPF_DIV ? a / b : a % b;
		break;
	default:
		return false;
	}
	*out &= mask;
	return true;
}

static bool eval_alu(const struct pds_insn *in, enum pds_chk_profile p, uint64_t d, uint64_t s,
		     uint64_t *out)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	uint8_t op = BPF_OP(in->code);

	if (op == BPF_END) {
		if (is64)
			*out = bswap_w(d, in->imm);
		else if (BPF_SRC(in->code) == BPF_TO_BE)
			*out = bswap_w(d, in->imm);
		else
			*out = in->imm == 64 ? d : d & ((1ull << in->imm) - 1);
		return true;
	}
	if (op == BPF_MOV) {
		uint64_t v = in->off ? sext_bits(s, in->off) : s;

		*out = is64 ? v : (uint32_t)v;
		return true;
	}
	if (is64)
		return eval_bin(op, in->off, 64, d, s, p, out);
	return eval_bin(op, in->off, 32, (uint32_t)d, (uint32_t)s, p, out);
}

static bool eval_cond(uint8_t op, bool jmp32, uint64_t a, uint64_t b)
{
	int64_t sa = jmp32 ? (int32_t)a : (int64_t)a, sb = jmp32 ? (int32_t)b : (int64_t)b;

	if (jmp32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSGT:
		return sa > sb;
	case BPF_JSGE:
		return sa >= sb;
	case BPF_JSLT:
		return sa < sb;
	case BPF_JSLE:
		return sa <= sb;
	case BPF_JSET:
		return (a & b) != 0;
	default:
		return false;
	}
}

/* ------------------------------------------------------------------ ALU */

struct alu_case {
	uint8_t op;
	int16_t off;
	int32_t imm; /* END: width */
	bool kernel_only;
};

static const struct alu_case alu_cases[] = {
	{BPF_ADD, 0, 0, false},	 {BPF_SUB, 0, 0, false},  {BPF_MUL, 0, 0, false},
	{BPF_DIV, 0, 0, false},	 {BPF_MOD, 0, 0, false},  {BPF_DIV, 1, 0, true},
	{BPF_MOD, 1, 0, true},	 {BPF_OR, 0, 0, false},	  {BPF_AND, 0, 0, false},
	{BPF_XOR, 0, 0, false},	 {BPF_LSH, 0, 0, false},  {BPF_RSH, 0, 0, false},
	{BPF_ARSH, 0, 0, false}, {BPF_NEG, 0, 0, false},  {BPF_MOV, 0, 0, false},
	{BPF_MOV, 8, 0, true},	 {BPF_MOV, 16, 0, true},  {BPF_MOV, 32, 0, true},
	{BPF_END, 0, 16, false}, {BPF_END, 0, 32, false}, {BPF_END, 0, 64, false},
};

/* Checks one instruction over every member pair; src is what absint passes. */
static void check_alu_insn(const struct pds_insn *in, enum pds_chk_profile p,
			   const struct sample *a, const struct pds_av *src, const uint64_t *ys,
			   int ny)
{
	struct pds_av r = a->av;
	char what[96];

	pds_av_alu(&r, src, in, p);
	for (int i = 0; i < a->n; i++) {
		for (int j = 0; j < ny; j++) {
			uint64_t z;

			if (!eval_alu(in, p, a->m[i], ys[j], &z))
				continue;
			checks++;
			if (member(&r, z))
				continue;
			snprintf(what, sizeof(what), "alu code %#x off %d imm %d (%s)", in->code,
				 in->off, in->imm, pds_chk_profile_name(p));
			report(what, &a->av, src, &r, a->m[i], ys[j], z);
		}
	}
}

static void check_alu(const struct alu_case *c, enum pds_chk_profile p, const struct sample *a,
		      const struct sample *b)
{
	for (int cls = 0; cls < 2; cls++) {
		bool is64 = cls == 1;
		struct pds_insn in = {.off = c->off, .imm = c->imm, .dst = 1, .src = 2};
		struct pds_av k;
		uint64_t y;

		if (c->off == 32 && !is64)
			continue; /* movsx32 exists only in ALU64 */
		in.code = (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | c->op);
		if (c->op == BPF_END) {
			/* ALU: to le (K) and to be (X); ALU64: bswap, kernel only */
			if (is64 && p != PDS_CHK_PROFILE_KERNEL)
				continue;
			y = 0; /* no source operand */
			for (int be = 0; be < 2 && !(is64 && be); be++) {
				in.code = (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | BPF_END |
						    (be ? BPF_TO_BE : BPF_TO_LE));
				check_alu_insn(&in, p, a, &b->av, &y, 1);
			}
			continue;
		}
		/* X form */
		in.code |= BPF_X;
		check_alu_insn(&in, p, a, &b->av, b->m, b->n);
		/* K form: the immediate as absint passes it (sign-extended in ALU64) */
		in.code &= (uint8_t)~BPF_X;
		in.imm = (int32_t)(c->op == BPF_LSH || c->op == BPF_RSH || c->op == BPF_ARSH
					   ? rnd() % 64
					   : gen_value());
		y = is64 ? (uint64_t)(int64_t)in.imm : (uint32_t)in.imm;
		pds_av_const(&k, y);
		check_alu_insn(&in, p, a, &k, &y, 1);
	}
}

static void test_alu(void)
{
	unsigned long long before = checks;

	rng_state = 0x5ca1a4;
	failures = 0;
	for (int iter = 0; iter < scaled(20000); iter++) {
		struct sample a, b;

		gen_sample(&a);
		gen_sample(&b);
		for (int p = 0; p < 2; p++)
			for (size_t c = 0; c < PDS_ARRAY_SIZE(alu_cases); c++)
				if (p == PDS_CHK_PROFILE_KERNEL || !alu_cases[c].kernel_only)
					check_alu(&alu_cases[c], (enum pds_chk_profile)p, &a, &b);
	}
	printf("  %llu ALU checks, %u unsound\n", checks - before, failures);
	CU_ASSERT(checks - before > 100000);
	CU_ASSERT_EQUAL(failures, 0);
}

/* ------------------------------------------------------------------ conditions */

static const uint8_t jmp_ops[] = {BPF_JEQ,  BPF_JNE,  BPF_JGT,	BPF_JGE,  BPF_JLT, BPF_JLE,
				  BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET};

static void check_refine(uint8_t op, bool jmp32, bool taken, const struct sample *a,
			 const struct pds_av *bav, const uint64_t *ys, int ny)
{
	struct pds_av ra = a->av, rb = *bav;
	bool feasible = pds_av_refine(&ra, &rb, op, jmp32, taken);
	char what[96];

	for (int i = 0; i < a->n; i++) {
		for (int j = 0; j < ny; j++) {
			if (eval_cond(op, jmp32, a->m[i], ys[j]) != taken)
				continue;
			checks++;
			if (feasible && member(&ra, a->m[i]) && member(&rb, ys[j]))
				continue;
			snprintf(what, sizeof(what), "refine %s op %#x %s edge%s",
				 jmp32 ? "jmp32" : "jmp", op, taken ? "taken" : "fall-through",
				 feasible ? "" : " called infeasible");
			report(what, &a->av, bav,
			       feasible ? (member(&ra, a->m[i]) ? &rb : &ra) : NULL, a->m[i], ys[j],
			       taken);
		}
	}
}

static void test_refine(void)
{
	unsigned long long before = checks;

	rng_state = 0x7e7e;
	failures = 0;
	for (int iter = 0; iter < scaled(40000); iter++) {
		struct sample a, b;

		gen_sample(&a);
		gen_sample(&b);
		for (size_t o = 0; o < PDS_ARRAY_SIZE(jmp_ops); o++) {
			for (int f = 0; f < 4; f++) {
				bool jmp32 = f & 1, taken = f & 2;
				int32_t imm = (int32_t)gen_value();
				uint64_t y = jmp32 ? (uint32_t)imm : (uint64_t)(int64_t)imm;
				struct pds_av k;

				check_refine(jmp_ops[o], jmp32, taken, &a, &b.av, b.m, b.n);
				/* K form, as absint passes the immediate */
				pds_av_const(&k, y);
				check_refine(jmp_ops[o], jmp32, taken, &a, &k, &y, 1);
			}
		}
	}
	printf("  %llu refinement checks, %u unsound\n", checks - before, failures);
	CU_ASSERT(checks - before > 100000);
	CU_ASSERT_EQUAL(failures, 0);
}

/* ------------------------------------------------------------------ join, widen, truncate */

static void check_contains(const char *what, const struct pds_av *r, const struct sample *a,
			   const struct sample *b)
{
	for (int i = 0; i < a->n + b->n; i++) {
		uint64_t x = i < a->n ? a->m[i] : b->m[i - a->n];

		checks++;
		if (!member(r, x))
			report(what, &a->av, &b->av, r, x, 0, x);
	}
}

static void test_join_widen_truncate(void)
{
	unsigned long long before = checks;

	rng_state = 0x101;
	failures = 0;
	for (int iter = 0; iter < scaled(300000); iter++) {
		struct sample a, b, none = {.n = 0};
		struct pds_av r;
		static const int sizes[] = {1, 2, 4, 8};

		gen_sample(&a);
		gen_sample(&b);
		r = a.av;
		pds_av_join(&r, &b.av);
		check_contains("join", &r, &a, &b);
		r = a.av;
		pds_av_widen(&r, &b.av);
		check_contains("widen", &r, &a, &b);
		for (size_t s = 0; s < PDS_ARRAY_SIZE(sizes); s++) {
			uint64_t mask = sizes[s] == 8 ? UINT64_MAX : (1ull << (sizes[s] * 8)) - 1;
			struct sample t = a;

			r = a.av;
			pds_av_truncate(&r, sizes[s]);
			for (int i = 0; i < t.n; i++)
				t.m[i] &= mask;
			check_contains("truncate", &r, &t, &none);
		}
	}
	printf("  %llu join/widen/truncate checks, %u unsound\n", checks - before, failures);
	CU_ASSERT(checks - before > 100000);
	CU_ASSERT_EQUAL(failures, 0);
}

/* Widening reaches a fixpoint: repeated widening by a growing counter stops growing. */
static void test_widen_terminates(void)
{
	struct pds_av a, step;
	int rounds;

	pds_av_const(&a, 0);
	for (rounds = 0; rounds < 64; rounds++) {
		struct pds_av next = a, prev = a;
		struct pds_insn add = {.code = BPF_ALU64 | BPF_ADD | BPF_K, .imm = 3};

		pds_av_const(&step, 3);
		pds_av_alu(&next, &step, &add, PDS_CHK_PROFILE_KERNEL);
		pds_av_widen(&a, &next);
		if (pds_av_equal(&a, &prev))
			break;
	}
	CU_ASSERT(rounds < 16);
	CU_ASSERT(member(&a, 0) && member(&a, 3000) && member(&a, UINT64_MAX - 2));
}

PDS_TEST_MAIN("scalar", PDS_TEST(test_alu), PDS_TEST(test_refine),
	      PDS_TEST(test_join_widen_truncate), PDS_TEST(test_widen_terminates))
