// SPDX-License-Identifier: MIT
/*
 * Checkpoint bodies (tlog-checkpoint): an accepted text must begin with exactly
 * the body that its origin, size and root format to (one encoding accepted).
 */
#include <stdlib.h>
#include <string.h>

#include <pds/tlog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_tlog_hash root;
	char *origin = NULL, *body = NULL;
	uint64_t n;
	size_t len;

	if (pds_tlog_checkpoint_parse("fuzz", (const char *)data, size, &origin, &n, &root, NULL) !=
	    0)
		return 0;
	if (pds_tlog_checkpoint_body(origin, n, &root, &body, &len) != 0 || len > size ||
	    memcmp(body, data, len) != 0)
		abort();
	free(body);
	free(origin);
	return 0;
}
