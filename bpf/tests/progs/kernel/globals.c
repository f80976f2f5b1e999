// SPDX-License-Identifier: GPL-2.0
/*
 * Global data in all three sections libbpf turns into maps: .data (an
 * initialised counter), .rodata (a constant table read by index) and .bss
 * (zeroed state), used from a tc program and a tracepoint.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

__u64 ticks = 1;
__u32 last_len;
const volatile __u32 weights[8] = {1, 2, 3, 5, 8, 13, 21, 34};
const volatile __u64 threshold = 1500;

SEC("tc")
int tc_weigh(struct __sk_buff *skb)
{
	__u32 w = weights[skb->priority & 7];

	last_len = skb->len;
	ticks += w;
	return skb->len > threshold ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tracepoint/syscalls/sys_enter_write")
int trace_write(void *ctx)
{
	__sync_fetch_and_add(&ticks, 1);
	bpf_printk("write %llu", ticks);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
