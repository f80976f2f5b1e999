// SPDX-License-Identifier: MIT
/*
 * tlog-proofs and .pds evidence files: refused, or parsed into a proof whose
 * encoding is the input; verification against a fixed key never crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/proof.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_note_verifier log = {.name = "log.example/a", .id = 1, .type = PDS_NOTE_ED25519};
	struct pds_proof *p = NULL;
	struct pds_evidence *e = NULL;
	char *enc = NULL;
	size_t len;

	if (pds_proof_parse((const char *)data, size, "fuzz", NULL, &p) == 0) {
		if (pds_proof_encode(p, &enc, &len) || len != size || memcmp(enc, data, size))
			__builtin_trap();
		if (pds_proof_verify(p, data, size, NULL, &log, NULL, 0, 0) == 0)
			__builtin_trap();
		free(enc);
		pds_proof_free(p);
	}
	if (pds_evidence_parse((const char *)data, size, "fuzz", NULL, &e) == 0) {
		if (pds_proof_verify(e->proof, e->entry, e->entry_len, NULL, &log, NULL, 0, 0) == 0)
			__builtin_trap();
		pds_evidence_free(e);
	}
	return 0;
}
