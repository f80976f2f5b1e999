// SPDX-License-Identifier: MIT
/*
 * pds-keygen: creates a C2SP signed-note key pair, NAME.key (signer, mode 0600)
 * and NAME.pub (verifier key), never replacing an existing file.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pds/note.h>

#include "tools/common.h"

enum {
	EXIT_OK = 0,
	EXIT_EXISTS = 1,
	EXIT_USAGE = 2,
	EXIT_FAILURE_IO = 3,
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pds-keygen [--out-dir DIR] [--file BASE] [--cosigner] [--json] NAME\n"
		"Writes DIR/BASE.key (signer key, mode 0600) and DIR/BASE.pub (verifier key).\n"
		"BASE defaults to NAME with every character outside [A-Za-z0-9._-] "
		"replaced by '_'.\n"
		"  -o, --out-dir DIR  folder for the two files (default: .)\n"
		"  -f, --file BASE    file name without extension\n"
		"  -c, --cosigner     a witness key (type 0x04, tlog-cosignature)\n"
		"  -j, --json         print the result as JSON\n"
		"  -h, --help         this help\n"
		"exit: 0 written, 1 a file exists, 2 usage or bad name, 3 I/O failure\n");
}

struct opts {
	const char *dir;
	const char *base;
	const char *name;
	int cosigner;
	int json;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"out-dir", required_argument, NULL, 'o'}, {"file", required_argument, NULL, 'f'},
		{"cosigner", no_argument, NULL, 'c'},	   {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	   {NULL, 0, NULL, 0},
	};
	int c;

	o->dir = ".";
	while ((c = getopt_long(argc, argv, "o:f:cjh", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->dir = optarg;
			break;
		case 'f':
			o->base = optarg;
			break;
		case 'c':
			o->cosigner = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -1;
	}
	o->name = argv[optind];
	return 0;
}

/* A file name from the key name: "example.com/log" -> "example.com_log". */
static void default_base(const char *name, char *out, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++) {
		char c = name[i];
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		out[i] = keep ? c : '_';
	}
	out[i] = '\0';
	if (out[0] == '.')
		out[0] = '_'; /* never a hidden file, never ".." */
}

static int exit_code(int err)
{
	if (err == PDS_ATT_E_EXISTS)
		return EXIT_EXISTS;
	if (err == PDS_ATT_E_KEY_NAME || err == PDS_ATT_E_INVAL)
		return EXIT_USAGE;
	return EXIT_FAILURE_IO;
}

static void report(const struct opts *o, const struct pds_note_verifier *v, const char *key,
		   const char *pub)
{
	char vkey[PDS_NOTE_KEY_MAX], id[9];
	struct pds_json j;

	pds_note_verifier_encode(v, vkey, sizeof(vkey));
	snprintf(id, sizeof(id), "%08x", (unsigned)v->id);
	if (!o->json) {
		printf("%s\n", vkey);
		fprintf(stderr, "pds-keygen: wrote %s and %s (key id %s)\n", key, pub, id);
		return;
	}
	pds_json_init(&j, stdout);
	pds_json_begin_obj(&j, NULL);
	pds_json_str(&j, "name", v->name);
	pds_json_str(&j, "key_id", id);
	pds_json_str(&j, "type", v->type == PDS_NOTE_COSIGNATURE ? "cosignature/v1" : "ed25519");
	pds_json_str(&j, "verifier_key", vkey);
	pds_json_str(&j, "signer_file", key);
	pds_json_str(&j, "verifier_file", pub);
	pds_json_end_obj(&j);
}

int main(int argc, char **argv)
{
	struct pds_note_signer *s = NULL;
	struct pds_note_verifier v;
	char base[256], key[PATH_MAX], pub[PATH_MAX];
	struct opts o = {0};
	struct stat st;
	int err;

	if (parse_args(argc, argv, &o))
		return EXIT_USAGE;
	if (o.base)
		snprintf(base, sizeof(base), "%s", o.base);
	else
		default_base(o.name, base, sizeof(base));
	if (!base[0] || strchr(base, '/') ||
	    snprintf(key, sizeof(key), "%s/%s.key", o.dir, base) >= (int)sizeof(key) ||
	    snprintf(pub, sizeof(pub), "%s/%s.pub", o.dir, base) >= (int)sizeof(pub)) {
		fprintf(stderr, "pds-keygen: bad file name '%s'\n", base);
		return EXIT_USAGE;
	}
	/* Refuse before writing anything, so that a pair is never half replaced. */
	if (lstat(key, &st) == 0 || lstat(pub, &st) == 0) {
		fprintf(stderr, "pds-keygen: %s or %s exists; not overwriting [%s]\n", key, pub,
			pds_att_rule(PDS_ATT_E_EXISTS));
		return EXIT_EXISTS;
	}
	err = pds_note_signer_generate(o.name, o.cosigner ? PDS_NOTE_COSIGNATURE : PDS_NOTE_ED25519,
				       &s);
	if (!err)
		err = pds_note_signer_write(s, key);
	if (!err) {
		pds_note_signer_public(s, &v);
		err = pds_note_verifier_write(&v, pub);
		if (err)
			unlink(key); /* ours: written just above */
	}
	pds_note_signer_free(s);
	if (err) {
		fprintf(stderr, "pds-keygen: %s: %s [%s]\n", o.name, pds_att_strerror(err),
			pds_att_rule(err));
		return exit_code(err);
	}
	report(&o, &v, key, pub);
	return EXIT_OK;
}
