// SPDX-License-Identifier: GPL-2.0
/*
 * Nested BPF-to-BPF calls: level1 -> level2 -> level3, and mix() called from two
 * levels.  One program reaches the whole chain, another only level3; the global
 * function unused() is in .text but reached by no program, so no program
 * carries it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 mix(__u64 a, __u64 b)
{
	return (a ^ (b << 7)) * 0x9e3779b97f4a7c15ULL;
}

static __noinline __u64 level3(__u64 x)
{
	return mix(x, bpf_ktime_get_ns());
}

static __noinline __u64 level2(__u64 x)
{
	return level3(x + 1) + mix(x, 3);
}

static __noinline __u64 level1(__u64 x)
{
	return level2(x * 2) ^ level3(x);
}

__noinline int unused(int x)
{
	return x * 3 + 1;
}

SEC("socket")
int chain_all(struct __sk_buff *skb)
{
	return (int)(level1(skb->len) & 1);
}

SEC("socket")
int chain_leaf(struct __sk_buff *skb)
{
	return (int)(level3(skb->protocol) & 1);
}

char LICENSE[] SEC("license") = "GPL";
