// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the termination analysis (termination.c, loops.c,
 * absint.c, cfg.c) on raw programs.
 *
 * The input is a sequence of 8-byte instruction slots (at most MAX_SLOTS; a
 * trailing partial slot is ignored).  It is built with pds_chk_obj_from_insns()
 * in both profiles; in the PQUIC profile every call slot is given a helper name
 * picked by its immediate from the getters and allocators the analysis knows.
 * When the program validates, the analysis runs without and with host facts,
 * the CFG is rendered as DOT, and the reports must satisfy term_invariants.h;
 * a program proven without facts stays proven (perhaps under assumptions) when
 * facts are declared.
 *
 * A report that lists no assumption must not depend on the facts: with the
 * facts declared, a proven verdict without assumptions has the same bound as
 * without them.  A violation is printed once; with PDS_FUZZ_STRICT set in the
 * environment it aborts like the other invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "bpf/fuzz/term_invariants.h"

#define MAX_SLOTS 512
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Helpers the analysis treats specially (absint.c), and some it does not. */
static const char *const helper_names[] = {
	"get_cnx",
	"get_pkt",
	"get_path",
	"get_pkt_metadata",
	"get_sack_item",
	"my_malloc",
	"my_realloc",
	"my_free",
	"my_memcpy",
	"set_cnx",
	"picoquic_current_time",
	"get_stream_head",
	"get_cnxid",
	"get_ph",
	"get_preq",
	"helper_x",
};

/* Access keys: 0x00 (AK_CNX_INPUT), 0x2d (AK_CNX_NB_PATHS), 0x01 (AK_PKT_NEXT_PACKET),
 * 0x05 (AK_PKT_LENGTH), pquic-access-keys.tsv. */
static const struct pds_chk_fact_range fact_ranges[] = {
	{"get_cnx", 0x2d, 0, 0, 16}, {"get_cnx", 0x00, 1, 1, 1500},
	{"get_cnx", 0x00, 1, 2, 0},  {"get_pkt", 0x05, 0, 0, UINT64_MAX},
	{"get_path", 0x02, 1, 0, 1},
};

static const struct pds_chk_fact_list fact_lists[] = {
	{"get_pkt", 0x01, 4096},
	{"get_sack_item", 0x01, 0},
	{"get_path", 0x00, UINT64_MAX},
};

static const struct pds_chk_facts facts = {fact_ranges, ARRAY_LEN(fact_ranges), fact_lists,
					   ARRAY_LEN(fact_lists)};

static void render(void *ctx, const struct pds_chk_diag *d)
{
	char buf[512];

	(void)ctx;
	if (pds_chk_diag_format(d, buf, sizeof(buf)) < 0 || !d->rule || !d->message)
		abort();
}

static FILE *sink_file(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static void unlisted_fact(const struct pds_chk_term_report *plain,
			  const struct pds_chk_term_report *assuming)
{
	static int strict = -1, told;

	if (strict < 0)
		strict = getenv("PDS_FUZZ_STRICT") != NULL;
	if (strict)
		abort();
	if (!told++)
		fprintf(stderr,
			"fuzz_analysis: bound %llu with facts, %llu without, and no assumption "
			"listed (set PDS_FUZZ_STRICT to stop here)\n",
			(unsigned long long)assuming->bound, (unsigned long long)plain->bound);
}

static struct pds_chk_term_report *analyse(const struct pds_chk_prog *prog,
					   const struct pds_chk_facts *with, uint64_t min_path)
{
	struct pds_chk_term_opts to = {.sz = sizeof(to), .facts = with, .diag = {render, NULL}};
	struct pds_chk_term_report *r = NULL;

	if (pds_chk_termination(prog, &to, &r) || !r)
		abort();
	fuzz_check_report(prog, r, min_path);
	if (pds_chk_cfg_dot(prog, r, sink_file()))
		abort();
	return r;
}

static void run(const struct pds_insn *insns, size_t n, const char *const *helpers,
		enum pds_chk_profile profile)
{
	struct pds_chk_open_opts oo = {
		.sz = sizeof(oo), .profile = profile, .diag = {render, NULL}};
	struct pds_chk_term_report *plain, *assuming;
	const struct pds_chk_prog *prog;
	struct pds_chk_obj *obj = NULL;
	uint64_t min_path;
	int rc;

	rc = pds_chk_obj_from_insns(insns, n, helpers, "fuzz", &oo, &obj);
	if ((rc == 0) != (obj != NULL))
		abort();
	if (rc)
		return;
	if (pds_chk_obj_prog_count(obj) != 1)
		abort();
	prog = pds_chk_obj_prog(obj, 0);
	if (pds_chk_prog_slot_count(prog) != n || pds_chk_disasm(prog, sink_file(), 0))
		abort();
	min_path = fuzz_min_path(prog);
	plain = analyse(prog, NULL, min_path);
	assuming = analyse(prog, &facts, min_path);
	/* a fact may also show that a loop never exits (fails) or that code is dead */
	if (plain->verdict <= PDS_VERDICT_PROVEN_ASSUMING &&
	    assuming->verdict > PDS_VERDICT_PROVEN_ASSUMING)
		abort();
	if (assuming->verdict == PDS_VERDICT_PROVEN && plain->verdict == PDS_VERDICT_PROVEN &&
	    assuming->bound != plain->bound)
		unlisted_fact(plain, assuming);
	if (pds_chk_cfg_dot(prog, NULL, sink_file()))
		abort();
	pds_chk_term_report_free(plain);
	pds_chk_term_report_free(assuming);
	pds_chk_obj_free(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pds_insn insns[MAX_SLOTS];
	static const char *helpers[MAX_SLOTS];
	size_t n = size / sizeof(struct pds_insn);

	if (n > MAX_SLOTS)
		n = MAX_SLOTS;
	memcpy(insns, data, n * sizeof(*insns));
	for (size_t i = 0; i < n; i++)
		helpers[i] = helper_names[(uint32_t)insns[i].imm % ARRAY_LEN(helper_names)];
	run(insns, n, helpers, PDS_CHK_PROFILE_PQUIC);
	run(insns, n, NULL, PDS_CHK_PROFILE_KERNEL);
	return 0;
}
