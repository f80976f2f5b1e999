// SPDX-License-Identifier: MIT
/*
 * Test helpers: files, the compiled test programs, llvm-objdump as an
 * independent reference for the object reader, and raw ELF access for
 * mutations.  See util.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/tests/util.h"

/* ------------------------------------------------------------------ files */

int pds_t_read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	int err = -1;

	*buf = NULL;
	*len = 0;
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	data = malloc((size_t)size + 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		goto out;
	*buf = data;
	*len = (size_t)size;
	data = NULL;
	err = 0;
out:
	if (err)
		fprintf(stderr, "%s: cannot read\n", path);
	free(data);
	fclose(f);
	return err;
}

int pds_t_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(buf, 1, len, f) != len)
		err = -1;
	if (fclose(f) != 0)
		err = -1;
	if (err)
		fprintf(stderr, "%s: cannot write\n", path);
	return err;
}

char *pds_t_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&path, "%s/pds-test-XXXXXX", tmp) < 0)
		return NULL;
	if (!mkdtemp(path)) {
		fprintf(stderr, "mkdtemp %s: %s\n", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int pds_t_rm_rf(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ test programs */

static const char *bpf_dir(void)
{
	const char *d = getenv("PDS_TEST_BPF_DIR");

	return d && *d ? d : "build/bpf";
}

char *pds_t_prog_path(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/bpf/tests/progs/%s.o", bpf_dir(), name) < 0)
		return NULL;
	return path;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pds_t_free_list(char **paths, int n)
{
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int pds_t_list_progs(const char *subdir, char ***paths)
{
	char *dirpath, **v = NULL;
	struct dirent *de;
	int n = 0;
	DIR *d;

	*paths = NULL;
	if (asprintf(&dirpath, "%s/bpf/tests/progs/%s", bpf_dir(), subdir) < 0)
		return -1;
	d = opendir(dirpath);
	if (!d) {
		fprintf(stderr, "%s: %s\n", dirpath, strerror(errno));
		free(dirpath);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (l < 3 || strcmp(de->d_name + l - 2, ".o") != 0)
			continue;
		nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (asprintf(&v[n], "%s/%s", dirpath, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	free(dirpath);
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*paths = v;
	return n;
}

/* ------------------------------------------------------------------ running tools */

const char *pds_t_objdump(void)
{
	const char *p = getenv("LLVM_OBJDUMP");

	return p && *p ? p : "llvm-objdump";
}

static int read_fd(int fd, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

char *pds_t_run(const char *const argv[])
{
	char *out = NULL;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0)
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	if (read_fd(fds[0], &out) < 0)
		out = NULL;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s exited with status %d\n", argv[0], status);
		free(out);
		return NULL;
	}
	return out;
}

/* ------------------------------------------------------------------ objdump model */

/* Splits text into lines in place; returns the next line or NULL. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

static int is_hex_word(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "  2 .text   00000240 0000000000000000 TEXT": idx, name (absent for 0), size, vma, type. */
static int parse_section_line(char *line, struct pds_od_sec *s)
{
	char *tok[8], *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, " \t", &save); t && n < 8; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n < 3)
		return -1;
	s->idx = (unsigned)strtoul(tok[0], NULL, 10);
	s->exec = 0;
	if (!is_hex_word(tok[n - 1], 16)) {
		s->exec = strcmp(tok[n - 1], "TEXT") == 0;
		n--;
	}
	if (n == 4) {
		s->name = strdup(tok[1]);
		s->size = strtoull(tok[2], NULL, 16);
	} else if (n == 3) {
		s->name = strdup("");
		s->size = strtoull(tok[1], NULL, 16);
	} else {
		return -1;
	}
	return s->name ? 0 : -1;
}

/* "0000000000000020 l     F .text\t0000000000000040 level1" */
static int parse_symbol_line(const char *line, struct pds_od_sym *y)
{
	const char *sec, *tab, *name;
	char *end;

	if (strlen(line) < 26 || line[16] != ' ')
		return -1;
	y->value = strtoull(line, &end, 16);
	if (end != line + 16)
		return -1;
	y->global = line[17] == 'g';
	y->func = line[23] == 'F';
	sec = line + 25;
	tab = strchr(sec, '\t');
	if (!tab)
		return -1;
	y->size = strtoull(tab + 1, &end, 16);
	name = *end == ' ' ? end + 1 : end;
	y->name = strdup(name);
	if (*sec == '*')
		y->section = NULL;
	else
		y->section = strndup(sec, (size_t)(tab - sec));
	return y->name ? 0 : -1;
}

static int push(void **v, size_t *n, size_t elem)
{
	void *nv = realloc(*v, (*n + 1) * elem);

	if (!nv)
		return -1;
	memset((char *)nv + *n * elem, 0, elem);
	*v = nv;
	(*n)++;
	return 0;
}

static int parse_headers(char *text, struct pds_od *od)
{
	enum { NONE, SECTIONS, SYMBOLS } mode = NONE;
	char *cur = text, *line;

	while ((line = next_line(&cur))) {
		if (strncmp(line, "Sections:", 9) == 0) {
			mode = SECTIONS;
			continue;
		}
		if (strncmp(line, "SYMBOL TABLE:", 13) == 0) {
			mode = SYMBOLS;
			continue;
		}
		if (!*line || strncmp(line, "Idx ", 4) == 0)
			continue;
		if (mode == SECTIONS && isspace((unsigned char)line[0])) {
			if (push((void **)&od->secs, &od->nsecs, sizeof(*od->secs)) < 0 ||
			    parse_section_line(line, &od->secs[od->nsecs - 1]) < 0)
				return -1;
		} else if (mode == SYMBOLS && isxdigit((unsigned char)line[0])) {
			if (push((void **)&od->syms, &od->nsyms, sizeof(*od->syms)) < 0 ||
			    parse_symbol_line(line, &od->syms[od->nsyms - 1]) < 0)
				return -1;
		}
	}
	return 0;
}

static struct pds_od_sec *sec_mut(struct pds_od *od, const char *name)
{
	for (size_t i = 0; i < od->nsecs; i++)
		if (strcmp(od->secs[i].name, name) == 0)
			return &od->secs[i];
	return NULL;
}

/* "\t\t0000000000000018:  R_BPF_64_32\tget_cnx" */
static int parse_reloc_line(const char *line, struct pds_od_reloc *r)
{
	char *end;
	size_t n;

	while (*line == '\t' || *line == ' ')
		line++;
	r->off = strtoull(line, &end, 16);
	if (*end != ':')
		return -1;
	line = end + 1;
	while (*line == ' ')
		line++;
	n = strcspn(line, "\t ");
	if (n == 0 || n >= sizeof(r->type))
		return -1;
	memcpy(r->type, line, n);
	r->type[n] = '\0';
	line += n;
	while (*line == '\t' || *line == ' ')
		line++;
	snprintf(r->sym, sizeof(r->sym), "%s", line);
	return 0;
}

/* "      39:\t18 03 00 ...\tr3 = 0 ll" (raw) or "      39:\tr3 = 0 ll". */
static int parse_insn_line(const char *line, int raw, struct pds_od_insn *in)
{
	char *end;
	unsigned long slot = strtoul(line, &end, 10);
	const char *p;
	size_t nbytes = 0;

	if (*end != ':' || end[1] != '\t')
		return -1;
	in->slot = (uint32_t)slot;
	p = end + 2;
	if (raw) {
		while (nbytes < 16 && isxdigit((unsigned char)p[0]) &&
		       isxdigit((unsigned char)p[1]) && (p[2] == ' ' || p[2] == '\t')) {
			in->raw[nbytes++] = (uint8_t)strtoul((char[]){p[0], p[1], 0}, NULL, 16);
			p += 3;
			if (p[-1] == '\t')
				break;
		}
		if (nbytes != 8 && nbytes != 16)
			return -1;
		in->width = (unsigned)(nbytes / 8);
	} else {
		snprintf(in->text, sizeof(in->text), "%s", p);
	}
	return 0;
}

static int parse_disasm(char *text, struct pds_od *od, int raw)
{
	struct pds_od_sec *sec = NULL;
	size_t pos = 0;
	char *cur = text, *line;

	while ((line = next_line(&cur))) {
		if (strncmp(line, "Disassembly of section ", 23) == 0) {
			size_t l = strlen(line);

			if (l < 24 || line[l - 1] != ':')
				return -1;
			line[l - 1] = '\0';
			sec = sec_mut(od, line + 23);
			if (!sec)
				return -1;
			pos = 0;
		} else if (sec && line[0] == ' ') {
			struct pds_od_insn tmp = {0}, *in;

			if (parse_insn_line(line, raw, &tmp) < 0)
				goto bad;
			if (raw) {
				if (push((void **)&sec->insns, &sec->ninsns, sizeof(*in)) < 0)
					return -1;
				in = &sec->insns[sec->ninsns - 1];
				in->slot = tmp.slot;
				in->width = tmp.width;
				memcpy(in->raw, tmp.raw, sizeof(in->raw));
			} else {
				if (pos >= sec->ninsns || sec->insns[pos].slot != tmp.slot)
					goto bad;
				memcpy(sec->insns[pos].text, tmp.text, sizeof(tmp.text));
				pos++;
			}
		} else if (sec && raw && line[0] == '\t' && sec->ninsns) {
			struct pds_od_insn *in = &sec->insns[sec->ninsns - 1];
			struct pds_od_reloc r;

			if (parse_reloc_line(line, &r) < 0 || r.off / 8 < in->slot ||
			    r.off / 8 >= in->slot + in->width)
				goto bad;
			if (in->nrelocs++ == 0)
				in->reloc = r;
		}
	}
	return 0;
bad:
	fprintf(stderr, "cannot parse llvm-objdump line: %s\n", line);
	return -1;
}

int pds_od_load(const char *path, struct pds_od *od)
{
	const char *od_bin = pds_t_objdump();
	const char *hdr_argv[] = {od_bin, "-h", "-t", path, NULL};
	const char *raw_argv[] = {od_bin, "-dr", path, NULL};
	const char *txt_argv[] = {od_bin, "-dr", "--no-show-raw-insn", path, NULL};
	char *hdr = NULL, *raw = NULL, *txt = NULL;
	int err = -1;

	memset(od, 0, sizeof(*od));
	hdr = pds_t_run(hdr_argv);
	raw = pds_t_run(raw_argv);
	txt = pds_t_run(txt_argv);
	if (!hdr || !raw || !txt)
		goto out;
	if (parse_headers(hdr, od) < 0 || parse_disasm(raw, od, 1) < 0 ||
	    parse_disasm(txt, od, 0) < 0)
		goto out;
	for (size_t i = 0; i < od->nsecs; i++)
		for (size_t j = 0; j < od->secs[i].ninsns; j++)
			if (!od->secs[i].insns[j].text[0])
				goto out; /* the two disassemblies disagree */
	err = 0;
out:
	if (err) {
		fprintf(stderr, "%s: cannot model llvm-objdump output\n", path);
		pds_od_free(od);
	}
	free(hdr);
	free(raw);
	free(txt);
	return err;
}

void pds_od_free(struct pds_od *od)
{
	for (size_t i = 0; i < od->nsecs; i++) {
		free(od->secs[i].name);
		free(od->secs[i].insns);
	}
	for (size_t i = 0; i < od->nsyms; i++) {
		free(od->syms[i].name);
		free(od->syms[i].section);
	}
	free(od->secs);
	free(od->syms);
	memset(od, 0, sizeof(*od));
}

const struct pds_od_sec *pds_od_sec(const struct pds_od *od, const char *name)
{
	return sec_mut((struct pds_od *)od, name);
}

const struct pds_od_insn *pds_od_insn_at(const struct pds_od_sec *s, uint32_t slot)
{
	for (size_t i = 0; i < s->ninsns; i++)
		if (s->insns[i].slot == slot)
			return &s->insns[i];
	return NULL;
}

const struct pds_od_sym *pds_od_func_at(const struct pds_od *od, const char *sec, uint64_t off)
{
	for (size_t i = 0; i < od->nsyms; i++) {
		const struct pds_od_sym *y = &od->syms[i];

		if (y->func && y->section && strcmp(y->section, sec) == 0 && y->value == off)
			return y;
	}
	return NULL;
}

uint32_t pds_od_slots(const struct pds_od_sec *s)
{
	if (!s->ninsns)
		return 0;
	return s->insns[s->ninsns - 1].slot + s->insns[s->ninsns - 1].width;
}

/* " 0010 65616479 00726574 72616e73 6d69745f  eady.retransmit_" */
static int parse_dump_line(const char *line, uint8_t **buf, size_t *len, size_t *cap)
{
	const char *p = line + 1;

	while (*p && *p != ' ')
		p++;
	for (int group = 0; group < 4; group++) {
		if (*p != ' ' || !isxdigit((unsigned char)p[1]))
			break;
		p++;
		while (isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1])) {
			if (*len == *cap) {
				uint8_t *nb = realloc(*buf, *cap ? *cap * 2 : 256);

				if (!nb)
					return -1;
				*buf = nb;
				*cap = *cap ? *cap * 2 : 256;
			}
			(*buf)[(*len)++] = (uint8_t)strtoul((char[]){p[0], p[1], 0}, NULL, 16);
			p += 2;
		}
	}
	return 0;
}

int pds_od_section_bytes(const char *path, const char *name, uint8_t **buf, size_t *len)
{
	const char *argv[] = {pds_t_objdump(), "-s", "-j", name, path, NULL};
	char *out = pds_t_run(argv), *cur, *line;
	size_t cap = 0;
	int in_sec = 0, err = 0;

	*buf = NULL;
	*len = 0;
	if (!out)
		return -1;
	cur = out;
	while ((line = next_line(&cur)) && !err) {
		if (strncmp(line, "Contents of section ", 20) == 0)
			in_sec = 1;
		else if (in_sec && line[0] == ' ')
			err = parse_dump_line(line, buf, len, &cap);
	}
	free(out);
	if (err || !in_sec) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ raw ELF access */

Elf64_Ehdr *pds_t_ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

Elf64_Shdr *pds_t_shdr(uint8_t *img, size_t len, unsigned idx)
{
	Elf64_Ehdr *eh = pds_t_ehdr(img);
	uint64_t off;

	if (len < sizeof(*eh) || idx >= eh->e_shnum)
		return NULL;
	off = eh->e_shoff + (uint64_t)idx * sizeof(Elf64_Shdr);
	if (off > len || len - off < sizeof(Elf64_Shdr))
		return NULL;
	return (Elf64_Shdr *)(img + off);
}

Elf64_Shdr *pds_t_shdr_by_name(uint8_t *img, size_t len, const char *name, unsigned *idx)
{
	Elf64_Ehdr *eh = pds_t_ehdr(img);
	Elf64_Shdr *strsh = pds_t_shdr(img, len, eh->e_shstrndx);
	const uint8_t *names = strsh ? pds_t_sec_data(img, len, strsh) : NULL;

	if (!names)
		return NULL;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = pds_t_shdr(img, len, i);

		if (sh && sh->sh_name < strsh->sh_size &&
		    strncmp((const char *)names + sh->sh_name, name,
			    strsh->sh_size - sh->sh_name) == 0) {
			if (idx)
				*idx = i;
			return sh;
		}
	}
	return NULL;
}

Elf64_Shdr *pds_t_shdr_by_type(uint8_t *img, size_t len, uint32_t type, unsigned *idx)
{
	Elf64_Ehdr *eh = pds_t_ehdr(img);

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = pds_t_shdr(img, len, i);

		if (sh && sh->sh_type == type) {
			if (idx)
				*idx = i;
			return sh;
		}
	}
	return NULL;
}

uint8_t *pds_t_sec_data(uint8_t *img, size_t len, const Elf64_Shdr *sh)
{
	if (sh->sh_offset > len || len - sh->sh_offset < sh->sh_size)
		return NULL;
	return img + sh->sh_offset;
}
