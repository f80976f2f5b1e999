// SPDX-License-Identifier: MIT
/*
 * An outer constant loop around an inner loop with no exit: the diagnostic
 * must point at the inner loop.
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=21
// PDS-EXPECT: rule=termination/no-exit
// PDS-RUN: get_cnx=5
#include "../pquic/pquic.h"

protoop_arg_t nested_fails_inner(picoquic_cnx_t *cnx)
{
	uint64_t acc = 0;

#pragma nounroll
	for (int i = 0; i < 4; i++) {
		acc += get_cnx(cnx, AK_CNX_INPUT, (uint16_t)i);
		if (acc > 10) {
#pragma nounroll
			for (;;)
				set_cnx(cnx, AK_CNX_OUTPUT, 0, acc++);
		}
	}
	return acc;
}
