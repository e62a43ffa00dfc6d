/*
 * timeline.c - timeline.svg; see timeline.h.
 *
 * Accumulation and drawing are apart: timeline_add() only counts, so a
 * million-message capture costs the same memory as a small one, and
 * timeline_write() folds whatever it has into pixel columns.  Each
 * message is put in its row (counted or not, fresh or not) as it comes,
 * so the picture greys exactly what the verdict leaves out; and in its
 * sender's slot, so nscd's queries get rows of their own.
 *
 * Two layouts: without a query from nscd, each lane is as it always was
 * (its name on its first row, rows at fixed heights, the `rows` table);
 * with one, each lane has its name on a line of its own, then the rows of
 * the process's queries (when it sent any), the rows of nscd's, and the
 * responses of both (layout_split).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "timeline.h"

/* Layout, in pixels. */
#define W_LEFT    170
#define W_RIGHT   (TL_WIDTH - W_LEFT - TL_COLUMNS)
#define H_TITLE   22       /* baseline of the heading */
#define H_LINE    18       /* each further title line */
#define H_LABELS  60       /* the marker labels above the lanes: 3 levels */
#define H_AXIS    46
#define H_LEGEND  56
#define TITLE_MAX 5        /* lines */
#define MARK_MIN  3        /* narrowest mark, so a lone message stays visible */
#define NSCD_MIN  5        /* an outlined mark: wide enough to look hollow */
#define H_BAND    18       /* split layout: the lane's name above its rows */
#define H_NSCD_LEGEND 20   /* the legend's line about senders */
#define PATHS_LINES 4      /* the "By path" line, wrapped */
#define PATHS_COLS  118    /* characters a line: about 830 px at 12 px */

#define C_OLD     "#d95f02"
#define C_NEW     "#1b9e77"
#define C_OTHER   "#7570b3"
#define C_UNCOUNT "#bdbdbd"
#define C_FRESH   "#2166ac"
#define C_END     "#444444"

enum lane { L_OLD, L_NEW, L_OTHER, L_FRESH, NLANES };

static const struct {
	const char *label, *color, *bg;
	int height;
} lanes[NLANES] = {
	{ "old server",    C_OLD,   "#f4f4f4", 68 },
	{ "new server",    C_NEW,   "#ffffff", 68 },
	{ "other",         C_OTHER, "#f4f4f4", 68 },
	{ "fresh process", C_FRESH, "#eef3f9", 84 },
};

enum kind { K_QUERY, K_UNCOUNTED, K_RESPONSE };

/* Each row: its lane, its centre from the lane's top, what it holds. */
static const struct row_def {
	enum lane   lane;
	int         y;
	enum kind   kind;
	const char *color, *cls, *what;   /* class "m CLS"; tooltips say what */
} rows[TL_ROWS] = {
	[TL_OLD_Q]     = { L_OLD,   16, K_QUERY,     C_OLD,     "query old",            "counted" },
	[TL_OLD_X]     = { L_OLD,   38, K_UNCOUNTED, C_UNCOUNT, "uncounted old",        "not counted" },
	[TL_OLD_RX]    = { L_OLD,   57, K_RESPONSE,  C_UNCOUNT, "response old uncounted", "of an uncounted type" },
	[TL_OLD_R]     = { L_OLD,   57, K_RESPONSE,  C_OLD,     "response old",         "" },
	[TL_NEW_Q]     = { L_NEW,   16, K_QUERY,     C_NEW,     "query new",            "counted" },
	[TL_NEW_X]     = { L_NEW,   38, K_UNCOUNTED, C_UNCOUNT, "uncounted new",        "not counted" },
	[TL_NEW_RX]    = { L_NEW,   57, K_RESPONSE,  C_UNCOUNT, "response new uncounted", "of an uncounted type" },
	[TL_NEW_R]     = { L_NEW,   57, K_RESPONSE,  C_NEW,     "response new",         "" },
	[TL_OTHER_Q]   = { L_OTHER, 16, K_QUERY,     C_OTHER,   "query other",          "counted" },
	[TL_OTHER_X]   = { L_OTHER, 38, K_UNCOUNTED, C_UNCOUNT, "uncounted other",      "not counted" },
	[TL_OTHER_RX]  = { L_OTHER, 57, K_RESPONSE,  C_UNCOUNT, "response other uncounted", "of an uncounted type" },
	[TL_OTHER_R]   = { L_OTHER, 57, K_RESPONSE,  C_OTHER,   "response other",       "" },
	[TL_FRESH_OLD] = { L_FRESH, 14, K_QUERY,     C_OLD,     "query fresh-old",      "counted, to the old server" },
	[TL_FRESH_NEW] = { L_FRESH, 36, K_QUERY,     C_NEW,     "query fresh-new",      "counted, to the new server" },
	[TL_FRESH_X]   = { L_FRESH, 56, K_UNCOUNTED, C_UNCOUNT, "uncounted fresh",      "not counted" },
	[TL_FRESH_R]   = { L_FRESH, 74, K_RESPONSE,  "#8c8c8c", "response fresh",       "" },
};

void timeline_init_scope(struct timeline *tl, const struct tl_scope *sc)
{
	/* Not exact[] and bins[] (a megabyte): marks are added to exact[]
	 * one by one, and bins[] is zeroed when the marks are folded into it
	 * (start_binning); most cases never need it, and the runner draws
	 * one picture per case. */
	memset(tl, 0, offsetof(struct timeline, exact));
	tl->sc = *sc;
	tl->t_min = INFINITY;
	tl->t_max = -INFINITY;
}

void timeline_set_senders(struct timeline *tl, const struct path_senders *s)
{
	tl->senders = *s;
}

void timeline_set_paths(struct timeline *tl, const struct vd_path *p,
                        size_t n, size_t more)
{
	tl->paths[0] = '\0';
	if (n < 2)
		return;
	paths_summary(p, n, tl->paths, sizeof tl->paths);
	size_t len = strlen(tl->paths);
	if (more && len < sizeof tl->paths)
		snprintf(tl->paths + len, sizeof tl->paths - len, "; %zu more "
		         "path%s", more, more == 1 ? "" : "s");
}

void timeline_init(struct timeline *tl, double t_switch)
{
	struct tl_scope sc = { .t_switch = t_switch, .t_end = -1, .t_fresh = -1 };
	timeline_init_scope(tl, &sc);
}

/* observe_window_queries()'s rule: from the fresh process's start, its
 * queries; else a query after the window's end or of another type than
 * --only is in the capture, not in the verdict. */
enum tl_row timeline_row(const struct tl_scope *sc, double t,
                         enum vd_server server, bool qr, uint16_t qtype)
{
	/* A server both files list is drawn with the others, grey: the
	 * verdict does not count it. */
	int base = server == VD_OLD ? TL_OLD_Q : server == VD_NEW ? TL_NEW_Q
	                                                        : TL_OTHER_Q;
	bool type_ok = !sc->only_qtype || qtype == sc->only_qtype;

	if (sc->t_fresh > 0 && t >= sc->t_fresh) {
		if (qr)
			return TL_FRESH_R;
		if (type_ok && (server == VD_OLD || server == VD_NEW))
			return server == VD_OLD ? TL_FRESH_OLD : TL_FRESH_NEW;
		return TL_FRESH_X;
	}
	if (qr)
		return (enum tl_row)(base + (type_ok ? TL_OLD_R : TL_OLD_RX));
	if (!type_ok || (sc->t_end >= 0 && t > sc->t_end) || server == VD_KEPT)
		return (enum tl_row)(base + TL_OLD_X);
	return (enum tl_row)base;
}

/* Double the bins' span to the right: pairs of bins become one. */
static void widen_right(struct timeline *tl)
{
	for (int r = 0; r < TL_SLOTS; r++) {
		uint64_t *b = tl->bins[r];
		for (size_t i = 0; i < TL_BINS / 2; i++)
			b[i] = b[2 * i] + b[2 * i + 1];
		memset(b + TL_BINS / 2, 0, TL_BINS / 2 * sizeof *b);
	}
	tl->width *= 2;
}

/* Double it to the left: the old span becomes the right half. */
static void widen_left(struct timeline *tl)
{
	for (int r = 0; r < TL_SLOTS; r++) {
		uint64_t *b = tl->bins[r];
		/* Downwards: slot i reads slots at or below i. */
		for (size_t i = TL_BINS; i-- > TL_BINS / 2;)
			b[i] = b[2 * i - TL_BINS] + b[2 * i - TL_BINS + 1];
		memset(b, 0, TL_BINS / 2 * sizeof *b);
	}
	tl->origin -= TL_BINS * tl->width;
	tl->width *= 2;
}

static void bin_add(struct timeline *tl, double t, int row)
{
	/* Each widening doubles the span, so this ends within ~2000 rounds
	 * for any finite t; the bound only guards against a broken width. */
	for (int guard = 0; guard < 4096; guard++) {
		if (t < tl->origin) {
			widen_left(tl);
			continue;
		}
		double i = (t - tl->origin) / tl->width;
		if (i >= TL_BINS) {
			widen_right(tl);
			continue;
		}
		tl->bins[row][(size_t)i]++;
		return;
	}
}

/* exact[] is full: fold it into bins with room to grow by half again. */
static void start_binning(struct timeline *tl)
{
	double lo = tl->t_min, hi = tl->t_max;
	tl->binned = true;
	memset(tl->bins, 0, sizeof tl->bins);
	tl->origin = lo;
	tl->width = hi > lo ? (hi - lo) / (TL_BINS / 2) : 1e-3;
	if (!(tl->width > 0))
		tl->width = 1e-3;
	for (size_t i = 0; i < tl->nexact; i++)
		bin_add(tl, tl->exact[i].t, tl->exact[i].slot);
	tl->nexact = 0;
}

void timeline_add_from(struct timeline *tl, double t, enum vd_server server,
                       bool qr, uint16_t qtype, bool nscd)
{
	int row = timeline_row(&tl->sc, t, server, qr, qtype);
	int slot = row + (nscd ? TL_ROWS : 0);

	if (!isfinite(t))
		return;
	tl->total[row]++;
	if (nscd)
		tl->total_nscd[row]++;
	if (t < tl->t_min)
		tl->t_min = t;
	if (t > tl->t_max)
		tl->t_max = t;
	if (!tl->binned && tl->nexact == TL_EXACT_MAX)
		start_binning(tl);
	if (tl->binned) {
		bin_add(tl, t, slot);
		return;
	}
	tl->exact[tl->nexact++] = (struct tl_mark){ t, (uint8_t)slot };
}

void timeline_add(struct timeline *tl, double t, enum vd_server server,
                  bool qr, uint16_t qtype)
{
	timeline_add_from(tl, t, server, qr, qtype, false);
}

void timeline_add_event(struct timeline *tl, const struct wn_event *e)
{
	enum path_sender s = paths_sender(&tl->senders, e);
	timeline_add_from(tl, e->t, e->server, e->qr, e->qtype,
	                  s == PS_NSCD || s == PS_FRESH_NSCD);
}

/* Drawing. */

struct frame {
	double ref;        /* x = 0: the switch, or the first message */
	double lo, hi;     /* shown range, seconds relative to ref */
	int    top;        /* y of the first lane */
	int    lane_y[NLANES + 1];   /* each lane's top; [NLANES]: the bottom */
	int    label_y[NLANES];      /* the baseline of each lane's name */
	int    group_y[TL_VIA][NLANES]; /* split: each sender's first row; 0: none */
	int    y[TL_SLOTS];          /* each drawn slot's centre; 0: not drawn */
	bool   fresh;      /* the fresh process's lane is drawn */
	bool   split;      /* nscd sent queries: rows per sender */
	bool   own;        /* split: the process sent queries, its rows drawn */
	uint64_t (*cols)[TL_COLUMNS];   /* TL_SLOTS of them */
};

static double x_of(const struct frame *fr, double rel)
{
	return W_LEFT + (rel - fr->lo) / (fr->hi - fr->lo) * TL_COLUMNS;
}

/* The slot a message is drawn in: responses (both senders') in the
 * process's row, and everything there when nscd's rows are not drawn. */
static int drawn_slot(const struct frame *fr, int slot)
{
	if (slot >= TL_ROWS &&
	    (!fr->split || rows[slot - TL_ROWS].kind == K_RESPONSE))
		return slot - TL_ROWS;
	return slot;
}

static void col_add(struct frame *fr, double t, int slot, uint64_t n)
{
	double c = (t - fr->ref - fr->lo) / (fr->hi - fr->lo) * TL_COLUMNS;
	size_t i = c <= 0 ? 0 : c >= TL_COLUMNS - 1 ? TL_COLUMNS - 1 : (size_t)c;
	fr->cols[drawn_slot(fr, slot)][i] += n;
}

static void fold_columns(const struct timeline *tl, struct frame *fr)
{
	for (size_t i = 0; i < tl->nexact; i++)
		col_add(fr, tl->exact[i].t, tl->exact[i].slot, 1);
	if (!tl->binned)
		return;
	for (int r = 0; r < TL_SLOTS; r++)
		for (size_t i = 0; i < TL_BINS; i++)
			if (tl->bins[r][i])
				col_add(fr, tl->origin + (i + 0.5) * tl->width, r,
				        tl->bins[r][i]);
}

/* 1, 2-9, 10-99, 100+: a mark grows with the decade of its count. */
static int level(uint64_t n)
{
	return n == 0 ? 0 : n < 10 ? 1 + (n > 1) : n < 100 ? 3 : 4;
}

static double mark_height(enum kind k, int lv)
{
	return k == K_QUERY ? 12 + 2 * lv : k == K_UNCOUNTED ? 8 + 2 * lv : 5 + lv;
}

static void mark_title(FILE *f, const struct frame *fr, int slot, uint64_t n,
                       size_t i, size_t j)
{
	const struct row_def *d = &rows[slot % TL_ROWS];
	double span = (fr->hi - fr->lo) / TL_COLUMNS;
	bool one = n == 1;
	const char *what = d->kind == K_RESPONSE ? (one ? "response" : "responses")
	                                         : (one ? "query" : "queries");
	fprintf(f, "><title>%llu %s%s%s%s, %s, %.3f s to %.3f s</title></rect>\n",
	        (unsigned long long)n, what, *d->what ? " " : "", d->what,
	        slot >= TL_ROWS ? ", sent by nscd" : "", lanes[d->lane].label,
	        fr->lo + (double)i * span, fr->lo + (double)j * span);
}

/* One mark: a bar in the row's colour; nscd's outlined, lightly filled. */
static void draw_mark(FILE *f, const struct row_def *d, bool nscd, double x,
                      double w, double ymid, double h)
{
	double min = nscd ? NSCD_MIN : MARK_MIN;
	if (w < min) {
		/* nscd's on whole pixels, so that its 2 px stroke covers whole
		 * pixels in the server's own colour */
		x -= nscd ? floor((min - w) / 2) : (min - w) / 2;
		w = min;
	}
	fprintf(f, "<rect class=\"m %s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	        "height=\"%.1f\" fill=\"%s\"", d->cls, nscd ? " nscd" : "", x,
	        ymid - h / 2, w, h, d->color);
	if (nscd)
		fprintf(f, " fill-opacity=\"0.3\" stroke=\"%s\" stroke-width=\"2\"",
		        d->color);
	else if (d->kind == K_RESPONSE)
		fputs(" fill-opacity=\"0.6\"", f);
}

static void draw_row(FILE *f, const struct frame *fr, int slot, bool titles)
{
	const struct row_def *d = &rows[slot % TL_ROWS];
	const uint64_t *c = fr->cols[slot];
	double ymid = fr->y[slot];

	for (size_t i = 0; i < TL_COLUMNS;) {
		int lv = level(c[i]);
		if (!lv) {
			i++;
			continue;
		}
		size_t j = i;
		uint64_t n = 0;
		for (; j < TL_COLUMNS && level(c[j]) == lv; j++)
			n += c[j];
		/* a column a pixel */
		draw_mark(f, d, slot >= TL_ROWS, W_LEFT + (double)i, (double)(j - i),
		          ymid, mark_height(d->kind, lv));
		if (titles)
			mark_title(f, fr, slot, n, i, j);
		else
			fputs("/>\n", f);
		i = j;
	}
}

/* A round step giving about 8 ticks: 1, 2 or 5 times a power of ten. */
static double tick_step(double range)
{
	double raw = range / 8, p = pow(10, floor(log10(raw))), m = raw / p;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void draw_axis(FILE *f, const struct frame *fr, bool switched)
{
	double y = fr->lane_y[NLANES];
	double step = tick_step(fr->hi - fr->lo);
	int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
	        W_LEFT, y, W_LEFT + TL_COLUMNS, y);
	double first = ceil(fr->lo / step) * step;
	for (int k = 0; k < 64; k++) {
		double v = first + k * step;
		if (v > fr->hi + step * 1e-6)
			break;
		if (fabs(v) < step * 1e-6)
			v = 0;
		double x = x_of(fr, v);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#333\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"middle\">%.*f</text>\n",
		        x, y, x, y + 5, x, y + 18, decimals, v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">seconds "
	        "since %s</text>\n", W_LEFT + TL_COLUMNS / 2, y + 36,
	        switched ? "the resolv.conf switch" : "the first DNS message");
}

static void swatch(FILE *f, int x, double y, const char *color, const char *label)
{
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" "
	        "fill=\"%s\"/><text x=\"%d\" y=\"%.1f\">%s</text>\n",
	        x, y - 9, color, x + 15, y, label);
}

/* The split layout's line: which marks the process sent, which nscd. */
static void legend_senders(FILE *f, const struct timeline *tl, bool own,
                           double y)
{
	fprintf(f, "<g class=\"legend-senders\"><rect x=\"10\" y=\"%.1f\" "
	        "width=\"5\" height=\"14\" fill=\"#555\"/><text x=\"22\" y=\"%.1f\">"
	        "sent by the %s itself%s</text>\n", y - 11, y,
	        tl->senders.triggers ? "process or its triggers" : "process",
	        own ? "" : " (none here)");
	fprintf(f, "<rect x=\"300\" y=\"%.1f\" width=\"5\" height=\"14\" "
	        "fill=\"#555\" fill-opacity=\"0.3\" stroke=\"#555\" "
	        "stroke-width=\"2\"/><text x=\"312\" y=\"%.1f\">sent by nscd "
	        "on its behalf, from nscd's own address (rows: via nscd)</text></g>\n",
	        y - 11, y);
}

static void draw_legend(FILE *f, const struct timeline *tl, const struct frame *fr)
{
	double y = fr->lane_y[NLANES] + H_AXIS + 16;
	int x = 10;

	fputs("<g class=\"legend\">\n", f);
	swatch(f, x, y, C_OLD, "old server");
	swatch(f, x += 95, y, C_NEW, "new server");
	swatch(f, x += 100, y, C_OTHER, "other");
	swatch(f, x += 65, y, C_UNCOUNT, "not counted by the verdict");
	x += 190;
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"3\" height=\"16\" fill=\"#555\"/>"
	        "<text x=\"%d\" y=\"%.1f\">query</text>\n", x, y - 12, x + 8, y);
	x += 55;
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"3\" height=\"7\" fill=\"#555\" "
	        "fill-opacity=\"0.6\"/><text x=\"%d\" y=\"%.1f\">response</text>\n",
	        x, y - 7, x + 8, y);
	if (fr->split) {
		y += H_NSCD_LEGEND;
		legend_senders(f, tl, fr->own, y);
	}
	fprintf(f, "<text x=\"10\" y=\"%.1f\" fill=\"#555\">one mark per pixel "
	        "column per row, taller for more messages (1, 2-9, 10-99, 100+)%s%s"
	        "</text>\n", y + 20, tl->binned ? "; times binned to fit" : "",
	        tl->sc.t_end >= 0 ? "; shaded: after the window, not in the verdict"
	                          : "");
	fputs("</g>\n", f);
}

/* How many messages a drawn slot holds: a response row both senders'
 * (and, outside the fresh lane, both its types'). */
static uint64_t slot_total(const struct timeline *tl, int slot)
{
	int r = slot % TL_ROWS;
	const struct row_def *d = &rows[r];
	if (d->kind == K_RESPONSE)
		return tl->total[r] + (d->lane != L_FRESH ? tl->total[r - 1] : 0);
	if (slot >= TL_ROWS)
		return tl->total_nscd[r];
	return tl->total[r] - tl->total_nscd[r];
}

/* Did the lane get any message, of any sender? */
static bool lane_used(const struct timeline *tl, enum lane l)
{
	for (int r = 0; r < TL_ROWS; r++)
		if (rows[r].lane == l && tl->total[r])
			return true;
	return false;
}

/* Each row's count at its height, right of the lane's name. */
static void draw_captions(FILE *f, const struct timeline *tl,
                          const struct frame *fr, enum lane l)
{
	for (int s = 0; s < TL_SLOTS; s++) {
		int r = s % TL_ROWS;
		const struct row_def *d = &rows[r];
		if (d->lane != l || !fr->y[s] || r == TL_OLD_RX || r == TL_NEW_RX ||
		    r == TL_OTHER_RX)
			continue;
		uint64_t n = slot_total(tl, s);
		const char *what;
		what = d->kind == K_RESPONSE ? (n == 1 ? "response" : "responses")
		     : d->kind == K_UNCOUNTED ? "not counted"
		     : r == TL_FRESH_OLD ? "to old" : r == TL_FRESH_NEW ? "to new"
		     : "counted";
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\" "
		        "fill=\"%s\">%llu %s</text>\n", W_LEFT - 6, fr->y[s] + 4,
		        d->kind == K_UNCOUNTED ? "#888" : "#555",
		        (unsigned long long)n, what);
	}
}

/* The split layout: each sender's rows named on the left, on its first
 * two rows (the counted and the not counted). */
static void draw_groups(FILE *f, const struct timeline *tl,
                        const struct frame *fr, enum lane l)
{
	for (int via = 0; via < TL_VIA; via++) {
		int y = fr->group_y[via][l];
		const char *a = via ? "via nscd" : l == L_FRESH ? "itself" : "process";
		const char *b = !via && l != L_FRESH && tl->senders.triggers
		              ? "+ triggers" : "";
		if (!y)
			continue;
		if (via && fr->group_y[0][l])   /* below the process's rows */
			fprintf(f, "<line class=\"senders\" x1=\"8\" y1=\"%d\" "
			        "x2=\"%d\" y2=\"%d\" stroke=\"#ccc\" "
			        "stroke-dasharray=\"2,2\"/>\n", y - 10, TL_WIDTH, y - 10);
		fprintf(f, "<text class=\"sender %s\" x=\"8\" y=\"%d\" font-size=\"10\" "
		        "font-style=\"italic\" fill=\"#333\">%s</text>\n",
		        via ? "nscd" : "own", y + 4, a);
		if (*b)
			fprintf(f, "<text class=\"sender own\" x=\"8\" y=\"%d\" "
			        "font-size=\"10\" font-style=\"italic\" fill=\"#333\">%s"
			        "</text>\n", y + 23, b);
	}
}

static void draw_lanes(FILE *f, const struct timeline *tl, const struct frame *fr)
{
	for (int l = 0; l < NLANES; l++) {
		if (l == L_FRESH && !fr->fresh)
			continue;
		int y = fr->lane_y[l];
		fprintf(f, "<rect class=\"lane %s\" x=\"0\" y=\"%d\" width=\"%d\" "
		        "height=\"%d\" fill=\"%s\"/>\n", l == L_OLD ? "old" :
		        l == L_NEW ? "new" : l == L_OTHER ? "other" : "fresh",
		        y, TL_WIDTH, fr->lane_y[l + 1] - y, lanes[l].bg);
		fprintf(f, "<text class=\"lane\" x=\"8\" y=\"%d\" font-weight=\"bold\" "
		        "fill=\"%s\">%s</text>\n", fr->label_y[l], lanes[l].color,
		        lanes[l].label);
		draw_captions(f, tl, fr, (enum lane)l);
		if (fr->split && !lane_used(tl, (enum lane)l))
			fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
			        "font-size=\"10\" fill=\"#888\">no messages</text>\n",
			        W_LEFT - 6, fr->label_y[l]);
		if (fr->split)
			draw_groups(f, tl, fr, (enum lane)l);
	}
}

/* A labelled vertical line at time t (absolute).  Each marker has a label
 * level of its own (0 just above the lanes, 1 and 2 above that), so that
 * labels of lines close in time never overlap; a label is centred on its
 * line, moved inwards where the picture's edge would cut it. */
static void draw_marker(FILE *f, const struct frame *fr, double t,
                        const char *cls, const char *color, const char *dash,
                        int level, const char *label)
{
	double x = x_of(fr, t - fr->ref);
	double half = strlen(label) * 3.4 + 2;   /* ~6.7 px a character at 12 px */
	double xt = fmax(W_LEFT + half, fmin(x, TL_WIDTH - 4 - half));
	int ylab = fr->top - 8 - 16 * level;
	fprintf(f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
	        "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"%s\"/>\n"
	        "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
	        "fill=\"%s\">%s</text>\n", cls, x, ylab + 4, x, fr->lane_y[NLANES],
	        color, dash, xt, ylab, color, label);
}

/* After the window's end: in the capture, not in the verdict. */
static void draw_shade(FILE *f, const struct frame *fr, double t_end)
{
	double x = x_of(fr, t_end - fr->ref), right = W_LEFT + TL_COLUMNS;
	if (x >= right)
		return;
	fprintf(f, "<rect class=\"after-window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
	        "height=\"%d\" fill=\"#000\" fill-opacity=\"0.07\"/>\n", x, fr->top,
	        right - x, fr->lane_y[NLANES] - fr->top);
}

static void widen_to(double *lo, double *hi, double v)
{
	*lo = fmin(*lo, v);
	*hi = fmax(*hi, v);
}

/* The shown range: every message, the switch, the window's end and the
 * fresh process's start, with a little margin. */
static void frame_range(const struct timeline *tl, struct frame *fr)
{
	const struct tl_scope *sc = &tl->sc;
	bool any = tl->t_min <= tl->t_max, switched = sc->t_switch >= 0;
	double lo, hi;

	fr->ref = switched ? sc->t_switch : any ? tl->t_min : 0;
	lo = any ? tl->t_min - fr->ref : 0;
	hi = any ? tl->t_max - fr->ref : 0;
	if (switched)
		widen_to(&lo, &hi, 0);
	if (sc->t_end >= 0 && (switched || any))
		widen_to(&lo, &hi, sc->t_end - fr->ref);
	if (fr->fresh && (switched || any))
		widen_to(&lo, &hi, sc->t_fresh - fr->ref);
	double pad = (hi - lo) * 0.03;
	if (pad < 1e-3)
		pad = hi - lo < 1e-3 ? 0.5e-3 : 1e-3;
	fr->lo = lo - pad;
	fr->hi = hi + pad;
}

/* The title's lines, '\n' apart: at most TITLE_MAX, each cut at 300 bytes. */
static int title_lines(const char *title, char line[TITLE_MAX][301])
{
	int n = 0;
	const char *p = title ? title : "";
	do {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(line[n++], 301, "%.*s", len > 300 ? 300 : (int)len, p);
		p = nl ? nl + 1 : NULL;
	} while (p && n < TITLE_MAX);
	return n;
}

/* "By path: " and the paths' verdicts, wrapped after a "; " into lines
 * of at most PATHS_COLS bytes (a path longer than that is cut, never
 * inside a UTF-8 character); what does not fit in PATHS_LINES ends
 * in "…".  Returns the number of lines, 0 when there are no paths. */
static int paths_lines(const char *paths, char line[PATHS_LINES][PATHS_COLS + 8])
{
	char text[TL_PATHS_TEXT + 16];
	int n = 0;
	if (!*paths)
		return 0;
	snprintf(text, sizeof text, "By path: %s", paths);
	const char *p = text;
	while (*p && n < PATHS_LINES) {
		size_t len = strlen(p), take = len;
		if (len > PATHS_COLS) {
			take = 0;
			for (size_t i = 0; i + 1 < PATHS_COLS; i++)
				if (p[i] == ';' && p[i + 1] == ' ')
					take = i + 1;
			if (!take)
				for (take = PATHS_COLS; take && ((unsigned char)p[take] & 0xc0) == 0x80;)
					take--;
		}
		bool cut = n == PATHS_LINES - 1 && take < len;
		snprintf(line[n++], PATHS_COLS + 8, "%.*s%s", (int)take, p,
		         cut ? " \xe2\x80\xa6" : "");   /* an ellipsis */
		for (p += take; *p == ' ';)
			p++;
	}
	return n;
}

/* A line of paths, each path's verdict (after its last ": ") in bold. */
static void path_line(FILE *f, const char *line)
{
	char part[PATHS_COLS + 8];
	const char *p = line;
	while (*p) {
		const char *semi = strstr(p, "; ");
		size_t len = semi ? (size_t)(semi - p) + 2 : strlen(p);
		snprintf(part, sizeof part, "%.*s", (int)len, p);
		char *colon = NULL;
		for (char *c = strstr(part, ": "); c; c = strstr(c + 1, ": "))
			colon = c;
		if (colon) {
			colon[1] = '\0';   /* "TYPES (who):" then " VERDICT; " */
			escape_xml_text(f, part);
			fputs(" <tspan font-weight=\"bold\">", f);
			char *v = colon + 2, *end = v + strlen(v);
			while (end > v && (end[-1] == ' ' || end[-1] == ';'))
				end--;   /* the "; " after it, or the ";" a line ends in */
			char sep[4];
			snprintf(sep, sizeof sep, "%s", end);
			*end = '\0';
			escape_xml_text(f, v);
			fprintf(f, "</tspan>%s", sep);
		} else {
			escape_xml_text(f, part);
		}
		p += len;
	}
}

static void draw_title(FILE *f, char line[TITLE_MAX][301], int n,
                       char pline[PATHS_LINES][PATHS_COLS + 8], int np,
                       const char *paths)
{
	fputs("<title>", f);
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(" \xe2\x80\x94 ", f);   /* an em dash */
		escape_xml_text(f, line[i]);
	}
	if (np) {
		fputs(" \xe2\x80\x94 By path: ", f);
		escape_xml_text(f, paths);
	}
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"100%%\" fill=\"#fff\"/>\n",
	        TL_WIDTH);
	for (int i = 0; i < n; i++) {
		fprintf(f, "<text class=\"title\" x=\"10\" y=\"%d\"%s>", H_TITLE + i * H_LINE,
		        i ? "" : " font-size=\"15\" font-weight=\"bold\"");
		escape_xml_text(f, line[i]);
		fputs("</text>\n", f);
	}
	for (int i = 0; i < np; i++) {
		fprintf(f, "<text class=\"paths\" x=\"10\" y=\"%d\" fill=\"#333\">",
		        H_TITLE + (n + i) * H_LINE);
		path_line(f, pline[i]);
		fputs("</text>\n", f);
	}
}

/* Did via (0: the process, 1: nscd) send a query? */
static bool sent_queries(const struct timeline *tl, int via)
{
	for (int r = 0; r < TL_ROWS; r++) {
		uint64_t n = via ? tl->total_nscd[r] : tl->total[r] - tl->total_nscd[r];
		if (rows[r].kind != K_RESPONSE && n)
			return true;
	}
	return false;
}

/* A lane as it always was: its rows at the table's heights. */
static int layout_plain(struct frame *fr, enum lane l)
{
	fr->label_y[l] = fr->lane_y[l] + 20;
	for (int r = 0; r < TL_ROWS; r++)
		if (rows[r].lane == l)
			fr->y[r] = fr->lane_y[l] + rows[r].y;
	return lanes[l].height;
}

/* A lane with rows per sender: its name on a band of its own, then each
 * sender's query rows, then the responses; a lane without messages is
 * its band alone.  Returns its height. */
static int layout_split(const struct timeline *tl, struct frame *fr,
                        enum lane l)
{
	int top = fr->lane_y[l], pos = H_BAND;
	fr->label_y[l] = top + 14;
	if (!lane_used(tl, l))
		return H_BAND + 4;
	for (int via = 0; via < TL_VIA; via++) {
		if (!via && !fr->own)
			continue;
		for (int r = 0; r < TL_ROWS; r++) {
			if (rows[r].lane != l || rows[r].kind == K_RESPONSE)
				continue;
			int pitch = rows[r].kind == K_QUERY ? 20 : 18;
			fr->y[r + via * TL_ROWS] = top + pos + pitch / 2;
			if (!fr->group_y[via][l])
				fr->group_y[via][l] = top + pos + pitch / 2;
			pos += pitch;
		}
	}
	for (int r = 0; r < TL_ROWS; r++)
		if (rows[r].lane == l && rows[r].kind == K_RESPONSE)
			fr->y[r] = top + pos + 8;    /* _R and _RX: one row */
	return pos + 16 + 4;
}

static void layout(const struct timeline *tl, struct frame *fr, int ntop)
{
	fr->fresh = tl->sc.t_fresh > 0;
	fr->split = sent_queries(tl, 1);
	fr->own = !fr->split || sent_queries(tl, 0);
	fr->top = H_TITLE + (ntop - 1) * H_LINE + H_LABELS;
	int y = fr->top;
	for (int l = 0; l < NLANES; l++) {
		fr->lane_y[l] = y;
		if (l == L_FRESH && !fr->fresh)
			continue;
		y += fr->split ? layout_split(tl, fr, (enum lane)l)
		               : layout_plain(fr, (enum lane)l);
	}
	fr->lane_y[NLANES] = y;
}

static void draw_markers(FILE *f, const struct timeline *tl, const struct frame *fr)
{
	if (tl->sc.t_end >= 0)
		draw_shade(f, fr, tl->sc.t_end);
	if (tl->sc.t_switch >= 0)
		draw_marker(f, fr, tl->sc.t_switch, "switch", "#c00", "5,3", 0,
		            "resolv.conf switched");
	if (tl->sc.t_end >= 0)
		draw_marker(f, fr, tl->sc.t_end, "window-end", C_END, "2,2", 1,
		            "window end");
	if (fr->fresh)
		draw_marker(f, fr, tl->sc.t_fresh, "fresh-start", C_FRESH, "6,2", 2,
		            "fresh process starts");
}

int timeline_write(FILE *f, const struct timeline *tl, const char *title)
{
	struct frame fr = { 0 };
	char line[TITLE_MAX][301], pline[PATHS_LINES][PATHS_COLS + 8];
	int ntitle = title_lines(title, line), np = paths_lines(tl->paths, pline);

	fr.cols = calloc(TL_SLOTS, sizeof *fr.cols);
	if (!fr.cols)
		return -1;
	layout(tl, &fr, ntitle + np);
	frame_range(tl, &fr);
	fold_columns(tl, &fr);

	int height = fr.lane_y[NLANES] + H_AXIS + H_LEGEND +
	             (fr.split ? H_NSCD_LEGEND : 0);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	        TL_WIDTH, height, TL_WIDTH, height);
	draw_title(f, line, ntitle, pline, np, tl->paths);
	draw_lanes(f, tl, &fr);
	if (tl->t_min > tl->t_max)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		        "fill=\"#555\">no DNS messages</text>\n", W_LEFT + TL_COLUMNS / 2,
		        (fr.top + fr.lane_y[NLANES]) / 2);
	fputs("<g class=\"marks\">\n", f);
	for (int s = 0; s < TL_SLOTS; s++)
		if (fr.y[s])
			draw_row(f, &fr, s, !tl->binned);
	fputs("</g>\n", f);
	draw_markers(f, tl, &fr);
	draw_axis(f, &fr, tl->sc.t_switch >= 0);
	draw_legend(f, tl, &fr);
	fputs("</svg>\n", f);
	free(fr.cols);
	return ferror(f) ? -1 : 0;
}

int timeline_svg_paths(FILE *f, const struct wn_event *ev, size_t n,
                       const struct tl_scope *sc, const struct tl_paths *tp,
                       const char *title)
{
	struct timeline *tl = malloc(sizeof *tl);
	if (!tl)
		return -1;
	timeline_init_scope(tl, sc);
	if (tp) {
		timeline_set_senders(tl, &tp->senders);
		timeline_set_paths(tl, tp->paths, tp->npaths, tp->more);
	}
	for (size_t i = 0; i < n; i++)
		timeline_add_event(tl, &ev[i]);
	int rc = timeline_write(f, tl, title);
	free(tl);
	return rc;
}

int timeline_svg(FILE *f, const struct wn_event *ev, size_t n,
                 const struct tl_scope *sc, const char *title)
{
	return timeline_svg_paths(f, ev, n, sc, NULL, title);
}
