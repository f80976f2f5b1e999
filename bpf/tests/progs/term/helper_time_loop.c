// SPDX-License-Identifier: MIT
/*
 * Busy-waiting on the clock: exits when picoquic_current_time passes a
 * deadline, which nothing in the program guarantees.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=17
// PDS-EXPECT: rule=termination/helper-status-loop
// PDS-RUN: picoquic_current_time=5 get_cnx(0x00,0)=100
#include "../pquic/pquic.h"

protoop_arg_t helper_time_loop(picoquic_cnx_t *cnx)
{
	uint64_t deadline = PQUIC_INPUT(cnx, 0), spins = 0;

#pragma nounroll
	while (picoquic_current_time() < deadline)
		spins++;
	return spins;
}
