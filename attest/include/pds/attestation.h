/* SPDX-License-Identifier: MIT */
/*
 * The attestation text (docs/formats.md §7): what a verifier signs about a
 * checked plugin, one exact encoding, built from and parsed back into
 * struct pds_attestation.
 *
 *   pds-attestation/v1
 *   plugin <id>
 *   manifest <sha256 hex> | -
 *   checker <name> <version>
 *   profile <profile>
 *   spec <sha256 hex>
 *   passes <pass>,<pass>,…
 *   time <unix seconds>
 *   object <sha256 hex> <protoop> <param>|- <anchor>|- <file>     one block per object,
 *   termination proven|budget|unknown|refuted <bound>|-            blocks sorted by
 *   effects proven|unknown|refuted <write>,<write>,…|-             their object line
 *   memory proven|unknown|refuted
 *   helpers <helper>,<helper>,…|-
 *
 * Lists are sorted (bytewise) without repeats; "-" is the empty list.  Tokens
 * are 1..255 printable ASCII characters other than space and comma, and never
 * "-" alone.  The fields follow what pds-check --json reports for each object.
 */
#ifndef PDS_ATTESTATION_H
#define PDS_ATTESTATION_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_ATT_VERSION_LINE "pds-attestation/v1"
#define PDS_ATT_MAX_TEXT 60000u /* bytes: the signed note must fit one log entry */
#define PDS_ATT_MAX_OBJECTS 256u
#define PDS_ATT_MAX_ITEMS 1024u /* per list */
#define PDS_ATT_MAX_TOKEN 255u

enum pds_att_verdict {
	PDS_ATT_UNKNOWN = 0, /* the checker could not decide */
	PDS_ATT_PROVEN = 1,  /* proven; for termination, within bound instructions */
	PDS_ATT_BUDGET = 2,  /* termination only: terminates under a run-time budget of bound */
	PDS_ATT_REFUTED = 3, /* the property was shown not to hold */
};

struct pds_att_list {
	char **items;
	size_t count;
};

struct pds_att_object {
	uint8_t sha256[32];
	char *name;    /* protoop (PQUIC) or program section (kernel) */
	int has_param; /* 0: "-" */
	uint16_t param;
	char *anchor; /* replace, pre, post, extern; NULL: "-" */
	char *file;   /* the object's path as the manifest names it */
	enum pds_att_verdict termination;
	uint64_t bound; /* worst-case instructions, for PROVEN and BUDGET */
	enum pds_att_verdict effects;
	struct pds_att_list writes; /* the exact write set */
	enum pds_att_verdict memory;
	struct pds_att_list helpers; /* helpers called */
};

struct pds_attestation {
	char *plugin;
	int has_manifest; /* 0 for a lone object: "manifest -" */
	uint8_t manifest[32];
	char *checker;
	char *checker_version;
	char *profile;
	uint8_t spec[32]; /* digest of the ABI profile / spec the checker used */
	struct pds_att_list passes;
	uint64_t time; /* <= 2^63-1 */
	struct pds_att_object *objects;
	size_t object_count;
};

PDS_API const char *pds_att_verdict_name(enum pds_att_verdict v);

/*
 * Encodes a (malloc'd, NUL-terminated text).  Lists and objects are emitted in
 * their canonical order whatever their order in a; repeats, bad tokens and
 * out-of-range values are refused with the code the parser would give.
 */
PDS_API int pds_att_format(const struct pds_attestation *a, char **out, size_t *len);
/* Parses the one accepted encoding; *out belongs to the caller (pds_att_free). */
PDS_API int pds_att_parse(const char *text, size_t len, const char *file,
			  const struct pds_att_diag_sink *sink, struct pds_attestation **out);
/* Frees a parsed attestation (NULL-safe).  Not for structs the caller built. */
PDS_API void pds_att_free(struct pds_attestation *a);

#ifdef __cplusplus
}
#endif
#endif
