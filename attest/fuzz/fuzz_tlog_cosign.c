// SPDX-License-Identifier: MIT
/*
 * Witnesses' cosignature lines added to a log's checkpoint
 * (pds_tlog_add_cosignatures): refused with a code and the checkpoint left as
 * it was, or taken and the checkpoint still opens.  The log (three entries,
 * origin log.example/cosign) and the witnesses w0..w2.example are the ones
 * attest/tests/test_tlog_cosign.c builds, so the lines it writes to
 * build/fuzz-seeds/fuzz_tlog_cosign/ verify here and reach the accept path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/log_keys.h>
#include <pds/tlog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NWIT 3

static char dir[] = "/tmp/pds-fuzz-cosign-XXXXXX";
static struct pds_note_signer *log_key;
static struct pds_note_verifier log_pub, wit[NWIT];
static struct pds_log_keys lk;
static struct pds_tlog_opts opts;
static struct pds_tlog *log;

static void key(const char *name, uint8_t type, uint8_t b, struct pds_note_signer **s)
{
	uint8_t seed[32];

	memset(seed, b, sizeof(seed));
	if (pds_note_signer_from_seed(name, type, seed, s))
		abort();
}

static void init(void)
{
	struct pds_note_signer *w;
	char name[32], entry[32];

	if (sodium_init() < 0 || !mkdtemp(dir))
		abort();
	key("log.example/cosign", PDS_NOTE_ED25519, 1, &log_key);
	pds_note_signer_public(log_key, &log_pub);
	for (int i = 0; i < NWIT; i++) {
		snprintf(name, sizeof(name), "w%d.example", i);
		key(name, PDS_NOTE_COSIGNATURE, (uint8_t)(10 + i), &w);
		pds_note_signer_public(w, &wit[i]);
		pds_note_signer_free(w);
	}
	lk = (struct pds_log_keys){.signer = log_key, .vkey = &log_pub};
	opts = (struct pds_tlog_opts){.sz = sizeof(opts),
				      .sign = pds_log_keys_sign,
				      .sign_ctx = &lk,
				      .verify = pds_log_keys_verify,
				      .verify_ctx = &lk};
	if (pds_tlog_init(dir, log_pub.name, &opts) || pds_tlog_open(dir, &opts, &log))
		abort();
	for (int i = 0; i < 3; i++) {
		snprintf(entry, sizeof(entry), "entry %d\n", i);
		if (pds_tlog_append(log, entry, strlen(entry), NULL))
			abort();
	}
	if (pds_tlog_checkpoint(log))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t before_len, after_len, added = 0;
	const char *note = NULL;
	char *before;
	int err;

	if (!log)
		init();
	note = pds_tlog_checkpoint_note(log, &before_len);
	before = malloc(before_len);
	if (!before)
		return 0;
	memcpy(before, note, before_len);
	err = pds_tlog_add_cosignatures(log, (const char *)data, size, wit, NWIT, &added);
	note = pds_tlog_checkpoint_note(log, &after_len);
	/* Fail closed: a refusal changes nothing, an accept takes at least one line. */
	if (err && (added || after_len != before_len || memcmp(note, before, before_len)))
		__builtin_trap();
	if (!err && (!added || after_len <= before_len))
		__builtin_trap();
	free(before);
	if (!err) {
		/* The log reopens with the lines, then a fresh signature drops them. */
		pds_tlog_free(log);
		log = NULL;
		if (pds_tlog_open(dir, &opts, &log) || pds_tlog_checkpoint(log))
			__builtin_trap();
	}
	return 0;
}
