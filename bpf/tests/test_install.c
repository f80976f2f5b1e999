// SPDX-License-Identifier: MIT
/*
 * `make install` into a temporary prefix, then what a user of the installed
 * library does: pkg-config finds pdscheck, a small program compiles against the
 * installed headers and links against the installed library, once shared and
 * once static, and runs; `make uninstall` removes every file again.
 *
 * The release flavour is installed whatever flavour runs the test (a sanitized
 * build has no shared libraries), so the make that runs here gets a clean
 * environment: no MAKEFLAGS, no SAN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

#define CMD_MAX 16384

/* Uses the spec parser and the rule table: both must come from the installed library.  It
 * prints which libpdscheck it runs with, from its own memory map. */
static const char tiny_src[] =
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"#include <pds/analysis.h>\n"
	"#include <pds/check.h>\n"
	"#include <pds/manifest.h>\n"
	"#include <pds/spec.h>\n"
	"int main(void)\n"
	"{\n"
	"	static const char ok[] = \"range get_cnx AK_CNX_NB_PATHS <= 16\\n\";\n"
	"	static const char bad[] = \"ranges get_cnx\\n\";\n"
	"	struct pds_chk_spec *s = NULL, *t = NULL;\n"
	"	char line[512];\n"
	"	FILE *maps;\n"
	"	int e1 = pds_chk_spec_parse_mem(ok, strlen(ok), \"ok\", NULL, &s);\n"
	"	int e2 = pds_chk_spec_parse_mem(bad, strlen(bad), \"bad\", NULL, &t);\n"
	"	const struct pds_chk_facts *f = pds_chk_spec_facts(s);\n"
	"	printf(\"%d %zu %llu %s\\n\", e1, f ? f->nranges : 0,\n"
	"	       f && f->nranges ? (unsigned long long)f->ranges[0].max : 0ull,\n"
	"	       pds_chk_rule(e2));\n"
	"	pds_chk_spec_free(s);\n"
	"	maps = fopen(\"/proc/self/maps\", \"r\");\n"
	"	while (maps && fgets(line, sizeof(line), maps))\n"
	"		if (strstr(line, \"libpdscheck\")) {\n"
	"			printf(\"mapped %s\", strchr(line, '/'));\n"
	"			break;\n"
	"		}\n"
	"	if (maps)\n"
	"		fclose(maps);\n"
	"	return e1 == 0 && t == NULL ? 0 : 1;\n"
	"}\n";

static char *dir, prefix[512];

static void path_of(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", prefix, rel);
}

static int exists(const char *rel)
{
	char p[CMD_MAX];
	struct stat st;

	path_of(p, sizeof(p), rel);
	return lstat(p, &st) == 0;
}

/* Runs a shell command; its standard output (and error) goes into out. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	if (!p)
		return -1;
	while (n + 1 < size) {
		size_t k = fread(out + n, 1, size - 1 - n, p);

		if (!k)
			break;
		n += k;
	}
	out[n] = '\0';
	return pclose(p);
}

static int make(const char *target, char *out, size_t size)
{
	char cmd[CMD_MAX];

	snprintf(cmd, sizeof(cmd),
		 "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN make -s --no-print-directory %s "
		 "PREFIX='%s' DESTDIR= 2>&1",
		 target, prefix);
	return run(cmd, out, size);
}

static const char *const installed[] = {
	"bin/pds-check",
	"lib/libpdscheck.a",
	"lib/libpdscheck.so",
	"lib/libpdscheck.so.0",
	"include/pds/check.h",
	"include/pds/chk_errors.h",
	"include/pds/spec.h",
	"include/pds/analysis.h",
	"include/pds/manifest.h",
	"lib/pkgconfig/pdscheck.pc",
	"share/man/man1/pds-check.1",
	"bin/pds-verify",
	"lib/libpdsload.a",
	"lib/libpdsload.so.0",
	"lib/libpdsattest.so.0",
	"include/pds/load.h",
	"include/pds/pquic_hook.h",
	"include/pds/attestation.h",
	"lib/pkgconfig/pdsload.pc",
	"lib/pkgconfig/pdsattest.pc",
	"share/man/man1/pds-verify.1",
};

/* A host of libpdsload: a policy refused at its first line, with its code and rule. */
static const char host_src[] =
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"#include <pds/load.h>\n"
	"int main(void)\n"
	"{\n"
	"	static const char text[] = \"log not-a-key\\n\";\n"
	"	static struct pds_ldr_result res;\n"
	"	struct pds_ldr_policy *p = NULL;\n"
	"	int err = pds_ldr_policy_parse(text, strlen(text), \"host.policy\", &p, &res);\n"
	"	printf(\"%d %u %s\\n\", err, res.line, pds_ldr_rule(err));\n"
	"	return p != NULL;\n"
	"}\n";

static void test_install_use_uninstall(void)
{
	char out[CMD_MAX], cmd[CMD_MAX], src[1024], flags[1024], pc[1024], expect[1024];
	size_t n;
	int rc;

	dir = pds_t_mkdtemp();
	CU_ASSERT_FATAL(dir != NULL);
	snprintf(prefix, sizeof(prefix), "%s/prefix", dir);

	rc = make("install", out, sizeof(out));
	if (rc)
		printf("\n%s", out);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	for (size_t i = 0; i < sizeof(installed) / sizeof(installed[0]); i++) {
		if (!exists(installed[i]))
			printf("\n    missing after install: %s", installed[i]);
		CU_ASSERT(exists(installed[i]));
	}

	/* pkg-config answers with the prefix installed into, not the build's. */
	snprintf(pc, sizeof(pc), "PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config", prefix);
	snprintf(cmd, sizeof(cmd), "%s --cflags --libs pdscheck", pc);
	CU_ASSERT_EQUAL_FATAL(run(cmd, flags, sizeof(flags)), 0);
	n = strlen(flags);
	if (n && flags[n - 1] == '\n')
		flags[n - 1] = '\0';
	snprintf(expect, sizeof(expect), "-I%s/include", prefix);
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, expect));
	snprintf(expect, sizeof(expect), "-L%s/lib", prefix);
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, expect));
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, "-lpdscheck"));

	snprintf(src, sizeof(src), "%s/tiny.c", dir);
	CU_ASSERT_EQUAL_FATAL(pds_t_write_file(src, tiny_src, sizeof(tiny_src) - 1), 0);

	/* Shared: found through the rpath, mapped from the prefix. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cc -std=c11 -Wall -Wextra -Werror tiny.c %s -Wl,-rpath,'%s/lib' "
		 "-o tiny_shared 2>&1 && ./tiny_shared 2>&1",
		 dir, flags, prefix);
	rc = run(cmd, out, sizeof(out));
	printf("\n    shared: %s", out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 1 16 spec/syntax\n"));
	snprintf(expect, sizeof(expect), "mapped %s/lib/libpdscheck.so.0", prefix);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, expect));

	/* Static: the archive, with the private requirements pkg-config --static lists. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cc -std=c11 -Wall -Wextra -Werror tiny.c $(%s --cflags pdscheck) "
		 "'%s/lib/libpdscheck.a' $(%s --static --libs pdscheck | sed 's/-lpdscheck//') "
		 "-o tiny_static 2>&1 && ./tiny_static 2>&1",
		 dir, pc, prefix, pc);
	rc = run(cmd, out, sizeof(out));
	printf("    static: %s", out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 1 16 spec/syntax\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "mapped"));

	/* libpdsload, shared then static (its archives and their requirements). */
	snprintf(src, sizeof(src), "%s/host.c", dir);
	CU_ASSERT_EQUAL_FATAL(pds_t_write_file(src, host_src, sizeof(host_src) - 1), 0);
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s' && cc -std=c11 -Wall -Wextra -Werror host.c $(%s --cflags --libs pdsload) "
		"-Wl,-rpath,'%s/lib' -o host_shared 2>&1 && ./host_shared 2>&1",
		dir, pc, prefix);
	rc = run(cmd, out, sizeof(out));
	printf("    pdsload shared: %s", out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "102 1 policy/bad-key\n"));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cc -std=c11 -Wall -Wextra -Werror host.c $(%s --cflags pdsload) "
		 "'%s/lib/libpdsload.a' '%s/lib/libpdsattest.a' '%s/lib/libpdscheck.a' "
		 "$(%s --static --libs pdsload | sed 's/-lpds[a-z]*//g') -o host_static 2>&1 && "
		 "./host_static 2>&1",
		 dir, pc, prefix, prefix, prefix, pc);
	rc = run(cmd, out, sizeof(out));
	printf("    pdsload static: %s", out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "102 1 policy/bad-key\n"));

	rc = make("uninstall", out, sizeof(out));
	if (rc)
		printf("\n%s", out);
	CU_ASSERT_EQUAL(rc, 0);
	for (size_t i = 0; i < sizeof(installed) / sizeof(installed[0]); i++) {
		if (exists(installed[i]))
			printf("\n    left after uninstall: %s", installed[i]);
		CU_ASSERT_FALSE(exists(installed[i]));
	}
	pds_t_rm_rf(dir);
	free(dir);
}

PDS_TEST_MAIN("install", PDS_TEST(test_install_use_uninstall))
