// SPDX-License-Identifier: MIT
/*
 * Log benchmarks: batched appends per second at 10k, 100k and 1M entries; one
 * epoch (append a batch and checkpoint it) at 32, 1,000 and 10,000 entries
 * against the earlier design that rebuilt its whole tree every epoch; proof
 * generation from tiles and proof verification at 1M entries; and a proof plus
 * its checkpoint's Ed25519 signature beside one bare signature verification.
 * Runs in a folder under $TMPDIR (or /tmp), removed at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/evp.h>
#include <sodium.h>

#include <pds/tlog.h>

#include "util_tlog.h"

#define ENTRY_LEN 256
#define TARGET_APPENDS 100000.0

static struct ut_signer signer;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void entry_of(uint64_t i, uint8_t *buf)
{
	memset(buf, (int)(i & 0xff), ENTRY_LEN);
	memcpy(buf, &i, sizeof(i));
}

static struct pds_tlog *open_log(const char *dir, unsigned flags)
{
	struct pds_tlog_opts o;
	struct pds_tlog *log;

	ut_opts(&o, &signer, flags);
	if (pds_tlog_open(dir, &o, &log) != 0) {
		fprintf(stderr, "bench: cannot open %s\n", dir);
		exit(1);
	}
	return log;
}

/* Append up to total entries in batches of batch; returns seconds. */
static double fill(struct pds_tlog *log, uint64_t total, uint64_t batch)
{
	uint8_t buf[ENTRY_LEN];
	double t0 = now();

	while (pds_tlog_size(log) < total) {
		uint64_t n =
			total - pds_tlog_size(log) < batch ? total - pds_tlog_size(log) : batch;

		for (uint64_t k = 0; k < n; k++) {
			entry_of(pds_tlog_size(log) + k, buf);
			if (pds_tlog_append(log, buf, sizeof(buf), NULL) != 0)
				exit(1);
		}
		if (pds_tlog_checkpoint(log) != 0)
			exit(1);
	}
	return now() - t0;
}

static char *fresh_log(void)
{
	struct pds_tlog_opts o;
	char *dir = ut_tmpdir("bench");

	ut_opts(&o, &signer, 0);
	if (pds_tlog_init(dir, "bench.example/log", &o) != 0)
		exit(1);
	return dir;
}

static void bench_appends(uint64_t batch)
{
	static const uint64_t sizes[] = {10000, 100000, 1000000};

	printf("batched appends (%d-byte entries, %llu per checkpoint, each batch synced):\n",
	       ENTRY_LEN, (unsigned long long)batch);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *dir = fresh_log();
		struct pds_tlog *log = open_log(dir, 0);
		double c0 = cpu(), s = fill(log, sizes[i], batch), rate = (double)sizes[i] / s;
		double c = cpu() - c0;

		printf("  %8llu entries: %7.3f s, %9.0f appends/s (%.2fx the %.0f/s target); "
		       "cpu %.3f s, %.0f/s\n",
		       (unsigned long long)sizes[i], s, rate, rate / TARGET_APPENDS, TARGET_APPENDS,
		       c, (double)sizes[i] / c);
		pds_tlog_free(log);
		ut_rmtree(dir);
		free(dir);
	}
}

static void bench_epochs(const char *dir)
{
	static const struct {
		uint64_t n;
		double python_ms;
	} epochs[] = {{32, 0.7}, {1000, 12.0}, {10000, 430.0}};
	struct pds_tlog *log = open_log(dir, 0);

	printf("one epoch on a log of %llu entries (append the batch, checkpoint it):\n",
	       (unsigned long long)pds_tlog_size(log));
	for (size_t i = 0; i < sizeof(epochs) / sizeof(epochs[0]); i++) {
		double c0 = cpu();
		double s = fill(log, pds_tlog_size(log) + epochs[i].n, epochs[i].n) * 1e3;
		double c = (cpu() - c0) * 1e3;

		printf("  %5llu plugins: %8.3f ms, cpu %.3f ms (earlier design rebuilt the tree: "
		       "%6.1f ms, %.1fx)\n",
		       (unsigned long long)epochs[i].n, s, c, epochs[i].python_ms,
		       epochs[i].python_ms / s);
	}
	pds_tlog_free(log);
}

static void bench_proofs(const char *dir)
{
	struct pds_tlog_hash proof[PDS_TLOG_MAX_PROOF], root, leaf;
	const int rounds = 2000;
	struct pds_tlog *log = open_log(dir, PDS_TLOG_RDONLY);
	uint64_t n = pds_tlog_size(log), seed = 12345;
	double gen = 0, ver = 0, cons = 0, bare = 0, full = 0;
	size_t len, note_len, total_len = 0;
	const char *note = pds_tlog_checkpoint_note(log, &note_len);
	unsigned char sig[64], msg[64] = {0};

	pds_tlog_root(log, &root);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), signer.sk);
	for (int r = 0; r < rounds; r++) {
		uint64_t i;
		double t0;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		i = (seed >> 11) % n;
		if (pds_tlog_leaf_at(log, i, &leaf) != 0)
			exit(1);
		t0 = now();
		if (pds_tlog_prove(log, n, i, proof, &len) != 0)
			exit(1);
		gen += now() - t0;
		total_len += len;
		t0 = now();
		if (pds_tlog_verify_inclusion(n, i, &leaf, proof, len, &root) != 0)
			exit(1);
		ver += now() - t0;
		/* the bare signature check runs next to the full one, under the same cache
		 * conditions (both right after a proof was generated from tiles) */
		t0 = now();
		if (crypto_sign_verify_detached(sig, msg, sizeof(msg), signer.pk) != 0)
			exit(1);
		bare += now() - t0;
		t0 = now();
		if (ut_verify(&signer, note, note_len) != 0 ||
		    pds_tlog_verify_inclusion(n, i, &leaf, proof, len, &root) != 0)
			exit(1);
		full += now() - t0;
		t0 = now();
		if (pds_tlog_prove_tree(log, n, 1 + i % (n - 1), proof, &len) != 0)
			exit(1);
		cons += now() - t0;
	}
	printf("proofs at %llu entries (%d random indexes, tiles read from disk, 16 tiles "
	       "cached per level):\n",
	       (unsigned long long)n, rounds);
	printf("  inclusion proof generation:   %8.2f us (%.1f hashes)\n", gen / rounds * 1e6,
	       (double)total_len / rounds);
	printf("  consistency proof generation: %8.2f us\n", cons / rounds * 1e6);
	printf("  inclusion proof verification: %8.2f us\n", ver / rounds * 1e6);
	printf("  proof + checkpoint signature: %8.2f us, bare Ed25519 verification %.2f us "
	       "(%.0f/s); overhead %.1f%% (target: within 10%%)\n",
	       full / rounds * 1e6, bare / rounds * 1e6, rounds / bare,
	       (full - bare) / bare * 100.0);
	pds_tlog_free(log);
}

/*
 * libsodium's portable SHA-256 against OpenSSL's libcrypto (SHA extensions when
 * the CPU has them) on node inputs (65 bytes: 0x01 || two hashes) and on entry
 * and object sizes; the log hashes through libcrypto (tlog_hash.c).
 */
static void bench_sha256(void)
{
	static const size_t sizes[] = {33, 65, 2048, 8192, 28672};
	static uint8_t buf[28672];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
	struct pds_tlog_hash a = {{0}}, b = {{1}}, h;
	uint8_t out[32];
	unsigned olen;

	if (!ctx || !md)
		exit(1);
	printf("SHA-256 (ns per hash):        libsodium   libcrypto   speed-up\n");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		int rounds = n < 100 ? 1000000 : 20000;
		double t0 = now(), ts, tc;

		for (int r = 0; r < rounds; r++) {
			buf[0] = (uint8_t)r;
			crypto_hash_sha256(out, buf, n);
		}
		ts = now() - t0;
		t0 = now();
		for (int r = 0; r < rounds; r++) {
			buf[0] = (uint8_t)r;
			if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
			    EVP_DigestUpdate(ctx, buf, n) != 1 ||
			    EVP_DigestFinal_ex(ctx, out, &olen) != 1)
				exit(1);
		}
		tc = now() - t0;
		printf("  %6zu bytes:              %9.0f   %9.0f   %6.1fx\n", n, ts / rounds * 1e9,
		       tc / rounds * 1e9, ts / tc);
	}
	double t0 = now();

	for (int r = 0; r < 1000000; r++) {
		a.b[0] = (uint8_t)r;
		pds_tlog_node_hash(&a, &b, &h);
	}
	printf("  pds_tlog_node_hash:          %.0f ns\n", (now() - t0) / 1000000 * 1e9);
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
}

int main(void)
{
	char *dir;
	double t0 = now();
	struct pds_tlog *log;

	ut_signer_init(&signer, 1);
	bench_sha256();
	bench_appends(1000);
	bench_appends(10000);
	dir = fresh_log();
	log = open_log(dir, 0);
	fill(log, 1000000, 10000);
	pds_tlog_free(log);
	bench_epochs(dir);
	bench_proofs(dir);
	ut_rmtree(dir);
	free(dir);
	printf("bench_tlog: %.1f s\n", now() - t0);
	return 0;
}
