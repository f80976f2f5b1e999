// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profile: a recursive subprogram (the recursive call on line 18).  The
 * kernel refuses recursion; the analysis reports the cycle in the call graph.
 */
// PDS-EXPECT: verdict=unknown
// PDS-EXPECT: loop-line=18
// PDS-EXPECT: rule=termination/recursion
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 walk(__u64 n)
{
	__u64 x;

	if (n < 2)
		return bpf_get_prandom_u32();
	x = walk(n - 1);
	return x * x + n;
}

SEC("socket")
int krecursion(struct __sk_buff *skb)
{
	return (int)(walk(bpf_get_prandom_u32() & 15) & 1);
}

char LICENSE[] SEC("license") = "GPL";
