// SPDX-License-Identifier: MIT
/*
 * Loop bounds from exits.
 *
 * For one natural loop, a small symbolic pass over the body (back edges to the
 * header ignored) expresses every register and stack slot as "its value at the
 * loop head plus an offset" where it can (through 32-bit views: mov32, the
 * `<<32; >>32` zero- and sign-extension idioms, 4-byte spills), or as "the result
 * of helper call c on the loop-carried pointer v", or "a load through v".  A
 * variable whose offset at every latch is a positive (or negative) interval is an
 * induction variable with that step.
 *
 * Each exit test comparing an induction variable with something the abstract
 * interpretation bounds gives a count of the iterations in which the test lets
 * the loop go on, in the comparison's own domain (unsigned/signed, 32/64 bits),
 * provided the counter cannot wrap before the exit: the step must not jump past
 * the domain's end while the test still holds.  The counts of a set of tests
 * that every path around the loop passes bound the loop (one test that
 * dominates every latch, or a cut of them).  Equality exits need the exact step
 * and start, solved as a congruence modulo 2^width; a congruence without a
 * solution proves that the exit is never taken.  List walks are recognised and
 * bounded by declared host facts; everything else is "unknown" with a reason.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/analysis_int.h"

#define NSLOTVARS 64 /* spill slots r10-8 .. r10-512; deeper ones are not tracked */
#define NV (11 + NSLOTVARS)
#define MAX_ROUNDS 12
typedef __int128 i128;

enum { D_TOP = 0, D_IV, D_CALL, D_LOAD };
enum { V_FULL = 0, V_Z32, V_S32, V_SHL32, V_Z16, V_Z8 };

struct dval {
	uint8_t kind;
	uint8_t view;
	uint8_t narrow; /* a 4-byte spill: only a 4-byte reload gives it back */
	int16_t var;	/* IV/LOAD: base variable; CALL: variable passed in r1, or -1 */
	int64_t lo, hi; /* IV: offset interval; LOAD: lo = field offset */
	int64_t c;	/* IV with a 32-bit view: constant added after the view */
	int32_t slot;	/* CALL: call instruction */
	int64_t key;	/* CALL: constant access key in r2, or -1 */
};

struct dstate {
	bool reached;
	struct dval v[NV];
};

struct test {
	uint32_t block, slot;
	bool exit_taken; /* the exit is the jump's taken edge */
	bool reached;	 /* the symbolic pass ran the block */
	bool feasible;	 /* a run may reach the test (abstract interpretation) */
	struct dval da, db;
	struct pds_av aa, ab; /* abstract values of both operands before the test */
	bool b_imm;
};

struct lctx {
	const struct pds_absint *ai;
	const struct pds_cfg *cfg;
	const struct pds_chk_prog *prog;
	const struct pds_loop *loop;
	uint32_t *pos; /* block -> index in body order, UINT32_MAX outside */
	uint32_t *order;
	struct test *tests; /* per body block at most one exit test */
	struct tres *res;
	unsigned char *in; /* per body block a state of dsize bytes: din() */
	size_t dsize;	   /* bytes of a state holding the first nv variables */
	int nv;		   /* registers, then the slots the loop reaches (see reach) */
	uint32_t *changes;
	uint8_t *role;	      /* per body block: ROLE_LATCH, ROLE_TEST */
	uint8_t *cut;	      /* per body block: a test whose bound counts in a cut (decide) */
	struct dstate *latch; /* join over latches of the state at the end of the latch */
	uint64_t best_n;      /* back edges per entry, when one test bounds them all */
};

enum { ROLE_LATCH = 1, ROLE_TEST = 2 };

/*
 * Symbolic states hold the registers and the stack slots the loop reaches,
 * c->nv variables; the others are never read or written by the loop's
 * analysis, and no state beyond the scratch ones carries them.
 */
static struct dstate *din(const struct lctx *c, uint32_t k)
{
	return (struct dstate *)(void *)(c->in + (size_t)k * c->dsize);
}

static void dcopy(const struct lctx *c, struct dstate *dst, const struct dstate *src)
{
	dst->reached = src->reached;
	memcpy(dst->v, src->v, (size_t)c->nv * sizeof(dst->v[0]));
}

/* ------------------------------------------------------------------ the symbolic pass */

static int var_of_stack(int64_t off)
{
	if (off >= 0 || off < -8 * NSLOTVARS || (off & 7))
		return -1;
	return 11 + (int)(-off / 8 - 1);
}

static void d_top(struct dval *d)
{
	memset(d, 0, sizeof(*d));
	d->var = -1;
}

static void d_top_all(struct dval *v, int n)
{
	memset(v, 0, (size_t)n * sizeof(*v));
	for (int i = 0; i < n; i++)
		v[i].var = -1;
}

static void d_iv(struct dval *d, int var, int64_t lo, int64_t hi, uint8_t view, int64_t c)
{
	d_top(d);
	d->kind = D_IV;
	d->var = (int16_t)var;
	d->lo = lo;
	d->hi = hi;
	d->view = view;
	d->c = c;
}

static bool d_equal(const struct dval *a, const struct dval *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void d_join(struct dval *a, const struct dval *b)
{
	if (a->kind != b->kind || a->var != b->var || a->view != b->view || a->c != b->c ||
	    a->narrow != b->narrow) {
		d_top(a);
		return;
	}
	if (a->kind == D_IV) {
		a->lo = a->lo < b->lo ? a->lo : b->lo;
		a->hi = a->hi > b->hi ? a->hi : b->hi;
	} else if (a->kind != D_TOP && (a->slot != b->slot || a->key != b->key || a->lo != b->lo)) {
		d_top(a);
	}
}

static bool add_off(struct dval *d, int64_t k)
{
	if (d->view != V_FULL) {
		if (__builtin_add_overflow(d->c, k, &d->c))
			return false;
		return true;
	}
	return !__builtin_add_overflow(d->lo, k, &d->lo) &&
	       !__builtin_add_overflow(d->hi, k, &d->hi);
}

static bool narrow_view(uint8_t v)
{
	return v == V_Z16 || v == V_Z8;
}

/* The low bits of an IV value, as a view of kind view (a narrower view stays). */
static void to_view32(struct dval *d, uint8_t view)
{
	if (d->kind != D_IV || d->view == V_SHL32 || d->narrow) {
		d_top(d);
		return;
	}
	if (narrow_view(d->view) && d->c == 0 && (view == V_Z32 || view == V_S32))
		return; /* already zero-extended from 8 or 16 bits */
	if (narrow_view(d->view) && (view == V_SHL32 || d->c != 0 || view == V_FULL)) {
		d_top(d);
		return;
	}
	if (__builtin_add_overflow(d->lo, d->c, &d->lo) ||
	    __builtin_add_overflow(d->hi, d->c, &d->hi)) {
		d_top(d);
		return;
	}
	d->c = 0;
	d->view = view;
}

static bool const_src(const struct pds_astate *s, const struct pds_insn *in, int64_t *k)
{
	uint64_t v;

	if (BPF_SRC(in->code) == BPF_K) {
		*k = BPF_CLASS(in->code) == BPF_ALU ? (int64_t)(uint32_t)in->imm : in->imm;
		return true;
	}
	if (!pds_av_is_const(&s->r[in->src], &v))
		return false;
	*k = (int64_t)v;
	return true;
}

static void alu(struct dstate *d, const struct pds_astate *s, const struct pds_insn *in)
{
	struct dval *dst = &d->v[in->dst];
	uint8_t op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	int64_t k = 0;
	bool kc = const_src(s, in, &k);

	if (op == BPF_MOV && in->off == 0 && BPF_SRC(in->code) == BPF_X) {
		*dst = d->v[in->src];
		if (!is64)
			to_view32(dst, V_Z32);
		return;
	}
	if (dst->kind == D_IV && dst->view == V_SHL32 && is64 && (op == BPF_ADD || op == BPF_SUB) &&
	    kc && (k & 0xffffffffll) == 0) {
		/* adding n<<32 to a value shifted left by 32 adds n to its low half */
		int64_t delta = (op == BPF_ADD ? k : -k) >> 32;

		if (!add_off(dst, 0) || __builtin_add_overflow(dst->lo, delta, &dst->lo) ||
		    __builtin_add_overflow(dst->hi, delta, &dst->hi))
			d_top(dst);
		return;
	}
	if (dst->kind == D_IV && (op == BPF_ADD || op == BPF_SUB) && kc) {
		int64_t delta = op == BPF_ADD ? k : -k;

		if (!is64) {
			to_view32(dst, V_Z32);
			if (dst->kind == D_IV && !add_off(dst, delta))
				d_top(dst);
			if (dst->kind == D_IV) /* a 32-bit add is taken modulo 2^32 */
				to_view32(dst, V_Z32);
		} else if (k == INT64_MIN || !add_off(dst, delta)) {
			d_top(dst);
		}
		return;
	}
	if (dst->kind == D_IV && is64 && kc && k == 32 &&
	    (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)) {
		if (op == BPF_LSH)
			to_view32(dst, V_SHL32);
		else if (dst->view == V_SHL32)
			dst->view = op == BPF_RSH ? V_Z32 : V_S32;
		else
			d_top(dst);
		return;
	}
	if (dst->kind == D_IV && op == BPF_AND && kc && (uint64_t)k == 0xffffffffull) {
		to_view32(dst, V_Z32);
		return;
	}
	if (dst->kind == D_IV && op == BPF_AND && kc && (k == 0xffff || k == 0xff) &&
	    dst->view != V_SHL32 && !(narrow_view(dst->view) && dst->c)) {
		uint8_t v = k == 0xff ? V_Z8 : V_Z16;

		if (dst->view == V_Z8)
			v = V_Z8;
		if (dst->view != V_FULL && !narrow_view(dst->view))
			to_view32(dst, V_Z32);
		if (dst->kind == D_IV && dst->view != V_FULL && !narrow_view(dst->view)) {
			dst->view = v; /* low bits of low bits */
		} else if (dst->kind == D_IV) {
			dst->view = v;
		}
		return;
	}
	d_top(dst);
}

static void load(struct dstate *d, const struct pds_astate *s, const struct pds_insn *in)
{
	const struct pds_av *base = &s->r[in->src];
	int size = pds_insn_size_bytes(in->code);
	struct dval r;
	int v;

	d_top(&r);
	if (base->kind == PDS_AV_STACK && base->smin == base->smax &&
	    (v = var_of_stack(base->smin + in->off)) >= 0 && BPF_MODE(in->code) == BPF_MEM) {
		r = d->v[v];
		if (size == 4) {
			r.narrow = 0;
			to_view32(&r, V_Z32);
		} else if (size != 8 || r.narrow) {
			d_top(&r);
		}
	} else if (in->src != 10 && d->v[in->src].kind == D_IV && d->v[in->src].view == V_FULL &&
		   d->v[in->src].lo == d->v[in->src].hi) {
		r.kind = D_LOAD;
		r.var = d->v[in->src].var;
		r.lo = d->v[in->src].lo + in->off;
	}
	d->v[in->dst] = r;
}

static void store(struct dstate *d, const struct pds_astate *s, const struct pds_insn *in,
		  const struct dval *val)
{
	const struct pds_av *base = &s->r[in->dst];
	int size = pds_insn_size_bytes(in->code);
	int v;

	if (base->kind != PDS_AV_STACK && !pds_av_may_alias_stack(base))
		return;
	if (base->kind != PDS_AV_STACK || base->smin != base->smax) {
		for (int i = 11; i < NV; i++)
			d_top(&d->v[i]);
		return;
	}
	v = var_of_stack(base->smin + in->off);
	if (v < 0) {
		/* misaligned: forget each slot the bytes reach (one or two) */
		int lo = var_of_stack((base->smin + in->off) & ~7ll);
		int hi = var_of_stack((base->smin + in->off + size - 1) & ~7ll);

		if (lo >= 0)
			d_top(&d->v[lo]);
		if (hi >= 0)
			d_top(&d->v[hi]);
		return;
	}
	if (size == 8 && val)
		d->v[v] = *val;
	else if (size == 4 && val && val->kind == D_IV) {
		d->v[v] = *val;
		to_view32(&d->v[v], V_Z32);
		d->v[v].narrow = d->v[v].kind == D_IV;
	} else
		d_top(&d->v[v]);
}

static void call(struct lctx *c, struct dstate *d, const struct pds_astate *s, uint32_t slot)
{
	const struct pds_insn_ref *ref = &c->prog->refs[slot];
	struct dval r;
	uint64_t key;

	d_top(&r);
	if (pds_absint_call_clobbers_stack(c->ai, s, slot))
		for (int k = 11; k < NV; k++)
			d_top(&d->v[k]);
	if (ref->kind == PDS_REF_HELPER) {
		/* the slots absint forgets for the helper's stack-pointer arguments */
		for (int64_t off = pds_absint_helper_writes_from(c->ai, s); off < 0; off += 8)
			if (var_of_stack(off) >= 0)
				d_top(&d->v[var_of_stack(off)]);
		r.kind = D_CALL;
		r.slot = (int32_t)slot;
		r.key = pds_av_is_const(&s->r[2], &key) ? (int64_t)key : -1;
		if (d->v[1].kind == D_IV && d->v[1].view == V_FULL && d->v[1].lo == 0 &&
		    d->v[1].hi == 0)
			r.var = d->v[1].var;
	} else {
		for (int i = 1; i <= 5; i++)
			if (s->r[i].kind == PDS_AV_STACK)
				for (int k = 11; k < NV; k++)
					d_top(&d->v[k]);
	}
	d->v[0] = r;
	for (int i = 1; i <= 5; i++)
		d_top(&d->v[i]);
}

/* One instruction on both the symbolic state and the abstract state. */
static int step(struct lctx *c, struct dstate *d, struct pds_astate *s, uint32_t slot)
{
	const struct pds_insn *in = &c->prog->insns[slot];
	const struct pds_op_desc *desc = pds_decode_desc(c->ai->profile, in->code);
	struct dval v;

	switch (desc ? desc->kind : PDS_OP_INVALID) {
	case PDS_OP_ALU:
	case PDS_OP_NEG:
	case PDS_OP_END:
	case PDS_OP_BSWAP:
		alu(d, s, in);
		break;
	case PDS_OP_LDX:
		load(d, s, in);
		break;
	case PDS_OP_LDDW:
		d_top(&d->v[in->dst]);
		break;
	case PDS_OP_ST:
		store(d, s, in, NULL);
		break;
	case PDS_OP_STX:
		v = d->v[in->src];
		store(d, s, in, &v);
		break;
	case PDS_OP_ATOMIC:
		store(d, s, in, NULL);
		if (in->imm & BPF_FETCH)
			d_top(&d->v[in->imm == BPF_CMPXCHG ? 0 : in->src]);
		break;
	case PDS_OP_LDABS:
	case PDS_OP_LDIND:
		for (int i = 0; i <= 5; i++)
			d_top(&d->v[i]);
		break;
	case PDS_OP_CALL:
		call(c, d, s, slot);
		break;
	default:
		break;
	}
	return pds_absint_step(c->ai, s, slot);
}

/* Runs block b from its symbolic entry; stops before the last instruction when upto_last. */
static int run_block(struct lctx *c, uint32_t b, struct dstate *d, struct pds_astate *s,
		     bool upto_last)
{
	const struct pds_block *blk = &c->cfg->blocks[b];
	int err;

	dcopy(c, d, din(c, c->pos[b]));
	err = pds_absint_entry(c->ai, b, s);
	for (uint32_t i = blk->first; !err && i <= blk->last; i++) {
		if (i > blk->first && pds_insn_is_lddw(&c->prog->insns[i - 1]))
			continue;
		if (upto_last && i == blk->last)
			break;
		err = step(c, d, s, i);
	}
	return err;
}

static void record_test(struct lctx *c, uint32_t k, const struct dstate *d,
			const struct pds_astate *s);

/* Whether a run of block b that ends in state s may go back to the loop's head. */
static bool goes_back(const struct lctx *c, uint32_t b, const struct pds_astate *s)
{
	const struct pds_block *blk = &c->cfg->blocks[b];

	for (int k = 0; k < blk->nsucc; k++)
		if (blk->succ[k] == c->loop->header && pds_absint_edge_feasible(c->ai, b, k, s))
			return true;
	return false;
}

static bool merge_into(const struct lctx *c, struct dstate *dst, const struct dstate *src,
		       bool widen)
{
	bool changed = false;

	if (!dst->reached) {
		dcopy(c, dst, src);
		dst->reached = true;
		return true;
	}
	for (int i = 0; i < c->nv; i++) {
		struct dval old = dst->v[i];

		d_join(&dst->v[i], &src->v[i]);
		if (widen && !d_equal(&old, &dst->v[i]))
			d_top(&dst->v[i]);
		changed |= !d_equal(&old, &dst->v[i]);
	}
	return changed;
}

/*
 * The symbolic pass runs each body block from its symbolic entry until no entry
 * changes. The round that changes nothing ran every block from its final entry:
 * what it saw at the latches that may go back to the head (joined into
 * c->latch) and at the exit tests (c->tests, by body position) is the result.
 * A block no run reaches (its abstract entry state is unreachable) adds
 * nothing. A pass that does not settle knows nothing inside the loop; the
 * latches and tests are then run once more from the unknown entries (*settled
 * false).
 */
static int symbolic_pass(struct lctx *c, bool *settled)
{
	const struct pds_loop *l = c->loop;
	struct dstate scratch, *d = &scratch;
	struct pds_astate s = {0};
	bool changed = true;
	int err = 0;

	d_top_all(d->v, NV); /* what run_block does not copy is unknown */

	din(c, 0)->reached = true;
	for (int i = 0; i < c->nv; i++)
		d_iv(&din(c, 0)->v[i], i, 0, 0, V_FULL, 0);
	for (int round = 0; !err && changed && round < MAX_ROUNDS; round++) {
		changed = false;
		c->latch->reached = false;
		for (uint32_t k = 0; !err && k < l->nblocks; k++) {
			uint32_t b = c->order[k];
			const struct pds_block *blk = &c->cfg->blocks[b];

			c->tests[k].reached = false;
			if (!din(c, k)->reached)
				continue;
			err = run_block(c, b, d, &s, false);
			if (err)
				break;
			if (!s.reachable)
				continue; /* no run gets here: the block adds nothing */
			if ((c->role[k] & ROLE_LATCH) && goes_back(c, b, &s))
				merge_into(c, c->latch, d, false);
			if (c->role[k] & ROLE_TEST)
				record_test(c, k, d, &s);
			for (int sI = 0; sI < blk->nsucc; sI++) {
				uint32_t t = blk->succ[sI];

				if (c->pos[t] == UINT32_MAX || t == l->header)
					continue;
				if (merge_into(c, din(c, c->pos[t]), d,
					       c->changes[c->pos[t]] > 4)) {
					c->changes[c->pos[t]]++;
					changed = true;
				}
			}
		}
	}
	*settled = !changed;
	if (!err && changed) { /* did not settle: nothing is known */
		for (uint32_t k = 1; k < l->nblocks; k++)
			for (int i = 0; i < c->nv; i++)
				d_top(&din(c, k)->v[i]);
		c->latch->reached = false;
		for (uint32_t k = 0; !err && k < l->nlatches; k++) {
			if (!din(c, c->pos[l->latches[k]])->reached)
				continue;
			err = run_block(c, l->latches[k], d, &s, false);
			if (!err && goes_back(c, l->latches[k], &s))
				merge_into(c, c->latch, d, false);
		}
	}
	pds_astate_free(&s);
	return err;
}

/* ------------------------------------------------------------------ tests */

struct domain {
	int width;
	bool sign;
	i128 min, max;
};

static void set_domain(struct domain *D, int width, bool sign)
{
	D->width = width;
	D->sign = sign;
	if (sign) {
		D->max = ((i128)1 << (width - 1)) - 1;
		D->min = -D->max - 1;
	} else {
		D->min = 0;
		D->max = ((i128)1 << width) - 1;
	}
}

/* Range of a register's value as the domain sees it (low 32 bits for width 32). */
static void range_in(const struct domain *D, const struct pds_av *a, i128 *lo, i128 *hi)
{
	*lo = D->min;
	*hi = D->max;
	if (a->kind != PDS_AV_SCALAR && a->kind != PDS_AV_UNINIT)
		return;
	if (a->kind == PDS_AV_UNINIT)
		return;
	if (D->width == 64) {
		*lo = D->sign ? (i128)a->smin : (i128)a->umin;
		*hi = D->sign ? (i128)a->smax : (i128)a->umax;
		return;
	}
	if ((i128)a->umax <= D->max) {
		*lo = a->umin;
		*hi = a->umax;
	} else if (D->sign && D->width == 32 && a->smin >= INT32_MIN && a->smax <= INT32_MAX) {
		*lo = a->smin;
		*hi = a->smax;
	}
}

/* Value v reduced into the domain (two's complement wrap). */
static i128 wrap(const struct domain *D, i128 v)
{
	unsigned __int128 m = (unsigned __int128)1 << D->width;
	unsigned __int128 u = (unsigned __int128)v & (m - 1);

	if (D->sign && u >= m / 2)
		return (i128)u - (i128)m;
	return (i128)u;
}

enum tkind { T_NONE = 0, T_BOUND, T_NEVER, T_FAIL };

struct tres {
	enum tkind kind;
	uint64_t n;
	bool need_dom;
	bool symbolic;
	uint32_t sym;
	uint64_t s_min;
	i128 c_extra; /* poly: n <= sym/s_min + c_extra */
	bool assuming;
	char assumption[160];
	const char *rule;
	char reason[200];
	int ivar;
};

static uint8_t mirror(uint8_t op)
{
	switch (op) {
	case BPF_JLT:
		return BPF_JGT;
	case BPF_JGT:
		return BPF_JLT;
	case BPF_JLE:
		return BPF_JGE;
	case BPF_JGE:
		return BPF_JLE;
	case BPF_JSLT:
		return BPF_JSGT;
	case BPF_JSGT:
		return BPF_JSLT;
	case BPF_JSLE:
		return BPF_JSGE;
	case BPF_JSGE:
		return BPF_JSLE;
	default:
		return op;
	}
}

static uint8_t negate(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:
		return BPF_JNE;
	case BPF_JNE:
		return BPF_JEQ;
	case BPF_JLT:
		return BPF_JGE;
	case BPF_JGE:
		return BPF_JLT;
	case BPF_JLE:
		return BPF_JGT;
	case BPF_JGT:
		return BPF_JLE;
	case BPF_JSLT:
		return BPF_JSGE;
	case BPF_JSGE:
		return BPF_JSLT;
	case BPF_JSLE:
		return BPF_JSGT;
	case BPF_JSGT:
		return BPF_JSLE;
	default:
		return 0;
	}
}

static bool is_signed(uint8_t op)
{
	return op == BPF_JSLT || op == BPF_JSLE || op == BPF_JSGT || op == BPF_JSGE;
}

PDS_PRINTF(3, 4)
static void fail(struct tres *r, const char *rule, const char *fmt, ...)
{
	va_list ap;

	r->kind = T_FAIL;
	r->rule = rule;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* "r3", "[r10-8]" or "?" into buf (at least 17 bytes): once per loop, no printf. */
static void var_name(int var, char *buf, size_t size)
{
	char digits[12];
	int n = 0, at = 0;
	unsigned v;

	if (size < 17 || var < 0) {
		snprintf(buf, size, "?");
		return;
	}
	v = var < 11 ? (unsigned)var : (unsigned)(var - 10) * 8;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < (int)sizeof(digits));
	if (var < 11) {
		buf[at++] = 'r';
	} else {
		memcpy(buf, "[r10-", 5);
		at = 5;
	}
	while (n)
		buf[at++] = digits[--n];
	if (var >= 11)
		buf[at++] = ']';
	buf[at] = '\0';
}

/* The IV of the latch state for var: step interval and width; false if none. */
static bool iv_step(const struct lctx *c, int var, int64_t *slo, int64_t *shi, int *width)
{
	const struct dval *l = &c->latch->v[var];

	if (!c->latch->reached || l->kind != D_IV || l->var != var || l->narrow)
		return false;
	if (l->view == V_FULL)
		*width = 64;
	else if ((l->view == V_Z32 || l->view == V_S32) && l->c == 0)
		*width = 32;
	else
		return false;
	*slo = l->lo;
	*shi = l->hi;
	return *slo >= 1 || *shi <= -1;
}

/* Domain of the comparison and the operand's offset from its IV; false if none fits. */
static bool pick_domain(const struct dval *din, uint8_t latch_view, uint8_t op, bool jmp32,
			int iv_width, const struct pds_av *other, struct domain *D, int64_t *dlo,
			int64_t *dhi)
{
	bool sign = is_signed(op);
	struct dval dv = *din;
	const struct dval *d = &dv;
	int64_t c;

	/* the head value of a 32-bit counter is stored in its own 32-bit view */
	if (dv.view == V_FULL && iv_width == 32 && dv.lo == 0 && dv.hi == 0)
		dv.view = latch_view;
	c = d->view == V_FULL ? 0 : d->c;

	if (d->view == V_SHL32 || d->narrow)
		return false;
	if (__builtin_add_overflow(d->lo, c, dlo) || __builtin_add_overflow(d->hi, c, dhi))
		return false;
	if (narrow_view(d->view)) {
		/* zero-extended 8- or 16-bit value: compared unsigned, or signed against a
		 * non-negative bound, in its own width */
		if (d->c != 0 || (sign && (other->kind != PDS_AV_SCALAR || other->smin < 0)))
			return false;
		set_domain(D, d->view == V_Z8 ? 8 : 16, false);
		return true;
	}
	if (jmp32) {
		set_domain(D, 32, sign);
		return true;
	}
	if (d->view == V_FULL) {
		if (iv_width != 64)
			return false;
		set_domain(D, 64, sign);
		return true;
	}
	if (d->c != 0)
		return false;
	if (!sign && d->view == V_Z32) {
		set_domain(D, 32, false);
		return true;
	}
	if (sign && d->view == V_S32) {
		set_domain(D, 32, true);
		return true;
	}
	if (sign && d->view == V_Z32 && other->kind == PDS_AV_SCALAR && other->smin >= 0) {
		set_domain(D, 32, false);
		return true;
	}
	return false;
}

static i128 ceil_div(i128 a, i128 b)
{
	return a <= 0 ? 0 : (a + b - 1) / b;
}

static uint64_t clamp_u64(i128 v)
{
	return v < 0 ? 0 : v > (i128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* Smallest k >= 0 with k*s == t (mod 2^w), or -1. */
static i128 solve_congruence(i128 s, i128 t, int w)
{
	unsigned __int128 m = (unsigned __int128)1 << w, us, ut, inv = 1;
	unsigned g = 0;

	us = (unsigned __int128)s & (m - 1);
	ut = (unsigned __int128)t & (m - 1);
	if (us == 0)
		return ut == 0 ? 0 : -1;
	while (!(us & 1)) {
		if (ut & 1)
			return -1;
		us >>= 1;
		ut >>= 1;
		g++;
	}
	m >>= g;
	/* inverse of the odd us modulo m by Newton's iteration */
	for (int i = 0; i < 7; i++)
		inv = (inv * (2 - us * inv)) & (m - 1);
	return (i128)((ut * inv) & (m - 1));
}

/* Entry value of var: join of the abstract values on the loop's entry edges. */
static int entry_value(const struct lctx *c, int var, struct pds_av *out)
{
	const struct pds_block *h = &c->cfg->blocks[c->loop->header];
	struct pds_astate s = {0};
	bool any = false;
	int err = 0;

	pds_av_unknown(out);
	for (uint32_t k = 0; !err && k < h->npreds; k++) {
		uint32_t p = h->preds[k];
		const struct pds_block *pb = &c->cfg->blocks[p];

		if (c->pos[p] != UINT32_MAX || !pb->reachable)
			continue;
		for (int e = 0; !err && e < pb->nsucc; e++) {
			const struct pds_av *v;
			const struct pds_slot *sl;

			if (pb->succ[e] != c->loop->header)
				continue;
			err = pds_absint_edge(c->ai, p, e, &s);
			if (err || !s.reachable)
				continue;
			sl = var >= 11 ? pds_astate_slot(&s, -(var - 10) * 8) : NULL;
			if (var >= 11 && !sl)
				goto unknown;
			v = var < 11 ? &s.r[var] : &sl->v;
			if (!any)
				*out = *v;
			else
				pds_av_join(out, v);
			any = true;
		}
	}
	if (!any)
		pds_av_unknown(out);
	pds_astate_free(&s);
	return err;
unknown:
	pds_av_unknown(out);
	pds_astate_free(&s);
	return err;
}

struct ivtest {
	struct domain D;
	uint8_t op; /* continue condition, after normalisation to an increasing u */
	i128 ulo, bl, bh;
	i128 smin, smax;
	bool exact_step, reflected;
	bool u0_known;
	i128 u0;
	i128 e0lo, e0hi; /* entry values of u, when known */
	bool e0;
	uint32_t bsym;
	uint64_t bsym_max;
};

static void bound_lt(struct ivtest *t, struct tres *r, bool le)
{
	i128 top = le ? t->bh : t->bh - 1;

	if (top + t->smax > t->D.max) {
		fail(r, "termination/wrapping-counter",
		     "the counter can wrap: the bound may be %s%lld, where the step of %lld "
		     "passes the %s %d-bit maximum",
		     le ? "" : "up to ", (long long)t->bh, (long long)t->smax,
		     t->D.sign ? "signed" : "unsigned", t->D.width);
		return;
	}
	r->kind = T_BOUND;
	r->n = clamp_u64(le ? (t->bh < t->ulo ? 0 : (t->bh - t->ulo) / t->smin + 1)
			    : ceil_div(t->bh - t->ulo, t->smin));
	r->s_min = (uint64_t)t->smin;
	if (t->bsym && !t->reflected && (uint64_t)t->bh == t->bsym_max) {
		r->symbolic = true;
		r->sym = t->bsym;
		r->c_extra = 1 + (t->ulo < 0 ? ceil_div(-t->ulo, t->smin) : 0);
	}
}

static void bound_ne(struct ivtest *t, struct tres *r)
{
	r->need_dom = true;
	if (t->exact_step && t->u0_known && t->bl == t->bh) {
		i128 k = solve_congruence(t->smin, t->bl - t->u0, t->D.width);

		if (k < 0) {
			r->kind = T_NEVER;
			r->rule = "termination/skips-bound";
			snprintf(r->reason, sizeof(r->reason),
				 "the counter starts at %lld and moves by %lld: it never equals "
				 "%lld",
				 (long long)t->u0, (long long)t->smin, (long long)t->bl);
			return;
		}
		r->kind = T_BOUND;
		r->n = clamp_u64(k);
		return;
	}
	if (t->exact_step && t->smin == 1) {
		r->kind = T_BOUND;
		if (t->e0 && t->e0hi <= t->bl)
			r->n = clamp_u64(t->bh - t->e0lo);
		else
			r->n = clamp_u64(t->D.max - t->D.min); /* visits every value */
		return;
	}
	fail(r, "termination/skips-bound",
	     "the counter moves by %lld to %lld per iteration and the loop exits only when it "
	     "equals the bound exactly: it may step over it",
	     (long long)t->smin, (long long)t->smax);
}

static void analyse_iv(struct ivtest *t, struct tres *r)
{
	switch (t->op) {
	case BPF_JLT:
	case BPF_JSLT:
		bound_lt(t, r, false);
		break;
	case BPF_JLE:
	case BPF_JSLE:
		bound_lt(t, r, true);
		break;
	case BPF_JNE:
		bound_ne(t, r);
		break;
	case BPF_JEQ:
		r->kind = T_BOUND;
		r->n = 1;
		r->need_dom = true;
		break;
	default:
		fail(r, "termination/unbounded-loop",
		     "the loop goes on while the counter moves away from its bound");
		break;
	}
}

/* Reflects an increasing-normal form for a decreasing counter: u -> ~u. */
static void reflect(struct ivtest *t)
{
	i128 lo = t->bl, sum = t->D.min + t->D.max;

	t->bl = sum - t->bh;
	t->bh = sum - lo;
	t->ulo = sum - t->ulo; /* caller passes the upper bound here */
	t->u0 = sum - t->u0;
	lo = t->e0lo;
	t->e0lo = sum - t->e0hi;
	t->e0hi = sum - lo;
	t->op = mirror(t->op);
	t->reflected = true;
}

static int iv_test(struct lctx *c, const struct test *ts, uint8_t op, const struct dval *du,
		   const struct pds_av *au, const struct pds_av *ab, struct tres *r)
{
	struct ivtest t = {0};
	int64_t slo, shi, dlo, dhi;
	int width;
	i128 ulo, uhi, dd;
	struct pds_av ev;
	int err;

	if (!iv_step(c, du->var, &slo, &shi, &width)) {
		fail(r, "termination/unbounded-loop",
		     "the exit test's operand does not change by a fixed step every iteration");
		return 0;
	}
	if (!pick_domain(du, c->latch->v[du->var].view, op,
			 BPF_CLASS(c->prog->insns[ts->slot].code) == BPF_JMP32, width, ab, &t.D,
			 &dlo, &dhi)) {
		fail(r, "termination/unbounded-loop",
		     "the counter is compared in a width the analysis cannot relate to its "
		     "updates");
		return 0;
	}
	dd = (i128)dhi - dlo;
	t.op = op;
	range_in(&t.D, au, &ulo, &uhi);
	range_in(&t.D, ab, &t.bl, &t.bh);
	t.bsym = ab->sym;
	if (ab->sym && ab->sym <= c->ai->quants->n)
		t.bsym_max = c->ai->quants->v[ab->sym - 1].max;
	err = entry_value(c, du->var, &ev);
	if (err)
		return err;
	if (ev.kind == PDS_AV_SCALAR && dlo == dhi) {
		struct pds_av e = ev;
		i128 lo, hi;

		range_in(&t.D, &e, &lo, &hi);
		if (lo + dlo >= t.D.min && hi + dlo <= t.D.max &&
		    (t.D.width == 64 || e.umax <= 0xffffffffull)) {
			t.e0 = true;
			t.e0lo = wrap(&t.D, lo + dlo);
			t.e0hi = wrap(&t.D, hi + dlo);
			t.u0_known = lo == hi;
			t.u0 = t.e0lo;
		}
	}
	if (slo >= 1) {
		t.smin = slo - dd;
		t.smax = shi + dd;
		t.ulo = ulo;
	} else {
		t.smin = -(i128)shi - dd;
		t.smax = -(i128)slo + dd;
		t.ulo = uhi;
		reflect(&t);
	}
	/* u starts at its entry value and only moves up from there (no wrap is checked
	 * below), which is often tighter than the loop invariant */
	if (t.e0 && t.e0lo > t.ulo)
		t.ulo = t.e0lo;
	t.exact_step = slo == shi && dd == 0;
	if (t.smin < 1 || t.smax > t.D.max - t.D.min) {
		fail(r, "termination/unbounded-loop",
		     "the counter's value at the exit test does not move at every iteration");
		return 0;
	}
	r->ivar = du->var;
	analyse_iv(&t, r);
	return 0;
}

static const struct pds_chk_fact_list *list_fact(const struct lctx *c, const char *helper,
						 int64_t key)
{
	const struct pds_chk_facts *f = c->ai->facts;

	for (size_t i = 0; f && i < f->nlists; i++)
		if (!strcmp(f->lists[i].helper, helper) && f->lists[i].key == key)
			return &f->lists[i];
	return NULL;
}

/* p = helper(p, key) until NULL, or p = p->next until NULL. */
static void walk_test(struct lctx *c, const struct dval *du, struct tres *r)
{
	int v = du->var;
	const struct dval *l = v >= 0 ? &c->latch->v[v] : NULL;
	const char *helper;
	const struct pds_access_key *ak;
	const struct pds_chk_fact_list *fact;
	char keyname[64];

	if (du->kind == D_LOAD || (l && l->kind == D_LOAD && l->var == v)) {
		fail(r, "termination/plugin-list-walk",
		     "the loop exits only when a pointer loaded from plugin memory reaches NULL: "
		     "a list the plugin owns, with no bound the checker can see (needs a "
		     "run-time budget)");
		return;
	}
	if (!l || l->kind != D_CALL || l->var != v || (du->kind == D_CALL && du->slot != l->slot) ||
	    (du->kind == D_IV && (du->lo != 0 || du->hi != 0 || du->view != V_FULL))) {
		fail(r, "termination/helper-status-loop",
		     "the loop exits on a helper's result, which the checker cannot bound");
		return;
	}
	helper = c->prog->refs[l->slot].name ? c->prog->refs[l->slot].name : "helper";
	ak = pds_access_key_find(helper, (uint32_t)l->key);
	if (ak)
		snprintf(keyname, sizeof(keyname), "%s", ak->name);
	else
		snprintf(keyname, sizeof(keyname), "0x%llx", (unsigned long long)l->key);
	fact = l->key >= 0 ? list_fact(c, helper, l->key) : NULL;
	if (!fact) {
		fail(r, "termination/host-list-walk",
		     "the loop walks the host list %s(p, %s) until NULL; it terminates only if "
		     "that list is acyclic and bounded: declare it in the spec",
		     helper, keyname);
		return;
	}
	r->kind = T_BOUND;
	r->n = fact->max_len;
	r->assuming = true;
	r->ivar = v;
	snprintf(r->assumption, sizeof(r->assumption), "%s %s: acyclic, length <= %llu", helper,
		 keyname, (unsigned long long)fact->max_len);
}

static int analyse_test(struct lctx *c, const struct test *ts, struct tres *r)
{
	const struct pds_insn *in = &c->prog->insns[ts->slot];
	uint8_t op = BPF_OP(in->code);
	const struct dval *du = &ts->da;
	const struct pds_av *au = &ts->aa, *ab = &ts->ab;
	uint64_t k;

	memset(r, 0, sizeof(*r));
	r->ivar = -1;
	if (op == BPF_JSET) {
		fail(r, "termination/unbounded-loop", "the loop exits on a bit test");
		return 0;
	}
	if (du->kind != D_IV || !c->latch->reached ||
	    !iv_step(c, du->var, &(int64_t){0}, &(int64_t){0}, &(int){0})) {
		if (!ts->b_imm && ts->db.kind == D_IV) {
			du = &ts->db;
			au = &ts->ab;
			ab = &ts->aa;
			op = mirror(op);
		}
	}
	op = ts->exit_taken ? negate(op) : op;
	if (du->kind == D_IV && iv_step(c, du->var, &(int64_t){0}, &(int64_t){0}, &(int){0}))
		return iv_test(c, ts, op, du, au, ab, r);
	if (pds_av_is_const(ab, &k) && k == 0 && (op == BPF_JNE || op == BPF_JGT))
		walk_test(c, du, r);
	else if (du->kind == D_CALL ||
		 (!ts->b_imm && (ts->da.kind == D_CALL || ts->db.kind == D_CALL)))
		fail(r, "termination/helper-status-loop",
		     "the loop exits on a helper's result, which the checker cannot bound");
	else
		fail(r, "termination/unbounded-loop",
		     "no loop counter moves towards the exit condition");
	return 0;
}

/* ------------------------------------------------------------------ the loop */

/* The exit test ending body block k, from the states before its jump. */
static void record_test(struct lctx *c, uint32_t k, const struct dstate *d,
			const struct pds_astate *s)
{
	uint32_t b = c->order[k];
	const struct pds_block *blk = &c->cfg->blocks[b];
	const struct pds_insn *in = &c->prog->insns[blk->last];
	struct test *t = &c->tests[k];

	t->block = b;
	t->slot = blk->last;
	t->reached = true;
	t->feasible = s->reachable;
	t->exit_taken = c->pos[blk->succ[1]] == UINT32_MAX;
	t->da = d->v[in->dst];
	t->aa = s->r[in->dst];
	t->b_imm = BPF_SRC(in->code) == BPF_K;
	if (t->b_imm) {
		d_top(&t->db);
		if (BPF_CLASS(in->code) == BPF_JMP32)
			pds_av_const(&t->ab, (uint32_t)in->imm);
		else
			pds_av_const(&t->ab, (uint64_t)(int64_t)in->imm);
	} else {
		t->db = d->v[in->src];
		t->ab = s->r[in->src];
	}
}

/* The same from the unknown entries of a pass that did not settle. */
static int collect_test(struct lctx *c, uint32_t k)
{
	struct dstate scratch, *d = &scratch;
	struct pds_astate s = {0};
	int err;

	d_top_all(d->v, NV);
	err = run_block(c, c->order[k], d, &s, true);
	if (!err && s.reachable)
		record_test(c, k, d, &s);
	pds_astate_free(&s);
	return err;
}

/*
 * Whether the test's exit edge can be taken at all: the jump's operands, as
 * the abstract interpretation sees them before it, allow its exit outcome
 * (what the state on that edge would say).
 */
static bool exit_feasible(const struct lctx *c, const struct test *t)
{
	const struct pds_insn *in = &c->prog->insns[t->slot];
	struct pds_av a = t->aa, b = t->ab;

	return t->feasible && pds_av_refine(&a, &b, BPF_OP(in->code),
					    BPF_CLASS(in->code) == BPF_JMP32, t->exit_taken);
}

/* Blocks of the loop reachable from the header avoiding blocks marked in cut. */
static bool cut_blocks_all_latches(struct lctx *c, const uint8_t *cut)
{
	const struct pds_loop *l = c->loop;
	uint8_t *seen = pds_calloc(l->nblocks, 1);
	uint32_t *work = pds_calloc(l->nblocks, sizeof(*work)), n = 0;
	bool ok = true;

	if (!seen || !work) {
		free(seen);
		free(work);
		return false;
	}
	if (cut[0])
		goto out;
	seen[0] = 1;
	work[n++] = l->header;
	while (n && ok) {
		const struct pds_block *b = &c->cfg->blocks[work[--n]];

		for (uint32_t k = 0; k < l->nlatches; k++)
			if (&c->cfg->blocks[l->latches[k]] == b)
				ok = false;
		for (int s = 0; ok && s < b->nsucc; s++) {
			uint32_t p = c->pos[b->succ[s]];

			if (p == UINT32_MAX || p == 0 || seen[p] || cut[p])
				continue;
			seen[p] = 1;
			work[n++] = b->succ[s];
		}
	}
out:
	free(seen);
	free(work);
	return ok;
}

static bool dominates_latches(struct lctx *c, uint32_t b)
{
	for (uint32_t k = 0; k < c->loop->nlatches; k++)
		if (!pds_cfg_dominates(c->cfg, b, c->loop->latches[k]))
			return false;
	return true;
}

static int set_poly(struct pds_loop_bound *out, const struct tres *r)
{
	struct pds_poly cst;
	int err;

	if (!r->symbolic)
		return pds_poly_const(&out->poly, r->n);
	err = pds_poly_var(&out->poly, r->sym, 1, r->s_min);
	pds_poly_init(&cst);
	if (!err)
		err = pds_poly_const(&cst, clamp_u64(r->c_extra));
	if (!err)
		err = pds_poly_add(&out->poly, &cst);
	pds_poly_free(&cst);
	return err;
}

static void take_result(struct pds_loop_bound *out, const struct tres *r, uint32_t slot)
{
	out->exit_slot = (int32_t)slot;
	var_name(r->ivar, out->ivar, sizeof(out->ivar));
	if (r->assuming) {
		out->verdict = PDS_VERDICT_PROVEN_ASSUMING;
		free(out->assumption);
		out->assumption = pds_strdup(r->assumption);
	}
}

/* Picks the best bound from the tests' results, or the most telling reason. */
static int decide(struct lctx *c, struct test *tests, struct tres *res, uint32_t nt,
		  struct pds_loop_bound *out)
{
	uint8_t *cut = c->cut;
	int best = -1, reason = -1, err = 0;
	bool all_never = true; /* also when the loop has no exit at all */
	uint64_t sum = 0;

	for (uint32_t i = 0; i < nt; i++) {
		bool feasible = true;

		if (res[i].kind != T_NEVER)
			feasible = exit_feasible(c, &tests[i]);
		all_never &= res[i].kind == T_NEVER || !feasible;
		if (res[i].kind == T_FAIL &&
		    (reason < 0 || res[reason].kind != T_FAIL ||
		     !strcmp(res[reason].rule, "termination/unbounded-loop")))
			reason = (int)i;
		if (res[i].kind == T_NEVER && reason < 0)
			reason = (int)i;
		if (res[i].kind != T_BOUND)
			continue;
		if (dominates_latches(c, tests[i].block) && (best < 0 || res[i].n < res[best].n))
			best = (int)i;
		if (!res[i].need_dom) {
			cut[c->pos[tests[i].block]] = 1;
			sum = sum + res[i].n < sum ? UINT64_MAX : sum + res[i].n;
		}
	}
	if (best >= 0) {
		out->verdict = PDS_VERDICT_PROVEN;
		out->iters = res[best].n;
		take_result(out, &res[best], tests[best].slot);
		c->best_n = res[best].n;
		/* a constant bound is iters alone: its polynomial stays empty */
		err = res[best].symbolic ? set_poly(out, &res[best]) : 0;
		goto out;
	}
	if (sum && cut_blocks_all_latches(c, cut)) {
		struct pds_poly p;

		out->verdict = PDS_VERDICT_PROVEN;
		out->iters = sum;
		pds_poly_init(&p);
		for (uint32_t i = 0; !err && i < nt; i++) {
			struct pds_loop_bound one = {0};

			if (res[i].kind != T_BOUND || res[i].need_dom)
				continue;
			take_result(out, &res[i], tests[i].slot);
			pds_poly_init(&one.poly);
			err = set_poly(&one, &res[i]);
			if (!err)
				err = pds_poly_add(&p, &one.poly);
			pds_poly_free(&one.poly);
		}
		pds_poly_free(&out->poly);
		out->poly = p;
		goto out;
	}
	if (all_never) {
		out->verdict = PDS_VERDICT_FAILS;
		out->rule = reason >= 0 && res[reason].kind == T_NEVER ? res[reason].rule
								       : "termination/no-exit";
		out->reason = pds_strdup(reason >= 0 && res[reason].kind == T_NEVER
						 ? res[reason].reason
						 : "no exit of the loop can ever be taken");
		out->exit_slot = reason >= 0 ? (int32_t)tests[reason].slot : -1;
		goto out;
	}
	out->verdict = PDS_VERDICT_UNKNOWN;
	if (reason >= 0 && res[reason].kind == T_FAIL) {
		out->rule = res[reason].rule;
		out->reason = pds_strdup(res[reason].reason);
		out->exit_slot = (int32_t)tests[reason].slot;
		var_name(res[reason].ivar, out->ivar, sizeof(out->ivar));
		if (res[reason].ivar < 0)
			out->ivar[0] = '\0';
	} else {
		out->rule = "termination/unbounded-loop";
		out->reason =
			pds_strdup("its bounded exits do not cover every path around the loop");
	}
out:
	if (!err && out->verdict >= PDS_VERDICT_UNKNOWN && !out->reason)
		err = PDS_CHK_E_NOMEM;
	return err;
}

/* The exit tests the symbolic pass ran, in body order, packed at the front. */
static int gather_tests(struct lctx *c, bool settled, struct test **tests, uint32_t *nt)
{
	const struct pds_loop *l = c->loop;
	int err = 0;

	*tests = c->tests;
	*nt = 0;
	for (uint32_t k = 0; !err && k < l->nblocks; k++) {
		if (!(c->role[k] & ROLE_TEST) || !din(c, k)->reached)
			continue;
		if (!settled)
			err = collect_test(c, k);
		if (!err && c->tests[k].reached)
			c->tests[(*nt)++] = c->tests[k];
	}
	return err;
}

/*
 * c->nv: the registers and every stack slot an instruction of the loop may
 * read or write through a stack pointer, found by stepping each block from its
 * abstract entry state (the states the symbolic pass steps through). Stores
 * and calls that may write any slot only forget variables, so they do not
 * widen the set; a stack pointer of unknown offset does.
 */
static int reach(struct lctx *c)
{
	const struct pds_loop *l = c->loop;
	struct pds_astate s = {0};
	int top = 10, err = 0;
	bool memory = false;

	/* a loop that touches no memory reaches no slot: nothing to step */
	for (uint32_t k = 0; !memory && k < l->nblocks; k++) {
		const struct pds_block *blk = &c->cfg->blocks[l->blocks[k]];

		for (uint32_t i = blk->first; !memory && i <= blk->last; i++) {
			uint8_t cls = BPF_CLASS(c->prog->insns[i].code);

			memory = (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX) &&
				 !(i > blk->first && pds_insn_is_lddw(&c->prog->insns[i - 1]));
		}
	}
	for (uint32_t k = 0; memory && !err && top < NV - 1 && k < l->nblocks; k++) {
		const struct pds_block *blk = &c->cfg->blocks[l->blocks[k]];

		err = pds_absint_entry(c->ai, l->blocks[k], &s);
		/* The symbolic pass also steps blocks the abstract states call
		 * unreachable, through registers that state no longer describes:
		 * those keep every variable (below). */
		for (uint32_t i = blk->first; !err && s.reachable && i <= blk->last; i++) {
			const struct pds_insn *in = &c->prog->insns[i];
			uint8_t cls = BPF_CLASS(in->code);

			if (i > blk->first && pds_insn_is_lddw(&c->prog->insns[i - 1]))
				continue;
			if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX) {
				const struct pds_av *base =
					&s.r[cls == BPF_LDX ? in->src : in->dst];
				int64_t off, end;
				int lo, hi;

				if (base->kind != PDS_AV_STACK)
					goto next;
				if (base->smin != base->smax ||
				    __builtin_add_overflow(base->smin, (int64_t)in->off, &off) ||
				    __builtin_add_overflow(off, pds_insn_size_bytes(in->code) - 1,
							   &end)) {
					top = NV - 1;
					break;
				}
				lo = var_of_stack(off & ~7ll);
				hi = var_of_stack(end & ~7ll);
				top = lo > top ? lo : top;
				top = hi > top ? hi : top;
			}
		next:
			err = pds_absint_step(c->ai, &s, i);
		}
		if (!err && !s.reachable) /* also when a step left it so */
			top = NV - 1;
	}
	pds_astate_free(&s);
	c->nv = top + 1;
	return err;
}

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* One allocation per loop: body order, change counts, symbolic states, tests. */
static int setup(struct lctx *c)
{
	const struct pds_loop *l = c->loop;
	size_t n = l->nblocks, o_changes, o_in, o_latch, o_tests, o_res, o_role, total;
	unsigned char *a;
	int err;

	c->pos = c->ai->scratch;
	if (!c->pos)
		return PDS_CHK_E_NOMEM;
	err = reach(c);
	if (err)
		return err;
	c->dsize = align16(offsetof(struct dstate, v) + (size_t)c->nv * sizeof(struct dval));
	o_changes = align16(n * sizeof(*c->order));
	o_in = o_changes + align16(n * sizeof(*c->changes));
	o_latch = o_in + n * c->dsize;
	o_tests = o_latch + c->dsize;
	o_res = o_tests + align16(n * sizeof(*c->tests));
	o_role = o_res + n * sizeof(*c->res);
	total = o_role + 2 * n;
	a = pds_calloc(1, total);
	if (!a)
		return PDS_CHK_E_NOMEM;
	c->order = (uint32_t *)(void *)a;
	c->changes = (uint32_t *)(void *)(a + o_changes);
	c->in = a + o_in;
	c->latch = (struct dstate *)(void *)(a + o_latch);
	c->tests = (struct test *)(void *)(a + o_tests);
	c->res = (struct tres *)(void *)(a + o_res);
	c->role = a + o_role;
	c->cut = c->role + n;
	memcpy(c->order, l->blocks, n * sizeof(*c->order)); /* in reverse postorder */
	for (uint32_t k = 0; k < n; k++)
		c->pos[c->order[k]] = k;
	for (uint32_t k = 0; k < l->nlatches; k++)
		c->role[c->pos[l->latches[k]]] |= ROLE_LATCH;
	for (uint32_t k = 0; k < n; k++) {
		const struct pds_block *b = &c->cfg->blocks[c->order[k]];

		if (b->nsucc == 2 &&
		    (c->pos[b->succ[0]] != UINT32_MAX) != (c->pos[b->succ[1]] != UINT32_MAX))
			c->role[k] |= ROLE_TEST;
	}
	return 0;
}

/*
 * What a bound of n back edges per entry says of a variable that moves by a
 * step in [slo, shi], all of one sign, at every iteration: it enters with a
 * value e in [elo, ehi] (the join of the entry edges), and the k-th visit of
 * the head (k <= n) sees e plus k steps. When e plus n of the largest steps
 * stays inside the 64-bit domain, no partial sum wraps and every visit's value
 * lies in [elo, ehi + n * shi] (falling: [elo + n * slo, ehi]).
 */
static bool head_range(const struct domain *D, const struct pds_av *ev, int64_t slo, int64_t shi,
		       uint64_t n, int64_t *lo, int64_t *hi)
{
	i128 elo, ehi;

	range_in(D, ev, &elo, &ehi);
	if (slo >= 1) {
		if ((i128)n > (D->max - ehi) / shi)
			return false;
		ehi += (i128)n * shi;
	} else {
		if (shi > -1 || (i128)n > (elo - D->min) / -(i128)slo)
			return false;
		elo += (i128)n * slo;
	}
	*lo = (int64_t)(uint64_t)elo;
	*hi = (int64_t)(uint64_t)ehi;
	return true;
}

/* Adds a clamp unless inv is full. */
static void add_clamp(struct pds_absint_clamp *inv, uint32_t max, uint32_t *ninv, uint32_t block,
		      int var, bool sign, int64_t lo, int64_t hi)
{
	if (*ninv < max)
		inv[(*ninv)++] = (struct pds_absint_clamp){
			.block = block, .var = var, .sign = sign, .lo = lo, .hi = hi};
}

/*
 * The loop is proven by one test, bounding every back edge: the head ranges of
 * its 64-bit induction variables, and at the head of each loop inside it, the
 * range of every variable that the symbolic pass writes as one of those plus
 * an offset (it holds at every visit within an iteration: the pass settled
 * over the inner cycles, and every way into the body passes the head).
 */
static int head_invariants(struct lctx *c, struct pds_absint_clamp *inv, uint32_t max,
			   uint32_t *ninv)
{
	struct {
		bool known, sign;
		int64_t lo, hi;
	} range[NV] = {{0}};
	int err = 0;

	for (int var = 0; !err && var < c->nv; var++) {
		int64_t slo, shi, lo, hi;
		struct pds_av ev;
		struct domain D;
		int width;

		if (var == 10 || !iv_step(c, var, &slo, &shi, &width) || width != 64)
			continue;
		err = entry_value(c, var, &ev);
		if (err || ev.kind != PDS_AV_SCALAR)
			continue;
		for (int sign = 0; sign < 2 && !range[var].known; sign++) {
			set_domain(&D, 64, sign);
			if (!head_range(&D, &ev, slo, shi, c->best_n, &lo, &hi))
				continue;
			range[var].known = true;
			range[var].sign = sign;
			range[var].lo = lo;
			range[var].hi = hi;
			add_clamp(inv, max, ninv, c->loop->header, var, sign, lo, hi);
		}
	}
	for (uint32_t k = 1; !err && k < c->loop->nblocks; k++) {
		uint32_t b = c->order[k];
		const struct pds_block *blk = &c->cfg->blocks[b];
		const struct dstate *d = din(c, k);

		if (!d->reached || blk->loop < 0 || c->cfg->loops[blk->loop].header != b)
			continue;
		for (int x = 0; x < c->nv; x++) {
			const struct dval *v = &d->v[x];
			struct domain D;
			i128 lo, hi;

			if (x == 10 || v->kind != D_IV || v->view != V_FULL || v->narrow ||
			    v->var < 0 || v->var >= c->nv || !range[v->var].known)
				continue;
			set_domain(&D, 64, range[v->var].sign);
			lo = (range[v->var].sign ? (i128)range[v->var].lo
						 : (i128)(uint64_t)range[v->var].lo) +
			     v->lo;
			hi = (range[v->var].sign ? (i128)range[v->var].hi
						 : (i128)(uint64_t)range[v->var].hi) +
			     v->hi;
			if (lo < D.min || hi > D.max || lo > hi)
				continue;
			add_clamp(inv, max, ninv, b, x, range[v->var].sign, (int64_t)(uint64_t)lo,
				  (int64_t)(uint64_t)hi);
		}
	}
	return err;
}

int pds_loop_bound(const struct pds_absint *ai, uint32_t li, struct pds_loop_bound *out)
{
	return pds_loop_bound_inv(ai, li, out, NULL, 0, NULL);
}

int pds_loop_bound_inv(const struct pds_absint *ai, uint32_t li, struct pds_loop_bound *out,
		       struct pds_absint_clamp *inv, uint32_t max, uint32_t *ninv)
{
	struct lctx c = {.best_n = UINT64_MAX,
			 .ai = ai,
			 .cfg = ai->cfg,
			 .prog = ai->cfg->prog,
			 .loop = &ai->cfg->loops[li],
			 .pos = ai->scratch};
	struct test *tests = NULL;
	struct tres *res = NULL;
	uint32_t nt = 0;
	bool settled = false;
	int err;

	memset(out, 0, sizeof(*out));
	pds_poly_init(&out->poly);
	if (!c.pos)
		return PDS_CHK_E_INVAL;
	out->exit_slot = -1;
	out->iters = UINT64_MAX;
	err = setup(&c);
	if (!err)
		err = symbolic_pass(&c, &settled);
	if (!err && !c.latch->reached) {
		/* no run of the body goes back to the head: the loop never iterates */
		out->verdict = PDS_VERDICT_PROVEN;
		out->iters = 0;
		goto out;
	}
	if (!err)
		err = gather_tests(&c, settled, &tests, &nt);
	res = c.res;
	for (uint32_t i = 0; !err && i < nt; i++)
		err = analyse_test(&c, &tests[i], &res[i]);
	if (!err)
		err = decide(&c, tests, res, nt, out);
	if (!err && inv && c.best_n != UINT64_MAX && out->verdict <= PDS_VERDICT_PROVEN_ASSUMING)
		err = head_invariants(&c, inv, max, ninv);
out:
	for (uint32_t k = 0; c.order && k < c.loop->nblocks; k++)
		c.pos[c.order[k]] = UINT32_MAX;
	free(c.order); /* the whole per-loop allocation (setup) */
	return err;
}

void pds_loop_bound_free(struct pds_loop_bound *b)
{
	pds_poly_free(&b->poly);
	free(b->assumption);
	b->assumption = NULL;
	free(b->reason);
	b->reason = NULL;
}
