// SPDX-License-Identifier: MIT
/*
 * Conformance of the object reader with llvm-objdump, on every compiled test
 * program.  llvm-objdump is the independent reference: its disassembly gives
 * the instructions, their widths (an lddw is one instruction and two slots),
 * the relocations and the function symbols; the reader must agree on all of it.
 *
 * PQUIC profile (pquic-abi.md §2): one program, the first executable section;
 * every call names the helper of its R_BPF_64_32 relocation, in order; every
 * string lddw resolves to the string at the symbol's offset, and addend_ignored
 * is set exactly when the in-place addend is non-zero.
 *
 * Kernel profile: one program per function of each non-.text executable
 * section; its own slots equal that function's instructions, helper ids equal
 * the call immediates, and the subprograms appended to it are exactly the .text
 * functions its calls reach, transitively, each equal to its objdump listing.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

#define MIN_PQUIC_PROGS 12
#define MIN_KERNEL_PROGS 6
#define MAX_REACHED 64

/* ------------------------------------------------------------------ diagnostics */

struct diag_log {
	int errors, warnings;
	int first_error;
	char first_msg[256];
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct diag_log *log = ctx;

	if (d->level == PDS_CHK_ERROR) {
		if (log->errors++ == 0) {
			log->first_error = d->code;
			snprintf(log->first_msg, sizeof(log->first_msg), "%s", d->message);
		}
	} else if (d->level == PDS_CHK_WARNING) {
		log->warnings++;
	}
}

static struct pds_chk_obj *open_obj(const char *path, enum pds_chk_profile profile,
				    struct diag_log *log)
{
	struct pds_chk_open_opts opts = {
		.sz = sizeof(opts),
		.profile = profile,
		.diag = {collect, log},
	};
	struct pds_chk_obj *obj = NULL;
	int rc;

	memset(log, 0, sizeof(*log));
	rc = pds_chk_obj_open(path, &opts, &obj);
	if (rc != 0)
		fprintf(stderr, "%s: open failed: %s (%s)\n", path, pds_chk_rule(rc),
			log->first_msg);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(log->errors, 0);
	CU_ASSERT_EQUAL(rc != 0, obj == NULL);
	return obj;
}

/* ------------------------------------------------------------------ instructions */

static int slot_equal_raw(const struct pds_insn *in, const uint8_t *raw, int with_imm)
{
	if (in->code != raw[0] || in->dst != (raw[1] & 0xf))
		return 0;
	if (!with_imm)
		return 1;
	return in->src == (raw[1] >> 4) && in->off == pds_od_off(raw) && in->imm == pds_od_imm(raw);
}

/*
 * Compares the reader's slots [base, base + n) with objdump's instructions of
 * sec covering slots [from, from + n).  Slots with a resolved reference keep
 * only their opcode and destination (the reference replaces src and imm in a
 * linked program); all others must be bit-identical to the file.
 */
static void compare_range(const struct pds_chk_prog *prog, size_t base,
			  const struct pds_od_sec *sec, uint32_t from, uint32_t n, const char *what)
{
	const struct pds_insn *insns = pds_chk_prog_insns(prog);
	size_t nslots = pds_chk_prog_slot_count(prog);
	uint32_t covered = 0;

	for (size_t i = 0; i < sec->ninsns; i++) {
		const struct pds_od_insn *od = &sec->insns[i];
		size_t s = base + (od->slot - from);
		int exact;

		if (od->slot < from || od->slot >= from + n)
			continue;
		covered += od->width;
		CU_ASSERT_FATAL(s + od->width <= nslots);
		exact = pds_chk_prog_ref(prog, s) == NULL;
		if (!slot_equal_raw(&insns[s], od->raw, exact)) {
			fprintf(stderr, "%s: slot %zu differs from %s+%u '%s'\n", what, s,
				sec->name, od->slot, od->text);
			CU_FAIL("instruction differs from llvm-objdump");
		}
		if (od->width == 2)
			CU_ASSERT(slot_equal_raw(&insns[s + 1], od->raw + 8, exact));
	}
	CU_ASSERT_EQUAL(covered, n);
}

static int is_call(const struct pds_od_insn *od)
{
	return od->raw[0] == (BPF_JMP | BPF_CALL);
}

static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/*
 * pds_chk_disasm: one line per instruction (label lines ending in ':' aside),
 * and the line of every helper call names the helper.
 */
static void check_disasm(const struct pds_chk_prog *prog)
{
	char *text = NULL, *cur, *line;
	size_t len = 0, n = 0, slot = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(pds_chk_disasm(prog, f, 0), 0);
	fclose(f);
	CU_ASSERT_FATAL(text != NULL);
	CU_ASSERT(count_char(text, '\n') >= (int)pds_chk_prog_insn_count(prog));
	cur = text;
	while ((line = strsep(&cur, "\n"))) {
		size_t l = strlen(line);
		const struct pds_insn_ref *ref;

		if (l == 0 || line[l - 1] == ':')
			continue;
		n++;
		if (slot >= pds_chk_prog_slot_count(prog))
			continue;
		ref = pds_chk_prog_ref(prog, slot);
		if (ref && ref->kind == PDS_REF_HELPER && ref->name && !strstr(line, ref->name)) {
			fprintf(stderr, "disasm line '%s' does not name %s\n", line, ref->name);
			CU_FAIL("disassembly does not name the helper");
		}
		slot += pds_chk_prog_insns(prog)[slot].code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1;
	}
	CU_ASSERT_EQUAL(n, pds_chk_prog_insn_count(prog));
	free(text);
}

/* Plain ALU and memory instructions print exactly as llvm-objdump prints them. */
static void check_insn_text(const struct pds_chk_prog *prog, size_t slot,
			    const struct pds_od_insn *od)
{
	uint8_t cls = od->raw[0] & 7;
	char buf[160];

	if (cls == BPF_JMP || cls == BPF_JMP32 || cls == BPF_LD)
		return;
	CU_ASSERT(pds_chk_insn_text(prog, slot, buf, sizeof(buf)) >= 0);
	if (strcmp(buf, od->text) != 0) {
		fprintf(stderr, "insn text '%s', llvm-objdump '%s'\n", buf, od->text);
		CU_FAIL("instruction text differs from llvm-objdump");
	}
}

/* Every slot of a function keeps the section and byte offset it came from. */
static void check_origin(const struct pds_chk_prog *prog, size_t base, const char *section,
			 uint64_t sec_off, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = NULL;
		uint64_t off = ~0ULL;

		pds_chk_prog_origin(prog, base + i, &s, &off);
		CU_ASSERT_FATAL(s != NULL);
		CU_ASSERT_STRING_EQUAL(s, section);
		CU_ASSERT_EQUAL(off, sec_off + i * 8);
	}
}

/*
 * The test programs are built with -g: line info exists, and the first slot of a
 * program maps to its own source file.
 */
static void check_lines(const char *path, const struct pds_chk_obj *obj,
			const struct pds_chk_prog *prog)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t stem = strlen(base) - 2; /* without ".o" */
	struct pds_srcloc loc = {0};
	const char *file;

	CU_ASSERT(pds_chk_obj_has_lines(obj));
	CU_ASSERT_EQUAL_FATAL(pds_chk_prog_srcloc(prog, 0, &loc), 0);
	CU_ASSERT_FATAL(loc.file != NULL);
	file = strrchr(loc.file, '/') ? strrchr(loc.file, '/') + 1 : loc.file;
	CU_ASSERT(strncmp(file, base, stem) == 0 && strcmp(file + stem, ".c") == 0);
	CU_ASSERT(loc.line > 0);
}

/* ------------------------------------------------------------------ PQUIC profile */

struct string_stats {
	int with_addend, without_addend;
};

static const struct pds_od_sym *find_sym(const struct pds_od *od, const char *name)
{
	for (size_t i = 0; i < od->nsyms; i++)
		if (strcmp(od->syms[i].name, name) == 0)
			return &od->syms[i];
	return NULL;
}

static const struct pds_od_sec *first_exec(const struct pds_od *od)
{
	for (size_t i = 0; i < od->nsecs; i++)
		if (od->secs[i].exec)
			return &od->secs[i];
	return NULL;
}

/* A string lddw: the reference names the string PQUIC loads (§2: addend ignored). */
static void check_string(const char *path, const struct pds_od *od, const struct pds_chk_prog *prog,
			 const struct pds_od_insn *in, struct string_stats *st)
{
	const struct pds_insn_ref *ref = pds_chk_prog_ref(prog, in->slot);
	const struct pds_od_sym *sym = find_sym(od, in->reloc.sym);
	int32_t addend = pds_od_imm(in->raw);
	uint8_t *data = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(sym != NULL && sym->section != NULL);
	CU_ASSERT_FATAL(pds_od_section_bytes(path, sym->section, &data, &len) == 0);
	CU_ASSERT_FATAL(ref != NULL);
	CU_ASSERT_EQUAL(ref->kind, PDS_REF_STRING);
	CU_ASSERT_EQUAL(ref->value_off, sym->value);
	CU_ASSERT_FATAL(sym->value < len && memchr(data + sym->value, 0, len - sym->value));
	CU_ASSERT_FATAL(ref->string != NULL);
	CU_ASSERT_STRING_EQUAL(ref->string, (const char *)data + sym->value);
	CU_ASSERT_EQUAL(ref->addend_ignored, addend != 0);
	if (addend != 0) {
		/* What the compiler meant is another string of the same section. */
		CU_ASSERT((size_t)addend < len);
		st->with_addend++;
	} else {
		st->without_addend++;
	}
	free(data);
}

static void check_pquic_call(const struct pds_chk_prog *prog, const struct pds_od_insn *in)
{
	const struct pds_insn_ref *ref = pds_chk_prog_ref(prog, in->slot);

	CU_ASSERT_EQUAL_FATAL(in->nrelocs, 1);
	CU_ASSERT_STRING_EQUAL(in->reloc.type, "R_BPF_64_32");
	CU_ASSERT_FATAL(ref != NULL);
	CU_ASSERT_EQUAL(ref->kind, PDS_REF_HELPER);
	CU_ASSERT_EQUAL(ref->helper_id, -1);
	CU_ASSERT_FATAL(ref->name != NULL);
	CU_ASSERT_STRING_EQUAL(ref->name, in->reloc.sym);
}

/* The reader's helper references, in slot order, are exactly objdump's calls. */
static void check_call_order(const struct pds_chk_prog *prog, const struct pds_od_sec *sec)
{
	size_t next = 0;

	for (size_t s = 0; s < pds_chk_prog_slot_count(prog); s++) {
		const struct pds_insn_ref *ref = pds_chk_prog_ref(prog, s);

		if (!ref || ref->kind != PDS_REF_HELPER)
			continue;
		while (next < sec->ninsns && !is_call(&sec->insns[next]))
			next++;
		CU_ASSERT_FATAL(next < sec->ninsns);
		CU_ASSERT_EQUAL(sec->insns[next].slot, s);
		CU_ASSERT_STRING_EQUAL(ref->name, sec->insns[next].reloc.sym);
		next++;
	}
	while (next < sec->ninsns && !is_call(&sec->insns[next]))
		next++;
	CU_ASSERT_EQUAL(next, sec->ninsns);
}

static void check_pquic_object(const char *path, struct string_stats *st)
{
	struct diag_log log;
	struct pds_chk_obj *obj = open_obj(path, PDS_CHK_PROFILE_PQUIC, &log);
	const struct pds_chk_prog *prog;
	const struct pds_od_sec *code;
	struct pds_od od;
	int with_addend = st->with_addend;

	CU_ASSERT_FATAL(pds_od_load(path, &od) == 0);
	if (!obj)
		goto out;
	CU_ASSERT_STRING_EQUAL(pds_chk_obj_path(obj), path);
	CU_ASSERT_EQUAL(pds_chk_obj_profile(obj), PDS_CHK_PROFILE_PQUIC);
	CU_ASSERT_EQUAL_FATAL(pds_chk_obj_prog_count(obj), 1);
	CU_ASSERT_PTR_NULL(pds_chk_obj_prog(obj, 1));
	prog = pds_chk_obj_prog(obj, 0);
	code = first_exec(&od);
	CU_ASSERT_FATAL(prog != NULL && code != NULL);
	CU_ASSERT_STRING_EQUAL(pds_chk_prog_section(prog), code->name);
	CU_ASSERT_EQUAL(pds_chk_prog_insn_count(prog), code->ninsns);
	CU_ASSERT_EQUAL(pds_chk_prog_slot_count(prog), pds_od_slots(code));
	CU_ASSERT_EQUAL(pds_chk_prog_slot_count(prog), code->size / 8);
	compare_range(prog, 0, code, 0, pds_od_slots(code), path);
	for (size_t i = 0; i < code->ninsns; i++) {
		const struct pds_od_insn *in = &code->insns[i];

		if (is_call(in))
			check_pquic_call(prog, in);
		else if (in->width == 2 && in->nrelocs)
			check_string(path, &od, prog, in, st);
		else
			CU_ASSERT_PTR_NULL(pds_chk_prog_ref(prog, in->slot));
		check_insn_text(prog, in->slot, in);
	}
	check_call_order(prog, code);
	check_origin(prog, 0, code->name, 0, pds_chk_prog_slot_count(prog));
	check_lines(path, obj, prog);
	check_disasm(prog);
	/* §2: "a checker should warn about this". */
	if (st->with_addend > with_addend)
		CU_ASSERT(log.warnings > 0);
out:
	pds_chk_obj_free(obj);
	pds_od_free(&od);
}

static void test_pquic_programs(void)
{
	struct string_stats st = {0};
	char **paths;
	int n = pds_t_list_progs("pquic", &paths);

	CU_ASSERT_FATAL(n >= MIN_PQUIC_PROGS);
	for (int i = 0; i < n; i++)
		check_pquic_object(paths[i], &st);
	/* The corpus exercises both string cases. */
	CU_ASSERT(st.with_addend > 0);
	CU_ASSERT(st.without_addend > 0);
	pds_t_free_list(paths, n);
}

/* Reading from memory gives the same program as reading the file. */
static void test_pquic_open_mem(void)
{
	char *path = pds_t_prog_path("pquic/schedule_frames_on_path");
	struct pds_chk_open_opts opts = {.sz = sizeof(opts), .profile = PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_obj *a = NULL, *b = NULL;
	uint8_t *img;
	size_t len;

	CU_ASSERT_FATAL(pds_t_read_file(path, &img, &len) == 0);
	CU_ASSERT_EQUAL(pds_chk_obj_open(path, &opts, &a), 0);
	CU_ASSERT_EQUAL(pds_chk_obj_open_mem(img, len, "mem.o", &opts, &b), 0);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_STRING_EQUAL(pds_chk_obj_path(b), "mem.o");
	CU_ASSERT_EQUAL(pds_chk_prog_slot_count(pds_chk_obj_prog(a, 0)),
			pds_chk_prog_slot_count(pds_chk_obj_prog(b, 0)));
	CU_ASSERT(memcmp(pds_chk_prog_insns(pds_chk_obj_prog(a, 0)),
			 pds_chk_prog_insns(pds_chk_obj_prog(b, 0)),
			 pds_chk_prog_slot_count(pds_chk_obj_prog(a, 0)) *
				 sizeof(struct pds_insn)) == 0);
	pds_chk_obj_free(a);
	pds_chk_obj_free(b);
	free(img);
	free(path);
}

/* ------------------------------------------------------------------ kernel profile */

/* Where a BPF-to-BPF call lands: a function symbol, from the relocation or pc-relative. */
static const struct pds_od_sym *call_target(const struct pds_od *od, const struct pds_od_sec *sec,
					    const struct pds_od_insn *in)
{
	int64_t imm = pds_od_imm(in->raw);

	if (in->nrelocs) {
		const struct pds_od_sym *sym = find_sym(od, in->reloc.sym);

		if (!sym || !sym->section)
			return NULL;
		return pds_od_func_at(od, sym->section, sym->value + (uint64_t)(imm + 1) * 8);
	}
	return pds_od_func_at(od, sec->name, ((uint64_t)in->slot + (uint64_t)(imm + 1)) * 8);
}

static int is_pseudo_call(const struct pds_od_insn *in)
{
	return is_call(in) && (in->raw[1] >> 4) == BPF_PSEUDO_CALL;
}

struct reached {
	const struct pds_od_sym *f[MAX_REACHED];
	size_t n;
};

static int reached_has(const struct reached *r, const struct pds_od_sym *f)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i] == f)
			return 1;
	return 0;
}

/* Every function reached from fn by BPF-to-BPF calls, transitively (fn itself excluded). */
/* The function of .text that an lddw's relocation points at (a callback's
 * address: the section symbol plus the offset in the immediate), or NULL. */
static const struct pds_od_sym *func_addr_target(const struct pds_od *od,
						 const struct pds_od_insn *in)
{
	const struct pds_od_sym *sym;
	uint64_t off;

	if (in->width != 2 || !in->nrelocs)
		return NULL;
	sym = find_sym(od, in->reloc.sym);
	if (!sym || !sym->section || strcmp(sym->section, ".text"))
		return NULL;
	off = (strcmp(sym->name, ".text") ? sym->value : 0) +
	      (uint64_t)(int64_t)pds_od_imm(in->raw);
	for (size_t i = 0; i < od->nsyms; i++)
		if (od->syms[i].func && od->syms[i].section &&
		    !strcmp(od->syms[i].section, ".text") && od->syms[i].value == off)
			return &od->syms[i];
	return NULL;
}

static void reach(const struct pds_od *od, const struct pds_od_sym *fn, struct reached *r)
{
	const struct pds_od_sec *sec = pds_od_sec(od, fn->section);

	CU_ASSERT_FATAL(sec != NULL);
	for (size_t i = 0; i < sec->ninsns; i++) {
		const struct pds_od_insn *in = &sec->insns[i];
		const struct pds_od_sym *t;

		if (in->slot * 8ULL < fn->value || in->slot * 8ULL >= fn->value + fn->size)
			continue;
		t = func_addr_target(od, in);
		if (!t && !is_pseudo_call(in))
			continue;
		if (!t)
			t = call_target(od, sec, in);
		CU_ASSERT_FATAL(t != NULL);
		CU_ASSERT_STRING_EQUAL(t->section, ".text");
		if (reached_has(r, t))
			continue;
		CU_ASSERT_FATAL(r->n < MAX_REACHED);
		r->f[r->n++] = t;
		reach(od, t, r);
	}
}

static const struct pds_od_sym *text_func(const struct pds_od *od, const char *name)
{
	for (size_t i = 0; i < od->nsyms; i++)
		if (od->syms[i].func && od->syms[i].section &&
		    strcmp(od->syms[i].section, ".text") == 0 &&
		    strcmp(od->syms[i].name, name) == 0)
			return &od->syms[i];
	return NULL;
}

/* The slot where subprogram name starts in the linked program. */
static int64_t sub_start(const struct pds_chk_prog *prog, const char *name)
{
	const uint32_t *starts;
	const char *const *names;
	size_t n = pds_chk_prog_subprogs(prog, &starts, &names);

	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return starts[i];
	return -1;
}

static int is_data_section(const char *s)
{
	return !strcmp(s, ".data") || !strcmp(s, ".rodata") || !strcmp(s, ".bss") ||
	       !strncmp(s, ".data.", 6) || !strncmp(s, ".rodata.", 8);
}

/* References of one function's instructions placed at slot base of prog. */
static void check_kernel_refs(const struct pds_od *od, const struct pds_chk_prog *prog, size_t base,
			      const struct pds_od_sym *fn)
{
	const struct pds_od_sec *sec = pds_od_sec(od, fn->section);

	for (size_t i = 0; i < sec->ninsns; i++) {
		const struct pds_od_insn *in = &sec->insns[i];
		size_t s = base + in->slot - fn->value / 8;
		const struct pds_insn_ref *ref;

		if (in->slot * 8ULL < fn->value || in->slot * 8ULL >= fn->value + fn->size)
			continue;
		ref = pds_chk_prog_ref(prog, s);
		if (is_pseudo_call(in)) {
			const struct pds_od_sym *t = call_target(od, sec, in);

			CU_ASSERT_FATAL(ref != NULL && t != NULL);
			CU_ASSERT_EQUAL(ref->kind, PDS_REF_SUBPROG);
			CU_ASSERT_EQUAL((int64_t)ref->target, sub_start(prog, t->name));
		} else if (is_call(in)) {
			CU_ASSERT_FATAL(ref != NULL);
			CU_ASSERT_EQUAL(ref->kind, PDS_REF_HELPER);
			CU_ASSERT_EQUAL(ref->helper_id, pds_od_imm(in->raw));
			CU_ASSERT(ref->name != NULL && ref->name[0] != '\0');
		} else if (func_addr_target(od, in)) {
			CU_ASSERT_FATAL(ref != NULL);
			CU_ASSERT_EQUAL(ref->kind, PDS_REF_FUNC_ADDR);
			CU_ASSERT_EQUAL((int64_t)ref->target,
					sub_start(prog, func_addr_target(od, in)->name));
		} else if (in->width == 2 && in->nrelocs) {
			const struct pds_od_sym *sym = find_sym(od, in->reloc.sym);

			CU_ASSERT_FATAL(ref != NULL && sym != NULL && sym->section != NULL);
			CU_ASSERT_FATAL(ref->name != NULL);
			if (strcmp(sym->section, ".maps") == 0) {
				CU_ASSERT_EQUAL(ref->kind, PDS_REF_MAP);
				CU_ASSERT_STRING_EQUAL(ref->name, sym->name);
			} else if (is_data_section(sym->section)) {
				uint64_t base_off =
					strcmp(sym->name, sym->section) ? sym->value : 0;

				CU_ASSERT_EQUAL(ref->kind, PDS_REF_MAP_VALUE);
				if (!strstr(ref->name, sym->section)) {
					fprintf(stderr, "%s+%u: value of %s names '%s', not %s\n",
						fn->section, in->slot, sym->name, ref->name,
						sym->section);
					CU_FAIL("global-data reference does not name its section");
				}
				CU_ASSERT_EQUAL(ref->value_off,
						base_off + (uint64_t)(int64_t)pds_od_imm(in->raw));
			}
		} else {
			CU_ASSERT_PTR_NULL(ref);
		}
		if (!ref)
			check_insn_text(prog, s, in);
	}
}

static void check_kernel_prog(const struct pds_od *od, const struct pds_chk_prog *prog,
			      const struct pds_od_sym *fn)
{
	const uint32_t *starts;
	const char *const *names;
	size_t nsubs = pds_chk_prog_subprogs(prog, &starts, &names);
	size_t nslots = pds_chk_prog_slot_count(prog);
	struct reached r = {.n = 0};

	CU_ASSERT_STRING_EQUAL(pds_chk_prog_section(prog), fn->section);
	CU_ASSERT_FATAL(nsubs >= 1);
	CU_ASSERT_EQUAL(starts[0], 0);
	reach(od, fn, &r);
	CU_ASSERT_EQUAL(nsubs - 1, r.n);
	for (size_t k = 0; k < nsubs; k++) {
		size_t end = k + 1 < nsubs ? starts[k + 1] : nslots;
		const struct pds_od_sym *f = k == 0 ? fn : text_func(od, names[k]);

		CU_ASSERT_FATAL(f != NULL);
		CU_ASSERT(k == 0 || reached_has(&r, f));
		CU_ASSERT_FATAL(end >= starts[k]);
		CU_ASSERT_EQUAL_FATAL(end - starts[k], f->size / 8);
		compare_range(prog, starts[k], pds_od_sec(od, f->section), (uint32_t)(f->value / 8),
			      (uint32_t)(f->size / 8), pds_chk_prog_name(prog));
		check_kernel_refs(od, prog, starts[k], f);
		check_origin(prog, starts[k], f->section, f->value, f->size / 8);
	}
	check_disasm(prog);
}

static const struct pds_chk_prog *prog_by_name(const struct pds_chk_obj *obj, const char *name)
{
	for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
		const struct pds_chk_prog *p = pds_chk_obj_prog(obj, i);

		if (strcmp(pds_chk_prog_name(p), name) == 0)
			return p;
	}
	return NULL;
}

static void check_kernel_object(const char *path, size_t *nprogs, size_t *nsubs)
{
	struct diag_log log;
	struct pds_chk_obj *obj = open_obj(path, PDS_CHK_PROFILE_KERNEL, &log);
	struct pds_od od;
	size_t expected = 0;

	CU_ASSERT_FATAL(pds_od_load(path, &od) == 0);
	if (!obj)
		goto out;
	for (size_t i = 0; i < od.nsyms; i++) {
		const struct pds_od_sym *y = &od.syms[i];
		const struct pds_od_sec *sec = y->section ? pds_od_sec(&od, y->section) : NULL;
		const struct pds_chk_prog *prog;

		if (!y->func || !sec || !sec->exec || strcmp(sec->name, ".text") == 0)
			continue;
		expected++;
		prog = prog_by_name(obj, y->name);
		if (!prog) {
			fprintf(stderr, "%s: program %s missing\n", path, y->name);
			CU_FAIL("program missing");
			continue;
		}
		check_kernel_prog(&od, prog, y);
		check_lines(path, obj, prog);
		*nsubs += pds_chk_prog_subprogs(prog, &(const uint32_t *){NULL},
						&(const char *const *){NULL}) -
			  1;
	}
	CU_ASSERT(expected > 0);
	CU_ASSERT_EQUAL(pds_chk_obj_prog_count(obj), expected);
	*nprogs += expected;
out:
	pds_chk_obj_free(obj);
	pds_od_free(&od);
}

static void test_kernel_programs(void)
{
	size_t nprogs = 0, nsubs = 0;
	char **paths;
	int n = pds_t_list_progs("kernel", &paths);

	CU_ASSERT_FATAL(n >= MIN_KERNEL_PROGS);
	for (int i = 0; i < n; i++)
		check_kernel_object(paths[i], &nprogs, &nsubs);
	/* Several programs per object on average, and subprograms really linked. */
	CU_ASSERT(nprogs > (size_t)n);
	CU_ASSERT(nsubs > 0);
	pds_t_free_list(paths, n);
}

/* subprog_chain.c by name: the chain program carries level1..3 and mix, the leaf
 * program level3 and mix, and neither carries unused(). */
static void test_kernel_subprog_chain(void)
{
	static const char *const all[] = {"level1", "level2", "level3", "mix"};
	char *path = pds_t_prog_path("kernel/subprog_chain");
	struct diag_log log;
	struct pds_chk_obj *obj = open_obj(path, PDS_CHK_PROFILE_KERNEL, &log);
	const struct pds_chk_prog *chain, *leaf;

	CU_ASSERT_FATAL(obj != NULL);
	chain = prog_by_name(obj, "chain_all");
	leaf = prog_by_name(obj, "chain_leaf");
	CU_ASSERT_FATAL(chain && leaf);
	CU_ASSERT_EQUAL(pds_chk_prog_subprogs(chain, &(const uint32_t *){NULL},
					      &(const char *const *){NULL}),
			5);
	for (size_t i = 0; i < 4; i++)
		CU_ASSERT(sub_start(chain, all[i]) > 0);
	CU_ASSERT(sub_start(leaf, "level3") > 0);
	CU_ASSERT(sub_start(leaf, "mix") > 0);
	CU_ASSERT(sub_start(leaf, "level1") < 0);
	CU_ASSERT(sub_start(chain, "unused") < 0);
	CU_ASSERT(sub_start(leaf, "unused") < 0);
	CU_ASSERT(prog_by_name(obj, "unused") == NULL);
	pds_chk_obj_free(obj);
	free(path);
}

/* Names of a few helper ids, from the UAPI enum. */
static void test_kernel_helper_names(void)
{
	char *path = pds_t_prog_path("kernel/kprobe_latency");
	struct diag_log log;
	struct pds_chk_obj *obj = open_obj(path, PDS_CHK_PROFILE_KERNEL, &log);
	const struct pds_chk_prog *prog;
	int seen = 0;

	CU_ASSERT_FATAL(obj != NULL);
	prog = prog_by_name(obj, "sleep_exit");
	CU_ASSERT_FATAL(prog != NULL);
	for (size_t s = 0; s < pds_chk_prog_slot_count(prog); s++) {
		const struct pds_insn_ref *ref = pds_chk_prog_ref(prog, s);

		if (!ref || ref->kind != PDS_REF_HELPER)
			continue;
		seen++;
		CU_ASSERT_FATAL(ref->name != NULL);
		switch (ref->helper_id) {
		case BPF_FUNC_map_lookup_elem:
			CU_ASSERT(strstr(ref->name, "map_lookup_elem") != NULL);
			break;
		case BPF_FUNC_map_delete_elem:
			CU_ASSERT(strstr(ref->name, "map_delete_elem") != NULL);
			break;
		case BPF_FUNC_ktime_get_ns:
			CU_ASSERT(strstr(ref->name, "ktime_get_ns") != NULL);
			break;
		case BPF_FUNC_get_current_pid_tgid:
			CU_ASSERT(strstr(ref->name, "get_current_pid_tgid") != NULL);
			break;
		default:
			CU_FAIL("sleep_exit calls a helper it does not use");
		}
	}
	CU_ASSERT_EQUAL(seen, 5);
	pds_chk_obj_free(obj);
	free(path);
}

PDS_TEST_MAIN("bpf reader vs llvm-objdump", PDS_TEST(test_pquic_programs),
	      PDS_TEST(test_pquic_open_mem), PDS_TEST(test_kernel_programs),
	      PDS_TEST(test_kernel_subprog_chain), PDS_TEST(test_kernel_helper_names))
