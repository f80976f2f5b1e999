// SPDX-License-Identifier: MIT
/*
 * Verification benchmark: a five-pluglet plugin attested by two verifiers,
 * logged, cosigned by three witnesses, verified with pds_ldr_verify_plugin
 *   - warm: signatures remembered by the policy object (a host loading the
 *     plugin again, or another plugin under the same checkpoint);
 *   - cold: every signature checked, the state file read and locked;
 * beside, in the same run and interleaved:
 *   - hashing the files: open, read and SHA-256 the manifest and the objects;
 *   - the signature verifications the cold path must make: two Ed25519
 *     signatures on the attestation, the log's on the checkpoint, three
 *     witness cosignatures, on the same messages (libsodium);
 *   - the earlier design's check: the plugin's files hashed into a leaf, a
 *     SHA-256 Merkle path of 20 levels and one RSA-2048-PSS verification
 *     (OpenSSL), with libcrypto's SHA-256 and with libsodium's.
 * Two plugins: five pluglets of the median size (2.3 KB each), and five whose
 * sizes spread up to the largest real pluglet (1.2, 2.3, 2.3, 6 and 28 KB).
 * Targets: warm at least 10x faster than the earlier check and within 20% of
 * hashing the files; cold within 20% of the signature verifications.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <pds/checkpoint.h>
#include <pds/digest.h>
#include <pds/proof.h>

#include "loader/tests/util_fixture.h"

#define ROUNDS 7

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_verify: %s\n", what);
	exit(1);
}

/* ------------------------------------------------------------------ hashing the files */

static struct fx fx;
static char paths[1 + FX_MAX_OBJECTS][FX_PATH + 64];
static unsigned npaths;
static size_t total_bytes, manifest_bytes;

static void read_hash(const char *path, void (*sha)(const void *, size_t, uint8_t *),
		      uint8_t out[32])
{
	static char buf[64 << 10];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	ssize_t n;

	if (fd < 0 || fstat(fd, &sb) || (size_t)sb.st_size > sizeof(buf))
		die("cannot read a plugin file");
	n = read(fd, buf, (size_t)sb.st_size);
	close(fd);
	if (n != sb.st_size)
		die("short read");
	sha(buf, (size_t)n, out);
}

static volatile uint8_t sink[32];

static void hash_files(void)
{
	uint8_t d[32];

	for (unsigned i = 0; i < npaths; i++) {
		read_hash(paths[i], pds_sha256, d);
		sink[i % 32] ^= d[0];
	}
}

/* The host holds the bytes (it loads what it verified): no file is read. */
static struct pds_ldr_file held[FX_MAX_OBJECTS];
static char *held_manifest, *held_evidence;
static size_t held_manifest_len, held_evidence_len;

static void hold(void)
{
	held_manifest = fx_load(fx.manifest, &held_manifest_len);
	held_evidence = fx_load(fx.evidence, &held_evidence_len);
	if (!held_manifest || !held_evidence)
		die("cannot read the plugin");
	for (unsigned i = 0; i < fx.nobjects; i++) {
		held[i].name = fx.object_names[i];
		held[i].data = fx_load(paths[1 + i], &held[i].len);
		if (!held[i].data)
			die("cannot read an object");
	}
}

static void unhold(void)
{
	free(held_manifest);
	free(held_evidence);
	for (unsigned i = 0; i < fx.nobjects; i++)
		free((void *)held[i].data);
}

/* ------------------------------------------------------------------ signatures */

struct sigcheck {
	unsigned char *msg;
	size_t len;
	unsigned char sig[64];
	unsigned char pub[32];
};

static struct sigcheck sigs[8];
static unsigned nsigs;

static void add_sig(const char *prefix, const char *text, size_t len, const uint8_t *sig,
		    const struct pds_note_verifier *key)
{
	struct sigcheck *s = &sigs[nsigs++];
	size_t pl = strlen(prefix);

	s->msg = malloc(pl + len);
	if (!s->msg)
		die("out of memory");
	memcpy(s->msg, prefix, pl);
	memcpy(s->msg + pl, text, len);
	s->len = pl + len;
	memcpy(s->sig, sig, 64);
	memcpy(s->pub, key->pub, 32);
}

static const struct pds_note_sig *sig_by(const struct pds_note *n,
					 const struct pds_note_verifier *k)
{
	for (size_t i = 0; i < n->sig_count; i++)
		if (n->sigs[i].id == k->id && !strcmp(n->sigs[i].name, k->name))
			return &n->sigs[i];
	die("a signature is missing");
	return NULL;
}

/* The six Ed25519 checks a cold verification makes, on their exact messages. */
static void collect_signatures(void)
{
	struct pds_evidence *ev = NULL;
	struct pds_note_verifier k;
	size_t len;
	char *buf = fx_load(fx.evidence, &len), prefix[64];
	const struct pds_note *cp;

	if (!buf || pds_evidence_parse(buf, len, "bench.pds", NULL, &ev))
		die("cannot parse the evidence");
	for (int i = 0; i < 2; i++) {
		pds_note_signer_public(fx.verifier[i], &k);
		add_sig("", ev->note->text, ev->note->text_len, sig_by(ev->note, &k)->sig, &k);
	}
	cp = ev->proof->checkpoint;
	pds_note_signer_public(fx.log_key, &k);
	add_sig("", cp->text, cp->text_len, sig_by(cp, &k)->sig, &k);
	for (int i = 0; i < FX_WITNESSES; i++) {
		const struct pds_note_sig *s;

		pds_note_signer_public(fx.witness[i], &k);
		s = sig_by(cp, &k);
		snprintf(prefix, sizeof(prefix), "cosignature/v1\ntime %u\n", FX_NOW);
		add_sig(prefix, cp->text, cp->text_len, s->sig + 8, &k);
	}
	pds_evidence_free(ev);
	free(buf);
}

static void verify_signatures(void)
{
	for (unsigned i = 0; i < nsigs; i++)
		if (crypto_sign_verify_detached(sigs[i].sig, sigs[i].msg, sigs[i].len,
						sigs[i].pub) != 0)
			die("a reference signature does not verify");
}

/* ------------------------------------------------------------------ the earlier design */

/*
 * The earlier design puts each validated plugin in a Merkle tree and signs
 * the root: checking a plugin means hashing its files into the leaf, walking
 * the path to the root, and one RSA-2048-PSS verification of the root.
 * Without the first step nothing ties the check to the bytes in hand, so the
 * complete check is measured, with either SHA-256: libcrypto's (SHA-NI, the
 * one the loader uses) or libsodium's (portable C). The path and the RSA
 * verification alone are shown as a lower bound. The RSA key is parsed once,
 * as a long-running host would.
 */
typedef void (*sha256_fn)(const void *data, size_t len, uint8_t out[32]);

static void sha256_sodium(const void *data, size_t len, uint8_t out[32])
{
	crypto_hash_sha256(out, data, len);
}

static EVP_PKEY *rsa;
static unsigned char rsa_sig[256];
static size_t rsa_sig_len = sizeof(rsa_sig);
static uint8_t path_hashes[20][32], leaf[32], root[32];

static void merkle_root(const uint8_t from[32], uint8_t out[32])
{
	uint8_t buf[65], h[32];

	memcpy(h, from, 32);
	buf[0] = 1;
	for (int i = 0; i < 20; i++) {
		memcpy(buf + 1, (i & 1) ? path_hashes[i] : h, 32);
		memcpy(buf + 33, (i & 1) ? h : path_hashes[i], 32);
		pds_sha256(buf, 65, h);
	}
	memcpy(out, h, 32);
}

static int rsa_verify(const uint8_t msg[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, rsa) == 1 &&
		 EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		 EVP_DigestVerify(ctx, rsa_sig, rsa_sig_len, msg, 32) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* leaf = SHA-256(0x00 || SHA-256(manifest) || SHA-256(object) ...) */
static void leaf_of_files(sha256_fn sha, uint8_t out[32])
{
	uint8_t buf[1 + 32 * (1 + FX_MAX_OBJECTS)];

	buf[0] = 0;
	for (unsigned i = 0; i < npaths; i++)
		read_hash(paths[i], sha, buf + 1 + 32 * i);
	sha(buf, 1 + 32 * (size_t)npaths, out);
}

static void leaf_of_held(sha256_fn sha, uint8_t out[32])
{
	uint8_t buf[1 + 32 * (1 + FX_MAX_OBJECTS)];

	buf[0] = 0;
	sha(held_manifest, held_manifest_len, buf + 1);
	for (unsigned i = 0; i < fx.nobjects; i++)
		sha(held[i].data, held[i].len, buf + 33 + 32 * i);
	sha(buf, 33 + 32 * (size_t)fx.nobjects, out);
}

/* Each run signs a root over its own plugin (once, outside the timing). */
static void setup_earlier(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t other[32];

	if (!rsa)
		rsa = EVP_RSA_gen(2048);
	if (!rsa || !ctx)
		die("cannot make an RSA key");
	randombytes_buf(path_hashes, sizeof(path_hashes));
	leaf_of_files(pds_sha256, leaf);
	leaf_of_held(sha256_sodium, other);
	if (memcmp(leaf, other, 32))
		die("the two SHA-256 implementations disagree");
	merkle_root(leaf, root);
	rsa_sig_len = sizeof(rsa_sig);
	if (EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, rsa) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_DigestSign(ctx, rsa_sig, &rsa_sig_len, root, 32) != 1)
		die("cannot sign with RSA");
	EVP_MD_CTX_free(ctx);
}

static void earlier_finish(const uint8_t l[32])
{
	uint8_t r[32];

	merkle_root(l, r);
	if (memcmp(r, root, 32) || !rsa_verify(r))
		die("the earlier design's check fails");
}

static void earlier_path_only(void)
{
	earlier_finish(leaf);
}

static void earlier_files_shani(void)
{
	uint8_t l[32];

	leaf_of_files(pds_sha256, l);
	earlier_finish(l);
}

static void earlier_files_portable(void)
{
	uint8_t l[32];

	leaf_of_files(sha256_sodium, l);
	earlier_finish(l);
}

static void earlier_held_shani(void)
{
	uint8_t l[32];

	leaf_of_held(pds_sha256, l);
	earlier_finish(l);
}

static void earlier_held_portable(void)
{
	uint8_t l[32];

	leaf_of_held(sha256_sodium, l);
	earlier_finish(l);
}

/* ------------------------------------------------------------------ the loader */

static struct pds_ldr_policy *warm_policy, *cold_policy;
static struct pds_ldr_result res;

static void verify_with(struct pds_ldr_policy *p)
{
	if (pds_ldr_verify_plugin(p, fx.manifest, &res) != 0) {
		fprintf(stderr, "%s\n", res.message);
		die("the plugin is refused");
	}
}

static void warm(void)
{
	verify_with(warm_policy);
}

static void cold(void)
{
	verify_with(cold_policy);
}

static void hash_held(void)
{
	uint8_t d[32];

	pds_sha256(held_manifest, held_manifest_len, d);
	sink[0] ^= d[0];
	for (unsigned i = 0; i < fx.nobjects; i++) {
		pds_sha256(held[i].data, held[i].len, d);
		sink[1 + i] ^= d[0];
	}
}

static void verify_held(struct pds_ldr_policy *p)
{
	if (pds_ldr_verify_plugin_mem(p, "bench.plugin", held_manifest, held_manifest_len,
				      held_evidence, held_evidence_len, held, fx.nobjects,
				      &res) != 0) {
		fprintf(stderr, "%s\n", res.message);
		die("the plugin is refused");
	}
}

static void warm_held(void)
{
	verify_held(warm_policy);
}

static void cold_held(void)
{
	verify_held(cold_policy);
}

/* ------------------------------------------------------------------ timing */

struct measure {
	const char *name;
	void (*fn)(void);
	unsigned iters;
	double best[ROUNDS];
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(struct measure *m)
{
	qsort(m->best, ROUNDS, sizeof(double), cmp_double);
	return m->best[ROUNDS / 2];
}

static void setup(const size_t *sizes)
{
	struct pds_ldr_opts lo = {.sz = sizeof(lo), .now = FX_NOW};
	struct stat sb;

	npaths = nsigs = 0;
	total_bytes = 0;
	if (fx_setup_sizes(&fx, 5, sizes))
		die("cannot build the deployment");
	for (int i = 0; i < 20; i++)
		if (fx_attest(&fx, &(struct fx_attest_opts){0}))
			die("cannot attest");
	warm_policy = fx_policy(&fx, NULL);
	cold_policy = fx_policy(&fx, NULL);
	if (!warm_policy || !cold_policy || pds_ldr_policy_set(warm_policy, &lo))
		die("cannot load the policy");
	lo.no_cache = 1;
	if (pds_ldr_policy_set(cold_policy, &lo))
		die("cannot configure the policy");
	snprintf(paths[npaths++], sizeof(paths[0]), "%s", fx.manifest);
	for (unsigned i = 0; i < fx.nobjects; i++) {
		snprintf(paths[npaths++], sizeof(paths[0]), "%s/%s", fx.plugin_dir,
			 fx.object_names[i]);
		total_bytes += sizes[i];
	}
	if (stat(fx.manifest, &sb))
		die("no manifest");
	manifest_bytes = (size_t)sb.st_size;
	collect_signatures();
}

static void teardown(void)
{
	pds_ldr_policy_free(warm_policy);
	pds_ldr_policy_free(cold_policy);
	for (unsigned i = 0; i < nsigs; i++)
		free(sigs[i].msg);
	fx_teardown(&fx);
}

static void run(const char *title, const size_t *sizes)
{
	enum {
		HASH,
		WARM,
		COLD,
		SIGS,
		HELD_HASH,
		HELD_WARM,
		HELD_COLD,
		E_PATH,
		E_FILES_SHANI,
		E_FILES_PORTABLE,
		E_HELD_SHANI,
		E_HELD_PORTABLE,
		N
	};
	struct measure m[N] = {
		[HASH] = {"hash the files (read + SHA-256)", hash_files, 4000, {0}},
		[WARM] = {"warm verification", warm, 4000, {0}},
		[COLD] = {"cold verification", cold, 300, {0}},
		[SIGS] = {"its 6 Ed25519 verifications", verify_signatures, 300, {0}},
		[HELD_HASH] = {"SHA-256 of the bytes held in memory", hash_held, 4000, {0}},
		[HELD_WARM] = {"warm verification of the bytes held", warm_held, 4000, {0}},
		[HELD_COLD] = {"cold verification of the bytes held", cold_held, 300, {0}},
		[E_PATH] = {"earlier: path + RSA only (leaf given)", earlier_path_only, 2000, {0}},
		[E_FILES_SHANI] = {"earlier: files, SHA-NI", earlier_files_shani, 2000, {0}},
		[E_FILES_PORTABLE] = {"earlier: files, portable SHA-256", earlier_files_portable,
				      1000, {0}},
		[E_HELD_SHANI] = {"earlier: bytes held, SHA-NI", earlier_held_shani, 2000, {0}},
		[E_HELD_PORTABLE] = {"earlier: bytes held, portable SHA-256",
				     earlier_held_portable, 1000, {0}},
	};
	double t[N];

	setup(sizes);
	hold();
	setup_earlier();
	for (size_t i = 0; i < N; i++) /* warm-up, and the warm cache */
		for (unsigned k = 0; k < 20; k++)
			m[i].fn();
	for (int r = 0; r < ROUNDS; r++)
		for (size_t i = 0; i < N; i++) {
			double t0 = now();

			for (unsigned k = 0; k < m[i].iters; k++)
				m[i].fn();
			m[i].best[r] = (now() - t0) / m[i].iters;
		}
	printf("%s: %zu bytes of objects + %zu-byte manifest; median of %d rounds\n", title,
	       total_bytes, manifest_bytes, ROUNDS);
	for (size_t i = 0; i < N; i++) {
		t[i] = median(&m[i]);
		printf("  %-46s %9.2f us  %10.0f /s\n", m[i].name, t[i] * 1e6, 1.0 / t[i]);
	}
	printf("  ratios, from files:\n");
	printf("    warm / hashing the files               %6.2f  (target <= 1.20)\n",
	       t[WARM] / t[HASH]);
	printf("    cold / its signature checks            %6.2f  (target <= 1.20)\n",
	       t[COLD] / t[SIGS]);
	printf("    cold - signatures - hashing            %6.2f us\n",
	       (t[COLD] - t[SIGS] - t[HASH]) * 1e6);
	printf("    earlier (SHA-NI) / warm                %6.2f  (target >= 10)\n",
	       t[E_FILES_SHANI] / t[WARM]);
	printf("    earlier (portable SHA-256) / warm      %6.2f  (target >= 10)\n",
	       t[E_FILES_PORTABLE] / t[WARM]);
	printf("  ratios, bytes held:\n");
	printf("    warm / SHA-256 of the bytes            %6.2f  (target <= 1.20)\n",
	       t[HELD_WARM] / t[HELD_HASH]);
	printf("    cold / its signature checks            %6.2f  (target <= 1.20)\n",
	       t[HELD_COLD] / t[SIGS]);
	printf("    earlier (SHA-NI) / warm                %6.2f  (target >= 10)\n",
	       t[E_HELD_SHANI] / t[HELD_WARM]);
	printf("    earlier (portable SHA-256) / warm      %6.2f  (target >= 10)\n",
	       t[E_HELD_PORTABLE] / t[HELD_WARM]);
	printf("    earlier path + RSA alone / warm        %6.2f\n", t[E_PATH] / t[HELD_WARM]);
	unhold();
	teardown();
}

int main(void)
{
	static const size_t median5[5] = {2300, 2300, 2300, 2300, 2300};
	static const size_t spread5[5] = {1200, 2300, 2300, 6000, 28000};

	if (sodium_init() < 0)
		die("libsodium");
	run("five pluglets of the median size", median5);
	run("five pluglets up to the largest", spread5);
	EVP_PKEY_free(rsa);
	return 0;
}
