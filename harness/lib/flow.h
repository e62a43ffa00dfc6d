/*
 * flow.h - every DNS message of a capture, frame after frame: UDP
 * datagrams one by one, TCP streams reassembled (tcpdns.h), each message
 * parsed (dns.h) and handed to the caller with its addresses and time.
 *
 * Owns: the state that spans frames (the TCP streams), one message
 * buffer reused for every message, and the counts a decode summary
 * gives: packets, messages, messages cut by the capture, and what did
 * not decode, by status, with the first such packet named.
 * Never: keeps a message after handing it on, allocates per frame, or
 * makes a system call.
 *
 * A TCP message is handed on with the frame that completed it, as
 * Wireshark shows it.  Stream bytes that were never captured count as
 * PKT_TRUNCATED (and in tcp.lost); a message cut by the capture counts as
 * a message (dns_msg.cut), not as a failure.  The TCP streams' state is
 * made at the first TCP segment (a segment when there is no memory for
 * it counts as PKT_TRUNCATED).
 */
#ifndef WHICHNS_FLOW_H
#define WHICHNS_FLOW_H

#include <stdint.h>
#include "dns.h"
#include "packet.h"
#include "tcpdns.h"

struct flow_msg {
	const struct pkt_flow *f;
	const struct dns_msg  *m;    /* m->cut: the capture cut it short */
	double                 t;
};

/* *fm and what it points to are valid during the call only. */
typedef void (*flow_fn)(void *ctx, const struct flow_msg *fm);

struct flow_stats {
	uint64_t packets;       /* frames handed in */
	uint64_t not_dns;       /* frames with no DNS: other ports, protocols,
	                         * TCP segments without payload */
	uint64_t messages;      /* handed on */
	uint64_t cut;           /* ... of which the capture cut short */
	/* Frames whose headers failed, DNS messages that did not parse, TCP
	 * stream bytes lost; by status (PKT_DNS and PKT_SKIP stay 0). */
	uint64_t bad[PKT_UNSUPPORTED + 1];
	uint64_t    first_bad_packet;   /* 1-based; 0: nothing failed */
	enum pkt_status first_bad_status;
	const char *first_bad_why;
	struct tcpdns_stats tcp;
};

/* NULL when out of memory. */
struct flow *flow_new(flow_fn fn, void *ctx);
/* One frame of caplen bytes on a link of type linktype, seen at time t. */
void flow_frame(struct flow *fl, int linktype, const uint8_t *frame,
                size_t caplen, double t);
/* The capture ended: the TCP streams hand on or lose what waits. */
void flow_finish(struct flow *fl);
const struct flow_stats *flow_stats(struct flow *fl);
void flow_free(struct flow *fl);

#endif
