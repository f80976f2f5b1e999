/* SPDX-License-Identifier: MIT */
/* Private interfaces between keys.c, note.c and checkpoint.c. */
#ifndef PDS_ATT_NOTE_INTERNAL_H
#define PDS_ATT_NOTE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pds/note.h>

/* The public half of a signer. */
const struct pds_note_verifier *att_signer_key(const struct pds_note_signer *s);
/* Ed25519 signature of msg with the signer's secret key. */
int att_signer_sign(const struct pds_note_signer *s, const uint8_t *msg, size_t len,
		    uint8_t sig[64]);

/* Appends a signature line (name and id from key) holding sig; refuses a duplicate. */
int att_note_add_sig(struct pds_note *n, const struct pds_note_verifier *key, const uint8_t *sig,
		     size_t sig_len);

/*
 * Verifies one cosignature (tlog-cosignature "Ed25519 signed message") from key
 * over the note text; sets *time.  0 or a result code.
 */
int att_cosig_check(const struct pds_note *n, const struct pds_note_sig *s,
		    const struct pds_note_verifier *key, uint64_t *time);

#endif
