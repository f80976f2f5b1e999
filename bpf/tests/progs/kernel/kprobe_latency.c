// SPDX-License-Identifier: GPL-2.0
/*
 * Sleep latency per thread: a kprobe stores the entry time in a hash map, the
 * kretprobe reads it and adds the delta to a histogram bucket chosen by a
 * bounded log2 loop.  No vmlinux.h: the context is an opaque pointer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NBUCKETS 32

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NBUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

static __noinline __u32 log2_bucket(__u64 v)
{
	__u32 b = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < NBUCKETS - 1; i++) {
		if (v <= 1)
			break;
		v >>= 1;
		b++;
	}
	return b;
}

SEC("kprobe/do_nanosleep")
int sleep_enter(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_nanosleep")
int sleep_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *tsp = bpf_map_lookup_elem(&start, &tid);
	__u64 *slot;
	__u32 bucket;

	if (!tsp)
		return 0;
	bucket = log2_bucket(bpf_ktime_get_ns() - *tsp);
	slot = bpf_map_lookup_elem(&hist, &bucket);
	if (slot)
		*slot += 1;
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
