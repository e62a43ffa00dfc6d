/*
 * cmd_decode.c - whichns decode: a capture taken anywhere (tcpdump,
 * Wireshark, a case's capture.pcap) to the timeline of a case's events.tsv
 * and, given the switch time, the verdict a case would give it.
 *
 * Owns: reading the file (or pipe) a block at a time into one buffer,
 * the per-packet loop over capfile.h's packets into flow.h (each packet
 * decoded by its own interface's link type; TCP reassembled), and
 * decode's outputs, written in blocks.
 * Never: keeps a record per message.  Each message is decoded, written
 * and forgotten; only the queries (40 bytes each, with when each was
 * answered) are kept, and only when a verdict is asked for (then twice:
 * for the verdict, and by server for each server's counts, as a case's
 * serverN lines), so millions of packets cost little memory.
 *
 * The verdict is decided as a case decides it (events_note_message() on
 * each message, then verdict_from_queries(): the same lookups and
 * retransmissions, the same rules); what a file cannot
 * tell (dropped packets, when the process ended, what it printed) is left
 * out, so the wire verdict is what decode gives.  With --case DIR the
 * case's result.txt tells what the file cannot: the switch, the window's
 * end, the --only type, when the fresh process started, the servers and
 * the files that list them, and the packets the capture lost, so a
 * case's own folder decodes to the case's verdict; and its picture draws nscd's queries apart, as the case's does (a
 * case's nscd has an address of its own; a capture from elsewhere has no
 * sender decode could name).  Paths (paths.h) are not decided here:
 * paths_decide() takes every message in memory, which decode never keeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "capfile.h"
#include "caseres.h"
#include "cli.h"
#include "commands.h"
#include "events.h"
#include "flow.h"
#include "exitcodes.h"
#include "runfolder.h"
#include "servercount.h"
#include "timeline.h"
#include "wnconst.h"

#define OUT_BUFFER (1 << 20)
#define LINKS_SHOWN 8           /* link types named in the summary */

static const char usage_text[] =
"usage: whichns decode [--old addr]... [--new addr]... [--switch time]\n"
"                      [--switch-end time] [--window seconds] [--only type]\n"
"                      [--fresh time] [--format tsv|json] [--json] [-o dir]\n"
"                      file|-\n"
"       whichns decode --before-conf file --after-conf file [options] file|-\n"
"       whichns decode --case dir [options] [file|-]\n";

static const char help_text[] =
"\n"
"Decode the DNS messages of a capture file (pcap or pcapng, from tcpdump,\n"
"Wireshark or a case's capture.pcap) into the timeline of a case's\n"
"events.tsv; with --switch, the verdict a case would give it.  Each packet\n"
"is decoded by the link type of its own interface (Ethernet, Linux cooked\n"
"SLL and SLL2, raw IP, BSD loopback); DNS over TCP is reassembled per\n"
"stream, any number of messages per segment.  A message the capture cut\n"
"short (snaplen) counts with what is there, its answers marked [cut].\n"
"\n"
"  --old ADDR        a server the old resolv.conf lists (repeatable)\n"
"  --new ADDR        a server the new resolv.conf lists (repeatable); at\n"
"                    most 8 addresses in all, an address given as both is\n"
"                    \"kept\" (counted apart, not in the verdict); neither\n"
"                    given: whichns's own, 198.51.100.10 and .20 and their\n"
"                    IPv6 twins\n"
"  --before-conf FILE, --after-conf FILE\n"
"                    the resolv.conf before and after the switch (both):\n"
"                    each nameserver address is a server, old when only\n"
"                    the before file lists it, new when only the after\n"
"                    file does, kept when both do (not with --old/--new)\n"
"  --case DIR        a case folder: its capture.pcap is the file (unless one\n"
"                    is named), and its result.txt gives --switch\n"
"                    (switch_time), --switch-end (switch_end), the\n"
"                    window's end (window_end), --only\n"
"                    (only), --fresh (fresh_time) and the servers (the\n"
"                    serverN lines), so decode counts what the case counted\n"
"                    and gives the case's wire verdict; each option given\n"
"                    as well overrides its value\n"
"  --switch TIME     when resolv.conf was switched, epoch seconds on the\n"
"                    capture's clock (switch_time in a case's result.txt)\n"
"  --switch-end TIME when the new file was in place, if the switch took a\n"
"                    while (switch_end in result.txt; default: --switch):\n"
"                    a query to an old server before it may have read the\n"
"                    old file, so it counts after the switch only from\n"
"                    TIME on; queries to the other servers from --switch\n"
"  --window SECONDS  count queries only this long after the switch\n"
"                    (default: to the end of the capture, or with --case to\n"
"                    the case's window_end; decode knows no scenario, so\n"
"                    without --case give the case's window yourself)\n"
"  --only TYPE       the verdict counts queries of this type only (MX, A...),\n"
"                    as a case with \"only TYPE\" does\n"
"  --fresh TIME      a fresh process started at TIME (fresh_time in\n"
"                    result.txt): queries from then on are counted apart,\n"
"                    not in the verdict, as a case counts them\n"
"  --format FMT      the timeline on stdout as tsv (default, as events.tsv) or\n"
"                    json: JSON Lines, one object per message, its answers\n"
"                    an array of strings and \"cut\" true when the capture cut\n"
"                    the message short\n"
"  --json            the same as --format json\n"
"  -o DIR            write DIR/events.tsv, events.json, timeline.svg and\n"
"                    decode.txt instead of the timeline on stdout; with\n"
"                    --format or --json the timeline goes to stdout as well,\n"
"                    and the one-line result to stderr\n"
"  file              a capture file, or - for standard input\n"
"                    (cat capture.pcap | whichns decode -)\n"
"\n"
"The summary (packets, the servers and queries of each role: old, new,\n"
"kept, other; messages cut short, malformed packets, verdict) goes to\n"
"stderr, or to DIR/decode.txt.\n"
"\n"
"Exit status: 0 decoded (a capture that ends inside a packet, or one\n"
"without DNS, is a warning); 2 bad usage, a file that is not a capture, a\n"
"damaged capture (a record that contradicts itself) or a packet on a link\n"
"type decode does not read: the packets before it are decoded and the\n"
"outputs written, then decode stops (\"stopped\" in the summary); 3 output\n"
"could not be written, or out of memory.\n";

struct decode_opts {
	const char *file, *outdir;
	struct serverset servers;   /* n 0 after parse_args: the default pair */
	const char *conf[2];        /* --before-conf, --after-conf */
	bool   switched, windowed, json;
	bool   format_given;        /* --format or --json: stdout has the events */
	bool   freshed;             /* --fresh, or a case's fresh process */
	double t_switch, window;
	double t_switch_end;        /* --switch-end; 0: none (at t_switch) */
	bool   case_switch;         /* t_switch came from --case's result.txt */
	double t_end;               /* windowed: queries after it are not counted */
	double t_fresh;             /* freshed: queries from it on count apart */
	uint16_t only_qtype;        /* 0: every query type */
	const char *only;
	const char *casedir;        /* --case: where the defaults came from */
	unsigned long long dropped; /* --case: packets the case's capture lost */
	char   case_only[16];       /* --case: its "only" type, kept here */
	char   case_pcap[4096];     /* --case: DIR/capture.pcap */
	struct path_senders senders;/* --case: nscd's address (nnscd 0: none) */
};

/* What decode adds to flow's counts (flow_stats()). */
struct decode_stats {
	unsigned long long packets, messages, beyond_window, untimed, fresh;
	unsigned long long queries[VD_KEPT + 1], responses[VD_KEPT + 1];
	                            /* by enum vd_server */
	double t_first, t_last;
	bool   out_of_order;
	enum capfile_format format;
	int    links[LINKS_SHOWN];  /* link types seen, in order */
	size_t nlinks;
	char   cut[256];            /* truncated: where the file ended */
	char   stopped[512];        /* why reading stopped before the end */
};

/* Lines are formatted straight into a block that goes to its stream
 * whole (fwrite() of a block larger than the stream's buffer writes it
 * at once): no copy per line, no stdio call per line. */
struct block {
	FILE  *f;                   /* NULL: not in use */
	size_t n;
	char  *buf;                 /* OUT_BUFFER bytes */
};

struct decoder {
	const struct decode_opts *o;
	FILE  *tsv, *json;          /* either may be NULL */
	FILE  *out;                 /* -o DIR with --format/--json: stdout too */
	struct block tsvb, jsonb, outb; /* the lines to tsv, json and out */
	struct timeline *tl;        /* NULL: no picture */
	struct vd_query *q;
	size_t nq, qcap;
	bool   oom;
	struct decode_stats st;
	struct flow *flow;
	int    link_ok;             /* the last link type found readable */
	/* Reused for every message: no allocation in the loop. */
	struct wn_event ev;
	/* With a verdict: each server's counts, as a case's serverN lines. */
	bool   counting;
	struct servercount sc;
	struct sc_server servers[SS_MAX];
	int    nservers;
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

static int add_server(struct serverset *s, enum vd_server which,
                      const char *addr)
{
	const char *opt = which == VD_OLD ? "--old" : "--new";
	struct pkt_addr a;
	if (pkt_addr_parse(addr, &a) != 0)
		return usage_error("bad %s address '%s': expected an IPv4 or IPv6 "
		                   "address", opt, addr);
	if (events_add_server(s, which, addr) != 0)
		return usage_error("%s %s: more than %d --old and --new addresses "
		                   "in all; give at most %d", opt, addr, SS_MAX,
		                   SS_MAX);
	return 0;
}

/* --before-conf and --after-conf: the servers the two files list.
 * EXIT_USAGE with one line naming the file (and line) on bad input. */
static int from_confs(struct decode_opts *o)
{
	char *text[2] = { NULL, NULL }, err[600];
	size_t len[2] = { 0, 0 };
	int rc = 0;

	for (int i = 0; i < 2 && rc == 0; i++) {
		/* Read a little past what serverset takes, so that its
		 * error gives a too long file's size. */
		if (cli_is_dir(o->conf[i])) {
			fprintf(stderr, "whichns: %s %s: a folder; give a resolv.conf "
			        "file\n", i ? "--after-conf" : "--before-conf",
			        o->conf[i]);
			rc = EXIT_USAGE;
			break;
		}
		text[i] = cli_read_file(o->conf[i], 1 << 20, &len[i]);
		if (!text[i]) {
			fprintf(stderr, "whichns: %s %s: cannot read: %s; give a "
			        "resolv.conf file\n", i ? "--after-conf" : "--before-conf",
			        o->conf[i], errno == EFBIG ? "larger than 1 MiB" :
			        strerror(errno));
			rc = EXIT_USAGE;
		}
	}
	if (rc == 0 && serverset_from_texts(&o->servers, text[0], len[0],
	                                    o->conf[0], text[1], len[1],
	                                    o->conf[1], err, sizeof err) != 0) {
		fprintf(stderr, "whichns: %s\n", err);
		rc = EXIT_USAGE;
	}
	free(text[0]);
	free(text[1]);
	return rc;
}

/* The case's servers from its result.txt's serverN lines (each one's
 * addresses, comma-separated, and the files that list it), when it has
 * them: a case from a resolv.conf pair decodes with its own servers.
 * -1: an address that does not read. */
static int case_servers(struct decode_opts *o, const struct case_result *r)
{
	struct serverset *set = &o->servers;
	for (unsigned i = 0; i < r->nservers && i < SS_MAX; i++) {
		const struct sc_server *s = &r->servers[i];
		char addrs[sizeof s->addr], *save = NULL;
		snprintf(addrs, sizeof addrs, "%s", s->addr);
		char *a = strtok_r(addrs, ",", &save);
		struct pkt_addr first;
		int k;
		if (!a || serverset_add(set, a, s->in_old, s->in_new) != 0 ||
		    pkt_addr_parse(a, &first) != 0 ||
		    (k = serverset_find(set, &first)) < 0)
			return -1;
		/* The line's other addresses are the same server's (the
		 * default pair's IPv6 ones): one server, as the case had. */
		struct ss_server *one = &set->s[k];
		while ((a = strtok_r(NULL, ",", &save))) {
			if (one->naddrs == SS_ADDRS_MAX ||
			    pkt_addr_parse(a, &one->a[one->naddrs]) != 0)
				return -1;
			snprintf(one->addr[one->naddrs++], sizeof one->addr[0], "%s", a);
		}
	}
	return 0;
}

/* --case DIR: what its result.txt says, where no option said it.  The
 * window's end is kept as the case wrote it (window_end), not as switch
 * plus a duration, so a query at its very edge falls where it fell. */
static int from_case(struct decode_opts *o)
{
	static struct case_result r;   /* large: not on the stack */
	char err[PATH_MAX + 256];

	if (!cli_is_dir(o->casedir))
		return usage_error("--case %s: not a folder: give a case folder "
		                   "(one with result.txt and capture.pcap)",
		                   o->casedir);
	caseres_init(&r);
	if (runfolder_read_case(o->casedir, &r, err, sizeof err) != 0)
		return usage_error("--case %s: %s: give a case folder (one with "
		                   "result.txt and capture.pcap)", o->casedir, err);
	if (!o->file) {
		snprintf(o->case_pcap, sizeof o->case_pcap, "%s/capture.pcap",
		         o->casedir);
		o->file = o->case_pcap;
	}
	/* Who sent what, for the picture, as the case's own (casefolder.c). */
	if (pkt_addr_parse(WN_NSCD4, &o->senders.nscd[0]) == 0 &&
	    pkt_addr_parse(WN_NSCD6, &o->senders.nscd[1]) == 0)
		o->senders.nnscd = 2;
	for (unsigned i = 0; i < r.npaths && i < PATHS_MAX; i++)
		o->senders.triggers |= r.paths[i].sender == PS_PROCESS_TRIGGERS;
	if (!o->servers.n && !o->conf[0] && case_servers(o, &r) != 0)
		return usage_error("--case %s: result.txt's servers do not read: "
		                   "give --old/--new or --before-conf/--after-conf",
		                   o->casedir);
	if (!o->switched && r.switched && r.switch_time > 0) {
		o->switched = true;
		o->t_switch = r.switch_time;
		o->case_switch = true;
		if (!o->t_switch_end)
			o->t_switch_end = r.switch_end;
	}
	if (!o->switched)
		return 0;   /* the case never switched: no verdict to match */
	o->dropped = r.dropped;
	if (!o->windowed && r.window_end > o->t_switch) {
		o->t_end = r.window_end;
		o->window = r.window_end - o->t_switch;
	}
	if (!o->only && r.only[0]) {
		snprintf(o->case_only, sizeof o->case_only, "%s", r.only);
		if (dns_type_parse(o->case_only, &o->only_qtype) != 0)
			return usage_error("--case %s: result.txt's only '%s' is not a "
			                   "query type: give --only TYPE", o->casedir,
			                   r.only);
		o->only = o->case_only;
	}
	if (!o->freshed && r.fresh_ran && r.fresh_time > 0) {
		o->freshed = true;
		o->t_fresh = r.fresh_time;
	}
	return 0;
}

/* What must hold of the options together, and what they imply: the
 * case's values, the window's end, the servers.  0, or an exit status
 * (said). */
static int check_args(int argc, char **argv, struct decode_opts *o)
{
	int rc;
	if (!o->conf[0] != !o->conf[1])
		return usage_error("%s without %s: give the resolv.conf before and "
		                   "after the switch, both", o->conf[0] ?
		                   "--before-conf" : "--after-conf", o->conf[0] ?
		                   "--after-conf" : "--before-conf");
	if (o->conf[0] && o->servers.n)
		return usage_error("--before-conf/--after-conf and --old/--new both "
		                   "name the servers: give one or the other");
	if (optind == argc && !o->casedir)
		return usage_error("decode needs a capture file (or --case DIR)");
	if (argc - optind > 1)
		return usage_error("decode takes one capture file, not %d",
		                   argc - optind);
	if ((o->windowed || o->only || o->freshed) && !o->switched &&
	    !o->casedir)
		return usage_error("--%s is about the verdict: give --switch TIME "
		                   "too", o->windowed ? "window" :
		                   o->only ? "only" : "fresh");
	o->file = optind < argc ? argv[optind] : NULL;
	if (o->casedir && (rc = from_case(o)) != 0)
		return rc;
	if (o->t_switch_end && !o->switched)
		return usage_error("--switch-end is when the switch ended: give "
		                   "--switch TIME too");
	if (o->t_switch_end && o->t_switch_end < o->t_switch)
		return usage_error("--switch-end %.6f is before the switch (%.6f%s): "
		                   "give a --switch-end at or after it",
		                   o->t_switch_end, o->t_switch, o->case_switch
		                   ? ", switch_time in --case's result.txt" : "");
	if (o->windowed)
		o->t_end = o->t_switch + o->window;
	else if (o->switched && o->t_end > o->t_switch)
		o->windowed = true;   /* the case's window_end */
	if (o->conf[0])
		return from_confs(o);
	if (!o->servers.n)
		events_default_servers(&o->servers);
	return 0;
}

static int parse_args(int argc, char **argv, struct decode_opts *o)
{
	static const struct option opts[] = {
		{ "old", required_argument, NULL, 'O' },
		{ "new", required_argument, NULL, 'N' },
		{ "before-conf", required_argument, NULL, 'B' },
		{ "after-conf", required_argument, NULL, 'A' },
		{ "switch", required_argument, NULL, 's' },
		{ "switch-end", required_argument, NULL, 'E' },
		{ "window", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'J' },
		{ "only", required_argument, NULL, 'T' },
		{ "fresh", required_argument, NULL, 'f' },
		{ "case", required_argument, NULL, 'C' },
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
		case 'B':
		case 'A':
			o->conf[c == 'A'] = optarg;
			break;
		case 's':
			if (parse_seconds(optarg, &o->t_switch) != 0)
				return usage_error("bad --switch '%s': expected epoch "
				                   "seconds such as 1795663444.850095",
				                   optarg);
			o->switched = true;
			break;
		case 'E':
			if (parse_seconds(optarg, &o->t_switch_end) != 0)
				return usage_error("bad --switch-end '%s': expected "
				                   "epoch seconds such as "
				                   "1795663444.850431", optarg);
			break;
		case 'w':
			if (parse_seconds(optarg, &o->window) != 0)
				return usage_error("bad --window '%s': expected seconds "
				                   "> 0", optarg);
			o->windowed = true;
			break;
		case 'f':
			if (parse_seconds(optarg, &o->t_fresh) != 0)
				return usage_error("bad --fresh '%s': expected epoch "
				                   "seconds such as 1795663450.850095",
				                   optarg);
			o->freshed = true;
			break;
		case 'C': o->casedir = optarg; break;
		case 'F':
			if (strcmp(optarg, "tsv") != 0 && strcmp(optarg, "json") != 0)
				return usage_error("bad --format '%s': expected tsv or "
				                   "json", optarg);
			o->json = optarg[0] == 'j';
			o->format_given = true;
			break;
		case 'J':
			o->json = o->format_given = true;
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
	return check_args(argc, argv, o);
}

/*
 * The capture, read in blocks into one buffer that is used again and
 * again, whether it is a file or a pipe: memory does not grow with the
 * file, and read() into a buffer the cache holds costs a third of what
 * mapping the file does (its page faults, on this kind of virtual
 * machine, were a fifth of decode's time).  A record longer than the
 * buffer grows it, up to RECORD_MAX.
 */
#define READ_BLOCK (256u << 10)
#define RECORD_MAX (64u << 20)   /* no capture tool writes a larger block */

struct capture_in {
	int      fd;
	const char *name;         /* as messages show it */
	uint8_t *buf;
	size_t   cap, len;
	bool     eof;
	off_t    size;            /* a regular file's; -1: a pipe */
	char     why[256];        /* why reading failed */
};

/* "-" is standard input; messages name it so. */
static bool is_stdin(const char *file)
{
	return strcmp(file, "-") == 0;
}

static const char *shown(const char *file)
{
	return is_stdin(file) ? "standard input" : file;
}

/* Read on until the buffer is full or the file ends: 0, or -1 with
 * ci->why. */
static int capture_fill(struct capture_in *ci)
{
	while (ci->len < ci->cap && !ci->eof) {
		ssize_t n = read(ci->fd, ci->buf + ci->len, ci->cap - ci->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(ci->why, sizeof ci->why, "cannot read on: %s",
			         strerror(errno));
			return -1;
		}
		ci->eof = n == 0;
		ci->len += (size_t)n;
	}
	return 0;
}

/* A regular file's size now (it may still be written); -1: a pipe. */
static off_t file_size(int fd)
{
	struct stat sb;
	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : -1;
}

/* Room for a record of need bytes starting at byte at of the file: 0, or
 * -1 with ci->why. */
static int capture_room(struct capture_in *ci, size_t need, size_t at)
{
	size_t said = need;
	if (need <= ci->cap)
		return 0;
	/* A record said longer than the buffer, and than the rest of the
	 * file, is cut short by its end (the walk says so, as of any cut
	 * record): room for the rest, and a byte more, so that
	 * capture_fill() reads to the end and sees it.  The size is looked
	 * at again each time: a file still being written grows, and room for
	 * its old end would be no room at all. */
	if (ci->size >= 0)
		ci->size = file_size(ci->fd);
	if (ci->size >= 0 && (uintmax_t)at <= (uintmax_t)ci->size &&
	    need > (uintmax_t)ci->size - at)
		need = (size_t)((uintmax_t)ci->size - at) + 1;
	if (need <= ci->cap)
		return 0;
	uint8_t *nb = need > RECORD_MAX ? NULL : realloc(ci->buf, need);
	if (!nb) {
		snprintf(ci->why, sizeof ci->why, "a record of %zu bytes at byte "
		         "%zu, %s", said, at, need > RECORD_MAX ? "more than any "
		         "capture tool writes" : "more than memory holds");
		return -1;
	}
	ci->buf = nb;
	ci->cap = need;
	return 0;
}

static void capture_close(struct capture_in *ci)
{
	if (ci->fd >= 0)
		close(ci->fd);
	free(ci->buf);
	memset(ci, 0, sizeof *ci);
	ci->fd = -1;
}

/* The file opened and its first block read: 0, or EXIT_USAGE / EXIT_ENV
 * with the message printed. */
static int capture_start(const char *file, struct capture_in *ci)
{
	struct stat sb;

	memset(ci, 0, sizeof *ci);
	ci->name = shown(file);
	ci->fd = is_stdin(file) ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
	                        : open(file, O_RDONLY | O_CLOEXEC);
	if (ci->fd >= 0 && isatty(ci->fd)) {
		fprintf(stderr, "whichns: decode -: standard input is a terminal, not "
		        "a capture: pipe one in (cat capture.pcap | whichns decode -)\n");
		return EXIT_USAGE;
	}
	if (ci->fd < 0 || fstat(ci->fd, &sb) != 0) {
		fprintf(stderr, "whichns: cannot read %s: %s\n", ci->name,
		        strerror(errno));
		return EXIT_USAGE;
	}
	if (S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "whichns: cannot read %s: %s\n", ci->name,
		        strerror(EISDIR));
		return EXIT_USAGE;
	}
	ci->size = S_ISREG(sb.st_mode) ? sb.st_size : -1;
	if (S_ISREG(sb.st_mode))   /* a larger read-ahead; advice only */
		posix_fadvise(ci->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!(ci->buf = malloc(READ_BLOCK))) {
		fprintf(stderr, "whichns: out of memory\n");
		return EXIT_ENV;
	}
	ci->cap = READ_BLOCK;
	if (capture_fill(ci) != 0) {
		fprintf(stderr, "whichns: %s: %s\n", ci->name, ci->why);
		return EXIT_USAGE;
	}
	if (ci->len == 0) {
		fprintf(stderr, "whichns: %s: empty file, not a capture\n", ci->name);
		return EXIT_USAGE;
	}
	return 0;
}

/* After CAPFILE_MORE: the record that did not fit moved to the buffer's
 * start, the buffer filled after it.  0, or -1 with ci->why. */
static int capture_refill(struct capture_in *ci, struct capfile *cf)
{
	size_t keep = cf->len - cf->off;

	memmove(ci->buf, ci->buf + cf->off, keep);
	ci->len = keep;
	if (capture_room(ci, cf->need, cf->base + cf->off) != 0 ||
	    capture_fill(ci) != 0)
		return -1;
	capfile_refill(cf, ci->buf, ci->len, !ci->eof);
	return 0;
}

/* libpcap's name for a link type, LINKTYPE_ and DLT_ values alike. */
static const char *link_name(int linktype)
{
	const char *name = pkt_link_name(linktype);
	if (!name)
		name = pcap_datalink_val_to_name(linktype);
	return name ? name : "unknown";
}

static const char link_readable[] =
	"it reads Ethernet, Linux cooked SLL and SLL2, raw IP and BSD loopback";

static void block_flush(struct block *b)
{
	if (b->f && b->n)
		fwrite(b->buf, 1, b->n, b->f);
	b->n = 0;
}

static void block_tsv(struct block *b, const struct wn_event *e, double rel)
{
	if (OUT_BUFFER - b->n < EV_TSV_LINE_MAX)
		block_flush(b);
	b->n += events_tsv_line(b->buf + b->n, OUT_BUFFER - b->n, e, rel);
}

/* A name or an answer that JSON must escape (rare) goes by stdio. */
static void block_json(struct block *b, const struct wn_event *e, double rel)
{
	if (OUT_BUFFER - b->n < EV_TSV_LINE_MAX)
		block_flush(b);
	size_t n = events_json_line(b->buf + b->n, OUT_BUFFER - b->n, e, rel);
	if (n == 0) {
		block_flush(b);
		events_json(b->f, e, rel);
	}
	b->n += n;
}

/* 0, or -1 out of memory (said). */
static int block_open(struct block *b, FILE *f)
{
	b->n = 0;
	if (!(b->buf = malloc(OUT_BUFFER))) {
		fprintf(stderr, "whichns: out of memory\n");
		return -1;
	}
	b->f = f;
	return 0;
}

static void block_close(struct block *b)
{
	block_flush(b);
	free(b->buf);
	memset(b, 0, sizeof *b);
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
	events_note_message(e, d->q, &d->nq);
	if (d->nq > 1 && d->q[d->nq - 1].t < d->q[d->nq - 2].t)
		d->st.out_of_order = true;
	return 0;
}

static void on_event(struct decoder *d, const struct wn_event *e)
{
	const struct decode_opts *o = d->o;
	double rel = o->switched ? o->t_switch : -1;

	d->st.messages++;
	(e->qr ? d->st.responses : d->st.queries)[e->server]++;
	/* The fresh process's queries are left out, as from the verdict. */
	if (d->counting && (e->qr || !o->freshed || e->t < o->t_fresh))
		servercount_event(&d->sc, e);
	if (d->tsv)
		block_tsv(&d->tsvb, e, rel);
	if (d->json)
		block_json(&d->jsonb, e, rel);
	if (d->out && o->json)
		block_json(&d->outb, e, rel);
	else if (d->out)
		block_tsv(&d->outb, e, rel);
	if (d->tl)
		timeline_add_event(d->tl, e);
	if (!o->switched || d->oom ||
	    (o->only_qtype && e->qtype != o->only_qtype))
		return;
	if (e->qr) {   /* which kept query it answers, as a case does */
		events_note_message(e, d->q, &d->nq);
		return;
	}
	if (o->freshed && e->t >= o->t_fresh) {
		d->st.fresh++;   /* the fresh process's, counted apart */
		return;
	}
	if (o->windowed && e->t > o->t_end) {
		d->st.beyond_window++;
		return;
	}
	if (keep_query(d, e) != 0)
		d->oom = true;
}

static void on_message(void *ctx, const struct flow_msg *fm)
{
	struct decoder *d = ctx;

	events_from_msg(fm->f, fm->m, fm->t, &d->o->servers, &d->ev);
	d->ev.frame = d->st.packets;   /* the frame being read (1-based) */
	on_event(d, &d->ev);
}

static void link_seen(struct decode_stats *st, int linktype)
{
	for (size_t i = 0; i < st->nlinks; i++)
		if (st->links[i] == linktype)
			return;
	if (st->nlinks < LINKS_SHOWN)
		st->links[st->nlinks++] = linktype;
}

/* false: the packet's link type is not one decode reads, and reading
 * stops there (st->stopped says why). */
static bool on_packet(struct decoder *d, const struct capfile *cf,
                      const struct capfile_pkt *pkt)
{
	struct decode_stats *st = &d->st;
	double t = st->t_last;

	if (pkt->linktype != d->link_ok) {
		if (!pkt_link_supported(pkt->linktype)) {
			snprintf(st->stopped, sizeof st->stopped, "packet %llu is on "
			         "interface %u (section %u) of link type %s (%d), which "
			         "decode does not read (%s); to decode the others: "
			         "tshark -r %s -Y 'frame.interface_id != %u' -w "
			         "OTHERS.pcapng", st->packets + 1, pkt->iface,
			         cf->sections, link_name(pkt->linktype), pkt->linktype,
			         link_readable, d->o->file, pkt->iface);
			return false;
		}
		d->link_ok = pkt->linktype;
		link_seen(st, pkt->linktype);
	}
	if (pkt->has_time)
		t = (double)pkt->sec + (double)pkt->nsec / 1e9;
	else
		st->untimed++;   /* a simple packet block: the time before it */
	if (st->packets++ == 0)
		st->t_first = st->t_last = t;
	if (t > st->t_last)
		st->t_last = t;
	if (t < st->t_first)
		st->t_first = t;
	flow_frame(d->flow, pkt->linktype, pkt->data, pkt->caplen, t);
	return true;
}

/* Every packet of the file through the flow, a block at a time.
 * Returns 0, or EXIT_USAGE when reading had to stop (the message
 * printed). */
static int read_packets(struct decoder *d, struct capfile *cf,
                        struct capture_in *ci)
{
	const char *file = d->o->file;
	struct capfile_pkt pkt;
	enum capfile_status cs;

	while ((cs = capfile_next(cf, &pkt)) == CAPFILE_PACKET ||
	       cs == CAPFILE_MORE) {
		if (cs == CAPFILE_PACKET ? !on_packet(d, cf, &pkt)
		                         : capture_refill(ci, cf) != 0)
			break;
	}
	if (cs == CAPFILE_MORE && !d->st.stopped[0])
		snprintf(d->st.stopped, sizeof d->st.stopped, "%s", ci->why);
	flow_finish(d->flow);
	if (cs == CAPFILE_TRUNCATED) {
		snprintf(d->st.cut, sizeof d->st.cut, "after %llu packets: %s (at "
		         "byte %zu)", d->st.packets, cf->why, cf->err_off);
		fprintf(stderr, "whichns: %s: truncated %s\n", file, d->st.cut);
	} else if (cs == CAPFILE_BAD) {
		snprintf(d->st.stopped, sizeof d->st.stopped, "damaged at byte %zu: "
		         "%s", cf->err_off, cf->why);
	}
	if (d->st.stopped[0]) {
		fprintf(stderr, "whichns: %s: stopped after %llu packets: %s\n", file,
		        d->st.packets, d->st.stopped);
		return EXIT_USAGE;
	}
	return 0;
}

/* "KEY<TAB>ADDR ADDR...": the addresses of the servers of one role. */
static void print_servers(FILE *f, const struct serverset *set,
                          enum vd_server role)
{
	bool any = false;
	for (size_t i = 0; i < set->n; i++) {
		const struct ss_server *s = &set->s[i];
		if (serverset_role(set, &s->a[0]) != role)
			continue;
		if (!any)
			fprintf(f, "%s\t", events_server_name(role));
		for (size_t k = 0; k < s->naddrs; k++)
			fprintf(f, "%s%s", any || k ? " " : "", s->addr[k]);
		any = true;
	}
	if (any)
		fputc('\n', f);
	else if (role != VD_KEPT)   /* old and new lines, as always */
		fprintf(f, "%s\t\n", events_server_name(role));
}

/* The file and what was in it. */
static void write_counts(FILE *f, const struct decoder *d,
                         const struct flow_stats *fs)
{
	const struct decode_opts *o = d->o;
	const struct decode_stats *st = &d->st;

	fprintf(f, "file\t%s\n", o->file);
	fprintf(f, "format\t%s\n", capfile_format_name(st->format));
	fputs("link\t", f);
	for (size_t i = 0; i < st->nlinks; i++)
		fprintf(f, "%s%s", i ? "," : "", link_name(st->links[i]));
	fputs(st->nlinks ? "\n" : "none\n", f);
	fprintf(f, "packets\t%llu\n", st->packets);
	fprintf(f, "truncated\t%s%s\n", st->cut[0] ? "yes: " : "no", st->cut);
	if (st->stopped[0])
		fprintf(f, "stopped\tafter %llu packets: %s\n", st->packets, st->stopped);
	else
		fputs("stopped\tno\n", f);
	if (st->packets)
		fprintf(f, "first_packet\t%.6f\nlast_packet\t%.6f\n",
		        st->t_first, st->t_last);
	if (st->untimed)
		fprintf(f, "untimed\t%llu simple packet blocks have no time: each "
		        "took the time of the packet before it\n", st->untimed);
	print_servers(f, &o->servers, VD_OLD);
	print_servers(f, &o->servers, VD_NEW);
	print_servers(f, &o->servers, VD_KEPT);
	fprintf(f, "dns_messages\t%llu\n", st->messages);
	fprintf(f, "dns_messages_cut\t%llu\n", (unsigned long long)fs->cut);
	for (int s = VD_OLD; s <= VD_KEPT; s++)
		fprintf(f, "queries_%s\t%llu\n", events_server_name(s), st->queries[s]);
	for (int s = VD_OLD; s <= VD_KEPT; s++)
		fprintf(f, "responses_%s\t%llu\n", events_server_name(s),
		        st->responses[s]);
	fprintf(f, "not_dns\t%llu\n", (unsigned long long)fs->not_dns);
	fprintf(f, "malformed\t%llu\n", (unsigned long long)(fs->bad[PKT_TRUNCATED] +
	        fs->bad[PKT_INVALID] + fs->bad[PKT_UNSUPPORTED]));
	for (int s = PKT_TRUNCATED; s <= PKT_UNSUPPORTED; s++)
		fprintf(f, "malformed_%s\t%llu\n", pkt_status_name(s),
		        (unsigned long long)fs->bad[s]);
	fprintf(f, "tcp_segments\t%llu\ntcp_retransmitted\t%llu\n"
	        "tcp_out_of_order\t%llu\ntcp_lost\t%llu\n",
	        (unsigned long long)fs->tcp.segments,
	        (unsigned long long)fs->tcp.retransmitted,
	        (unsigned long long)fs->tcp.held, (unsigned long long)fs->tcp.lost);
	if (fs->first_bad_packet)
		fprintf(f, "first_malformed\tpacket %llu: %s: %s\n",
		        (unsigned long long)fs->first_bad_packet,
		        pkt_status_name(fs->first_bad_status), fs->first_bad_why);
}

/* "key<TAB>value" lines, as a case's result.txt, so the same tools read
 * both: the verdict's fields are result.txt's own (caseres_write_wire). */
static void write_summary(FILE *f, const struct decoder *d,
                          const struct flow_stats *fs, const struct vd_result *vr)
{
	const struct decode_opts *o = d->o;
	const struct decode_stats *st = &d->st;

	write_counts(f, d, fs);
	if (!vr) {
		fputs("verdict\tnone: give --switch TIME for a verdict\n", f);
		return;
	}
	fprintf(f, "switch_time\t%.6f\n", o->t_switch);
	if (o->t_switch_end > o->t_switch)
		fprintf(f, "switch_end\t%.6f\n", o->t_switch_end);
	if (o->only)
		fprintf(f, "only\t%s\n", o->only);
	if (o->casedir)
		fprintf(f, "case\t%s\n", o->casedir);
	if (o->windowed)
		fprintf(f, "window_s\t%g\nwindow_end\t%.6f\n"
		        "queries_beyond_window\t%llu\n", o->window, o->t_end,
		        st->beyond_window);
	if (o->freshed)
		fprintf(f, "fresh_time\t%.6f\nqueries_fresh\t%llu\n", o->t_fresh,
		        st->fresh);
	if (st->out_of_order)
		fputs("note\tqueries were out of time order in the file; sorted "
		      "by time for the verdict\n", f);
	caseres_write_wire(f, vr);   /* the same keys and forms as result.txt */
	if (d->nservers > 0)
		caseres_write_servers(f, d->servers, (size_t)d->nservers);
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

static int outdir_finish(const char *dir, struct outdir *od, const struct decoder *d,
                         const struct flow_stats *fs, const struct vd_result *vr)
{
	int rc = close_out(od->ftsv, od->tsv) | close_out(od->fjson, od->json);
	FILE *f = open_out(dir, "timeline.svg", od->svg, sizeof od->svg);
	if (!f)
		return -1;
	char title[1024];
	if (vr && vr->v == V_LATE)
		snprintf(title, sizeof title, "%s: LATE %u", d->o->file, vr->late_by);
	else if (vr)
		snprintf(title, sizeof title, "%s: %s", d->o->file, verdict_name(vr->v));
	else
		snprintf(title, sizeof title, "%s", d->o->file);
	if (vr) {   /* the reason and the numbers, a line each under it */
		size_t n = strlen(title);
		snprintf(title + n, sizeof title - n, "\n%s\n%s queries%s: old server "
		         "%u before the switch, %u after; new server %u after",
		         vr->reason, d->o->only ? d->o->only : "counted",
		         d->o->only ? " only" : "", vr->queries_old_before,
		         vr->queries_old_after, vr->queries_new_after);
	}
	if (timeline_write(f, d->tl, title) != 0)
		rc = -1;
	rc |= close_out(f, od->svg);
	if (!(f = open_out(dir, "decode.txt", od->txt, sizeof od->txt)))
		return -1;
	write_summary(f, d, fs, vr);
	return rc | close_out(f, od->txt);
}

/* The capture in memory and its reader: 0, or an exit status with the
 * message printed. */
static int capture_open(const char *file, struct capture_in *ci,
                        struct capfile *cf)
{
	int rc = capture_start(file, ci), st;

	if (rc)
		return rc;
	/* A header longer than what was read (a pcapng section header's
	 * options) is read on for. */
	while ((st = capfile_open_stream(cf, ci->buf, ci->len, !ci->eof)) == 1)
		if (capture_room(ci, cf->need, 0) != 0 || capture_fill(ci) != 0) {
			fprintf(stderr, "whichns: %s: %s\n", ci->name, ci->why);
			return EXIT_USAGE;
		}
	if (st != 0)
		fprintf(stderr, "whichns: %s: not a capture file: %s\n", ci->name,
		        cf->why);
	else if (cf->format == CAPFILE_PCAP && !pkt_link_supported(cf->linktype))
		fprintf(stderr, "whichns: %s: link type %s (%d) is not decoded (%s)\n",
		        ci->name, link_name(cf->linktype), cf->linktype, link_readable);
	else
		return 0;
	return EXIT_USAGE;
}

/* Where the events go: -o DIR's files, or stdout. */
static int outputs_open(struct decoder *d, struct outdir *od)
{
	const struct decode_opts *o = d->o;

	if (o->outdir) {
		d->tl = malloc(sizeof *d->tl);
		if (!d->tl) {
			fprintf(stderr, "whichns: out of memory\n");
			return EXIT_ENV;
		}
		if (outdir_open(o->outdir, od) != 0)
			return EXIT_ENV;
		/* The picture greys what the verdict leaves out (--only, --window). */
		struct tl_scope sc = {
			.t_switch = o->switched ? o->t_switch : -1,
			.t_end = o->switched && o->windowed ? o->t_end : -1,
			.t_fresh = o->switched && o->freshed ? o->t_fresh : -1,
			.only_qtype = o->switched ? o->only_qtype : 0,
		};
		timeline_init_scope(d->tl, &sc);
		struct path_senders ps = o->senders;   /* nnscd 0 without --case */
		ps.t_fresh = sc.t_fresh > 0 ? sc.t_fresh : 0;
		timeline_set_senders(d->tl, &ps);
		d->tsv = od->ftsv;
		d->json = od->fjson;
		if (o->format_given) {
			setvbuf(stdout, NULL, _IOFBF, OUT_BUFFER);
			d->out = stdout;
			if (!o->json)
				events_tsv_header(stdout);
		}
	} else {
		setvbuf(stdout, NULL, _IOFBF, OUT_BUFFER);
		if (o->json)
			d->json = stdout;
		else
			d->tsv = stdout;
	}
	if (d->tsv)
		events_tsv_header(d->tsv);
	if ((d->tsv && block_open(&d->tsvb, d->tsv) != 0) ||
	    (d->json && block_open(&d->jsonb, d->json) != 0) ||
	    (d->out && block_open(&d->outb, d->out) != 0))
		return EXIT_ENV;
	return 0;
}

/* The verdict, the summary and the last of the outputs. */
static int decode_finish(struct decoder *d, struct outdir *od)
{
	const struct decode_opts *o = d->o;
	const struct flow_stats *fs = flow_stats(d->flow);
	struct vd_result vr;
	struct vd_input in = {
		.switched = true, .t_switch = o->t_switch,
		.t_switch_end = o->t_switch_end,
		.t_end = o->windowed ? o->t_end : d->st.t_last,
		.dropped = o->dropped,
	};

	block_close(&d->tsvb);   /* the last lines to their streams */
	block_close(&d->jsonb);
	block_close(&d->outb);

	if (d->st.messages == 0)
		fprintf(stderr, "whichns: no DNS messages in %s (%llu packet%s)\n",
		        o->file, d->st.packets, d->st.packets == 1 ? "" : "s");
	if (o->switched && d->st.packets &&
	    (o->t_switch < d->st.t_first || o->t_switch > d->st.t_last))
		fprintf(stderr, "whichns: warning: --switch %.6f is outside the "
		        "capture (%.6f to %.6f)\n", o->t_switch, d->st.t_first,
		        d->st.t_last);
	if (!d->oom && o->switched &&
	    verdict_from_queries(d->q, d->nq, !d->st.out_of_order, &in, &vr) != 0)
		d->oom = true;
	/* Each server counted against the verdict's bound (old_from). */
	if (!d->oom && o->switched)
		d->sc.w.t_switch_end = vr.old_from;
	if (!d->oom && d->counting &&
	    (d->nservers = servercount_finish(&d->sc, d->servers)) < 0)
		d->oom = true;
	/* A capture does not say how a server behaved: no state. */
	for (int i = 0; i < d->nservers; i++)
		d->servers[i].state[0] = '\0';
	if (d->oom) {
		fprintf(stderr, "whichns: out of memory keeping %zu queries\n", d->nq);
		if (o->outdir) {
			fclose(od->ftsv);
			fclose(od->fjson);
		}
		return EXIT_ENV;
	}
	if (!o->outdir) {
		int rc = EXIT_OK;
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "whichns: cannot write the timeline: %s\n",
			        strerror(errno));
			rc = EXIT_ENV;
		}
		write_summary(stderr, d, fs, o->switched ? &vr : NULL);
		return rc;
	}
	if (outdir_finish(o->outdir, od, d, fs, o->switched ? &vr : NULL) != 0)
		return EXIT_ENV;
	/* stdout carries the timeline too: the result line goes aside. */
	FILE *say = d->out ? stderr : stdout;
	if (d->out && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "whichns: cannot write the timeline: %s\n",
		        strerror(errno));
		return EXIT_ENV;
	}
	if (o->switched)
		fprintf(say, "%s: %s (%u to old before, %u to old after, %u to new "
		        "after)\n", o->outdir, verdict_name(vr.v),
		        vr.queries_old_before, vr.queries_old_after,
		        vr.queries_new_after);
	else
		fprintf(say, "%s: %llu DNS messages decoded\n", o->outdir,
		        d->st.messages);
	return EXIT_OK;
}

int cmd_decode(int argc, char **argv)
{
	struct decode_opts o;
	struct decoder d = { .o = &o, .link_ok = -1 };
	struct outdir od = { 0 };
	struct capture_in ci = { .fd = -1 };
	struct capfile cf;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = capture_open(o.file, &ci, &cf)) != 0) {
		capture_close(&ci);
		return rc;
	}
	d.st.format = cf.format;
	if (cf.format == CAPFILE_PCAP)
		link_seen(&d.st, cf.linktype);
	if (!(d.flow = flow_new(on_message, &d))) {
		fprintf(stderr, "whichns: out of memory\n");
		rc = EXIT_ENV;
	} else if ((rc = outputs_open(&d, &od)) == 0) {
		if (o.switched) {
			struct sc_window w = {
				.switched = true, .t_switch = o.t_switch,
				.t_switch_end = o.t_switch_end,
				.t_end = o.windowed ? o.t_end : -1,
				.only_qtype = o.only_qtype,
			};
			d.counting = servercount_init(&d.sc, &o.servers, &w) == 0;
		}
		int read_rc = read_packets(&d, &cf, &ci);
		rc = decode_finish(&d, &od);
		if (rc == EXIT_OK)
			rc = read_rc;
	}
	capture_close(&ci);
	free(d.tsvb.buf);   /* NULL unless outputs_open() failed half-way */
	free(d.jsonb.buf);
	free(d.outb.buf);
	flow_free(d.flow);
	if (d.counting)
		servercount_free(&d.sc);
	free(d.tl);
	free(d.q);
	return rc;
}
