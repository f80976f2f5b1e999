// SPDX-License-Identifier: MIT
/*
 * The whole job end to end with the command-line tools, as `make demo` runs it
 * (mk/demo.sh): example plugins compiled and checked, one attested by two
 * verifiers, logged, cosigned by two witnesses, bundled and signed by a
 * packager, verified by a host under its policy and accepted; then one byte of
 * one object changed and the plugin refused.  The test runs the script against
 * the tools of the build under test and checks the outcome of each step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mk/cunit.h"

static char *output;

static int contains(const char *s)
{
	return output && strstr(output, s) != NULL;
}

static void test_demo(void)
{
	const char *build = getenv("PDS_TEST_BUILD_DIR");
	char dir[] = "/tmp/pds-demo-test.XXXXXX", cmd[2048], log[600];
	size_t len = 0, cap = 1 << 20;
	FILE *f;
	int status;

	CU_ASSERT_PTR_NOT_NULL_FATAL(build);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(log, sizeof(log), "%s/demo.log", dir);
	snprintf(cmd, sizeof(cmd), "sh mk/demo.sh '%s' '%s/out' > '%s' 2>&1", build, dir, log);
	status = system(cmd);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f = fopen(log, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	output = malloc(cap + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(output);
	len = fread(output, 1, cap, f);
	output[len] = 0;
	fclose(f);
	/* each step of the story, in the script's own words and the tools' */
	CU_ASSERT(contains("retransmit_scan.plugin: attested,"));
	CU_ASSERT(contains("cosigned"));
	CU_ASSERT(contains("2 cosignatures added"));
	CU_ASSERT(contains("proved against the checkpoint"));
	CU_ASSERT(contains("retransmit_scan.plugin.pds"));
	CU_ASSERT(contains("policy parses"));
	CU_ASSERT(contains("accepted: 2 objects"));
	CU_ASSERT(contains("\"accepted\":true"));
	CU_ASSERT(contains("refused [load/object-changed]"));
	CU_ASSERT(contains("### demo done"));
	if (!contains("### demo done"))
		fprintf(stderr, "\n%s\n", output + (len > 4000 ? len - 4000 : 0));
	free(output);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

PDS_TEST_MAIN("demo", PDS_TEST(test_demo))
