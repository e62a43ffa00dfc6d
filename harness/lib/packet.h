/*
 * packet.h - from a captured frame to the DNS messages it carries.
 *
 * Owns: link layers (Ethernet, Linux cooked SLL and SLL2, raw IP, BSD
 * loopback), IPv4 and IPv6, UDP and TCP (RFC 1035 4.2.2 two-byte length
 * prefix), handing each DNS payload to dns_parse().
 * Never: trusts a header length, reassembles IP fragments or TCP streams
 * (a message split across segments is reported truncated), or makes a
 * system call.
 *
 * A TCP segment may carry several length-prefixed messages.  When some
 * decode and a later one is cut short or malformed (or there are more than
 * PKT_MSGS_MAX), the result is still PKT_DNS with the complete messages in
 * msgs[], partial set and *why naming what was lost: dropping messages that
 * were fully on the wire would lose evidence.  With no complete message the
 * result is the failure itself (PKT_TRUNCATED or PKT_INVALID).
 */
#ifndef WHICHNS_PACKET_H
#define WHICHNS_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include "dns.h"

/* libpcap link-layer types (DLT_ / LINKTYPE_ values) we decode. */
enum {
	PKT_LINK_NULL = 0, PKT_LINK_EN10MB = 1, PKT_LINK_RAW = 101,
	PKT_LINK_LINUX_SLL = 113, PKT_LINK_IPV4 = 228, PKT_LINK_IPV6 = 229,
	PKT_LINK_LINUX_SLL2 = 276,
	PKT_LINK_RAW_ALT = 12, /* DLT_RAW on some systems */
};

#define PKT_MSGS_MAX 4 /* DNS messages decoded from one TCP segment */

struct pkt_addr {
	int     family;   /* 4 or 6 */
	uint8_t a[16];    /* 4 or 16 bytes used */
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

/*
 * Decode one frame of caplen captured bytes with link type linktype.
 * Frames whose UDP/TCP ports do not include 53 are PKT_SKIP.  On failure,
 * *why names what failed ("ipv4 header", "dns: question name ..."); on
 * PKT_SKIP it says why the frame carries no DNS; on a whole PKT_DNS it is
 * NULL.
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
