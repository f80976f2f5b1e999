// SPDX-License-Identifier: MIT
/*
 * header_parsed (post observer): count received packets per path in plugin
 * memory allocated on first use and kept in path metadata.  §5: inputs ph,
 * path, length; no writes to host state.
 */
#include "pquic.h"

struct path_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t last_seen;
};

protoop_arg_t header_parsed(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path = (picoquic_path_t *)PQUIC_INPUT(cnx, 1);
	uint64_t length = PQUIC_INPUT(cnx, 2);
	struct path_stats *st = (struct path_stats *)get_path_metadata(cnx, path, 0);

	if (!st) {
		st = my_malloc(cnx, sizeof(*st));
		if (!st)
			return 0;
		my_memset(st, 0, sizeof(*st));
		set_path_metadata(cnx, path, 0, (protoop_arg_t)st);
	}
	st->packets++;
	st->bytes += length;
	st->last_seen = picoquic_current_time();
	return 0;
}
