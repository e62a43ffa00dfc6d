/* observe.c - a case's observations and the rules read from them; see
 * observe.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "observe.h"

static void on_message(void *ctx, const struct flow_msg *fm)
{
	struct observe *o = ctx;
	struct wn_event e;
	events_from_msg(fm->f, fm->m, fm->t, &o->servers, &e);
	e.frame = o->packets;   /* the frame being handed in (1-based) */
	observe_event(o, &e);
}

int observe_init(struct observe *o, uint16_t only_qtype)
{
	memset(o, 0, sizeof *o);
	events_default_servers(&o->servers);
	o->only_qtype = only_qtype;
	o->flow = flow_new(on_message, o);
	return o->flow ? 0 : -1;
}

void observe_set_servers(struct observe *o, const struct serverset *set)
{
	o->servers = *set;
}

void observe_free(struct observe *o)
{
	flow_free(o->flow);
	o->flow = NULL;
	free(o->ev);
	free(o->ans);
	o->ev = NULL;
	o->ans = NULL;
	o->nev = o->evcap = o->nans = o->anscap = 0;
}

/* Room for n elements of size bytes in *p; -1 when out of memory. */
static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	while (ncap <= n)
		ncap *= 2;
	void *np = realloc(*p, ncap * size);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

void observe_event(struct observe *o, const struct wn_event *e)
{
	if (grow((void **)&o->ev, &o->evcap, o->nev + 1, sizeof *o->ev) != 0)
		return;
	o->ev[o->nev++] = *e;
	/* The switch waits for the old file's servers to be asked: those
	 * only it lists, and those both list. */
	if (!e->qr && (e->server == VD_OLD || e->server == VD_KEPT) &&
	    (!o->only_qtype || e->qtype == o->only_qtype) &&
	    o->old_queries++ == 0)
		o->t_first_old = e->t;
}

/* Counted and reported, never trusted. */
static void count_malformed(struct observe *o)
{
	const struct flow_stats *st = flow_stats(o->flow);
	o->malformed = (unsigned)(st->bad[PKT_TRUNCATED] + st->bad[PKT_INVALID] +
	                          st->bad[PKT_UNSUPPORTED]);
}

void observe_frame(struct observe *o, int linktype, const uint8_t *frame,
                   size_t caplen, double t)
{
	o->packets++;
	o->t_last_packet = t;
	flow_frame(o->flow, linktype, frame, caplen, t);
	count_malformed(o);
}

void observe_finish(struct observe *o)
{
	flow_finish(o->flow);
	count_malformed(o);
}

/* Whether line holds server k's data: its mark in an answer address
 * or a name (serverset.h), found as the default pair's always were. */
static bool has_mark(const char *line, unsigned mark)
{
	char v4[32], v6[32], name[32];
	snprintf(v4, sizeof v4, "203.0.113.%u", mark);
	snprintf(v6, sizeof v6, "2001:db8:203::%u", mark);
	snprintf(name, sizeof name, "-%u.hat.com", mark);
	return strstr(line, v4) || strstr(line, v6) || strstr(line, name);
}

/* The role of the servers whose data a line holds: VD_OLD when any is
 * old, else VD_NEW when any is new, else VD_KEPT when any is kept (the
 * verdict does not count it), else VD_OTHER. */
static enum vd_server answer_role(const struct serverset *set,
                                  const char *line)
{
	enum vd_server from = VD_OTHER;
	if (!strstr(line, "203") && !strstr(line, ".hat.com"))
		return VD_OTHER;   /* the common line: no mark at all */
	for (size_t i = 0; i < set->n && i < SS_MAX; i++) {
		const struct ss_server *s = &set->s[i];
		if (!has_mark(line, s->mark))
			continue;
		if (!s->after)
			return VD_OLD;
		if (!s->before || from == VD_OTHER)
			from = s->before ? VD_KEPT : VD_NEW;
	}
	return from;
}

/* "#pause<TAB>EPOCH": the process sleeps from EPOCH on (its own clock,
 * the capture's: CLOCK_REALTIME on the same host).  A line without a
 * sane time is not a pause. */
static void observe_pause(struct observe *o, const char *text)
{
	char *end;
	double t = strtod(text, &end);
	if (end == text || *end != '\0' || !(t > 1e9 && t < 1e10))
		return;
	o->pauses++;
	o->t_pause = t;
	if (o->t_switch > 0 && t >= o->t_switch)
		o->pauses_after++;
}

/* "#reinit-every<TAB>N", N from 1 to 1000 rounds; anything else is
 * not taken (the process then switches in any pause). */
static void observe_reinit_every(struct observe *o, const char *text)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(text, &end, 10);
	if (end == text || *end != '\0' || errno != 0 || text[0] == '-' ||
	    n < 1 || n > 1000)
		return;
	o->reinit_every = (unsigned)n;
}

void observe_line(struct observe *o, const char *line, double t_read)
{
	if (strncmp(line, "#libc\t", 6) == 0) {
		snprintf(o->libc, sizeof o->libc, "%s", line + 6);
		return;
	}
	if (strncmp(line, "#pause\t", 7) == 0) {
		observe_pause(o, line + 7);
		return;
	}
	if (strncmp(line, "#reinit-every\t", 14) == 0) {
		observe_reinit_every(o, line + 14);
		return;
	}
	if (strncmp(line, "#unsupported\t", 13) == 0) {
		snprintf(o->unsupported, sizeof o->unsupported, "%s", line + 13);
		return;
	}
	enum vd_server from = answer_role(&o->servers, line);
	if (from == VD_OTHER ||
	    grow((void **)&o->ans, &o->anscap, o->nans + 1, sizeof *o->ans) != 0)
		return;
	/* When the line starts with the lookup's own time (our probes print
	 * "EPOCH<TAB>..."), that time counts; for any other program, when it
	 * was read: an upper bound only, since a block-buffered program
	 * flushes lines long after it wrote them, so the verdict never
	 * claims a cache from such a line (vd_answer.stamped). */
	char *end;
	double t = strtod(line, &end);
	bool stamped = end != line && *end == '\t' && t > 1e9 && t < 1e10;
	o->ans[o->nans].t = stamped ? t : t_read;
	o->ans[o->nans].from = from;
	o->ans[o->nans].stamped = stamped;
	o->nans++;
}

void observe_output(struct observe *o, const char *buf, size_t n,
                    double t_read)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || o->linelen == sizeof o->line - 1) {
			o->line[o->linelen] = '\0';
			observe_line(o, o->line, t_read);
			o->linelen = 0;
		}
		if (buf[i] != '\n')
			o->line[o->linelen++] = buf[i];
	}
}

/* What the switch takes at most once it has begun (a FIFO section of a
 * fraction of a millisecond, harness/case.c; not the resolved stub's,
 * which restarts a daemon), with room to spare. */
#define PAUSE_MARGIN_MS 3.0

static double quiet_ms(const struct observe_switch *sw)
{
	return sw->interval_ms ? fmin(fmax(sw->interval_ms / 4.0, 5), 50) : 20;
}

unsigned observe_quiet_ms(const struct observe_switch *sw)
{
	return (unsigned)ceil(quiet_ms(sw));
}

double observe_pause_ms(const struct observe_switch *sw)
{
	return fmax(sw->interval_ms / 2.0, sw->interval_ms - PAUSE_MARGIN_MS);
}

bool observe_asleep_until(const struct observe *o,
                          const struct observe_switch *sw, double t)
{
	if (!o->pauses || !sw->interval_ms || sw->forced)
		return true;
	return o->t_pause >= o->t_last_packet &&
	       t < o->t_pause + sw->interval_ms / 1000.0;
}

unsigned observe_max_wait_ms(const struct observe_switch *sw)
{
	return sw->interval_ms > 100 ? 2 * sw->interval_ms : 200;
}

/* The switch is due (quiet or not): at switch_at_ms, or once enough
 * queries reached the old server. */
static bool switch_due(const struct observe *o, const struct observe_switch *sw,
                       double now)
{
	if (sw->switch_at_ms)   /* a fixed time after the start, lookups or not */
		return (now - sw->t_run) * 1000 >= sw->switch_at_ms;
	if (o->old_queries == 0)
		return false;
	return o->old_queries >= sw->before ||
	       (now - o->t_first_old) * 1000 >= sw->switch_after_ms;
}

bool observe_ready_to_switch(const struct observe *o, struct observe_switch *sw,
                             double now)
{
	if (!switch_due(o, sw, now))
		return false;
	if (sw->t_due == 0)
		sw->t_due = now;
	double age = (now - o->t_pause) * 1000;   /* of the latest pause */
	if (o->pauses && sw->interval_ms) {
		/* Asleep since its last frame, and for a while yet (a pause
		 * dated after now was not announced by a sleeping process).
		 * Not the clock: a round under way, its pause an interval
		 * old or more, is quiet while it waits for an answer.  The
		 * pause that follows round k is the k+1th. */
		if (o->t_pause >= o->t_last_packet && age >= 0 &&
		    age <= observe_pause_ms(sw) &&
		    (!o->reinit_every || (o->pauses - 1) % o->reinit_every == 0))
			return true;
	} else if ((now - o->t_last_packet) * 1000 >= quiet_ms(sw)) {
		return true;
	}
	/* Never quiet (a process looking up every few ms): switch anyway,
	 * and say so, rather than wait until the timeout. */
	uint64_t wait = observe_max_wait_ms(sw),
	         periods = 3ull * o->reinit_every * sw->interval_ms;
	if (wait < periods)
		wait = periods;
	/* Forced, but never in the pause just before a re-read: it would
	 * make a process that keeps the old file for N-1 rounds follow at
	 * once (CI saw it at --jobs 32); the next pause is a right one. */
	if (o->reinit_every && o->pauses % o->reinit_every == 0 &&
	    o->t_pause >= o->t_last_packet && age >= 0 && age < sw->interval_ms)
		return false;
	if ((now - sw->t_due) * 1000 >= (double)wait) {
		sw->forced = true;
		return true;
	}
	return false;
}

unsigned observe_window_rounds(const struct observe_switch *sw,
                               unsigned window_ms)
{
	unsigned n = sw->interval_ms ? window_ms / sw->interval_ms / 2 : 1;
	return n ? n : 1;
}

unsigned observe_window_max_ms(unsigned window_ms)
{
	uint64_t m = 2ull * window_ms, most = window_ms + 1000ull;
	m = m < most ? m : most;
	return m > UINT_MAX ? UINT_MAX : (unsigned)m;
}

bool observe_window_over(const struct observe *o,
                         const struct observe_switch *sw, unsigned window_ms,
                         double now)
{
	double ms = (now - o->t_switch) * 1000;
	if (ms >= observe_window_max_ms(window_ms))
		return true;
	if (ms < window_ms)
		return false;
	return !o->pauses || o->pauses_after >= observe_window_rounds(sw, window_ms);
}

size_t observe_window_queries(const struct observe *o,
                              const struct observe_window *w,
                              struct vd_query *q, unsigned *fresh_old,
                              unsigned *fresh_new)
{
	size_t nq = 0;
	for (size_t i = 0; i < o->nev; i++) {
		const struct wn_event *e = &o->ev[i];
		if (o->only_qtype && e->qtype != o->only_qtype)
			continue;
		if (e->qr) {   /* which queries were answered, and when */
			events_note_message(e, q, &nq);
			continue;
		}
		if (w->t_fresh > 0 && e->t >= w->t_fresh) {
			*fresh_old += e->server == VD_OLD;
			*fresh_new += e->server == VD_NEW;
			continue;
		}
		/* The window is what was observed: a query in the moment it
		 * took to stop the process is in the capture, not the verdict. */
		if (e->t > w->t_end)
			continue;
		events_note_message(e, q, &nq);
	}
	return nq;
}

int observe_decide(const struct observe *o, const struct observe_window *w,
                   struct vd_input *in, struct vd_result *out,
                   unsigned *fresh_old, unsigned *fresh_new)
{
	struct vd_query *q = calloc(o->nev + 1, sizeof *q);
	if (!q)
		return -1;
	size_t nq = observe_window_queries(o, w, q, fresh_old, fresh_new);
	in->a = o->ans;
	in->na = o->nans;
	in->t_end = w->t_end;
	/* Frames of different interfaces may arrive slightly out of time
	 * order; verdict_from_queries() reads them in time order. */
	int rc = verdict_from_queries(q, nq, false, in, out);
	free(q);
	return rc;
}
