/* SPDX-License-Identifier: MIT */
/*
 * libpdsload: the trust policy and the verification a host runs before it loads
 * a plugin (docs/loader.md, policy format in docs/formats.md §10).
 *
 * A host loads a policy once (pds_ldr_policy_load), then asks, for each plugin,
 * pds_ldr_verify_plugin (a manifest and its objects on disk, with the evidence
 * file <manifest>.pds beside it) or pds_ldr_verify_bundle (a .pdsb archive).
 * Both read local files only: no network access, ever.
 *
 * Verification recomputes the SHA-256 of the manifest and of every object,
 * requires that the attestation in the evidence covers exactly these files with
 * the manifest's protoop, anchor and param for each, checks the verifiers'
 * signatures against the policy's formula, the tlog-proof (leaf recomputed from
 * the attestation bytes) against the log's signed checkpoint, the witnesses'
 * cosignatures against the quorum and the checkpoint's age, the checkpoint
 * against the newest one this host accepted from that log (anti-rollback state,
 * replaced atomically), and the verdicts and worst-case bound against the
 * policy's limits.  0 is the only accept value; every refusal has its own code
 * (ldr_errors.h) and a message naming the file and the reason.
 *
 * The policy object also remembers signatures it has verified (keyed by the
 * SHA-256 of the exact signed bytes), so that verifying the same evidence again
 * costs little more than hashing the files.  A policy object is not thread-safe:
 * use one per thread, or lock around it.
 */
#ifndef PDS_LOAD_H
#define PDS_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <pds/ldr_errors.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PDS_API
#define PDS_API __attribute__((visibility("default")))
#endif

/* Description and rule id of a libpdsload result code. */
PDS_API const char *pds_ldr_strerror(int err);
PDS_API const char *pds_ldr_rule(int err);

#define PDS_LDR_MSG_MAX 1024u
#define PDS_LDR_FILE_MAX 4096u

/*
 * The outcome of a policy load or a verification.  code is 0 (PDS_LDR_OK) on
 * acceptance and nothing else then; on refusal file/line/col name the place at
 * fault and message says why (it already names the file).  detail is the code
 * of the lower layer that refused (libpdsattest or libpdscheck), 0 when none,
 * and detail_rule its rule id.  The remaining fields describe what was accepted.
 */
struct pds_ldr_result {
	int code;
	char file[PDS_LDR_FILE_MAX];
	unsigned line; /* 1-based, 0 when the file as a whole is at fault */
	unsigned col;  /* 1-based, 0 when unknown */
	char message[PDS_LDR_MSG_MAX];
	int detail;
	char detail_rule[64];

	/* on acceptance */
	char plugin[256];	  /* plugin id */
	char origin[256];	  /* the log that holds the attestation */
	uint64_t index;		  /* its entry index */
	uint64_t tree_size;	  /* size of the checkpoint the proof leads to */
	uint64_t checkpoint_time; /* newest trusted cosignature time, 0 without witnesses */
	uint64_t max_bound;	  /* the largest proven/budget instruction bound */
	size_t objects;		  /* attested objects */
	char verifiers[1024];	  /* verifiers whose signatures verified, comma-separated */
	size_t witnesses;	  /* trusted witnesses whose cosignatures verified */
	int cached_signatures;	  /* 1 when every signature check came from the cache */
};

struct pds_ldr_policy;

/*
 * Parses a policy (docs/formats.md §10).  file names the input in messages.  On
 * failure *out is NULL and res names the line and column at fault.
 */
PDS_API int pds_ldr_policy_parse(const char *buf, size_t len, const char *file,
				 struct pds_ldr_policy **out, struct pds_ldr_result *res);
/* Reads the file path (at most PDS_LDR_POLICY_MAX bytes) and parses it. */
PDS_API int pds_ldr_policy_load(const char *path, struct pds_ldr_policy **out,
				struct pds_ldr_result *res);
/* NULL-safe. */
PDS_API void pds_ldr_policy_free(struct pds_ldr_policy *p);

#define PDS_LDR_POLICY_MAX (1u << 20) /* bytes of a policy file */

/*
 * What the policy requires, one item a line ("logs: …", "formula: …"), into
 * buf (always NUL-terminated when size > 0); returns the length it needed.
 */
PDS_API size_t pds_ldr_policy_summary(const struct pds_ldr_policy *p, char *buf, size_t size);

/* Overrides for a loaded policy, mostly for tools and tests. */
struct pds_ldr_opts {
	size_t sz;	       /* sizeof(struct pds_ldr_opts) */
	const char *state_dir; /* instead of the policy's "state" line (NULL: keep) */
	uint64_t now;	       /* POSIX seconds for age checks; 0: the clock */
	int no_cache;	       /* 1: forget and stop remembering verified signatures and
				* plugins (checkpoints accepted are still remembered) */
};
PDS_API int pds_ldr_policy_set(struct pds_ldr_policy *p, const struct pds_ldr_opts *o);

/*
 * Verifies the plugin whose manifest is manifest_path, with its evidence in
 * manifest_path.pds.  On acceptance the anti-rollback state may advance to the
 * proof's checkpoint.  res is always filled.
 */
PDS_API int pds_ldr_verify_plugin(struct pds_ldr_policy *p, const char *manifest_path,
				  struct pds_ldr_result *res);

/* A file the caller holds in memory: its name as the manifest writes it. */
struct pds_ldr_file {
	const char *name;
	const void *data;
	size_t len;
};

/*
 * The same verification over bytes the caller already holds: the manifest
 * (named manifest_name in messages; includes are refused), its evidence
 * (NULL: PDS_LDR_E_EVIDENCE_MISSING) and its objects, found by the names the
 * manifest gives them.  A host that loads exactly the bytes it verified leaves
 * no window between the check and the use, and reads each file once.
 */
PDS_API int pds_ldr_verify_plugin_mem(struct pds_ldr_policy *p, const char *manifest_name,
				      const void *manifest, size_t manifest_len,
				      const void *evidence, size_t evidence_len,
				      const struct pds_ldr_file *objects, size_t nobjects,
				      struct pds_ldr_result *res);

/*
 * Verifies a bundle (.pdsb): safe to read under the policy's limits, signed by
 * the policy's packagers, holding exactly one top-level manifest NAME.plugin
 * with NAME.plugin.pds beside it; its members are extracted into into_dir (a
 * folder that must not exist; NULL: a private temporary folder removed before
 * returning) and the plugin verified there as by pds_ldr_verify_plugin.  On
 * refusal into_dir does not exist afterwards.  manifest (may be NULL) receives
 * the extracted manifest's path on acceptance.
 */
PDS_API int pds_ldr_verify_bundle(struct pds_ldr_policy *p, const char *bundle_path,
				  const char *into_dir, char *manifest, size_t manifest_size,
				  struct pds_ldr_result *res);

/*
 * Moves the anti-rollback state of a log to a newer checkpoint given a
 * consistency proof from the newest one accepted: request is what
 * `pds-log consistency DIR OLD` prints ("old N", proof hashes, blank line,
 * checkpoint note).  For policies without a witness quorum, whose hosts
 * otherwise refuse newer checkpoints (PDS_LDR_E_UNWITNESSED_ADVANCE).
 */
PDS_API int pds_ldr_advance(struct pds_ldr_policy *p, const char *request, size_t len,
			    const char *file, struct pds_ldr_result *res);

#ifdef __cplusplus
}
#endif
#endif
