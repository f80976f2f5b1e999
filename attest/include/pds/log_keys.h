/* SPDX-License-Identifier: MIT */
/*
 * Checkpoints of a log signed and checked as C2SP signed notes: the sign and
 * verify callbacks a log (pds/tlog.h, struct pds_tlog_opts) takes, over the keys
 * of pds/note.h.
 */
#ifndef PDS_LOG_KEYS_H
#define PDS_LOG_KEYS_H

#include <stddef.h>

#include <pds/note.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pds_log_keys {
	struct pds_note_signer *signer;	      /* signs new checkpoints; NULL for readers */
	const struct pds_note_verifier *vkey; /* the log's verifier key */
	const struct pds_att_diag_sink *sink; /* where a malformed checkpoint is reported */
};

/* ctx is a struct pds_log_keys: signs a checkpoint body into a note. */
PDS_API int pds_log_keys_sign(void *ctx, const char *body, size_t len, char **out, size_t *out_len);
/* ctx is a struct pds_log_keys: 0 only when the note carries a good signature by vkey. */
PDS_API int pds_log_keys_verify(void *ctx, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
