// SPDX-License-Identifier: MIT
/*
 * pds_ldr_advance: moves the anti-rollback state of a log to a newer
 * checkpoint on the strength of a consistency proof, for hosts whose policy
 * has no witness quorum to vouch for newer checkpoints.  The request is what
 * `pds-log consistency DIR OLD` prints (the c2sp.org/tlog-witness
 * add-checkpoint body):
 *
 *   old <size>
 *   <base64 hash>          zero or more: the consistency proof (RFC 9162 §2.1.4.2)
 *   <blank line>
 *   <checkpoint note>
 *
 * The checkpoint must be signed by a log of the policy, OLD must be the newest
 * size this host accepted from that log, and the proof must link that tree
 * head to the new one.  Nothing else is read; no network access.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <pds/checkpoint.h>
#include <pds/tlog.h>

#include "loader/policy_internal.h"

#define MAX_HASHES 63u

struct request {
	uint64_t old;
	struct pds_tlog_hash proof[MAX_HASHES];
	size_t count;
	size_t note_off; /* where the checkpoint note starts */
	unsigned note_line;
};

static int bad(struct pds_ldr_result *res, const char *file, unsigned line, const char *why)
{
	return pds_ldr_fail(res, PDS_LDR_E_ADVANCE_REQUEST, file, line, 1, "%s", why);
}

static int parse_request(const char *buf, size_t len, const char *file, struct request *r,
			 struct pds_ldr_result *res)
{
	const char *p = buf, *end = buf + len, *nl;
	unsigned line = 1;

	nl = memchr(p, '\n', len);
	if (!nl || nl - p < 5 || memcmp(p, "old ", 4) != 0 || (nl - p > 5 && p[4] == '0'))
		return bad(res, file, 1, "the first line must be \"old <size>\"");
	r->old = 0;
	for (const char *q = p + 4; q < nl; q++) {
		if (*q < '0' || *q > '9' || r->old > (UINT64_MAX - 9) / 10)
			return bad(res, file, 1, "the old size is not a decimal number");
		r->old = r->old * 10 + (uint64_t)(*q - '0');
	}
	p = nl + 1;
	for (line = 2;; line++) {
		char b64[45];
		size_t n = 0;

		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (!nl)
			return bad(res, file, line, "no blank line before the checkpoint");
		if (nl == p)
			break;
		if (nl - p != 44 || r->count == MAX_HASHES)
			return bad(res, file, line, "a proof line must be one base64 SHA-256 hash");
		memcpy(b64, p, 44);
		b64[44] = 0;
		if (sodium_base642bin(r->proof[r->count].b, 32, b64, 44, NULL, &n, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n != 32)
			return bad(res, file, line, "a proof line is not canonical base64");
		r->count++;
		p = nl + 1;
	}
	r->note_off = (size_t)(nl + 1 - buf);
	r->note_line = line + 1;
	return 0;
}

struct extend_ctx {
	const struct request *r;
	const struct pds_checkpoint *cp;
	const char *file;
};

static int extends(void *ctx, uint64_t old_size, const uint8_t old_root[32],
		   struct pds_ldr_result *res)
{
	const struct extend_ctx *e = ctx;
	struct pds_tlog_hash rn, rm;

	if (e->r->old != old_size)
		return pds_ldr_fail(res, PDS_LDR_E_CONSISTENCY, e->file, 1, 1,
				    "the proof starts at size %" PRIu64
				    ", the newest checkpoint accepted has size %" PRIu64
				    " (pds-log consistency DIR %" PRIu64 ")",
				    e->r->old, old_size, old_size);
	memcpy(rn.b, e->cp->root, 32);
	memcpy(rm.b, old_root, 32);
	if (pds_tlog_verify_consistency(e->cp->size, old_size, e->r->proof, e->r->count, &rn,
					&rm) != 0)
		return pds_ldr_fail(res, PDS_LDR_E_CONSISTENCY, e->file, 2, 1,
				    "the consistency proof does not link size %" PRIu64
				    " to size %" PRIu64,
				    old_size, e->cp->size);
	return 0;
}

static void note_sink(void *ctx, const struct pds_att_diag *d)
{
	struct pds_ldr_result *res = ctx;

	if (!res->code)
		pds_ldr_fail(res, PDS_LDR_E_ADVANCE_REQUEST, d->file, d->line, d->col, "%s [%s]",
			     d->msg, d->rule);
}

PDS_API int pds_ldr_advance(struct pds_ldr_policy *p, const char *request, size_t len,
			    const char *file, struct pds_ldr_result *res)
{
	struct request *r;
	struct pds_att_diag_sink sink = {note_sink, res};
	struct pds_note *note = NULL;
	struct pds_checkpoint cp = {0};
	struct extend_ctx ctx;
	int err, log = -1;

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !request)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "missing argument");
	if (!file)
		file = "<request>";
	r = calloc(1, sizeof(*r));
	if (!r)
		return pds_ldr_fail(res, PDS_LDR_E_NOMEM, file, 0, 0, "out of memory");
	err = parse_request(request, len, file, r, res);
	if (!err && pds_note_parse(request + r->note_off, len - r->note_off, file, &sink, &note))
		err = res->code ? res->code : bad(res, file, r->note_line, "bad checkpoint note");
	if (!err && pds_checkpoint_parse(note->text, note->text_len, file, &sink, &cp))
		err = res->code ? res->code : bad(res, file, r->note_line, "bad checkpoint");
	for (size_t i = 0; !err && i < p->log_count && log < 0; i++)
		if (!strcmp(p->logs[i].key.name, cp.origin))
			log = (int)i;
	if (!err && log < 0)
		err = pds_ldr_fail(res, PDS_LDR_E_LOG_UNKNOWN, file, r->note_line, 1,
				   "checkpoint is from log %s, which the policy does not trust",
				   cp.origin);
	if (!err && pds_note_verify(note, &p->logs[log].key, 1, 1, NULL) != 0)
		err = pds_ldr_fail(res, PDS_LDR_E_CHECKPOINT_SIG, file, r->note_line, 1,
				   "checkpoint of %s is not signed by the log's key", cp.origin);
	if (!err) {
		ctx.r = r;
		ctx.cp = &cp;
		ctx.file = file;
		err = pds_ldr_state_update(p->state_dir, cp.origin, cp.size, cp.root, extends, &ctx,
					   res, file);
	}
	if (!err) {
		snprintf(res->origin, sizeof(res->origin), "%s", cp.origin);
		res->tree_size = cp.size;
		snprintf(res->message, sizeof(res->message),
			 "%.800s: log %.100s: checkpoint of size %" PRIu64 " accepted", file,
			 cp.origin, cp.size);
	}
	pds_checkpoint_release(&cp);
	pds_note_free(note);
	free(r);
	return err;
}
