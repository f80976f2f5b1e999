// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: for (__u32 i = 0; i <= n; i++) with n a helper's 32-bit
 * result: wraps when n is UINT32_MAX.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/wrapping-counter
// PDS-RUN: bpf_get_prandom_u32=0xffffffff
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kwrap(struct __sk_buff *skb)
{
	__u32 n = bpf_get_prandom_u32();
	__u64 acc = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i <= n; i++)
		acc += bpf_ktime_get_ns() ^ i;
	return (int)(acc & 1);
}

char LICENSE[] SEC("license") = "GPL";
