/*
 * serverset.h - the DNS servers of a case: every distinct nameserver
 * address of the resolv.conf before and after the switch, which file
 * lists it, what its answers carry, and how it behaves from the switch on.
 *
 * Owns: reading nameserver lines out of a whole resolv.conf text (any
 * number of lines, IPv4 and IPv6, search/domain/options/sortlist kept as
 * they are), the set of servers the two texts make, each server's role
 * (a query to a server only the new file lists is one to "new", to a
 * server only the old file lists one to "old", to one both list one to
 * "kept", which the verdict does not count: doc/design.md), the mark its
 * answers carry, its behaviour after the switch, and the two texts the
 * case writes.
 * Never: touches a file or the network.  Callers read files and hand in
 * their text with the file's name for the errors.
 *
 * The default set, without resolv.conf files, is the classic pair: old
 * (198.51.100.10 and 2001:db8:100::10, mark 203) and new (198.51.100.20
 * and 2001:db8:100::20, mark 204), each one dnsmasq with both addresses;
 * the files name the IPv4 addresses only.  A set from files has one
 * server (one dnsmasq, one network namespace) per distinct address.
 *
 * Marks: server k's answers are 203.0.113.M, 2001:db8:203::M and the
 * names mail-M.hat.com / ns-M.hat.com, M = SS_MARK_FIRST + k in order of
 * first appearance (the old file first); so the process's own output
 * says whose data it got.
 */
#ifndef WHICHNS_SERVERSET_H
#define WHICHNS_SERVERSET_H

#include <stdbool.h>
#include <stddef.h>
#include "packet.h"
#include "verdict.h"

#define SS_MAX        8     /* distinct nameserver addresses in a case */
#define SS_ADDRS_MAX  2     /* addresses of one server (the default pair) */
#define SS_MARK_FIRST 203
#define SS_TEXT_MAX   4096  /* a resolv.conf text, with the added options */
#define SS_CONF_MAX   3584  /* a resolv.conf text serverset_from_texts()
                             * takes: room is left for the options line */
#define SS_ADDR_TEXT  46    /* INET6_ADDRSTRLEN */

/* What a server does from the switch on (before it, every server is up). */
enum ss_state {
	SS_UP,        /* answers */
	SS_DOWN,      /* drops every query: the client times out */
	SS_REFUSED,   /* answers REFUSED */
	SS_SERVFAIL,  /* answers SERVFAIL */
	SS_SLOW,      /* answers, slow_ms late */
};

struct ss_server {
	char     label[16];            /* "old", "new"; or "s1".."s8" */
	size_t   naddrs;
	char     addr[SS_ADDRS_MAX][SS_ADDR_TEXT];   /* presentation form */
	struct pkt_addr a[SS_ADDRS_MAX];
	bool     before, after;        /* listed in the old / new file */
	unsigned mark;                 /* what its answers carry */
	enum ss_state state;           /* from the switch on */
	unsigned slow_ms;              /* SS_SLOW: the delay */
};

struct serverset {
	size_t n;
	struct ss_server s[SS_MAX];
	bool   from_files;   /* false: the default pair */
};

/* The classic pair (above). */
void serverset_default(struct serverset *set);

/*
 * The servers of two whole resolv.conf texts.  name_old and name_new are
 * the files' names for errors.  -1 with one line in err, "FILE:LINE:
 * what is wrong; the fix", when a nameserver line has no address or one
 * that is not an IPv4 or IPv6 literal, a scope (fe80::1%eth0), a
 * loopback, unspecified, link-local, IPv4-mapped or multicast address,
 * or an address the case itself uses (WN_CLIENT4/6, WN_NSCD4/6); "FILE:
 * no nameserver line" when a text has none; "FILE:LINE: more than SS_MAX
 * servers" past the limit; a NUL byte (the texts are then C strings, as
 * serverset_render() takes them); "FILE: N bytes" past SS_CONF_MAX.
 * Lines the C libraries ignore (comments, unknown keywords) are kept and
 * not checked.
 *
 * A nameserver line is one glibc 2.36 reads as one (res_init.c): the
 * keyword at the start of the line, a space or tab, the address up to
 * the next space, tab or the line's end, the rest ignored; so an
 * indented "  nameserver X" is no nameserver line (glibc and musl both
 * skip it).  Where glibc would drop a line that looks like a server
 * (no address, a "\r" line end, an address inet_aton reads but
 * inet_pton does not, such as 10.1 or 010.0.0.1), it is an error here.
 * glibc and musl query only the first 3 servers of a file (MAXNS); the
 * case still starts every one, so the capture shows which were asked.
 * musl (src/network/resolvconf.c) differs at the edges: it skips a line
 * of 256 bytes or more and takes any isspace() byte as a blank; such a
 * line is read here as glibc reads it.
 * On -1, *set is unchanged.
 */
int serverset_from_texts(struct serverset *set,
                         const char *old_text, size_t old_len,
                         const char *name_old,
                         const char *new_text, size_t new_len,
                         const char *name_new, char *err, size_t errsize);

/* The nameserver line rule above, shared with whichns watch
 * (watchmodel.h): true when the line p of n bytes (no '\n') is one, and
 * its address is the bytes [*at, *end) of it (empty when the line has
 * none).  The line is not checked otherwise. */
bool serverset_ns_line(const char *p, size_t n, size_t *at, size_t *end);

/* "ADDR=STATE" (STATE: up, down, refused, servfail, slow:DUR with DUR as
 * scn durations take it, "500ms", "2s", from 1 ms to 60 s), for the
 * server with that address (or that label: "old=down").  -1 with err
 * naming the word and the fix when the address is no server of the set
 * (the message lists the set's) or the state is unknown. */
int serverset_set_state(struct serverset *set, const char *word,
                        char *err, size_t errsize);
/* "down", "slow:500ms", ...; buf holds at least 24 bytes. */
const char *serverset_state_name(const struct ss_server *s, char *buf,
                                 size_t size);

/* A server of one address, listed in the old file (before), the new one
 * (after) or both, labelled "sK" and marked SS_MARK_FIRST + its index;
 * an address the set has gets the flags added to its server's (given as
 * both: kept).  -1 when
 * addr is not an IPv4 or IPv6 literal or the set holds SS_MAX servers.
 * (decode --old/--new; no check of the address's kind.) */
int serverset_add(struct serverset *set, const char *addr, bool before,
                  bool after);

/* Which server an address is: its index, or -1. */
int serverset_find(const struct serverset *set, const struct pkt_addr *a);
/* Its role for a verdict: VD_NEW when only the new file lists it,
 * VD_OLD when only the old one does, VD_KEPT when both do, VD_OTHER when
 * no server has it. */
enum vd_server serverset_role(const struct serverset *set,
                              const struct pkt_addr *a);
/* The same, of a server of the set. */
enum vd_server serverset_server_role(const struct ss_server *s);
/* Which server's data an answer is ("203.0.113.205", "mail-205.hat.com"
 * as a word of a line): its index, or -1. */
int serverset_mark_of(const struct serverset *set, unsigned mark);

/*
 * The text the case writes for one side (after: false for the old file):
 * the file's text as given (or, for the default pair, "# whichns: old
 * server" and the IPv4 nameserver line, byte for byte resolvconf_render()'s),
 * then "options WORDS" when the options axis value is not "default" ("+"
 * joins words), on a line of its own (a "\n" is added before it when the
 * text does not end in one).  The texts are NUL-terminated; for a default
 * set they are not read (NULL is fine).  Returns the length, or -1 when
 * it does not fit in size, the options are bad, or a set from files has
 * no text.  Any text serverset_from_texts() took renders into SS_TEXT_MAX
 * bytes with any options resolvconf_options_valid() passes (and reads
 * back as the same set, unless the options line takes it past
 * SS_CONF_MAX).
 */
int serverset_render(const struct serverset *set, bool after,
                     const char *old_text, const char *new_text,
                     const char *options, char *buf, size_t size);

#endif
