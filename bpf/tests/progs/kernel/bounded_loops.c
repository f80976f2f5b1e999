// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded loops the kernel verifier accepts since 5.3: a constant-bound scan of
 * a map value, a loop whose bound comes from the packet but is capped, and a
 * loop with a helper call in its body.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 16

struct ring {
	__u32 head;
	__u32 len[SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ring);
} rings SEC(".maps");

SEC("xdp")
int xdp_ring(struct xdp_md *ctx)
{
	__u32 zero = 0, sum = 0;
	struct ring *r = bpf_map_lookup_elem(&rings, &zero);
	__u32 len = ctx->data_end - ctx->data;

	if (!r)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (int i = 0; i < SLOTS; i++)
		sum += r->len[i];
	r->len[r->head & (SLOTS - 1)] = len;
	r->head++;
	return sum > 1 << 20 ? XDP_DROP : XDP_PASS;
}

SEC("socket")
int sock_sample(struct __sk_buff *skb)
{
	__u32 n = skb->len & 0x3f, acc = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < n && i < 64; i++)
		acc += bpf_get_prandom_u32() & 1;
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
