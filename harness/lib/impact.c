/* impact.c - the application impact, from probe lookup lines; see
 * impact.h and doc/design.md, "Application impact". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "impact.h"

static const char *const recovery_names[] = {
	[IMP_NOT_MEASURED] = "not measured", [IMP_NOT_AFFECTED] = "not affected",
	[IMP_RECOVERED] = "recovered", [IMP_NEVER] = "never",
	[IMP_NO_SWITCH] = "no switch", [IMP_UNSETTLED] = "unsettled",
};
#define NRECOVERY (sizeof recovery_names / sizeof recovery_names[0])

const char *impact_recovery_name(enum impact_recovery r)
{
	return (unsigned)r < NRECOVERY ? recovery_names[r] : "not measured";
}

int impact_recovery_parse(const char *s, enum impact_recovery *out)
{
	for (unsigned i = 0; i < NRECOVERY; i++)
		if (strcmp(s, recovery_names[i]) == 0) {
			*out = (enum impact_recovery)i;
			return 0;
		}
	return -1;
}

static void side_init(struct impact_side *s)
{
	memset(s, 0, sizeof *s);
	s->median_ms = s->p95_ms = s->max_ms = -1;
}

void impact_init(struct app_impact *a)
{
	memset(a, 0, sizeof *a);
	side_init(&a->before);
	side_init(&a->after);
	a->slow_bound_ms = -1;
	a->recovered_ms = -1;
	a->recovery = IMP_NOT_MEASURED;
}

/* A decimal number of digits with at most one '.', and nothing else
 * (strtod alone would take "inf", "0x1p3" and leading spaces); the
 * field ends at a tab or the string's end.  -1 when it is not one. */
static int decimal(const char *s, size_t len, double *out)
{
	char buf[40];
	bool dot = false, digit = false;
	if (len == 0 || len >= sizeof buf)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && !dot)
			dot = true;
		else if (s[i] >= '0' && s[i] <= '9')
			digit = true;
		else
			return -1;
	}
	if (!digit)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out) ? 0 : -1;
}

int impact_parse_line(const char *line, double *t, double *ms, bool *ok)
{
	const char *f[16];
	size_t len[16], nf = 0;
	const char *p = line;
	for (;;) {   /* the tab-separated fields, at most 16 */
		size_t l = strcspn(p, "\t");
		f[nf] = p;
		len[nf++] = l;
		if (p[l] != '\t' || nf == sizeof f / sizeof f[0])
			break;
		p += l + 1;
	}
	/* EPOCH, then a tab: a lookup line, or a broken one. */
	if (nf < 2 || decimal(f[0], len[0], t) != 0 || *t < 1e9 || *t >= 1e10)
		return 0;
	if (nf < 6 || len[4] == 0)   /* API QNAME QTYPE STATUS ANSWERS */
		return -1;
	*ok = len[4] == 2 && strncmp(f[4], "ok", 2) == 0;
	*ms = -1;
	for (size_t i = 6; i < nf; i++) {   /* later columns: ms=, or newer */
		if (len[i] < 3 || strncmp(f[i], "ms=", 3) != 0)
			continue;
		if (decimal(f[i] + 3, len[i] - 3, ms) != 0 || *ms > 1e7)
			return -1;
	}
	return 1;
}

/* Room for one more record on side k; false when out of memory or
 * past IMPACT_KEEP_MAX (the figures are then those of the first ones). */
static bool room(struct impact_reader *r, int k)
{
	if (r->n[k] < r->cap[k])
		return true;
	if (r->n[k] >= IMPACT_KEEP_MAX)
		return false;
	size_t ncap = r->cap[k] ? r->cap[k] * 2 : 256;
	struct impact_rec *p = realloc(r->rec[k], ncap * sizeof *p);
	if (!p) {
		r->oom = true;
		return false;
	}
	r->rec[k] = p;
	r->cap[k] = ncap;
	return true;
}

static void take_line(struct impact_reader *r, const char *line, size_t len)
{
	double t, ms;
	bool ok;
	if (memchr(line, '\0', len)) {   /* a NUL inside: no probe wrote it */
		r->bad_lines += line[0] >= '0' && line[0] <= '9';
		return;
	}
	int rc = impact_parse_line(line, &t, &ms, &ok);
	if (rc < 0)
		r->bad_lines++;
	if (rc <= 0 || (r->t_end >= 0 && t > r->t_end))
		return;
	int k = r->t_switch >= 0 && t >= r->t_switch;
	r->lookups[k]++;
	r->failed[k] += !ok;
	if (room(r, k))
		r->rec[k][r->n[k]++] = (struct impact_rec){ t, ms, ok };
}

void impact_reader_init(struct impact_reader *r, double t_switch, double t_end)
{
	memset(r, 0, sizeof *r);
	r->t_switch = t_switch;
	r->t_end = t_end;
}

void impact_reader_feed(struct impact_reader *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (r->overlong)
				r->bad_lines += r->line[0] >= '0' && r->line[0] <= '9';
			else
				take_line(r, r->line, r->linelen);
			r->linelen = 0;
			r->overlong = false;
			r->line[0] = '\0';
			continue;
		}
		if (r->linelen == sizeof r->line - 1) {
			r->overlong = true;   /* no probe line is this long */
			continue;
		}
		r->line[r->linelen++] = buf[i];
		r->line[r->linelen] = '\0';
	}
}

void impact_reader_free(struct impact_reader *r)
{
	free(r->rec[0]);
	free(r->rec[1]);
	r->rec[0] = r->rec[1] = NULL;
	r->n[0] = r->n[1] = r->cap[0] = r->cap[1] = 0;
}

/* Heapsort (no qsort in the library's allowed calls): by start time
 * when by_t, else by duration. */
static double key(const struct impact_rec *x, bool by_t)
{
	return by_t ? x->t : x->ms;
}

static void sift(struct impact_rec *a, size_t i, size_t n, bool by_t)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && key(&a[c + 1], by_t) > key(&a[c], by_t))
			c++;
		if (key(&a[c], by_t) <= key(&a[i], by_t))
			return;
		struct impact_rec x = a[i];
		a[i] = a[c];
		a[c] = x;
		i = c;
	}
}

static void sort_recs(struct impact_rec *a, size_t n, bool by_t)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n, by_t);
	for (size_t end = n; end-- > 1;) {
		struct impact_rec x = a[0];
		a[0] = a[end];
		a[end] = x;
		sift(a, 0, end, by_t);
	}
}

/* Nearest rank: the smallest value with at least pct % of them at or
 * below it.  a holds n > 0 durations, sorted. */
static double rank(const struct impact_rec *a, size_t n, unsigned pct)
{
	size_t r = (pct * n + 99) / 100;
	return a[r ? r - 1 : 0].ms;
}

/* The figures of one side: its timed lookups' durations. */
static int side_figures(const struct impact_reader *r, int k,
                        struct impact_side *s)
{
	side_init(s);
	s->lookups = r->lookups[k];
	s->failed = r->failed[k];
	size_t n = 0;
	for (size_t i = 0; i < r->n[k]; i++)
		n += r->rec[k][i].ms >= 0;
	s->timed = (unsigned)n;
	if (n == 0)
		return 0;
	struct impact_rec *d = malloc(n * sizeof *d);
	if (!d)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < r->n[k] && m < n; i++)
		if (r->rec[k][i].ms >= 0)
			d[m++] = r->rec[k][i];
	sort_recs(d, m, false);
	s->median_ms = rank(d, m, 50);
	s->p95_ms = rank(d, m, 95);
	s->max_ms = d[m - 1].ms;
	free(d);
	return 0;
}

/* The recovery rule (doc/design.md): a lookup after the switch is good
 * when it succeeded within the bound; the process recovered at the
 * start of the run of good lookups that lasts to the window's end. */
static void recovery(struct impact_reader *r, struct app_impact *a)
{
	if (r->t_switch < 0) {
		a->recovery = IMP_NO_SWITCH;
		return;
	}
	double p95 = a->before.p95_ms >= 0 ? a->before.p95_ms : 0;
	double bound = fmax(IMPACT_SLOW_FACTOR * p95, p95 + IMPACT_SLOW_MARGIN_MS);
	a->slow_bound_ms = bound;
	struct impact_rec *q = r->rec[1];
	sort_recs(q, r->n[1], true);
	bool bad = false;
	double run = -1;
	unsigned len = 0;
	for (size_t i = 0; i < r->n[1]; i++) {
		bool slow = q[i].ms > bound;
		a->slow_after += q[i].ok && slow;
		if (q[i].ok && !slow) {
			if (run < 0)
				run = q[i].t;
			len++;
		} else {
			bad = true;
			run = -1;
			len = 0;
		}
	}
	a->good_run = len;
	if (r->n[1] == 0 || (bad && run < 0)) {
		a->recovery = IMP_NEVER;   /* or no lookup finished after it */
	} else if (!bad) {
		a->recovery = IMP_NOT_AFFECTED;
	} else if (len < IMPACT_RUN_MIN) {
		a->recovery = IMP_UNSETTLED;
	} else {
		a->recovery = IMP_RECOVERED;
		a->recovered_ms = (run - r->t_switch) * 1000.0;
	}
}

int impact_reader_finish(struct impact_reader *r, struct app_impact *out)
{
	impact_init(out);
	if (r->linelen) {   /* a last line without its '\n' */
		if (r->overlong)
			r->bad_lines += r->line[0] >= '0' && r->line[0] <= '9';
		else
			take_line(r, r->line, r->linelen);
		r->linelen = 0;
		r->overlong = false;
	}
	out->bad_lines = r->bad_lines;
	if (r->oom || side_figures(r, 0, &out->before) != 0 ||
	    side_figures(r, 1, &out->after) != 0) {
		impact_init(out);
		return -1;
	}
	out->measured = out->before.timed + out->after.timed > 0;
	if (out->measured)
		recovery(r, out);
	return 0;
}

int impact_from_text(const char *text, size_t len, double t_switch,
                     double t_end, struct app_impact *out)
{
	struct impact_reader *r = malloc(sizeof *r);
	if (!r) {
		impact_init(out);
		return -1;
	}
	impact_reader_init(r, t_switch, t_end);
	impact_reader_feed(r, text, len);
	int rc = impact_reader_finish(r, out);
	impact_reader_free(r);
	free(r);
	return rc;
}

/* "median 3.0 ms, max 5003.0 ms" of one side, or "no timed lookup". */
static void figures(const struct impact_side *s, bool p95, char *buf,
                    size_t size)
{
	if (s->median_ms < 0)
		snprintf(buf, size, "no timed lookup");
	else if (p95)
		snprintf(buf, size, "median %.1f ms, p95 %.1f ms", s->median_ms,
		         s->p95_ms);
	else
		snprintf(buf, size, "median %.1f ms, max %.1f ms", s->median_ms,
		         s->max_ms);
}

const char *impact_summary(const struct app_impact *a, char *buf, size_t size)
{
	char after[64], before[64];
	unsigned n = a->after.lookups, failed = a->after.failed;
	figures(&a->after, false, after, sizeof after);
	figures(&a->before, true, before, sizeof before);
	switch (a->recovery) {
	case IMP_NOT_MEASURED:
		snprintf(buf, size, "not measured (%s)",
		         a->before.lookups + a->after.lookups
		         ? "its lookup lines carry no duration: a probe built "
		           "before whichns timed them"
		         : "the program prints no probe lines");
		break;
	case IMP_NO_SWITCH:
		snprintf(buf, size, "no switch to compare with: %u lookups, %u "
		         "failed (%s)", a->before.lookups, a->before.failed, before);
		break;
	case IMP_NOT_AFFECTED:
		snprintf(buf, size, "not affected: %u lookup%s after the switch, "
		         "none failed or slow (%s; before: %s)", n, n == 1 ? "" : "s",
		         after, before);
		break;
	case IMP_UNSETTLED:
		if (a->good_run == 1)
			snprintf(buf, size, "not settled by the window's end: only "
			         "the last lookup was good (%d needed)", IMPACT_RUN_MIN);
		else
			snprintf(buf, size, "not settled by the window's end: only "
			         "the last %u lookups were good (%d needed)",
			         a->good_run, IMPACT_RUN_MIN);
		size_t m = strlen(buf);
		snprintf(buf + m, size - m, ", after %u of %u failed and %u slow "
		         "(%s; before: %s)", failed, n, a->slow_after, after, before);
		break;
	case IMP_RECOVERED:
	case IMP_NEVER:
		if (n == 0) {
			snprintf(buf, size, "never recovered in the window: no lookup "
			         "after the switch finished (before: %s)", before);
			break;
		}
		if (a->recovery == IMP_RECOVERED)
			snprintf(buf, size, "recovered %.0f ms after the switch: ",
			         a->recovered_ms);
		else
			snprintf(buf, size, "never recovered in the window: ");
		size_t k = strlen(buf);
		snprintf(buf + k, size - k, "%u of %u lookup%s after it failed, "
		         "%u slow (%s; before: %s)", failed, n, n == 1 ? "" : "s",
		         a->slow_after, after, before);
		break;
	}
	return buf;
}
