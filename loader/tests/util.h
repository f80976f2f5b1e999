/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the loader/ tests: opening the compiled test programs and
 * running them in the interpreter under a scripted host ("scenario").
 *
 * A scenario is one line of whitespace-separated items (the PDS-RUN lines of the
 * termination corpus use the same text):
 *   NAME=VALS              every call of helper NAME returns VALS
 *   NAME(A1,A2,..)=VALS    calls whose arguments after the first (the host
 *                          object) are A1, A2, ..; the first matching item wins
 *   VALS                   V or V*N items separated by commas: successive calls
 *                          return them in turn, the last one forever after
 *   V                      a number (decimal or 0x hex), "arena" or "arena+N":
 *                          the address of the scenario block, see below
 *   list(NAME,KEY)=N       a host list of N objects with handles
 *                          PDS_T_LIST_HEAD, PDS_T_LIST_HEAD+1, ..:
 *                          NAME(h, KEY) returns the next handle, 0 after the last
 *   clist(NAME,KEY)=N      the same list made cyclic: the last links to the first
 *   u8@OFF=V (u16, u32, u64)  contents of the scenario block
 *   plist@OFF=N            a plugin-owned list of N 16-byte nodes {next, value}
 *                          laid out in the scenario block from OFF
 *   pcycle@OFF=N           the same list made cyclic
 * The scenario block is 4 KiB of plugin memory allocated before the run (the first
 * allocation, so at PDS_LDR_VM_ARENA_BASE).  r1 is PDS_T_CNX for a PQUIC
 * pluglet and the scenario block for a kernel program (its context).  Helpers
 * no item names behave as a small host: my_malloc/my_free/my_realloc use the
 * VM's allocator, my_memcpy/my_memset/strlen work on VM memory, all others
 * return 0.
 */
#ifndef PDS_LOADER_TESTS_UTIL_H
#define PDS_LOADER_TESTS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>
#include <pds/interp.h>

#define PDS_T_CNX 0x100u
#define PDS_T_LIST_HEAD 0x10001u
#define PDS_T_BLOCK_SIZE 4096u
#define PDS_T_MAX_CALLS 64

struct pds_t_scen;

/* One helper call as the scripted host saw it (the first PDS_T_MAX_CALLS of a run). */
struct pds_t_call {
	char name[48];
	int32_t id;
	uint64_t args[5];
	uint64_t ret;
};

/* Returns NULL and writes why into err when the text is malformed. */
struct pds_t_scen *pds_t_scen_parse(const char *text, char *err, size_t errlen);
void pds_t_scen_free(struct pds_t_scen *s);
/* Calls recorded during the last run. */
size_t pds_t_scen_calls(const struct pds_t_scen *s, const struct pds_t_call **calls);

/* Runs prog under the scenario; returns the run's result (0 or a pds_ldr_err). */
int pds_t_scen_run(const struct pds_chk_prog *prog, enum pds_chk_profile profile,
		   struct pds_t_scen *s, uint64_t budget, struct pds_ldr_run *run);

/* Opens a compiled test program, "pquic/update_rtt" or a full path; NULL on failure
 * (after printing why). */
struct pds_chk_obj *pds_t_open(const char *name, enum pds_chk_profile profile);
/* Path of a compiled test program under $PDS_TEST_BPF_DIR; malloc'ed. */
char *pds_t_obj_path(const char *name);

/* ------------------------------------------------------------------ termination corpus */

#include <pds/analysis.h>

#define PDS_T_MAX_FACTS 8

/*
 * One program of the termination corpus (bpf/tests/progs/term/ and kterm/) with
 * the expectations written in its source:
 *   // PDS-EXPECT: verdict=proven|proven-assuming|unknown|fails
 *   // PDS-EXPECT: worst=N | tight | loop-line=L | rule=ID
 *   // PDS-FACT: range HELPER KEY [PARAM] <= MAX
 *   // PDS-FACT: list HELPER KEY <= MAX_LEN
 *   // PDS-RUN: a scenario (see above)
 * KEY is a number or an AK_* name from bpf/tests/progs/pquic/pquic.h.  worst is
 * the number of instructions the PDS-RUN scenario executes (it maximises the
 * run); unknown and fails cases may carry a scenario that never ends.  loop-line
 * is the line of the loop statement (for, while), or of the loop's first
 * instruction when the statement itself carries no code (for (;;)).
 */
struct pds_t_case {
	char name[96]; /* "term/nested4" */
	char src[256];
	char obj[512];
	enum pds_chk_profile profile;
	int verdict; /* enum pds_chk_verdict, -1 when not written */
	int has_worst;
	uint64_t worst;
	int tight;
	unsigned loop_line;
	char rule[64];
	char range_helpers[PDS_T_MAX_FACTS][48];
	char list_helpers[PDS_T_MAX_FACTS][48];
	struct pds_chk_fact_range ranges[PDS_T_MAX_FACTS];
	struct pds_chk_fact_list lists[PDS_T_MAX_FACTS];
	struct pds_chk_facts facts;
	char run[1024];
	int has_run;
};

/* Reads every corpus source, sorted by name; prints why and returns -1 on a malformed
 * expectation (naming the file and line). */
int pds_t_corpus_load(struct pds_t_case **cases, size_t *n);
/* Runs a case's PDS-RUN scenario with the given budget; returns the run's result. */
int pds_t_case_run(const struct pds_t_case *c, uint64_t budget, struct pds_ldr_run *run);
/*
 * Checks every case's written worst case against the interpreter: proven cases
 * must run to their exit in exactly `worst` instructions; unknown and fails cases
 * with a scenario must exhaust a budget of PDS_T_RUNAWAY instructions.  Prints one
 * line per case; returns the number of mismatches.
 */
#define PDS_T_RUNAWAY 20000000u
int pds_t_corpus_measure(const struct pds_t_case *cases, size_t n);
const char *pds_t_verdict_text(int v);

#endif
