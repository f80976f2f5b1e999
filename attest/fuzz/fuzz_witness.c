// SPDX-License-Identifier: MIT
/*
 * tlog-witness add-checkpoint requests: refused with one of the witness's codes,
 * never a crash.  The log key is fixed, so a request signed by it (the seeds)
 * reaches the state and consistency checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/witness.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pds_note_signer *wit, *log_signer;
static struct pds_note_verifier log_pub;
static char state[] = "/tmp/pds-fuzz-witness-XXXXXX";

static void init(void)
{
	uint8_t seed[32];

	if (sodium_init() < 0 || !mkdtemp(state))
		abort();
	memset(seed, 1, sizeof(seed));
	if (pds_note_signer_from_seed("log.example/w", 1, seed, &log_signer))
		abort();
	memset(seed, 3, sizeof(seed));
	if (pds_note_signer_from_seed("witness.example", 4, seed, &wit))
		abort();
	pds_note_signer_public(log_signer, &log_pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_witness_opts o = {.sz = sizeof(o), .time = 1};
	char *resp = NULL;
	size_t len;
	int err;

	if (!wit)
		init();
	o.state_dir = state;
	o.key = wit;
	o.log_key = &log_pub;
	err = pds_witness_add_checkpoint(&o, (const char *)data, size, &resp, &len, NULL);
	if (err == 0 && (!resp || len == 0))
		__builtin_trap();
	free(resp);
	return 0;
}
