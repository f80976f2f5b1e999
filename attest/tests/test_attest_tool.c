// SPDX-License-Identifier: MIT
/*
 * pds-attest and pds-witness as programs: keygen, pds-log init, attest a
 * compiled test pluglet, verify the .pds with the library, cosign; refusals
 * (unknown termination under the default rule, unknown side effects by
 * default, a bad key, a locked log, a cosigner whose checks differ).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mk/cunit.h"
#include <pds/attestation.h>
#include <pds/note.h>
#include <pds/proof.h>

#include "util_tlog.h"

static char *dir;
static char bin[PATH_MAX];
static char out[65536];

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
	const char *bpf = getenv("PDS_TEST_BPF_DIR");
	char rel[512], progs[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/bin", b ? b : "build/release");
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, bin));
	snprintf(rel, sizeof(rel), "%s/bpf/tests/progs/pquic", bpf ? bpf : "build/bpf");
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, progs));
	if (dir)
		return;
	dir = ut_tmpdir("attest");
	CU_ASSERT_EQUAL_FATAL(run("cd %s && cp %s/header_parsed.o %s/before_sending_packet.o . && "
				  "printf 'org.example.demo\\nheader_parsed_ext replace "
				  "header_parsed.o\\n' > demo.plugin && "
				  "printf 'org.example.spec\\nheader_parsed replace "
				  "header_parsed.o\\n' > spec.plugin && "
				  "printf 'org.example.loop\\nbefore_sending_packet replace "
				  "before_sending_packet.o\\n' > "
				  "loop.plugin && "
				  "%s/pds-keygen v1.example >/dev/null 2>&1 && "
				  "%s/pds-keygen v2.example >/dev/null 2>&1 && "
				  "%s/pds-keygen --cosigner w.example >/dev/null 2>&1 && "
				  "%s/pds-log init --key v1.example.key L >/dev/null",
				  dir, progs, progs, bin, bin, bin, bin),
			      0);
}

#define ATTEST "cd %s && %s/pds-attest "

static char *slurp(const char *name, size_t *len)
{
	return ut_read_in(dir, name, len);
}

/* The .pds parses, its attestation says what the checker found, its proof verifies. */
static void verify_pds(const char *name, size_t nsigs)
{
	struct pds_note_verifier log_pub;
	struct pds_evidence *e = NULL;
	struct pds_attestation *a = NULL;
	char path[PATH_MAX], *buf, *entry = NULL;
	size_t len, elen;
	struct pds_note first;

	snprintf(path, sizeof(path), "%s/v1.example.pub", dir);
	CU_ASSERT_EQUAL_FATAL(pds_note_verifier_load(path, NULL, &log_pub), 0);
	buf = slurp(name, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(pds_evidence_parse(buf, len, name, NULL, &e), 0);
	CU_ASSERT_EQUAL(e->note->sig_count, nsigs);
	CU_ASSERT_EQUAL(pds_note_verify(e->note, &log_pub, 1, 1, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pds_att_parse(e->note->text, e->note->text_len, name, NULL, &a), 0);
	CU_ASSERT_STRING_EQUAL(a->plugin, "org.example.demo");
	CU_ASSERT_EQUAL(a->has_manifest, 1);
	CU_ASSERT_EQUAL_FATAL(a->object_count, 1);
	CU_ASSERT_STRING_EQUAL(a->objects[0].name, "header_parsed_ext");
	CU_ASSERT_STRING_EQUAL(a->objects[0].anchor, "replace");
	CU_ASSERT_EQUAL(a->objects[0].termination, PDS_ATT_PROVEN);
	CU_ASSERT(a->objects[0].bound > 0);
	CU_ASSERT_EQUAL(a->objects[0].effects, PDS_ATT_UNKNOWN);
	CU_ASSERT_EQUAL(a->objects[0].writes.count, 0);
	CU_ASSERT(a->objects[0].helpers.count > 0);
	/* The logged entry: the note with the attester's signature only. */
	first = *e->note;
	first.sig_count = 1;
	CU_ASSERT_EQUAL_FATAL(pds_note_encode(&first, &entry, &elen), 0);
	CU_ASSERT_EQUAL(pds_proof_verify(e->proof, entry, elen, NULL, &log_pub, NULL, 0, 0), 0);
	/* Another entry does not verify. */
	entry[10] ^= 1;
	CU_ASSERT_EQUAL(pds_proof_verify(e->proof, entry, elen, NULL, &log_pub, NULL, 0, 0),
			PDS_ATT_E_PROOF_INCLUSION);
	free(entry);
	pds_att_free(a);
	pds_evidence_free(e);
	free(buf);
}

static void test_usage(void)
{
	setup();
	CU_ASSERT_EQUAL(run("%s/pds-attest 2>/dev/null", bin), 2);
	CU_ASSERT_EQUAL(run("%s/pds-attest --help", bin), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--accept"));
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key demo.plugin 2>/dev/null", dir, bin), 2);
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L --accept effects=all demo.plugin "
				   "2>/dev/null",
			    dir, bin),
			2);
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L --accept termination=maybe "
				   "demo.plugin 2>/dev/null",
			    dir, bin),
			2);
}

static void test_attest_and_cosign(void)
{
	setup();
	/* Default rule: unknown side effects are refused, nothing is logged. */
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L demo.plugin 2>err", dir, bin), 1);
	CU_ASSERT_EQUAL(run("cat %s/err", dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "side-effects unknown is not accepted"));
	CU_ASSERT_EQUAL(run("test -e %s/demo.plugin.pds", dir), 1);
	CU_ASSERT_EQUAL(run("cd %s && %s/pds-log fsck --pub v1.example.pub L --json", dir, bin), 0);

	CU_ASSERT_EQUAL(run(ATTEST "--json --key v1.example.key --log L --accept "
				   "side-effects=unknown demo.plugin 2>/dev/null",
			    dir, bin),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"result\":\"attested\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"index\":0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"termination\":\"proven\""));
	verify_pds("demo.plugin.pds", 1);
	/* The log holds the entry and passes fsck. */
	CU_ASSERT_EQUAL(run("cd %s && %s/pds-log fsck --pub v1.example.pub L", dir, bin), 0);

	/* A second verifier re-checks and countersigns. */
	CU_ASSERT_EQUAL(run(ATTEST "--cosign demo.plugin.pds --key v2.example.key --log-pub "
				   "v1.example.pub --accept side-effects=unknown 2>/dev/null",
			    dir, bin),
			0);
	verify_pds("demo.plugin.pds", 2);
	{
		struct pds_note_verifier v2;
		struct pds_evidence *e = NULL;
		char path[PATH_MAX], *buf;
		size_t len;

		snprintf(path, sizeof(path), "%s/v2.example.pub", dir);
		CU_ASSERT_EQUAL_FATAL(pds_note_verifier_load(path, NULL, &v2), 0);
		buf = slurp("demo.plugin.pds", &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		CU_ASSERT_EQUAL_FATAL(pds_evidence_parse(buf, len, "pds", NULL, &e), 0);
		CU_ASSERT_EQUAL(pds_note_verify(e->note, &v2, 1, 1, NULL), 0);
		pds_evidence_free(e);
		free(buf);
	}
	/* The same cosigner twice is refused (one signature per key). */
	CU_ASSERT_NOT_EQUAL(run(ATTEST "--cosign demo.plugin.pds --key v2.example.key "
				       "--accept side-effects=unknown 2>/dev/null",
				dir, bin),
			    0);
	/* A cosigner whose own rule refuses unknown side effects does not sign. */
	CU_ASSERT_EQUAL(
		run(ATTEST "--cosign demo.plugin.pds --key v1.example.key 2>/dev/null", dir, bin),
		1);
}

static void test_cosign_other_facts(void)
{
	setup();
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L --accept side-effects=unknown "
				   "demo.plugin >/dev/null 2>&1",
			    dir, bin),
			0);
	/* The object changed since it was attested: the digest differs. */
	CU_ASSERT_EQUAL(run("cd %s && cp header_parsed.o keep.o && "
			    "printf 'x' >> header_parsed.o",
			    dir),
			0);
	CU_ASSERT_EQUAL(run(ATTEST "--cosign demo.plugin.pds --key v2.example.key --accept "
				   "side-effects=unknown 2>%s/err",
			    dir, bin, dir),
			1);
	CU_ASSERT_EQUAL(run("cat %s/err", dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "other facts"));
	CU_ASSERT_EQUAL(run("cd %s && mv keep.o header_parsed.o", dir), 0);
	verify_pds("demo.plugin.pds", 1);
}

static void test_refusals(void)
{
	int fd;
	char lock[PATH_MAX];

	setup();
	/* Unknown termination is refused even with unknown side effects accepted. */
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L --accept side-effects=unknown "
				   "loop.plugin 2>%s/err",
			    dir, bin, dir),
			1);
	CU_ASSERT_EQUAL(run("cat %s/err", dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "termination unknown is not accepted"));
	CU_ASSERT_EQUAL(run("test -e %s/loop.plugin.pds", dir), 1);
	/* ...and accepted when the operator says so (its side effects are proven). */
	CU_ASSERT_EQUAL(run(ATTEST
			    "--key v1.example.key --log L --accept side-effects=proven,unknown "
			    "--accept termination=proven,unknown loop.plugin >/dev/null "
			    "2>&1",
			    dir, bin),
			0);
	/* A bad key file. */
	CU_ASSERT_EQUAL(run("cd %s && echo 'PRIVATE+KEY+v1.example+00000000+AAAA' > bad.key", dir),
			0);
	CU_ASSERT_EQUAL(run(ATTEST "--key bad.key --log L --accept side-effects=unknown "
				   "demo.plugin 2>/dev/null",
			    dir, bin),
			3);
	CU_ASSERT_EQUAL(run(ATTEST "--key missing.key --log L --accept side-effects=unknown "
				   "demo.plugin 2>/dev/null",
			    dir, bin),
			3);
	/* Another key than the log's: the checkpoint on disk does not verify. */
	CU_ASSERT_NOT_EQUAL(run(ATTEST "--key v2.example.key --log L --accept "
				       "side-effects=unknown demo.plugin 2>/dev/null",
				dir, bin),
			    0);
	/* The log locked by another writer. */
	snprintf(lock, sizeof(lock), "%s/L/.lock", dir);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(flock(fd, LOCK_EX | LOCK_NB), 0);
	CU_ASSERT_EQUAL(run(ATTEST "--key v1.example.key --log L --accept side-effects=unknown "
				   "demo.plugin 2>/dev/null",
			    dir, bin),
			4);
	close(fd);
}

static void test_witness_tool(void)
{
	setup();
	CU_ASSERT_EQUAL(
		run("cd %s && %s/pds-log consistency --pub v1.example.pub L 0 > r0", dir, bin), 0);
	CU_ASSERT_EQUAL(run("cd %s && %s/pds-witness add-checkpoint --state W --key w.example.key "
			    "--log-key v1.example.pub < r0",
			    dir, bin),
			0);
	CU_ASSERT_EQUAL(strncmp(out, "\xe2\x80\x94 w.example ", 14), 0);
	/* The same request again: the witness now holds the size (conflict, size printed). */
	CU_ASSERT_EQUAL(run("cd %s && %s/pds-witness add-checkpoint --state W --key w.example.key "
			    "--log-key v1.example.pub < r0 2>/dev/null",
			    dir, bin),
			4);
	CU_ASSERT(strtoull(out, NULL, 10) > 0);
	CU_ASSERT_EQUAL(run("cd %s && %s/pds-witness add-checkpoint --state W --key w.example.key "
			    "--log-key v2.example.pub < r0 2>/dev/null",
			    dir, bin),
			1);
	CU_ASSERT_EQUAL(run("%s/pds-witness 2>/dev/null", bin), 2);
	ut_rmtree(dir);
	free(dir);
	dir = NULL;
}

/*
 * A protoop with a built-in spec (header_parsed allows no write): the pluglet's
 * side effects are proven, so the default rule attests it; the same object under
 * a protoop no spec describes (demo.plugin, above) has unknown side effects.
 */
static void test_attest_with_builtin_spec(void)
{
	struct pds_evidence *e = NULL;
	struct pds_attestation *a = NULL;
	char path[PATH_MAX], *buf;
	size_t len;

	setup();
	CU_ASSERT_EQUAL(
		run(ATTEST "--key v1.example.key --log L spec.plugin >/dev/null 2>&1", dir, bin),
		0);
	snprintf(path, sizeof(path), "spec.plugin.pds");
	buf = slurp(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(pds_evidence_parse(buf, len, path, NULL, &e), 0);
	CU_ASSERT_EQUAL_FATAL(pds_att_parse(e->note->text, e->note->text_len, path, NULL, &a), 0);
	CU_ASSERT_EQUAL_FATAL(a->object_count, 1);
	CU_ASSERT_STRING_EQUAL(a->objects[0].name, "header_parsed");
	CU_ASSERT_EQUAL(a->objects[0].effects, PDS_ATT_PROVEN);
	CU_ASSERT_EQUAL(a->objects[0].writes.count, 0);
	pds_att_free(a);
	pds_evidence_free(e);
	free(buf);
}

PDS_TEST_MAIN("attest tool", PDS_TEST(test_usage), PDS_TEST(test_attest_and_cosign),
	      PDS_TEST(test_cosign_other_facts), PDS_TEST(test_refusals),
	      PDS_TEST(test_witness_tool), PDS_TEST(test_attest_with_builtin_spec))
