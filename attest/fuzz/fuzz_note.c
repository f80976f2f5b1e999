// SPDX-License-Identifier: MIT
/*
 * Signed notes and keys: any input either is refused or parses into a note
 * whose encoding is the input itself (one encoding accepted), and verifying it
 * never crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/note.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char key[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_note_verifier v, parsed;
	struct pds_note_signer *s = NULL;
	struct pds_note *n = NULL;
	char *enc = NULL;
	size_t len;

	if (pds_note_verifier_parse(key, strlen(key), "k", NULL, &v))
		__builtin_trap();
	if (pds_note_verifier_parse((const char *)data, size, "fuzz", NULL, &parsed) == 0) {
		char buf[PDS_NOTE_KEY_MAX];

		if (pds_note_verifier_encode(&parsed, buf, sizeof(buf)) ||
		    strncmp(buf, (const char *)data, strlen(buf)))
			__builtin_trap();
	}
	if (pds_note_signer_parse((const char *)data, size, "fuzz", NULL, &s) == 0)
		pds_note_signer_free(s);
	if (pds_note_parse((const char *)data, size, "fuzz", NULL, &n))
		return 0;
	pds_note_verify(n, &v, 1, 0, NULL);
	if (pds_note_encode(n, &enc, &len) || len != size || memcmp(enc, data, size))
		__builtin_trap();
	free(enc);
	pds_note_free(n);
	return 0;
}
