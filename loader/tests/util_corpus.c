// SPDX-License-Identifier: MIT
/* The termination corpus: reading each program's expectations, measuring its runs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/tests/util.h"

#define PQUIC_HEADER "bpf/tests/progs/pquic/pquic.h"

static const char *const verdicts[] = {"proven", "proven-assuming", "unknown", "fails"};

const char *pds_t_verdict_text(int v)
{
	return v >= 0 && v < 4 ? verdicts[v] : "?";
}

/* Value of an access-key name, from the #defines of pquic.h; -1 when unknown. */
static int64_t ak_value(const char *name)
{
	FILE *f = fopen(PQUIC_HEADER, "r");
	char line[256], def[128];
	unsigned long v;
	int64_t res = -1;

	if (!f)
		return -1;
	while (res < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "#define %127s %li", def, &v) == 2 && !strcmp(def, name))
			res = (int64_t)v;
	fclose(f);
	return res;
}

static int parse_key(const char *tok, uint16_t *key)
{
	char *end;
	unsigned long v = strtoul(tok, &end, 0);
	int64_t ak;

	if (end != tok && !*end && v <= 0xffff) {
		*key = (uint16_t)v;
		return 0;
	}
	ak = ak_value(tok);
	if (ak < 0 || ak > 0xffff)
		return -1;
	*key = (uint16_t)ak;
	return 0;
}

/* "range get_cnx AK_CNX_NB_PATHS [param] <= 16" or "list get_pkt AK_PKT_NEXT_PACKET <= 4096" */
static int parse_fact(struct pds_t_case *c, const char *text)
{
	char kind[16], helper[48], key[64], a[32], b[32], d[32];
	int n = sscanf(text, "%15s %47s %63s %31s %31s %31s", kind, helper, key, a, b, d);
	unsigned long long max;
	uint16_t k;
	char *end;

	if (n < 5 || c->facts.nranges == PDS_T_MAX_FACTS || c->facts.nlists == PDS_T_MAX_FACTS ||
	    parse_key(key, &k))
		return -1;
	if (!strcmp(kind, "range")) {
		struct pds_chk_fact_range *r = &c->ranges[c->facts.nranges];
		const char *op = n == 6 ? b : a, *val = n == 6 ? d : b;

		if (strcmp(op, "<=") || (n == 6 && parse_key(a, &r->param)))
			return -1;
		max = strtoull(val, &end, 0);
		if (*end)
			return -1;
		snprintf(c->range_helpers[c->facts.nranges], 48, "%s", helper);
		r->key = k;
		r->has_param = n == 6;
		r->max = max;
		c->facts.nranges++;
		return 0;
	}
	if (strcmp(kind, "list") || n != 5 || strcmp(a, "<="))
		return -1;
	max = strtoull(b, &end, 0);
	if (*end)
		return -1;
	snprintf(c->list_helpers[c->facts.nlists], 48, "%s", helper);
	c->lists[c->facts.nlists] = (struct pds_chk_fact_list){.key = k, .max_len = max};
	c->facts.nlists++;
	return 0;
}

static int parse_expect(struct pds_t_case *c, const char *t)
{
	char *end;

	if (!strncmp(t, "verdict=", 8)) {
		for (int v = 0; v < 4; v++)
			if (!strcmp(t + 8, verdicts[v]))
				c->verdict = v;
		return c->verdict < 0 ? -1 : 0;
	}
	if (!strncmp(t, "worst=", 6)) {
		c->worst = strtoull(t + 6, &end, 10);
		c->has_worst = 1;
		return *end || end == t + 6 ? -1 : 0;
	}
	if (!strcmp(t, "tight")) {
		c->tight = 1;
		return 0;
	}
	if (!strncmp(t, "loop-line=", 10)) {
		c->loop_line = (unsigned)strtoul(t + 10, &end, 10);
		return *end || !c->loop_line ? -1 : 0;
	}
	if (!strncmp(t, "rule=", 5) && t[5]) {
		snprintf(c->rule, sizeof(c->rule), "%s", t + 5);
		return 0;
	}
	return -1;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = 0;
}

static int parse_line(struct pds_t_case *c, char *line)
{
	char *p = strstr(line, "// PDS-");

	if (!p)
		return 0;
	chomp(p);
	if (!strncmp(p, "// PDS-EXPECT: ", 15))
		return parse_expect(c, p + 15);
	if (!strncmp(p, "// PDS-FACT: ", 13))
		return parse_fact(c, p + 13);
	if (!strncmp(p, "// PDS-RUN: ", 12) && !c->has_run) {
		snprintf(c->run, sizeof(c->run), "%s", p + 12);
		c->has_run = 1;
		return 0;
	}
	return -1;
}

/* Every expectation a case needs for its verdict. */
static const char *missing(const struct pds_t_case *c)
{
	if (c->verdict < 0)
		return "verdict";
	if (c->verdict <= PDS_VERDICT_PROVEN_ASSUMING && (!c->has_worst || !c->has_run))
		return "worst and a PDS-RUN scenario";
	if (c->verdict >= PDS_VERDICT_UNKNOWN && !c->loop_line)
		return "loop-line";
	return NULL;
}

static int load_case(struct pds_t_case *c)
{
	FILE *f = fopen(c->src, "r");
	char line[1024];
	unsigned lineno = 0;
	const char *miss;
	int err = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open\n", c->src);
		return -1;
	}
	c->verdict = -1;
	while (!err && fgets(line, sizeof(line), f)) {
		lineno++;
		err = parse_line(c, line);
	}
	fclose(f);
	if (err) {
		fprintf(stderr, "%s:%u: malformed expectation\n", c->src, lineno);
		return -1;
	}
	miss = missing(c);
	if (miss) {
		fprintf(stderr, "%s: no %s written\n", c->src, miss);
		return -1;
	}
	return 0;
}

static int add_dir(const char *sub, enum pds_chk_profile profile, struct pds_t_case **cases,
		   size_t *n)
{
	const char *bpfdir = getenv("PDS_TEST_BPF_DIR");
	char dir[128];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(dir, sizeof(dir), "bpf/tests/progs/%s", sub);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: cannot open folder\n", dir);
		return -1;
	}
	while (!err && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct pds_t_case *c, *nc;

		if (len < 3 || strcmp(de->d_name + len - 2, ".c"))
			continue;
		nc = realloc(*cases, (*n + 1) * sizeof(*nc));
		if (!nc) {
			err = -1;
			break;
		}
		*cases = nc;
		c = memset(&nc[*n], 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s/%.*s", sub, (int)(len - 2), de->d_name);
		snprintf(c->src, sizeof(c->src), "%s/%s", dir, de->d_name);
		snprintf(c->obj, sizeof(c->obj), "%s/%s/%.*s.o", bpfdir ? bpfdir : "build/bpf", dir,
			 (int)(len - 2), de->d_name);
		c->profile = profile;
		err = load_case(c);
		(*n)++;
	}
	closedir(d);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pds_t_case *)a)->name, ((const struct pds_t_case *)b)->name);
}

/* The facts point into their case: set once the array no longer moves. */
static void link_facts(struct pds_t_case *c)
{
	c->facts.ranges = c->ranges;
	c->facts.lists = c->lists;
	for (size_t i = 0; i < c->facts.nranges; i++)
		c->ranges[i].helper = c->range_helpers[i];
	for (size_t i = 0; i < c->facts.nlists; i++)
		c->lists[i].helper = c->list_helpers[i];
}

int pds_t_corpus_load(struct pds_t_case **cases, size_t *n)
{
	int err;

	*cases = NULL;
	*n = 0;
	err = add_dir("term", PDS_CHK_PROFILE_PQUIC, cases, n);
	if (!err)
		err = add_dir("kterm", PDS_CHK_PROFILE_KERNEL, cases, n);
	if (!err)
		qsort(*cases, *n, sizeof(**cases), by_name);
	for (size_t i = 0; !err && i < *n; i++)
		link_facts(&(*cases)[i]);
	if (err) { /* nothing half-read is handed out: each test then fails alike */
		free(*cases);
		*cases = NULL;
		*n = 0;
	}
	return err;
}

int pds_t_case_run(const struct pds_t_case *c, uint64_t budget, struct pds_ldr_run *run)
{
	struct pds_chk_obj *obj = pds_t_open(c->obj, c->profile);
	struct pds_t_scen *s;
	char err[160];
	int rc;

	if (!obj)
		return PDS_LDR_E_IO;
	s = pds_t_scen_parse(c->run, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s: PDS-RUN: %s\n", c->src, err);
		pds_chk_obj_free(obj);
		return PDS_LDR_E_INVAL;
	}
	rc = pds_t_scen_run(pds_chk_obj_prog(obj, 0), c->profile, s, budget, run);
	pds_t_scen_free(s);
	pds_chk_obj_free(obj);
	return rc;
}

/* One case: 0 when the run agrees with what the source says. */
static int measure_one(const struct pds_t_case *c)
{
	int terminates = c->verdict <= PDS_VERDICT_PROVEN_ASSUMING;
	struct pds_ldr_run run;
	int rc;

	if (!c->has_run) {
		printf("  %-34s %-16s (no scenario)\n", c->name, pds_t_verdict_text(c->verdict));
		return 0;
	}
	rc = pds_t_case_run(c, PDS_T_RUNAWAY, &run);
	printf("  %-34s %-16s run %-20s insns %-9llu worst %llu\n", c->name,
	       pds_t_verdict_text(c->verdict), pds_ldr_rule(rc), (unsigned long long)run.insns,
	       (unsigned long long)c->worst);
	if (terminates)
		return rc || run.insns != c->worst;
	return rc != PDS_LDR_E_VM_BUDGET;
}

int pds_t_corpus_measure(const struct pds_t_case *cases, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++)
		if (measure_one(&cases[i])) {
			printf("  ^ MISMATCH %s\n", cases[i].name);
			bad++;
		}
	return bad;
}
