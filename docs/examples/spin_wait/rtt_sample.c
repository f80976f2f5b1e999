// SPDX-License-Identifier: MIT
/*
 * Keeps the latest RTT sample (input 0) and the smallest one seen so far in
 * the plugin's connection metadata.
 */
#include "pquic.h"

protoop_arg_t rtt_sample(picoquic_cnx_t *cnx)
{
	uint64_t rtt = PQUIC_INPUT(cnx, 0), min = get_cnx_metadata(cnx, 5);

	set_cnx_metadata(cnx, 4, rtt);
	if (min == 0 || rtt < min)
		set_cnx_metadata(cnx, 5, rtt);
	return 0;
}
