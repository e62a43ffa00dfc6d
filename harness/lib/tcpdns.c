/*
 * tcpdns.c - reassembly of DNS over TCP; see tcpdns.h for the rules.
 *
 * A stream's state is where its next byte belongs: next (the sequence
 * number expected), then either skip (bytes left of a message already
 * handed on cut, to be passed over), or buf/have (the start of a message,
 * its prefix included, waiting for the rest), or neither: the next byte
 * starts a message.  Segments past a gap wait in held[], sorted by
 * sequence number.  Sequence numbers are compared as 32-bit differences
 * (RFC 1982), never as plain numbers.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdns.h"

#define WAYS     4
#define SETS     (TCPDNS_STREAMS / WAYS)
#define MSG_MAX  (2 + 65535)   /* a length prefix and the longest message */

struct held {
	uint32_t seq;
	size_t   present, claimed;
	uint8_t  flags;
	double   t;                /* when it was captured */
	uint8_t *data;             /* present bytes, copied */
};

struct stream {
	struct pkt_flow f;
	bool     used, fin;
	uint32_t next;
	uint64_t tick;             /* last use, for dropping the oldest */
	double   t_last;
	uint8_t *buf;
	size_t   have, cap, skip;
	struct held held[TCPDNS_HELD];
	unsigned nheld;
};

struct tcpdns {
	tcpdns_fn fn;
	void     *ctx;
	size_t    mem;             /* bytes of buf and held copies */
	uint64_t  tick;
	double    now;             /* the frame being handled */
	bool      ending;          /* no frame: the capture ended */
	double    t;               /* the time of what is handed on now */
	struct tcpdns_stats st;
	struct stream s[TCPDNS_STREAMS];
};

static int32_t seqdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Handing on. */

static void emit_msg(struct tcpdns *r, const struct stream *s, const uint8_t *p,
                     size_t len, size_t claimed)
{
	struct tcpdns_out o = { TCPDNS_MSG, &s->f, p, len, claimed, r->t, NULL };
	r->fn(r->ctx, &o);
}

static void emit_lost(struct tcpdns *r, const struct stream *s, const char *why)
{
	struct tcpdns_out o = { TCPDNS_LOST, &s->f, NULL, 0, 0, r->t, why };
	r->st.lost++;
	r->fn(r->ctx, &o);
}

/* The table. */

static uint32_t flow_hash(const struct pkt_flow *f)
{
	uint32_t h = 2166136261u;
	size_t n = f->src.family == 6 ? 16 : 4;
	uint8_t ports[4] = { (uint8_t)(f->sport >> 8), (uint8_t)f->sport,
	                     (uint8_t)(f->dport >> 8), (uint8_t)f->dport };

	for (size_t i = 0; i < n; i++)
		h = (h ^ f->src.a[i]) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ f->dst.a[i]) * 16777619u;
	for (size_t i = 0; i < 4; i++)
		h = (h ^ ports[i]) * 16777619u;
	return h ^ h >> 16;
}

static bool flow_eq(const struct pkt_flow *a, const struct pkt_flow *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	       pkt_addr_eq(&a->src, &b->src) && pkt_addr_eq(&a->dst, &b->dst);
}

static void held_pop(struct tcpdns *r, struct stream *s)
{
	r->mem -= s->held[0].present;
	free(s->held[0].data);
	s->nheld--;
	memmove(&s->held[0], &s->held[1], s->nheld * sizeof s->held[0]);
}

static void stream_init(struct stream *s, const struct pkt_flow *f, uint32_t next)
{
	memset(s, 0, sizeof *s);
	s->used = true;
	s->f = *f;
	s->next = next;
}

/* Bytes not captured: n of them, from next on.  cut: the capture cut
 * them off (snaplen), so the message they end is handed on with what is
 * there; else they were never captured and the message is lost. */
static void missing(struct tcpdns *r, struct stream *s, size_t n, bool cut)
{
	if (n <= s->skip) {
		s->skip -= n;
		return;
	}
	n -= s->skip;
	s->skip = 0;
	if (s->have >= 2) {
		size_t rest = 2 + (size_t)be16(s->buf) - s->have;
		if (cut)
			emit_msg(r, s, s->buf + 2, s->have - 2, be16(s->buf));
		else
			emit_lost(r, s, "tcp: a segment was not captured, its message lost");
		s->have = 0;
		if (n < rest) {
			s->skip = rest - n;
			return;
		}
		n -= rest;
	} else if (s->have == 1) {
		s->have = 0;
		emit_lost(r, s, cut ? "tcp: the capture cut a length prefix"
		                    : "tcp: a segment was not captured, its message lost");
		return;
	}
	if (n > 0)
		emit_lost(r, s, cut ? "tcp: the capture cut off the start of a message"
		                    : "tcp: a segment was not captured, its messages lost");
}

static bool buf_reserve(struct tcpdns *r, struct stream *s, size_t need)
{
	if (s->cap >= need)
		return true;
	size_t ncap = need < 512 ? 512 : need > MSG_MAX - 256 ? MSG_MAX : need + 256;
	if (ncap - s->cap > TCPDNS_MEM - r->mem)
		return false;
	uint8_t *nb = realloc(s->buf, ncap);
	if (!nb)
		return false;
	r->mem += ncap - s->cap;
	s->buf = nb;
	s->cap = ncap;
	return true;
}

/* n more bytes of the start of a message into buf; false when there is
 * no room, and the message is then lost and passed over. */
static size_t collect(struct tcpdns *r, struct stream *s, const uint8_t *p, size_t n)
{
	size_t total = s->have < 2 ? 2 : 2 + (size_t)be16(s->buf);
	size_t k = total - s->have < n ? total - s->have : n;

	if (!buf_reserve(r, s, total)) {
		emit_lost(r, s, "tcp: reassembly memory full, message lost");
		s->skip = total - s->have;
		s->have = 0;
		return 0;
	}
	memcpy(s->buf + s->have, p, k);
	s->have += k;
	if (s->have >= 2 && s->have == 2 + (size_t)be16(s->buf)) {
		emit_msg(r, s, s->buf + 2, s->have - 2, s->have - 2);
		s->have = 0;
	}
	return k;
}

/* The stream's next n bytes, in order. */
static void consume(struct tcpdns *r, struct stream *s, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k;
		if (s->skip > 0) {
			k = s->skip < n ? s->skip : n;
			s->skip -= k;
		} else if (s->have == 0 && n >= 2 && n - 2 >= be16(p)) {
			k = 2 + (size_t)be16(p);   /* whole here: no copy */
			emit_msg(r, s, p + 2, k - 2, k - 2);
		} else {
			k = collect(r, s, p, n);
		}
		p += k;
		n -= k;
	}
}

/* A segment that starts at or before next: what is new of it.  A FIN
 * takes the sequence number after the data. */
static void deliver(struct tcpdns *r, struct stream *s, uint32_t seq,
                    const uint8_t *p, size_t present, size_t claimed,
                    uint8_t flags)
{
	size_t off = (uint32_t)(s->next - seq);
	size_t span = claimed + !!(flags & PKT_TCP_FIN);

	if (off >= span) {
		if (claimed > 0)
			r->st.retransmitted++;
		return;
	}
	if (off < present)
		consume(r, s, p + off, present - off);
	if (present < claimed && off < claimed)
		missing(r, s, claimed - (off > present ? off : present), true);
	s->next = seq + (uint32_t)span;
	if (flags & PKT_TCP_FIN)
		s->fin = true;
}

/* Deliver the held segments the stream has reached.  What they complete
 * was complete when both they and the frame at hand were there. */
static void drain(struct tcpdns *r, struct stream *s)
{
	double t0 = r->t;

	while (s->nheld > 0 && seqdiff(s->held[0].seq, s->next) <= 0) {
		const struct held *h = &s->held[0];
		r->t = r->ending || h->t > r->now ? h->t : r->now;
		deliver(r, s, h->seq, h->data, h->present, h->claimed, h->flags);
		held_pop(r, s);
	}
	r->t = t0;
}

/* The gap before the first held segment will not fill. */
static void gap_give_up(struct tcpdns *r, struct stream *s, uint32_t upto)
{
	missing(r, s, (uint32_t)(upto - s->next), false);
	s->next = upto;
	drain(r, s);
}

static bool hold(struct tcpdns *r, struct stream *s, uint32_t seq,
                 const struct pkt_seg *seg)
{
	if (s->nheld == TCPDNS_HELD || seg->present > TCPDNS_MEM - r->mem)
		return false;
	uint8_t *copy = malloc(seg->present ? seg->present : 1);
	if (!copy)
		return false;
	memcpy(copy, seg->p, seg->present);
	unsigned i = s->nheld;
	while (i > 0 && seqdiff(s->held[i - 1].seq, seq) > 0) {
		s->held[i] = s->held[i - 1];
		i--;
	}
	s->held[i] = (struct held){ seq, seg->present, seg->claimed,
	                            seg->tcp_flags, r->now, copy };
	s->nheld++;
	r->mem += seg->present;
	r->st.held++;
	return true;
}

/* Everything that waits is handed on or lost.  next is kept: a segment
 * sent again after the stream closed is still known for old. */
static void stream_flush(struct tcpdns *r, struct stream *s, const char *why)
{
	while (s->nheld > 0)
		gap_give_up(r, s, s->held[0].seq);
	if (s->have > 0)
		emit_lost(r, s, why);
	r->mem -= s->cap;
	free(s->buf);
	s->buf = NULL;
	s->have = s->cap = s->skip = 0;
	s->fin = false;
}

/* ... and the slot is freed. */
static void stream_end(struct tcpdns *r, struct stream *s, const char *why)
{
	stream_flush(r, s, why);
	memset(s, 0, sizeof *s);
}

/* The stream of f, or a slot for it (NULL: none yet, and create unset). */
static struct stream *stream_find(struct tcpdns *r, const struct pkt_flow *f,
                                  bool create, bool *fresh)
{
	struct stream *set = &r->s[flow_hash(f) % SETS * WAYS], *slot = NULL;

	*fresh = false;
	for (int i = 0; i < WAYS; i++) {
		if (set[i].used && flow_eq(&set[i].f, f))
			return &set[i];
		if (!slot || (slot->used && (!set[i].used || set[i].tick < slot->tick)))
			slot = &set[i];
	}
	if (!create)
		return NULL;
	if (slot->used) {
		r->st.dropped++;
		stream_end(r, slot, "tcp: stream table full, a stream dropped inside a message");
	}
	*fresh = true;
	return slot;
}

/* Where seq falls: far from next, the stream starts again there. */
static void stream_place(struct tcpdns *r, struct stream *s, uint32_t seq)
{
	int32_t d = seqdiff(seq, s->next);
	if (d > (int32_t)TCPDNS_SEQ_FAR || d < -(int32_t)TCPDNS_SEQ_FAR) {
		struct pkt_flow f = s->f;
		stream_end(r, s, "tcp: sequence number jumped inside a message");
		stream_init(s, &f, seq);
	}
}

void tcpdns_segment(struct tcpdns *r, const struct pkt_seg *seg, double t)
{
	bool syn = seg->tcp_flags & PKT_TCP_SYN, fresh;
	uint32_t seq = seg->seq + syn;   /* a SYN takes one sequence number */
	struct stream *s;

	r->now = r->t = t;
	r->ending = false;
	s = stream_find(r, &seg->f, syn || seg->claimed > 0, &fresh);
	if (!s)
		return;   /* an ACK, FIN or RST of no stream we follow */
	r->st.segments++;
	/* A SYN behind next was sent again; ahead of it, a new connection. */
	if (!fresh && syn && seqdiff(seq, s->next) > 0)
		stream_end(r, s, "tcp: a new connection (SYN) inside a message");
	if (!s->used)
		stream_init(s, &seg->f, seq);
	stream_place(r, s, seq);
	s->tick = ++r->tick;
	s->t_last = t;
	if (seqdiff(seq, s->next) > 0) {
		/* Past a gap: wait for it to fill, or give up on it when no
		 * more can wait. */
		while (seqdiff(seq, s->next) > 0 && !hold(r, s, seq, seg))
			gap_give_up(r, s, s->nheld > 0 && seqdiff(s->held[0].seq, seq) < 0
			                  ? s->held[0].seq : seq);
		if (seqdiff(seq, s->next) <= 0)
			deliver(r, s, seq, seg->p, seg->present, seg->claimed, seg->tcp_flags);
	} else {
		deliver(r, s, seq, seg->p, seg->present, seg->claimed, seg->tcp_flags);
	}
	drain(r, s);
	if (seg->tcp_flags & PKT_TCP_RST)
		stream_flush(r, s, "tcp: stream reset inside a message");
	else if (s->fin)
		stream_flush(r, s, "tcp: stream ended inside a message");
}

void tcpdns_finish(struct tcpdns *r)
{
	for (size_t i = 0; i < TCPDNS_STREAMS; i++) {
		struct stream *s = &r->s[i];
		if (!s->used)
			continue;
		r->ending = true;
		r->t = s->t_last;
		stream_end(r, s, "tcp: capture ended inside a message");
	}
}

struct tcpdns *tcpdns_new(tcpdns_fn fn, void *ctx)
{
	struct tcpdns *r = calloc(1, sizeof *r);
	if (r) {
		r->fn = fn;
		r->ctx = ctx;
	}
	return r;
}

const struct tcpdns_stats *tcpdns_stats(const struct tcpdns *r)
{
	return &r->st;
}

void tcpdns_free(struct tcpdns *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < TCPDNS_STREAMS; i++) {
		struct stream *s = &r->s[i];
		while (s->nheld > 0)
			held_pop(r, s);
		free(s->buf);
	}
	free(r);
}
