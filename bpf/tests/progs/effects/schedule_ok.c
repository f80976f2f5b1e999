// SPDX-License-Identifier: MIT
/* What schedule_frames_on_path may do: packet fields on input 0, the plugin-requested flag, its outputs. */
// PDS-PROTOOP: schedule_frames_on_path
// PDS-EFFECTS: verdict=ok
// PDS-EFFECTS: writes=set_cnx:AK_CNX_OUTPUT@cnx,set_cnx:AK_CNX_PLUGIN_REQUESTED@cnx,set_pkt:AK_PKT_LENGTH@input0
#include "../pquic/pquic.h"

protoop_arg_t schedule_ok(picoquic_cnx_t *cnx)
{
	picoquic_packet_t *pkt = (picoquic_packet_t *)PQUIC_INPUT(cnx, 0);
	uint64_t max = PQUIC_INPUT(cnx, 1);

	set_pkt(pkt, AK_PKT_LENGTH, max / 2);
	set_cnx(cnx, AK_CNX_PLUGIN_REQUESTED, 0, 1);
	PQUIC_OUTPUT(cnx, 1, max / 2);
	return 0;
}
