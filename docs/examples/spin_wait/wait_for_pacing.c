// SPDX-License-Identifier: MIT
/*
 * Polls the clock, counting two ticks per poll, until the count equals 25.  An
 * even count never equals 25, even after the counter wraps, so the loop never
 * ends.  The counter lives in a volatile stack slot so that the compiler keeps
 * the exit test (otherwise it would see the loop is infinite and drop the
 * function's exit).
 */
#include "pquic.h"

protoop_arg_t wait_for_pacing(picoquic_cnx_t *cnx)
{
	volatile uint64_t ticks = 0;

#pragma nounroll
	while (ticks != 25) {
		set_cnx_metadata(cnx, 3, picoquic_current_time());
		ticks = ticks + 2;
	}
	return 0;
}
