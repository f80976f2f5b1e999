/* SPDX-License-Identifier: MIT */
/*
 * Result codes and diagnostics shared by every parser of libpdsattest.
 *
 * The library never prints: a parser that refuses its input sends one
 * diagnostic naming the file, the line and the column to the caller's sink,
 * then returns the same code.  Tests match the rule id, never the prose.
 */
#ifndef PDS_ATT_DIAG_H
#define PDS_ATT_DIAG_H

#include <stddef.h>

#include <pds/att_errors.h>

#ifndef PDS_API
#define PDS_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* One diagnostic; every pointer is valid only during the sink call. */
struct pds_att_diag {
	const char *file; /* the name the caller gave, or "<input>" */
	unsigned line;	  /* 1-based, 0 when the input as a whole is at fault */
	unsigned col;	  /* 1-based byte column, 0 when unknown */
	int code;	  /* enum pds_att_err */
	const char *rule; /* stable rule id, e.g. "note/bad-signature" */
	const char *msg;
};

typedef void (*pds_att_diag_fn)(void *ctx, const struct pds_att_diag *d);

struct pds_att_diag_sink {
	pds_att_diag_fn fn; /* NULL discards diagnostics */
	void *ctx;
};

/* Description and rule id of a result code ("unknown error" / "unknown" otherwise). */
PDS_API const char *pds_att_strerror(int err);
PDS_API const char *pds_att_rule(int err);

/*
 * Formats "file:line:col: error: msg [rule]" into buf (always NUL-terminated
 * when size > 0); returns the length snprintf would have written.
 */
PDS_API int pds_att_diag_format(const struct pds_att_diag *d, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
