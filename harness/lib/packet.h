/*
 * packet.h - from a captured frame to the DNS it carries.
 *
 * Owns: link layers (Ethernet, Linux cooked SLL and SLL2, raw IP, BSD
 * loopback), IPv4 and IPv6, UDP and TCP down to the transport payload
 * (pkt_segment), and one frame decoded on its own (pkt_decode).
 * Never: trusts a header length, reassembles IP fragments, keeps state
 * between frames, or makes a system call.  TCP streams are reassembled
 * by tcpdns.h, and flow.h puts the two together for a whole capture.
 *
 * A DNS message cut short by the capture (snaplen, or an IP fragment
 * whose rest is not reassembled) still counts when its id and flags are
 * there: it is a query or a response on the wire.  It is handed on with
 * dns_msg.cut set and what was captured filled in (pkt_dns_message).
 *
 * pkt_decode() sees one frame alone (the fuzzer and the unit tests read
 * frames this way): a TCP segment's length-prefixed messages (RFC 1035
 * 4.2.2) decode only when they start at the segment's start, and at most
 * PKT_MSGS_MAX of them.
 * When some decode and a later one is malformed, continues in another
 * segment or is past PKT_MSGS_MAX, the result is still PKT_DNS with the
 * complete messages in msgs[], partial set and *why naming what was lost:
 * dropping messages that were fully on the wire would lose evidence.
 * With no message the result is the failure itself (PKT_TRUNCATED or
 * PKT_INVALID).  Captures, a case's live one and a file alike, are
 * decoded through flow.h instead, which has no such limits.
 */
#ifndef WHICHNS_PACKET_H
#define WHICHNS_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include "dns.h"

/* libpcap link-layer types (DLT_ / LINKTYPE_ values) we decode. */
enum {
	PKT_LINK_NULL = 0, PKT_LINK_EN10MB = 1, PKT_LINK_RAW = 101,
	PKT_LINK_LOOP = 108,   /* OpenBSD loopback: NULL in network order */
	PKT_LINK_LINUX_SLL = 113, PKT_LINK_IPV4 = 228, PKT_LINK_IPV6 = 229,
	PKT_LINK_LINUX_SLL2 = 276,
	PKT_LINK_RAW_ALT = 12, /* DLT_RAW on some systems */
};

#define PKT_MSGS_MAX 4 /* DNS messages pkt_decode() takes from one TCP segment */

/* TCP flags pkt_segment() reports. */
enum { PKT_TCP_FIN = 0x01, PKT_TCP_SYN = 0x02, PKT_TCP_RST = 0x04 };

struct pkt_addr {
	int     family;   /* 4 or 6 */
	uint8_t a[16];    /* 4 or 16 bytes used */
};

/* Who talks to whom: one direction of a UDP or TCP conversation. */
struct pkt_flow {
	struct pkt_addr src, dst;
	uint16_t sport, dport;
	uint8_t  proto;   /* 17 UDP, 6 TCP */
};

/* A frame's transport payload, as pkt_segment() finds it. */
struct pkt_seg {
	struct pkt_flow f;
	const uint8_t  *p;        /* the payload's captured bytes, in the frame */
	size_t   present;         /* captured bytes at p */
	size_t   claimed;         /* bytes the headers say there are (>= present) */
	uint32_t seq;             /* TCP: sequence number of the first byte */
	uint8_t  tcp_flags;       /* TCP: PKT_TCP_* */
};

struct pkt_dns {
	struct pkt_addr src, dst;
	uint16_t sport, dport;
	uint8_t  proto;   /* 17 UDP, 6 TCP */
	size_t   nmsgs;   /* DNS messages decoded into msgs[] */
	struct dns_msg msgs[PKT_MSGS_MAX];
	/* PKT_DNS from TCP only: bytes after msgs[] did not decode or were
	 * not decoded; *why says which. */
	bool     partial;
};

enum pkt_status {
	PKT_DNS = 0,       /* at least one DNS message decoded */
	PKT_SKIP,          /* a valid frame without DNS payload (TCP SYN, ICMP, ...) */
	PKT_TRUNCATED,     /* the frame or the DNS message is cut short */
	PKT_INVALID,       /* malformed header or DNS message */
	PKT_UNSUPPORTED,   /* link type or protocol we do not decode */
};

/* Link types pkt_segment() and pkt_decode() read; the name is libpcap's
 * (LINKTYPE_ without the prefix), NULL for any other link type. */
bool pkt_link_supported(int linktype);
const char *pkt_link_name(int linktype);

/*
 * Peel one frame of caplen bytes down to its transport payload.  PKT_DNS:
 * a UDP datagram or TCP segment to or from port 53, *seg filled (a TCP
 * payload may be empty: SYN, FIN and RST matter to reassembly).  Else the
 * status and *why as for pkt_decode(); seg->f is filled as far as the
 * headers were decoded.
 */
enum pkt_status pkt_segment(int linktype, const uint8_t *frame, size_t caplen,
                            struct pkt_seg *seg, const char **why);

/*
 * One DNS message of claimed bytes, of which the first present (<=
 * claimed) were captured.  PKT_DNS: *m is the message; when the capture
 * cut it short (dns_parse() ran out of bytes before claimed) but its id
 * and flags are there, m->cut is set and *why says so.  Else
 * PKT_TRUNCATED or PKT_INVALID and *why from dns_parse().
 */
enum pkt_status pkt_dns_message(const uint8_t *p, size_t present, size_t claimed,
                                struct dns_msg *m, const char **why);

/*
 * Decode one frame of caplen captured bytes with link type linktype.
 * Frames whose UDP/TCP ports do not include 53 are PKT_SKIP, and so are
 * TCP segments without payload.  On failure, *why names what failed
 * ("ipv4 header", "dns: question name ..."); on PKT_SKIP it says why the
 * frame carries no DNS; on a whole PKT_DNS it is NULL, unless a message
 * was cut by the capture (its cut flag is set).
 * out->src/dst/ports/proto are filled whenever the IP/transport headers
 * were decoded, even when the DNS payload then failed.
 */
enum pkt_status pkt_decode(int linktype, const uint8_t *frame, size_t caplen,
                           struct pkt_dns *out, const char **why);

/* Presentation form of an address ("198.51.100.10", "2001:db8::1"). */
const char *pkt_addr_str(const struct pkt_addr *a, char *buf, size_t size);
/* Parse "198.51.100.10" or "2001:db8::1"; 0 on success, -1 on bad text. */
int pkt_addr_parse(const char *s, struct pkt_addr *out);
int pkt_addr_eq(const struct pkt_addr *x, const struct pkt_addr *y);

const char *pkt_status_name(enum pkt_status st);

#endif
