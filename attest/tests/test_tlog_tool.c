// SPDX-License-Identifier: MIT
/*
 * pds-log as a program: every command, its output formats and its exit codes
 * (0 ok, 1 refused, 2 usage, 3 I/O or malformed, 4 locked), run from
 * $PDS_TEST_BUILD_DIR/bin against a log in a temp folder.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mk/cunit.h"
#include <pds/tlog.h>

#include "util_tlog.h"

static char *dir;
static char bin[PATH_MAX];
static char out[65536];

/* Run a shell command line; its stdout goes to out; returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return ut_shell(cmd, out, sizeof(out));
}

static void setup(void)
{
	const char *b = getenv("PDS_TEST_BUILD_DIR");
	char rel[512];

	snprintf(rel, sizeof(rel), "%s/bin", b ? b : "build/release");
	/* Absolute, since commands run from the temp folder. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, bin));
	if (!dir) {
		dir = ut_tmpdir("tool");
		CU_ASSERT_EQUAL_FATAL(run("cd %s && %s/pds-keygen log.example/t >/dev/null 2>&1 && "
					  "for i in 0 1 2 3; do echo \"entry $i\" > e$i; done",
					  dir, bin),
				      0);
	}
}

#define LOG(args) "%s/pds-log " args " 2>%s/err"

static void test_usage(void)
{
	setup();
	CU_ASSERT_EQUAL(run("%s/pds-log 2>/dev/null", bin), 2);
	CU_ASSERT_EQUAL(run("%s/pds-log frobnicate %s/L 2>/dev/null", bin, dir), 2);
	CU_ASSERT_EQUAL(run("%s/pds-log init %s/L 2>/dev/null", bin, dir), 2);
	CU_ASSERT_EQUAL(run("%s/pds-log --help", bin), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "consistency"));
	CU_ASSERT_EQUAL(run("%s/pds-log prove --pub %s/log.example_t.pub %s/L x 2>/dev/null", bin,
			    dir, dir),
			2);
}

static void test_init_append_prove_verify(void)
{
	setup();
	CU_ASSERT_EQUAL(run(LOG("init --key %s/log.example_t.key %s/L"), bin, dir, dir, dir), 0);
	CU_ASSERT_EQUAL(run(LOG("init --key %s/log.example_t.key %s/L"), bin, dir, dir, dir), 3);
	CU_ASSERT_EQUAL(run(LOG("append --key %s/log.example_t.key %s/L %s/e0 %s/e1 %s/e2"), bin,
			    dir, dir, dir, dir, dir, dir),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "e2: index 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "size 3\n"));
	CU_ASSERT_EQUAL(run(LOG("append --json --key %s/log.example_t.key %s/L %s/e3"), bin, dir,
			    dir, dir, dir),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"size\":4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"index\":3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"origin\":\"log.example/t\""));

	CU_ASSERT_EQUAL(run(LOG("prove --pub %s/log.example_t.pub %s/L 1 > %s/p1"), bin, dir, dir,
			    dir, dir),
			0);
	CU_ASSERT_EQUAL(run("head -2 %s/p1", dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "c2sp.org/tlog-proof@v1\nindex 1\n");
	CU_ASSERT_EQUAL(
		run(LOG("verify --pub %s/log.example_t.pub %s/e1 %s/p1"), bin, dir, dir, dir, dir),
		0);
	/* Another entry, or a proof with a changed hash, is refused. */
	CU_ASSERT_EQUAL(
		run(LOG("verify --pub %s/log.example_t.pub %s/e2 %s/p1"), bin, dir, dir, dir, dir),
		1);
	CU_ASSERT_EQUAL(run("sed '3s/^./%c/' %s/p1 > %s/p1bad; cmp -s %s/p1 %s/p1bad", 'A', dir,
			    dir, dir, dir),
			1);
	CU_ASSERT_EQUAL(run("sed -i '3s/^A/B/' %s/p1bad", dir), 0);
	CU_ASSERT_EQUAL(run(LOG("verify --pub %s/log.example_t.pub %s/e1 %s/p1bad"), bin, dir, dir,
			    dir, dir),
			1);
	CU_ASSERT_EQUAL(run(LOG("prove --pub %s/log.example_t.pub %s/L 4"), bin, dir, dir, dir), 3);

	CU_ASSERT_EQUAL(
		run(LOG("consistency --pub %s/log.example_t.pub %s/L 1"), bin, dir, dir, dir), 0);
	CU_ASSERT_EQUAL(strncmp(out, "old 1\n", 6), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\nlog.example/t\n4\n"));
	CU_ASSERT_EQUAL(run(LOG("checkpoint --key %s/log.example_t.key %s/L"), bin, dir, dir, dir),
			0);
	CU_ASSERT_EQUAL(strncmp(out, "log.example/t\n4\n", 16), 0);
}

static void test_fsck_and_lock(void)
{
	struct pds_tlog_opts o = {.sz = sizeof(o), .flags = PDS_TLOG_NO_VERIFY};
	struct pds_tlog *log = NULL;
	char path[512];

	setup();
	CU_ASSERT_EQUAL(run(LOG("fsck --pub %s/log.example_t.pub %s/L"), bin, dir, dir, dir), 0);
	CU_ASSERT_EQUAL(run(LOG("fsck --json --key %s/log.example_t.key %s/L"), bin, dir, dir, dir),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ok\":true"));
	/* A writer holds the lock: appends are refused with 4, readers go on. */
	snprintf(path, sizeof(path), "%s/L", dir);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_open(path, &o, &log), 0);
	CU_ASSERT_EQUAL(
		run(LOG("append --key %s/log.example_t.key %s/L %s/e0"), bin, dir, dir, dir, dir),
		4);
	CU_ASSERT_EQUAL(run(LOG("fsck --pub %s/log.example_t.pub %s/L"), bin, dir, dir, dir), 0);
	pds_tlog_free(log);
	/* A flipped byte in a tile: fsck refuses with 1 and names the tile. */
	snprintf(path, sizeof(path), "%s/L/tile/0/000.p/4", dir);
	CU_ASSERT_EQUAL_FATAL(ut_flip_file(path, 70, 2), 0);
	CU_ASSERT_EQUAL(run(LOG("fsck --pub %s/log.example_t.pub %s/L"), bin, dir, dir, dir), 1);
	CU_ASSERT_EQUAL(run("cat %s/err", dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "tile/0/000.p/4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[tlog/hash-mismatch]"));
	/* The wrong key: the checkpoint's signature is refused. */
	CU_ASSERT_EQUAL(
		run("cd %s && %s/pds-keygen log.example/t --file other >/dev/null 2>&1", dir, bin),
		0);
	CU_ASSERT_EQUAL(run(LOG("prove --pub %s/other.pub %s/L 0"), bin, dir, dir, dir), 1);
	ut_rmtree(dir);
	free(dir);
	dir = NULL;
}

PDS_TEST_MAIN("tlog_tool", PDS_TEST(test_usage), PDS_TEST(test_init_append_prove_verify),
	      PDS_TEST(test_fsck_and_lock))
