// SPDX-License-Identifier: MIT
/*
 * Entry bundles (tlog-tiles): the first byte picks the entry count, the rest is
 * the bundle. An accepted bundle's offsets must lie inside it, in order.
 */
#include <stdlib.h>

#include <pds/tlog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off[PDS_TLOG_TILE_WIDTH + 1];
	unsigned count;

	if (size < 1)
		return 0;
	count = data[0] ? data[0] : PDS_TLOG_TILE_WIDTH;
	if (pds_tlog_bundle_parse("fuzz", data + 1, size - 1, count, off, NULL) != 0)
		return 0;
	for (unsigned i = 0; i < count; i++)
		if (off[i] < 2 || off[i] > off[i + 1] || off[i + 1] > size - 1)
			abort();
	if (off[count] != size - 1)
		abort();
	return 0;
}
