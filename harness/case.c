/*
 * case.c - the life of one case, top to bottom in case_run():
 * set up (namespaces, servers, view, capture), run the process, switch
 * resolv.conf at a quiet moment, observe the window, decide from the
 * capture, tear down (the undo stack, newest first).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "cli.h"
#include "case.h"
#include "defer.h"
#include "events.h"
#include "evidence.h"
#include "resolvconf.h"
#include "sandbox.h"
#include "spawn.h"
#include "target.h"
#include "timeline.h"
#include "topo.h"
#include "wnconst.h"

volatile sig_atomic_t case_interrupted;

/* WHICHNS_TRACE=1: phase times on stderr, to see where a case's time goes. */
static void trace(const char *what, double t0)
{
	static int on = -1;
	if (on < 0)
		on = getenv("WHICHNS_TRACE") && strcmp(getenv("WHICHNS_TRACE"), "0") != 0;
	if (on)
		fprintf(stderr, "whichns[%d]: %7.1f ms %s\n", (int)getpid(),
		        (now_realtime() - t0) * 1000, what);
}

/* What the case has seen so far. */
struct observe {
	struct wn_servers servers;
	struct wn_event  *ev;  size_t nev, evcap;
	struct vd_answer *ans; size_t nans, anscap;
	unsigned old_queries;
	double   t_first_old, t_last_packet;
	unsigned packets, malformed;
	FILE    *out;             /* the process's stdout, kept as it came */
	char     line[4096];
	size_t   linelen;
	char     libc[64];
	char     unsupported[200]; /* the probe said it cannot run here */
	uint16_t only_qtype;       /* the switch waits for these queries */
	double   t_run;            /* the process started */
};

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *np = realloc(*p, ncap * size);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static void on_packet(void *ctx, const struct pcap_pkthdr *h,
                      const uint8_t *bytes, int linktype)
{
	struct observe *ob = ctx;
	struct pkt_dns p;
	const char *why;
	double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;

	ob->packets++;
	ob->t_last_packet = t;
	enum pkt_status st = pkt_decode(linktype, bytes, h->caplen, &p, &why);
	if ((st != PKT_DNS && st != PKT_SKIP) || (st == PKT_DNS && p.partial))
		ob->malformed++;   /* counted and reported, never trusted */
	if (st != PKT_DNS)
		return;
	if (grow((void **)&ob->ev, &ob->evcap, ob->nev + PKT_MSGS_MAX,
	         sizeof *ob->ev) != 0)
		return;
	size_t n = events_from_frame(&p, t, &ob->servers, ob->ev + ob->nev);
	for (size_t i = 0; i < n; i++) {
		const struct wn_event *e = &ob->ev[ob->nev + i];
		if (!e->qr && e->server == VD_OLD &&
		    (!ob->only_qtype || e->qtype == ob->only_qtype) &&
		    ob->old_queries++ == 0)
			ob->t_first_old = t;
	}
	ob->nev += n;
}

/* The application view: which server's data did the process print? */
static void on_line(struct observe *ob, const char *line)
{
	if (strncmp(line, "#libc\t", 6) == 0) {
		snprintf(ob->libc, sizeof ob->libc, "%s", line + 6);
		return;
	}
	if (strncmp(line, "#unsupported\t", 13) == 0) {
		snprintf(ob->unsupported, sizeof ob->unsupported, "%s", line + 13);
		return;
	}
	enum vd_server from = VD_OTHER;
	if (strstr(line, WN_ANSWER_OLD4) || strstr(line, WN_ANSWER_OLD6) ||
	    strstr(line, WN_NAME_OLD))
		from = VD_OLD;
	else if (strstr(line, WN_ANSWER_NEW4) || strstr(line, WN_ANSWER_NEW6) ||
	         strstr(line, WN_NAME_NEW))
		from = VD_NEW;
	if (from == VD_OTHER ||
	    grow((void **)&ob->ans, &ob->anscap, ob->nans + 1, sizeof *ob->ans) != 0)
		return;
	/* When the line starts with the lookup's own time (our probes print
	 * "EPOCH<TAB>..."), that time counts; for any other program, when we
	 * read it, which a buffered pipe may delay. */
	char *end;
	double t = strtod(line, &end);
	bool stamped = end != line && *end == '\t' && t > 1e9 && t < 1e10;
	ob->ans[ob->nans].t = stamped ? t : now_realtime();
	ob->ans[ob->nans].from = from;
	ob->nans++;
}

static void read_output(struct observe *ob, int fd)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		fwrite(buf, 1, (size_t)n, ob->out);
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || ob->linelen == sizeof ob->line - 1) {
				ob->line[ob->linelen] = '\0';
				on_line(ob, ob->line);
				ob->linelen = 0;
			} else {
				ob->line[ob->linelen++] = buf[i];
			}
		}
	}
}

/* Switch only between lookups: after enough of them reached the old
 * server, and when the wire has been quiet for a moment, so that no
 * lookup straddles the switch. */
static bool ready_to_switch(const struct observe *ob, const struct case_spec *s,
                            double now)
{
	double quiet = s->interval_ms ? fmin(fmax(s->interval_ms / 4.0, 5), 50) : 20;
	if ((now - ob->t_last_packet) * 1000 < quiet)
		return false;
	if (s->switch_at_ms)   /* a fixed time after the start, lookups or not */
		return (now - ob->t_run) * 1000 >= s->switch_at_ms;
	if (ob->old_queries == 0)
		return false;
	return ob->old_queries >= s->before ||
	       (now - ob->t_first_old) * 1000 >= s->switch_after_ms;
}

static void close_file(void *arg) { fclose(arg); }
static void close_capture(void *arg) { capture_close(arg); }
static void stop_target(void *arg) { target_stop(arg); }

static FILE *case_file(const struct case_spec *s, const char *name, char *err,
                       size_t errsize)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", s->casedir, name);
	FILE *f = fopen(path, "we");
	if (!f)
		snprintf(err, errsize, "cannot write %s in the case folder: %s",
		         name, strerror(errno));
	return f;
}

static int enter_namespaces(char *err, size_t errsize)
{
	/* iproute2's order: network, then mounts, then make / a slave so
	 * that nothing we mount propagates back to the host. */
	if (unshare(CLONE_NEWNET) != 0) {
		snprintf(err, errsize, "unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) {
		snprintf(err, errsize, "private mount namespace: %s", strerror(errno));
		return -1;
	}
	/* A qualified host name of the case's own (daemons such as sendmail
	 * want one), without renaming the host. */
	if (unshare(CLONE_NEWUTS) != 0 ||
	    sethostname(WN_HOSTNAME, strlen(WN_HOSTNAME)) != 0) {
		snprintf(err, errsize, "UTS namespace: %s", strerror(errno));
		return -1;
	}
	/* System V IPC and POSIX message queues of the case's own: what the
	 * process creates there ends with the case's last process. */
	if (unshare(CLONE_NEWIPC) != 0) {
		snprintf(err, errsize, "unshare(CLONE_NEWIPC): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Triggers: short commands run now and then in the case's namespaces to
 * make a daemon look something up.  Each runs as a target of its own (a
 * PID namespace), so whatever a trigger forks ends with the case too. */
#define TRIGGERS_MAX 4

struct triggers {
	const struct case_spec *s;
	const struct sandbox *sb;
	struct target t[TRIGGERS_MAX];
	double next;
	char   log[4096];
};

static void triggers_tick(struct triggers *tr, double now)
{
	char err[256];
	if (!tr->s->trigger || now < tr->next)
		return;
	tr->next = now + tr->s->trigger_ms / 1000.0;
	int i;
	for (i = 0; i < TRIGGERS_MAX; i++)
		if (tr->t[i].pid <= 0 || target_poll(&tr->t[i]))
			break;
	if (i == TRIGGERS_MAX)
		return;   /* the earlier ones still run: do not pile up */
	target_stop(&tr->t[i]);   /* reaped already; closes what is left */
	if (target_start(&tr->t[i], tr->s->trigger, tr->sb, tr->log, tr->log,
	                 err, sizeof err) != 0) {
		FILE *f = fopen(tr->log, "ae");
		if (f) {
			fprintf(f, "whichns: trigger: %s\n", err);
			fclose(f);
		}
	}
}

static void triggers_stop(void *arg)
{
	struct triggers *tr = arg;
	for (int i = 0; i < TRIGGERS_MAX; i++)
		target_stop(&tr->t[i]);
}

/* Debian's defaults for hosts.  "threads 1" asks for one worker, but
 * nscd starts at least one per database (five), each with its own
 * resolver state: which worker answers after a switch is the
 * scheduler's choice (doc/resolvers.md, "nscd"). */
static const char nscd_conf[] =
	"# whichns: the nscd of one case (Debian's defaults for hosts)\n"
	"debug-level 0\n"
	"threads 1\n"
	"max-threads 1\n"
	"paranoia no\n"
	"enable-cache passwd no\n"
	"enable-cache group no\n"
	"enable-cache services no\n"
	"enable-cache netgroup no\n"
	"enable-cache hosts yes\n"
	"positive-time-to-live hosts 3600\n"
	"negative-time-to-live hosts 20\n"
	"suggested-size hosts 211\n"
	"check-files hosts yes\n"
	"persistent hosts no\n"
	"shared hosts yes\n"
	"max-db-size hosts 33554432\n";

static int nscd_start(const struct case_spec *s, const struct sandbox *sb,
                      struct view *v, struct target *t, struct defer *d,
                      char *err, size_t errsize)
{
	char conf[PATH_MAX + 32], dir[PATH_MAX + 16], sock[PATH_MAX + 32],
	     errpath[4096];
	snprintf(conf, sizeof conf, "%s/nscd.conf", v->run);
	snprintf(dir, sizeof dir, "%s/nscd", v->runroot);
	snprintf(sock, sizeof sock, "%s/socket", dir);
	FILE *f = fopen(conf, "we");
	bool bad = !f || fputs(nscd_conf, f) < 0;
	if ((f && fclose(f) != 0) || bad || mkdir(dir, 0755) != 0) {
		snprintf(err, errsize, "cannot prepare nscd in %s: %s", v->run,
		         strerror(errno));
		return -1;
	}
	snprintf(errpath, sizeof errpath, "%s/nscd.err", s->casedir);
	char *argv[] = { (char *)(uintptr_t)s->nscd, "-F", "-f",
	                 "/run/whichns/nscd.conf", NULL };
	if (target_start(t, argv, sb, errpath, errpath, err, errsize) != 0)
		return -1;
	defer_push(d, stop_target, t, "stop nscd");
	/* Ready when its socket takes a connection. */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	for (int waited = 0; waited < 5000; waited += 5) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return 0;
		if (target_poll(t))
			break;
		poll(NULL, 0, 5);
	}
	snprintf(err, errsize, "nscd (%s) did not open its socket "
	         "/run/nscd/socket within 5 s; see nscd.err in the case folder",
	         s->nscd);
	return -1;
}

static void write_events(const struct case_spec *s, const struct observe *ob,
                         double t_switch)
{
	char err[256];
	FILE *f = case_file(s, "events.tsv", err, sizeof err);
	if (!f)
		return;
	events_tsv_header(f);
	for (size_t i = 0; i < ob->nev; i++)
		events_tsv(f, &ob->ev[i], t_switch);
	fclose(f);
}


/* report.md: the case's evidence in one readable file. */
static void write_report(const struct case_spec *s, const struct observe *ob,
                         const struct case_result *r, const char *nsswitch)
{
	char path[4096 + 32], kernel[300] = "", err[256];
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
	snprintf(path, sizeof path, "%s/resolv.conf.before", s->casedir);
	char *before = cli_read_file(path, 64 << 10, NULL);
	snprintf(path, sizeof path, "%s/resolv.conf.after", s->casedir);
	char *after = cli_read_file(path, 64 << 10, NULL);
	struct evidence e = {
		.r = r, .rerun = s->rerun, .kernel = kernel, .rc_before = before,
		.rc_after = after, .nsswitch = nsswitch, .nscd = s->nscd != NULL,
		.ev = ob->ev, .nev = ob->nev, .max_rows = 400,
	};
	FILE *f = case_file(s, "report.md", err, sizeof err);
	if (f) {
		evidence_report_md(f, &e);
		fclose(f);
	}
	if ((f = case_file(s, "timeline.svg", err, sizeof err))) {
		timeline_svg(f, ob->ev, ob->nev, r->switched ? r->switch_time : -1,
		             r->name);
		fclose(f);
	}
	free(before);
	free(after);
}

/* The verdict from the wire: queries (of the chosen type) until the fresh
 * process started; the fresh process's queries are counted apart. */
static void decide(const struct case_spec *s, const struct observe *ob,
                   const struct target *t, double t_exit, double t_end,
                   double t_fresh, struct case_result *r)
{
	size_t nq = 0;
	struct vd_query *q = calloc(ob->nev + 1, sizeof *q);
	if (!q) {
		snprintf(r->error, sizeof r->error, "out of memory");
		return;
	}
	for (size_t i = 0; i < ob->nev; i++) {
		const struct wn_event *e = &ob->ev[i];
		if (e->qr || (s->only_qtype && e->qtype != s->only_qtype))
			continue;
		if (t_fresh > 0 && e->t >= t_fresh) {
			r->fresh_queries_old += e->server == VD_OLD;
			r->fresh_queries_new += e->server == VD_NEW;
			continue;
		}
		/* The window is what was observed: a query in the moment it
		 * took to stop the process is in the capture, not the verdict. */
		if (e->t > t_end)
			continue;
		events_to_query(e, &q[nq++]);
	}
	/* Packets of different interfaces may reach us slightly out of time
	 * order; the verdict reads them in time order (stable for ties). */
	struct vd_input in = {
		.a = ob->ans, .na = ob->nans,
		.switched = r->switched, .t_switch = r->switch_time,
		.t_end = t_end, .dropped = r->dropped,
		.exited = t_exit > 0, .t_exit = t_exit,
	};
	if (verdict_from_queries(q, nq, false, &in, &r->vd) != 0)
		snprintf(r->error, sizeof r->error, "out of memory");
	free(q);
	r->exit_code = t->ended && t_exit > 0 ? (t->status >> 8) & 0xff : -1;
}

/* Observe until deadline, the process ends, or something fails.  Returns
 * 1 when the process ended, 0 at the deadline, -1 on failure (err set). */
static int observe_until(struct observe *ob, struct capture *cap,
                         struct target *tgt, struct server srv[2],
                         struct triggers *trig, double deadline,
                         bool (*stop_early)(void *), void *ctx,
                         char *err, size_t errsize)
{
	sigset_t unblocked;
	sigemptyset(&unblocked);
	for (;;) {
		double now = now_realtime();
		if (case_interrupted) {
			snprintf(err, errsize, "interrupted");
			return -1;
		}
		if (stop_early && stop_early(ctx))
			return 0;
		if (now >= deadline)
			return 0;
		if (target_poll(tgt))
			return 1;
		int gone = topo_server_gone(srv);
		if (gone >= 0) {
			snprintf(err, errsize, "the %s server (dnsmasq) %s during "
			         "the case; see %s", srv[gone].label, srv[gone].ended,
			         srv[gone].errlog);
			return -1;
		}
		if (trig)
			triggers_tick(trig, now);
		struct pollfd pfd[2] = {
			{ .fd = cap->fd, .events = POLLIN },
			{ .fd = tgt->out, .events = POLLIN },
		};
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		if (ppoll(pfd, 2, &ts, &unblocked) < 0 && errno != EINTR) {
			snprintf(err, errsize, "poll: %s", strerror(errno));
			return -1;
		}
		if (capture_dispatch(cap, on_packet, ob) < 0) {
			snprintf(err, errsize, "capture: %s", pcap_geterr(cap->p));
			return -1;
		}
		read_output(ob, tgt->out);
	}
}

struct switch_ctx {
	const struct case_spec *s;
	struct observe *ob;
	struct view *view;
	struct case_result *r;
	const char *text;
	char *err;
	size_t errsize;
	int failed;
};

/* Called in the loop before the switch: switch when the moment is right. */
static bool switch_now(void *arg)
{
	struct switch_ctx *c = arg;
	if (!ready_to_switch(c->ob, c->s, now_realtime()))
		return false;
	if (view_switch(c->view, c->text, c->err, c->errsize) != 0) {
		c->failed = 1;
		return true;
	}
	/* On the capture's own resolution (microseconds), so result.txt
	 * holds exactly the value every count was made against. */
	c->r->switch_time = round(now_realtime() * 1e6) / 1e6;
	c->r->switched = true;
	return true;
}

int case_run(const struct case_spec *spec, struct case_result *r)
{
	/* Below, s->casedir becomes /proc/self/fd/N: a descriptor of the case
	 * folder opened before the view's mounts, so files still reach the
	 * real folder when it lies under /var, /tmp or /run. */
	struct case_spec local = *spec;
	const struct case_spec *s = &local;
	char dirpath[64];
	int dirfd = -1;
	struct defer undo = { 0 };
	struct observe ob = { .only_qtype = s->only_qtype };
	struct server srv[2] = {
		{ .label = "old", .addr4 = WN_OLD4, .addr6 = WN_OLD6, .veth = "w-old",
		  .mac_client = "02:77:6e:0a:00:02", .mac_server = "02:77:6e:0a:00:0a" },
		{ .label = "new", .addr4 = WN_NEW4, .addr6 = WN_NEW6, .veth = "w-new",
		  .mac_client = "02:77:6e:14:00:02", .mac_server = "02:77:6e:14:00:14" },
	};
	struct sandbox sb;
	struct view view;
	struct capture cap = { 0 };
	struct target tgt = { .pid = -1, .out = -1 }, nscd = { .pid = -1, .out = -1 },
	              fresh = { .pid = -1, .out = -1 };
	struct triggers trig = { .s = s, .sb = &sb };
	for (int i = 0; i < TRIGGERS_MAX; i++)
		trig.t[i].pid = trig.t[i].out = -1;
	char rc_old[512], rc_new[512], path[4096];
	char *err = r->error;
	size_t errsize = sizeof r->error;
	double t_end = 0, t_exit = 0, t_fresh = 0;
	char *nsswitch = NULL;
	int rc = -1, st;

	r->t_start = now_realtime();
	events_default_servers(&ob.servers);
	if (resolvconf_render(rc_old, sizeof rc_old, "old", WN_OLD4, s->options) < 0 ||
	    resolvconf_render(rc_new, sizeof rc_new, "new", WN_NEW4, s->options) < 0) {
		snprintf(err, errsize, "bad resolv.conf options '%s'", s->options);
		goto out;
	}

	/* 1. Namespaces and servers. */
	if (enter_namespaces(err, errsize) != 0)
		goto out;
	struct topo_config tc = { s->fixtures, s->casedir, s->any_name,
	                          spawn_which("ip"), spawn_which("dnsmasq") };
	if (topo_start(srv, &tc, &undo, err, errsize) != 0)
		goto out;
	trace("servers ready", r->t_start);
	if ((dirfd = open(s->casedir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errsize, "cannot open %s: %s", s->casedir, strerror(errno));
		goto out;
	}
	snprintf(dirpath, sizeof dirpath, "/proc/self/fd/%d", dirfd);
	local.casedir = dirpath;

	/* 2. The sandbox, and in it the process's own /etc/resolv.conf,
	 * pointing at the old server. */
	if (sandbox_build(&sb, s->root, s->keep_secrets, &undo, err, errsize) != 0 ||
	    view_setup(&view, sb.root, s->update, rc_old, &undo, err, errsize) != 0)
		goto out;
	snprintf(path, sizeof path, "%s/resolv.conf.before", s->casedir);
	if (view_save(&view, path) != 0) {
		snprintf(err, errsize, "cannot keep the case's resolv.conf in %s: %s",
		         path, strerror(errno));
		goto out;
	}
	if (s->root[0] && s->bind_probes &&
	    view_bind_dir(&view, s->bind_probes, "probes", &undo, err, errsize) != 0)
		goto out;
	trace("view", r->t_start);

	/* 3. Capture, then nscd and the process, so every lookup is on the wire. */
	snprintf(path, sizeof path, "%s/capture.pcap", s->casedir);
	if (capture_open(&cap, path, err, errsize) != 0)
		goto out;
	defer_push(&undo, close_capture, &cap, "close capture");
	trace("capture", r->t_start);
	if (s->nscd && nscd_start(s, &sb, &view, &nscd, &undo, err, errsize) != 0)
		goto out;
	if (!(ob.out = case_file(s, "process.out", err, errsize)))
		goto out;
	defer_push(&undo, close_file, ob.out, "close process.out");
	snprintf(path, sizeof path, "%s/process.err", s->casedir);
	if (target_start(&tgt, s->argv, &sb, NULL, path, err, errsize) != 0)
		goto out;
	defer_push(&undo, stop_target, &tgt, "stop the process");
	snprintf(trig.log, sizeof trig.log, "%s/trigger.log", s->casedir);
	defer_push(&undo, triggers_stop, &trig, "stop triggers");
	double t_run = ob.t_run = now_realtime();
	trace("process started", r->t_start);

	/* 4. Observe; switch at a quiet moment; observe the window. */
	struct switch_ctx sw = { s, &ob, &view, r, rc_new, err, errsize, 0 };
	st = observe_until(&ob, &cap, &tgt, srv, &trig, t_run + s->timeout_ms / 1000.0,
	                   switch_now, &sw, err, errsize);
	if (st < 0 || sw.failed)
		goto out;
	if (st == 0 && r->switched) {
		t_end = r->switch_time + s->window_ms / 1000.0;
		st = observe_until(&ob, &cap, &tgt, srv, &trig, t_end, NULL, NULL,
		                   err, errsize);
		if (st < 0)
			goto out;
	}
	if (st == 1)
		t_exit = now_realtime();
	if (!t_end)
		t_end = now_realtime();
	if (!ob.libc[0])
		target_libc(&tgt, ob.libc, sizeof ob.libc);

	/* 5. Stop the process and its triggers; take what is in flight. */
	read_output(&ob, tgt.out);
	target_stop(&tgt);
	triggers_stop(&trig);
	r->observe_s = now_realtime() - t_run;
	capture_dispatch(&cap, on_packet, &ob);

	/* 6. A freshly started process, after the switch, counted apart. */
	if (s->fresh) {
		char out[4096 + 16];
		snprintf(path, sizeof path, "%s/fresh.err", s->casedir);
		snprintf(out, sizeof out, "%s/fresh.out", s->casedir);
		t_fresh = r->fresh_time = round(now_realtime() * 1e6) / 1e6;
		if (target_start(&fresh, s->fresh, &sb, out, path, err,
		                 errsize) != 0)
			goto out;
		defer_push(&undo, stop_target, &fresh, "stop the fresh process");
		r->fresh_ran = true;
		if (observe_until(&ob, &cap, &fresh, srv, NULL, t_fresh + s->fresh_ms / 1000.0,
		                  NULL, NULL, err, errsize) < 0)
			goto out;
		target_stop(&fresh);
		capture_dispatch(&cap, on_packet, &ob);
	}
	uint64_t drops = 0;
	if (capture_drops(&cap, &drops) == 0)
		r->dropped = drops;
	capture_close(&cap);
	snprintf(path, sizeof path, "%s/resolv.conf.after", s->casedir);
	if (view_save(&view, path) != 0) {
		snprintf(err, errsize, "cannot keep the case's resolv.conf in %s: %s",
		         path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof path, "%s/nsswitch.conf", view.etc);
	nsswitch = cli_read_file(path, 64 << 10, NULL);
	trace("process stopped", r->t_start);

	/* 7. Decide from the capture, with the process's output beside it. */
	snprintf(r->libc, sizeof r->libc, "%s", ob.libc[0] ? ob.libc : "unknown");
	r->packets = ob.packets;
	r->malformed = ob.malformed;
	r->window_end = round(t_end * 1e6) / 1e6;
	decide(s, &ob, &tgt, t_exit, r->window_end, t_fresh, r);
	/* A SKIP needs both the probe's word and its exit status 77: printed
	 * text alone must not excuse a case from its expectation. */
	if (ob.unsupported[0] && r->exit_code == 77)
		snprintf(r->skip, sizeof r->skip, "the probe cannot run on %s: %s",
		         r->libc, ob.unsupported);
	write_events(s, &ob, r->switched ? r->switch_time : -1);
	write_report(s, &ob, r, nsswitch);
	rc = 0;
out:
	defer_run(&undo);
	trace("torn down", r->t_start);
	free(ob.ev);
	free(ob.ans);
	free(nsswitch);
	if (dirfd >= 0)
		close(dirfd);
	r->t_end = now_realtime();
	r->complete = rc == 0;
	return rc;
}
