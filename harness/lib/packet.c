/*
 * packet.c - peel one captured frame down to the DNS messages it carries.
 *
 * Owns: the link layers of packet.h, IPv4 and IPv6 (extension headers
 * walked, fragments not reassembled), UDP and TCP headers, a DNS message
 * cut by the capture, the one-frame RFC 1035 4.2.2 walk of pkt_decode(),
 * and the mapping of dns_parse() results onto pkt_status.
 * Never: reads a byte it has not bounds-checked, trusts a length field
 * beyond what was captured, reassembles anything, or makes a system call.
 *
 * Each layer is bounded twice: by what its header claims and by what the
 * capture holds.  Running out of claimed room is PKT_INVALID (the headers
 * contradict each other); running out of captured bytes is PKT_TRUNCATED
 * (snaplen or a fragment cut it).  Bytes past a claimed length, such as
 * Ethernet padding, are never handed on.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"

#define VLAN_TAGS_MAX 2
#define DNS_PORT      53

struct span {
	const uint8_t *p;
	size_t         len;
};

/* Decoding state; a layer that cannot go on records why and returns false,
 * so pkt_decode() reads as one chain of layers. */
struct decode {
	struct span      s;   /* the current layer, as captured */
	enum pkt_status  st;
	const char      *why;
};

/* What the IP layer hands to UDP or TCP. */
struct transport {
	uint8_t     proto;
	struct span s;        /* present bytes, never more than claimed */
	size_t      claimed;  /* bytes the IP header says follow */
	bool        more;     /* more IP fragments follow: claimed is not all */
};

static bool stop(struct decode *d, enum pkt_status st, const char *why)
{
	d->st = st;
	d->why = why;
	return false;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void advance(struct span *s, size_t n)
{
	s->p += n;
	s->len -= n;
}

/* Link layers: each leaves d->s on the network header and says which IP
 * version the link believes it is (0: not IP). */

static bool ethertype_walk(struct decode *d, uint16_t type, int *ipver)
{
	for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
		if (tags == VLAN_TAGS_MAX)
			return stop(d, PKT_UNSUPPORTED, "vlan: more than two tags");
		if (d->s.len < 4)
			return stop(d, PKT_TRUNCATED, "vlan tag");
		type = be16(d->s.p + 2);
		advance(&d->s, 4);
	}
	switch (type) {
	case 0x0800: *ipver = 4; return true;
	case 0x86dd: *ipver = 6; return true;
	}
	return stop(d, PKT_SKIP, "link: not ip");
}

/* Ethernet, SLL and SLL2 differ only in header size and where the
 * ethertype sits. */
static bool ether_like_strip(struct decode *d, size_t hlen, size_t type_at,
                             const char *what, int *ipver)
{
	if (d->s.len < hlen)
		return stop(d, PKT_TRUNCATED, what);
	uint16_t type = be16(d->s.p + type_at);
	advance(&d->s, hlen);
	return ethertype_walk(d, type, ipver);
}

static bool raw_strip(struct decode *d, int *ipver)
{
	if (d->s.len < 1)
		return stop(d, PKT_TRUNCATED, "raw ip: empty");
	switch (d->s.p[0] >> 4) {
	case 4: *ipver = 4; return true;
	case 6: *ipver = 6; return true;
	}
	return stop(d, PKT_INVALID, "raw ip: version neither 4 nor 6");
}

/* BSD loopback: the address family in the capturing host's byte order,
 * which need not be ours (OpenBSD's LOOP: network order); the values are
 * small, so a swapped one shows. */
static bool null_strip(struct decode *d, int *ipver)
{
	uint32_t af;

	if (d->s.len < 4)
		return stop(d, PKT_TRUNCATED, "loopback header");
	memcpy(&af, d->s.p, 4);
	if (af & 0xffff0000u)
		af = __builtin_bswap32(af);
	advance(&d->s, 4);
	switch (af) {
	case 2:
		*ipver = 4;
		return true;
	case 10: case 24: case 28: case 30: /* Linux, Net/OpenBSD, FreeBSD, macOS */
		*ipver = 6;
		return true;
	}
	return stop(d, PKT_SKIP, "loopback: not ip");
}

static bool link_strip(struct decode *d, int linktype, int *ipver)
{
	switch (linktype) {
	case PKT_LINK_EN10MB:
		return ether_like_strip(d, 14, 12, "ethernet header", ipver);
	case PKT_LINK_LINUX_SLL:
		return ether_like_strip(d, 16, 14, "sll header", ipver);
	case PKT_LINK_LINUX_SLL2:
		return ether_like_strip(d, 20, 0, "sll2 header", ipver);
	case PKT_LINK_RAW:
	case PKT_LINK_RAW_ALT:
	case PKT_LINK_IPV4:
	case PKT_LINK_IPV6:
		return raw_strip(d, ipver);
	case PKT_LINK_NULL:
	case PKT_LINK_LOOP:
		return null_strip(d, ipver);
	}
	return stop(d, PKT_UNSUPPORTED, "link type");
}

/* Network layers. */

static void addr_set(struct pkt_addr *a, int family, const uint8_t *p)
{
	a->family = family;
	memcpy(a->a, p, family == 4 ? 4 : 16);
}

static bool ipv4_strip(struct decode *d, struct transport *t,
                       struct pkt_addr *src, struct pkt_addr *dst)
{
	const uint8_t *p = d->s.p;

	if (d->s.len < 20)
		return stop(d, PKT_TRUNCATED, "ipv4 header");
	if (p[0] >> 4 != 4)
		return stop(d, PKT_INVALID, "ipv4 header: version not 4");
	size_t hlen = (p[0] & 0x0fu) * 4;
	if (hlen < 20)
		return stop(d, PKT_INVALID, "ipv4 header: header length < 20");
	size_t total = be16(p + 2);
	if (total < hlen)
		return stop(d, PKT_INVALID, "ipv4 header: total length < header length");
	if (d->s.len < hlen)
		return stop(d, PKT_TRUNCATED, "ipv4 options");
	addr_set(src, 4, p + 12);
	addr_set(dst, 4, p + 16);
	uint16_t frag = be16(p + 6);
	if (frag & 0x1fff)
		return stop(d, PKT_SKIP, "ipv4: not the first fragment");
	t->more = frag & 0x2000;
	t->proto = p[9];
	t->claimed = total - hlen;
	t->s.p = p + hlen;
	t->s.len = (total < d->s.len ? total : d->s.len) - hlen;
	return true;
}

/* n more header bytes of a layer whose claimed and present sizes are
 * known: lacking room in the claim is INVALID, lacking capture TRUNCATED. */
static bool need(struct decode *d, const struct transport *t, size_t n,
                 const char *what)
{
	if (t->claimed < n)
		return stop(d, PKT_INVALID, what);
	if (t->s.len < n)
		return stop(d, PKT_TRUNCATED, what);
	return true;
}

static void transport_advance(struct transport *t, size_t n)
{
	advance(&t->s, n);
	t->claimed -= n;
}

/* Step over IPv6 extension headers until the upper-layer protocol. */
static bool ipv6_ext_walk(struct decode *d, struct transport *t, uint8_t next)
{
	for (;;) {
		size_t n;
		switch (next) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (!need(d, t, 2, "ipv6 extension header"))
				return false;
			n = (t->s.p[1] + 1u) * 8;
			break;
		case 51: /* authentication header counts 4-byte units */
			if (!need(d, t, 2, "ipv6 authentication header"))
				return false;
			n = (t->s.p[1] + 2u) * 4;
			break;
		case 44:
			if (!need(d, t, 8, "ipv6 fragment header"))
				return false;
			if (be16(t->s.p + 2) & 0xfff8)
				return stop(d, PKT_SKIP, "ipv6: not the first fragment");
			t->more = t->s.p[3] & 1;
			n = 8;
			break;
		default:
			t->proto = next;
			return true;
		}
		if (!need(d, t, n, "ipv6 extension header"))
			return false;
		next = t->s.p[0];
		transport_advance(t, n);
	}
}

static bool ipv6_strip(struct decode *d, struct transport *t,
                       struct pkt_addr *src, struct pkt_addr *dst)
{
	const uint8_t *p = d->s.p;

	if (d->s.len < 40)
		return stop(d, PKT_TRUNCATED, "ipv6 header");
	if (p[0] >> 4 != 6)
		return stop(d, PKT_INVALID, "ipv6 header: version not 6");
	addr_set(src, 6, p + 8);
	addr_set(dst, 6, p + 24);
	size_t present = d->s.len - 40;
	/* Payload length 0 is a jumbogram or an offloaded send: the capture
	 * is then the only length there is. */
	t->claimed = be16(p + 4) ? be16(p + 4) : present;
	t->s.p = p + 40;
	t->s.len = t->claimed < present ? t->claimed : present;
	return ipv6_ext_walk(d, t, p[6]);
}

static bool ip_strip(struct decode *d, int ipver, struct transport *t,
                     struct pkt_addr *src, struct pkt_addr *dst)
{
	return ipver == 4 ? ipv4_strip(d, t, src, dst) : ipv6_strip(d, t, src, dst);
}

/* Transport layers. */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool ports_read(struct decode *d, const struct transport *t,
                       struct pkt_flow *f)
{
	f->proto = t->proto;
	f->sport = be16(t->s.p);
	f->dport = be16(t->s.p + 2);
	if (f->sport != DNS_PORT && f->dport != DNS_PORT)
		return stop(d, PKT_SKIP, "not port 53");
	return true;
}

/* A first fragment holds less than the datagram claims: that is the
 * capture's shortfall, as a snaplen cut is, not a lie of the header. */
static bool udp_strip(struct decode *d, struct transport *t, struct pkt_seg *seg)
{
	if (!need(d, t, 8, "udp header") || !ports_read(d, t, &seg->f))
		return false;
	size_t ulen = be16(t->s.p + 4);
	if (ulen < 8)
		return stop(d, PKT_INVALID, "udp header: length < 8");
	if (ulen > t->claimed && !t->more)
		return stop(d, PKT_INVALID, "udp header: length exceeds ip payload");
	seg->p = t->s.p + 8;
	seg->present = (ulen < t->s.len ? ulen : t->s.len) - 8;
	seg->claimed = ulen - 8;
	return true;
}

static bool tcp_strip(struct decode *d, struct transport *t, struct pkt_seg *seg)
{
	if (!need(d, t, 20, "tcp header") || !ports_read(d, t, &seg->f))
		return false;
	size_t hlen = (t->s.p[12] >> 4) * 4u;
	if (hlen < 20)
		return stop(d, PKT_INVALID, "tcp header: data offset < 5");
	if (!need(d, t, hlen, "tcp options"))
		return false;
	seg->seq = be32(t->s.p + 4);
	/* FIN, SYN and RST are the low three bits of the flags byte. */
	seg->tcp_flags = t->s.p[13] & (PKT_TCP_FIN | PKT_TCP_SYN | PKT_TCP_RST);
	transport_advance(t, hlen);
	seg->p = t->s.p;
	seg->present = t->s.len;
	seg->claimed = t->claimed;
	return true;
}

static bool transport_strip(struct decode *d, struct transport *t,
                            struct pkt_seg *seg)
{
	switch (t->proto) {
	case 17: return udp_strip(d, t, seg);
	case 6:  return tcp_strip(d, t, seg);
	}
	seg->f.proto = t->proto;
	return stop(d, PKT_SKIP, "not udp or tcp");
}

bool pkt_link_supported(int linktype)
{
	return pkt_link_name(linktype) != NULL;
}

const char *pkt_link_name(int linktype)
{
	switch (linktype) {
	case PKT_LINK_NULL:       return "NULL";
	case PKT_LINK_EN10MB:     return "EN10MB";
	case PKT_LINK_RAW:
	case PKT_LINK_RAW_ALT:    return "RAW";
	case PKT_LINK_LOOP:       return "LOOP";
	case PKT_LINK_LINUX_SLL:  return "LINUX_SLL";
	case PKT_LINK_IPV4:       return "IPV4";
	case PKT_LINK_IPV6:       return "IPV6";
	case PKT_LINK_LINUX_SLL2: return "LINUX_SLL2";
	}
	return NULL;
}

enum pkt_status pkt_segment(int linktype, const uint8_t *frame, size_t caplen,
                            struct pkt_seg *seg, const char **why)
{
	struct decode d = { { frame, caplen }, PKT_DNS, NULL };
	struct transport t = { 0 };
	int ipver = 0;

	memset(seg, 0, sizeof *seg);
	if (link_strip(&d, linktype, &ipver) &&
	    ip_strip(&d, ipver, &t, &seg->f.src, &seg->f.dst))
		transport_strip(&d, &t, seg);
	if (why)
		*why = d.why;
	return d.st;
}

/* DNS. */

static enum pkt_status from_dns(enum dns_status st)
{
	return st == DNS_OK ? PKT_DNS : st == DNS_TRUNCATED ? PKT_TRUNCATED : PKT_INVALID;
}

enum pkt_status pkt_dns_message(const uint8_t *p, size_t present, size_t claimed,
                                struct dns_msg *m, const char **why)
{
	const char *dwhy = NULL;
	enum dns_status st = dns_parse(p, present, m, &dwhy);

	if (st == DNS_TRUNCATED && present < claimed && present >= DNS_ID_FLAGS_LEN) {
		m->cut = true;
		dwhy = "dns: message cut by the capture";
		st = DNS_OK;
	}
	if (why)
		*why = dwhy;
	return from_dns(st);
}

/* One frame alone (pkt_decode): the length-prefixed messages that start
 * at the segment's start; see packet.h for why complete messages survive
 * a bad one after them.  A message cut by the capture counts, and ends
 * the segment: what follows it was not captured. */
static bool tcp_messages(struct decode *d, const struct pkt_seg *seg,
                         struct pkt_dns *out)
{
	struct span s = { seg->p, seg->present };
	size_t claimed = seg->claimed;
	enum pkt_status st = PKT_DNS;
	const char *why = NULL, *cut = NULL;

	while (st == PKT_DNS && s.len > 0) {
		size_t n = s.len < 2 ? 0 : be16(s.p);
		struct dns_msg *m = &out->msgs[out->nmsgs];
		if (out->nmsgs == PKT_MSGS_MAX) {
			st = PKT_TRUNCATED;
			why = "tcp: more messages than PKT_MSGS_MAX, rest not decoded";
		} else if (claimed < 2 || claimed - 2 < n) {
			st = PKT_TRUNCATED;
			why = "tcp: message continues in another segment (not reassembled)";
		} else if (s.len < 2) {
			st = PKT_TRUNCATED;
			why = "tcp: message cut by the capture";
		} else {
			size_t have = s.len - 2 < n ? s.len - 2 : n;
			st = pkt_dns_message(s.p + 2, have, n, m, &why);
			if (st == PKT_DNS) {
				out->nmsgs++;
				cut = m->cut ? why : cut;
				advance(&s, 2 + have);
				claimed -= 2 + n;
			}
		}
	}
	if (st == PKT_DNS && claimed > 0) {
		st = PKT_TRUNCATED;
		why = "tcp: payload cut by the capture";
	}
	if (st == PKT_DNS) {
		d->why = cut;
		return true;
	}
	if (out->nmsgs == 0)
		return stop(d, st, why);
	out->partial = true;
	d->why = why;
	return true;
}

enum pkt_status pkt_decode(int linktype, const uint8_t *frame, size_t caplen,
                           struct pkt_dns *out, const char **why)
{
	struct decode d = { { frame, caplen }, PKT_DNS, NULL };
	struct pkt_seg seg;

	/* msgs[] is left alone: dns_parse() clears each one it fills. */
	out->nmsgs = 0;
	out->partial = false;
	d.st = pkt_segment(linktype, frame, caplen, &seg, &d.why);
	out->src = seg.f.src;
	out->dst = seg.f.dst;
	out->sport = seg.f.sport;
	out->dport = seg.f.dport;
	out->proto = seg.f.proto;
	if (d.st == PKT_DNS && seg.f.proto == 17) {
		d.st = pkt_dns_message(seg.p, seg.present, seg.claimed,
		                       &out->msgs[0], &d.why);
		out->nmsgs = d.st == PKT_DNS;
	} else if (d.st == PKT_DNS && seg.claimed == 0) {
		stop(&d, PKT_SKIP, "tcp: no payload");
	} else if (d.st == PKT_DNS) {
		tcp_messages(&d, &seg, out);
	}
	if (why)
		*why = d.why;
	return d.st;
}

const char *pkt_addr_str(const struct pkt_addr *a, char *buf, size_t size)
{
	int af = a->family == 4 ? AF_INET : a->family == 6 ? AF_INET6 : -1;

	if (size == 0)
		return buf;
	if (size > INET6_ADDRSTRLEN)
		size = INET6_ADDRSTRLEN;
	if (af < 0 || !inet_ntop(af, a->a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

int pkt_addr_parse(const char *s, struct pkt_addr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof *out);
	return -1;
}

int pkt_addr_eq(const struct pkt_addr *x, const struct pkt_addr *y)
{
	if (x->family != y->family || (x->family != 4 && x->family != 6))
		return 0;
	return memcmp(x->a, y->a, x->family == 4 ? 4 : 16) == 0;
}

const char *pkt_status_name(enum pkt_status st)
{
	switch (st) {
	case PKT_DNS:         return "dns";
	case PKT_SKIP:        return "skip";
	case PKT_TRUNCATED:   return "truncated";
	case PKT_INVALID:     return "invalid";
	case PKT_UNSUPPORTED: return "unsupported";
	}
	return "unknown";
}
