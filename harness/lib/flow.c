/* flow.c - from frames to DNS messages; see flow.h. */
#include <stdlib.h>

#include "flow.h"

struct flow {
	flow_fn  fn;
	void    *ctx;
	struct tcpdns *tcp;     /* made at the first TCP segment: most
	                         * captures have none, and its 124 KB would
	                         * be zeroed for nothing */
	struct flow_stats st;
	struct dns_msg msg;     /* every message is parsed into this one */
};

static void bad(struct flow *fl, enum pkt_status st, const char *why)
{
	fl->st.bad[st <= PKT_UNSUPPORTED ? st : PKT_UNSUPPORTED]++;
	if (fl->st.first_bad_packet == 0) {
		fl->st.first_bad_packet = fl->st.packets;
		fl->st.first_bad_status = st;
		fl->st.first_bad_why = why ? why : "?";
	}
}

static void message(struct flow *fl, const struct pkt_flow *f, const uint8_t *p,
                    size_t present, size_t claimed, double t)
{
	const char *why;
	enum pkt_status st = pkt_dns_message(p, present, claimed, &fl->msg, &why);

	if (st != PKT_DNS) {
		bad(fl, st, why);
		return;
	}
	fl->st.messages++;
	fl->st.cut += fl->msg.cut;
	struct flow_msg fm = { f, &fl->msg, t };
	fl->fn(fl->ctx, &fm);
}

static void on_tcp(void *ctx, const struct tcpdns_out *o)
{
	struct flow *fl = ctx;

	if (o->kind == TCPDNS_LOST)
		bad(fl, PKT_TRUNCATED, o->why);
	else
		message(fl, o->f, o->p, o->len, o->claimed, o->t);
}

void flow_frame(struct flow *fl, int linktype, const uint8_t *frame,
                size_t caplen, double t)
{
	struct pkt_seg seg;
	const char *why;

	fl->st.packets++;
	enum pkt_status st = pkt_segment(linktype, frame, caplen, &seg, &why);
	if (st == PKT_DNS && seg.f.proto == 6) {
		fl->st.not_dns += seg.claimed == 0;
		if (!fl->tcp && !(fl->tcp = tcpdns_new(on_tcp, fl)))
			bad(fl, PKT_TRUNCATED, "no memory to reassemble DNS over TCP");
		else
			tcpdns_segment(fl->tcp, &seg, t);
	} else if (st == PKT_DNS) {
		message(fl, &seg.f, seg.p, seg.present, seg.claimed, t);
	} else if (st == PKT_SKIP) {
		fl->st.not_dns++;
	} else {
		bad(fl, st, why);
	}
}

void flow_finish(struct flow *fl)
{
	if (fl->tcp)
		tcpdns_finish(fl->tcp);
}

const struct flow_stats *flow_stats(struct flow *fl)
{
	if (fl->tcp)
		fl->st.tcp = *tcpdns_stats(fl->tcp);
	return &fl->st;
}

struct flow *flow_new(flow_fn fn, void *ctx)
{
	struct flow *fl = calloc(1, sizeof *fl);

	if (!fl)
		return NULL;
	fl->fn = fn;
	fl->ctx = ctx;
	return fl;
}

void flow_free(struct flow *fl)
{
	if (!fl)
		return;
	tcpdns_free(fl->tcp);
	free(fl);
}
