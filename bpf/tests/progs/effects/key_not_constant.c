// SPDX-License-Identifier: MIT
/* The access key comes from an input: which state is written cannot be known. */
// PDS-PROTOOP: update_rtt
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/key-not-constant
// PDS-EFFECTS: line=13
#include "../pquic/pquic.h"

protoop_arg_t key_not_constant(picoquic_cnx_t *cnx)
{
	access_key_t key = (access_key_t)PQUIC_INPUT(cnx, 2);

	set_cnx(cnx, key, 0, 1);
	return 0;
}
