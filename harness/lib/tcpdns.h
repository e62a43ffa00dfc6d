/*
 * tcpdns.h - DNS messages from TCP streams (RFC 1035 4.2.2, RFC 7766):
 * each direction of a connection reassembled, its two-byte length
 * prefixes followed, every message handed on once and whole.
 *
 * Owns: a bounded table of streams (TCPDNS_STREAMS; when a slot is
 * needed, the least recently used stream of its set is dropped), each
 * with the bytes of one incomplete message and up to TCPDNS_HELD
 * out-of-order segments, all within TCPDNS_MEM bytes of copies.
 * Never: makes a system call, trusts a sequence number or a length,
 * grows past its bounds, or copies a message that lies whole in one
 * segment (the common case hands on the frame's own bytes).
 *
 * How a stream's bytes are followed:
 * - it starts at its SYN or, when the capture began later, at the first
 *   segment seen with data, which is taken to start a message;
 * - bytes already seen (retransmissions, overlaps) are dropped, so a
 *   message is handed on once;
 * - a segment past a gap is held until the gap fills (the segment came
 *   late, or was sent again); when the gap cannot fill (more than
 *   TCPDNS_HELD segments wait, copies would pass TCPDNS_MEM, the stream
 *   or the capture ends), the bytes in it are lost;
 * - bytes the capture cut off (snaplen) are known to exist: the message
 *   they cut is handed on with what was captured (len < claimed) and the
 *   stream goes on after it;
 * - lost bytes lose the message they fall in (TCPDNS_LOST); when they
 *   hide where a message starts, the next segment is taken to start one,
 *   as at a stream's start;
 * - a sequence number more than TCPDNS_SEQ_FAR from the expected one
 *   starts the stream afresh (a new connection on the same ports).
 * A message is handed on with the time of the frame that completed it.
 */
#ifndef WHICHNS_TCPDNS_H
#define WHICHNS_TCPDNS_H

#include <stddef.h>
#include <stdint.h>
#include "packet.h"

#define TCPDNS_STREAMS  256          /* 64 sets of 4 */
#define TCPDNS_HELD     8            /* out-of-order segments per stream */
#define TCPDNS_MEM      (32u << 20)  /* bytes of message and segment copies */
#define TCPDNS_SEQ_FAR  (1u << 24)

enum tcpdns_kind {
	TCPDNS_MSG,    /* a message: p, len, claimed */
	TCPDNS_LOST,   /* stream bytes lost, with what they held: why */
};

struct tcpdns_out {
	enum tcpdns_kind        kind;
	const struct pkt_flow  *f;       /* the stream's direction */
	const uint8_t          *p;       /* MSG: the message, prefix not included */
	size_t                  len;     /* MSG: bytes at p */
	size_t                  claimed; /* MSG: its length prefix; len < claimed
	                                  * when the capture cut it */
	double                  t;
	const char             *why;     /* LOST: static text */
};

/* p is valid during the call only. */
typedef void (*tcpdns_fn)(void *ctx, const struct tcpdns_out *o);

struct tcpdns_stats {
	uint64_t segments;       /* handed in, on a stream of data */
	uint64_t retransmitted;  /* every byte of it already seen */
	uint64_t held;           /* arrived past a gap */
	uint64_t lost;           /* TCPDNS_LOST handed on */
	uint64_t dropped;        /* streams dropped for a slot */
};

struct tcpdns;

/* NULL when out of memory. */
struct tcpdns *tcpdns_new(tcpdns_fn fn, void *ctx);
/* One TCP segment (from pkt_segment()) seen at time t. */
void tcpdns_segment(struct tcpdns *r, const struct pkt_seg *seg, double t);
/* The capture ended: every stream ends, what waits is handed on or lost. */
void tcpdns_finish(struct tcpdns *r);
const struct tcpdns_stats *tcpdns_stats(const struct tcpdns *r);
void tcpdns_free(struct tcpdns *r);

#endif
