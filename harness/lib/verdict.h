/*
 * verdict.h - from what the wire and the process showed to a verdict.
 *
 * Owns: the verdict rules (doc/design.md, "Verdicts") and the numbers
 * behind them.
 * Never: looks at what a probe is "known" to do, at the expected verdict,
 * or at anything but the observations handed in.
 */
#ifndef WHICHNS_VERDICT_H
#define WHICHNS_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum verdict {
	V_FOLLOWED, V_LATE, V_STALE, V_MIXED, V_SILENT, V_INCONCLUSIVE,
	V_NONE, /* not decided (case not run) */
};

/* Which server a query went to: one only the old resolv.conf lists, one
 * the new one lists (and the old one does not), one neither lists, or
 * one both list ("kept": a query to it says nothing of which file the
 * process read, so the verdict does not count it; serverset.h). */
enum vd_server { VD_OLD, VD_NEW, VD_OTHER, VD_KEPT };

/*
 * One DNS query message (QR=0) seen on the wire, or (for
 * vd_note_response) a response described by the same fields.
 *
 * The counting rule (doc/design.md, "Verdicts", "Retransmissions" and
 * "Lookups"), the same for a live case and a decoded file:
 * - a retransmission is a query re-sent while the earlier one with the
 *   same server, client endpoint (address, port, protocol), ID, name and
 *   type had no answer yet, or the same query (server, client address,
 *   ID, name, type) sent again over TCP after a truncated (TC) UDP
 *   answer; a query after an answered one is new;
 * - a lookup is what a program asked: an A and an AAAA for one name, to
 *   one server, from one client address (any port), the second sent
 *   within PAIR_SECONDS (0.1 s) of the first's sending or answer, count
 *   once (getaddrinfo's pair, on one socket or two, together or one
 *   after the other's answer); so do queries of other types for one name
 *   in flight together (sent while another was unanswered, within a
 *   second); retransmissions apart;
 * - a server none of whose queries has an answer in the capture (a
 *   capture of queries only): resends cannot be told from new lookups,
 *   so none of its queries is a retransmission and only the A+AAAA pair
 *   rule joins them (vd_result.no_responses_*).
 */
struct vd_query {
	double         t;        /* capture time, epoch seconds */
	double         t_answered; /* the first response matched; 0: none */
	enum vd_server to;
	uint16_t       id, qtype;
	uint32_t       qname_hash;
	uint32_t       client;   /* hash of the client endpoint: address,
	                          * port, protocol (events_to_query) */
	uint32_t       client_addr; /* hash of the client address alone */
	bool           tcp;      /* sent over TCP */
	bool           tc;       /* its first response had TC set (truncated;
	                          * the client retries over TCP); for
	                          * vd_note_response(): the response's TC bit */
	bool           retrans;  /* set by vd_mark_lookups() */
	bool           joined;   /* ... part of a lookup an earlier query began */
};

/* One answer the process printed, classified by which server's data. */
struct vd_answer {
	double         t;
	enum vd_server from;
	bool           stamped;  /* t is the program's own time ("EPOCH<TAB>");
	                          * false: when whichns read the line, an upper
	                          * bound only (a buffered program wrote it
	                          * earlier), never evidence for a cache */
};

struct vd_input {
	const struct vd_query  *q;  size_t nq;  /* sorted by t */
	const struct vd_answer *a;  size_t na;  /* sorted by t */
	bool     switched;
	double   t_switch;         /* capture clock: the switch began */
	double   t_switch_end;     /* ... and the new file was in place; a
	                            * query to the old server before it may
	                            * have read the old file, so it counts
	                            * after the switch only from here on, or
	                            * from the first query to a new server if
	                            * earlier (vd_result.old_from); at
	                            * t_switch when earlier, or 0 */
	double   t_end;            /* end of the observation window */
	uint64_t dropped;          /* packets the capture lost */
	bool     exited;           /* the process ended before t_end */
	double   t_exit;
	bool     started_after;    /* the sender began after the switch (a
	                            * fresh process's path, paths.h): it
	                            * cannot have used the old file, so rule 3
	                            * (a query to the old server before the
	                            * switch) does not apply */
};

struct vd_result {
	enum verdict v;
	unsigned late_by;          /* LATE: lookups to old before the first to new */
	unsigned queries_old_before, queries_new_before, queries_other_before;
	unsigned queries_old_after, queries_new_after, queries_other_after;
	unsigned queries_kept_before, queries_kept_after, lookups_kept_after;
	unsigned lookups_old_after, lookups_new_after; /* lookups: retransmissions
	                            * and the other types of a lookup left out */
	double   old_from;         /* from when the old server's queries
	                            * counted as after the switch: t_switch_end,
	                            * or the first query to a new server from
	                            * t_switch on if earlier (it read the new
	                            * file); what every other count of the
	                            * case takes as its switch_end */
	unsigned lookups_old_in_switch; /* to the old server from t_switch until
	                            * old_from: before it, said in the reason;
	                            * not in result.txt */
	double   first_new_ms;     /* switch to first query to new; < 0: none */
	unsigned answers_old_before, answers_new_before;
	unsigned answers_old_after, answers_new_after;
	unsigned answers_unstamped; /* of those, dated when read, not stamped */
	bool     no_responses_old, no_responses_new; /* queries to that server,
	                            * none answered in the capture: each counted
	                            * as a lookup (the reason says so) */
	char     reason[384];      /* why INCONCLUSIVE, or what the numbers say */
	char     app_note[160];    /* where the application view disagrees */
};

/* Sort by capture time, stable (equal times keep their order): captures
 * from several interfaces can be out of order.  -1: out of memory. */
int  vd_sort_queries(struct vd_query *q, size_t n);
/* A response r (to: the server it came from, client: the endpoint it
 * went to, t: its capture time) answers the latest query of q[0..nq) with
 * the same server, client endpoint, id, name and type: that query's
 * t_answered (and tc, from r->tc) is set, by its first response only.
 * Queries are in capture order; responses are handed in as they come. */
void vd_note_response(struct vd_query *q, size_t nq, const struct vd_query *r);
/* Mark retransmissions and the queries that join an earlier lookup (the
 * rule above), on queries in time order with t_answered set. */
void vd_mark_lookups(struct vd_query *q, size_t nq);
void verdict_decide(const struct vd_input *in, struct vd_result *out);
/* Whether a message to a server of role to, at capture time t, is after
 * a switch (when switched): from t_switch on, and to the old server from
 * old_from (vd_result.old_from) on. */
bool vd_after_switch(bool switched, double t_switch, double old_from,
                     enum vd_server to, double t);
/* The whole way from queries as captured to a verdict, the same for a
 * live case and a decoded file: time order (skipped when the caller knows
 * q is sorted), vd_mark_lookups(), then verdict_decide() with in->q and
 * in->nq set to q.  -1: out of memory (nothing decided). */
int  verdict_from_queries(struct vd_query *q, size_t nq, bool sorted,
                          struct vd_input *in, struct vd_result *out);

const char *verdict_name(enum verdict v);
/* Parses "FOLLOWED" etc. (case-insensitive); V_NONE when unknown. */
enum verdict verdict_parse(const char *s);
uint32_t vd_hash_name(const char *name);
/* How the application view was dated, in words for report.md: "" when the
 * process printed no answer. */
const char *vd_app_dating(const struct vd_result *r);

#endif
