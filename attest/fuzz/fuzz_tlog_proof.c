// SPDX-License-Identifier: MIT
/*
 * Proof checks on arbitrary input: sizes, index and hashes from the fuzzer. They
 * must never crash and must answer 0 or their one error; an accepted inclusion
 * proof must also be accepted again (the check is a pure function).
 */
#include <stdlib.h>
#include <string.h>

#include <pds/tlog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_tlog_hash h[PDS_TLOG_MAX_PROOF + 2];
	uint64_t n, m;
	size_t len;
	int a, b;

	if (size < 16 + 64)
		return 0;
	n = take64(data) & 0xffff; /* small trees make accepted proofs reachable */
	m = take64(data + 8) & 0xffff;
	len = (size - 16) / 32;
	if (len > PDS_TLOG_MAX_PROOF + 2)
		len = PDS_TLOG_MAX_PROOF + 2;
	memcpy(h, data + 16, len * 32);
	/* h[0] is the leaf or old root, h[1] the root, the rest the proof. */
	a = pds_tlog_verify_inclusion(n, m, &h[0], h + 2, len - 2, &h[1]);
	b = pds_tlog_verify_consistency(n, m, h + 2, len - 2, &h[1], &h[0]);
	if ((a != 0 && a != PDS_ATT_E_TLOG_INCLUSION) ||
	    (b != 0 && b != PDS_ATT_E_TLOG_CONSISTENCY))
		abort();
	if (a == 0 && pds_tlog_verify_inclusion(n, m, &h[0], h + 2, len - 2, &h[1]) != 0)
		abort();
	return 0;
}
