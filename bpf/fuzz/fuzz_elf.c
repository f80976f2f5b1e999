// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the object reader (elf.c, pquic.c, kobj.c, decode.c and
 * the line-info readers behind them), then for everything that consumes a
 * program it read: the disassembler and the termination analysis.
 *
 * The first input byte selects the profile (bit 0: 0 PQUIC, 1 kernel), the rest
 * is the object, read with pds_chk_obj_open_mem().  The reader must either
 * return an object and 0, or no object, a code and at least one error
 * diagnostic (check.h).  Every program of an accepted object is walked slot by
 * slot (text, reference, source position, origin), disassembled with bytes and
 * source, and, when it has at most MAX_ANALYSED_SLOTS slots, analysed; the
 * report must satisfy term_invariants.h.
 *
 * The seeds are the compiled test programs, copied with their profile byte into
 * build/fuzz-seeds/fuzz_elf/ by `make fuzz` (bpf/bpf.mk): objects are never
 * committed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "bpf/fuzz/term_invariants.h"

/* Keeps one run of the analysis well under a second on a fuzzing build. */
#define MAX_ANALYSED_SLOTS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct diag_count {
	unsigned errors;
};

static void render(void *ctx, const struct pds_chk_diag *d)
{
	struct diag_count *c = ctx;
	char buf[512];

	if (pds_chk_diag_format(d, buf, sizeof(buf)) < 0 || !d->rule || !d->message || !d->file)
		abort();
	if (c && d->level == PDS_CHK_ERROR)
		c->errors++;
}

static FILE *null_file(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static void walk_slots(const struct pds_chk_prog *prog)
{
	size_t n = pds_chk_prog_slot_count(prog);
	const uint32_t *starts;
	const char *const *names;
	size_t nsubs = pds_chk_prog_subprogs(prog, &starts, &names);
	char text[256];

	if (!pds_chk_prog_name(prog) || !pds_chk_prog_section(prog) || !pds_chk_prog_insns(prog) ||
	    pds_chk_prog_insn_count(prog) > n || n == 0)
		abort();
	if (nsubs == 0 || starts[0] != 0)
		abort();
	for (size_t i = 0; i < nsubs; i++)
		if (starts[i] >= n || (i && starts[i] <= starts[i - 1]) || !names[i])
			abort();
	for (size_t i = 0; i < n; i++) {
		const struct pds_insn_ref *ref = pds_chk_prog_ref(prog, i);
		struct pds_srcloc loc;
		const char *sec = NULL;
		uint64_t off;

		(void)pds_chk_insn_text(prog, i, text, sizeof(text));
		if (ref && (ref->kind == PDS_REF_SUBPROG || ref->kind == PDS_REF_FUNC_ADDR) &&
		    ref->target >= n)
			abort();
		if (pds_chk_prog_srcloc(prog, i, &loc) == 0 && !loc.file)
			abort();
		pds_chk_prog_origin(prog, i, &sec, &off);
		if (!sec)
			abort();
	}
}

static void analyse(const struct pds_chk_prog *prog)
{
	struct pds_chk_term_opts to = {.sz = sizeof(to), .diag = {render, NULL}};
	struct pds_chk_term_report *r = NULL;

	if (pds_chk_prog_slot_count(prog) > MAX_ANALYSED_SLOTS)
		return;
	if (pds_chk_termination(prog, &to, &r) || !r)
		abort();
	fuzz_check_report(prog, r, fuzz_min_path(prog));
	if (pds_chk_cfg_dot(prog, r, null_file()))
		abort();
	pds_chk_term_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_count count = {0};
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .diag = {render, &count}};
	struct pds_chk_obj *obj = NULL;
	int rc;

	if (size < 1)
		return 0;
	oo.profile = data[0] & 1 ? PDS_CHK_PROFILE_KERNEL : PDS_CHK_PROFILE_PQUIC;
	rc = pds_chk_obj_open_mem(data + 1, size - 1, "fuzz.o", &oo, &obj);
	if ((rc == 0) != (obj != NULL) || (rc && count.errors == 0))
		abort();
	if (rc)
		return 0;
	if (pds_chk_obj_profile(obj) != oo.profile || !pds_chk_obj_path(obj))
		abort();
	for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
		const struct pds_chk_prog *prog = pds_chk_obj_prog(obj, i);

		walk_slots(prog);
		if (pds_chk_disasm(prog, null_file(), PDS_DISASM_BYTES | PDS_DISASM_SOURCE))
			abort();
		analyse(prog);
	}
	pds_chk_obj_free(obj);
	return 0;
}
