/* SPDX-License-Identifier: MIT */
/* Private interfaces of the analyses: CFG, abstract values and states, quantities. */
#ifndef PDS_BPF_ANALYSIS_INT_H
#define PDS_BPF_ANALYSIS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pds/analysis.h>

#include "bpf/insn.h"
#include "bpf/internal.h"

/* ------------------------------------------------------------------ access keys */

struct pds_access_key {
	const char *setter; /* "set_cnx" … */
	const char *name;   /* "AK_CNX_NB_PATHS" */
	uint32_t value;
	const char *effect;
};

/* Key of a getter or setter (get_X/set_X share keys); NULL when unknown. */
const struct pds_access_key *pds_access_key_find(const char *helper, uint32_t value);
const struct pds_access_key *pds_access_key_by_name(const char *name);

/* ------------------------------------------------------------------ CFG */

struct pds_block {
	uint32_t first, last; /* slots [first, last]; last is the block's final instruction */
	uint32_t func;	      /* index of the subprogram the block belongs to */
	uint32_t succ[2];     /* successor blocks; UINT32_MAX when absent */
	uint8_t nsucc;
	bool exits;	 /* ends with exit */
	bool reachable;	 /* from its function's entry */
	uint32_t *preds; /* into the CFG's pred_pool */
	uint32_t npreds;
	uint32_t rpo;		    /* reverse-postorder index inside its function */
	uint32_t idom;		    /* immediate dominator; itself for the entry */
	int loop;		    /* innermost loop containing the block, or -1 */
	uint32_t dom_pre, dom_post; /* dominator-tree DFS numbers: O(1) dominance */
};

struct pds_loop {
	uint32_t header; /* block */
	uint32_t func;
	int parent;	  /* enclosing loop or -1 */
	uint32_t depth;	  /* 1 = outermost */
	uint32_t *blocks; /* body in reverse postorder: the header first */
	uint32_t nblocks;
	uint32_t *latches; /* sources of back edges */
	uint32_t nlatches;
	size_t body_at, latch_at; /* where blocks and latches start in the cfg's pools */
};

/* Growing arrays of block indices that loops' lists point into. */
struct pds_u32_pool {
	uint32_t *v;
	size_t n, cap;
};

struct pds_func {
	uint32_t start, end; /* slots [start, end) */
	uint32_t entry;	     /* entry block */
	uint32_t *order;     /* reachable blocks in reverse postorder */
	uint32_t norder;
	uint32_t *callees; /* functions called (indices) */
	uint32_t ncallees;
	bool irreducible;
	uint32_t irreducible_block; /* target of a retreating edge that is not a back edge */
};

struct pds_cfg {
	const struct pds_chk_prog *prog;
	struct pds_block *blocks;
	uint32_t nblocks;
	uint32_t *pred_pool; /* every block's predecessors */
	uint32_t *block_of;  /* slot -> block */
	struct pds_func *funcs;
	uint32_t nfuncs;
	struct pds_loop *loops;
	uint32_t nloops;
	struct pds_u32_pool bodies, latches; /* every loop's blocks and latches */
	bool recursive;
	uint32_t recursive_func; /* a function on a call cycle */
};

int pds_cfg_build(const struct pds_chk_prog *prog, struct pds_cfg *cfg);
void pds_cfg_free(struct pds_cfg *cfg);
/* Whether block a dominates block b (same function). */
bool pds_cfg_dominates(const struct pds_cfg *cfg, uint32_t a, uint32_t b);
bool pds_loop_contains(const struct pds_cfg *cfg, int loop, uint32_t block);
/* Function containing slot; the callee of a BPF-to-BPF call at slot. */
uint32_t pds_cfg_func_of_slot(const struct pds_cfg *cfg, uint32_t slot);

/* ------------------------------------------------------------------ quantities */

/* A named host quantity that bounds can be expressed in ("nb_paths"). */
struct pds_quantity {
	char *name;
	uint64_t max;	  /* from the type range, or from a fact */
	char *assumption; /* the fact used, or NULL */
};

struct pds_quantities {
	struct pds_quantity *v;
	uint32_t n, cap;
};

/* Returns the 1-based id of the quantity with this name, creating it. */
uint32_t pds_quantity_get(struct pds_quantities *q, const char *name, uint64_t max,
			  const char *assumption);
void pds_quantities_free(struct pds_quantities *q);

/* Polynomials over quantities with non-negative rational coefficients: cost formulas. */
struct pds_mono {
	uint64_t num, den; /* coefficient */
	uint32_t vars[4];  /* quantity ids, sorted, 0 = unused (degree <= 4 by default) */
	uint8_t nvars;
	bool overflow; /* degree too high: the term stands for "larger" */
};

struct pds_poly {
	struct pds_mono *m;
	uint32_t n, cap;
};

void pds_poly_init(struct pds_poly *p);
void pds_poly_free(struct pds_poly *p);
int pds_poly_const(struct pds_poly *p, uint64_t c);
int pds_poly_var(struct pds_poly *p, uint32_t var, uint64_t num, uint64_t den);
/* p = max(p, q), termwise (sound for non-negative quantities). */
int pds_poly_max(struct pds_poly *p, const struct pds_poly *q);
int pds_poly_add(struct pds_poly *p, const struct pds_poly *q);
int pds_poly_mul(struct pds_poly *out, const struct pds_poly *a, const struct pds_poly *b);
int pds_poly_copy(struct pds_poly *out, const struct pds_poly *a);
bool pds_poly_is_const(const struct pds_poly *p);
/* Value with each quantity at its maximum; saturates at UINT64_MAX. */
uint64_t pds_poly_eval(const struct pds_poly *p, const struct pds_quantities *q);
/* "31 + 12·nb_paths"; malloc'ed. */
char *pds_poly_format(const struct pds_poly *p, const struct pds_quantities *q);

/* ------------------------------------------------------------------ abstract values */

enum pds_av_kind {
	PDS_AV_UNINIT = 0,
	PDS_AV_SCALAR,
	PDS_AV_STACK,  /* r10 + offset (offset in the scalar bounds) */
	PDS_AV_PLUGIN, /* plugin memory (my_malloc), may be NULL */
	PDS_AV_HOST,   /* host object (provenance below), may be NULL */
	PDS_AV_CTX,    /* the program's context / PQUIC connection */
	PDS_AV_CONST,  /* read-only constant data (strings, maps' values) */
};

enum pds_av_prov {
	PDS_PROV_NONE = 0,
	PDS_PROV_CNX,	 /* the connection passed in r1 */
	PDS_PROV_INPUT,	 /* get_cnx(cnx, AK_CNX_INPUT, i): key = i */
	PDS_PROV_GETTER, /* a getter's result: helper call slot in key */
};

struct pds_av {
	int64_t smin, smax;
	uint64_t umin, umax;
	uint64_t tval, tmask; /* known bits: bit known when its tmask bit is 0 */
	uint32_t sym;	      /* quantity id of a scalar read from the host, 0 when none */
	uint32_t id;	      /* value number: 1 + the slot that defined it, 0 when merged */
	uint32_t link;	      /* this value is floor(value #link / k) (* k): x % k = x - that */
	union {
		uint32_t link_k; /* SCALAR: k of the link (a positive 32-bit immediate) */
		uint32_t region; /* PLUGIN: bytes known allocated from offset 0 (0: unknown);
				  * my_malloc's size is 32 bits */
	};
	uint16_t prov_arg;
	uint8_t kind;
	uint8_t prov;
	uint8_t link_op;
	uint8_t spare[3]; /* zero; no padding anywhere before it */
};

_Static_assert(sizeof(struct pds_av) == 72, "abstract values are kept in every state");
_Static_assert(offsetof(struct pds_av, spare) == 69, "the fields before spare are packed");

struct pds_slot {
	int32_t off;  /* byte offset from r10 (negative), 8-aligned */
	uint8_t size; /* bytes written by the last store (8 for a spill) */
	struct pds_av v;
};

struct pds_astate {
	bool reachable;
	bool links; /* some value may carry a link (false: none does) */
	struct pds_av r[11];
	struct pds_slot *slots; /* sorted by off */
	uint32_t nslots, capslots;
};

/* Scalar lattice (scalar.c). */
void pds_av_unknown(struct pds_av *a);
void pds_av_const(struct pds_av *a, uint64_t v);
void pds_av_urange(struct pds_av *a, uint64_t lo, uint64_t hi);
bool pds_av_is_const(const struct pds_av *a, uint64_t *v);
/* Re-derives each bound from the others; false when empty (infeasible). */
bool pds_av_sync(struct pds_av *a);
void pds_av_join(struct pds_av *a, const struct pds_av *b);
void pds_av_widen(struct pds_av *a, const struct pds_av *b); /* a = a ∇ b */
bool pds_av_equal(const struct pds_av *a, const struct pds_av *b);
/* dst = dst OP src for one ALU instruction; is64 selects ALU64. */
void pds_av_alu(struct pds_av *dst, const struct pds_av *src, const struct pds_insn *in,
		enum pds_chk_profile profile);
/* Refines a (and b) for the edge where "a OP b" has value taken; false if infeasible. */
bool pds_av_refine(struct pds_av *a, struct pds_av *b, uint8_t op, bool jmp32, bool taken);
/* Truncates to the low size bytes (zero-extended). */
void pds_av_truncate(struct pds_av *a, int size);

/* Abstract interpretation (absint.c). */

/*
 * An entry state as an anchor keeps it: registers holding one of the common
 * values (uninitialised, unknown, the frame pointer) are named by a 2-bit code
 * each, the others and the stack slots are packed into data. Two kept states
 * are equal exactly when their bytes are.
 */
struct pds_kstate {
	bool reachable, links;
	uint16_t nslots;
	uint32_t codes;	    /* 2 bits per register, r0 lowest */
	uint32_t size, cap; /* bytes used and reserved at off */
	size_t off;	    /* where its data starts in the pool (struct pds_kpool) */
};

/*
 * The bytes of every kept state, in chunks: a state that outgrows its place
 * takes a new one at the end (states grow only a few times, while widening).
 * Chunks instead of one allocation per anchor: on large programs the small
 * allocations cost more in page faults than the analysis.
 */
struct pds_kpool {
	unsigned char **chunks;
	size_t nchunks, capchunks;
	size_t used, cap; /* of the last chunk */
};

/* The longest chain of blocks without a state of their own (see absint.c). */
#define PDS_ABSINT_CHAIN_BLOCKS 8u

/*
 * A fact about every run that the analysis of a loop proved: at the head
 * (block), variable var (a register, or 11 + k for the stack slot at r10-8k-8)
 * holds a number in [lo, hi], signed or unsigned. The fixpoint intersects the
 * head's entry state with it.
 */
struct pds_absint_clamp {
	uint32_t block;
	int var;
	bool sign;
	int64_t lo, hi;
};

struct pds_absint {
	const struct pds_cfg *cfg;
	const struct pds_chk_facts *facts;
	struct pds_quantities *quants;
	const struct pds_absint_clamp *clamps; /* by block, ascending; may be NULL */
	uint32_t nclamps;
	/* per subprogram: the join of r1-r5 at its call sites (numbers only), when
	 * every caller ran first and no helper may call it (see pds_absint_run) */
	struct pds_av (*args)[5];
	bool *has_args;
	/* Entry states, of anchor blocks only: in[anchor[b]]. Another block's entry
	 * is computed from the anchor up[b] its chain hangs from (pds_absint_entry). */
	struct pds_kstate *in;
	struct pds_kpool *kpool; /* the data of the states in in */
	struct pds_dcache *dc;	 /* decoded entry states of recently used anchors */
	uint32_t *anchor;	 /* per block: index into in, UINT32_MAX when not an anchor */
	uint32_t *up;		 /* per block: the anchor its entry state comes from */
	uint32_t nanchors;
	uint32_t *down, *down_at; /* per anchor: the anchors its state flows into */
	uint32_t *scratch;	  /* per block, UINT32_MAX between uses (loops.c) */
	/* the state after a block's instructions (before the branch refines it),
	 * valid while out_ver == ver + 1, ver being its anchor's entry version */
	struct pds_astate *out;	 /* by out_idx[b], for blocks long enough to keep one */
	uint32_t *out_idx, nout; /* per block: index into out and out_ver, or UINT32_MAX */
	uint32_t *ver, *out_ver;
	uint32_t clock;		       /* the last version given out: versions are unique */
	const struct pds_op_desc *ops; /* the profile's decoding table, by opcode */
	enum pds_chk_profile profile;
	int stack_size;
};

int pds_absint_run(struct pds_absint *ai);
void pds_absint_free(struct pds_absint *ai);
void pds_astate_free(struct pds_astate *s);
int pds_astate_copy(struct pds_astate *dst, const struct pds_astate *src);
/* Applies one instruction to s (the fall-through effect for jumps). */
int pds_absint_step(const struct pds_absint *ai, struct pds_astate *s, uint32_t slot);
/* Whether a run may reach anchor b (a loop's head is one). */
bool pds_absint_anchor_reachable(const struct pds_absint *ai, uint32_t b);
/* Block b's entry state, into out (unreachable when no run gets there). */
int pds_absint_entry(const struct pds_absint *ai, uint32_t b, struct pds_astate *out);
/* Whether block b's edge k may be taken, s being the state after its instructions. */
bool pds_absint_edge_feasible(const struct pds_absint *ai, uint32_t b, int k,
			      const struct pds_astate *s);
/* The state on the edge from block b to successor index k, from its entry state. */
int pds_absint_edge(const struct pds_absint *ai, uint32_t b, int k, struct pds_astate *out);
/* The lowest 8-aligned stack offset a helper may write through its stack-pointer
 * arguments, up to the frame's top; 0 when it is given none. */
int64_t pds_absint_helper_writes_from(const struct pds_absint *ai, const struct pds_astate *s);
/* Whether a value not typed as a stack pointer may still hold a stack address. */
bool pds_av_may_alias_stack(const struct pds_av *a);
/* Whether the call at slot may write any of the caller's stack slots through an
 * argument not typed as a stack pointer (stack-pointer arguments aside). */
bool pds_absint_call_clobbers_stack(const struct pds_absint *ai, const struct pds_astate *s,
				    uint32_t slot);
/* Abstract value of a stack slot at r10+off (size bytes), or NULL. */
const struct pds_slot *pds_astate_slot(const struct pds_astate *s, int32_t off);

#endif

/* ------------------------------------------------------------------ loop bounds */

struct pds_loop_bound {
	enum pds_chk_verdict verdict;
	uint64_t iters;	      /* back edges per entry, when bounded */
	struct pds_poly poly; /* the same over named quantities; empty when a constant */
	const char *rule;     /* when not proven */
	char *reason;	      /* when not proven: why (owned) */
	char ivar[20];	      /* "r3", "[r10-8]" or "" */
	int32_t exit_slot;    /* bounding or offending test, or -1 */
	char *assumption;     /* host fact relied on, or NULL */
};

/* Bounds loop li of the CFG analysed by ai. */
int pds_loop_bound(const struct pds_absint *ai, uint32_t li, struct pds_loop_bound *out);
void pds_loop_bound_free(struct pds_loop_bound *b);
/*
 * The same, and when one exit test bounds every back edge, the ranges at the
 * head of the loop's 64-bit induction variables (at most max, added to inv
 * from *ninv on): facts of every run, for a second fixpoint (absint clamps).
 */
int pds_loop_bound_inv(const struct pds_absint *ai, uint32_t li, struct pds_loop_bound *out,
		       struct pds_absint_clamp *inv, uint32_t max, uint32_t *ninv);
