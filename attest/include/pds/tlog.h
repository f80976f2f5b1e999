/* SPDX-License-Identifier: MIT */
/*
 * The transparency log: an RFC 6962 / RFC 9162 Merkle tree over opaque entries,
 * stored on disk in the C2SP tlog-tiles layout.
 *
 * Two layers:
 *  - pure functions over "stored hashes" (the hash of every complete subtree,
 *    numbered as in Go's sumdb/tlog), reached through a read callback, so that a
 *    proof reads only the few hashes it needs;
 *  - a log in a folder (struct pds_tlog): batched appends, one signed checkpoint
 *    per batch, proofs computed from tiles, crash recovery and fsck.
 *
 * Results are 0 or a PDS_ATT_E_* code (att_errors.h). Verification functions
 * have exactly one accept value, 0.
 */
#ifndef PDS_TLOG_H
#define PDS_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>
#include <pds/att_errors.h>

#define PDS_TLOG_HASH_SIZE 32
/* tlog-tiles: tiles are 8 levels high, 256 hashes wide. */
#define PDS_TLOG_TILE_HEIGHT 8
#define PDS_TLOG_TILE_WIDTH 256
/* A proof in a tree of at most 2^63 entries has at most 63 hashes. */
#define PDS_TLOG_MAX_PROOF 64
/* tlog-tiles entry bundles prefix each entry with a big-endian 16-bit length. */
#define PDS_TLOG_MAX_ENTRY 65535
/* Longest path of a tile below the log folder, with its terminating NUL. */
#define PDS_TLOG_PATH_MAX 96

struct pds_tlog_hash {
	uint8_t b[PDS_TLOG_HASH_SIZE];
};

/* ---------------------------------------------------------------- hashing (tlog_hash.c) */

/* RFC 9162 §2.1.1: leaf hash SHA-256(0x00 ‖ entry), node hash SHA-256(0x01 ‖ l ‖ r). */
PDS_API void pds_tlog_leaf_hash(const void *entry, size_t len, struct pds_tlog_hash *out);
PDS_API void pds_tlog_node_hash(const struct pds_tlog_hash *left, const struct pds_tlog_hash *right,
				struct pds_tlog_hash *out);

/*
 * Stored hashes: the hash of the complete subtree of 2^level entries starting at
 * entry n << level is stored at index pds_tlog_stored_index(level, n). Indexes
 * grow with the log: appending entry n adds the stored hashes of every subtree it
 * completes, and a log of n entries has pds_tlog_stored_count(n) of them.
 */
PDS_API uint64_t pds_tlog_stored_index(int level, uint64_t n);
PDS_API void pds_tlog_split_stored_index(uint64_t index, int *level, uint64_t *n);
PDS_API uint64_t pds_tlog_stored_count(uint64_t n);

/*
 * Read callback: fill out[i] with stored hash indexes[i] for i < count. Returns 0
 * or a PDS_ATT_E_* code, which the caller passes on.
 */
typedef int (*pds_tlog_read_fn)(void *ctx, const uint64_t *indexes, size_t count,
				struct pds_tlog_hash *out);

/*
 * The stored hashes that appending entry n (with leaf hash *leaf) adds, in index
 * order, written to out (room for 64); *count receives how many.
 */
PDS_API int pds_tlog_stored_hashes(uint64_t n, const struct pds_tlog_hash *leaf,
				   pds_tlog_read_fn read, void *ctx, struct pds_tlog_hash *out,
				   size_t *count);

/* RFC 9162 §2.1.1 MTH of the first n entries (n = 0 gives SHA-256 of nothing). */
PDS_API int pds_tlog_tree_hash(uint64_t n, pds_tlog_read_fn read, void *ctx,
			       struct pds_tlog_hash *out);

/*
 * RFC 9162 §2.1.3.1 inclusion proof of entry index in the tree of size n, and
 * §2.1.4.1 consistency proof from size m to size n (0 < m <= n). proof has room
 * for PDS_TLOG_MAX_PROOF hashes; *len receives how many were written.
 */
PDS_API int pds_tlog_prove_inclusion(uint64_t n, uint64_t index, pds_tlog_read_fn read, void *ctx,
				     struct pds_tlog_hash *proof, size_t *len);
PDS_API int pds_tlog_prove_consistency(uint64_t n, uint64_t m, pds_tlog_read_fn read, void *ctx,
				       struct pds_tlog_hash *proof, size_t *len);

/*
 * RFC 9162 §2.1.3.2: 0 when proof shows leaf at index in the tree of size n with
 * head root, else PDS_ATT_E_TLOG_INCLUSION (also for index >= n).
 */
PDS_API int pds_tlog_verify_inclusion(uint64_t n, uint64_t index, const struct pds_tlog_hash *leaf,
				      const struct pds_tlog_hash *proof, size_t len,
				      const struct pds_tlog_hash *root);
/*
 * RFC 9162 §2.1.4.2: 0 when proof links the tree of size m with head root_m to the
 * tree of size n with head root_n, else PDS_ATT_E_TLOG_CONSISTENCY. m = 0 is
 * accepted with an empty proof (every tree extends the empty one); m = n requires
 * an empty proof and equal heads.
 */
PDS_API int pds_tlog_verify_consistency(uint64_t n, uint64_t m, const struct pds_tlog_hash *proof,
					size_t len, const struct pds_tlog_hash *root_n,
					const struct pds_tlog_hash *root_m);

/* ---------------------------------------------------------------- tiles (tlog_tiles.c) */

/*
 * A tile: level L holds the stored hashes of level 8L; tile n covers hashes
 * [256n, 256n + width). Level -1 names the entry bundles (tile/entries/...).
 */
struct pds_tlog_tile {
	int level;
	uint64_t n;
	unsigned width; /* 1..256; 256 is a full tile */
};
#define PDS_TLOG_ENTRIES_LEVEL (-1)

/*
 * tlog-tiles path of a tile below the log folder: tile/<L>/<N>[.p/<W>] or
 * tile/entries/<N>[.p/<W>], N in 3-digit groups, all but the last prefixed x.
 */
PDS_API int pds_tlog_tile_path(const struct pds_tlog_tile *t, char *buf, size_t size);
/* The reverse, accepting only the one canonical encoding. */
PDS_API int pds_tlog_tile_parse_path(const char *path, struct pds_tlog_tile *t);

/* Tile t of the tree of size n: its width there, 0 when the tree has no such tile. */
PDS_API unsigned pds_tlog_tile_width(int level, uint64_t tile_n, uint64_t size);

/*
 * Parse a hash tile's bytes: exactly width * 32 bytes. name is used in
 * diagnostics only (sink may be NULL); the place is given as a byte offset. Returns 0 or PDS_ATT_E_TLOG_TILE.
 */
PDS_API int pds_tlog_tile_parse(const char *name, const uint8_t *data, size_t len, unsigned width,
				const struct pds_att_diag_sink *sink);

/*
 * Parse an entry bundle: exactly count entries, each a big-endian 16-bit length
 * then that many bytes, nothing after. offsets (count + 1 slots, may be NULL)
 * receive the offset of each entry's data and, last, the bundle's length.
 * Returns 0 or PDS_ATT_E_TLOG_BUNDLE.
 */
PDS_API int pds_tlog_bundle_parse(const char *name, const uint8_t *data, size_t len, unsigned count,
				  size_t *offsets, const struct pds_att_diag_sink *sink);

/* ---------------------------------------------------------------- checkpoint body */

/*
 * C2SP tlog-checkpoint body: "<origin>\n<size>\n<base64 root>\n" followed by
 * optional extension lines. Parses the text of a note up to its blank line (or
 * all of it); the size is decimal without leading zeros. origin receives a
 * malloc'd copy (caller frees). Returns 0 or PDS_ATT_E_TLOG_CHECKPOINT.
 */
PDS_API int pds_tlog_checkpoint_parse(const char *name, const char *text, size_t len, char **origin,
				      uint64_t *size, struct pds_tlog_hash *root,
				      const struct pds_att_diag_sink *sink);
/* Format the body for signing; *body is malloc'd (caller frees). */
PDS_API int pds_tlog_checkpoint_body(const char *origin, uint64_t size,
				     const struct pds_tlog_hash *root, char **body, size_t *len);

/* ---------------------------------------------------------------- a log in a folder (tlog_store.c) */

/*
 * Signs a checkpoint body: *note receives a malloc'd signed note (caller frees).
 * Verifies a checkpoint note: 0 only when the log's key signed it.
 */
typedef int (*pds_tlog_sign_fn)(void *ctx, const char *body, size_t len, char **note,
				size_t *note_len);
typedef int (*pds_tlog_verify_fn)(void *ctx, const char *note, size_t len);

enum pds_tlog_flags {
	/* No lock, no recovery, no appends: for readers (proofs, fsck of a copy). */
	PDS_TLOG_RDONLY = 1u << 0,
	/* Skip the checkpoint signature check; only with an explicit request. */
	PDS_TLOG_NO_VERIFY = 1u << 1,
};

struct pds_tlog_opts {
	size_t sz; /* sizeof(struct pds_tlog_opts) */
	unsigned flags;
	pds_tlog_sign_fn sign;
	void *sign_ctx;
	pds_tlog_verify_fn verify;
	void *verify_ctx;
	struct pds_att_diag_sink sink; /* where open, fsck and parsers report */
};

struct pds_tlog;

/* Create a log in dir (created if missing, must hold no checkpoint): size 0, signed. */
PDS_API int pds_tlog_init(const char *dir, const char *origin, const struct pds_tlog_opts *opts);

/*
 * Open a log. A writer takes the folder's lock (PDS_ATT_E_TLOG_LOCKED when
 * another holds it) and discards any batch that was not checkpointed.
 */
PDS_API int pds_tlog_open(const char *dir, const struct pds_tlog_opts *opts, struct pds_tlog **out);
/* NULL-safe; uncheckpointed appends are dropped. */
PDS_API void pds_tlog_free(struct pds_tlog *log);

/* The checkpointed tree: size, root, origin (owned by the log). */
PDS_API uint64_t pds_tlog_size(const struct pds_tlog *log);
PDS_API void pds_tlog_root(const struct pds_tlog *log, struct pds_tlog_hash *root);
PDS_API const char *pds_tlog_origin(const struct pds_tlog *log);
/* The checkpoint note as on disk (owned by the log; valid until the next checkpoint). */
PDS_API const char *pds_tlog_checkpoint_note(const struct pds_tlog *log, size_t *len);

/*
 * Add an entry to the current batch; *index (may be NULL) receives its index.
 * Nothing is written until pds_tlog_checkpoint(); the entry counts as logged only
 * once that returns 0.
 */
PDS_API int pds_tlog_append(struct pds_tlog *log, const void *entry, size_t len, uint64_t *index);
/* Number of entries appended and not yet checkpointed. */
PDS_API uint64_t pds_tlog_pending(const struct pds_tlog *log);
/*
 * Write the batch: entries and tiles, synced, then the signed checkpoint,
 * replaced atomically. With an empty batch the checkpoint is re-signed.
 */
PDS_API int pds_tlog_checkpoint(struct pds_tlog *log);

/* Proofs and hashes over the checkpointed tree, read from tiles (n <= size). */
PDS_API int pds_tlog_prove(struct pds_tlog *log, uint64_t n, uint64_t index,
			   struct pds_tlog_hash *proof, size_t *len);
PDS_API int pds_tlog_prove_tree(struct pds_tlog *log, uint64_t n, uint64_t m,
				struct pds_tlog_hash *proof, size_t *len);
PDS_API int pds_tlog_hash_at(struct pds_tlog *log, uint64_t n, struct pds_tlog_hash *root);
PDS_API int pds_tlog_leaf_at(struct pds_tlog *log, uint64_t index, struct pds_tlog_hash *leaf);
/* Entry index (index < size); *entry is malloc'd (caller frees). */
PDS_API int pds_tlog_entry(struct pds_tlog *log, uint64_t index, uint8_t **entry, size_t *len);

/*
 * Check everything up to the checkpoint: every entry bundle parses and hashes to
 * its level-0 tile, every tile above hashes from the one below, partial tiles
 * agree with the full ones, the tiles hash to the signed root. Reads one tile at
 * a time. Each problem goes to the diagnostics sink; returns the first code.
 */
PDS_API int pds_tlog_fsck(struct pds_tlog *log);

struct pds_note_verifier; /* note.h */

/*
 * Adds witnesses' cosignature lines (what a c2sp.org/tlog-witness witness
 * answers, "— <name> <base64>\n" each) to the current checkpoint (formats.md §8,
 * "Cosigned checkpoints").  Every line must be a cosignature (key type 0x04) by
 * one of witnesses that verifies on this checkpoint, or nothing changes:
 * PDS_ATT_E_TLOG_COSIGNER for a line by another key or of another type, the
 * note and cosignature codes for malformed or bad lines.  A witness already on
 * the checkpoint has its line replaced by the newer one; an older timestamp is
 * refused (PDS_ATT_E_TLOG_COSIG_OLDER), so a replayed line never rolls a witness's
 * view back.  A read-only or damaged log (see pds_tlog_open) takes none.  The
 * checkpoint file is replaced atomically under the writer lock; a checkpoint
 * signed again (pds_tlog_checkpoint) starts without cosignatures.  *added (may
 * be NULL) receives the number of lines taken.
 */
PDS_API int pds_tlog_add_cosignatures(struct pds_tlog *log, const char *lines, size_t len,
				      const struct pds_note_verifier *witnesses, size_t nwitnesses,
				      size_t *added);

#endif
