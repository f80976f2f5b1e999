// SPDX-License-Identifier: MIT
/*
 * More live values than callee-saved registers (cnx, path, i, n, three sums):
 * the clamped bound or the counter is spilled to the stack around the helper
 * calls and reloaded; the spill must keep its range.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1265
// PDS-EXPECT: tight
// PDS-RUN: get_cnx(0x00,1)=40 get_cnx=0x3000 get_path=3
#include "../pquic/pquic.h"

protoop_arg_t spilled_bound(picoquic_cnx_t *cnx)
{
	picoquic_path_t *path = (picoquic_path_t *)PQUIC_INPUT(cnx, 0);
	uint64_t n = PQUIC_INPUT(cnx, 1);
	uint64_t a = 0, b = 0, c = 0;

	if (n > 40)
		n = 40;
#pragma nounroll
	for (uint64_t i = 0; i < n; i++) {
		a += get_path(path, AK_PATH_CWIN, 0);
		b ^= get_path(path, AK_PATH_SMOOTHED_RTT, 0) + i;
		c += get_path(path, AK_PATH_RTT_MIN, 0) * a;
	}
	return a + b + c;
}
