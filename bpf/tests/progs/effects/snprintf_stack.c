// SPDX-License-Identifier: MIT
/* The benign twin: snprintf into a stack buffer of the right size. */
// PDS-PROTOOP: parse_ecn_block
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

protoop_arg_t snprintf_stack(picoquic_cnx_t *cnx)
{
	volatile char buf[16];

	(void)cnx;
	snprintf((char *)buf, sizeof(buf), "%d", 42);
	return buf[0];
}
