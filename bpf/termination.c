// SPDX-License-Identifier: MIT
/*
 * Termination verdicts and worst-case cost.
 *
 * Each loop is bounded from its exits (loops.c).  The cost of one entry into a
 * loop is (iterations + 1) times the longest path around it, where inner loops
 * count as single nodes of their own cost; a function's cost is its longest path
 * from entry to exit in that collapsed, acyclic graph, each call adding the
 * callee's cost.  Numbers saturate; the same sums over named quantities give the
 * formula.  A program is `proven` when every reachable loop is, `proven under
 * assumptions` when some loop relies on a declared host fact, `fails` when a loop
 * certainly never exits, `unknown` otherwise (irreducible flow and recursion
 * included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/analysis_int.h"

struct cost {
	uint64_t n;
	bool sym;
	struct pds_poly p; /* meaningful when sym */
};

struct loop_call {
	uint32_t slot;
	uint64_t r1max;
};

struct tctx {
	const struct pds_chk_prog *prog;
	struct pds_cfg cfg;
	struct pds_absint ai;
	struct pds_quantities quants;
	struct pds_loop_bound *bounds; /* per loop */
	struct cost *loop_cost;	       /* per loop, one entry */
	struct cost *func_cost;	       /* per function */
	bool *func_done;
	bool *func_busy;    /* cost being computed: a callback reached again is a cycle */
	bool *callback;	    /* per function: its address is taken (kernel callbacks) */
	bool cb_cycle;	    /* a callback runs, through helpers, inside itself */
	uint32_t *by_depth; /* loop indices by increasing nesting depth */
	uint32_t nloops_by_depth;
	struct cost *dist; /* per block, scratch */
	bool *dist_set;
	/* bpf_loop calls by slot, with the largest r1 at each (read from the abstract
	 * states, which are freed before the costs are computed) */
	struct loop_call *loop_calls;
	uint32_t nloop_calls;
	struct pds_absint_clamp *clamps; /* for a second round (plan_clamps) */
	uint32_t nclamps;
	const struct pds_chk_term_opts *opts;
	struct pds_chk_term_report *rep;
};

PDS_API const char *pds_chk_verdict_name(enum pds_chk_verdict v)
{
	static const char *const names[] = {"proven", "proven-assuming", "unknown", "fails"};

	return (unsigned)v < 4 ? names[v] : "unknown";
}

/* ------------------------------------------------------------------ costs */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static int materialize(struct cost *c)
{
	if (c->sym)
		return 0;
	pds_poly_init(&c->p);
	c->sym = true;
	return pds_poly_const(&c->p, c->n);
}

static void cost_free(struct cost *c)
{
	if (c->sym)
		pds_poly_free(&c->p);
	c->sym = false;
	c->n = 0;
}

static int cost_copy(struct cost *dst, const struct cost *src)
{
	cost_free(dst);
	dst->n = src->n;
	if (!src->sym)
		return 0;
	dst->sym = true;
	pds_poly_init(&dst->p);
	return pds_poly_copy(&dst->p, &src->p);
}

/* a = max(a, b) or a += b, on the number and, when either is symbolic, the formula. */
static int cost_combine(struct cost *a, const struct cost *b, bool add)
{
	struct cost tmp = {0};
	int err = 0;

	if (a->sym || b->sym) {
		err = materialize(a);
		tmp.n = b->n;
		if (!err)
			err = b->sym ? cost_copy(&tmp, b) : materialize(&tmp);
		if (!err)
			err = add ? pds_poly_add(&a->p, &tmp.p) : pds_poly_max(&a->p, &tmp.p);
		cost_free(&tmp);
	}
	a->n = add ? sat_add(a->n, b->n) : (a->n > b->n ? a->n : b->n);
	return err;
}

static int cost_max(struct cost *a, const struct cost *b)
{
	return cost_combine(a, b, false);
}

static int cost_add(struct cost *a, const struct cost *b)
{
	return cost_combine(a, b, true);
}

static int cost_add_n(struct cost *a, uint64_t n)
{
	struct cost b = {.n = n};

	return cost_add(a, &b);
}

/* ------------------------------------------------------------------ regions */

static uint64_t block_insns(const struct tctx *t, const struct pds_block *b)
{
	uint64_t n = 0;

	for (uint32_t i = b->first; i <= b->last; i++) {
		n++;
		if (pds_insn_is_lddw(&t->prog->insns[i]))
			i++;
	}
	return n;
}

/*
 * Kernel helpers that run a callback (a subprogram whose address the program
 * takes) within the call: bpf_loop runs it nr_loops times, at most 1 << 23
 * (it refuses more); bpf_find_vma at most once. bpf_timer_set_callback's runs
 * later, on its own; bpf_for_each_map_elem and bpf_user_ringbuf_drain run it
 * once per element, a count the program does not bound (whole_program).
 */
#define KH_FOR_EACH_MAP_ELEM 164
#define KH_FIND_VMA 180
#define KH_LOOP 181
#define KH_USER_RINGBUF_DRAIN 209
#define BPF_MAX_LOOPS (1u << 23)

static int func_cost(struct tctx *t, uint32_t f);

static bool kernel_helper(const struct tctx *t, uint32_t slot, int32_t id)
{
	return t->prog->obj->profile == PDS_CHK_PROFILE_KERNEL &&
	       t->prog->refs[slot].kind == PDS_REF_HELPER && t->prog->insns[slot].imm == id;
}

/* The largest value r1 may hold at slot, in block b (abstract states). */
static int r1_max(struct tctx *t, uint32_t b, uint32_t slot, uint64_t *max)
{
	const struct pds_block *blk = &t->cfg.blocks[b];
	struct pds_astate s = {0};
	int err = pds_absint_entry(&t->ai, b, &s);

	for (uint32_t i = blk->first; !err && s.reachable && i < slot; i++) {
		if (i > blk->first && pds_insn_is_lddw(&t->prog->insns[i - 1]))
			continue;
		err = pds_absint_step(&t->ai, &s, i);
	}
	*max = s.reachable && s.r[1].kind == PDS_AV_SCALAR ? s.r[1].umax : UINT64_MAX;
	pds_astate_free(&s);
	return err;
}

/* The largest r1 at the bpf_loop call at slot (loop_calls). */
static uint64_t loop_call_r1(const struct tctx *t, uint32_t slot)
{
	uint32_t lo = 0, hi = t->nloop_calls;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->loop_calls[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nloop_calls && t->loop_calls[lo].slot == slot ? t->loop_calls[lo].r1max
								     : UINT64_MAX;
}

/* loop_calls, in slot order (blocks are in slot order). */
static int find_loop_calls(struct tctx *t)
{
	uint32_t cap = 0;
	int err = 0;

	for (uint32_t b = 0; !err && b < t->cfg.nblocks; b++) {
		const struct pds_block *blk = &t->cfg.blocks[b];

		for (uint32_t i = blk->first; !err && i <= blk->last; i++) {
			if (!kernel_helper(t, i, KH_LOOP))
				continue;
			if (t->nloop_calls == cap) {
				struct loop_call *v;

				cap = cap ? 2 * cap : 8;
				v = pds_arr_realloc(t->loop_calls, cap, sizeof(*v));
				if (!v)
					return PDS_CHK_E_NOMEM;
				t->loop_calls = v;
			}
			t->loop_calls[t->nloop_calls].slot = i;
			err = r1_max(t, b, i, &t->loop_calls[t->nloop_calls].r1max);
			t->nloop_calls += !err;
		}
	}
	return err;
}

/* The cost of the costliest callback, any of them being the one passed. */
static int callback_cost(struct tctx *t, struct cost *out)
{
	int err = 0;

	cost_free(out);
	for (uint32_t f = 0; !err && f < t->cfg.nfuncs; f++) {
		if (!t->callback[f])
			continue;
		if (t->func_busy[f]) {
			t->cb_cycle = true;
			continue;
		}
		err = func_cost(t, f);
		if (!err)
			err = cost_max(out, &t->func_cost[f]);
	}
	return err;
}

static int block_cost(struct tctx *t, uint32_t b, struct cost *out)
{
	const struct pds_block *blk = &t->cfg.blocks[b];
	int err = 0;

	cost_free(out);
	out->n = block_insns(t, blk);
	for (uint32_t i = blk->first; !err && i <= blk->last; i++) {
		const struct pds_insn_ref *r = &t->prog->refs[i];
		struct cost cb = {0}, runs = {0};
		uint64_t n = 1;

		if (r->kind == PDS_REF_SUBPROG)
			err = cost_add(out,
				       &t->func_cost[pds_cfg_func_of_slot(&t->cfg, r->target)]);
		if (!kernel_helper(t, i, KH_LOOP) && !kernel_helper(t, i, KH_FIND_VMA))
			continue;
		if (!err && kernel_helper(t, i, KH_LOOP)) {
			n = loop_call_r1(t, i);
			n = n < BPF_MAX_LOOPS ? n : BPF_MAX_LOOPS;
		}
		if (!err)
			err = callback_cost(t, &cb);
		runs.n = sat_mul(n, cb.n);
		if (!err && cb.sym) {
			struct cost k = {.n = n};

			err = materialize(&k);
			if (!err) {
				runs.sym = true;
				pds_poly_init(&runs.p);
				err = pds_poly_mul(&runs.p, &k.p, &cb.p);
			}
			cost_free(&k);
		}
		if (!err)
			err = cost_add(out, &runs);
		cost_free(&cb);
		cost_free(&runs);
	}
	return err;
}

/* The child of region (a loop index, or -1 for the function) that holds block b, or -1. */
static int child_of(const struct tctx *t, int region, uint32_t b)
{
	int l = t->cfg.blocks[b].loop;

	while (l >= 0 && t->cfg.loops[l].parent != region)
		l = t->cfg.loops[l].parent;
	return l;
}

static int relax(struct tctx *t, uint32_t to, const struct cost *c)
{
	if (!t->dist_set[to]) {
		t->dist_set[to] = true;
		t->dist[to].sym = false;
		return cost_copy(&t->dist[to], c);
	}
	return cost_max(&t->dist[to], c);
}

struct region {
	int loop; /* -1: the whole function */
	uint32_t entry;
	const uint32_t *blocks; /* in reverse postorder */
	uint32_t n;
};

static bool in_region(const struct tctx *t, const struct region *r, uint32_t b)
{
	if (r->loop < 0)
		return t->cfg.blocks[b].func == t->cfg.blocks[r->entry].func;
	return pds_loop_contains(&t->cfg, r->loop, b);
}

/* Edges out of a node: terminal ones (back to the loop's head, leaving the loop,
 * or the function's exits) go to *res, the others relax their target. */
static int propagate(struct tctx *t, const struct region *r, uint32_t b, int child,
		     const struct cost *out, struct cost *res, bool *any)
{
	const struct pds_block *blk = &t->cfg.blocks[b];
	int err = 0;

	if (blk->nsucc == 0) {
		*any = true;
		return cost_max(res, out);
	}
	for (int s = 0; !err && s < blk->nsucc; s++) {
		uint32_t to = blk->succ[s];

		if (child >= 0 && pds_loop_contains(&t->cfg, child, to))
			continue; /* stays inside the child loop */
		if (!in_region(t, r, to) || (r->loop >= 0 && to == r->entry)) {
			*any = true;
			err = cost_max(res, out);
		} else {
			err = relax(t, to, out);
		}
	}
	return err;
}

static int region_cost(struct tctx *t, const struct region *r, struct cost *res)
{
	struct cost out = {0};
	bool any = false;
	int err = 0;

	for (uint32_t i = 0; i < r->n; i++) {
		t->dist_set[r->blocks[i]] = false;
		cost_free(&t->dist[r->blocks[i]]);
	}
	t->dist_set[r->entry] = true;
	for (uint32_t i = 0; !err && i < r->n; i++) {
		uint32_t b = r->blocks[i];
		int child = child_of(t, r->loop, b);

		if (!t->dist_set[b] || (child >= 0 && t->cfg.loops[child].header != b))
			continue;
		err = cost_copy(&out, &t->dist[b]);
		if (!err && child >= 0) {
			const struct pds_loop *cl = &t->cfg.loops[child];

			err = cost_add(&out, &t->loop_cost[child]);
			for (uint32_t k = 0; !err && k < cl->nblocks; k++)
				err = propagate(t, r, cl->blocks[k], child, &out, res, &any);
			continue;
		}
		if (!err) {
			struct cost bc = {0};

			err = block_cost(t, b, &bc);
			if (!err)
				err = cost_add(&out, &bc);
			cost_free(&bc);
		}
		if (!err)
			err = propagate(t, r, b, -1, &out, res, &any);
	}
	cost_free(&out);
	return err;
}

static int loop_cost(struct tctx *t, uint32_t li)
{
	const struct pds_loop *l = &t->cfg.loops[li];
	const struct pds_loop_bound *bd = &t->bounds[li];
	struct region r = {
		.loop = (int)li, .entry = l->header, .blocks = l->blocks, .n = l->nblocks};
	struct cost per = {0}, iters = {0}, *c = &t->loop_cost[li];
	int err;

	err = region_cost(t, &r, &per); /* a loop's blocks are in reverse postorder */
	if (err)
		return err;
	/* (iterations + 1) passes at most */
	iters.n = sat_add(bd->iters, 1);
	if (!pds_poly_is_const(&bd->poly)) {
		iters.sym = true;
		pds_poly_init(&iters.p);
		err = pds_poly_copy(&iters.p, &bd->poly);
		if (!err)
			err = cost_add_n(&iters, 1);
		iters.n = sat_add(bd->iters, 1);
	}
	cost_free(c);
	c->n = sat_mul(iters.n, per.n);
	if (!err && (iters.sym || per.sym)) {
		err = materialize(&iters);
		if (!err)
			err = materialize(&per);
		if (!err) {
			c->sym = true;
			pds_poly_init(&c->p);
			err = pds_poly_mul(&c->p, &iters.p, &per.p);
		}
	}
	cost_free(&iters);
	cost_free(&per);
	return err;
}

static int func_cost(struct tctx *t, uint32_t f)
{
	const struct pds_func *fn = &t->cfg.funcs[f];
	struct region r = {.loop = -1, .entry = fn->entry, .blocks = fn->order, .n = fn->norder};
	int err = 0;

	if (t->func_done[f])
		return 0;
	t->func_done[f] = true;
	t->func_busy[f] = true;
	for (uint32_t k = 0; !err && k < fn->ncallees; k++)
		err = func_cost(t, fn->callees[k]);
	/* loops of this function, innermost first, at any depth */
	for (uint32_t k = t->nloops_by_depth; !err && k-- > 0;)
		if (t->cfg.loops[t->by_depth[k]].func == f)
			err = loop_cost(t, t->by_depth[k]);
	if (!err)
		err = region_cost(t, &r, &t->func_cost[f]);
	t->func_busy[f] = false;
	return err;
}

/* ------------------------------------------------------------------ reporting */

static bool slot_loc(const struct pds_chk_prog *p, int64_t slot, struct pds_srcloc *loc)
{
	return slot >= 0 && pds_chk_prog_srcloc(p, (size_t)slot, loc) == 0;
}

/*
 * Where a loop is in the source: the first line of its code in the head's file.
 * The condition of a for or while statement is the loop's first line; for a
 * do-while or for (;;) the first line of code is the body's first statement.
 */
static void loop_loc(struct tctx *t, uint32_t li, struct pds_chk_loop_report *lr)
{
	const struct pds_loop *l = &t->cfg.loops[li];
	const struct pds_block *h = &t->cfg.blocks[l->header];
	struct pds_srcloc head = {0}, loc;

	for (uint32_t i = h->first; !head.file && i <= h->last; i++)
		if (!slot_loc(t->prog, i, &head))
			head.file = NULL;
	lr->has_loc = head.file != NULL;
	if (!lr->has_loc)
		lr->has_loc = slot_loc(t->prog, t->bounds[li].exit_slot, &lr->loc);
	if (!head.file)
		return;
	lr->loc = head;
	for (uint32_t k = 0; k < l->nblocks; k++) {
		const struct pds_block *b = &t->cfg.blocks[l->blocks[k]];

		for (uint32_t i = b->first; i <= b->last; i++)
			if (slot_loc(t->prog, i, &loc) && loc.line < lr->loc.line &&
			    !strcmp(loc.file, head.file))
				lr->loc = loc;
	}
}

static int add_assumption(struct pds_chk_term_report *r, const char *a)
{
	char **v;

	for (size_t i = 0; i < r->nassumptions; i++)
		if (!strcmp(r->assumptions[i], a))
			return 0;
	v = realloc(r->assumptions, (r->nassumptions + 1) * sizeof(*v));
	if (!v)
		return PDS_CHK_E_NOMEM;
	r->assumptions = v;
	v[r->nassumptions] = pds_strdup(a);
	return v[r->nassumptions++] ? 0 : PDS_CHK_E_NOMEM;
}

static void diag_loop(struct tctx *t, uint32_t li, const struct pds_chk_loop_report *lr)
{
	const struct pds_block *h = &t->cfg.blocks[t->cfg.loops[li].header];
	int64_t slot = h->first;
	struct pds_loc loc;
	struct pds_srcloc src;
	bool fails = lr->verdict == PDS_VERDICT_FAILS;

	if (!t->opts || !t->opts->diag.fn)
		return;
	pds_prog_loc(t->prog, (size_t)slot, &loc, &src);
	if (lr->has_loc) {
		src = lr->loc;
		loc.src = &src;
	}
	pds_diag_rule(&t->opts->diag, fails ? PDS_CHK_ERROR : PDS_CHK_WARNING, lr->rule, &loc,
		      "loop at insn %u%s%s%s %s: %s", h->first, lr->ivar && lr->ivar[0] ? " (" : "",
		      lr->ivar && lr->ivar[0] ? lr->ivar : "", lr->ivar && lr->ivar[0] ? ")" : "",
		      fails ? "never terminates" : "has no proven bound", lr->reason);
}

/*
 * A report as allocated: the loops' strings (variable, formula, reason) live in
 * chunks that the report frees at once, instead of three allocations a loop.
 */
struct str_chunk {
	struct str_chunk *next;
	size_t used, cap;
	char data[];
};

struct report_priv {
	struct pds_chk_term_report pub;
	struct str_chunk *strings;
};

#define STR_CHUNK 65536

/* A copy of s owned by r; NULL when out of memory. */
static char *rep_str(struct pds_chk_term_report *r, const char *s)
{
	struct report_priv *rp = (struct report_priv *)(void *)r;
	struct str_chunk *c = rp->strings;
	size_t len = strlen(s) + 1;
	char *d;

	if (!c || c->cap - c->used < len) {
		size_t cap = len > STR_CHUNK ? len : STR_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = rp->strings;
		c->used = 0;
		c->cap = cap;
		rp->strings = c;
	}
	d = c->data + c->used;
	memcpy(d, s, len);
	c->used += len;
	return d;
}

/* rep_str of s, which is freed; NULL when s is or when out of memory. */
static char *rep_take(struct pds_chk_term_report *r, char *s)
{
	char *d = s ? rep_str(r, s) : NULL;

	free(s);
	return d;
}

static int report_loop(struct tctx *t, uint32_t li, struct pds_chk_loop_report *lr)
{
	const struct pds_loop *l = &t->cfg.loops[li];
	struct pds_loop_bound *b = &t->bounds[li];

	lr->header = t->cfg.blocks[l->header].first;
	lr->depth = l->depth;
	/* l->parent indexes cfg.loops; the reports of irreducible cycles come first */
	lr->parent = l->parent < 0 ? -1 : (int)(lr - t->rep->loops) - (int)li + l->parent;
	lr->verdict = b->verdict;
	lr->max_iter = b->verdict <= PDS_VERDICT_PROVEN_ASSUMING ? b->iters : UINT64_MAX;
	lr->exit_slot = b->exit_slot >= 0 ? (uint32_t)b->exit_slot : lr->header;
	/* "i in r7" when DWARF names the variable at its test, else at the loop head */
	lr->ivar =
		rep_take(t->rep, pds_obj_ivar_label(t->prog, lr->exit_slot, lr->header, b->ivar));
	if (!lr->ivar)
		return PDS_CHK_E_NOMEM;
	if (b->verdict <= PDS_VERDICT_PROVEN_ASSUMING && !pds_poly_is_const(&b->poly)) {
		lr->iter_formula = rep_take(t->rep, pds_poly_format(&b->poly, &t->quants));
		if (!lr->iter_formula)
			return PDS_CHK_E_NOMEM;
	}
	if (b->verdict >= PDS_VERDICT_UNKNOWN) {
		lr->rule = b->rule;
		lr->reason = rep_str(t->rep, b->reason ? b->reason : "");
		if (!lr->reason)
			return PDS_CHK_E_NOMEM;
	}
	loop_loc(t, li, lr);
	if (b->assumption)
		return add_assumption(t->rep, b->assumption);
	return 0;
}

static void set_reason(struct pds_chk_term_report *r, enum pds_chk_verdict v, const char *rule,
		       const char *reason)
{
	if (v < r->verdict || (r->reason && v == r->verdict))
		return;
	r->verdict = v;
	r->rule = rule;
	free(r->reason);
	r->reason = reason ? pds_strdup(reason) : NULL;
}

/* An irreducible cycle gets a loop report of its own, at its entry. */
static int report_irreducible(struct tctx *t, uint32_t block, const char *msg)
{
	struct pds_chk_term_report *r = t->rep;
	struct pds_chk_loop_report *v = pds_arr_realloc(r->loops, r->nloops + 1, sizeof(*v)), *lr;
	uint32_t slot = t->cfg.blocks[block].first;

	if (!v)
		return PDS_CHK_E_NOMEM;
	r->loops = v;
	lr = &v[r->nloops++];
	memset(lr, 0, sizeof(*lr));
	lr->header = slot;
	lr->depth = 1;
	lr->parent = -1;
	lr->verdict = PDS_VERDICT_UNKNOWN;
	lr->max_iter = UINT64_MAX;
	lr->exit_slot = slot;
	lr->rule = "termination/irreducible";
	lr->reason = rep_str(r, msg);
	lr->ivar = rep_str(r, "");
	lr->has_loc = pds_chk_prog_srcloc(t->prog, slot, &lr->loc) == 0;
	return lr->reason && lr->ivar ? 0 : PDS_CHK_E_NOMEM;
}

static int whole_program(struct tctx *t)
{
	struct pds_chk_term_report *r = t->rep;
	struct pds_loc loc;
	struct pds_srcloc src;
	uint32_t ncallbacks = 0;
	char msg[256];

	for (uint32_t f = 0; f < t->cfg.nfuncs; f++) {
		if (!t->cfg.funcs[f].irreducible)
			continue;
		r->irreducible = 1;
		snprintf(msg, sizeof(msg),
			 "irreducible control flow: a cycle is entered at insn %u without passing "
			 "its head",
			 t->cfg.blocks[t->cfg.funcs[f].irreducible_block].first);
		set_reason(r, PDS_VERDICT_UNKNOWN, "termination/irreducible", msg);
		if (report_irreducible(t, t->cfg.funcs[f].irreducible_block, msg))
			return PDS_CHK_E_NOMEM;
		pds_prog_loc(t->prog, t->cfg.blocks[t->cfg.funcs[f].irreducible_block].first, &loc,
			     &src);
		if (t->opts && t->opts->diag.fn)
			pds_diag_rule(&t->opts->diag, PDS_CHK_WARNING, "termination/irreducible",
				      &loc, "%s", msg);
	}
	t->callback = pds_calloc(t->cfg.nfuncs, sizeof(*t->callback));
	if (!t->callback)
		return PDS_CHK_E_NOMEM;
	for (uint32_t i = 0; i < t->prog->nslots; i++)
		if (t->prog->refs[i].kind == PDS_REF_FUNC_ADDR) {
			t->callback[pds_cfg_func_of_slot(&t->cfg, t->prog->refs[i].target)] = true;
			ncallbacks++;
		}
	/* PQUIC helpers run no code of the plugin's: only kernel callbacks count */
	for (uint32_t i = 0; ncallbacks && i < t->prog->nslots; i++) {
		const struct pds_insn_ref *ref = &t->prog->refs[i];

		if (!kernel_helper(t, i, KH_FOR_EACH_MAP_ELEM) &&
		    !kernel_helper(t, i, KH_USER_RINGBUF_DRAIN) &&
		    !(ref->kind == PDS_REF_KFUNC && ref->name &&
		      strcmp(ref->name, "bpf_wq_set_callback_impl")))
			continue;
		snprintf(msg, sizeof(msg),
			 "%s may run a callback of this program a number of times nothing here "
			 "bounds",
			 ref->name ? ref->name : "a kernel function");
		set_reason(r, PDS_VERDICT_UNKNOWN, "termination/callback", msg);
		pds_prog_loc(t->prog, i, &loc, &src);
		if (t->opts && t->opts->diag.fn)
			pds_diag_rule(&t->opts->diag, PDS_CHK_WARNING, "termination/callback", &loc,
				      "%s", msg);
		break;
	}
	if (t->cfg.recursive) {
		snprintf(msg, sizeof(msg), "subprogram '%s' is recursive",
			 t->prog->sub_names[t->cfg.recursive_func]);
		set_reason(r, PDS_VERDICT_UNKNOWN, "termination/recursion", msg);
		pds_prog_loc(t->prog, t->cfg.funcs[t->cfg.recursive_func].start, &loc, &src);
		if (t->opts && t->opts->diag.fn)
			pds_diag_rule(&t->opts->diag, PDS_CHK_ERROR, "termination/recursion", &loc,
				      "%s", msg);
	}
	return 0;
}

static int by_block(const void *a, const void *b)
{
	uint32_t x = ((const struct pds_absint_clamp *)a)->block;
	uint32_t y = ((const struct pds_absint_clamp *)b)->block;

	return x < y ? -1 : x > y;
}

/* Whether a loop is bounded no better than by its counter's type. */
static bool loose(const struct pds_loop_bound *b)
{
	return b->verdict > PDS_VERDICT_PROVEN_ASSUMING || b->iters > UINT32_MAX;
}

/*
 * After the first round: the clamps for a second one, when it can help. A loop
 * that one exit test bounds knows the values of its induction variables at its
 * head; when a loop inside it is bounded loosely (its bound may be one of
 * them: a triangular nest), the fixpoint runs again with those facts. Each
 * holds in every run, so the second round is as sound as the first.
 */
#define CLAMPS_PER_LOOP 64

static int plan_clamps(struct tctx *t)
{
	uint8_t *want = NULL;
	uint32_t n = 0, nwant = 0;
	int err = 0;

	for (uint32_t li = 0; li < t->cfg.nloops; li++) {
		if (!loose(&t->bounds[li]) || t->cfg.loops[li].parent < 0)
			continue;
		if (!want && (want = pds_arr_alloc(t->cfg.nloops, 1)) == NULL)
			return PDS_CHK_E_NOMEM;
		for (int p = t->cfg.loops[li].parent; p >= 0 && !want[p];
		     p = t->cfg.loops[p].parent)
			if (!loose(&t->bounds[p])) {
				want[p] = 1;
				nwant++;
			}
	}
	if (nwant)
		t->clamps = pds_arr_alloc((size_t)nwant * CLAMPS_PER_LOOP, sizeof(*t->clamps));
	if (nwant && !t->clamps)
		err = PDS_CHK_E_NOMEM;
	for (uint32_t li = 0; !err && nwant && li < t->cfg.nloops; li++) {
		struct pds_loop_bound b = {0};
		uint32_t got = 0;

		if (!want[li])
			continue;
		err = pds_loop_bound_inv(&t->ai, li, &b, t->clamps + n, CLAMPS_PER_LOOP, &got);
		pds_loop_bound_free(&b);
		n += got;
	}
	pds_arr_free(want);
	if (!err && n) {
		qsort(t->clamps, n, sizeof(*t->clamps), by_block);
		t->nclamps = n;
	}
	return err;
}

/* One round: the fixpoint (with the clamps planned, if any), then every loop's bound. */
static int bound_loops(struct tctx *t)
{
	int err;

	memset(&t->ai, 0, sizeof(t->ai));
	t->ai.cfg = &t->cfg;
	t->ai.facts = t->opts ? t->opts->facts : NULL;
	t->ai.quants = &t->quants;
	t->ai.clamps = t->clamps;
	t->ai.nclamps = t->nclamps;
	err = pds_absint_run(&t->ai);
	for (uint32_t li = 0; !err && li < t->cfg.nloops; li++) {
		const struct pds_loop *l = &t->cfg.loops[li];

		/* a loop's head is an anchor: its state is kept */
		if (!pds_absint_anchor_reachable(&t->ai, l->header)) { /* dead code: never runs */
			memset(&t->bounds[li], 0, sizeof(t->bounds[li]));
			t->bounds[li].exit_slot = -1;
			pds_poly_init(&t->bounds[li].poly);
			continue;
		}
		err = pds_loop_bound(&t->ai, li, &t->bounds[li]);
	}
	if (!err && !t->nclamps)
		err = plan_clamps(t);
	return err;
}

static int analyse(struct tctx *t)
{
	struct pds_chk_term_report *r = t->rep;
	int err = 0;

	t->bounds = pds_arr_alloc(t->cfg.nloops, sizeof(*t->bounds));
	if (!t->bounds)
		return PDS_CHK_E_NOMEM;
	err = bound_loops(t);
	if (!err && t->nclamps) {
		/* again, with what the first round proved of its counters */
		for (uint32_t li = 0; li < t->cfg.nloops; li++) {
			pds_loop_bound_free(&t->bounds[li]);
			memset(&t->bounds[li], 0, sizeof(t->bounds[li]));
		}
		pds_absint_free(&t->ai);
		err = bound_loops(t);
	}
	if (err)
		return err;
	if (t->cfg.nloops) {
		struct pds_chk_loop_report *v =
			pds_arr_realloc(r->loops, r->nloops + t->cfg.nloops, sizeof(*v));

		if (!v)
			return PDS_CHK_E_NOMEM;
		memset(v + r->nloops, 0, t->cfg.nloops * sizeof(*v));
		r->loops = v;
	}
	if (!err)
		err = find_loop_calls(t);
	/* nothing after needs the abstract states: their memory goes before the costs' */
	pds_absint_free(&t->ai);
	for (uint32_t li = 0; !err && li < t->cfg.nloops; li++) {
		struct pds_chk_loop_report *lr = &r->loops[r->nloops++];

		err = report_loop(t, li, lr);
		if (!err && lr->verdict >= PDS_VERDICT_UNKNOWN) {
			diag_loop(t, li, lr);
			set_reason(r, lr->verdict, lr->rule, lr->reason);
		} else if (!err && lr->verdict == PDS_VERDICT_PROVEN_ASSUMING &&
			   r->verdict == PDS_VERDICT_PROVEN) {
			r->verdict = PDS_VERDICT_PROVEN_ASSUMING;
		}
	}
	return err;
}

/* t->by_depth: the loops by increasing depth (a counting sort: depths are small). */
static int sort_by_depth(struct tctx *t)
{
	uint32_t maxd = 0, *at;

	for (uint32_t li = 0; li < t->cfg.nloops; li++)
		maxd = t->cfg.loops[li].depth > maxd ? t->cfg.loops[li].depth : maxd;
	t->by_depth = pds_arr_alloc(t->cfg.nloops + 1, sizeof(*t->by_depth));
	at = pds_calloc((size_t)maxd + 2, sizeof(*at));
	if (!t->by_depth || !at) {
		free(at);
		return PDS_CHK_E_NOMEM;
	}
	for (uint32_t li = 0; li < t->cfg.nloops; li++)
		at[t->cfg.loops[li].depth + 1]++;
	for (uint32_t d = 0; d <= maxd; d++)
		at[d + 1] += at[d];
	for (uint32_t li = 0; li < t->cfg.nloops; li++)
		t->by_depth[at[t->cfg.loops[li].depth]++] = li;
	t->nloops_by_depth = t->cfg.nloops;
	free(at);
	return 0;
}

static int compute_bound(struct tctx *t)
{
	struct pds_chk_term_report *r = t->rep;
	int err;

	t->loop_cost = pds_arr_alloc(t->cfg.nloops, sizeof(*t->loop_cost));
	t->func_cost = pds_calloc(t->cfg.nfuncs, sizeof(*t->func_cost));
	t->func_done = pds_calloc(t->cfg.nfuncs, sizeof(*t->func_done));
	t->func_busy = pds_calloc(t->cfg.nfuncs, sizeof(*t->func_busy));
	t->dist = pds_arr_alloc(t->cfg.nblocks, sizeof(*t->dist));
	t->dist_set = pds_arr_alloc(t->cfg.nblocks, sizeof(*t->dist_set));
	if (!t->loop_cost || !t->func_cost || !t->func_done || !t->func_busy || !t->dist ||
	    !t->dist_set)
		return PDS_CHK_E_NOMEM;
	err = sort_by_depth(t);
	if (!err)
		err = func_cost(t, 0);
	if (err)
		return err;
	if (t->cb_cycle) {
		set_reason(r, PDS_VERDICT_UNKNOWN, "termination/recursion",
			   "a callback is run, through bpf_loop or bpf_find_vma, by itself");
		return 0;
	}
	r->bound = t->func_cost[0].n;
	if (t->func_cost[0].sym && !pds_poly_is_const(&t->func_cost[0].p)) {
		r->formula = pds_poly_format(&t->func_cost[0].p, &t->quants);
		if (!r->formula)
			return PDS_CHK_E_NOMEM;
	}
	return 0;
}

static void tctx_free(struct tctx *t)
{
	for (uint32_t i = 0; t->bounds && i < t->cfg.nloops; i++)
		pds_loop_bound_free(&t->bounds[i]);
	for (uint32_t i = 0; t->loop_cost && i < t->cfg.nloops; i++)
		cost_free(&t->loop_cost[i]);
	for (uint32_t i = 0; t->func_cost && i < t->cfg.nfuncs; i++)
		cost_free(&t->func_cost[i]);
	for (uint32_t i = 0; t->dist && i < t->cfg.nblocks; i++)
		cost_free(&t->dist[i]);
	pds_arr_free(t->bounds);
	pds_arr_free(t->loop_cost);
	free(t->func_cost);
	free(t->func_done);
	free(t->func_busy);
	free(t->callback);
	pds_arr_free(t->by_depth);
	pds_arr_free(t->dist);
	pds_arr_free(t->dist_set);
	pds_arr_free(t->loop_calls);
	pds_arr_free(t->clamps);
	pds_absint_free(&t->ai);
	pds_quantities_free(&t->quants);
	pds_cfg_free(&t->cfg);
}

PDS_API int pds_chk_termination(const struct pds_chk_prog *prog,
				const struct pds_chk_term_opts *opts,
				struct pds_chk_term_report **out)
{
	struct tctx t = {.prog = prog, .opts = opts};
	int err;

	if (!prog || !out || (opts && opts->sz < sizeof(*opts)))
		return PDS_CHK_E_INVAL;
	*out = NULL;
	t.rep = pds_calloc(1, sizeof(struct report_priv));
	if (!t.rep)
		return PDS_CHK_E_NOMEM;
	t.rep->bound = UINT64_MAX;
	err = pds_cfg_build(prog, &t.cfg);
	if (!err)
		err = whole_program(&t);
	if (!err)
		err = analyse(&t);
	if (!err && t.rep->verdict <= PDS_VERDICT_PROVEN_ASSUMING)
		err = compute_bound(&t);
	if (!err && t.rep->verdict > PDS_VERDICT_PROVEN_ASSUMING)
		t.rep->bound = UINT64_MAX;
	/* every declared fact about a quantity the program reads may have narrowed a
	 * bound, even where the formula no longer names it: all are listed */
	for (uint32_t i = 0; !err && i < t.quants.n; i++)
		if (t.quants.v[i].assumption && t.rep->verdict <= PDS_VERDICT_PROVEN_ASSUMING)
			err = add_assumption(t.rep, t.quants.v[i].assumption);
	if (!err && t.rep->nassumptions && t.rep->verdict == PDS_VERDICT_PROVEN)
		t.rep->verdict = PDS_VERDICT_PROVEN_ASSUMING;
	tctx_free(&t);
	if (err) {
		pds_chk_term_report_free(t.rep);
		return err;
	}
	*out = t.rep;
	return 0;
}

PDS_API void pds_chk_term_report_free(struct pds_chk_term_report *r)
{
	struct str_chunk *c, *next;

	if (!r)
		return;
	for (c = ((struct report_priv *)(void *)r)->strings; c; c = next) {
		next = c->next;
		free(c);
	}
	pds_arr_free(r->loops);
	for (size_t i = 0; i < r->nassumptions; i++)
		free(r->assumptions[i]);
	free(r->assumptions);
	free(r->formula);
	free(r->reason);
	free(r);
}
