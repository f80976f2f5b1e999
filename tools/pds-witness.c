// SPDX-License-Identifier: MIT
/*
 * pds-witness — a c2sp.org/tlog-witness witness over a state folder.
 *
 *   pds-witness add-checkpoint --state DIR --key K --log-key PUB < request
 *
 * Reads an add-checkpoint request body on standard input and, when the log's
 * key signed the checkpoint and the consistency proof links it to the last
 * checkpoint cosigned for that log, prints the cosignature line(s).
 * Exit codes (docs/man/pds-witness.1): 0 cosigned, 1 refused (bad signature or
 * proof, rollback), 2 usage, 3 I/O or malformed request, 4 conflict (the old size
 * is not the one recorded: the size held is printed on standard output).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include <pds/note.h>
#include <pds/witness.h>

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_ERROR = 3,
	EXIT_CONFLICT = 4,
};

static void usage(FILE *out)
{
	fputs("usage: pds-witness add-checkpoint --state DIR --key K --log-key PUB < REQUEST\n"
	      "Cosign a log's checkpoint when its signature is valid and a consistency proof\n"
	      "links it to the last one cosigned (c2sp.org/tlog-witness request body on\n"
	      "standard input: \"old N\", proof lines, blank line, checkpoint note).\n"
	      "options:\n"
	      "  -s, --state DIR     the witness's state folder (created if missing)\n"
	      "  -k, --key FILE      the witness's signer key (pds-keygen --cosigner)\n"
	      "  -l, --log-key FILE  the log's verifier key; its name is the log's origin\n"
	      "  -h, --help          this help\n"
	      "exit: 0 cosigned, 1 refused (signature, proof, rollback), 2 usage,\n"
	      "      3 I/O or malformed request, 4 old size conflict (known size printed)\n",
	      out);
}

static void print_diag(void *ctx, const struct pds_att_diag *d)
{
	char buf[1024];

	(void)ctx;
	pds_att_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "pds-witness: %s\n", buf);
}

static int exit_of(int err)
{
	switch (err) {
	case PDS_ATT_E_WITNESS_CONFLICT:
		return EXIT_CONFLICT;
	case PDS_ATT_E_WITNESS_ROLLBACK:
	case PDS_ATT_E_TLOG_CONSISTENCY:
	case PDS_ATT_E_TLOG_ORIGIN:
	case PDS_ATT_E_NOTE_BAD_SIG:
	case PDS_ATT_E_NOTE_UNVERIFIED:
		return EXIT_REFUSED;
	case PDS_ATT_E_INVAL:
		return EXIT_USAGE;
	default:
		return EXIT_ERROR;
	}
}

static int read_stdin(char **buf, size_t *len)
{
	char *p = malloc(PDS_WITNESS_MAX_REQUEST + 1);
	size_t n;

	if (!p)
		return -1;
	n = fread(p, 1, PDS_WITNESS_MAX_REQUEST + 1, stdin);
	if (ferror(stdin) || n > PDS_WITNESS_MAX_REQUEST) {
		free(p);
		return -1;
	}
	*buf = p;
	*len = n;
	return 0;
}

struct args {
	const char *state, *key, *log_key;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longs[] = {
		{"state", required_argument, NULL, 's'},
		{"key", required_argument, NULL, 'k'},
		{"log-key", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:k:l:h", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			a->state = optarg;
			break;
		case 'k':
			a->key = optarg;
			break;
		case 'l':
			a->log_key = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "add-checkpoint") != 0 || !a->state ||
	    !a->key || !a->log_key) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pds_witness_opts o = {.sz = sizeof(o), .sink = {print_diag, NULL}};
	struct pds_note_signer *key = NULL;
	struct pds_note_verifier log_key;
	struct args a = {0};
	char *req = NULL, *resp = NULL;
	size_t len, resp_len;
	uint64_t known = 0;
	int err, rc = EXIT_OK;

	if (parse_args(argc, argv, &a))
		return EXIT_USAGE;
	if (sodium_init() < 0)
		return EXIT_ERROR;
	err = pds_note_signer_load(a.key, &o.sink, &key);
	if (!err)
		err = pds_note_verifier_load(a.log_key, &o.sink, &log_key);
	if (err) {
		fprintf(stderr, "pds-witness: keys: %s [%s]\n", pds_att_strerror(err),
			pds_att_rule(err));
		rc = EXIT_ERROR;
		goto out;
	}
	if (read_stdin(&req, &len)) {
		fprintf(stderr, "pds-witness: cannot read the request (at most %u bytes)\n",
			PDS_WITNESS_MAX_REQUEST);
		rc = EXIT_ERROR;
		goto out;
	}
	if (mkdir(a.state, 0700) != 0 && errno != EEXIST) {
		perror(a.state);
		rc = EXIT_ERROR;
		goto out;
	}
	o.state_dir = a.state;
	o.key = key;
	o.log_key = &log_key;
	o.time = (uint64_t)time(NULL);
	err = pds_witness_add_checkpoint(&o, req, len, &resp, &resp_len, &known);
	if (err) {
		fprintf(stderr, "pds-witness: %s [%s]\n", pds_att_strerror(err), pds_att_rule(err));
		/* tlog-witness 409: the body is the size the witness holds. */
		if (err == PDS_ATT_E_WITNESS_CONFLICT)
			printf("%" PRIu64 "\n", known);
		rc = exit_of(err);
	} else {
		fwrite(resp, 1, resp_len, stdout);
	}
out:
	free(req);
	free(resp);
	pds_note_signer_free(key);
	return rc;
}
