/* servercount.c - a case's traffic server by server; see servercount.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "servercount.h"
#include "verdict.h"
#include "textfield.h"

/* Matching a response to its query looks back this far, as the
 * verdict's vd_note_response() does. */
#define LOOKBACK         64
#define LOOKBACK_SECONDS 10.0

enum { OUT_NONE = -1 };   /* a query's outcome: its first response's rcode */

/* Which server of the set an event concerns: a query's destination, a
 * response's source. */
static int server_of(const struct serverset *set, const struct wn_event *e)
{
	return serverset_find(set, e->qr ? &e->src : &e->dst);
}

static bool same_question(const struct vd_query *a, const struct vd_query *b)
{
	return a->id == b->id && a->qtype == b->qtype &&
	       a->qname_hash == b->qname_hash && a->client == b->client;
}

static void count_outcome(struct sc_server *s, int rc)
{
	if (rc == OUT_NONE)
		s->no_response++;
	else if (rc == 0 || rc == 3)   /* NOERROR, NXDOMAIN */
		s->answered++;
	else if (rc == 5)
		s->refused++;
	else if (rc == 2)
		s->servfail++;
	else
		s->other_rcode++;
}

/* What the set says of a server: its addresses, files and state. */
static void describe(const struct ss_server *ss, struct sc_server *s)
{
	size_t n = 0;
	memset(s, 0, sizeof *s);
	for (size_t a = 0; a < ss->naddrs && a < SS_ADDRS_MAX; a++) {
		int k = snprintf(s->addr + n, sizeof s->addr - n, "%s%s",
		                 a ? "," : "", ss->addr[a]);
		if (k < 0 || (size_t)k >= sizeof s->addr - n)
			break;
		n += (size_t)k;
	}
	s->in_old = ss->before;
	s->in_new = ss->after;
	serverset_state_name(ss, s->state, sizeof s->state);
}

/* Room for one more query of server k; false when out of memory. */
static bool room(struct servercount *c, int k)
{
	if (c->n[k] < c->cap[k])
		return true;
	size_t ncap = c->cap[k] ? c->cap[k] * 2 : 64;
	struct vd_query *q = realloc(c->q[k], ncap * sizeof *q);
	if (q)
		c->q[k] = q;
	int *rc = q ? realloc(c->rc[k], ncap * sizeof *rc) : NULL;
	if (rc)
		c->rc[k] = rc;
	if (!q || !rc) {
		c->oom = true;
		return false;
	}
	c->cap[k] = ncap;
	return true;
}

int servercount_init(struct servercount *c, const struct serverset *set,
                     const struct sc_window *w)
{
	memset(c, 0, sizeof *c);
	c->set = set;
	c->w = *w;
	return 0;
}

void servercount_event(struct servercount *c, const struct wn_event *e)
{
	const struct sc_window *w = &c->w;
	int k = server_of(c->set, e);
	if (k < 0 || k >= SS_MAX || (w->only_qtype && e->qtype != w->only_qtype))
		return;
	struct vd_query m;
	events_to_query(e, &m);
	m.to = VD_OLD;   /* one server: one side for the lookup rule */
	if (!e->qr) {
		if ((w->t_end >= 0 && e->t > w->t_end) || !room(c, k))
			return;
		c->rc[k][c->n[k]] = OUT_NONE;
		c->q[k][c->n[k]++] = m;
		return;
	}
	struct vd_query *q = c->q[k];
	size_t nq = c->n[k], lo = nq > LOOKBACK ? nq - LOOKBACK : 0;
	for (size_t j = nq; j-- > lo;) {
		if (m.t - q[j].t > LOOKBACK_SECONDS)
			return;
		if (same_question(&q[j], &m)) {
			if (q[j].t_answered == 0) {   /* the first response */
				q[j].t_answered = m.t;
				q[j].tc = m.tc;
				c->rc[k][j] = e->rcode;
			}
			return;
		}
	}
}

int servercount_finish(struct servercount *c, struct sc_server out[SS_MAX])
{
	const struct sc_window *w = &c->w;
	size_t n = c->set->n < SS_MAX ? c->set->n : SS_MAX;
	if (c->oom)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct sc_server *s = &out[k];
		struct vd_query *q = c->q[k];
		size_t nq = c->n[k];
		describe(&c->set->s[k], s);
		enum vd_server role = serverset_server_role(&c->set->s[k]);
		for (size_t i = 0; i < nq; i++) {
			if (!vd_after_switch(w->switched, w->t_switch,
			                     w->t_switch_end, role, q[i].t)) {
				s->queries_before++;
				continue;
			}
			s->queries_after++;
			count_outcome(s, c->rc[k][i]);
		}
		/* The verdict's lookup rule, on this server's queries. */
		if (nq > 1 && vd_sort_queries(q, nq) != 0)
			return -1;
		vd_mark_lookups(q, nq);
		for (size_t i = 0; i < nq; i++)
			s->lookups_after += vd_after_switch(w->switched,
			                    w->t_switch, w->t_switch_end, role,
			                    q[i].t) && !q[i].retrans && !q[i].joined;
	}
	return (int)n;
}

void servercount_free(struct servercount *c)
{
	for (size_t k = 0; k < SS_MAX; k++) {
		free(c->q[k]);
		free(c->rc[k]);
		c->q[k] = NULL;
		c->rc[k] = NULL;
		c->n[k] = c->cap[k] = 0;
	}
}

int servercount_compute(const struct serverset *set,
                        const struct wn_event *ev, size_t nev,
                        const struct sc_window *w,
                        struct sc_server out[SS_MAX])
{
	struct servercount *c = malloc(sizeof *c);
	if (!c)
		return -1;
	servercount_init(c, set, w);
	for (size_t i = 0; i < nev; i++)
		servercount_event(c, &ev[i]);
	int n = servercount_finish(c, out);
	servercount_free(c);
	free(c);
	return n;
}

const char *servercount_after_text(const struct sc_server *s, size_t n,
                                   char *buf, size_t size)
{
	bool done[SS_MAX] = { false };
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	n = n < SS_MAX ? n : SS_MAX;
	for (;;) {   /* the most queried left, n is at most 8 */
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && s[i].queries_after &&
			    (best == n || s[i].queries_after > s[best].queries_after))
				best = i;
		if (best == n)
			return buf;
		done[best] = true;
		size_t alen = strcspn(s[best].addr, ",");
		int k = snprintf(buf + len, size - len, "%s%.*s (%u)",
		                 len ? ", " : "", (int)alen, s[best].addr,
		                 s[best].queries_after);
		if (k < 0 || (size_t)k >= size - len) {
			buf[len] = '\0';   /* whole entries only */
			return buf;
		}
		len += (size_t)k;
	}
}

const char *servercount_outcome_text(const struct sc_server *s, char *buf,
                                     size_t size)
{
	const struct { unsigned n; const char *what; } o[] = {
		{ s->answered, "answered" }, { s->no_response, "no response" },
		{ s->refused, "REFUSED" }, { s->servfail, "SERVFAIL" },
		{ s->other_rcode, "other rcode" },
	};
	size_t len = 0;
	snprintf(buf, size, "—");
	for (size_t i = 0; i < sizeof o / sizeof o[0]; i++) {
		if (!o[i].n)
			continue;
		int k = snprintf(buf + len, size - len, "%s%u %s", len ? ", " : "",
		                 o[i].n, o[i].what);
		if (k < 0 || (size_t)k >= size - len)
			return buf;
		len += (size_t)k;
	}
	return buf;
}

void servercount_format(const struct sc_server *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s old=%s new=%s state=%s before=%u after=%u "
	         "lookups=%u answered=%u refused=%u servfail=%u other=%u "
	         "none=%u", s->addr, s->in_old ? "yes" : "no",
	         s->in_new ? "yes" : "no", s->state[0] ? s->state : "-",
	         s->queries_before, s->queries_after, s->lookups_after,
	         s->answered, s->refused, s->servfail, s->other_rcode,
	         s->no_response);
}

/* "KEY=VALUE" with this key: the value (in w). */
static const char *keyed(const char **s, const char *key, char *w,
                         size_t size)
{
	size_t k = strlen(key);
	if (textfield_word(s, w, size) != 0 || strncmp(w, key, k) != 0 || w[k] != '=')
		return NULL;
	return w + k + 1;
}

static int yes_no(const char **s, const char *key, bool *out)
{
	char w[16];
	const char *v = keyed(s, key, w, sizeof w);
	if (!v || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
		return -1;
	*out = strcmp(v, "yes") == 0;
	return 0;
}

static int count(const char **s, const char *key, unsigned *out)
{
	char w[32], *end;
	const char *v = keyed(s, key, w, sizeof w);
	if (!v || !isdigit((unsigned char)*v))
		return -1;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n > 0xffffffffUL)
		return -1;
	*out = (unsigned)n;
	return 0;
}

int servercount_parse(const char *line, struct sc_server *s)
{
	char w[SC_STATE_TEXT + 8];
	const char *v;
	struct { const char *key; unsigned *n; } nums[] = {
		{ "before", &s->queries_before }, { "after", &s->queries_after },
		{ "lookups", &s->lookups_after }, { "answered", &s->answered },
		{ "refused", &s->refused }, { "servfail", &s->servfail },
		{ "other", &s->other_rcode }, { "none", &s->no_response },
	};
	memset(s, 0, sizeof *s);
	if (textfield_word(&line, s->addr, sizeof s->addr) != 0 || strchr(s->addr, '=') ||
	    yes_no(&line, "old", &s->in_old) != 0 ||
	    yes_no(&line, "new", &s->in_new) != 0 ||
	    !(v = keyed(&line, "state", w, sizeof w)) || !*v ||
	    strlen(v) >= sizeof s->state)
		return -1;
	snprintf(s->state, sizeof s->state, "%s", strcmp(v, "-") ? v : "");
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (count(&line, nums[i].key, nums[i].n) != 0)
			return -1;
	unsigned long long sum = (unsigned long long)s->answered + s->refused +
	                         s->servfail + s->other_rcode + s->no_response;
	if (*line || sum != s->queries_after || s->lookups_after > s->queries_after)
		return -1;
	return 0;
}
