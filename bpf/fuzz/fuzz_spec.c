// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the spec parser (spec.c, docs/spec.md).
 *
 * Beyond the sanitizers: a spec comes back exactly when the code is 0; a
 * refused input produced an error diagnostic carrying that code; an accepted
 * spec declares each fact once, for getters only; and its facts, written back
 * in the canonical form (numeric keys, decimal numbers), parse to the same
 * facts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/spec.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	int code; /* code of the first error diagnostic, or 0 */
};

static void render(void *ctx, const struct pds_chk_diag *d)
{
	struct seen *s = ctx;
	char buf[512];

	if (pds_chk_diag_format(d, buf, sizeof(buf)) < 0 || !d->rule || !d->file || !d->message)
		abort();
	if (s && d->level == PDS_CHK_ERROR && !s->code)
		s->code = d->code;
}

static void check_unique(const struct pds_chk_facts *f)
{
	for (size_t i = 0; i < f->nranges; i++) {
		const struct pds_chk_fact_range *a = &f->ranges[i];

		if (!a->helper || strncmp(a->helper, "get_", 4))
			abort();
		for (size_t j = 0; j < i; j++) {
			const struct pds_chk_fact_range *b = &f->ranges[j];

			if (!strcmp(a->helper, b->helper) && a->key == b->key &&
			    a->has_param == b->has_param && (!a->has_param || a->param == b->param))
				abort();
		}
	}
	for (size_t i = 0; i < f->nlists; i++) {
		if (!f->lists[i].helper || strncmp(f->lists[i].helper, "get_", 4))
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->lists[i].helper, f->lists[j].helper) &&
			    f->lists[i].key == f->lists[j].key)
				abort();
	}
}

/* Writes the facts back as a spec; malloc'ed, *len set. */
static char *write_back(const struct pds_chk_facts *f, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (!out)
		abort();
	for (size_t i = 0; i < f->nranges; i++) {
		const struct pds_chk_fact_range *r = &f->ranges[i];

		fprintf(out, "range %s %u", r->helper, r->key);
		if (r->has_param)
			fprintf(out, " param %u", r->param);
		fprintf(out, " <= %" PRIu64 "\n", r->max);
	}
	for (size_t i = 0; i < f->nlists; i++)
		fprintf(out, "list %s %u: acyclic, length <= %" PRIu64 "\n", f->lists[i].helper,
			f->lists[i].key, f->lists[i].max_len);
	if (fclose(out))
		abort();
	return buf;
}

static void check_round_trip(const struct pds_chk_facts *f)
{
	struct pds_chk_diag_sink sink = {render, NULL};
	struct pds_chk_spec *again = NULL;
	const struct pds_chk_facts *g;
	size_t len;
	char *text = write_back(f, &len);

	if (pds_chk_spec_parse_mem(text, len, "again.spec", &sink, &again) || !again)
		abort();
	g = pds_chk_spec_facts(again);
	if (g->nranges != f->nranges || g->nlists != f->nlists)
		abort();
	for (size_t i = 0; i < f->nranges; i++)
		if (strcmp(g->ranges[i].helper, f->ranges[i].helper) ||
		    g->ranges[i].key != f->ranges[i].key ||
		    g->ranges[i].has_param != f->ranges[i].has_param ||
		    (f->ranges[i].has_param && g->ranges[i].param != f->ranges[i].param) ||
		    g->ranges[i].max != f->ranges[i].max)
			abort();
	for (size_t i = 0; i < f->nlists; i++)
		if (strcmp(g->lists[i].helper, f->lists[i].helper) ||
		    g->lists[i].key != f->lists[i].key ||
		    g->lists[i].max_len != f->lists[i].max_len)
			abort();
	pds_chk_spec_free(again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen seen = {0};
	struct pds_chk_diag_sink sink = {render, &seen};
	struct pds_chk_spec *spec = NULL;
	int rc;

	rc = pds_chk_spec_parse_mem((const char *)data, size, "fuzz.spec", &sink, &spec);
	if ((rc == 0) != (spec != NULL))
		abort();
	if (rc) {
		if (seen.code != rc)
			abort();
		return 0;
	}
	if (!pds_chk_spec_facts(spec))
		abort();
	check_unique(pds_chk_spec_facts(spec));
	check_round_trip(pds_chk_spec_facts(spec));
	pds_chk_spec_free(spec);
	return 0;
}
