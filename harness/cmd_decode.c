/*
 * cmd_decode.c - whichns decode: a capture taken anywhere (tcpdump,
 * Wireshark, a case's capture.pcap) to the timeline of a case's events.tsv
 * and, given the switch time, the verdict a case would give it.
 *
 * Owns: reading the file through libpcap (pcap and pcapng, no privilege),
 * the per-packet loop, and decode's outputs.
 * Never: keeps a record per message.  Each packet is decoded, written and
 * forgotten; only the queries (24 bytes each) are kept, and only when a
 * verdict is asked for, so millions of packets cost little memory.
 *
 * The verdict is decided as case.c decides it (queries only, capture
 * order, retransmissions marked, verdict_decide()); what a file cannot
 * tell (dropped packets, when the process ended, what it printed) is left
 * out, so the wire verdict is what decode gives.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>
#include "cli.h"
#include "commands.h"
#include "events.h"
#include "runfolder.h"
#include "timeline.h"

#define OUT_BUFFER (1 << 20)

static const char usage_text[] =
"usage: whichns decode [--old addr]... [--new addr]... [--switch time]\n"
"                      [--window seconds] [--only type] [--format tsv|json]\n"
"                      [-o dir] file\n";

static const char help_text[] =
"\n"
"Decode the DNS messages of a capture file (pcap or pcapng, from tcpdump,\n"
"Wireshark or a case's capture.pcap) into the timeline of a case's\n"
"events.tsv; with --switch, the verdict a case would give it.\n"
"\n"
"  --old ADDR        an address of the old server (repeatable, at most 2)\n"
"  --new ADDR        an address of the new server (repeatable, at most 2)\n"
"                    (neither given: whichns's own, 198.51.100.10 and .20\n"
"                    and their IPv6 twins)\n"
"  --switch TIME     when resolv.conf was switched, epoch seconds on the\n"
"                    capture's clock (switch_time in a case's result.txt)\n"
"  --window SECONDS  count queries only this long after the switch\n"
"                    (default: to the end of the capture; for a case with a\n"
"                    fresh process, its scenario's window)\n"
"  --only TYPE       the verdict counts queries of this type only (MX, A...),\n"
"                    as a case with \"only TYPE\" does\n"
"  --format FMT      tsv (default, as events.tsv) or json (one object a line)\n"
"  -o DIR            write DIR/events.tsv, events.json, timeline.svg and\n"
"                    decode.txt instead of the timeline on stdout\n"
"\n"
"The summary (packets, queries per server, malformed packets, verdict)\n"
"goes to stderr, or to DIR/decode.txt.  Exit status: 0 decoded (a\n"
"truncated capture or one without DNS is a warning); 2 bad usage or a file\n"
"that is not a capture; 3 output could not be written.\n";

struct decode_opts {
	const char *file, *outdir;
	struct wn_servers servers;
	bool   switched, windowed, json;
	double t_switch, window;
	uint16_t only_qtype;        /* 0: every query type */
	const char *only;
};

struct decode_stats {
	unsigned long long packets, messages, partial, beyond_window;
	unsigned long long queries[3], responses[3];   /* by enum vd_server */
	unsigned long long by_status[PKT_UNSUPPORTED + 1];
	unsigned long long first_bad_packet;
	const char *first_bad_why;
	enum pkt_status first_bad_status;
	double t_first, t_last;
	bool   out_of_order;
	char   cut[PCAP_ERRBUF_SIZE + 64];  /* why reading stopped early */
	bool   truncated;
};

struct decoder {
	const struct decode_opts *o;
	int    linktype;
	FILE  *tsv, *json;          /* either may be NULL */
	struct timeline *tl;        /* NULL: no picture */
	struct vd_query *q;
	size_t nq, qcap;
	bool   oom;
	struct decode_stats st;
	/* Reused for every packet: no allocation in the loop. */
	struct pkt_dns  pkt;
	struct wn_event ev[PKT_MSGS_MAX];
};

#define usage_error(...) cli_usage_error(usage_text, __VA_ARGS__)

/* Epoch seconds or a duration: a plain finite decimal number, > 0. */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int add_server(struct wn_servers *s, enum vd_server which,
                      const char *addr)
{
	const char *opt = which == VD_OLD ? "--old" : "--new";
	struct pkt_addr a;
	if (pkt_addr_parse(addr, &a) != 0)
		return usage_error("bad %s address '%s': expected an IPv4 or IPv6 "
		                   "address", opt, addr);
	if (events_add_server(s, which, addr) != 0)
		return usage_error("at most 2 %s addresses", opt);
	return 0;
}

static int parse_args(int argc, char **argv, struct decode_opts *o)
{
	static const struct option opts[] = {
		{ "old", required_argument, NULL, 'O' },
		{ "new", required_argument, NULL, 'N' },
		{ "switch", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'F' },
		{ "only", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;   /* our own one-line messages, named "whichns" */
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'O':
		case 'N':
			if ((rc = add_server(&o->servers, c == 'O' ? VD_OLD : VD_NEW,
			                     optarg)) != 0)
				return rc;
			break;
		case 's':
			if (parse_seconds(optarg, &o->t_switch) != 0)
				return usage_error("bad --switch '%s': expected epoch "
				                   "seconds such as 1795663444.850095",
				                   optarg);
			o->switched = true;
			break;
		case 'w':
			if (parse_seconds(optarg, &o->window) != 0)
				return usage_error("bad --window '%s': expected seconds "
				                   "> 0", optarg);
			o->windowed = true;
			break;
		case 'F':
			if (strcmp(optarg, "tsv") != 0 && strcmp(optarg, "json") != 0)
				return usage_error("bad --format '%s': expected tsv or "
				                   "json", optarg);
			o->json = optarg[0] == 'j';
			break;
		case 'T':
			if (dns_type_parse(optarg, &o->only_qtype) != 0)
				return usage_error("bad --only '%s': expected a query type "
				                   "such as A, AAAA, MX, NS or TYPE65", optarg);
			o->only = optarg;
			break;
		case 'o': o->outdir = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return -1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage_error("decode needs a capture file");
	if (argc - optind > 1)
		return usage_error("decode takes one capture file, not %d",
		                   argc - optind);
	if ((o->windowed || o->only) && !o->switched)
		return usage_error("--%s is about the verdict: give --switch TIME "
		                   "too", o->windowed ? "window" : "only");
	o->file = argv[optind];
	if (!o->servers.nold && !o->servers.nnew)
		events_default_servers(&o->servers);
	return 0;
}

static bool link_supported(int dlt)
{
	switch (dlt) {
	case PKT_LINK_NULL: case PKT_LINK_EN10MB: case PKT_LINK_RAW:
	case PKT_LINK_RAW_ALT: case PKT_LINK_LINUX_SLL: case PKT_LINK_LINUX_SLL2:
	case PKT_LINK_IPV4: case PKT_LINK_IPV6:
		return true;
	}
	return false;
}

static pcap_t *open_capture(const char *file, int *status)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	FILE *fp = fopen(file, "rbe");
	struct stat sb;

	*status = EXIT_USAGE;
	if (!fp) {
		fprintf(stderr, "whichns: cannot read %s: %s\n", file, strerror(errno));
		return NULL;
	}
	/* libpcap's words for these ("truncated dump file") would mislead. */
	if (fstat(fileno(fp), &sb) == 0 && (S_ISDIR(sb.st_mode) ||
	    (S_ISREG(sb.st_mode) && sb.st_size == 0))) {
		if (S_ISDIR(sb.st_mode))
			fprintf(stderr, "whichns: cannot read %s: %s\n", file,
			        strerror(EISDIR));
		else
			fprintf(stderr, "whichns: %s: empty file, not a capture\n", file);
		fclose(fp);
		return NULL;
	}
	/* Nanoseconds where the file has them; microsecond files give the
	 * same doubles as a case computes from tv_usec. */
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp,
	                PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p) {
		fprintf(stderr, "whichns: %s: not a capture file libpcap can read "
		        "(%s)\n", file, ebuf);
		fclose(fp);
		return NULL;
	}
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "whichns: %s: link type %s (%d) is not decoded; "
		        "Ethernet, Linux cooked (SLL, SLL2), raw IP and BSD loopback "
		        "are\n", file, name ? name : "unknown", dlt);
		pcap_close(p);   /* closes fp */
		return NULL;
	}
	*status = 0;
	return p;
}

static int keep_query(struct decoder *d, const struct wn_event *e)
{
	if (d->nq == d->qcap) {
		size_t ncap = d->qcap ? d->qcap * 2 : 4096;
		struct vd_query *nq = realloc(d->q, ncap * sizeof *nq);
		if (!nq)
			return -1;
		d->q = nq;
		d->qcap = ncap;
	}
	events_to_query(e, &d->q[d->nq]);
	if (d->nq && d->q[d->nq].t < d->q[d->nq - 1].t)
		d->st.out_of_order = true;
	d->nq++;
	return 0;
}

static void on_event(struct decoder *d, const struct wn_event *e)
{
	const struct decode_opts *o = d->o;
	double rel = o->switched ? o->t_switch : -1;

	d->st.messages++;
	(e->qr ? d->st.responses : d->st.queries)[e->server]++;
	if (d->tsv)
		events_tsv(d->tsv, e, rel);
	if (d->json)
		events_json(d->json, e, rel);
	if (d->tl)
		timeline_add_event(d->tl, e);
	if (!o->switched || e->qr || d->oom ||
	    (o->only_qtype && e->qtype != o->only_qtype))
		return;
	if (o->windowed && e->t > o->t_switch + o->window) {
		d->st.beyond_window++;
		return;
	}
	if (keep_query(d, e) != 0)
		d->oom = true;
}

static void on_packet(struct decoder *d, const struct pcap_pkthdr *h,
                      const uint8_t *bytes)
{
	struct decode_stats *st = &d->st;
	const char *why;
	/* tv_usec holds nanoseconds: the file was opened with nanosecond
	 * precision. */
	double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e9;

	if (st->packets++ == 0)
		st->t_first = st->t_last = t;
	if (t > st->t_last)
		st->t_last = t;
	if (t < st->t_first)
		st->t_first = t;
	enum pkt_status s = pkt_decode(d->linktype, bytes, h->caplen, &d->pkt, &why);
	st->by_status[s <= PKT_UNSUPPORTED ? s : PKT_UNSUPPORTED]++;
	if (s == PKT_DNS && d->pkt.partial)
		st->partial++;
	if ((s != PKT_DNS && s != PKT_SKIP) || (s == PKT_DNS && d->pkt.partial)) {
		if (!st->first_bad_why) {
			st->first_bad_packet = st->packets;
			st->first_bad_why = why ? why : "?";
			st->first_bad_status = s;
		}
	}
	if (s != PKT_DNS)
		return;
	size_t n = events_from_frame(&d->pkt, t, &d->o->servers, d->ev);
	for (size_t i = 0; i < n; i++)
		on_event(d, &d->ev[i]);
}

static void print_servers(FILE *f, const char *key, const struct pkt_addr *a,
                          size_t n)
{
	char buf[64];
	fprintf(f, "%s\t", key);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", pkt_addr_str(&a[i], buf, sizeof buf));
	fputc('\n', f);
}

/* "key<TAB>value" lines, as a case's result.txt, so the same tools read
 * both. */
static void write_summary(FILE *f, const struct decoder *d,
                          const struct vd_result *vr)
{
	const struct decode_opts *o = d->o;
	const struct decode_stats *st = &d->st;
	const char *link = pcap_datalink_val_to_name(d->linktype);

	fprintf(f, "file\t%s\n", o->file);
	fprintf(f, "link\t%s\n", link ? link : "unknown");
	fprintf(f, "packets\t%llu\n", st->packets);
	if (st->truncated)
		fprintf(f, "truncated\tyes: %s\n", st->cut);
	else
		fputs("truncated\tno\n", f);
	if (st->packets)
		fprintf(f, "first_packet\t%.6f\nlast_packet\t%.6f\n",
		        st->t_first, st->t_last);
	print_servers(f, "old", o->servers.old, o->servers.nold);
	print_servers(f, "new", o->servers.new, o->servers.nnew);
	fprintf(f, "dns_messages\t%llu\n", st->messages);
	for (int s = VD_OLD; s <= VD_OTHER; s++)
		fprintf(f, "queries_%s\t%llu\n", events_server_name(s), st->queries[s]);
	for (int s = VD_OLD; s <= VD_OTHER; s++)
		fprintf(f, "responses_%s\t%llu\n", events_server_name(s),
		        st->responses[s]);
	fprintf(f, "not_dns\t%llu\n", st->by_status[PKT_SKIP]);
	fprintf(f, "malformed\t%llu\n", st->by_status[PKT_TRUNCATED] +
	        st->by_status[PKT_INVALID] + st->by_status[PKT_UNSUPPORTED]);
	for (int s = PKT_TRUNCATED; s <= PKT_UNSUPPORTED; s++)
		fprintf(f, "malformed_%s\t%llu\n", pkt_status_name(s), st->by_status[s]);
	fprintf(f, "tcp_partial\t%llu\n", st->partial);
	if (st->first_bad_why)
		fprintf(f, "first_malformed\tpacket %llu: %s: %s\n",
		        st->first_bad_packet, pkt_status_name(st->first_bad_status),
		        st->first_bad_why);
	if (!vr) {
		fputs("verdict\tnone: give --switch TIME for a verdict\n", f);
		return;
	}
	fprintf(f, "switch_time\t%.6f\n", o->t_switch);
	if (o->only)
		fprintf(f, "only\t%s\n", o->only);
	if (o->windowed)
		fprintf(f, "window_s\t%g\nqueries_beyond_window\t%llu\n", o->window,
		        st->beyond_window);
	if (st->out_of_order)
		fputs("note\tqueries were out of time order in the file; sorted "
		      "by time for the verdict\n", f);
	fprintf(f, "verdict\t%s\n", verdict_name(vr->v));
	fprintf(f, "late_by\t%u\n", vr->late_by);
	fprintf(f, "queries_old_before\t%u\nqueries_new_before\t%u\n"
	        "queries_other_before\t%u\nqueries_old_after\t%u\n"
	        "queries_new_after\t%u\nqueries_other_after\t%u\n"
	        "lookups_old_after\t%u\nlookups_new_after\t%u\n",
	        vr->queries_old_before, vr->queries_new_before,
	        vr->queries_other_before, vr->queries_old_after,
	        vr->queries_new_after, vr->queries_other_after,
	        vr->lookups_old_after, vr->lookups_new_after);
	if (vr->first_new_ms >= 0)
		fprintf(f, "first_new_ms\t%.6f\n", vr->first_new_ms);
	else
		fputs("first_new_ms\tnone\n", f);
	fprintf(f, "reason\t%s\n", vr->reason);
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "whichns: cannot write %s: %s\n", path, strerror(errno));
	else
		setvbuf(f, NULL, _IOFBF, OUT_BUFFER);
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (!f)
		return 0;
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "whichns: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* -o DIR: the four files. */
struct outdir {
	char tsv[4096], json[4096], svg[4096], txt[4096];
	FILE *ftsv, *fjson;
};

static int outdir_open(const char *dir, struct outdir *od)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "whichns: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	od->ftsv = open_out(dir, "events.tsv", od->tsv, sizeof od->tsv);
	od->fjson = od->ftsv ? open_out(dir, "events.json", od->json, sizeof od->json)
	                     : NULL;
	if (!od->fjson) {
		if (od->ftsv)
			fclose(od->ftsv);
		return -1;
	}
	return 0;
}

static int outdir_finish(const char *dir, struct outdir *od,
                         const struct decoder *d, const struct vd_result *vr)
{
	int rc = close_out(od->ftsv, od->tsv) | close_out(od->fjson, od->json);
	FILE *f = open_out(dir, "timeline.svg", od->svg, sizeof od->svg);
	if (!f)
		return -1;
	char title[512];
	if (vr && vr->v == V_LATE)
		snprintf(title, sizeof title, "%s: LATE %u", d->o->file, vr->late_by);
	else if (vr)
		snprintf(title, sizeof title, "%s: %s", d->o->file, verdict_name(vr->v));
	else
		snprintf(title, sizeof title, "%s", d->o->file);
	if (timeline_write(f, d->tl, title) != 0)
		rc = -1;
	rc |= close_out(f, od->svg);
	if (!(f = open_out(dir, "decode.txt", od->txt, sizeof od->txt)))
		return -1;
	write_summary(f, d, vr);
	return rc | close_out(f, od->txt);
}

int cmd_decode(int argc, char **argv)
{
	struct decode_opts o;
	struct decoder d = { .o = &o };
	struct outdir od = { 0 };
	struct vd_result vr;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	pcap_t *p = open_capture(o.file, &rc);
	if (!p)
		return rc;
	d.linktype = pcap_datalink(p);

	if (o.outdir) {
		d.tl = malloc(sizeof *d.tl);
		if (!d.tl || outdir_open(o.outdir, &od) != 0) {
			if (!d.tl)
				fprintf(stderr, "whichns: out of memory\n");
			free(d.tl);
			pcap_close(p);
			return EXIT_ENV;
		}
		timeline_init(d.tl, o.switched ? o.t_switch : -1);
		d.tsv = od.ftsv;
		d.json = od.fjson;
	} else {
		setvbuf(stdout, NULL, _IOFBF, OUT_BUFFER);
		if (o.json)
			d.json = stdout;
		else
			d.tsv = stdout;
	}
	if (d.tsv)
		events_tsv_header(d.tsv);

	struct pcap_pkthdr *h;
	const u_char *bytes;
	int st;
	while ((st = pcap_next_ex(p, &h, &bytes)) == 1)
		on_packet(&d, h, bytes);
	if (st == PCAP_ERROR) {
		const char *msg = pcap_geterr(p);
		d.st.truncated = true;
		snprintf(d.st.cut, sizeof d.st.cut, "after %llu packets: %s",
		         d.st.packets, msg);
		fprintf(stderr, "whichns: %s: %s after %llu packets: %s\n", o.file,
		        strstr(msg, "truncated") ? "truncated" : "unreadable",
		        d.st.packets, msg);
	}
	pcap_close(p);

	if (d.st.messages == 0)
		fprintf(stderr, "whichns: no DNS messages in %s (%llu packet%s)\n",
		        o.file, d.st.packets, d.st.packets == 1 ? "" : "s");
	if (o.switched && d.st.packets &&
	    (o.t_switch < d.st.t_first || o.t_switch > d.st.t_last))
		fprintf(stderr, "whichns: warning: --switch %.6f is outside the "
		        "capture (%.6f to %.6f)\n", o.t_switch, d.st.t_first,
		        d.st.t_last);
	rc = EXIT_OK;
	struct vd_input in = {
		.switched = true, .t_switch = o.t_switch,
		.t_end = o.windowed ? o.t_switch + o.window : d.st.t_last,
	};
	if (d.oom || (o.switched && verdict_from_queries(d.q, d.nq, !d.st.out_of_order,
	                                                 &in, &vr) != 0)) {
		fprintf(stderr, "whichns: out of memory keeping %zu queries\n", d.nq);
		if (o.outdir) {
			fclose(od.ftsv);
			fclose(od.fjson);
		}
		rc = EXIT_ENV;
		goto out;
	}
	if (o.outdir) {
		if (outdir_finish(o.outdir, &od, &d, o.switched ? &vr : NULL) != 0)
			rc = EXIT_ENV;
		else if (o.switched)
			printf("%s: %s (%u to old before, %u to old after, %u to new "
			       "after)\n", o.outdir, verdict_name(vr.v),
			       vr.queries_old_before, vr.queries_old_after,
			       vr.queries_new_after);
		else
			printf("%s: %llu DNS messages decoded\n", o.outdir, d.st.messages);
	} else {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "whichns: cannot write the timeline: %s\n",
			        strerror(errno));
			rc = EXIT_ENV;
		}
		write_summary(stderr, &d, o.switched ? &vr : NULL);
	}
out:
	free(d.tl);
	free(d.q);
	return rc;
}
