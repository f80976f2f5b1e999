// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a 64-iteration search with a break on a helper's value.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=770
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int kbreak(struct __sk_buff *skb)
{
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 64; i++)
		if (bpf_get_prandom_u32() == 0)
			break;
	return i;
}

char LICENSE[] SEC("license") = "GPL";
