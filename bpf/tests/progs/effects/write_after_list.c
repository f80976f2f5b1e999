// SPDX-License-Identifier: MIT
/* After walking the host's packet list, a write on the last packet reached: it is not the
 * packet schedule_frames_on_path was given, so the allowed key is on the wrong object. */
// PDS-PROTOOP: schedule_frames_on_path
// PDS-EFFECTS: verdict=violation
// PDS-EFFECTS: rule=effects/wrong-object
// PDS-EFFECTS: line=20
#include "../pquic/pquic.h"

protoop_arg_t write_after_list(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *p = (picoquic_packet_t *)PQUIC_INPUT(cnx, 3), *last = p;
	int n = 0;

#pragma nounroll
	while (p && n++ < 64) {
		last = p;
		p = (picoquic_packet_t *)get_pkt(p, AK_PKT_NEXT_PACKET);
	}
	set_pkt(last, AK_PKT_LENGTH, 0);
	return 0;
}
