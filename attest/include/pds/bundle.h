/* SPDX-License-Identifier: MIT */
/*
 * Plugin bundles (<plugin-id>.pdsb, docs/formats.md §9): a gzip-compressed POSIX
 * ustar archive holding a plugin's manifests, objects and .pds evidence, plus a
 * member SIGNATURES, a signed note (note.h) whose text is
 *
 *   pds-bundle/v1
 *   <sha256 hex> <path>          one line per other member, sorted by path
 *
 * signed by one or more packagers.
 *
 * The encoding is reproducible: members sorted by path, owner 0/0 "root", mode
 * 0644, mtime 0, no directory entries, a fixed gzip header (mtime 0, no name) and
 * a fixed compression level.  The reader accepts regular-file members only and
 * refuses, each with its own code, everything an extraction could be tricked by
 * (absolute paths, "..", links, devices, duplicates, sizes and ratios over the
 * limits, malformed headers, trailing data).  It counts decompressed bytes while
 * inflating, so a gzip bomb is refused after at most total_max bytes.
 *
 * Memory: a struct pds_bnd owns its members' paths and data; the caller frees it
 * with pds_bnd_free.  Buffers returned through out parameters are malloc'd and
 * belong to the caller.
 */
#ifndef PDS_BUNDLE_H
#define PDS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>
#include <pds/note.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_BND_FORMAT "pds-bundle/v1"	/* first line of the SIGNATURES text */
#define PDS_BND_SIGNATURES "SIGNATURES" /* the member holding the signed note */
/* ustar: a prefix of at most 154 bytes, '/', a name of at most 99 bytes (NUL-terminated). */
#define PDS_BND_PATH_MAX 254u

#define PDS_BND_DEFAULT_MEMBER_MAX (1u << 20) /* bytes in one member */
#define PDS_BND_DEFAULT_TOTAL_MAX (16u << 20) /* bytes of the inflated archive */
#define PDS_BND_DEFAULT_RATIO_MAX 100u	      /* inflated bytes per compressed byte */
#define PDS_BND_DEFAULT_MEMBERS_MAX 1024u     /* members in one archive */
/* Below this many inflated bytes the ratio is not judged: a small tar is mostly padding. */
#define PDS_BND_RATIO_FLOOR (64u << 10)

struct pds_bnd_limits {
	uint64_t member_max;
	uint64_t total_max;
	uint64_t ratio_max;
	uint64_t members_max;
	/* 1: accept any valid deflate encoding of the archive, not only the one
	 * pds_bnd_encode produces (then bit flips that leave the inflated archive
	 * unchanged go unnoticed; the members are the same bytes) */
	int lenient;
};

struct pds_bnd_member {
	char *path; /* relative, '/'-separated, checked by the rules above */
	uint8_t *data;
	size_t size;
	uint8_t sha256[32];
};

struct pds_bnd {
	struct pds_bnd_member *members; /* sorted by path (strcmp), unique */
	size_t count;
};

/* The defaults above. */
PDS_API void pds_bnd_limits_default(struct pds_bnd_limits *lim);

/* An empty bundle. */
PDS_API int pds_bnd_new(struct pds_bnd **out);
/* NULL-safe. */
PDS_API void pds_bnd_free(struct pds_bnd *b);

/*
 * Checks a member path: relative, at most PDS_BND_PATH_MAX bytes, splittable into
 * ustar prefix and name, components of printable ASCII other than '\' that are
 * neither empty, "." nor "..".  Returns 0, PDS_ATT_E_BND_ABSOLUTE,
 * PDS_ATT_E_BND_TRAVERSAL or PDS_ATT_E_BND_PATH.
 */
PDS_API int pds_bnd_path_check(const char *path);

/*
 * Adds a copy of data as member path, keeping members sorted.  Refuses a bad path
 * (codes of pds_bnd_path_check), a path already present or one that is another
 * member's folder (PDS_ATT_E_BND_DUPLICATE, PDS_ATT_E_BND_CONFLICT) and the
 * reserved name SIGNATURES (PDS_ATT_E_INVAL: pds_bnd_sign writes it).
 */
PDS_API int pds_bnd_add(struct pds_bnd *b, const char *path, const void *data, size_t len);
/* Same, reading the regular file file (at most PDS_BND_DEFAULT_MEMBER_MAX bytes). */
PDS_API int pds_bnd_add_file(struct pds_bnd *b, const char *path, const char *file);
/* The member with this path, or NULL. */
PDS_API const struct pds_bnd_member *pds_bnd_find(const struct pds_bnd *b, const char *path);

/* The reproducible .pdsb bytes of b. */
PDS_API int pds_bnd_encode(const struct pds_bnd *b, uint8_t **out, size_t *len);
/* Encodes b and replaces path with it: temp file, fsync, rename, fsync of the folder. */
PDS_API int pds_bnd_write(const struct pds_bnd *b, const char *path);

/*
 * Reads .pdsb bytes.  file names the input in diagnostics (the message gives the
 * member and its offset in the inflated archive).  lim NULL means the defaults.
 * On failure *out is NULL and one diagnostic went to the sink.
 */
PDS_API int pds_bnd_parse(const void *buf, size_t len, const char *file,
			  const struct pds_bnd_limits *lim, const struct pds_att_diag_sink *sink,
			  struct pds_bnd **out);
/* Reads the file path (at most lim->total_max bytes) and parses it. */
PDS_API int pds_bnd_load(const char *path, const struct pds_bnd_limits *lim,
			 const struct pds_att_diag_sink *sink, struct pds_bnd **out);

/* The SIGNATURES text of b: the format line, then "<hex> <path>" of every other member. */
PDS_API int pds_bnd_signatures_text(const struct pds_bnd *b, char **out, size_t *len);

/*
 * Adds s's signature to SIGNATURES, creating the member when absent.  When it is
 * present its text must be exactly the text b's members give now
 * (PDS_ATT_E_BND_STALE otherwise: re-create the bundle); a second signature by
 * the same key is PDS_ATT_E_NOTE_DUP_SIG.
 */
PDS_API int pds_bnd_sign(struct pds_bnd *b, const struct pds_note_signer *s);

/*
 * Verifies b against its SIGNATURES: every packager in packagers (npackagers >= 1)
 * has a good signature, and the members other than SIGNATURES are exactly those
 * listed, with the listed SHA-256.  0 is the only accept; otherwise one
 * diagnostic naming file and the member or SIGNATURES line, and one of
 * PDS_ATT_E_BND_UNSIGNED, a note parse code, PDS_ATT_E_BND_SIG_TEXT,
 * PDS_ATT_E_BND_PACKAGER_BAD, PDS_ATT_E_BND_PACKAGER_MISSING,
 * PDS_ATT_E_BND_MEMBER_MISSING, PDS_ATT_E_BND_MEMBER_UNLISTED, PDS_ATT_E_BND_HASH.
 */
PDS_API int pds_bnd_verify_signatures(const struct pds_bnd *b, const char *file,
				      const struct pds_note_verifier *packagers, size_t npackagers,
				      const struct pds_att_diag_sink *sink);

/*
 * Writes every member under a new folder dir: first into a temporary folder
 * beside dir, each file fsync'd, then renamed to dir, which must not exist
 * (PDS_ATT_E_EXISTS).  On any failure the temporary folder is removed, so dir
 * either appears whole or not at all.
 */
PDS_API int pds_bnd_extract(const struct pds_bnd *b, const char *dir,
			    const struct pds_att_diag_sink *sink);

#ifdef __cplusplus
}
#endif
#endif
