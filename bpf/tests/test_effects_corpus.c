// SPDX-License-Identifier: MIT
/*
 * The side-effect corpus: C pluglets in bpf/tests/progs/effects/, each naming its
 * protoop and what the analysis must find against the built-in PQUIC specs:
 *   // PDS-PROTOOP: <protoop>
 *   // PDS-EFFECTS: verdict=ok|unknown|violation
 *   // PDS-EFFECTS: rule=<rule id>   line=<source line of the call or store>
 *   // PDS-EFFECTS: writes=<setter>:<key>@<object>,...   (ok cases: the exact write set)
 * The specs are the built-in PQUIC ones plus bpf/tests/data/effects.spec.
 * No violating pluglet may be reported ok, and every benign one must be.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>
#include <pds/effects.h>
#include <pds/spec.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

struct expect {
	char protoop[64];
	char verdict[16];
	char rule[64];
	unsigned line;
	char writes[512];
	int has_writes;
};

static int parse_expect(const char *src, struct expect *e)
{
	FILE *f = fopen(src, "r");
	char buf[1024];

	memset(e, 0, sizeof(*e));
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *p;

		buf[strcspn(buf, "\n")] = '\0';
		if ((p = strstr(buf, "PDS-PROTOOP: ")))
			snprintf(e->protoop, sizeof(e->protoop), "%s", p + 13);
		if ((p = strstr(buf, "PDS-EFFECTS: verdict=")))
			snprintf(e->verdict, sizeof(e->verdict), "%s", p + 21);
		if ((p = strstr(buf, "PDS-EFFECTS: rule=")))
			snprintf(e->rule, sizeof(e->rule), "%s", p + 18);
		if ((p = strstr(buf, "PDS-EFFECTS: line=")))
			e->line = (unsigned)atoi(p + 18);
		if ((p = strstr(buf, "PDS-EFFECTS: writes="))) {
			snprintf(e->writes, sizeof(e->writes), "%s", p + 20);
			e->has_writes = 1;
		}
	}
	fclose(f);
	return e->protoop[0] && e->verdict[0] ? 0 : -1;
}

static void write_set(const struct pds_chk_effects_report *r, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nwrites && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%s:%s@%s", i ? "," : "",
				       r->writes[i].setter, r->writes[i].key, r->writes[i].object);
}

static int check_one(const char *name, const struct pds_chk_spec *spec)
{
	char src[512], *obj_path, got[512];
	struct expect e;
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_PQUIC};
	struct pds_chk_effects_opts eo = {.sz = sizeof(eo), .spec = spec};
	struct pds_chk_effects_report *r = NULL;
	struct pds_chk_obj *obj = NULL;
	int ok = 1, found = 0;

	snprintf(src, sizeof(src), "bpf/tests/progs/effects/%s.c", name);
	CU_ASSERT_FATAL(parse_expect(src, &e) == 0);
	snprintf(got, sizeof(got), "effects/%s", name);
	obj_path = pds_t_prog_path(got);
	CU_ASSERT_FATAL(obj_path != NULL);
	CU_ASSERT_FATAL(pds_chk_obj_open(obj_path, &oo, &obj) == 0);
	eo.protoop = e.protoop;
	CU_ASSERT_FATAL(pds_chk_effects(pds_chk_obj_prog(obj, 0), &eo, &r) == 0);
	ok &= !strcmp(pds_chk_effects_verdict_name(r->verdict), e.verdict);
	for (size_t i = 0; e.rule[0] && i < r->nfindings; i++)
		found |= !strcmp(r->findings[i].rule, e.rule) && r->findings[i].has_loc &&
			 (!e.line || r->findings[i].loc.line == e.line);
	if (e.rule[0])
		ok &= found;
	write_set(r, got, sizeof(got));
	if (e.has_writes)
		ok &= !strcmp(got, e.writes);
	printf("\n  %-24s %-28s expected %-9s got %-9s%s%s writes [%s]", name, e.protoop, e.verdict,
	       pds_chk_effects_verdict_name(r->verdict), e.rule[0] ? " rule " : "", e.rule, got);
	CU_ASSERT(ok);
	pds_chk_effects_report_free(r);
	pds_chk_obj_free(obj);
	free(obj_path);
	return ok;
}

static void test_corpus(void)
{
	struct pds_chk_spec *spec = NULL;
	DIR *d = opendir("bpf/tests/progs/effects");
	struct dirent *de;
	int n = 0, violations = 0, benign = 0;

	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_FATAL(pds_chk_spec_builtin(NULL, &spec) == 0);
	/* test protoops that grant I/O and protoop calls */
	CU_ASSERT_FATAL(pds_chk_spec_add_file(spec, "bpf/tests/data/effects.spec", NULL) == 0);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256];
		struct expect e;
		char src[512];

		if (len < 3 || strcmp(de->d_name + len - 2, ".c"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), de->d_name);
		snprintf(src, sizeof(src), "bpf/tests/progs/effects/%s", de->d_name);
		if (parse_expect(src, &e) == 0) {
			violations += !strcmp(e.verdict, "violation");
			benign += !strcmp(e.verdict, "ok");
		}
		check_one(name, spec);
		n++;
	}
	closedir(d);
	printf("\n  %d pluglets: %d violating, %d benign\n", n, violations, benign);
	CU_ASSERT(n >= 30 && violations >= 14 && benign >= 14);
	pds_chk_spec_free(spec);
}

PDS_TEST_MAIN("effects corpus", PDS_TEST(test_corpus))
