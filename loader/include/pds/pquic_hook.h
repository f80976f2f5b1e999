/* SPDX-License-Identifier: MIT */
/*
 * The PQUIC loader hook (docs/pquic-hook.md).
 *
 * Every way PQUIC loads a plugin (a local manifest, its plugin cache, a plugin
 * a peer sent during negotiation) ends in plugin_insert_plugin(), which parses
 * the manifest and plugs every pluglet, all or nothing.  pds_ldr_pquic_check is
 * called first thing there, with what that function has: the manifest path, the
 * plugin store folder and the policy; PQUIC plugs nothing unless it returns 0.
 * pds_ldr_pquic_unpack is the safe replacement for writing a received plugin
 * into the store: it verifies the bundle the peer sent and only then moves the
 * extracted plugin into place.
 */
#ifndef PDS_PQUIC_HOOK_H
#define PDS_PQUIC_HOOK_H

#include <stddef.h>

#include <pds/load.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * 0 when manifest_path lies inside plugin_store (after resolving links) and
 * the plugin verifies under p; otherwise a refusal in res (PDS_LDR_E_STORE for
 * a manifest outside the store).
 */
PDS_API int pds_ldr_pquic_check(struct pds_ldr_policy *p, const char *plugin_store,
				const char *manifest_path, struct pds_ldr_result *res);

/*
 * Verifies the bundle bytes a peer sent (data, len) under p and, on
 * acceptance, unpacks them into plugin_store/<plugin id>/ (which must not
 * exist) and writes the manifest's path into manifest (size bytes).  Nothing
 * is left in the store on refusal.
 */
PDS_API int pds_ldr_pquic_unpack(struct pds_ldr_policy *p, const char *plugin_store,
				 const void *data, size_t len, char *manifest, size_t size,
				 struct pds_ldr_result *res);

#ifdef __cplusplus
}
#endif
#endif
