// SPDX-License-Identifier: MIT
/*
 * Differential tests against the live kernel verifier.
 *
 * Every compiled kernel test program (PDS_TEST_BPF_DIR/bpf/tests/progs/kernel
 * and kterm) is read by our checker with the kernel profile and loaded, one
 * program at a time, into the running kernel with libbpf.  Two claims are
 * checked:
 *
 *  - an object our reader refuses is refused by the kernel too.  The compiled
 *    programs are all well formed, so the refused objects are single-instruction
 *    mutations of one of them (unknown opcode, bad register, division by zero,
 *    jump out of the program, stack access below r10-512, no exit left), each
 *    matched with the reader's code for it; one more mutant, a jump to itself,
 *    is valid kernel code that our analysis must find never terminates;
 *  - a program whose termination we prove (`proven`) is accepted by the
 *    verifier, or refused for a reason that has nothing to do with termination
 *    (printed with the verifier log and counted apart).  A refusal that names a
 *    loop, the instruction limit, complexity or the call depth is a
 *    disagreement.  Conversely, a program we say never terminates (`fails`)
 *    must not be accepted.
 *
 * Without the right to load programs (not root, no CAP_BPF, bpf() refused with
 * EPERM or missing) the binary prints "SKIP: <reason>" and exits 0 before any
 * test runs: nothing is claimed.
 */
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <pds/analysis.h>
#include <pds/check.h>

#include "mk/cunit.h"

#define LOG_SIZE (1u << 22)
#define MAX_PATH 512
#define MIN_OBJECTS 16
/* The object mutated for the refusal cases, its code section and its length. */
#define MUTANT_BASE "bpf/tests/progs/kterm/kstraight.o"
#define MUTANT_SECTION "socket"
#define MUTANT_SLOTS 11

static char klog[LOG_SIZE];

/* ------------------------------------------------------------------ helpers */

struct first_error {
	int code;
	char msg[256];
};

static void keep_first(void *ctx, const struct pds_chk_diag *d)
{
	struct first_error *e = ctx;

	if (d->level == PDS_CHK_ERROR && !e->code) {
		e->code = d->code;
		snprintf(e->msg, sizeof(e->msg), "%s", d->message);
	}
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static const char *bpf_dir(void)
{
	const char *d = getenv("PDS_TEST_BPF_DIR");

	return d && *d ? d : "build/bpf";
}

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	*buf = malloc(n ? (size_t)n : 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		free(*buf);
		fclose(f);
		return -1;
	}
	*len = (size_t)n;
	fclose(f);
	return 0;
}

/*
 * Verifier messages that are about termination or the effort spent proving it
 * (kernel/bpf/verifier.c): a refusal with one of them contradicts "proven".
 */
static int termination_related(const char *log)
{
	static const char *const words[] = {
		"infinite loop", "back-edge",	  "too large",
		"too complex",	 "call stack of", "too deep",
		"loop",		 "unbounded",	  "processed 1000001 insns",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(log, words[i]))
			return 1;
	return 0;
}

static void print_log_tail(const char *what)
{
	size_t n = strlen(klog);
	const char *tail = n > 600 ? klog + n - 600 : klog;

	printf("\n    %s; verifier log (end):\n%s\n", what, tail);
}

/*
 * Loads one program of an object (all others not loaded) into the kernel.
 * Returns 0 when the verifier accepts it, the negative errno otherwise; the
 * verifier log is in klog.
 */
static int kernel_load_one(const void *buf, size_t len, const char *name, const char *prog)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = name, .kernel_log_buf = klog,
		    .kernel_log_size = sizeof(klog), .kernel_log_level = 1);
	struct bpf_object *obj;
	struct bpf_program *p;
	int err, found = 0;

	klog[0] = '\0';
	obj = bpf_object__open_mem(buf, len, &oo);
	if (!obj)
		return errno ? -errno : -EINVAL;
	bpf_object__for_each_program(p, obj)
	{
		int mine = !prog || !strcmp(bpf_program__name(p), prog);

		found |= mine;
		bpf_program__set_autoload(p, mine);
	}
	err = found ? bpf_object__load(obj) : -ENOENT;
	bpf_object__close(obj);
	return err;
}

/* ------------------------------------------------------------------ the skip check */

/* Loads "r0 = 0; exit" as a socket filter: the least a kernel can accept. */
static int probe_bpf(char *why, size_t size)
{
	const struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "pds_probe", "GPL", prog, 2, NULL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	/* Any other refusal is the kernel's answer to a valid program: the tests run and fail. */
	if (fd != -EPERM && fd != -EACCES && fd != -ENOSYS)
		return 0;
	snprintf(why, size, "the kernel does not let this process load eBPF programs (bpf(): %s)",
		 strerror(-fd));
	return -fd;
}

/* ------------------------------------------------------------------ compiled programs */

struct tally {
	int objects, programs, proven, agree, unrelated, disagree, fails_refused, other;
};

static void check_prog(const char *path, const void *buf, size_t len, const struct pds_chk_prog *p,
		       struct tally *t)
{
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *rep = NULL;
	const char *name = pds_chk_prog_name(p);
	int err, kerr;

	err = pds_chk_termination(p, &to, &rep);
	CU_ASSERT_EQUAL_FATAL(err, 0);
	kerr = kernel_load_one(buf, len, path, name);
	t->programs++;
	printf("\n    %s %s: ours %s, kernel %s%s", path, name, pds_chk_verdict_name(rep->verdict),
	       kerr ? "refuses: " : "accepts", kerr ? strerror(-kerr) : "");
	if (rep->verdict == PDS_VERDICT_PROVEN) {
		t->proven++;
		if (!kerr) {
			t->agree++;
		} else if (termination_related(klog)) {
			t->disagree++;
			print_log_tail("DISAGREEMENT: proven here, refused for termination");
			CU_FAIL("a program proven to terminate is refused by the verifier for it");
		} else {
			t->unrelated++;
			print_log_tail("refused for a reason unrelated to termination");
		}
	} else if (rep->verdict == PDS_VERDICT_FAILS) {
		if (kerr)
			t->fails_refused++;
		else
			CU_FAIL("a program that never terminates is accepted by the verifier");
	} else {
		t->other++;
		if (kerr)
			print_log_tail("not proven here, refused by the kernel");
	}
	pds_chk_term_report_free(rep);
}

static void check_object(const char *path, struct tally *t)
{
	struct first_error fe = {0};
	struct pds_chk_open_opts oo = {
		.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_KERNEL, .diag = {keep_first, &fe}};
	struct pds_chk_obj *obj = NULL;
	char *buf = NULL;
	size_t len = 0;
	int err;

	CU_ASSERT_EQUAL_FATAL(read_all(path, &buf, &len), 0);
	t->objects++;
	err = pds_chk_obj_open_mem(buf, len, path, &oo, &obj);
	if (err) {
		/* Refused by our reader: the kernel must refuse the object as well. */
		int kerr = kernel_load_one(buf, len, path, NULL);

		printf("\n    %s: reader refuses (%s: %s), kernel %s", path, pds_chk_rule(err),
		       fe.msg, kerr ? "refuses" : "ACCEPTS");
		CU_ASSERT_NOT_EQUAL(kerr, 0);
		free(buf);
		return;
	}
	for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++)
		check_prog(path, buf, len, pds_chk_obj_prog(obj, i), t);
	pds_chk_obj_free(obj);
	free(buf);
}

static void scan_dir(const char *sub, struct tally *t)
{
	char dir[MAX_PATH], path[MAX_PATH * 2];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir), "%s/bpf/tests/progs/%s", bpf_dir(), sub);
	n = scandir(dir, &ents, NULL, alphasort);
	CU_ASSERT_FATAL(n >= 0);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 2 && !strcmp(ents[i]->d_name + l - 2, ".o")) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			check_object(path, t);
		}
		free(ents[i]);
	}
	free(ents);
}

static void test_compiled_programs(void)
{
	struct tally t = {0};

	scan_dir("kernel", &t);
	scan_dir("kterm", &t);
	printf("\n    %d objects, %d programs; %d proven: %d accepted, %d refused for other "
	       "reasons, %d refused for termination; %d that never terminate refused; %d "
	       "neither\n",
	       t.objects, t.programs, t.proven, t.agree, t.unrelated, t.disagree, t.fails_refused,
	       t.other);
	CU_ASSERT(t.objects >= MIN_OBJECTS);
	CU_ASSERT(t.proven > 0);
	/* Every proven program was classified exactly once. */
	CU_ASSERT_EQUAL(t.proven, t.agree + t.unrelated + t.disagree);
	CU_ASSERT_EQUAL(t.disagree, 0);
	/* The kterm corpus has programs the analysis refuses: the other claim is exercised. */
	CU_ASSERT(t.fails_refused > 0);
}

/* ------------------------------------------------------------------ refused mutants */

struct mutant {
	const char *what;
	uint32_t slot;
	struct pds_insn insn;
	int code; /* our reader's refusal; 0: read, and the termination verdict is "fails" */
};

static const struct mutant mutants[] = {
	{"unknown opcode", 2, {.code = 0xff}, PDS_CHK_E_INSN_OPCODE},
	{"register r11", 2, {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst = 11}, PDS_CHK_E_INSN_REG},
	{"division by zero",
	 2,
	 {.code = BPF_ALU64 | BPF_DIV | BPF_K, .dst = 1, .imm = 0},
	 PDS_CHK_E_INSN_DIV_ZERO},
	/* Legal in the kernel ISA: read, then found never to terminate. */
	{"jump to itself", 2, {.code = BPF_JMP | BPF_JA, .off = -1}, 0},
	{"jump past the end", 2, {.code = BPF_JMP | BPF_JA, .off = 100}, PDS_CHK_E_INSN_JUMP_RANGE},
	{"store below r10-512",
	 2,
	 {.code = BPF_ST | BPF_MEM | BPF_DW, .dst = 10, .off = -520},
	 PDS_CHK_E_INSN_STACK},
	{"exit replaced",
	 MUTANT_SLOTS - 1,
	 {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst = 0},
	 PDS_CHK_E_INSN_NO_EXIT},
};

/* File offset of a section's bytes, found with libelf; 0 when absent. */
static size_t section_offset(char *buf, size_t len, const char *name, size_t *size)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx, off = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	e = elf_memory(buf, len);
	if (!e || elf_getshdrstrndx(e, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			break;
		n = elf_strptr(e, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			off = sh.sh_offset;
			*size = sh.sh_size;
			break;
		}
	}
out:
	if (e)
		elf_end(e);
	return off;
}

static enum pds_chk_verdict verdict_of(const struct pds_chk_obj *obj)
{
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *rep = NULL;
	enum pds_chk_verdict v;

	if (pds_chk_obj_prog_count(obj) != 1 ||
	    pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &rep))
		return PDS_VERDICT_UNKNOWN;
	v = rep->verdict;
	pds_chk_term_report_free(rep);
	return v;
}

static void test_refused_mutants(void)
{
	char path[MAX_PATH], *base = NULL, *buf;
	size_t len = 0, off, size = 0;
	int refused = 0;

	snprintf(path, sizeof(path), "%s/%s", bpf_dir(), MUTANT_BASE);
	CU_ASSERT_FATAL(read_all(path, &base, &len) == 0);
	off = section_offset(base, len, MUTANT_SECTION, &size);
	CU_ASSERT_FATAL(off != 0 && size == MUTANT_SLOTS * sizeof(struct pds_insn));
	/* The unmutated object is accepted by both: the refusals below are the mutation's. */
	CU_ASSERT_EQUAL(kernel_load_one(base, len, path, NULL), 0);
	buf = malloc(len);
	CU_ASSERT_FATAL(buf != NULL);
	for (size_t i = 0; i < sizeof(mutants) / sizeof(mutants[0]); i++) {
		const struct mutant *m = &mutants[i];
		struct first_error fe = {0};
		struct pds_chk_open_opts oo = {.sz = sizeof(oo),
					       .profile = PDS_CHK_PROFILE_KERNEL,
					       .diag = {keep_first, &fe}};
		struct pds_chk_obj *obj = NULL;
		int err, kerr;

		memcpy(buf, base, len);
		memcpy(buf + off + m->slot * sizeof(struct pds_insn), &m->insn, sizeof(m->insn));
		err = pds_chk_obj_open_mem(buf, len, m->what, &oo, &obj);
		if (!err)
			CU_ASSERT_EQUAL(verdict_of(obj), PDS_VERDICT_FAILS);
		pds_chk_obj_free(obj);
		kerr = kernel_load_one(buf, len, "mutant", NULL);
		printf("\n    %s: reader %s, kernel %s", m->what,
		       err ? pds_chk_rule(err) : "accepts", kerr ? strerror(-kerr) : "ACCEPTS");
		CU_ASSERT_EQUAL(err, m->code);
		/* Refused by the reader, or never terminating: the kernel refuses both. */
		CU_ASSERT_NOT_EQUAL(kerr, 0);
		refused += kerr != 0;
	}
	printf("\n    %d of %zu mutants refused by the kernel\n", refused,
	       sizeof(mutants) / sizeof(mutants[0]));
	free(buf);
	free(base);
}

/* ------------------------------------------------------------------ main */

int main(void)
{
	static const struct pds_test tests[] = {
		PDS_TEST(test_compiled_programs),
		PDS_TEST(test_refused_mutants),
	};
	char why[256];

	libbpf_set_print(silent);
	if (probe_bpf(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 0;
	}
	return pds_test_run("kernel verifier differential", tests,
			    sizeof(tests) / sizeof(tests[0]));
}
