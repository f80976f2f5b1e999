// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a volatile counter stepping by 4 from 1 until it equals 10:
 * 1, 5, 9, 13 ... never 10.
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/skips-bound
// PDS-RUN: bpf_get_prandom_u32=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kskip(struct __sk_buff *skb)
{
	volatile __u64 i = 1;
	__u32 acc = 0;

#pragma clang loop unroll(disable)
	while (i != 10) {
		acc += bpf_get_prandom_u32();
		i = i + 4;
	}
	return (int)acc;
}

char LICENSE[] SEC("license") = "GPL";
