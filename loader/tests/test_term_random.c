// SPDX-License-Identifier: MIT
/*
 * Differential soundness of the termination analysis against the interpreter.
 *
 * A seeded generator writes valid programs in both profiles with loops of many
 * shapes (counters up and down, 64-bit, ALU32, the <<32 >>32 and <<32 s>>32
 * sign/zero-extension idioms, 8/16-bit views, steps 1..5, every compare signed
 * and unsigned, JMP32, bounds that are constants, getter results, plugin memory
 * and stack reloads, enclosing loops' counters (triangular nests), counters
 * kept on the stack, nesting, several exits, breaks and early exits, and writes
 * over spilled limits and counters: a misaligned store, helpers given a stack
 * pointer, and a store through a stack address kept in plugin memory).  The
 * analysis must never under-estimate (DESIGN: a proven bound B means no run
 * executes more than B instructions), so each proven program is run many times
 * with adversarial host results under a budget of B + 1 and must finish within
 * B; a run that finishes must never pass the head of a loop reported as failing.
 * A violation prints the seed and the listing.
 *
 * PDS_TEST_RANDOM_PROGRAMS sets the number of programs (default 4000 in the
 * release build, 600 under the sanitizers); PDS_TEST_RANDOM_SEED the first seed.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mk/cunit.h"
#include "loader/tests/util.h"

#define MAXI 400
#define MAX_SITES 16
#define RUN_CAP 3000000ull     /* proven bounds above this are run under this budget */
#define FAIL_BUDGET 1000000ull /* budget of runs of programs with a failing loop */
#define KEY_NB_PATHS 0x2d
#define KERNEL_KTIME 5	      /* bpf_ktime_get_ns: an arbitrary 64-bit value */
#define KERNEL_PROBE_READ 113 /* bpf_probe_read_kernel(dst, size, src) */

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})

enum { W = 0x00, H = 0x08, B = 0x10, DW = 0x18 };
enum { ALU = 0x04, ALU64 = 0x07, JMP = 0x05, JMP32 = 0x06, X = 0x08 };
enum { ADD = 0x00, SUB = 0x10, MUL = 0x20, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70 };
enum { MOV = 0xb0, XOR = 0xa0, ARSH = 0xc0 };
enum { JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JNE = 0x50, JSGT = 0x60, JSGE = 0x70 };
enum { JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0 };

/* Values a hostile host returns: the extremes of each type. */
static const uint64_t extremes[] = {0,		1,	    2,
				    5,		0x7f,	    0xff,
				    0x100,	0xffff,	    0x7fffffff,
				    0x80000000, 0xffffffff, 0x100000000ull,
				    INT64_MAX,	UINT64_MAX, UINT64_MAX - 1};

/* ------------------------------------------------------------------ random */

static uint64_t rs;

static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static bool chance(unsigned percent)
{
	return pick(100) < percent;
}

/* ------------------------------------------------------------------ generator */

struct gen {
	enum pds_chk_profile p;
	struct pds_insn ins[MAXI];
	const char *helpers[MAXI];
	int n;
	bool overflow;
	bool has_fact;
	uint64_t fact_max;
	int nsites; /* getter, ktime and my_malloc calls */
};

static int emit(struct gen *g, struct pds_insn in)
{
	if (g->n >= MAXI - 2) {
		g->overflow = true;
		return g->n - 1;
	}
	g->ins[g->n] = in;
	return g->n++;
}

/* Patches the jump at slot j to land on slot target. */
static void land(struct gen *g, int j, int target)
{
	if (!g->overflow)
		g->ins[j].off = (int16_t)(target - j - 1);
}

static void mov_imm(struct gen *g, int r, int32_t v)
{
	emit(g, INSN(ALU64 | MOV, r, 0, 0, v));
}

static void lddw(struct gen *g, int r, uint64_t v)
{
	emit(g, INSN(0x18, r, 0, 0, (int32_t)(uint32_t)v));
	emit(g, INSN(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)));
}

static void call(struct gen *g, const char *pquic_name, int32_t kernel_id)
{
	int at = emit(g, INSN(0x85, 0, 0, 0, g->p == PDS_CHK_PROFILE_KERNEL ? kernel_id : 0));

	if (!g->overflow)
		g->helpers[at] = g->p == PDS_CHK_PROFILE_PQUIC ? pquic_name : NULL;
	g->nsites++;
}

static const uint8_t negated[16] = {
	[JEQ >> 4] = JNE,   [JNE >> 4] = JEQ,	[JGT >> 4] = JLE,   [JLE >> 4] = JGT,
	[JGE >> 4] = JLT,   [JLT >> 4] = JGE,	[JSGT >> 4] = JSLE, [JSLE >> 4] = JSGT,
	[JSGE >> 4] = JSLT, [JSLT >> 4] = JSGE,
};

static const uint8_t mirrored[16] = {
	[JEQ >> 4] = JEQ,   [JNE >> 4] = JNE,	[JGT >> 4] = JLT,   [JLE >> 4] = JGE,
	[JGE >> 4] = JLE,   [JLT >> 4] = JGT,	[JSGT >> 4] = JSLT, [JSLE >> 4] = JSGE,
	[JSGE >> 4] = JSLE, [JSLT >> 4] = JSGT,
};

/* "if r OP K: r0 = code; exit": an extra exit path. */
static void exit_if(struct gen *g, uint8_t op, int r, int32_t k, int32_t code)
{
	emit(g, INSN(JMP | negated[op >> 4], r, 0, 2, k));
	mov_imm(g, 0, code);
	emit(g, INSN(0x95, 0, 0, 0, 0));
}

/* Counter widths and views. */
enum width { W64, W32, SHIFT_ZX, SHIFT_SX, VIEW8, VIEW16, NWIDTH };

/* Registers of each nesting level: counter, limit (callee-saved where a call may follow). */
static const int ctr_reg[3] = {7, 9, 3};
static const int lim_reg[3] = {8, 4, 5};
static const int16_t spill_off[3] = {-8, -16, -24};
static const int16_t ctr_off[3] = {-32, -40, -48}; /* counters kept on the stack */

/*
 * Puts a limit value into r: a constant, a getter's result (PQUIC get_cnx with a
 * constant key; kernel bpf_ktime_get_ns), a value read from plugin memory, each
 * possibly masked, guarded by an early exit, or spilled and reloaded.  Level 2
 * makes no calls (its enclosing loops keep registers in r1-r5).
 */
static void gen_source(struct gen *g, int level, int r)
{
	unsigned kind = level == 2 ? 0 : pick(4);

	if (level > 0 && chance(25)) {
		/* a triangular nest: the enclosing loop's counter, maybe offset or masked */
		emit(g, INSN(ALU64 | MOV | X, r, ctr_reg[level - 1], 0, 0));
		if (chance(40))
			emit(g, INSN(ALU64 | ADD, r, 0, 0, (int32_t)pick(4) - 1));
		if (chance(20))
			emit(g, INSN(ALU64 | AND, r, 0, 0, 0xff));
		return;
	}

	if (kind == 0) {
		mov_imm(g, r, (int32_t)(1 + pick(chance(80) ? 40 : 300)));
		return;
	}
	if (kind == 3 && g->p == PDS_CHK_PROFILE_PQUIC && level == 0) {
		/* plugin memory: p = my_malloc(16); if (!p) exit; r = *p */
		static const uint8_t sizes[] = {B, H, W, DW};

		mov_imm(g, 1, 16);
		call(g, "my_malloc", 0);
		exit_if(g, JEQ, 0, 0, 0);
		emit(g, INSN(0x61 | sizes[pick(4)], r, 0, 0, 0));
	} else if (g->p == PDS_CHK_PROFILE_PQUIC) {
		emit(g, INSN(ALU64 | MOV | X, 1, 6, 0, 0));
		mov_imm(g, 2, KEY_NB_PATHS);
		mov_imm(g, 3, 0);
		call(g, "get_cnx", 0);
		emit(g, INSN(ALU64 | MOV | X, r, 0, 0, 0));
	} else {
		call(g, NULL, KERNEL_KTIME);
		emit(g, INSN(ALU64 | MOV | X, r, 0, 0, 0));
	}
	switch (pick(6)) {
	case 0:
		emit(g, INSN(ALU64 | AND, r, 0, 0, chance(50) ? 0xff : 0xffff));
		break;
	case 1:
		emit(g, INSN(ALU | MOV | X, r, r, 0, 0)); /* zero-extend the low half */
		break;
	case 2: /* if (r > K) return: the usual guard on a host value */
		exit_if(g, chance(70) ? JGT : JSGT, r, (int32_t)(1 + pick(200)), 0);
		break;
	default:
		break;
	}
}

struct loop_shape {
	bool up, top_test, jmp32, swap, cmp_k, spill, spill32, spill_ctr;
	enum width width;
	int step;
	uint8_t op; /* "continue while counter OP limit" */
};

static void pick_shape(struct gen *g, struct loop_shape *s)
{
	static const uint8_t up_ops[] = {JLT, JLE, JNE, JSLT, JSLE};
	static const uint8_t down_ops[] = {JGT, JGE, JNE, JSGT, JSGE};
	static const uint8_t any_ops[] = {JEQ, JNE, JGT, JGE, JLT, JLE, JSGT, JSGE, JSLT, JSLE};

	memset(s, 0, sizeof(*s));
	s->up = chance(60);
	s->top_test = chance(50);
	s->width = (enum width)pick(NWIDTH);
	s->step = chance(60) ? 1 : (int)(1 + pick(5));
	if (chance(85))
		s->op = s->up ? up_ops[pick(5)] : down_ops[pick(5)];
	else
		s->op = any_ops[pick(10)];
	s->jmp32 = g->p == PDS_CHK_PROFILE_KERNEL && chance(s->width == W32 ? 60 : 15);
	s->swap = chance(20);
	s->cmp_k = chance(30);
	s->spill = !s->cmp_k && chance(25);
	s->spill32 = s->spill && chance(30);
	s->spill_ctr = chance(25);
}

/* Narrows the counter after each step as the shape's width says. */
static void apply_width(struct gen *g, int c, enum width w)
{
	switch (w) {
	case SHIFT_ZX:
		emit(g, INSN(ALU64 | LSH, c, 0, 0, 32));
		emit(g, INSN(ALU64 | RSH, c, 0, 0, 32));
		break;
	case SHIFT_SX:
		emit(g, INSN(ALU64 | LSH, c, 0, 0, 32));
		emit(g, INSN(ALU64 | ARSH, c, 0, 0, 32));
		break;
	case VIEW8:
		emit(g, INSN(ALU64 | AND, c, 0, 0, 0xff));
		break;
	case VIEW16:
		emit(g, INSN(ALU64 | AND, c, 0, 0, 0xffff));
		break;
	default:
		break;
	}
}

static void gen_loop(struct gen *g, int level);

/*
 * Writes over a spilled limit (of this loop or an enclosing one) by a way the
 * analysis must see: a misaligned store across two slots; at level 0, a
 * helper writing through a stack pointer (my_memset, bpf_probe_read_kernel),
 * or, in PQUIC, a store through the slot's address kept in plugin memory and
 * reloaded as a number. The value written is a hostile one.
 */
static void clobber_spill(struct gen *g, int level)
{
	int lev = (int)pick((unsigned)level + 1);
	int16_t off = chance(50) ? spill_off[lev] : ctr_off[lev];
	unsigned how = level == 0 ? pick(g->p == PDS_CHK_PROFILE_PQUIC ? 3 : 2) : 0;
	int skip;

	switch (how) {
	case 0: /* *(u64 *)(r10 + off - 4) = r0: the low half of the slot, and the next */
		emit(g, INSN(0x63 | DW, 10, 0, (int16_t)(off - 4), 0));
		break;
	case 1:
		emit(g, INSN(ALU64 | MOV | X, 1, 10, 0, 0));
		emit(g, INSN(ALU64 | ADD, 1, 0, 0, off));
		if (g->p == PDS_CHK_PROFILE_PQUIC) {
			mov_imm(g, 2, chance(50) ? 0xff : (int32_t)pick(256));
			mov_imm(g, 3, 8);
			call(g, "my_memset", 0);
		} else {
			mov_imm(g, 2, 8);
			mov_imm(g, 3, 0);
			call(g, NULL, KERNEL_PROBE_READ);
		}
		break;
	default: /* p = my_malloc(8); *p = r10 + off; *(u64 *)*p = -1 */
		mov_imm(g, 1, 8);
		call(g, "my_malloc", 0);
		skip = emit(g, INSN(JMP | JEQ, 0, 0, 0, 0));
		emit(g, INSN(ALU64 | MOV | X, 1, 10, 0, 0));
		emit(g, INSN(ALU64 | ADD, 1, 0, 0, off));
		emit(g, INSN(0x63 | DW, 0, 1, 0, 0));
		emit(g, INSN(0x61 | DW, 1, 0, 0, 0));
		emit(g, INSN(0x62 | DW, 1, 0, 0, chance(50) ? -1 : (int32_t)pick(1u << 20)));
		land(g, skip, g->n);
		break;
	}
}

/* Straight-line work, extra exits, breaks and inner loops of one loop body. */
static void gen_body(struct gen *g, int level, int c, int *breaks, int *nbreaks)
{
	int parts = (int)pick(4);

	for (int i = 0; i < parts; i++) {
		switch (pick(8)) {
		case 6:
			if (chance(50))
				clobber_spill(g, level);
			break;
		case 0:
			emit(g, INSN(ALU64 | ADD | X, 0, c, 0, 0));
			break;
		case 5:
			lddw(g, 0, rnd());
			break;
		case 1:
			emit(g, INSN(ALU64 | XOR, 0, 0, 0, (int32_t)pick(1000)));
			break;
		case 2:
			exit_if(g, JEQ, c, (int32_t)pick(50), 3);
			break;
		case 3:
			if (*nbreaks < 4)
				breaks[(*nbreaks)++] =
					emit(g, INSN(JMP | JEQ, c, 0, 0, (int32_t)pick(60)));
			break;
		default:
			if (level < 2 && chance(35))
				gen_loop(g, level + 1);
			break;
		}
	}
}

/* Emits "if counter OP limit goto ?" (or the negated test) and returns its slot. */
static int emit_test(struct gen *g, const struct loop_shape *s, int level, bool negate, int32_t k)
{
	int c = ctr_reg[level], l = lim_reg[level];
	uint8_t op = negate ? negated[s->op >> 4] : s->op;
	uint8_t cls = s->jmp32 ? JMP32 : JMP;

	if (s->cmp_k)
		return emit(g, INSN(cls | op, c, 0, 0, k));
	if (s->spill) {
		emit(g, INSN(0x61 | (s->spill32 ? W : DW), 0, 10, spill_off[level], 0));
		l = 0;
	}
	if (s->swap)
		return emit(g, INSN(cls | X | mirrored[op >> 4], l, c, 0, 0));
	return emit(g, INSN(cls | X | op, c, l, 0, 0));
}

static void gen_loop(struct gen *g, int level)
{
	struct loop_shape s;
	int c = ctr_reg[level], l = lim_reg[level], head, test, breaks[4], nbreaks = 0;
	int32_t k = 0;

	pick_shape(g, &s);
	/* the limit (up) or the start (down) comes from a source; the other is a constant */
	if (s.cmp_k) {
		k = (int32_t)(1 + pick(chance(80) ? 40 : 400));
		if (!s.up)
			k = (int32_t)pick(3);
	}
	gen_source(g, level, s.up ? l : c);
	if (s.up)
		mov_imm(g, c, (int32_t)pick(chance(70) ? 2 : 20));
	else if (!s.cmp_k)
		mov_imm(g, l, (int32_t)pick(3));
	if (s.width == W32)
		emit(g, INSN(ALU | MOV | X, c, c, 0, 0));
	if (s.spill)
		emit(g, INSN(0x63 | (s.spill32 ? W : DW), 10, l, spill_off[level], 0));
	if (s.spill_ctr)
		emit(g, INSN(0x63 | DW, 10, c, ctr_off[level], 0));
	if (s.top_test) {
		head = g->n;
		test = emit_test(g, &s, level, true, k);
	} else {
		if (chance(50)) /* the guard clang puts before a rotated loop */
			breaks[nbreaks++] = emit_test(g, &s, level, true, k);
		head = g->n;
		test = -1;
	}
	gen_body(g, level, c, breaks, &nbreaks);
	if (s.spill_ctr) /* the counter's next value comes from its stack slot */
		emit(g, INSN(0x61 | DW, c, 10, ctr_off[level], 0));
	emit(g, INSN((s.width == W32 ? ALU : ALU64) | (s.up ? ADD : SUB), c, 0, 0, s.step));
	apply_width(g, c, s.width);
	if (s.spill_ctr)
		emit(g, INSN(0x63 | DW, 10, c, ctr_off[level], 0));
	if (s.top_test) {
		land(g, emit(g, INSN(JMP | JA, 0, 0, 0, 0)), head);
	} else {
		land(g, emit_test(g, &s, level, false, k), head);
	}
	if (test >= 0)
		land(g, test, g->n);
	for (int i = 0; i < nbreaks; i++)
		land(g, breaks[i], g->n);
}

static void gen_program(struct gen *g, enum pds_chk_profile p)
{
	int loops = chance(60) ? 1 : 2;

	memset(g, 0, sizeof(*g));
	g->p = p;
	g->has_fact = p == PDS_CHK_PROFILE_PQUIC && chance(40);
	g->fact_max = 1 + pick(chance(50) ? 16 : 1000);
	emit(g, INSN(ALU64 | MOV | X, 6, 1, 0, 0));
	mov_imm(g, 0, 0);
	for (int i = 0; i < loops; i++) {
		gen_loop(g, 0);
		if (chance(30))
			exit_if(g, JGT, 0, (int32_t)pick(500), 4);
	}
	emit(g, INSN(0x95, 0, 0, 0, 0));
}

/* ------------------------------------------------------------------ hostile host */

struct host {
	const struct gen *g;
	bool mixed; /* each call picks from the pool; else every call returns v */
	uint64_t v;
	uint64_t pool[32];
	int npool;
	uint64_t state;
};

static uint64_t host_value(struct host *h)
{
	uint64_t v = h->v;

	if (h->mixed) {
		h->state = h->state * 6364136223846793005ull + 1442695040888963407ull;
		v = h->pool[(h->state >> 33) % (uint64_t)h->npool];
	}
	if (h->g->has_fact && v > h->g->fact_max)
		v = h->g->fact_max; /* the host keeps the promise the fact states */
	return v;
}

static int host_helper(void *ctx, struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c,
		       uint64_t *r0)
{
	struct host *h = ctx;
	uint64_t v = host_value(h), addr;
	int err;

	if ((c->name && !strcmp(c->name, "my_memset")) || c->id == KERNEL_PROBE_READ) {
		/* my_memset(dst, c, n) fills; probe_read(dst, n, src) copies a hostile value */
		uint8_t buf[8];
		uint64_t n = c->id == KERNEL_PROBE_READ ? c->args[1] : c->args[2];

		if (n > sizeof(buf))
			return PDS_LDR_E_VM_MEMORY;
		if (c->id == KERNEL_PROBE_READ)
			memcpy(buf, &v, sizeof(buf));
		else
			memset(buf, (int)(c->args[1] & 0xff), sizeof(buf));
		*r0 = c->args[0];
		return pds_ldr_vm_write(vm, c->args[0], buf, (size_t)n);
	}
	if (c->name && !strcmp(c->name, "my_malloc")) {
		/* fresh plugin memory holds whatever the host left there */
		err = pds_ldr_vm_alloc(vm, c->args[0], &addr);
		if (!err)
			err = pds_ldr_vm_write(vm, addr, &v, sizeof(v));
		*r0 = err ? 0 : addr;
		return 0;
	}
	*r0 = v;
	return 0;
}

static void host_init(struct host *h, const struct gen *g)
{
	memset(h, 0, sizeof(*h));
	h->g = g;
	for (size_t i = 0; i < sizeof(extremes) / sizeof(extremes[0]); i++)
		h->pool[h->npool++] = extremes[i];
	if (g->has_fact) {
		h->pool[h->npool++] = g->fact_max;
		h->pool[h->npool++] = g->fact_max - 1;
	}
	for (int i = 0; i < 6; i++)
		h->pool[h->npool++] = rnd() % 64;
}

/* Sets up run i: first every pooled value for all calls, then mixtures. */
static void host_run(struct host *h, int i)
{
	h->mixed = i >= h->npool;
	h->v = h->pool[i % h->npool];
	h->state = (uint64_t)i * 0x9e3779b97f4a7c15ull;
}

/* ------------------------------------------------------------------ the differential test */

struct stats {
	unsigned long programs, by_verdict[4], runs, capped, traced;
	double max_ratio;
	unsigned unsound, invalid;
};

struct ctx {
	uint64_t seed;
	struct gen g;
	struct pds_chk_obj *obj;
	const struct pds_chk_prog *prog;
	struct pds_chk_term_report *rep;
	struct pds_ldr_vm *vm;
	struct host host;
	struct stats *st;
};

static void dump(struct ctx *c, const char *what)
{
	if (c->st->unsound + c->st->invalid > 8)
		return;
	fprintf(stderr, "\n  %s: seed %" PRIu64 ", %s profile%s", what, c->seed,
		pds_chk_profile_name(c->g.p), c->g.has_fact ? ", fact get_cnx nb_paths <= " : "");
	if (c->g.has_fact)
		fprintf(stderr, "%" PRIu64, c->g.fact_max);
	fprintf(stderr, "\n");
	if (c->rep)
		fprintf(stderr, "  verdict %s, bound %" PRIu64 "%s%s\n",
			pds_chk_verdict_name(c->rep->verdict), c->rep->bound,
			c->rep->formula ? " = " : "", c->rep->formula ? c->rep->formula : "");
	if (c->host.g)
		fprintf(stderr, "  host: %s %#" PRIx64 "\n",
			c->host.mixed ? "mixed values, state" : "every call returns",
			c->host.mixed ? c->host.state : c->host.v);
	if (c->prog)
		pds_chk_disasm(c->prog, stderr, 0);
}

static int run_once(struct ctx *c, int i, uint64_t budget, struct pds_ldr_run *run)
{
	host_run(&c->host, i);
	c->st->runs++;
	return pds_ldr_vm_run(c->vm, PDS_T_CNX, budget, run);
}

static void check_proven(struct ctx *c, int nruns)
{
	uint64_t b = c->rep->bound, budget = b >= RUN_CAP ? RUN_CAP : b + 1;
	struct pds_ldr_run run;

	for (int i = 0; i < nruns; i++) {
		int err = run_once(c, i, budget, &run);

		if (err == PDS_LDR_E_VM_BUDGET && budget <= b) {
			c->st->capped++;
			continue;
		}
		if (err == PDS_LDR_E_VM_BUDGET || (!err && run.insns > b)) {
			c->st->unsound++;
			dump(c, "UNSOUND: a run executes more than the proven bound");
			fprintf(stderr,
				"  run %d executed %s%" PRIu64
				" instructions, stopped at slot %u\n",
				i, err ? "more than " : "", run.insns, run.stop_slot);
			return;
		}
		if (err) {
			c->st->invalid++;
			dump(c, "generated program faults");
			fprintf(stderr, "  run %d: %s at slot %u\n", i, pds_ldr_rule(err),
				run.stop_slot);
			return;
		}
		if (b && (double)run.insns / (double)b > c->st->max_ratio)
			c->st->max_ratio = (double)run.insns / (double)b;
	}
}

/* Whether a run of n instructions passes slot (replayed budget by budget). */
static bool run_visits(struct ctx *c, int i, uint64_t n, uint32_t slot)
{
	struct pds_ldr_run run;

	for (uint64_t k = 1; k <= n; k++) {
		host_run(&c->host, i);
		pds_ldr_vm_run(c->vm, PDS_T_CNX, k, &run);
		if (run.stop_slot == slot)
			return true;
	}
	return false;
}

static void check_fails(struct ctx *c, int nruns)
{
	struct pds_ldr_run run;

	for (int i = 0; i < nruns; i++) {
		int err = run_once(c, i, FAIL_BUDGET, &run);

		if (err == PDS_LDR_E_VM_BUDGET)
			continue;
		if (err) {
			c->st->invalid++;
			dump(c, "generated program faults");
			return;
		}
		if (run.insns > 4000)
			continue; /* too long to replay */
		c->st->traced++;
		for (size_t l = 0; l < c->rep->nloops; l++) {
			const struct pds_chk_loop_report *lr = &c->rep->loops[l];

			if (lr->verdict != PDS_VERDICT_FAILS ||
			    !run_visits(c, i, run.insns, lr->header))
				continue;
			c->st->unsound++;
			dump(c, "UNSOUND: a run passes a loop reported as never ending, then ends");
			fprintf(stderr, "  run %d reaches slot %u and exits after %" PRIu64 "\n", i,
				lr->header, run.insns);
			return;
		}
	}
}

static void one_program(uint64_t seed, struct stats *st)
{
	struct pds_chk_open_opts oo = {.sz = sizeof(oo)};
	struct pds_chk_fact_range fr = {.helper = "get_cnx", .key = KEY_NB_PATHS};
	struct pds_chk_facts facts = {.ranges = &fr, .nranges = 1};
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_ldr_vm_opts vo = {.sz = sizeof(vo), .helper = host_helper};
	struct ctx *c = calloc(1, sizeof(*c));
	int err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->seed = seed;
	c->st = st;
	rs = seed * 0x2545f4914f6cdd1dull;
	gen_program(&c->g, seed & 1 ? PDS_CHK_PROFILE_KERNEL : PDS_CHK_PROFILE_PQUIC);
	if (c->g.overflow)
		goto out; /* too long: skipped, not counted */
	st->programs++;
	oo.profile = c->g.p;
	fr.max = c->g.fact_max;
	to.facts = c->g.has_fact ? &facts : NULL;
	err = pds_chk_obj_from_insns(c->g.ins, (size_t)c->g.n, c->g.helpers, "gen", &oo, &c->obj);
	if (err) {
		st->invalid++;
		dump(c, "generated program refused by the reader");
		goto out;
	}
	c->prog = pds_chk_obj_prog(c->obj, 0);
	err = pds_chk_termination(c->prog, &to, &c->rep);
	CU_ASSERT_EQUAL(err, 0);
	if (err)
		goto out;
	st->by_verdict[c->rep->verdict]++;
	if (getenv("PDS_TEST_RANDOM_VERBOSE"))
		printf("  seed %" PRIu64 ": %s bound %" PRIu64 " %s %s\n", seed,
		       pds_chk_verdict_name(c->rep->verdict), c->rep->bound,
		       c->rep->rule ? c->rep->rule : "", c->rep->reason ? c->rep->reason : "");
	if (getenv("PDS_TEST_RANDOM_VERBOSE") && !strcmp(getenv("PDS_TEST_RANDOM_VERBOSE"), "2")) {
		for (size_t l = 0; l < c->rep->nloops; l++)
			printf("    loop at %u: %s iters %" PRIu64 " %s\n", c->rep->loops[l].header,
			       pds_chk_verdict_name(c->rep->loops[l].verdict),
			       c->rep->loops[l].max_iter,
			       c->rep->loops[l].reason ? c->rep->loops[l].reason : "");
		pds_chk_disasm(c->prog, stdout, 0);
	}
	host_init(&c->host, &c->g);
	vo.helper_ctx = &c->host;
	err = pds_ldr_vm_new(c->prog, c->g.p, &vo, &c->vm);
	CU_ASSERT_EQUAL(err, 0);
	if (err)
		goto out;
	if (c->rep->verdict <= PDS_VERDICT_PROVEN_ASSUMING)
		check_proven(c, c->rep->bound > 200000 ? 6 : c->host.npool + 10);
	else if (c->rep->verdict == PDS_VERDICT_FAILS)
		check_fails(c, 3);
out:
	pds_ldr_vm_free(c->vm);
	pds_chk_term_report_free(c->rep);
	pds_chk_obj_free(c->obj);
	free(c);
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

static void test_random_programs(void)
{
	const char *dir = getenv("PDS_TEST_BUILD_DIR");
	unsigned long n =
		env_count("PDS_TEST_RANDOM_PROGRAMS", dir && strstr(dir, "san") ? 600 : 4000);
	uint64_t seed0 = env_count("PDS_TEST_RANDOM_SEED", 1);
	struct stats st = {0};

	for (unsigned long i = 0; i < n; i++)
		one_program(seed0 + i, &st);
	printf("\n  %lu programs (seeds %" PRIu64 "..%" PRIu64
	       "): %lu proven, %lu proven-assuming, "
	       "%lu unknown, %lu fails\n",
	       st.programs, seed0, seed0 + n - 1, st.by_verdict[0], st.by_verdict[1],
	       st.by_verdict[2], st.by_verdict[3]);
	printf("  %lu runs (%lu over the run cap, %lu traced), max measured/bound %.3f; "
	       "%u unsound, %u invalid\n",
	       st.runs, st.capped, st.traced, st.max_ratio, st.unsound, st.invalid);
	CU_ASSERT(st.programs >= n * 9 / 10);
	CU_ASSERT(st.by_verdict[0] + st.by_verdict[1] >= st.programs / 10);
	CU_ASSERT_EQUAL(st.invalid, 0);
	CU_ASSERT_EQUAL(st.unsound, 0);
}

PDS_TEST_MAIN("term_random", PDS_TEST(test_random_programs))
