// SPDX-License-Identifier: MIT
/* The benign twin: the store goes into plugin memory. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

protoop_arg_t store_malloc(picoquic_cnx_t *cnx)
{
	volatile uint64_t *state = my_malloc(cnx, 32);

	if (!state)
		return 1;
	state[1] = picoquic_current_time();
	return 0;
}
