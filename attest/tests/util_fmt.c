// SPDX-License-Identifier: MIT
/* Helpers shared by the format tests of attest/. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest/tests/util_fmt.h"

static void record(void *ctx, const struct pds_att_diag *d)
{
	struct atu_diags *r = ctx;

	r->count++;
	r->last_code = d->code;
	r->last_line = d->line;
	r->last_col = d->col;
	snprintf(r->last_rule, sizeof(r->last_rule), "%s", d->rule ? d->rule : "");
	pds_att_diag_format(d, r->last_text, sizeof(r->last_text));
}

void atu_diags_init(struct atu_diags *d)
{
	memset(d, 0, sizeof(*d));
	d->sink.fn = record;
	d->sink.ctx = d;
}

struct pds_note_signer *atu_signer(const char *name, uint8_t type, uint8_t seed_byte)
{
	struct pds_note_signer *s = NULL;
	uint8_t seed[32];

	memset(seed, seed_byte, sizeof(seed));
	if (pds_note_signer_from_seed(name, type, seed, &s))
		return NULL;
	return s;
}

char *atu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

char *atu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(4096);

	if (!path)
		return NULL;
	snprintf(path, 4096, "%s/pds-att-test.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

void atu_rmdir(const char *dir)
{
	size_t n;
	char **files = atu_list(dir, &n);

	for (size_t i = 0; i < n; i++)
		unlink(files[i]);
	atu_list_free(files, n);
	rmdir(dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **atu_list(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **out = NULL;
	struct dirent *e;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char **grown;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		grown = realloc(out, (*n + 1) * sizeof(*out));
		if (!grown)
			break;
		out = grown;
		len = strlen(dir) + strlen(e->d_name) + 2;
		out[*n] = malloc(len);
		if (!out[*n])
			break;
		snprintf(out[*n], len, "%s/%s", dir, e->d_name);
		(*n)++;
	}
	closedir(d);
	if (out)
		qsort(out, *n, sizeof(*out), cmp_str);
	return out;
}

void atu_list_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
