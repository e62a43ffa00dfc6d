/*
 * check_verdict.c - the verdict rules of doc/design.md, "Verdicts".
 *
 * Cases are written as event strings and their results compared as one
 * canonical line, so a failure prints the whole picture side by side.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"
#include "events.h"
#include "verdict.h"

#define EV_MAX 64

/*
 * A small timeline language, one token per step:
 *   o n x k  a query to the old / new / another server / a server both
 *            files list ("kept"): a fresh id, type A,
 *            from the client's socket 1, answered 1 ms later
 *   o+ n+    the previous query to that server got no answer: resent
 *            (same id, socket, name and type)
 *   o= n=    the same id as the previous query to that server, same
 *            socket, after its answer: a client that never changes its id
 *   o~ n~    the same id as the previous query to that server, which got
 *            no answer, but from another socket (an id collision)
 *   o& n&    AAAA for the same name from the same socket, 0.1 ms after the
 *            previous query to that server (glibc's and musl's pair)
 *   o% n%    the same from another socket (Go's pair)
 *   o^ n^    AAAA from the same socket 3 ms after the previous query to
 *            that server, after its answer (glibc's pair at times)
 *   o/ n/    AAAA from another socket 3 ms after the previous query, after
 *            its answer (glibc's single-request-reopen pair, Go's pair
 *            when A is answered before AAAA leaves)
 *   o> n>    AAAA from another socket 200 ms after the previous query (199
 *            ms after its answer): not a pair, a lookup of its own
 *   o* n*    MX for the same name from the same socket 3 ms after the
 *            previous query, after its answer (res_query() in a row on one
 *            socket): a lookup of its own
 *   o# n#    the same from another socket (res_loop's A, MX, NS)
 *   O N      an answer the process printed with old / new data, stamped
 *            with its own time; o_ n_ the same dated when read
 *   |        the switch, half a step after the previous event
 *   @        the switch, exactly at the time of the next event
 *   exit     the process ends half a step after the previous event
 *   end      the window ends half a step after the previous event
 *   drop=K   the capture dropped K packets
 *   noresp   no query got an answer in the capture (tcpdump 'dst port
 *            53'); noresp=o, noresp=n: only those to the old / new server
 * Events are 250 ms apart from t = 1000 s, so every time is exact in
 * binary and first_new_ms comes out as a whole number.  Without "end"
 * the window closes a second after the last event.  The responses are
 * handed to vd_note_response() in time order among the queries, as a case
 * and decode do.
 */
#define T0   1000.0
#define STEP 0.25
#define PAIR 0.0001   /* the second query of a pair */
#define RTT  0.001    /* every answer comes this long after its query */

struct timeline {
	struct vd_query  q[EV_MAX];
	bool             answered[EV_MAX];
	struct vd_answer a[EV_MAX];
	struct vd_input  in;
	size_t nq, na;
};

/* The queries (each answered or not) to vd_note_response() and back,
 * responses and queries merged in time order. */
static void feed(struct timeline *tl)
{
	struct vd_query qs[EV_MAX], resp[EV_MAX];
	size_t nr = 0, n = 0, k = 0;

	memcpy(qs, tl->q, tl->nq * sizeof *qs);
	for (size_t i = 0; i < tl->nq; i++)
		if (tl->answered[i]) {
			resp[nr] = qs[i];
			resp[nr++].t = qs[i].t + RTT;
		}
	for (size_t i = 0; i < tl->nq; i++) {
		while (k < nr && resp[k].t <= qs[i].t)
			vd_note_response(tl->q, n, &resp[k++]);
		tl->q[n] = qs[i];
		tl->q[n++].t_answered = 0;
	}
	while (k < nr)
		vd_note_response(tl->q, n, &resp[k++]);
}

static void add_query(struct timeline *tl, const char *w, const char *spec,
                      double *t, uint16_t *next_id)
{
	enum vd_server to = w[0] == 'o' ? VD_OLD : w[0] == 'n' ? VD_NEW :
	                    w[0] == 'k' ? VD_KEPT : VD_OTHER;
	char how = w[1];
	size_t j = tl->nq;
	while (j > 0 && tl->q[j - 1].to != to)
		j--;
	ck_assert_msg(!strchr("+=~", how) || !how || j > 0,
	              "'%s' repeats nothing in '%s'", w, spec);
	ck_assert_uint_lt(tl->nq, EV_MAX);
	struct vd_query *q = &tl->q[tl->nq];
	*q = (struct vd_query){ .to = to, .id = (*next_id)++, .qtype = 1,
	                        .qname_hash = vd_hash_name("hat.com"),
	                        .client = 1, .client_addr = 1 };
	*t += how == '&' || how == '%' ? PAIR :
	      how && strchr("^/*#", how) ? 3 * RTT : how == '>' ? 0.2 : STEP;
	q->t = *t;
	if (how == '+' || how == '=' || how == '~')
		q->id = tl->q[j - 1].id;
	if (how == '+' || how == '~')
		tl->answered[j - 1] = false;
	if (how == '~')
		q->client = 3;
	if (how && strchr("&%^/>", how))
		q->qtype = 28;
	if (how == '*' || how == '#')
		q->qtype = 15;
	if (how && strchr("%/>#", how))
		q->client = 2;
	tl->answered[tl->nq++] = true;
}

static void build(struct timeline *tl, const char *spec)
{
	char buf[512], *save;
	double t = T0;
	bool have_end = false;
	uint16_t next_id = 100;

	memset(tl, 0, sizeof *tl);
	ck_assert_uint_lt(strlen(spec), sizeof buf);
	strcpy(buf, spec);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "|") == 0) {
			tl->in.switched = true;
			tl->in.t_switch = t + STEP / 2;
		} else if (strcmp(w, "@") == 0) {
			tl->in.switched = true;
			tl->in.t_switch = t + STEP;
		} else if (strcmp(w, "exit") == 0) {
			tl->in.exited = true;
			tl->in.t_exit = t + STEP / 2;
		} else if (strcmp(w, "end") == 0) {
			have_end = true;
			tl->in.t_end = t + STEP / 2;
		} else if (strcmp(w, "noresp") == 0 || strcmp(w, "noresp=o") == 0 ||
		           strcmp(w, "noresp=n") == 0) {
			for (size_t i = 0; i < tl->nq; i++)
				if (!w[6] || tl->q[i].to == (w[7] == 'o' ? VD_OLD : VD_NEW))
					tl->answered[i] = false;
		} else if (strncmp(w, "drop=", 5) == 0) {
			tl->in.dropped = strtoull(w + 5, NULL, 10);
		} else if (strchr("ON", w[0]) && (!w[1] || !strcmp(w + 1, "_"))) {
			ck_assert_uint_lt(tl->na, EV_MAX);
			t += STEP;
			tl->a[tl->na++] = (struct vd_answer){
				t, *w == 'O' ? VD_OLD : VD_NEW, !w[1] };
		} else if (w[0] && strchr("onxk", w[0]) &&
		           (!w[1] || (strchr("+=~&%^/>*#", w[1]) && !w[2]))) {
			add_query(tl, w, spec, &t, &next_id);
		} else {
			ck_abort_msg("bad token '%s' in '%s'", w, spec);
		}
	}
	if (!have_end)
		tl->in.t_end = t + 1.0;
	feed(tl);
	vd_mark_lookups(tl->q, tl->nq);
	tl->in.q = tl->q;
	tl->in.nq = tl->nq;
	tl->in.a = tl->a;
	tl->in.na = tl->na;
}

/* Every number of a result on one line. */
static void canon(const struct vd_result *r, char *buf, size_t size)
{
	char first[32] = "none";
	if (r->first_new_ms >= 0)
		snprintf(first, sizeof first, "%.0f", r->first_new_ms);
	snprintf(buf, size, "%s late_by=%u before=%u,%u,%u after=%u,%u,%u "
	         "lookups=%u,%u first_new_ms=%s answers=%u,%u/%u,%u",
	         verdict_name(r->v), r->late_by, r->queries_old_before,
	         r->queries_new_before, r->queries_other_before,
	         r->queries_old_after, r->queries_new_after,
	         r->queries_other_after, r->lookups_old_after,
	         r->lookups_new_after, first, r->answers_old_before,
	         r->answers_new_before, r->answers_old_after,
	         r->answers_new_after);
}

static void decide(const char *spec, struct vd_result *r)
{
	struct timeline tl;
	build(&tl, spec);
	verdict_decide(&tl.in, r);
}

/* "before=" is old,new,other before the switch, "after=" the same after;
 * "lookups=" leaves retransmissions out; "answers=" is old,new before /
 * old,new after. */
struct row {
	const char *name;
	const char *events;
	const char *expected;
};

static const struct row core_rows[] = {
	{ "followed", "o o o | n n n",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,3,0 lookups=0,3 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "followed-one", "o | n",
	  "FOLLOWED late_by=0 before=1,0,0 after=0,1,0 lookups=0,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "late-1", "o o o | o n n",
	  "LATE late_by=1 before=3,0,0 after=1,2,0 lookups=1,2 "
	  "first_new_ms=375 answers=0,0/0,0" },
	{ "late-3", "o o o | o o o n",
	  "LATE late_by=3 before=3,0,0 after=3,1,0 lookups=3,1 "
	  "first_new_ms=875 answers=0,0/0,0" },
	{ "stale", "o o o | o o o o",
	  "STALE late_by=0 before=3,0,0 after=4,0,0 lookups=4,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "mixed-old-after-new", "o o o | n o n",
	  "MIXED late_by=0 before=3,0,0 after=1,2,0 lookups=1,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "mixed-late-then-old", "o o o | o n o",
	  "MIXED late_by=0 before=3,0,0 after=2,1,0 lookups=2,1 "
	  "first_new_ms=375 answers=0,0/0,0" },
	{ "silent", "o o o |",
	  "SILENT late_by=0 before=3,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "silent-process-ended", "o o o | exit",
	  "SILENT late_by=0 before=3,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	/* New-server queries before the switch are counted, not judged. */
	{ "new-before-switch", "o n o | n",
	  "FOLLOWED late_by=0 before=2,1,0 after=0,1,0 lookups=0,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
};

static const struct row inconclusive_rows[] = {
	{ "no-query-before", "| n n",
	  "INCONCLUSIVE late_by=0 before=0,0,0 after=0,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "only-new-before", "n n | n",
	  "INCONCLUSIVE late_by=0 before=0,2,0 after=0,1,0 lookups=0,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "only-other-before", "x x | n",
	  "INCONCLUSIVE late_by=0 before=0,0,2 after=0,1,0 lookups=0,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "dropped-followed", "o o o | n n drop=1",
	  "INCONCLUSIVE late_by=0 before=3,0,0 after=0,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "dropped-never-switched", "o o drop=3",
	  "INCONCLUSIVE late_by=0 before=2,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "dropped-ended-early", "o o o | n exit drop=2",
	  "INCONCLUSIVE late_by=0 before=3,0,0 after=0,1,0 lookups=0,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "never-switched", "o o o o",
	  "INCONCLUSIVE late_by=0 before=4,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "never-switched-no-query", "",
	  "INCONCLUSIVE late_by=0 before=0,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "ended-before-switch", "o o exit",
	  "INCONCLUSIVE late_by=0 before=2,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "ended-after-switch-new", "o o o | n n exit",
	  "INCONCLUSIVE late_by=0 before=3,0,0 after=0,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "ended-after-switch-old", "o o o | o exit",
	  "INCONCLUSIVE late_by=0 before=3,0,0 after=1,0,0 lookups=1,0 "
	  "first_new_ms=none answers=0,0/0,0" },
};

static const struct row retrans_rows[] = {
	/* The resend of the last query to old, after the first new one. */
	{ "resend-old-after-new", "o o o | n o+ n",
	  "FOLLOWED late_by=0 before=3,0,0 after=1,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "resend-new", "o o o | n n+ n+ n",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,4,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
	/* A resend is not one more lookup: late_by counts lookups. */
	{ "resend-old-before-new", "o o o | o o+ o+ n",
	  "LATE late_by=1 before=3,0,0 after=3,1,0 lookups=1,1 "
	  "first_new_ms=875 answers=0,0/0,0" },
	/* Resends of a lookup made before the switch start no lookup after
	 * it: by the lookup rule this is SILENT, although queries_old_after
	 * shows the messages. */
	{ "resends-only-old", "o o o | o+ o+",
	  "SILENT late_by=0 before=3,0,0 after=2,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	/* A fresh lookup to old after new is still MIXED. */
	{ "fresh-old-after-new", "o o o | n o+ o n",
	  "MIXED late_by=0 before=3,0,0 after=2,2,0 lookups=1,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
};

/* What a program asked, whatever its ids: a client that never changes
 * its id (each query answered) makes a lookup each time; a query re-sent
 * after no answer does not; an id that collides from another socket is
 * another lookup; a getaddrinfo's A and AAAA in flight together (one
 * socket or two) are one. */
static const struct row lookup_rows[] = {
	{ "fixed-id-stale", "o o= o= | o= o= o=",
	  "STALE late_by=0 before=3,0,0 after=3,0,0 lookups=3,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "fixed-id-late", "o o= o= | o= o= n n= n=",
	  "LATE late_by=2 before=3,0,0 after=2,3,0 lookups=2,3 "
	  "first_new_ms=625 answers=0,0/0,0" },
	{ "fixed-id-followed", "o o= o= | n n= n=",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,3,0 lookups=0,3 "
	  "first_new_ms=125 answers=0,0/0,0" },
	{ "fixed-id-lost-answer", "o o= | o= o+ o=",
	  "STALE late_by=0 before=2,0,0 after=3,0,0 lookups=2,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "resent-then-new", "o o | o o+ o+ n",
	  "LATE late_by=1 before=2,0,0 after=3,1,0 lookups=1,1 "
	  "first_new_ms=875 answers=0,0/0,0" },
	{ "id-collision-other-socket", "o o | o o~ n",
	  "LATE late_by=2 before=2,0,0 after=2,1,0 lookups=2,1 "
	  "first_new_ms=625 answers=0,0/0,0" },
	{ "a-aaaa-one-socket", "o o& o o& | o o& n n& n n&",
	  "LATE late_by=1 before=4,0,0 after=2,4,0 lookups=1,2 "
	  "first_new_ms=375 answers=0,0/0,0" },
	{ "a-aaaa-two-sockets", "o o% | o o% o o% n n%",
	  "LATE late_by=2 before=2,0,0 after=4,2,0 lookups=2,1 "
	  "first_new_ms=625 answers=0,0/0,0" },
	{ "a-aaaa-stale", "o o& | o o& o o&",
	  "STALE late_by=0 before=2,0,0 after=4,0,0 lookups=2,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "a-then-aaaa-one-socket", "o o^ | o o^ n n^",
	  "LATE late_by=1 before=2,0,0 after=2,2,0 lookups=1,1 "
	  "first_new_ms=378 answers=0,0/0,0" },
	/* glibc's single-request-reopen: AAAA from a new socket 0.2 ms after
	 * A's answer; Go's pair when A is answered before AAAA leaves. */
	{ "a-then-aaaa-two-sockets", "o o/ | o o/ n n/",
	  "LATE late_by=1 before=2,0,0 after=2,2,0 lookups=1,1 "
	  "first_new_ms=378 answers=0,0/0,0" },
	/* 199 ms after the answer is not the same getaddrinfo(). */
	{ "a-then-aaaa-too-late", "o o> | o o> n n>",
	  "LATE late_by=2 before=2,0,0 after=2,2,0 lookups=2,2 "
	  "first_new_ms=575 answers=0,0/0,0" },
	/* Types other than A and AAAA asked one after the other's answer are
	 * lookups of their own, on one socket or several. */
	{ "a-then-mx-one-socket", "o o* | o o* n n*",
	  "LATE late_by=2 before=2,0,0 after=2,2,0 lookups=2,2 "
	  "first_new_ms=378 answers=0,0/0,0" },
	{ "a-then-mx-two-sockets", "o o# | o o# n n#",
	  "LATE late_by=2 before=2,0,0 after=2,2,0 lookups=2,2 "
	  "first_new_ms=378 answers=0,0/0,0" },
	/* The pair's AAAA goes to the server its A went to: another server's
	 * query is a lookup of its own. */
	{ "pair-split-servers", "o o | o n&",
	  "LATE late_by=1 before=2,0,0 after=1,1,0 lookups=1,1 "
	  "first_new_ms=125 answers=0,0/0,0" },
};

/* A capture with no responses from a server (tcpdump 'dst port 53'):
 * a resend cannot be told from a new lookup, so every query to it counts,
 * an A+AAAA pair sent together once. */
static const struct row noresp_rows[] = {
	{ "fixed-id-no-responses", "o o= o= | o= o= o= noresp",
	  "STALE late_by=0 before=3,0,0 after=3,0,0 lookups=3,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "fixed-id-late-no-responses", "o o= o= | o= o= n n= n= noresp",
	  "LATE late_by=2 before=3,0,0 after=2,3,0 lookups=2,3 "
	  "first_new_ms=625 answers=0,0/0,0" },
	{ "pairs-no-responses", "o o& | o o& o o% n n& noresp",
	  "LATE late_by=2 before=2,0,0 after=4,2,0 lookups=2,1 "
	  "first_new_ms=625 answers=0,0/0,0" },
	/* Without answers nothing is known to be in flight: an MX 3 ms
	 * after an A is a lookup of its own. */
	{ "mx-no-responses", "o o# | o o# noresp",
	  "STALE late_by=0 before=2,0,0 after=2,0,0 lookups=2,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	/* Per server: the new server answered, so its resend is one. */
	{ "old-only-no-responses", "o o= | o= n n+ noresp=o",
	  "LATE late_by=1 before=2,0,0 after=1,2,0 lookups=1,1 "
	  "first_new_ms=375 answers=0,0/0,0" },
};

static const struct row other_rows[] = {
	{ "other-then-new", "o o o | x n x n",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,2,2 lookups=0,2 "
	  "first_new_ms=375 answers=0,0/0,0" },
	{ "other-only", "o o o | x x",
	  "SILENT late_by=0 before=3,0,0 after=0,0,2 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "other-between-old", "o x o | o x o",
	  "STALE late_by=0 before=2,0,1 after=2,0,1 lookups=2,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "other-in-late", "o o | o x n",
	  "LATE late_by=1 before=2,0,0 after=1,1,1 lookups=1,1 "
	  "first_new_ms=625 answers=0,0/0,0" },
};

static const struct row app_rows[] = {
	{ "answers-follow", "o O o O o O | n N n N",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=3,0/0,2" },
	{ "answers-stale", "o O o O | o O o O",
	  "STALE late_by=0 before=2,0,0 after=2,0,0 lookups=2,0 "
	  "first_new_ms=none answers=2,0/2,0" },
	{ "answers-from-cache", "o O o O o O | N N N",
	  "SILENT late_by=0 before=3,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=3,0/0,3" },
	/* The wire is what decides; answers never change the verdict. */
	{ "answers-disagree", "o O | o N",
	  "STALE late_by=0 before=1,0,0 after=1,0,0 lookups=1,0 "
	  "first_new_ms=none answers=1,0/0,1" },
};

static const struct row boundary_rows[] = {
	{ "new-at-switch", "o o o @ n",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,1,0 lookups=0,1 "
	  "first_new_ms=0 answers=0,0/0,0" },
	{ "old-at-switch", "o o o @ o",
	  "STALE late_by=0 before=3,0,0 after=1,0,0 lookups=1,0 "
	  "first_new_ms=none answers=0,0/0,0" },
	{ "answer-at-switch", "o o @ N",
	  "SILENT late_by=0 before=2,0,0 after=0,0,0 lookups=0,0 "
	  "first_new_ms=none answers=0,0/0,1" },
	/* Ending exactly when the window closes is not ending early. */
	{ "exit-at-window-end", "o o o | n n exit end",
	  "FOLLOWED late_by=0 before=3,0,0 after=0,2,0 lookups=0,2 "
	  "first_new_ms=125 answers=0,0/0,0" },
};

static void check_row(const struct row *r)
{
	struct vd_result res;
	char got[512];
	decide(r->events, &res);
	canon(&res, got, sizeof got);
	ck_assert_msg(strcmp(got, r->expected) == 0,
	              "%s: events '%s'\n  want: %s\n  got:  %s",
	              r->name, r->events, r->expected, got);
}

/* A server both files list ("kept") is counted apart and not in the
 * verdict: what the others show decides; only kept lookups after the
 * switch cannot tell. */
static const struct {
	const char *name, *events, *verdict, *kept, *reason;
} kept_rows[] = {
	/* The failover: the dead old primary first, then the kept one. */
	{ "old-then-kept", "o k o k | o k o k noresp=o", "STALE", "2,2,2",
	  "2 lookups after the switch, all to the old server; 2 lookups to a "
	  "server both files list, not counted (it says nothing of which file "
	  "the process read); the capture holds no responses from the old "
	  "server: resends cannot be told from new lookups, each query counts "
	  "(an A+AAAA pair once)" },
	{ "new-and-kept", "o k | n k n k", "FOLLOWED", "1,2,2", "" },
	{ "kept-only", "o k | k k", "INCONCLUSIVE", "1,2,2",
	  "every lookup after the switch (2) went to a server both files list: "
	  "that cannot tell which file the process read" },
	{ "kept-before-only", "k k | n", "INCONCLUSIVE", "2,0,0",
	  "every query before the switch went to a server both files list: "
	  "that cannot tell which file the process reads; make that server "
	  "fail at the switch (exec --server ADDR=down, scenario 'server ADDR "
	  "down') to see whether it moves to the new file's servers" },
};

START_TEST(test_kept)
{
	struct vd_result r;
	char kept[32];
	decide(kept_rows[_i].events, &r);
	snprintf(kept, sizeof kept, "%u,%u,%u", r.queries_kept_before,
	         r.queries_kept_after, r.lookups_kept_after);
	ck_assert_msg(strcmp(verdict_name(r.v), kept_rows[_i].verdict) == 0 &&
	              strcmp(kept, kept_rows[_i].kept) == 0,
	              "%s: got %s kept=%s", kept_rows[_i].name,
	              verdict_name(r.v), kept);
	if (kept_rows[_i].reason[0])
		ck_assert_str_eq(r.reason, kept_rows[_i].reason);
}
END_TEST

START_TEST(test_core)          { check_row(&core_rows[_i]); } END_TEST
START_TEST(test_inconclusive)  { check_row(&inconclusive_rows[_i]); } END_TEST
START_TEST(test_retrans)       { check_row(&retrans_rows[_i]); } END_TEST
START_TEST(test_lookups)       { check_row(&lookup_rows[_i]); } END_TEST
START_TEST(test_noresp)        { check_row(&noresp_rows[_i]); } END_TEST
START_TEST(test_other)         { check_row(&other_rows[_i]); } END_TEST
START_TEST(test_app)           { check_row(&app_rows[_i]); } END_TEST
START_TEST(test_boundary)      { check_row(&boundary_rows[_i]); } END_TEST

/* A sender that began after the switch (a fresh process's path) is not
 * held to rule 3; every other rule still applies. */
START_TEST(test_started_after)
{
	struct timeline tl;
	struct vd_result r;
	build(&tl, "| n n");
	verdict_decide(&tl.in, &r);
	ck_assert_int_eq(r.v, V_INCONCLUSIVE);
	tl.in.started_after = true;
	verdict_decide(&tl.in, &r);
	ck_assert_int_eq(r.v, V_FOLLOWED);
	build(&tl, "| o");
	tl.in.started_after = true;
	verdict_decide(&tl.in, &r);
	ck_assert_int_eq(r.v, V_STALE);
	build(&tl, "| n drop=1");
	tl.in.started_after = true;
	verdict_decide(&tl.in, &r);
	ck_assert_int_eq(r.v, V_INCONCLUSIVE);
}
END_TEST

/* The reason says why, in words a support engineer can repeat. */
static const struct {
	const char *events, *reason;
} reason_rows[] = {
	{ "o o o | n n",
	  "first lookup after the switch went to the new server (125 ms after "
	  "it); none to the old one" },
	{ "o o o | o o n",
	  "2 more lookups to the old server, then only the new one (first "
	  "625 ms after the switch)" },
	{ "o o o | o n",
	  "1 more lookup to the old server, then only the new one (first "
	  "375 ms after the switch)" },
	{ "o o | o o+ o",
	  "2 lookups after the switch, all to the old server; 3 query "
	  "messages (a resend or a lookup's other record type is not a "
	  "lookup)" },
	{ "o o& | o o& o o&",
	  "2 lookups after the switch, all to the old server; 4 query "
	  "messages (a resend or a lookup's other record type is not a "
	  "lookup)" },
	{ "o o% | o o% n n%",
	  "1 more lookup to the old server, then only the new one (first "
	  "375 ms after the switch); 4 query messages (a resend or a lookup's "
	  "other record type is not a lookup)" },
	{ "o o | o+",
	  "no lookup on the wire after the switch; 1 query message (a resend "
	  "or a lookup's other record type is not a lookup)" },
	{ "o o | o", "1 lookup after the switch, all to the old server" },
	{ "o o= | o= o= noresp",
	  "2 lookups after the switch, all to the old server; the capture "
	  "holds no responses from the old server: resends cannot be told "
	  "from new lookups, each query counts (an A+AAAA pair once)" },
	{ "o o | o n n= noresp=n",
	  "1 more lookup to the old server, then only the new one (first "
	  "375 ms after the switch); the capture holds no responses from the "
	  "new server: resends cannot be told from new lookups, each query "
	  "counts (an A+AAAA pair once)" },
	{ "o o | o o& n n& noresp",
	  "1 more lookup to the old server, then only the new one (first "
	  "375 ms after the switch); 4 query messages (a resend or a lookup's "
	  "other record type is not a lookup); the capture holds no responses "
	  "from the old or new server: resends cannot be told from new "
	  "lookups, each query counts (an A+AAAA pair once)" },
	/* No query after the switch to the unanswered server: no note. */
	{ "o o | n noresp=o",
	  "first lookup after the switch went to the new server (125 ms after "
	  "it); none to the old one" },
	{ "o o | n o o",
	  "after the switch 2 lookups to the old and 1 to the new server, "
	  "old after new" },
	{ "o o |", "no lookup on the wire after the switch" },
	{ "o o | exit", "no lookup after the switch; the process ended" },
	{ "o o | n drop=1", "the capture dropped 1 packet" },
	{ "drop=7", "the capture dropped 7 packets" },
	{ "o o o", "resolv.conf was never switched" },
	{ "", "no query reached the old server, so resolv.conf was never "
	      "switched" },
	{ "o o o exit", "the process ended before the switch" },
	{ "n | n", "no query reached the old server before the switch" },
	{ "o o | n n exit",
	  "the process ended 500 ms after the switch, before the window "
	  "closed (wire alone would say FOLLOWED)" },
	{ "o o | o exit",
	  "the process ended 250 ms after the switch, before the window "
	  "closed (wire alone would say STALE)" },
};

START_TEST(test_reason)
{
	struct vd_result r;
	decide(reason_rows[_i].events, &r);
	ck_assert_str_eq(r.reason, reason_rows[_i].reason);
}
END_TEST

/* Where the application view disagrees with the wire, say so. */
static const struct {
	const char *events, *note;
} note_rows[] = {
	{ "o O o O | n N n N", "" },
	{ "o O o O | o O", "" },
	{ "o O o O | N",
	  "the process got new answers with no query to the new server on "
	  "the wire: answered by a cache" },
	{ "o O o O | o N",
	  "the process got new answers with no query to the new server on "
	  "the wire: answered by a cache" },
	{ "o O o O | O O",
	  "the process got old answers after the switch with no query to "
	  "the old server: answered from a cache" },
	{ "o O o O | n O N",
	  "the process got old answers after the switch with no query to "
	  "the old server: answered from a cache" },
	/* Lines dated when read prove nothing: a block-buffered program
	 * flushes answers it got before the switch after it. */
	{ "o O_ o O_ | N_", "" },
	{ "o O_ o O_ | n O_ N_", "" },
	{ "o O_ o O_ | n N_ O", "the process got old answers after the switch "
	  "with no query to the old server: answered from a cache" },
};

/* Which dating the application view had, in words for report.md. */
static const struct {
	const char *events, *dating;
	unsigned unstamped;
} dating_rows[] = {
	{ "o o | n", "", 0 },
	{ "o O o O | n N", "the program stamps its lines", 0 },
	{ "o O_ o O_ | n N_", "dated when read; a buffered program may have "
	  "written them earlier, so no cache claim is made from them", 3 },
	{ "o O o O_ | n N", "some lines stamped by the program, the others "
	  "dated when read; only the stamped ones can support a cache claim", 1 },
};

START_TEST(test_app_dating)
{
	struct vd_result r;
	decide(dating_rows[_i].events, &r);
	ck_assert_str_eq(vd_app_dating(&r), dating_rows[_i].dating);
	ck_assert_uint_eq(r.answers_unstamped, dating_rows[_i].unstamped);
}
END_TEST

START_TEST(test_app_note)
{
	struct vd_result r;
	decide(note_rows[_i].events, &r);
	ck_assert_msg(strcmp(r.app_note, note_rows[_i].note) == 0,
	              "events '%s'\n  want: '%s'\n  got:  '%s'",
	              note_rows[_i].events, note_rows[_i].note, r.app_note);
}
END_TEST

START_TEST(test_first_new_ms_exact)
{
	struct vd_query q[] = {
		{ .t = 10.0, .to = VD_OLD, .id = 1 },
		{ .t = 10.5, .to = VD_OLD, .id = 2 },
		{ .t = 11.0, .to = VD_OLD, .id = 3 },
		{ .t = 11.25, .to = VD_NEW, .id = 4 },
		{ .t = 11.5, .to = VD_NEW, .id = 5 },
	};
	struct vd_input in = { .q = q, .nq = 5, .switched = true,
	                       .t_switch = 10.75, .t_end = 20.0 };
	struct vd_result r;
	vd_mark_lookups(q, 5);
	verdict_decide(&in, &r);
	ck_assert_int_eq(r.v, V_LATE);
	ck_assert_uint_eq(r.late_by, 1);
	ck_assert_double_eq(r.first_new_ms, 500.0);
}
END_TEST

/* The result is reset first: nothing of an earlier result survives. */
START_TEST(test_result_reset)
{
	struct vd_result r;
	memset(&r, 0x5a, sizeof r);
	decide("o o o | n", &r);
	ck_assert_int_eq(r.v, V_FOLLOWED);
	ck_assert_uint_eq(r.late_by, 0);
	ck_assert_uint_eq(r.queries_other_after, 0);
	ck_assert_uint_eq(r.answers_new_before, 0);
	ck_assert_str_eq(r.app_note, "");
}
END_TEST

/* ---- vd_mark_lookups ---- */

static void fill_distinct(struct vd_query *q, size_t n, double t0)
{
	for (size_t i = 0; i < n; i++)
		q[i] = (struct vd_query){ .t = t0 + (double)i * 0.01, .to = VD_OLD,
		                          .id = (uint16_t)(1000 + i), .qtype = 1,
		                          .qname_hash = vd_hash_name("hat.com") };
}

/* The server answered another query: the capture holds its responses, so
 * a resend can be told (without any, none is; see noresp_rows). */
static void answer(struct vd_query *q)
{
	q->t_answered = q->t + 0.001;
}

START_TEST(test_retrans_same_key)
{
	struct vd_query q[4];
	fill_distinct(q, 4, 1.0);
	q[2].id = q[0].id;
	answer(&q[3]);
	q[1].retrans = true;      /* stale flags are cleared */
	vd_mark_lookups(q, 4);
	ck_assert(!q[0].retrans);
	ck_assert(!q[1].retrans);
	ck_assert(q[2].retrans);
}
END_TEST

/* Any one difference makes it a new lookup, and so does an answer to
 * the first before the second was sent. */
START_TEST(test_retrans_differs)
{
	static const char *const what[] = {
		"id", "qtype", "name", "server", "socket", "answer before it",
	};
	struct vd_query q[4];
	fill_distinct(q, 4, 1.0);
	q[1].id = q[0].id;
	answer(&q[2]);
	q[3].to = VD_NEW;         /* both servers answer */
	answer(&q[3]);
	switch (_i) {
	case 0: q[1].id++; break;
	case 1: q[1].qtype = 28; break;
	case 2: q[1].qname_hash = vd_hash_name("hat.org"); break;
	case 3: q[1].to = VD_NEW; break;
	case 4: q[1].client = 9; break;
	case 5: q[0].t_answered = q[1].t - 0.001; break;
	}
	vd_mark_lookups(q, 4);
	ck_assert_msg(!q[1].retrans, "a different %s was taken for a resend",
	              what[_i]);
}
END_TEST

/* An answer that comes after the resend does not make the resend new. */
START_TEST(test_retrans_answer_after)
{
	struct vd_query q[2];
	fill_distinct(q, 2, 1.0);
	q[1].id = q[0].id;
	q[0].t_answered = q[1].t + 0.001;
	vd_mark_lookups(q, 2);
	ck_assert(q[1].retrans);
}
END_TEST

/* vd_note_response: the latest query of the same question from the same
 * endpoint, its first response; nothing else. */
START_TEST(test_note_response)
{
	struct vd_query q[4], r;
	fill_distinct(q, 4, 1.0);
	q[1].id = q[3].id = q[0].id;      /* q[0], q[1], q[3]: one question */
	r = q[0];
	r.t = 2.0;
	vd_note_response(q, 4, &r);
	ck_assert(q[3].t_answered == 2.0);
	ck_assert(q[0].t_answered == 0 && q[1].t_answered == 0);
	r.t = 2.5;                        /* a second response: the first counts */
	vd_note_response(q, 4, &r);
	ck_assert(q[3].t_answered == 2.0 && q[1].t_answered == 0);
	struct vd_query other = r;
	other.client = 5;                 /* to another socket: none of them */
	vd_note_response(q, 4, &other);
	other = r;
	other.qtype = 28;
	vd_note_response(q, 4, &other);
	ck_assert(q[0].t_answered == 0);
	vd_note_response(q, 0, &r);       /* no queries: nothing to do */
}
END_TEST

/* A process that looks up every 10 ms: each round is a lookup, with its
 * A and AAAA together, whether the answers come before the next round
 * (rtt 1 ms) or after it (rtt 25 ms). */
START_TEST(test_fast_pace)
{
	static const double rtt[] = { 0.001, 0.025 };
	enum { ROUNDS = 40 };
	struct vd_query q[2 * ROUNDS], resp[2 * ROUNDS];
	size_t n = 0, k = 0;
	for (size_t i = 0; i < 2 * ROUNDS; i++) {
		double t = 100.0 + (double)(i / 2) * 0.010 + (double)(i % 2) * 0.0001;
		resp[i] = (struct vd_query){
			.t = t + rtt[_i], .to = i / 2 < ROUNDS / 2 ? VD_OLD : VD_NEW,
			.id = (uint16_t)(7 + i), .qtype = i % 2 ? 28 : 1,
			.qname_hash = vd_hash_name("hat.com"), .client = 1,
			.client_addr = 1 };
	}
	for (size_t i = 0; i < 2 * ROUNDS; i++) {
		double t = resp[i].t - rtt[_i];
		while (k < 2 * ROUNDS && resp[k].t <= t)
			vd_note_response(q, n, &resp[k++]);
		q[n] = resp[i];
		q[n++].t = t;
	}
	while (k < 2 * ROUNDS)
		vd_note_response(q, n, &resp[k++]);
	struct vd_input in = { .switched = true, .t_switch = 100.0 - 0.005 +
	                       (ROUNDS / 2 - 4) * 0.010, .t_end = 200.0 };
	struct vd_result r;
	ck_assert_int_eq(verdict_from_queries(q, n, true, &in, &r), 0);
	ck_assert_msg(r.v == V_LATE && r.late_by == 4 && r.queries_old_after == 8 &&
	              r.lookups_new_after == ROUNDS / 2,
	              "rtt %g: %s late_by=%u old_after=%u lookups_new=%u",
	              rtt[_i], verdict_name(r.v), r.late_by, r.queries_old_after,
	              r.lookups_new_after);
}
END_TEST

/* ---- from messages, as a case and decode hand them in ---- */

/* One DNS message for events_note_message(): "q" a query from the
 * client, "r" a response to it, "t" one with TC set; UDP from port 40000
 * (+ sock), TCP when tcp; client 192.0.2.2 (192.0.2.3 when other). */
struct msg {
	double   t;
	char     kind;
	enum vd_server server;
	bool     tcp, other;
	unsigned sock;
	uint16_t id, qtype;
};

static struct wn_event msg_event(const struct msg *m)
{
	static const char *const srv[] = { "198.51.100.10", "198.51.100.20",
	                                   "203.0.113.9" };
	const char *cl = m->other ? "192.0.2.3" : "192.0.2.2";
	unsigned port = 40000 + m->sock;
	struct wn_event e = m->kind == 'q'
		? mkevent(false, cl, port, srv[m->server], 53)
		: mkevent(true, srv[m->server], 53, cl, port);
	e.t = m->t;
	e.tc = m->kind == 't';
	e.proto = m->tcp ? 6 : 17;
	e.id = m->id;
	e.qtype = m->qtype;
	e.server = m->server;
	return e;
}

/* Messages in capture order to a verdict, the switch at t = 10. */
static void decide_messages(const struct msg *m, size_t n, struct vd_result *r)
{
	struct vd_query q[80];
	size_t nq = 0;
	ck_assert_uint_le(n, 80);
	for (size_t i = 0; i < n; i++) {
		struct wn_event e = msg_event(&m[i]);
		events_note_message(&e, q, &nq);
	}
	struct vd_input in = { .switched = true, .t_switch = 10.0, .t_end = 30.0 };
	ck_assert_int_eq(verdict_from_queries(q, nq, true, &in, r), 0);
}

/* A switch that took 15 ms (begun at 10.0, the new file in place at
 * 10.015): a round that woke meanwhile asked the old server twice and,
 * once the file was there, the new one (CI saw it: LATE 2).  Those two
 * are not late; a query to the new server in the switch is after it, and
 * an old one after its end is late as ever. */
START_TEST(test_switch_end)
{
	static const struct {
		const char *name;
		double end;
		struct msg m[6];
		enum verdict v;
		unsigned late_by, old_before, old_after;
		double first_new_ms, old_from;
	} rows[] = {
		{ "held-up", 10.015, {
		  { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
		  { 10.010, 'q', VD_OLD, false, false, 1, 2, 1 },
		  { 10.012, 'q', VD_OLD, false, false, 2, 3, 15 },
		  { 10.016, 'q', VD_NEW, false, false, 3, 4, 2 },
		  { 10.031, 'q', VD_NEW, false, false, 4, 5, 1 } },
		  V_FOLLOWED, 0, 3, 0, 16, 10.015 },
		{ "ended-at-begin", 0, {
		  { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
		  { 10.010, 'q', VD_OLD, false, false, 1, 2, 1 },
		  { 10.012, 'q', VD_OLD, false, false, 2, 3, 15 },
		  { 10.016, 'q', VD_NEW, false, false, 3, 4, 2 },
		  { 10.031, 'q', VD_NEW, false, false, 4, 5, 1 } },
		  V_LATE, 2, 1, 2, 16, 10.0 },
		{ "new-inside", 10.015, {
		  { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
		  { 10.001, 'q', VD_NEW, false, false, 1, 2, 1 },
		  { 10.020, 'q', VD_OLD, false, false, 2, 3, 1 },
		  { 10.031, 'q', VD_NEW, false, false, 3, 4, 1 } },
		  V_MIXED, 0, 1, 1, 1, 10.001 },
		{ "old-after-new-inside", 10.015, {
		  { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
		  { 10.001, 'q', VD_NEW, false, false, 1, 2, 1 },
		  { 10.010, 'q', VD_OLD, false, false, 2, 3, 1 },
		  { 10.031, 'q', VD_NEW, false, false, 3, 4, 1 } },
		  V_MIXED, 0, 1, 1, 1, 10.001 },
		{ "old-after-end", 10.015, {
		  { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
		  { 10.015, 'q', VD_OLD, false, false, 1, 2, 1 },
		  { 10.031, 'q', VD_NEW, false, false, 2, 3, 1 } },
		  V_LATE, 1, 1, 1, 31, 10.015 },
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		struct vd_query q[8];
		size_t nq = 0;
		for (size_t i = 0; i < 6 && rows[k].m[i].t > 0; i++) {
			struct wn_event e = msg_event(&rows[k].m[i]);
			events_note_message(&e, q, &nq);
		}
		struct vd_input in = { .switched = true, .t_switch = 10.0,
		                       .t_switch_end = rows[k].end, .t_end = 30.0 };
		struct vd_result r;
		ck_assert_int_eq(verdict_from_queries(q, nq, true, &in, &r), 0);
		ck_assert_msg(r.v == rows[k].v && r.late_by == rows[k].late_by &&
		              r.queries_old_before == rows[k].old_before &&
		              r.queries_old_after == rows[k].old_after &&
		              fabs(r.first_new_ms - rows[k].first_new_ms) < 0.01 &&
		              fabs(r.old_from - rows[k].old_from) < 1e-9,
		              "%s: %s late_by %u, old %u before %u after, first "
		              "new %.3f ms, old from %.6f", rows[k].name,
		              verdict_name(r.v), r.late_by, r.queries_old_before,
		              r.queries_old_after, r.first_new_ms, r.old_from);
		/* The reason says what the numbers leave out. */
		bool said = strstr(r.reason, "while the file was being "
		                   "replaced") != NULL;
		ck_assert_msg(said == (k == 0), "%s: %s", rows[k].name, r.reason);
	}
	/* The application view by the same rule: the old server's answer
	 * in the switch is before it. */
	struct vd_answer a[] = { { 10.012, VD_OLD, true }, { 10.017, VD_NEW, true } };
	struct msg m[] = { { 9.0, 'q', VD_OLD, false, false, 0, 1, 1 },
	                   { 10.016, 'q', VD_NEW, false, false, 1, 2, 1 } };
	struct vd_query q[2];
	size_t nq = 0;
	for (size_t i = 0; i < 2; i++) {
		struct wn_event e = msg_event(&m[i]);
		events_note_message(&e, q, &nq);
	}
	struct vd_input in = { .a = a, .na = 2, .switched = true, .t_switch = 10.0,
	                       .t_switch_end = 10.015, .t_end = 30.0 };
	struct vd_result r;
	ck_assert_int_eq(verdict_from_queries(q, nq, true, &in, &r), 0);
	ck_assert_uint_eq(r.answers_old_before, 1);
	ck_assert_uint_eq(r.answers_old_after, 0);
	ck_assert_uint_eq(r.answers_new_after, 1);
}
END_TEST

/* Before the switch, one answered lookup to the old server. */
#define OLD_BEFORE { 1.0, 'q', VD_OLD, false, false, 9, 1, 1 }, \
                   { 1.001, 'r', VD_OLD, false, false, 9, 1, 1 }

/* A truncated answer over UDP, then the same query over TCP: one lookup,
 * whether the TC came to that query (musl, Go) or to the A of an A+AAAA
 * pair, glibc then asking both again over TCP; an AAAA asked over TCP
 * only after the A's TCP answer (glibc's single-request) joins too. */
static const struct {
	const char *name;
	struct msg m[10];
	unsigned lookups_old, queries_old;
} tc_rows[] = {
	{ "tc-then-tcp", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.001, 't', VD_OLD, false, false, 0, 7, 1 },
	  { 11.002, 'q', VD_OLD, true, false, 1, 7, 1 },
	  { 11.004, 'r', VD_OLD, true, false, 1, 7, 1 } }, 1, 2 },
	{ "pair-tc-then-tcp", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.0001, 'q', VD_OLD, false, false, 0, 8, 28 },
	  { 11.001, 't', VD_OLD, false, false, 0, 7, 1 },
	  { 11.0011, 'r', VD_OLD, false, false, 0, 8, 28 },
	  { 11.002, 'q', VD_OLD, true, false, 1, 7, 1 },
	  { 11.0021, 'q', VD_OLD, true, false, 1, 8, 28 },
	  { 11.004, 'r', VD_OLD, true, false, 1, 7, 1 },
	  { 11.005, 'r', VD_OLD, true, false, 1, 8, 28 } }, 1, 4 },
	{ "single-request-tc", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.001, 't', VD_OLD, false, false, 0, 7, 1 },
	  { 11.002, 'q', VD_OLD, true, false, 1, 7, 1 },
	  { 11.004, 'r', VD_OLD, true, false, 1, 7, 1 },
	  { 11.0042, 'q', VD_OLD, true, false, 1, 8, 28 },
	  { 11.006, 'r', VD_OLD, true, false, 1, 8, 28 } }, 1, 3 },
	/* No TC: a query over TCP after a whole answer is a lookup of its
	 * own, even with the same id (use-vc, a fixed-id client)... */
	{ "tcp-after-whole-answer", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.001, 'r', VD_OLD, false, false, 0, 7, 1 },
	  { 11.002, 'q', VD_OLD, true, false, 1, 7, 1 },
	  { 11.004, 'r', VD_OLD, true, false, 1, 7, 1 } }, 2, 2 },
	/* ... and so is one from another client address... */
	{ "tcp-other-client", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.001, 't', VD_OLD, false, false, 0, 7, 1 },
	  { 11.002, 'q', VD_OLD, true, true, 1, 7, 1 },
	  { 11.004, 'r', VD_OLD, true, true, 1, 7, 1 } }, 2, 2 },
	/* ... or with another id. */
	{ "tcp-other-id", { OLD_BEFORE,
	  { 11.0, 'q', VD_OLD, false, false, 0, 7, 1 },
	  { 11.001, 't', VD_OLD, false, false, 0, 7, 1 },
	  { 11.002, 'q', VD_OLD, true, false, 1, 17, 1 },
	  { 11.004, 'r', VD_OLD, true, false, 1, 17, 1 } }, 2, 2 },
};

START_TEST(test_tcp_after_tc)
{
	struct vd_result r;
	size_t n = 0;
	while (n < 10 && tc_rows[_i].m[n].kind)
		n++;
	decide_messages(tc_rows[_i].m, n, &r);
	ck_assert_msg(r.v == V_STALE && r.lookups_old_after ==
	              tc_rows[_i].lookups_old &&
	              r.queries_old_after == tc_rows[_i].queries_old,
	              "%s: %s, %u lookups, %u queries after the switch; want "
	              "STALE, %u, %u", tc_rows[_i].name, verdict_name(r.v),
	              r.lookups_old_after, r.queries_old_after,
	              tc_rows[_i].lookups_old, tc_rows[_i].queries_old);
}
END_TEST

/* glibc's single-request-reopen, as measured: A from one port answered
 * in 0.22 ms, AAAA from a new port 0.19 ms after the answer; 16
 * getaddrinfo() calls every 0.3 s are 16 lookups, not 32.  The same
 * through a capture of queries only ('dst port 53'). */
START_TEST(test_reopen_pairs)
{
	struct msg m[70];
	size_t n = 0;
	bool responses = _i == 0;
	for (unsigned k = 0; k < 17; k++) {
		double t = (k ? 10.0 : 9.0) + 0.3 * k;
		uint16_t id = (uint16_t)(100 + 2 * k);
		m[n++] = (struct msg){ t, 'q', VD_OLD, false, false, 2 * k, id, 1 };
		if (responses)
			m[n++] = (struct msg){ t + 0.00022, 'r', VD_OLD, false,
			                       false, 2 * k, id, 1 };
		m[n++] = (struct msg){ t + 0.00041, 'q', VD_OLD, false, false,
		                       2 * k + 1, (uint16_t)(id + 1), 28 };
		if (responses)
			m[n++] = (struct msg){ t + 0.0006, 'r', VD_OLD, false, false,
			                       2 * k + 1, (uint16_t)(id + 1), 28 };
	}
	struct vd_result r;
	decide_messages(m, n, &r);
	ck_assert_int_eq(r.v, V_STALE);
	ck_assert_uint_eq(r.queries_old_after, 32);
	ck_assert_uint_eq(r.lookups_old_after, 16);
	ck_assert(r.no_responses_old == !responses);
	ck_assert(!r.no_responses_new);
	ck_assert((strstr(r.reason, "no responses from the old server") != NULL)
	          == !responses);
}
END_TEST

START_TEST(test_retrans_empty)
{
	struct vd_query q[1] = { { .t = 1.0, .retrans = true } };
	vd_mark_lookups(q, 0);
	ck_assert(q[0].retrans);  /* nq = 0: nothing touched */
	vd_mark_lookups(q, 1);
	ck_assert(!q[0].retrans);
}
END_TEST

/* The original 64 queries back is found; 65 back is out of reach. */
START_TEST(test_retrans_lookback_count)
{
	struct vd_query q[70];
	fill_distinct(q, 70, 1.0);
	q[64].id = q[0].id;       /* 64 queries after the original */
	answer(&q[1]);
	vd_mark_lookups(q, 65);
	ck_assert_msg(q[64].retrans, "a resend 64 queries back was missed");

	fill_distinct(q, 70, 1.0);
	q[65].id = q[0].id;       /* 65 queries after the original */
	answer(&q[1]);
	vd_mark_lookups(q, 66);
	ck_assert_msg(!q[65].retrans, "lookback reached past 64 queries");
}
END_TEST

/* Within 10 s a repeat is a resend; later it is a new lookup. */
START_TEST(test_retrans_lookback_time)
{
	struct vd_query q[3];
	fill_distinct(q, 3, 100.0);
	q[1].id = q[0].id;
	q[1].t = 110.0;
	q[2].t = 111.0;
	answer(&q[2]);
	vd_mark_lookups(q, 3);
	ck_assert(q[1].retrans);
	q[1].t = 110.5;
	vd_mark_lookups(q, 3);
	ck_assert(!q[1].retrans);
}
END_TEST

/* ---- names ---- */

START_TEST(test_name_round_trip)
{
	static const char *const want[] = {
		"FOLLOWED", "LATE", "STALE", "MIXED", "SILENT", "INCONCLUSIVE",
	};
	for (int v = V_FOLLOWED; v < V_NONE; v++) {
		ck_assert_str_eq(verdict_name((enum verdict)v), want[v]);
		ck_assert_int_eq(verdict_parse(verdict_name((enum verdict)v)), v);
	}
	ck_assert_str_eq(verdict_name(V_NONE), "NONE");
	ck_assert_str_eq(verdict_name((enum verdict)99), "NONE");
	ck_assert_str_eq(verdict_name((enum verdict)-1), "NONE");
}
END_TEST

static const struct {
	const char *in;
	enum verdict want;
} parse_rows[] = {
	{ "followed", V_FOLLOWED }, { "Late", V_LATE }, { "sTALE", V_STALE },
	{ "inconclusive", V_INCONCLUSIVE }, { "NONE", V_NONE },
	{ "none", V_NONE }, { "", V_NONE }, { "FOLLOWE", V_NONE },
	{ "FOLLOWED ", V_NONE }, { "LATE2", V_NONE }, { "ok", V_NONE },
};

START_TEST(test_name_parse)
{
	ck_assert_msg(verdict_parse(parse_rows[_i].in) == parse_rows[_i].want,
	              "verdict_parse(\"%s\") = %s, want %s", parse_rows[_i].in,
	              verdict_name(verdict_parse(parse_rows[_i].in)),
	              verdict_name(parse_rows[_i].want));
}
END_TEST

START_TEST(test_hash_name)
{
	ck_assert_uint_eq(vd_hash_name("Hat.COM"), vd_hash_name("hat.com"));
	ck_assert_uint_ne(vd_hash_name("hat.com"), vd_hash_name("hat.co"));
	ck_assert_uint_ne(vd_hash_name("hat.com"), vd_hash_name("hat.com."));
	ck_assert_uint_eq(vd_hash_name(""), 2166136261u);  /* FNV-1a basis */
}
END_TEST

/* verdict_from_queries: the same verdict whatever order the capture
 * delivered the queries in, resends still recognised after sorting. */
START_TEST(test_from_queries_unsorted)
{
#define Q(time, server, qid) { .t = time, .to = server, .id = qid, .qtype = 1, \
                             .qname_hash = 7, .client = 1, .client_addr = 1 }
	struct vd_query in_order[6] = {
		Q(1.0, VD_OLD, 1), Q(1.1, VD_OLD, 2), Q(2.0, VD_OLD, 3),
		Q(2.05, VD_OLD, 3), Q(2.2, VD_NEW, 4), Q(2.3, VD_NEW, 5),
	};
#undef Q
	in_order[0].t_answered = 1.01;   /* the old server answers */
	struct vd_query shuffled[6] = {
		in_order[4], in_order[0], in_order[3], in_order[5], in_order[2], in_order[1],
	};
	struct vd_input a = { .switched = true, .t_switch = 1.5, .t_end = 3.0 };
	struct vd_input b = a;
	struct vd_result ra, rb;
	ck_assert_int_eq(verdict_from_queries(in_order, 6, true, &a, &ra), 0);
	ck_assert_int_eq(verdict_from_queries(shuffled, 6, false, &b, &rb), 0);
	ck_assert_int_eq(ra.v, V_LATE);
	ck_assert_uint_eq(ra.late_by, 1);       /* 2.05 is a resend of 2.0 */
	ck_assert_uint_eq(ra.queries_old_after, 2);
	ck_assert_int_eq(rb.v, ra.v);
	ck_assert_uint_eq(rb.late_by, ra.late_by);
	ck_assert_uint_eq(rb.queries_old_after, ra.queries_old_after);
	ck_assert_ptr_eq(b.q, shuffled);
	for (size_t i = 1; i < 6; i++)
		ck_assert(shuffled[i - 1].t <= shuffled[i].t);
}
END_TEST

Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_core, 0, NROWS(core_rows));
	tcase_add_loop_test(tc, test_reason, 0, NROWS(reason_rows));
	tcase_add_test(tc, test_first_new_ms_exact);
	tcase_add_test(tc, test_result_reset);
	tcase_add_test(tc, test_from_queries_unsorted);
	tcase_add_test(tc, test_started_after);
	suite_add_tcase(s, tc);

	tc = tcase_create("Inconclusive");
	tcase_add_loop_test(tc, test_inconclusive, 0, NROWS(inconclusive_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Retransmissions");
	tcase_add_loop_test(tc, test_retrans, 0, NROWS(retrans_rows));
	tcase_add_loop_test(tc, test_lookups, 0, NROWS(lookup_rows));
	tcase_add_loop_test(tc, test_noresp, 0, NROWS(noresp_rows));
	tcase_add_loop_test(tc, test_tcp_after_tc, 0, NROWS(tc_rows));
	tcase_add_loop_test(tc, test_reopen_pairs, 0, 2);
	tcase_add_test(tc, test_retrans_same_key);
	tcase_add_loop_test(tc, test_retrans_differs, 0, 6);
	tcase_add_test(tc, test_retrans_answer_after);
	tcase_add_test(tc, test_note_response);
	tcase_add_loop_test(tc, test_fast_pace, 0, 2);
	tcase_add_test(tc, test_retrans_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("Other");
	tcase_add_loop_test(tc, test_kept, 0,
	                    sizeof kept_rows / sizeof kept_rows[0]);
	tcase_add_loop_test(tc, test_other, 0, NROWS(other_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Application");
	tcase_add_loop_test(tc, test_app, 0, NROWS(app_rows));
	tcase_add_loop_test(tc, test_app_note, 0, NROWS(note_rows));
	tcase_add_loop_test(tc, test_app_dating, 0, NROWS(dating_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_loop_test(tc, test_boundary, 0, NROWS(boundary_rows));
	tcase_add_test(tc, test_retrans_lookback_count);
	tcase_add_test(tc, test_retrans_lookback_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("Names");
	tcase_add_test(tc, test_name_round_trip);
	tcase_add_loop_test(tc, test_name_parse, 0, NROWS(parse_rows));
	tcase_add_test(tc, test_hash_name);
	tcase_add_test(tc, test_switch_end);
	suite_add_tcase(s, tc);

	return s;
}
