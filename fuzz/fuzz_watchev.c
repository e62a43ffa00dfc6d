/*
 * fuzz_watchev.c - whichns watch's kernel records and resolv.conf texts:
 * wm_query_from_event() (a ring-buffer record, struct wn_watch_rec, with
 * its packet decoded as a raw IP frame) and wm_conf_parse(), then the
 * query judged and counted in a table (wm_confhist_*, wm_classify,
 * wm_table_row, wm_row_add, wm_row_verdict) as harness/cmd_watch.c does;
 * and the record through the stream path (wm_tcp_record), as watch reads
 * it: whole, sent again, and an IPv4 TCP segment cut in two records.
 *
 * libfuzzer: -max_len=4096
 *
 * Input: the first byte is the size of wm_conf_render's buffer; then a
 * record: the next sizeof(struct wn_watch_rec) bytes (592 on x86-64), or
 * all that is left when fewer (a record of a wrong size); then the text
 * of the process's resolv.conf.  Everything after the first byte is also
 * read as a resolv.conf text of its own.
 *
 * Beyond not crashing, watchmodel.h promises:
 * - a record of any other size is refused; a refused record has a why;
 * - a query taken has a known kind and owner, a NUL-terminated comm and
 *   qname; a packet: 1 to PKT_MSGS_MAX messages to port 53, IPv4 or IPv6
 *   addresses, its bytes inside the record (cap_len <= WN_EV_SNAP and
 *   wire_len); a connect: no message, an IPv4 or IPv6 server;
 * - a conf has 1 to WM_CONF_MAX servers, each IPv4 or IPv6; defaulted
 *   means exactly 127.0.0.1; it lists each of its servers, equals itself,
 *   and renders NUL-terminated within any buffer; its servers written as
 *   nameserver lines read back as the same servers;
 * - the version in force is the one handed in; a row's counts by class
 *   sum to its queries, its servers' (with other_servers) too, and so do
 *   its timeline bins; a verdict has a name, and the row needs a restart
 *   exactly when it is STALE or MIXED;
 * - wm_tcp_record hands fn exactly as many queries as it returns, each
 *   taken as above (a TCP one: one message, its process the record's),
 *   the packet with the first only and else back in rec_q; a UDP or
 *   connect record yields what wm_query_from_event() read; a TCP segment
 *   (no SYN, FIN, RST) sent again yields nothing, and cut in two (first
 *   byte of input: where) yields, over both halves, what it did whole.
 */
#include <stdbool.h>
#include "fuzz.h"
#include "watchev.h"
#include "watchmodel.h"

static void check_conf(const struct wm_conf *c, size_t small)
{
	static struct wm_conf again;
	char lines[WM_CONF_MAX * 64], addr[64];
	size_t at = 0;

	FUZZ_CHECK(c->n >= 1 && c->n <= WM_CONF_MAX, "%zu servers", c->n);
	for (size_t i = 0; i < c->n; i++) {
		FUZZ_CHECK(c->ns[i].family == 4 || c->ns[i].family == 6,
		           "server %zu family %d", i, c->ns[i].family);
		FUZZ_CHECK(wm_conf_lists(c, &c->ns[i]), "server %zu not listed", i);
		at += (size_t)snprintf(lines + at, sizeof lines - at,
		                       "nameserver %s\n", pkt_addr_str(&c->ns[i],
		                       addr, sizeof addr));
	}
	if (c->defaulted) {
		struct pkt_addr lo;
		pkt_addr_parse("127.0.0.1", &lo);
		FUZZ_CHECK(c->n == 1 && pkt_addr_eq(&c->ns[0], &lo), "default");
	}
	FUZZ_CHECK(wm_conf_equal(c, c), "not equal to itself");
	wm_conf_parse(lines, at, &again);
	FUZZ_CHECK(again.n == c->n && !again.defaulted, "read back: %zu of %zu",
	           again.n, c->n);
	for (size_t i = 0; i < c->n; i++)
		FUZZ_CHECK(pkt_addr_eq(&again.ns[i], &c->ns[i]), "server %zu", i);

	char *buf = malloc(small ? small : 1);   /* exact: overruns show */
	if (!buf)
		abort();
	wm_conf_render(c, buf, small);
	FUZZ_CHECK(small == 0 || memchr(buf, '\0', small) != NULL,
	           "render not NUL-terminated in %zu", small);
	free(buf);
}

static void check_query(const struct wm_query *q, const uint8_t *rec)
{
	FUZZ_CHECK_STR(q->comm);
	FUZZ_CHECK_STR(q->qname);
	FUZZ_CHECK(q->owner >= WN_OWNER_CURRENT && q->owner <= WN_OWNER_NONE,
	           "owner %d", q->owner);
	FUZZ_CHECK(q->dst.family == 4 || q->dst.family == 6, "dst family %d",
	           q->dst.family);
	if (q->kind == WN_EV_CONNECT) {
		FUZZ_CHECK(q->nmsgs == 0, "connect with %u messages", q->nmsgs);
		return;
	}
	FUZZ_CHECK(q->kind == WN_EV_PACKET, "kind %d", q->kind);
	FUZZ_CHECK(q->nmsgs >= 1 && q->nmsgs <= PKT_MSGS_MAX, "%u messages",
	           q->nmsgs);
	FUZZ_CHECK(q->dport == 53, "port %u", q->dport);
	FUZZ_CHECK(q->src.family == q->dst.family, "families %d %d",
	           q->src.family, q->dst.family);
	FUZZ_CHECK(q->pkt == rec + offsetof(struct wn_watch_rec, pkt),
	           "packet not in the record");
	FUZZ_CHECK(q->cap_len <= WN_EV_SNAP && q->cap_len <= q->wire_len,
	           "cap_len %u wire_len %u", q->cap_len, q->wire_len);
}

/* ---- the stream path ---- */

struct yield {
	const uint8_t *rec;
	unsigned n;
	struct wm_query first;
};

static void on_query(void *ctx, const struct wm_query *q)
{
	struct yield *y = ctx;

	FUZZ_CHECK(y->n < 100000, "endless");
	if (q->kind == WN_EV_PACKET && q->proto == 6) {
		FUZZ_CHECK(q->nmsgs == 1, "tcp query of %u messages", q->nmsgs);
		FUZZ_CHECK(q->dport == 53, "port %u", q->dport);
		FUZZ_CHECK(y->n == 0 ? q->pkt != NULL : q->pkt == NULL,
		           "packet with query %u", y->n);
	}
	FUZZ_CHECK_STR(q->comm);
	FUZZ_CHECK_STR(q->qname);
	if (q->pkt)
		check_query(q, y->rec);
	if (y->n == 0)
		y->first = *q;
	y->n++;
}

/* One record (size bytes at rec) on stream s: the queries yielded. */
static int stream_feed(struct wm_tcp *s, const uint8_t *rec, size_t size,
                       struct yield *y)
{
	struct wm_query rq;
	const char *why = NULL;

	memset(y, 0, sizeof *y);
	y->rec = rec;
	int rc = wm_tcp_record(s, rec, size, 1000000000ull, on_query, y, &rq,
	                       &why);
	FUZZ_CHECK(rc >= -1, "rc %d", rc);
	if (rc < 0) {
		FUZZ_CHECK(why && why[0] && y->n == 0, "refused: %u yielded", y->n);
		return rc;
	}
	FUZZ_CHECK((unsigned)rc == y->n, "returned %d, yielded %u", rc, y->n);
	FUZZ_CHECK(rq.nmsgs == 0, "record with %u messages", rq.nmsgs);
	if (rq.kind == WN_EV_PACKET)
		FUZZ_CHECK((rq.pkt != NULL) == (rc == 0), "packet kept by %d", rc);
	return rc;
}

/* The record's IPv4 TCP segment cut after k payload bytes into two
 * records, fed in order: the queries they yield together. */
static unsigned stream_cut(const uint8_t *rec, const struct pkt_seg *seg,
                           size_t k)
{
	static struct wn_watch_rec e[2];
	const size_t at = offsetof(struct wn_watch_rec, pkt);
	const uint8_t *pkt = rec + at;
	size_t pay = (size_t)(seg->p - pkt), n = seg->present;
	size_t thl = (size_t)(pkt[0] & 0x0f) * 4;
	struct yield y;
	unsigned total = 0;

	memcpy(&e[0], rec, sizeof e[0]);
	memcpy(&e[1], rec, sizeof e[1]);
	for (int i = 0; i < 2; i++) {
		size_t from = i ? k : 0, len = i ? n - k : k;
		uint32_t seq = seg->seq + (uint32_t)from;
		memmove(e[i].pkt + pay, pkt + pay + from, len);
		e[i].cap_len = e[i].wire_len = (uint32_t)(pay + len);
		e[i].pkt[2] = (uint8_t)((pay + len) >> 8);
		e[i].pkt[3] = (uint8_t)(pay + len);
		e[i].pkt[thl + 4] = (uint8_t)(seq >> 24);
		e[i].pkt[thl + 5] = (uint8_t)(seq >> 16);
		e[i].pkt[thl + 6] = (uint8_t)(seq >> 8);
		e[i].pkt[thl + 7] = (uint8_t)seq;
	}
	struct wm_tcp *s = wm_tcp_new();
	if (!s)
		abort();
	for (int i = 0; i < 2; i++)
		if (stream_feed(s, (const uint8_t *)&e[i], sizeof e[i], &y) > 0)
			total += y.n;
	wm_tcp_free(s);
	return total;
}

static bool same(const struct wm_query *x, const struct wm_query *y)
{
	return x->t_ns == y->t_ns && x->tgid == y->tgid && x->tid == y->tid &&
	       x->kind == y->kind && x->nmsgs == y->nmsgs && x->id == y->id &&
	       x->qtype == y->qtype && strcmp(x->qname, y->qname) == 0 &&
	       pkt_addr_eq(&x->dst, &y->dst) && x->dport == y->dport &&
	       x->pkt == y->pkt && x->cap_len == y->cap_len;
}

static void stream(const uint8_t *rec, size_t rlen, int rc,
                   const struct wm_query *q, uint8_t where)
{
	struct wm_tcp *s = wm_tcp_new();
	struct yield y;
	struct pkt_seg seg;
	const char *why;

	if (!s)
		abort();
	int n = stream_feed(s, rec, rlen, &y);
	bool tcp = rlen == sizeof(struct wn_watch_rec) && n >= 0 &&
	           ((const struct wn_watch_rec *)(const void *)rec)->kind ==
	           WN_EV_PACKET &&
	           pkt_segment(PKT_LINK_RAW, rec + offsetof(struct wn_watch_rec,
	                       pkt), ((const struct wn_watch_rec *)(const void *)
	                       rec)->cap_len, &seg, &why) == PKT_DNS &&
	           seg.f.proto == 6;
	if (!tcp) {
		FUZZ_CHECK(n == (rc == 0 ? 1 : -1), "%d yielded, read alone %d",
		           n, rc);
		if (rc == 0)
			FUZZ_CHECK(same(&y.first, q), "not the query read alone");
		wm_tcp_free(s);
		return;
	}
	bool plain = !(seg.tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST));
	int whole = n;
	n = stream_feed(s, rec, rlen, &y);
	if (plain && seg.present > 0)
		FUZZ_CHECK(n == 0, "sent again: %d yielded", n);
	wm_tcp_free(s);
	const struct wn_watch_rec *e = (const void *)rec;
	const uint8_t *ip = rec + offsetof(struct wn_watch_rec, pkt);
	if (plain && seg.present > 1 && seg.present == seg.claimed &&
	    e->cap_len == e->wire_len && (ip[0] >> 4) == 4 &&
	    (ip[6] & 0x3f) == 0 && ip[7] == 0) {   /* not a fragment */
		size_t k = 1 + where % (seg.present - 1);
		unsigned cut = stream_cut(rec, &seg, k);
		FUZZ_CHECK(cut == (unsigned)whole, "cut at %zu: %u, whole: %d",
		           k, cut, whole);
	}
}

static void check_row(const struct wm_table *t, const struct wm_row *r)
{
	uint64_t bins = 0, servers = r->other_servers;
	for (size_t i = 0; i < WM_BINS; i++)
		bins += (uint64_t)r->bins[i].listed + r->bins[i].stale +
		        r->bins[i].local + r->bins[i].unjudged;
	for (size_t i = 0; i < r->nservers; i++)
		servers += r->servers[i].queries;
	FUZZ_CHECK(r->listed + r->stale + r->local + r->unjudged == r->queries,
	           "classes do not sum to %llu", (unsigned long long)r->queries);
	FUZZ_CHECK(servers == r->queries, "servers %llu of %llu",
	           (unsigned long long)servers, (unsigned long long)r->queries);
	FUZZ_CHECK(bins == r->queries, "bins %llu of %llu",
	           (unsigned long long)bins, (unsigned long long)r->queries);
	FUZZ_CHECK(t->bin_ns >= WM_BIN_NS_MIN, "bin width %llu",
	           (unsigned long long)t->bin_ns);
	enum wm_verdict v = wm_row_verdict(r, NULL);
	FUZZ_CHECK(strcmp(wm_verdict_name(v), "?") != 0, "verdict %d", (int)v);
	FUZZ_CHECK(wm_row_needs_restart(r) == (v == WMV_STALE || v == WMV_MIXED),
	           "restart and %s", wm_verdict_name(v));
}

/* The query judged by the file (switched a second before it) and
 * counted twice: the second time a minute later. */
static void judge(const struct wm_query *q, const struct wm_conf *conf)
{
	static struct wm_table t;
	static struct wm_confhist h;
	static const struct wm_conf none;   /* n 0: lists nothing */
	struct wm_proc p;
	struct wm_query later = *q;

	memset(&h, 0, sizeof h);
	wm_confhist_update(&h, 0, &none);
	wm_confhist_update(&h, q->t_ns > 1000000000u ? q->t_ns - 1000000000u : 0,
	                   conf);
	const struct wm_conf *at = wm_confhist_at(&h, q->t_ns);
	FUZZ_CHECK(at == &h.cur.conf || wm_conf_equal(conf, &none),
	           "the file in force is not the new one");
	memset(&p, 0, sizeof p);
	p.tgid = q->tgid;
	memcpy(p.comm, q->comm, sizeof p.comm);
	p.forwarder = q->tid & 1;
	wm_table_init(&t, q->t_ns / 2);
	struct wm_row *r = wm_table_row(&t, &p);
	if (!r)
		abort();
	wm_row_add(&t, r, q, wm_classify(at, p.forwarder, &q->dst), at);
	later.t_ns = q->t_ns + 60000000000ull;
	if (later.t_ns < q->t_ns)
		later.t_ns = UINT64_MAX;
	wm_row_add(&t, r, &later, wm_classify(at, false, &later.dst), at);
	check_row(&t, r);
	wm_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wm_conf conf, whole;
	struct wm_query q;
	const char *why = NULL;

	if (size < 1)
		return 0;
	size_t small = data[0];
	data++;
	size--;
	char *text = fuzz_text(data, size);
	wm_conf_parse(text, size, &whole);
	check_conf(&whole, small);
	free(text);

	size_t rlen = size < sizeof(struct wn_watch_rec) ? size
	            : sizeof(struct wn_watch_rec);
	uint8_t *rec = malloc(rlen ? rlen : 1);   /* exact: overruns show */
	if (!rec)
		abort();
	memcpy(rec, data, rlen);
	text = fuzz_text(data + rlen, size - rlen);
	wm_conf_parse(text, size - rlen, &conf);
	free(text);

	int rc = wm_query_from_event(rec, rlen, 1000000000ull, &q, &why);
	if (rlen != sizeof(struct wn_watch_rec))
		FUZZ_CHECK(rc == -1, "a record of %zu bytes taken", rlen);
	if (rc != 0) {
		FUZZ_CHECK(rc == -1 && why && why[0], "refused without a why");
	} else {
		check_query(&q, rec);
		judge(&q, &conf);
	}
	stream(rec, rlen, rc, &q, (uint8_t)small);
	free(rec);
	return 0;
}
