/* SPDX-License-Identifier: MIT */
/*
 * Side effects and capabilities of a PQUIC pluglet (pquic-abi.md §3-5): which
 * host state it may write, checked against its protoop's spec (pds/spec.h).
 */
#ifndef PDS_EFFECTS_H
#define PDS_EFFECTS_H

#include <stddef.h>
#include <stdint.h>

#include <pds/check.h>
#include <pds/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pds_chk_effects_verdict {
	PDS_EFFECTS_OK = 0,	   /* every write is one the protoop's spec allows */
	PDS_EFFECTS_UNKNOWN = 1,   /* some write could not be decided, or no spec */
	PDS_EFFECTS_VIOLATION = 2, /* some path writes what the spec does not allow */
};

PDS_API const char *pds_chk_effects_verdict_name(enum pds_chk_effects_verdict v);

/* One write of host state: "set_path AK_PATH_CWIN on input 0". */
struct pds_chk_write {
	char *setter;
	char *key; /* access-key name, or its number when unknown */
	uint16_t key_value;
	char *object; /* "cnx", "input0", or "other" */
	char *via;    /* protoop whose spec'd effect this is, when inherited, else NULL */
};

struct pds_chk_finding {
	uint32_t slot;
	int violation; /* 1: a violation; 0: undecided */
	const char *rule;
	char *message;
	int has_loc;
	struct pds_srcloc loc;
};

struct pds_chk_effects_report {
	enum pds_chk_effects_verdict verdict;
	struct pds_chk_write *writes; /* sorted, unique */
	size_t nwrites;
	char **helpers; /* helpers called, sorted, unique */
	size_t nhelpers;
	char **protoops; /* protoops run through plugin_run_protoop */
	size_t nprotoops;
	struct pds_chk_finding *findings;
	size_t nfindings;
};

struct pds_chk_effects_opts {
	size_t sz; /* sizeof(struct pds_chk_effects_opts) */
	const struct pds_chk_spec *spec;
	const char *protoop; /* the protoop the pluglet is attached to */
	struct pds_chk_diag_sink diag;
};

/* Returns 0 and a report whatever the verdict; non-zero when the analysis could not run. */
PDS_API int pds_chk_effects(const struct pds_chk_prog *prog,
			    const struct pds_chk_effects_opts *opts,
			    struct pds_chk_effects_report **out);
PDS_API void pds_chk_effects_report_free(struct pds_chk_effects_report *r);

#ifdef __cplusplus
}
#endif
#endif
