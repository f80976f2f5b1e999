// SPDX-License-Identifier: GPL-2.0
/*
 * Events to user space through a ring buffer and a perf event array, from a
 * raw tracepoint and a kprobe; a 64-bit constant mask and bpf_get_smp_processor_id.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u64 ts;
	__u32 pid;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

SEC("raw_tracepoint/sched_switch")
int on_switch(void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns() & 0x00ffffffffffffffULL;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kprobe/tcp_sendmsg")
int on_send(void *ctx)
{
	struct event e = {
		.ts = bpf_ktime_get_ns(),
		.pid = bpf_get_current_pid_tgid() >> 32,
		.cpu = bpf_get_smp_processor_id(),
	};

	bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
