// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: 16 iterations of an atomic add (BPF_XADD) on a stack
 * counter.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=165
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=4
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int katomic_loop(struct __sk_buff *skb)
{
	__u64 counter = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 16; i++)
		__sync_fetch_and_add(&counter, bpf_get_prandom_u32());
	return (int)(counter & 1);
}

char LICENSE[] SEC("license") = "GPL";
