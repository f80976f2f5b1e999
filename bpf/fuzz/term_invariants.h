/* SPDX-License-Identifier: MIT */
/*
 * Invariants of a termination report (include/pds/analysis.h) that must hold
 * for every program the reader accepts, shared by the fuzz targets that run the
 * analysis.  A violation is a bug in the analysis: the targets abort() so that
 * libFuzzer keeps the input.
 */
#ifndef PDS_BPF_FUZZ_TERM_INVARIANTS_H
#define PDS_BPF_FUZZ_TERM_INVARIANTS_H

#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/analysis.h>
#include <pds/check.h>

#define FUZZ_NO_EXIT UINT64_MAX

/*
 * Fewest instructions any run executes from slot 0 to an exit, FUZZ_NO_EXIT
 * when no exit can be reached.  Every jump edge is followed and calls fall
 * through (a callee only adds instructions), so this is a lower bound on the
 * length of every terminating run; an lddw counts once.  Breadth-first over
 * slots, dist[] and queue[] hold one entry per slot.
 */
static inline uint64_t fuzz_min_path(const struct pds_chk_prog *prog)
{
	const struct pds_insn *in = pds_chk_prog_insns(prog);
	size_t n = pds_chk_prog_slot_count(prog), head = 0, tail = 0;
	uint64_t *dist = calloc(n ? n : 1, sizeof(*dist)), best = FUZZ_NO_EXIT;
	size_t *queue = calloc(n ? n : 1, sizeof(*queue));

	if (!dist || !queue)
		abort();
	for (size_t i = 0; i < n; i++)
		dist[i] = FUZZ_NO_EXIT;
	if (n) {
		dist[0] = 1;
		queue[tail++] = 0;
	}
	while (head < tail) {
		size_t pc = queue[head++], next[2];
		uint8_t cls = BPF_CLASS(in[pc].code), op = BPF_OP(in[pc].code);
		int nnext = 0;

		if (in[pc].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			next[nnext++] = pc + 2;
		} else if (cls != BPF_JMP && cls != BPF_JMP32) {
			next[nnext++] = pc + 1;
		} else if (op == BPF_EXIT) {
			if (dist[pc] < best)
				best = dist[pc];
		} else if (op == BPF_CALL) {
			next[nnext++] = pc + 1;
		} else if (op == BPF_JA) {
			next[nnext++] = pc + 1 + (cls == BPF_JMP32 ? in[pc].imm : in[pc].off);
		} else {
			next[nnext++] = pc + 1;
			next[nnext++] = pc + 1 + in[pc].off;
		}
		for (int k = 0; k < nnext; k++)
			if (next[k] < n && dist[next[k]] == FUZZ_NO_EXIT) {
				dist[next[k]] = dist[pc] + 1;
				queue[tail++] = next[k];
			}
	}
	free(dist);
	free(queue);
	return best;
}

static inline void fuzz_check_loops(const struct pds_chk_prog *prog,
				    const struct pds_chk_term_report *r)
{
	size_t nslots = pds_chk_prog_slot_count(prog);

	for (size_t i = 0; i < r->nloops; i++) {
		const struct pds_chk_loop_report *l = &r->loops[i];

		if ((unsigned)l->verdict > PDS_VERDICT_FAILS || l->verdict > r->verdict)
			abort();
		if (l->depth < 1 || l->header >= nslots)
			abort();
		/* an outermost loop has no parent; an inner one sits one level below it */
		if ((l->depth == 1) != (l->parent == -1))
			abort();
		if (l->parent != -1 &&
		    (l->parent < 0 || (size_t)l->parent >= r->nloops || (size_t)l->parent == i ||
		     r->loops[l->parent].depth + 1 != l->depth))
			abort();
		/* an irreducible cycle is reported as an outermost loop of its own and
		 * encloses no natural loop */
		if (l->parent != -1 && r->loops[l->parent].rule &&
		    !strcmp(r->loops[l->parent].rule, "termination/irreducible"))
			abort();
		if (l->verdict >= PDS_VERDICT_UNKNOWN && (!l->rule || !l->reason))
			abort();
	}
}

/* Checks one report; min_path comes from fuzz_min_path(prog). */
static inline void fuzz_check_report(const struct pds_chk_prog *prog,
				     const struct pds_chk_term_report *r, uint64_t min_path)
{
	if (!r || (unsigned)r->verdict > PDS_VERDICT_FAILS)
		abort();
	if (r->verdict <= PDS_VERDICT_PROVEN_ASSUMING) {
		/* a proven program ends, so some run reaches an exit, and the
		 * worst case is at least that run (numbers saturate at UINT64_MAX) */
		if (min_path == FUZZ_NO_EXIT || r->bound < min_path)
			abort();
	} else if (!r->rule || r->bound != UINT64_MAX) {
		abort();
	}
	if ((r->verdict == PDS_VERDICT_PROVEN) != (r->nassumptions == 0) &&
	    r->verdict <= PDS_VERDICT_PROVEN_ASSUMING)
		abort();
	for (size_t i = 0; i < r->nassumptions; i++)
		if (!r->assumptions[i])
			abort();
	fuzz_check_loops(prog, r);
}

#endif
