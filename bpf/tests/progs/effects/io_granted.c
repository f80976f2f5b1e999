// SPDX-License-Identifier: MIT
/* I/O in a protoop whose spec grants socket (bpf/tests/data/effects.spec). */
// PDS-PROTOOP: io_protoop
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=
#include "../pquic/pquic.h"

extern int socket(int domain, int type, int protocol);

protoop_arg_t io_granted(picoquic_cnx_t *cnx)
{
	(void)cnx;
	return (protoop_arg_t)socket(2, 2, 0);
}
