// SPDX-License-Identifier: MIT
/*
 * A protoop of a stream plugin: mark a stream finished once all its data was
 * consumed, and bump the connection's data counters.  Exercises
 * get_stream_head/set_stream_head and a switch on a small state.
 */
#include "pquic.h"

protoop_arg_t stream_fin(picoquic_cnx_t *cnx)
{
	picoquic_stream_head_t *sh = (picoquic_stream_head_t *)PQUIC_INPUT(cnx, 0);
	uint64_t offset = PQUIC_INPUT(cnx, 1);
	uint64_t state = PQUIC_INPUT(cnx, 2);
	uint64_t consumed = get_stream_head(sh, AK_STREAMHEAD_CONSUMED_OFFSET);

	switch (state) {
	case 0:
		break;
	case 1:
		set_stream_head(sh, AK_STREAMHEAD_FLAGS_FIN_REQUESTED, 1);
		break;
	case 2:
		if (consumed >= offset)
			set_stream_head(sh, AK_STREAMHEAD_FLAGS_FIN_SIGNALLED, 1);
		break;
	case 3:
		set_stream_head(sh, AK_STREAMHEAD_FLAGS_RESET_REQUESTED, 1);
		break;
	default:
		return 1;
	}
	if (offset > consumed)
		set_stream_head(sh, AK_STREAMHEAD_CONSUMED_OFFSET, offset);
	return 0;
}
