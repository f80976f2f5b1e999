/* SPDX-License-Identifier: MIT */
/*
 * Specs: what the checker may assume about the host, and what each protoop allows
 * (docs/spec.md).  Host facts bound quantities the analyses cannot see:
 *
 *   range get_cnx AK_CNX_NB_PATHS <= 16
 *   range get_cnx AK_CNX_INPUT param 1 <= 1500
 *   list get_pkt AK_PKT_NEXT_PACKET: acyclic, length <= 4096
 */
#ifndef PDS_SPEC_H
#define PDS_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include <pds/analysis.h>
#include <pds/check.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_CHK_SPEC_MAX_SIZE (1u << 20)
#define PDS_CHK_SPEC_MAX_LINE 1024u

struct pds_chk_spec;

/* What a protoop lets its pluglets do (pquic-abi.md §5). */
enum pds_chk_object {
	PDS_CHK_OBJECT_CNX = 0,	  /* the connection passed in r1 */
	PDS_CHK_OBJECT_INPUT = 1, /* the object whose pointer is protoop input N */
};

struct pds_chk_spec_input {
	uint16_t index;
	char *name;
	char *kind; /* host object kind of a pointer input (path, pkt, …), or NULL */
};

struct pds_chk_spec_allow {
	char *setter;	/* set_cnx, set_path, … */
	char *key_name; /* AK_… */
	uint16_t key;
	enum pds_chk_object object;
	uint16_t input; /* for PDS_CHK_OBJECT_INPUT */
	int has_param;	/* "param N": only that param of set_cnx / set_path */
	uint16_t param;
};

struct pds_chk_protoop_spec {
	char *name;
	struct pds_chk_spec_input *inputs;
	size_t ninputs;
	struct pds_chk_spec_input *outputs; /* kind unused */
	size_t noutputs;
	struct pds_chk_spec_allow *allows;
	size_t nallows;
	char **helpers; /* helpers allowed beyond the read-only set */
	size_t nhelpers;
	char **protoops; /* protoops plugin_run_protoop may run; "*" for any */
	size_t nprotoops;
};

/* Errors are reported as "spec:line: …" with codes E_SPEC_*. */
PDS_API int pds_chk_spec_parse(const char *path, const struct pds_chk_diag_sink *sink,
			       struct pds_chk_spec **out);
PDS_API int pds_chk_spec_parse_mem(const char *buf, size_t len, const char *name,
				   const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out);
/* Adds the declarations of another spec text or file (a declaration seen twice is an error;
 * on error the spec keeps what was read before the bad line). */
PDS_API int pds_chk_spec_add_mem(struct pds_chk_spec *spec, const char *buf, size_t len,
				 const char *name, const struct pds_chk_diag_sink *sink);
PDS_API int pds_chk_spec_add_file(struct pds_chk_spec *spec, const char *path,
				  const struct pds_chk_diag_sink *sink);
/* The specs shipped with PDS: the 11 PQUIC protoops of pquic-abi.md §5 (docs/specs/pquic.spec). */
PDS_API int pds_chk_spec_builtin(const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out);
/* The built-in spec's text (for digests). */
PDS_API const char *pds_chk_spec_builtin_text(size_t *len);
PDS_API void pds_chk_spec_free(struct pds_chk_spec *spec);
/* The protoop's spec, or NULL when the spec does not describe it. */
PDS_API const struct pds_chk_protoop_spec *pds_chk_spec_protoop(const struct pds_chk_spec *spec,
								const char *name);
/* The host facts declared; valid as long as the spec. */
PDS_API const struct pds_chk_facts *pds_chk_spec_facts(const struct pds_chk_spec *spec);

#ifdef __cplusplus
}
#endif
#endif
