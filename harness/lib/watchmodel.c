/*
 * watchmodel.c - whichns watch's judgement; see watchmodel.h.
 *
 * A record is outside bytes even though our own kernel program wrote it:
 * a different build of the program, a ring buffer read at the wrong
 * offset, or a bug there must give "not a query", never a read past the
 * record.  So the record is copied and checked field by field, and its
 * packet, within the record's cap_len, is decoded where it lies, as any
 * captured frame.  A TCP record
 * is a segment, not a message: wm_tcp_record() follows its stream with
 * tcpdns.h, as decode follows a capture's, and a query counts when the
 * segment that completes it arrives, with that segment's process.
 *
 * Judging a process (wm_row_verdict) uses only its counts and times, so
 * the table stays bounded however long the watch runs.  A query to a
 * local stub the file lists (WM_LOCAL) counts as listed for STALE, MIXED
 * and LATE: a process that asked an old server and then its new
 * 127.0.0.53 came back, as one that asks a new server does.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serverset.h"
#include "tcpdns.h"
#include "watchev.h"
#include "watchmodel.h"

/* ---- resolv.conf ---- */

/* glibc 2.36's __inet_aton_exact (resolv/inet_addr.c), which res_init
 * uses for a nameserver's IPv4 address: parts in C notation (0x hex, a
 * leading 0 octal, as strtoul reads them with base 0), a.b.c.d, a.b.c
 * (c 16 bits), a.b (b 24 bits) or a (32 bits), the whole word.  0 and
 * *a, or -1. */
static int aton_exact(const char *cp, struct pkt_addr *a)
{
	static const unsigned long max[4] = { 0xffffffff, 0xffffff, 0xffff, 0xff };
	uint32_t word = 0;
	unsigned long val;
	size_t parts = 0;

	for (;;) {
		char *end;
		if (!isdigit((unsigned char)*cp))
			return -1;
		errno = 0;
		val = strtoul(cp, &end, 0);
		if ((val == ULONG_MAX && errno == ERANGE) || val > 0xfffffffful)
			return -1;
		cp = end;
		if (*cp != '.')
			break;
		if (parts > 2 || val > 0xff)
			return -1;
		word |= (uint32_t)val << (24 - 8 * parts++);
		cp++;
	}
	if (*cp != '\0' || val > max[parts])
		return -1;
	word |= (uint32_t)val;
	memset(a, 0, sizeof *a);
	a->family = 4;
	for (int i = 0; i < 4; i++)
		a->a[i] = (uint8_t)(word >> (24 - 8 * i));
	return 0;
}

/* The address word of one nameserver line (w, n bytes): 0 and *a, or -1
 * when glibc would not take it.  IPv4 as inet_aton reads it (above);
 * else IPv6, its scope dropped (glibc reads the address before the '%'
 * and the scope apart; a scope it cannot read leaves the server in,
 * without one).  An IPv4-mapped IPv6 address is its IPv4 address: that
 * is where the packets go. */
static int conf_word(const char *w, size_t n, struct pkt_addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char text[64];
	const char *pct = memchr(w, '%', n);
	size_t k = pct ? (size_t)(pct - w) : n;

	if (n == 0 || n >= sizeof text || k == 0)
		return -1;
	memcpy(text, w, n);
	text[n] = '\0';
	if (aton_exact(text, a) == 0)
		return 0;
	text[k] = '\0';
	if (pkt_addr_parse(text, a) != 0 || a->family != 6)
		return -1;
	if (memcmp(a->a, mapped, sizeof mapped) == 0) {
		memmove(a->a, a->a + 12, 4);
		memset(a->a + 4, 0, 12);
		a->family = 4;
	}
	return 0;
}

void wm_conf_parse(const char *text, size_t len, struct wm_conf *out)
{
	size_t off = 0;

	memset(out, 0, sizeof *out);
	while (text && off < len) {
		const char *p = text + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off, at, end;
		struct pkt_addr a;
		off += n + (nl != NULL);
		/* glibc reads a line as a C string: it ends at a NUL. */
		const char *nul = memchr(p, '\0', n);
		if (nul)
			n = (size_t)(nul - p);
		if (!serverset_ns_line(p, n, &at, &end) ||
		    conf_word(p + at, end - at, &a) != 0)
			continue;
		if (out->n >= WM_CONF_MAX) {
			out->truncated = true;
			break;
		}
		out->ns[out->n++] = a;
	}
	if (out->n == 0) {
		out->defaulted = true;
		pkt_addr_parse("127.0.0.1", &out->ns[0]);
		out->n = 1;
	}
}

bool wm_conf_lists(const struct wm_conf *c, const struct pkt_addr *a)
{
	for (size_t i = 0; i < c->n && i < WM_CONF_MAX; i++)
		if (pkt_addr_eq(&c->ns[i], a))
			return true;
	return false;
}

void wm_conf_render(const struct wm_conf *c, char *buf, size_t size)
{
	size_t at = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (c->n == 0) {
		snprintf(buf, size, "(none)");
		return;
	}
	for (size_t i = 0; i < c->n && i < WM_CONF_MAX && at < size; i++) {
		char a[64];
		int k = snprintf(buf + at, size - at, "%s%s", i ? " " : "",
		                 pkt_addr_str(&c->ns[i], a, sizeof a));
		if (k < 0)
			break;
		at += (size_t)k;
	}
}

bool wm_conf_equal(const struct wm_conf *x, const struct wm_conf *y)
{
	if (x->n != y->n || x->defaulted != y->defaulted ||
	    x->truncated != y->truncated)
		return false;
	for (size_t i = 0; i < x->n && i < WM_CONF_MAX; i++)
		if (!pkt_addr_eq(&x->ns[i], &y->ns[i]))
			return false;
	return true;
}

void wm_confhist_update(struct wm_confhist *h, uint64_t since_ns,
                        const struct wm_conf *c)
{
	if (h->cur.known && wm_conf_equal(&h->cur.conf, c))
		return;
	if (h->cur.known)
		h->prev = h->cur;
	h->cur.known = true;
	h->cur.since_ns = since_ns;
	h->cur.after_ns = since_ns;
	h->cur.conf = *c;
}

const struct wm_conf *wm_confhist_at(const struct wm_confhist *h,
                                     uint64_t t_ns)
{
	if (!h->cur.known)
		return NULL;
	if (t_ns < h->cur.since_ns && h->prev.known)
		return &h->prev.conf;
	return &h->cur.conf;
}

void wm_confhist_change(struct wm_confhist *h, uint64_t after_ns,
                        uint64_t before_ns, uint64_t change_ns,
                        const struct wm_conf *c)
{
	if (h->cur.known && wm_conf_equal(&h->cur.conf, c))
		return;
	if (!h->cur.known) {
		/* nothing is known of the version before */
		wm_confhist_update(h, change_ns, c);
		return;
	}
	bool dated = change_ns > after_ns &&
	             change_ns <= before_ns + WM_CHANGE_SLACK_NS;
	wm_confhist_update(h, dated ? change_ns : before_ns, c);
	if (dated)
		h->cur.after_ns = change_ns > after_ns + WM_CHANGE_SLACK_NS ?
		                  change_ns - WM_CHANGE_SLACK_NS : after_ns;
	else
		h->cur.after_ns = after_ns;
}

enum wm_class wm_judge(const struct wm_confhist *h, uint64_t t_ns,
                       bool forwarder, const struct pkt_addr *dst,
                       const struct wm_conf **by)
{
	/* before the first version known took effect: unknown */
	bool unknown = !h || (t_ns < h->cur.since_ns && !h->prev.known);
	const struct wm_conf *c = unknown ? NULL : wm_confhist_at(h, t_ns);
	enum wm_class k = wm_classify(c, forwarder, dst);
	if (k == WM_STALE && h->prev.known && t_ns > h->cur.after_ns &&
	    t_ns < h->cur.since_ns) {
		/* either version may have been in force: the one listing dst */
		const struct wm_conf *o = c == &h->cur.conf ? &h->prev.conf
		                                            : &h->cur.conf;
		enum wm_class ko = wm_classify(o, forwarder, dst);
		if (ko != WM_STALE) {
			k = ko;
			c = o;
		}
	}
	if (by)
		*by = c;
	return k;
}

/* ---- one query ---- */

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address: a
 * connect() on an AF_INET6 socket to one sends IPv4 packets, and the
 * file lists the IPv4 form. */
static void unmap(struct pkt_addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (a->family == 6 && memcmp(a->a, mapped, sizeof mapped) == 0) {
		memmove(a->a, a->a + 12, 4);
		memset(a->a + 4, 0, 12);
		a->family = 4;
	}
}

static int from_connect(const struct wn_watch_rec *e, struct wm_query *q,
                        const char **why)
{
	if (e->family == 2) {
		q->dst.family = 4;
		memcpy(q->dst.a, e->addr, 4);
	} else if (e->family == 10) {
		q->dst.family = 6;
		memcpy(q->dst.a, e->addr, 16);
		unmap(&q->dst);
	} else {
		*why = "connect record: address family not 2 (IPv4) or 10 (IPv6)";
		return -1;
	}
	q->dport = e->port;
	q->proto = e->proto;
	return 0;
}

/* The DNS queries of the record's packet (e->pkt, cap_len bytes, checked
 * by the caller). */
static int from_packet(const struct wn_watch_rec *e, const uint8_t *pkt,
                       struct wm_query *q, const char **why)
{
	static const char not_query[] = "not a query";
	struct pkt_dns d;
	const char *w = NULL;

	memset(&d, 0, sizeof d);
	enum pkt_status st = pkt_decode(PKT_LINK_RAW, pkt, e->cap_len, &d, &w);
	if (st != PKT_DNS) {
		*why = w ? w : pkt_status_name(st);
		return -1;
	}
	const struct dns_msg *first = NULL;
	for (size_t i = 0; i < d.nmsgs && i < PKT_MSGS_MAX; i++) {
		if (d.msgs[i].qr || d.dport != 53)
			continue;
		if (!first)
			first = &d.msgs[i];
		q->nmsgs++;
	}
	if (!first) {
		*why = not_query;
		return -1;
	}
	q->src = d.src;
	q->dst = d.dst;
	q->sport = d.sport;
	q->dport = d.dport;
	q->proto = d.proto;
	q->id = first->id;
	if (first->has_question) {
		q->qtype = first->qtype;
		snprintf(q->qname, sizeof q->qname, "%s", first->qname);
	}
	q->wire_len = e->wire_len;
	q->cap_len = e->cap_len;
	q->pkt = pkt;
	return 0;
}

/* The record's checks and its process: 0, *e (a copy) and q's process
 * fields, or -1 and *why.  A connect record's packet fields are not the
 * kernel's to fill (a ring buffer slot is not zeroed), so they are not
 * looked at. */
static int rec_read(const void *rec, size_t size, uint64_t real_offset_ns,
                    struct wn_watch_rec *e, struct wm_query *q,
                    const char **why)
{
	memset(q, 0, sizeof *q);
	if (!rec || size != sizeof *e) {
		*why = "record: not the size of one struct wn_watch_rec";
		return -1;
	}
	memcpy(e, rec, sizeof *e);
	if (e->kind != WN_EV_PACKET && e->kind != WN_EV_CONNECT) {
		*why = "record: unknown kind";
		return -1;
	}
	if (e->owner != WN_OWNER_CURRENT && e->owner != WN_OWNER_SOCKET &&
	    e->owner != WN_OWNER_NONE) {
		*why = "record: unknown owner";
		return -1;
	}
	q->t_ns = e->ts_ns + real_offset_ns;
	q->tgid = e->tgid;
	q->tid = e->tid;
	q->cgroup_id = e->cgroup_id;
	memcpy(q->comm, e->comm, sizeof q->comm - 1);
	q->comm[sizeof q->comm - 1] = '\0';
	q->owner = e->owner;
	q->kind = e->kind;
	*why = NULL;
	if (e->kind == WN_EV_PACKET &&
	    (e->cap_len > WN_EV_SNAP || e->cap_len > e->wire_len)) {
		*why = "packet record: cap_len past WN_EV_SNAP or wire_len";
		return -1;
	}
	return 0;
}

static const uint8_t *rec_pkt(const void *rec)
{
	return (const uint8_t *)rec + offsetof(struct wn_watch_rec, pkt);
}

int wm_query_from_event(const void *rec, size_t size, uint64_t real_offset_ns,
                        struct wm_query *q, const char **why)
{
	struct wn_watch_rec e;
	const char *dummy;

	if (!why)
		why = &dummy;
	if (rec_read(rec, size, real_offset_ns, &e, q, why) != 0)
		return -1;
	if (e.kind == WN_EV_CONNECT)
		return from_connect(&e, q, why);
	return from_packet(&e, rec_pkt(rec), q, why);
}

/* ---- TCP streams ---- */

struct wm_tcp {
	struct tcpdns *r;
	/* The record being fed, during wm_tcp_record() only: */
	const struct wm_query *rec;
	wm_query_fn fn;
	void *ctx;
	int yielded;
	const char *bad;       /* what else it completed: not a query, lost */
	struct dns_msg m;
};

/* A message (or lost bytes) the current record's segment completed. */
static void on_message(void *ctx, const struct tcpdns_out *o)
{
	struct wm_tcp *s = ctx;
	const char *w = NULL;

	if (!s->rec)
		return;
	if (o->kind == TCPDNS_LOST) {
		s->bad = o->why ? o->why : "tcp stream bytes lost";
		return;
	}
	memset(&s->m, 0, sizeof s->m);
	if (pkt_dns_message(o->p, o->len, o->claimed, &s->m, &w) != PKT_DNS) {
		s->bad = w ? w : "dns message";
		return;
	}
	if (s->m.qr || o->f->dport != 53) {
		s->bad = "not a query";
		return;
	}
	struct wm_query q = *s->rec;
	q.nmsgs = 1;
	q.id = s->m.id;
	if (s->m.has_question) {
		q.qtype = s->m.qtype;
		snprintf(q.qname, sizeof q.qname, "%s", s->m.qname);
	}
	if (s->yielded > 0) {   /* the packet went with the first */
		q.pkt = NULL;
		q.cap_len = 0;
	}
	s->yielded++;
	s->fn(s->ctx, &q);
}

struct wm_tcp *wm_tcp_new(void)
{
	struct wm_tcp *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->r = tcpdns_new(on_message, s);
	if (!s->r) {
		free(s);
		return NULL;
	}
	return s;
}

void wm_tcp_free(struct wm_tcp *s)
{
	if (!s)
		return;
	s->rec = NULL;
	tcpdns_free(s->r);
	free(s);
}

/* A TCP segment to or from port 53 (seg, in the record's packet pkt):
 * onto its stream, each query it completes to fn. */
static int from_segment(struct wm_tcp *s, const struct wn_watch_rec *e,
                        const struct pkt_seg *seg, const uint8_t *pkt,
                        wm_query_fn fn, void *ctx, struct wm_query *rq,
                        const char **why)
{
	rq->src = seg->f.src;
	rq->dst = seg->f.dst;
	rq->sport = seg->f.sport;
	rq->dport = seg->f.dport;
	rq->proto = seg->f.proto;
	rq->wire_len = e->wire_len;
	rq->cap_len = e->cap_len;
	rq->pkt = pkt;
	s->rec = rq;
	s->fn = fn;
	s->ctx = ctx;
	s->yielded = 0;
	s->bad = NULL;
	tcpdns_segment(s->r, seg, (double)rq->t_ns / 1e9);
	s->rec = NULL;
	if (s->yielded > 0) {
		rq->pkt = NULL;
		rq->cap_len = 0;
		*why = NULL;
		return s->yielded;
	}
	if (seg->claimed == 0) {
		*why = "tcp segment without payload";
		return -1;
	}
	*why = s->bad;
	return 0;
}

int wm_tcp_record(struct wm_tcp *s, const void *rec, size_t size,
                  uint64_t real_offset_ns, wm_query_fn fn, void *ctx,
                  struct wm_query *rq, const char **why)
{
	struct wn_watch_rec e;
	struct pkt_seg seg;
	const char *dummy, *w = NULL;

	if (!why)
		why = &dummy;
	if (rec_read(rec, size, real_offset_ns, &e, rq, why) != 0)
		return -1;
	if (e.kind == WN_EV_CONNECT) {
		if (from_connect(&e, rq, why) != 0)
			return -1;
		fn(ctx, rq);
		return 1;
	}
	const uint8_t *pkt = rec_pkt(rec);
	if (pkt_segment(PKT_LINK_RAW, pkt, e.cap_len, &seg, &w) == PKT_DNS &&
	    seg.f.proto == 6)
		return from_segment(s, &e, &seg, pkt, fn, ctx, rq, why);
	/* UDP, or no TCP segment on port 53: the record alone, as ever. */
	struct wm_query q = *rq;
	if (from_packet(&e, pkt, &q, why) != 0) {
		*rq = q;
		rq->nmsgs = 0;
		return -1;
	}
	*rq = q;
	rq->nmsgs = 0;
	rq->pkt = NULL;
	rq->cap_len = 0;
	fn(ctx, &q);
	return 1;
}

/* ---- judging it ---- */

static bool loopback(const struct pkt_addr *a)
{
	static const uint8_t one[16] = { [15] = 1 };
	if (a->family == 4)
		return a->a[0] == 127;
	return a->family == 6 && memcmp(a->a, one, sizeof one) == 0;
}

enum wm_class wm_classify(const struct wm_conf *conf, bool forwarder,
                          const struct pkt_addr *dst)
{
	if (forwarder || !conf)
		return WM_UNJUDGED;
	if (!wm_conf_lists(conf, dst))
		return WM_STALE;
	return loopback(dst) ? WM_LOCAL : WM_LISTED;
}

const char *wm_class_name(enum wm_class c)
{
	switch (c) {
	case WM_LISTED: return "listed";
	case WM_STALE: return "stale";
	case WM_LOCAL: return "local";
	case WM_UNJUDGED: return "unjudged";
	}
	return "?";
}

/* ---- the processes ---- */

const char *wm_verdict_name(enum wm_verdict v)
{
	switch (v) {
	case WMV_NO_QUERIES: return "NO QUERIES";
	case WMV_FOLLOWED: return "FOLLOWED";
	case WMV_STALE: return "STALE";
	case WMV_MIXED: return "MIXED";
	case WMV_LATE: return "LATE";
	case WMV_LOCAL: return "LOCAL";
	case WMV_FORWARDER: return "FORWARDER";
	case WMV_INCONCLUSIVE: return "INCONCLUSIVE";
	}
	return "?";
}

void wm_table_init(struct wm_table *t, uint64_t t0_ns)
{
	memset(t, 0, sizeof *t);
	t->t0_ns = t0_ns;
	t->bin_ns = WM_BIN_NS_MIN;
}

void wm_table_free(struct wm_table *t)
{
	for (size_t i = 0; i < t->n && i < WM_ROWS_MAX; i++) {
		free(t->rows[i]);
		t->rows[i] = NULL;
	}
	t->n = 0;
}

/* The caller counts a full table's queries in dropped_rows: only it
 * knows how many messages the record that found no row carried. */
struct wm_row *wm_table_row(struct wm_table *t, const struct wm_proc *p)
{
	for (size_t i = 0; i < t->n && i < WM_ROWS_MAX; i++)
		if (t->rows[i]->p.tgid == p->tgid && t->rows[i]->p.start == p->start)
			return t->rows[i];
	if (t->n >= WM_ROWS_MAX)
		return NULL;
	struct wm_row *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->p = *p;
	r->p.comm[sizeof r->p.comm - 1] = '\0';
	r->p.exe[sizeof r->p.exe - 1] = '\0';
	r->p.cgroup[sizeof r->p.cgroup - 1] = '\0';
	t->rows[t->n++] = r;
	return r;
}

static uint32_t sat_add(uint32_t a, uint64_t b)
{
	return b > UINT32_MAX - a ? UINT32_MAX : a + (uint32_t)b;
}

/* Every row's columns merged in pairs: the timeline at twice the width. */
static void merge_bins(struct wm_table *t)
{
	for (size_t i = 0; i < t->n && i < WM_ROWS_MAX; i++) {
		struct wm_bin *b = t->rows[i]->bins;
		for (size_t k = 0; k < WM_BINS / 2; k++) {
			struct wm_bin x = b[2 * k], y = b[2 * k + 1];
			b[k].listed = sat_add(x.listed, y.listed);
			b[k].stale = sat_add(x.stale, y.stale);
			b[k].local = sat_add(x.local, y.local);
			b[k].unjudged = sat_add(x.unjudged, y.unjudged);
		}
		memset(b + WM_BINS / 2, 0, (WM_BINS - WM_BINS / 2) * sizeof *b);
	}
	t->bin_ns *= 2;
}

/* The column of t_ns, the timeline widened until it has one. */
static size_t bin_of(struct wm_table *t, uint64_t t_ns)
{
	if (t->bin_ns < WM_BIN_NS_MIN)   /* a table not from wm_table_init */
		t->bin_ns = WM_BIN_NS_MIN;
	if (t_ns <= t->t0_ns)
		return 0;
	/* Ends before bin_ns could overflow: past 2^63, d / bin_ns < 2. */
	uint64_t d = t_ns - t->t0_ns;
	while (d / t->bin_ns >= WM_BINS)
		merge_bins(t);
	return (size_t)(d / t->bin_ns);
}

static void add_server(struct wm_row *r, const struct pkt_addr *a,
                       uint64_t m, bool stale)
{
	for (size_t i = 0; i < r->nservers && i < WM_SERVERS_MAX; i++)
		if (pkt_addr_eq(&r->servers[i].a, a)) {
			r->servers[i].queries += m;
			r->servers[i].stale += stale ? m : 0;
			return;
		}
	if (r->nservers >= WM_SERVERS_MAX) {
		r->other_servers += m;
		return;
	}
	struct wm_server_use *s = &r->servers[r->nservers++];
	s->a = *a;
	s->queries = m;
	s->stale = stale ? m : 0;
}

static void set_min(uint64_t *v, uint64_t t)
{
	if (*v == 0 || t < *v)
		*v = t;
}

static void set_max(uint64_t *v, uint64_t t)
{
	if (t > *v)
		*v = t;
}

/* The class's counters and times; listed includes local (above). */
static void add_class(struct wm_row *r, struct wm_bin *b, enum wm_class c,
                      uint64_t t, uint64_t m)
{
	switch (c) {
	case WM_STALE:
		r->stale += m;
		b->stale = sat_add(b->stale, m);
		set_min(&r->first_stale_ns, t);
		set_max(&r->last_stale_ns, t);
		return;
	case WM_LISTED:
	case WM_LOCAL:
		if (c == WM_LISTED) {
			r->listed += m;
			b->listed = sat_add(b->listed, m);
		} else {
			r->local += m;
			b->local = sat_add(b->local, m);
		}
		if (r->first_stale_ns && t >= r->first_stale_ns)
			r->listed_after_first_stale += m;
		set_max(&r->last_listed_ns, t);
		return;
	case WM_UNJUDGED:
		r->unjudged += m;
		b->unjudged = sat_add(b->unjudged, m);
		return;
	}
}

void wm_row_add(struct wm_table *t, struct wm_row *r, const struct wm_query *q,
                enum wm_class c, const struct wm_conf *conf)
{
	if (q->kind == WN_EV_CONNECT) {
		r->connects++;
		return;
	}
	if (q->nmsgs == 0)
		return;
	uint64_t m = q->nmsgs;
	if (conf) {
		r->conf = *conf;
		r->conf_known = true;
	}
	r->queries += m;
	set_min(&r->first_ns, q->t_ns);
	set_max(&r->last_ns, q->t_ns);
	/* The column first: widening the timeline merges this row's bins. */
	size_t col = bin_of(t, q->t_ns);
	add_class(r, &r->bins[col], c, q->t_ns, m);
	add_server(r, &q->dst, m, c == WM_STALE);
}

enum wm_verdict wm_row_verdict(const struct wm_row *r, uint64_t *since_ns)
{
	uint64_t dummy;
	if (!since_ns)
		since_ns = &dummy;
	*since_ns = 0;
	if (r->queries == 0)
		return WMV_NO_QUERIES;
	if (r->p.forwarder)
		return WMV_FORWARDER;
	if (r->stale > 0) {
		if (r->listed_after_first_stale == 0) {
			*since_ns = r->first_stale_ns;
			return WMV_STALE;
		}
		/* A stale and a listed query at the same nanosecond: which
		 * came last is not known, and MIXED is the safe reading. */
		if (r->last_stale_ns >= r->last_listed_ns) {
			*since_ns = r->first_stale_ns;
			return WMV_MIXED;
		}
		*since_ns = r->last_stale_ns;
		return WMV_LATE;
	}
	if (r->listed > 0)
		return WMV_FOLLOWED;
	if (r->local > 0)
		return WMV_LOCAL;
	return WMV_INCONCLUSIVE;
}

bool wm_row_needs_restart(const struct wm_row *r)
{
	enum wm_verdict v = wm_row_verdict(r, NULL);
	return v == WMV_STALE || v == WMV_MIXED;
}
