// SPDX-License-Identifier: MIT
/*
 * for (uint32_t i = 0; i <= n; i++) with n from an input: when n is
 * UINT32_MAX the counter wraps to 0 and the test never fails.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/wrapping-counter
// PDS-RUN: get_cnx(0x00,0)=0xffffffff get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t wrap_u32_le(picoquic_cnx_t *cnx)
{
	uint32_t n = (uint32_t)PQUIC_INPUT(cnx, 0);
	uint64_t acc = 0;

#pragma nounroll
	for (uint32_t i = 0; i <= n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
