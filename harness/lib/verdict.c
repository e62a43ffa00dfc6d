/*
 * verdict.c - the verdict rules of doc/design.md ("Verdicts"), applied
 * to observations.
 *
 * The verdict speaks of lookups, what a program asked (verdict.h): a
 * resend after a lost answer does not turn FOLLOWED into MIXED, and a
 * getaddrinfo's A+AAAA pair is one lookup, not two.  The queries_* counts
 * keep every message, so that anyone can recount them from capture.pcap.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "verdict.h"

static const char *const names[] = {
	[V_FOLLOWED] = "FOLLOWED", [V_LATE] = "LATE", [V_STALE] = "STALE",
	[V_MIXED] = "MIXED", [V_SILENT] = "SILENT",
	[V_INCONCLUSIVE] = "INCONCLUSIVE", [V_NONE] = "NONE",
};

int verdict_from_queries(struct vd_query *q, size_t nq, bool sorted,
                         struct vd_input *in, struct vd_result *out)
{
	if (!sorted && vd_sort_queries(q, nq) != 0)
		return -1;
	vd_mark_lookups(q, nq);
	in->q = q;
	in->nq = nq;
	verdict_decide(in, out);
	return 0;
}

const char *verdict_name(enum verdict v)
{
	return (unsigned)v <= V_NONE ? names[v] : "NONE";
}

enum verdict verdict_parse(const char *s)
{
	for (unsigned v = 0; v < V_NONE; v++)
		if (strcasecmp(s, names[v]) == 0)
			return (enum verdict)v;
	return V_NONE;
}

uint32_t vd_hash_name(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a, case-folded like DNS names */
	for (; *name; name++) {
		h ^= (uint8_t)tolower((unsigned char)*name);
		h *= 16777619u;
	}
	return h;
}

/* Resends come within a few seconds and a few queries of the original,
 * and so do the answers and the other queries of a lookup: looking back
 * a bounded distance keeps this linear on large captures. */
#define LOOKBACK         64
#define LOOKBACK_SECONDS 10.0
/* Queries of other types in flight together are one lookup only when
 * they leave within this long of the lookup's first query. */
#define LOOKUP_SECONDS   1.0
/* An A and an AAAA for one name are one lookup (what one getaddrinfo()
 * sends) when the second leaves within this long of the first's sending
 * or of its answer: a C library sends the second at once (Go and glibc
 * within a millisecond, glibc's single-request options 0.2 ms after the
 * first's answer), while a program's own next lookup comes after its
 * code has run (doc/design.md, "Lookups"). */
#define PAIR_SECONDS     0.1

static bool same_question(const struct vd_query *a, const struct vd_query *b)
{
	return a->to == b->to && a->id == b->id && a->qtype == b->qtype &&
	       a->qname_hash == b->qname_hash && a->client == b->client;
}

void vd_note_response(struct vd_query *q, size_t nq, const struct vd_query *r)
{
	size_t lo = nq > LOOKBACK ? nq - LOOKBACK : 0;
	for (size_t j = nq; j-- > lo;) {
		if (r->t - q[j].t > LOOKBACK_SECONDS)
			return;
		if (same_question(&q[j], r)) {
			if (q[j].t_answered == 0) {
				q[j].t_answered = r->t;
				q[j].tc = r->tc;
			}
			return;   /* the latest one: an answered one takes no more */
		}
	}
}

/* Was query p still waiting for its answer when q was sent? */
static bool unanswered_at(const struct vd_query *p, const struct vd_query *q)
{
	return p->t_answered == 0 || p->t_answered > q->t;
}

/* A retransmission: the latest query with the same question from the same
 * endpoint had no answer yet.  After an answered one, a new lookup, even
 * with the same ID (a client that never changes it). */
static bool is_retrans(const struct vd_query *q, size_t i)
{
	size_t lo = i > LOOKBACK ? i - LOOKBACK : 0;
	for (size_t j = i; j-- > lo;) {
		if (q[i].t - q[j].t > LOOKBACK_SECONDS)
			return false;
		if (same_question(&q[j], &q[i]))
			return unanswered_at(&q[j], &q[i]);
	}
	return false;
}

/* Same server, client address and name: a query that may belong to the
 * same lookup as p. */
static bool same_asker(const struct vd_query *p, const struct vd_query *q)
{
	return p->to == q->to && p->client_addr == q->client_addr &&
	       p->qname_hash == q->qname_hash;
}

/* A UDP answer with TC came, before q[i] was sent, to a UDP query of the
 * same asker sent within LOOKUP_SECONDS of q[j]: q[j] itself, or the
 * other query of its pair (glibc then asks both again over TCP). */
static bool truncated_near(const struct vd_query *q, size_t j, size_t i)
{
	size_t lo = i > LOOKBACK ? i - LOOKBACK : 0;
	for (size_t k = lo; k < i; k++)
		if (!q[k].tcp && q[k].tc && same_asker(&q[k], &q[i]) &&
		    q[k].t_answered <= q[i].t &&
		    q[k].t - q[j].t <= LOOKUP_SECONDS &&
		    q[j].t - q[k].t <= LOOKUP_SECONDS)
			return true;
	return false;
}

/* The same query over TCP after a truncated UDP answer: it continues the
 * latest UDP query with the same server, client address, ID, name and
 * type (the port differs: a TCP connection is a socket of its own). */
static bool continues_over_tcp(const struct vd_query *q, size_t i)
{
	if (!q[i].tcp)
		return false;
	size_t lo = i > LOOKBACK ? i - LOOKBACK : 0;
	for (size_t j = i; j-- > lo;) {
		if (q[i].t - q[j].t > LOOKBACK_SECONDS)
			return false;
		if (!q[j].tcp && same_asker(&q[j], &q[i]) &&
		    q[j].id == q[i].id && q[j].qtype == q[i].qtype)
			return truncated_near(q, j, i);
	}
	return false;
}

static bool addr_type(uint16_t qtype)
{
	return qtype == 1 || qtype == 28;   /* A, AAAA */
}

/* q is the other half of p's A+AAAA pair: it left within PAIR_SECONDS of
 * p's sending or of p's answer. */
static bool pairs_with(const struct vd_query *p, const struct vd_query *q)
{
	if (!addr_type(p->qtype) || !addr_type(q->qtype) || p->qtype == q->qtype)
		return false;
	if (q->t - p->t <= PAIR_SECONDS)
		return true;
	return p->t_answered > 0 && p->t_answered <= q->t &&
	       q->t - p->t_answered <= PAIR_SECONDS;
}

/* Part of an earlier lookup: a query of a type the latest lookup for the
 * same name, to the same server, from the same client address does not
 * have yet, that is the A or AAAA paired with one of its queries
 * (pairs_with: any socket), or was sent while one of its queries was in
 * flight, within LOOKUP_SECONDS of its first.  answers: the capture
 * holds answers from this server; without them, "in flight" cannot be
 * told and only the pair counts. */
static bool joins_lookup(const struct vd_query *q, size_t i, bool answers)
{
	size_t lo = i > LOOKBACK ? i - LOOKBACK : 0, head = i;
	for (size_t j = i; j-- > lo;) {
		if (q[i].t - q[j].t > LOOKBACK_SECONDS)
			break;
		if (same_asker(&q[j], &q[i]) && !q[j].retrans && !q[j].joined) {
			head = j;   /* the latest lookup's first query */
			break;
		}
	}
	if (head == i)
		return false;
	bool in_flight = answers && q[i].t - q[head].t <= LOOKUP_SECONDS;
	bool together = false;
	for (size_t k = head; k < i; k++) {
		if (!same_asker(&q[k], &q[i]))
			continue;
		if (q[k].qtype == q[i].qtype)
			return false;   /* that lookup has this type: a new one */
		together |= pairs_with(&q[k], &q[i]) ||
		            (in_flight && unanswered_at(&q[k], &q[i]));
	}
	return together;
}

/* Which servers answered at least one query in the capture. */
static void servers_answering(const struct vd_query *q, size_t nq,
                              bool answers[VD_KEPT + 1])
{
	for (int s = VD_OLD; s <= VD_KEPT; s++)
		answers[s] = false;
	for (size_t i = 0; i < nq; i++)
		if (q[i].t_answered > 0 && (unsigned)q[i].to <= VD_KEPT)
			answers[q[i].to] = true;
}

void vd_mark_lookups(struct vd_query *q, size_t nq)
{
	bool answers[VD_KEPT + 1];
	servers_answering(q, nq, answers);
	for (size_t i = 0; i < nq; i++) {
		bool seen = (unsigned)q[i].to <= VD_KEPT && answers[q[i].to];
		/* Without answers from its server, a repeat cannot be told
		 * from a new lookup: it counts. */
		q[i].retrans = seen && (is_retrans(q, i) || continues_over_tcp(q, i));
		q[i].joined = !q[i].retrans && joins_lookup(q, i, seen);
	}
}

/* Captures from several interfaces can be out of time order; the verdict
 * reads queries in time order.  Stable, so equal times keep capture order. */
int vd_sort_queries(struct vd_query *q, size_t n)
{
	struct vd_query *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -1;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n - w; lo += 2 * w) {
			size_t mid = lo + w, hi = mid + w < n ? mid + w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = q[j].t < q[i].t ? q[j++] : q[i++];
			while (i < mid)
				tmp[k++] = q[i++];
			while (j < hi)
				tmp[k++] = q[j++];
			memcpy(q + lo, tmp + lo, (hi - lo) * sizeof *q);
		}
	}
	free(tmp);
	return 0;
}

/* From when a query to the old server counts as after a switch begun at
 * t_switch: its end (t_switch_end, when later), or the first of q[0..nq)
 * to a new server from t_switch on, if that came first: that one read the
 * new file, so the file was in place. */
static double old_counts_from(double t_switch, double t_switch_end,
                              const struct vd_query *q, size_t nq)
{
	double from = t_switch_end > t_switch ? t_switch_end : t_switch;
	for (size_t i = 0; i < nq; i++)
		if (q[i].to == VD_NEW && q[i].t >= t_switch && q[i].t < from)
			from = q[i].t;
	return from;
}

bool vd_after_switch(bool switched, double t_switch, double old_from,
                     enum vd_server to, double t)
{
	if (!switched)
		return false;
	return t >= (to == VD_OLD && old_from > t_switch ? old_from : t_switch);
}

static bool is_after(const struct vd_input *in, enum vd_server to, double t)
{
	return vd_after_switch(in->switched, in->t_switch, in->t_switch_end,
	                       to, t);
}

static void count_queries(const struct vd_input *in, struct vd_result *r)
{
	for (size_t i = 0; i < in->nq; i++) {
		const struct vd_query *q = &in->q[i];
		bool after = is_after(in, q->to, q->t);
		unsigned *c = after
			? (q->to == VD_OLD ? &r->queries_old_after :
			   q->to == VD_NEW ? &r->queries_new_after :
			   q->to == VD_KEPT ? &r->queries_kept_after : &r->queries_other_after)
			: (q->to == VD_OLD ? &r->queries_old_before :
			   q->to == VD_NEW ? &r->queries_new_before :
			   q->to == VD_KEPT ? &r->queries_kept_before : &r->queries_other_before);
		(*c)++;
		if (after && !q->retrans && !q->joined) {
			if (q->to == VD_OLD)
				r->lookups_old_after++;
			else if (q->to == VD_NEW)
				r->lookups_new_after++;
			else if (q->to == VD_KEPT)
				r->lookups_kept_after++;
		}
		if (after && q->to == VD_NEW && r->first_new_ms < 0)
			r->first_new_ms = (q->t - in->t_switch) * 1000.0;
		if (!after && q->to == VD_OLD && in->switched &&
		    q->t >= in->t_switch && !q->retrans && !q->joined)
			r->lookups_old_in_switch++;
	}
}

/* Answers after the switch that the program dated itself: only those can
 * show a cache answered (a buffered program flushes earlier lines late). */
struct stamped_after {
	unsigned old_after, new_after;
};

static void count_answers(const struct vd_input *in, struct vd_result *r,
                          struct stamped_after *st)
{
	for (size_t i = 0; i < in->na; i++) {
		const struct vd_answer *a = &in->a[i];
		bool after = is_after(in, a->from, a->t);
		if (a->from != VD_OLD && a->from != VD_NEW)
			continue;
		if (a->from == VD_OLD)
			(*(after ? &r->answers_old_after : &r->answers_old_before))++;
		else
			(*(after ? &r->answers_new_after : &r->answers_new_before))++;
		if (!a->stamped)
			r->answers_unstamped++;
		else if (after && a->from == VD_OLD)
			st->old_after++;
		else if (after)
			st->new_after++;
	}
}

/* The wire after the switch: FOLLOWED, LATE, STALE, MIXED or SILENT. */
static enum verdict decide_wire(const struct vd_input *in, struct vd_result *r)
{
	bool seen_new = false, old_after_new = false;
	unsigned old_first = 0;

	for (size_t i = 0; i < in->nq; i++) {
		const struct vd_query *q = &in->q[i];
		if (!is_after(in, q->to, q->t) || q->retrans || q->joined ||
		    q->to == VD_OTHER || q->to == VD_KEPT)
			continue;
		if (q->to == VD_NEW)
			seen_new = true;
		else if (seen_new)
			old_after_new = true;
		else
			old_first++;
	}
	if (!seen_new && old_first == 0)
		return V_SILENT;
	if (!seen_new)
		return V_STALE;
	if (old_after_new)
		return V_MIXED;
	r->late_by = old_first;
	return old_first ? V_LATE : V_FOLLOWED;
}

/* The reason counts lookups; when the query messages after the switch
 * are more, it says how many and why, so that the numbers beside it
 * (queries_*_after, recountable from the capture) do not contradict it. */
static void describe_messages(struct vd_result *r)
{
	unsigned msgs = r->queries_old_after + r->queries_new_after;
	unsigned lookups = r->lookups_old_after + r->lookups_new_after;
	size_t n = strlen(r->reason);
	if (msgs > lookups && n < sizeof r->reason)
		snprintf(r->reason + n, sizeof r->reason - n, "; %u query "
		         "message%s (a resend or a lookup's other record type is not "
		         "a lookup)", msgs, msgs == 1 ? "" : "s");
}

/* A server with queries in the capture and no answer to any of them (a
 * capture of queries only): no query to it was taken for a resend. */
static void note_no_responses(const struct vd_input *in, struct vd_result *r)
{
	bool asked[2] = { false, false }, answered[2] = { false, false };
	for (size_t i = 0; i < in->nq; i++) {
		const struct vd_query *q = &in->q[i];
		if (q->to != VD_OLD && q->to != VD_NEW)
			continue;
		asked[q->to] = true;
		answered[q->to] |= q->t_answered > 0;
	}
	r->no_responses_old = asked[VD_OLD] && !answered[VD_OLD];
	r->no_responses_new = asked[VD_NEW] && !answered[VD_NEW];
}

/* After the reason, when lookups after the switch were counted without
 * answers to tell resends from new lookups. */
static void describe_no_responses(struct vd_result *r)
{
	bool old = r->no_responses_old && r->queries_old_after,
	     new = r->no_responses_new && r->queries_new_after;
	size_t n = strlen(r->reason);
	if ((old || new) && n < sizeof r->reason)
		snprintf(r->reason + n, sizeof r->reason - n, "; the capture holds "
		         "no responses from the %s server: resends cannot be told "
		         "from new lookups, each query counts (an A+AAAA pair once)",
		         !new ? "old" : !old ? "new" : "old or new");
}

/* Lookups to the old server while the file was being replaced count
 * before the switch: say so, so that the reason does not contradict the
 * capture. */
static void describe_in_switch(const struct vd_input *in, struct vd_result *r)
{
	size_t n = strlen(r->reason);
	unsigned k = r->lookups_old_in_switch;
	if (k && n < sizeof r->reason)
		snprintf(r->reason + n, sizeof r->reason - n, "; %u lookup%s to "
		         "the old server while the file was being replaced (the "
		         "%.1f ms from the switch until the new file was in place), "
		         "counted before it", k, k == 1 ? "" : "s",
		         (in->t_switch_end - in->t_switch) * 1000.0);
}

/* Lookups to servers both files list are left out of the verdict: say
 * how many, so that the reason and the numbers agree. */
static void describe_kept(struct vd_result *r)
{
	size_t n = strlen(r->reason);
	if (r->lookups_kept_after && n < sizeof r->reason)
		snprintf(r->reason + n, sizeof r->reason - n, "; %u lookup%s to "
		         "a server both files list, not counted (it says nothing "
		         "of which file the process read)", r->lookups_kept_after,
		         r->lookups_kept_after == 1 ? "" : "s");
}

static void describe(const struct vd_input *in, struct vd_result *r)
{
	switch (r->v) {
	case V_FOLLOWED:
		snprintf(r->reason, sizeof r->reason,
		         "first lookup after the switch went to the new server "
		         "(%.0f ms after it); none to the old one", r->first_new_ms);
		break;
	case V_LATE:
		snprintf(r->reason, sizeof r->reason,
		         "%u more lookup%s to the old server, then only the new "
		         "one (first %.0f ms after the switch)", r->late_by,
		         r->late_by == 1 ? "" : "s", r->first_new_ms);
		break;
	case V_STALE:
		snprintf(r->reason, sizeof r->reason,
		         "%u lookup%s after the switch, all to the old server",
		         r->lookups_old_after, r->lookups_old_after == 1 ? "" : "s");
		break;
	case V_MIXED:
		snprintf(r->reason, sizeof r->reason,
		         "after the switch %u lookups to the old and %u to the new "
		         "server, old after new", r->lookups_old_after,
		         r->lookups_new_after);
		break;
	case V_SILENT:
		snprintf(r->reason, sizeof r->reason, "%s",
		         in->exited ? "no lookup after the switch; the process ended"
		                    : "no lookup on the wire after the switch");
		break;
	case V_INCONCLUSIVE:
	case V_NONE:
		return;
	}
	describe_messages(r);
	describe_kept(r);
	describe_in_switch(in, r);
}

/* The application view disagrees with the wire when the process got
 * answers from a server the wire says it did not ask: a cache.  Only
 * lines the program dated itself count: a line dated when it was read
 * may have been written before the switch. */
static void note_app_view(const struct vd_result *r,
                          const struct stamped_after *st, char *buf,
                          size_t size)
{
	buf[0] = '\0';
	if (st->new_after && !r->queries_new_after)
		snprintf(buf, size, "the process got new answers with no query to "
		         "the new server on the wire: answered by a cache");
	else if (st->old_after && !r->queries_old_after)
		snprintf(buf, size, "the process got old answers after the switch "
		         "with no query to the old server: answered from a cache");
}

const char *vd_app_dating(const struct vd_result *r)
{
	unsigned n = r->answers_old_before + r->answers_new_before +
	             r->answers_old_after + r->answers_new_after;
	if (n == 0)
		return "";
	if (r->answers_unstamped == 0)
		return "the program stamps its lines";
	if (r->answers_unstamped == n)
		return "dated when read; a buffered program may have written them "
		       "earlier, so no cache claim is made from them";
	return "some lines stamped by the program, the others dated when read; "
	       "only the stamped ones can support a cache claim";
}

void verdict_decide(const struct vd_input *given, struct vd_result *r)
{
	struct stamped_after st = { 0, 0 };
	/* The old server's queries count from the switch's end, or from the
	 * first query to a new one if that came first (old_counts_from). */
	struct vd_input eff = *given;
	const struct vd_input *in = &eff;
	eff.t_switch_end = old_counts_from(given->t_switch,
	                                   given->t_switch_end, given->q,
	                                   given->nq);
	memset(r, 0, sizeof *r);
	r->old_from = eff.t_switch_end;
	r->first_new_ms = -1;
	count_queries(in, r);
	note_no_responses(in, r);
	count_answers(in, r, &st);
	note_app_view(r, &st, r->app_note, sizeof r->app_note);

	r->v = V_INCONCLUSIVE;
	if (in->dropped) {
		snprintf(r->reason, sizeof r->reason, "the capture dropped %llu "
		         "packet%s", (unsigned long long)in->dropped,
		         in->dropped == 1 ? "" : "s");
		return;
	}
	if (!in->switched) {
		snprintf(r->reason, sizeof r->reason, "%s",
		         in->exited ? "the process ended before the switch"
		         : r->queries_old_before ? "resolv.conf was never switched"
		         : "no query reached the old server, so resolv.conf "
		           "was never switched");
		return;
	}
	if (!r->queries_old_before && !in->started_after) {
		snprintf(r->reason, sizeof r->reason, "%s",
		         r->queries_kept_before
		         ? "every query before the switch went to a server both "
		           "files list: that cannot tell which file the process "
		           "reads; make that server fail at the switch (exec "
		           "--server ADDR=down, scenario 'server ADDR down') to "
		           "see whether it moves to the new file's servers"
		         : "no query reached the old server before the switch");
		return;
	}
	enum verdict wire = decide_wire(in, r);
	if (in->exited && in->t_exit < in->t_end && wire != V_SILENT) {
		snprintf(r->reason, sizeof r->reason,
		         "the process ended %.0f ms after the switch, before the "
		         "window closed (wire alone would say %s)",
		         (in->t_exit - in->t_switch) * 1000.0, verdict_name(wire));
		describe_no_responses(r);
		return;
	}
	if (wire == V_SILENT && r->lookups_kept_after) {
		snprintf(r->reason, sizeof r->reason, "every lookup after the "
		         "switch (%u) went to a server both files list: that cannot "
		         "tell which file the process read", r->lookups_kept_after);
		return;
	}
	r->v = wire;
	describe(in, r);
	describe_no_responses(r);
}
