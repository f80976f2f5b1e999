// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile, straight-line: reads two context fields and a helper.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=11
// PDS-EXPECT: tight
// PDS-RUN: u32@0=1500 u32@16=8 bpf_ktime_get_ns=1000
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kstraight(struct __sk_buff *skb)
{
	__u64 t = bpf_ktime_get_ns();
	__u32 len = skb->len, proto = skb->protocol;

	if (len > 1000)
		t ^= proto;
	return (int)((t + len) & 1);
}

char LICENSE[] SEC("license") = "GPL";
