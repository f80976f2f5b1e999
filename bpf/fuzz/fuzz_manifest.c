// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the PQUIC manifest parser.  Every input is parsed in memory
 * without a folder; inputs whose first byte is odd are also written as fuzz.plugin
 * into a private plugin folder and parsed as a file, so that includes, path
 * resolution and cycle detection run too.  The folder holds placeholder objects
 * (a.o, b.o, sub/c.o), a symlink leaving it, and two manifests to include:
 * inc.plugin (one observer) and back.plugin (which includes fuzz.plugin again).
 *
 * Beyond the sanitizers, the result must be consistent: a manifest exactly when
 * the code is 0, and an accepted one has an id and at least one pluglet.
 */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/manifest.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[256];
static char fuzz_file[300];

static void render(void *ctx, const struct pds_chk_diag *d)
{
	char buf[512];

	(void)ctx;
	if (pds_chk_diag_format(d, buf, sizeof(buf)) < 0 || !d->rule)
		__builtin_trap();
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void cleanup(void)
{
	if (fuzz_dir[0])
		nftw(fuzz_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int put(const char *name, const void *buf, size_t len)
{
	char path[400];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[400];

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/pds-fuzz-manifest-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir)) {
		fuzz_dir[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	snprintf(fuzz_file, sizeof(fuzz_file), "%s/fuzz.plugin", fuzz_dir);
	snprintf(path, sizeof(path), "%s/sub", fuzz_dir);
	if (mkdir(path, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/out.o", fuzz_dir);
	if (symlink("/dev/null", path))
		return -1;
	if (put("a.o", "", 0) || put("b.o", "", 0) || put("sub/c.o", "", 0) ||
	    put("inc.plugin", "update_rtt pre a.o\n", 19) ||
	    put("back.plugin", "fuzz.plugin include\n", 20))
		return -1;
	return 0;
}

static void check(int rc, struct pds_chk_manifest *m)
{
	if ((rc == 0) != (m != NULL))
		__builtin_trap();
	if (m && (!m->plugin_id || m->pluglet_count == 0 || m->file_count == 0))
		__builtin_trap();
	pds_chk_manifest_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct pds_chk_diag_sink sink = {render, NULL};
	struct pds_chk_manifest *m = NULL;
	int rc;

	rc = pds_chk_manifest_parse_mem((const char *)data, size, "fuzz.plugin", NULL, &sink, &m);
	check(rc, m);
	if (size == 0 || !(data[0] & 1))
		return 0;
	if (!ready)
		ready = setup() == 0 ? 1 : -1;
	if (ready < 0 || put("fuzz.plugin", data, size))
		return 0;
	m = NULL;
	rc = pds_chk_manifest_parse(fuzz_file, &sink, &m);
	check(rc, m);
	return 0;
}
