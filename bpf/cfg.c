// SPDX-License-Identifier: MIT
/*
 * Control-flow graph of a program: basic blocks per subprogram, reverse
 * postorder, dominators (Cooper, Harvey and Kennedy's iterative algorithm),
 * natural loops from back edges (an edge whose target dominates its source) with
 * their nesting, irreducible cycles (a retreating edge whose target does not
 * dominate its source), and the call graph of subprograms with recursion found.
 * Jumps never leave their subprogram (the readers check it).
 */
#include <stdlib.h>
#include <string.h>

#include "bpf/analysis_int.h"

#define NONE UINT32_MAX

static bool is_jump(const struct pds_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL;
}

static int64_t jump_target(const struct pds_insn *in, uint32_t i)
{
	int64_t rel = in->code == (BPF_JMP32 | BPF_JA) ? in->imm : in->off;

	return (int64_t)i + 1 + rel;
}

uint32_t pds_cfg_func_of_slot(const struct pds_cfg *cfg, uint32_t slot)
{
	uint32_t lo = 0, hi = cfg->nfuncs;

	/* the last function starting at or before slot (starts increase) */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cfg->funcs[mid].start <= slot)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int mark_leaders(const struct pds_chk_prog *p, uint8_t *leader, uint8_t *tail)
{
	for (size_t i = 0; i < p->nsubs; i++)
		leader[p->sub_starts[i]] = 1;
	for (uint32_t i = 0; i < p->nslots; i++) {
		const struct pds_insn *in = &p->insns[i];

		if (tail[i])
			continue;
		if (pds_insn_is_lddw(in) && i + 1 < p->nslots) {
			tail[i + 1] = 1;
			continue;
		}
		if (!is_jump(in))
			continue;
		if (i + 1 < p->nslots)
			leader[i + 1] = 1;
		if (BPF_OP(in->code) != BPF_EXIT) {
			int64_t t = jump_target(in, i);

			if (t < 0 || t >= (int64_t)p->nslots)
				return PDS_CHK_E_INSN_JUMP_RANGE;
			leader[t] = 1;
		}
	}
	return 0;
}

static int make_blocks(struct pds_cfg *cfg, const uint8_t *leader, const uint8_t *tail)
{
	const struct pds_chk_prog *p = cfg->prog;
	uint32_t n = 0, func = 0;

	for (uint32_t i = 0; i < p->nslots; i++)
		n += leader[i] || i == 0;
	cfg->blocks = pds_arr_alloc(n, sizeof(*cfg->blocks));
	cfg->block_of = pds_arr_alloc(p->nslots, sizeof(*cfg->block_of));
	if (!cfg->blocks || !cfg->block_of)
		return PDS_CHK_E_NOMEM;
	for (uint32_t i = 0; i < p->nslots; i++) {
		if (i == 0 || leader[i]) {
			struct pds_block *b = &cfg->blocks[cfg->nblocks++];

			while (func + 1 < cfg->nfuncs && cfg->funcs[func + 1].start <= i)
				func++;
			b->first = i;
			b->func = func;
			b->succ[0] = b->succ[1] = NONE;
			b->loop = -1;
		}
		cfg->blocks[cfg->nblocks - 1].last =
			tail[i] ? cfg->blocks[cfg->nblocks - 1].last : i;
		cfg->block_of[i] = cfg->nblocks - 1;
	}
	return 0;
}

static int link_blocks(struct pds_cfg *cfg)
{
	const struct pds_chk_prog *p = cfg->prog;
	size_t total = 0, at = 0;

	for (uint32_t k = 0; k < cfg->nblocks; k++) {
		struct pds_block *b = &cfg->blocks[k];
		const struct pds_insn *in = &p->insns[b->last];
		uint32_t end = cfg->funcs[b->func].end;
		uint32_t next = pds_insn_is_lddw(in) ? b->last + 2 : b->last + 1;

		if (is_jump(in) && BPF_OP(in->code) == BPF_EXIT) {
			b->exits = true;
		} else if (is_jump(in) && BPF_OP(in->code) == BPF_JA) {
			b->succ[b->nsucc++] = cfg->block_of[jump_target(in, b->last)];
		} else if (is_jump(in)) {
			if (next < end)
				b->succ[b->nsucc++] = cfg->block_of[next];
			b->succ[b->nsucc++] = cfg->block_of[jump_target(in, b->last)];
		} else if (next < end) {
			b->succ[b->nsucc++] = cfg->block_of[next];
		}
		for (int s = 0; s < b->nsucc; s++)
			cfg->blocks[b->succ[s]].npreds++;
		total += b->nsucc;
	}
	/* one array holds every block's predecessors, in the order of the edges */
	cfg->pred_pool = pds_arr_alloc(total + 1, sizeof(*cfg->pred_pool));
	if (!cfg->pred_pool)
		return PDS_CHK_E_NOMEM;
	for (uint32_t k = 0; k < cfg->nblocks; k++) {
		cfg->blocks[k].preds = cfg->pred_pool + at;
		at += cfg->blocks[k].npreds;
		cfg->blocks[k].npreds = 0;
	}
	for (uint32_t k = 0; k < cfg->nblocks; k++)
		for (int s = 0; s < cfg->blocks[k].nsucc; s++) {
			struct pds_block *t = &cfg->blocks[cfg->blocks[k].succ[s]];

			t->preds[t->npreds++] = k;
		}
	return 0;
}

/* Iterative DFS for reverse postorder of one function's reachable blocks. */
static int order_func(struct pds_cfg *cfg, struct pds_func *f)
{
	uint32_t *stack = pds_arr_alloc(cfg->nblocks, sizeof(*stack) * 2);
	uint32_t *post = pds_arr_alloc(cfg->nblocks, sizeof(*post));
	uint32_t sp = 0, np = 0;

	if (!stack || !post) {
		pds_arr_free(stack);
		pds_arr_free(post);
		return PDS_CHK_E_NOMEM;
	}
	cfg->blocks[f->entry].reachable = true;
	stack[sp++] = f->entry;
	stack[sp++] = 0;
	while (sp) {
		uint32_t b = stack[sp - 2], k = stack[sp - 1];

		if (k < cfg->blocks[b].nsucc) {
			uint32_t s = cfg->blocks[b].succ[k];

			stack[sp - 1]++;
			if (!cfg->blocks[s].reachable) {
				cfg->blocks[s].reachable = true;
				stack[sp++] = s;
				stack[sp++] = 0;
			}
			continue;
		}
		post[np++] = b;
		sp -= 2;
	}
	f->order = pds_arr_alloc(np, sizeof(*f->order));
	if (!f->order) {
		pds_arr_free(stack);
		pds_arr_free(post);
		return PDS_CHK_E_NOMEM;
	}
	f->norder = np;
	for (uint32_t i = 0; i < np; i++) {
		f->order[i] = post[np - 1 - i];
		cfg->blocks[f->order[i]].rpo = i;
	}
	pds_arr_free(stack);
	pds_arr_free(post);
	return 0;
}

static uint32_t intersect(const struct pds_cfg *cfg, uint32_t a, uint32_t b)
{
	while (a != b) {
		while (cfg->blocks[a].rpo > cfg->blocks[b].rpo)
			a = cfg->blocks[a].idom;
		while (cfg->blocks[b].rpo > cfg->blocks[a].rpo)
			b = cfg->blocks[b].idom;
	}
	return a;
}

static void dominators(struct pds_cfg *cfg, struct pds_func *f)
{
	bool changed = true;

	for (uint32_t i = 0; i < f->norder; i++)
		cfg->blocks[f->order[i]].idom = NONE;
	cfg->blocks[f->entry].idom = f->entry;
	while (changed) {
		changed = false;
		for (uint32_t i = 1; i < f->norder; i++) {
			struct pds_block *b = &cfg->blocks[f->order[i]];
			uint32_t nd = NONE;

			for (uint32_t k = 0; k < b->npreds; k++) {
				uint32_t p = b->preds[k];

				if (!cfg->blocks[p].reachable || cfg->blocks[p].idom == NONE)
					continue;
				nd = nd == NONE ? p : intersect(cfg, p, nd);
			}
			if (nd != b->idom) {
				b->idom = nd;
				changed = true;
			}
		}
	}
}

bool pds_cfg_dominates(const struct pds_cfg *cfg, uint32_t a, uint32_t b)
{
	const struct pds_block *x = &cfg->blocks[a], *y = &cfg->blocks[b];

	if (!x->reachable || !y->reachable || x->func != y->func)
		return false;
	return x->dom_pre <= y->dom_pre && y->dom_post <= x->dom_post;
}

/* Pre/post numbers of a DFS over the dominator tree, so that dominance is an
 * interval test instead of a walk up the tree. */
static int number_dom_tree(struct pds_cfg *cfg, struct pds_func *f)
{
	uint32_t n = f->norder, *first = pds_arr_alloc(n + 1, sizeof(*first));
	uint32_t *kids = pds_arr_alloc(n, sizeof(*kids)), *stack = pds_arr_alloc(n, sizeof(*stack));
	uint32_t *next = pds_arr_alloc(n, sizeof(*next)), sp = 0, clock = 0;

	if (!first || !kids || !stack || !next) {
		pds_arr_free(first);
		pds_arr_free(kids);
		pds_arr_free(stack);
		pds_arr_free(next);
		return PDS_CHK_E_NOMEM;
	}
	/* children lists by rpo index (counting sort on the parent) */
	for (uint32_t i = 1; i < n; i++)
		first[cfg->blocks[cfg->blocks[f->order[i]].idom].rpo + 1]++;
	for (uint32_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	memcpy(next, first, n * sizeof(*next));
	for (uint32_t i = 1; i < n; i++)
		kids[next[cfg->blocks[cfg->blocks[f->order[i]].idom].rpo]++] = i;
	memcpy(next, first, n * sizeof(*next));
	stack[sp++] = 0;
	cfg->blocks[f->order[0]].dom_pre = clock++;
	while (sp) {
		uint32_t v = stack[sp - 1];

		if (next[v] < first[v + 1]) {
			uint32_t c = kids[next[v]++];

			cfg->blocks[f->order[c]].dom_pre = clock++;
			stack[sp++] = c;
		} else {
			cfg->blocks[f->order[v]].dom_post = clock++;
			sp--;
		}
	}
	pds_arr_free(first);
	pds_arr_free(kids);
	pds_arr_free(stack);
	pds_arr_free(next);
	return 0;
}

/* Appends x; the array doubles when its length reaches a power of two (from 4). */
static int add_u32(uint32_t **v, uint32_t *n, uint32_t x)
{
	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		uint32_t *nv = realloc(*v, (*n < 4 ? 4 : 2 * (size_t)*n) * sizeof(**v));

		if (!nv)
			return PDS_CHK_E_NOMEM;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/*
 * Appends x to the pool. Loops are gathered one at a time, so each loop's
 * blocks (and latches) are contiguous in their pool; the lists point into the
 * pools once every loop is known (point_loops).
 */
static int pool_add(struct pds_u32_pool *p, uint32_t x)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint32_t *v;

		if (cap < p->cap || (v = pds_arr_realloc(p->v, cap, sizeof(*v))) == NULL)
			return PDS_CHK_E_NOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = x;
	return 0;
}

static void point_loops(struct pds_cfg *cfg)
{
	for (uint32_t i = 0; i < cfg->nloops; i++) {
		cfg->loops[i].blocks = cfg->bodies.v + cfg->loops[i].body_at;
		cfg->loops[i].latches = cfg->latches.v + cfg->loops[i].latch_at;
	}
}

static int add_block(struct pds_cfg *cfg, struct pds_loop *l, uint32_t b)
{
	int err = pool_add(&cfg->bodies, b);

	l->nblocks += !err;
	return err;
}

/* Body of the natural loop of header h with the given latch, added to loop l. */
static int loop_body(struct pds_cfg *cfg, struct pds_loop *l, uint32_t latch, uint8_t *in)
{
	uint32_t *work = NULL, nwork = 0;
	int err = 0;

	if (!in[latch]) {
		in[latch] = 1;
		err = add_block(cfg, l, latch);
		if (!err)
			err = add_u32(&work, &nwork, latch);
	}
	while (!err && nwork) {
		const struct pds_block *b = &cfg->blocks[work[--nwork]];

		for (uint32_t k = 0; !err && k < b->npreds; k++) {
			uint32_t p = b->preds[k];

			if (in[p] || !cfg->blocks[p].reachable)
				continue;
			in[p] = 1;
			err = add_block(cfg, l, p);
			if (!err)
				err = add_u32(&work, &nwork, p);
		}
	}
	free(work);
	return err;
}

static int new_loop(struct pds_cfg *cfg, uint32_t header, uint8_t *in)
{
	uint32_t n = cfg->nloops;
	struct pds_loop *l;

	/* the array doubles when its count reaches a power of two from 4 on */
	if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
		struct pds_loop *v = pds_arr_realloc(cfg->loops, n ? 2 * (size_t)n : 4, sizeof(*v));

		if (!v)
			return -1;
		cfg->loops = v;
	}
	l = &cfg->loops[cfg->nloops];
	memset(l, 0, sizeof(*l));
	l->header = header;
	l->func = cfg->blocks[header].func;
	l->parent = -1;
	in[header] = 1;
	l->body_at = cfg->bodies.n;
	l->latch_at = cfg->latches.n;
	if (add_block(cfg, l, header))
		return -1;
	return (int)cfg->nloops++;
}

static int by_rpo(const void *a, const void *b, void *ctx)
{
	const struct pds_cfg *cfg = ctx;
	uint32_t x = cfg->blocks[*(const uint32_t *)a].rpo,
		 y = cfg->blocks[*(const uint32_t *)b].rpo;

	return x < y ? -1 : x > y;
}

static int find_loops(struct pds_cfg *cfg, struct pds_func *f)
{
	uint8_t *in = pds_arr_alloc(cfg->nblocks, 1);
	int err = 0;

	if (!in)
		return PDS_CHK_E_NOMEM;
	/* Headers in reverse postorder so that each loop's body is gathered at once. */
	for (uint32_t i = 0; !err && i < f->norder; i++) {
		uint32_t h = f->order[i], *body;
		int li = -1;

		for (uint32_t k = 0; !err && k < cfg->blocks[h].npreds; k++) {
			uint32_t u = cfg->blocks[h].preds[k];

			if (!cfg->blocks[u].reachable || !pds_cfg_dominates(cfg, h, u))
				continue;
			/* each header is visited once: its loop is new */
			if (li < 0 && (li = new_loop(cfg, h, in)) < 0)
				err = PDS_CHK_E_NOMEM;
			if (!err) {
				err = pool_add(&cfg->latches, u);
				cfg->loops[li].nlatches += !err;
			}
			if (!err)
				err = loop_body(cfg, &cfg->loops[li], u, in);
		}
		if (err || li < 0)
			continue;
		body = cfg->bodies.v + cfg->loops[li].body_at;
		/* clear the marks of this loop's body only: linear over all loops */
		for (uint32_t k = 0; k < cfg->loops[li].nblocks; k++)
			in[body[k]] = 0;
		/* the body in reverse postorder, the head first (it dominates the rest) */
		if (cfg->loops[li].nblocks > 1)
			qsort_r(body, cfg->loops[li].nblocks, sizeof(uint32_t), by_rpo, cfg);
	}
	pds_arr_free(in);
	return err;
}

static void find_irreducible(struct pds_cfg *cfg, struct pds_func *f)
{
	for (uint32_t i = 0; i < f->norder; i++) {
		const struct pds_block *b = &cfg->blocks[f->order[i]];

		for (int s = 0; s < b->nsucc; s++) {
			uint32_t t = b->succ[s];

			if (cfg->blocks[t].rpo <= b->rpo &&
			    !pds_cfg_dominates(cfg, t, f->order[i])) {
				f->irreducible = true;
				f->irreducible_block = t;
				return;
			}
		}
	}
}

/* Loops with different heads are disjoint or nested (nest_loops): the loops
 * holding a block are its innermost one and that loop's ancestors. */
bool pds_loop_contains(const struct pds_cfg *cfg, int loop, uint32_t block)
{
	for (int l = cfg->blocks[block].loop; l >= 0; l = cfg->loops[l].parent)
		if (l == loop)
			return true;
	return false;
}

static int by_size_desc(const void *a, const void *b, void *ctx)
{
	const struct pds_cfg *cfg = ctx;
	uint32_t x = cfg->loops[*(const uint32_t *)a].nblocks;
	uint32_t y = cfg->loops[*(const uint32_t *)b].nblocks;

	return x > y ? -1 : x < y;
}

/*
 * Nesting: natural loops with different heads are disjoint or nested, and an
 * enclosing loop is strictly larger.  Visiting loops from the largest, the loop
 * that last claimed a head is the innermost one enclosing it.
 */
static int nest_loops(struct pds_cfg *cfg)
{
	uint32_t *idx = pds_arr_alloc(cfg->nloops, sizeof(*idx));

	if (!idx)
		return PDS_CHK_E_NOMEM;
	for (uint32_t i = 0; i < cfg->nloops; i++)
		idx[i] = i;
	qsort_r(idx, cfg->nloops, sizeof(*idx), by_size_desc, cfg);
	for (uint32_t k = 0; k < cfg->nloops; k++) {
		struct pds_loop *l = &cfg->loops[idx[k]];

		l->parent = cfg->blocks[l->header].loop;
		l->depth = l->parent >= 0 ? cfg->loops[l->parent].depth + 1 : 1;
		for (uint32_t b = 0; b < l->nblocks; b++)
			cfg->blocks[l->blocks[b]].loop = (int)idx[k];
	}
	pds_arr_free(idx);
	return 0;
}

static int call_graph(struct pds_cfg *cfg)
{
	const struct pds_chk_prog *p = cfg->prog;

	for (uint32_t i = 0; i < p->nslots; i++) {
		const struct pds_insn_ref *r = &p->refs[i];
		uint32_t from, to;
		struct pds_func *f;
		bool seen = false;

		if (r->kind != PDS_REF_SUBPROG && r->kind != PDS_REF_FUNC_ADDR)
			continue;
		from = pds_cfg_func_of_slot(cfg, i);
		to = pds_cfg_func_of_slot(cfg, r->target);
		f = &cfg->funcs[from];
		for (uint32_t k = 0; k < f->ncallees; k++)
			seen |= f->callees[k] == to;
		if (!seen && add_u32(&f->callees, &f->ncallees, to))
			return PDS_CHK_E_NOMEM;
	}
	return 0;
}

/* Depth-first search for a cycle in the call graph (colour 1: on the stack). */
static bool call_cycle(struct pds_cfg *cfg, uint32_t f, uint8_t *colour)
{
	colour[f] = 1;
	for (uint32_t k = 0; k < cfg->funcs[f].ncallees; k++) {
		uint32_t c = cfg->funcs[f].callees[k];

		if (colour[c] == 1 || (colour[c] == 0 && call_cycle(cfg, c, colour))) {
			if (!cfg->recursive)
				cfg->recursive_func = c;
			cfg->recursive = true;
			return true;
		}
	}
	colour[f] = 2;
	return false;
}

static int make_funcs(struct pds_cfg *cfg)
{
	const struct pds_chk_prog *p = cfg->prog;

	cfg->nfuncs = (uint32_t)(p->nsubs ? p->nsubs : 1);
	cfg->funcs = pds_calloc(cfg->nfuncs, sizeof(*cfg->funcs));
	if (!cfg->funcs)
		return PDS_CHK_E_NOMEM;
	for (uint32_t i = 0; i < cfg->nfuncs; i++) {
		cfg->funcs[i].start = p->nsubs ? p->sub_starts[i] : 0;
		cfg->funcs[i].end =
			i + 1 < cfg->nfuncs ? p->sub_starts[i + 1] : (uint32_t)p->nslots;
	}
	return 0;
}

int pds_cfg_build(const struct pds_chk_prog *prog, struct pds_cfg *cfg)
{
	uint8_t *leader = pds_arr_alloc(prog->nslots, 1), *tail = pds_arr_alloc(prog->nslots, 1);
	uint8_t *colour = NULL;
	int err = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->prog = prog;
	if (!leader || !tail)
		err = PDS_CHK_E_NOMEM;
	if (!err)
		err = make_funcs(cfg);
	if (!err)
		err = mark_leaders(prog, leader, tail);
	if (!err)
		err = make_blocks(cfg, leader, tail);
	if (!err)
		err = link_blocks(cfg);
	for (uint32_t i = 0; !err && i < cfg->nfuncs; i++) {
		struct pds_func *f = &cfg->funcs[i];

		f->entry = cfg->block_of[f->start];
		err = order_func(cfg, f);
		if (!err) {
			dominators(cfg, f);
			err = number_dom_tree(cfg, f);
		}
		if (!err) {
			err = find_loops(cfg, f);
			find_irreducible(cfg, f);
		}
	}
	if (!err)
		point_loops(cfg);
	if (!err)
		err = nest_loops(cfg);
	if (!err)
		err = call_graph(cfg);
	if (!err && (colour = pds_calloc(cfg->nfuncs, 1)) == NULL)
		err = PDS_CHK_E_NOMEM;
	for (uint32_t i = 0; !err && i < cfg->nfuncs && !cfg->recursive; i++)
		if (!colour[i])
			call_cycle(cfg, i, colour);
	free(colour);
	pds_arr_free(leader);
	pds_arr_free(tail);
	if (err)
		pds_cfg_free(cfg);
	return err;
}

void pds_cfg_free(struct pds_cfg *cfg)
{
	pds_arr_free(cfg->pred_pool);
	pds_arr_free(cfg->blocks);
	pds_arr_free(cfg->block_of);
	for (uint32_t i = 0; cfg->funcs && i < cfg->nfuncs; i++) {
		pds_arr_free(cfg->funcs[i].order);
		free(cfg->funcs[i].callees);
	}
	free(cfg->funcs);
	pds_arr_free(cfg->bodies.v);
	pds_arr_free(cfg->latches.v);
	pds_arr_free(cfg->loops);
	memset(cfg, 0, sizeof(*cfg));
}
