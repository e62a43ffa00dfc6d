/*
 * watch.bpf.c - whichns watch's kernel side: see every DNS packet a
 * process sends, whatever call sent it, and say whose it is.
 *
 * Owns: the programs (all named wn_*, so `bpftool prog show` finds
 * them), the socket-owner storage, the ring buffer of struct wn_watch_rec
 * (watchev.h) and the count of records it had no room for.
 * Never: changes, drops or delays traffic (every program returns 1,
 * "allow", on every path), prints (no bpf_printk), or keeps state past a
 * socket's life (BPF_MAP_TYPE_SK_STORAGE dies with the socket).
 *
 * Built against the UAPI headers only (linux/bpf.h), not vmlinux.h:
 * cgroup programs read their context through the fixed UAPI structs
 * (struct __sk_buff, bpf_sock, bpf_sock_addr), so the build needs no
 * kernel BTF.  Why cgroup hooks and not tracepoints or fentry:
 * doc/watch.md, "Hooks".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "watchev.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_IP     0x0800
#define ETH_P_IPV6   0x86DD
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define DNS_PORT     53

/* Who last created, connected or sent on a socket in process context:
 * the owner of its TCP segments, which may leave from a timer or a
 * softirq where the current task is anyone. */
struct wn_owner {
	__u64 pid_tgid;
	__u64 cgroup_id;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wn_owner);
} wn_owners SEC(".maps");

/* 4 MiB: about 7000 records of 592 bytes, some seconds of a busy
 * resolver's queries while user space is descheduled or writing its
 * outputs; kernel memory fixed at load (charged to whichns's memory
 * cgroup), so the cost is bounded whatever the traffic.  A record with
 * no room is counted in wn_lost, never waited for. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} wn_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wn_lost SEC(".maps");

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&wn_lost, &zero);

	/* Atomic: a softirq's egress may interrupt a task's on this CPU. */
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* The current task as the socket's owner; pid_tgid 0 is the idle task
 * (a softirq interrupting nothing), no owner. */
static __always_inline void note_owner(struct bpf_sock *sk)
{
	struct wn_owner *o;
	__u64 id = bpf_get_current_pid_tgid();

	if (!sk || id == 0)
		return;
	o = bpf_sk_storage_get(&wn_owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!o)
		return;
	o->pid_tgid = id;
	o->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(o->comm, sizeof o->comm);
}

/* The owner fields of a record: the current task (0 when it is the idle
 * task), or the socket's noted owner. */
static __always_inline int owner_current(struct wn_watch_rec *e)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (id == 0)
		return -1;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof e->comm);
	e->owner = WN_OWNER_CURRENT;
	return 0;
}

static __always_inline int owner_socket(struct wn_watch_rec *e, struct bpf_sock *sk)
{
	struct wn_owner *o;

	if (!sk)
		return -1;
	o = bpf_sk_storage_get(&wn_owners, sk, 0, 0);
	if (!o)
		return -1;
	e->tgid = o->pid_tgid >> 32;
	e->tid = (__u32)o->pid_tgid;
	e->cgroup_id = o->cgroup_id;
	__builtin_memcpy(e->comm, o->comm, sizeof e->comm);
	e->owner = WN_OWNER_SOCKET;
	return 0;
}

static __always_inline void owner_none(struct wn_watch_rec *e)
{
	e->tgid = 0;
	e->tid = 0;
	e->cgroup_id = 0;
	__builtin_memset(e->comm, 0, sizeof e->comm);
	e->owner = WN_OWNER_NONE;
}

static __always_inline void clear_connect_fields(struct wn_watch_rec *e)
{
	e->family = 0;
	e->port = 0;
	e->proto = 0;
	__builtin_memset(e->pad, 0, sizeof e->pad);
	__builtin_memset(e->addr, 0, sizeof e->addr);
}

SEC("cgroup/sock_create")
int wn_sock_create(struct bpf_sock *sk)
{
	if (sk->protocol == IPPROTO_TCP || sk->protocol == IPPROTO_UDP)
		note_owner(sk);
	return 1;
}

/* A connect() to port 53: a record of its own (a TCP connection the
 * server never answers sends no payload, so no packet record), and the
 * socket's owner noted for its later segments. */
static __always_inline void on_connect(struct bpf_sock_addr *ctx, int v6)
{
	struct wn_watch_rec *e;

	note_owner(ctx->sk);
	if (ctx->user_port != bpf_htons(DNS_PORT))
		return;
	e = bpf_ringbuf_reserve(&wn_events, sizeof *e, 0);
	if (!e) {
		count_lost();
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	if (owner_current(e))
		owner_none(e);
	e->kind = WN_EV_CONNECT;
	e->wire_len = 0;
	e->cap_len = 0;
	clear_connect_fields(e);
	e->port = DNS_PORT;
	e->proto = ctx->protocol;
	if (v6) {
		__u32 a[4];

		e->family = 10;
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		__builtin_memcpy(e->addr, a, 16);
	} else {
		__u32 a = ctx->user_ip4;

		e->family = 2;
		__builtin_memcpy(e->addr, &a, 4);
	}
	__builtin_memset(e->pkt, 0, sizeof e->pkt);
	bpf_ringbuf_submit(e, 0);
}

SEC("cgroup/connect4")
int wn_connect4(struct bpf_sock_addr *ctx)
{
	on_connect(ctx, 0);
	return 1;
}

SEC("cgroup/connect6")
int wn_connect6(struct bpf_sock_addr *ctx)
{
	on_connect(ctx, 1);
	return 1;
}

SEC("cgroup/sendmsg4")
int wn_sendmsg4(struct bpf_sock_addr *ctx)
{
	note_owner(ctx->sk);
	return 1;
}

SEC("cgroup/sendmsg6")
int wn_sendmsg6(struct bpf_sock_addr *ctx)
{
	note_owner(ctx->sk);
	return 1;
}

/* The transport header's offset and protocol of an IP packet, or -1 when
 * it is not one to look at.  IPv4: options skipped by the header length,
 * a non-first fragment has no transport header.  IPv6: only a next
 * header that is UDP or TCP itself; extension headers (hop-by-hop,
 * routing, fragment, destination options) are not walked, so a query
 * behind one is not seen (doc/watch.md, "Hooks", limits). */
static __always_inline int l4_offset(struct __sk_buff *skb, __u8 *proto)
{
	__u8 h[40];

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u32 ihl;

		if (bpf_skb_load_bytes(skb, 0, h, 20))
			return -1;
		ihl = (h[0] & 0x0f) * 4;
		if ((h[0] >> 4) != 4 || ihl < 20)
			return -1;
		if (((h[6] & 0x1f) | h[7]) != 0)
			return -1;
		*proto = h[9];
		return ihl;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 0, h, 40))
			return -1;
		if ((h[0] >> 4) != 6)
			return -1;
		*proto = h[6];
		return 40;
	}
	return -1;
}

/* A query: UDP to port 53, or a TCP segment to port 53 that carries
 * payload (a SYN or a bare ACK says nothing). */
static __always_inline int is_dns(struct __sk_buff *skb, int off, __u8 proto)
{
	__u8 t[14];
	__u32 hlen;

	if (off < 20 || off > 60)
		return 0;
	if (proto == IPPROTO_UDP) {
		if (bpf_skb_load_bytes(skb, off, t, 4))
			return 0;
		return t[2] == 0 && t[3] == DNS_PORT;
	}
	if (proto != IPPROTO_TCP)
		return 0;
	if (bpf_skb_load_bytes(skb, off, t, 14))
		return 0;
	if (t[2] != 0 || t[3] != DNS_PORT)
		return 0;
	hlen = (t[12] >> 4) * 4;
	return hlen >= 20 && skb->len > (__u32)off + hlen;
}

/* Every IP packet a local socket sends, in any network namespace, once:
 * at ip_finish_output, before GSO and fragmentation (a datagram larger
 * than the MTU is one record where a capture shows its fragments).
 * Forwarded packets have no local socket and never come here. */
SEC("cgroup_skb/egress")
int wn_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct wn_watch_rec *e;
	__u8 proto = 0;
	__u32 n;
	int off;

	off = l4_offset(skb, &proto);
	if (off < 0 || !is_dns(skb, off, proto))
		return 1;
	if (sk)
		sk = bpf_sk_fullsock(sk);
	e = bpf_ringbuf_reserve(&wn_events, sizeof *e, 0);
	if (!e) {
		count_lost();
		return 1;
	}
	e->ts_ns = bpf_ktime_get_ns();
	if (proto == IPPROTO_UDP) {
		/* A UDP datagram leaves in its sender's system call (or its
		 * io_uring worker thread, of the same process). */
		if (owner_current(e) == 0)
			note_owner(sk);
		else if (owner_socket(e, sk))
			owner_none(e);
	} else if (owner_socket(e, sk) && owner_current(e)) {
		/* A connection older than the watch has no noted owner: the
		 * current task is its sender in a send call, anyone in a
		 * retransmission from a timer. */
		owner_none(e);
	}
	e->kind = WN_EV_PACKET;
	clear_connect_fields(e);
	__builtin_memset(e->pkt, 0, sizeof e->pkt);
	e->wire_len = skb->len;
	n = skb->len;
	if (n > WN_EV_SNAP)
		n = WN_EV_SNAP;
	e->cap_len = n;
	if (n == 0 || bpf_skb_load_bytes(skb, 0, e->pkt, n)) {
		bpf_ringbuf_discard(e, 0);
		return 1;
	}
	bpf_ringbuf_submit(e, 0);
	return 1;
}
