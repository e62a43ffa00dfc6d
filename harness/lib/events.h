/*
 * events.h - decoded DNS messages on a timeline, tied to the servers.
 *
 * Owns: one event per DNS message, the role of the server it concerns
 * (old, new or other, from the case's server set: serverset.h), and the
 * events.tsv format shared by cases and "whichns decode".
 * Never: reads packets itself (packet.c does) or decides a verdict.
 */
#ifndef WHICHNS_EVENTS_H
#define WHICHNS_EVENTS_H

#include <stdio.h>
#include "packet.h"
#include "serverset.h"
#include "verdict.h"

#define EV_ANSWERS_MAX 512
/* Last in the answers of a message the capture cut short (dns_msg.cut):
 * the answers shown are the whole ones captured, more may have followed. */
#define EV_CUT_MARK "[cut]"

struct wn_event {
	double   t;
	struct pkt_addr src, dst;
	uint16_t sport, dport;
	uint8_t  proto;
	uint16_t id;
	bool     qr;
	bool     tc;            /* a response cut to fit UDP (the TC bit): the
	                         * client asks again over TCP */
	char     qname[DNS_NAME_MAX];
	uint16_t qtype;
	uint8_t  rcode;
	char     answers[EV_ANSWERS_MAX];  /* comma-separated rdata */
	/* Where each answer starts in answers[] (a name may hold a comma);
	 * nanswers 0 with answers[] set: not known (read from events.tsv). */
	uint8_t  nanswers;
	uint16_t answer_at[DNS_ANSWERS_MAX];
	bool     cut;           /* the capture cut it short (answers end in
	                         * EV_CUT_MARK): more may have followed */
	enum vd_server server;  /* the DNS server side of the exchange: its
	                         * role (serverset_role()) */
	uint64_t frame;         /* 1-based frame number in the capture, as
	                         * Wireshark numbers them (for a TCP message,
	                         * the frame that completed it); 0: unknown */
};

/* The whichns servers without resolv.conf files: the default pair, old
 * and new, each with its IPv4 and IPv6 address (serverset_default()). */
void events_default_servers(struct serverset *s);
/* "ADDR" as a server of its own, listed in the old file (which =
 * VD_OLD) or the new one (VD_NEW; an address given as both is kept), as
 * decode's --old and --new make a set; -1 on a bad address, VD_OTHER,
 * or past SS_MAX servers.  Start from an empty set (all zero). */
int  events_add_server(struct serverset *s, enum vd_server which, const char *addr);

/* The event of message m of flow f, seen at time t; its frame is 0 (the
 * caller, who counts frames, sets it). */
void events_from_msg(const struct pkt_flow *f, const struct dns_msg *m,
                     double t, const struct serverset *s, struct wn_event *e);
/* One event per message of a decoded frame; returns how many (frame 0). */
size_t events_from_frame(const struct pkt_dns *p, double t,
                         const struct serverset *s,
                         struct wn_event out[PKT_MSGS_MAX]);
/* What a vd_* verdict needs from an event: a query's own fields, or a
 * response's (the client endpoint then is its destination), as
 * vd_note_response() takes it. */
void events_to_query(const struct wn_event *e, struct vd_query *q);
/* The one way from messages in capture order to the queries a verdict
 * counts, shared by a case (observe.c) and decode: a query is added at
 * q[*nq] (room for it is the caller's), a response marks the query it
 * answers (vd_note_response). */
void events_note_message(const struct wn_event *e, struct vd_query *q,
                         size_t *nq);

void events_tsv_header(FILE *f);
/* t_switch < 0: no switch, the relative column is empty.  The last column
 * is the frame number, empty when it is 0 (unknown). */
void events_tsv(FILE *f, const struct wn_event *e, double t_switch);
/* The same line, newline included, into buf; returns its length.  With
 * EV_TSV_LINE_MAX bytes of room it is always whole (every field at its
 * widest: two numbers, two IPv6 endpoints, a name, the answers). */
#define EV_TSV_LINE_MAX 2048
size_t events_tsv_line(char *buf, size_t size, const struct wn_event *e,
                       double t_switch);
/* The same fields as one JSON object on one line (JSON Lines): absent
 * values (a query's rcode, no switch) are null; "answers" is an array of
 * strings (empty when none), without the [cut] mark, and "cut" says
 * whether the capture cut the message short. */
void events_json(FILE *f, const struct wn_event *e, double t_switch);
/* The same line into buf (EV_TSV_LINE_MAX bytes of room hold it whole);
 * returns its length, or 0 when a name or an answer needs escaping, for
 * which the caller writes the line with events_json() instead. */
size_t events_json_line(char *buf, size_t size, const struct wn_event *e,
                        double t_switch);

/* "old", "new", "other", "kept": events.tsv's server column. */
const char *events_server_name(enum vd_server s);

#endif
