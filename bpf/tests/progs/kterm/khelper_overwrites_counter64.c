// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: the 64-bit loop counter lives on the stack and a helper
 * writes over it every iteration (bpf_skb_load_bytes into &i). A packet
 * starting with eight zero bytes resets it each time: never proven.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/unbounded-loop
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int khelper_overwrites_counter64(struct __sk_buff *skb)
{
	volatile __u64 i;
	__u64 sum = 0;

#pragma clang loop unroll(disable)
	for (i = 0; i < 10; i++) {
		bpf_skb_load_bytes(skb, 0, (void *)&i, sizeof(i));
		sum += i;
	}
	return (int)(sum & 1);
}

char LICENSE[] SEC("license") = "GPL";
