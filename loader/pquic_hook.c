// SPDX-License-Identifier: MIT
/*
 * The PQUIC loader hook: containment in the plugin store, then the library's
 * verification; and the unpacker for plugins received from a peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pds/pquic_hook.h>

#include "loader/policy_internal.h"

/* 1 when path (resolved) is store (resolved) or below it. */
static int inside(const char *store, const char *path)
{
	char rs[PATH_MAX], rp[PATH_MAX];
	size_t n;

	if (!realpath(store, rs) || !realpath(path, rp))
		return 0;
	n = strlen(rs);
	if (n == 1) /* the store is "/" */
		return 1;
	return !strncmp(rs, rp, n) && rp[n] == '/';
}

PDS_API int pds_ldr_pquic_check(struct pds_ldr_policy *p, const char *plugin_store,
				const char *manifest_path, struct pds_ldr_result *res)
{
	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !plugin_store || !manifest_path)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "missing argument");
	if (!inside(plugin_store, manifest_path))
		return pds_ldr_fail(res, PDS_LDR_E_STORE, manifest_path, 0, 0,
				    "manifest is not inside the plugin store %s", plugin_store);
	return pds_ldr_verify_plugin(p, manifest_path, res);
}

PDS_API int pds_ldr_pquic_unpack(struct pds_ldr_policy *p, const char *plugin_store,
				 const void *data, size_t len, char *manifest, size_t size,
				 struct pds_ldr_result *res)
{
	char in[PDS_LDR_FILE_MAX], work[PDS_LDR_FILE_MAX], final[PDS_LDR_FILE_MAX];
	char mpath[PDS_LDR_FILE_MAX];
	int fd, err;

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !plugin_store || (!data && len) || !manifest || !size)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "missing argument");
	if ((size_t)snprintf(in, sizeof(in), "%s/.incoming-XXXXXX", plugin_store) >= sizeof(in))
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, plugin_store, 0, 0, "path is too long");
	fd = mkstemp(in);
	if (fd < 0)
		return pds_ldr_fail(res, PDS_LDR_E_IO, plugin_store, 0, 0,
				    "cannot write into the plugin store: %s", strerror(errno));
	if (pds_ldr_write_all(fd, data, len)) {
		err = errno;
		close(fd);
		unlink(in);
		return pds_ldr_fail(res, PDS_LDR_E_IO, in, 0, 0, "cannot write: %s", strerror(err));
	}
	close(fd);
	snprintf(work, sizeof(work), "%s/.unpack-%s", plugin_store, strrchr(in, '-') + 1);
	err = pds_ldr_verify_bundle(p, in, work, mpath, sizeof(mpath), res);
	unlink(in);
	if (err)
		return err;
	if ((size_t)snprintf(final, sizeof(final), "%s/%s", plugin_store, res->plugin) >=
		    sizeof(final) ||
	    strchr(res->plugin, '/') || res->plugin[0] == '.' ||
	    renameat2(AT_FDCWD, work, AT_FDCWD, final, RENAME_NOREPLACE) != 0) {
		err = errno;
		pds_ldr_fail(res, PDS_LDR_E_BND_EXTRACT, final, 0, 0,
			     "cannot move the verified plugin into the store: %s",
			     err ? strerror(err) : "bad plugin id");
		/* Leave nothing behind: the tree was extracted by us. */
		pds_ldr_remove_tree(work);
		return res->code;
	}
	snprintf(manifest, size, "%s/%s", final, mpath + strlen(work) + 1);
	return 0;
}
