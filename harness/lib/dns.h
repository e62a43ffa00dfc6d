/*
 * dns.h - bounds-checked decoding of DNS messages (RFC 1035).
 *
 * Owns: turning the bytes of one DNS message into a struct dns_msg.
 * Never: trusts a length or a compression pointer, allocates memory,
 * or makes a system call.  Every outside byte is checked before it is read.
 */
#ifndef WHICHNS_DNS_H
#define WHICHNS_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define DNS_NAME_MAX    256 /* presentation form of a name, with NUL */
#define DNS_RDATA_MAX   300 /* presentation form of one record's data */
#define DNS_ANSWERS_MAX 16  /* answers kept; more are counted, not kept */
#define DNS_ID_FLAGS_LEN 4  /* the id and the flags: enough to tell a query
                             * from a response */

enum dns_status {
	DNS_OK = 0,
	DNS_TRUNCATED,  /* the message ends before a field it announces */
	DNS_INVALID,    /* the bytes are there but make no sense */
};

/* Record types we name; any other type is kept as its number. */
enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6,
	DNS_T_PTR = 12, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28,
	DNS_T_OPT = 41,
};

struct dns_rr {
	char     name[DNS_NAME_MAX];
	uint16_t type, rclass;
	uint32_t ttl;
	/* A/AAAA: the address; NS/CNAME/PTR: the name; MX: "pref name";
	 * anything else: empty. */
	char     data[DNS_RDATA_MAX];
};

struct dns_msg {
	uint16_t id;
	bool     qr;          /* false = query, true = response */
	uint8_t  opcode, rcode;
	bool     tc, rd, ra, aa;
	/* Set by the caller (packet.c), never by dns_parse(): the capture
	 * holds only the first bytes of this message (snaplen, or an IP
	 * fragment not reassembled).  What was there is kept: the id and
	 * flags always, the counts once the 12-byte header is there,
	 * has_question once the whole question is, and nanswers counts the
	 * whole answers; the rest of the message is unknown. */
	bool     cut;
	uint16_t qdcount, ancount, nscount, arcount;
	bool     has_question;
	char     qname[DNS_NAME_MAX]; /* "hat.com", "." for the root */
	uint16_t qtype, qclass;
	size_t   nanswers;    /* answers kept in answers[] */
	struct dns_rr answers[DNS_ANSWERS_MAX];
};

/*
 * Decode one DNS message of len bytes.  On DNS_OK, *msg is filled.
 * On failure, *why (if why is not NULL) points to a static string naming
 * the field that failed, e.g. "dns: header", "dns: question name: label
 * past end"; on DNS_OK it is set to NULL.  On failure the fields decoded
 * before the failing one are kept (the id and flags once DNS_ID_FLAGS_LEN
 * bytes are there, the counts once 12 are, the question once it is whole)
 * and nanswers counts only whole answers; the rest is not to be used.
 * Bytes after the last record are ignored.
 * A name whose escaped presentation form is wider than DNS_NAME_MAX - 1
 * (only possible with many \DDD escapes) is cut at a whole character.
 */
enum dns_status dns_parse(const uint8_t *buf, size_t len, struct dns_msg *msg,
                          const char **why);

/* "A", "MX", ... or "TYPE65" written into buf (at least 12 bytes). */
const char *dns_type_name(uint16_t type, char *buf, size_t size);
/* "MX" (any case) -> 15; 0 on success, -1 for a name we do not know. */
int dns_type_parse(const char *name, uint16_t *type);
const char *dns_rcode_name(uint8_t rcode);
const char *dns_status_name(enum dns_status st);

#endif
