// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for pds_ldr_advance, the loader's parser of checkpoint
 * advance requests ("old N", proof hashes, blank line, checkpoint note).  The
 * policy trusts one log whose key is fixed; the input is the request.  Every
 * input must end in a result code naming the request, never a crash, and the
 * state folder is never written (no input can carry the log's signature).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/load.h>
#include <pds/note.h>

static struct pds_ldr_policy *policy;

static void setup(void)
{
	static const uint8_t seed[32] = {7};
	struct pds_note_signer *log = NULL, *ver = NULL;
	struct pds_note_verifier lv, vv;
	struct pds_ldr_result res;
	char lk[PDS_NOTE_KEY_MAX], vk[PDS_NOTE_KEY_MAX], text[2048];

	if (pds_note_signer_from_seed("log.example/fuzz", PDS_NOTE_ED25519, seed, &log) ||
	    pds_note_signer_from_seed("verifier.example", PDS_NOTE_ED25519, seed, &ver))
		abort();
	pds_note_signer_public(log, &lv);
	pds_note_signer_public(ver, &vv);
	pds_note_verifier_encode(&lv, lk, sizeof(lk));
	pds_note_verifier_encode(&vv, vk, sizeof(vk));
	snprintf(text, sizeof(text),
		 "log %s\nverifier v %s\nrequire v\nstate /nonexistent/pds-fuzz-state\n", lk, vk);
	if (pds_ldr_policy_parse(text, strlen(text), "fuzz.policy", &policy, &res))
		abort();
	pds_note_signer_free(log);
	pds_note_signer_free(ver);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_ldr_result res;
	int err;

	if (!policy)
		setup();
	err = pds_ldr_advance(policy, (const char *)data, size, "request", &res);
	if (err == 0 || res.code != err || !res.message[0])
		abort();
	return 0;
}
