// SPDX-License-Identifier: MIT
/* snprintf writes through its destination: here the bytes passed as input 0. */
// PDS-PROTOOP: parse_ecn_block
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/write-outside-plugin-memory
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t snprintf_host(picoquic_cnx_t *cnx)
{
	char *bytes = (char *)PQUIC_INPUT(cnx, 0);

	snprintf(bytes, 16, "%d", 42);
	return 0;
}
