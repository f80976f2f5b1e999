// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a subprogram whose loop is bounded by its argument, called
 * with 5 and with 20.  The subprogram starts from the join of its call sites'
 * arguments (its callers are analysed first), so the loop runs at most 20
 * times per call.
 */
// PDS-EXPECT: verdict=proven
// PDS-EXPECT: worst=172
// PDS-EXPECT: tight
// PDS-RUN: bpf_get_prandom_u32=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 sum_n(__u64 n)
{
	__u64 s = 0;

#pragma clang loop unroll(disable)
	for (__u64 i = 0; i < n; i++)
		s += bpf_get_prandom_u32();
	return s;
}

SEC("socket")
int ksubprog_arg_bound(struct __sk_buff *skb)
{
	return (int)((sum_n(5) + sum_n(20)) & 1);
}

char LICENSE[] SEC("license") = "GPL";
