// SPDX-License-Identifier: MIT
/*
 * A loop filling and then summing a stack array (loads and stores through a
 * computed stack pointer), 32 elements each.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=552
// PDS-EXPECT: tight
// PDS-RUN: get_cnx=9
#include "../pquic/pquic.h"

protoop_arg_t stack_array(picoquic_cnx_t *cnx)
{
	uint64_t buf[32], acc = 0;

#pragma nounroll
	for (int i = 0; i < 32; i++)
		buf[i] = get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
#pragma nounroll
	for (int i = 0; i < 32; i++)
		acc += buf[i] * (uint64_t)(i + 1);
	return acc;
}
