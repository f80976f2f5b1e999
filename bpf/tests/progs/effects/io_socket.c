// SPDX-License-Identifier: MIT
/* I/O is a capability only a spec grants; update_rtt grants none. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/helper-not-allowed
// PDS-EFFECTS: line=14
#include "../pquic/pquic.h"

extern int socket(int domain, int type, int protocol);

protoop_arg_t io_socket(picoquic_cnx_t *cnx)
{
	(void)cnx;
	return (protoop_arg_t)socket(2, 2, 0);
}
