// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a constant loop of 32 iterations with a helper call.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=328
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=3
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int kconst_loop(struct xdp_md *ctx)
{
	__u32 acc = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 32; i++)
		acc += bpf_get_prandom_u32() & 7;
	return acc > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
