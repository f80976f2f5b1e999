// SPDX-License-Identifier: MIT
/*
 * Source line information: the line table (linetab.c), BTF line info
 * (btf_lines.c) and DWARF .debug_line (dwarf.c).
 *
 * References, each independent of the code under test:
 * - BTF: every row's source text must be, byte for byte, the line it names in the
 *   source file on disk, and its column must fall inside that line;
 * - DWARF: every row must equal llvm-dwarfdump --debug-line's row, in order
 *   (address, line, column, file path built from its file and directory tables),
 *   and every sequence must lie in the section that llvm-readelf shows its
 *   DW_LNE_set_address relocation against.  Versions 2 to 4 come from compiling
 *   the lines_*.c programs again at test time with -gdwarf-N;
 * - malformed input: copies of an object with one header field changed, cut or
 *   bit-flipped, each refused with its own code (or, for flips, read or refused
 *   with a line-info code, never a crash), with a message naming the object.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/internal.h"
#include "bpf/tests/util.h"
#include "mk/cunit.h"

#define MAX_DD_FILES 64
#define MAX_DD_SEQS 64

/* ------------------------------------------------------------------ diagnostics */

struct diag_log {
	int errors, first_code;
	char first_file[256], first_msg[512];
};

static void collect(void *ctx, const struct pds_chk_diag *d)
{
	struct diag_log *log = ctx;

	if (d->level != PDS_CHK_ERROR || log->errors++)
		return;
	log->first_code = d->code;
	snprintf(log->first_file, sizeof(log->first_file), "%s", d->file ? d->file : "");
	snprintf(log->first_msg, sizeof(log->first_msg), "%s", d->message);
}

enum reader { READ_BTF, READ_DWARF };

/*
 * Opens an image and runs one reader into t; returns its code, or -1 when the
 * ELF view itself refuses the image.
 */
static int read_lines(const uint8_t *img, size_t len, const char *name, enum reader which,
		      struct pds_linetab *t, struct diag_log *log)
{
	struct pds_chk_diag_sink sink = {collect, log};
	struct pds_elf e;
	int err;

	memset(log, 0, sizeof(*log));
	if (pds_elf_open(&e, img, len, name, NULL, &sink) != 0)
		return -1;
	err = which == READ_BTF ? pds_btf_lines(&e, t, &sink) : pds_dwarf_lines(&e, t, &sink);
	pds_elf_close(&e);
	return err;
}

/* A failure must come with exactly one error diagnostic of the same code, naming
 * the object and a byte offset in section sec (or, when also is set, in that
 * section: a flipped .BTF header can make a valid .BTF.ext reference fall outside
 * the strings, and the reader names the reference). */
static void check_refusal_in(int rc, const struct diag_log *log, const char *name, const char *sec,
			     const char *also)
{
	char place[64], other[64];
	int named;

	snprintf(place, sizeof(place), "%s+0x", sec);
	snprintf(other, sizeof(other), "%s+0x", also ? also : sec);
	named = strstr(log->first_msg, place) || strstr(log->first_msg, other);
	CU_ASSERT_EQUAL(log->errors, 1);
	CU_ASSERT_EQUAL(log->first_code, rc);
	CU_ASSERT_STRING_EQUAL(log->first_file, name);
	CU_ASSERT(named);
	if (!named)
		fprintf(stderr, "\n    code %d, message without \"%s\": %s\n", rc, place,
			log->first_msg);
}

static void check_refusal(int rc, const struct diag_log *log, const char *name, const char *sec)
{
	check_refusal_in(rc, log, name, sec, NULL);
}

/* ------------------------------------------------------------------ files */

struct image {
	uint8_t *buf;
	size_t len;
};

static int load_prog(const char *name, struct image *im)
{
	char *path = pds_t_prog_path(name);
	int err = path ? pds_t_read_file(path, &im->buf, &im->len) : -1;

	free(path);
	return err;
}

static uint8_t *dup_image(const struct image *im)
{
	uint8_t *p = malloc(im->len);

	if (p)
		memcpy(p, im->buf, im->len);
	return p;
}

/* A section's bytes in an image, and its header. */
static uint8_t *sec_bytes(uint8_t *img, size_t len, const char *name, Elf64_Shdr **sh)
{
	*sh = pds_t_shdr_by_name(img, len, name, NULL);
	return *sh ? pds_t_sec_data(img, len, *sh) : NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Line n (1-based) of a text, without its newline; malloc'ed, NULL when absent. */
static char *nth_line(const char *text, unsigned n)
{
	const char *p = text, *nl;

	for (unsigned i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	nl = strchr(p, '\n');
	return pds_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
}

/* ------------------------------------------------------------------ line table */

static void test_linetab_find(void)
{
	struct pds_linetab t = {0};

	CU_ASSERT_EQUAL(pds_linetab_add(&t, 2, 16, "b.c", NULL, 20, 1), 0);
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 3, 0, "c.c", "x", 30, 2), 0);
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 2, 0, "a.c", NULL, 10, 3), 0);
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 2, 8, "a.c", NULL, 11, 4), 0);
	pds_linetab_sort(&t);
	CU_ASSERT_EQUAL(t.n, 4);
	CU_ASSERT_PTR_NULL(pds_linetab_find(&t, 1, 0));
	CU_ASSERT_PTR_NULL(pds_linetab_find(&t, 4, 0));
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 0)->line, 10);
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 7)->line, 10);
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 8)->line, 11);
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 15)->col, 4);
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 16)->line, 20);
	CU_ASSERT_EQUAL(pds_linetab_find(&t, 2, 1000)->line, 20);
	CU_ASSERT_STRING_EQUAL(pds_linetab_find(&t, 3, 64)->text, "x");
	CU_ASSERT_PTR_NULL(pds_linetab_find(&t, 2, 1000)->text);
	pds_linetab_free(&t);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_PTR_NULL(t.v);
	pds_linetab_free(&t);
	pds_linetab_free(NULL);
	CU_ASSERT_PTR_NULL(pds_linetab_find(&t, 2, 0));
}

/* Rows at one offset: the last one added stands, whatever the sort does. */
static void test_linetab_shadowed_rows(void)
{
	struct pds_linetab t = {0};

	for (unsigned i = 0; i < 300; i++)
		CU_ASSERT_EQUAL(pds_linetab_add(&t, 1 + i % 3, (i % 5) * 8, "f", NULL, i, 0), 0);
	pds_linetab_sort(&t);
	CU_ASSERT_EQUAL(t.n, 15);
	for (unsigned sec = 1; sec <= 3; sec++)
		for (unsigned k = 0; k < 5; k++) {
			unsigned last = 0;

			for (unsigned i = 0; i < 300; i++)
				if (1 + i % 3 == sec && i % 5 == k)
					last = i;
			CU_ASSERT_EQUAL(pds_linetab_find(&t, sec, k * 8)->line, last);
			CU_ASSERT_EQUAL(pds_linetab_find(&t, sec, k * 8 + 7)->line, last);
		}
	pds_linetab_free(&t);
}

/* Find against a brute-force model on a pseudo-random table. */
static void test_linetab_model(void)
{
	struct pds_linetab t = {0};
	uint32_t secs[2000], x = 12345;
	uint64_t offs[2000];

	for (unsigned i = 0; i < 2000; i++) {
		x = x * 1103515245u + 12345u;
		secs[i] = 1 + (x >> 16) % 4;
		offs[i] = ((x >> 8) % 512) * 8;
		CU_ASSERT_EQUAL_FATAL(pds_linetab_add(&t, secs[i], offs[i], "m.c", NULL, i, 0), 0);
	}
	pds_linetab_sort(&t);
	for (uint32_t sec = 0; sec <= 5; sec++)
		for (uint64_t off = 0; off < 4200; off += 4) {
			const struct pds_line *l = pds_linetab_find(&t, sec, off);
			long best = -1;

			for (unsigned i = 0; i < 2000; i++)
				if (secs[i] == sec && offs[i] <= off &&
				    (best < 0 || offs[i] >= offs[best]))
					best = i;
			if (best < 0) {
				CU_ASSERT_PTR_NULL(l);
			} else {
				CU_ASSERT_PTR_NOT_NULL_FATAL(l);
				CU_ASSERT_EQUAL(l->line, (unsigned)best);
			}
		}
	pds_linetab_free(&t);
}

static void test_linetab_interning(void)
{
	struct pds_linetab t = {0};
	char a[16], b[16];
	char name[32];

	strcpy(a, "same.c");
	strcpy(b, "same.c");
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 1, 0, a, NULL, 1, 0), 0);
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 1, 8, b, "same.c", 2, 0), 0);
	CU_ASSERT_PTR_EQUAL(t.v[0].file, t.v[1].file);
	CU_ASSERT_PTR_EQUAL(t.v[1].text, t.v[1].file);
	CU_ASSERT_PTR_NOT_EQUAL(t.v[0].file, a); /* copied, not borrowed */
	a[0] = 'X';
	CU_ASSERT_STRING_EQUAL(t.v[0].file, "same.c");
	CU_ASSERT_PTR_NULL(t.v[0].text);
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "file%u.c", i);
		CU_ASSERT_EQUAL_FATAL(pds_linetab_add(&t, 2, i * 8, name, NULL, i, 0), 0);
	}
	CU_ASSERT_EQUAL(t.nstrings, 5001);
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "file%u.c", i);
		CU_ASSERT_STRING_EQUAL(t.v[2 + i].file, name);
	}
	CU_ASSERT_EQUAL(pds_linetab_add(&t, 2, 0, "file17.c", NULL, 0, 0), 0);
	CU_ASSERT_PTR_EQUAL(t.v[t.n - 1].file, t.v[2 + 17].file);
	CU_ASSERT_EQUAL(t.nstrings, 5001);
	pds_linetab_free(&t);
}

/* ------------------------------------------------------------------ BTF */

/*
 * Every BTF row of an object: in a code section, on an instruction, and its text
 * is the very line of the file on disk that it names.  Returns the row count.
 */
static size_t check_btf_rows(const char *path)
{
	struct pds_linetab t = {0};
	struct diag_log log;
	struct image im;
	struct pds_elf e;
	size_t n;

	if (pds_t_read_file(path, &im.buf, &im.len) != 0) {
		CU_FAIL("cannot read object");
		return 0;
	}
	CU_ASSERT_EQUAL(read_lines(im.buf, im.len, path, READ_BTF, &t, &log), 0);
	CU_ASSERT_EQUAL(log.errors, 0);
	CU_ASSERT_EQUAL_FATAL(pds_elf_open(&e, im.buf, im.len, path, NULL, NULL), 0);
	for (size_t i = 0; i < t.n; i++) {
		const struct pds_line *l = &t.v[i];
		uint8_t *src = NULL;
		size_t srclen;
		char *want;

		CU_ASSERT_FATAL(l->sec > 0 && l->sec < e.nsecs);
		CU_ASSERT(e.secs[l->sec].flags & SHF_EXECINSTR);
		CU_ASSERT(l->off % 8 == 0 && l->off < e.secs[l->sec].size);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l->file);
		if (l->line == 0) {
			/* Code of no source line (btf.rst §4.2 allows line 0): no text. */
			CU_ASSERT_PTR_NULL(l->text);
			CU_ASSERT_EQUAL(l->col, 0);
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(l->text);
		CU_ASSERT_FATAL(pds_t_read_file(l->file, &src, &srclen) == 0);
		src[srclen] = '\0';
		want = nth_line((const char *)src, l->line);
		CU_ASSERT_PTR_NOT_NULL(want);
		if (want)
			CU_ASSERT_STRING_EQUAL(l->text, want);
		/* Column 0 is "no column", as on a function's first row. */
		CU_ASSERT(l->col <= strlen(l->text) + 1);
		free(want);
		free(src);
	}
	n = t.n;
	pds_elf_close(&e);
	pds_linetab_free(&t);
	free(im.buf);
	return n;
}

static void check_btf_dir(const char *subdir)
{
	char **paths;
	int n = pds_t_list_progs(subdir, &paths);

	CU_ASSERT_FATAL(n > 0);
	for (int i = 0; i < n; i++)
		CU_ASSERT(check_btf_rows(paths[i]) > 0);
	pds_t_free_list(paths, n);
}

static void test_btf_pquic_progs(void)
{
	check_btf_dir("pquic");
}

static void test_btf_kernel_progs(void)
{
	check_btf_dir("kernel");
}

/* Known answers on lines_inline.c: rows in both files, the loop body's line. */
static void test_btf_known_rows(void)
{
	struct pds_linetab t = {0};
	struct diag_log log;
	struct image im;
	bool body = false, header = false;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	CU_ASSERT_EQUAL_FATAL(read_lines(im.buf, im.len, "lines_inline.o", READ_BTF, &t, &log), 0);
	for (size_t i = 0; i < t.n; i++) {
		const struct pds_line *l = &t.v[i];
		size_t fl = strlen(l->file);

		if (fl > 14 && !strcmp(l->file + fl - 14, "lines_inline.c") && l->line == 18) {
			body = true;
			CU_ASSERT_STRING_EQUAL(l->text,
					       "\t\tacc += lines_scale(PQUIC_INPUT(cnx, 1), i);");
		}
		if (fl > 14 && !strcmp(l->file + fl - 14, "lines_inline.h") && l->line == 13) {
			header = true;
			CU_ASSERT_STRING_EQUAL(l->text, "\tif (k > 8)");
			CU_ASSERT_EQUAL(l->col, 6);
		}
	}
	CU_ASSERT(body);
	CU_ASSERT(header);
	pds_linetab_free(&t);
	free(im.buf);
}

/* ------------------------------------------------------------------ llvm-dwarfdump model */

struct dd_row {
	uint64_t addr;
	unsigned line, col, file;
	bool end;
};

struct dd_unit {
	int version;
	char *dirs[MAX_DD_FILES];
	char *names[MAX_DD_FILES];
	unsigned file_dir[MAX_DD_FILES];
};

struct dd_model {
	struct dd_unit units[8];
	int nunits;
	struct dd_row *rows; /* every row of every unit, in order */
	int *row_unit;
	size_t nrows;
};

static char *quoted(const char *line)
{
	const char *a = strchr(line, '"'), *b = a ? strrchr(line, '"') : NULL;

	return a && b > a ? pds_strndup(a + 1, (size_t)(b - a - 1)) : NULL;
}

static int dd_parse_line(struct dd_model *m, const char *line, int *cur_file)
{
	struct dd_unit *u = m->nunits ? &m->units[m->nunits - 1] : NULL;
	struct dd_row r = {0};
	unsigned idx;

	if (!strncmp(line, "debug_line[", 11)) {
		if (m->nunits == 8)
			return -1;
		memset(&m->units[m->nunits++], 0, sizeof(*u));
	} else if (u && sscanf(line, " version: %d", &u->version) == 1) {
	} else if (u && sscanf(line, "include_directories[ %u]", &idx) == 1 && idx < MAX_DD_FILES) {
		u->dirs[idx] = quoted(line);
	} else if (u && sscanf(line, "file_names[ %u]", &idx) == 1 && idx < MAX_DD_FILES) {
		*cur_file = (int)idx;
	} else if (u && *cur_file >= 0 && strstr(line, " name: \"")) {
		u->names[*cur_file] = quoted(line);
	} else if (u && *cur_file >= 0 && sscanf(line, " dir_index: %u", &idx) == 1) {
		u->file_dir[*cur_file] = idx;
	} else if (u &&
		   sscanf(line, "0x%" SCNx64 " %u %u %u", &r.addr, &r.line, &r.col, &r.file) == 4) {
		r.end = strstr(line, "end_sequence") != NULL;
		m->rows = realloc(m->rows, (m->nrows + 1) * sizeof(*m->rows));
		m->row_unit = realloc(m->row_unit, (m->nrows + 1) * sizeof(*m->row_unit));
		if (!m->rows || !m->row_unit)
			return -1;
		m->row_unit[m->nrows] = m->nunits - 1;
		m->rows[m->nrows++] = r;
	}
	return 0;
}

static int dd_load(const char *path, struct dd_model *m)
{
	const char *argv[] = {"llvm-dwarfdump", "--debug-line", path, NULL};
	char *out = pds_t_run(argv), *save = NULL;
	int cur_file = -1, err = 0;

	memset(m, 0, sizeof(*m));
	if (!out)
		return -1;
	for (char *line = strtok_r(out, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save))
		err = dd_parse_line(m, line, &cur_file);
	free(out);
	return err;
}

static void dd_free(struct dd_model *m)
{
	for (int u = 0; u < m->nunits; u++)
		for (int i = 0; i < MAX_DD_FILES; i++) {
			free(m->units[u].dirs[i]);
			free(m->units[u].names[i]);
		}
	free(m->rows);
	free(m->row_unit);
}

/* The path a row names: the file's name, under its directory when relative
 * (DWARF 5 §6.2.4.1; before version 5 directory 0 is not in the table). */
static void dd_path(const struct dd_unit *u, unsigned file, char *buf, size_t size)
{
	const char *name = file < MAX_DD_FILES && u->names[file] ? u->names[file] : "?";
	unsigned d = file < MAX_DD_FILES ? u->file_dir[file] : 0;
	const char *dir = d < MAX_DD_FILES ? u->dirs[d] : NULL;

	if (name[0] == '/' || !dir || !dir[0] || (u->version < 5 && d == 0))
		snprintf(buf, size, "%s", name);
	else if (u->version >= 5 && d > 0 && dir[0] != '/' && u->dirs[0] && u->dirs[0][0])
		snprintf(buf, size, "%s/%s/%s", u->dirs[0], dir, name);
	else
		snprintf(buf, size, "%s/%s", dir, name);
}

/* Sections named by the ABS64 relocations of .debug_line, in offset order
 * (one DW_LNE_set_address per sequence), from llvm-readelf. */
static int readelf_seq_sections(const char *path, const struct pds_elf *e, uint32_t *secs, int max)
{
	const char *argv[] = {"llvm-readelf", "-r", path, NULL};
	char *out = pds_t_run(argv), *save = NULL;
	bool in = false;
	int n = 0;

	if (!out)
		return -1;
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char type[64], sym[128];
		uint64_t off, info, val;
		const struct pds_elf_sec *s;

		if (!strncmp(line, "Relocation section", 18))
			in = strstr(line, "'.rel.debug_line'") != NULL;
		else if (in && n < max &&
			 sscanf(line, "%" SCNx64 " %" SCNx64 " %63s %" SCNx64 " %127s", &off, &info,
				type, &val, sym) == 5 &&
			 !strcmp(type, "R_BPF_64_ABS64")) {
			s = pds_elf_sec_by_name(e, sym);
			secs[n++] = s ? s->idx : 0;
		}
	}
	free(out);
	return n;
}

/* Our DWARF rows, in the order the program emits them, against llvm-dwarfdump's. */
static void check_dwarf_rows(const char *path)
{
	uint32_t seq_secs[MAX_DD_SEQS];
	struct pds_linetab t = {0};
	struct dd_model m;
	struct diag_log log;
	struct image im;
	struct pds_elf e;
	uint64_t *ends;
	size_t k = 0;
	int nseqs, seq = 0;

	CU_ASSERT_FATAL(pds_t_read_file(path, &im.buf, &im.len) == 0);
	CU_ASSERT_FATAL(dd_load(path, &m) == 0);
	CU_ASSERT_EQUAL_FATAL(pds_elf_open(&e, im.buf, im.len, path, NULL, NULL), 0);
	nseqs = readelf_seq_sections(path, &e, seq_secs, MAX_DD_SEQS);
	CU_ASSERT_FATAL(nseqs > 0);
	ends = calloc(e.nsecs, sizeof(*ends));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ends);
	CU_ASSERT_EQUAL(read_lines(im.buf, im.len, path, READ_DWARF, &t, &log), 0);
	CU_ASSERT_EQUAL(log.errors, 0);
	CU_ASSERT(m.nrows > 0);
	for (size_t i = 0; i < m.nrows; i++) {
		const struct dd_row *r = &m.rows[i];
		char want[512];

		if (r->end) {
			/* A section may hold several sequences; the last one ends it. */
			CU_ASSERT_FATAL(seq < nseqs);
			CU_ASSERT(r->addr <= e.secs[seq_secs[seq]].size);
			if (r->addr > ends[seq_secs[seq]])
				ends[seq_secs[seq]] = r->addr;
			seq++;
			continue;
		}
		CU_ASSERT_FATAL(k < t.n && seq < nseqs);
		dd_path(&m.units[m.row_unit[i]], r->file, want, sizeof(want));
		CU_ASSERT_EQUAL(t.v[k].sec, seq_secs[seq]);
		CU_ASSERT_EQUAL(t.v[k].off, r->addr);
		CU_ASSERT_EQUAL(t.v[k].line, r->line);
		CU_ASSERT_EQUAL(t.v[k].col, r->col);
		CU_ASSERT_STRING_EQUAL(t.v[k].file, want);
		CU_ASSERT_PTR_NULL(t.v[k].text);
		k++;
	}
	CU_ASSERT_EQUAL(k, t.n);
	CU_ASSERT_EQUAL(seq, nseqs);
	for (int i = 0; i < nseqs; i++)
		CU_ASSERT_EQUAL(ends[seq_secs[i]], e.secs[seq_secs[i]].size);
	free(ends);
	pds_elf_close(&e);
	pds_linetab_free(&t);
	dd_free(&m);
	free(im.buf);
}

static void check_dwarf_dir(const char *subdir)
{
	char **paths;
	int n = pds_t_list_progs(subdir, &paths);

	CU_ASSERT_FATAL(n > 0);
	for (int i = 0; i < n; i++)
		check_dwarf_rows(paths[i]);
	pds_t_free_list(paths, n);
}

static void test_dwarf5_pquic_progs(void)
{
	check_dwarf_dir("pquic");
}

static void test_dwarf5_kernel_progs(void)
{
	check_dwarf_dir("kernel");
}

/* ------------------------------------------------------------------ other DWARF versions */

/* Where the build's eBPF compiler finds <asm/types.h>, as the Makefile asks it. */
static void multiarch_include(char *buf, size_t size)
{
	const char *argv[] = {"cc", "-dumpmachine", NULL};
	char *out = pds_t_run(argv);

	if (out)
		out[strcspn(out, "\n")] = '\0';
	snprintf(buf, size, "-I/usr/include/%s", out ? out : "");
	free(out);
}

/* Compiles src with -gdwarf-N into dir; malloc'ed path of the object, NULL on failure. */
static char *compile_dwarf(const char *dir, const char *src, int version)
{
	char flag[32], inc[300], sys[300], *out = malloc(strlen(dir) + 64);
	const char *base = strrchr(src, '/') + 1;

	snprintf(flag, sizeof(flag), "-gdwarf-%d", version);
	snprintf(inc, sizeof(inc), "-I%.*s", (int)(base - src - 1), src);
	multiarch_include(sys, sizeof(sys));
	sprintf(out, "%s/%.*s-v%d.o", dir, (int)strcspn(base, "."), base, version);
	const char *argv[] = {"clang", "-target", "bpf", "-O2", flag, inc,
			      sys,     "-c",	  src,	 "-o",	out,  NULL};
	char *res = pds_t_run(argv);

	if (!res) {
		free(out);
		return NULL;
	}
	free(res);
	return out;
}

static void test_dwarf_versions(void)
{
	static const char *const srcs[] = {
		"bpf/tests/progs/pquic/lines_inline.c",
		"bpf/tests/progs/kernel/lines_sections.c",
		"bpf/tests/progs/pquic/update_rtt.c",
	};
	char *dir = pds_t_mkdtemp();

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	for (int v = 2; v <= 5; v++)
		for (size_t i = 0; i < PDS_ARRAY_SIZE(srcs); i++) {
			char *obj = compile_dwarf(dir, srcs[i], v);

			CU_ASSERT_PTR_NOT_NULL(obj);
			if (obj)
				check_dwarf_rows(obj);
			free(obj);
		}
	pds_t_rm_rf(dir);
	free(dir);
}

/* Without BTF the object's slots get their positions from DWARF. */
static void test_dwarf_only_object(void)
{
	struct pds_chk_open_opts opts = {.sz = sizeof(opts), .profile = PDS_CHK_PROFILE_PQUIC};
	char *src = pds_t_prog_path("pquic/lines_inline"), *dir = pds_t_mkdtemp();
	char out[512];
	struct pds_chk_obj *obj = NULL;
	const struct pds_chk_prog *prog;
	struct pds_srcloc loc;
	struct pds_linetab t = {0};
	struct diag_log log;
	struct image im;
	bool found = false;

	CU_ASSERT_FATAL(src && dir);
	snprintf(out, sizeof(out), "%s/nobtf.o", dir);
	const char *argv[] = {"llvm-objcopy",
			      "--remove-section=.BTF.ext",
			      "--remove-section=.BTF",
			      src,
			      out,
			      NULL};
	free(pds_t_run(argv));
	CU_ASSERT_FATAL(pds_t_read_file(out, &im.buf, &im.len) == 0);
	CU_ASSERT_PTR_NULL(pds_t_shdr_by_name(im.buf, im.len, ".BTF.ext", NULL));
	CU_ASSERT_EQUAL(read_lines(im.buf, im.len, out, READ_BTF, &t, &log), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL_FATAL(pds_chk_obj_open(out, &opts, &obj), 0);
	CU_ASSERT_TRUE(pds_chk_obj_has_lines(obj));
	prog = pds_chk_obj_prog(obj, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(prog);
	for (size_t s = 0; s < pds_chk_prog_slot_count(prog); s++) {
		if (pds_chk_prog_srcloc(prog, s, &loc) != 0)
			continue;
		CU_ASSERT_PTR_NULL(loc.text);
		if (loc.line == 18 && strstr(loc.file, "/bpf/tests/progs/pquic/lines_inline.c"))
			found = true;
	}
	CU_ASSERT(found);
	pds_chk_obj_free(obj);
	pds_linetab_free(&t);
	free(im.buf);
	pds_t_rm_rf(dir);
	free(dir);
	free(src);
}

/* ------------------------------------------------------------------ malformed BTF */

/* .BTF.ext field offsets (btf.rst §4.2) and of .BTF (§2). */
enum {
	EXT_MAGIC = 0,
	EXT_VERSION = 2,
	EXT_HDR_LEN = 4,
	EXT_LINE_OFF = 16,
	EXT_LINE_LEN = 20,
	BTF_STR_OFF = 16,
	BTF_STR_LEN = 20,
};

/* Where the line info of a .BTF.ext starts (its record size field). */
static size_t line_info_at(const uint8_t *ext)
{
	return get32(ext + EXT_HDR_LEN) + get32(ext + EXT_LINE_OFF);
}

struct btf_case {
	const char *what;
	const char *sec;
	size_t at; /* field offset; (size_t)-1: relative to line info, see rel */
	int rel;   /* offset from the record size field when at is -1 */
	uint32_t val;
	bool add; /* add val to the field instead of setting it */
	int code;
};

static const struct btf_case btf_cases[] = {
	{"ext magic", ".BTF.ext", EXT_MAGIC, 0, 0xeb9f9feb, false, PDS_CHK_E_BTF_EXT_HEADER},
	{"ext version", ".BTF.ext", EXT_VERSION, 0, 0x0002, true, PDS_CHK_E_BTF_EXT_HEADER},
	{"ext hdr_len short", ".BTF.ext", EXT_HDR_LEN, 0, 16, false, PDS_CHK_E_BTF_EXT_HEADER},
	{"ext hdr_len huge", ".BTF.ext", EXT_HDR_LEN, 0, 0x100000, false, PDS_CHK_E_BTF_EXT_HEADER},
	{"line_info_off misaligned", ".BTF.ext", EXT_LINE_OFF, 0, 2, true, PDS_CHK_E_BTF_LINE_INFO},
	{"line_info_len past end", ".BTF.ext", EXT_LINE_LEN, 0, 4, true, PDS_CHK_E_BTF_LINE_INFO},
	{"line_info_len partial block", ".BTF.ext", EXT_LINE_LEN, 0, (uint32_t)-4, true,
	 PDS_CHK_E_BTF_LINE_INFO},
	{"record size 8", NULL, (size_t)-1, 0, 8, false, PDS_CHK_E_BTF_LINE_INFO},
	{"record size 18", NULL, (size_t)-1, 0, 18, false, PDS_CHK_E_BTF_LINE_INFO},
	{"section name offset", NULL, (size_t)-1, 4, 0x7fffffff, false, PDS_CHK_E_BTF_STRING},
	{"section name empty", NULL, (size_t)-1, 4, 0, false, PDS_CHK_E_BTF_SECTION},
	{"num_info 0", NULL, (size_t)-1, 8, 0, false, PDS_CHK_E_BTF_LINE_INFO},
	{"num_info huge", NULL, (size_t)-1, 8, 0x10000000, false, PDS_CHK_E_BTF_LINE_INFO},
	{"insn_off misaligned", NULL, (size_t)-1, 12, 4, true, PDS_CHK_E_BTF_INSN_OFF},
	{"insn_off past code", NULL, (size_t)-1, 12, 0x100000, true, PDS_CHK_E_BTF_INSN_OFF},
	{"file name offset", NULL, (size_t)-1, 16, 0x7fffffff, false, PDS_CHK_E_BTF_STRING},
	{"line text offset", NULL, (size_t)-1, 20, 0x7fffffff, false, PDS_CHK_E_BTF_STRING},
	{"btf magic", ".BTF", 0, 0, 0x1, true, PDS_CHK_E_BTF_HEADER},
	{"btf version", ".BTF", 2, 0, 0x1, true, PDS_CHK_E_BTF_HEADER},
	{"btf hdr_len", ".BTF", 4, 0, 8, false, PDS_CHK_E_BTF_HEADER},
	{"btf str_off", ".BTF", BTF_STR_OFF, 0, 0x100000, true, PDS_CHK_E_BTF_HEADER},
	{"btf str_len", ".BTF", BTF_STR_LEN, 0, 1, true, PDS_CHK_E_BTF_HEADER},
	{"btf strings end", ".BTF", BTF_STR_LEN, 0, (uint32_t)-1, true, PDS_CHK_E_BTF_HEADER},
};

static void apply_btf_case(uint8_t *img, size_t len, const struct btf_case *c)
{
	Elf64_Shdr *sh;
	uint8_t *p = sec_bytes(img, len, c->sec ? c->sec : ".BTF.ext", &sh);
	size_t at = c->at;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	if (at == (size_t)-1)
		at = line_info_at(p) + (size_t)c->rel;
	/* The 16-bit fields are changed as 16 bits, the rest as 32. */
	if (at == EXT_MAGIC && c->sec && !strcmp(c->sec, ".BTF.ext")) {
		p[0] ^= 0xff;
		return;
	}
	if (at == EXT_VERSION) {
		p[at] = (uint8_t)(p[at] + c->val);
		return;
	}
	if (c->add && at == 0) {
		p[0] ^= (uint8_t)c->val;
		return;
	}
	put32(p + at, c->add ? get32(p + at) + c->val : c->val);
}

/* The .BTF string table must start with the empty string (btf.rst §2.1). */
static void test_btf_strings_start_empty(void)
{
	struct pds_linetab t = {0};
	struct diag_log log;
	struct image im;
	Elf64_Shdr *sh;
	uint8_t *btf;
	int rc;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	btf = sec_bytes(im.buf, im.len, ".BTF", &sh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(btf);
	CU_ASSERT_EQUAL_FATAL(btf[get32(btf + 4) + get32(btf + BTF_STR_OFF)], 0);
	btf[get32(btf + 4) + get32(btf + BTF_STR_OFF)] = 'x';
	rc = read_lines(im.buf, im.len, "str.o", READ_BTF, &t, &log);
	CU_ASSERT_EQUAL(rc, PDS_CHK_E_BTF_HEADER);
	check_refusal(rc, &log, "str.o", ".BTF");
	pds_linetab_free(&t);
	free(im.buf);
}

/* Sequences whose DW_LNE_set_address carries no relocation cannot be placed in a
 * section: they are skipped, the rest of the unit is still checked. */
static void test_dwarf_unrelocated_skipped(void)
{
	struct pds_linetab t = {0};
	struct diag_log log;
	struct image im;
	Elf64_Shdr *sh;

	CU_ASSERT_FATAL(load_prog("kernel/lines_sections", &im) == 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec_bytes(im.buf, im.len, ".rel.debug_line", &sh));
	sh->sh_size = 0;
	CU_ASSERT_EQUAL(read_lines(im.buf, im.len, "norel.o", READ_DWARF, &t, &log), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(log.errors, 0);
	pds_linetab_free(&t);
	free(im.buf);
}

static void test_btf_malformed_fields(void)
{
	struct image im;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	for (size_t i = 0; i < PDS_ARRAY_SIZE(btf_cases); i++) {
		const struct btf_case *c = &btf_cases[i];
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		struct diag_log log;
		int rc;

		CU_ASSERT_FATAL(img != NULL);
		CU_ASSERT_EQUAL(pds_linetab_add(&t, 1, 0, "kept.c", NULL, 1, 1), 0);
		apply_btf_case(img, im.len, c);
		rc = read_lines(img, im.len, "bad.o", READ_BTF, &t, &log);
		if (rc != c->code)
			fprintf(stderr, "\n  %s: got %d (%s), want %d\n", c->what, rc,
				log.first_msg, c->code);
		CU_ASSERT_EQUAL(rc, c->code);
		check_refusal(rc, &log, "bad.o", c->sec ? c->sec : ".BTF.ext");
		CU_ASSERT_EQUAL(t.n, 1); /* nothing half-read is left behind */
		pds_linetab_free(&t);
		free(img);
	}
	free(im.buf);
}

/* A .BTF.ext whose line info is cut at every length: whole blocks read, others refused. */
static void test_btf_truncated_line_info(void)
{
	struct image im;
	Elf64_Shdr *sh;
	uint8_t *ext;
	uint32_t full, rec;
	size_t li, blocks = 0;

	CU_ASSERT_FATAL(load_prog("kernel/lines_sections", &im) == 0);
	ext = sec_bytes(im.buf, im.len, ".BTF.ext", &sh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ext);
	full = get32(ext + EXT_LINE_LEN);
	li = line_info_at(ext);
	rec = get32(ext + li);
	for (uint32_t cut = 0; cut <= full; cut++) {
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		struct diag_log log;
		bool boundary = cut == 0 || cut == 4;
		int rc;

		/* Block boundaries, walking the intact copy. */
		for (size_t at = li + 4; at < li + full;) {
			at += 8 + (size_t)get32(ext + at + 4) * rec;
			boundary |= at == li + cut;
		}
		put32(sec_bytes(img, im.len, ".BTF.ext", &sh) + EXT_LINE_LEN, cut);
		rc = read_lines(img, im.len, "cut.o", READ_BTF, &t, &log);
		if (boundary) {
			CU_ASSERT_EQUAL(rc, 0);
			blocks += rc == 0 && cut > 4;
		} else {
			CU_ASSERT_EQUAL(rc, PDS_CHK_E_BTF_LINE_INFO);
			CU_ASSERT_EQUAL(t.n, 0);
			check_refusal(rc, &log, "cut.o", ".BTF.ext");
		}
		pds_linetab_free(&t);
		free(img);
	}
	CU_ASSERT_EQUAL(blocks, 3); /* .text, socket, xdp */
	free(im.buf);
}

/* Every single-bit flip of .BTF.ext and of the .BTF header: read, or refused with a
 * BTF code; never a crash (the SAN build checks every access). */
static void test_btf_bit_flips(void)
{
	static const char *const secs[] = {".BTF.ext", ".BTF"};
	struct image im;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	for (size_t s = 0; s < PDS_ARRAY_SIZE(secs); s++) {
		Elf64_Shdr *sh;
		size_t size;

		CU_ASSERT_PTR_NOT_NULL_FATAL(sec_bytes(im.buf, im.len, secs[s], &sh));
		size = s == 0 ? sh->sh_size : 24;
		for (size_t bit = 0; bit < size * 8; bit++) {
			uint8_t *img = dup_image(&im);
			struct pds_linetab t = {0};
			struct diag_log log;
			int rc;

			sec_bytes(img, im.len, secs[s], &sh)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			rc = read_lines(img, im.len, "flip.o", READ_BTF, &t, &log);
			CU_ASSERT(rc == 0 ||
				  (rc >= PDS_CHK_E_BTF_HEADER && rc <= PDS_CHK_E_BTF_INSN_OFF));
			if (rc)
				check_refusal_in(rc, &log, "flip.o", secs[s], ".BTF.ext");
			pds_linetab_free(&t);
			free(img);
		}
	}
	free(im.buf);
}

/* ------------------------------------------------------------------ malformed DWARF */

/* Version 5 unit header offsets (DWARF 5 §6.2.4, 32-bit format). */
enum {
	DW5_LENGTH = 0,
	DW5_VERSION = 4,
	DW5_ADDR_SIZE = 6,
	DW5_SEG_SIZE = 7,
	DW5_HDR_LEN = 8,
	DW5_MIN_INST = 12,
	DW5_MAX_OPS = 13,
	DW5_LINE_RANGE = 16,
	DW5_OPCODE_BASE = 17,
	DW5_STD_LENS = 18,
	DW5_DIR_FORMAT = 30, /* count, then (type, form) pairs */
};

struct dw_case {
	const char *what;
	size_t at;
	unsigned width; /* 1, 2 or 4 bytes */
	uint32_t val;
	int code;
};

static const struct dw_case dw_cases[] = {
	{"version 1", DW5_VERSION, 2, 1, PDS_CHK_E_DWARF_HEADER},
	{"version 6", DW5_VERSION, 2, 6, PDS_CHK_E_DWARF_HEADER},
	{"unit length past end", DW5_LENGTH, 4, 0x7fffffff, PDS_CHK_E_DWARF_HEADER},
	{"reserved unit length", DW5_LENGTH, 4, 0xfffffff0, PDS_CHK_E_DWARF_HEADER},
	{"address size 3", DW5_ADDR_SIZE, 1, 3, PDS_CHK_E_DWARF_HEADER},
	{"segment selector", DW5_SEG_SIZE, 1, 1, PDS_CHK_E_DWARF_HEADER},
	{"header length past end", DW5_HDR_LEN, 4, 0x7ffffff0, PDS_CHK_E_DWARF_HEADER},
	{"min_inst_length 0", DW5_MIN_INST, 1, 0, PDS_CHK_E_DWARF_HEADER},
	{"max_ops 0", DW5_MAX_OPS, 1, 0, PDS_CHK_E_DWARF_HEADER},
	{"line_range 0", DW5_LINE_RANGE, 1, 0, PDS_CHK_E_DWARF_HEADER},
	{"opcode_base 0", DW5_OPCODE_BASE, 1, 0, PDS_CHK_E_DWARF_HEADER},
	{"advance_pc with 2 operands", DW5_STD_LENS + 1, 1, 2, PDS_CHK_E_DWARF_HEADER},
	{"directory form strx1", DW5_DIR_FORMAT + 2, 1, 0x25, PDS_CHK_E_DWARF_FORM},
	{"directory form sdata", DW5_DIR_FORMAT + 2, 1, 0x0d, PDS_CHK_E_DWARF_FORM},
	{"directory path as data4", DW5_DIR_FORMAT + 2, 1, 0x06, PDS_CHK_E_DWARF_FORM},
	{"directory string offset", DW5_DIR_FORMAT + 4, 4, 0x7fff0000, PDS_CHK_E_DWARF_STRING},
};

static void set_field(uint8_t *p, unsigned width, uint32_t val)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(val >> (8 * i));
}

static void test_dwarf_malformed_fields(void)
{
	struct image im;
	Elf64_Shdr *sh;
	uint8_t *dl;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	dl = sec_bytes(im.buf, im.len, ".debug_line", &sh);
	/* The layout the cases assume: v5, one directory format (path, line_strp). */
	CU_ASSERT_FATAL(dl && dl[DW5_VERSION] == 5 && dl[DW5_DIR_FORMAT] == 1 &&
			dl[DW5_DIR_FORMAT + 1] == 1 && dl[DW5_DIR_FORMAT + 2] == 0x1f);
	for (size_t i = 0; i < PDS_ARRAY_SIZE(dw_cases); i++) {
		const struct dw_case *c = &dw_cases[i];
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		struct diag_log log;
		int rc;

		CU_ASSERT_FATAL(img != NULL);
		CU_ASSERT_EQUAL(pds_linetab_add(&t, 1, 0, "kept.c", NULL, 1, 1), 0);
		set_field(sec_bytes(img, im.len, ".debug_line", &sh) + c->at, c->width, c->val);
		rc = read_lines(img, im.len, "bad.o", READ_DWARF, &t, &log);
		if (rc != c->code)
			fprintf(stderr, "\n  %s: got %d (%s), want %d\n", c->what, rc,
				log.first_msg, c->code);
		CU_ASSERT_EQUAL(rc, c->code);
		check_refusal(rc, &log, "bad.o", ".debug_line");
		CU_ASSERT_EQUAL(t.n, 1);
		pds_linetab_free(&t);
		free(img);
	}
	free(im.buf);
}

/* Relocations of .debug_line: wrong type, or an address moved into a data section. */
static void test_dwarf_bad_relocations(void)
{
	struct image im;

	CU_ASSERT_FATAL(load_prog("kernel/lines_sections", &im) == 0);
	for (int mode = 0; mode < 3; mode++) {
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		struct diag_log log;
		Elf64_Shdr *sh;
		Elf64_Rel *rel = (Elf64_Rel *)sec_bytes(img, im.len, ".rel.debug_line", &sh);
		size_t n = sh ? sh->sh_size / sizeof(*rel) : 0;
		unsigned lic;
		int rc, want = PDS_CHK_E_DWARF_RELOC;

		CU_ASSERT_FATAL(rel && n > 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(pds_t_shdr_by_name(img, im.len, "license", &lic));
		for (size_t i = 0; i < n; i++) {
			uint32_t type = (uint32_t)ELF64_R_TYPE(rel[i].r_info);
			uint32_t sym = (uint32_t)ELF64_R_SYM(rel[i].r_info);

			if (mode == 0 && type == 2) /* ABS64 -> R_BPF_64_64 */
				rel[i].r_info = ELF64_R_INFO(sym, 1);
			if (mode == 1 && type == 3) /* ABS32 -> ABS64 on a 4-byte field */
				rel[i].r_info = ELF64_R_INFO(sym, 2);
			if (mode == 2 && type == 2) {
				/* The symbol of sequence 0 now sits in the license section. */
				Elf64_Shdr *st = pds_t_shdr_by_type(img, im.len, SHT_SYMTAB, NULL);
				Elf64_Sym *syms = (Elf64_Sym *)pds_t_sec_data(img, im.len, st);

				syms[sym].st_shndx = (uint16_t)lic;
			}
		}
		rc = read_lines(img, im.len, "rel.o", READ_DWARF, &t, &log);
		CU_ASSERT_EQUAL(rc, want);
		check_refusal(rc, &log, "rel.o", ".debug_line");
		pds_linetab_free(&t);
		free(img);
	}
	free(im.buf);
}

/*
 * Cuts the (single) unit at every length, shrinking the section and dropping the
 * relocations past the cut with it: inside the header the unit is refused as a
 * bad header; inside the program it is read up to the cut or refused as a
 * truncated opcode; whole, it is read.
 */
static void check_dwarf_cuts(const char *path)
{
	struct image im;
	Elf64_Shdr *sh, *rsh;
	uint8_t *dl;
	uint32_t full, prog;
	unsigned read = 0, refused = 0;

	CU_ASSERT_FATAL(pds_t_read_file(path, &im.buf, &im.len) == 0);
	dl = sec_bytes(im.buf, im.len, ".debug_line", &sh);
	CU_ASSERT_FATAL(dl && sec_bytes(im.buf, im.len, ".rel.debug_line", &rsh));
	full = get32(dl);
	CU_ASSERT_EQUAL_FATAL(full + 4, sh->sh_size); /* one unit */
	prog = (dl[4] >= 5 ? 12 : 10) + get32(dl + (dl[4] >= 5 ? 8 : 6));
	for (uint32_t len = 0; len <= full; len++) {
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		Elf64_Shdr *s2, *r2;
		uint8_t *d2 = sec_bytes(img, im.len, ".debug_line", &s2);
		Elf64_Rel *rel = (Elf64_Rel *)sec_bytes(img, im.len, ".rel.debug_line", &r2);
		struct diag_log log;
		size_t keep = 0;
		int rc;

		put32(d2, len);
		s2->sh_size = 4 + len;
		while (keep < r2->sh_size / sizeof(*rel) && rel[keep].r_offset + 8 <= 4 + len)
			keep++;
		r2->sh_size = keep * sizeof(*rel);
		rc = read_lines(img, im.len, "cut.o", READ_DWARF, &t, &log);
		if (len + 4 < prog) {
			CU_ASSERT_EQUAL(rc, PDS_CHK_E_DWARF_HEADER);
		} else {
			CU_ASSERT(rc == 0 || rc == PDS_CHK_E_DWARF_OPCODE);
		}
		if (rc)
			check_refusal(rc, &log, "cut.o", ".debug_line");
		read += rc == 0;
		refused += rc != 0;
		pds_linetab_free(&t);
		free(img);
	}
	CU_ASSERT(read > 1 && refused > prog);
	free(im.buf);
}

static void test_dwarf_truncated(void)
{
	char *v5 = pds_t_prog_path("pquic/lines_inline"), *dir = pds_t_mkdtemp(), *v4, *v2;

	CU_ASSERT_FATAL(v5 && dir);
	v4 = compile_dwarf(dir, "bpf/tests/progs/pquic/lines_inline.c", 4);
	v2 = compile_dwarf(dir, "bpf/tests/progs/pquic/lines_inline.c", 2);
	CU_ASSERT_FATAL(v4 && v2);
	check_dwarf_cuts(v5);
	check_dwarf_cuts(v4);
	check_dwarf_cuts(v2);
	pds_t_rm_rf(dir);
	free(dir);
	free(v5);
	free(v4);
	free(v2);
}

/* A row naming a file past the table: the file count shrunk to one entry. */
static void test_dwarf_bad_file_index(void)
{
	struct image im;
	Elf64_Shdr *sh;
	uint8_t *dl;
	size_t at;
	struct pds_linetab t = {0};
	struct diag_log log;
	int rc;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	dl = sec_bytes(im.buf, im.len, ".debug_line", &sh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dl);
	/* v5 tables: directory format (1 pair), 2 directories of 4-byte line_strp, then
	 * the file format count, its pairs, and the file count. */
	at = DW5_DIR_FORMAT + 1 + 2 * dl[DW5_DIR_FORMAT];
	CU_ASSERT_FATAL(dl[at] < 0x80);
	at += 1 + 4 * (size_t)dl[at];
	at += 1 + 2 * (size_t)dl[at];
	CU_ASSERT_EQUAL_FATAL(dl[at], 3); /* lines_inline.c, pquic.h, lines_inline.h */
	dl[at] = 1;
	rc = read_lines(im.buf, im.len, "files.o", READ_DWARF, &t, &log);
	CU_ASSERT_EQUAL(rc, PDS_CHK_E_DWARF_FILE);
	check_refusal(rc, &log, "files.o", ".debug_line");
	CU_ASSERT_EQUAL(t.n, 0);
	pds_linetab_free(&t);
	free(im.buf);
}

/* Every single-bit flip of .debug_line: read, or refused with a DWARF code. */
static void test_dwarf_bit_flips(void)
{
	struct image im;
	Elf64_Shdr *sh;
	unsigned refused = 0;

	CU_ASSERT_FATAL(load_prog("kernel/lines_sections", &im) == 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec_bytes(im.buf, im.len, ".debug_line", &sh));
	for (size_t bit = 0; bit < sh->sh_size * 8; bit++) {
		uint8_t *img = dup_image(&im);
		struct pds_linetab t = {0};
		struct diag_log log;
		Elf64_Shdr *s2;
		int rc;

		sec_bytes(img, im.len, ".debug_line", &s2)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rc = read_lines(img, im.len, "flip.o", READ_DWARF, &t, &log);
		CU_ASSERT(rc == 0 ||
			  (rc >= PDS_CHK_E_DWARF_HEADER && rc <= PDS_CHK_E_DWARF_ADDRESS));
		if (rc)
			check_refusal(rc, &log, "flip.o", ".debug_line");
		refused += rc != 0;
		pds_linetab_free(&t);
		free(img);
	}
	CU_ASSERT(refused > 0);
	free(im.buf);
}

/* A compressed .debug_line is not read: a warning, no rows, no failure. */
static void test_dwarf_compressed_skipped(void)
{
	struct image im;
	Elf64_Shdr *sh;
	struct pds_linetab t = {0};
	struct diag_log log;

	CU_ASSERT_FATAL(load_prog("pquic/lines_inline", &im) == 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec_bytes(im.buf, im.len, ".debug_line", &sh));
	sh->sh_flags |= SHF_COMPRESSED;
	CU_ASSERT_EQUAL(read_lines(im.buf, im.len, "z.o", READ_DWARF, &t, &log), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(log.errors, 0);
	pds_linetab_free(&t);
	free(im.buf);
}

PDS_TEST_MAIN("lines", PDS_TEST(test_linetab_find), PDS_TEST(test_linetab_shadowed_rows),
	      PDS_TEST(test_linetab_model), PDS_TEST(test_linetab_interning),
	      PDS_TEST(test_btf_pquic_progs), PDS_TEST(test_btf_kernel_progs),
	      PDS_TEST(test_btf_known_rows), PDS_TEST(test_dwarf5_pquic_progs),
	      PDS_TEST(test_dwarf5_kernel_progs), PDS_TEST(test_dwarf_versions),
	      PDS_TEST(test_dwarf_only_object), PDS_TEST(test_btf_malformed_fields),
	      PDS_TEST(test_btf_truncated_line_info), PDS_TEST(test_btf_bit_flips),
	      PDS_TEST(test_dwarf_malformed_fields), PDS_TEST(test_dwarf_bad_relocations),
	      PDS_TEST(test_dwarf_truncated), PDS_TEST(test_dwarf_bad_file_index),
	      PDS_TEST(test_dwarf_bit_flips), PDS_TEST(test_dwarf_compressed_skipped),
	      PDS_TEST(test_btf_strings_start_empty), PDS_TEST(test_dwarf_unrelocated_skipped))
