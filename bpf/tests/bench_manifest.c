// SPDX-License-Identifier: MIT
/*
 * make bench: the time to check a whole plugin manifest — parse it, read every
 * pluglet, and run the termination and side-effect analyses on each, with the
 * built-in protoop specs — on a manifest naming every compiled PQUIC test
 * pluglet of bpf/tests/progs/pquic/.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pds/analysis.h>
#include <pds/check.h>
#include <pds/effects.h>
#include <pds/manifest.h>
#include <pds/spec.h>

static const char *const protoops[] = {"update_rtt",
				       "congestion_algorithm_notify",
				       "schedule_frames_on_path",
				       "update_ack_delay",
				       "retransmit_needed_by_packet",
				       "before_sending_packet",
				       "is_ack_needed",
				       "set_next_wake_time",
				       "parse_ecn_block",
				       "header_parsed",
				       "process_possible_ack_of_ack_frame"};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int copy(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;
	int err = !in || !out;

	while (!err && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		err = fwrite(buf, 1, n, out) != n;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		err = 1;
	return err;
}

/* A plugin folder with copies to the compiled pluglets and a manifest naming them. */
static int make_plugin(char *dir, size_t size, size_t *count)
{
	const char *bpf = getenv("PDS_TEST_BPF_DIR");
	char src[2048], path[4096], mf[4096];
	struct dirent *d;
	FILE *f;
	DIR *dp;

	snprintf(dir, size, "/tmp/pds-bench-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(src, sizeof(src), "%s/bpf/tests/progs/pquic", bpf ? bpf : "build/bpf");
	snprintf(mf, sizeof(mf), "%s/bench.plugin", dir);
	f = fopen(mf, "w");
	dp = opendir(src);
	if (!f || !dp)
		return -1;
	fprintf(f, "be.pds.bench\n");
	*count = 0;
	while ((d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		char real[8192];

		if (n < 3 || strcmp(d->d_name + n - 2, ".o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		snprintf(real, sizeof(real), "%s/%s", src, d->d_name);
		if (copy(real, path) != 0)
			return -1;
		/* one replace per protoop, the rest as post observers */
		fprintf(f, "%s %s %s\n", protoops[*count % 11], *count < 11 ? "replace" : "post",
			d->d_name);
		(*count)++;
	}
	closedir(dp);
	return fclose(f);
}

static int check_manifest(const char *mf, const struct pds_chk_spec *spec, size_t *pluglets)
{
	struct pds_chk_manifest *m = NULL;
	int err = pds_chk_manifest_parse(mf, NULL, &m);

	*pluglets = 0;
	for (size_t i = 0; !err && i < m->pluglet_count; i++) {
		struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_PQUIC};
		struct pds_chk_term_opts to = {.sz = sizeof(to), .facts = pds_chk_spec_facts(spec)};
		struct pds_chk_effects_opts eo = {
			.sz = sizeof(eo), .spec = spec, .protoop = m->pluglets[i].protoop};
		struct pds_chk_term_report *t = NULL;
		struct pds_chk_effects_report *e = NULL;
		struct pds_chk_obj *obj = NULL;

		err = pds_chk_obj_open(m->pluglets[i].path, &oo, &obj);
		if (!err)
			err = pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &t);
		if (!err)
			err = pds_chk_effects(pds_chk_obj_prog(obj, 0), &eo, &e);
		pds_chk_term_report_free(t);
		pds_chk_effects_report_free(e);
		pds_chk_obj_free(obj);
		(*pluglets)++;
	}
	pds_chk_manifest_free(m);
	return err;
}

int main(void)
{
	struct pds_chk_spec *spec = NULL;
	char dir[256], mf[512], cmd[600];
	size_t count = 0, done = 0;
	int rounds = 200, err;
	double t0, secs;

	if (make_plugin(dir, sizeof(dir), &count) || pds_chk_spec_builtin(NULL, &spec)) {
		fprintf(stderr, "bench_manifest: cannot set up the plugin\n");
		return 1;
	}
	snprintf(mf, sizeof(mf), "%s/bench.plugin", dir);
	err = check_manifest(mf, spec, &done); /* warm the caches */
	t0 = now();
	for (int i = 0; !err && i < rounds; i++)
		err = check_manifest(mf, spec, &done);
	secs = (now() - t0) / rounds;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_manifest: could not remove %s\n", dir);
	pds_chk_spec_free(spec);
	if (err) {
		fprintf(stderr, "bench_manifest: check failed (%d)\n", err);
		return 1;
	}
	printf("whole-manifest check (parse, read, termination, side effects) of %zu pluglets:\n",
	       count);
	printf("  %.3f ms per manifest, %.0f pluglets/s\n", secs * 1e3, (double)count / secs);
	return 0;
}
