/*
 * timeline.h - the DNS messages of a capture as a picture: timeline.svg.
 *
 * Owns: a self-contained SVG (no scripts, no external fonts or links) with
 * time relative to the switch on x, one lane per server (old, new, other),
 * a mark per query and a smaller one per response, the switch as a
 * labelled line, axis ticks and a legend.
 * Never: opens files (it writes to the caller's stream) or keeps one record
 * per message: memory and output stay bounded whatever the capture holds.
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
#define TL_COLUMNS   900                    /* plot width in pixels */
#define TL_LANES     3                      /* VD_OLD, VD_NEW, VD_OTHER */
#define TL_MARKS_MAX (TL_LANES * 2 * TL_COLUMNS)

struct tl_mark {
	double  t;
	uint8_t lane, response;
};

/* About 260 KB: allocate it, don't put it on the stack. */
struct timeline {
	double   t_switch;          /* < 0: no switch */
	double   t_min, t_max;      /* of every mark added */
	uint64_t total[TL_LANES][2];/* [lane][0 query, 1 response] */
	size_t   nexact;
	bool     binned;            /* exact[] was folded into bins[] */
	double   origin, width;     /* bin i: [origin + i*width, + width) */
	struct tl_mark exact[TL_EXACT_MAX];
	uint64_t bins[TL_LANES][2][TL_BINS];
};

void timeline_init(struct timeline *tl, double t_switch);
/* One message at capture time t; marks may come in any time order. */
void timeline_add(struct timeline *tl, double t, enum vd_server lane,
                  bool response);
void timeline_add_event(struct timeline *tl, const struct wn_event *e);
/* The SVG; title is plain text (escaped here).  Returns 0, or -1 when the
 * stream reports an error. */
int  timeline_write(FILE *f, const struct timeline *tl, const char *title);

/* All of the above for events in memory (a case's).  -1: out of memory or
 * a stream error. */
int  timeline_svg(FILE *f, const struct wn_event *ev, size_t n,
                  double t_switch, const char *title);

#endif
