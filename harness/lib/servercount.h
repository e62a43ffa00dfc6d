/*
 * servercount.h - a case's traffic, server by server: what each server
 * of the set (serverset.h) was asked before and after the switch, and
 * how it answered after it (doc/design.md, "Servers").
 *
 * Owns: the per-server counts and their text forms (result.txt's
 * serverN lines, the headline's "after the switch: ADDR (N), ...").
 * Never: decides a verdict (verdict.c does: FOLLOWED means queries only
 * to servers of the new file) or reads a capture: it is handed the
 * events, so decode and a case count alike.
 *
 * The counting rule:
 * - a query (QR=0, of only_qtype when set) to one of the server's
 *   addresses, sent before the switch, or from the switch up to the
 *   window's end;
 * - its lookups after the switch: the verdict's rule (verdict.h: a
 *   resend, and the other record type of a getaddrinfo pair, are no new
 *   lookup), applied to this server's queries alone;
 * - the outcome of each query after the switch, by its first response
 *   (same server, client endpoint, ID, name and type; the response may
 *   come after the window): answered (NOERROR or NXDOMAIN: data, or the
 *   name's absence), REFUSED, SERVFAIL, another rcode, or no response
 *   in the capture (a dropped query, or one still waiting).
 */
#ifndef WHICHNS_SERVERCOUNT_H
#define WHICHNS_SERVERCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "events.h"
#include "serverset.h"
#include "verdict.h"

#define SC_ADDR_TEXT (SS_ADDRS_MAX * SS_ADDR_TEXT)   /* "A,B" */
#define SC_STATE_TEXT 24

struct sc_server {
	char     addr[SC_ADDR_TEXT];   /* its addresses, comma-separated;
	                                * "": an unused slot */
	bool     in_old, in_new;       /* listed in the old / new file */
	char     state[SC_STATE_TEXT]; /* after the switch: "up", "down",
	                                * "refused", "servfail", "slow:500ms" */
	unsigned queries_before, queries_after, lookups_after;
	/* Outcomes of the queries after the switch (they add up to
	 * queries_after). */
	unsigned answered, refused, servfail, other_rcode, no_response;
};

struct sc_window {
	bool     switched;
	double   t_switch;      /* capture clock */
	double   t_switch_end;  /* a server only the old file lists counts
	                         * after the switch from here on: the
	                         * verdict's old_from (verdict.h); 0: at
	                         * t_switch */
	double   t_end;         /* window end; < 0: none */
	uint16_t only_qtype;    /* 0: every type */
};

/* Counting as the events come (decode, which keeps no events):
 * servercount_init(), servercount_event() for each in capture order,
 * servercount_finish() into out[0..set->n) (how many servers, at most
 * SS_MAX; -1 when out of memory), servercount_free().  set must live
 * until the finish. */
struct servercount {
	const struct serverset *set;
	struct sc_window w;
	struct vd_query *q[SS_MAX];   /* each server's queries ... */
	int    *rc[SS_MAX];           /* ... and their first response's rcode */
	size_t  n[SS_MAX], cap[SS_MAX];
	bool    oom;
};
int  servercount_init(struct servercount *c, const struct serverset *set,
                      const struct sc_window *w);
void servercount_event(struct servercount *c, const struct wn_event *e);
int  servercount_finish(struct servercount *c, struct sc_server out[SS_MAX]);
void servercount_free(struct servercount *c);

/* All at once: the counts of every server of set from events ev[0..nev)
 * (capture order), into out[0..set->n).  Returns how many servers
 * (set->n, at most SS_MAX), or -1 when out of memory. */
int servercount_compute(const struct serverset *set,
                        const struct wn_event *ev, size_t nev,
                        const struct sc_window *w,
                        struct sc_server out[SS_MAX]);

/* The servers queried after the switch, the most queried first (ties
 * in the set's order), each with its queries after the switch:
 * "2001:db8::53 (12), 198.51.100.20 (3)"; a server of the default pair
 * is named by its first address.  "" when none was. */
const char *servercount_after_text(const struct sc_server *s, size_t n,
                                   char *buf, size_t size);

/* The outcomes in words: "12 answered", "3 no response, 1 REFUSED";
 * "—" when no query after the switch. */
const char *servercount_outcome_text(const struct sc_server *s, char *buf,
                                     size_t size);

/* result.txt's form of one server, one line without its key:
 * "ADDR old=yes new=no state=down before=3 after=12 lookups=4
 * answered=0 refused=0 servfail=0 other=0 none=12".  servercount_parse:
 * 0, or -1 when the line is not one (the fields in this order, each
 * once; counts that do not add up to after). */
void servercount_format(const struct sc_server *s, char *buf, size_t size);
int  servercount_parse(const char *line, struct sc_server *s);

#endif
