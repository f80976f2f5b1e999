// SPDX-License-Identifier: MIT
/* A whole deployment in a temporary folder for the loader tests (util_fixture.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/bundle.h>
#include <pds/checkpoint.h>
#include <pds/digest.h>
#include <pds/proof.h>

#include "loader/tests/util_fixture.h"

static const char *const protoops[] = {
	"update_rtt",
	"schedule_frames_on_path",
	"set_next_wake_time",
	"process_ack_range",
	"retransmit_needed",
	"congestion_algorithm_notify",
	"header_prepare",
	"finalize_and_protect_packet",
	"stream_bytes_max",
	"is_ack_needed",
	"select_sending_path",
	"predict_packet_header_length",
	"get_destination_connection_id",
	"process_frame",
	"parse_frame",
	"write_frame",
};

int fx_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

char *fx_load(const char *path, size_t *len)
{
	char *buf = NULL;

	return fx_read(path, &buf, len) == 0 ? buf : NULL;
}

int fx_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	*buf = NULL;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(*buf = malloc((size_t)n + 1)) || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	fclose(f);
	(*buf)[n] = 0;
	*len = (size_t)n;
	return 0;
}

static int signer(const char *name, uint8_t type, uint8_t seed_byte, struct pds_note_signer **s)
{
	uint8_t seed[32];

	memset(seed, seed_byte, sizeof(seed));
	return pds_note_signer_from_seed(name, type, seed, s);
}

void fx_vkey(const struct pds_note_signer *s, char *buf, size_t size)
{
	struct pds_note_verifier v;

	pds_note_signer_public(s, &v);
	if (pds_note_verifier_encode(&v, buf, size) < 0 && size)
		buf[0] = 0;
}

static int make_keys(struct fx *f)
{
	char name[64];
	int err = 0;

	for (int i = 0; i < FX_VERIFIERS && !err; i++) {
		snprintf(name, sizeof(name), "verifier%d.example", i);
		err = signer(name, PDS_NOTE_ED25519, (uint8_t)(0x10 + i), &f->verifier[i]);
	}
	for (int i = 0; i < FX_WITNESSES && !err; i++) {
		snprintf(name, sizeof(name), "witness%d.example", i);
		err = signer(name, PDS_NOTE_COSIGNATURE, (uint8_t)(0x20 + i), &f->witness[i]);
	}
	for (int i = 0; i < FX_PACKAGERS && !err; i++) {
		snprintf(name, sizeof(name), "packager%d.example", i);
		err = signer(name, PDS_NOTE_ED25519, (uint8_t)(0x30 + i), &f->packager[i]);
	}
	if (!err)
		err = signer("log.example/pds", PDS_NOTE_ED25519, 0x40, &f->log_key);
	return err;
}

int fx_use_log(struct fx *f, const char *dir, struct pds_note_signer *key, const char *origin)
{
	struct pds_tlog_opts o = {.sz = sizeof(o)};
	struct stat sb;
	char cp[FX_PATH + 16];
	int err;

	pds_tlog_free(f->log);
	f->log = NULL;
	pds_note_signer_public(key ? key : f->log_key, &f->log_vkey);
	f->log_keys.signer = key ? key : f->log_key;
	f->log_keys.vkey = &f->log_vkey;
	o.sign = pds_log_keys_sign;
	o.sign_ctx = &f->log_keys;
	o.verify = pds_log_keys_verify;
	o.verify_ctx = &f->log_keys;
	snprintf(cp, sizeof(cp), "%s/checkpoint", dir);
	err = stat(cp, &sb) == 0 ? 0 : pds_tlog_init(dir, origin ? origin : f->log_vkey.name, &o);
	return err ? err : pds_tlog_open(dir, &o, &f->log);
}

static int make_log(struct fx *f)
{
	return fx_use_log(f, f->log_dir, NULL, NULL);
}

static int make_plugin(struct fx *f, unsigned nobjects, const size_t *sizes)
{
	char path[FX_PATH + 64], manifest[4096];
	size_t mlen, largest = 1;
	unsigned char *obj;

	for (unsigned i = 0; i < nobjects; i++)
		largest = sizes[i] > largest ? sizes[i] : largest;
	obj = malloc(largest);

	if (!obj || mkdir(f->plugin_dir, 0755))
		goto fail;
	snprintf(f->plugin_id, sizeof(f->plugin_id), "be.example.demo");
	mlen = (size_t)snprintf(manifest, sizeof(manifest), "%s\n", f->plugin_id);
	f->nobjects = nobjects;
	for (unsigned i = 0; i < nobjects; i++) {
		snprintf(f->object_names[i], sizeof(f->object_names[i]), "pluglet%u.o", i);
		snprintf(f->protoops[i], sizeof(f->protoops[i]), "%s", protoops[i]);
		/* Distinct bytes per object, the same every run. */
		for (size_t k = 0; k < sizes[i]; k++)
			obj[k] = (unsigned char)(k * 31 + i * 7 + (k >> 8));
		snprintf(path, sizeof(path), "%s/%s", f->plugin_dir, f->object_names[i]);
		if (fx_write(path, obj, sizes[i]))
			goto fail;
		mlen += (size_t)snprintf(manifest + mlen, sizeof(manifest) - mlen,
					 "%s replace %s\n", f->protoops[i], f->object_names[i]);
	}
	free(obj);
	return fx_write(f->manifest, manifest, mlen);
fail:
	free(obj);
	return -1;
}

int fx_setup(struct fx *f, unsigned nobjects, size_t size)
{
	size_t sizes[FX_MAX_OBJECTS];

	for (unsigned i = 0; i < FX_MAX_OBJECTS; i++)
		sizes[i] = size;
	return fx_setup_sizes(f, nobjects, sizes);
}

int fx_setup_sizes(struct fx *f, unsigned nobjects, const size_t *sizes)
{
	const char *t = getenv("TMPDIR");

	memset(f, 0, sizeof(*f));
	if (nobjects > FX_MAX_OBJECTS)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/pds-fx.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->plugin_dir, sizeof(f->plugin_dir), "%s/plugin", f->root);
	snprintf(f->manifest, sizeof(f->manifest), "%.400s/demo.plugin", f->plugin_dir);
	snprintf(f->evidence, sizeof(f->evidence), "%.400s.pds", f->manifest);
	snprintf(f->log_dir, sizeof(f->log_dir), "%s/log", f->root);
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/state", f->root);
	snprintf(f->policy_path, sizeof(f->policy_path), "%s/trust.policy", f->root);
	if (mkdir(f->state_dir, 0755) || make_keys(f) || make_log(f) ||
	    make_plugin(f, nobjects, sizes))
		return -1;
	return 0;
}

static void rmtree(const char *dir)
{
	char cmd[FX_PATH + 32];

	/* The fixture's own folder, made by mkdtemp: nothing else is named. */
	if (strstr(dir, "/pds-fx.")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fixture: cannot remove %s\n", dir);
	}
}

void fx_teardown(struct fx *f)
{
	for (int i = 0; i < FX_VERIFIERS; i++)
		pds_note_signer_free(f->verifier[i]);
	for (int i = 0; i < FX_WITNESSES; i++)
		pds_note_signer_free(f->witness[i]);
	for (int i = 0; i < FX_PACKAGERS; i++)
		pds_note_signer_free(f->packager[i]);
	pds_note_signer_free(f->log_key);
	pds_tlog_free(f->log);
	if (f->root[0])
		rmtree(f->root);
	memset(f, 0, sizeof(*f));
}

static int hash_file(const char *path, uint8_t out[32])
{
	char *buf;
	size_t len;

	if (fx_read(path, &buf, &len))
		return -1;
	pds_sha256(buf, len, out);
	free(buf);
	return 0;
}

static char *passes[] = {"effects", "termination"};

/* The attestation of the plugin as it is on disk (strings point into f). */
static int build_attestation(struct fx *f, const struct fx_attest_opts *o,
			     struct pds_attestation *a, struct pds_att_object *obs)
{
	char path[FX_PATH + 64];

	memset(a, 0, sizeof(*a));
	a->plugin = f->plugin_id;
	a->has_manifest = 1;
	if (hash_file(f->manifest, a->manifest))
		return -1;
	a->checker = "pds-check";
	a->checker_version = "1.0";
	a->profile = "pquic";
	memset(a->spec, 0x5a, sizeof(a->spec));
	a->passes.items = passes;
	a->passes.count = 2;
	a->time = FX_NOW - 600 + f->attestations++; /* every entry distinct */
	a->objects = obs;
	a->object_count = f->nobjects;
	for (unsigned i = 0; i < f->nobjects; i++) {
		struct pds_att_object *ob = &obs[i];

		memset(ob, 0, sizeof(*ob));
		snprintf(path, sizeof(path), "%s/%s", f->plugin_dir, f->object_names[i]);
		if (hash_file(path, ob->sha256))
			return -1;
		ob->name = f->protoops[i];
		ob->anchor = "replace";
		ob->file = f->object_names[i];
		ob->termination = o->termination ? o->termination : PDS_ATT_PROVEN;
		ob->bound = o->bound ? o->bound : 1000 + i;
		if (ob->termination != PDS_ATT_PROVEN && ob->termination != PDS_ATT_BUDGET)
			ob->bound = 0;
		ob->effects = PDS_ATT_PROVEN;
		ob->memory = PDS_ATT_UNKNOWN;
	}
	if (o->mutate)
		o->mutate(a, o->mutate_ctx);
	return 0;
}

/* Signs text: the logged entry (first signer) and the shipped note (all signers). */
static int sign_note(struct fx *f, unsigned signers, const char *text, size_t len, char **entry,
		     size_t *entry_len, char **full, size_t *full_len)
{
	struct pds_note *n = NULL;
	int err = pds_note_new(text, len, &n), first = 1;

	for (int i = 0; !err && i < FX_VERIFIERS; i++) {
		if (!(signers >> i & 1))
			continue;
		err = pds_note_sign(n, f->verifier[i]);
		if (!err && first) {
			err = pds_note_encode(n, entry, entry_len);
			first = 0;
		}
	}
	if (!err && first) /* unsigned: refused by the encoder */
		err = -1;
	if (!err)
		err = pds_note_encode(n, full, full_len);
	pds_note_free(n);
	return err;
}

/* The text with its first line replaced by version. */
static int replace_version(const char *version, char **text, size_t *len)
{
	const char *nl = strchr(*text, '\n');
	char *out = NULL;

	if (!nl || asprintf(&out, "%s%s", version, nl) < 0)
		return -1;
	free(*text);
	*text = out;
	*len = strlen(out);
	return 0;
}

int fx_attest(struct fx *f, const struct fx_attest_opts *o)
{
	struct pds_att_object obs[FX_MAX_OBJECTS];
	struct pds_tlog_hash hashes[64];
	struct pds_attestation a;
	struct pds_proof *proof = NULL;
	char *text = NULL, *entry = NULL, *full = NULL, *ev = NULL;
	size_t len, entry_len, full_len, ev_len, nh = 64, cp_len;
	unsigned signers = o->signers ? o->signers : 3u;
	unsigned wits = o->witnesses == FX_NONE ? 0 : o->witnesses ? o->witnesses : 7u;
	uint64_t index;
	const char *cp;
	int err;

	err = build_attestation(f, o, &a, obs);
	if (!err)
		err = pds_att_format(&a, &text, &len);
	if (!err && o->version)
		err = replace_version(o->version, &text, &len);
	if (!err)
		err = sign_note(f, signers, text, len, &entry, &entry_len, &full, &full_len);
	if (!err)
		err = pds_tlog_append(f->log, entry, entry_len, &index);
	if (!err)
		err = pds_tlog_checkpoint(f->log);
	if (!err)
		err = pds_tlog_prove(f->log, pds_tlog_size(f->log), index, hashes, &nh);
	cp = err ? NULL : pds_tlog_checkpoint_note(f->log, &cp_len);
	if (!err)
		err = pds_proof_new(index, hashes, nh, NULL, 0, cp, cp_len, &proof);
	for (int i = 0; !err && i < FX_WITNESSES; i++)
		if (wits >> i & 1)
			err = pds_cosig_sign(proof->checkpoint, f->witness[i],
					     o->cosign_time ? o->cosign_time : FX_NOW);
	if (!err)
		err = pds_evidence_encode(full, full_len, proof, &ev, &ev_len);
	if (!err)
		err = fx_write(o->out ? o->out : f->evidence, ev, ev_len);
	pds_proof_free(proof);
	free(text);
	free(entry);
	free(full);
	free(ev);
	return err;
}

char *fx_policy_text(struct fx *f, const char *extra)
{
	char k[3 + FX_WITNESSES + FX_PACKAGERS + 1][PDS_NOTE_KEY_MAX];
	char *out = NULL;
	int n = 0;

	fx_vkey(f->log_key, k[n++], sizeof(k[0]));
	for (int i = 0; i < FX_WITNESSES; i++)
		fx_vkey(f->witness[i], k[n++], sizeof(k[0]));
	for (int i = 0; i < 3; i++)
		fx_vkey(f->verifier[i], k[n++], sizeof(k[0]));
	for (int i = 0; i < FX_PACKAGERS; i++)
		fx_vkey(f->packager[i], k[n++], sizeof(k[0]));
	if (asprintf(&out,
		     "# fixture policy\n"
		     "log %s\n"
		     "witness w0 %s\nwitness w1 %s\nwitness w2 %s\n"
		     "group wq 2 w0 w1 w2\n"
		     "quorum wq\n"
		     "verifier v0 %s\nverifier v1 %s\nverifier v2 %s\n"
		     "require v0 & (v1 | v2)\n"
		     "packager p0 %s\npackager p1 %s\n"
		     "state %s\n%s",
		     k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], f->state_dir,
		     extra ? extra : "") < 0)
		return NULL;
	return out;
}

struct pds_ldr_policy *fx_policy(struct fx *f, const char *extra)
{
	struct pds_ldr_policy *p = NULL;
	struct pds_ldr_result *res = malloc(sizeof(*res));
	char *text = fx_policy_text(f, extra);

	if (text && res && fx_write(f->policy_path, text, strlen(text)) == 0 &&
	    pds_ldr_policy_load(f->policy_path, &p, res) != 0) {
		fprintf(stderr, "fixture policy refused: %s\n", res->message);
		p = NULL;
	}
	free(text);
	free(res);
	return p;
}

int fx_bundle(struct fx *f, unsigned packagers, const char *out)
{
	return fx_bundle_as(f, packagers, out, "demo.plugin", "demo.plugin.pds");
}

int fx_bundle_as(struct fx *f, unsigned packagers, const char *out, const char *manifest,
		 const char *evidence)
{
	struct pds_bnd *b = NULL;
	char path[FX_PATH + 64];
	int err = pds_bnd_new(&b);

	if (!err)
		err = pds_bnd_add_file(b, manifest, f->manifest);
	if (!err)
		err = pds_bnd_add_file(b, evidence, f->evidence);
	for (unsigned i = 0; !err && i < f->nobjects; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->plugin_dir, f->object_names[i]);
		err = pds_bnd_add_file(b, f->object_names[i], path);
	}
	for (int i = 0; !err && i < FX_PACKAGERS; i++)
		if (packagers >> i & 1)
			err = pds_bnd_sign(b, f->packager[i]);
	if (!err)
		err = pds_bnd_write(b, out);
	pds_bnd_free(b);
	return err;
}
