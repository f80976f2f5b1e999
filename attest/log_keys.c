// SPDX-License-Identifier: MIT
/* A log's checkpoint callbacks over C2SP signed notes (pds/log_keys.h). */
#include <pds/log_keys.h>

PDS_API int pds_log_keys_sign(void *ctx, const char *body, size_t len, char **out, size_t *out_len)
{
	const struct pds_log_keys *k = ctx;
	struct pds_note *n = NULL;
	int err;

	if (!k || !k->signer)
		return PDS_ATT_E_INVAL;
	err = pds_note_new(body, len, &n);
	if (!err)
		err = pds_note_sign(n, k->signer);
	if (!err)
		err = pds_note_encode(n, out, out_len);
	pds_note_free(n);
	return err;
}

PDS_API int pds_log_keys_verify(void *ctx, const char *text, size_t len)
{
	const struct pds_log_keys *k = ctx;
	struct pds_note *n = NULL;
	int err;

	if (!k || !k->vkey)
		return PDS_ATT_E_INVAL;
	err = pds_note_parse(text, len, "checkpoint", k->sink, &n);
	if (!err)
		err = pds_note_verify(n, k->vkey, 1, 1, NULL);
	pds_note_free(n);
	return err;
}
