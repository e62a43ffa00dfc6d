/*
 * check_tcpdns.c - unit tests of DNS over TCP reassembly.
 *
 * Segments are built directly (struct pkt_seg), not as frames: a
 * stream's bytes are length-prefixed "messages" whose first two bytes
 * are an id, so what tcpdns hands on can be checked message by message
 * without parsing DNS.  Every output is logged and compared.
 */
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "tcpdns.h"
#include "testutil.h"

#define LOG_MAX 4096

struct rec {
	enum tcpdns_kind kind;
	unsigned id;              /* the message's first two bytes; ~0u: fewer */
	size_t   len, claimed;
	double   t;
	const char *why;
	const uint8_t *p;
	uint16_t sport;
};

struct log {
	struct rec r[LOG_MAX];
	size_t n;
	struct tcpdns *td;
};

static void on_out(void *ctx, const struct tcpdns_out *o)
{
	struct log *l = ctx;
	ck_assert_uint_lt(l->n, LOG_MAX);
	ck_assert(o->kind == TCPDNS_LOST || o->len <= o->claimed);
	l->r[l->n++] = (struct rec){
		o->kind, o->kind == TCPDNS_MSG && o->len >= 2
		         ? (unsigned)(o->p[0] << 8 | o->p[1]) : ~0u,
		o->len, o->claimed, o->t, o->why, o->p, o->f->sport,
	};
}

static struct log *log_new(void)
{
	struct log *l = calloc(1, sizeof *l);
	ck_assert_ptr_nonnull(l);
	l->td = tcpdns_new(on_out, l);
	ck_assert_ptr_nonnull(l->td);
	return l;
}

static void log_free(struct log *l)
{
	tcpdns_free(l->td);
	free(l);
}

/* A stream of n messages: each a length prefix, then len[i] bytes (>= 2)
 * starting with ids[i].  Returns the stream's length. */
static size_t stream_build(uint8_t *out, const unsigned *ids, const size_t *len,
                           size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		out[k++] = (uint8_t)(len[i] >> 8);
		out[k++] = (uint8_t)len[i];
		out[k] = (uint8_t)(ids[i] >> 8);
		out[k + 1] = (uint8_t)ids[i];
		memset(out + k + 2, 0x5a, len[i] - 2);
		k += len[i];
	}
	return k;
}

/* Client port 40000 (or port) to the server's 53, or back. */
static struct pkt_seg seg(unsigned port, bool reply, uint32_t seq, const uint8_t *p,
                          size_t present, size_t claimed, uint8_t flags)
{
	struct pkt_seg s;
	memset(&s, 0, sizeof s);
	pkt_addr_parse(reply ? "198.51.100.10" : "198.51.100.2", &s.f.src);
	pkt_addr_parse(reply ? "198.51.100.2" : "198.51.100.10", &s.f.dst);
	s.f.sport = (uint16_t)(reply ? 53 : port);
	s.f.dport = (uint16_t)(reply ? port : 53);
	s.f.proto = 6;
	s.seq = seq;
	s.p = p;
	s.present = present;
	s.claimed = claimed;
	s.tcp_flags = flags;
	return s;
}

/* Bytes [from, to) of a stream starting at isn, whole, at time t. */
static void send(struct log *l, const uint8_t *stream, uint32_t isn, size_t from,
                 size_t to, double t)
{
	struct pkt_seg s = seg(40000, false, isn + (uint32_t)from, stream + from,
	                       to - from, to - from, 0);
	tcpdns_segment(l->td, &s, t);
}

static void assert_msgs(const struct log *l, const unsigned *ids, const size_t *len,
                        size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < l->n; i++) {
		ck_assert_msg(l->r[i].kind == TCPDNS_MSG, "output %zu: lost: %s", i,
		              l->r[i].why);
		ck_assert_uint_lt(m, n);
		ck_assert_uint_eq(l->r[i].id, ids[m]);
		ck_assert_uint_eq(l->r[i].len, len[m]);
		ck_assert_uint_eq(l->r[i].claimed, len[m]);
		m++;
	}
	ck_assert_uint_eq(m, n);
}

static const unsigned ids3[] = { 0x101, 0x202, 0x303 };
static const size_t lens3[] = { 25, 42, 2 };   /* ending at 27, 71, 75 */

/* Core */

START_TEST(test_whole_messages_not_copied)
{
	uint8_t st[256];
	static const unsigned ids[7] = { 1, 2, 3, 4, 5, 6, 7 };
	static const size_t lens[7] = { 25, 28, 29, 25, 2, 58, 25 };
	size_t n = stream_build(st, ids, lens, 7);
	struct log *l = log_new();

	send(l, st, 1000, 0, n, 5.0);
	assert_msgs(l, ids, lens, 7);
	ck_assert(l->r[0].p == st + 2);      /* the segment's own bytes */
	ck_assert(l->r[6].p == st + n - 25);
	ck_assert(l->r[4].len == 2 && l->r[4].p[0] == 0 && l->r[4].p[1] == 5);
	ck_assert(l->r[0].t == 5.0);
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, 7);
	ck_assert_uint_eq(tcpdns_stats(l->td)->segments, 1);
	log_free(l);
}
END_TEST

/* Every way to cut three messages into two segments, and into three. */
START_TEST(test_split_everywhere)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);

	for (size_t a = 1; a < n; a++) {
		for (size_t b = a; b < n; b++) {
			struct log *l = log_new();
			send(l, st, 7, 0, a, 1);
			send(l, st, 7, a, b, 2);
			send(l, st, 7, b, n, 3);
			tcpdns_finish(l->td);
			assert_msgs(l, ids3, lens3, 3);
			/* A message is handed on by the segment that ends it. */
			ck_assert(l->r[0].t == (a >= 27 ? 1 : b >= 27 ? 2 : 3));
			log_free(l);
		}
	}
}
END_TEST

START_TEST(test_byte_at_a_time)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();

	for (size_t i = 0; i < n; i++)
		send(l, st, 0xfffffff0u, i, i + 1, (double)i);   /* wraps 2^32 */
	tcpdns_finish(l->td);
	assert_msgs(l, ids3, lens3, 3);
	ck_assert(l->r[2].t == (double)(n - 1));
	log_free(l);
}
END_TEST

START_TEST(test_syn_then_data_both_ways)
{
	uint8_t q[128], a[128];
	size_t nq = stream_build(q, ids3, lens3, 2), na = stream_build(a, ids3 + 2, lens3 + 2, 1);
	struct log *l = log_new();
	struct pkt_seg s = seg(40000, false, 999, NULL, 0, 0, PKT_TCP_SYN);

	tcpdns_segment(l->td, &s, 1);
	s = seg(40000, true, 4999, NULL, 0, 0, PKT_TCP_SYN);
	tcpdns_segment(l->td, &s, 1);
	s = seg(40000, false, 1000, q, 30, 30, 0);   /* half of the second */
	tcpdns_segment(l->td, &s, 2);
	s = seg(40000, true, 5000, a, na, na, 0);
	tcpdns_segment(l->td, &s, 3);
	s = seg(40000, false, 1030, q + 30, nq - 30, nq - 30, 0);
	tcpdns_segment(l->td, &s, 4);
	ck_assert_uint_eq(l->n, 3);
	ck_assert_uint_eq(l->r[0].id, 0x101);
	ck_assert_uint_eq(l->r[1].id, 0x303);
	ck_assert_uint_eq(l->r[1].sport, 53);
	ck_assert_uint_eq(l->r[2].id, 0x202);
	ck_assert_uint_eq(l->r[2].sport, 40000);
	log_free(l);
}
END_TEST

/* Sent again whole, and sent again with more: each message once. */
START_TEST(test_retransmissions)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();

	send(l, st, 100, 0, 27, 1);
	send(l, st, 100, 0, 27, 2);          /* again */
	send(l, st, 100, 27, 40, 3);
	send(l, st, 100, 0, n, 4);           /* again, and the rest */
	send(l, st, 100, 0, n, 5);
	tcpdns_finish(l->td);
	assert_msgs(l, ids3, lens3, 3);
	ck_assert_uint_eq(tcpdns_stats(l->td)->retransmitted, 2);
	ck_assert(l->r[1].t == 4);
	log_free(l);
}
END_TEST

/* Four segments in every order: each message once, in stream order, at
 * the time of the frame that made it whole. */
START_TEST(test_every_order)
{
	static const int perms[24][4] = {
		{0,1,2,3},{0,1,3,2},{0,2,1,3},{0,2,3,1},{0,3,1,2},{0,3,2,1},
		{1,0,2,3},{1,0,3,2},{1,2,0,3},{1,2,3,0},{1,3,0,2},{1,3,2,0},
		{2,0,1,3},{2,0,3,1},{2,1,0,3},{2,1,3,0},{2,3,0,1},{2,3,1,0},
		{3,0,1,2},{3,0,2,1},{3,1,0,2},{3,1,2,0},{3,2,0,1},{3,2,1,0},
	};
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	size_t cut[5] = { 0, 10, 30, 60, n };
	struct log *l = log_new();
	struct pkt_seg syn = seg(40000, false, 99, NULL, 0, 0, PKT_TCP_SYN);

	tcpdns_segment(l->td, &syn, 0);
	for (int k = 0; k < 4; k++) {
		int i = perms[_i][k];
		send(l, st, 100, cut[i], cut[i + 1], k + 1);
	}
	assert_msgs(l, ids3, lens3, 3);      /* before the end: no gap left */
	for (size_t m = 0; m < 3; m++) {
		double want = 0;
		for (int k = 0; k < 4; k++)      /* the last of its pieces to come */
			if (cut[perms[_i][k]] < (m == 0 ? 27u : m == 1 ? 71u : n))
				want = k + 1 > want ? k + 1 : want;
		ck_assert_msg(l->r[m].t == want, "order %d message %zu at %g, not %g",
		              _i, m, l->r[m].t, want);
	}
	ck_assert_uint_eq(tcpdns_stats(l->td)->held > 0, _i > 0);
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, 3);
	log_free(l);
}
END_TEST

START_TEST(test_empty_message)
{
	uint8_t st[4] = { 0, 0, 0, 0 };
	struct log *l = log_new();

	send(l, st, 1, 0, 4, 1);
	ck_assert_uint_eq(l->n, 2);
	ck_assert(l->r[0].kind == TCPDNS_MSG && l->r[0].len == 0 && l->r[0].claimed == 0);
	log_free(l);
}
END_TEST

/* Limits */

/* The gap never fills: the message it falls in is lost, the ones after
 * it, whose start is known, are handed on at the end with their own
 * time. */
START_TEST(test_gap_inside_a_message)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();

	send(l, st, 0, 0, 40, 1);            /* the first, 13 of the second */
	send(l, st, 0, 50, n, 2);            /* 10 bytes of the second missing */
	ck_assert_uint_eq(l->n, 1);
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, 3);
	ck_assert(l->r[1].kind == TCPDNS_LOST);
	ck_assert_str_eq(l->r[1].why, "tcp: a segment was not captured, its message lost");
	ck_assert_uint_eq(l->r[2].id, 0x303);
	ck_assert(l->r[2].t == 2);
	log_free(l);
}
END_TEST

/* The gap hides where a message starts: the next segment is taken to
 * start one. */
START_TEST(test_gap_hiding_a_start)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();

	send(l, st, 0, 0, 20, 1);
	send(l, st, 0, 71, n, 2);            /* the third; the second's start lost */
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, 3);
	ck_assert(l->r[0].kind == TCPDNS_LOST);   /* the first, 20 of 27 bytes */
	ck_assert(l->r[1].kind == TCPDNS_LOST);   /* the second */
	ck_assert_str_eq(l->r[1].why, "tcp: a segment was not captured, its messages lost");
	ck_assert_uint_eq(l->r[2].id, 0x303);
	log_free(l);
}
END_TEST

/* More segments wait than TCPDNS_HELD: the gap is given up then, not at
 * the end. */
START_TEST(test_held_limit)
{
	static unsigned ids[TCPDNS_HELD + 3];
	static size_t lens[TCPDNS_HELD + 3];
	uint8_t st[512];
	struct log *l = log_new();

	for (size_t i = 0; i < TCPDNS_HELD + 3; i++) {
		ids[i] = (unsigned)i;
		lens[i] = 18;                    /* 20 with the prefix */
	}
	stream_build(st, ids, lens, TCPDNS_HELD + 3);
	send(l, st, 0, 0, 20, 1);
	for (size_t i = 2; i < TCPDNS_HELD + 3; i++)   /* the second never comes */
		send(l, st, 0, i * 20, i * 20 + 20, (double)i);
	ck_assert_uint_eq(tcpdns_stats(l->td)->held, TCPDNS_HELD);
	/* The first, the second lost, the held ones, the one that could not
	 * wait. */
	ck_assert_uint_eq(l->n, 1 + 1 + TCPDNS_HELD + 1);
	ck_assert(l->r[1].kind == TCPDNS_LOST);
	ck_assert_uint_eq(l->r[2].id, 2);
	ck_assert_uint_eq(l->r[TCPDNS_HELD + 2].id, TCPDNS_HELD + 2);
	log_free(l);
}
END_TEST

/* snaplen: the message the cut falls in is handed on with what is
 * there, and the stream goes on after it. */
START_TEST(test_snaplen_cut)
{
	uint8_t st[128];
	size_t n = stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();
	struct pkt_seg s = seg(40000, false, 0, st, 40, 71, 0);   /* 2 of 3 sent */

	tcpdns_segment(l->td, &s, 1);
	send(l, st, 0, 71, n, 2);
	ck_assert_uint_eq(l->n, 3);
	ck_assert_uint_eq(l->r[1].id, 0x202);
	ck_assert_uint_eq(l->r[1].len, 40 - 27 - 2);
	ck_assert_uint_eq(l->r[1].claimed, 42);
	ck_assert_uint_eq(l->r[2].id, 0x303);

	/* The cut ends in the next message's start: that one is lost, and
	 * the next segment is taken to start one. */
	s = seg(40001, false, 0, st, 20, 40, 0);
	tcpdns_segment(l->td, &s, 3);
	s = seg(40001, false, 40, st + 71, 4, 4, 0);
	tcpdns_segment(l->td, &s, 4);
	ck_assert_uint_eq(l->n, 6);
	ck_assert(l->r[3].kind == TCPDNS_MSG && l->r[3].len == 18 && l->r[3].claimed == 25);
	ck_assert(l->r[4].kind == TCPDNS_LOST);
	ck_assert_str_eq(l->r[4].why, "tcp: the capture cut off the start of a message");
	ck_assert_uint_eq(l->r[5].id, 0x303);

	/* The cut splits a length prefix. */
	s = seg(40002, false, 0, st, 28, 40, 0);
	tcpdns_segment(l->td, &s, 5);
	ck_assert_uint_eq(l->n, 8);
	ck_assert_str_eq(l->r[7].why, "tcp: the capture cut a length prefix");
	log_free(l);
}
END_TEST

/* A stream that ends, is reset or starts again inside a message. */
START_TEST(test_ends_inside_a_message)
{
	uint8_t st[128];
	stream_build(st, ids3, lens3, 3);
	struct log *l = log_new();
	struct pkt_seg s = seg(40000, false, 0, st, 40, 40, PKT_TCP_FIN);

	tcpdns_segment(l->td, &s, 1);
	ck_assert_uint_eq(l->n, 2);
	ck_assert_str_eq(l->r[1].why, "tcp: stream ended inside a message");
	tcpdns_segment(l->td, &s, 2);        /* sent again after the FIN */
	ck_assert_uint_eq(l->n, 2);
	ck_assert_uint_eq(tcpdns_stats(l->td)->retransmitted, 1);

	s = seg(40001, false, 0, st, 40, 40, 0);
	tcpdns_segment(l->td, &s, 3);
	s = seg(40001, false, 40, NULL, 0, 0, PKT_TCP_RST);
	tcpdns_segment(l->td, &s, 4);
	ck_assert_str_eq(l->r[l->n - 1].why, "tcp: stream reset inside a message");

	s = seg(40002, false, 0, st, 40, 40, 0);
	tcpdns_segment(l->td, &s, 5);
	s = seg(40002, false, 5000, NULL, 0, 0, PKT_TCP_SYN);   /* a new connection */
	tcpdns_segment(l->td, &s, 6);
	ck_assert_str_eq(l->r[l->n - 1].why, "tcp: a new connection (SYN) inside a message");
	s = seg(40002, false, 5001, st, 27, 27, 0);
	tcpdns_segment(l->td, &s, 7);
	ck_assert_uint_eq(l->r[l->n - 1].id, 0x101);

	s = seg(40003, false, 0, st, 40, 40, 0);
	tcpdns_segment(l->td, &s, 8);
	s = seg(40003, false, 0x80000000u, st, 27, 27, 0);       /* far away */
	tcpdns_segment(l->td, &s, 9);
	ck_assert_str_eq(l->r[l->n - 2].why, "tcp: sequence number jumped inside a message");
	ck_assert_uint_eq(l->r[l->n - 1].id, 0x101);

	s = seg(40004, false, 0, st, 40, 40, 0);
	tcpdns_segment(l->td, &s, 10);
	size_t before = l->n;
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, before + 1);
	ck_assert_str_eq(l->r[l->n - 1].why, "tcp: capture ended inside a message");
	ck_assert(l->r[l->n - 1].t == 10);
	log_free(l);
}
END_TEST

/* An ACK, FIN or RST of a stream not followed starts nothing. */
START_TEST(test_no_stream_for_bare_flags)
{
	struct log *l = log_new();
	static const uint8_t flags[] = { 0, PKT_TCP_FIN, PKT_TCP_RST };

	for (int i = 0; i < 3; i++) {
		struct pkt_seg s = seg(40000 + (unsigned)i, false, 7, NULL, 0, 0, flags[i]);
		tcpdns_segment(l->td, &s, 1);
	}
	ck_assert_uint_eq(tcpdns_stats(l->td)->segments, 0);
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, 0);
	log_free(l);
}
END_TEST

/* Far more streams than slots, each inside a message: the oldest are
 * dropped, each losing its message once; none is lost twice or kept. */
START_TEST(test_table_full)
{
	uint8_t st[128];
	stream_build(st, ids3, lens3, 1);
	struct log *l = log_new();
	size_t streams = TCPDNS_STREAMS * 4;

	for (size_t i = 0; i < streams; i++) {
		struct pkt_seg s = seg(1024 + (unsigned)i, false, 0, st, 10, 10, 0);
		tcpdns_segment(l->td, &s, (double)i);
	}
	ck_assert_uint_ge(tcpdns_stats(l->td)->dropped, streams - TCPDNS_STREAMS);
	tcpdns_finish(l->td);
	ck_assert_uint_eq(l->n, streams);
	ck_assert_uint_eq(tcpdns_stats(l->td)->lost, streams);
	for (size_t i = 0; i < l->n; i++)
		ck_assert(l->r[i].kind == TCPDNS_LOST);
	log_free(l);
}
END_TEST

/* Segments held past gaps in many streams until TCPDNS_MEM is used up:
 * gaps are then given up early, and nothing is kept past the bound or
 * leaked (ASan). */
START_TEST(test_memory_bound)
{
	size_t big = 60000, streams = 80;
	uint8_t *data = malloc(big);
	struct log *l = log_new();

	ck_assert_ptr_nonnull(data);
	memset(data, 0xff, big);             /* prefix 0xffff: never a whole message */
	for (size_t i = 0; i < streams; i++) {
		struct pkt_seg s = seg(2000 + (unsigned)i, false, 0, data, 1, 1, 0);
		tcpdns_segment(l->td, &s, 1);
		for (size_t k = 0; k < TCPDNS_HELD; k++) {
			s = seg(2000 + (unsigned)i, false, (uint32_t)(100 + k * big), data,
			        big, big, 0);
			tcpdns_segment(l->td, &s, 2);
		}
	}
	const struct tcpdns_stats *ts = tcpdns_stats(l->td);
	ck_assert_uint_lt(ts->held, streams * TCPDNS_HELD);
	ck_assert_uint_le(ts->held * big, (uint64_t)TCPDNS_MEM * 2);
	ck_assert_uint_gt(ts->lost, 0);      /* gaps given up before the end */
	tcpdns_finish(l->td);
	log_free(l);
	free(data);
}
END_TEST

/* A known stream cut into segments at random, some sent twice, shuffled
 * within a window smaller than TCPDNS_HELD: every message once, whole,
 * in order. */
START_TEST(test_random_reordering)
{
	enum { NMSG = 40, SEGS_MAX = 400 };
	static unsigned ids[NMSG];
	static size_t lens[NMSG];
	static uint8_t st[NMSG * 200];
	uint32_t rnd = 12345u + (uint32_t)_i;
	size_t from[SEGS_MAX], to[SEGS_MAX], nseg = 0, n;

	for (size_t i = 0; i < NMSG; i++) {
		rnd = rnd * 1103515245u + 12345u;
		ids[i] = (unsigned)i;
		lens[i] = 2 + (rnd >> 16) % 150;
	}
	n = stream_build(st, ids, lens, NMSG);
	for (size_t at = 0; at < n && nseg < SEGS_MAX - 1;) {
		rnd = rnd * 1103515245u + 12345u;
		size_t k = 1 + (rnd >> 16) % 90;
		from[nseg] = at;
		to[nseg] = at + k < n ? at + k : n;
		at = to[nseg++];
	}
	ck_assert_uint_eq(to[nseg - 1], n);
	struct log *l = log_new();
	struct pkt_seg syn = seg(40000, false, 0x7fffffefu, NULL, 0, 0, PKT_TCP_SYN);
	tcpdns_segment(l->td, &syn, 0);      /* else the first to come starts it */
	for (size_t base = 0; base < nseg; base += 4) {
		size_t order[4] = { 0, 1, 2, 3 };
		rnd = rnd * 1103515245u + 12345u;
		for (size_t i = 3; i > 0; i--) {
			size_t j = (rnd >> (8 + i)) % (i + 1), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < 4; i++) {
			size_t s = base + order[i];
			if (s >= nseg)
				continue;
			send(l, st, 0x7ffffff0u, from[s], to[s], (double)s);
			if ((rnd >> (20 + i)) & 1)
				send(l, st, 0x7ffffff0u, from[s], to[s], (double)s);
		}
	}
	tcpdns_finish(l->td);
	assert_msgs(l, ids, lens, NMSG);
	log_free(l);
}
END_TEST

Suite *tcpdns_suite(void)
{
	Suite *s = suite_create("tcpdns");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");

	tcase_add_test(core, test_whole_messages_not_copied);
	tcase_add_test(core, test_split_everywhere);
	tcase_add_test(core, test_byte_at_a_time);
	tcase_add_test(core, test_syn_then_data_both_ways);
	tcase_add_test(core, test_retransmissions);
	tcase_add_loop_test(core, test_every_order, 0, 24);
	tcase_add_test(core, test_empty_message);
	suite_add_tcase(s, core);

	tcase_add_test(limits, test_gap_inside_a_message);
	tcase_add_test(limits, test_gap_hiding_a_start);
	tcase_add_test(limits, test_held_limit);
	tcase_add_test(limits, test_snaplen_cut);
	tcase_add_test(limits, test_ends_inside_a_message);
	tcase_add_test(limits, test_no_stream_for_bare_flags);
	tcase_add_test(limits, test_table_full);
	tcase_add_test(limits, test_memory_bound);
	tcase_add_loop_test(limits, test_random_reordering, 0, 20);
	suite_add_tcase(s, limits);
	return s;
}
