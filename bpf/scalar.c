// SPDX-License-Identifier: MIT
/*
 * The scalar lattice: signed and unsigned 64-bit intervals plus known bits
 * ("tnums": value/mask pairs), kept consistent with each other after every
 * operation.  All arithmetic is the eBPF one: 64-bit wrapping, ALU32 results
 * zero-extended, shift amounts masked to the operand width, division by zero as
 * the profile defines it.  Every operation over-approximates: when a precise
 * result would need care that is not taken here, the result is "any value".
 */
#include <string.h>

#include "bpf/analysis_int.h"

#define U32MAX 0xffffffffull

/* ------------------------------------------------------------------ tnums */

struct tnum {
	uint64_t v, m;
};

static struct tnum tn(const struct pds_av *a)
{
	return (struct tnum){a->tval, a->tmask};
}

static void set_tn(struct pds_av *a, struct tnum t)
{
	a->tval = t.v & ~t.m;
	a->tmask = t.m;
}

static struct tnum tn_range(uint64_t lo, uint64_t hi)
{
	uint64_t chi = lo ^ hi;
	int bits = chi ? 64 - __builtin_clzll(chi) : 0;
	uint64_t delta;

	if (bits > 63)
		return (struct tnum){0, ~0ull};
	delta = (1ull << bits) - 1;
	return (struct tnum){lo & ~delta, delta};
}

static struct tnum tn_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.m + b.m, sv = a.v + b.v, sigma = sm + sv, chi = sigma ^ sv;
	uint64_t mu = chi | a.m | b.m;

	return (struct tnum){sv & ~mu, mu};
}

static struct tnum tn_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.v - b.v, alpha = dv + a.m, beta = dv - b.m, chi = alpha ^ beta;
	uint64_t mu = chi | a.m | b.m;

	return (struct tnum){dv & ~mu, mu};
}

static struct tnum tn_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.v | a.m, beta = b.v | b.m, v = a.v & b.v;

	return (struct tnum){v, alpha & beta & ~v};
}

static struct tnum tn_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.v | b.v, mu = a.m | b.m;

	return (struct tnum){v, mu & ~v};
}

static struct tnum tn_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.v ^ b.v, mu = a.m | b.m;

	return (struct tnum){v & ~mu, mu};
}

static struct tnum tn_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.v | b.v, mu = a.m & b.m;

	return (struct tnum){v & ~mu, mu};
}

static struct tnum tn_union(struct tnum a, struct tnum b)
{
	uint64_t mu = a.m | b.m | (a.v ^ b.v);

	return (struct tnum){a.v & ~mu, mu};
}

/* ------------------------------------------------------------------ basics */

void pds_av_unknown(struct pds_av *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = PDS_AV_SCALAR;
	a->smin = INT64_MIN;
	a->smax = INT64_MAX;
	a->umin = 0;
	a->umax = UINT64_MAX;
	a->tval = 0;
	a->tmask = ~0ull;
}

void pds_av_const(struct pds_av *a, uint64_t v)
{
	memset(a, 0, sizeof(*a));
	a->kind = PDS_AV_SCALAR;
	a->smin = a->smax = (int64_t)v;
	a->umin = a->umax = v;
	a->tval = v;
	a->tmask = 0;
}

void pds_av_urange(struct pds_av *a, uint64_t lo, uint64_t hi)
{
	pds_av_unknown(a);
	a->umin = lo;
	a->umax = hi;
	pds_av_sync(a);
}

bool pds_av_is_const(const struct pds_av *a, uint64_t *v)
{
	if (a->kind != PDS_AV_SCALAR || a->umin != a->umax)
		return false;
	if (v)
		*v = a->umin;
	return true;
}

static uint64_t umax64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t umin64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int64_t smax64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t smin64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

bool pds_av_sync(struct pds_av *a)
{
	uint64_t umin = a->umin, umax = a->umax, tval = a->tval, tmask = a->tmask;
	int64_t smin = a->smin, smax = a->smax;
	bool ok = false;

	/* a constant whose bounds agree: nothing to derive */
	if (umin == umax && tmask == 0 && tval == umin && smin == smax && (uint64_t)smin == umin)
		return true;

	for (int round = 0; round < 2; round++) {
		const uint64_t umin0 = umin, umax0 = umax, tval0 = tval, tmask0 = tmask;
		const int64_t smin0 = smin, smax0 = smax;
		struct tnum t;

		/* known bits -> intervals */
		umin = umax64(umin, tval);
		umax = umin64(umax, tval | tmask);
		smin = smax64(smin, (int64_t)(tval | (tmask & (1ull << 63))));
		smax = smin64(smax, (int64_t)(tval | (tmask & ~(1ull << 63))));
		/* signed <-> unsigned when the range does not cross the sign boundary */
		if (smin >= 0 || smax < 0) {
			umin = umax64(umin, (uint64_t)smin);
			umax = umin64(umax, (uint64_t)smax);
		}
		if ((int64_t)umin <= (int64_t)umax && ((umax >> 63) == (umin >> 63))) {
			smin = smax64(smin, (int64_t)umin);
			smax = smin64(smax, (int64_t)umax);
		}
		if (umin > umax || smin > smax)
			goto out;
		/* intervals -> known bits */
		t = tn_intersect((struct tnum){tval, tmask}, tn_range(umin, umax));
		tval = t.v & ~t.m;
		tmask = t.m;
		if ((tval & tmask) != 0)
			goto out;
		/* A round that changed nothing: the next would change nothing either. */
		if (umin == umin0 && umax == umax0 && smin == smin0 && smax == smax0 &&
		    tval == tval0 && tmask == tmask0)
			break;
	}
	ok = umin <= umax && smin <= smax;
out:
	a->umin = umin;
	a->umax = umax;
	a->smin = smin;
	a->smax = smax;
	a->tval = tval;
	a->tmask = tmask;
	return ok;
}

void pds_av_join(struct pds_av *a, const struct pds_av *b)
{
	if (a->kind != b->kind || (a->kind == PDS_AV_HOST && a->prov != b->prov)) {
		bool both_ptr_like = a->kind != PDS_AV_UNINIT && b->kind != PDS_AV_UNINIT;

		pds_av_unknown(a);
		if (!both_ptr_like)
			a->kind = PDS_AV_UNINIT; /* may be uninitialised */
		return;
	}
	if (a->prov_arg != b->prov_arg)
		a->prov = a->kind == PDS_AV_HOST ? a->prov : PDS_PROV_NONE;
	if (a->sym != b->sym)
		a->sym = 0;
	if (a->id != b->id)
		a->id = 0;
	if (a->kind == PDS_AV_PLUGIN) {
		if (a->region > b->region)
			a->region = b->region;
	} else if (a->link != b->link || a->link_op != b->link_op || a->link_k != b->link_k) {
		a->link = 0;
		a->link_op = 0;
		a->link_k = 0;
	}
	a->smin = smin64(a->smin, b->smin);
	a->smax = smax64(a->smax, b->smax);
	a->umin = umin64(a->umin, b->umin);
	a->umax = umax64(a->umax, b->umax);
	set_tn(a, tn_union(tn(a), tn(b)));
}

/* Widening with thresholds at the type boundaries a counter of each width reaches. */
static const uint64_t uthresh[] = {0xff, 0xffff, 0x7fffffff, 0xffffffff, INT64_MAX, UINT64_MAX};
static const int64_t sthresh[] = {0xff, 0xffff, INT32_MAX, 0xffffffffll, INT64_MAX};

static uint64_t widen_up_u(uint64_t v)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(uthresh); i++)
		if (v <= uthresh[i])
			return uthresh[i];
	return UINT64_MAX;
}

static int64_t widen_up_s(int64_t v)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(sthresh); i++)
		if (v <= sthresh[i])
			return sthresh[i];
	return INT64_MAX;
}

static int64_t widen_down_s(int64_t v)
{
	if (v >= 0)
		return 0;
	if (v >= INT32_MIN)
		return INT32_MIN;
	return INT64_MIN;
}

void pds_av_widen(struct pds_av *a, const struct pds_av *b)
{
	struct pds_av j;

	if (pds_av_equal(a, b)) { /* the join is a: no bound moves */
		if (a->kind != PDS_AV_UNINIT)
			set_tn(a, tn_union(tn(a), tn_range(a->umin, a->umax)));
		return;
	}
	j = *a;

	pds_av_join(&j, b);
	if (j.kind == PDS_AV_UNINIT || j.kind != a->kind) {
		*a = j;
		return;
	}
	if (j.umax > a->umax)
		j.umax = widen_up_u(j.umax);
	if (j.umin < a->umin)
		j.umin = 0;
	if (j.smax > a->smax)
		j.smax = widen_up_s(j.smax);
	if (j.smin < a->smin)
		j.smin = widen_down_s(j.smin);
	set_tn(&j, tn_union(tn(&j), tn_range(j.umin, j.umax)));
	*a = j;
}

bool pds_av_equal(const struct pds_av *a, const struct pds_av *b)
{
	return a->umin == b->umin && a->umax == b->umax && a->smin == b->smin &&
	       a->smax == b->smax && a->tval == b->tval && a->tmask == b->tmask &&
	       a->kind == b->kind && a->prov == b->prov && a->prov_arg == b->prov_arg &&
	       a->sym == b->sym && a->id == b->id && a->link == b->link &&
	       a->link_op == b->link_op && a->link_k == b->link_k;
}

void pds_av_truncate(struct pds_av *a, int size)
{
	uint64_t mask = size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;

	if (size >= 8)
		return;
	if (a->kind == PDS_AV_SCALAR && a->umax <= mask) {
		a->smin = (int64_t)a->umin;
		a->smax = (int64_t)a->umax;
		return;
	}
	pds_av_urange(a, 0, mask);
	set_tn(a, tn_intersect(tn_and(tn(a), (struct tnum){mask, 0}), tn_range(0, mask)));
	pds_av_sync(a);
}

/* ------------------------------------------------------------------ arithmetic */

static void from_u(struct pds_av *r, uint64_t lo, uint64_t hi, struct tnum t)
{
	pds_av_unknown(r);
	r->umin = lo;
	r->umax = hi;
	set_tn(r, t);
	if (!pds_av_sync(r))
		pds_av_unknown(r);
}

/* r = the scalar in [lo, hi] unsigned, [slo, shi] signed when known (sok), bits t. */
static void from_us(struct pds_av *r, uint64_t lo, uint64_t hi, bool sok, int64_t slo, int64_t shi,
		    struct tnum t)
{
	pds_av_unknown(r);
	r->umin = lo;
	r->umax = hi;
	if (sok) {
		r->smin = slo;
		r->smax = shi;
	}
	set_tn(r, t);
	if (!pds_av_sync(r))
		pds_av_unknown(r);
}

/* Any value at all, with nothing known of it. */
static bool is_top(const struct pds_av *a)
{
	return a->tmask == ~0ull && a->umin == 0 && a->umax == UINT64_MAX && a->smin == INT64_MIN &&
	       a->smax == INT64_MAX;
}

static void op_add(struct pds_av *r, const struct pds_av *a, const struct pds_av *b)
{
	struct tnum t = tn_add(tn(a), tn(b));
	uint64_t lo, hi;
	int64_t slo, shi;
	bool uo = __builtin_add_overflow(a->umax, b->umax, &hi) |
		  __builtin_add_overflow(a->umin, b->umin, &lo);
	bool so = __builtin_add_overflow(a->smin, b->smin, &slo) |
		  __builtin_add_overflow(a->smax, b->smax, &shi);

	if (is_top(a) || is_top(b)) { /* every bound overflows: any value */
		pds_av_unknown(r);
		return;
	}
	from_us(r, uo ? 0 : lo, uo ? UINT64_MAX : hi, !so, slo, shi, t);
}

static void op_sub(struct pds_av *r, const struct pds_av *a, const struct pds_av *b)
{
	struct tnum t = tn_sub(tn(a), tn(b));
	int64_t slo, shi;
	bool so = __builtin_sub_overflow(a->smin, b->smax, &slo) |
		  __builtin_sub_overflow(a->smax, b->smin, &shi);

	if (a->umin >= b->umax)
		from_us(r, a->umin - b->umax, a->umax - b->umin, !so, slo, shi, t);
	else
		from_us(r, 0, UINT64_MAX, !so, slo, shi, t);
}

static void op_mul(struct pds_av *r, const struct pds_av *a, const struct pds_av *b)
{
	uint64_t hi;

	if (!__builtin_mul_overflow(a->umax, b->umax, &hi))
		from_u(r, a->umin * b->umin, hi, (struct tnum){0, ~0ull});
	else
		pds_av_unknown(r);
}

static void op_div(struct pds_av *r, const struct pds_av *a, const struct pds_av *b)
{
	if (b->umin > 0)
		from_u(r, a->umin / b->umax, a->umax / b->umin, (struct tnum){0, ~0ull});
	else /* the kernel's quotient by zero is 0; PQUIC stops the run */
		from_u(r, 0, a->umax, (struct tnum){0, ~0ull});
}

static void op_mod(struct pds_av *r, const struct pds_av *a, const struct pds_av *b)
{
	uint64_t hi = a->umax;

	if (b->umin > 0)
		hi = umin64(hi, b->umax - 1);
	/* by zero the kernel leaves the dividend: still within [0, a->umax] */
	from_u(r, a->umax < b->umin ? a->umin : 0, hi, (struct tnum){0, ~0ull});
}

static void op_shift(struct pds_av *r, const struct pds_av *a, const struct pds_av *b, uint8_t op,
		     int width)
{
	uint64_t s;

	if (!pds_av_is_const(b, &s)) {
		if (op == BPF_RSH)
			from_u(r, 0, a->umax, (struct tnum){0, ~0ull});
		else
			pds_av_unknown(r);
		return;
	}
	s &= (uint64_t)width - 1; /* masked shift amount */
	if (op == BPF_LSH) {
		if (a->umax <= (UINT64_MAX >> s))
			from_u(r, a->umin << s, a->umax << s,
			       (struct tnum){a->tval << s, a->tmask << s});
		else
			from_u(r, 0, UINT64_MAX, (struct tnum){a->tval << s, a->tmask << s});
	} else if (op == BPF_RSH) {
		from_u(r, a->umin >> s, a->umax >> s, (struct tnum){a->tval >> s, a->tmask >> s});
	} else {
		pds_av_unknown(r);
		r->smin = a->smin >> s;
		r->smax = a->smax >> s;
		set_tn(r, (struct tnum){(uint64_t)((int64_t)a->tval >> s),
					(uint64_t)((int64_t)a->tmask >> s)});
		if (!pds_av_sync(r))
			pds_av_unknown(r);
	}
}

static void op_bits(struct pds_av *r, const struct pds_av *a, const struct pds_av *b, uint8_t op)
{
	struct tnum t = op == BPF_AND  ? tn_and(tn(a), tn(b))
			: op == BPF_OR ? tn_or(tn(a), tn(b))
				       : tn_xor(tn(a), tn(b));

	if (op == BPF_AND)
		from_u(r, 0, umin64(a->umax, b->umax), t);
	else if (op == BPF_OR)
		from_u(r, umax64(a->umin, b->umin), UINT64_MAX, t);
	else
		from_u(r, 0, UINT64_MAX, t);
}

static void op_neg(struct pds_av *r, const struct pds_av *a)
{
	struct pds_av zero;

	pds_av_const(&zero, 0);
	op_sub(r, &zero, a);
}

static void op_end(struct pds_av *r, const struct pds_av *a, const struct pds_insn *in, bool be)
{
	if (!be && in->imm == 64 && BPF_CLASS(in->code) == BPF_ALU) {
		*r = *a; /* to little-endian on a little-endian machine: nothing */
		return;
	}
	if (!be && BPF_CLASS(in->code) == BPF_ALU) {
		*r = *a;
		pds_av_truncate(r, in->imm / 8);
		return;
	}
	pds_av_urange(r, 0, in->imm >= 64 ? UINT64_MAX : (1ull << in->imm) - 1);
}

static void sext(struct pds_av *r, const struct pds_av *a, int bits)
{
	int64_t lo = -(1ll << (bits - 1)), hi = (1ll << (bits - 1)) - 1;

	if (a->kind == PDS_AV_SCALAR && a->umax <= (uint64_t)hi) {
		*r = *a;
		r->sym = 0;
		return;
	}
	pds_av_unknown(r);
	r->smin = lo;
	r->smax = hi;
	pds_av_sync(r);
}

static void alu64(struct pds_av *r, const struct pds_av *a, const struct pds_av *b,
		  const struct pds_insn *in, int width)
{
	uint8_t op = BPF_OP(in->code);

	switch (op) {
	case BPF_ADD:
		op_add(r, a, b);
		break;
	case BPF_SUB:
		op_sub(r, a, b);
		break;
	case BPF_MUL:
		op_mul(r, a, b);
		break;
	case BPF_DIV:
		if (in->off == 1)
			pds_av_unknown(r);
		else
			op_div(r, a, b);
		break;
	case BPF_MOD:
		if (in->off == 1)
			pds_av_unknown(r);
		else
			op_mod(r, a, b);
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		op_bits(r, a, b, op);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		op_shift(r, a, b, op, width);
		break;
	case BPF_NEG:
		op_neg(r, a);
		break;
	default:
		pds_av_unknown(r);
		break;
	}
}

/* The low 32 bits of a value as a 64-bit abstract value. */
static void low32(struct pds_av *r, const struct pds_av *a)
{
	*r = *a;
	r->kind = PDS_AV_SCALAR;
	pds_av_truncate(r, 4);
}

static void alu32(struct pds_av *dst, const struct pds_av *src, const struct pds_insn *in)
{
	struct pds_av a, b, r;
	uint8_t op = BPF_OP(in->code);

	low32(&a, dst);
	low32(&b, src);
	if (op == BPF_ARSH) {
		/* arithmetic shift of the 32-bit value: exact only for non-negative ones */
		if (a.umax <= INT32_MAX) {
			struct pds_insn rsh = *in;

			rsh.code = (uint8_t)((in->code & ~0xf0) | BPF_RSH);
			alu64(&r, &a, &b, &rsh, 32);
		} else {
			pds_av_urange(&r, 0, U32MAX);
		}
	} else if (op == BPF_SUB && a.umin < b.umax) {
		pds_av_urange(&r, 0, U32MAX);
	} else {
		alu64(&r, &a, &b, in, 32);
	}
	pds_av_truncate(&r, 4);
	*dst = r;
}

void pds_av_alu(struct pds_av *dst, const struct pds_av *src, const struct pds_insn *in,
		enum pds_chk_profile profile)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	uint8_t op = BPF_OP(in->code);
	struct pds_av r;

	(void)profile;
	if (op == BPF_MOV) {
		if (in->off && is64)
			sext(&r, src, in->off);
		else if (in->off)
			sext(&r, src, in->off), pds_av_truncate(&r, 4);
		else if (is64)
			r = *src;
		else
			low32(&r, src);
		*dst = r;
		return;
	}
	if (op == BPF_END) {
		op_end(&r, dst, in, BPF_SRC(in->code) == BPF_TO_BE || is64);
		if (is64 && in->imm == 64)
			pds_av_unknown(&r);
		*dst = r;
		return;
	}
	if (dst->kind != PDS_AV_SCALAR || src->kind != PDS_AV_SCALAR) {
		pds_av_unknown(dst);
		return;
	}
	/* in place: both read every operand bound before writing the result, which
	 * has no name, provenance or link */
	if (is64 && op == BPF_ADD && dst != src) {
		op_add(dst, dst, src);
		return;
	}
	if (is64 && op == BPF_SUB && dst != src) {
		op_sub(dst, dst, src);
		return;
	}
	if (is64)
		alu64(&r, dst, src, in, 64);
	else
		alu32(dst == &r ? &r : (r = *dst, &r), src, in);
	r.sym = 0;
	r.prov = PDS_PROV_NONE;
	*dst = r;
}

/* ------------------------------------------------------------------ conditions */

static bool refine_eq(struct pds_av *a, struct pds_av *b)
{
	a->umin = b->umin = umax64(a->umin, b->umin);
	a->umax = b->umax = umin64(a->umax, b->umax);
	a->smin = b->smin = smax64(a->smin, b->smin);
	a->smax = b->smax = smin64(a->smax, b->smax);
	set_tn(a, tn_intersect(tn(a), tn(b)));
	set_tn(b, tn(a));
	return pds_av_sync(a) && pds_av_sync(b);
}

static bool refine_ne(struct pds_av *a, struct pds_av *b)
{
	uint64_t k;

	if (pds_av_is_const(b, &k)) {
		if (pds_av_is_const(a, NULL) && a->umin == k)
			return false;
		if (a->umin == k)
			a->umin++;
		else if (a->umax == k)
			a->umax--;
		return pds_av_sync(a);
	}
	if (pds_av_is_const(a, NULL))
		return refine_ne(b, a);
	return true;
}

/* a < b (strict) or a <= b, unsigned. */
static bool refine_ult(struct pds_av *a, struct pds_av *b, bool strict)
{
	if (strict && b->umax == 0)
		return false;
	a->umax = umin64(a->umax, strict ? b->umax - 1 : b->umax);
	if (strict && a->umin == UINT64_MAX)
		return false;
	b->umin = umax64(b->umin, strict ? a->umin + 1 : a->umin);
	return pds_av_sync(a) && pds_av_sync(b);
}

static bool refine_slt(struct pds_av *a, struct pds_av *b, bool strict)
{
	if (strict && b->smax == INT64_MIN)
		return false;
	a->smax = smin64(a->smax, strict ? b->smax - 1 : b->smax);
	if (strict && a->smin == INT64_MAX)
		return false;
	b->smin = smax64(b->smin, strict ? a->smin + 1 : a->smin);
	return pds_av_sync(a) && pds_av_sync(b);
}

static bool refine_set(struct pds_av *a, const struct pds_av *b, bool taken)
{
	uint64_t k;

	if (!pds_av_is_const(b, &k))
		return true;
	if (!taken) {
		a->tval &= ~k;
		a->tmask &= ~k;
		return pds_av_sync(a);
	}
	return (a->tval & k) || (a->tmask & k);
}

/* Both operands' 32-bit views equal their 64-bit values, for the given signedness. */
static bool fits32(const struct pds_av *a, bool sign)
{
	return a->kind == PDS_AV_SCALAR && a->umax <= (sign ? (uint64_t)INT32_MAX : U32MAX);
}

bool pds_av_refine(struct pds_av *a, struct pds_av *b, uint8_t op, bool jmp32, bool taken)
{
	bool sign = op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT || op == BPF_JSLE;

	/* pointers keep offsets, not values, in their bounds: nothing to refine */
	if (a->kind != PDS_AV_SCALAR)
		return true;
	if (b->kind != PDS_AV_SCALAR)
		return true;
	if (jmp32 && (!fits32(a, sign) || !fits32(b, sign)))
		return true; /* compares only the low halves: no refinement */
	if (!taken) {	     /* the negated condition */
		static const uint8_t neg[16] = {
			[BPF_JEQ >> 4] = BPF_JNE,   [BPF_JNE >> 4] = BPF_JEQ,
			[BPF_JGT >> 4] = BPF_JLE,   [BPF_JLE >> 4] = BPF_JGT,
			[BPF_JGE >> 4] = BPF_JLT,   [BPF_JLT >> 4] = BPF_JGE,
			[BPF_JSGT >> 4] = BPF_JSLE, [BPF_JSLE >> 4] = BPF_JSGT,
			[BPF_JSGE >> 4] = BPF_JSLT, [BPF_JSLT >> 4] = BPF_JSGE,
		};

		if (op == BPF_JSET)
			return refine_set(a, b, false);
		op = neg[op >> 4];
	}
	switch (op) {
	case BPF_JEQ:
		return refine_eq(a, b);
	case BPF_JNE:
		return refine_ne(a, b);
	case BPF_JLT:
		return refine_ult(a, b, true);
	case BPF_JLE:
		return refine_ult(a, b, false);
	case BPF_JGT:
		return refine_ult(b, a, true);
	case BPF_JGE:
		return refine_ult(b, a, false);
	case BPF_JSLT:
		return refine_slt(a, b, true);
	case BPF_JSLE:
		return refine_slt(a, b, false);
	case BPF_JSGT:
		return refine_slt(b, a, true);
	case BPF_JSGE:
		return refine_slt(b, a, false);
	case BPF_JSET:
		return refine_set(a, b, true);
	default:
		return true;
	}
}
