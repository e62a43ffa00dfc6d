/*
 * verdict.c - the verdict rules of doc/design.md ("Verdicts"), applied
 * to observations.
 *
 * A "lookup" is a query message that is not a retransmission: the verdict
 * speaks of lookups so that a resend after a lost answer does not turn
 * FOLLOWED into MIXED; the queries_* counts keep every message, so that
 * anyone can recount them from capture.pcap.
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
	vd_mark_retransmissions(q, nq);
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

/* Resends come within a few seconds and a few queries of the original:
 * looking back a bounded distance keeps this linear on large captures. */
#define RETRANS_LOOKBACK 64
#define RETRANS_SECONDS  10.0

void vd_mark_retransmissions(struct vd_query *q, size_t nq)
{
	for (size_t i = 0; i < nq; i++) {
		q[i].retrans = false;
		size_t lo = i > RETRANS_LOOKBACK ? i - RETRANS_LOOKBACK : 0;
		for (size_t j = i; j-- > lo;) {
			if (q[i].t - q[j].t > RETRANS_SECONDS)
				break;
			if (q[j].to == q[i].to && q[j].id == q[i].id &&
			    q[j].qtype == q[i].qtype &&
			    q[j].qname_hash == q[i].qname_hash) {
				q[i].retrans = true;
				break;
			}
		}
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

static void count_queries(const struct vd_input *in, struct vd_result *r)
{
	for (size_t i = 0; i < in->nq; i++) {
		const struct vd_query *q = &in->q[i];
		bool after = in->switched && q->t >= in->t_switch;
		unsigned *c = after
			? (q->to == VD_OLD ? &r->queries_old_after :
			   q->to == VD_NEW ? &r->queries_new_after : &r->queries_other_after)
			: (q->to == VD_OLD ? &r->queries_old_before :
			   q->to == VD_NEW ? &r->queries_new_before : &r->queries_other_before);
		(*c)++;
		if (after && !q->retrans) {
			if (q->to == VD_OLD)
				r->lookups_old_after++;
			else if (q->to == VD_NEW)
				r->lookups_new_after++;
		}
		if (after && q->to == VD_NEW && r->first_new_ms < 0)
			r->first_new_ms = (q->t - in->t_switch) * 1000.0;
	}
}

static void count_answers(const struct vd_input *in, struct vd_result *r)
{
	for (size_t i = 0; i < in->na; i++) {
		const struct vd_answer *a = &in->a[i];
		bool after = in->switched && a->t >= in->t_switch;
		if (a->from == VD_OLD)
			(*(after ? &r->answers_old_after : &r->answers_old_before))++;
		else if (a->from == VD_NEW)
			(*(after ? &r->answers_new_after : &r->answers_new_before))++;
	}
}

/* The wire after the switch: FOLLOWED, LATE, STALE, MIXED or SILENT. */
static enum verdict decide_wire(const struct vd_input *in, struct vd_result *r)
{
	bool seen_new = false, old_after_new = false;
	unsigned old_first = 0;

	for (size_t i = 0; i < in->nq; i++) {
		const struct vd_query *q = &in->q[i];
		if (q->t < in->t_switch || q->retrans || q->to == VD_OTHER)
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
		break;
	}
}

/* The application view disagrees with the wire when the process got
 * answers from a server the wire says it did not ask: a cache. */
static void note_app_view(const struct vd_result *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r->answers_new_after && !r->queries_new_after)
		snprintf(buf, size, "the process got new answers with no query to "
		         "the new server on the wire: answered by a cache");
	else if (r->answers_old_after && !r->queries_old_after)
		snprintf(buf, size, "the process got old answers after the switch "
		         "with no query to the old server: answered from a cache");
}

void verdict_decide(const struct vd_input *in, struct vd_result *r)
{
	memset(r, 0, sizeof *r);
	r->first_new_ms = -1;
	count_queries(in, r);
	count_answers(in, r);
	note_app_view(r, r->app_note, sizeof r->app_note);

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
	if (!r->queries_old_before) {
		snprintf(r->reason, sizeof r->reason,
		         "no query reached the old server before the switch");
		return;
	}
	enum verdict wire = decide_wire(in, r);
	if (in->exited && in->t_exit < in->t_end && wire != V_SILENT) {
		snprintf(r->reason, sizeof r->reason,
		         "the process ended %.0f ms after the switch, before the "
		         "window closed (wire alone would say %s)",
		         (in->t_exit - in->t_switch) * 1000.0, verdict_name(wire));
		return;
	}
	r->v = wire;
	describe(in, r);
}
