// SPDX-License-Identifier: MIT
/*
 * The operator's witnessing steps with the programs (formats.md §8, "Cosigned
 * checkpoints and refreshed evidence"): pds-attest logs a plugin, two witnesses
 * answer pds-log consistency with pds-witness, pds-log cosign puts their lines
 * on the checkpoint, pds-log refresh proves the .pds again; the refreshed
 * evidence then satisfies a two-witness quorum with pds_proof_verify.  Refusals:
 * lines by another witness, stale or damaged lines, evidence from another log,
 * each leaving the checkpoint or the .pds file byte for byte as it was.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mk/cunit.h"
#include <pds/note.h>
#include <pds/proof.h>

#include "util_tlog.h"

static char *dir;
static char bin[PATH_MAX];
static char out[65536];

/* Runs a shell command line in dir; its stdout goes to out; returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int len;

	len = snprintf(cmd, sizeof(cmd), "cd %s && ", dir);
	va_start(ap, fmt);
	vsnprintf(cmd + len, sizeof(cmd) - (size_t)len, fmt, ap);
	va_end(ap);
	return ut_shell(cmd, out, sizeof(out));
}

#define LOG "%s/pds-log "
#define ATTEST "%s/pds-attest "
#define WITNESS "%s/pds-witness add-checkpoint "

/*
 * Keys: the log's (log.example), two verifiers (v1, v2), three witnesses (w1,
 * w2, w3); the log L holds spec.plugin's attestation by v1 at index 0,
 * countersigned by v2.
 */
static void setup(void)
{
	const char *b = getenv("PDS_TEST_BUILD_DIR");
	const char *bpf = getenv("PDS_TEST_BPF_DIR");
	char rel[512], progs[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/bin", b ? b : "build/release");
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, bin));
	snprintf(rel, sizeof(rel), "%s/bpf/tests/progs/pquic", bpf ? bpf : "build/bpf");
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, progs));
	dir = ut_tmpdir("cosign-tool");
	CU_ASSERT_EQUAL_FATAL(
		run("cp %s/header_parsed.o . && "
		    "printf 'org.example.spec\\nheader_parsed replace "
		    "header_parsed.o\\n' > spec.plugin && "
		    "for k in log v1 v2; do %s/pds-keygen $k.example >/dev/null 2>&1 || "
		    "exit 1; done && "
		    "for k in w1 w2 w3; do %s/pds-keygen --cosigner $k.example 2>&1 "
		    ">/dev/null || exit 1; done",
		    progs, bin, bin),
		0);
	CU_ASSERT_EQUAL_FATAL(run(LOG "init --key log.example.key L >/dev/null", bin), 0);
	CU_ASSERT_EQUAL_FATAL(run(ATTEST "--key v1.example.key --log L --log-key log.example.key "
					 "spec.plugin >/dev/null 2>&1",
				  bin),
			      0);
	CU_ASSERT_EQUAL_FATAL(run(ATTEST "--cosign spec.plugin.pds --key v2.example.key "
					 "--log-pub log.example.pub >/dev/null 2>&1",
				  bin),
			      0);
}

static void teardown(void)
{
	ut_rmtree(dir);
	free(dir);
	dir = NULL;
}

static char *slurp(const char *name, size_t *len)
{
	return ut_read_in(dir, name, len);
}

static void load_pub(const char *name, struct pds_note_verifier *v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.pub", dir, name);
	CU_ASSERT_EQUAL_FATAL(pds_note_verifier_load(path, NULL, v), 0);
}

/*
 * pds_proof_verify of a .pds file's proof, for its logged entry (the note with
 * the first signature line, formats.md §6), requiring min of witnesses w1, w2.
 */
static int verify_pds(const char *name, size_t min)
{
	struct pds_note_verifier log_pub, w[2];
	struct pds_evidence *e = NULL;
	struct pds_note first;
	char *buf, *entry = NULL;
	size_t len, elen;
	int err;

	load_pub("log.example", &log_pub);
	load_pub("w1.example", &w[0]);
	load_pub("w2.example", &w[1]);
	buf = slurp(name, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	err = pds_evidence_parse(buf, len, name, NULL, &e);
	if (!err) {
		first = *e->note;
		first.sig_count = 1;
		err = pds_note_encode(&first, &entry, &elen);
	}
	if (!err)
		err = pds_proof_verify(e->proof, entry, elen, NULL, &log_pub, w, 2, min);
	free(entry);
	pds_evidence_free(e);
	free(buf);
	return err;
}

/* The attestation note of a .pds (everything before the proof), malloc'd. */
static char *attestation_part(const char *name)
{
	size_t len;
	char *buf = slurp(name, &len), *proof;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	proof = strstr(buf, "\nc2sp.org/tlog-proof@v1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(proof);
	proof[1] = '\0';
	return buf;
}

/* Both witnesses answer the consistency request from size old; their lines in file. */
static void witness_lines(int old, const char *file)
{
	CU_ASSERT_EQUAL_FATAL(run(LOG "consistency --pub log.example.pub L %d > req", bin, old), 0);
	CU_ASSERT_EQUAL_FATAL(run(WITNESS "--state S1 --key w1.example.key --log-key "
					  "log.example.pub < req > w1.cosig",
				  bin),
			      0);
	CU_ASSERT_EQUAL_FATAL(run(WITNESS "--state S2 --key w2.example.key --log-key "
					  "log.example.pub < req > w2.cosig",
				  bin),
			      0);
	CU_ASSERT_EQUAL_FATAL(run("cat w1.cosig w2.cosig > %s", file), 0);
}

static void test_cosign_and_refresh(void)
{
	char *before, *after;

	setup();
	/* As pds-attest wrote it, the evidence has no witness. */
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 0), 0);
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 1), PDS_ATT_E_NOTE_UNVERIFIED);
	before = attestation_part("spec.plugin.pds");
	CU_ASSERT_EQUAL(run("cp spec.plugin.pds old.pds"), 0);

	witness_lines(0, "both.cosig");
	CU_ASSERT_EQUAL(run(LOG "cosign --key log.example.key --witness w1.example.pub "
				"--witness w2.example.pub L - < both.cosig",
			    bin),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 cosignatures added"));
	/* Re-opening the log (prove, fsck) takes the extra lines; prove serves them. */
	CU_ASSERT_EQUAL(run(LOG "fsck --pub log.example.pub L >/dev/null", bin), 0);
	CU_ASSERT_EQUAL(run(LOG "prove --pub log.example.pub L 0", bin), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\xe2\x80\x94 log.example "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\xe2\x80\x94 w1.example "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\xe2\x80\x94 w2.example "));

	CU_ASSERT_EQUAL(run(LOG "refresh --json --pub log.example.pub L spec.plugin.pds", bin), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"file\":\"spec.plugin.pds\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"index\":0"));
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 2), 0);
	CU_ASSERT_EQUAL(verify_pds("old.pds", 1), PDS_ATT_E_NOTE_UNVERIFIED);
	/* The attestation and v2's countersignature are kept byte for byte. */
	after = attestation_part("spec.plugin.pds");
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "\n\xe2\x80\x94 v2.example "));
	/* The proof part of the refreshed evidence is what pds-log prove prints. */
	CU_ASSERT_EQUAL(run(LOG "prove --pub log.example.pub L 0 > p0 && "
				"tail -c $(wc -c < p0) spec.plugin.pds | cmp -s - p0",
			    bin),
			0);
	free(before);
	free(after);

	/* A new batch: its checkpoint has no cosignatures until the witnesses see it. */
	CU_ASSERT_EQUAL(run("echo more > more && " LOG "append --key log.example.key L more "
			    ">/dev/null",
			    bin),
			0);
	CU_ASSERT_EQUAL(run(LOG "refresh --pub log.example.pub L spec.plugin.pds", bin), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "proved against the checkpoint of size 2"));
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 1), PDS_ATT_E_NOTE_UNVERIFIED);
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 0), 0);
	/* The lines for size 1 do not verify on size 2. */
	CU_ASSERT_EQUAL(run("cp L/checkpoint cp.before && " LOG
			    "cosign --key log.example.key --witness w1.example.pub "
			    "--witness w2.example.pub L both.cosig 2>err; rc=$?; "
			    "cmp -s L/checkpoint cp.before && exit $rc",
			    bin),
			1);
	CU_ASSERT_EQUAL(run("grep -c note/bad-signature err"), 0);
	/* The witnesses extend their view from size 1 to 2; JSON output. */
	witness_lines(1, "both2.cosig");
	CU_ASSERT_EQUAL(run(LOG "cosign --json --key log.example.key -w w1.example.pub "
				"-w w2.example.pub L both2.cosig",
			    bin),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"cosignatures_added\":2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"size\":2"));
	CU_ASSERT_EQUAL(run(LOG "refresh --pub log.example.pub L spec.plugin.pds", bin), 0);
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 2), 0);
	teardown();
}

/* cosign's refusals leave L/checkpoint as it was: exit status, rule in stderr. */
static int cosign_refused(const char *witnesses, const char *file, const char *rule)
{
	int rc = run("cp L/checkpoint cp.before && " LOG "cosign --key log.example.key %s L %s "
		     "2>err >/dev/null; rc=$?; cmp -s L/checkpoint cp.before || exit 99; "
		     "grep -q '%s' err || exit 98; exit $rc",
		     bin, witnesses, file, rule);

	return rc;
}

static void test_cosign_refusals(void)
{
	setup();
	witness_lines(0, "both.cosig");
	/* w2 is not among the given witnesses: the whole call is refused. */
	CU_ASSERT_EQUAL(
		cosign_refused("--witness w1.example.pub", "both.cosig", "tlog/unknown-cosigner"),
		1);
	/* A line by a witness nobody named (w3). */
	CU_ASSERT_EQUAL(run(LOG "consistency --pub log.example.pub L 0 | " WITNESS
				"--state S3 --key w3.example.key --log-key log.example.pub "
				"> w3.cosig",
			    bin, bin),
			0);
	CU_ASSERT_EQUAL(cosign_refused("-w w1.example.pub -w w2.example.pub", "w3.cosig",
				       "tlog/unknown-cosigner"),
			1);
	/* A cut line (no newline, half the signature) and a changed signature byte. */
	CU_ASSERT_EQUAL(run("head -c 40 w1.cosig > cut.cosig"), 0);
	CU_ASSERT_EQUAL(
		cosign_refused("-w w1.example.pub", "cut.cosig", "note/malformed-signature-line"),
		3);
	CU_ASSERT_EQUAL(run("LC_ALL=C sed -E 's/^(.{50})[^A]/\\1A/; t; s/^(.{50})A/\\1B/' "
			    "w1.cosig > flip.cosig && ! cmp -s flip.cosig w1.cosig"),
			0);
	CU_ASSERT_EQUAL(cosign_refused("-w w1.example.pub", "flip.cosig", "note/bad-signature"), 1);
	/* Nothing to add, a missing file, no --witness. */
	CU_ASSERT_EQUAL(cosign_refused("-w w1.example.pub", "/dev/null", "invalid argument"), 2);
	CU_ASSERT_EQUAL(cosign_refused("-w w1.example.pub", "missing", "missing"), 3);
	CU_ASSERT_EQUAL(cosign_refused("", "both.cosig", "usage"), 2);
	/* cosign needs the log's signer key: --pub is not enough. */
	CU_ASSERT_EQUAL(run(LOG "cosign --pub log.example.pub -w w1.example.pub L w1.cosig "
				"2>/dev/null",
			    bin),
			2);
	/* After all that, the good lines are taken. */
	CU_ASSERT_EQUAL(run(LOG "cosign --key log.example.key -w w1.example.pub "
				"-w w2.example.pub L both.cosig",
			    bin),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 cosignatures added"));
	teardown();
}

/* refresh's refusals leave FILE as it was; returns refresh's exit status. */
static int refresh_refused(const char *file, const char *message)
{
	return run("cp %s pds.before && " LOG "refresh --pub log.example.pub L %s 2>err "
		   ">/dev/null; rc=$?; cmp -s %s pds.before || exit 99; "
		   "grep -q '%s' err || exit 98; exit $rc",
		   file, bin, file, file, message);
}

static void test_refresh_refusals(void)
{
	setup();
	/* M: another log, an unrelated entry first, so the plugin lands at index 1. */
	CU_ASSERT_EQUAL(run("mkdir m && cp spec.plugin header_parsed.o m/ && " LOG
			    "init --key v2.example.key M >/dev/null && echo x > x && " LOG
			    "append --key v2.example.key M x >/dev/null && " ATTEST
			    "--key v1.example.key --log M --log-key v2.example.key "
			    "m/spec.plugin >/dev/null 2>&1",
			    bin, bin, bin),
			0);
	CU_ASSERT_EQUAL(refresh_refused("m/spec.plugin.pds", "not from this log"), 1);
	/* N: another log where another verifier attested at index 0, as L's entry 0. */
	CU_ASSERT_EQUAL(run("mkdir n && cp spec.plugin header_parsed.o n/ && " LOG
			    "init --key v1.example.key N >/dev/null && " ATTEST
			    "--key v2.example.key --log N --log-key v1.example.key "
			    "n/spec.plugin >/dev/null 2>&1",
			    bin, bin),
			0);
	CU_ASSERT_EQUAL(refresh_refused("n/spec.plugin.pds", "not from this log"), 1);
	/* L's own evidence with one changed byte in the attestation text. */
	CU_ASSERT_EQUAL(run("sed '2s/^./%c/' spec.plugin.pds > bad.pds && "
			    "sed -i '2s/^A/B/' bad.pds && ! cmp -s bad.pds spec.plugin.pds",
			    'A'),
			0);
	CU_ASSERT_EQUAL(refresh_refused("bad.pds", "not from this log"), 1);
	/* Not evidence at all, and a truncated one. */
	CU_ASSERT_EQUAL(refresh_refused("spec.plugin", "evidence/malformed"), 3);
	CU_ASSERT_EQUAL(run("head -c 200 spec.plugin.pds > cut.pds"), 0);
	CU_ASSERT_EQUAL(refresh_refused("cut.pds", "evidence/malformed"), 3);
	/* Several files: the good one is rewritten, the status is the worst. */
	CU_ASSERT_EQUAL(run("cp m/spec.plugin.pds m.before && " LOG
			    "refresh --pub log.example.pub L spec.plugin.pds m/spec.plugin.pds "
			    "2>/dev/null; rc=$?; cmp -s m/spec.plugin.pds m.before && exit $rc",
			    bin),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "spec.plugin.pds: entry 0 proved"));
	CU_ASSERT_EQUAL(run(LOG "refresh --json --pub log.example.pub L m/spec.plugin.pds "
				"spec.plugin.pds 2>/dev/null",
			    bin),
			1);
	CU_ASSERT_STRING_EQUAL(out, "[{\"file\":\"m/spec.plugin.pds\",\"refreshed\":false,"
				    "\"exit\":1},{\"file\":\"spec.plugin.pds\",\"refreshed\":"
				    "true,\"index\":0,\"size\":1}]\n");
	CU_ASSERT_EQUAL(verify_pds("spec.plugin.pds", 0), 0);
	/* Another log key than the checkpoint's: the log does not open. */
	CU_ASSERT_EQUAL(run(LOG "refresh --pub v1.example.pub L spec.plugin.pds 2>/dev/null", bin),
			1);
	CU_ASSERT_EQUAL(run(LOG "refresh --pub log.example.pub L 2>/dev/null", bin), 2);
	teardown();
}

PDS_TEST_MAIN("tlog cosign tool", PDS_TEST(test_cosign_and_refresh), PDS_TEST(test_cosign_refusals),
	      PDS_TEST(test_refresh_refusals))
