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

#include <pds/analysis.h>
#include <pds/check.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_CHK_SPEC_MAX_SIZE (1u << 20)
#define PDS_CHK_SPEC_MAX_LINE 1024u

struct pds_chk_spec;

/* Errors are reported as "spec:line: …" with codes E_SPEC_*. */
PDS_API int pds_chk_spec_parse(const char *path, const struct pds_chk_diag_sink *sink,
			       struct pds_chk_spec **out);
PDS_API int pds_chk_spec_parse_mem(const char *buf, size_t len, const char *name,
				   const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out);
PDS_API void pds_chk_spec_free(struct pds_chk_spec *spec);
/* The host facts declared; valid as long as the spec. */
PDS_API const struct pds_chk_facts *pds_chk_spec_facts(const struct pds_chk_spec *spec);

#ifdef __cplusplus
}
#endif
#endif
