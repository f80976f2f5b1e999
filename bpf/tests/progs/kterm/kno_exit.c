// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: after an early return, a loop with no exit.
 */
// PDS-EXPECT: verdict=fails
// PDS-EXPECT: loop-line=20
// PDS-EXPECT: rule=termination/no-exit
// PDS-RUN: bpf_get_prandom_u32=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kno_exit(struct __sk_buff *skb)
{
	__u32 x = bpf_get_prandom_u32();

	if (x == 0)
		return 0;
#pragma clang loop unroll(disable)
	for (;;)
		x ^= bpf_get_prandom_u32();
	return (int)x;
}

char LICENSE[] SEC("license") = "GPL";
