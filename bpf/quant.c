// SPDX-License-Identifier: MIT
/*
 * Named quantities and cost polynomials.
 *
 * A bound that depends on host data is kept as a polynomial over named
 * quantities ("nb_paths", "input 1", "u16@plugin_mem") with non-negative
 * rational coefficients.  Quantities are never negative, so the maximum of two
 * polynomials is bounded by their termwise maximum, and evaluating with every
 * quantity at its largest value (its type range, or a declared fact) gives a
 * sound number.  All arithmetic saturates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/analysis_int.h"

#define SAT UINT64_MAX

uint32_t pds_quantity_get(struct pds_quantities *q, const char *name, uint64_t max,
			  const char *assumption)
{
	for (uint32_t i = 0; i < q->n; i++)
		if (!strcmp(q->v[i].name, name))
			return i + 1;
	if (q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 8;
		struct pds_quantity *v = realloc(q->v, cap * sizeof(*v));

		if (!v)
			return 0;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n].name = pds_strdup(name);
	q->v[q->n].max = max;
	q->v[q->n].assumption = assumption ? pds_strdup(assumption) : NULL;
	if (!q->v[q->n].name)
		return 0;
	return ++q->n;
}

void pds_quantities_free(struct pds_quantities *q)
{
	for (uint32_t i = 0; i < q->n; i++) {
		free(q->v[i].name);
		free(q->v[i].assumption);
	}
	free(q->v);
	memset(q, 0, sizeof(*q));
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? SAT : r;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? SAT : r;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

void pds_poly_init(struct pds_poly *p)
{
	memset(p, 0, sizeof(*p));
}

void pds_poly_free(struct pds_poly *p)
{
	free(p->m);
	memset(p, 0, sizeof(*p));
}

static bool same_vars(const struct pds_mono *a, const struct pds_mono *b)
{
	return a->nvars == b->nvars && a->overflow == b->overflow &&
	       !memcmp(a->vars, b->vars, sizeof(a->vars[0]) * a->nvars);
}

static struct pds_mono *find_mono(struct pds_poly *p, const struct pds_mono *like)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (same_vars(&p->m[i], like))
			return &p->m[i];
	return NULL;
}

static int push_mono(struct pds_poly *p, const struct pds_mono *m)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 1; /* most are one term */
		struct pds_mono *v = realloc(p->m, cap * sizeof(*v));

		if (!v)
			return PDS_CHK_E_NOMEM;
		p->m = v;
		p->cap = cap;
	}
	p->m[p->n++] = *m;
	return 0;
}

/* Compare a/b with c/d without overflow (both positive denominators). */
static int cmp_frac(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	unsigned __int128 l = (unsigned __int128)a * d, r = (unsigned __int128)c * b;

	return l < r ? -1 : l > r;
}

static void add_frac(struct pds_mono *m, uint64_t num, uint64_t den)
{
	unsigned __int128 n = (unsigned __int128)m->num * den + (unsigned __int128)num * m->den;
	unsigned __int128 d = (unsigned __int128)m->den * den;

	while (n > SAT || d > SAT) {
		n = (n + 1) / 2 + 1; /* round up: stays an upper bound */
		d = d / 2 ? d / 2 : 1;
	}
	m->num = (uint64_t)n;
	m->den = (uint64_t)d;
}

static void normalize(struct pds_mono *m)
{
	uint64_t g = gcd(m->num, m->den);

	if (g > 1) {
		m->num /= g;
		m->den /= g;
	}
	if (m->den == 0)
		m->den = 1;
}

int pds_poly_const(struct pds_poly *p, uint64_t c)
{
	struct pds_mono m = {.num = c, .den = 1};

	p->n = 0;
	return c ? push_mono(p, &m) : 0;
}

int pds_poly_var(struct pds_poly *p, uint32_t var, uint64_t num, uint64_t den)
{
	struct pds_mono m = {.num = num, .den = den ? den : 1, .nvars = 1};

	m.vars[0] = var;
	p->n = 0;
	normalize(&m);
	return num ? push_mono(p, &m) : 0;
}

int pds_poly_copy(struct pds_poly *out, const struct pds_poly *a)
{
	out->n = 0;
	for (uint32_t i = 0; i < a->n; i++)
		if (push_mono(out, &a->m[i]))
			return PDS_CHK_E_NOMEM;
	return 0;
}

int pds_poly_max(struct pds_poly *p, const struct pds_poly *q)
{
	for (uint32_t i = 0; i < q->n; i++) {
		struct pds_mono *m = find_mono(p, &q->m[i]);

		if (!m) {
			if (push_mono(p, &q->m[i]))
				return PDS_CHK_E_NOMEM;
		} else if (cmp_frac(q->m[i].num, q->m[i].den, m->num, m->den) > 0) {
			m->num = q->m[i].num;
			m->den = q->m[i].den;
		}
	}
	return 0;
}

int pds_poly_add(struct pds_poly *p, const struct pds_poly *q)
{
	for (uint32_t i = 0; i < q->n; i++) {
		struct pds_mono *m = find_mono(p, &q->m[i]);

		if (!m) {
			if (push_mono(p, &q->m[i]))
				return PDS_CHK_E_NOMEM;
			continue;
		}
		add_frac(m, q->m[i].num, q->m[i].den);
		normalize(m);
	}
	return 0;
}

static struct pds_mono mono_mul(const struct pds_mono *a, const struct pds_mono *b)
{
	struct pds_mono m = {0};
	unsigned __int128 n = (unsigned __int128)a->num * b->num;
	unsigned __int128 d = (unsigned __int128)a->den * b->den;
	uint32_t i = 0, k = 0;

	while (n > SAT || d > SAT) {
		n = (n + 1) / 2 + 1;
		d = d / 2 ? d / 2 : 1;
	}
	m.num = (uint64_t)n;
	m.den = (uint64_t)d;
	m.overflow = a->overflow || b->overflow || a->nvars + b->nvars > 4;
	if (m.overflow) {
		/* degree over 4: kept as one "large" term that evaluates saturated */
		m.nvars = 0;
		return m;
	}
	while (i < a->nvars || k < b->nvars) {
		if (k >= b->nvars || (i < a->nvars && a->vars[i] <= b->vars[k]))
			m.vars[m.nvars++] = a->vars[i++];
		else
			m.vars[m.nvars++] = b->vars[k++];
	}
	normalize(&m);
	return m;
}

int pds_poly_mul(struct pds_poly *out, const struct pds_poly *a, const struct pds_poly *b)
{
	struct pds_poly r;

	pds_poly_init(&r);
	for (uint32_t i = 0; i < a->n; i++)
		for (uint32_t k = 0; k < b->n; k++) {
			struct pds_mono m = mono_mul(&a->m[i], &b->m[k]);
			struct pds_poly one = {.m = &m, .n = 1, .cap = 1};

			if (pds_poly_add(&r, &one)) {
				pds_poly_free(&r);
				return PDS_CHK_E_NOMEM;
			}
		}
	pds_poly_free(out);
	*out = r;
	return 0;
}

bool pds_poly_is_const(const struct pds_poly *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->m[i].nvars || p->m[i].overflow)
			return false;
	return true;
}

uint64_t pds_poly_eval(const struct pds_poly *p, const struct pds_quantities *q)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < p->n; i++) {
		const struct pds_mono *m = &p->m[i];
		uint64_t v = m->num;

		if (m->overflow)
			return SAT;
		for (uint32_t k = 0; k < m->nvars; k++)
			v = sat_mul(v, m->vars[k] && m->vars[k] <= q->n ? q->v[m->vars[k] - 1].max
									: SAT);
		if (v != SAT)
			v = v / m->den + (v % m->den != 0);
		total = sat_add(total, v);
	}
	return total;
}

static int mono_cmp(const void *x, const void *y)
{
	const struct pds_mono *a = x, *b = y;

	if (a->nvars != b->nvars)
		return a->nvars < b->nvars ? -1 : 1;
	return memcmp(a->vars, b->vars, sizeof(a->vars));
}

char *pds_poly_format(const struct pds_poly *p, const struct pds_quantities *q)
{
	struct pds_poly s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	pds_poly_init(&s);
	if (pds_poly_copy(&s, p) == 0)
		qsort(s.m, s.n, sizeof(*s.m), mono_cmp);
	for (uint32_t i = 0; i < s.n; i++) {
		const struct pds_mono *m = &s.m[i];

		fputs(i ? " + " : "", f);
		if (m->overflow) {
			fputs("(higher-degree terms)", f);
			continue;
		}
		if (m->nvars == 0 || m->num != 1 || m->den != 1)
			fprintf(f, "%llu", (unsigned long long)m->num);
		for (uint32_t k = 0; k < m->nvars; k++)
			fprintf(f, "%s%s", (k || m->num != 1 || m->den != 1) ? "·" : "",
				q->v[m->vars[k] - 1].name);
		if (m->den != 1)
			fprintf(f, "/%llu", (unsigned long long)m->den);
	}
	if (!s.n)
		fputs("0", f);
	pds_poly_free(&s);
	fclose(f);
	return buf;
}
