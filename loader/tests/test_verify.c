// SPDX-License-Identifier: MIT
/*
 * libpdsload verification: the accepted path and the attack suite.  Every
 * attack builds a deployment (util_fixture.h), breaks one thing the way an
 * attacker would, and requires the refusal code that names that thing; the
 * accepted path is also checked against every bit flip and truncation of its
 * evidence, manifest and objects.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include <pds/bundle.h>
#include <pds/pquic_hook.h>

#include "loader/tests/util_fixture.h"
#include "mk/cunit.h"

#define OBJECTS 5
#define OBJECT_SIZE 2300

static struct pds_ldr_result res;

/* A deployment whose log holds six attestations; the last one is on disk. */
static void setup(struct fx *f)
{
	struct fx_attest_opts o = {0};

	CU_ASSERT_FATAL(fx_setup(f, OBJECTS, OBJECT_SIZE) == 0);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_FATAL(fx_attest(f, &o) == 0);
}

static struct pds_ldr_policy *policy(struct fx *f, const char *extra)
{
	struct pds_ldr_opts lo = {.sz = sizeof(lo), .now = FX_NOW};
	struct pds_ldr_policy *p = fx_policy(f, extra);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FATAL(pds_ldr_policy_set(p, &lo) == 0);
	return p;
}

/* Verifies the fixture's plugin; on an unexpected code prints the message. */
static int verify_expect(struct pds_ldr_policy *p, const char *manifest, int want)
{
	int err = pds_ldr_verify_plugin(p, manifest, &res);

	CU_ASSERT_EQUAL(err, res.code);
	if (err != want)
		fprintf(stderr, "\n    want %s, got %s: %s\n", pds_ldr_rule(want),
			pds_ldr_rule(err), res.message);
	/* A refusal names a file and gives a reason. */
	if (err) {
		CU_ASSERT(res.file[0] != 0);
		CU_ASSERT(res.message[0] != 0);
	}
	return err;
}

/* Fresh deployment, optional policy lines, one breakage, then the expected code. */
static void attack(const char *extra, void (*breakage)(struct fx *f), int want)
{
	struct fx f;
	struct pds_ldr_policy *p;

	setup(&f);
	p = policy(&f, extra);
	if (breakage)
		breakage(&f);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, want), want);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

static void attest_with(struct fx *f, const struct fx_attest_opts *o)
{
	CU_ASSERT_FATAL(fx_attest(f, o) == 0);
}

/* ------------------------------------------------------------------ file edits */

static char *slurp(const char *path, size_t *len)
{
	char *buf = fx_load(path, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	return buf;
}

/* Replaces the first occurrence of from with to in the file. */
static void edit_file(const char *path, const char *from, const char *to)
{
	size_t len, fl = strlen(from), tl = strlen(to);
	char *buf = slurp(path, &len), *hit = strstr(buf, from), *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
	out = malloc(len - fl + tl + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memcpy(out, buf, (size_t)(hit - buf));
	memcpy(out + (hit - buf), to, tl);
	memcpy(out + (hit - buf) + tl, hit + fl, len - (size_t)(hit - buf) - fl);
	CU_ASSERT_FATAL(fx_write(path, out, len - fl + tl) == 0);
	free(out);
	free(buf);
}

/*
 * Flips one bit of the signature bytes on the line "— name …" of the file
 * (skip: bytes of key id and timestamp before them), keeping base64 canonical.
 */
static void flip_signature(const char *path, const char *name, size_t skip)
{
	char prefix[128], b64[256], *line, *end, *buf;
	unsigned char raw[128];
	size_t len, rawlen = 0, n;

	buf = slurp(path, &len);
	snprintf(prefix, sizeof(prefix), "\xe2\x80\x94 %s ", name);
	line = strstr(buf, prefix);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	line += strlen(prefix);
	end = strchr(line, '\n');
	n = (size_t)(end - line);
	CU_ASSERT_FATAL(n < sizeof(b64));
	memcpy(b64, line, n);
	b64[n] = 0;
	CU_ASSERT_FATAL(sodium_base642bin(raw, sizeof(raw), b64, n, NULL, &rawlen, NULL,
					  sodium_base64_VARIANT_ORIGINAL) == 0);
	raw[4 + skip + 10] ^= 0x20;
	sodium_bin2base64(b64, sizeof(b64), raw, rawlen, sodium_base64_VARIANT_ORIGINAL);
	CU_ASSERT_FATAL(strlen(b64) == n);
	memcpy(line, b64, n);
	CU_ASSERT_FATAL(fx_write(path, buf, len) == 0);
	free(buf);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = slurp(from, &len);

	CU_ASSERT_FATAL(fx_write(to, buf, len) == 0);
	free(buf);
}

/* ------------------------------------------------------------------ accepted */

static void test_accept(void)
{
	struct fx f;
	struct pds_ldr_policy *p;

	setup(&f);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_STRING_EQUAL(res.plugin, "be.example.demo");
	CU_ASSERT_STRING_EQUAL(res.origin, "log.example/pds");
	CU_ASSERT_EQUAL(res.objects, OBJECTS);
	CU_ASSERT_EQUAL(res.index, 5);
	CU_ASSERT_EQUAL(res.tree_size, 6);
	CU_ASSERT_EQUAL(res.max_bound, 1000 + OBJECTS - 1);
	CU_ASSERT_STRING_EQUAL(res.verifiers, "v0,v1");
	CU_ASSERT_EQUAL(res.witnesses, 3);
	CU_ASSERT_EQUAL(res.checkpoint_time, FX_NOW);
	CU_ASSERT_EQUAL(res.cached_signatures, 0);
	/* Again: the signatures come from the cache, the verdict is the same. */
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_EQUAL(res.cached_signatures, 1);
	CU_ASSERT_EQUAL(res.tree_size, 6);
	pds_ldr_policy_free(p);

	/* A new policy object (a restarted host) reads the state it left. */
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_EQUAL(res.cached_signatures, 0);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* The demo's story: accepted, then one byte of one object changes. */
static void test_one_byte_changed(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char path[FX_PATH + 64];
	size_t len;
	char *buf;

	setup(&f);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	snprintf(path, sizeof(path), "%s/%s", f.plugin_dir, f.object_names[3]);
	buf = slurp(path, &len);
	buf[len / 2] ^= 1;
	CU_ASSERT_FATAL(fx_write(path, buf, len) == 0);
	/* The cache remembers signatures, never files. */
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_OBJECT_DIGEST),
			PDS_LDR_E_OBJECT_DIGEST);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.file, "pluglet3.o"));
	buf[len / 2] ^= 1;
	CU_ASSERT_FATAL(fx_write(path, buf, len) == 0);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	free(buf);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* Policies that relax what the fixture's plugin needs still accept it. */
static void test_accept_variants(void)
{
	static const char *const extras[] = {
		"max-bound 1004\n",
		"max-checkpoint-age 1h\n",
		"accept-termination proven,budget\n",
		"max-object-size 4k\nmax-manifest-size 1k\n",
	};

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		attack(extras[i], NULL, 0);
}

/* ------------------------------------------------------------------ signatures */

static void forge_signature(struct fx *f)
{
	flip_signature(f->evidence, "verifier1.example", 0);
}

static void test_forged_signature(void)
{
	attack(NULL, forge_signature, PDS_LDR_E_ATT_BAD_SIG);
}

static void sign_unknown(struct fx *f)
{
	struct fx_attest_opts o = {.signers = 1u << 3};

	attest_with(f, &o);
}

static void test_unknown_key(void)
{
	attack(NULL, sign_unknown, PDS_LDR_E_ATT_UNTRUSTED);
}

static void sign_v1_v2(struct fx *f)
{
	struct fx_attest_opts o = {.signers = 6};

	attest_with(f, &o);
}

static void sign_v0_alone(struct fx *f)
{
	struct fx_attest_opts o = {.signers = 1};

	attest_with(f, &o);
}

static void sign_v0_v2(struct fx *f)
{
	struct fx_attest_opts o = {.signers = 5};

	attest_with(f, &o);
}

static void test_formula_unsatisfied(void)
{
	attack(NULL, sign_v1_v2, PDS_LDR_E_FORMULA);
	attack(NULL, sign_v0_alone, PDS_LDR_E_FORMULA);
	/* v0 & v2 satisfies "v0 & (v1 | v2)" too */
	attack(NULL, sign_v0_v2, 0);
}

/* ------------------------------------------------------------------ coverage */

static void swap_object(struct fx *f)
{
	char a[FX_PATH + 64], b[FX_PATH + 64];

	snprintf(a, sizeof(a), "%s/%s", f->plugin_dir, f->object_names[3]);
	snprintf(b, sizeof(b), "%s/%s", f->plugin_dir, f->object_names[2]);
	copy_file(a, b);
}

static void test_object_swapped(void)
{
	attack(NULL, swap_object, PDS_LDR_E_OBJECT_DIGEST);
}

static void change_manifest_line(struct fx *f)
{
	edit_file(f->manifest, "be.example.demo\n", "be.example.demo rate_unlimited\n");
}

static void test_manifest_line_changed(void)
{
	attack(NULL, change_manifest_line, PDS_LDR_E_MANIFEST_DIGEST);
}

static void move_to_protoop(struct fx *f)
{
	edit_file(f->manifest, "update_rtt replace", "stream_opened replace");
}

static void move_to_anchor(struct fx *f)
{
	edit_file(f->manifest, "update_rtt replace", "update_rtt post");
}

static void test_pluglet_moved(void)
{
	attack(NULL, move_to_protoop, PDS_LDR_E_PLUGLET_MISMATCH);
	attack(NULL, move_to_anchor, PDS_LDR_E_PLUGLET_MISMATCH);
}

static void add_pluglet(struct fx *f)
{
	edit_file(f->manifest, "update_rtt replace pluglet0.o\n",
		  "update_rtt replace pluglet0.o\nstream_opened post pluglet0.o\n");
}

static void test_extra_pluglet(void)
{
	attack(NULL, add_pluglet, PDS_LDR_E_COVERAGE);
}

static void other_plugin(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->plugin = "be.example.other";
}

static void take_other_attestation(struct fx *f)
{
	struct fx_attest_opts o = {.mutate = other_plugin};

	attest_with(f, &o);
}

static void test_attestation_of_other_plugin(void)
{
	attack(NULL, take_other_attestation, PDS_LDR_E_PLUGIN_ID);
}

static void lone(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->has_manifest = 0;
}

static void lone_object(struct fx *f)
{
	struct fx_attest_opts o = {.mutate = lone};

	attest_with(f, &o);
}

static void test_lone_object_attestation(void)
{
	attack(NULL, lone_object, PDS_LDR_E_LONE_OBJECT);
}

static void version_2(struct fx *f)
{
	struct fx_attest_opts o = {.version = "pds-attestation/v2"};

	attest_with(f, &o);
}

static void test_unknown_version(void)
{
	attack(NULL, version_2, PDS_LDR_E_ATT_VERSION);
}

static void drop_evidence(struct fx *f)
{
	CU_ASSERT_FATAL(unlink(f->evidence) == 0);
}

static void test_missing_evidence(void)
{
	attack(NULL, drop_evidence, PDS_LDR_E_EVIDENCE_MISSING);
}

static void pad_manifest(struct fx *f)
{
	char pad[2100];

	memset(pad, 'x', sizeof(pad));
	pad[0] = '#';
	pad[sizeof(pad) - 1] = 0;
	edit_file(f->manifest, "update_rtt", pad);
}

static void test_oversize_manifest(void)
{
	attack("max-manifest-size 2k\n", pad_manifest, PDS_LDR_E_MANIFEST_SIZE);
}

/* An object replaced by a link to a copy outside the plugin's folder. */
static void link_outside(struct fx *f)
{
	char obj[FX_PATH + 64], copy[FX_PATH + 64];

	snprintf(obj, sizeof(obj), "%s/%s", f->plugin_dir, f->object_names[1]);
	snprintf(copy, sizeof(copy), "%s/outside.o", f->root);
	copy_file(obj, copy);
	CU_ASSERT_FATAL(unlink(obj) == 0);
	CU_ASSERT_FATAL(symlink(copy, obj) == 0);
}

static void drop_object(struct fx *f)
{
	char obj[FX_PATH + 64];

	snprintf(obj, sizeof(obj), "%s/%s", f->plugin_dir, f->object_names[4]);
	CU_ASSERT_FATAL(unlink(obj) == 0);
}

/* A link inside the folder is followed: the bytes are what is checked. */
static void link_inside(struct fx *f)
{
	char obj[FX_PATH + 64], copy[FX_PATH + 64];

	snprintf(obj, sizeof(obj), "%s/%s", f->plugin_dir, f->object_names[1]);
	snprintf(copy, sizeof(copy), "%s/copy.bin", f->plugin_dir);
	copy_file(obj, copy);
	CU_ASSERT_FATAL(unlink(obj) == 0);
	CU_ASSERT_FATAL(symlink("copy.bin", obj) == 0);
}

static void test_objects_outside_or_missing(void)
{
	attack(NULL, link_outside, PDS_LDR_E_MANIFEST);
	attack(NULL, drop_object, PDS_LDR_E_MANIFEST);
	attack(NULL, link_inside, 0);
}

static void test_oversize_object(void)
{
	attack("max-object-size 2k\n", NULL, PDS_LDR_E_OBJECT_SIZE);
}

/* ------------------------------------------------------------------ proofs and logs */

static void drop_proof_hash(struct fx *f)
{
	size_t len;
	char *buf = slurp(f->evidence, &len), *idx = strstr(buf, "\nindex "), *h1, *h2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
	h1 = strchr(idx + 1, '\n') + 1; /* first hash line */
	h2 = strchr(h1, '\n') + 1;
	CU_ASSERT_FATAL(*h2 != '\n'); /* at least two hashes */
	memmove(h1, h2, len - (size_t)(h2 - buf) + 1);
	CU_ASSERT_FATAL(fx_write(f->evidence, buf, strlen(buf)) == 0);
	free(buf);
}

static void swap_proof_hashes(struct fx *f)
{
	size_t len;
	char *buf = slurp(f->evidence, &len), *idx = strstr(buf, "\nindex "), *h1, *h2, tmp[45];

	CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
	h1 = strchr(idx + 1, '\n') + 1;
	h2 = h1 + 45;
	CU_ASSERT_FATAL(h1[44] == '\n' && h2[44] == '\n');
	memcpy(tmp, h1, 45);
	memcpy(h1, h2, 45);
	memcpy(h2, tmp, 45);
	CU_ASSERT_FATAL(fx_write(f->evidence, buf, len) == 0);
	free(buf);
}

static void other_index(struct fx *f)
{
	edit_file(f->evidence, "\nindex 5\n", "\nindex 4\n");
}

static void test_proof_attacks(void)
{
	attack(NULL, drop_proof_hash, PDS_LDR_E_INCLUSION);
	attack(NULL, swap_proof_hashes, PDS_LDR_E_INCLUSION);
	attack(NULL, other_index, PDS_LDR_E_INCLUSION);
}

static void other_log(struct fx *f)
{
	char dir[FX_PATH + 16];

	snprintf(dir, sizeof(dir), "%s/rogue-log", f->root);
	CU_ASSERT_FATAL(fx_use_log(f, dir, f->verifier[3], "rogue.example/log") == 0);
	attest_with(f, &(struct fx_attest_opts){0});
}

static void test_unknown_log(void)
{
	attack(NULL, other_log, PDS_LDR_E_LOG_UNKNOWN);
}

static void log_key_forged(struct fx *f)
{
	char dir[FX_PATH + 16];

	snprintf(dir, sizeof(dir), "%s/forged-log", f->root);
	CU_ASSERT_FATAL(fx_use_log(f, dir, f->verifier[3], "log.example/pds") == 0);
	attest_with(f, &(struct fx_attest_opts){0});
}

static void test_checkpoint_not_signed_by_log(void)
{
	attack(NULL, log_key_forged, PDS_LDR_E_CHECKPOINT_SIG);
}

static void one_witness(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.witnesses = 1});
}

static void no_witness(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.witnesses = FX_NONE});
}

static void test_missing_cosignatures(void)
{
	attack(NULL, one_witness, PDS_LDR_E_WITNESS_QUORUM);
	attack(NULL, no_witness, PDS_LDR_E_WITNESS_QUORUM);
}

static void forge_cosignature(struct fx *f)
{
	flip_signature(f->evidence, "witness1.example", 8);
}

static void test_forged_cosignature(void)
{
	attack(NULL, forge_cosignature, PDS_LDR_E_WITNESS_BAD_SIG);
}

static void old_cosignatures(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.cosign_time = FX_NOW - 3 * 86400});
}

static void test_stale_checkpoint(void)
{
	attack("max-checkpoint-age 1d\n", old_cosignatures, PDS_LDR_E_STALE);
	attack("max-checkpoint-age 4d\n", old_cosignatures, 0);
}

static void test_rollback(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char old[FX_PATH + 16], seen[FX_PATH + 16];

	CU_ASSERT_FATAL(fx_setup(&f, OBJECTS, OBJECT_SIZE) == 0);
	snprintf(old, sizeof(old), "%s/old.pds", f.root);
	snprintf(seen, sizeof(seen), "%s/seen.pds", f.root);
	for (int i = 0; i < 3; i++)
		attest_with(&f, &(struct fx_attest_opts){.out = old});
	attest_with(&f, &(struct fx_attest_opts){.out = seen});
	for (int i = 0; i < 3; i++)
		attest_with(&f, &(struct fx_attest_opts){0});
	p = policy(&f, NULL);
	/* size 4 accepted first, then size 8 */
	copy_file(seen, f.evidence);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_EQUAL(res.tree_size, 4);
	attest_with(&f, &(struct fx_attest_opts){0});
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_EQUAL(res.tree_size, 8);
	/* size 4 again: accepted before, still acceptable */
	copy_file(seen, f.evidence);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	/* size 3, never accepted, older than 9: a rollback */
	copy_file(old, f.evidence);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_ROLLBACK), PDS_LDR_E_ROLLBACK);
	pds_ldr_policy_free(p);
	/* the state is on disk: a restarted host refuses it too */
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_ROLLBACK), PDS_LDR_E_ROLLBACK);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

static void later(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->time += 1;
}

static void test_split_view(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char dir[FX_PATH + 16];

	setup(&f);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	/* The same log key shows another history of the same size. */
	snprintf(dir, sizeof(dir), "%s/fork", f.root);
	CU_ASSERT_FATAL(fx_use_log(&f, dir, NULL, NULL) == 0);
	for (int i = 0; i < 6; i++)
		attest_with(&f, &(struct fx_attest_opts){.mutate = later});
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_SPLIT_VIEW), PDS_LDR_E_SPLIT_VIEW);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* The fixture's policy with "quorum none": witnesses listed, none required. */
static char *no_quorum_policy(struct fx *f)
{
	char *text = fx_policy_text(f, NULL), *q, *out = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	q = strstr(text, "quorum wq\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	*q = 0;
	CU_ASSERT_FATAL(asprintf(&out, "%squorum none\n%s", text, q + 10) > 0);
	free(text);
	return out;
}

/* Without witnesses, a newer checkpoint cannot be taken on the log's word alone. */
static void test_unwitnessed_advance(void)
{
	struct pds_ldr_opts lo = {.sz = sizeof(lo), .now = FX_NOW};
	struct pds_ldr_policy *p = NULL;
	struct fx f;
	char *text;

	setup(&f);
	text = no_quorum_policy(&f);
	CU_ASSERT_FATAL(pds_ldr_policy_parse(text, strlen(text), "nowit.policy", &p, &res) == 0);
	CU_ASSERT_FATAL(pds_ldr_policy_set(p, &lo) == 0);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	attest_with(&f, &(struct fx_attest_opts){.witnesses = FX_NONE});
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_UNWITNESSED_ADVANCE),
			PDS_LDR_E_UNWITNESSED_ADVANCE);
	pds_ldr_policy_free(p);
	free(text);
	fx_teardown(&f);
}

/* The consistency request pds-log consistency prints, from the fixture's log. */
static char *advance_request(struct fx *f, uint64_t old, int tamper)
{
	struct pds_tlog_hash proof[64];
	size_t n = 64, cp_len, len = 0;
	const char *cp;
	char *out = malloc(8192), b64[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_FATAL(pds_tlog_prove_tree(f->log, pds_tlog_size(f->log), old, proof, &n) == 0);
	if (tamper && n)
		proof[n - 1].b[3] ^= 1;
	len += (size_t)snprintf(out, 8192, "old %llu\n", (unsigned long long)old);
	for (size_t i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), proof[i].b, 32, sodium_base64_VARIANT_ORIGINAL);
		len += (size_t)snprintf(out + len, 8192 - len, "%s\n", b64);
	}
	cp = pds_tlog_checkpoint_note(f->log, &cp_len);
	len += (size_t)snprintf(out + len, 8192 - len, "\n%.*s", (int)cp_len, cp);
	return out;
}

/* Without witnesses, a consistency proof moves the state forward. */
static void test_advance_with_consistency_proof(void)
{
	struct pds_ldr_opts lo = {.sz = sizeof(lo), .now = FX_NOW};
	struct pds_ldr_policy *p = NULL;
	struct fx f;
	char *text, *req;

	setup(&f);
	text = no_quorum_policy(&f);
	CU_ASSERT_FATAL(pds_ldr_policy_parse(text, strlen(text), "nowit.policy", &p, &res) == 0);
	CU_ASSERT_FATAL(pds_ldr_policy_set(p, &lo) == 0);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	for (int i = 0; i < 3; i++)
		attest_with(&f, &(struct fx_attest_opts){.witnesses = FX_NONE});
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_UNWITNESSED_ADVANCE),
			PDS_LDR_E_UNWITNESSED_ADVANCE);
	/* a proof from the wrong size, then a damaged proof, then the right one */
	req = advance_request(&f, 5, 0);
	CU_ASSERT_EQUAL(pds_ldr_advance(p, req, strlen(req), "req", &res), PDS_LDR_E_CONSISTENCY);
	free(req);
	req = advance_request(&f, 6, 1);
	CU_ASSERT_EQUAL(pds_ldr_advance(p, req, strlen(req), "req", &res), PDS_LDR_E_CONSISTENCY);
	req[0] = 'O';
	CU_ASSERT_EQUAL(pds_ldr_advance(p, req, strlen(req), "req", &res),
			PDS_LDR_E_ADVANCE_REQUEST);
	free(req);
	req = advance_request(&f, 6, 0);
	CU_ASSERT_EQUAL(pds_ldr_advance(p, req, strlen(req), "req", &res), 0);
	CU_ASSERT_EQUAL(res.tree_size, 9);
	for (size_t cut = 0; cut + 1 < strlen(req); cut += 7)
		CU_ASSERT_NOT_EQUAL(pds_ldr_advance(p, req, cut, "req", &res), 0);
	free(req);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	CU_ASSERT_EQUAL(res.tree_size, 9);
	pds_ldr_policy_free(p);
	free(text);
	fx_teardown(&f);
}

/* The state file of the fixture's log (the one 64-hex-digit name in the folder). */
static void state_file(struct fx *f, char *path, size_t size)
{
	DIR *d = opendir(f->state_dir);
	struct dirent *de;

	path[0] = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)))
		if (strlen(de->d_name) == 64)
			snprintf(path, size, "%s/%s", f->state_dir, de->d_name);
	closedir(d);
	CU_ASSERT_FATAL(path[0] != 0);
}

static void test_corrupt_state_refuses(void)
{
	static const struct {
		const char *from, *to;
	} edits[] = {
		{"pds-loader-state/v1", "pds-loader-state/v9"},
		{"origin log.example/pds", "origin log.example/pdt"},
		{"\n6 ", "\n06 "},
		{"\n6 ", "\n6  "},
		{"\n6 ", "\nx "},
		{"=\n", "\n"},
		{"=\n", "=\n7 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"},
		{"=\n", "="},
	};
	char path[FX_PATH + 300];
	struct fx f;
	struct pds_ldr_policy *p;
	size_t len;
	char *good;

	setup(&f);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	pds_ldr_policy_free(p);
	state_file(&f, path, sizeof(path));
	good = slurp(path, &len);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		CU_ASSERT_FATAL(fx_write(path, good, len) == 0);
		edit_file(path, edits[i].from, edits[i].to);
		p = policy(&f, NULL);
		CU_ASSERT_EQUAL(verify_expect(p, f.manifest, PDS_LDR_E_STATE), PDS_LDR_E_STATE);
		CU_ASSERT_STRING_EQUAL(res.file, path);
		pds_ldr_policy_free(p);
	}
	/* Every truncation but the whole file is refused too. */
	for (size_t cut = 0; cut < len; cut++) {
		CU_ASSERT_FATAL(fx_write(path, good, cut) == 0);
		p = policy(&f, NULL);
		CU_ASSERT_EQUAL(pds_ldr_verify_plugin(p, f.manifest, &res), PDS_LDR_E_STATE);
		pds_ldr_policy_free(p);
	}
	/* Restored, the state accepts again, and a failed write never replaced it. */
	CU_ASSERT_FATAL(fx_write(path, good, len) == 0);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	pds_ldr_policy_free(p);
	free(good);
	fx_teardown(&f);
}

/* ------------------------------------------------------------------ verdicts */

static void term_unknown(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->objects[2].termination = PDS_ATT_UNKNOWN;
	a->objects[2].bound = 0;
}

static void unknown_termination(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.mutate = term_unknown});
}

static void budget_termination(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.termination = PDS_ATT_BUDGET, .bound = 4000});
}

static void test_termination_verdicts(void)
{
	attack(NULL, unknown_termination, PDS_LDR_E_TERMINATION);
	attack(NULL, budget_termination, PDS_LDR_E_TERMINATION);
	attack("accept-termination proven,budget\n", budget_termination, 0);
	attack("accept-termination proven,budget\nmax-bound 3999\n", budget_termination,
	       PDS_LDR_E_BOUND);
}

static void test_bound_over_budget(void)
{
	attack("max-bound 1003\n", NULL, PDS_LDR_E_BOUND);
}

static void unknown_effects(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->objects[1].effects = PDS_ATT_UNKNOWN;
}

static void effects_unknown(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.mutate = unknown_effects});
}

static void refuted_memory(struct pds_attestation *a, void *ctx)
{
	(void)ctx;
	a->objects[4].memory = PDS_ATT_REFUTED;
}

static void memory_refuted(struct fx *f)
{
	attest_with(f, &(struct fx_attest_opts){.mutate = refuted_memory});
}

static void test_effects_and_memory_verdicts(void)
{
	attack(NULL, effects_unknown, PDS_LDR_E_EFFECTS);
	attack("accept-effects proven,unknown\n", effects_unknown, 0);
	attack(NULL, memory_refuted, PDS_LDR_E_MEMORY);
}

/* ------------------------------------------------------------------ flips and cuts */

static int evidence_family(int code)
{
	switch (code) {
	case PDS_LDR_E_EVIDENCE:
	case PDS_LDR_E_ATT_MALFORMED:
	case PDS_LDR_E_ATT_VERSION:
	case PDS_LDR_E_ATT_BAD_SIG:
	case PDS_LDR_E_ATT_UNTRUSTED:
	case PDS_LDR_E_FORMULA:
	case PDS_LDR_E_LOG_UNKNOWN:
	case PDS_LDR_E_CHECKPOINT_SIG:
	case PDS_LDR_E_INCLUSION:
	case PDS_LDR_E_WITNESS_BAD_SIG:
	case PDS_LDR_E_WITNESS_QUORUM:
		return 1;
	default:
		return 0;
	}
}

/* 1 when byte i of text is on a witness's signature line. */
static int line_of_witness(const char *text, size_t i)
{
	static const char dash[] = "\xe2\x80\x94 witness";

	while (i && text[i - 1] != '\n')
		i--;
	return !strncmp(text + i, dash, strlen(dash));
}

/*
 * 1 when byte i of text is in the key name or key id (the first 6 base64
 * characters) of a witness's signature line: a flip there makes the line an
 * unknown key's, which signed-note verification ignores.
 */
static int in_witness_name(const char *text, size_t i)
{
	static const char dash[] = "\xe2\x80\x94 witness";
	size_t start = i;

	while (start && text[start - 1] != '\n')
		start--;
	if (strncmp(text + start, dash, strlen(dash)) != 0)
		return 0;
	return i >= start + 4 && i < (size_t)(strchr(text + start + 4, ' ') - text) + 7;
}

static void test_evidence_flips_and_cuts(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	unsigned refused = 0, total = 0, odd = 0, renamed = 0, dropped = 0;
	size_t len;
	char *good;

	setup(&f);
	p = policy(&f, NULL);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	good = slurp(f.evidence, &len);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			int err;

			good[i] ^= (char)(1 << bit);
			CU_ASSERT_FATAL(fx_write(f.evidence, good, len) == 0);
			good[i] ^= (char)(1 << bit);
			err = pds_ldr_verify_plugin(p, f.manifest, &res);
			total++;
			refused += err != 0;
			if (!err && in_witness_name(good, i)) {
				renamed++;
				continue;
			}
			if (!evidence_family(err) && odd++ < 5)
				fprintf(stderr, "\n    flip %zu.%d: %s: %s\n", i, bit,
					pds_ldr_rule(err), res.message);
		}
	}
	for (size_t cut = 0; cut < len; cut++) {
		int err;

		CU_ASSERT_FATAL(fx_write(f.evidence, good, cut) == 0);
		err = pds_ldr_verify_plugin(p, f.manifest, &res);
		total++;
		refused += err != 0;
		/* Cut right after a witness's line: the cosignatures left make the quorum. */
		if (!err && cut && good[cut - 1] == '\n' && line_of_witness(good, cut - 2)) {
			dropped++;
			continue;
		}
		if (!evidence_family(err) && err != PDS_LDR_E_EVIDENCE_MISSING && odd++ < 5)
			fprintf(stderr, "\n    cut %zu: %s: %s\n", cut, pds_ldr_rule(err),
				res.message);
	}
	printf("\n  %u flips and cuts of a %zu-byte evidence file, %u refused, %u with an "
	       "unexpected reason;\n  %u accepted: they change the key name or id of one "
	       "witness's cosignature line,\n  which is then ignored as an unknown key, and "
	       "the two others make the quorum;\n  %u accepted: they cut the last "
	       "cosignature line off\n",
	       total, len, refused, odd, renamed, dropped);
	CU_ASSERT_EQUAL(refused + renamed + dropped, total);
	CU_ASSERT_EQUAL(dropped, 1);
	CU_ASSERT(renamed < 3 * 3 * 20);
	CU_ASSERT_EQUAL(odd, 0);
	/* Restored, it is accepted again. */
	CU_ASSERT_FATAL(fx_write(f.evidence, good, len) == 0);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	free(good);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

static void test_manifest_and_object_flips(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char obj[FX_PATH + 64];
	unsigned refused = 0, total = 0, digest = 0, objtotal = 0;
	size_t len, olen;
	char *man, *ob;

	setup(&f);
	p = policy(&f, NULL);
	man = slurp(f.manifest, &len);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			man[i] ^= (char)(1 << bit);
			CU_ASSERT_FATAL(fx_write(f.manifest, man, len) == 0);
			man[i] ^= (char)(1 << bit);
			total++;
			refused += pds_ldr_verify_plugin(p, f.manifest, &res) != 0;
		}
	}
	CU_ASSERT_FATAL(fx_write(f.manifest, man, len) == 0);
	snprintf(obj, sizeof(obj), "%s/%s", f.plugin_dir, f.object_names[0]);
	ob = slurp(obj, &olen);
	for (size_t i = 0; i < olen; i++) {
		ob[i] ^= (char)(1 << (i % 8));
		CU_ASSERT_FATAL(fx_write(obj, ob, olen) == 0);
		ob[i] ^= (char)(1 << (i % 8));
		objtotal++;
		digest += pds_ldr_verify_plugin(p, f.manifest, &res) == PDS_LDR_E_OBJECT_DIGEST;
	}
	printf("\n  manifest: %u flips, %u refused; object: %u flips, %u refused as changed\n",
	       total, refused, objtotal, digest);
	CU_ASSERT_EQUAL(refused, total);
	CU_ASSERT_EQUAL(digest, objtotal);
	CU_ASSERT_FATAL(fx_write(obj, ob, olen) == 0);
	CU_ASSERT_EQUAL(verify_expect(p, f.manifest, 0), 0);
	free(man);
	free(ob);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* ------------------------------------------------------------------ bundles */

struct tarbuf {
	unsigned char *p;
	size_t len;
};

static void tar_put(struct tarbuf *t, const void *d, size_t n)
{
	t->p = realloc(t->p, t->len + n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->p);
	if (d)
		memcpy(t->p + t->len, d, n);
	else
		memset(t->p + t->len, 0, n);
	t->len += n;
}

/* One ustar member laid out as pds_bnd_encode lays them out (type: '0', '2', '3', …). */
static void tar_add(struct tarbuf *t, const char *name, char type, const void *data, size_t n)
{
	unsigned char h[512];
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", type == '0' ? n : (size_t)0);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (unsigned char)type;
	if (type == '2')
		snprintf((char *)h + 157, 100, "/etc/passwd");
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	tar_put(t, h, 512);
	if (type == '0') {
		tar_put(t, data, n);
		tar_put(t, NULL, (512 - n % 512) % 512);
	}
}

/* gzip with the header, level and trailer pds_bnd_encode uses; writes path. */
static void gzip_to(const struct tarbuf *t, const char *path)
{
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff};
	z_stream zs = {0};
	struct tarbuf out = {0};
	unsigned char trailer[8];
	uLong crc = crc32(0, t->p, (uInt)t->len), bound;

	CU_ASSERT_FATAL(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	bound = deflateBound(&zs, (uLong)t->len);
	tar_put(&out, head, 10);
	tar_put(&out, NULL, bound);
	zs.next_in = t->p;
	zs.avail_in = (uInt)t->len;
	zs.next_out = out.p + 10;
	zs.avail_out = (uInt)bound;
	CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	out.len = 10 + zs.total_out;
	deflateEnd(&zs);
	for (int i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(t->len >> (8 * i));
	}
	tar_put(&out, trailer, 8);
	CU_ASSERT_FATAL(fx_write(path, out.p, out.len) == 0);
	free(out.p);
}

/*
 * Re-packs the fixture's signed bundle member by member, letting edit insert
 * or change members (returns 1 when it wrote member i itself).
 */
typedef int (*member_edit)(struct tarbuf *t, const struct pds_bnd_member *m);

static void repack(struct fx *f, const char *good, const char *bad, member_edit edit)
{
	struct pds_bnd *b = NULL;
	struct tarbuf t = {0};

	CU_ASSERT_FATAL(pds_bnd_load(good, NULL, NULL, &b) == 0);
	for (size_t i = 0; i < b->count; i++) {
		const struct pds_bnd_member *m = &b->members[i];

		if (!edit || !edit(&t, m))
			tar_add(&t, m->path, '0', m->data, m->size);
	}
	tar_put(&t, NULL, 1024);
	gzip_to(&t, bad);
	free(t.p);
	pds_bnd_free(b);
	(void)f;
}

static int add_traversal(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "SIGNATURES"))
		tar_add(t, "../evil.o", '0', "x", 1);
	return 0;
}

static int add_symlink(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "pluglet0.o")) {
		tar_add(t, "pluglet0.o", '2', NULL, 0);
		return 1;
	}
	return 0;
}

static int add_device(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "pluglet1.o")) {
		tar_add(t, "pluglet1.o", '3', NULL, 0);
		return 1;
	}
	return 0;
}

static int add_duplicate(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "pluglet1.o"))
		tar_add(t, m->path, '0', m->data, m->size);
	return 0;
}

static int add_bomb(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "pluglet4.o")) {
		size_t n = 3u << 20;
		char *zeros = calloc(1, n);

		CU_ASSERT_PTR_NOT_NULL_FATAL(zeros);
		tar_add(t, "pluglet4.o", '0', zeros, n);
		free(zeros);
		return 1;
	}
	return 0;
}

static int change_member(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (!strcmp(m->path, "pluglet2.o")) {
		char *d = malloc(m->size);

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		memcpy(d, m->data, m->size);
		d[7] ^= 1;
		tar_add(t, m->path, '0', d, m->size);
		free(d);
		return 1;
	}
	return 0;
}

static int forge_packager(struct tarbuf *t, const struct pds_bnd_member *m)
{
	char *text, *line, b64[256];
	unsigned char raw[128];
	size_t rawlen = 0, n;

	if (strcmp(m->path, "SIGNATURES") != 0)
		return 0;
	text = malloc(m->size + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memcpy(text, m->data, m->size);
	text[m->size] = 0;
	line = strstr(text, "\xe2\x80\x94 packager1.example ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	line += strlen("\xe2\x80\x94 packager1.example ");
	n = (size_t)(strchr(line, '\n') - line);
	memcpy(b64, line, n);
	b64[n] = 0;
	CU_ASSERT_FATAL(sodium_base642bin(raw, sizeof(raw), b64, n, NULL, &rawlen, NULL,
					  sodium_base64_VARIANT_ORIGINAL) == 0);
	raw[20] ^= 4;
	sodium_bin2base64(b64, sizeof(b64), raw, rawlen, sodium_base64_VARIANT_ORIGINAL);
	memcpy(line, b64, n);
	tar_add(t, m->path, '0', text, m->size);
	free(text);
	return 1;
}

/* Members the packagers did not sign ("SIGNATURES" sorts first, "another…" next). */
static int unsigned_manifest(struct tarbuf *t, const struct pds_bnd_member *m)
{
	if (strcmp(m->path, "SIGNATURES") != 0)
		return 0;
	tar_add(t, m->path, '0', m->data, m->size);
	tar_add(t, "another.plugin", '0', "be.example.x\n", 13);
	tar_add(t, "another.plugin.pds", '0', "x\n", 2);
	return 1;
}

/* Verifies a bundle into a folder; a refusal must leave no folder behind. */
static int verify_bundle(struct fx *f, struct pds_ldr_policy *p, const char *bundle, int want)
{
	char into[FX_PATH + 16], manifest[FX_PATH + 64] = "";
	struct stat sb;
	int err;

	snprintf(into, sizeof(into), "%s/unpacked", f->root);
	err = pds_ldr_verify_bundle(p, bundle, into, manifest, sizeof(manifest), &res);
	if (err != want)
		fprintf(stderr, "\n    bundle: want %s, got %s: %s\n", pds_ldr_rule(want),
			pds_ldr_rule(err), res.message);
	if (err) {
		CU_ASSERT(stat(into, &sb) != 0 && errno == ENOENT);
	} else {
		CU_ASSERT(stat(manifest, &sb) == 0);
		setenv("PDS_FX_UNPACKED", into, 1);
		CU_ASSERT_EQUAL(system("rm -rf -- \"$PDS_FX_UNPACKED\""), 0);
	}
	return err;
}

static void test_bundles(void)
{
	static const struct {
		member_edit edit;
		int want;
	} cases[] = {
		{NULL, 0},
		{add_traversal, PDS_LDR_E_BND_TRAVERSAL},
		{add_symlink, PDS_LDR_E_BND_LINK},
		{add_device, PDS_LDR_E_BND_DEVICE},
		{add_duplicate, PDS_LDR_E_BND_DUPLICATE},
		{add_bomb, PDS_LDR_E_BND_BOMB},
		{change_member, PDS_LDR_E_BND_MEMBERS},
		{forge_packager, PDS_LDR_E_BND_BAD_SIG},
		{unsigned_manifest, PDS_LDR_E_BND_MEMBERS},
	};
	struct fx f;
	struct pds_ldr_policy *p;
	char good[FX_PATH + 16], bad[FX_PATH + 16], half[FX_PATH + 16];

	setup(&f);
	p = policy(&f, NULL);
	snprintf(good, sizeof(good), "%s/demo.pdsb", f.root);
	snprintf(bad, sizeof(bad), "%s/bad.pdsb", f.root);
	snprintf(half, sizeof(half), "%s/half.pdsb", f.root);
	CU_ASSERT_FATAL(fx_bundle(&f, 3, good) == 0);
	CU_ASSERT_EQUAL(verify_bundle(&f, p, good, 0), 0);
	CU_ASSERT_STRING_EQUAL(res.plugin, "be.example.demo");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		repack(&f, good, bad, cases[i].edit);
		CU_ASSERT_EQUAL(verify_bundle(&f, p, bad, cases[i].want), cases[i].want);
	}
	/* One of the two required packagers only. */
	CU_ASSERT_FATAL(fx_bundle(&f, 1, half) == 0);
	CU_ASSERT_EQUAL(verify_bundle(&f, p, half, PDS_LDR_E_BND_UNSIGNED), PDS_LDR_E_BND_UNSIGNED);
	pds_ldr_policy_free(p);
	/* "packagers 1" accepts a bundle one packager signed. */
	p = policy(&f, "packagers 1\n");
	CU_ASSERT_EQUAL(verify_bundle(&f, p, half, 0), 0);
	/* Signed, but no manifest with its evidence beside it. */
	CU_ASSERT_FATAL(fx_bundle_as(&f, 3, half, "demo.plugin", "demo.evidence") == 0);
	CU_ASSERT_EQUAL(verify_bundle(&f, p, half, PDS_LDR_E_BND_LAYOUT), PDS_LDR_E_BND_LAYOUT);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* A bundle whose plugin is changed before packing: refused after extraction, nothing left. */
static void test_bundle_with_bad_plugin(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char bundle[FX_PATH + 16];

	setup(&f);
	p = policy(&f, NULL);
	snprintf(bundle, sizeof(bundle), "%s/demo.pdsb", f.root);
	swap_object(&f);
	CU_ASSERT_FATAL(fx_bundle(&f, 3, bundle) == 0);
	CU_ASSERT_EQUAL(verify_bundle(&f, p, bundle, PDS_LDR_E_OBJECT_DIGEST),
			PDS_LDR_E_OBJECT_DIGEST);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* ------------------------------------------------------------------ bytes in memory */

struct held {
	char *manifest, *evidence, *obj[OBJECTS];
	size_t manifest_len, evidence_len;
	struct pds_ldr_file files[OBJECTS];
};

static void hold(struct fx *f, struct held *h)
{
	char path[FX_PATH + 64];

	h->manifest = slurp(f->manifest, &h->manifest_len);
	h->evidence = slurp(f->evidence, &h->evidence_len);
	for (int i = 0; i < OBJECTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->plugin_dir, f->object_names[i]);
		h->obj[i] = slurp(path, &h->files[i].len);
		h->files[i].name = f->object_names[i];
		h->files[i].data = h->obj[i];
	}
}

static void release(struct held *h)
{
	free(h->manifest);
	free(h->evidence);
	for (int i = 0; i < OBJECTS; i++)
		free(h->obj[i]);
}

static int verify_mem(struct pds_ldr_policy *p, const struct held *h, size_t nobjects)
{
	return pds_ldr_verify_plugin_mem(p, "demo.plugin", h->manifest, h->manifest_len,
					 h->evidence, h->evidence_len, h->files, nobjects, &res);
}

static void test_bytes_in_memory(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	struct held h;

	setup(&f);
	p = policy(&f, NULL);
	hold(&f, &h);
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	CU_ASSERT_EQUAL(res.cached_signatures, 0);
	CU_ASSERT_EQUAL(res.objects, OBJECTS);
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	CU_ASSERT_EQUAL(res.cached_signatures, 1);
	/* the remembered plugin, one object byte changed, then restored */
	h.obj[2][100] ^= 4;
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), PDS_LDR_E_OBJECT_DIGEST);
	h.obj[2][100] ^= 4;
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	/* an object missing, the evidence missing, the manifest changed */
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS - 1), PDS_LDR_E_COVERAGE);
	CU_ASSERT_EQUAL(pds_ldr_verify_plugin_mem(p, "demo.plugin", h.manifest, h.manifest_len,
						  NULL, 0, h.files, OBJECTS, &res),
			PDS_LDR_E_EVIDENCE_MISSING);
	h.manifest[3] ^= 1;
	CU_ASSERT_NOT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	h.manifest[3] ^= 1;
	/* the evidence changed: a flipped signature byte */
	h.evidence[h.evidence_len - 10] ^= 1;
	CU_ASSERT_NOT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	h.evidence[h.evidence_len - 10] ^= 1;
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	/* a policy that remembers nothing checks everything, with the same verdict */
	CU_ASSERT_EQUAL(
		pds_ldr_policy_set(p, &(struct pds_ldr_opts){.sz = sizeof(struct pds_ldr_opts),
							     .now = FX_NOW,
							     .no_cache = 1}),
		0);
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), 0);
	CU_ASSERT_EQUAL(res.cached_signatures, 0);
	h.obj[0][5] ^= 1;
	CU_ASSERT_EQUAL(verify_mem(p, &h, OBJECTS), PDS_LDR_E_OBJECT_DIGEST);
	release(&h);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

/* ------------------------------------------------------------------ the PQUIC hook */

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_pquic_hook(void)
{
	struct fx f;
	struct pds_ldr_policy *p;
	char store[FX_PATH + 16], bundle[FX_PATH + 16], manifest[FX_PATH + 64];
	unsigned char *data;
	size_t len;

	setup(&f);
	p = policy(&f, NULL);
	snprintf(store, sizeof(store), "%s/store", f.root);
	CU_ASSERT_FATAL(mkdir(store, 0755) == 0);
	/* A manifest outside the store is refused before anything is read. */
	CU_ASSERT_EQUAL(pds_ldr_pquic_check(p, store, f.manifest, &res), PDS_LDR_E_STORE);
	/* A received bundle is verified, then moved into the store. */
	snprintf(bundle, sizeof(bundle), "%s/demo.pdsb", f.root);
	CU_ASSERT_FATAL(fx_bundle(&f, 3, bundle) == 0);
	data = (unsigned char *)slurp(bundle, &len);
	CU_ASSERT_EQUAL(pds_ldr_pquic_unpack(p, store, data, len, manifest, sizeof(manifest), &res),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(manifest, "/store/be.example.demo/demo.plugin"));
	CU_ASSERT_EQUAL(pds_ldr_pquic_check(p, store, manifest, &res), 0);
	/* The same plugin again: the folder exists, nothing is replaced. */
	CU_ASSERT_EQUAL(pds_ldr_pquic_unpack(p, store, data, len, manifest, sizeof(manifest), &res),
			PDS_LDR_E_BND_EXTRACT);
	CU_ASSERT_EQUAL(count_entries(store), 1);
	/* A damaged bundle leaves nothing in the store. */
	data[len / 2] ^= 0x10;
	CU_ASSERT_NOT_EQUAL(
		pds_ldr_pquic_unpack(p, store, data, len, manifest, sizeof(manifest), &res), 0);
	CU_ASSERT_EQUAL(count_entries(store), 1);
	free(data);
	pds_ldr_policy_free(p);
	fx_teardown(&f);
}

PDS_TEST_MAIN("verify", PDS_TEST(test_accept), PDS_TEST(test_one_byte_changed),
	      PDS_TEST(test_accept_variants), PDS_TEST(test_forged_signature),
	      PDS_TEST(test_unknown_key), PDS_TEST(test_formula_unsatisfied),
	      PDS_TEST(test_object_swapped), PDS_TEST(test_manifest_line_changed),
	      PDS_TEST(test_pluglet_moved), PDS_TEST(test_extra_pluglet),
	      PDS_TEST(test_attestation_of_other_plugin), PDS_TEST(test_lone_object_attestation),
	      PDS_TEST(test_unknown_version), PDS_TEST(test_missing_evidence),
	      PDS_TEST(test_oversize_manifest), PDS_TEST(test_oversize_object),
	      PDS_TEST(test_objects_outside_or_missing), PDS_TEST(test_proof_attacks),
	      PDS_TEST(test_unknown_log), PDS_TEST(test_checkpoint_not_signed_by_log),
	      PDS_TEST(test_missing_cosignatures), PDS_TEST(test_forged_cosignature),
	      PDS_TEST(test_stale_checkpoint), PDS_TEST(test_rollback), PDS_TEST(test_split_view),
	      PDS_TEST(test_unwitnessed_advance), PDS_TEST(test_advance_with_consistency_proof),
	      PDS_TEST(test_corrupt_state_refuses), PDS_TEST(test_termination_verdicts),
	      PDS_TEST(test_bound_over_budget), PDS_TEST(test_effects_and_memory_verdicts),
	      PDS_TEST(test_evidence_flips_and_cuts), PDS_TEST(test_manifest_and_object_flips),
	      PDS_TEST(test_bundles), PDS_TEST(test_bundle_with_bad_plugin),
	      PDS_TEST(test_bytes_in_memory), PDS_TEST(test_pquic_hook))
