// SPDX-License-Identifier: MIT
/*
 * Crash safety of the log: a child appends batches and reports each acknowledged
 * size through a pipe; the parent kills it with SIGKILL at a random moment, then
 * reopens the log (recovery), and checks that every acknowledged entry is there
 * with its exact bytes (the root equals the root of the expected entries), fsck
 * passes, and the checkpoint never went back and stays consistent with the last one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mk/cunit.h"
#include <pds/tlog.h>

#include "util_tlog.h"

#define RUNS 220
#define MAX_DELAY_US 25000
#define MAX_BATCH 24
#define TIME_BUDGET_S 50
#define PREFILL 1000

static struct ut_signer signer;

static size_t entry_of(uint64_t i, char *buf)
{
	return (size_t)snprintf(buf, 64, "crash entry %llu%.*s", (unsigned long long)i,
				(int)(i % 29), "-----------------------------");
}

/* The appender: never returns. */
static void child(const char *dir, int fd, unsigned seed)
{
	struct pds_tlog_opts o;
	struct pds_tlog *log;

	ut_opts(&o, &signer, 0);
	if (pds_tlog_open(dir, &o, &log) != 0)
		_exit(3);
	for (;;) {
		unsigned n = 1 + rand_r(&seed) % MAX_BATCH;
		uint64_t size;

		for (unsigned k = 0; k < n; k++) {
			char buf[64];
			size_t len = entry_of(pds_tlog_size(log) + pds_tlog_pending(log), buf);

			if (pds_tlog_append(log, buf, len, NULL) != 0)
				_exit(4);
		}
		if (pds_tlog_checkpoint(log) != 0)
			_exit(5);
		size = pds_tlog_size(log);
		if (write(fd, &size, sizeof(size)) != sizeof(size))
			_exit(6);
	}
}

/* Kill the child at a random point; return the largest size it acknowledged. */
static uint64_t run_once(const char *dir, unsigned *seed, int *status)
{
	uint64_t acked = 0, v;
	int fds[2];
	pid_t pid;
	ssize_t r;

	CU_ASSERT_FATAL(pipe(fds) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(dir, fds[1], rand_r(seed));
	}
	close(fds[1]);
	usleep((useconds_t)(rand_r(seed) % MAX_DELAY_US));
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	while ((r = read(fds[0], &v, sizeof(v))) == sizeof(v))
		acked = v > acked ? v : acked;
	close(fds[0]);
	return acked;
}

static void test_sigkill_appender(void)
{
	char *dir = ut_tmpdir("crash");
	struct ut_tree t = {0};
	struct pds_tlog_opts o;
	struct pds_tlog_hash prev_root, root, want, proof[PDS_TLOG_MAX_PROOF];
	uint64_t prev = 0, max_acked = 0;
	unsigned seed = (unsigned)time(NULL), runs = 0, killed = 0, bad = 0, torn = 0;
	char pending[512];
	time_t start = time(NULL);

	fprintf(stderr, "\n  crash seed %u\n", seed);
	ut_signer_init(&signer, 3);
	ut_opts(&o, &signer, 0);
	CU_ASSERT_FATAL(pds_tlog_init(dir, "crash.example/log", &o) == 0);
	/* Start past a full tile, so that batches also complete tiles and climb levels. */
	{
		struct pds_tlog *log = NULL;

		CU_ASSERT_FATAL(pds_tlog_open(dir, &o, &log) == 0);
		while (t.n < PREFILL) {
			char buf[64];
			size_t len = entry_of(t.n, buf);

			CU_ASSERT_FATAL(pds_tlog_append(log, buf, len, NULL) == 0);
			ut_tree_add(&t, buf, len);
		}
		CU_ASSERT_FATAL(pds_tlog_checkpoint(log) == 0);
		pds_tlog_root(log, &prev_root);
		prev = t.n;
		pds_tlog_free(log);
	}
	for (; runs < RUNS && time(NULL) - start < TIME_BUDGET_S; runs++) {
		struct pds_tlog *log = NULL;
		uint64_t acked, size;
		size_t len;
		int status = 0, err;

		acked = run_once(dir, &seed, &status);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
		if (WIFEXITED(status)) {
			fprintf(stderr, "appender exited with %d\n", WEXITSTATUS(status));
			bad++;
		}
		max_acked = acked > max_acked ? acked : max_acked;
		/* Killed inside a batch: recovery has an interrupted batch to undo or close. */
		snprintf(pending, sizeof(pending), "%s/.pending", dir);
		torn += access(pending, F_OK) == 0;
		err = pds_tlog_open(dir, &o, &log);
		CU_ASSERT_EQUAL_FATAL(err, 0);
		size = pds_tlog_size(log);
		/* Nothing acknowledged is lost; the checkpoint never goes back. */
		bad += size < max_acked;
		bad += size < prev;
		while (t.n < size) {
			char buf[64];

			ut_tree_add(&t, buf, entry_of(t.n, buf));
		}
		pds_tlog_root(log, &root);
		CU_ASSERT_EQUAL(pds_tlog_tree_hash(size, ut_tree_read, &t, &want), 0);
		bad += memcmp(root.b, want.b, 32) != 0;
		bad += pds_tlog_fsck(log) != 0;
		bad += pds_tlog_prove_tree(log, size, prev, proof, &len) != 0 ||
		       pds_tlog_verify_consistency(size, prev, proof, len, &root, &prev_root) != 0;
		prev = size;
		prev_root = root;
		pds_tlog_free(log);
		CU_ASSERT_EQUAL(bad, 0);
		if (bad) {
			fprintf(stderr, "run %u: size %llu, acked %llu\n", runs,
				(unsigned long long)size, (unsigned long long)max_acked);
			break;
		}
	}
	fprintf(stderr, "  %u runs, %u killed (%u inside a batch), log of %llu entries\n", runs,
		killed, torn, (unsigned long long)prev);
	CU_ASSERT(runs >= 200);
	CU_ASSERT(killed >= 200);
	/* The child did get work done between kills. */
	CU_ASSERT(prev > PREFILL);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

PDS_TEST_MAIN("tlog_crash", PDS_TEST(test_sigkill_appender))
