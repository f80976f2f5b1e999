/* SPDX-License-Identifier: MIT */
/*
 * A whole deployment in a temporary folder, built with the libraries alone:
 * three verifier keys, a log with its key, three witnesses, two packagers, a
 * plugin (manifest and objects), and helpers that attest the plugin (sign with
 * some verifiers, append to the log, prove, cosign by some witnesses, write the
 * .pds), write a policy, and bundle the plugin.  The loader tests and the
 * verification benchmark build on it; the objects are bytes the loader hashes,
 * never runs.
 */
#ifndef PDS_LOADER_TESTS_UTIL_FIXTURE_H
#define PDS_LOADER_TESTS_UTIL_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <pds/attestation.h>
#include <pds/load.h>
#include <pds/log_keys.h>
#include <pds/note.h>
#include <pds/tlog.h>

/* verifier3 is not in the fixture's policy */
#define FX_VERIFIERS 4
#define FX_WITNESSES 3
#define FX_PACKAGERS 2
#define FX_MAX_OBJECTS 16
#define FX_PATH 512

/* When the fixture's witnesses cosign (a fixed clock keeps tests reproducible). */
#define FX_NOW 1800000000u

struct fx {
	char root[256];		  /* the temporary folder */
	char plugin_dir[FX_PATH]; /* root/plugin */
	char manifest[FX_PATH];	  /* root/plugin/demo.plugin */
	char evidence[FX_PATH];	  /* manifest.pds */
	char log_dir[FX_PATH];	  /* root/log */
	char state_dir[FX_PATH];  /* root/state */
	char policy_path[FX_PATH];
	char plugin_id[64];
	unsigned nobjects;
	char object_names[FX_MAX_OBJECTS][32];
	char protoops[FX_MAX_OBJECTS][64];

	struct pds_note_signer *verifier[FX_VERIFIERS];
	struct pds_note_signer *log_key;
	struct pds_note_signer *witness[FX_WITNESSES];
	struct pds_note_signer *packager[FX_PACKAGERS];
	struct pds_tlog *log;
	struct pds_note_verifier log_vkey;
	struct pds_log_keys log_keys;
	unsigned attestations; /* made so far */
};

/*
 * What fx_attest signs and logs.  Masks select keys by index (bit i: key i).
 * mutate, when set, edits the attestation before it is signed.
 */
struct fx_attest_opts {
	unsigned signers;     /* verifiers signing; default (0) bit 0 and 1 */
	unsigned witnesses;   /* witnesses cosigning; default (0) all; FX_NONE for none */
	uint64_t cosign_time; /* default FX_NOW */
	enum pds_att_verdict termination; /* default (0, unknown) means proven: use mutate */
	uint64_t bound;			  /* default 1000 */
	void (*mutate)(struct pds_attestation *a, void *ctx);
	void *mutate_ctx;
	const char *out;     /* evidence path; default the manifest's .pds */
	const char *version; /* replaces the version line of the attestation text */
};
#define FX_NONE 0x80000000u

/* Builds the keys, an empty log and a plugin of nobjects objects of size bytes. */
int fx_setup(struct fx *f, unsigned nobjects, size_t size);
/* The same with one size per object. */
int fx_setup_sizes(struct fx *f, unsigned nobjects, const size_t *sizes);
void fx_teardown(struct fx *f);

/*
 * Opens (creating it when missing) another log in dir signed by key (NULL: the
 * fixture's log key) under origin (NULL: the key's name) and makes it the one
 * fx_attest appends to; the previous log is closed.
 */
int fx_use_log(struct fx *f, const char *dir, struct pds_note_signer *key, const char *origin);

/* Attests the plugin as it is on disk now; 0 on success. */
int fx_attest(struct fx *f, const struct fx_attest_opts *o);

/*
 * Writes the policy: the log, the witnesses with quorum "2 of all three", the
 * verifiers with formula "v0 & (v1 | v2)", the packagers (both required), the
 * state folder, then extra (may be NULL: lines appended as written).  Loads it.
 */
struct pds_ldr_policy *fx_policy(struct fx *f, const char *extra);
/* The same text without loading (malloc'd). */
char *fx_policy_text(struct fx *f, const char *extra);

/* Verifier key line (note format) of a signer into buf. */
void fx_vkey(const struct pds_note_signer *s, char *buf, size_t size);

/* Writes path with data (creating or replacing it). */
int fx_write(const char *path, const void *data, size_t len);
/* Reads a whole file (malloc'd, NUL-terminated); NULL on failure. */
char *fx_load(const char *path, size_t *len);
int fx_read(const char *path, char **buf, size_t *len);

/* Bundles the plugin folder (manifest, objects, evidence), signed by packagers mask. */
int fx_bundle(struct fx *f, unsigned packagers, const char *out);
/* The same with the manifest and the evidence under other member names. */
int fx_bundle_as(struct fx *f, unsigned packagers, const char *out, const char *manifest,
		 const char *evidence);

#endif
