/*
 * cmd_watch.c - whichns watch: on this host, now, which running processes
 * still query DNS servers their own resolv.conf no longer lists
 * (doc/watch.md).
 *
 * Owns: the command line, the loop (the ring buffer, the --for timer and
 * the signals that end the watch), putting each record together with who
 * sent it (procinfo.h) and the resolv.conf that process sees, and the
 * evidence folder results/watch-TIME-PID.
 * Never: changes anything on the host but the results folder and -w's
 * file.  The kernel side (watchbpf.h) holds nothing that outlives this
 * process; the judgement and the formats are pure (watchmodel.h,
 * watchout.h, pcapng.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "exitcodes.h"
#include "pcapng.h"
#include "preflight.h"
#include "procinfo.h"
#include "runfolder.h"
#include "scenario.h"
#include "version.h"
#include "watchbpf.h"
#include "watchev.h"
#include "watchout.h"

static const char watch_usage[] =
"usage: whichns watch [--for DUR] [--pid PID | --comm NAME | --cgroup PATH]\n"
"                     [--json] [-w FILE.pcapng] [-q] [--results DIR]\n";

static const char watch_help[] =
"\n"
"Watches, on this host and now, every DNS query a process sends (UDP and\n"
"TCP, IPv4 and IPv6, any socket call) through eBPF programs on the cgroup\n"
"v2 root, and judges each by the resolv.conf that process sees (through\n"
"/proc/PID/root, so containers and chroots see their own): a query to a\n"
"server the file does not list is stale.  Each stale query is a line as it\n"
"happens; at the end (--for ran out, or Ctrl-C) a table per process with\n"
"its verdict (STALE since TIME, MIXED, LATE, FOLLOWED, LOCAL, FORWARDER,\n"
"NO QUERIES) and which processes to restart or reload.\n"
"\n"
"  --for DUR         watch this long (10s, 2m, 500ms; default: until Ctrl-C)\n"
"  --pid PID         only this process (listed as NO QUERIES if it sends none)\n"
"  --comm NAME       only processes of this name (as in /proc/PID/comm)\n"
"  --cgroup PATH     only processes in this cgroup v2 path or under it\n"
"                    (as in /proc/PID/cgroup: /system.slice/x.service)\n"
"  --json            JSON Lines on stdout: one object per query or connect,\n"
"                    then one summary object; no live lines or table\n"
"  -w FILE.pcapng    write the packets seen, each with its process in the\n"
"                    packet's comment (Wireshark: frame.comment)\n"
"  -q, --quiet       no live lines (the table and the advice stay)\n"
"      --results DIR where the evidence folder goes (default: results)\n"
"\n"
"The evidence folder results/watch-TIME-PID holds report.md, events.tsv,\n"
"timeline.svg (a lane per process) and summary.json; results/latest-watch\n"
"points at the last one.  Needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN,\n"
"and CAP_SYS_PTRACE to read other processes' /proc/PID/root) in the host's\n"
"PID namespace; it changes nothing on the host and leaves nothing\n"
"attached, even when killed.\n"
"\n"
"Exit status: 0 no process queried a server its resolv.conf does not list\n"
"(or every one came back: LATE); 1 a process is STALE or MIXED; 2 bad\n"
"usage; 3 BPF cannot run here or not from this PID namespace (one line\n"
"says what is missing), or the evidence could not be written (the table\n"
"and the advice are printed first).\n";

#define usage_error(...) cli_usage_error(watch_usage, __VA_ARGS__)
#define IGNORED_MAX 1024     /* processes the filter left out, remembered */
#define REFRESH_MS  1000     /* every root's resolv.conf looked at again */

struct watch_opts {
	unsigned    for_ms;      /* 0: until a signal */
	uint32_t    pid;         /* 0: any */
	const char *comm, *cgroup;
	bool        json, quiet;
	const char *pcapng;
	const char *results;
	char        filter[300]; /* the filter in words, for the reports */
};

struct watch {
	struct watch_opts o;
	struct wm_table   t;
	struct procconf  *pc;
	struct wm_tcp    *tcp;          /* the TCP streams' DNS messages */
	uint64_t          offset;       /* wall clock minus CLOCK_MONOTONIC */
	uint64_t          t_stop;       /* the watch's end; 0: going on */
	uint64_t          not_dns;
	uint32_t          ignored[IGNORED_MAX];
	size_t            nignored;
	struct runfolder  rf;
	FILE             *tsv;
	char              tsv_part[PATH_MAX + 32];
	FILE             *png_file;
	struct pcapng     png;
	char              png_part[PATH_MAX + 16];
	int               write_errno;  /* the first failed write, 0: none */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the command line ---- */

static int for_option(const char *v, struct watch_opts *o)
{
	size_t n = strlen(v);
	if (n == 0 || (v[n - 1] >= '0' && v[n - 1] <= '9') ||
	    scn_parse_duration(v, &o->for_ms) != 0 || o->for_ms == 0)
		return usage_error("--for '%s': give a duration with its unit, "
		                   "from 1ms to 24 hours: 500ms, 10s, 2m", v);
	return 0;
}

static int pid_option(const char *v, struct watch_opts *o)
{
	char *end, path[64];
	errno = 0;
	unsigned long pid = strtoul(v, &end, 10);
	if (!*v || *end || errno || pid == 0 || pid > INT32_MAX)
		return usage_error("--pid '%s': give a process id, a number such "
		                   "as 1234", v);
	snprintf(path, sizeof path, "/proc/%lu", pid);
	if (access(path, F_OK) != 0)
		return usage_error("--pid %lu: no such process here (ps -e lists "
		                   "the running ones)", pid);
	o->pid = (uint32_t)pid;
	return 0;
}

static int filter_words(struct watch_opts *o)
{
	int given = !!o->pid + !!o->comm + !!o->cgroup;
	if (given > 1)
		return usage_error("--pid, --comm and --cgroup: give one of them");
	if (o->comm && (!*o->comm || strlen(o->comm) > 15))
		return usage_error("--comm '%s': a process name as /proc/PID/comm "
		                   "shows it, 1 to 15 characters", o->comm);
	if (o->cgroup && o->cgroup[0] != '/')
		return usage_error("--cgroup '%s': a cgroup v2 path from its root, "
		                   "as /proc/PID/cgroup shows it (/system.slice/"
		                   "x.service)", o->cgroup);
	if (o->pid)
		snprintf(o->filter, sizeof o->filter, "pid %u", o->pid);
	else if (o->comm)
		snprintf(o->filter, sizeof o->filter, "comm %s", o->comm);
	else if (o->cgroup)
		snprintf(o->filter, sizeof o->filter, "cgroup %s", o->cgroup);
	else
		snprintf(o->filter, sizeof o->filter, "all processes");
	return 0;
}

enum { O_FOR = 256, O_PID, O_COMM, O_CGROUP, O_JSON, O_RESULTS };

static int parse_args(int argc, char **argv, struct watch_opts *o)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, O_FOR },
		{ "pid", required_argument, NULL, O_PID },
		{ "comm", required_argument, NULL, O_COMM },
		{ "cgroup", required_argument, NULL, O_CGROUP },
		{ "json", no_argument, NULL, O_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "results", required_argument, NULL, O_RESULTS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, rc;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+w:qh", opts, NULL)) != -1) {
		switch (c) {
		case O_FOR: if ((rc = for_option(optarg, o))) return rc; break;
		case O_PID: if ((rc = pid_option(optarg, o))) return rc; break;
		case O_COMM: o->comm = optarg; break;
		case O_CGROUP: o->cgroup = optarg; break;
		case O_JSON: o->json = true; break;
		case 'w': o->pcapng = optarg; break;
		case 'q': o->quiet = true; break;
		case O_RESULTS: o->results = optarg; break;
		case 'h':
			fputs(watch_usage, stdout);
			fputs(watch_help, stdout);
			return -1;
		default:
			return usage_error("watch: unknown option or missing value: '%s'",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("watch takes no arguments ('%s'): filter with "
		                   "--pid, --comm or --cgroup", argv[optind]);
	return filter_words(o);
}

/* ---- outputs opened before the watch, closed after it ---- */

static int open_pcapng(struct watch *w)
{
	if (!w->o.pcapng)
		return 0;
	snprintf(w->png_part, sizeof w->png_part, "%s.part", w->o.pcapng);
	w->png_file = fopen(w->png_part, "we");
	if (!w->png_file) {
		fprintf(stderr, "whichns: -w %s: cannot create %s: %s; name a file "
		        "in a folder you can write; nothing ran\n", w->o.pcapng,
		        w->png_part, strerror(errno));
		return EXIT_USAGE;
	}
	if (pcapng_begin(&w->png, w->png_file, "whichns watch") != 0 ||
	    pcapng_interface(&w->png, PKT_LINK_RAW, WN_EV_SNAP, "any") != 0)
		w->write_errno = errno ? errno : EIO;
	return 0;
}

static int open_folder(struct watch *w)
{
	struct preflight_paths pp = { .results_default = !w->o.results };
	struct run_opts ro = { .results = w->o.results ? w->o.results : "results" };
	struct wfault f = { 0 };
	int rc = preflight_results(&pp, &ro);
	if (rc != 0)
		return rc;
	if (runfolder_create(&w->rf, ro.results, "watch-", "latest-watch", &f) != 0)
		return runfolder_fault_print(&f, FAULT_NOTHING_RAN);
	snprintf(w->tsv_part, sizeof w->tsv_part, "%s/events.tsv.part", w->rf.dir);
	w->tsv = fopen(w->tsv_part, "we");
	if (!w->tsv) {
		runfolder_fault_set(&f, "create", w->tsv_part, errno);
		return runfolder_fault_print(&f, FAULT_NOTHING_RAN);
	}
	wo_tsv_header(w->tsv);
	return 0;
}

/* ---- one record ---- */

static bool ignored(const struct watch *w, uint32_t tgid)
{
	for (size_t i = 0; i < w->nignored && i < IGNORED_MAX; i++)
		if (w->ignored[i] == tgid)
			return true;
	return false;
}

static bool wanted(const struct watch_opts *o, const struct wm_proc *p,
                   const struct wm_query *q)
{
	if (o->comm)
		return strcmp(p->comm, o->comm) == 0 || strcmp(q->comm, o->comm) == 0;
	if (o->cgroup)
		return procinfo_under_cgroup(p->cgroup, o->cgroup);
	return true;
}

static struct wm_row *find_row(struct wm_table *t, uint32_t tgid)
{
	for (size_t i = t->n; i-- > 0; )
		if (t->rows[i]->p.tgid == tgid)
			return t->rows[i];
	return NULL;
}

/* The row of the query's process, NULL when the filter leaves it out or
 * the table is full.  /proc is read once per process. */
static struct wm_row *row_of(struct watch *w, const struct wm_query *q)
{
	if (w->o.pid && q->tgid != w->o.pid)
		return NULL;
	struct wm_row *r = find_row(&w->t, q->tgid);
	if (r || ignored(w, q->tgid))
		return r;
	struct wm_proc p;
	if (procinfo_read(q->tgid, &p) != 0)
		snprintf(p.comm, sizeof p.comm, "%s", q->comm);  /* gone */
	p.cgroup_id = q->cgroup_id;
	if (!wanted(&w->o, &p, q)) {
		w->ignored[w->nignored++ % IGNORED_MAX] = q->tgid;
		return NULL;
	}
	r = wm_table_row(&w->t, &p);
	if (!r)
		w->t.dropped_rows += q->nmsgs;
	return r;
}

/* The process, the packet and the judgement, as -w's packet comment.
 * A comm or path may hold any byte: control bytes become '?', so the
 * comment stays one line. */
static void packet_comment(char *buf, size_t size, const struct wm_row *r,
                           enum wm_class c)
{
	snprintf(buf, size, "whichns: pid %u comm %s exe %s mntns %llu "
	         "cgroup %s: %s", r->p.tgid, r->p.comm,
	         r->p.exe[0] ? r->p.exe : "?", (unsigned long long)r->p.mntns,
	         r->p.cgroup[0] ? r->p.cgroup : "?", wm_class_name(c));
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* The record's packet, once (q->pkt is NULL on the other queries of
 * the same record: watchmodel.h, wm_tcp_record). */
static void write_packet(struct watch *w, const struct wm_query *q,
                         const struct wm_row *r, enum wm_class c)
{
	if (w->png_file && q->kind == WN_EV_PACKET && q->pkt) {
		char comment[700];
		packet_comment(comment, sizeof comment, r, c);
		if (pcapng_packet(&w->png, 0, q->t_ns, q->pkt, q->cap_len,
		                  q->wire_len, comment) != 0 && !w->write_errno)
			w->write_errno = errno ? errno : EIO;
	}
}

static void write_event(struct watch *w, const struct wm_query *q,
                        const struct wm_row *r, enum wm_class c,
                        const struct wm_conf *conf)
{
	if (c == WM_STALE && q->kind == WN_EV_PACKET && !w->o.quiet && !w->o.json)
		wo_live_line(stdout, q, r, conf);
	if (w->o.json)
		wo_json_event(stdout, q, r, c, conf);
	wo_tsv_event(w->tsv, q, r, c, conf);
	write_packet(w, q, r, c);
}

/* The row of a query (or of a record that completed none) inside the
 * watch, and its class; NULL when it is not counted.  The watch is
 * [t0, t_stop]: what left between attaching and t0, or after t_stop
 * while the ring buffer drains, is outside it, so the counts are those
 * of a capture of the same period. */
static struct wm_row *judge(struct watch *w, const struct wm_query *q,
                            enum wm_class *c, const struct wm_conf **conf)
{
	if (q->t_ns < w->t.t0_ns || (w->t_stop && q->t_ns > w->t_stop))
		return NULL;
	struct wm_row *r = row_of(w, q);
	if (!r)
		return NULL;
	const struct wm_confhist *h = procconf_get(w->pc, q->tgid, q->t_ns);
	*c = wm_judge(h, q->t_ns, r->p.forwarder, &q->dst, conf);
	return r;
}

static void on_query(void *ctx, const struct wm_query *q)
{
	struct watch *w = ctx;
	const struct wm_conf *conf;
	enum wm_class c;
	struct wm_row *r = judge(w, q, &c, &conf);
	if (!r)
		return;
	wm_row_add(&w->t, r, q, c, conf);
	write_event(w, q, r, c, conf);
}

/* A record yields its queries (a TCP segment: those it completes on its
 * stream, maybe none).  A segment that completed none (the first part of
 * a message, a retransmission) still left: -w keeps it, so the file
 * reassembles as the stream did. */
static int on_record(void *ctx, const void *rec, size_t size)
{
	struct watch *w = ctx;
	struct wm_query rq;
	const char *why;
	int n = wm_tcp_record(w->tcp, rec, size, w->offset, on_query, w, &rq,
	                      &why);
	if (n < 0 || (n == 0 && why))
		w->not_dns++;
	if (n >= 0 && rq.pkt && w->png_file) {
		const struct wm_conf *conf;
		enum wm_class c;
		struct wm_row *r = judge(w, &rq, &c, &conf);
		if (r)
			write_packet(w, &rq, r, c);
	}
	return 0;
}

/* ---- the loop ---- */

static void add_quiet_row(void *ctx, const struct wm_proc *p)
{
	struct watch *w = ctx;
	if (!find_row(&w->t, p->tgid))
		(void)wm_table_row(&w->t, p);
}

/* A filtered watch lists the processes it matches now, queries or not. */
static void quiet_rows(struct watch *w)
{
	struct wm_proc p;
	if (w->o.pid && procinfo_read(w->o.pid, &p) == 0)
		add_quiet_row(w, &p);
	else if (w->o.comm || w->o.cgroup)
		procinfo_scan(w->o.comm, w->o.cgroup, add_quiet_row, w);
}

static int signals_fd(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int timer_fd(unsigned ms)
{
	if (ms == 0)
		return -1;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = { .it_value = { ms / 1000, (long)(ms % 1000) * 1000000 } };
	if (fd >= 0)
		timerfd_settime(fd, 0, &its, NULL);
	return fd;
}

/* Until --for runs out or a signal comes: true when a signal ended it. */
static bool watch_loop(struct watch *w, struct watchbpf *b)
{
	sigset_t old;
	int sfd = signals_fd(&old), tfd = timer_fd(w->o.for_ms);
	if (sfd < 0)   /* the signals then end it as they would anything */
		sigprocmask(SIG_SETMASK, &old, NULL);
	struct pollfd pfd[3] = {
		{ watchbpf_fd(b), POLLIN, 0 }, { sfd, POLLIN, 0 }, { tfd, POLLIN, 0 },
	};
	bool signalled = false;
	uint64_t refreshed = clock_ns(CLOCK_MONOTONIC);
	for (;;) {
		if (poll(pfd, tfd >= 0 ? 3 : 2, REFRESH_MS) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			watchbpf_poll(b, 0);
		if (clock_ns(CLOCK_MONOTONIC) - refreshed >= REFRESH_MS * 1000000ull) {
			procconf_refresh(w->pc);
			refreshed = clock_ns(CLOCK_MONOTONIC);
		}
		if (pfd[1].revents) {
			signalled = true;
			break;
		}
		if (tfd >= 0 && pfd[2].revents)
			break;
	}
	w->t_stop = clock_ns(CLOCK_MONOTONIC) + w->offset;
	watchbpf_poll(b, 0);   /* what is left in the ring buffer */
	/* Take the signals that ended the loop: left pending, they would be
	 * delivered when the old mask comes back and, not ignored (Ctrl-C at
	 * a terminal), end the process before the summary (exit 130). */
	struct signalfd_siginfo si;
	while (sfd >= 0 && read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
		continue;
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return signalled;
}

/* ---- the end ---- */

static int write_summary_json(FILE *f, const void *ctx)
{
	const struct wo_doc *d = ctx;
	wo_json_summary(f, d->t, d->m);
	return ferror(f) ? -1 : 0;
}

static int close_part(FILE *f, const char *part, const char *final,
                      struct wfault *fault)
{
	int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	int err = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad && rename(part, final) == 0)
		return 0;
	runfolder_fault_set(fault, "write", final, bad ? err : errno);
	unlink(part);
	return -1;
}

/* A watch that could not finish: its partial files go. */
static void drop_outputs(struct watch *w)
{
	if (w->tsv) {
		fclose(w->tsv);
		unlink(w->tsv_part);
		rmdir(w->rf.dir);
		w->tsv = NULL;
	}
	if (w->png_file) {
		fclose(w->png_file);
		unlink(w->png_part);
		w->png_file = NULL;
	}
}

static int write_evidence(struct watch *w, const struct wo_meta *m)
{
	static const struct { const char *name; int (*fn)(FILE *, const void *); }
	files[] = {
		{ "report.md", wo_report_md }, { "timeline.svg", wo_timeline_svg },
		{ "summary.json", write_summary_json },
	};
	struct wo_doc d = { &w->t, m };
	struct wfault f = { 0 };
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/events.tsv", w->rf.dir);
	int rc = close_part(w->tsv, w->tsv_part, path, &f);
	w->tsv = NULL;
	if (rc == 0 && w->png_file && w->write_errno) {
		runfolder_fault_set(&f, "write", w->o.pcapng, w->write_errno);
		rc = -1;
	} else if (rc == 0 && w->png_file) {
		rc = close_part(w->png_file, w->png_part, w->o.pcapng, &f);
		w->png_file = NULL;
	}
	drop_outputs(w);   /* what a failure above left open */
	if (rc != 0)
		rmdir(w->rf.dir);   /* when nothing was written there */
	for (size_t i = 0; rc == 0 && i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", w->rf.dir, files[i].name);
		rc = runfolder_write(path, files[i].fn, &d, &f);
	}
	if (rc == 0)
		rc = runfolder_link_latest(&w->rf, &f);
	return rc == 0 ? 0 : runfolder_fault_print(&f, "the watch ended; its "
	                                           "evidence is incomplete");
}

static int finish(struct watch *w, uint64_t t1, bool signalled,
                  uint64_t lost)
{
	struct utsname u;
	uname(&u);
	struct wo_meta m = {
		.t0_ns = w->t.t0_ns, .t1_ns = t1, .filter = w->o.filter,
		.version = whichns_version, .host = u.nodename,
		.pcapng = w->o.pcapng, .lost = lost, .not_dns = w->not_dns,
		.dropped_rows = w->t.dropped_rows, .interrupted = signalled,
	};
	/* The answer first: a results folder that refuses a write must not
	 * hide which processes to restart. */
	if (w->o.json) {
		wo_json_summary(stdout, &w->t, &m);
	} else {
		wo_table(stdout, &w->t, &m);
		wo_advice(stdout, &w->t);
	}
	fflush(stdout);
	int rc = write_evidence(w, &m);
	if (rc != 0)
		return rc;
	fprintf(stderr, "whichns watch: evidence in %s\n", w->rf.dir);
	for (size_t i = 0; i < w->t.n; i++)
		if (wm_row_needs_restart(w->t.rows[i]))
			return EXIT_DIFFERS;
	return EXIT_OK;
}

/* "10s", "1.5s", "250ms", "until Ctrl-C". */
static void for_words(unsigned ms, char *buf, size_t size)
{
	if (ms == 0)
		snprintf(buf, size, "until Ctrl-C");
	else if (ms % 1000 == 0)
		snprintf(buf, size, "for %us", ms / 1000);
	else
		snprintf(buf, size, "for %ums", ms);
}

static int watch_run(struct watch *w, struct watchbpf *b)
{
	char span[32];
	w->t.t0_ns = clock_ns(CLOCK_MONOTONIC) + w->offset;
	procconf_prime(w->pc);
	quiet_rows(w);
	if ((w->o.comm || w->o.cgroup) && w->t.n == 0)
		fprintf(stderr, "whichns watch: no process matches %s now; "
		        "watching for those that start\n", w->o.filter);
	for_words(w->o.for_ms, span, sizeof span);
	fprintf(stderr, "whichns watch: attached (%s); watching %s %s; Ctrl-C "
	        "ends it\n", watchbpf_hooks(), w->o.filter, span);
	bool signalled = watch_loop(w, b);
	uint64_t lost = watchbpf_lost(b);
	watchbpf_close(b);
	return finish(w, w->t_stop, signalled, lost);
}

/* The records name processes by their ids in the host's PID namespace;
 * /proc here must be that namespace's, or a pid would name another
 * process, or none. */
static int host_pid_namespace(void)
{
	char ns[64];
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
	if (n < 0 || (ns[n] = '\0', strcmp(ns, "pid:[4026531836]") == 0))
		return 0;
	fprintf(stderr, "whichns watch: runs in a PID namespace of its own "
	        "(%s): the kernel names processes by the host's ids; run it "
	        "in the host's (nsenter -t 1 -p -m, or outside the "
	        "container)\n", ns);
	return EXIT_ENV;
}

/* Without CAP_SYS_PTRACE, /proc/PID/root of another user's process or
 * another namespace's cannot be opened: say so once, at the start,
 * rather than leave its rows INCONCLUSIVE without a reason. */
static void warn_ptrace(void)
{
	char line[128];
	unsigned long long eff = ~0ULL;
	FILE *f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	if (!(eff >> 19 & 1))
		fprintf(stderr, "whichns watch: without CAP_SYS_PTRACE the "
		        "resolv.conf of other processes cannot be read: their "
		        "queries will not be judged (INCONCLUSIVE)\n");
}

/* BPF first: where it cannot run, nothing is written. */
static int watch_start(struct watch *w)
{
	char err[512];
	if (host_pid_namespace() != 0)
		return EXIT_ENV;
	warn_ptrace();
	struct watchbpf *b = watchbpf_open(on_record, w, err, sizeof err);
	if (!b) {
		fprintf(stderr, "%s\n", err);   /* it names itself: watchbpf.h */
		return EXIT_ENV;
	}
	int rc = open_pcapng(w);
	if (rc == 0)
		rc = open_folder(w);
	if (rc != 0) {
		watchbpf_close(b);
		drop_outputs(w);
		return rc;
	}
	return watch_run(w, b);
}

int cmd_watch(int argc, char **argv)
{
	struct watch *w = calloc(1, sizeof *w);
	if (!w) {
		fprintf(stderr, "whichns watch: out of memory\n");
		return EXIT_ENV;
	}
	int rc = parse_args(argc, argv, &w->o);
	if (rc != 0) {
		free(w);
		return rc < 0 ? EXIT_OK : rc;
	}
	if (w->o.json || !w->o.quiet)
		setvbuf(stdout, NULL, _IOLBF, 0);
	wm_table_init(&w->t, 0);
	/* The watch's clock: the kernel's CLOCK_MONOTONIC (the records'),
	 * shown as wall-clock time from the start on. */
	w->offset = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	w->pc = procconf_new(w->offset);
	w->tcp = wm_tcp_new();
	rc = w->pc && w->tcp ? watch_start(w) : EXIT_ENV;
	wm_tcp_free(w->tcp);
	procconf_free(w->pc);
	wm_table_free(&w->t);
	free(w);
	return rc;
}
