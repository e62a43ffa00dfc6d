/*
 * check_watchmodel.c - whichns watch's judgement: kernel records read
 * into queries (and every way a record is refused), resolv.conf
 * nameserver lines, the version of a file a query is judged by, the
 * class of a query, TCP streams followed across records (a message
 * split, sent again, or two in a segment), and the table: counts,
 * servers, timeline bins, verdicts and the row limit.
 *
 * Records and packets are built here byte by byte (IPv4/IPv6 headers,
 * UDP/TCP, DNS), as the kernel program would hand them over.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"
#include "watchev.h"
#include "watchmodel.h"

#define MS 1000000ull
#define SEC 1000000000ull

static struct pkt_addr A(const char *s)
{
	struct pkt_addr a;
	ck_assert_msg(pkt_addr_parse(s, &a) == 0, "bad test address %s", s);
	return a;
}

/* ---- bytes ---- */

/* A DNS message with one question: a query (RD) or a response. */
static void dns(struct wire *w, unsigned id, bool qr, const char *name,
                unsigned qtype)
{
	put16(w, id);
	put16(w, qr ? 0x8180 : 0x0100);
	put16(w, 1);
	put16(w, 0);
	put16(w, 0);
	put16(w, 0);
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		put8(w, (unsigned)n);
		put_bytes(w, name, n);
		name += n + (dot != NULL);
	}
	put8(w, 0);
	put16(w, qtype);
	put16(w, 1);
}

/* An IP packet (IPv4 or IPv6 by the source's form) carrying a UDP
 * datagram or a TCP segment (proto 17 or 6) with payload pl. */
static void ip(struct wire *w, const char *src, const char *dst, unsigned sport,
               unsigned dport, unsigned proto, const struct wire *pl)
{
	struct pkt_addr s = A(src), d = A(dst);
	size_t l4 = (proto == 6 ? 20 : 8) + pl->n;

	w->n = 0;
	if (s.family == 4) {
		put8(w, 0x45);
		put8(w, 0);
		put16(w, (unsigned)(20 + l4));
		put16(w, 0x1234);
		put16(w, 0x4000);   /* DF */
		put8(w, 64);
		put8(w, proto);
		put16(w, 0);        /* checksum: not looked at */
		put_bytes(w, s.a, 4);
		put_bytes(w, d.a, 4);
	} else {
		put8(w, 0x60);
		put8(w, 0);
		put16(w, 0);
		put16(w, (unsigned)l4);
		put8(w, proto);
		put8(w, 64);
		put_bytes(w, s.a, 16);
		put_bytes(w, d.a, 16);
	}
	put16(w, sport);
	put16(w, dport);
	if (proto == 6) {
		put16(w, 0x1111);   /* seq */
		put16(w, 0x2222);
		put16(w, 0);        /* ack */
		put16(w, 0x0001);
		put8(w, 0x50);      /* 5 words, no options */
		put8(w, 0x18);      /* PSH ACK */
		put16(w, 65535);
		put16(w, 0);
		put16(w, 0);
	} else {
		put16(w, (unsigned)l4);
		put16(w, 0);
	}
	put_bytes(w, pl->b, pl->n);
}

/* A TCP payload: each message with its 2-byte length (RFC 1035 4.2.2). */
static void tcp_msg(struct wire *w, unsigned id, bool qr, const char *name)
{
	struct wire m = { .n = 0 };
	dns(&m, id, qr, name, 1);
	put16(w, (unsigned)m.n);
	put_bytes(w, m.b, m.n);
}

static void udp_query(struct wire *pkt, const char *src, const char *dst,
                      unsigned id, const char *name, unsigned qtype)
{
	struct wire m = { .n = 0 };
	dns(&m, id, false, name, qtype);
	ip(pkt, src, dst, 40000, 53, 17, &m);
}

/* A PACKET record of pid 1234 (tid 1235, comm "getip") at 5 s monotonic. */
static struct wn_watch_rec packet_rec(const struct wire *pkt)
{
	struct wn_watch_rec e;
	memset(&e, 0, sizeof e);
	e.ts_ns = 5 * SEC;
	e.cgroup_id = 77;
	e.tgid = 1234;
	e.tid = 1235;
	e.kind = WN_EV_PACKET;
	e.owner = WN_OWNER_CURRENT;
	ck_assert_uint_le(pkt->n, WN_EV_SNAP);
	memcpy(e.pkt, pkt->b, pkt->n);
	e.cap_len = e.wire_len = (uint32_t)pkt->n;
	memcpy(e.comm, "getip", 5);
	return e;
}

static struct wn_watch_rec connect_rec(unsigned family, const char *dst)
{
	struct wn_watch_rec e;
	memset(&e, 0, sizeof e);
	e.ts_ns = 7 * SEC;
	e.tgid = 99;
	e.tid = 99;
	e.kind = WN_EV_CONNECT;
	e.owner = WN_OWNER_CURRENT;
	e.family = (uint16_t)family;
	e.port = 53;
	e.proto = 6;
	struct pkt_addr a = A(dst);
	memcpy(e.addr, a.a, a.family == 4 ? 4 : 16);
	memcpy(e.comm, "sendmail", 8);
	return e;
}

/* The record alone in a heap block of its exact size: a read past it is
 * caught under AddressSanitizer. */
static int read_rec(const struct wn_watch_rec *e, size_t size,
                    struct wm_query *q, const char **why)
{
	uint8_t *copy = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, e, size < sizeof *e ? size : sizeof *e);
	if (size > sizeof *e)
		memset(copy + sizeof *e, 0, size - sizeof *e);
	int rc = wm_query_from_event(copy, size, 1000 * SEC, q, why);
	/* q->pkt points into the record: check it before it goes. */
	if (rc == 0 && q->kind == WN_EV_PACKET)
		ck_assert_ptr_eq(q->pkt, copy + offsetof(struct wn_watch_rec, pkt));
	free(copy);
	return rc;
}

static void assert_addr(const struct pkt_addr *a, const char *want)
{
	char buf[64];
	ck_assert_str_eq(pkt_addr_str(a, buf, sizeof buf), want);
}

/* ---- records ---- */

START_TEST(test_udp4)
{
	struct wire pkt;
	struct wm_query q;
	const char *why = "unset";
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 4321, "mail.hat.com", 15);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(q.t_ns, 1005 * SEC);
	ck_assert_uint_eq(q.tgid, 1234);
	ck_assert_uint_eq(q.tid, 1235);
	ck_assert_uint_eq(q.cgroup_id, 77);
	ck_assert_str_eq(q.comm, "getip");
	ck_assert_int_eq(q.owner, WN_OWNER_CURRENT);
	ck_assert_int_eq(q.kind, WN_EV_PACKET);
	assert_addr(&q.src, "192.0.2.10");
	assert_addr(&q.dst, "198.51.100.10");
	ck_assert_uint_eq(q.sport, 40000);
	ck_assert_uint_eq(q.dport, 53);
	ck_assert_uint_eq(q.proto, 17);
	ck_assert_uint_eq(q.nmsgs, 1);
	ck_assert_uint_eq(q.id, 4321);
	ck_assert_uint_eq(q.qtype, 15);
	ck_assert_str_eq(q.qname, "mail.hat.com");
	ck_assert_uint_eq(q.cap_len, pkt.n);
	ck_assert_uint_eq(q.wire_len, pkt.n);
}
END_TEST

START_TEST(test_udp6)
{
	struct wire pkt;
	struct wm_query q;
	const char *why;
	udp_query(&pkt, "2001:db8::10", "2001:db8:100::10", 7, "hat.com", 28);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	assert_addr(&q.src, "2001:db8::10");
	assert_addr(&q.dst, "2001:db8:100::10");
	ck_assert_int_eq(q.dst.family, 6);
	ck_assert_uint_eq(q.qtype, 28);
	ck_assert_uint_eq(q.id, 7);
	ck_assert_str_eq(q.qname, "hat.com");
}
END_TEST

/* Two queries in one TCP segment: both counted, the first one named. */
START_TEST(test_tcp_two)
{
	struct wire pl = { .n = 0 }, pkt;
	struct wm_query q;
	const char *why;
	tcp_msg(&pl, 11, false, "a.hat.com");
	tcp_msg(&pl, 12, false, "b.hat.com");
	ip(&pkt, "192.0.2.10", "198.51.100.20", 41000, 53, 6, &pl);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_uint_eq(q.proto, 6);
	ck_assert_uint_eq(q.nmsgs, 2);
	ck_assert_uint_eq(q.id, 11);
	ck_assert_str_eq(q.qname, "a.hat.com");
	assert_addr(&q.dst, "198.51.100.20");
}
END_TEST

/* A segment with a response first: only the query counts, and it is the
 * one named. */
START_TEST(test_tcp_response_then_query)
{
	struct wire pl = { .n = 0 }, pkt;
	struct wm_query q;
	const char *why;
	tcp_msg(&pl, 21, true, "r.hat.com");
	tcp_msg(&pl, 22, false, "q.hat.com");
	ip(&pkt, "192.0.2.10", "198.51.100.20", 41000, 53, 6, &pl);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_uint_eq(q.nmsgs, 1);
	ck_assert_uint_eq(q.id, 22);
	ck_assert_str_eq(q.qname, "q.hat.com");
}
END_TEST

START_TEST(test_response)
{
	struct wire m = { .n = 0 }, pkt;
	struct wm_query q;
	const char *why = NULL;
	dns(&m, 5, true, "hat.com", 1);
	ip(&pkt, "192.0.2.10", "198.51.100.10", 40000, 53, 17, &m);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);
	ck_assert_str_eq(why, "not a query");
	/* A query from port 53 to another port is no query to a server. */
	dns(&m, 5, false, "hat.com", 1);
	ip(&pkt, "192.0.2.10", "198.51.100.10", 53, 4000, 17, &m);
	e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);
	ck_assert_str_eq(why, "not a query");
}
END_TEST

/* A packet cut by the snap length still counts once its id and flags are
 * there; cap_len < wire_len is how the kernel says so. */
START_TEST(test_cut)
{
	struct wire pkt;
	struct wm_query q;
	const char *why;
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 99, "long.hat.com", 1);
	struct wn_watch_rec e = packet_rec(&pkt);
	e.cap_len = 20 + 8 + 6;   /* the id, the flags, half the counts */
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_uint_eq(q.nmsgs, 1);
	ck_assert_uint_eq(q.id, 99);
	ck_assert_str_eq(q.qname, "");
	ck_assert_uint_eq(q.cap_len, 34);
	ck_assert_uint_eq(q.wire_len, pkt.n);
}
END_TEST

START_TEST(test_connect)
{
	struct wm_query q;
	const char *why;
	struct wn_watch_rec e = connect_rec(2, "198.51.100.10");
	e.cap_len = 9999;   /* a connect's packet fields are not read */
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_int_eq(q.kind, WN_EV_CONNECT);
	ck_assert_uint_eq(q.nmsgs, 0);
	ck_assert_uint_eq(q.t_ns, 1007 * SEC);
	assert_addr(&q.dst, "198.51.100.10");
	ck_assert_int_eq(q.src.family, 0);
	ck_assert_uint_eq(q.dport, 53);
	ck_assert_uint_eq(q.proto, 6);
	ck_assert_str_eq(q.comm, "sendmail");
	ck_assert_ptr_null(q.pkt);
	ck_assert_uint_eq(q.cap_len, 0);

	e = connect_rec(10, "2001:db8:100::10");
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	assert_addr(&q.dst, "2001:db8:100::10");
	/* An IPv4-mapped address is the IPv4 server the file lists. */
	e = connect_rec(10, "::ffff:198.51.100.10");
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_int_eq(q.dst.family, 4);
	assert_addr(&q.dst, "198.51.100.10");
}
END_TEST

START_TEST(test_comm_nul)
{
	struct wire pkt;
	struct wm_query q;
	const char *why;
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 1, "hat.com", 1);
	struct wn_watch_rec e = packet_rec(&pkt);
	memset(e.comm, 'x', sizeof e.comm);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), 0);
	ck_assert_uint_eq(strlen(q.comm), 15);
}
END_TEST

/* ---- refused records ---- */

START_TEST(test_bad_size)
{
	static const size_t sizes[] = { 0, 1, sizeof(struct wn_watch_rec) - 1,
	                                sizeof(struct wn_watch_rec) + 1,
	                                sizeof(struct wn_watch_rec) - WN_EV_SNAP };
	struct wire pkt;
	struct wm_query q;
	const char *why;
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 1, "hat.com", 1);
	struct wn_watch_rec e = packet_rec(&pkt);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		why = NULL;
		ck_assert_int_eq(read_rec(&e, sizes[i], &q, &why), -1);
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strstr(why, "size") != NULL, "%zu: %s", sizes[i], why);
	}
	ck_assert_int_eq(wm_query_from_event(NULL, sizeof e, 0, &q, &why), -1);
}
END_TEST

static const struct bad_row {
	const char *name;
	uint16_t kind, owner;
	uint32_t cap_len, wire_len;  /* 0: as built */
	uint16_t family;
	const char *why;              /* a word of *why */
} bad_rows[] = {
	{ "kind 0", 0, WN_OWNER_CURRENT, 0, 0, 0, "kind" },
	{ "kind 3", 3, WN_OWNER_CURRENT, 0, 0, 0, "kind" },
	{ "kind 0xffff", 0xffff, WN_OWNER_CURRENT, 0, 0, 0, "kind" },
	{ "owner 0", WN_EV_PACKET, 0, 0, 0, 0, "owner" },
	{ "owner 4", WN_EV_PACKET, 4, 0, 0, 0, "owner" },
	{ "cap past snap", WN_EV_PACKET, WN_OWNER_CURRENT, WN_EV_SNAP + 1,
	  WN_EV_SNAP + 100, 0, "cap_len" },
	{ "cap huge", WN_EV_PACKET, WN_OWNER_CURRENT, 0xffffffffu, 0xffffffffu,
	  0, "cap_len" },
	{ "cap past wire", WN_EV_PACKET, WN_OWNER_CURRENT, 60, 59, 0, "cap_len" },
	{ "connect family 0", WN_EV_CONNECT, WN_OWNER_CURRENT, 0, 0, 0, "family" },
	{ "connect family 1", WN_EV_CONNECT, WN_OWNER_SOCKET, 0, 0, 1, "family" },
	{ "connect family 11", WN_EV_CONNECT, WN_OWNER_NONE, 0, 0, 11, "family" },
};

START_TEST(test_bad_fields)
{
	const struct bad_row *r = &bad_rows[_i];
	struct wire pkt;
	struct wm_query q;
	const char *why = NULL;
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 1, "hat.com", 1);
	struct wn_watch_rec e = packet_rec(&pkt);
	e.kind = r->kind;
	e.owner = r->owner;
	e.family = r->family;
	if (r->cap_len)
		e.cap_len = r->cap_len;
	if (r->wire_len)
		e.wire_len = r->wire_len;
	ck_assert_msg(read_rec(&e, sizeof e, &q, &why) == -1, "%s taken", r->name);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, r->why) != NULL, "%s: %s", r->name, why);
}
END_TEST

/* Packets that are not a DNS query: another port, garbage, a header cut,
 * a TCP segment without payload. */
START_TEST(test_not_dns)
{
	struct wire m = { .n = 0 }, pkt;
	struct wm_query q;
	const char *why;
	dns(&m, 1, false, "hat.com", 1);
	ip(&pkt, "192.0.2.10", "198.51.100.10", 40000, 80, 17, &m);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);

	e = packet_rec(&pkt);
	memset(e.pkt, 0xff, 64);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);

	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 1, "hat.com", 1);
	e = packet_rec(&pkt);
	e.cap_len = 30;   /* the UDP header cut */
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);
	e.cap_len = 0;
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);

	m.n = 0;
	ip(&pkt, "192.0.2.10", "198.51.100.10", 40000, 53, 6, &m);
	e = packet_rec(&pkt);
	ck_assert_int_eq(read_rec(&e, sizeof e, &q, &why), -1);
}
END_TEST

/* ---- TCP streams (wm_tcp_record) ---- */

#define GOT_MAX 8

/* What a record yielded: the queries, each with its packet pointer as
 * handed (it points into the record, which the test keeps alive). */
struct got {
	size_t n;
	struct wm_query q[GOT_MAX];
};

static void collect(void *ctx, const struct wm_query *q)
{
	struct got *g = ctx;
	ck_assert_uint_lt(g->n, GOT_MAX);
	g->q[g->n++] = *q;
}

/* A TCP segment of pid 1234 from 192.0.2.10:sport to 198.51.100.20:53,
 * its first byte at sequence number seq, carrying pl; tid and time tell
 * records apart. */
static struct wn_watch_rec tcp_seg(unsigned sport, uint32_t seq,
                                   const struct wire *pl, unsigned tid,
                                   uint64_t ts_ns)
{
	struct wire pkt;
	ip(&pkt, "192.0.2.10", "198.51.100.20", sport, 53, 6, pl);
	pkt.b[24] = (uint8_t)(seq >> 24);   /* IPv4 header, ports, seq */
	pkt.b[25] = (uint8_t)(seq >> 16);
	pkt.b[26] = (uint8_t)(seq >> 8);
	pkt.b[27] = (uint8_t)seq;
	struct wn_watch_rec e = packet_rec(&pkt);
	e.tid = tid;
	e.ts_ns = ts_ns;
	return e;
}

/* Feed e; the number yielded, with *rq and *why as handed back. */
static int feed(struct wm_tcp *s, const struct wn_watch_rec *e,
                struct got *g, struct wm_query *rq, const char **why)
{
	*why = "unset";
	return wm_tcp_record(s, e, sizeof *e, 1000 * SEC, collect, g, rq, why);
}

/* bytes [from, to) of w as a wire of their own */
static struct wire slice(const struct wire *w, size_t from, size_t to)
{
	struct wire s = { .n = 0 };
	put_bytes(&s, w->b + from, to - from);
	return s;
}

static const uint8_t *pkt_of(const struct wn_watch_rec *e)
{
	return e->pkt;
}

/* A client that writes the length prefix and the message apart (two
 * segments): one query, with the process, thread and time of the record
 * that completed it and its packet; the first record yields nothing and
 * is no "not DNS", and keeps its own packet for -w. */
START_TEST(test_stream_split)
{
	static const size_t cuts[] = { 2, 1, 9 };  /* after the prefix, in
	                                            * it, in the message */
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct wm_tcp *s = wm_tcp_new();
		struct wire pl = { .n = 0 };
		struct got g = { 0 };
		struct wm_query rq;
		const char *why;
		ck_assert_ptr_nonnull(s);
		tcp_msg(&pl, 31, false, "split.hat.com");
		struct wire a = slice(&pl, 0, cuts[i]), b = slice(&pl, cuts[i], pl.n);
		struct wn_watch_rec e1 = tcp_seg(41000, 1000, &a, 1301, 5 * SEC);
		struct wn_watch_rec e2 = tcp_seg(41000, 1000 + (uint32_t)cuts[i],
		                                 &b, 1302, 5 * SEC + 50 * MS);

		ck_assert_int_eq(feed(s, &e1, &g, &rq, &why), 0);
		ck_assert_ptr_null(why);
		ck_assert_uint_eq(g.n, 0);
		ck_assert_ptr_eq(rq.pkt, pkt_of(&e1));
		ck_assert_uint_eq(rq.cap_len, e1.cap_len);
		ck_assert_uint_eq(rq.nmsgs, 0);
		ck_assert_uint_eq(rq.tid, 1301);
		assert_addr(&rq.dst, "198.51.100.20");

		ck_assert_int_eq(feed(s, &e2, &g, &rq, &why), 1);
		ck_assert_ptr_null(why);
		ck_assert_uint_eq(g.n, 1);
		ck_assert_uint_eq(g.q[0].nmsgs, 1);
		ck_assert_uint_eq(g.q[0].id, 31);
		ck_assert_uint_eq(g.q[0].qtype, 1);
		ck_assert_str_eq(g.q[0].qname, "split.hat.com");
		ck_assert_uint_eq(g.q[0].tgid, 1234);
		ck_assert_uint_eq(g.q[0].tid, 1302);
		ck_assert_uint_eq(g.q[0].t_ns, 1005 * SEC + 50 * MS);
		ck_assert_uint_eq(g.q[0].proto, 6);
		ck_assert_uint_eq(g.q[0].sport, 41000);
		ck_assert_uint_eq(g.q[0].dport, 53);
		assert_addr(&g.q[0].src, "192.0.2.10");
		assert_addr(&g.q[0].dst, "198.51.100.20");
		ck_assert_str_eq(g.q[0].comm, "getip");
		ck_assert_ptr_eq(g.q[0].pkt, pkt_of(&e2));
		ck_assert_uint_eq(g.q[0].cap_len, e2.cap_len);
		ck_assert_ptr_null(rq.pkt);   /* the query took it */
		/* the record read alone: not a query (as before streams) */
		struct wm_query q;
		ck_assert_int_eq(read_rec(&e1, sizeof e1, &q, &why), -1);
		wm_tcp_free(s);
	}
}
END_TEST

/* A segment sent again counts once; the stream goes on after it. */
START_TEST(test_stream_retransmit)
{
	struct wm_tcp *s = wm_tcp_new();
	struct wire p1 = { .n = 0 }, p2 = { .n = 0 };
	struct got g = { 0 };
	struct wm_query rq;
	const char *why;
	tcp_msg(&p1, 41, false, "one.hat.com");
	tcp_msg(&p2, 42, false, "two.hat.com");
	struct wn_watch_rec e1 = tcp_seg(41001, 7, &p1, 1, 5 * SEC);
	struct wn_watch_rec e2 = tcp_seg(41001, 7 + (uint32_t)p1.n, &p2, 1,
	                                 6 * SEC);
	ck_assert_int_eq(feed(s, &e1, &g, &rq, &why), 1);
	e1.ts_ns = 5 * SEC + 200 * MS;   /* the retransmission */
	ck_assert_int_eq(feed(s, &e1, &g, &rq, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_ptr_eq(rq.pkt, pkt_of(&e1));  /* a packet all the same */
	ck_assert_int_eq(feed(s, &e2, &g, &rq, &why), 1);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.q[0].id, 41);
	ck_assert_uint_eq(g.q[1].id, 42);
	wm_tcp_free(s);
}
END_TEST

/* Two messages in one segment: two queries, the packet with the first
 * only; a response on the stream is no query. */
START_TEST(test_stream_two)
{
	struct wm_tcp *s = wm_tcp_new();
	struct wire pl = { .n = 0 }, r = { .n = 0 };
	struct got g = { 0 };
	struct wm_query rq;
	const char *why;
	tcp_msg(&pl, 11, false, "a.hat.com");
	tcp_msg(&pl, 12, false, "b.hat.com");
	struct wn_watch_rec e = tcp_seg(41002, 1, &pl, 1, 5 * SEC);
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), 2);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.q[0].id, 11);
	ck_assert_str_eq(g.q[0].qname, "a.hat.com");
	ck_assert_uint_eq(g.q[0].nmsgs, 1);
	ck_assert_ptr_eq(g.q[0].pkt, pkt_of(&e));
	ck_assert_uint_eq(g.q[1].id, 12);
	ck_assert_str_eq(g.q[1].qname, "b.hat.com");
	ck_assert_uint_eq(g.q[1].nmsgs, 1);
	ck_assert_ptr_null(g.q[1].pkt);
	ck_assert_ptr_null(rq.pkt);

	tcp_msg(&r, 13, true, "c.hat.com");
	e = tcp_seg(41002, 1 + (uint32_t)pl.n, &r, 1, 6 * SEC);
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), 0);
	ck_assert_str_eq(why, "not a query");
	ck_assert_uint_eq(g.n, 2);
	wm_tcp_free(s);
}
END_TEST

/* Two connections' halves interleaved: each message is its own
 * stream's. */
START_TEST(test_stream_interleaved)
{
	struct wm_tcp *s = wm_tcp_new();
	struct wire pa = { .n = 0 }, pb = { .n = 0 };
	struct got g = { 0 };
	struct wm_query rq;
	const char *why;
	tcp_msg(&pa, 51, false, "a.hat.com");
	tcp_msg(&pb, 52, false, "bb.hat.com");
	struct wire a1 = slice(&pa, 0, 2), a2 = slice(&pa, 2, pa.n);
	struct wire b1 = slice(&pb, 0, 2), b2 = slice(&pb, 2, pb.n);
	struct wn_watch_rec r[4] = {
		tcp_seg(41003, 100, &a1, 1, 5 * SEC),
		tcp_seg(41004, 900, &b1, 2, 5 * SEC),
		tcp_seg(41004, 902, &b2, 3, 6 * SEC),
		tcp_seg(41003, 102, &a2, 4, 6 * SEC),
	};
	static const int want[4] = { 0, 0, 1, 1 };
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(feed(s, &r[i], &g, &rq, &why), want[i]);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.q[0].id, 52);
	ck_assert_uint_eq(g.q[0].sport, 41004);
	ck_assert_uint_eq(g.q[0].tid, 3);
	ck_assert_uint_eq(g.q[1].id, 51);
	ck_assert_uint_eq(g.q[1].sport, 41003);
	ck_assert_uint_eq(g.q[1].tid, 4);
	wm_tcp_free(s);
}
END_TEST

/* UDP and connect records yield what wm_query_from_event() reads;
 * refused records yield nothing and say why. */
START_TEST(test_stream_udp)
{
	struct wm_tcp *s = wm_tcp_new();
	struct wire pkt;
	struct got g = { 0 };
	struct wm_query rq, q;
	const char *why;
	udp_query(&pkt, "192.0.2.10", "198.51.100.10", 4321, "mail.hat.com", 15);
	struct wn_watch_rec e = packet_rec(&pkt);
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), 1);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(wm_query_from_event(&e, sizeof e, 1000 * SEC, &q, &why), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.q[0].t_ns, q.t_ns);
	ck_assert_uint_eq(g.q[0].tid, q.tid);
	ck_assert_uint_eq(g.q[0].nmsgs, 1);
	ck_assert_uint_eq(g.q[0].id, 4321);
	ck_assert_uint_eq(g.q[0].qtype, 15);
	ck_assert_str_eq(g.q[0].qname, "mail.hat.com");
	ck_assert_uint_eq(g.q[0].proto, 17);
	assert_addr(&g.q[0].dst, "198.51.100.10");
	ck_assert_ptr_eq(g.q[0].pkt, pkt_of(&e));
	ck_assert_uint_eq(g.q[0].cap_len, q.cap_len);
	ck_assert_ptr_null(rq.pkt);
	/* the same datagram twice is two queries: UDP has no retransmission
	 * a capture would not count */
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), 1);
	ck_assert_uint_eq(g.n, 2);

	struct wn_watch_rec c = connect_rec(2, "198.51.100.10");
	ck_assert_int_eq(feed(s, &c, &g, &rq, &why), 1);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_int_eq(g.q[2].kind, WN_EV_CONNECT);
	ck_assert_uint_eq(g.q[2].nmsgs, 0);

	struct wire m = { .n = 0 };
	dns(&m, 5, true, "hat.com", 1);
	ip(&pkt, "192.0.2.10", "198.51.100.10", 40000, 53, 17, &m);
	e = packet_rec(&pkt);
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), -1);
	ck_assert_str_eq(why, "not a query");
	e.kind = 9;
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "kind"));
	ck_assert_int_eq(wm_tcp_record(s, &e, sizeof e - 1, 0, collect, &g,
	                               &rq, &why), -1);
	ck_assert_uint_eq(g.n, 3);
	m.n = 0;   /* a TCP segment without payload */
	ip(&pkt, "192.0.2.10", "198.51.100.10", 40000, 53, 6, &m);
	e = packet_rec(&pkt);
	ck_assert_int_eq(feed(s, &e, &g, &rq, &why), -1);
	ck_assert_ptr_nonnull(why);
	wm_tcp_free(s);
}
END_TEST

/* ---- resolv.conf ---- */

/* A text with its length (it may hold a NUL). */
#define T(s) s, sizeof(s) - 1

static const struct conf_row {
	const char *name;
	const char *text;
	size_t len;
	const char *want;     /* wm_conf_render */
	bool defaulted;
} conf_rows[] = {
	{ "one", T("nameserver 198.51.100.10\n"), "198.51.100.10", false },
	{ "two, IPv6", T("search hat.com\nnameserver 198.51.100.10\n"
	  "nameserver 2001:DB8::53\n"), "198.51.100.10 2001:db8::53", false },
	{ "tab and blanks", T("nameserver\t \t192.0.2.1  # primary\n"),
	  "192.0.2.1", false },
	{ "no final newline", T("nameserver 192.0.2.1"), "192.0.2.1", false },
	{ "twice kept", T("nameserver 192.0.2.1\nnameserver 192.0.2.1\n"),
	  "192.0.2.1 192.0.2.1", false },
	{ "indented", T("  nameserver 192.0.2.8\nnameserver 192.0.2.1\n"),
	  "192.0.2.1", false },
	{ "comments, other keywords", T("# nameserver 192.0.2.8\n"
	  "nameservers 192.0.2.7\nNAMESERVER 192.0.2.6\nnameserver 192.0.2.1\n"),
	  "192.0.2.1", false },
	{ "scope", T("nameserver fe80::1%eth0\n"), "fe80::1", false },
	{ "scope unknown", T("nameserver 2001:db8::1%\n"), "2001:db8::1", false },
	{ "IPv4 scope skipped", T("nameserver 192.0.2.9%eth0\nnameserver "
	  "192.0.2.1\n"), "192.0.2.1", false },
	{ "unparsable skipped", T("nameserver dns.example\nnameserver 1.2.3.4.5\n"
	  "nameserver 256.0.0.1\nnameserver 4294967296\nnameserver 192.0.2.08\n"
	  "nameserver 0x\nnameserver 192.0.2.1\n"), "192.0.2.1", false },
	/* glibc reads an IPv4 nameserver with inet_aton: short forms, octal
	 * (a leading 0) and hex parts count, as the process's queries go. */
	{ "inet_aton forms", T("nameserver 10.1\nnameserver 198.51.100.040\n"
	  "nameserver 0x7f.1\nnameserver 3221225985\nnameserver 1.16777215\n"),
	  "10.0.0.1 198.51.100.32 127.0.0.1 192.0.2.1 1.255.255.255", false },
	{ "IPv4-mapped is IPv4", T("nameserver ::ffff:192.0.2.7\n"), "192.0.2.7",
	  false },
	{ "CR skipped", T("nameserver 192.0.2.9\r\nnameserver 192.0.2.1\n"),
	  "192.0.2.1", false },
	{ "no address", T("nameserver\nnameserver \t\n"), "127.0.0.1", true },
	{ "NUL ends a line", T("nameserver 192.0.2.1\0junk\n"), "192.0.2.1",
	  false },
	{ "NUL in the keyword", T("namese\0rver 192.0.2.1\n"), "127.0.0.1",
	  true },
	{ "NUL before the address", T("nameserver \0 192.0.2.1\nnameserver "
	  "192.0.2.2"), "192.0.2.2", false },
	{ "NUL before a scope", T("nameserver 192.0.2.1\0%eth0\n"), "192.0.2.1",
	  false },
	{ "loopback", T("nameserver 127.0.0.53\n"), "127.0.0.53", false },
	{ "none", T("search hat.com\noptions ndots:2\n"), "127.0.0.1", true },
	{ "empty", T(""), "127.0.0.1", true },
};

START_TEST(test_conf)
{
	const struct conf_row *r = &conf_rows[_i];
	struct wm_conf c;
	char buf[256];
	memset(&c, 0xa5, sizeof c);
	wm_conf_parse(r->text, r->len, &c);
	wm_conf_render(&c, buf, sizeof buf);
	ck_assert_msg(strcmp(buf, r->want) == 0, "%s: '%s'", r->name, buf);
	ck_assert_msg(c.defaulted == r->defaulted, "%s: defaulted %d", r->name,
	              c.defaulted);
	ck_assert(!c.truncated);
}
END_TEST

START_TEST(test_conf_limits)
{
	struct wm_conf c;
	char text[2048], buf[512];
	size_t n = 0;
	for (int i = 1; i <= WM_CONF_MAX + 1; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		                      "nameserver 192.0.2.%d\n", i);
	wm_conf_parse(text, n, &c);
	ck_assert_uint_eq(c.n, WM_CONF_MAX);
	ck_assert(c.truncated);
	ck_assert(!c.defaulted);
	wm_conf_render(&c, buf, sizeof buf);
	ck_assert_msg(strncmp(buf, "192.0.2.1 192.0.2.2 ", 20) == 0, "%s", buf);
	ck_assert_msg(strstr(buf, " 192.0.2.16") && !strstr(buf, "192.0.2.17"),
	              "%s", buf);
	/* Exactly WM_CONF_MAX: not truncated. */
	wm_conf_parse(text, n - strlen("nameserver 192.0.2.17\n"), &c);
	ck_assert_uint_eq(c.n, WM_CONF_MAX);
	ck_assert(!c.truncated);
	/* The text's length is the bound, not a NUL. */
	wm_conf_parse("nameserver 192.0.2.1nameserver", 20, &c);
	ck_assert(!c.defaulted);
	ck_assert_uint_eq(c.n, 1);
	wm_conf_parse(NULL, 0, &c);
	ck_assert(c.defaulted);
}
END_TEST

static struct wm_conf conf_of(const char *text)
{
	struct wm_conf c;
	wm_conf_parse(text, strlen(text), &c);
	return c;
}

START_TEST(test_conf_render_cut)
{
	struct wm_conf c = conf_of("nameserver 198.51.100.10\n"
	                           "nameserver 198.51.100.20\n");
	char buf[32];
	memset(buf, 'x', sizeof buf);
	wm_conf_render(&c, buf, 10);
	ck_assert_str_eq(buf, "198.51.10");
	ck_assert_int_eq(buf[10], 'x');
	wm_conf_render(&c, buf, 16);
	ck_assert_str_eq(buf, "198.51.100.10 1");
	memset(buf, 'x', sizeof buf);
	wm_conf_render(&c, buf, 0);
	ck_assert_int_eq(buf[0], 'x');
	memset(&c, 0, sizeof c);
	wm_conf_render(&c, buf, sizeof buf);
	ck_assert_str_eq(buf, "(none)");
}
END_TEST

START_TEST(test_conf_lists_equal)
{
	struct wm_conf x = conf_of("nameserver 198.51.100.20\n"
	                           "nameserver 2001:db8::20\n"), y;
	struct pkt_addr a = A("198.51.100.20"), b = A("198.51.100.10"),
	                c6 = A("2001:db8::20");
	ck_assert(wm_conf_lists(&x, &a));
	ck_assert(wm_conf_lists(&x, &c6));
	ck_assert(!wm_conf_lists(&x, &b));
	y = conf_of("# new\nnameserver 198.51.100.20\nnameserver 2001:db8::20");
	ck_assert(wm_conf_equal(&x, &y));
	y = conf_of("nameserver 2001:db8::20\nnameserver 198.51.100.20\n");
	ck_assert(!wm_conf_equal(&x, &y));   /* order matters to the resolver */
	y = conf_of("nameserver 198.51.100.20\n");
	ck_assert(!wm_conf_equal(&x, &y));
}
END_TEST

/* ---- which version judges a query ---- */

START_TEST(test_confhist)
{
	struct wm_confhist h;
	struct wm_conf old = conf_of("nameserver 198.51.100.10\n"),
	               new = conf_of("nameserver 198.51.100.20\n");
	struct pkt_addr to_old = A("198.51.100.10");

	memset(&h, 0, sizeof h);
	ck_assert_ptr_null(wm_confhist_at(&h, 5));
	wm_confhist_update(&h, 0, &old);
	ck_assert_ptr_eq(wm_confhist_at(&h, 0), &h.cur.conf);
	ck_assert_ptr_eq(wm_confhist_at(&h, 100 * SEC), &h.cur.conf);
	ck_assert(!h.prev.known);

	/* The file switched at 50 s. */
	wm_confhist_update(&h, 50 * SEC, &new);
	ck_assert(h.prev.known);
	ck_assert(wm_conf_equal(&h.prev.conf, &old));
	ck_assert(wm_conf_equal(&h.cur.conf, &new));
	ck_assert_uint_eq(h.cur.since_ns, 50 * SEC);
	/* A query sent a moment before the switch, read after it, is judged
	 * by the old file: listed, not stale. */
	const struct wm_conf *at = wm_confhist_at(&h, 50 * SEC - 1);
	ck_assert_ptr_eq(at, &h.prev.conf);
	ck_assert_int_eq(wm_classify(at, false, &to_old), WM_LISTED);
	at = wm_confhist_at(&h, 50 * SEC);
	ck_assert_ptr_eq(at, &h.cur.conf);
	ck_assert_int_eq(wm_classify(at, false, &to_old), WM_STALE);

	/* A touch without a change: nothing moves. */
	wm_confhist_update(&h, 60 * SEC, &new);
	ck_assert_uint_eq(h.cur.since_ns, 50 * SEC);
	ck_assert(wm_conf_equal(&h.prev.conf, &old));

	/* Switched back at 70 s: the version before is now "new". */
	wm_confhist_update(&h, 70 * SEC, &old);
	ck_assert(wm_conf_equal(&h.prev.conf, &new));
	ck_assert_ptr_eq(wm_confhist_at(&h, 10 * SEC), &h.prev.conf);
}
END_TEST

/* Only cur known and a query before it: cur judges it (nothing else is
 * known). */
START_TEST(test_confhist_no_prev)
{
	struct wm_confhist h;
	struct wm_conf c = conf_of("nameserver 198.51.100.20\n");
	memset(&h, 0, sizeof h);
	wm_confhist_update(&h, 50 * SEC, &c);
	ck_assert_ptr_eq(wm_confhist_at(&h, SEC), &h.cur.conf);
}
END_TEST

/* A change the file's ctime dates (it falls between the two looks) took
 * effect then; one it does not (a link switched to an older file) took
 * effect somewhere between the looks, and a query sent in between is
 * stale only when neither version lists its server. */
START_TEST(test_confhist_change)
{
	struct wm_confhist h;
	struct wm_conf old = conf_of("nameserver 198.51.100.10\n"),
	               new = conf_of("nameserver 198.51.100.20\n");
	struct pkt_addr o = A("198.51.100.10"), n = A("198.51.100.20"),
	                x = A("198.51.100.99");
	const struct wm_conf *by;
	memset(&h, 0, sizeof h);
	ck_assert_int_eq(wm_judge(NULL, SEC, false, &o, &by), WM_UNJUDGED);
	ck_assert_ptr_null(by);
	wm_confhist_change(&h, 0, 10 * SEC, 5 * SEC, &old);   /* the first */
	ck_assert_uint_eq(h.cur.since_ns, 5 * SEC);
	/* before it, nothing is known: not judged */
	ck_assert_int_eq(wm_judge(&h, 4 * SEC, false, &x, &by), WM_UNJUDGED);
	ck_assert_ptr_null(by);
	ck_assert_int_eq(wm_judge(&h, 6 * SEC, false, &x, NULL), WM_STALE);
	wm_confhist_change(&h, 10 * SEC, 30 * SEC, 20 * SEC, &new);   /* dated */
	ck_assert_uint_eq(h.cur.since_ns, 20 * SEC);
	ck_assert_uint_eq(h.cur.after_ns, 20 * SEC - WM_CHANGE_SLACK_NS);
	/* a query just before the change time may have read either */
	ck_assert_int_eq(wm_judge(&h, 20 * SEC - 1000, false, &n, NULL), WM_LISTED);
	ck_assert_int_eq(wm_judge(&h, 20 * SEC - 1000, false, &o, NULL), WM_LISTED);
	ck_assert_int_eq(wm_judge(&h, 20 * SEC - 20000000, false, &n, NULL), WM_STALE);
	ck_assert_int_eq(wm_judge(&h, 15 * SEC, false, &n, &by), WM_STALE);
	ck_assert_ptr_eq(by, &h.prev.conf);
	ck_assert_int_eq(wm_judge(&h, 25 * SEC, false, &o, NULL), WM_STALE);
	ck_assert_int_eq(wm_judge(&h, 25 * SEC, false, &n, &by), WM_LISTED);
	ck_assert_ptr_eq(by, &h.cur.conf);

	/* back to old through a link to an old file: ctime 1 s, before both */
	wm_confhist_change(&h, 40 * SEC, 60 * SEC, SEC, &old);
	ck_assert_uint_eq(h.cur.since_ns, 60 * SEC);
	ck_assert_uint_eq(h.cur.after_ns, 40 * SEC);
	ck_assert_int_eq(wm_judge(&h, 50 * SEC, false, &o, &by), WM_LISTED);
	ck_assert_ptr_eq(by, &h.cur.conf);
	ck_assert_int_eq(wm_judge(&h, 50 * SEC, false, &n, &by), WM_LISTED);
	ck_assert_ptr_eq(by, &h.prev.conf);
	ck_assert_int_eq(wm_judge(&h, 50 * SEC, false, &x, NULL), WM_STALE);
	ck_assert_int_eq(wm_judge(&h, 35 * SEC, false, &o, NULL), WM_STALE);
	ck_assert_int_eq(wm_judge(&h, 60 * SEC, false, &n, NULL), WM_STALE);
	ck_assert_int_eq(wm_judge(&h, 60 * SEC, true, &n, NULL), WM_UNJUDGED);

	/* a change time a moment after the look (the file changed between
	 * taking the time and opening it) still dates it */
	struct wm_confhist g;
	memset(&g, 0, sizeof g);
	wm_confhist_change(&g, 0, SEC, SEC / 2, &old);
	wm_confhist_change(&g, 2 * SEC, 3 * SEC, 3 * SEC + 5000000, &new);
	ck_assert_uint_eq(g.cur.since_ns, 3 * SEC + 5000000);

	/* the same again: nothing changes */
	wm_confhist_change(&h, 70 * SEC, 80 * SEC, 75 * SEC, &old);
	ck_assert_uint_eq(h.cur.since_ns, 60 * SEC);
}
END_TEST

/* ---- classes ---- */

START_TEST(test_classify)
{
	struct wm_conf c = conf_of("nameserver 198.51.100.20\n"
	                           "nameserver 127.0.0.53\nnameserver ::1\n");
	struct pkt_addr listed = A("198.51.100.20"), old = A("198.51.100.10"),
	                stub = A("127.0.0.53"), stub6 = A("::1"),
	                other_lo = A("127.0.0.1");
	ck_assert_int_eq(wm_classify(&c, false, &listed), WM_LISTED);
	ck_assert_int_eq(wm_classify(&c, false, &old), WM_STALE);
	ck_assert_int_eq(wm_classify(&c, false, &stub), WM_LOCAL);
	ck_assert_int_eq(wm_classify(&c, false, &stub6), WM_LOCAL);
	/* A loopback address the file does not list is stale: an old stub. */
	ck_assert_int_eq(wm_classify(&c, false, &other_lo), WM_STALE);
	ck_assert_int_eq(wm_classify(&c, true, &old), WM_UNJUDGED);
	ck_assert_int_eq(wm_classify(NULL, false, &old), WM_UNJUDGED);
	/* No nameserver line: glibc asks 127.0.0.1, a local cache. */
	struct wm_conf none = conf_of("search hat.com\n");
	ck_assert_int_eq(wm_classify(&none, false, &other_lo), WM_LOCAL);

	ck_assert_str_eq(wm_class_name(WM_LISTED), "listed");
	ck_assert_str_eq(wm_class_name(WM_STALE), "stale");
	ck_assert_str_eq(wm_class_name(WM_LOCAL), "local");
	ck_assert_str_eq(wm_class_name(WM_UNJUDGED), "unjudged");
}
END_TEST

START_TEST(test_verdict_names)
{
	static const char *const want[] = { "NO QUERIES", "FOLLOWED", "STALE",
	        "MIXED", "LATE", "LOCAL", "FORWARDER", "INCONCLUSIVE" };
	static const enum wm_verdict v[] = { WMV_NO_QUERIES, WMV_FOLLOWED,
	        WMV_STALE, WMV_MIXED, WMV_LATE, WMV_LOCAL, WMV_FORWARDER,
	        WMV_INCONCLUSIVE };
	for (int i = 0; i < NROWS(v); i++)
		ck_assert_str_eq(wm_verdict_name(v[i]), want[i]);
}
END_TEST

/* ---- the table ---- */

static struct wm_proc proc(uint32_t tgid, uint64_t start, const char *comm)
{
	struct wm_proc p;
	memset(&p, 0, sizeof p);
	p.tgid = tgid;
	p.start = start;
	snprintf(p.comm, sizeof p.comm, "%s", comm);
	return p;
}

static struct wm_query query_at(uint64_t t, const char *dst, unsigned nmsgs)
{
	struct wm_query q;
	memset(&q, 0, sizeof q);
	q.t_ns = t;
	q.kind = WN_EV_PACKET;
	q.dst = A(dst);
	q.dport = 53;
	q.proto = 17;
	q.nmsgs = nmsgs;
	return q;
}

/* Sequences of queries (a class by its letter: L listed, S stale, C
 * local, U unjudged, K a connect), one a second from t0 + 1 s, and the
 * verdict they make with the second its time dates from (0: none). */
static const struct seq_row {
	const char *seq;
	bool forwarder;
	enum wm_verdict want;
	unsigned since;    /* index + 1 of the query the time is from; 0: 0 */
	bool restart;
} seq_rows[] = {
	{ "", false, WMV_NO_QUERIES, 0, false },
	{ "KK", false, WMV_NO_QUERIES, 0, false },
	{ "L", false, WMV_FOLLOWED, 0, false },
	{ "LLKL", false, WMV_FOLLOWED, 0, false },
	{ "LC", false, WMV_FOLLOWED, 0, false },
	{ "LU", false, WMV_FOLLOWED, 0, false },
	{ "S", false, WMV_STALE, 1, true },
	{ "SSS", false, WMV_STALE, 1, true },
	{ "LLS", false, WMV_STALE, 3, true },
	{ "LSUS", false, WMV_STALE, 2, true },
	{ "SL", false, WMV_LATE, 1, false },
	{ "SSLL", false, WMV_LATE, 2, false },
	{ "SLSL", false, WMV_LATE, 3, false },
	{ "SC", false, WMV_LATE, 1, false },
	{ "SLS", false, WMV_MIXED, 1, true },
	{ "LSLLS", false, WMV_MIXED, 2, true },
	{ "SCS", false, WMV_MIXED, 1, true },
	{ "SLU", false, WMV_LATE, 1, false },
	{ "C", false, WMV_LOCAL, 0, false },
	{ "CCU", false, WMV_LOCAL, 0, false },
	{ "U", false, WMV_INCONCLUSIVE, 0, false },
	{ "UK", false, WMV_INCONCLUSIVE, 0, false },
	{ "UUU", true, WMV_FORWARDER, 0, false },
	{ "", true, WMV_NO_QUERIES, 0, false },
};

static enum wm_class class_of(char ch)
{
	switch (ch) {
	case 'L': return WM_LISTED;
	case 'S': return WM_STALE;
	case 'C': return WM_LOCAL;
	default: return WM_UNJUDGED;
	}
}

START_TEST(test_verdicts)
{
	const struct seq_row *r = &seq_rows[_i];
	static struct wm_table t;
	struct wm_proc p = proc(10, 1, "loop");
	p.forwarder = r->forwarder;
	wm_table_init(&t, 100 * SEC);
	struct wm_row *row = wm_table_row(&t, &p);
	ck_assert_ptr_nonnull(row);
	for (size_t i = 0; r->seq[i]; i++) {
		char ch = r->seq[i];
		const char *dst = ch == 'L' ? "198.51.100.20" : ch == 'C' ?
		                  "127.0.0.53" : "198.51.100.10";
		struct wm_query q = query_at(100 * SEC + (i + 1) * SEC, dst, 1);
		if (ch == 'K') {
			q.kind = WN_EV_CONNECT;
			q.nmsgs = 0;
		}
		wm_row_add(&t, row, &q, class_of(ch), NULL);
	}
	uint64_t since = 12345;
	enum wm_verdict v = wm_row_verdict(row, &since);
	ck_assert_msg(v == r->want, "'%s': %s, want %s", r->seq,
	              wm_verdict_name(v), wm_verdict_name(r->want));
	ck_assert_msg(since == (r->since ? 100 * SEC + r->since * SEC : 0),
	              "'%s': since %llu", r->seq, (unsigned long long)since);
	ck_assert_int_eq(wm_row_verdict(row, NULL), v);
	ck_assert_int_eq(wm_row_needs_restart(row), r->restart);
	wm_table_free(&t);
}
END_TEST

/* A stale and a listed query at the same nanosecond, after a listed one
 * had followed the first stale: which came last is unknown, so MIXED. */
START_TEST(test_verdict_tie)
{
	static struct wm_table t;
	struct wm_proc p = proc(10, 1, "loop");
	wm_table_init(&t, 0);
	struct wm_row *r = wm_table_row(&t, &p);
	struct wm_query s1 = query_at(SEC, "198.51.100.10", 1),
	                l1 = query_at(2 * SEC, "198.51.100.20", 1),
	                s2 = query_at(3 * SEC, "198.51.100.10", 1),
	                l2 = query_at(3 * SEC, "198.51.100.20", 1);
	wm_row_add(&t, r, &s1, WM_STALE, NULL);
	wm_row_add(&t, r, &l1, WM_LISTED, NULL);
	wm_row_add(&t, r, &s2, WM_STALE, NULL);
	wm_row_add(&t, r, &l2, WM_LISTED, NULL);
	uint64_t since;
	ck_assert_int_eq(wm_row_verdict(r, &since), WMV_MIXED);
	ck_assert_uint_eq(since, SEC);
	/* One nanosecond later, the listed one is last: LATE. */
	l2.t_ns++;
	wm_row_add(&t, r, &l2, WM_LISTED, NULL);
	ck_assert_int_eq(wm_row_verdict(r, &since), WMV_LATE);
	ck_assert_uint_eq(since, 3 * SEC);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_counts)
{
	static struct wm_table t;
	struct wm_proc p = proc(10, 1, "loop");
	struct wm_conf c = conf_of("nameserver 198.51.100.20\n");
	wm_table_init(&t, 100 * SEC);
	struct wm_row *r = wm_table_row(&t, &p);
	struct wm_query q = query_at(103 * SEC, "198.51.100.10", 2);
	wm_row_add(&t, r, &q, WM_STALE, &c);
	q = query_at(101 * SEC, "198.51.100.20", 1);
	wm_row_add(&t, r, &q, WM_LISTED, NULL);
	q = query_at(104 * SEC, "198.51.100.10", 3);
	wm_row_add(&t, r, &q, WM_STALE, NULL);
	q = query_at(105 * SEC, "198.51.100.20", 1);
	q.kind = WN_EV_CONNECT;
	q.nmsgs = 0;
	wm_row_add(&t, r, &q, WM_LISTED, NULL);

	ck_assert_uint_eq(r->queries, 6);
	ck_assert_uint_eq(r->stale, 5);
	ck_assert_uint_eq(r->listed, 1);
	ck_assert_uint_eq(r->connects, 1);
	ck_assert_uint_eq(r->first_ns, 101 * SEC);
	ck_assert_uint_eq(r->last_ns, 104 * SEC);
	ck_assert_uint_eq(r->first_stale_ns, 103 * SEC);
	ck_assert_uint_eq(r->last_stale_ns, 104 * SEC);
	ck_assert_uint_eq(r->last_listed_ns, 101 * SEC);
	ck_assert_uint_eq(r->listed_after_first_stale, 0);
	ck_assert(r->conf_known);
	ck_assert(wm_conf_equal(&r->conf, &c));
	ck_assert_uint_eq(r->nservers, 2);
	assert_addr(&r->servers[0].a, "198.51.100.10");
	ck_assert_uint_eq(r->servers[0].queries, 5);
	ck_assert_uint_eq(r->servers[0].stale, 5);
	assert_addr(&r->servers[1].a, "198.51.100.20");
	ck_assert_uint_eq(r->servers[1].queries, 1);
	ck_assert_uint_eq(r->servers[1].stale, 0);
	ck_assert_uint_eq(r->bins[(103 - 100) * SEC / WM_BIN_NS_MIN].stale, 2);
	ck_assert_uint_eq(r->bins[(101 - 100) * SEC / WM_BIN_NS_MIN].listed, 1);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_servers_limit)
{
	static struct wm_table t;
	struct wm_proc p = proc(10, 1, "loop");
	wm_table_init(&t, 0);
	struct wm_row *r = wm_table_row(&t, &p);
	char a[32];
	for (int i = 1; i <= WM_SERVERS_MAX + 2; i++) {
		snprintf(a, sizeof a, "198.51.100.%d", i);
		struct wm_query q = query_at(SEC, a, 2);
		wm_row_add(&t, r, &q, WM_STALE, NULL);
	}
	struct wm_query q = query_at(SEC, "198.51.100.1", 1);
	wm_row_add(&t, r, &q, WM_LISTED, NULL);
	ck_assert_uint_eq(r->nservers, WM_SERVERS_MAX);
	ck_assert_uint_eq(r->other_servers, 4);
	ck_assert_uint_eq(r->servers[0].queries, 3);
	ck_assert_uint_eq(r->servers[0].stale, 2);
	assert_addr(&r->servers[WM_SERVERS_MAX - 1].a, "198.51.100.8");
	ck_assert_uint_eq(r->queries, 2 * (WM_SERVERS_MAX + 2) + 1);
	wm_table_free(&t);
}
END_TEST

static uint64_t bins_sum(const struct wm_row *r)
{
	uint64_t s = 0;
	for (size_t i = 0; i < WM_BINS; i++)
		s += r->bins[i].listed + r->bins[i].stale + r->bins[i].local +
		     r->bins[i].unjudged;
	return s;
}

START_TEST(test_bins_double)
{
	static struct wm_table t;
	const uint64_t t0 = 1000 * SEC, w = WM_BIN_NS_MIN;
	struct wm_proc p1 = proc(1, 1, "a"), p2 = proc(2, 1, "b");
	wm_table_init(&t, t0);
	ck_assert_uint_eq(t.bin_ns, WM_BIN_NS_MIN);
	struct wm_row *a = wm_table_row(&t, &p1), *b = wm_table_row(&t, &p2);
	struct wm_query q = query_at(t0 - SEC, "198.51.100.10", 1);  /* before t0 */
	wm_row_add(&t, a, &q, WM_STALE, NULL);
	q = query_at(t0 + 3 * w + 1, "198.51.100.10", 1);
	wm_row_add(&t, a, &q, WM_LISTED, NULL);
	q = query_at(t0 + (WM_BINS - 1) * w, "198.51.100.10", 2);
	wm_row_add(&t, b, &q, WM_LOCAL, NULL);
	ck_assert_uint_eq(a->bins[0].stale, 1);
	ck_assert_uint_eq(a->bins[3].listed, 1);
	ck_assert_uint_eq(b->bins[WM_BINS - 1].local, 2);
	ck_assert_uint_eq(t.bin_ns, w);

	/* One column past the end: the width doubles, every row merges. */
	q = query_at(t0 + WM_BINS * w, "198.51.100.10", 1);
	wm_row_add(&t, a, &q, WM_UNJUDGED, NULL);
	ck_assert_uint_eq(t.bin_ns, 2 * w);
	ck_assert_uint_eq(a->bins[0].stale, 1);
	ck_assert_uint_eq(a->bins[1].listed, 1);   /* 3 / 2 */
	ck_assert_uint_eq(a->bins[3].listed, 0);
	ck_assert_uint_eq(a->bins[WM_BINS / 2].unjudged, 1);
	ck_assert_uint_eq(b->bins[WM_BINS / 2 - 1].local, 2);
	ck_assert_uint_eq(b->bins[WM_BINS - 1].local, 0);
	ck_assert_uint_eq(bins_sum(a), 3);
	ck_assert_uint_eq(bins_sum(b), 2);

	/* An hour on: doubled until it fits (50 ms * 2^7 = 6.4 s, 562). */
	q = query_at(t0 + 3600 * SEC, "198.51.100.10", 1);
	wm_row_add(&t, b, &q, WM_STALE, NULL);
	ck_assert_uint_eq(t.bin_ns, w << 7);
	ck_assert_uint_eq(b->bins[3600 * SEC / (w << 7)].stale, 1);
	ck_assert_uint_eq(b->bins[4].local, 2);   /* 29.9 s: 299 -> 149 ... 4 */
	ck_assert_uint_eq(a->bins[4].unjudged, 1);   /* 30.0 s */
	ck_assert_uint_eq(bins_sum(a), 3);
	ck_assert_uint_eq(bins_sum(b), 3);
	wm_table_free(&t);
}
END_TEST

/* A time at the end of the clock widens as far as it can and ends. */
START_TEST(test_bins_far)
{
	static struct wm_table t;
	struct wm_proc p = proc(1, 1, "a");
	wm_table_init(&t, 5);
	struct wm_row *r = wm_table_row(&t, &p);
	struct wm_query q = query_at(UINT64_MAX, "198.51.100.10", 1);
	wm_row_add(&t, r, &q, WM_STALE, NULL);
	ck_assert_uint_eq(bins_sum(r), 1);
	ck_assert_uint_eq(r->first_stale_ns, UINT64_MAX);
	/* 50 ms * 2^30: the first width with fewer than WM_BINS columns. */
	ck_assert_uint_eq(t.bin_ns, WM_BIN_NS_MIN << 30);
	uint64_t col = (UINT64_MAX - 5) / t.bin_ns;
	ck_assert_uint_ge(col, WM_BINS / 2);
	ck_assert_uint_lt(col, WM_BINS);
	ck_assert_uint_eq(r->bins[col].stale, 1);
	wm_table_free(&t);

	/* A table whose width was never set: no division by zero. */
	memset(&t, 0, sizeof t);
	r = wm_table_row(&t, &p);
	q = query_at(3 * WM_BIN_NS_MIN, "198.51.100.10", 1);
	wm_row_add(&t, r, &q, WM_LISTED, NULL);
	ck_assert_uint_eq(r->bins[3].listed, 1);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_rows)
{
	static struct wm_table t;
	wm_table_init(&t, 0);
	struct wm_proc p = proc(100, 7, "first");
	p.exe[0] = 'x';
	memset(p.comm, 'c', sizeof p.comm);   /* no NUL: forced */
	struct wm_row *r = wm_table_row(&t, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(strlen(r->p.comm), 15);
	ck_assert_str_eq(r->p.exe, "x");
	p = proc(100, 7, "again");
	ck_assert_ptr_eq(wm_table_row(&t, &p), r);
	ck_assert_str_eq(r->p.comm, "ccccccccccccccc");   /* kept as first seen */
	p = proc(100, 8, "reused");
	struct wm_row *r2 = wm_table_row(&t, &p);
	ck_assert_ptr_nonnull(r2);
	ck_assert_ptr_ne(r2, r);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(r2->queries, 0);
	ck_assert_int_eq(wm_row_verdict(r2, NULL), WMV_NO_QUERIES);
	wm_table_free(&t);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(test_rows_limit)
{
	static struct wm_table t;
	wm_table_init(&t, 0);
	for (uint32_t i = 0; i < WM_ROWS_MAX; i++) {
		struct wm_proc p = proc(1000 + i, 1, "p");
		ck_assert_ptr_nonnull(wm_table_row(&t, &p));
	}
	ck_assert_uint_eq(t.n, WM_ROWS_MAX);
	struct wm_proc p = proc(999999, 1, "late");
	ck_assert_ptr_null(wm_table_row(&t, &p));
	ck_assert_uint_eq(t.n, WM_ROWS_MAX);
	/* A process already in the table still has its row. */
	p = proc(1000 + WM_ROWS_MAX - 1, 1, "p");
	struct wm_row *last = wm_table_row(&t, &p);
	ck_assert_ptr_eq(last, t.rows[WM_ROWS_MAX - 1]);
	/* Doubling the timeline with every row there touches every row. */
	struct wm_query q = query_at(WM_BINS * WM_BIN_NS_MIN - 1,
	                             "198.51.100.10", 1);
	wm_row_add(&t, t.rows[0], &q, WM_STALE, NULL);
	q.t_ns = 2 * WM_BINS * WM_BIN_NS_MIN;
	wm_row_add(&t, last, &q, WM_STALE, NULL);
	ck_assert_uint_eq(t.bin_ns, 4 * WM_BIN_NS_MIN);
	ck_assert_uint_eq(t.rows[0]->bins[WM_BINS / 4 - 1].stale, 1);
	ck_assert_uint_eq(last->bins[WM_BINS / 2].stale, 1);
	wm_table_free(&t);
}
END_TEST

Suite *watchmodel_suite(void)
{
	Suite *s = suite_create("watchmodel");
	TCase *tc;

	tc = tcase_create("Records");
	tcase_add_test(tc, test_udp4);
	tcase_add_test(tc, test_udp6);
	tcase_add_test(tc, test_tcp_two);
	tcase_add_test(tc, test_tcp_response_then_query);
	tcase_add_test(tc, test_cut);
	tcase_add_test(tc, test_connect);
	tcase_add_test(tc, test_comm_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_test(tc, test_response);
	tcase_add_test(tc, test_bad_size);
	tcase_add_loop_test(tc, test_bad_fields, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_not_dns);
	suite_add_tcase(s, tc);

	tc = tcase_create("Streams");
	tcase_add_test(tc, test_stream_split);
	tcase_add_test(tc, test_stream_retransmit);
	tcase_add_test(tc, test_stream_two);
	tcase_add_test(tc, test_stream_interleaved);
	tcase_add_test(tc, test_stream_udp);
	suite_add_tcase(s, tc);

	tc = tcase_create("Conf");
	tcase_add_loop_test(tc, test_conf, 0, NROWS(conf_rows));
	tcase_add_test(tc, test_conf_limits);
	tcase_add_test(tc, test_conf_render_cut);
	tcase_add_test(tc, test_conf_lists_equal);
	tcase_add_test(tc, test_confhist);
	tcase_add_test(tc, test_confhist_no_prev);
	tcase_add_test(tc, test_confhist_change);
	suite_add_tcase(s, tc);

	tc = tcase_create("Judge");
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_verdict_names);
	tcase_add_loop_test(tc, test_verdicts, 0, NROWS(seq_rows));
	tcase_add_test(tc, test_verdict_tie);
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_servers_limit);
	tcase_add_test(tc, test_bins_double);
	tcase_add_test(tc, test_bins_far);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_rows_limit);
	suite_add_tcase(s, tc);
	return s;
}
