// SPDX-License-Identifier: MIT
/*
 * The log in a folder (tlog_store.c): batched appends, reopen, proofs read from
 * tiles against an in-memory tree, recovery of an interrupted batch, the lock,
 * the checkpoint signature, and fsck finding flipped bytes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mk/cunit.h"
#include <pds/tlog.h>

#include "util_tlog.h"

static struct ut_signer signer;

/* Entry i: a few bytes that vary in length, some empty. */
static size_t entry_of(uint64_t i, char *buf)
{
	if (i % 97 == 5)
		return 0;
	return (size_t)snprintf(buf, 64, "pds entry %llu %.*s", (unsigned long long)i,
				(int)(i % 23), "abcdefghijklmnopqrstuvw");
}

static struct pds_tlog *open_log(const char *dir, unsigned flags, struct ut_diags *d)
{
	struct pds_tlog_opts o;
	struct pds_tlog *log = NULL;
	int err;

	ut_opts(&o, &signer, flags);
	if (d) {
		o.sink.fn = ut_diag_sink;
		o.sink.ctx = d;
	}
	err = pds_tlog_open(dir, &o, &log);
	CU_ASSERT_EQUAL(err, 0);
	if (err)
		fprintf(stderr, "open %s: %d %s\n", dir, err, d ? d->last : "");
	return log;
}

static char *new_log(const char *tag)
{
	struct pds_tlog_opts o;
	char *dir = ut_tmpdir(tag);

	ut_signer_init(&signer, 7);
	ut_opts(&o, &signer, 0);
	CU_ASSERT_FATAL(pds_tlog_init(dir, "test.example/log", &o) == 0);
	return dir;
}

static void append_to(struct pds_tlog *log, struct ut_tree *t, uint64_t count)
{
	for (uint64_t k = 0; k < count; k++) {
		char buf[64];
		size_t len = entry_of(t->n, buf);
		uint64_t idx;

		CU_ASSERT_EQUAL_FATAL(pds_tlog_append(log, buf, len, &idx), 0);
		CU_ASSERT_EQUAL(idx, t->n);
		ut_tree_add(t, buf, len);
	}
}

static int read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	fclose(f);
	return 0;
}

static int exists(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

static void test_init(void)
{
	char *dir = new_log("init");
	char text[512], path[512];
	struct pds_tlog_opts o;
	struct pds_tlog *log;

	snprintf(path, sizeof(path), "%s/checkpoint", dir);
	CU_ASSERT_EQUAL(read_text(path, text, sizeof(text)), 0);
	/* tlog-checkpoint body: origin, size, base64 of SHA-256 of nothing. */
	CU_ASSERT_EQUAL(
		strncmp(text,
			"test.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
			65),
		0);
	ut_opts(&o, &signer, 0);
	CU_ASSERT_EQUAL(pds_tlog_init(dir, "test.example/log", &o), PDS_ATT_E_EXISTS);
	log = open_log(dir, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(pds_tlog_size(log), 0);
	CU_ASSERT_STRING_EQUAL(pds_tlog_origin(log), "test.example/log");
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_rmtree(dir);
	free(dir);
}

/* Proofs from the store equal those of the in-memory tree, and verify. */
static void check_against(struct pds_tlog *log, const struct ut_tree *t, uint64_t n, uint64_t m)
{
	struct pds_tlog_hash a[PDS_TLOG_MAX_PROOF], b[PDS_TLOG_MAX_PROOF], rn, rm, r2;
	size_t la, lb;

	CU_ASSERT_EQUAL_FATAL(pds_tlog_hash_at(log, n, &rn), 0);
	CU_ASSERT_EQUAL(pds_tlog_tree_hash(n, ut_tree_read, (void *)t, &r2), 0);
	CU_ASSERT_EQUAL(memcmp(rn.b, r2.b, 32), 0);
	for (uint64_t i = 0; i < n; i += 1 + n / 40) {
		struct pds_tlog_hash leaf;

		CU_ASSERT_EQUAL_FATAL(pds_tlog_prove(log, n, i, a, &la), 0);
		CU_ASSERT_EQUAL(pds_tlog_prove_inclusion(n, i, ut_tree_read, (void *)t, b, &lb), 0);
		CU_ASSERT_EQUAL_FATAL(la, lb);
		CU_ASSERT_EQUAL(memcmp(a, b, la * sizeof(a[0])), 0);
		CU_ASSERT_EQUAL(pds_tlog_leaf_at(log, i, &leaf), 0);
		CU_ASSERT_EQUAL(memcmp(leaf.b, t->leaf[i].b, 32), 0);
		CU_ASSERT_EQUAL(pds_tlog_verify_inclusion(n, i, &t->leaf[i], a, la, &rn), 0);
	}
	CU_ASSERT_EQUAL_FATAL(pds_tlog_hash_at(log, m, &rm), 0);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_prove_tree(log, n, m, a, &la), 0);
	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(n, m, ut_tree_read, (void *)t, b, &lb), 0);
	CU_ASSERT_EQUAL_FATAL(la, lb);
	CU_ASSERT_EQUAL(memcmp(a, b, la * sizeof(a[0])), 0);
	CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n, m, a, la, &rn, &rm), 0);
}

static void test_batches_and_reopen(void)
{
	static const uint64_t batches[] = {1, 7, 248, 256, 257, 1, 1000, 255, 1, 65, 2000, 3};
	uint64_t sizes[sizeof(batches) / sizeof(batches[0]) + 1] = {0};
	char *dir = new_log("batches");
	struct ut_tree t = {0};
	struct pds_tlog *log;
	size_t nb = sizeof(batches) / sizeof(batches[0]);

	log = open_log(dir, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	for (size_t b = 0; b < nb; b++) {
		struct pds_tlog_hash root, want;
		int calls = signer.calls;

		append_to(log, &t, batches[b]);
		CU_ASSERT_EQUAL(pds_tlog_pending(log), batches[b]);
		/* Nothing is visible before the checkpoint. */
		CU_ASSERT_EQUAL(pds_tlog_size(log), t.n - batches[b]);
		CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
		CU_ASSERT_EQUAL(signer.calls, calls + 1);
		CU_ASSERT_EQUAL(pds_tlog_size(log), t.n);
		pds_tlog_root(log, &root);
		ut_mth(t.leaf, 0, t.n, &want);
		CU_ASSERT_EQUAL(memcmp(root.b, want.b, 32), 0);
		sizes[b + 1] = t.n;
		/* Reopen every other batch: the state on disk alone must carry on. */
		if (b % 2) {
			pds_tlog_free(log);
			log = open_log(dir, 0, NULL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(log);
			CU_ASSERT_EQUAL(pds_tlog_size(log), t.n);
		}
	}
	CU_ASSERT_FALSE(exists(dir, ".pending"));
	/* tlog-tiles paths for 4094 entries: 15 full level-0 tiles, partial 15.p/254. */
	CU_ASSERT_EQUAL(t.n, 4094);
	CU_ASSERT_TRUE(exists(dir, "tile/0/000"));
	CU_ASSERT_TRUE(exists(dir, "tile/0/014"));
	CU_ASSERT_TRUE(exists(dir, "tile/0/015.p/254"));
	CU_ASSERT_FALSE(exists(dir, "tile/0/015"));
	CU_ASSERT_TRUE(exists(dir, "tile/1/000.p/15"));
	CU_ASSERT_TRUE(exists(dir, "tile/entries/014"));
	CU_ASSERT_TRUE(exists(dir, "tile/entries/015.p/254"));
	/* Older partial tiles stay for readers of older checkpoints (size 8: 000.p/8). */
	CU_ASSERT_TRUE(exists(dir, "tile/0/000.p/8"));

	for (size_t b = 1; b <= nb; b++)
		for (size_t a = 0; a <= b; a++)
			check_against(log, &t, sizes[b], sizes[a]);
	for (uint64_t i = 0; i < t.n; i += 13) {
		char want[64];
		size_t wlen = entry_of(i, want), len;
		uint8_t *e;

		CU_ASSERT_EQUAL_FATAL(pds_tlog_entry(log, i, &e, &len), 0);
		CU_ASSERT_EQUAL(len, wlen);
		CU_ASSERT_EQUAL(memcmp(e, want, len), 0);
		free(e);
	}
	CU_ASSERT_EQUAL(pds_tlog_entry(log, t.n, &(uint8_t *){NULL}, &(size_t){0}),
			PDS_ATT_E_TLOG_RANGE);
	CU_ASSERT_EQUAL(pds_tlog_prove(log, t.n + 1, 0, NULL, NULL), PDS_ATT_E_TLOG_RANGE);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);

	/* A reader sees the same tree. */
	log = open_log(dir, PDS_TLOG_RDONLY, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	check_against(log, &t, t.n, 1000);
	CU_ASSERT_EQUAL(pds_tlog_append(log, "x", 1, NULL), PDS_ATT_E_TLOG_READONLY);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

/* Flip one byte in a file of a good log: fsck must fail with code, naming the file. */
static void fsck_flip(const char *rel, long off, int code)
{
	char *dir = new_log("fsck");
	struct ut_diags d = {0};
	struct ut_tree t = {0};
	struct pds_tlog *log = open_log(dir, 0, NULL);
	char path[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	append_to(log, &t, 700);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
	pds_tlog_free(log);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	CU_ASSERT_EQUAL_FATAL(ut_flip_file(path, off, 3), 0);
	log = open_log(dir, PDS_TLOG_RDONLY, &d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), code);
	CU_ASSERT(d.count > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "tile/") ? d.last : strstr(d.last, "checkpoint"));
	if (strncmp(rel, "tile/", 5) == 0)
		CU_ASSERT(d.count > 0 && strstr(d.last, "[tlog/") != NULL);
	pds_tlog_free(log);
	/* The original bit restored, the log is whole again. */
	CU_ASSERT_EQUAL(ut_flip_file(path, off, 3), 0);
	log = open_log(dir, PDS_TLOG_RDONLY, NULL);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

static void test_fsck_flipped_tile(void)
{
	fsck_flip("tile/0/000", 32 * 17 + 5, PDS_ATT_E_TLOG_HASH);
	fsck_flip("tile/0/001", 0, PDS_ATT_E_TLOG_HASH);
	fsck_flip("tile/0/002.p/188", 32 * 187 + 31, PDS_ATT_E_TLOG_HASH);
	fsck_flip("tile/1/000.p/2", 40, PDS_ATT_E_TLOG_HASH);
}

static void test_fsck_flipped_bundle(void)
{
	/* Entry 0's data (after its 2-byte length), entry 3's, and a length prefix. */
	fsck_flip("tile/entries/000", 4, PDS_ATT_E_TLOG_HASH);
	fsck_flip("tile/entries/001", 5, PDS_ATT_E_TLOG_HASH);
	fsck_flip("tile/entries/000", 0, PDS_ATT_E_TLOG_BUNDLE);
	fsck_flip("tile/entries/002.p/188", 3, PDS_ATT_E_TLOG_HASH);
}

static void test_fsck_missing_and_truncated(void)
{
	char *dir = new_log("missing");
	struct ut_diags d = {0};
	struct ut_tree t = {0};
	struct pds_tlog *log = open_log(dir, 0, NULL);
	char path[512];

	append_to(log, &t, 600);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
	pds_tlog_free(log);
	snprintf(path, sizeof(path), "%s/tile/0/001", dir);
	CU_ASSERT_EQUAL(truncate(path, 32 * 255), 0);
	log = open_log(dir, PDS_TLOG_RDONLY, &d);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), PDS_ATT_E_TLOG_TILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "tile/0/001"));
	pds_tlog_free(log);
	snprintf(path, sizeof(path), "%s/tile/entries/000", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	log = open_log(dir, PDS_TLOG_RDONLY, &d);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), PDS_ATT_E_TLOG_MISSING);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

static void test_signature_and_lock(void)
{
	char *dir = new_log("sig");
	char path[512];
	struct ut_diags d = {0};
	struct pds_tlog_opts o;
	struct pds_tlog *log, *other = NULL;
	struct ut_signer stranger;

	struct ut_tree t = {0};

	log = open_log(dir, 0, NULL);
	append_to(log, &t, 3);
	ut_tree_free(&t);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint(log), 0);
	/* A second writer is refused while the first holds the lock; a reader is not. */
	ut_opts(&o, &signer, 0);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), PDS_ATT_E_TLOG_LOCKED);
	CU_ASSERT_PTR_NULL(other);
	ut_opts(&o, &signer, PDS_TLOG_RDONLY);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), 0);
	pds_tlog_free(other);
	pds_tlog_free(log);

	/* Another key's verifier refuses the checkpoint. */
	ut_signer_init(&stranger, 9);
	ut_opts(&o, &stranger, PDS_TLOG_RDONLY);
	o.sink.fn = ut_diag_sink;
	o.sink.ctx = &d;
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), PDS_ATT_E_TLOG_SIGNATURE);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "checkpoint"));
	/* No verifier at all is refused unless explicitly waived. */
	ut_opts(&o, &signer, PDS_TLOG_RDONLY);
	o.verify = NULL;
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), PDS_ATT_E_INVAL);
	o.flags |= PDS_TLOG_NO_VERIFY;
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), 0);
	pds_tlog_free(other);

	/* A flipped bit anywhere in the checkpoint fails its signature. */
	snprintf(path, sizeof(path), "%s/checkpoint", dir);
	for (long off = 0; off < 60; off += 7) {
		other = NULL;
		CU_ASSERT_EQUAL(ut_flip_file(path, off, 0), 0);
		ut_opts(&o, &signer, PDS_TLOG_RDONLY);
		CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), PDS_ATT_E_TLOG_SIGNATURE);
		CU_ASSERT_PTR_NULL(other);
		CU_ASSERT_EQUAL(ut_flip_file(path, off, 0), 0);
	}
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &other), 0);
	pds_tlog_free(other);
	ut_rmtree(dir);
	free(dir);
}

/* Write a file below dir. */
static void put(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *p = strchr(path + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_recovery(void)
{
	char *dir = new_log("recover");
	struct ut_tree t = {0};
	struct pds_tlog *log = open_log(dir, 0, NULL);
	static char junk[300 * 32];
	struct ut_diags d = {0};
	struct pds_tlog_opts o;
	struct pds_tlog *bad = NULL;

	append_to(log, &t, 300);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
	pds_tlog_free(log);

	/* An interrupted batch 300 -> 800: its files are on disk, the checkpoint is not. */
	memset(junk, 0xa5, sizeof(junk));
	put(dir, ".pending", "pds-tlog-pending/v1\n300\n800\n", 28);
	put(dir, "tile/0/001", junk, 256 * 32);
	put(dir, "tile/0/002", junk, 256 * 32);
	put(dir, "tile/0/003.p/32", junk, 32 * 32);
	put(dir, "tile/entries/003.p/32", junk, 100);
	put(dir, "tile/1/000.p/3", junk, 3 * 32);
	put(dir, ".tmp-1-2", junk, 10);
	log = open_log(dir, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(pds_tlog_size(log), 300);
	CU_ASSERT_FALSE(exists(dir, ".pending"));
	CU_ASSERT_FALSE(exists(dir, "tile/0/001"));
	CU_ASSERT_FALSE(exists(dir, "tile/0/002"));
	CU_ASSERT_FALSE(exists(dir, "tile/0/003.p/32"));
	CU_ASSERT_FALSE(exists(dir, "tile/entries/003.p/32"));
	CU_ASSERT_FALSE(exists(dir, "tile/1/000.p/3"));
	CU_ASSERT_FALSE(exists(dir, ".tmp-1-2"));
	/* What was committed is untouched. */
	CU_ASSERT_TRUE(exists(dir, "tile/0/000"));
	CU_ASSERT_TRUE(exists(dir, "tile/0/001.p/44"));
	CU_ASSERT_TRUE(exists(dir, "tile/1/000.p/1"));
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	append_to(log, &t, 500);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint(log), 0);
	check_against(log, &t, 800, 300);
	pds_tlog_free(log);

	/* A batch that did reach its checkpoint: only the record goes. */
	put(dir, ".pending", "pds-tlog-pending/v1\n300\n800\n", 28);
	log = open_log(dir, 0, NULL);
	CU_ASSERT_EQUAL(pds_tlog_size(log), 800);
	CU_ASSERT_FALSE(exists(dir, ".pending"));
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);

	/* A record that does not fit the checkpoint, or does not parse, is refused. */
	ut_opts(&o, &signer, 0);
	o.sink.fn = ut_diag_sink;
	o.sink.ctx = &d;
	put(dir, ".pending", "pds-tlog-pending/v1\n100\n200\n", 28);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, ".pending"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, ".pending:2:1:"));
	put(dir, ".pending", "pds-tlog-pending/v1\n0800\n900\n", 29);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, ".pending:2:1:"));
	put(dir, ".pending", "pds-tlog-pending/v1\n800\n900\nx", 29);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, ".pending:4:1:"));
	put(dir, ".pending", "pds-tlog-pending/v2\n800\n900\n", 28);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, ".pending:1:1:"));
	put(dir, ".pending", "pds-tlog-pending/v1\n800\n9\0\n", 27);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	put(dir, ".pending", "pds-tlog-pending/v1\n800\n800\n", 28);
	CU_ASSERT_EQUAL(pds_tlog_open(dir, &o, &bad), PDS_ATT_E_TLOG_PENDING);
	CU_ASSERT_PTR_NULL(bad);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

static void test_damaged_edge_blocks_appends(void)
{
	char *dir = new_log("edge");
	struct ut_tree t = {0};
	struct ut_diags d = {0};
	struct pds_tlog *log = open_log(dir, 0, NULL);
	char path[512];

	append_to(log, &t, 10);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
	pds_tlog_free(log);
	snprintf(path, sizeof(path), "%s/tile/0/000.p/10", dir);
	CU_ASSERT_EQUAL(ut_flip_file(path, 33, 1), 0);
	log = open_log(dir, 0, &d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(d.last_code, PDS_ATT_E_TLOG_ROOT);
	CU_ASSERT_EQUAL(pds_tlog_append(log, "x", 1, NULL), PDS_ATT_E_TLOG_ROOT);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint(log), PDS_ATT_E_TLOG_ROOT);
	CU_ASSERT_NOT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

static void test_entry_limits(void)
{
	char *dir = new_log("limits");
	struct pds_tlog *log = open_log(dir, 0, NULL);
	static uint8_t big[PDS_TLOG_MAX_ENTRY + 1];
	struct ut_tree t = {0};
	uint8_t *e;
	size_t len;

	CU_ASSERT_EQUAL(pds_tlog_append(log, big, sizeof(big), NULL), PDS_ATT_E_TLOG_ENTRY_SIZE);
	CU_ASSERT_EQUAL(pds_tlog_pending(log), 0);
	memset(big, 'z', sizeof(big));
	CU_ASSERT_EQUAL(pds_tlog_append(log, big, PDS_TLOG_MAX_ENTRY, NULL), 0);
	CU_ASSERT_EQUAL(pds_tlog_append(log, NULL, 0, NULL), 0);
	ut_tree_add(&t, big, PDS_TLOG_MAX_ENTRY);
	ut_tree_add(&t, "", 0);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint(log), 0);
	/* An empty batch re-signs the same tree. */
	CU_ASSERT_EQUAL(pds_tlog_checkpoint(log), 0);
	CU_ASSERT_EQUAL(pds_tlog_size(log), 2);
	CU_ASSERT_EQUAL(pds_tlog_entry(log, 0, &e, &len), 0);
	CU_ASSERT_EQUAL(len, PDS_TLOG_MAX_ENTRY);
	free(e);
	CU_ASSERT_EQUAL(pds_tlog_entry(log, 1, &e, &len), 0);
	CU_ASSERT_EQUAL(len, 0);
	free(e);
	check_against(log, &t, 2, 1);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

/* Past 65,536 entries: level-2 tiles, full level-1 tiles, proofs across all three. */
static void test_large_log(void)
{
	char *dir = new_log("large");
	struct ut_tree t = {0};
	struct pds_tlog *log = open_log(dir, 0, NULL);
	uint64_t sizes[8] = {0};
	int nb = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	for (uint64_t batch = 9000; t.n < 70000; batch += 1000) {
		append_to(log, &t, t.n + batch > 70000 ? 70000 - t.n : batch);
		CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint(log), 0);
		sizes[++nb] = t.n;
	}
	pds_tlog_free(log);
	CU_ASSERT_TRUE(exists(dir, "tile/1/000"));
	CU_ASSERT_TRUE(exists(dir, "tile/1/001.p/17"));
	CU_ASSERT_TRUE(exists(dir, "tile/2/000.p/1"));
	CU_ASSERT_TRUE(exists(dir, "tile/0/273.p/112"));
	log = open_log(dir, PDS_TLOG_RDONLY, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(pds_tlog_size(log), 70000);
	for (int b = 1; b <= nb; b++)
		check_against(log, &t, sizes[b], sizes[b - 1]);
	check_against(log, &t, 70000, 65536);
	check_against(log, &t, 65536, 1);
	CU_ASSERT_EQUAL(pds_tlog_fsck(log), 0);
	pds_tlog_free(log);
	ut_tree_free(&t);
	ut_rmtree(dir);
	free(dir);
}

PDS_TEST_MAIN("tlog_store", PDS_TEST(test_init), PDS_TEST(test_batches_and_reopen),
	      PDS_TEST(test_fsck_flipped_tile), PDS_TEST(test_fsck_flipped_bundle),
	      PDS_TEST(test_fsck_missing_and_truncated), PDS_TEST(test_signature_and_lock),
	      PDS_TEST(test_recovery), PDS_TEST(test_damaged_edge_blocks_appends),
	      PDS_TEST(test_entry_limits), PDS_TEST(test_large_log))
