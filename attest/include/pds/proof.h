/* SPDX-License-Identifier: MIT */
/*
 * Offline log proofs (c2sp.org/tlog-proof) and the .pds evidence file.
 *
 *   c2sp.org/tlog-proof@v1
 *   [extra <base64>]
 *   index <N>
 *   <base64 hash>            zero or more, leaf's sibling first (RFC 6962 §2.1.1)
 *   <blank line>
 *   <checkpoint note with its signatures and cosignatures>
 *
 * A .pds evidence file is the attestation note exactly as logged, then a
 * tlog-proof of its inclusion (docs/formats.md §6 gives the framing).  The leaf
 * hash is always recomputed from the attestation bytes, never read from a file.
 */
#ifndef PDS_PROOF_H
#define PDS_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include <pds/checkpoint.h>
#include <pds/note.h>
#include <pds/tlog.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_PROOF_HEADER "c2sp.org/tlog-proof@v1"
#define PDS_PROOF_MAX_HASHES 63u  /* enough for any tree below 2^63 entries */
#define PDS_PROOF_MAX_EXTRA 1024u /* decoded bytes of the extra line */

struct pds_proof {
	uint8_t *extra; /* NULL when the proof has no extra line */
	size_t extra_len;
	uint64_t index;
	struct pds_tlog_hash *hashes;
	size_t hash_count;
	struct pds_note *checkpoint; /* the checkpoint note, signatures included */
	struct pds_checkpoint body;  /* its parsed text */
};

/*
 * Builds a proof from its parts: the checkpoint note (as served by the log) is
 * parsed and copied; hashes and extra (may be NULL) are copied.
 */
PDS_API int pds_proof_new(uint64_t index, const struct pds_tlog_hash *hashes, size_t count,
			  const uint8_t *extra, size_t extra_len, const char *checkpoint,
			  size_t checkpoint_len, struct pds_proof **out);
PDS_API int pds_proof_parse(const char *buf, size_t len, const char *file,
			    const struct pds_att_diag_sink *sink, struct pds_proof **out);
PDS_API int pds_proof_encode(const struct pds_proof *p, char **out, size_t *len);
PDS_API void pds_proof_free(struct pds_proof *p);

/*
 * Verifies that entry is at p->index in the log: the checkpoint's origin is
 * origin (log_key's name when NULL), log_key signed it, at least min_witnesses
 * of witnesses (type 0x04 keys) cosigned it, no known key's signature is bad,
 * and the inclusion proof of SHA-256(0x00 || entry) leads to the checkpoint's
 * root (RFC 9162 §2.1.3.2).  0 is the only accept value.
 */
PDS_API int pds_proof_verify(const struct pds_proof *p, const void *entry, size_t entry_len,
			     const char *origin, const struct pds_note_verifier *log_key,
			     const struct pds_note_verifier *witnesses, size_t nwitnesses,
			     size_t min_witnesses);

struct pds_evidence {
	char *entry; /* the attestation note bytes, exactly as logged */
	size_t entry_len;
	struct pds_note *note; /* entry, parsed */
	struct pds_proof *proof;
};

/* Splits and parses a .pds file: the attestation note, then the tlog-proof. */
PDS_API int pds_evidence_parse(const char *buf, size_t len, const char *file,
			       const struct pds_att_diag_sink *sink, struct pds_evidence **out);
/* Concatenates a logged attestation note (checked to parse) and an encoded proof. */
PDS_API int pds_evidence_encode(const char *entry, size_t entry_len, const struct pds_proof *p,
				char **out, size_t *len);
PDS_API void pds_evidence_free(struct pds_evidence *e);

#ifdef __cplusplus
}
#endif
#endif
