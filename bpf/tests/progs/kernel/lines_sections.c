// SPDX-License-Identifier: GPL-2.0
/*
 * Line tables over several code sections: two programs in their own sections
 * and a subprogram in .text, so that .debug_line holds one sequence per section
 * and each DW_LNE_set_address is relocated against a different section symbol.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u32 lines_fold(__u32 a, __u32 b)
{
	__u32 r = a;

	r ^= b << 3;
	r *= 2654435761u;
	return r >> 7;
}

SEC("socket")
int lines_first(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (len > 1500)
		return 0;
	return (int)lines_fold(len, skb->protocol) & 1;
}

SEC("xdp")
int lines_second(struct xdp_md *ctx)
{
	__u32 size = ctx->data_end - ctx->data;

	return size > 64 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
