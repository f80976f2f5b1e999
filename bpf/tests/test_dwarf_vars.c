// SPDX-License-Identifier: MIT
/*
 * Variable locations from DWARF .debug_info (dwarf_vars.c) and the loop
 * variable names the termination analysis reports with them.
 *
 * References, each independent of the code under test:
 * - llvm-dwarfdump --debug-info --show-parents --name=VAR: every location that is
 *   a register (DW_OP_regN), a value computed from one register (DW_OP_bregN …
 *   DW_OP_stack_value) or a stack slot (DW_OP_breg10 / DW_OP_fbreg) must be in the
 *   table with the same byte range (a plain exprloc: its enclosing scope's
 *   DW_AT_low_pc/high_pc), and the table must hold nothing else for VAR;
 * - stack slots: the r10 offset in the table must be one the function's code
 *   (llvm-objdump -d) actually addresses, and every slot of one function must sit
 *   the same distance from the DWARF offset (the frame size);
 * - the C sources of the test programs: the counter of each loop is `i`;
 * - malformed input: copies of an object with .debug_info, .debug_abbrev,
 *   .debug_loclists, .debug_addr or .debug_str_offsets cut or bit-flipped open
 *   fine, with at most one dwarf/bad-variables warning (code 0) and no table
 *   after it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/analysis.h>

#include "bpf/internal.h"
#include "bpf/tests/util.h"
#include "mk/cunit.h"

/* ------------------------------------------------------------------ diagnostics */

struct diag_log {
	int var_warnings, errors, other;
	int code;
	char msg[512];
	char loop_msg[512];
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct diag_log *log = ctx;

	if (d->rule && !strcmp(d->rule, "dwarf/bad-variables")) {
		log->var_warnings++;
		log->code = d->code;
		CU_ASSERT_EQUAL(d->level, PDS_CHK_WARNING);
		snprintf(log->msg, sizeof(log->msg), "%s", d->message);
	} else if (d->rule && !strncmp(d->rule, "termination/", 12)) {
		snprintf(log->loop_msg, sizeof(log->loop_msg), "%s", d->message);
	} else if (d->level == PDS_CHK_ERROR) {
		log->errors++;
	} else {
		log->other++;
	}
}

static struct pds_chk_obj *open_mem(const uint8_t *img, size_t len, const char *name,
				    enum pds_chk_profile profile, struct diag_log *log, int *rc)
{
	struct pds_chk_open_opts o = {.sz = sizeof(o), .profile = profile, .diag = {collect, log}};
	struct pds_chk_obj *obj = NULL;

	memset(log, 0, sizeof(*log));
	*rc = pds_chk_obj_open_mem(img, len, name, &o, &obj);
	return obj;
}

static struct pds_chk_obj *open_prog(const char *prog, enum pds_chk_profile profile,
				     struct diag_log *log)
{
	char *path = pds_t_prog_path(prog);
	uint8_t *img = NULL;
	size_t len = 0;
	struct pds_chk_obj *obj = NULL;
	int rc = -1;

	if (path && pds_t_read_file(path, &img, &len) == 0)
		obj = open_mem(img, len, path, profile, log, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(obj);
	free(img);
	free(path);
	return obj;
}

/* ------------------------------------------------------------------ llvm-dwarfdump model */

enum exp_kind { K_REG, K_COMPUTED, K_STACK };

struct exp_loc {
	uint64_t lo, hi;
	enum exp_kind kind;
	int reg;
	int64_t dwarf_off; /* K_STACK: the offset DWARF gives */
};

static const char *dwarfdump(void)
{
	const char *p = getenv("LLVM_DWARFDUMP");

	return p && *p ? p : "llvm-dwarfdump";
}

/* How a location expression printed by llvm-dwarfdump reads; false when it is
 * none of the simple kinds. */
static bool classify(const char *expr, struct exp_loc *e)
{
	const char *b;
	int n = 0;
	long long off;

	if (sscanf(expr, "DW_OP_reg%d W%*d%n", &e->reg, &n) == 1 && n &&
	    (!expr[n] || expr[n] == ')') && e->reg <= 9) {
		e->kind = K_REG;
		return true;
	}
	if (sscanf(expr, "DW_OP_breg10 W10%lld%n", &off, &n) == 1 && (!expr[n] || expr[n] == ')')) {
		e->kind = K_STACK;
		e->dwarf_off = off;
		return true;
	}
	if (sscanf(expr, "DW_OP_fbreg %lld%n", &off, &n) == 1 && (!expr[n] || expr[n] == ')')) {
		e->kind = K_STACK;
		e->dwarf_off = off;
		return true;
	}
	/* one register read, then arithmetic, then DW_OP_stack_value */
	b = strstr(expr, "DW_OP_breg");
	if (!b || strstr(b + 1, "DW_OP_breg") || !strstr(expr, "DW_OP_stack_value") ||
	    strstr(expr, "DW_OP_reg") || sscanf(b, "DW_OP_breg%d", &e->reg) != 1 || e->reg > 9)
		return false;
	e->kind = K_COMPUTED;
	return true;
}

/*
 * The simple locations of the one DIE named var: loclist rows, or an exprloc over
 * the innermost enclosing scope with a pc range.  Returns the count, -1 on failure.
 */
static int dump_locs(const char *path, const char *var, struct exp_loc *out, int max)
{
	char name_arg[128];
	const char *argv[] = {dwarfdump(), "--debug-info", "--show-parents", name_arg, path, NULL};
	char *text, *line, *save = NULL;
	uint64_t scope_lo = 0, scope_hi = 0, v;
	int n = 0, in_list = 0;

	snprintf(name_arg, sizeof(name_arg), "--name=%s", var);
	text = pds_t_run(argv);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *p = line + strspn(line, " \t");
		struct exp_loc e = {0};
		unsigned long long lo, hi;
		int k = 0;

		if (sscanf(p, "DW_AT_low_pc (0x%" SCNx64 ")", &v) == 1)
			scope_lo = v;
		else if (sscanf(p, "DW_AT_high_pc (0x%" SCNx64 ")", &v) == 1)
			scope_hi = v;
		if (!strncmp(p, "DW_AT_location", 14)) {
			p += 14 + strspn(p + 14, " \t");
			in_list = strstr(p, "loclist") != NULL;
			if (!in_list && classify(p + 1, &e)) {
				e.lo = scope_lo;
				e.hi = scope_hi;
				out[n++] = e;
			}
			continue;
		}
		if (in_list && sscanf(p, "[0x%llx, 0x%llx): %n", &lo, &hi, &k) == 2 && k) {
			if (classify(p + k, &e)) {
				e.lo = lo;
				e.hi = hi;
				out[n++] = e;
			}
			continue;
		}
		in_list = 0;
	}
	free(text);
	return n;
}

static bool table_has(const struct pds_chk_obj *obj, const char *var, const struct exp_loc *e,
		      int32_t *stack_off)
{
	for (size_t i = 0; i < obj->vars.n; i++) {
		const struct pds_var_loc *t = &obj->vars.v[i];

		if (strcmp(t->name, var) || t->lo != e->lo || t->hi != e->hi)
			continue;
		if (e->kind == K_STACK && t->reg == -1) {
			*stack_off = t->stack_off;
			return true;
		}
		if (e->kind != K_STACK && t->reg == e->reg &&
		    t->computed == (e->kind == K_COMPUTED))
			return true;
	}
	return false;
}

static size_t table_count(const struct pds_chk_obj *obj, const char *var)
{
	size_t n = 0;

	for (size_t i = 0; i < obj->vars.n; i++)
		n += !strcmp(obj->vars.v[i].name, var);
	return n;
}

/* The disassembly addresses r10+off, as a load/store or as a pointer made from r10. */
static bool code_uses_slot(const char *disasm, int32_t off)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "(r10 - %d)", -off);
	snprintf(b, sizeof(b), "+= %d\n", off);
	return strstr(disasm, a) || strstr(disasm, b);
}

static void check_var(const char *prog, enum pds_chk_profile profile, const char *var, int min_locs)
{
	struct exp_loc exp[64];
	struct diag_log log;
	struct pds_chk_obj *obj = open_prog(prog, profile, &log);
	char *path = pds_t_prog_path(prog);
	const char *argv[] = {pds_t_objdump(), "-d", "--no-show-raw-insn", path, NULL};
	char *disasm = path ? pds_t_run(argv) : NULL;
	int n = path ? dump_locs(path, var, exp, 64) : -1;
	int64_t frame = INT64_MIN;

	CU_ASSERT_PTR_NOT_NULL_FATAL(disasm);
	CU_ASSERT_FATAL(n >= min_locs);
	CU_ASSERT_EQUAL(log.var_warnings, 0);
	for (int i = 0; obj && i < n; i++) {
		int32_t off = 0;

		if (!table_has(obj, var, &exp[i], &off)) {
			fprintf(stderr,
				"%s: %s [0x%" PRIx64 ", 0x%" PRIx64 ") kind %d reg %d missing\n",
				prog, var, exp[i].lo, exp[i].hi, exp[i].kind, exp[i].reg);
			CU_FAIL("location missing from the table");
			continue;
		}
		if (exp[i].kind != K_STACK)
			continue;
		CU_ASSERT(off < 0);
		CU_ASSERT(code_uses_slot(disasm, off));
		if (frame == INT64_MIN)
			frame = exp[i].dwarf_off - off;
		CU_ASSERT_EQUAL(exp[i].dwarf_off - off, frame);
		CU_ASSERT_EQUAL(frame % 8, 0);
	}
	if (obj)
		CU_ASSERT_EQUAL(table_count(obj, var), (size_t)n);
	pds_chk_obj_free(obj);
	free(disasm);
	free(path);
}

static void test_registers(void)
{
	check_var("term/const_for", PDS_CHK_PROFILE_PQUIC, "i", 1);   /* exprloc in a block */
	check_var("term/const_for", PDS_CHK_PROFILE_PQUIC, "cnx", 2); /* loclist */
	check_var("term/const_for", PDS_CHK_PROFILE_PQUIC, "acc", 2);
	check_var("term/nested2", PDS_CHK_PROFILE_PQUIC, "j", 1);
	check_var("term/wrap_u32_le", PDS_CHK_PROFILE_PQUIC, "i", 1);
	check_var("kterm/knested", PDS_CHK_PROFILE_KERNEL, "i", 1);
}

static void test_computed(void)
{
	check_var("term/count_down", PDS_CHK_PROFILE_PQUIC, "i", 1); /* i = r7 - 1 */
	check_var("kterm/kconst_loop", PDS_CHK_PROFILE_KERNEL, "i", 1);
}

static void test_stack_slots(void)
{
	check_var("term/input_int32", PDS_CHK_PROFILE_PQUIC, "cnx", 2); /* breg10 +0 */
	check_var("term/spilled_bound", PDS_CHK_PROFILE_PQUIC, "b", 4);
	check_var("term/spilled_bound", PDS_CHK_PROFILE_PQUIC, "c", 4);
	check_var("term/stack_array", PDS_CHK_PROFILE_PQUIC, "buf", 1); /* fbreg */
	check_var("kernel/multi_prog", PDS_CHK_PROFILE_KERNEL, "key", 1);
	check_var("kernel/multi_prog", PDS_CHK_PROFILE_KERNEL, "one", 1);
}

/* Every compiled test program: tables read with no warning, every entry a real range. */
static void test_whole_corpus(void)
{
	static const struct {
		const char *dir;
		enum pds_chk_profile profile;
	} dirs[] = {{"term", PDS_CHK_PROFILE_PQUIC},
		    {"pquic", PDS_CHK_PROFILE_PQUIC},
		    {"kterm", PDS_CHK_PROFILE_KERNEL},
		    {"kernel", PDS_CHK_PROFILE_KERNEL}};
	size_t total = 0;

	for (size_t d = 0; d < PDS_ARRAY_SIZE(dirs); d++) {
		char **paths = NULL;
		int n = pds_t_list_progs(dirs[d].dir, &paths);

		CU_ASSERT(n > 0);
		for (int i = 0; i < n; i++) {
			struct pds_chk_open_opts o = {.sz = sizeof(o), .profile = dirs[d].profile};
			struct diag_log log = {0};
			struct pds_chk_obj *obj = NULL;

			o.diag = (struct pds_chk_diag_sink){collect, &log};
			if (pds_chk_obj_open(paths[i], &o, &obj) != 0)
				continue; /* programs that exist to be refused */
			CU_ASSERT_EQUAL(log.var_warnings, 0);
			for (size_t k = 0; k < obj->vars.n; k++) {
				const struct pds_var_loc *v = &obj->vars.v[k];

				CU_ASSERT(v->sec > 0 && v->sec < obj->nsec_names);
				CU_ASSERT(v->lo < v->hi);
				CU_ASSERT(v->reg >= -1 && v->reg <= 9);
				CU_ASSERT(v->reg >= 0 ||
					  (v->stack_off < 0 && v->stack_off >= -512));
				CU_ASSERT(v->name && v->name[0]);
			}
			total += obj->vars.n;
			pds_chk_obj_free(obj);
		}
		pds_t_free_list(paths, n);
	}
	CU_ASSERT(total > 200);
}

/* ------------------------------------------------------------------ lookups */

static void test_lookup(void)
{
	struct diag_log log;
	struct pds_chk_obj *obj = open_prog("term/const_for", PDS_CHK_PROFILE_PQUIC, &log);
	const struct pds_chk_prog *p = obj ? pds_chk_obj_prog(obj, 0) : NULL;
	static const struct pds_insn insns[] = {{.code = 0xb7, .dst = 0}, {.code = 0x95}};
	struct pds_chk_open_opts o = {.sz = sizeof(o), .profile = PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_obj *raw = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* i is r7 over its block [0x18, 0x80): slots 3 to 15 */
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 2, 7, 0));
	CU_ASSERT_STRING_EQUAL(pds_obj_var_name(p, 3, 7, 0), "i");
	CU_ASSERT_STRING_EQUAL(pds_obj_var_name(p, 15, 7, 0), "i");
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 16, 7, 0));
	CU_ASSERT_STRING_EQUAL(pds_obj_var_name(p, 0, 1, 0), "cnx");
	CU_ASSERT_STRING_EQUAL(pds_obj_var_name(p, 1, 6, 0), "cnx");
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 1, 1, 0));
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 5, -1, -8));
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 5, 10, 0));
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 1000, 7, 0));
	pds_chk_obj_free(obj);

	obj = open_prog("term/input_int32", PDS_CHK_PROFILE_PQUIC, &log);
	p = obj ? pds_chk_obj_prog(obj, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(pds_obj_var_name(p, 14, -1, -8), "cnx");
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 14, -1, -16));
	CU_ASSERT_PTR_NULL(pds_obj_var_name(p, 14, 10, 0));
	pds_chk_obj_free(obj);

	/* no debug info at all */
	CU_ASSERT_EQUAL_FATAL(pds_chk_obj_from_insns(insns, 2, NULL, "raw", &o, &raw), 0);
	CU_ASSERT_PTR_NULL(pds_obj_var_name(pds_chk_obj_prog(raw, 0), 0, 0, 0));
	pds_chk_obj_free(raw);
}

static void test_label(void)
{
	struct diag_log log;
	struct pds_chk_obj *obj = open_prog("term/input_int32", PDS_CHK_PROFILE_PQUIC, &log);
	const struct pds_chk_prog *p = obj ? pds_chk_obj_prog(obj, 0) : NULL;
	char *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* i is r9 from slot 12 to 19: not at the test (25), found at the head (12) */
	s = pds_obj_ivar_label(p, 25, 12, "r9");
	CU_ASSERT_STRING_EQUAL(s, "i in r9");
	free(s);
	s = pds_obj_ivar_label(p, 25, 26, "r9");
	CU_ASSERT_STRING_EQUAL(s, "r9");
	free(s);
	s = pds_obj_ivar_label(p, 14, 14, "[r10-8]");
	CU_ASSERT_STRING_EQUAL(s, "cnx in [r10-8]");
	free(s);
	s = pds_obj_ivar_label(p, 14, 14, "[r10-8");
	CU_ASSERT_STRING_EQUAL(s, "[r10-8");
	free(s);
	s = pds_obj_ivar_label(p, 12, 12, "r9x");
	CU_ASSERT_STRING_EQUAL(s, "r9x");
	free(s);
	s = pds_obj_ivar_label(p, 12, 12, "");
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
	pds_chk_obj_free(obj);
}

/* ------------------------------------------------------------------ termination */

static void check_loop_name(const char *prog, enum pds_chk_profile profile, const char *want,
			    const char *rule)
{
	struct diag_log log;
	struct pds_chk_obj *obj = open_prog(prog, profile, &log);
	struct pds_chk_term_opts o = {.sz = sizeof(o), .diag = {collect, &log}};
	struct pds_chk_term_report *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL_FATAL(pds_chk_termination(pds_chk_obj_prog(obj, 0), &o, &r), 0);
	CU_ASSERT_FATAL(r->nloops >= 1);
	if (strncmp(r->loops[0].ivar, want, strlen(want)) != 0)
		fprintf(stderr, "%s: loop variable '%s', expected '%s…'\n", prog, r->loops[0].ivar,
			want);
	CU_ASSERT_EQUAL(strncmp(r->loops[0].ivar, want, strlen(want)), 0);
	/* the register stays after the name */
	CU_ASSERT(strlen(r->loops[0].ivar) > strlen(want));
	if (rule) {
		char paren[64];

		CU_ASSERT_STRING_EQUAL(r->loops[0].rule, rule);
		snprintf(paren, sizeof(paren), "(%s", want);
		CU_ASSERT_PTR_NOT_NULL(strstr(log.loop_msg, paren));
	}
	pds_chk_term_report_free(r);
	pds_chk_obj_free(obj);
}

static void test_termination_names(void)
{
	check_loop_name("term/const_for", PDS_CHK_PROFILE_PQUIC, "i in r", NULL);
	check_loop_name("term/count_down", PDS_CHK_PROFILE_PQUIC, "i in r", NULL);
	check_loop_name("term/input_int32", PDS_CHK_PROFILE_PQUIC, "i in r", NULL);
	check_loop_name("term/spilled_bound", PDS_CHK_PROFILE_PQUIC, "i in r", NULL);
	check_loop_name("term/wrap_u32_le", PDS_CHK_PROFILE_PQUIC, "i in r",
			"termination/wrapping-counter");
	check_loop_name("kterm/kconst_loop", PDS_CHK_PROFILE_KERNEL, "i in r", NULL);
	check_loop_name("kterm/kwrap", PDS_CHK_PROFILE_KERNEL, "i in r", NULL);
}

/* ------------------------------------------------------------------ malformed */

struct image {
	uint8_t *img;
	size_t len;
	char *path;
};

static int load(const char *prog, struct image *im)
{
	memset(im, 0, sizeof(*im));
	im->path = pds_t_prog_path(prog);
	return im->path ? pds_t_read_file(im->path, &im->img, &im->len) : -1;
}

static void unload(struct image *im)
{
	free(im->img);
	free(im->path);
}

/* Opens a damaged copy: always accepted, at most one variables warning and then no table. */
static int open_damaged(const uint8_t *img, size_t len, const char *name, size_t *nvars)
{
	struct diag_log log;
	int rc = -1;
	struct pds_chk_obj *obj = open_mem(img, len, name, PDS_CHK_PROFILE_PQUIC, &log, &rc);

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(log.var_warnings <= 1);
	CU_ASSERT_EQUAL(log.errors, 0);
	if (log.var_warnings) {
		CU_ASSERT_EQUAL(log.code, 0);
		/* the place: section+offset, or the relocation's offset */
		CU_ASSERT(strstr(log.msg, "+0x") || strstr(log.msg, "offset 0x"));
	}
	*nvars = obj ? obj->vars.n : 0;
	if (obj && log.var_warnings)
		CU_ASSERT_EQUAL(obj->vars.n, 0);
	pds_chk_obj_free(obj);
	return log.var_warnings;
}

static const char *const damaged_secs[] = {".debug_info", ".debug_abbrev", ".debug_loclists",
					   ".debug_addr", ".debug_str_offsets"};
static const char *const damaged_progs[] = {"term/const_for", "term/input_int32",
					    "term/spilled_bound"};

/* Every cut of each section: the table is all or nothing, warnings come with the cut. */
static void test_truncated(void)
{
	for (size_t p = 0; p < PDS_ARRAY_SIZE(damaged_progs); p++) {
		struct image im;

		CU_ASSERT_EQUAL_FATAL(load(damaged_progs[p], &im), 0);
		for (size_t s = 0; s < PDS_ARRAY_SIZE(damaged_secs); s++) {
			Elf64_Shdr *sh = pds_t_shdr_by_name(im.img, im.len, damaged_secs[s], NULL);
			uint64_t size;
			int warned = 0;
			size_t n;

			CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
			size = sh->sh_size;
			for (uint64_t cut = 0; cut < size; cut++) {
				sh->sh_size = cut;
				warned += open_damaged(im.img, im.len, im.path, &n);
			}
			sh->sh_size = size;
			/* most cuts lose data the reader needs */
			CU_ASSERT(warned > (int)(size / 2));
		}
		unload(&im);
	}
}

static void test_bit_flips(void)
{
	for (size_t p = 0; p < PDS_ARRAY_SIZE(damaged_progs); p++) {
		struct image im;
		size_t clean;

		CU_ASSERT_EQUAL_FATAL(load(damaged_progs[p], &im), 0);
		CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &clean), 0);
		CU_ASSERT(clean > 0);
		for (size_t s = 0; s < PDS_ARRAY_SIZE(damaged_secs); s++) {
			Elf64_Shdr *sh = pds_t_shdr_by_name(im.img, im.len, damaged_secs[s], NULL);
			uint8_t *data = sh ? pds_t_sec_data(im.img, im.len, sh) : NULL;
			int warned = 0;
			size_t n;

			CU_ASSERT_PTR_NOT_NULL_FATAL(data);
			for (uint64_t bit = 0; bit < sh->sh_size * 8; bit++) {
				data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
				warned += open_damaged(im.img, im.len, im.path, &n);
				data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			}
			CU_ASSERT(warned > 0);
		}
		unload(&im);
	}
}

/* Renames a section in place (same length), so that readers no longer find it. */
static Elf64_Shdr *rename_sec(struct image *im, const char *from, const char *to)
{
	Elf64_Shdr *sh = pds_t_shdr_by_name(im->img, im->len, from, NULL);
	Elf64_Shdr *strs = pds_t_shdr(im->img, im->len, pds_t_ehdr(im->img)->e_shstrndx);
	uint8_t *names = strs ? pds_t_sec_data(im->img, im->len, strs) : NULL;

	if (!sh || !names || strlen(from) != strlen(to))
		return NULL;
	memcpy(names + sh->sh_name, to, strlen(to));
	return sh;
}

/* One header field changed at a time, each refused with the warning. */
static void test_named_cases(void)
{
	struct image im;
	Elf64_Shdr *info, *abbrev;
	uint8_t *d, *a;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(load("term/const_for", &im), 0);
	info = pds_t_shdr_by_name(im.img, im.len, ".debug_info", NULL);
	abbrev = pds_t_shdr_by_name(im.img, im.len, ".debug_abbrev", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(info);
	CU_ASSERT_PTR_NOT_NULL_FATAL(abbrev);
	d = pds_t_sec_data(im.img, im.len, info);
	a = pds_t_sec_data(im.img, im.len, abbrev);

	d[4] = 4; /* version 4 */
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 1);
	d[4] = 5;
	d[0] += 1; /* unit length one past the section */
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 1);
	d[0] -= 1;
	d[0x0c] = 0x7f; /* the first DIE names an abbreviation the table lacks */
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 1);
	d[0x0c] = 1;
	a[4] = 0x7f; /* abbreviation 1 (code, tag, children, attr): its first form unknown */
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 1);
	unload(&im);

	/* no .debug_info (renamed): no table, no warning */
	CU_ASSERT_EQUAL_FATAL(load("term/const_for", &im), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rename_sec(&im, ".debug_info", ".xebug_info"));
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	unload(&im);

	/* no .debug_abbrev while .debug_info is there: one warning */
	CU_ASSERT_EQUAL_FATAL(load("term/const_for", &im), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rename_sec(&im, ".debug_abbrev", ".xebug_abbrev"));
	CU_ASSERT_EQUAL(open_damaged(im.img, im.len, im.path, &n), 1);
	unload(&im);
}

PDS_TEST_MAIN("dwarf variables", PDS_TEST(test_registers), PDS_TEST(test_computed),
	      PDS_TEST(test_stack_slots), PDS_TEST(test_whole_corpus), PDS_TEST(test_lookup),
	      PDS_TEST(test_label), PDS_TEST(test_termination_names), PDS_TEST(test_truncated),
	      PDS_TEST(test_bit_flips), PDS_TEST(test_named_cases))
