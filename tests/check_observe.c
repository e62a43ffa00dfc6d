/*
 * check_observe.c - what a case reads from its observations
 * (doc/design.md, "The switch", "The window", "The application view"):
 * how each output line is dated, when the switch may happen, and which
 * queries the verdict counts.
 *
 * Observations are written as timelines in the language of
 * check_verdict.c, with the steps a case adds (query types, responses,
 * the fresh process, the end of the window), and results are compared as
 * one canonical line, so a failure shows the whole picture.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnsquery.h"
#include "observe.h"
#include "suites.h"
#include "testutil.h"
#include "wnconst.h"

/*
 * One token per step:
 *   o n x       a query of type A to the old / new / another server
 *   o:MX ...    the same, of that type (any name dns_type_parse knows)
 *   o+ n+       a resend of the previous query to that server (same id)
 *   o= n=       a new query with the previous query's id (after its answer)
 *   ro rn       a response from the old / new server to the last query to
 *               it (every query from 198.51.100.2:40000, UDP)
 *   O N         the process prints an answer with old / new data, the
 *               line starting with its own time ("EPOCH<TAB>...")
 *   O_ N_       the same without a time of its own, read at this step
 *   |           the switch, half a step after the previous event
 *   fresh       the fresh process starts half a step after the previous
 *               event; fresh@: exactly at the next event
 *   end         the window ends half a step after the previous event;
 *               end@: exactly at the next event
 * Events are 250 ms apart from T0 (exact in binary).  Without "end" the
 * window closes a second after the last event.
 */
#define T0   1795663444.0
#define STEP 0.25

struct tl {
	struct observe        ob;
	struct observe_window w;
	struct vd_input       in;
	double                t_last;   /* the last event */
};

static void tl_query(struct tl *tl, const char *w, double t, uint16_t *next_id)
{
	struct wn_event e = { .t = t, .qtype = DNS_T_A, .proto = 17 };
	bool resp = w[0] == 'r';
	char to = w[resp];
	const char *type = strchr(w, ':');
	struct pkt_addr client, server;

	e.qr = resp;
	e.server = to == 'o' ? VD_OLD : to == 'n' ? VD_NEW : VD_OTHER;
	ck_assert_int_eq(pkt_addr_parse(WN_CLIENT4, &client), 0);
	ck_assert_int_eq(pkt_addr_parse(to == 'o' ? WN_OLD4 : to == 'n' ? WN_NEW4
	                                : "192.0.2.53", &server), 0);
	e.src = resp ? server : client;
	e.dst = resp ? client : server;
	e.sport = resp ? 53 : 40000;
	e.dport = resp ? 40000 : 53;
	snprintf(e.qname, sizeof e.qname, "%s", WN_QNAME);
	if (type)
		ck_assert_msg(dns_type_parse(type + 1, &e.qtype) == 0,
		              "bad type in '%s'", w);
	e.id = (*next_id)++;
	/* o+ (a resend) and o= (a client that keeps its id) repeat the id of
	 * the last query to that server; a response answers it. */
	if (w[resp + 1] == '+' || w[resp + 1] == '=' || resp) {
		size_t j = tl->ob.nev;
		while (j > 0 && (tl->ob.ev[j - 1].server != e.server ||
		                 tl->ob.ev[j - 1].qr))
			j--;
		ck_assert_msg(resp || j > 0, "'%s' resends nothing", w);
		if (j > 0)
			e.id = tl->ob.ev[j - 1].id;
	}
	observe_event(&tl->ob, &e);
}

static bool is_query(const char *w)
{
	const char *p = w + (w[0] == 'r' && w[1]);
	return strchr("onx", p[0]) && p[0] &&
	       (!p[1] || p[1] == ':' || ((p[1] == '+' || p[1] == '=') && !p[2]));
}

/* only_qtype: 0 for every type. */
static void tl_build(struct tl *tl, const char *spec, uint16_t only_qtype)
{
	char buf[512], *save;
	double t = T0;
	bool have_end = false, end_next = false, fresh_next = false;
	uint16_t next_id = 100;

	memset(tl, 0, sizeof *tl);
	ck_assert_int_eq(observe_init(&tl->ob, only_qtype), 0);
	ck_assert_uint_lt(strlen(spec), sizeof buf);
	strcpy(buf, spec);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "|") == 0) {
			tl->in.switched = true;
			tl->in.t_switch = t + STEP / 2;
		} else if (strcmp(w, "end") == 0 || strcmp(w, "end@") == 0) {
			have_end = true;
			end_next = w[3] == '@';
			tl->w.t_end = t + STEP / 2;
		} else if (strcmp(w, "fresh") == 0 || strcmp(w, "fresh@") == 0) {
			fresh_next = w[5] == '@';
			tl->w.t_fresh = t + STEP / 2;
		} else if (strcmp(w, "O") == 0 || strcmp(w, "N") == 0) {
			char line[128];
			t += STEP;
			snprintf(line, sizeof line, "%.6f\tgetaddrinfo\t%s\tA\tok\t%s",
			         t, WN_QNAME, *w == 'O' ? WN_ANSWER_OLD4 : WN_ANSWER_NEW4);
			observe_line(&tl->ob, line, t + 5);   /* read late */
		} else if (strcmp(w, "O_") == 0 || strcmp(w, "N_") == 0) {
			char line[128];
			t += STEP;
			snprintf(line, sizeof line, "%s has address %s", WN_QNAME,
			         *w == 'O' ? WN_ANSWER_OLD4 : WN_ANSWER_NEW4);
			observe_line(&tl->ob, line, t);   /* dated when read */
		} else if (is_query(w)) {
			t += STEP;
			if (end_next)
				tl->w.t_end = t;
			if (fresh_next)
				tl->w.t_fresh = t;
			end_next = fresh_next = false;
			tl_query(tl, w, t, &next_id);
		} else {
			ck_abort_msg("bad token '%s' in '%s'", w, spec);
		}
	}
	if (!have_end)
		tl->w.t_end = t + 1.0;
	tl->t_last = t;
}

/* Queries as tokens again ("o:MX" for a type other than A). */
static void tokens(char *buf, size_t size, const struct vd_query *q, size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char tb[16];
		const char *tn = q[i].qtype == DNS_T_A ? "" :
		                 dns_type_name(q[i].qtype, tb, sizeof tb);
		k += (size_t)snprintf(buf + k, size - k, "%s%s%s%s", k ? " " : "",
		                      q[i].to == VD_OLD ? "o" : q[i].to == VD_NEW ? "n" : "x",
		                      tn[0] ? ":" : "", tn);
		ck_assert_uint_lt(k, size);
	}
}

/* ---- The window filter ---- */

struct window_row {
	const char *name;
	const char *only;       /* "" for every type */
	const char *events;
	const char *counted;    /* the queries the verdict gets, as tokens */
	unsigned    fresh_old, fresh_new;
};

static const struct window_row window_rows[] = {
	{ "every query in the window", "", "o o | n n", "o o n n", 0, 0 },
	{ "responses are not queries", "", "o ro o ro | n rn", "o o n", 0, 0 },
	{ "other servers counted too", "", "x o | x n", "x o x n", 0, 0 },
	{ "resends counted (the verdict marks them)", "", "o o+ | n n+",
	  "o o n n", 0, 0 },
	{ "nothing after window_end", "", "o | n end n o", "o n", 0, 0 },
	{ "a query at window_end counts", "", "o | n end@ n o", "o n n", 0, 0 },
	{ "only the chosen type", "MX", "o o:MX x:MX | n n:MX o:NS",
	  "o:MX x:MX n:MX", 0, 0 },
	{ "the fresh process's queries apart", "",
	  "o | n end n fresh o n n", "o n", 1, 2 },
	{ "a query at t_fresh is the fresh process's", "",
	  "o | n end fresh@ o", "o n", 1, 0 },
	{ "fresh counts only the chosen type", "MX",
	  "o:MX | n:MX end fresh o n n:MX o:MX x:MX ro:MX", "o:MX n:MX", 1, 1 },
	{ "fresh before window_end cuts the window", "",
	  "o | n fresh n o end n", "o n", 1, 2 },
	{ "no queries", "", "O | N", "", 0, 0 },
};

START_TEST(test_window)
{
	const struct window_row *row = &window_rows[_i];
	uint16_t only = 0;
	struct tl tl;
	if (row->only[0])
		ck_assert_int_eq(dns_type_parse(row->only, &only), 0);
	tl_build(&tl, row->events, only);

	struct vd_query *q = calloc(tl.ob.nev + 1, sizeof *q);
	unsigned fo = 0, fn = 0;
	ck_assert_ptr_nonnull(q);
	size_t n = observe_window_queries(&tl.ob, &tl.w, q, &fo, &fn);
	char got[512], want[512];
	tokens(got, sizeof got - 32, q, n);
	snprintf(got + strlen(got), 32, " fresh=%u,%u", fo, fn);
	snprintf(want, sizeof want, "%s fresh=%u,%u", row->counted,
	         row->fresh_old, row->fresh_new);
	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s'\n  want: %s\n  got:  %s",
	              row->name, row->events, want, got);
	/* Every counted query is one of the events, in capture order. */
	for (size_t i = 1; i < n; i++)
		ck_assert(q[i - 1].t < q[i].t);
	free(q);
	observe_free(&tl.ob);
}
END_TEST

/* ---- From the window to a verdict ---- */

struct decide_row {
	const char *only;
	const char *events;
	const char *want;   /* verdict before=o,n after=o,n answers=o,n/o,n fresh=o,n */
};

static const struct decide_row decide_rows[] = {
	{ "", "o o o | n n n",
	  "FOLLOWED before=3,0 after=0,3 answers=0,0/0,0 fresh=0,0" },
	{ "", "o O o O | n N o O end o o",
	  "MIXED before=2,0 after=1,1 answers=2,0/1,1 fresh=0,0" },
	{ "", "o o | o o end n n n",
	  "STALE before=2,0 after=2,0 answers=0,0/0,0 fresh=0,0" },
	{ "MX", "o:MX o | o n:MX n:MX o",
	  "FOLLOWED before=1,0 after=0,2 answers=0,0/0,0 fresh=0,0" },
	{ "MX", "o:MX o:MX | o:MX o:MX end fresh n:MX o",
	  "STALE before=2,0 after=2,0 answers=0,0/0,0 fresh=0,1" },
	{ "", "n n | n",
	  "INCONCLUSIVE before=0,2 after=0,1 answers=0,0/0,0 fresh=0,0" },
};

START_TEST(test_decide)
{
	const struct decide_row *row = &decide_rows[_i];
	uint16_t only = 0;
	struct tl tl;
	struct vd_result r;
	unsigned fo = 0, fn = 0;
	if (row->only[0])
		ck_assert_int_eq(dns_type_parse(row->only, &only), 0);
	tl_build(&tl, row->events, only);
	ck_assert_int_eq(observe_decide(&tl.ob, &tl.w, &tl.in, &r, &fo, &fn), 0);
	char got[256];
	snprintf(got, sizeof got, "%s before=%u,%u after=%u,%u answers=%u,%u/%u,%u "
	         "fresh=%u,%u", verdict_name(r.v), r.queries_old_before,
	         r.queries_new_before, r.queries_old_after, r.queries_new_after,
	         r.answers_old_before, r.answers_new_before, r.answers_old_after,
	         r.answers_new_after, fo, fn);
	ck_assert_msg(strcmp(got, row->want) == 0, "'%s'\n  want: %s\n  got:  %s",
	              row->events, row->want, got);
	ck_assert(tl.in.t_end == tl.w.t_end);
	observe_free(&tl.ob);
}
END_TEST

/* Captures from two interfaces arrive slightly out of time order: the
 * verdict reads the window in time order all the same. */
START_TEST(test_decide_out_of_order)
{
	struct tl tl;
	struct vd_result r;
	unsigned fo = 0, fn = 0;
	tl_build(&tl, "o o | n n", 0);
	struct wn_event late = tl.ob.ev[1];   /* an old query, captured late */
	late.t = T0 + 2 * STEP + 3 * STEP / 4;   /* after the switch, before n */
	late.id = 7;
	observe_event(&tl.ob, &late);
	ck_assert_int_eq(observe_decide(&tl.ob, &tl.w, &tl.in, &r, &fo, &fn), 0);
	ck_assert_str_eq(verdict_name(r.v), "LATE");
	ck_assert_uint_eq(r.late_by, 1);
	observe_free(&tl.ob);
}
END_TEST

/* The counting rule through a case's path (events, responses matched to
 * their queries, the window): a client that keeps one id on one socket
 * makes a lookup per answered query; a resend after no answer is none. */
static const struct {
	const char *events, *want;
} lookup_rows[] = {
	{ "o ro o= ro o= ro | o= ro o= ro o= ro",
	  "STALE late_by=0 after=3,0 lookups=3,0" },
	{ "o ro o= ro o= ro | o= ro o= ro n rn n= rn",
	  "LATE late_by=2 after=2,2 lookups=2,2" },
	{ "o ro o= ro | o o+ o+ ro n rn",
	  "LATE late_by=1 after=3,1 lookups=1,1" },
	{ "o ro o= | o+ ro",
	  "SILENT late_by=0 after=1,0 lookups=0,0" },
	/* the same id after an answer is a new lookup, not a resend */
	{ "o ro o= ro | o+ ro",
	  "STALE late_by=0 after=1,0 lookups=1,0" },
	/* responses after window_end still say which query was answered */
	{ "o ro | o end ro o=", "STALE late_by=0 after=1,0 lookups=1,0" },
};

START_TEST(test_decide_lookups)
{
	struct tl tl;
	struct vd_result r;
	unsigned fo = 0, fn = 0;
	char got[160];
	tl_build(&tl, lookup_rows[_i].events, 0);
	ck_assert_int_eq(observe_decide(&tl.ob, &tl.w, &tl.in, &r, &fo, &fn), 0);
	snprintf(got, sizeof got, "%s late_by=%u after=%u,%u lookups=%u,%u",
	         verdict_name(r.v), r.late_by, r.queries_old_after,
	         r.queries_new_after, r.lookups_old_after, r.lookups_new_after);
	ck_assert_msg(strcmp(got, lookup_rows[_i].want) == 0,
	              "'%s'\n  want: %s\n  got:  %s", lookup_rows[_i].events,
	              lookup_rows[_i].want, got);
	observe_free(&tl.ob);
}
END_TEST

/* A block-buffered program prints answers it got before the switch after
 * it: read after the switch, they never make a cache claim; stamped
 * ones do. */
static const struct {
	const char *events, *note;
} app_rows[] = {
	{ "o O_ o O_ | O_ O_", "" },
	{ "o O_ o O_ | n rn N_ N_", "" },
	{ "o O o O | O", "the process got old answers after the switch with no "
	  "query to the old server: answered from a cache" },
	{ "o O o O | N", "the process got new answers with no query to the new "
	  "server on the wire: answered by a cache" },
};

START_TEST(test_decide_app)
{
	struct tl tl;
	struct vd_result r;
	unsigned fo = 0, fn = 0;
	tl_build(&tl, app_rows[_i].events, 0);
	ck_assert_int_eq(observe_decide(&tl.ob, &tl.w, &tl.in, &r, &fo, &fn), 0);
	ck_assert_msg(strcmp(r.app_note, app_rows[_i].note) == 0,
	              "'%s'\n  want: '%s'\n  got:  '%s'", app_rows[_i].events,
	              app_rows[_i].note, r.app_note);
	observe_free(&tl.ob);
}
END_TEST

/* ---- When to switch ---- */

struct switch_row {
	const char *name;
	const char *only;
	const char *events;
	struct observe_switch sw;   /* t_run is T0 */
	double      now_ms;         /* after the last event (T0 if none) */
	bool        want;
};

#define SW(interval, at, nbefore, after) { .t_run = T0, .interval_ms = interval, \
	.switch_at_ms = at, .before = nbefore, .switch_after_ms = after }

static const struct switch_row switch_rows[] = {
	{ "enough queries, quiet", "", "o o o", SW(50, 0, 3, 1000), 13, true },
	{ "enough queries, not quiet yet", "", "o o o", SW(50, 0, 3, 1000), 12, false },
	{ "too few queries, too soon", "", "o o", SW(50, 0, 3, 1000), 13, false },
	{ "too few queries, long enough", "", "o o", SW(50, 0, 3, 250), 13, true },
	{ "one query, long enough", "", "o", SW(50, 0, 3, 250), 251, true },
	{ "one query, not yet long enough", "", "o", SW(50, 0, 3, 250), 249, false },
	{ "no query to the old server", "", "n n n x", SW(50, 0, 1, 0), 1000, false },
	{ "responses are not queries", "", "ro ro ro", SW(50, 0, 1, 0), 1000, false },
	{ "only the chosen type counts", "MX", "o o o", SW(50, 0, 1, 0), 1000, false },
	{ "the chosen type", "MX", "o o o:MX", SW(50, 0, 1, 0), 1000, true },
	{ "before counts only the chosen type", "MX", "o:MX o o",
	  SW(50, 0, 2, 10000), 1000, false },
	{ "quiet: a quarter of the interval", "", "o", SW(200, 0, 1, 0), 49, false },
	{ "quiet: a quarter, passed", "", "o", SW(200, 0, 1, 0), 51, true },
	{ "quiet: at most 50 ms", "", "o", SW(1000, 0, 1, 0), 51, true },
	{ "quiet: at least 5 ms", "", "o", SW(4, 0, 1, 0), 4, false },
	{ "quiet: at least 5 ms, passed", "", "o", SW(4, 0, 1, 0), 6, true },
	{ "quiet: 20 ms when the interval is unknown", "", "o", SW(0, 0, 1, 0),
	  19, false },
	{ "quiet: 20 ms, passed", "", "o", SW(0, 0, 1, 0), 21, true },
	{ "switch-at: lookups or not", "", "", SW(50, 500, 3, 0), 501, true },
	{ "switch-at: not yet", "", "o o o o", SW(50, 1500, 3, 0), 400, false },
	{ "switch-at: waits for quiet", "", "n n", SW(50, 500, 3, 0), 1, false },
	{ "switch-at: quiet", "", "n n", SW(50, 500, 3, 0), 13, true },
};

START_TEST(test_switch)
{
	const struct switch_row *row = &switch_rows[_i];
	uint16_t only = 0;
	struct tl tl;
	if (row->only[0])
		ck_assert_int_eq(dns_type_parse(row->only, &only), 0);
	tl_build(&tl, row->events, only);
	/* Each event came in a frame of its own, the last one at its time:
	 * the quiet moment is measured from it (test_frames checks that
	 * every frame, DNS or not, sets t_last_packet). */
	if (tl.ob.nev)
		tl.ob.t_last_packet = tl.ob.ev[tl.ob.nev - 1].t;
	double now = tl.t_last + row->now_ms / 1000;
	struct observe_switch sw = row->sw;
	ck_assert_msg(observe_ready_to_switch(&tl.ob, &sw, now) == row->want,
	              "%s: '%s' at +%g ms: want %s", row->name, row->events,
	              row->now_ms, row->want ? "switch" : "wait");
	observe_free(&tl.ob);
}
END_TEST

/* A process that is never quiet: a frame every pace_ms.  The switch
 * is due at due_ms; it waits for a quiet moment at most
 * observe_max_wait_ms(), then comes anyway and says it was forced. */
static const struct {
	const char *name;
	unsigned    interval_ms, pace_ms, due_ms;
	double      want_ms;   /* the switch, after the start */
	bool        forced;
} forced_rows[] = {
	{ "every 5 ms, interval known", 5, 5, 500, 700, true },
	{ "every 2 ms, interval unknown", 0, 2, 500, 700, true },
	{ "every 10 ms, interval 200 ms: waits 400 ms", 200, 10, 500, 900, true },
	{ "every 100 ms: quiet in time", 100, 100, 500, 525, false },
};

START_TEST(test_switch_forced)
{
	struct observe o;
	struct observe_switch sw = { .t_run = T0, .interval_ms =
	                             forced_rows[_i].interval_ms,
	                             .switch_at_ms = forced_rows[_i].due_ms };
	ck_assert_int_eq(observe_init(&o, 0), 0);
	double got = -1;
	for (unsigned ms = 0; ms <= 5000 && got < 0; ms++) {
		double now = T0 + ms / 1000.0;
		if (ms % forced_rows[_i].pace_ms == 0)
			o.t_last_packet = now;   /* a frame just came */
		if (observe_ready_to_switch(&o, &sw, now))
			got = ms;
	}
	/* Times in whole ms are not exact in binary: a step later is fine. */
	ck_assert_msg(got >= forced_rows[_i].want_ms &&
	              got <= forced_rows[_i].want_ms + 1 && sw.forced ==
	              forced_rows[_i].forced, "%s: switched at %g ms (want %g), "
	              "forced %d", forced_rows[_i].name, got,
	              forced_rows[_i].want_ms, sw.forced);
	ck_assert(sw.t_due == T0 + forced_rows[_i].due_ms / 1000.0);
	observe_free(&o);
}
END_TEST

START_TEST(test_switch_limits)
{
	struct observe_switch sw = { .interval_ms = 0 };
	ck_assert_uint_eq(observe_quiet_ms(&sw), 20);
	ck_assert_uint_eq(observe_max_wait_ms(&sw), 200);
	sw.interval_ms = 50;
	ck_assert_uint_eq(observe_quiet_ms(&sw), 13);    /* 12.5, rounded up */
	ck_assert_uint_eq(observe_max_wait_ms(&sw), 200);
	sw.interval_ms = 1000;
	ck_assert_uint_eq(observe_quiet_ms(&sw), 50);
	ck_assert_uint_eq(observe_max_wait_ms(&sw), 2000);
	sw.interval_ms = 15;
	ck_assert(observe_pause_ms(&sw) == 12);
	sw.interval_ms = 4;
	ck_assert(observe_pause_ms(&sw) == 2);
}
END_TEST

/* A process that announces its pauses ("#pause EPOCH" lines): the
 * switch waits for a pause newer than the last frame, seen within the
 * interval less 3 ms; the clock's quiet moment no longer counts (a
 * process that stops announcing them is switched by the longest wait,
 * and the report says so). */
static const struct {
	const char *name;
	double      frame_ms, pause_ms, now_ms;   /* after T0 */
	unsigned    interval_ms;
	bool        want;
} pause_rows[] = {
	{ "paused after its last frame, just now", 10, 11, 12, 15, true },
	{ "paused, under the interval less 3 ms ago", 10, 11, 22.9, 15, true },
	{ "paused, more than the interval less 3 ms ago", 10, 11, 23.1, 15, false },
	{ "short interval: half of it", 10, 11, 13.9, 6, true },
	{ "short interval: more than half of it", 10, 11, 14.1, 6, false },
	{ "a frame after the pause: a new round", 12, 11, 30, 15, false },
	{ "quiet by the clock, but a round since the pause", 12, 11, 60, 100, false },
	{ "quiet by the clock for long: still no pause since", 12, 11, 200, 100, false },
	{ "a round under way, waiting for its answer", 27, 11, 33, 15, false },
	{ "the pause and the frame at one time", 11, 11, 12, 15, true },
	{ "a pause dated after now", 10, 13, 12, 15, false },
};

/* An observe whose last frame came at frame_ms, and whose process
 * announced a pause at pause_ms, read at read_ms (ms after T0). */
static void observe_paused(struct observe *o, double frame_ms,
                           double pause_ms, double read_ms)
{
	char line[64];
	ck_assert_int_eq(observe_init(o, 0), 0);
	o->t_last_packet = T0 + frame_ms / 1000;
	snprintf(line, sizeof line, "#pause\t%.6f", T0 + pause_ms / 1000);
	observe_line(o, line, T0 + read_ms / 1000);
	ck_assert_uint_eq(o->pauses, 1);
}

START_TEST(test_switch_pause)
{
	struct observe o;
	struct observe_switch sw = { .t_run = T0, .interval_ms =
	                             pause_rows[_i].interval_ms, .switch_at_ms = 1 };
	observe_paused(&o, pause_rows[_i].frame_ms, pause_rows[_i].pause_ms,
	               pause_rows[_i].now_ms);
	ck_assert_msg(observe_ready_to_switch(&o, &sw, T0 + pause_rows[_i].now_ms /
	                                      1000) == pause_rows[_i].want, "%s",
	              pause_rows[_i].name);
	ck_assert(!sw.forced);
	observe_free(&o);
}
END_TEST

/* A process that re-reads every N rounds is switched only in the pause
 * after a round that read: the 1st pause, the N+1th, ... */
static const struct {
	const char *line;      /* NULL: none */
	unsigned pauses, want_every;
	bool want;
} reinit_rows[] = {
	{ "#reinit-every\t5", 1, 5, true },
	{ "#reinit-every\t5", 2, 5, false },
	{ "#reinit-every\t5", 5, 5, false },
	{ "#reinit-every\t5", 6, 5, true },
	{ "#reinit-every\t5", 11, 5, true },
	{ "#reinit-every\t1", 3, 1, true },
	{ NULL, 4, 0, true },
	{ "#reinit-every\t0", 4, 0, true },
	{ "#reinit-every\t-5", 4, 0, true },
	{ "#reinit-every\t1001", 4, 0, true },
	{ "#reinit-every\t5x", 4, 0, true },
	{ "#reinit-every\t", 4, 0, true },
	{ "#reinit-every\t99999999999999999999", 4, 0, true },
};

START_TEST(test_switch_reinit)
{
	struct observe o;
	struct observe_switch sw = { .t_run = T0, .interval_ms = 15,
	                             .switch_at_ms = 1 };
	char line[64];
	ck_assert_int_eq(observe_init(&o, 0), 0);
	if (reinit_rows[_i].line)
		observe_line(&o, reinit_rows[_i].line, T0);
	ck_assert_uint_eq(o.reinit_every, reinit_rows[_i].want_every);
	o.t_last_packet = T0 + 0.010;
	for (unsigned k = 0; k < reinit_rows[_i].pauses; k++) {
		snprintf(line, sizeof line, "#pause\t%.6f", T0 + 0.011);
		observe_line(&o, line, T0 + 0.011);
	}
	ck_assert_msg(observe_ready_to_switch(&o, &sw, T0 + 0.012) ==
	              reinit_rows[_i].want, "%s after %u pauses",
	              reinit_rows[_i].line ? reinit_rows[_i].line : "no line",
	              reinit_rows[_i].pauses);
	ck_assert(!sw.forced);
	/* Never in the right pause: forced after three periods (225 ms),
	 * not after the usual 200 ms; but not while the process sleeps in
	 * the pause just before a re-read (the 5th, the 10th, ...). */
	if (!reinit_rows[_i].want) {
		ck_assert(!observe_ready_to_switch(&o, &sw, T0 + 0.012 + 0.210));
		o.t_pause = T0 + 0.012 + 0.225;
		bool before_reread = reinit_rows[_i].pauses % 5 == 0;
		ck_assert(observe_ready_to_switch(&o, &sw, T0 + 0.012 + 0.230) ==
		          !before_reread);
		ck_assert(sw.forced == !before_reread);
		/* Awake again (an interval after that pause): forced. */
		ck_assert(observe_ready_to_switch(&o, &sw, T0 + 0.012 + 0.241));
		ck_assert(sw.forced);
	}
	observe_free(&o);
}
END_TEST

/* Was it still asleep when the switch ended?  (frame, pause, end, in ms
 * after T0; interval; forced before; pause announced at all) */
static const struct {
	const char *name;
	double frame_ms, pause_ms, end_ms;
	unsigned interval_ms;
	bool forced, announced, want;
} asleep_rows[] = {
	{ "ended well inside the pause", 10, 11, 20, 15, false, true, true },
	{ "ended just before it wakes", 10, 11, 25.9, 15, false, true, true },
	{ "ended as it woke", 10, 11, 26.1, 15, false, true, false },
	{ "ended after it woke", 10, 11, 30, 15, false, true, false },
	{ "a frame after the pause: awake", 12, 11, 13, 15, false, true, false },
	{ "no pauses announced: the clock's word stands", 10, 0, 90, 15, false, false, true },
	{ "interval unknown: cannot tell", 10, 11, 90, 0, false, true, true },
	{ "already forced: said already", 10, 11, 90, 15, true, true, true },
};

START_TEST(test_asleep_until)
{
	struct observe o;
	struct observe_switch sw = { .t_run = T0, .interval_ms =
	                             asleep_rows[_i].interval_ms,
	                             .forced = asleep_rows[_i].forced };
	if (asleep_rows[_i].announced) {
		observe_paused(&o, asleep_rows[_i].frame_ms,
		               asleep_rows[_i].pause_ms, asleep_rows[_i].pause_ms);
	} else {
		ck_assert_int_eq(observe_init(&o, 0), 0);
		o.t_last_packet = T0 + asleep_rows[_i].frame_ms / 1000;
	}
	ck_assert_msg(observe_asleep_until(&o, &sw, T0 + asleep_rows[_i].end_ms /
	                                   1000) == asleep_rows[_i].want, "%s",
	              asleep_rows[_i].name);
	observe_free(&o);
}
END_TEST

/* A pause line without a sane time is not a pause; pauses are counted
 * after the switch only once the case set t_switch. */
START_TEST(test_pause_lines)
{
	static const char *const bad[] = {
		"#pause", "#pause\t", "#pause\tx", "#pause\t1795663444.5x",
		"#pause\t999999999.5", "#pause 1795663444.5", "#paused\t1795663444.5",
	};
	struct observe o;
	ck_assert_int_eq(observe_init(&o, 0), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		observe_line(&o, bad[i], T0);
	ck_assert_uint_eq(o.pauses, 0);
	ck_assert_uint_eq(o.nans, 0);
	observe_line(&o, "#pause\t1795663444.5", T0);
	ck_assert_uint_eq(o.pauses, 1);
	ck_assert_uint_eq(o.pauses_after, 0);    /* no switch yet */
	o.t_switch = 1795663445.0;
	observe_line(&o, "#pause\t1795663444.9", T0);   /* before it */
	observe_line(&o, "#pause\t1795663445.0", T0);
	observe_line(&o, "#pause\t1795663445.2", T0);
	ck_assert_uint_eq(o.pauses, 4);
	ck_assert_uint_eq(o.pauses_after, 2);
	ck_assert(o.t_pause == 1795663445.2);
	observe_free(&o);
}
END_TEST

/* The window: its time, then at least half its rounds when the process
 * announces them, never longer than observe_window_max_ms(). */
static const struct {
	const char *name;
	unsigned    interval_ms, window_ms, pauses, after;
	double      now_ms;   /* after the switch */
	bool        want;
} window_over_rows[] = {
	{ "no pauses: the time alone", 15, 300, 0, 0, 300, true },
	{ "no pauses: not yet", 15, 300, 0, 0, 299, false },
	{ "pauses: time and 10 rounds", 15, 300, 30, 10, 300, true },
	{ "pauses: time, 9 rounds", 15, 300, 30, 9, 599, false },
	{ "pauses: 10 rounds, not the time", 15, 300, 30, 20, 299, false },
	{ "pauses: too few rounds, the longest window", 15, 300, 30, 2, 600, true },
	{ "pauses: too few rounds, just under the longest", 15, 300, 30, 2, 599, false },
	/* Rounds slow for what they ask (a server that does not answer,
	 * 5 s a round): the scenario's window, and a second more at most. */
	{ "slow rounds: a long window + 1 s at most", 200, 20000, 30, 3, 21000, true },
	{ "slow rounds: under it", 200, 20000, 30, 3, 20999, false },
	{ "interval unknown: one round", 0, 300, 5, 1, 300, true },
	{ "interval unknown: no round yet", 0, 300, 5, 0, 300, false },
};

START_TEST(test_window_over)
{
	struct observe o;
	struct observe_switch sw = { .t_run = T0, .interval_ms =
	                             window_over_rows[_i].interval_ms };
	ck_assert_int_eq(observe_init(&o, 0), 0);
	o.t_switch = T0 + 1;
	o.pauses = window_over_rows[_i].pauses;
	o.pauses_after = window_over_rows[_i].after;
	double now = o.t_switch + window_over_rows[_i].now_ms / 1000 + 1e-6;
	ck_assert_msg(observe_window_over(&o, &sw, window_over_rows[_i].window_ms,
	                                  now) == window_over_rows[_i].want, "%s",
	              window_over_rows[_i].name);
	observe_free(&o);
}
END_TEST

START_TEST(test_window_limits)
{
	struct observe_switch sw = { .interval_ms = 15 };
	ck_assert_uint_eq(observe_window_rounds(&sw, 300), 10);
	ck_assert_uint_eq(observe_window_rounds(&sw, 20), 1);   /* at least 1 */
	sw.interval_ms = 50;
	ck_assert_uint_eq(observe_window_rounds(&sw, 1000), 10);
	ck_assert_uint_eq(observe_window_max_ms(300), 600);
	ck_assert_uint_eq(observe_window_max_ms(100), 200);
	ck_assert_uint_eq(observe_window_max_ms(20000), 21000);
	ck_assert_uint_eq(observe_window_max_ms(UINT_MAX - 10), UINT_MAX);
}
END_TEST

/* ---- Output lines ---- */

#define T_READ 1795663454.0   /* when the case read the line */

struct line_row {
	const char *line;
	const char *want;   /* "old@T", "new@T" ("... read": dated when read),
	                     * "libc=...", "unsupported=...", "-" */
};

static const struct line_row line_rows[] = {
	/* Stamped by the probe: the lookup's own time. */
	{ "1795663444.500000\tgetaddrinfo\that.com\tA\tok\t203.0.113.203",
	  "old@1795663444.500000" },
	{ "1795663444.5\tgetaddrinfo\that.com\tAAAA\tok\t2001:db8:203::204",
	  "new@1795663444.500000" },
	{ "1795663444.25\tres_query\that.com\tMX\tok\t10 mail-203.hat.com",
	  "old@1795663444.250000" },
	{ "1795663444\tres_query\that.com\tNS\tok\tns-204.hat.com",
	  "new@1795663444.000000" },
	/* Not stamped: when it was read. */
	{ "203.0.113.203", "old@1795663454.000000 read" },
	{ "answer: ns-204.hat.com", "new@1795663454.000000 read" },
	{ "1795663444.5 203.0.113.203", "old@1795663454.000000 read" },    /* no tab */
	{ "x1795663444.5\t203.0.113.203", "old@1795663454.000000 read" },
	{ "999999999.5\t203.0.113.204", "new@1795663454.000000 read" },    /* < 1e9 */
	{ "10000000000.5\t203.0.113.204", "new@1795663454.000000 read" },  /* > 1e10 */
	{ "\t203.0.113.204", "new@1795663454.000000 read" },
	/* Both servers' data: the old one's. */
	{ "203.0.113.204,203.0.113.203", "old@1795663454.000000 read" },
	/* The probe's own words. */
	{ "#libc\tglibc 2.36", "libc=glibc 2.36" },
	{ "#unsupported\tno res_ninit", "unsupported=no res_ninit" },
	{ "#libc glibc 2.36", "-" },
	/* Nothing of either server's data. */
	{ "", "-" },
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tNXDOMAIN\t", "-" },
	{ "server 198.51.100.10", "-" },
	{ "#reinit\t1795663444.5", "-" },
	{ "203.0.113.20", "-" },
};

static void line_canon(const struct observe *o, char *buf, size_t size)
{
	if (o->nans)
		snprintf(buf, size, "%s@%.6f%s", o->ans[0].from == VD_OLD ? "old" :
		         o->ans[0].from == VD_NEW ? "new" : "other", o->ans[0].t,
		         o->ans[0].stamped ? "" : " read");
	else if (o->libc[0])
		snprintf(buf, size, "libc=%s", o->libc);
	else if (o->unsupported[0])
		snprintf(buf, size, "unsupported=%s", o->unsupported);
	else
		snprintf(buf, size, "-");
}

START_TEST(test_line)
{
	struct observe o;
	char got[256];
	ck_assert_int_eq(observe_init(&o, 0), 0);
	observe_line(&o, line_rows[_i].line, T_READ);
	ck_assert_uint_le(o.nans, 1);
	line_canon(&o, got, sizeof got);
	ck_assert_msg(strcmp(got, line_rows[_i].want) == 0,
	              "'%s'\n  want: %s\n  got:  %s", line_rows[_i].line,
	              line_rows[_i].want, got);
	observe_free(&o);
}
END_TEST

/* Output arrives in pieces: a line is read once its '\n' is there, dated
 * (when unstamped) by the read that completed it. */
START_TEST(test_output_pieces)
{
	struct observe o;
	ck_assert_int_eq(observe_init(&o, 0), 0);
	observe_output(&o, "17956634", 8, T_READ);
	observe_output(&o, "44.5\t203.0.113.203\n203.0.113.2", 30, T_READ + 1);
	ck_assert_uint_eq(o.nans, 1);
	observe_output(&o, "04\nlast 203.0.113.203", 21, T_READ + 2);
	ck_assert_uint_eq(o.nans, 2);
	ck_assert(o.ans[0].from == VD_OLD && o.ans[0].t == 1795663444.5);
	ck_assert(o.ans[1].from == VD_NEW && o.ans[1].t == T_READ + 2);
	/* A last line without its '\n' is not read (yet). */
	observe_output(&o, "", 0, T_READ + 3);
	ck_assert_uint_eq(o.nans, 2);
	observe_output(&o, "\n", 1, T_READ + 4);
	ck_assert_uint_eq(o.nans, 3);
	ck_assert(o.ans[2].from == VD_OLD && o.ans[2].t == T_READ + 4);
	observe_free(&o);
}
END_TEST

/* A line longer than the buffer is read in pieces of OBSERVE_LINE_MAX - 1
 * bytes: each piece on its own, no byte lost between them, nothing
 * written past the buffer. */
START_TEST(test_output_long_line)
{
	static char buf[4 * OBSERVE_LINE_MAX];
	struct observe o;
	ck_assert_int_eq(observe_init(&o, 0), 0);
	memset(buf, 'a', sizeof buf);
	/* The first piece ends with an old answer, the second starts with a
	 * new one, the third and fourth are cut through an old one (neither
	 * half counts). */
	size_t piece = OBSERVE_LINE_MAX - 1;
	memcpy(buf + piece - 13, WN_ANSWER_OLD4, 13);
	memcpy(buf + piece, WN_ANSWER_NEW4, 13);
	memcpy(buf + 3 * piece - 6, WN_ANSWER_OLD4, 13);
	buf[3 * piece + 100] = '\n';
	observe_output(&o, buf, 3 * piece + 101, T_READ);
	ck_assert_uint_eq(o.nans, 2);
	ck_assert(o.ans[0].from == VD_OLD);
	ck_assert(o.ans[1].from == VD_NEW);
	ck_assert_uint_eq(o.linelen, 0);
	observe_free(&o);
}
END_TEST

/* ---- Frames ---- */

/* A raw IPv4 header from src to dst, l4len bytes of protocol proto after it. */
static void put_ipv4(struct wire *w, unsigned proto, size_t l4len,
                     const char *src, const char *dst)
{
	struct pkt_addr s, d;
	ck_assert_int_eq(pkt_addr_parse(src, &s), 0);
	ck_assert_int_eq(pkt_addr_parse(dst, &d), 0);
	w->n = 0;
	put8(w, 0x45);
	put8(w, 0);
	put16(w, (unsigned)(20 + l4len));
	put32(w, 0x4000);
	put8(w, 64);
	put8(w, proto);
	put16(w, 0);
	put_bytes(w, s.a, 4);
	put_bytes(w, d.a, 4);
}

/* One UDP datagram from the client to dst. */
static void udp_frame(struct wire *w, const char *dst, unsigned dport,
                      const uint8_t *payload, size_t n)
{
	put_ipv4(w, 17, 8 + n, WN_CLIENT4, dst);
	put16(w, 40000);
	put16(w, dport);
	put16(w, (unsigned)(8 + n));
	put16(w, 0);
	put_bytes(w, payload, n);
}

START_TEST(test_frames)
{
	struct observe o;
	uint8_t q[512];
	struct wire w;
	ck_assert_int_eq(observe_init(&o, DNS_T_MX), 0);

	/* An MX query to the old server: an event, and it counts. */
	int qn = dns_build_query(q, sizeof q, 0x1234, WN_QNAME, DNS_T_MX);
	ck_assert_int_gt(qn, 0);
	udp_frame(&w, WN_OLD4, 53, q, (size_t)qn);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 1);
	ck_assert_uint_eq(o.packets, 1);
	ck_assert_uint_eq(o.nev, 1);
	ck_assert_uint_eq(o.old_queries, 1);
	ck_assert(o.t_first_old == T0 + 1 && o.t_last_packet == T0 + 1);
	ck_assert(o.ev[0].server == VD_OLD && !o.ev[0].qr);

	/* An A query to the old server: an event, not of the chosen type. */
	qn = dns_build_query(q, sizeof q, 0x1235, WN_QNAME, DNS_T_A);
	udp_frame(&w, WN_OLD4, 53, q, (size_t)qn);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 2);
	ck_assert_uint_eq(o.nev, 2);
	ck_assert_uint_eq(o.old_queries, 1);
	ck_assert(o.t_first_old == T0 + 1 && o.t_last_packet == T0 + 2);

	/* Not DNS: traffic for the quiet moment, no event, not malformed. */
	udp_frame(&w, WN_OLD4, 5353, q, (size_t)qn);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 3);
	ck_assert_uint_eq(o.packets, 3);
	ck_assert_uint_eq(o.nev, 2);
	ck_assert_uint_eq(o.malformed, 0);
	ck_assert(o.t_last_packet == T0 + 3);

	/* Cut short: counted as malformed, never as an event. */
	observe_frame(&o, PKT_LINK_RAW, w.b, 20, T0 + 4);
	ck_assert_uint_eq(o.packets, 4);
	ck_assert_uint_eq(o.malformed, 1);
	ck_assert_uint_eq(o.nev, 2);
	ck_assert(o.t_last_packet == T0 + 4);

	/* A query to the new server. */
	qn = dns_build_query(q, sizeof q, 0x1236, WN_QNAME, DNS_T_MX);
	udp_frame(&w, WN_NEW4, 53, q, (size_t)qn);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 5);
	ck_assert_uint_eq(o.nev, 3);
	ck_assert(o.ev[2].server == VD_NEW);
	ck_assert_uint_eq(o.old_queries, 1);
	observe_free(&o);
	ck_assert_ptr_null(o.ev);
}
END_TEST

/* A TCP segment of the client's stream to the old server, raw IPv4. */
static void tcp_frame(struct wire *w, uint32_t seq, const uint8_t *data,
                      size_t n)
{
	put_ipv4(w, 6, 20 + n, WN_CLIENT4, WN_OLD4);
	put16(w, 40000);
	put16(w, 53);
	put32(w, seq);
	put32(w, 0);
	put8(w, 5 << 4);
	put8(w, 0x18);   /* PSH, ACK */
	put16(w, 65535);
	put32(w, 0);
	put_bytes(w, data, n);
}

/* DNS over TCP as decode reads it: six queries in one segment (more
 * than one frame alone decodes), one split across two segments (dated
 * by the second), and a message the capture ended in the middle of
 * (lost, counted as malformed once the capture is finished). */
START_TEST(test_frames_tcp)
{
	struct observe o;
	struct wire w;
	uint8_t stream[1024], q[512];
	size_t k = 0;
	ck_assert_int_eq(observe_init(&o, 0), 0);
	int qn = dns_build_query(q, sizeof q, 1, WN_QNAME, DNS_T_A);
	ck_assert_int_gt(qn, 0);
	for (int i = 0; i < 8; i++) {
		stream[k++] = 0;
		stream[k++] = (uint8_t)qn;
		q[1] = (uint8_t)(i + 1);   /* ids 1..8 */
		memcpy(stream + k, q, (size_t)qn);
		k += (size_t)qn;
	}
	size_t six = 6 * (2 + (size_t)qn), half = 2 + (size_t)qn / 2;

	tcp_frame(&w, 1000, stream, six);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 1);
	ck_assert_uint_eq(o.nev, 6);
	ck_assert_uint_eq(o.old_queries, 6);
	ck_assert_uint_eq(o.ev[5].id, 6);

	tcp_frame(&w, 1000 + (uint32_t)six, stream + six, half);
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 2);
	ck_assert_uint_eq(o.nev, 6);
	tcp_frame(&w, 1000 + (uint32_t)(six + half), stream + six + half,
	          2 + (size_t)qn - half + 5);   /* and 5 bytes of the 8th */
	observe_frame(&o, PKT_LINK_RAW, w.b, w.n, T0 + 3);
	ck_assert_uint_eq(o.nev, 7);
	ck_assert_uint_eq(o.ev[6].id, 7);
	ck_assert(o.ev[6].t == T0 + 3 && o.ev[6].server == VD_OLD);
	ck_assert_uint_eq(o.packets, 3);
	ck_assert_uint_eq(o.malformed, 0);

	observe_finish(&o);
	ck_assert_uint_eq(o.nev, 7);
	ck_assert_uint_eq(o.malformed, 1);
	observe_free(&o);
}
END_TEST

/* Many events: the arrays grow, nothing is lost. */
START_TEST(test_many_events)
{
	struct observe o;
	ck_assert_int_eq(observe_init(&o, 0), 0);
	for (unsigned i = 0; i < 5000; i++) {
		struct wn_event e = { .t = T0 + i, .server = VD_OLD, .qtype = DNS_T_A,
		                      .id = (uint16_t)i };
		observe_event(&o, &e);
		observe_line(&o, WN_ANSWER_NEW4, T0 + i);
	}
	ck_assert_uint_eq(o.nev, 5000);
	ck_assert_uint_eq(o.nans, 5000);
	ck_assert_uint_eq(o.old_queries, 5000);
	ck_assert(o.ev[4999].t == T0 + 4999 && o.ans[4999].t == T0 + 4999);
	observe_free(&o);
}
END_TEST

/* A set from files: each server's marks, by its role; the old one's
 * when a line has several, then a new one's, then a kept one's. */
static const struct {
	const char *line;
	int from;   /* -1: no answer */
} mark_rows[] = {
	{ "1795663444.5\that.com\tA\t203.0.113.203", VD_OLD },
	{ "hat.com MX 10 mail-203.hat.com.", VD_OLD },
	{ "2001:db8:203::204", VD_KEPT },
	{ "ns-205.hat.com", VD_NEW },
	{ "203.0.113.205 203.0.113.203", VD_OLD },
	{ "203.0.113.204 2001:db8:203::205", VD_NEW },
	{ "2001:db8:203::205 203.0.113.204", VD_NEW },
	{ "203.0.113.206", -1 },     /* no server has mark 206 */
	{ "mail-206.hat.com", -1 },
	{ "hat.com A 192.0.2.1", -1 },
};

static void three_servers(struct observe *o)
{
	static const char old[] = "nameserver 192.0.2.1\nnameserver 192.0.2.2\n",
	                  new[] = "nameserver 192.0.2.2\nnameserver 192.0.2.3\n";
	struct serverset set;
	char err[256];
	ck_assert_int_eq(observe_init(o, 0), 0);
	ck_assert_int_eq(serverset_from_texts(&set, old, sizeof old - 1, "o",
	                                      new, sizeof new - 1, "n", err,
	                                      sizeof err), 0);
	observe_set_servers(o, &set);
}

START_TEST(test_marks)
{
	struct observe o;
	three_servers(&o);   /* 203 old, 204 kept, 205 new */
	observe_line(&o, mark_rows[_i].line, T0);
	if (mark_rows[_i].from < 0) {
		ck_assert_uint_eq(o.nans, 0);
	} else {
		ck_assert_uint_eq(o.nans, 1);
		ck_assert_int_eq(o.ans[0].from, mark_rows[_i].from);
	}
	observe_free(&o);
}
END_TEST

/* The set's roles reach the events, and the switch waits for a query
 * to a server the old file lists: old or kept. */
START_TEST(test_set_roles)
{
	struct observe o;
	const char *to[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3", WN_OLD4 };
	int want[] = { VD_OLD, VD_KEPT, VD_NEW, VD_OTHER };
	three_servers(&o);
	for (int i = 0; i < 4; i++) {
		struct pkt_flow f = { .sport = 40000, .dport = 53, .proto = 17 };
		struct dns_msg m = { .id = (uint16_t)i, .has_question = true,
		                     .qtype = DNS_T_A };
		struct wn_event e;
		pkt_addr_parse(WN_CLIENT4, &f.src);
		pkt_addr_parse(to[i], &f.dst);
		events_from_msg(&f, &m, T0 + i, &o.servers, &e);
		ck_assert_int_eq(e.server, want[i]);
		observe_event(&o, &e);
	}
	ck_assert_uint_eq(o.old_queries, 2);
	ck_assert(o.t_first_old == T0);
	observe_free(&o);
}
END_TEST

Suite *observe_suite(void)
{
	Suite *s = suite_create("observe");
	TCase *tc;

	tc = tcase_create("Window");
	tcase_add_loop_test(tc, test_window, 0, NROWS(window_rows));
	tcase_add_loop_test(tc, test_decide, 0, NROWS(decide_rows));
	tcase_add_test(tc, test_decide_out_of_order);
	tcase_add_loop_test(tc, test_decide_lookups, 0, NROWS(lookup_rows));
	tcase_add_loop_test(tc, test_decide_app, 0, NROWS(app_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Switch");
	tcase_add_loop_test(tc, test_switch, 0, NROWS(switch_rows));
	tcase_add_loop_test(tc, test_switch_forced, 0, NROWS(forced_rows));
	tcase_add_test(tc, test_switch_limits);
	tcase_add_loop_test(tc, test_switch_pause, 0, NROWS(pause_rows));
	tcase_add_test(tc, test_pause_lines);
	tcase_add_loop_test(tc, test_asleep_until, 0, NROWS(asleep_rows));
	tcase_add_loop_test(tc, test_switch_reinit, 0, NROWS(reinit_rows));
	tcase_add_loop_test(tc, test_window_over, 0, NROWS(window_over_rows));
	tcase_add_test(tc, test_window_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("Output");
	tcase_add_loop_test(tc, test_line, 0, NROWS(line_rows));
	tcase_add_test(tc, test_output_pieces);
	tcase_add_loop_test(tc, test_marks, 0, NROWS(mark_rows));
	tcase_add_test(tc, test_set_roles);
	suite_add_tcase(s, tc);

	tc = tcase_create("Frames");
	tcase_add_test(tc, test_frames);
	tcase_add_test(tc, test_frames_tcp);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_output_long_line);
	tcase_add_test(tc, test_many_events);
	suite_add_tcase(s, tc);
	return s;
}
