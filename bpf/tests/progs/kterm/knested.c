// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: two nested constant loops (6 x 7).
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=609
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int knested(struct __sk_buff *skb)
{
	__u32 acc = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++)
#pragma clang loop unroll(disable)
		for (int j = 0; j < 7; j++)
			acc += bpf_get_prandom_u32() ^ (__u32)(i * j);
	return (int)(acc & 1);
}

char LICENSE[] SEC("license") = "GPL";
