/* SPDX-License-Identifier: MIT */
/*
 * A witness (c2sp.org/tlog-witness): keeps, per log origin, the last checkpoint
 * it cosigned, and cosigns a new one only when the log's key signed it and a
 * consistency proof (RFC 9162 §2.1.4.2) links it to the last one.
 *
 * add-checkpoint request body (tlog-witness, "add-checkpoint"):
 *
 *   old <size>
 *   <base64 hash>          zero or more: the consistency proof from old to the new size
 *   <blank line>
 *   <checkpoint note>
 *
 * The response body is the witness's cosignature line(s) on that checkpoint.
 * State: one file per origin in a folder, named by the hex SHA-256 of the
 * origin, holding the last cosigned checkpoint body; replaced atomically (temp
 * file, fsync, rename, fsync of the folder) and guarded by a lock file, so a
 * crash leaves the old or the new state and two witnesses never interleave.
 *
 * Refusals map to the spec's HTTP statuses: PDS_ATT_E_WITNESS_REQUEST (400),
 * PDS_ATT_E_WITNESS_ROLLBACK (400: old size beyond the checkpoint),
 * PDS_ATT_E_TLOG_ORIGIN (404: not the configured log), PDS_ATT_E_NOTE_BAD_SIG /
 * PDS_ATT_E_NOTE_UNVERIFIED (403), PDS_ATT_E_WITNESS_CONFLICT (409, *known
 * receives the size the witness holds), PDS_ATT_E_TLOG_CONSISTENCY (422).
 */
#ifndef PDS_WITNESS_H
#define PDS_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>
#include <pds/note.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_WITNESS_MAX_REQUEST (1u << 20)

struct pds_witness_opts {
	size_t sz;				 /* sizeof(struct pds_witness_opts) */
	const char *state_dir;			 /* must exist */
	const struct pds_note_signer *key;	 /* the witness's type 0x04 key */
	const struct pds_note_verifier *log_key; /* the log's key; its name is the origin */
	uint64_t time;				 /* cosignature timestamp, POSIX seconds */
	struct pds_att_diag_sink sink;		 /* where a malformed request is reported */
};

/*
 * Handles one add-checkpoint request.  On success *resp (malloc'd) holds the
 * cosignature line(s) and the state records the new checkpoint.  *known (may be
 * NULL) receives the size the witness had cosigned before this call (0: none).
 * 0 is the only accept value; on any refusal the state is unchanged.
 */
PDS_API int pds_witness_add_checkpoint(const struct pds_witness_opts *o, const char *req,
				       size_t len, char **resp, size_t *resp_len, uint64_t *known);

#ifdef __cplusplus
}
#endif
#endif
