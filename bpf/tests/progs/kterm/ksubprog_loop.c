// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a loop of 10 calling a BPF-to-BPF subprogram whose own loop
 * runs 8 times; the callee's cost multiplies with the caller's loop.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=923
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u32 mix8(__u32 seed)
{
	__u32 x = seed;

#pragma clang loop unroll(disable)
	for (int k = 0; k < 8; k++)
		x = x * 33 + bpf_get_prandom_u32();
	return x;
}

SEC("socket")
int ksubprog_loop(struct __sk_buff *skb)
{
	__u32 acc = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 10; i++)
		acc ^= mix8((__u32)i);
	return (int)(acc & 1);
}

char LICENSE[] SEC("license") = "GPL";
