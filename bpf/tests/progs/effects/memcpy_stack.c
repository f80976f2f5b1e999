// SPDX-License-Identifier: MIT
/* The benign twin: the copy goes into the pluglet's own stack, with a constant length. */
// PDS-PROTOOP: before_sending_packet
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

protoop_arg_t memcpy_stack(picoquic_cnx_t *cnx)
{
	uint8_t *bytes = (uint8_t *)PQUIC_INPUT(cnx, 0);
	volatile uint8_t copy[16];

	my_memcpy((void *)copy, bytes, sizeof(copy));
	return copy[3];
}
