// SPDX-License-Identifier: MIT
/*
 * Caps the acknowledgement delay computed by the host at 25 ms: straight-line
 * code, no loop.
 */
#include "pquic.h"

protoop_arg_t ack_delay_cap(picoquic_cnx_t *cnx)
{
	uint64_t delay = PQUIC_INPUT(cnx, 0);

	if (delay > 25000)
		PQUIC_OUTPUT(cnx, 0, 25000);
	return 0;
}
