/* SPDX-License-Identifier: MIT */
/*
 * PQUIC plugin manifests (<name>.plugin), pquic-abi.md §1.
 *
 *   <plugin-id> [rate_unlimited|dynamic_memory|negotiate]…
 *   # comment
 *   <file> include
 *   <protoop> [param <N>] replace|pre|post|extern <file.o>
 *   -        (negotiate plugins: the pluglets after it wait for the peer's agreement)
 *
 * docs/manifest.md gives the grammar as accepted, the limits and every rule id.
 * The parser reads the whole grammar, follows includes (relative to the including
 * manifest's folder, with cycle detection) and enforces the rules PQUIC's
 * insertion relies on.  Every error is reported as "manifest:line: …" through the
 * diagnostic sink with a code from enum pds_chk_err.
 */
#ifndef PDS_MANIFEST_H
#define PDS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pds_chk_anchor {
	PDS_CHK_ANCHOR_REPLACE = 0,
	PDS_CHK_ANCHOR_PRE = 1,
	PDS_CHK_ANCHOR_POST = 2,
	PDS_CHK_ANCHOR_EXTERN = 3,
};

enum pds_chk_plugin_option {
	PDS_CHK_OPT_RATE_UNLIMITED = 1 << 0,
	PDS_CHK_OPT_DYNAMIC_MEMORY = 1 << 1,
	PDS_CHK_OPT_NEGOTIATE = 1 << 2,
};

/* Largest manifest file accepted, longest line, deepest include chain. */
#define PDS_CHK_MANIFEST_MAX_SIZE (1u << 20)
#define PDS_CHK_MANIFEST_MAX_LINE 4096u
#define PDS_CHK_MANIFEST_MAX_DEPTH 16u
/* Bytes of all manifests read (an include read twice counts twice), include lines followed. */
#define PDS_CHK_MANIFEST_MAX_TOTAL (8u << 20)
#define PDS_CHK_MANIFEST_MAX_INCLUDES 1024u
/* Longest plugin id and protoop name (PQUIC copies them into 100-byte buffers) and
 * longest file name (PQUIC's include buffer holds 150 bytes). */
#define PDS_CHK_MANIFEST_MAX_ID 99u
#define PDS_CHK_MANIFEST_MAX_PROTOOP 99u
#define PDS_CHK_MANIFEST_MAX_NAME 149u

struct pds_chk_pluglet {
	char *protoop;
	int has_param;	/* 1 when "param N" was given */
	uint16_t param; /* meaningful only when has_param */
	enum pds_chk_anchor anchor;
	char *file;	/* as written in the manifest */
	char *path;	/* resolved: the declaring manifest's folder + file */
	char *manifest; /* manifest file (the top one or an include) that declares it */
	unsigned line;	/* its line there, 1-based */
	int negotiated; /* 1 when after the "-" line of a negotiate plugin: PQUIC plugs it
			 * only once the peer has agreed to the plugin */
};

struct pds_chk_manifest {
	char *path;	  /* top manifest as given (the name for an in-memory manifest) */
	char *dir;	  /* its folder, the plugin's root: no file may leave it (NULL for an
			  * in-memory manifest parsed without a folder) */
	char *plugin_id;  /* first token of line 1 */
	unsigned options; /* enum pds_chk_plugin_option bits */
	struct pds_chk_pluglet *pluglets;
	size_t pluglet_count;
	char **files; /* every manifest read, the top one first, then includes in order */
	size_t file_count;
};

/*
 * Reads and validates a manifest and its includes.  Object files must exist.  On
 * success *out is the caller's to free with pds_chk_manifest_free; on failure it is
 * NULL and exactly one error diagnostic (plus notes) has gone to the sink.
 */
PDS_API int pds_chk_manifest_parse(const char *path, const struct pds_chk_diag_sink *sink,
				   struct pds_chk_manifest **out);
/*
 * Parses a manifest held in memory (name is used in messages, dir resolves
 * includes and object files; with dir NULL includes are refused and object files
 * are not required to exist).
 */
PDS_API int pds_chk_manifest_parse_mem(const char *buf, size_t len, const char *name,
				       const char *dir, const struct pds_chk_diag_sink *sink,
				       struct pds_chk_manifest **out);
PDS_API void pds_chk_manifest_free(struct pds_chk_manifest *m);

PDS_API const char *pds_chk_anchor_name(enum pds_chk_anchor a);

#ifdef __cplusplus
}
#endif
#endif
