/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the log: an in-memory tree kept as stored hashes, the RFC 9162
 * recursive definitions computed straight from the leaves (an independent
 * reference for proofs), an Ed25519 checkpoint signer, and temp folders.
 */
#ifndef PDS_UTIL_TLOG_H
#define PDS_UTIL_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include <pds/tlog.h>

struct ut_tree {
	uint64_t n;
	struct pds_tlog_hash *leaf;   /* n leaf hashes */
	struct pds_tlog_hash *stored; /* pds_tlog_stored_count(n) hashes */
	uint64_t nstored, cap_leaf, cap_stored;
};

void ut_tree_add(struct ut_tree *t, const void *entry, size_t len);
void ut_tree_free(struct ut_tree *t);
/* pds_tlog_read_fn over a ut_tree. */
int ut_tree_read(void *ctx, const uint64_t *indexes, size_t count, struct pds_tlog_hash *out);

/* RFC 9162 §2.1 by recursion over leaf hashes [lo, hi). */
void ut_mth(const struct pds_tlog_hash *leaf, uint64_t lo, uint64_t hi, struct pds_tlog_hash *out);
size_t ut_path(const struct pds_tlog_hash *leaf, uint64_t m, uint64_t lo, uint64_t hi,
	       struct pds_tlog_hash *out);
size_t ut_subproof(const struct pds_tlog_hash *leaf, uint64_t m, uint64_t lo, uint64_t hi, int b,
		   struct pds_tlog_hash *out);

/* Decode 64 hex digits. */
void ut_hex32(const char *hex, struct pds_tlog_hash *out);

/* Checkpoint signer and verifier: Ed25519 over the body, one "— <name> <base64>" line. */
struct ut_signer {
	unsigned char pk[32], sk[64];
	int calls;
};
void ut_signer_init(struct ut_signer *s, unsigned char seed_byte);
int ut_sign(void *ctx, const char *body, size_t len, char **note, size_t *note_len);
int ut_verify(void *ctx, const char *note, size_t len);
void ut_opts(struct pds_tlog_opts *o, struct ut_signer *s, unsigned flags);

/* A fresh folder under $TMPDIR (or /tmp); ut_rmtree removes it. */
char *ut_tmpdir(const char *tag);
void ut_rmtree(const char *dir);

/* Runs cmd with the shell; its stdout goes into out (NUL-terminated); the exit status or -1. */
int ut_shell(const char *cmd, char *out, size_t size);
/* dir/name, whole (at most 1 MiB), NUL-terminated and malloc'd; NULL when unreadable. */
char *ut_read_in(const char *dir, const char *name, size_t *len);

/* Flip one bit of a file at offset; returns 0 on success. */
int ut_flip_file(const char *path, long off, unsigned bit);

/* Diagnostics collected by a sink: the last message and rule. */
struct ut_diags {
	int count;
	int last_code;
	char last[512];
};
void ut_diag_sink(void *ctx, const struct pds_att_diag *d);

#endif
