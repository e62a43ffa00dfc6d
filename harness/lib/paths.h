/*
 * paths.h - a verdict per resolution path (doc/design.md, "Paths").
 *
 * A path is who sent a query on the wire (the process under test, with
 * its triggers when the case has some, nscd on its behalf, the fresh
 * process, or nscd for the fresh process) and
 * which type of record it asked for (A and AAAA together, as one
 * getaddrinfo asks them; every other type on its own).  The verdict
 * rules (verdict_decide, the one function) are applied to each path's
 * queries alone, so that a case can say "MX (process): STALE; A/AAAA
 * (via nscd): FOLLOWED" beside its headline verdict.
 *
 * Owns: which sender and type group a DNS message belongs to, the list
 * of paths of a capture, each path's verdict and numbers, and the one
 * line a path takes in result.txt.
 * Never: changes the headline verdict, or looks at anything but the
 * events handed in (nscd is told by its source address, the fresh
 * process by the time it started).
 */
#ifndef WHICHNS_PATHS_H
#define WHICHNS_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include "events.h"
#include "verdict.h"

#define PATHS_MAX 10

enum path_sender {
	PS_PROCESS,      /* the process under test, from its own address */
	PS_PROCESS_TRIGGERS, /* the same, in a case with triggers: they run
	                  * beside it, in its namespace (they talk to it over
	                  * its loopback), so they share its address */
	PS_NSCD,         /* nscd, from its own address, before the fresh one */
	PS_FRESH,        /* the fresh process, itself */
	PS_FRESH_NSCD,   /* nscd, once the fresh process started */
	PS_COUNT
};

/* How senders are told apart. */
struct path_senders {
	struct pkt_addr nscd[2]; size_t nnscd;  /* nscd's source addresses */
	bool   triggers;  /* the case has triggers (PS_PROCESS_TRIGGERS) */
	double t_fresh;   /* > 0: the fresh process started then */
};

/* A case's senders: nscd's own addresses (WN_NSCD4, WN_NSCD6) when it
 * ran nscd, whether it had triggers, when its fresh process started
 * (0: none).  Returns 0, or -1 when an address does not parse. */
int paths_senders_set(struct path_senders *s, bool nscd, bool triggers,
                      double t_fresh);

/* One path's verdict, with the numbers behind it (as vd_result's). */
struct vd_path {
	enum path_sender sender;
	char     types[16];        /* "A/AAAA", "MX", "TYPE65" */
	enum verdict v;
	unsigned late_by;
	unsigned queries_old_before, queries_new_before;
	unsigned queries_old_after, queries_new_after;
	unsigned lookups_old_after, lookups_new_after;
	double   first_new_ms;     /* < 0: none */
	char     reason[sizeof ((struct vd_result *)0)->reason]; /* whole */
};

/* The sender of event e (a query's source, a response's destination). */
enum path_sender paths_sender(const struct path_senders *s,
                              const struct wn_event *e);
/* "process", "process and its triggers", "via nscd", "fresh process",
 * "fresh process via nscd". */
const char *paths_sender_label(enum path_sender s);
/* "process", "process+triggers", "nscd", "fresh", "fresh-nscd": one
 * word, for result.txt
 * and JSON.  paths_sender_parse: PS_COUNT when unknown. */
const char *paths_sender_name(enum path_sender s);
enum path_sender paths_sender_parse(const char *s);
/* The type group of a query type: "A/AAAA" for both, else its name. */
const char *paths_types(uint16_t qtype, char *buf, size_t size);

/*
 * The paths of events ev[0..nev) (capture order), at most max, in the
 * order of enum path_sender, each sender's groups in the
 * order their first query came; each decided by verdict_from_queries()
 * on its own queries (those of the window, up to in->t_end; the fresh
 * ones up to the end of the capture) with in's switch, drops and exit.
 * The fresh senders start after the switch (vd_input.started_after) and
 * run once, so their paths are not INCONCLUSIVE for lack of a query
 * before it or for ending.  Returns how many were written to out,
 * *more how many did not fit (may be NULL; paths beyond the 64th are
 * not told apart, and each of their queries counts as one more);
 * -1: out of memory.
 */
int paths_decide(const struct wn_event *ev, size_t nev,
                 const struct path_senders *s, const struct vd_input *in,
                 struct vd_path *out, size_t max, size_t *more);

/* "MX (process): STALE; A/AAAA (via nscd): FOLLOWED" (LATE with its
 * N), into buf; "" when there are none. */
const char *paths_summary(const struct vd_path *p, size_t n, char *buf,
                          size_t size);

/* result.txt's form of one path, one line without its key:
 * "SENDER TYPES VERDICT LATE_BY QOB QNB QOA QNA LOA LNA FIRST_NEW_MS
 * REASON".  paths_parse: 0, or -1 when the line is not one. */
void paths_format(const struct vd_path *p, char *buf, size_t size);
int  paths_parse(const char *line, struct vd_path *p);

#endif
