// SPDX-License-Identifier: MIT
/*
 * The bound in a volatile local: it lives in a stack slot, stored once and
 * reloaded every iteration; the slot keeps the clamped range [0, 100].
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1015
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,0)=100 get_cnx=1
#include "../pquic/pquic.h"

protoop_arg_t volatile_stack_bound(picoquic_cnx_t *cnx)
{
	uint64_t in = PQUIC_INPUT(cnx, 0);
	volatile uint64_t n = in > 100 ? 100 : in;
	uint64_t acc = 0;

#pragma nounroll
	for (uint64_t i = 0; i < n; i++)
		acc += get_cnx(cnx, AK_CNX_INPUT, 1);
	return acc;
}
