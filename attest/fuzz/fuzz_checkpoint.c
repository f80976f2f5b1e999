// SPDX-License-Identifier: MIT
/*
 * Checkpoint bodies and cosigned checkpoint notes: refused, or parsed into
 * values whose encoding is the input; cosignature checks never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/checkpoint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_note_verifier w = {
		.name = "witness.example.com/w1", .id = 0x8d66cf3f, .type = PDS_NOTE_COSIGNATURE};
	struct pds_checkpoint c = {0};
	struct pds_note *n = NULL;
	char *enc = NULL;
	size_t len;
	uint64_t t;

	if (pds_checkpoint_parse((const char *)data, size, "fuzz", NULL, &c) == 0) {
		if (pds_checkpoint_format(&c, &enc, &len) || len != size || memcmp(enc, data, size))
			__builtin_trap();
		free(enc);
		pds_checkpoint_release(&c);
	}
	if (pds_checkpoint_open((const char *)data, size, "fuzz", NULL, NULL, &w, 1, 1, &n, &c) ==
	    0)
		__builtin_trap(); /* no key can sign with an all-zero public key */
	if (pds_note_parse((const char *)data, size, "fuzz", NULL, &n) == 0) {
		for (size_t i = 0; i < n->sig_count; i++)
			pds_cosig_time(&n->sigs[i], &t);
		pds_cosig_verify(n, &w, &t);
		pds_note_free(n);
	}
	return 0;
}
