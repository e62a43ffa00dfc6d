/*
 * check_flow.c - unit tests of flow: frames in, DNS messages out, UDP and
 * TCP alike, with the counts decode's summary gives; and the events made
 * of a message the capture cut short.
 *
 * Frames are raw IPv4 (no link header) built with testutil.h's wire.
 */
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "flow.h"
#include "suites.h"
#include "testutil.h"

enum { RAW = 101, UDP = 17, TCP = 6 };

/* hat.com A query (id 0xbeef), and an answer with two addresses. */
static const uint8_t query[] = {
	0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'a', 't',
	0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t answer[] = {
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'a', 't',
	0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 203, 0, 113, 203,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 203, 0, 113, 204,
};

struct got {
	struct flow *fl;
	struct serverset servers;
	size_t n;
	struct wn_event ev[16];
	bool cut[16];
};

static void on_msg(void *ctx, const struct flow_msg *fm)
{
	struct got *g = ctx;
	ck_assert_uint_lt(g->n, 16);
	events_from_msg(fm->f, fm->m, fm->t, &g->servers, &g->ev[g->n]);
	g->cut[g->n++] = fm->m->cut;
}

static struct got *got_new(void)
{
	struct got *g = calloc(1, sizeof *g);
	ck_assert_ptr_nonnull(g);
	events_default_servers(&g->servers);
	g->fl = flow_new(on_msg, g);
	ck_assert_ptr_nonnull(g->fl);
	return g;
}

static void got_free(struct got *g)
{
	flow_free(g->fl);
	free(g);
}

/* 198.51.100.2 -> 198.51.100.10, or back when reply is set. */
static void put_ipv4(struct wire *w, unsigned proto, size_t l4len, bool reply)
{
	static const uint8_t client[4] = { 198, 51, 100, 2 }, server[4] = { 198, 51, 100, 10 };
	put8(w, 0x45);
	put8(w, 0);
	put16(w, (unsigned)(20 + l4len));
	put32(w, 0x4000);
	put8(w, 64);
	put8(w, proto);
	put16(w, 0);
	put_bytes(w, reply ? server : client, 4);
	put_bytes(w, reply ? client : server, 4);
}

static void udp_frame(struct wire *w, const uint8_t *dns, size_t n, bool reply)
{
	w->n = 0;
	put_ipv4(w, UDP, 8 + n, reply);
	put16(w, reply ? 53 : 40000);
	put16(w, reply ? 40000 : 53);
	put16(w, (unsigned)(8 + n));
	put16(w, 0);
	put_bytes(w, dns, n);
}

static void tcp_frame(struct wire *w, uint32_t seq, unsigned flags,
                      const uint8_t *data, size_t n)
{
	w->n = 0;
	put_ipv4(w, TCP, 20 + n, false);
	put16(w, 40000);
	put16(w, 53);
	put32(w, seq);
	put32(w, 0);
	put8(w, 5 << 4);
	put8(w, flags);
	put16(w, 65535);
	put32(w, 0);
	put_bytes(w, data, n);
}

/* The frame's first len bytes, alone in a block of that size. */
static void frame_in(struct got *g, const struct wire *w, size_t len, double t)
{
	uint8_t *exact = wire_exact(w, len);
	flow_frame(g->fl, RAW, exact, len, t);
	free(exact);
}

/* n copies of the query, length-prefixed, ids 1..n. */
static size_t tcp_queries(uint8_t *out, unsigned n)
{
	size_t k = 0;
	for (unsigned i = 0; i < n; i++) {
		out[k++] = 0;
		out[k++] = sizeof query;
		memcpy(out + k, query, sizeof query);
		out[k] = 0;
		out[k + 1] = (uint8_t)(i + 1);
		k += sizeof query;
	}
	return k;
}

/* Core */

START_TEST(test_udp_query_and_answer)
{
	struct got *g = got_new();
	struct wire w;

	udp_frame(&w, query, sizeof query, false);
	frame_in(g, &w, w.n, 1.5);
	udp_frame(&w, answer, sizeof answer, true);
	frame_in(g, &w, w.n, 1.75);
	ck_assert_uint_eq(g->n, 2);
	ck_assert(!g->ev[0].qr && g->ev[0].server == VD_OLD && g->ev[0].t == 1.5);
	ck_assert_str_eq(g->ev[0].qname, "hat.com");
	ck_assert(g->ev[1].qr && g->ev[1].sport == 53 && g->ev[1].proto == UDP);
	ck_assert_str_eq(g->ev[1].answers, "203.0.113.203,203.0.113.204");
	const struct flow_stats *st = flow_stats(g->fl);
	ck_assert_uint_eq(st->packets, 2);
	ck_assert_uint_eq(st->messages, 2);
	ck_assert_uint_eq(st->cut + st->not_dns + st->first_bad_packet, 0);
	got_free(g);
}
END_TEST

/* Cut by the capture: the message counts, its answers marked; a query
 * cut before its question is still a query. */
START_TEST(test_udp_cut_by_the_capture)
{
	struct got *g = got_new();
	struct wire w;

	udp_frame(&w, answer, sizeof answer, true);
	frame_in(g, &w, w.n - 2, 1);         /* in the second address */
	udp_frame(&w, query, sizeof query, false);
	frame_in(g, &w, 28 + 6, 2);          /* id, flags, question count */
	frame_in(g, &w, 28 + 3, 3);          /* not even the flags */
	ck_assert_uint_eq(g->n, 2);
	ck_assert(g->cut[0] && g->cut[1]);
	ck_assert_str_eq(g->ev[0].answers, "203.0.113.203," EV_CUT_MARK);
	ck_assert_str_eq(g->ev[0].qname, "hat.com");
	ck_assert(!g->ev[1].qr && g->ev[1].server == VD_OLD && g->ev[1].id == 0xbeef);
	ck_assert_str_eq(g->ev[1].qname, "");
	ck_assert_str_eq(g->ev[1].answers, EV_CUT_MARK);
	const struct flow_stats *st = flow_stats(g->fl);
	ck_assert_uint_eq(st->messages, 2);
	ck_assert_uint_eq(st->cut, 2);
	ck_assert_uint_eq(st->bad[PKT_TRUNCATED], 1);
	ck_assert_uint_eq(st->first_bad_packet, 3);
	ck_assert_str_eq(st->first_bad_why, "dns: header");
	got_free(g);
}
END_TEST

/* Seven messages in one segment; one split over two, handed on with the
 * second frame's time. */
START_TEST(test_tcp_messages)
{
	struct got *g = got_new();
	struct wire w;
	uint8_t m[512];
	size_t n = tcp_queries(m, 7);

	tcp_frame(&w, 99, 0x02, NULL, 0);    /* SYN */
	frame_in(g, &w, w.n, 1);
	tcp_frame(&w, 100, 0x18, m, n);
	frame_in(g, &w, w.n, 2);
	ck_assert_uint_eq(g->n, 7);
	for (unsigned i = 0; i < 7; i++)
		ck_assert(g->ev[i].id == i + 1 && g->ev[i].proto == TCP && g->ev[i].t == 2);
	n = tcp_queries(m, 1);
	tcp_frame(&w, 100 + 7 * 27, 0x18, m, 10);
	frame_in(g, &w, w.n, 3);
	tcp_frame(&w, 100 + 7 * 27 + 10, 0x18, m + 10, n - 10);
	frame_in(g, &w, w.n, 4);
	ck_assert_uint_eq(g->n, 8);
	ck_assert(g->ev[7].t == 4);
	const struct flow_stats *st = flow_stats(g->fl);
	ck_assert_uint_eq(st->messages, 8);
	ck_assert_uint_eq(st->not_dns, 1);   /* the SYN */
	ck_assert_uint_eq(st->tcp.segments, 4);
	got_free(g);
}
END_TEST

/* What does not decode is counted by status, the first one named. */
START_TEST(test_counts_what_fails)
{
	struct got *g = got_new();
	struct wire w;
	uint8_t m[512];
	size_t n = tcp_queries(m, 2);

	udp_frame(&w, query, sizeof query, false);
	w.b[22] = 0x14;                      /* to port 5353 */
	w.b[23] = 0xe9;
	frame_in(g, &w, w.n, 1);
	udp_frame(&w, query, sizeof query, false);
	w.b[0] = 0x44;                       /* header length 16 */
	frame_in(g, &w, w.n, 2);
	m[2 + 27 + 12] = 0xc0;               /* the second's name: a forward pointer */
	m[2 + 27 + 13] = 0x20;
	tcp_frame(&w, 1, 0x18, m, n - 5);    /* ... and the segment after it lost */
	frame_in(g, &w, w.n, 3);
	flow_finish(g->fl);
	const struct flow_stats *st = flow_stats(g->fl);
	ck_assert_uint_eq(st->not_dns, 1);
	ck_assert_uint_eq(st->bad[PKT_INVALID], 1);
	ck_assert_uint_eq(st->bad[PKT_TRUNCATED], 1);
	ck_assert_uint_eq(st->tcp.lost, 1);
	ck_assert_uint_eq(st->messages, 1);
	ck_assert_uint_eq(st->first_bad_packet, 2);
	ck_assert_int_eq(st->first_bad_status, PKT_INVALID);
	ck_assert_str_eq(st->first_bad_why, "ipv4 header: header length < 20");
	ck_assert_uint_eq(g->n, 1);
	got_free(g);
}
END_TEST

/* Limits */

/* The marker always fits: whole answers that leave no room give way. */
START_TEST(test_cut_marker_always_fits)
{
	static struct dns_msg m;
	struct pkt_flow f = { .proto = UDP, .sport = 53, .dport = 40000 };
	struct serverset s;
	static struct wn_event e;

	events_default_servers(&s);
	pkt_addr_parse("198.51.100.10", &f.src);
	pkt_addr_parse("198.51.100.2", &f.dst);
	memset(&m, 0, sizeof m);
	m.qr = true;
	m.nanswers = 3;
	for (int i = 0; i < 3; i++) {
		memset(m.answers[i].data, 'a' + i, 200);
		m.answers[i].data[200] = '\0';
	}
	for (size_t k = 0; k < 2; k++) {
		m.answers[1].data[200 + k * 52] = '\0';
		if (k)
			memset(m.answers[1].data + 200, 'b', 52);
		m.cut = true;
		events_from_msg(&f, &m, 1, &s, &e);
		size_t len = strlen(e.answers);
		ck_assert_uint_lt(len, EV_ANSWERS_MAX);
		ck_assert_str_eq(e.answers + len - strlen("," EV_CUT_MARK), "," EV_CUT_MARK);
		m.cut = false;
		events_from_msg(&f, &m, 1, &s, &e);
		ck_assert(strstr(e.answers, EV_CUT_MARK) == NULL);
	}
}
END_TEST

Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");

	tcase_add_test(core, test_udp_query_and_answer);
	tcase_add_test(core, test_udp_cut_by_the_capture);
	tcase_add_test(core, test_tcp_messages);
	tcase_add_test(core, test_counts_what_fails);
	suite_add_tcase(s, core);
	tcase_add_test(limits, test_cut_marker_always_fits);
	suite_add_tcase(s, limits);
	return s;
}
