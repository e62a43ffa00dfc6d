/*
 * observe.h - what a case sees while its process runs, and which of it
 * the verdict counts (doc/design.md, "The switch", "The window", "The
 * application view").
 *
 * Owns: the events of every DNS message captured; the application view
 * (each answer the process printed, from which server's data, dated); the
 * probe's own words (#libc, #unsupported); when to switch (a quiet moment,
 * after enough queries to the old server, but not waiting for it for
 * ever); and the window filter (which queries enter the verdict, with
 * whether each was answered; which are the fresh process's).
 * Never: reads a clock, a pipe or a capture, or makes a system call: the
 * caller hands in frames with their capture time and output with the time
 * it was read, so every rule here is testable with made-up times.
 */
#ifndef WHICHNS_OBSERVE_H
#define WHICHNS_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "events.h"
#include "flow.h"
#include "verdict.h"

#define OBSERVE_LINE_MAX 4096   /* a longer output line is read in pieces */

struct observe {
	struct serverset servers; /* the case's (observe_set_servers()) */
	struct flow      *flow;   /* frames to messages, TCP reassembled */
	struct wn_event  *ev;  size_t nev, evcap;    /* every DNS message */
	struct vd_answer *ans; size_t nans, anscap;  /* the application view */
	uint16_t only_qtype;      /* 0, or the only query type that counts */
	unsigned old_queries;     /* queries (of only_qtype) to a server the
	                           * old file lists (old or kept) */
	double   t_first_old;     /* ... the first of them */
	double   t_last_packet;   /* the last frame captured, DNS or not */
	unsigned packets;         /* frames captured */
	unsigned malformed;       /* frames, messages or TCP stream bytes that
	                           * did not decode (flow_stats) */
	/* "#pause<TAB>EPOCH" lines: the process says it is about to sleep
	 * between two rounds of lookups (our probes, repro/probe_cli.c). */
	unsigned pauses;          /* every one */
	double   t_pause;         /* the latest one's own time */
	double   t_switch;        /* set by the case: pauses from then on */
	unsigned pauses_after;    /* ... are counted here */
	/* "#reinit-every<TAB>N": the process re-reads resolv.conf itself
	 * before every Nth round, the first round counting as read (our
	 * res_loop's res_init()); 0: it did not say. */
	unsigned reinit_every;
	char     libc[64];        /* "#libc" line: the C library, as printed */
	char     unsupported[200];/* "#unsupported" line: why it cannot run */
	char     line[OBSERVE_LINE_MAX];   /* output line being read */
	size_t   linelen;
};

/* Empty, with the whichns servers (the default pair); only_qtype 0
 * counts every type.  -1: out of memory (observe_free() is still right). */
int  observe_init(struct observe *o, uint16_t only_qtype);
/* The case's servers instead of the default pair (copied): call it
 * after observe_init() and before the first frame or output line. */
void observe_set_servers(struct observe *o, const struct serverset *set);
void observe_free(struct observe *o);

/* One captured frame of caplen bytes on a link of type linktype, captured
 * at time t.  Frames go through flow.h as "whichns decode" reads a file:
 * UDP datagrams one by one, TCP streams reassembled, one event per DNS
 * message, at the time of the frame that completed it.  What does not
 * decode counts in malformed, never in the verdict. */
void observe_frame(struct observe *o, int linktype, const uint8_t *frame,
                   size_t caplen, double t);
/* The capture ended: what TCP streams still hold is handed on, or
 * counted as lost. */
void observe_finish(struct observe *o);
/* One DNS message, as observe_frame() hands on each. */
void observe_event(struct observe *o, const struct wn_event *e);

/* n bytes of the process's stdout, read at t_read.  Each line ends at
 * '\n' or after OBSERVE_LINE_MAX - 1 bytes; a last line without its '\n'
 * waits for more. */
void observe_output(struct observe *o, const char *buf, size_t n,
                    double t_read);
/* One line of output, read at t_read.  A line with an address or name of
 * a server's data (203.0.113.M, 2001:db8:203::M or -M.hat.com, M its
 * mark) is an answer from a server of that server's role (an old one's
 * when it has marks of several; a new one's before a kept one's), dated by the lookup's own time when
 * the line starts with "EPOCH<TAB>" (as the probes print it), else by
 * t_read. */
void observe_line(struct observe *o, const char *line, double t_read);

/* When to switch resolv.conf (a case's settings, and the state of the
 * wait for a quiet moment). */
struct observe_switch {
	double   t_run;            /* the process started */
	unsigned interval_ms;      /* how often it looks up; 0: unknown */
	unsigned switch_at_ms;     /* nonzero: this long after t_run */
	unsigned before;           /* ... else after this many old queries */
	unsigned switch_after_ms;  /* ... or this long after the first one */
	/* Set by observe_ready_to_switch(): */
	double   t_due;            /* when the switch became due; 0: not yet */
	bool     forced;           /* it came without a quiet moment */
};

/* Whether to switch at time now.  The switch is due at switch_at_ms, or
 * once a query reached the old server and either `before` of them have
 * or switch_after_ms has passed since the first.  Then it waits for a
 * quiet moment, so that no lookup straddles the switch: when the process
 * announces its pauses ("#pause" lines), one it announced after its last
 * frame, seen within observe_pause_ms() of it (it cannot wake before
 * interval_ms); otherwise no frame for observe_quiet_ms().  A process
 * that said it re-reads every N rounds is switched only in the pause
 * after a round that read the file (the 1st, the N+1th, ...), so that
 * its LATE count is always the N-1 rounds it keeps the old file, however
 * late a busy machine lets the switch come (one pause earlier, and it
 * would follow at once).  But at most observe_max_wait_ms() after it
 * became due (for such a process, three of its periods at least, and
 * not while it sleeps in the pause just before a re-read): a process
 * that is never that quiet is switched anyway, and sw->forced says so.  Called again and again with a later now. */
bool observe_ready_to_switch(const struct observe *o, struct observe_switch *sw,
                             double now);
/* The window after a switch at t_switch is over at time now: window_ms
 * has passed and, when the process announces its rounds ("#pause"), it
 * made at least observe_window_rounds() of them since the switch, so
 * that a busy machine, which slows the process down, shortens the window
 * in rounds no more than in time; but never later than
 * observe_window_max_ms() after the switch: a process whose rounds are
 * slow for what it asks (a server that does not answer) keeps the
 * window its scenario gives, give or take a second. */
bool observe_window_over(const struct observe *o,
                         const struct observe_switch *sw, unsigned window_ms,
                         double now);
/* Half the rounds window_ms holds at the process's pace (at least 1);
 * the longest window: twice window_ms, at most 1 s more than it. */
unsigned observe_window_rounds(const struct observe_switch *sw,
                               unsigned window_ms);
unsigned observe_window_max_ms(unsigned window_ms);
/* How late in a pause the switch may still begin: the interval less
 * 3 ms (the switch takes a fraction of one), at least half of it. */
double observe_pause_ms(const struct observe_switch *sw);
/* Whether the process was still asleep at t, a switch having ended then:
 * false only for one that announces its pauses, at a known interval, when
 * a frame came after its latest pause or t is an interval after it (it
 * woke, and may have read the old file after the switch began).  True
 * for a switch already forced, which says as much. */
bool observe_asleep_until(const struct observe *o,
                          const struct observe_switch *sw, double t);
/* The quiet moment: a quarter of the interval, 5 to 50 ms; 20 ms when
 * the interval is unknown. */
unsigned observe_quiet_ms(const struct observe_switch *sw);
/* The longest wait for it: two intervals, at least 200 ms. */
unsigned observe_max_wait_ms(const struct observe_switch *sw);

/* Which queries the verdict counts. */
struct observe_window {
	double t_end;     /* window_end: a later query is in the capture only */
	double t_fresh;   /* > 0: the fresh process started then */
};

/* The queries (QR=0, of only_qtype if set) until the fresh process
 * started and up to t_end, into q (room for o->nev), in capture order,
 * each marked with when its answer came (events_note_message, as decode
 * does); returns how many.  Those from t_fresh on are the fresh process's
 * and are counted by server in fresh_old and fresh_new instead. */
size_t observe_window_queries(const struct observe *o,
                              const struct observe_window *w,
                              struct vd_query *q, unsigned *fresh_old,
                              unsigned *fresh_new);
/* The verdict from the window's queries and the application view:
 * in carries the switch, the drops and the process's exit; its q, a
 * and t_end are filled here.  -1: out of memory (nothing decided). */
int observe_decide(const struct observe *o, const struct observe_window *w,
                   struct vd_input *in, struct vd_result *out,
                   unsigned *fresh_old, unsigned *fresh_new);

#endif
