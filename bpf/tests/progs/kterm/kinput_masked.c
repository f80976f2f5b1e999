// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: the bound is a helper's result masked to 8 bits.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=1539
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=255
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kinput_masked(struct __sk_buff *skb)
{
	__u32 n = bpf_get_prandom_u32() & 0xff;
	__u64 acc = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < n; i++)
		acc += bpf_ktime_get_ns() & i;
	return (int)(acc & 1);
}

char LICENSE[] SEC("license") = "GPL";
