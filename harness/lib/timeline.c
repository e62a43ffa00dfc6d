/*
 * timeline.c - timeline.svg; see timeline.h.
 *
 * Accumulation and drawing are apart: timeline_add() only counts, so a
 * million-message capture costs the same memory as a small one, and
 * timeline_write() folds whatever it has into pixel columns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "timeline.h"

/* Layout, in pixels. */
#define W_LEFT   120
#define W_RIGHT  30
#define W_TOTAL  (W_LEFT + TL_COLUMNS + W_RIGHT)
#define H_TOP    56
#define H_LANE   64
#define H_AXIS   46
#define H_LEGEND 56
#define H_TOTAL  (H_TOP + TL_LANES * H_LANE + H_AXIS + H_LEGEND)
#define MARK_MIN 3   /* narrowest mark, so a lone message stays visible */

static const char *const lane_color[TL_LANES] = { "#d95f02", "#1b9e77", "#8c8c8c" };
static const char *const lane_label[TL_LANES] = { "old server", "new server", "other" };
static const char *const lane_class[TL_LANES] = { "old", "new", "other" };

void timeline_init(struct timeline *tl, double t_switch)
{
	memset(tl, 0, sizeof *tl);
	tl->t_switch = t_switch;
	tl->t_min = INFINITY;
	tl->t_max = -INFINITY;
}

/* Double the bins' span to the right: pairs of bins become one. */
static void widen_right(struct timeline *tl)
{
	for (int l = 0; l < TL_LANES; l++)
		for (int k = 0; k < 2; k++) {
			uint64_t *b = tl->bins[l][k];
			for (size_t i = 0; i < TL_BINS / 2; i++)
				b[i] = b[2 * i] + b[2 * i + 1];
			memset(b + TL_BINS / 2, 0, TL_BINS / 2 * sizeof *b);
		}
	tl->width *= 2;
}

/* Double it to the left: the old span becomes the right half. */
static void widen_left(struct timeline *tl)
{
	for (int l = 0; l < TL_LANES; l++)
		for (int k = 0; k < 2; k++) {
			uint64_t *b = tl->bins[l][k];
			/* Downwards: slot i reads slots at or below i. */
			for (size_t i = TL_BINS; i-- > TL_BINS / 2;)
				b[i] = b[2 * i - TL_BINS] + b[2 * i - TL_BINS + 1];
			memset(b, 0, TL_BINS / 2 * sizeof *b);
		}
	tl->origin -= TL_BINS * tl->width;
	tl->width *= 2;
}

static void bin_add(struct timeline *tl, double t, int lane, int kind)
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
		tl->bins[lane][kind][(size_t)i]++;
		return;
	}
}

/* exact[] is full: fold it into bins with room to grow by half again. */
static void start_binning(struct timeline *tl)
{
	double lo = tl->t_min, hi = tl->t_max;
	tl->binned = true;
	tl->origin = lo;
	tl->width = hi > lo ? (hi - lo) / (TL_BINS / 2) : 1e-3;
	if (!(tl->width > 0))
		tl->width = 1e-3;
	for (size_t i = 0; i < tl->nexact; i++)
		bin_add(tl, tl->exact[i].t, tl->exact[i].lane, tl->exact[i].response);
	tl->nexact = 0;
}

void timeline_add(struct timeline *tl, double t, enum vd_server lane,
                  bool response)
{
	int l = lane == VD_OLD ? 0 : lane == VD_NEW ? 1 : 2, k = response;

	if (!isfinite(t))
		return;
	tl->total[l][k]++;
	if (t < tl->t_min)
		tl->t_min = t;
	if (t > tl->t_max)
		tl->t_max = t;
	if (!tl->binned && tl->nexact == TL_EXACT_MAX)
		start_binning(tl);
	if (tl->binned) {
		bin_add(tl, t, l, k);
		return;
	}
	tl->exact[tl->nexact++] = (struct tl_mark){ t, (uint8_t)l, (uint8_t)k };
}

void timeline_add_event(struct timeline *tl, const struct wn_event *e)
{
	timeline_add(tl, e->t, e->server, e->qr);
}

/* Drawing. */

struct frame {
	double ref;        /* x = 0: the switch, or the first message */
	double lo, hi;     /* shown range, seconds relative to ref */
	uint64_t (*cols)[2][TL_COLUMNS];
};

static double x_of(const struct frame *fr, double rel)
{
	return W_LEFT + (rel - fr->lo) / (fr->hi - fr->lo) * TL_COLUMNS;
}

static void col_add(struct frame *fr, double t, int lane, int kind, uint64_t n)
{
	double c = (t - fr->ref - fr->lo) / (fr->hi - fr->lo) * TL_COLUMNS;
	size_t i = c <= 0 ? 0 : c >= TL_COLUMNS - 1 ? TL_COLUMNS - 1 : (size_t)c;
	fr->cols[lane][kind][i] += n;
}

static void fold_columns(const struct timeline *tl, struct frame *fr)
{
	for (size_t i = 0; i < tl->nexact; i++)
		col_add(fr, tl->exact[i].t, tl->exact[i].lane, tl->exact[i].response, 1);
	if (!tl->binned)
		return;
	for (int l = 0; l < TL_LANES; l++)
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < TL_BINS; i++)
				if (tl->bins[l][k][i])
					col_add(fr, tl->origin + (i + 0.5) * tl->width,
					        l, k, tl->bins[l][k][i]);
}

/* 1, 2-9, 10-99, 100+: a mark grows with the decade of its count. */
static int level(uint64_t n)
{
	return n == 0 ? 0 : n < 10 ? 1 + (n > 1) : n < 100 ? 3 : 4;
}

static void draw_row(FILE *f, const struct frame *fr, int lane, int kind,
                     bool titles)
{
	const uint64_t *c = fr->cols[lane][kind];
	double ymid = H_TOP + lane * H_LANE + (kind ? 44 : 22);
	double colw = 1.0; /* one column per pixel */

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
		double h = kind ? 5 + lv : 12 + 2 * lv;
		double w = (double)(j - i) * colw, x = W_LEFT + (double)i * colw;
		if (w < MARK_MIN) {
			x -= (MARK_MIN - w) / 2;
			w = MARK_MIN;
		}
		fprintf(f, "<rect class=\"m %s %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		        "height=\"%.1f\" fill=\"%s\"%s", kind ? "response" : "query",
		        lane_class[lane], x, ymid - h / 2, w, h, lane_color[lane],
		        kind ? " fill-opacity=\"0.6\"" : "");
		if (titles) {
			double span = (fr->hi - fr->lo) / TL_COLUMNS;
			const char *what = kind ? (n == 1 ? "response" : "responses")
			                        : (n == 1 ? "query" : "queries");
			fprintf(f, "><title>%llu %s, %s, %.3f s to %.3f s</title></rect>\n",
			        (unsigned long long)n, what, lane_label[lane],
			        fr->lo + (double)i * span, fr->lo + (double)j * span);
		} else {
			fputs("/>\n", f);
		}
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
	double y = H_TOP + TL_LANES * H_LANE;
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

static void draw_legend(FILE *f, const struct timeline *tl)
{
	double y = H_TOP + TL_LANES * H_LANE + H_AXIS + 16;
	int x = W_LEFT;

	fputs("<g class=\"legend\">\n", f);
	for (int l = 0; l < TL_LANES; l++, x += 110)
		fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" "
		        "fill=\"%s\"/><text x=\"%d\" y=\"%.1f\">%s</text>\n",
		        x, y - 9, lane_color[l], x + 15, y, lane_label[l]);
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"3\" height=\"16\" fill=\"#555\"/>"
	        "<text x=\"%d\" y=\"%.1f\">query</text>\n", x, y - 12, x + 8, y);
	x += 60;
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"3\" height=\"7\" fill=\"#555\" "
	        "fill-opacity=\"0.6\"/><text x=\"%d\" y=\"%.1f\">response</text>\n",
	        x, y - 7, x + 8, y);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">one mark per pixel "
	        "column per row, taller for more messages (1, 2-9, 10-99, 100+)%s"
	        "</text>\n", W_LEFT, y + 20,
	        tl->binned ? "; times binned to fit" : "");
	fputs("</g>\n", f);
}

static void draw_lanes(FILE *f, const struct timeline *tl)
{
	for (int l = 0; l < TL_LANES; l++) {
		int y = H_TOP + l * H_LANE;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		        "fill=\"%s\"/>\n", W_LEFT, y, TL_COLUMNS, H_LANE,
		        l % 2 ? "#ffffff" : "#f4f4f4");
		fprintf(f, "<text class=\"lane\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		        "font-weight=\"bold\" fill=\"%s\">%s</text>\n",
		        W_LEFT - 8, y + 26, lane_color[l], lane_label[l]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		        "font-size=\"10\" fill=\"#555\">%llu q, %llu r</text>\n",
		        W_LEFT - 8, y + 44, (unsigned long long)tl->total[l][0],
		        (unsigned long long)tl->total[l][1]);
	}
}

static void draw_switch(FILE *f, const struct frame *fr)
{
	double x = x_of(fr, 0);
	fprintf(f, "<line class=\"switch\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
	        "y2=\"%d\" stroke=\"#c00\" stroke-width=\"1.5\" "
	        "stroke-dasharray=\"5,3\"/>\n<text x=\"%.1f\" y=\"%d\" "
	        "text-anchor=\"middle\" fill=\"#c00\">resolv.conf switched</text>\n",
	        x, H_TOP - 6, x, H_TOP + TL_LANES * H_LANE, x, H_TOP - 10);
}

/* The shown range: every message and the switch, with a little margin. */
static void frame_range(const struct timeline *tl, struct frame *fr)
{
	bool any = tl->t_min <= tl->t_max, switched = tl->t_switch >= 0;
	double lo, hi;

	fr->ref = switched ? tl->t_switch : any ? tl->t_min : 0;
	lo = any ? tl->t_min - fr->ref : 0;
	hi = any ? tl->t_max - fr->ref : 0;
	if (switched) {
		lo = fmin(lo, 0);
		hi = fmax(hi, 0);
	}
	double pad = (hi - lo) * 0.03;
	if (pad < 1e-3)
		pad = hi - lo < 1e-3 ? 0.5e-3 : 1e-3;
	fr->lo = lo - pad;
	fr->hi = hi + pad;
}

int timeline_write(FILE *f, const struct timeline *tl, const char *title)
{
	struct frame fr;
	bool switched = tl->t_switch >= 0;

	fr.cols = calloc(TL_LANES, sizeof *fr.cols);
	if (!fr.cols)
		return -1;
	frame_range(tl, &fr);
	fold_columns(tl, &fr);

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
	        "<title>", W_TOTAL, H_TOTAL, W_TOTAL, H_TOTAL);
	escape_xml_text(f, title);
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	        "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">",
	        W_TOTAL, H_TOTAL, W_LEFT);
	escape_xml_text(f, title);
	fputs("</text>\n", f);
	draw_lanes(f, tl);
	if (tl->t_min > tl->t_max)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		        "fill=\"#555\">no DNS messages</text>\n",
		        W_LEFT + TL_COLUMNS / 2, H_TOP + TL_LANES * H_LANE / 2);
	fputs("<g class=\"marks\">\n", f);
	for (int l = 0; l < TL_LANES; l++)
		for (int k = 0; k < 2; k++)
			draw_row(f, &fr, l, k, !tl->binned);
	fputs("</g>\n", f);
	if (switched)
		draw_switch(f, &fr);
	draw_axis(f, &fr, switched);
	draw_legend(f, tl);
	fputs("</svg>\n", f);
	free(fr.cols);
	return ferror(f) ? -1 : 0;
}

int timeline_svg(FILE *f, const struct wn_event *ev, size_t n,
                 double t_switch, const char *title)
{
	struct timeline *tl = malloc(sizeof *tl);
	if (!tl)
		return -1;
	timeline_init(tl, t_switch);
	for (size_t i = 0; i < n; i++)
		timeline_add_event(tl, &ev[i]);
	int rc = timeline_write(f, tl, title);
	free(tl);
	return rc;
}
