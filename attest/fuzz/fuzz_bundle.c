// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the bundle reader (.pdsb, docs/formats.md §9).  The first
 * byte picks the mode (bit 0: lenient, any deflate encoding, so that mutations
 * reach the ustar layer); the .pdsb bytes follow (attest/tests/test_bundle.c
 * writes its bundles as seeds in this form).
 * Whatever parses must encode again into bytes that parse to the same members;
 * whatever is refused gets one diagnostic naming the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/bundle.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int diags;

static void count(void *ctx, const struct pds_att_diag *d)
{
	(void)ctx;
	if (!d->file || strcmp(d->file, "fuzz.pdsb") != 0)
		abort();
	diags++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_att_diag_sink sink = {count, NULL};
	struct pds_bnd_limits lim;
	struct pds_bnd *b = NULL, *again = NULL;
	uint8_t *enc = NULL;
	size_t len = 0;
	int err;

	if (!size)
		return 0;
	pds_bnd_limits_default(&lim);
	lim.total_max = 1u << 20;
	lim.lenient = data[0] & 1;
	diags = 0;
	err = pds_bnd_parse(data + 1, size - 1, "fuzz.pdsb", &lim, &sink, &b);
	if (err) {
		if (b || diags != 1)
			abort();
		return 0;
	}
	if (pds_bnd_encode(b, &enc, &len) != 0 ||
	    pds_bnd_parse(enc, len, "fuzz.pdsb", &lim, &sink, &again) != 0 ||
	    again->count != b->count)
		abort();
	for (size_t i = 0; i < b->count; i++)
		if (strcmp(b->members[i].path, again->members[i].path) != 0 ||
		    b->members[i].size != again->members[i].size ||
		    memcmp(b->members[i].sha256, again->members[i].sha256, 32) != 0)
			abort();
	free(enc);
	pds_bnd_free(again);
	pds_bnd_free(b);
	return 0;
}
