/*
 * gen_corpus.c - write the capture corpus of tests/captures/: small pcap
 * and pcapng files of what a real capture can hold and decode must read
 * as tshark does (several interfaces and link types, snaplen cuts, DNS
 * over TCP in every shape), and damaged/ files that must be refused.
 *
 * usage: gen_corpus DIR    (writes DIR/NAME and DIR/damaged/NAME)
 *
 * The bytes are written here, not through libpcap, whose writer knows one
 * link type per file and one byte order.  Output is a pure function of
 * this source: tests/integration/decode.t regenerates the corpus and
 * compares it with the committed files, then compares whichns decode's
 * counts with tshark's on each.  Checksums are computed, so tshark finds
 * nothing to complain about but what the file is meant to show.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { L_NULL = 0, L_EN10MB = 1, L_RAW = 101, L_LOOP = 108, L_SLL = 113,
       L_IPV4 = 228, L_IPV6 = 229, L_SLL2 = 276, L_USB = 189 };
enum { UDP = 17, TCP = 6 };
enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
/* Host parts of addresses: 198.51.100.2, .10 and .20; 2001:db8:100::2,
 * ::10 and ::20, whichns's own servers. */
enum { CLIENT = 2, OLD = 10, NEW = 20 };

#define T0_US (UINT64_C(1795663444) * 1000000)
#define STEP_US 1000        /* between packets */

/* ---- Bytes ---- */

struct bytes {
	uint8_t b[4096];
	size_t  n;
};

static void put8(struct bytes *w, unsigned v) { w->b[w->n++] = (uint8_t)v; }
static void put16(struct bytes *w, unsigned v) { put8(w, v >> 8); put8(w, v); }
static void put32(struct bytes *w, uint32_t v) { put16(w, v >> 16); put16(w, v & 0xffff); }
static void put_mem(struct bytes *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void poke16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static unsigned csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* ---- DNS ---- */

static void put_name(struct bytes *w, const char *name)
{
	while (*name) {
		size_t k = strcspn(name, ".");
		put8(w, (unsigned)k);
		put_mem(w, name, k);
		name += k + (name[k] == '.');
	}
	put8(w, 0);
}

/* A query for name A, or its answer: 203.0.113.203 from the old server,
 * .204 from the new one. */
static size_t dns(uint8_t *out, unsigned id, const char *name, bool response,
                  unsigned server)
{
	struct bytes w = { .n = 0 };
	put16(&w, id);
	put16(&w, response ? 0x8180 : 0x0100);
	put16(&w, 1);
	put16(&w, response);
	put16(&w, 0);
	put16(&w, 0);
	put_name(&w, name);
	put16(&w, 1);
	put16(&w, 1);
	if (response) {
		put16(&w, 0xc00c);
		put16(&w, 1);
		put16(&w, 1);
		put32(&w, 300);
		put16(&w, 4);
		put_mem(&w, "\xcb\x00\x71", 3);
		put8(&w, server == NEW ? 204 : 203);
	}
	memcpy(out, w.b, w.n);
	return w.n;
}

/* ---- Frames ---- */

struct pkt {
	int      link;
	bool     v6;
	unsigned src, dst;           /* host parts */
	unsigned sport, dport;
	int      proto;
	uint32_t seq, ack;
	unsigned flags;
	const uint8_t *data;
	size_t   len;
};

static void addr(bool v6, unsigned host, uint8_t out[16])
{
	static const uint8_t p6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00 };
	static const uint8_t p4[4] = { 198, 51, 100, 0 };
	memcpy(out, v6 ? p6 : p4, v6 ? 16 : 4);
	out[v6 ? 15 : 3] = (uint8_t)(v6 ? host / 10 * 16 + host % 10 : host);
}

static void put_link(struct bytes *w, const struct pkt *p)
{
	unsigned type = p->v6 ? 0x86dd : 0x0800;
	bool out = p->src == CLIENT;

	switch (p->link) {
	case L_EN10MB:
		put_mem(w, out ? "\x02\0\0\0\0\x10\x02\0\0\0\0\x02"
		               : "\x02\0\0\0\0\x02\x02\0\0\0\0\x10", 12);
		put16(w, type);
		break;
	case L_SLL:
		put16(w, out ? 4 : 0);
		put16(w, 1);
		put16(w, 6);
		put_mem(w, "\x02\0\0\0\0\x02\0\0", 8);
		put16(w, type);
		break;
	case L_SLL2:
		put16(w, type);
		put16(w, 0);
		put32(w, 2);            /* interface index */
		put16(w, 1);
		put8(w, out ? 4 : 0);
		put8(w, 6);
		put_mem(w, "\x02\0\0\0\0\x02\0\0", 8);
		break;
	case L_NULL:                /* the writer's order: little-endian here */
		put_mem(w, p->v6 ? "\x1e\0\0\0" : "\x02\0\0\0", 4);
		break;
	case L_LOOP:                /* network order */
		put_mem(w, p->v6 ? "\0\0\0\x1e" : "\0\0\0\x02", 4);
		break;
	default:                    /* raw IP */
		break;
	}
}

static size_t frame(uint8_t *out, const struct pkt *p)
{
	struct bytes w = { .n = 0 };
	uint8_t s[16], d[16];
	size_t l4 = (p->proto == TCP ? 20 : 8) + p->len, ip;

	addr(p->v6, p->src, s);
	addr(p->v6, p->dst, d);
	put_link(&w, p);
	ip = w.n;
	if (p->v6) {
		put32(&w, 0x60000000);
		put16(&w, (unsigned)l4);
		put8(&w, (unsigned)p->proto);
		put8(&w, 64);
		put_mem(&w, s, 16);
		put_mem(&w, d, 16);
	} else {
		put8(&w, 0x45);
		put8(&w, 0);
		put16(&w, (unsigned)(20 + l4));
		put16(&w, 0);
		put16(&w, 0x4000);
		put8(&w, 64);
		put8(&w, (unsigned)p->proto);
		put16(&w, 0);
		put_mem(&w, s, 4);
		put_mem(&w, d, 4);
		poke16(w.b + ip + 10, csum_fold(csum_add(0, w.b + ip, 20)));
	}
	size_t th = w.n;
	put16(&w, p->sport);
	put16(&w, p->dport);
	if (p->proto == TCP) {
		put32(&w, p->seq);
		put32(&w, p->ack);
		put8(&w, 5 << 4);
		put8(&w, p->flags);
		put16(&w, 65535);
		put32(&w, 0);           /* checksum, urgent pointer */
	} else {
		put16(&w, (unsigned)l4);
		put16(&w, 0);
	}
	put_mem(&w, p->data, p->len);
	/* The pseudo-header, then the transport header and payload. */
	size_t alen = p->v6 ? 16 : 4;
	uint32_t sum = csum_add(csum_add(0, s, alen), d, alen);
	sum += (uint32_t)p->proto + (uint32_t)l4;
	unsigned c = csum_fold(csum_add(sum, w.b + th, l4));
	poke16(w.b + th + (p->proto == TCP ? 16 : 6), c ? c : 0xffff);
	memcpy(out, w.b, w.n);
	return w.n;
}

/* ---- Files ---- */

struct cap {
	FILE    *f;
	bool     ng, be, nano;
	unsigned snaplen;           /* pcap: of the file */
	unsigned snap[8];           /* pcapng: of each interface */
	uint64_t units[8];          /* pcapng: timestamp units per second */
	int64_t  offset[8];         /* pcapng: if_tsoffset */
	uint64_t us;                /* the next packet's time, microseconds */
};

static void w8(struct cap *c, unsigned v) { fputc((int)(v & 0xff), c->f); }
static void w16(struct cap *c, unsigned v)
{
	if (c->be) { w8(c, v >> 8); w8(c, v); } else { w8(c, v); w8(c, v >> 8); }
}
static void w32(struct cap *c, uint32_t v)
{
	if (c->be) { w16(c, v >> 16); w16(c, v & 0xffff); }
	else { w16(c, v & 0xffff); w16(c, v >> 16); }
}
static void wmem(struct cap *c, const void *p, size_t n) { fwrite(p, 1, n, c->f); }
static void wpad(struct cap *c, size_t n) { while (n++ % 4) w8(c, 0); }

static void cap_open(struct cap *c, const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	c->f = fopen(path, "wb");
	if (!c->f) {
		perror(path);
		exit(1);
	}
	c->us = T0_US;
}

static void cap_close(struct cap *c)
{
	if (ferror(c->f) | fclose(c->f)) {
		fputs("gen_corpus: write error\n", stderr);
		exit(1);
	}
}

/* Classic pcap: magic a1b2c3d4 (microseconds) or a1b23c4d (nano). */
static void pcap_start(struct cap *c, const char *dir, const char *name,
                       int link, unsigned snaplen, bool be, bool nano)
{
	cap_open(c, dir, name);
	c->ng = false;
	c->be = be;
	c->snaplen = snaplen;
	w32(c, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	w16(c, 2);
	w16(c, 4);
	w32(c, 0);
	w32(c, 0);
	w32(c, snaplen);
	w32(c, (uint32_t)link);
	c->nano = nano;
}

static void ng_shb(struct cap *c, bool be)
{
	c->be = be;
	w32(c, 0x0a0d0d0a);
	w32(c, 28);
	w32(c, 0x1a2b3c4d);
	w16(c, 1);
	w16(c, 0);
	w32(c, 0xffffffff);         /* section length unknown */
	w32(c, 0xffffffff);
	w32(c, 28);
}

static void pcapng_start(struct cap *c, const char *dir, const char *name, bool be)
{
	cap_open(c, dir, name);
	c->ng = true;
	ng_shb(c, be);
}

/* An interface; tsresol < 0: the default (microseconds). */
static void ng_idb(struct cap *c, unsigned iface, int link, unsigned snaplen,
                   int tsresol, int64_t tsoffset)
{
	uint32_t len = 20 + (tsresol >= 0 ? 8 : 0) + (tsoffset ? 12 : 0) + 4;
	c->snap[iface] = snaplen;
	c->offset[iface] = tsoffset;
	c->units[iface] = 1000000;
	if (tsresol >= 0) {
		c->units[iface] = 1;
		for (int e = tsresol & 0x7f; e > 0; e--)
			c->units[iface] *= tsresol & 0x80 ? 2 : 10;
	}
	w32(c, 1);
	w32(c, len);
	w16(c, (unsigned)link);
	w16(c, 0);
	w32(c, snaplen);
	if (tsresol >= 0) {
		w16(c, 9);
		w16(c, 1);
		w8(c, (unsigned)tsresol);
		wpad(c, 1);
	}
	if (tsoffset) {
		w16(c, 14);
		w16(c, 8);
		w32(c, c->be ? (uint32_t)((uint64_t)tsoffset >> 32) : (uint32_t)tsoffset);
		w32(c, c->be ? (uint32_t)tsoffset : (uint32_t)((uint64_t)tsoffset >> 32));
	}
	w32(c, 0);                  /* opt_endofopt */
	w32(c, len);
}

static void ng_other_block(struct cap *c, uint32_t type, size_t body)
{
	w32(c, type);
	w32(c, (uint32_t)(12 + body));
	for (size_t i = 0; i < body; i++)
		w8(c, 0);
	w32(c, (uint32_t)(12 + body));
}

/* ---- Packets ---- */

static uint32_t caplen_of(const struct cap *c, unsigned iface, size_t len)
{
	unsigned snap = c->ng ? c->snap[iface] : c->snaplen;
	return (uint32_t)(snap && len > snap ? snap : len);
}

/* Block types of packets pcapng has had. */
enum { EPB = 6, SPB = 3, PB = 2 };

static void ng_packet(struct cap *c, int type, unsigned iface,
                      const uint8_t *f, size_t len)
{
	uint32_t caplen = caplen_of(c, iface, len);
	size_t pad = (4 - caplen % 4) % 4;
	uint32_t blen = (uint32_t)((type == SPB ? 16 : 32) + caplen + pad);
	unsigned __int128 ts = (unsigned __int128)(c->us - (uint64_t)c->offset[iface] * 1000000)
	                       * c->units[iface] / 1000000;

	w32(c, (uint32_t)type);
	w32(c, blen);
	if (type == SPB) {
		w32(c, (uint32_t)len);
	} else {
		if (type == EPB) {
			w32(c, iface);
		} else {
			w16(c, iface);
			w16(c, 0);          /* drops */
		}
		w32(c, (uint32_t)(ts >> 32));
		w32(c, (uint32_t)ts);
		w32(c, caplen);
		w32(c, (uint32_t)len);
	}
	wmem(c, f, caplen);
	wpad(c, caplen);
	w32(c, blen);
}

static void pcap_packet(struct cap *c, const uint8_t *f, size_t len)
{
	uint32_t caplen = caplen_of(c, 0, len);
	uint64_t sec = c->us / 1000000, frac = c->us % 1000000;
	w32(c, (uint32_t)sec);
	w32(c, (uint32_t)(c->nano ? frac * 1000 : frac));
	w32(c, caplen);
	w32(c, (uint32_t)len);
	wmem(c, f, caplen);
}

/* One frame, on interface iface of a pcapng file (an EPB) or in a pcap. */
static void emit(struct cap *c, unsigned iface, const struct pkt *p)
{
	uint8_t f[4096];
	size_t len = frame(f, p);
	if (c->ng)
		ng_packet(c, EPB, iface, f, len);
	else
		pcap_packet(c, f, len);
	c->us += STEP_US;
}

/* A UDP query from the client and the server's answer. */
static void udp_exchange(struct cap *c, unsigned iface, int link, bool v6,
                         unsigned server, unsigned id, const char *name)
{
	uint8_t d[512];
	struct pkt p = { link, v6, CLIENT, server, 40000 + id, 53, UDP, 0, 0, 0, d, 0 };

	p.len = dns(d, id, name, false, server);
	emit(c, iface, &p);
	p.len = dns(d, id, name, true, server);
	p.src = server;
	p.dst = CLIENT;
	p.sport = 53;
	p.dport = 40000 + id;
	emit(c, iface, &p);
}

/* ---- TCP conversations ---- */

struct conn {
	struct cap *c;
	unsigned iface;
	int      link;
	bool     v6;
	unsigned server, port;
	uint32_t seq[2];            /* next sequence number: client, server */
};

static void tcp_seg(struct conn *k, int from_server, uint32_t seq, unsigned flags,
                    const uint8_t *data, size_t len)
{
	struct pkt p = { k->link, k->v6, CLIENT, k->server, k->port, 53, TCP,
	                 seq, k->seq[!from_server], flags, data, len };
	if (from_server) {
		p.src = k->server;
		p.dst = CLIENT;
		p.sport = 53;
		p.dport = k->port;
	}
	emit(k->c, k->iface, &p);
}

/* The next len bytes of one side, in order. */
static void tcp_send(struct conn *k, int from_server, const uint8_t *data, size_t len)
{
	tcp_seg(k, from_server, k->seq[from_server], PSH | ACK, data, len);
	k->seq[from_server] += (uint32_t)len;
}

static void tcp_open(struct conn *k, struct cap *c, unsigned iface, int link,
                     bool v6, unsigned server, unsigned port)
{
	*k = (struct conn){ c, iface, link, v6, server, port,
	                    { 1000000u * port, 2000000u * port } };
	tcp_seg(k, 0, k->seq[0]++, SYN, NULL, 0);
	tcp_seg(k, 1, k->seq[1]++, SYN | ACK, NULL, 0);
	tcp_seg(k, 0, k->seq[0], ACK, NULL, 0);
}

static void tcp_close(struct conn *k)
{
	tcp_seg(k, 0, k->seq[0]++, FIN | ACK, NULL, 0);
	tcp_seg(k, 1, k->seq[1]++, FIN | ACK, NULL, 0);
	tcp_seg(k, 0, k->seq[0], ACK, NULL, 0);
}

/* n length-prefixed messages, ids from id, into out; returns the bytes. */
static size_t tcp_messages(uint8_t *out, unsigned id, unsigned n, bool response,
                           unsigned server)
{
	static const char *const names[] = { "hat.com", "mail.hat.com", "www.hat.com" };
	size_t len = 0;
	for (unsigned i = 0; i < n; i++) {
		size_t m = dns(out + len + 2, id + i, names[i % 3], response, server);
		poke16(out + len, (unsigned)m);
		len += 2 + m;
	}
	return len;
}

/* ---- The corpus ---- */

/* Eight interfaces, each its own link type, packets interleaved, with a
 * statistics and a name resolution block among them: 73 packets. */
static void multi_link(const char *dir)
{
	static const struct { int link; bool v6; } ifs[] = {
		{ L_EN10MB, false }, { L_SLL, true }, { L_RAW, false }, { L_SLL2, true },
		{ L_NULL, false }, { L_IPV4, false }, { L_IPV6, true }, { L_LOOP, false },
	};
	struct cap c;
	uint8_t ntp[48] = { 0x23 };

	pcapng_start(&c, dir, "multi-link.pcapng", false);
	for (unsigned i = 0; i < 8; i++)
		ng_idb(&c, i, ifs[i].link, 262144, -1, 0);
	for (unsigned i = 0; i < 36; i++) {
		unsigned k = i % 8;
		udp_exchange(&c, k, ifs[k].link, ifs[k].v6, i < 18 ? OLD : NEW, i + 1,
		             "hat.com");
		if (i == 10)
			ng_other_block(&c, 5, 12);   /* interface statistics */
		if (i == 20)
			ng_other_block(&c, 4, 4);    /* name resolution, empty */
	}
	struct pkt p = { L_EN10MB, false, CLIENT, OLD, 40123, 123, UDP, 0, 0, 0,
	                 ntp, sizeof ntp };
	emit(&c, 0, &p);                     /* not DNS */
	cap_close(&c);
}

/* Two Ethernet interfaces, one capturing 80 bytes a packet: its answers
 * are cut in their address (query whole, answer cut): 40 packets. */
static void multi_snaplen(const char *dir)
{
	struct cap c;

	pcapng_start(&c, dir, "multi-snaplen.pcapng", false);
	ng_idb(&c, 0, L_EN10MB, 262144, -1, 0);
	ng_idb(&c, 1, L_EN10MB, 80, -1, 0);
	for (unsigned i = 0; i < 20; i++)
		udp_exchange(&c, i % 2, L_EN10MB, false, OLD, 100 + i, "hat.com");
	cap_close(&c);
}

/* Two sections, little- then big-endian, with nanosecond, 2^-20 and
 * offset clocks, and the simple and obsolete packet blocks. */
static void sections(const char *dir)
{
	struct cap c;
	uint8_t d[512], f[4096];
	struct pkt p = { L_SLL2, true, CLIENT, NEW, 40500, 53, UDP, 0, 0, 0, d, 0 };

	pcapng_start(&c, dir, "sections.pcapng", false);
	ng_idb(&c, 0, L_EN10MB, 262144, 9, 0);
	for (unsigned i = 0; i < 4; i++)
		udp_exchange(&c, 0, L_EN10MB, false, OLD, 200 + i, "hat.com");
	ng_shb(&c, true);
	ng_idb(&c, 0, L_SLL2, 262144, 0x80 | 20, 0);
	ng_idb(&c, 1, L_RAW, 262144, 3, 1000);
	for (unsigned i = 0; i < 4; i++)
		udp_exchange(&c, i % 2, i % 2 ? L_RAW : L_SLL2, i % 2 == 0, NEW,
		             300 + i, "mail.hat.com");
	p.len = dns(d, 400, "www.hat.com", false, NEW);
	ng_packet(&c, SPB, 0, f, frame(f, &p));
	p.len = dns(d, 401, "www.hat.com", false, NEW);
	ng_packet(&c, PB, 0, f, frame(f, &p));
	cap_close(&c);
}

/* snaplen 60: on Ethernet the DNS header is there, the question cut; on
 * raw IP the question is there too, the answer cut. */
static void snaplen60(const char *dir)
{
	struct cap c;

	pcap_start(&c, dir, "snaplen60.pcap", L_EN10MB, 60, false, false);
	for (unsigned i = 0; i < 3; i++)
		udp_exchange(&c, 0, L_EN10MB, false, i ? NEW : OLD, 500 + i, "hat.com");
	cap_close(&c);
	pcap_start(&c, dir, "snaplen60-raw.pcap", L_RAW, 60, false, false);
	for (unsigned i = 0; i < 3; i++)
		udp_exchange(&c, 0, L_RAW, false, i ? NEW : OLD, 510 + i, "hat.com");
	cap_close(&c);
}

/* Seven queries in one segment, seven answers in one segment. */
static void tcp_seven(const char *dir)
{
	struct cap c;
	struct conn k;
	uint8_t m[4096];

	pcap_start(&c, dir, "tcp-seven.pcap", L_EN10MB, 262144, false, false);
	tcp_open(&k, &c, 0, L_EN10MB, false, OLD, 41000);
	tcp_send(&k, 0, m, tcp_messages(m, 600, 7, false, OLD));
	tcp_send(&k, 1, m, tcp_messages(m, 600, 7, true, OLD));
	tcp_close(&k);
	cap_close(&c);
}

/* Messages split across segments: in two, in three with the length
 * prefix itself split, one and a half messages then the rest with a
 * whole one, and a message a byte at a time.  6 messages. */
static void tcp_split(const char *dir)
{
	struct cap c;
	struct conn k;
	uint8_t m[4096];
	size_t n;

	pcap_start(&c, dir, "tcp-split.pcap", L_SLL, 262144, false, false);
	tcp_open(&k, &c, 0, L_SLL, true, NEW, 42000);
	n = tcp_messages(m, 700, 1, false, NEW);
	tcp_send(&k, 0, m, 10);
	tcp_send(&k, 0, m + 10, n - 10);
	n = tcp_messages(m, 700, 1, true, NEW);
	tcp_send(&k, 1, m, 1);
	tcp_send(&k, 1, m + 1, 20);
	tcp_send(&k, 1, m + 21, n - 21);
	n = tcp_messages(m, 701, 3, false, NEW);
	size_t first = n / 2;               /* inside the second message */
	tcp_send(&k, 0, m, first);
	tcp_send(&k, 0, m + first, n - first);
	n = tcp_messages(m, 704, 1, true, NEW);
	for (size_t i = 0; i < n; i++)
		tcp_send(&k, 1, m + i, 1);
	tcp_close(&k);
	cap_close(&c);
}

/* Out of order, sent again whole, sent again overlapping: each message
 * once.  tshark agrees with tcp.reassemble_out_of_order set. 5 messages. */
static void tcp_reorder(const char *dir)
{
	struct cap c;
	struct conn k;
	uint8_t m[4096];
	size_t n;
	uint32_t s;

	pcap_start(&c, dir, "tcp-reorder.pcap", L_EN10MB, 262144, false, false);
	tcp_open(&k, &c, 0, L_EN10MB, false, OLD, 43000);
	n = tcp_messages(m, 800, 1, false, OLD);
	s = k.seq[0];
	tcp_seg(&k, 0, s + 12, PSH | ACK, m + 12, n - 12);   /* the end first */
	tcp_seg(&k, 0, s, ACK, m, 12);
	k.seq[0] += (uint32_t)n;
	n = tcp_messages(m, 800, 1, true, OLD);
	s = k.seq[1];
	tcp_send(&k, 1, m, n);
	tcp_seg(&k, 1, s, PSH | ACK, m, n);                  /* sent again */
	n = tcp_messages(m, 801, 2, false, OLD);
	s = k.seq[0];
	tcp_seg(&k, 0, s, ACK, m, 10);
	tcp_seg(&k, 0, s, PSH | ACK, m, n);                  /* again, and more */
	k.seq[0] += (uint32_t)n;
	n = tcp_messages(m, 801, 1, true, OLD);
	tcp_send(&k, 1, m, n);
	tcp_close(&k);
	cap_close(&c);
}

/* snaplen 100 on TCP: the first segment's second message is cut (it
 * counts with what is there) and the stream goes on after it.  (When a
 * cut hides where a message starts, decode takes the next segment to
 * start one and tshark does not: check_tcpdns.c tests that.) */
static void tcp_snaplen(const char *dir)
{
	struct cap c;
	struct conn k;
	uint8_t m[4096];

	pcap_start(&c, dir, "tcp-snaplen.pcap", L_EN10MB, 100, false, false);
	tcp_open(&k, &c, 0, L_EN10MB, false, NEW, 44000);
	tcp_send(&k, 0, m, tcp_messages(m, 900, 2, false, NEW));
	tcp_send(&k, 0, m, tcp_messages(m, 903, 1, false, NEW));
	tcp_send(&k, 1, m, tcp_messages(m, 903, 1, true, NEW));
	tcp_close(&k);
	cap_close(&c);
}

/* Classic pcap, big-endian, nanoseconds, Linux cooked v2, IPv6. */
static void pcap_nsec_be(const char *dir)
{
	struct cap c;

	pcap_start(&c, dir, "nsec-big-endian.pcap", L_SLL2, 262144, true, true);
	for (unsigned i = 0; i < 5; i++)
		udp_exchange(&c, 0, L_SLL2, true, i < 2 ? OLD : NEW, 1000 + i, "hat.com");
	cap_close(&c);
}

/* ---- Damaged files: decode must stop and say why (exit 2) ---- */

/* Two good exchanges, then what f writes. */
static void damaged(const char *dir, const char *name, void (*f)(struct cap *c))
{
	struct cap c;
	char path[4096];

	snprintf(path, sizeof path, "%s/damaged", dir);
	pcapng_start(&c, path, name, false);
	ng_idb(&c, 0, L_EN10MB, 262144, -1, 0);
	udp_exchange(&c, 0, L_EN10MB, false, OLD, 1, "hat.com");
	udp_exchange(&c, 0, L_EN10MB, false, OLD, 2, "hat.com");
	f(&c);
	cap_close(&c);
}

static void block_length_odd(struct cap *c)
{
	w32(c, EPB);
	w32(c, 61);                 /* not a multiple of 4 */
	for (int i = 0; i < 53; i++)
		w8(c, 0);
	w32(c, 61);
}

static void block_lengths_differ(struct cap *c)
{
	uint8_t f[4096];
	struct pkt p = { L_EN10MB, false, CLIENT, OLD, 40003, 53, UDP, 0, 0, 0,
	                 (const uint8_t *)"\0\3\1\0\0\0\0\0\0\0\0\0", 12 };
	ng_packet(c, EPB, 0, f, frame(f, &p));
	fseek(c->f, -4, SEEK_CUR);
	w32(c, 4);
}

static void iface_unknown(struct cap *c)
{
	uint8_t f[4096];
	struct pkt p = { L_EN10MB, false, CLIENT, OLD, 40003, 53, UDP, 0, 0, 0,
	                 (const uint8_t *)"\0\3\1\0\0\0\0\0\0\0\0\0", 12 };
	ng_packet(c, EPB, 3, f, frame(f, &p));   /* one interface described */
}

static void iface_usb(struct cap *c)
{
	uint8_t f[64] = { 0 };
	ng_idb(c, 1, L_USB, 262144, -1, 0);
	ng_packet(c, EPB, 1, f, sizeof f);
}

static void file_cut(struct cap *c)
{
	uint8_t f[4096];
	struct pkt p = { L_EN10MB, false, CLIENT, OLD, 40003, 53, UDP, 0, 0, 0,
	                 (const uint8_t *)"\0\3\1\0\0\0\0\0\0\0\0\0", 12 };
	size_t len = frame(f, &p);
	w32(c, EPB);
	w32(c, (uint32_t)(32 + len + 2));
	wmem(c, f, 20);             /* and the file ends */
}

static void damaged_all(const char *dir)
{
	struct cap c;
	char path[4096];

	damaged(dir, "block-length-odd.pcapng", block_length_odd);
	damaged(dir, "block-lengths-differ.pcapng", block_lengths_differ);
	damaged(dir, "interface-unknown.pcapng", iface_unknown);
	damaged(dir, "interface-usb.pcapng", iface_usb);
	damaged(dir, "file-cut.pcapng", file_cut);
	snprintf(path, sizeof path, "%s/damaged", dir);
	pcap_start(&c, path, "record-huge.pcap", L_EN10MB, 262144, false, false);
	udp_exchange(&c, 0, L_EN10MB, false, OLD, 1, "hat.com");
	w32(&c, 0);
	w32(&c, 0);
	w32(&c, 0x7fffffff);        /* captured length */
	w32(&c, 0x7fffffff);
	cap_close(&c);
	pcap_start(&c, path, "link-usb.pcap", L_USB, 262144, false, false);
	cap_close(&c);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2) {
		fputs("usage: gen_corpus DIR\n", stderr);
		return 2;
	}
	snprintf(path, sizeof path, "%s/damaged", argv[1]);
	mkdir(argv[1], 0755);
	mkdir(path, 0755);
	multi_link(argv[1]);
	multi_snaplen(argv[1]);
	sections(argv[1]);
	snaplen60(argv[1]);
	tcp_seven(argv[1]);
	tcp_split(argv[1]);
	tcp_reorder(argv[1]);
	tcp_snaplen(argv[1]);
	pcap_nsec_be(argv[1]);
	damaged_all(argv[1]);
	return 0;
}
