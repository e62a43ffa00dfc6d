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

#define TL_MARKS_MAX (TL_ROWS * TL_COLUMNS)

/* Which queries the verdict counts (observe.h's window). */
struct tl_scope {
	double   t_switch;    /* < 0: no switch */
	double   t_end;       /* < 0: no window end: every query counts */
	double   t_fresh;     /* <= 0: no fresh process */
	uint16_t only_qtype;  /* 0: every type counts */
};

struct tl_mark {
	double  t;
	uint8_t row;
};

/* About 600 KB: allocate it, don't put it on the stack. */
struct timeline {
	struct tl_scope sc;
	double   t_min, t_max;      /* of every mark added */
	uint64_t total[TL_ROWS];
	size_t   nexact;
	bool     binned;            /* exact[] was folded into bins[] */
	double   origin, width;     /* bin i: [origin + i*width, + width) */
	struct tl_mark exact[TL_EXACT_MAX];
	uint64_t bins[TL_ROWS][TL_BINS];
};

/* A switch at t_switch (< 0: none); every message counts. */
void timeline_init(struct timeline *tl, double t_switch);
void timeline_init_scope(struct timeline *tl, const struct tl_scope *sc);
/* The row of a message to server at time t (qr: a response). */
enum tl_row timeline_row(const struct tl_scope *sc, double t,
                         enum vd_server server, bool qr, uint16_t qtype);
/* One message at capture time t; marks may come in any time order. */
void timeline_add(struct timeline *tl, double t, enum vd_server server,
                  bool qr, uint16_t qtype);
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

#endif
