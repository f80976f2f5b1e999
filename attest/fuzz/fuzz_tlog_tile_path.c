// SPDX-License-Identifier: MIT
/* Tile paths: an accepted path must format back to exactly itself. */
#include <stdlib.h>
#include <string.h>

#include <pds/tlog.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[PDS_TLOG_PATH_MAX], out[PDS_TLOG_PATH_MAX];
	struct pds_tlog_tile t;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (pds_tlog_tile_parse_path(in, &t) != 0)
		return 0;
	if (pds_tlog_tile_path(&t, out, sizeof(out)) != 0 || strcmp(in, out) != 0)
		abort();
	return 0;
}
