// SPDX-License-Identifier: MIT
/*
 * pds_ldr_verify_bundle: a .pdsb archive (docs/formats.md §9) read under the
 * policy's size limits, its packagers' signatures checked against the policy,
 * its one top-level manifest located, then extracted (all or nothing, by
 * pds_bnd_extract) and the plugin verified in place by pds_ldr_verify_plugin.
 * Anything refused leaves no extracted file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/bundle.h>

#include "loader/policy_internal.h"

struct bsink {
	struct pds_ldr_result *res;
	int seen;
};

/* The loader's code for a refusal of the bundle reader or signature check. */
static int map_bundle_code(int att)
{
	switch (att) {
	case PDS_ATT_E_BND_ABSOLUTE:
	case PDS_ATT_E_BND_TRAVERSAL:
		return PDS_LDR_E_BND_TRAVERSAL;
	case PDS_ATT_E_BND_LINK:
		return PDS_LDR_E_BND_LINK;
	case PDS_ATT_E_BND_DEVICE:
		return PDS_LDR_E_BND_DEVICE;
	case PDS_ATT_E_BND_DUPLICATE:
		return PDS_LDR_E_BND_DUPLICATE;
	case PDS_ATT_E_BND_MEMBER_SIZE:
	case PDS_ATT_E_BND_TOTAL_SIZE:
	case PDS_ATT_E_BND_RATIO:
	case PDS_ATT_E_BND_COUNT:
		return PDS_LDR_E_BND_BOMB;
	case PDS_ATT_E_BND_UNSIGNED:
	case PDS_ATT_E_BND_PACKAGER_MISSING:
		return PDS_LDR_E_BND_UNSIGNED;
	case PDS_ATT_E_BND_PACKAGER_BAD:
		return PDS_LDR_E_BND_BAD_SIG;
	case PDS_ATT_E_BND_MEMBER_MISSING:
	case PDS_ATT_E_BND_MEMBER_UNLISTED:
	case PDS_ATT_E_BND_HASH:
	case PDS_ATT_E_BND_SIG_TEXT:
		return PDS_LDR_E_BND_MEMBERS;
	case PDS_ATT_E_NOMEM:
		return PDS_LDR_E_NOMEM;
	case PDS_ATT_E_IO:
		return PDS_LDR_E_IO;
	default:
		return PDS_LDR_E_BND_MALFORMED;
	}
}

static void bundle_sink(void *ctx, const struct pds_att_diag *d)
{
	struct bsink *s = ctx;

	if (s->seen++)
		return;
	pds_ldr_fail(s->res, map_bundle_code(d->code), d->file, d->line, d->col, "%s [%s]", d->msg,
		     d->rule);
	s->res->detail = d->code;
	snprintf(s->res->detail_rule, sizeof(s->res->detail_rule), "%s", d->rule);
}

static int bundle_fail(struct pds_ldr_result *res, const struct bsink *s, int att, const char *file,
		       const char *what)
{
	if (s->seen)
		return res->code;
	pds_ldr_fail(res, map_bundle_code(att), file, 0, 0, "%s [%s]", what, pds_att_rule(att));
	res->detail = att;
	snprintf(res->detail_rule, sizeof(res->detail_rule), "%s", pds_att_rule(att));
	return res->code;
}

/* At least packager_k of the policy's packagers signed, and no member differs. */
static int check_packagers(const struct pds_ldr_policy *p, const struct pds_bnd *b,
			   const char *file, struct pds_ldr_result *res)
{
	unsigned good = 0;

	if (!p->packager_count)
		return pds_ldr_fail(res, PDS_LDR_E_BND_UNSIGNED, file, 0, 0,
				    "the policy names no packager, so no bundle is accepted");
	for (size_t i = 0; i < p->packager_count; i++) {
		struct bsink s = {res, 0};
		struct pds_att_diag_sink sink = {NULL, NULL};
		int err = pds_bnd_verify_signatures(b, file, &p->packagers[i].key, 1, &sink);

		if (!err) {
			good++;
			continue;
		}
		if (err == PDS_ATT_E_BND_PACKAGER_MISSING)
			continue;
		/* Report it with the reader's message this time. */
		sink.fn = bundle_sink;
		sink.ctx = &s;
		pds_bnd_verify_signatures(b, file, &p->packagers[i].key, 1, &sink);
		return bundle_fail(res, &s, err, file, "bundle signatures do not verify");
	}
	if (good < p->rules.packager_k)
		return pds_ldr_fail(res, PDS_LDR_E_BND_UNSIGNED, file, 0, 0,
				    "signed by %u of the policy's packagers, %u required", good,
				    p->rules.packager_k);
	return 0;
}

/* The one top-level NAME.plugin member with NAME.plugin.pds beside it. */
static const char *find_manifest(const struct pds_bnd *b)
{
	const char *found = NULL;

	for (size_t i = 0; i < b->count; i++) {
		const char *path = b->members[i].path;
		size_t n = strlen(path);
		char ev[PDS_BND_PATH_MAX + 8];

		if (strchr(path, '/') || n < 8 || strcmp(path + n - 7, ".plugin") != 0)
			continue;
		snprintf(ev, sizeof(ev), "%s.pds", path);
		if (!pds_bnd_find(b, ev))
			continue;
		if (found)
			return NULL;
		found = path;
	}
	return found;
}

/* Removes the tree at path (regular files and folders only: what extraction makes). */
void pds_ldr_remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d))) {
		char sub[PDS_LDR_FILE_MAX];
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			continue;
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			pds_ldr_remove_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

/*
 * Names the files of a bundle verified in a temporary folder as
 * "<bundle>:<member>" in res, since that folder is gone when the caller reads it.
 */
static void name_members(struct pds_ldr_result *res, const char *dir, const char *bundle)
{
	char buf[PDS_LDR_MSG_MAX], *hit;
	size_t n = strlen(dir);

	if (!strncmp(res->file, dir, n) && res->file[n] == '/') {
		snprintf(buf, sizeof(buf), "%s:%s", bundle, res->file + n + 1);
		snprintf(res->file, sizeof(res->file), "%s", buf);
	}
	while ((hit = strstr(res->message, dir)) && hit[n] == '/') {
		size_t pre = (size_t)(hit - res->message);

		snprintf(buf, sizeof(buf), "%.*s%s:%s", (int)pre, res->message, bundle,
			 hit + n + 1);
		snprintf(res->message, sizeof(res->message), "%s", buf);
	}
}

PDS_API int pds_ldr_verify_bundle(struct pds_ldr_policy *p, const char *bundle_path,
				  const char *into_dir, char *manifest, size_t manifest_size,
				  struct pds_ldr_result *res)
{
	struct pds_bnd_limits lim;
	struct bsink s = {res, 0};
	struct pds_att_diag_sink sink = {bundle_sink, &s};
	struct pds_bnd *b = NULL;
	char tmp[PDS_LDR_FILE_MAX] = "", dir[PDS_LDR_FILE_MAX], mpath[PDS_LDR_FILE_MAX];
	const char *top;
	int err, extracted = 0;

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !bundle_path)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "no policy or no bundle");
	pds_bnd_limits_default(&lim);
	lim.member_max = p->rules.object_max > p->rules.manifest_max ? p->rules.object_max
								     : p->rules.manifest_max;
	if (lim.member_max < PDS_BND_DEFAULT_MEMBER_MAX / 16)
		lim.member_max = PDS_BND_DEFAULT_MEMBER_MAX / 16; /* evidence files */
	err = pds_bnd_load(bundle_path, &lim, &sink, &b);
	if (err) {
		err = bundle_fail(res, &s, err, bundle_path, "bundle cannot be read");
		goto out;
	}
	err = check_packagers(p, b, bundle_path, res);
	if (err)
		goto out;
	top = find_manifest(b);
	if (!top) {
		err = pds_ldr_fail(res, PDS_LDR_E_BND_LAYOUT, bundle_path, 0, 0,
				   "the bundle must hold exactly one top-level NAME.plugin with "
				   "NAME.plugin.pds beside it");
		goto out;
	}
	if (into_dir) {
		snprintf(dir, sizeof(dir), "%s", into_dir);
	} else {
		const char *t = getenv("TMPDIR");

		snprintf(tmp, sizeof(tmp), "%s/pds-bundle.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmp)) {
			err = pds_ldr_fail(res, PDS_LDR_E_IO, tmp, 0, 0,
					   "cannot create a temporary folder: %s", strerror(errno));
			tmp[0] = 0;
			goto out;
		}
		snprintf(dir, sizeof(dir), "%s/plugin", tmp);
	}
	err = pds_bnd_extract(b, dir, &sink);
	if (err) {
		if (!s.seen)
			pds_ldr_fail(res, PDS_LDR_E_BND_EXTRACT, dir, 0, 0,
				     "cannot extract the bundle [%s]", pds_att_rule(err));
		else
			res->code = PDS_LDR_E_BND_EXTRACT;
		err = res->code;
		goto out;
	}
	extracted = 1;
	if ((size_t)snprintf(mpath, sizeof(mpath), "%s/%s", dir, top) >= sizeof(mpath)) {
		err = pds_ldr_fail(res, PDS_LDR_E_INVAL, dir, 0, 0, "path is too long");
		goto out;
	}
	err = pds_ldr_verify_plugin(p, mpath, res);
	if (!err && manifest && into_dir)
		snprintf(manifest, manifest_size, "%s", mpath);
	if (!into_dir)
		name_members(res, dir, bundle_path);
out:
	if (extracted && (err || !into_dir))
		pds_ldr_remove_tree(dir);
	if (tmp[0])
		rmdir(tmp);
	pds_bnd_free(b);
	return err;
}
