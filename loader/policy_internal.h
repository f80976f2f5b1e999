/* SPDX-License-Identifier: MIT */
/*
 * The parsed trust policy (docs/formats.md §10), shared by policy.c (parser),
 * verify.c (verification) and state.c (anti-rollback state).
 */
#ifndef PDS_LOADER_POLICY_INTERNAL_H
#define PDS_LOADER_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pds/attestation.h>
#include <pds/load.h>
#include <pds/note.h>

/* Limits that keep a policy and its evaluation small (bitmasks are 64 wide). */
#define PDS_POL_MAX_LOGS 16u
#define PDS_POL_MAX_WITNESSES 64u
#define PDS_POL_MAX_GROUPS 64u
#define PDS_POL_MAX_VERIFIERS 64u
#define PDS_POL_MAX_PACKAGERS 64u
#define PDS_POL_MAX_FORMULA_NODES 512u
#define PDS_POL_MAX_NAME 64u /* bytes of a witness, group, verifier or packager name */

#define PDS_POL_DEFAULT_MANIFEST_MAX (64u << 10)
#define PDS_POL_DEFAULT_OBJECT_MAX (1u << 20)

struct pds_pol_log {
	struct pds_note_verifier key; /* the key's name is the log's origin */
	char *url;		      /* NULL when absent; never used for network access */
};

struct pds_pol_named_key {
	char name[PDS_POL_MAX_NAME + 1];
	struct pds_note_verifier key;
	char *url; /* witnesses only; NULL when absent */
};

/*
 * Quorum groups (C2SP tlog-policy, as in Sigsum's policy files): a group is
 * satisfied when at least k of its members are; a member is a witness (index
 * into witnesses) or an earlier group.
 */
struct pds_pol_member {
	int is_group;
	unsigned index;
};

struct pds_pol_group {
	char name[PDS_POL_MAX_NAME + 1];
	unsigned k; /* "all" is stored as member_count, "any" as 1 */
	struct pds_pol_member *members;
	size_t member_count;
};

/* The quorum: none, one witness, or one group. */
enum pds_pol_quorum_kind {
	PDS_POL_QUORUM_NONE = 0,
	PDS_POL_QUORUM_WITNESS = 1,
	PDS_POL_QUORUM_GROUP = 2,
};

/*
 * The verifier formula as a tree in an array; node 0..count-1, root at index
 * root.  NAME is a verifier index; NOT has one child (a); AND/OR have two (a, b);
 * KOF has children in kids[0..nkids) and threshold k.
 */
enum pds_pol_op {
	PDS_POL_VAR = 0,
	PDS_POL_NOT = 1,
	PDS_POL_AND = 2,
	PDS_POL_OR = 3,
	PDS_POL_KOF = 4,
};

struct pds_pol_node {
	enum pds_pol_op op;
	unsigned var;	/* PDS_POL_VAR: verifier index */
	unsigned a, b;	/* NOT: a; AND, OR: a and b */
	unsigned k;	/* KOF */
	unsigned *kids; /* KOF: child node indices */
	size_t nkids;
};

struct pds_pol_formula {
	struct pds_pol_node *nodes;
	size_t count;
	unsigned root;
	char *text; /* the formula as written, for messages */
};

struct pds_policy_rules {
	/* verdicts accepted, as bitmasks of 1u << enum pds_att_verdict */
	unsigned termination; /* default: PROVEN */
	unsigned effects;     /* default: PROVEN */
	unsigned memory;      /* default: PROVEN | UNKNOWN */
	int has_max_bound;
	uint64_t max_bound; /* largest instruction bound accepted */
	int has_max_age;
	uint64_t max_age;      /* seconds: oldest checkpoint accepted */
	uint64_t manifest_max; /* bytes of a manifest */
	uint64_t object_max;   /* bytes of an object */
	unsigned packager_k;   /* packagers that must sign a bundle; default all */
};

struct pds_ldr_cache; /* verify.c: signatures already verified */

struct pds_ldr_policy {
	char *file; /* the policy's name, for messages */

	struct pds_pol_log logs[PDS_POL_MAX_LOGS];
	size_t log_count;
	struct pds_pol_named_key witnesses[PDS_POL_MAX_WITNESSES];
	size_t witness_count;
	struct pds_pol_group groups[PDS_POL_MAX_GROUPS];
	size_t group_count;
	enum pds_pol_quorum_kind quorum_kind;
	unsigned quorum_index; /* witness or group index */

	struct pds_pol_named_key verifiers[PDS_POL_MAX_VERIFIERS];
	size_t verifier_count;
	struct pds_pol_formula formula;

	struct pds_pol_named_key packagers[PDS_POL_MAX_PACKAGERS];
	size_t packager_count;

	struct pds_policy_rules rules;
	char *state_dir; /* the "state" line; NULL when absent */

	/* run time (pds_ldr_policy_set, verify.c) */
	uint64_t now;
	int no_cache;
	struct pds_ldr_cache *cache;
};

/*
 * Evaluates the formula with signed[i] = 1 when verifier i's signature verified.
 * Returns 1 when satisfied, 0 otherwise.
 */
int pds_pol_formula_eval(const struct pds_pol_formula *f, const unsigned char *signed_by);

/*
 * Evaluates the witness quorum with cosigned[i] = 1 when witness i's
 * cosignature verified (and counts under the age rule).  PDS_POL_QUORUM_NONE is
 * always satisfied.  Returns 1 when satisfied, 0 otherwise.
 */
int pds_pol_quorum_eval(const struct pds_ldr_policy *p, const unsigned char *cosigned);

/* Fills res with code, place and a formatted message (also used by verify.c). */
int pds_ldr_fail(struct pds_ldr_result *res, int code, const char *file, unsigned line,
		 unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ------------------------------------------------------------------ state.c */

#define PDS_STATE_HISTORY 64u /* checkpoints remembered per log */

/*
 * Checks the checkpoint (size, root) of log origin against the state in dir and
 * records it when it is new.  may_advance: the caller has established that it
 * extends every checkpoint accepted before (witness quorum or consistency
 * proof).  0 accepts; otherwise a refusal in res naming evidence.
 */
int pds_ldr_state_check(const char *dir, const char *origin, uint64_t size, const uint8_t root[32],
			int may_advance, struct pds_ldr_result *res, const char *evidence);
/*
 * Decides whether the checkpoint being recorded extends the newest accepted one
 * (old_size, old_root): 0 when it does, else a refusal in res.
 */
typedef int (*pds_ldr_extends_fn)(void *ctx, uint64_t old_size, const uint8_t old_root[32],
				  struct pds_ldr_result *res);
/* pds_ldr_state_check with the decision for newer checkpoints made by extends. */
int pds_ldr_state_update(const char *dir, const char *origin, uint64_t size, const uint8_t root[32],
			 pds_ldr_extends_fn extends, void *ctx, struct pds_ldr_result *res,
			 const char *evidence);
/*
 * Parses a state file's bytes for origin: 0 and the newest size, or the
 * 1-based line at fault.
 */
unsigned pds_ldr_state_parse(const char *buf, size_t len, const char *origin, uint64_t *newest);

/* Writes all n bytes (state.c); 0 or -1 with errno set. */
int pds_ldr_write_all(int fd, const void *data, size_t n);

/* Removes a tree of regular files and folders (bundle_verify.c). */
void pds_ldr_remove_tree(const char *path);

/* Releases the verification cache (verify.c); NULL-safe. */
void pds_ldr_cache_free(struct pds_ldr_cache *c);

#endif
