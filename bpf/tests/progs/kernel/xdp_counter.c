// SPDX-License-Identifier: GPL-2.0
/*
 * Per-protocol packet counters for XDP: a BTF-defined array map updated with an
 * atomic add, a .bss total and a .rodata switch read through a global.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

__u64 total_packets;
const volatile __u32 drop_proto = 0xff;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *proto = data + 23; /* IPv4 protocol behind a 14-byte Ethernet header */
	__u32 key;
	__u64 *value;

	__sync_fetch_and_add(&total_packets, 1);
	if ((void *)(proto + 1) > data_end)
		return XDP_PASS;
	key = *proto;
	value = bpf_map_lookup_elem(&proto_count, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
	return key == drop_proto ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
