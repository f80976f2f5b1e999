// SPDX-License-Identifier: GPL-2.0
/*
 * One object, three program types sharing static subprograms: xdp, tc and a
 * socket filter all call parse_eth(), which calls ip_proto() (a nested
 * BPF-to-BPF call).  Only what a program reaches is linked into it.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __noinline int ip_proto(const __u8 *ip, const void *end)
{
	if ((const void *)(ip + 10) > end)
		return -1;
	return ip[9];
}

static __noinline int parse_eth(const void *data, const void *end)
{
	const __u8 *eth = data;

	if ((const void *)(eth + ETH_HLEN) > end)
		return -1;
	if (((eth[12] << 8) | eth[13]) != ETH_P_IP)
		return 0;
	return ip_proto(eth + ETH_HLEN, end);
}

static __noinline void note_proto(int proto)
{
	__u32 key = (__u32)proto;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&seen, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&seen, &key, &one, BPF_NOEXIST);
}

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	int proto = parse_eth((void *)(long)ctx->data, (void *)(long)ctx->data_end);

	if (proto < 0)
		return XDP_ABORTED;
	note_proto(proto);
	return XDP_PASS;
}

SEC("tc")
int tc_parse(struct __sk_buff *skb)
{
	int proto = parse_eth((void *)(long)skb->data, (void *)(long)skb->data_end);

	if (proto == 17)
		skb->mark = 0x11;
	return TC_ACT_OK;
}

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (len < ETH_HLEN)
		return 0;
	return bpf_get_prandom_u32() % 2 ? (int)len : 0;
}

char LICENSE[] SEC("license") = "GPL";
