/*
 * paths.c - a verdict per resolution path; see paths.h.
 *
 * Each path's queries are taken from the events again (not from the
 * headline's queries, which `only` may have narrowed), and each path's
 * lookups are marked among its own queries: an nscd A lookup is not
 * joined to the process's MX, and a getaddrinfo's A+AAAA stay one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "paths.h"
#include "wnconst.h"
#include "textfield.h"

static const char *const labels[PS_COUNT] = {
	[PS_PROCESS] = "process", [PS_NSCD] = "via nscd",
	[PS_PROCESS_TRIGGERS] = "process and its triggers", [PS_FRESH] = "fresh process", [PS_FRESH_NSCD] = "fresh process via nscd",
};
static const char *const names[PS_COUNT] = {
	[PS_PROCESS] = "process", [PS_NSCD] = "nscd",
	[PS_PROCESS_TRIGGERS] = "process+triggers", [PS_FRESH] = "fresh", [PS_FRESH_NSCD] = "fresh-nscd",
};

const char *paths_sender_label(enum path_sender s)
{
	return (unsigned)s < PS_COUNT ? labels[s] : "?";
}

const char *paths_sender_name(enum path_sender s)
{
	return (unsigned)s < PS_COUNT ? names[s] : "?";
}

enum path_sender paths_sender_parse(const char *s)
{
	for (unsigned i = 0; i < PS_COUNT; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum path_sender)i;
	return PS_COUNT;
}

int paths_senders_set(struct path_senders *s, bool nscd, bool triggers,
                      double t_fresh)
{
	memset(s, 0, sizeof *s);
	s->triggers = triggers;
	s->t_fresh = t_fresh > 0 ? t_fresh : 0;
	if (!nscd)
		return 0;
	if (pkt_addr_parse(WN_NSCD4, &s->nscd[0]) != 0 ||
	    pkt_addr_parse(WN_NSCD6, &s->nscd[1]) != 0)
		return -1;
	s->nnscd = 2;
	return 0;
}

enum path_sender paths_sender(const struct path_senders *s,
                              const struct wn_event *e)
{
	const struct pkt_addr *client = e->qr ? &e->dst : &e->src;
	bool nscd = false;
	for (size_t i = 0; i < s->nnscd && i < 2; i++)
		nscd |= pkt_addr_eq(client, &s->nscd[i]) != 0;
	bool fresh = s->t_fresh > 0 && e->t >= s->t_fresh;
	if (fresh)
		return nscd ? PS_FRESH_NSCD : PS_FRESH;
	if (nscd)
		return PS_NSCD;
	return s->triggers ? PS_PROCESS_TRIGGERS : PS_PROCESS;
}

/* A and AAAA are one group: one getaddrinfo asks both, as one lookup. */
static uint16_t group_of(uint16_t qtype)
{
	return qtype == DNS_T_AAAA ? DNS_T_A : qtype;
}

const char *paths_types(uint16_t qtype, char *buf, size_t size)
{
	char tmp[16];
	uint16_t g = group_of(qtype);
	snprintf(buf, size, "%s", g == DNS_T_A ? "A/AAAA"
	         : dns_type_name(g, tmp, sizeof tmp));
	return buf;
}

/* The senders of the window (not the fresh process's): their queries
 * after window_end are in the capture, not in a verdict. */
static bool windowed(enum path_sender s)
{
	return s != PS_FRESH && s != PS_FRESH_NSCD;
}

struct path_key {
	enum path_sender sender;
	uint16_t group;
};

/* The paths of the capture's queries, in order (sender, then the first
 * query of each group); up to max, the rest counted in *more.  ALL_MAX
 * paths are told apart; beyond them, each query counts one more. */
#define ALL_MAX 64

static size_t list_paths(const struct wn_event *ev, size_t nev,
                         const struct path_senders *s, double t_end,
                         struct path_key *k, size_t max, size_t *more)
{
	struct path_key all[ALL_MAX];
	size_t n = 0;
	*more = 0;
	for (unsigned snd = 0; snd < PS_COUNT; snd++) {
		for (size_t i = 0; i < nev; i++) {
			const struct wn_event *e = &ev[i];
			if (e->qr || paths_sender(s, e) != snd ||
			    (windowed((enum path_sender)snd) && e->t > t_end))
				continue;
			uint16_t g = group_of(e->qtype);
			bool seen = false;
			for (size_t j = 0; j < n && !seen; j++)
				seen = all[j].sender == snd && all[j].group == g;
			if (seen)
				continue;
			if (n == ALL_MAX) {
				(*more)++;
				continue;
			}
			all[n++] = (struct path_key){ (enum path_sender)snd, g };
		}
	}
	if (n > max) {
		*more += n - max;
		n = max;
	}
	memcpy(k, all, n * sizeof *k);
	return n;
}

/* One path's queries in capture order, answered ones marked, as
 * observe_window_queries() takes the headline's. */
static size_t path_queries(const struct wn_event *ev, size_t nev,
                           const struct path_senders *s, double t_end,
                           const struct path_key *k, struct vd_query *q)
{
	size_t nq = 0;
	for (size_t i = 0; i < nev; i++) {
		const struct wn_event *e = &ev[i];
		if (group_of(e->qtype) != k->group || paths_sender(s, e) != k->sender)
			continue;
		if (!e->qr && windowed(k->sender) && e->t > t_end)
			continue;
		events_note_message(e, q, &nq);
	}
	return nq;
}

static void keep(struct vd_path *p, const struct path_key *k,
                 const struct vd_result *r)
{
	memset(p, 0, sizeof *p);
	p->sender = k->sender;
	paths_types(k->group, p->types, sizeof p->types);
	p->v = r->v;
	p->late_by = r->late_by;
	p->queries_old_before = r->queries_old_before;
	p->queries_new_before = r->queries_new_before;
	p->queries_old_after = r->queries_old_after;
	p->queries_new_after = r->queries_new_after;
	p->lookups_old_after = r->lookups_old_after;
	p->lookups_new_after = r->lookups_new_after;
	p->first_new_ms = r->first_new_ms;
	snprintf(p->reason, sizeof p->reason, "%s", r->reason);
}

int paths_decide(const struct wn_event *ev, size_t nev,
                 const struct path_senders *s, const struct vd_input *in,
                 struct vd_path *out, size_t max, size_t *more)
{
	struct path_key k[PATHS_MAX];
	size_t extra = 0;
	if (max > PATHS_MAX)
		max = PATHS_MAX;
	size_t n = list_paths(ev, nev, s, in->t_end, k, max, &extra);
	if (more)
		*more = extra;
	struct vd_query *q = calloc(nev + 1, sizeof *q);
	if (!q)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct vd_input pin = *in;
		struct vd_result r;
		pin.a = NULL;
		pin.na = 0;   /* the application view is the headline's */
		if (k[i].sender == PS_FRESH || k[i].sender == PS_FRESH_NSCD) {
			pin.started_after = true;
			pin.exited = false;   /* it runs once, and may end */
		}
		size_t nq = path_queries(ev, nev, s, in->t_end, &k[i], q);
		if (verdict_from_queries(q, nq, false, &pin, &r) != 0) {
			free(q);
			return -1;
		}
		keep(&out[i], &k[i], &r);
	}
	free(q);
	return (int)n;
}

const char *paths_summary(const struct vd_path *p, size_t n, char *buf,
                          size_t size)
{
	size_t len = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		char late[16] = "";
		if (p[i].v == V_LATE)
			snprintf(late, sizeof late, " %u", p[i].late_by);
		int w = snprintf(buf + len, size - len, "%s%s (%s): %s%s",
		                 i ? "; " : "", p[i].types,
		                 paths_sender_label(p[i].sender),
		                 verdict_name(p[i].v), late);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

void paths_format(const struct vd_path *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s %u %u %u %u %u %u %u %.3f %s",
	         paths_sender_name(p->sender), p->types, verdict_name(p->v),
	         p->late_by, p->queries_old_before, p->queries_new_before,
	         p->queries_old_after, p->queries_new_after,
	         p->lookups_old_after, p->lookups_new_after, p->first_new_ms,
	         p->reason);
}

static int number(const char **s, unsigned *out)
{
	char w[16], *end;
	if (textfield_word(s, w, sizeof w) != 0 || w[0] == '-')
		return -1;
	unsigned long v = strtoul(w, &end, 10);
	if (*end || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int paths_parse(const char *line, struct vd_path *p)
{
	char w[32], *end;
	unsigned *nums[] = { &p->late_by, &p->queries_old_before,
	                     &p->queries_new_before, &p->queries_old_after,
	                     &p->queries_new_after, &p->lookups_old_after,
	                     &p->lookups_new_after };
	memset(p, 0, sizeof *p);
	if (textfield_word(&line, w, sizeof w) != 0 ||
	    (p->sender = paths_sender_parse(w)) == PS_COUNT ||
	    textfield_word(&line, p->types, sizeof p->types) != 0 ||
	    textfield_word(&line, w, sizeof w) != 0)
		return -1;
	p->v = verdict_parse(w);
	if (p->v == V_NONE && strcmp(w, "NONE") != 0)
		return -1;
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (number(&line, nums[i]) != 0)
			return -1;
	if (textfield_word(&line, w, sizeof w) != 0)
		return -1;
	p->first_new_ms = strtod(w, &end);
	if (*end || !(p->first_new_ms >= -1e9 && p->first_new_ms <= 1e9))
		return -1;
	if (strlen(line) >= sizeof p->reason)
		return -1;
	strcpy(p->reason, line);
	return 0;
}
