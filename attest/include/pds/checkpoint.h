/* SPDX-License-Identifier: MIT */
/*
 * Transparency-log checkpoints (c2sp.org/tlog-checkpoint) and witness
 * cosignatures (c2sp.org/tlog-cosignature, Ed25519 "cosignature/v1").
 *
 * A checkpoint is a signed note (note.h) whose text is
 *
 *   <origin>\n<tree size, decimal, no leading zeros>\n<base64 root hash>\n[<extension>\n]…
 *
 * A cosignature is a note signature by a key of type 0x04 whose bytes are an
 * 8-byte big-endian timestamp then an Ed25519 signature over
 * "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint text.
 */
#ifndef PDS_CHECKPOINT_H
#define PDS_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <pds/note.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_CKPT_MAX_EXT 16u	       /* extension lines */
#define PDS_CKPT_MAX_SIZE (1ull << 62) /* largest tree size we accept (< 2^63) */

struct pds_checkpoint {
	char *origin;
	uint64_t size;
	uint8_t root[32];
	char **ext; /* extension lines, without their newline */
	size_t ext_count;
};

/*
 * Parses a checkpoint body (the note text, final newline included) into *out,
 * which the caller releases with pds_checkpoint_release.
 */
PDS_API int pds_checkpoint_parse(const char *text, size_t len, const char *file,
				 const struct pds_att_diag_sink *sink, struct pds_checkpoint *out);
/* Releases what pds_checkpoint_parse allocated; NULL-safe, leaves *c zeroed. */
PDS_API void pds_checkpoint_release(struct pds_checkpoint *c);
/* Formats the body (malloc'd, NUL-terminated); validates every field as the parser does. */
PDS_API int pds_checkpoint_format(const struct pds_checkpoint *c, char **out, size_t *len);

/*
 * Parses a checkpoint note, checks that its origin is the expected one (when
 * origin is not NULL) and verifies it with pds_note_verify rules against keys.
 * On success *note and *body belong to the caller.
 */
PDS_API int pds_checkpoint_open(const char *buf, size_t len, const char *file,
				const struct pds_att_diag_sink *sink, const char *origin,
				const struct pds_note_verifier *keys, size_t nkeys,
				size_t min_valid, struct pds_note **note,
				struct pds_checkpoint *body);

/* Adds a cosignature line by a type-0x04 signer, timestamped time (<= 2^63-1). */
PDS_API int pds_cosig_sign(struct pds_note *checkpoint, const struct pds_note_signer *witness,
			   uint64_t time);
/*
 * Verifies the cosignature of key (type 0x04) on checkpoint and sets *time.
 * Fails closed: PDS_ATT_E_NOTE_UNVERIFIED when the key did not sign,
 * PDS_ATT_E_COSIG_SYNTAX / _TIME when the signature is malformed,
 * PDS_ATT_E_NOTE_BAD_SIG when it does not verify.
 */
PDS_API int pds_cosig_verify(const struct pds_note *checkpoint, const struct pds_note_verifier *key,
			     uint64_t *time);
/* Splits a cosignature's bytes (after the key id) into its timestamp. */
PDS_API int pds_cosig_time(const struct pds_note_sig *sig, uint64_t *time);

#ifdef __cplusplus
}
#endif
#endif
