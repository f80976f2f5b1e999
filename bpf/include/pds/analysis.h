/* SPDX-License-Identifier: MIT */
/*
 * Static analyses of libpdscheck: termination with worst-case cost.
 *
 * The analysis works on one program as read by pds_chk_obj_open() (kernel
 * programs with their subprograms linked in).  It builds the CFG, dominators and
 * natural loops, runs a forward abstract interpretation (intervals, known bits,
 * pointer kinds with provenance), bounds every loop from its exits and sums the
 * worst-case number of instructions a run can execute.
 */
#ifndef PDS_ANALYSIS_H
#define PDS_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ordered from best to worst; a program's verdict is the worst of its loops'. */
enum pds_chk_verdict {
	PDS_VERDICT_PROVEN = 0,		 /* terminates; bound is a number (or formula + number) */
	PDS_VERDICT_PROVEN_ASSUMING = 1, /* terminates if the listed host facts hold */
	PDS_VERDICT_UNKNOWN = 2,	 /* could not decide; reason says why */
	PDS_VERDICT_FAILS = 3,		 /* certainly does not terminate when reached */
};

PDS_API const char *pds_chk_verdict_name(enum pds_chk_verdict v);

/* ------------------------------------------------------------------ host facts */

/* "get_cnx AK_CNX_NB_PATHS <= 16": a getter's result is at most max. */
struct pds_chk_fact_range {
	const char *helper; /* getter name, e.g. "get_cnx" */
	uint16_t key;	    /* access key */
	int has_param;	    /* 0: any param */
	uint16_t param;
	uint64_t max;
};

/* "get_pkt AK_PKT_NEXT_PACKET: acyclic, length <= 4096": following the link from
 * any object reaches NULL within max_len steps. */
struct pds_chk_fact_list {
	const char *helper;
	uint16_t key;
	uint64_t max_len;
};

struct pds_chk_facts {
	const struct pds_chk_fact_range *ranges;
	size_t nranges;
	const struct pds_chk_fact_list *lists;
	size_t nlists;
};

/* ------------------------------------------------------------------ reports */

struct pds_chk_loop_report {
	uint32_t header; /* slot of the loop head */
	uint32_t depth;	 /* 1 for an outermost loop */
	int parent;	 /* index of the enclosing loop, or -1 */
	enum pds_chk_verdict verdict;
	uint64_t max_iter;  /* bound on the back edges taken per entry; UINT64_MAX: none */
	char *iter_formula; /* iterations over named quantities, or NULL when a constant */
	char *ivar;	    /* loop variable (debug name, else register or stack slot) */
	const char *rule;   /* stable rule id when not proven, else NULL */
	char *reason;	    /* human text when not proven, else NULL */
	int has_loc;
	struct pds_srcloc loc; /* source position of the loop head when known */
	uint32_t exit_slot;    /* the bounding exit test, when one was found */
};

struct pds_chk_term_report {
	enum pds_chk_verdict verdict;
	uint64_t bound;	    /* worst-case instructions executed; UINT64_MAX when unbounded */
	char *formula;	    /* the bound over named quantities, NULL when a plain number */
	char **assumptions; /* host facts the verdict relies on */
	size_t nassumptions;
	struct pds_chk_loop_report *loops;
	size_t nloops;
	const char *rule; /* rule id of the first reason the program is not proven */
	char *reason;
	int irreducible; /* an irreducible cycle was found */
};

struct pds_chk_term_opts {
	size_t sz; /* sizeof(struct pds_chk_term_opts) */
	const struct pds_chk_facts *facts;
	struct pds_chk_diag_sink diag; /* diagnostics at each loop's source line */
};

/*
 * Decides termination of prog and computes its worst-case cost.  Returns 0 and
 * a report (free with pds_chk_term_report_free) whatever the verdict; a non-zero
 * return means the analysis itself could not run (out of memory, bad argument).
 */
PDS_API int pds_chk_termination(const struct pds_chk_prog *prog,
				const struct pds_chk_term_opts *opts,
				struct pds_chk_term_report **out);
PDS_API void pds_chk_term_report_free(struct pds_chk_term_report *r);

/* Graphviz DOT of the CFG with loops and their bounds marked. */
PDS_API int pds_chk_cfg_dot(const struct pds_chk_prog *prog, const struct pds_chk_term_report *r,
			    FILE *out);

#ifdef __cplusplus
}
#endif
#endif
