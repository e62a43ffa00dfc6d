/* events.c - DNS messages as timeline events; see events.h. */
#include <string.h>
#include "events.h"
#include "wnconst.h"

const char *events_server_name(enum vd_server s)
{
	return s == VD_OLD ? "old" : s == VD_NEW ? "new" : "other";
}

int events_add_server(struct wn_servers *s, enum vd_server which, const char *addr)
{
	struct pkt_addr a;
	if (pkt_addr_parse(addr, &a) != 0)
		return -1;
	if (which == VD_OLD && s->nold < 2)
		s->old[s->nold++] = a;
	else if (which == VD_NEW && s->nnew < 2)
		s->new[s->nnew++] = a;
	else
		return -1;
	return 0;
}

void events_default_servers(struct wn_servers *s)
{
	memset(s, 0, sizeof *s);
	events_add_server(s, VD_OLD, WN_OLD4);
	events_add_server(s, VD_OLD, WN_OLD6);
	events_add_server(s, VD_NEW, WN_NEW4);
	events_add_server(s, VD_NEW, WN_NEW6);
}

enum vd_server events_classify(const struct wn_servers *s, const struct pkt_addr *a)
{
	for (size_t i = 0; i < s->nold; i++)
		if (pkt_addr_eq(&s->old[i], a))
			return VD_OLD;
	for (size_t i = 0; i < s->nnew; i++)
		if (pkt_addr_eq(&s->new[i], a))
			return VD_NEW;
	return VD_OTHER;
}

static void join_answers(const struct dns_msg *m, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->nanswers; i++) {
		const char *d = m->answers[i].data;
		if (!*d)
			continue;
		int k = snprintf(buf + n, size - n, "%s%s", n ? "," : "", d);
		if (k < 0 || (size_t)k >= size - n) {
			buf[n] = '\0';   /* keep whole answers only */
			return;
		}
		n += (size_t)k;
	}
}

size_t events_from_frame(const struct pkt_dns *p, double t,
                         const struct wn_servers *s,
                         struct wn_event out[PKT_MSGS_MAX])
{
	for (size_t i = 0; i < p->nmsgs; i++) {
		const struct dns_msg *m = &p->msgs[i];
		struct wn_event *e = &out[i];
		e->t = t;
		e->src = p->src;
		e->dst = p->dst;
		e->sport = p->sport;
		e->dport = p->dport;
		e->proto = p->proto;
		e->id = m->id;
		e->qr = m->qr;
		snprintf(e->qname, sizeof e->qname, "%s",
		         m->has_question ? m->qname : "");
		e->qtype = m->has_question ? m->qtype : 0;
		e->rcode = m->rcode;
		join_answers(m, e->answers, sizeof e->answers);
		e->server = events_classify(s, m->qr ? &p->src : &p->dst);
	}
	return p->nmsgs;
}

void events_to_query(const struct wn_event *e, struct vd_query *q)
{
	q->t = e->t;
	q->to = e->server;
	q->id = e->id;
	q->qtype = e->qtype;
	q->qname_hash = vd_hash_name(e->qname);
	q->retrans = false;
}

void events_tsv_header(FILE *f)
{
	fputs("time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid"
	      "\tqname\tqtype\trcode\tanswers\n", f);
}

void events_tsv(FILE *f, const struct wn_event *e, double t_switch)
{
	char src[64], dst[64], type[16], rel[32] = "";
	if (t_switch >= 0)
		snprintf(rel, sizeof rel, "%.3f", (e->t - t_switch) * 1000.0);
	fprintf(f, "%.6f\t%s\t%s\t%s\t%s:%u\t%s:%u\t%s\t%u\t%s\t%s\t%s\t%s\n",
	        e->t, rel, events_server_name(e->server),
	        e->qr ? "response" : "query",
	        pkt_addr_str(&e->src, src, sizeof src), e->sport,
	        pkt_addr_str(&e->dst, dst, sizeof dst), e->dport,
	        e->proto == 6 ? "tcp" : "udp", e->id,
	        e->qname[0] ? e->qname : "-", dns_type_name(e->qtype, type, sizeof type),
	        e->qr ? dns_rcode_name(e->rcode) : "-",
	        e->answers[0] ? e->answers : "-");
}
