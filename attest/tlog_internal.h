/* SPDX-License-Identifier: MIT */
/* Private declarations shared by tlog_hash.c, tlog_tiles.c and tlog_store.c. */
#ifndef PDS_TLOG_INTERNAL_H
#define PDS_TLOG_INTERNAL_H

#include <stdarg.h>

#include <pds/tlog.h>

/* SHA-256(a || b): the one hash of the log and its proofs (tlog_hash.c). */
void tlog_sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32]);

/*
 * A proof or tree head as a list of elements, each the fold of consecutive
 * stored hashes. Only ranges ending at the tree's right edge need more than one
 * hash, and a proof has at most three of those, so 256 hashes always suffice.
 */
#define TLOG_PLAN_MAX 256

struct tlog_plan_elem {
	size_t start, count;
};

struct tlog_plan {
	uint64_t idx[TLOG_PLAN_MAX];
	struct pds_tlog_hash hash[TLOG_PLAN_MAX];
	struct tlog_plan_elem elem[PDS_TLOG_MAX_PROOF + 1];
	size_t nidx, nelem;
};

/*
 * Send a diagnostic for code to sink (may be NULL) and return code. Binary files
 * (tiles, bundles) give line 0 and the byte offset in the message; text gives
 * line and column.
 */
int tlog_diag(const struct pds_att_diag_sink *sink, const char *file, unsigned line, unsigned col,
	      int code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Hash of the complete subtree over hashes h[0..count) (count a power of two). */
void tlog_fold_subtree(const struct pds_tlog_hash *h, size_t count, struct pds_tlog_hash *out);

#endif
