/*
 * timeline.h - the DNS messages of a capture as a picture: timeline.svg.
 *
 * Owns: a self-contained SVG (no scripts, no external fonts or links),
 * 900 pixels wide, with time relative to the switch on x; a lane per
 * server (old, new, other) and, when a fresh process ran, a lane of its
 * own; in each lane a row of the queries the verdict counts (in the
 * server's colour), a row of those it does not (grey: a type outside
 * --only, or after the window's end), and a row of responses.  The
 * switch, the window's end and the fresh process's start are labelled
 * lines, the time after the window is shaded, the axis reaches the
 * window's end whether or not a packet does, and the title (drawn and in
 * <title>) says the verdict and its numbers.
 * When the case's senders are told (timeline_set_senders: nscd's address,
 * paths.h), the queries nscd sent are drawn apart: each lane has rows of
 * the process's queries and rows of nscd's (outlined marks), each group
 * named, and the legend says which is which.  When the case has two
 * paths or more (timeline_set_paths), their verdicts are a line under the
 * title ("By path: MX (process): STALE; A/AAAA (via nscd): FOLLOWED").
 * Never: opens files (it writes to the caller's stream) or keeps one record
 * per message: memory and output stay bounded whatever the capture holds.
 * It does not decide a verdict: which queries count is the window rule of
 * observe.h (observe_window_queries), restated by timeline_row().
 *
 * Marks are kept exactly up to TL_EXACT_MAX messages; beyond that they are
 * counted in TL_BINS time bins that widen as the capture goes on.  Either
 * way they are drawn one per pixel column per row (runs of equal density
 * joined), so the SVG never has more than TL_MARKS_MAX marks.
 */
#ifndef WHICHNS_TIMELINE_H
#define WHICHNS_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "events.h"
#include "paths.h"

#define TL_EXACT_MAX 4096
#define TL_BINS      4096
#define TL_COLUMNS   700                    /* plot width in pixels */
#define TL_WIDTH     900                    /* the whole picture */

/* Where a message is drawn: a lane and a row in it. */
enum tl_row {
	TL_OLD_Q, TL_OLD_X, TL_OLD_RX, TL_OLD_R,
	TL_NEW_Q, TL_NEW_X, TL_NEW_RX, TL_NEW_R,
	TL_OTHER_Q, TL_OTHER_X, TL_OTHER_RX, TL_OTHER_R,
	TL_FRESH_OLD, TL_FRESH_NEW, TL_FRESH_X, TL_FRESH_R,
	TL_ROWS
};
/* _Q: a query the verdict counts; _X: one it does not; _R: a response of
 * a counted type; _RX: any other response (grey, drawn under _R, in the
 * same row).  The fresh process's lane: its counted queries to the old
 * and the new server, the rest of its queries, its responses. */

/* Who sent a message, as the picture tells senders apart: the process
 * itself (with its triggers; in the fresh lane, the fresh process), or
 * nscd on its behalf (paths.h's PS_NSCD and PS_FRESH_NSCD).  A message
 * is kept in slot row + TL_ROWS * via. */
#define TL_VIA   2
#define TL_SLOTS (TL_ROWS * TL_VIA)

#define TL_MARKS_MAX (TL_SLOTS * TL_COLUMNS)
#define TL_PATHS_TEXT 1024     /* the "By path" line, before wrapping */

/* Which queries the verdict counts (observe.h's window). */
struct tl_scope {
	double   t_switch;    /* < 0: no switch */
	double   t_switch_end;/* > t_switch: the new file was in place then,
	                       * and the old server's queries count from it
	                       * (switch_end); a marker in report.md only */
	double   t_end;       /* < 0: no window end: every query counts */
	double   t_fresh;     /* <= 0: no fresh process */
	uint16_t only_qtype;  /* 0: every type counts */
};

struct tl_mark {
	double  t;
	uint8_t slot;               /* row + TL_ROWS * via */
};

/* About 1.1 MB: allocate it, don't put it on the stack. */
struct timeline {
	struct tl_scope sc;
	struct path_senders senders;  /* nnscd 0: every message is the process's */
	char     paths[TL_PATHS_TEXT];/* the per-path verdicts; "": not drawn */
	double   t_min, t_max;      /* of every mark added */
	uint64_t total[TL_ROWS];    /* every sender's */
	uint64_t total_nscd[TL_ROWS]; /* of those, nscd's */
	size_t   nexact;
	bool     binned;            /* exact[] was folded into bins[] */
	double   origin, width;     /* bin i: [origin + i*width, + width) */
	/* Last, and not zeroed by timeline_init_scope (timeline.c). */
	struct tl_mark exact[TL_EXACT_MAX];
	uint64_t bins[TL_SLOTS][TL_BINS];   /* [row]: the process's */
};

/* A switch at t_switch (< 0: none); every message counts. */
void timeline_init(struct timeline *tl, double t_switch);
void timeline_init_scope(struct timeline *tl, const struct tl_scope *sc);
/* The row of a message to server at time t (qr: a response). */
enum tl_row timeline_row(const struct tl_scope *sc, double t,
                         enum vd_server server, bool qr, uint16_t qtype);
/* Who sent what (paths_sender): nscd's messages are drawn apart.  Call
 * before adding events; without it every message is the process's. */
void timeline_set_senders(struct timeline *tl, const struct path_senders *s);
/* The verdicts per path, drawn under the title (and in <title>) when there
 * are two or more; more: the paths that did not fit in p. */
void timeline_set_paths(struct timeline *tl, const struct vd_path *p,
                        size_t n, size_t more);
/* One message at capture time t; marks may come in any time order.
 * timeline_add_from: nscd sent it (or it went to nscd). */
void timeline_add(struct timeline *tl, double t, enum vd_server server,
                  bool qr, uint16_t qtype);
void timeline_add_from(struct timeline *tl, double t, enum vd_server server,
                       bool qr, uint16_t qtype, bool nscd);
/* Its sender told by timeline_set_senders's addresses. */
void timeline_add_event(struct timeline *tl, const struct wn_event *e);
/* The SVG.  title is plain text (escaped here): its first line is the
 * heading, each further line ('\n' apart, at most 4) a line below it;
 * <title> holds them all.  Returns 0, or -1 when the stream reports an
 * error. */
int  timeline_write(FILE *f, const struct timeline *tl, const char *title);

/* All of the above for events in memory (a case's).  -1: out of memory or
 * a stream error. */
int  timeline_svg(FILE *f, const struct wn_event *ev, size_t n,
                  const struct tl_scope *sc, const char *title);

/* A case's senders and paths, for timeline_svg_paths. */
struct tl_paths {
	struct path_senders senders;
	const struct vd_path *paths;
	size_t npaths, more;
};
/* timeline_svg, with who sent each message and the paths' verdicts (tp
 * NULL: none, as timeline_svg). */
int  timeline_svg_paths(FILE *f, const struct wn_event *ev, size_t n,
                        const struct tl_scope *sc, const struct tl_paths *tp,
                        const char *title);

#endif
