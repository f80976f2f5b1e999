// SPDX-License-Identifier: MIT
/*
 * set_next_wake_time (post observer): never sleep longer than the keep-alive
 * interval.  §5: input current_time.  Calls picoquic_current_time and
 * picoquic_reinsert_cnx_by_wake_time, helpers without setter keys.
 */
#include "pquic.h"

protoop_arg_t set_next_wake_time(picoquic_cnx_t *cnx)
{
	uint64_t now = picoquic_current_time();
	uint64_t next = get_cnx(cnx, AK_CNX_NEXT_WAKE_TIME, 0);
	uint64_t keep_alive = get_cnx(cnx, AK_CNX_KEEP_ALIVE_INTERVAL, 0);

	if (keep_alive != 0 && next > now + keep_alive)
		picoquic_reinsert_cnx_by_wake_time(cnx, now + keep_alive);
	return 0;
}
