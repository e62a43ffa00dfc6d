/*
 * watchev.h - the record whichns watch's kernel programs hand to user
 * space through the ring buffer: one DNS packet a process sent, or one
 * connect() to port 53.  Shared by harness/bpf/watch.bpf.c (compiled for
 * the BPF target) and the user side, so it uses only the kernel's fixed
 * width types and no pointers.
 *
 * The kernel side (doc/watch.md, "Hooks") copies the first WN_EV_SNAP
 * bytes of each IP packet a socket sends to port 53 (UDP or TCP with
 * payload) as the cgroup egress hook sees it, IP header first, and says
 * whose it is.  Nothing here is trusted by the user side: watchmodel.h's
 * wm_query_from_event() checks the size, the kind, the lengths and the
 * NUL of comm, and decodes the packet as any captured frame
 * (packet.h, link type RAW).
 */
#ifndef WHICHNS_WATCHEV_H
#define WHICHNS_WATCHEV_H

#include <linux/types.h>

#define WN_EV_SNAP 512          /* packet bytes a record carries */

enum wn_ev_kind {
	WN_EV_PACKET = 1,       /* an IP packet to port 53: pkt[] */
	WN_EV_CONNECT = 2,      /* connect() to port 53: family/port/addr */
};

/* How the sender was found: the task running when the packet left (UDP:
 * always the sending task), or the one that last created, connected or
 * sent on the socket in process context (TCP, whose segments may leave
 * from a timer or softirq). */
enum wn_ev_owner {
	WN_OWNER_CURRENT = 1,
	WN_OWNER_SOCKET = 2,
	WN_OWNER_NONE = 3,      /* neither known: tgid/tid/comm are 0 */
};

struct wn_watch_rec {
	__u64 ts_ns;            /* CLOCK_MONOTONIC, bpf_ktime_get_ns() */
	__u64 cgroup_id;        /* the owner's cgroup v2 id; 0 unknown */
	__u32 tgid;             /* the owner: process id */
	__u32 tid;              /* and thread id */
	__u16 kind;             /* enum wn_ev_kind */
	__u16 owner;            /* enum wn_ev_owner */
	__u32 wire_len;         /* PACKET: the IP packet's whole length */
	__u32 cap_len;          /* PACKET: bytes of pkt[] filled, <= WN_EV_SNAP */
	__u16 family;           /* CONNECT: 2 (AF_INET) or 10 (AF_INET6) */
	__u16 port;             /* CONNECT: destination port, host order */
	__u8  proto;            /* CONNECT: 17 UDP, 6 TCP */
	__u8  pad[3];
	__u8  addr[16];         /* CONNECT: destination address, 4 or 16 bytes */
	char  comm[16];         /* the owner's comm, NUL-padded */
	__u8  pkt[WN_EV_SNAP];  /* PACKET: the IP packet from its header on */
};

#endif
