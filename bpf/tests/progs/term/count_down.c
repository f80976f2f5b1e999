// SPDX-License-Identifier: MIT
/*
 * A signed counter counting down to zero from a constant.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=605
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=5
#include "../pquic/pquic.h"

protoop_arg_t count_down(picoquic_cnx_t *cnx)
{
	int64_t acc = 0;

#pragma nounroll
	for (int64_t i = 50; i > 0; i--)
		acc -= (int64_t)get_cnx(cnx, AK_CNX_INPUT, 1) - i;
	return (protoop_arg_t)acc;
}
