// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks: subprograms the kernel runs from inside a helper. bpf_loop runs
 * its callback nr_loops times (never more than 1 << 23); bpf_for_each_map_elem
 * once per element of the map; a callback may itself never end, or run
 * itself again, or be called directly as well.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

/* 100 iterations of a short loop */
static long sum100(__u32 index, void *ctx)
{
	volatile __u64 x = 0;

#pragma clang loop unroll(disable)
	for (int k = 0; k < 100; k++)
		x += k;
	return x & 1 ? 0 : 0;
}

/* never returns: the counter is reset every iteration */
static long forever(__u32 index, void *ctx)
{
	volatile __u64 x = 0;

	for (;;)
		x = x * 0;
	return 0;
}

/* runs itself through bpf_loop: a cycle no bound covers */
static long again(__u32 index, void *ctx)
{
	bpf_loop(2, again, 0, 0);
	return 0;
}

/* a callback also called directly: bpf_loop passes it indices up to 999 */
static __noinline long upto(__u32 index, void *ctx)
{
	volatile __u64 x = 0;

	/* at most 50: the kernel's verifier walks the loop, so it stays short */
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < index && k < 50; k++)
		x += k;
	return x & 1 ? 0 : 0;
}

static long count_elem(void *map, __u32 *key, __u64 *val, void *ctx)
{
	(*val)++;
	return 0;
}

SEC("socket")
int cb_loop_1000(struct __sk_buff *skb)
{
	bpf_loop(1000, sum100, 0, 0);
	return 0;
}

SEC("socket")
int cb_loop_len(struct __sk_buff *skb)
{
	bpf_loop(skb->len, sum100, 0, 0);
	return 0;
}

SEC("socket")
int cb_loop_forever(struct __sk_buff *skb)
{
	bpf_loop(2, forever, 0, 0);
	return 0;
}

SEC("socket")
int cb_loop_again(struct __sk_buff *skb)
{
	bpf_loop(2, again, 0, 0);
	return 0;
}

SEC("socket")
int cb_also_direct(struct __sk_buff *skb)
{
	upto(3, 0);
	bpf_loop(1000, upto, 0, 0);
	return 0;
}

SEC("socket")
int cb_for_each(struct __sk_buff *skb)
{
	bpf_for_each_map_elem(&seen, count_elem, 0, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
