// SPDX-License-Identifier: MIT
/*
 * The line table: (code section, byte offset) -> file:line:col, filled from BTF
 * line info or DWARF and searched for every diagnostic.
 *
 * File names and source texts repeat on almost every row, so they are interned:
 * t->strings is an open-addressing hash set (capstrings slots, a power of two,
 * NULL = empty, nstrings in use) of owned copies.  Rows point into it, which keeps
 * them valid after the ELF image they were read from is gone.
 */
#include <stdlib.h>
#include <string.h>

#include "bpf/internal.h"

/* FNV-1a: short strings, no adversary gains more than a longer probe sequence. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* The slot holding s, or the empty slot where it belongs. */
static char **intern_slot(char **set, size_t cap, const char *s)
{
	size_t i = (size_t)str_hash(s) & (cap - 1);

	while (set[i] && strcmp(set[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return &set[i];
}

static int intern_grow(struct pds_linetab *t)
{
	size_t cap = t->capstrings ? t->capstrings * 2 : 64;
	char **set;

	if (cap < t->capstrings)
		return PDS_CHK_E_NOMEM;
	set = pds_calloc(cap, sizeof(*set));
	if (!set)
		return PDS_CHK_E_NOMEM;
	for (size_t i = 0; i < t->capstrings; i++)
		if (t->strings[i])
			*intern_slot(set, cap, t->strings[i]) = t->strings[i];
	free(t->strings);
	t->strings = set;
	t->capstrings = cap;
	return 0;
}

/* The table's copy of s (NULL stays NULL); *err is set when out of memory. */
static const char *intern(struct pds_linetab *t, const char *s, int *err)
{
	char **slot;

	if (!s)
		return NULL;
	/* Keep the load at or below one half so that probe sequences stay short. */
	if ((t->nstrings + 1) * 2 > t->capstrings && intern_grow(t) != 0) {
		*err = PDS_CHK_E_NOMEM;
		return NULL;
	}
	slot = intern_slot(t->strings, t->capstrings, s);
	if (!*slot) {
		*slot = pds_strdup(s);
		if (!*slot) {
			*err = PDS_CHK_E_NOMEM;
			return NULL;
		}
		t->nstrings++;
	}
	return *slot;
}

int pds_linetab_add(struct pds_linetab *t, uint32_t sec, uint64_t off, const char *file,
		    const char *text, unsigned line, unsigned col)
{
	struct pds_line *l;
	int err = 0;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct pds_line *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return PDS_CHK_E_NOMEM;
		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return PDS_CHK_E_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	l = &t->v[t->n];
	l->sec = sec;
	l->off = off;
	l->line = line;
	l->col = col;
	l->file = intern(t, file, &err);
	l->text = intern(t, text, &err);
	if (err)
		return err;
	t->n++;
	return 0;
}

static int line_cmp(const struct pds_line *a, const struct pds_line *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return 0;
}

/* Stable merge sort of v[lo, hi) through tmp: rows at one offset keep their order. */
static void merge_sort(struct pds_line *v, struct pds_line *tmp, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, i = lo, j = mid, k = lo;

	if (hi - lo < 2)
		return;
	merge_sort(v, tmp, lo, mid);
	merge_sort(v, tmp, mid, hi);
	while (i < mid && j < hi)
		tmp[k++] = line_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < hi)
		tmp[k++] = v[j++];
	memcpy(v + lo, tmp + lo, (hi - lo) * sizeof(*v));
}

/*
 * Several rows at one offset describe an empty range except the last one added
 * (DWARF 5 §6.2.5.1: a row applies from its address up to the next row's), so
 * only that one is kept.
 */
static void drop_shadowed(struct pds_linetab *t)
{
	size_t out = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (out && line_cmp(&t->v[out - 1], &t->v[i]) == 0)
			out--;
		t->v[out++] = t->v[i];
	}
	t->n = out;
}

void pds_linetab_sort(struct pds_linetab *t)
{
	struct pds_line *tmp;
	bool sorted = true;

	for (size_t i = 1; i < t->n && sorted; i++)
		sorted = line_cmp(&t->v[i - 1], &t->v[i]) <= 0;
	if (!sorted) {
		/* Without memory for the merge an unsorted table would mislead find;
		 * dropping the rows makes diagnostics fall back to section+offset. */
		tmp = malloc(t->n * sizeof(*tmp));
		if (!tmp) {
			t->n = 0;
			return;
		}
		merge_sort(t->v, tmp, 0, t->n);
		free(tmp);
	}
	drop_shadowed(t);
}

const struct pds_line *pds_linetab_find(const struct pds_linetab *t, uint32_t sec, uint64_t off)
{
	const struct pds_line key = {.sec = sec, .off = off};
	size_t lo = 0, hi = t ? t->n : 0;

	/* First row after (sec, off); the one before it is the answer if in sec. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (line_cmp(&t->v[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t->v[lo - 1].sec != sec)
		return NULL;
	return &t->v[lo - 1];
}

void pds_linetab_free(struct pds_linetab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->capstrings; i++)
		free(t->strings[i]);
	free(t->strings);
	free(t->v);
	memset(t, 0, sizeof(*t));
}
