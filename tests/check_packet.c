/*
 * check_packet.c - unit tests of pkt_decode(), pkt_segment(),
 * pkt_dns_message() and the address and link type helpers.
 *
 * Frames are stacked layer by layer with the put_* helpers (link, IP,
 * transport, DNS bytes; plain bytes and numbers from testutil.h), using
 * the design's documentation addresses, so a test reads as the frame it
 * builds.  Malformed frames assert the exact status.
 */
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "suites.h"
#include "testutil.h"

enum { UDP = 17, TCP = 6, ICMP = 1, CLIENT_PORT = 40000 };

/* hat.com A query and its answer 203.0.113.203 (answer name compressed). */
static const uint8_t query[] = {
	0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'a', 't',
	0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t answer[] = {
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'a', 't',
	0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 203, 0, 113, 203,
};

static void put_eth(struct wire *w, unsigned ethertype)
{
	static const uint8_t macs[12] = {
		0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x02,
	};
	put_bytes(w, macs, sizeof macs);
	put16(w, ethertype);
}

static void put_vlan(struct wire *w, unsigned vid, unsigned ethertype)
{
	put16(w, vid);
	put16(w, ethertype);
}

static void put_sll(struct wire *w, unsigned proto)
{
	static const uint8_t head[14] = { 0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0 };
	put_bytes(w, head, sizeof head);
	put16(w, proto);
}

static void put_sll2(struct wire *w, unsigned proto)
{
	static const uint8_t rest[18] = { 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 2, 0, 0 };
	put16(w, proto);
	put_bytes(w, rest, sizeof rest);
}

/* 198.51.100.2 -> 198.51.100.10, or the reverse when reply is set. */
static void put_ipv4(struct wire *w, unsigned proto, size_t l4len, bool reply)
{
	static const uint8_t client[4] = { 198, 51, 100, 2 }, server[4] = { 198, 51, 100, 10 };
	put8(w, 0x45);
	put8(w, 0);
	put16(w, (unsigned)(20 + l4len));
	put16(w, 0x1234); /* id */
	put16(w, 0x4000); /* DF */
	put8(w, 64);
	put8(w, proto);
	put16(w, 0);      /* checksum: not checked */
	put_bytes(w, reply ? server : client, 4);
	put_bytes(w, reply ? client : server, 4);
}

/* 2001:db8:100::2 -> 2001:db8:100::10 */
static void put_ipv6(struct wire *w, unsigned next, size_t plen)
{
	static const uint8_t client[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, [15] = 0x02 };
	static const uint8_t server[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, [15] = 0x10 };
	put16(w, 0x6000);
	put16(w, 0);
	put16(w, (unsigned)plen);
	put8(w, next);
	put8(w, 64);
	put_bytes(w, client, 16);
	put_bytes(w, server, 16);
}

/* An extension header of 8 bytes: next header, length 0, padding. */
static void put_ext8(struct wire *w, unsigned next)
{
	static const uint8_t pad[6] = { 1, 4, 0, 0, 0, 0 }; /* PadN */
	put8(w, next);
	put8(w, 0);
	put_bytes(w, pad, sizeof pad);
}

static void put_udp(struct wire *w, unsigned sport, unsigned dport,
                    const uint8_t *dns, size_t n)
{
	put16(w, sport);
	put16(w, dport);
	put16(w, (unsigned)(8 + n));
	put16(w, 0);
	put_bytes(w, dns, n);
}

static void put_tcp(struct wire *w, unsigned sport, unsigned dport, unsigned doff)
{
	put16(w, sport);
	put16(w, dport);
	put16(w, 0);
	put16(w, 1);      /* seq */
	put16(w, 0);
	put16(w, 1);      /* ack */
	put8(w, doff << 4);
	put8(w, 0x18);    /* PSH ACK */
	put16(w, 65535);
	put16(w, 0);
	put16(w, 0);
	for (unsigned i = 5; i < doff; i++) {
		put16(w, 0x0101); /* NOP options */
		put16(w, 0x0101);
	}
}

static void put_tcp_msg(struct wire *w, const uint8_t *dns, size_t n)
{
	put16(w, (unsigned)n);
	put_bytes(w, dns, n);
}

/* The client's UDP query to the server over IPv4 or IPv6, from the IP
 * header on. */
static void put_udp_query(struct wire *w, int ip)
{
	if (ip == 4)
		put_ipv4(w, UDP, 8 + sizeof query, false);
	else
		put_ipv6(w, UDP, 8 + sizeof query);
	put_udp(w, CLIENT_PORT, 53, query, sizeof query);
}

/* Where eth_udp4() puts the IPv4 and the UDP header. */
enum { IP4_AT = 14, UDP4_AT = 14 + 20 };

/* Ethernet, IPv4, UDP carrying one DNS message; returns the IPv4 offset. */
static size_t eth_udp4(struct wire *w, unsigned sport, unsigned dport,
                       const uint8_t *dns, size_t n)
{
	w->n = 0;
	put_eth(w, 0x0800);
	put_ipv4(w, UDP, 8 + n, sport == 53);
	put_udp(w, sport, dport, dns, n);
	return 14;
}

/* Overwrite the width-byte field at 'at' with v, in network byte order. */
static void poke(struct wire *w, size_t at, size_t width, unsigned v)
{
	ck_assert_uint_le(at + width, w->n);
	for (size_t i = width; i-- > 0; v >>= 8)
		w->b[at + i] = (uint8_t)v;
}

/* The frame alone in a block of its exact size (see wire_exact). */
static enum pkt_status decode_len(int linktype, const struct wire *w, size_t len,
                                  struct pkt_dns *p, const char **why)
{
	uint8_t *exact = wire_exact(w, len);
	enum pkt_status st = pkt_decode(linktype, exact, len, p, why);
	free(exact);
	return st;
}

static enum pkt_status decode(int linktype, const struct wire *w,
                              struct pkt_dns *p, const char **why)
{
	return decode_len(linktype, w, w->n, p, why);
}

static void assert_addrs(const struct pkt_dns *p, const char *src, const char *dst)
{
	char buf[64];

	ck_assert_str_eq(pkt_addr_str(&p->src, buf, sizeof buf), src);
	ck_assert_str_eq(pkt_addr_str(&p->dst, buf, sizeof buf), dst);
}

static void assert_query(const struct pkt_dns *p, size_t i)
{
	ck_assert_uint_gt(p->nmsgs, i);
	ck_assert(!p->msgs[i].qr);
	ck_assert_uint_eq(p->msgs[i].id, 0xbeef);
	ck_assert_str_eq(p->msgs[i].qname, "hat.com");
	ck_assert_uint_eq(p->msgs[i].qtype, DNS_T_A);
}

static void assert_v4_query(const struct pkt_dns *p)
{
	assert_addrs(p, "198.51.100.2", "198.51.100.10");
	ck_assert_uint_eq(p->sport, CLIENT_PORT);
	ck_assert_uint_eq(p->dport, 53);
	ck_assert_uint_eq(p->nmsgs, 1);
	ck_assert(!p->partial);
	assert_query(p, 0);
}

static void assert_v6_query(const struct pkt_dns *p)
{
	assert_addrs(p, "2001:db8:100::2", "2001:db8:100::10");
	ck_assert_uint_eq(p->proto, UDP);
	ck_assert_uint_eq(p->dport, 53);
	ck_assert_uint_eq(p->nmsgs, 1);
	assert_query(p, 0);
}

/* Core */

START_TEST(test_ethernet_ipv4_udp_query)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = "unset";

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(p.proto, UDP);
	assert_v4_query(&p);
}
END_TEST

START_TEST(test_ethernet_ipv4_udp_answer)
{
	struct wire w;
	struct pkt_dns p;

	eth_udp4(&w, 53, CLIENT_PORT, answer, sizeof answer);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	assert_addrs(&p, "198.51.100.10", "198.51.100.2");
	ck_assert_uint_eq(p.sport, 53);
	ck_assert(p.msgs[0].qr);
	ck_assert_uint_eq(p.msgs[0].nanswers, 1);
	ck_assert_str_eq(p.msgs[0].answers[0].data, "203.0.113.203");
}
END_TEST

/* Linux cooked captures, v1 and v2: the protocol field sits in another
 * place in each, so the same bytes read as the other are no DNS. */
static const struct {
	int link, other;
	void (*head)(struct wire *w, unsigned proto);
} cooked_rows[] = {
	{ PKT_LINK_LINUX_SLL, PKT_LINK_LINUX_SLL2, put_sll },
	{ PKT_LINK_LINUX_SLL2, PKT_LINK_LINUX_SLL, put_sll2 },
};

START_TEST(test_cooked_ipv4_udp)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	cooked_rows[_i].head(&w, 0x0800);
	put_udp_query(&w, 4);
	ck_assert_int_eq(decode(cooked_rows[_i].link, &w, &p, NULL), PKT_DNS);
	assert_v4_query(&p);
	ck_assert_int_ne(decode(cooked_rows[_i].other, &w, &p, NULL), PKT_DNS);
}
END_TEST

/* A bare IP packet: the link types that carry either version, and the
 * ones for one version only. */
static const struct {
	int link, ip;
} raw_rows[] = {
	{ PKT_LINK_RAW, 6 }, { PKT_LINK_RAW_ALT, 6 }, { PKT_LINK_IPV6, 6 },
	{ PKT_LINK_RAW, 4 }, { PKT_LINK_RAW_ALT, 4 }, { PKT_LINK_IPV4, 4 },
};

START_TEST(test_raw_ip_udp)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_udp_query(&w, raw_rows[_i].ip);
	ck_assert_int_eq(decode(raw_rows[_i].link, &w, &p, NULL), PKT_DNS);
	if (raw_rows[_i].ip == 4)
		assert_v4_query(&p);
	else
		assert_v6_query(&p);
}
END_TEST

/* The address family word of BSD loopback, in either byte order. */
static const struct {
	uint32_t af;
	int ip;
} null_rows[] = {
	{ 2, 4 }, { 10, 6 }, { 24, 6 }, { 28, 6 }, { 30, 6 },
	{ __builtin_bswap32(2), 4 }, { __builtin_bswap32(30), 6 },
};

START_TEST(test_null_loopback)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_bytes(&w, &null_rows[_i].af, 4);
	put_udp_query(&w, null_rows[_i].ip);
	ck_assert_int_eq(decode(PKT_LINK_NULL, &w, &p, NULL), PKT_DNS);
	ck_assert_int_eq(p.src.family, null_rows[_i].ip);
	assert_query(&p, 0);
}
END_TEST

START_TEST(test_ipv6_hop_by_hop)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_ipv6(&w, 0, 8 + 8 + sizeof query);
	put_ext8(&w, UDP);
	put_udp(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, NULL), PKT_DNS);
	assert_v6_query(&p);
}
END_TEST

/* Hop-by-hop, destination options, routing, then an atomic fragment
 * header (offset 0, no more fragments), over Ethernet. */
START_TEST(test_ipv6_extension_chain)
{
	static const uint8_t frag[8] = { UDP, 0, 0, 0, 0, 0, 0, 1 };
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_eth(&w, 0x86dd);
	put_ipv6(&w, 0, 4 * 8 + 8 + sizeof query);
	put_ext8(&w, 60);
	put_ext8(&w, 43);
	put_ext8(&w, 44);
	put_bytes(&w, frag, sizeof frag);
	put_udp(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	assert_v6_query(&p);
}
END_TEST

START_TEST(test_vlan_one_and_two_tags)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_eth(&w, 0x8100);
	put_vlan(&w, 100, 0x0800);
	put_udp_query(&w, 4);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	assert_v4_query(&p);

	w.n = 0;
	put_eth(&w, 0x88a8);
	put_vlan(&w, 10, 0x8100);
	put_vlan(&w, 100, 0x86dd);
	put_udp_query(&w, 6);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	assert_v6_query(&p);
}
END_TEST

START_TEST(test_tcp_one_message)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;
	const char *why = "unset";

	put_eth(&w, 0x0800);
	put_ipv4(&w, TCP, 20 + 2 + sizeof query, false);
	put_tcp(&w, CLIENT_PORT, 53, 5);
	put_tcp_msg(&w, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(p.proto, TCP);
	assert_v4_query(&p);
}
END_TEST

START_TEST(test_tcp_two_messages_with_options)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_eth(&w, 0x0800);
	put_ipv4(&w, TCP, 28 + 4 + sizeof answer + sizeof query, true);
	put_tcp(&w, 53, CLIENT_PORT, 7);
	put_tcp_msg(&w, answer, sizeof answer);
	put_tcp_msg(&w, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	ck_assert_uint_eq(p.nmsgs, 2);
	ck_assert(!p.partial);
	ck_assert(p.msgs[0].qr);
	ck_assert_str_eq(p.msgs[0].answers[0].data, "203.0.113.203");
	assert_query(&p, 1);
}
END_TEST

START_TEST(test_tcp_no_payload_skipped)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;
	const char *why = NULL;

	put_ipv4(&w, TCP, 20, false);
	put_tcp(&w, CLIENT_PORT, 53, 5);
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, &why), PKT_SKIP);
	ck_assert_str_eq(why, "tcp: no payload");
	ck_assert_uint_eq(p.dport, 53); /* headers decoded are still reported */
	ck_assert_uint_eq(p.nmsgs, 0);
}
END_TEST

START_TEST(test_addr_helpers)
{
	struct pkt_addr a, b;
	char buf[64];

	ck_assert_int_eq(pkt_addr_parse("198.51.100.10", &a), 0);
	ck_assert_int_eq(a.family, 4);
	ck_assert_str_eq(pkt_addr_str(&a, buf, sizeof buf), "198.51.100.10");
	ck_assert_int_eq(pkt_addr_parse("2001:db8:100:0::10", &b), 0);
	ck_assert_int_eq(b.family, 6);
	ck_assert_str_eq(pkt_addr_str(&b, buf, sizeof buf), "2001:db8:100::10");
	ck_assert(!pkt_addr_eq(&a, &b));
	ck_assert_int_eq(pkt_addr_parse("2001:db8:100::10", &a), 0);
	ck_assert(pkt_addr_eq(&a, &b));
	a.a[15] = 0x20;
	ck_assert(!pkt_addr_eq(&a, &b));
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ck_assert(!pkt_addr_eq(&a, &b)); /* unset addresses match nothing */
	ck_assert_int_eq(pkt_addr_parse("198.51.100.300", &a), -1);
	ck_assert_int_eq(pkt_addr_parse("hat.com", &a), -1);
	ck_assert_int_eq(pkt_addr_parse("", &a), -1);
	ck_assert_str_eq(pkt_addr_str(&a, buf, sizeof buf), "?");
	ck_assert_int_eq(pkt_addr_parse("198.51.100.2", &a), 0);
	ck_assert_str_eq(pkt_addr_str(&a, buf, 4), "?"); /* too small: no overflow */
}
END_TEST

START_TEST(test_status_names)
{
	ck_assert_str_eq(pkt_status_name(PKT_DNS), "dns");
	ck_assert_str_eq(pkt_status_name(PKT_SKIP), "skip");
	ck_assert_str_eq(pkt_status_name(PKT_TRUNCATED), "truncated");
	ck_assert_str_eq(pkt_status_name(PKT_INVALID), "invalid");
	ck_assert_str_eq(pkt_status_name(PKT_UNSUPPORTED), "unsupported");
}
END_TEST

/* Limits */

/* A TCP/IPv4 frame over Ethernet whose payload the caller appends; the IP
 * length is fixed up by tcp_done(). */
static void tcp_start(struct wire *w)
{
	w->n = 0;
	put_eth(w, 0x0800);
	put_ipv4(w, TCP, 0, false);
	put_tcp(w, CLIENT_PORT, 53, 5);
}

static void tcp_done(struct wire *w)
{
	size_t total = w->n - 14;
	w->b[16] = (uint8_t)(total >> 8);
	w->b[17] = (uint8_t)total;
}

START_TEST(test_tcp_prefix_cut_after_complete)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	tcp_start(&w);
	put_tcp_msg(&w, query, sizeof query);
	put16(&w, sizeof query);
	put_bytes(&w, query, 10); /* the rest is in the next segment */
	tcp_done(&w);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert_uint_eq(p.nmsgs, 1);
	ck_assert(p.partial);
	ck_assert_str_eq(why, "tcp: message continues in another segment (not reassembled)");
	assert_query(&p, 0);
}
END_TEST

START_TEST(test_tcp_prefix_cut_alone)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	tcp_start(&w);
	put16(&w, sizeof query);
	put_bytes(&w, query, sizeof query - 1);
	tcp_done(&w);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_TRUNCATED);
	ck_assert_uint_eq(p.nmsgs, 0);
	ck_assert_uint_eq(p.dport, 53);

	tcp_start(&w);
	put8(&w, 0); /* half a length prefix */
	tcp_done(&w);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_TRUNCATED);
}
END_TEST

START_TEST(test_tcp_more_than_max_messages)
{
	struct wire w;
	struct pkt_dns p;

	tcp_start(&w);
	for (int i = 0; i < PKT_MSGS_MAX + 1; i++)
		put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	ck_assert_uint_eq(p.nmsgs, PKT_MSGS_MAX);
	ck_assert(p.partial);
	assert_query(&p, PKT_MSGS_MAX - 1);
}
END_TEST

/* Bytes after the IPv4 total length (Ethernet padding, trailers) would
 * read as another length-prefixed message if they were handed on. */
START_TEST(test_bytes_past_ip_length_ignored)
{
	struct wire w;
	struct pkt_dns p;

	tcp_start(&w);
	put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	put16(&w, 5);
	put16(&w, 0);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	ck_assert_uint_eq(p.nmsgs, 1);
	ck_assert(!p.partial);
}
END_TEST

/* snaplen shorter than the datagram: a message cut after its id and
 * flags counts with what is there, marked cut; before them it is not one. */
START_TEST(test_snaplen_cuts_dns)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	eth_udp4(&w, 53, CLIENT_PORT, answer, sizeof answer);
	w.n -= 4;   /* in the answer's address */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert_str_eq(why, "dns: message cut by the capture");
	assert_addrs(&p, "198.51.100.10", "198.51.100.2");
	ck_assert_uint_eq(p.sport, 53);
	ck_assert_uint_eq(p.nmsgs, 1);
	ck_assert(!p.partial);
	ck_assert(p.msgs[0].cut && p.msgs[0].qr);
	ck_assert(p.msgs[0].has_question);
	ck_assert_str_eq(p.msgs[0].qname, "hat.com");
	ck_assert_uint_eq(p.msgs[0].nanswers, 0);

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	w.n = UDP4_AT + 8 + 6;   /* the id, the flags and the question count */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert(p.msgs[0].cut && !p.msgs[0].qr && !p.msgs[0].has_question);
	ck_assert_uint_eq(p.msgs[0].id, 0xbeef);

	w.n = UDP4_AT + 8 + DNS_ID_FLAGS_LEN - 1;
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_TRUNCATED);
	ck_assert_str_eq(why, "dns: header");
	ck_assert_uint_eq(p.nmsgs, 0);

	/* Cut on the wire (the UDP length says so), not by the capture:
	 * malformed, not cut. */
	eth_udp4(&w, 53, CLIENT_PORT, answer, sizeof answer - 4);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_TRUNCATED);
	ck_assert_str_eq(why, "dns: answer: rdata past end");

	/* A TCP segment cut by the capture right after a whole message. */
	tcp_start(&w);
	put_tcp_msg(&w, query, sizeof query);
	put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	w.n -= 2 + sizeof query;
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_DNS);
	ck_assert(p.partial);
	ck_assert_str_eq(why, "tcp: payload cut by the capture");
}
END_TEST

START_TEST(test_ipv4_options)
{
	struct wire w;
	struct pkt_dns p;

	w.n = 0;
	put_eth(&w, 0x0800);
	put_ipv4(&w, UDP, 4 + 8 + sizeof query, false);
	w.b[14] = 0x46; /* IHL 6: one word of NOP options */
	put16(&w, 0x0101);
	put16(&w, 0x0101);
	put_udp(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	assert_v4_query(&p);
}
END_TEST

START_TEST(test_skips)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	eth_udp4(&w, CLIENT_PORT, 5353, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_SKIP);
	ck_assert_str_eq(why, "not port 53");
	ck_assert_uint_eq(p.dport, 5353);

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	poke(&w, IP4_AT + 9, 1, ICMP);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_SKIP);
	ck_assert_str_eq(why, "not udp or tcp");

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	poke(&w, 12, 2, 0x0806); /* ARP */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_SKIP);

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	poke(&w, IP4_AT + 6, 2, 0x0001); /* fragment offset 8 bytes */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_SKIP);
	ck_assert_str_eq(why, "ipv4: not the first fragment");
}
END_TEST

START_TEST(test_ipv6_fragments)
{
	uint8_t frag[8] = { UDP, 0, 0, 0, 0, 0, 0, 1 };
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	frag[3] = 8; /* offset 1 (8 bytes): not the first */
	w.n = 0;
	put_ipv6(&w, 44, 8 + 8 + sizeof query);
	put_bytes(&w, frag, sizeof frag);
	put_udp(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, &why), PKT_SKIP);
	ck_assert_str_eq(why, "ipv6: not the first fragment");

	/* A first fragment whose UDP datagram goes on: cut short, as by a
	 * snaplen, not invalid. */
	w.b[40 + 3] = 1;                 /* M flag, offset 0 */
	w.b[4] = 0;
	w.b[5] = 8 + 8 + 12;             /* the fragment holds the DNS header only */
	w.n = 40 + 8 + 8 + 12;
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, &why), PKT_DNS);
	ck_assert(p.msgs[0].cut);
	ck_assert_uint_eq(p.msgs[0].qdcount, 1);
	ck_assert(!p.msgs[0].has_question);
	w.b[5] = 8 + 8 + 2;              /* ... or not even the flags */
	w.n = 40 + 8 + 8 + 2;
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, &why), PKT_TRUNCATED);
}
END_TEST

START_TEST(test_three_vlan_tags_unsupported)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put_eth(&w, 0x8100);
	put_vlan(&w, 1, 0x8100);
	put_vlan(&w, 2, 0x8100);
	put_vlan(&w, 3, 0x0800);
	put_udp_query(&w, 4);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_UNSUPPORTED);
}
END_TEST

/* Valid frames of each shape, for the prefix test below. */
static int frame_build(int shape, struct wire *w)
{
	static const uint8_t frag[8] = { UDP, 0, 0, 0, 0, 0, 0, 1 };
	uint32_t af6 = 10;

	w->n = 0;
	switch (shape) {
	case 0:
		eth_udp4(w, 53, CLIENT_PORT, answer, sizeof answer);
		return PKT_LINK_EN10MB;
	case 1:
		put_eth(w, 0x8100);
		put_vlan(w, 100, 0x86dd);
		put_ipv6(w, 0, 8 + 8 + sizeof answer);
		put_ext8(w, UDP);
		put_udp(w, 53, CLIENT_PORT, answer, sizeof answer);
		return PKT_LINK_EN10MB;
	case 2:
		put_sll2(w, 0x0800);
		put_ipv4(w, UDP, 8 + sizeof answer, true);
		put_udp(w, 53, CLIENT_PORT, answer, sizeof answer);
		return PKT_LINK_LINUX_SLL2;
	default:
		put_bytes(w, &af6, 4);
		put_ipv6(w, 44, 8 + 8 + sizeof answer);
		put_bytes(w, frag, sizeof frag);
		put_udp(w, 53, CLIENT_PORT, answer, sizeof answer);
		return PKT_LINK_NULL;
	}
}

/* Every cut of a valid frame stops at a field it announced, until the
 * DNS id and flags are there; from then on it is the answer, cut. */
START_TEST(test_every_frame_prefix_truncated)
{
	struct wire w;
	struct pkt_dns p;
	int link = frame_build(_i, &w);
	size_t dns_at = w.n - sizeof answer;

	ck_assert_int_eq(decode(link, &w, &p, NULL), PKT_DNS);
	ck_assert(!p.msgs[0].cut);
	for (size_t len = 0; len < w.n; len++) {
		const char *why = NULL;
		enum pkt_status st = decode_len(link, &w, len, &p, &why);
		bool counts = len >= dns_at + DNS_ID_FLAGS_LEN;
		ck_assert_msg(st == (counts ? PKT_DNS : PKT_TRUNCATED),
		              "shape %d prefix %zu of %zu: %s (%s)", _i, len, w.n,
		              pkt_status_name(st), why ? why : "-");
		if (counts) {
			ck_assert(p.msgs[0].cut && p.msgs[0].qr);
			ck_assert_uint_eq(p.msgs[0].id, 0xbeef);
			ck_assert_uint_eq(p.msgs[0].nanswers, 0);
		}
	}
}
END_TEST

/* A TCP frame cut anywhere is never a whole PKT_DNS: the message the
 * cut falls in is marked cut, or what follows is marked lost. */
START_TEST(test_every_tcp_prefix_flagged)
{
	struct wire w;
	struct pkt_dns p;

	tcp_start(&w);
	put_tcp_msg(&w, answer, sizeof answer);
	put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	size_t first = w.n - 4 - sizeof answer - sizeof query;   /* its prefix */
	size_t second = first + 2 + sizeof answer;
	for (size_t len = 0; len < w.n; len++) {
		const char *why = NULL;
		enum pkt_status st = decode_len(PKT_LINK_EN10MB, &w, len, &p, &why);
		size_t want = len >= second + 2 + DNS_ID_FLAGS_LEN ? 2
		            : len >= first + 2 + DNS_ID_FLAGS_LEN ? 1 : 0;
		ck_assert_msg(st == (want ? PKT_DNS : PKT_TRUNCATED), "prefix %zu: %s",
		              len, pkt_status_name(st));
		ck_assert_uint_eq(p.nmsgs, want);
		if (want == 1) {   /* the second is lost, the first cut or whole */
			ck_assert_msg(p.partial, "prefix %zu", len);
			ck_assert_msg(p.msgs[0].cut == (len < second), "prefix %zu", len);
		} else if (want == 2) {
			ck_assert_msg(p.msgs[1].cut && !p.partial, "prefix %zu", len);
		}
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

/* pkt_segment(): the transport payload as captured and as claimed, the
 * sequence number and the flags reassembly needs. */
START_TEST(test_segment_tcp_and_udp)
{
	struct wire w;
	struct pkt_seg seg;
	const char *why = "unset";

	tcp_start(&w);
	w.b[14 + 20 + 13] = 0x13;        /* FIN SYN ACK */
	put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	uint8_t *exact = wire_exact(&w, w.n - 5);   /* the capture cut 5 bytes */
	ck_assert_int_eq(pkt_segment(PKT_LINK_EN10MB, exact, w.n - 5, &seg, &why), PKT_DNS);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(seg.f.proto, TCP);
	ck_assert_uint_eq(seg.f.sport, CLIENT_PORT);
	ck_assert_uint_eq(seg.seq, 1);
	ck_assert_uint_eq(seg.tcp_flags, PKT_TCP_FIN | PKT_TCP_SYN);
	ck_assert(seg.p == exact + 14 + 20 + 20);
	ck_assert_uint_eq(seg.claimed, 2 + sizeof query);
	ck_assert_uint_eq(seg.present, 2 + sizeof query - 5);
	free(exact);

	tcp_start(&w);                   /* no payload: still a segment */
	tcp_done(&w);
	ck_assert_int_eq(pkt_segment(PKT_LINK_EN10MB, w.b, w.n, &seg, &why), PKT_DNS);
	ck_assert_uint_eq(seg.claimed, 0);

	eth_udp4(&w, 53, CLIENT_PORT, answer, sizeof answer);
	ck_assert_int_eq(pkt_segment(PKT_LINK_EN10MB, w.b, w.n - 1, &seg, &why), PKT_DNS);
	ck_assert_uint_eq(seg.f.proto, UDP);
	ck_assert_uint_eq(seg.claimed, sizeof answer);
	ck_assert_uint_eq(seg.present, sizeof answer - 1);
	ck_assert(seg.p == w.b + UDP4_AT + 8);

	eth_udp4(&w, CLIENT_PORT, 5353, query, sizeof query);
	ck_assert_int_eq(pkt_segment(PKT_LINK_EN10MB, w.b, w.n, &seg, &why), PKT_SKIP);
	ck_assert_uint_eq(seg.f.dport, 5353);
}
END_TEST

/* pkt_dns_message(): whole, cut by the capture (counts once the id and
 * flags are there), cut on the wire (malformed). */
static const struct {
	size_t present, claimed;
	enum pkt_status st;
	bool cut;
} message_rows[] = {
	{ sizeof answer, sizeof answer, PKT_DNS, false },
	{ sizeof answer, sizeof answer + 9, PKT_DNS, false },   /* the rest ignored */
	{ sizeof answer - 1, sizeof answer, PKT_DNS, true },
	{ 12, sizeof answer, PKT_DNS, true },
	{ DNS_ID_FLAGS_LEN, sizeof answer, PKT_DNS, true },
	{ DNS_ID_FLAGS_LEN - 1, sizeof answer, PKT_TRUNCATED, false },
	{ 0, sizeof answer, PKT_TRUNCATED, false },
	{ sizeof answer - 1, sizeof answer - 1, PKT_TRUNCATED, false },
	{ 11, 11, PKT_TRUNCATED, false },
};

START_TEST(test_dns_message_cut)
{
	struct dns_msg m;
	const char *why = "unset";
	struct wire w = { .n = 0 };

	put_bytes(&w, answer, sizeof answer);
	uint8_t *exact = wire_exact(&w, message_rows[_i].present);
	enum pkt_status st = pkt_dns_message(exact, message_rows[_i].present,
	                                     message_rows[_i].claimed, &m, &why);
	ck_assert_int_eq(st, message_rows[_i].st);
	if (st == PKT_DNS) {
		ck_assert(m.cut == message_rows[_i].cut);
		ck_assert_uint_eq(m.id, 0xbeef);
		ck_assert(m.qr);
		if (m.cut)
			ck_assert_str_eq(why, "dns: message cut by the capture");
		else
			ck_assert_ptr_null(why);
	} else {
		ck_assert_ptr_nonnull(why);
	}
	free(exact);
}
END_TEST

static const struct {
	int link;
	const char *name;
} link_rows[] = {
	{ PKT_LINK_NULL, "NULL" }, { PKT_LINK_EN10MB, "EN10MB" },
	{ PKT_LINK_RAW, "RAW" }, { PKT_LINK_RAW_ALT, "RAW" }, { PKT_LINK_LOOP, "LOOP" },
	{ PKT_LINK_LINUX_SLL, "LINUX_SLL" }, { PKT_LINK_IPV4, "IPV4" },
	{ PKT_LINK_IPV6, "IPV6" }, { PKT_LINK_LINUX_SLL2, "LINUX_SLL2" },
	{ 189, NULL }, { 105, NULL }, { -1, NULL }, { 65535, NULL },
};

START_TEST(test_link_names)
{
	const char *name = pkt_link_name(link_rows[_i].link);
	if (link_rows[_i].name)
		ck_assert_str_eq(name, link_rows[_i].name);
	else
		ck_assert_ptr_null(name);
	ck_assert(pkt_link_supported(link_rows[_i].link) == (link_rows[_i].name != NULL));
}
END_TEST

/* OpenBSD's loopback: the address family in network byte order. */
START_TEST(test_loop_link)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;

	put32(&w, 2);
	put_udp_query(&w, 4);
	ck_assert_int_eq(decode(PKT_LINK_LOOP, &w, &p, NULL), PKT_DNS);
	assert_query(&p, 0);
	w.n = 0;
	put32(&w, 24);
	put_udp_query(&w, 6);
	ck_assert_int_eq(decode(PKT_LINK_LOOP, &w, &p, NULL), PKT_DNS);
	ck_assert_int_eq(p.src.family, 6);
}
END_TEST

/* Malformed */

static const int unknown_links[] = { 105, 127, 9999, -1 };

START_TEST(test_unknown_link_type)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	ck_assert_int_eq(decode(unknown_links[_i], &w, &p, &why), PKT_UNSUPPORTED);
	ck_assert_str_eq(why, "link type");
}
END_TEST

/* Each link header one byte short. */
static const struct {
	int link;
	size_t len;
} link_cut_rows[] = {
	{ PKT_LINK_EN10MB, 13 }, { PKT_LINK_LINUX_SLL, 15 },
	{ PKT_LINK_LINUX_SLL2, 19 }, { PKT_LINK_NULL, 3 }, { PKT_LINK_RAW, 0 },
};

START_TEST(test_link_headers_truncated)
{
	static const uint8_t zeros[32];
	struct pkt_dns p;

	ck_assert_int_eq(pkt_decode(link_cut_rows[_i].link, zeros,
	                            link_cut_rows[_i].len, &p, NULL), PKT_TRUNCATED);
}
END_TEST

/* The Ethernet UDP query with one header field overwritten is refused as
 * invalid, for the reason given. */
static void assert_udp4_field_invalid(size_t at, size_t width, unsigned v,
                                      const char *reason)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	poke(&w, at, width, v);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_INVALID);
	ck_assert_str_eq(why, reason);
}

START_TEST(test_ipv4_ihl_below_5)
{
	assert_udp4_field_invalid(IP4_AT, 1, 0x40 | (unsigned)_i,
	                          "ipv4 header: header length < 20");
}
END_TEST

START_TEST(test_ipv4_total_below_header)
{
	assert_udp4_field_invalid(IP4_AT + 2, 2, (unsigned)_i,
	                          "ipv4 header: total length < header length");
}
END_TEST

START_TEST(test_ip_version_mismatch)
{
	struct wire w;
	struct pkt_dns p;

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	w.b[14] = 0x65; /* ethertype IPv4, header says 6 */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_INVALID);
	w.b[14] = 0x55; /* raw IP: the version nibble is all there is */
	ck_assert_int_eq(pkt_decode(PKT_LINK_RAW, w.b + 14, w.n - 14, &p, NULL),
	                 PKT_INVALID);
}
END_TEST

START_TEST(test_udp_length_below_8)
{
	assert_udp4_field_invalid(UDP4_AT + 4, 2, (unsigned)_i,
	                          "udp header: length < 8");
}
END_TEST

/* One byte more than the IPv4 payload holds. */
START_TEST(test_udp_length_beyond_ip)
{
	assert_udp4_field_invalid(UDP4_AT + 4, 2, 8 + sizeof query + 1,
	                          "udp header: length exceeds ip payload");
}
END_TEST

/* IPv4 leaves room for 7 bytes of UDP header. */
START_TEST(test_udp_header_beyond_ip)
{
	assert_udp4_field_invalid(IP4_AT + 2, 2, 20 + 7, "udp header");
}
END_TEST

START_TEST(test_tcp_data_offset_below_5)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	tcp_start(&w);
	put_tcp_msg(&w, query, sizeof query);
	tcp_done(&w);
	w.b[14 + 20 + 12] = (uint8_t)(_i << 4);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_INVALID);
	ck_assert_str_eq(why, "tcp header: data offset < 5");
}
END_TEST

START_TEST(test_ipv6_extension_past_payload)
{
	struct wire w = { .n = 0 };
	struct pkt_dns p;
	const char *why = NULL;

	put_ipv6(&w, 0, 8 + 8 + sizeof query);
	put_ext8(&w, UDP);
	put_udp(&w, CLIENT_PORT, 53, query, sizeof query);
	w.b[41] = 200; /* hop-by-hop claims 1608 bytes */
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, &why), PKT_INVALID);
	ck_assert_str_eq(why, "ipv6 extension header");
	w.b[41] = 0;
	w.n = 40 + 5; /* the capture stops inside it */
	ck_assert_int_eq(decode(PKT_LINK_RAW, &w, &p, NULL), PKT_TRUNCATED);
}
END_TEST

START_TEST(test_bad_dns_in_udp)
{
	struct wire w;
	struct pkt_dns p;
	const char *why = NULL;

	eth_udp4(&w, CLIENT_PORT, 53, query, sizeof query);
	poke(&w, UDP4_AT + 8 + 12, 2, 0xc00c); /* question name: pointer to itself */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, &why), PKT_INVALID);
	ck_assert_str_eq(why, "dns: question name: compression pointer not backwards");
	ck_assert_uint_eq(p.nmsgs, 0);
	ck_assert_uint_eq(p.dport, 53);
}
END_TEST

START_TEST(test_bad_dns_in_tcp)
{
	struct wire w;
	struct pkt_dns p;

	tcp_start(&w);
	put_tcp_msg(&w, query, 11); /* a message shorter than a header */
	tcp_done(&w);
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_TRUNCATED);

	tcp_start(&w);
	put_tcp_msg(&w, query, sizeof query);
	put_tcp_msg(&w, answer, sizeof answer);
	tcp_done(&w);
	w.b[w.n - 5] = 5; /* A rdlength 4 -> 5, past its message */
	ck_assert_int_eq(decode(PKT_LINK_EN10MB, &w, &p, NULL), PKT_DNS);
	ck_assert_uint_eq(p.nmsgs, 1);
	ck_assert(p.partial);
}
END_TEST

Suite *packet_suite(void)
{
	Suite *s = suite_create("packet");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");
	TCase *bad = tcase_create("Malformed");

	tcase_add_test(core, test_ethernet_ipv4_udp_query);
	tcase_add_test(core, test_ethernet_ipv4_udp_answer);
	tcase_add_loop_test(core, test_cooked_ipv4_udp, 0, NROWS(cooked_rows));
	tcase_add_loop_test(core, test_raw_ip_udp, 0, NROWS(raw_rows));
	tcase_add_loop_test(core, test_null_loopback, 0, NROWS(null_rows));
	tcase_add_test(core, test_ipv6_hop_by_hop);
	tcase_add_test(core, test_ipv6_extension_chain);
	tcase_add_test(core, test_vlan_one_and_two_tags);
	tcase_add_test(core, test_tcp_one_message);
	tcase_add_test(core, test_tcp_two_messages_with_options);
	tcase_add_test(core, test_tcp_no_payload_skipped);
	tcase_add_test(core, test_addr_helpers);
	tcase_add_test(core, test_status_names);
	tcase_add_test(core, test_segment_tcp_and_udp);
	tcase_add_loop_test(core, test_dns_message_cut, 0, NROWS(message_rows));
	tcase_add_loop_test(core, test_link_names, 0, NROWS(link_rows));
	tcase_add_test(core, test_loop_link);
	suite_add_tcase(s, core);

	tcase_add_test(limits, test_tcp_prefix_cut_after_complete);
	tcase_add_test(limits, test_tcp_prefix_cut_alone);
	tcase_add_test(limits, test_tcp_more_than_max_messages);
	tcase_add_test(limits, test_bytes_past_ip_length_ignored);
	tcase_add_test(limits, test_snaplen_cuts_dns);
	tcase_add_test(limits, test_ipv4_options);
	tcase_add_test(limits, test_skips);
	tcase_add_test(limits, test_ipv6_fragments);
	tcase_add_test(limits, test_three_vlan_tags_unsupported);
	tcase_add_loop_test(limits, test_every_frame_prefix_truncated, 0, 4);
	tcase_add_test(limits, test_every_tcp_prefix_flagged);
	suite_add_tcase(s, limits);

	tcase_add_loop_test(bad, test_unknown_link_type, 0, NROWS(unknown_links));
	tcase_add_loop_test(bad, test_link_headers_truncated, 0, NROWS(link_cut_rows));
	tcase_add_loop_test(bad, test_ipv4_ihl_below_5, 0, 5);
	tcase_add_loop_test(bad, test_ipv4_total_below_header, 0, 20);
	tcase_add_test(bad, test_ip_version_mismatch);
	tcase_add_loop_test(bad, test_udp_length_below_8, 0, 8);
	tcase_add_test(bad, test_udp_length_beyond_ip);
	tcase_add_test(bad, test_udp_header_beyond_ip);
	tcase_add_loop_test(bad, test_tcp_data_offset_below_5, 0, 5);
	tcase_add_test(bad, test_ipv6_extension_past_payload);
	tcase_add_test(bad, test_bad_dns_in_udp);
	tcase_add_test(bad, test_bad_dns_in_tcp);
	suite_add_tcase(s, bad);
	return s;
}
