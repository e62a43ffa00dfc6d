/*
 * case.c - the life of one case, top to bottom in case_run(): set up
 * (namespaces, servers, sandbox, view, capture), run the process, switch
 * resolv.conf at a quiet moment, observe the window, stop, run a fresh
 * process, decide from the capture, tear down (the undo stack, newest
 * first).  Each phase is a function of its own, in the order it runs;
 * what to make of the observations (when to switch, which queries count)
 * is lib/observe.c's.
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
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "case.h"
#include "casecount.h"
#include "earlyexit.h"
#include "defer.h"
#include "events.h"
#include "observe.h"
#include "paths.h"
#include "proctree.h"
#include "resolvconf.h"
#include "sandbox.h"
#include "spawn.h"
#include "stub.h"
#include "target.h"
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

/* Each undo step, as the undo stack runs it (ctx: the case's start). */
static void trace_undo(void *ctx, const char *what)
{
	char line[160];
	snprintf(line, sizeof line, "undo: %s", what);
	trace(line, *(const double *)ctx);
}

/* Undo steps: each may run after a partial setup, or after the case
 * already did it (defer.h), so each does nothing the second time. */
static void close_file(void *arg)
{
	FILE **f = arg;
	if (*f)
		fclose(*f);
	*f = NULL;
}

static void close_fd(void *arg)
{
	int *fd = arg;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_capture(void *arg)
{
	capture_close(arg);
}

/* The last undo of all: the packet socket's release (capture_release)
 * has the whole teardown to end in. */
static void join_capture(void *arg)
{
	capture_join(arg);
}

static void stop_target(void *arg)
{
	target_stop(arg);
}

static int enter_namespaces(int netns, char *err, size_t errsize)
{
	/* iproute2's order: network, then mounts, then make / a slave so
	 * that nothing we mount propagates back to the host.  With kept
	 * servers, the network namespace is the runner's, made for them. */
	if (netns >= 0 ? setns(netns, CLONE_NEWNET) != 0
	               : unshare(CLONE_NEWNET) != 0) {
		snprintf(err, errsize, "%s: %s", netns >= 0 ? "setns(CLONE_NEWNET)"
		         : "unshare(CLONE_NEWNET)", strerror(errno));
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
	/* Not waiting for its execve (target_start does): a trigger starts
	 * every trigger_ms while the case watches, and must not stall it. */
	if (target_spawn_env(&tr->t[i], tr->s->trigger, tr->s->env, tr->sb,
	                     tr->log, tr->log, err, sizeof err) != 0) {
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
 * scheduler's choice (doc/resolvers.md, "nscd").  "check-files hosts"
 * is added by nscd_start: "yes" (Debian's default) makes nscd watch
 * resolv.conf and call res_init() when it changes; "no" (cache
 * "nscd-nocheck") leaves its resolver as it was read, as glibc's nscd
 * before 2.9 always did. */
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
	"persistent hosts no\n"
	"shared hosts yes\n"
	"max-db-size hosts 33554432\n";

/* nscd starts in its own network namespace (topo_side_start), so that
 * its queries leave from its own address; its socket in the case's /run
 * is a path, which every network namespace reaches. */
static int nscd_start(const struct case_spec *s, const struct sandbox *sb,
                      struct view *v, const struct topo_side *ns,
                      struct target *t, struct defer *d,
                      char *err, size_t errsize)
{
	char conf[PATH_MAX + 32], dir[PATH_MAX + 16], sock[PATH_MAX + 32],
	     errpath[4096];
	snprintf(conf, sizeof conf, "%s/nscd.conf", v->run);
	snprintf(dir, sizeof dir, "%s/nscd", v->runroot);
	snprintf(sock, sizeof sock, "%s/socket", dir);
	FILE *f = fopen(conf, "we");
	bool bad = !f || fprintf(f, "%scheck-files hosts %s\n", nscd_conf,
	                         s->nscd_nocheck ? "no" : "yes") < 0;
	if ((f && fclose(f) != 0) || bad || mkdir(dir, 0755) != 0) {
		snprintf(err, errsize, "cannot prepare nscd in %s: %s", v->run,
		         strerror(errno));
		return -1;
	}
	snprintf(errpath, sizeof errpath, "%s/nscd.err", s->casedir);
	char *argv[] = { (char *)(uintptr_t)s->nscd, "-F", "-f",
	                 "/run/whichns/nscd.conf", NULL };
	if (topo_side_enter(ns) != 0) {
		snprintf(err, errsize, "setns into nscd's network namespace: %s",
		         strerror(errno));
		return -1;
	}
	int started = target_start(t, argv, sb, errpath, errpath, err, errsize);
	if (topo_side_leave(ns) != 0) {
		snprintf(err, errsize, "setns back into the case's network "
		         "namespace: %s", strerror(errno));
		started = -1;
	}
	if (t->pid > 0)
		defer_push(d, stop_target, t, "stop nscd");
	if (started != 0)
		return -1;
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

/* Everything one case holds while it runs.  Whatever must be undone is
 * on `undo` from the moment it exists; the rest is freed by case_free. */
struct case_state {
	struct case_spec    s;       /* s.casedir becomes /proc/self/fd/N */
	struct case_result *r;
	char               *err;     /* r->error */
	size_t              errsize;
	struct defer        undo;
	char    rc_old[SS_TEXT_MAX], rc_new[SS_TEXT_MAX];   /* the two
	                             * resolv.conf texts */
	int     dirfd;               /* the case folder, opened before mounts */
	char    dirpath[64];
	const struct serverset *set; /* spec->servers, or defset */
	struct serverset defset;     /* the classic pair */
	struct server  srv[TOPO_MAX];   /* the servers, then their twins */
	size_t         nsrv;
	struct topo_side nscd_net;   /* nscd's own network namespace */
	struct sandbox sb;
	struct view    view;
	struct capture cap;
	struct observe ob;           /* what the capture and the output show */
	FILE          *out;          /* process.out: stdout, kept as it came */
	size_t         out_len;      /* bytes in process.out (out_keep) */
	struct target  tgt, nscd, fresh;
	struct stub    stub;         /* systemd-resolved, with s.stub */
	struct proctree procs;       /* the process's tree, sampled while it lives */
	struct triggers trig;
	struct observe_switch sw;    /* when to switch */
	bool    switch_failed;
	double  t_end, t_exit, t_fresh;
	double  t_servers;           /* watch: when to look at the servers */
	char   *nsswitch;            /* the sandbox's nsswitch.conf, for report.md */
	enum procs_from libc_from;   /* how the tree's C library was told */
};

/* nscd sends from an address of its own (paths.h).  The triggers stay in
 * the case's namespace: they talk to the daemon over its loopback (a
 * sendmail submission connects to 127.0.0.1:25), so they share the
 * process's address, and its path says so. */
static const struct topo_side nscd_side = {
	.label = "nscd", .addr4 = WN_NSCD4, .addr6 = WN_NSCD6, .veth = "w-nscd",
	.mac_case = "02:77:6e:03:00:02", .mac_side = "02:77:6e:03:00:03",
	.case_fd = -1, .side_fd = -1,
};

/* c: zeroed.  -1: out of memory (the error is set; case_free() is still
 * right). */
static int case_init(struct case_state *c, const struct case_spec *spec,
                     struct case_result *r)
{
	static const struct target none = { .pid = -1, .out = -1, .go_w = -1,
	                                    .start_r = -1 };
	c->s = *spec;
	c->r = r;
	c->err = r->error;
	c->errsize = sizeof r->error;
	c->undo.trace = trace_undo;
	c->undo.trace_ctx = &r->t_start;
	c->dirfd = -1;
	if (!spec->servers)
		serverset_default(&c->defset);
	c->set = spec->servers ? spec->servers : &c->defset;
	c->nsrv = topo_plan(c->srv, c->set);
	c->nscd_net = nscd_side;
	c->tgt = c->nscd = c->fresh = none;
	c->trig.s = &c->s;
	c->trig.sb = &c->sb;
	for (int i = 0; i < TRIGGERS_MAX; i++)
		c->trig.t[i] = none;
	if (observe_init(&c->ob, spec->only_qtype) != 0) {
		snprintf(c->err, c->errsize, "out of memory");
		return -1;
	}
	/* Queries and answers are the set's servers', by address and mark. */
	observe_set_servers(&c->ob, c->set);
	return 0;
}

static void case_free(struct case_state *c)
{
	observe_free(&c->ob);
	proctree_free(&c->procs);
	free(c->nsswitch);
	c->nsswitch = NULL;
}

/* name in the case folder, to write; the error names the file, not
 * /proc/self/fd/N. */
static FILE *case_file(const struct case_state *c, const char *name,
                       char *err, size_t errsize)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", c->s.casedir, name);
	FILE *f = fopen(path, "we");
	if (!f)
		snprintf(err, errsize, "cannot write %s in the case folder: %s",
		         name, strerror(errno));
	return f;
}

/* resolv.conf as the process would read it now, into name. */
static int keep_resolv_conf(const struct case_state *c, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", c->s.casedir, name);
	if (view_save(&c->view, path) == 0)
		return 0;
	snprintf(c->err, c->errsize, "cannot keep the case's resolv.conf as %s "
	         "in the case folder: %s", name, strerror(errno));
	return -1;
}

static void on_packet(void *ctx, const struct pcap_pkthdr *h,
                      const uint8_t *bytes, int linktype)
{
	double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
	observe_frame(ctx, linktype, bytes, h->caplen, t);
}

/* process.out, a file on the host, stops at the size the sandbox lets a
 * process's own files reach (WN_FILE_MAX_MIB, doc/sandbox.md); the rest
 * is read for the application view and dropped, and the report says so. */
static void out_keep(struct case_state *c, const char *buf, size_t n)
{
	const size_t max = (size_t)WN_FILE_MAX_MIB << 20;
	size_t room = c->out_len < max ? max - c->out_len : 0;
	size_t k = n < room ? n : room;
	fwrite(buf, 1, k, c->out);
	c->out_len += k;
	if (k < n)
		c->r->out_cut = true;
}

/* The process's stdout: kept in process.out, and read for the
 * application view. */
static void read_output(struct case_state *c, struct target *t)
{
	char buf[4096];
	ssize_t n = -1;
	while (t->out >= 0 && (n = read(t->out, buf, sizeof buf)) > 0) {
		out_keep(c, buf, (size_t)n);
		observe_output(&c->ob, buf, (size_t)n, now_realtime());
	}
	/* Its end (a daemon that detached, or closed its stdout): the pipe
	 * would wake ppoll at once for ever after. */
	if (t->out >= 0 && n == 0) {
		close(t->out);
		t->out = -1;
	}
}

/* The switch of the file and of the servers runs first-in-first-out,
 * ahead of every ordinary process, for the fraction of a millisecond it
 * takes: on a machine busy with many cases, a switch preempted in the
 * middle (10 ms, a time slice, was seen) would let the probe wake from
 * its pause and look up with the old file after switch_time.  Not the
 * resolved stub's switch, which restarts a daemon and waits for it.
 * Reset on fork: nothing started in it would inherit it.  Where it is
 * refused, as before. */
static bool realtime_begin(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
}

static void realtime_end(bool was)
{
	struct sched_param sp = { .sched_priority = 0 };
	if (was)
		(void)sched_setscheduler(0, SCHED_OTHER, &sp);
}

/* The switch itself, in the section rt says was begun: resolv.conf,
 * then each server's state.  Always true: the case stops waiting, with
 * c->switch_failed on an error. */
static bool switch_files(struct case_state *c, bool rt)
{
	/* The moment the change begins, read before it: a reader watching
	 * the file (nscd's inotify) can query the new server within 0.1 ms
	 * of the write, before a clock read after it (CI saw such a query
	 * counted before the switch, and a SILENT).  Writing the few bytes
	 * takes microseconds, after a quiet moment.  On the capture's own
	 * resolution (microseconds), so result.txt holds exactly the value
	 * every count was made against. */
	double t = round(now_realtime() * 1e6) / 1e6;
	if (c->s.stub ? stub_switch(&c->stub, WN_NEW4, c->err, c->errsize) != 0
	              : view_switch(&c->view, c->rc_new, c->err, c->errsize) != 0) {
		realtime_end(rt);
		c->switch_failed = true;
		return true;
	}
	/* Each server's state from now on (topo.h): a route removed per
	 * address of a server that is not up, well under a millisecond;
	 * nothing when every server stays up. */
	double t_states = now_realtime();
	int states = topo_apply_states(c->srv, c->nsrv, c->err, c->errsize);
	double t_done = now_realtime();
	realtime_end(rt);
	if (states != 0) {
		c->switch_failed = true;
		return true;
	}
	/* A process that announced its pause wakes an interval after it: a
	 * switch that ended later (blocked, however briefly it should take)
	 * may have let a round read the old file after t.  Said, as a
	 * switch without a quiet moment is (observe.h). */
	if (!observe_asleep_until(&c->ob, &c->sw, t_done))
		c->sw.forced = true;
	char line[128];
	snprintf(line, sizeof line, "switched in %.3f ms; server states in "
	         "%.3f ms%s", (t_states - t) * 1000, (t_done - t_states) * 1000,
	         c->sw.forced ? "; not in a quiet moment" : "");
	trace(line, c->r->t_start);
	c->r->switch_time = t;
	/* The new file was in place before t_states: a lookup to the old
	 * server until then may have read the old file (a switch held up
	 * for milliseconds, on a machine whose CPUs are shared, let a
	 * probe's round wake and read it: CI saw LATE 2 for FOLLOWED).
	 * Earlier if a query reached a new server first (the verdict's
	 * old_from, in decide).
	 * Not the stub's: how long systemd-resolved takes to take up its
	 * new server is what such a case measures. */
	c->r->switch_end = c->s.stub ? t : round(t_states * 1e6) / 1e6;
	c->r->switched = true;
	c->ob.t_switch = t;   /* rounds from now on (observe_window_over) */
	/* A process never quiet long enough is switched anyway (observe.h);
	 * the report says so: a lookup may straddle the switch. */
	c->r->switch_forced = c->sw.forced;
	c->r->switch_quiet_ms = observe_quiet_ms(&c->sw);
	return true;
}

/* Called in the loop before the switch: switch when the moment is right.
 * Asked again once the first-in-first-out section has begun: a case
 * preempted between the answer and the section (CI saw a musl probe's
 * round, woken meanwhile, read the old file after the switch: LATE 2
 * for FOLLOWED) would switch on a pause that is over. */
static bool switch_now(struct case_state *c)
{
	if (!observe_ready_to_switch(&c->ob, &c->sw, now_realtime()))
		return false;
	bool rt = !c->s.stub && realtime_begin();
	if (rt && !observe_ready_to_switch(&c->ob, &c->sw, now_realtime())) {
		realtime_end(rt);
		return false;
	}
	return switch_files(c, rt);
}

/* The C library of each process of the tree, while they live: every
 * PROCTREE_PERIOD, and soon after a DNS message (its sender is likely
 * alive; the events from nev on are new).  Only the process under
 * test's tree. */
static void sample_tree(struct case_state *c, const struct target *t, size_t nev)
{
	if (t != &c->tgt)
		return;
	for (size_t i = nev; i < c->ob.nev; i++)
		if (c->ob.ev[i].proto == 6)
			c->procs.tcp = true;   /* DNS over TCP: its sockets too */
	/* The init's pid is read from /proc once: this runs every 5 ms. */
	pid_t init = t->ended ? 0 : c->procs.tab.init_pid ? c->procs.tab.init_pid
	                                                  : target_init(t);
	proctree_tick(&c->procs, init, now_realtime(), c->ob.nev > nev);
}

/* How often watch looks whether a server ended (10 ms). */
#define SERVERS_CHECK_S 0.01

/* Watch process t (with triggers, if trig) until deadline, until it ends,
 * until stop_early says so, or until something fails.  Returns 1 when the
 * process ended, 0 at the deadline or when stopped early, -1 on failure
 * (the error is set). */
static int watch(struct case_state *c, struct target *t, struct triggers *trig,
                 double deadline, bool (*stop_early)(struct case_state *))
{
	sigset_t unblocked;
	sigemptyset(&unblocked);
	for (;;) {
		double now = now_realtime();
		if (case_interrupted) {
			snprintf(c->err, c->errsize, "interrupted");
			return -1;
		}
		if ((stop_early && stop_early(c)) || now >= deadline)
			return 0;
		if (target_poll(t))
			return 1;
		/* The servers every SERVERS_CHECK_S: each look is a system
		 * call per server, and the loop wakes for every packet. */
		int gone = -1;
		if (now >= c->t_servers) {
			gone = topo_server_gone(c->srv, c->nsrv);
			c->t_servers = now + SERVERS_CHECK_S;
		}
		if (gone >= 0) {
			char addrs[128];
			snprintf(c->err, c->errsize, "the %s server (dnsmasq) %s during "
			         "the case (%s); see %s", c->srv[gone].label,
			         c->srv[gone].ended, topo_addrs(&c->srv[gone], addrs,
			         sizeof addrs), c->srv[gone].errlog);
			return -1;
		}
		if (c->s.stub && stub_gone(&c->stub)) {
			snprintf(c->err, c->errsize, "systemd-resolved %s during the "
			         "case; see resolved.log", c->stub.ended);
			return -1;
		}
		if (trig)
			triggers_tick(trig, now);
		struct pollfd pfd[2] = {
			{ .fd = c->cap.fd, .events = POLLIN },
			{ .fd = t->out, .events = POLLIN },
		};
		/* A process that announces its pauses wakes us itself (its
		 * output, then its frames); one that does not is looked at
		 * every 5 ms for its quiet moment.  On a machine busy with
		 * many cases, each waking 200 times a second for nothing
		 * cost a third of a CPU. */
		struct timespec ts = { 0, (c->ob.pauses ? 20 : 5) * 1000 * 1000 };
		if (ppoll(pfd, 2, &ts, &unblocked) < 0 && errno != EINTR) {
			snprintf(c->err, c->errsize, "poll: %s", strerror(errno));
			return -1;
		}
		/* Each only when ppoll says it has something: an empty pipe
		 * is a read for nothing, a hundred times a case. */
		size_t nev = c->ob.nev;
		if (pfd[0].revents &&
		    capture_dispatch(&c->cap, on_packet, &c->ob) < 0) {
			snprintf(c->err, c->errsize, "capture: %s", c->cap.err);
			return -1;
		}
		if (pfd[1].revents)
			read_output(c, t);
		sample_tree(c, t, nev);
	}
}

/* 1. Namespaces and servers; then the case folder as a descriptor, so
 * that files still reach the real folder when the view's mounts cover
 * it (a folder under /var, /tmp or /run). */
static int start_servers(struct case_state *c)
{
	bool kept = c->s.kept && c->s.nkept == c->nsrv;
	if (!kept) {
		c->s.kept_capture = -1;   /* the case's own namespace: its own */
		c->s.kept_capture_at = NULL;
	}
	if (enter_namespaces(kept ? c->s.kept_netns : -1, c->err, c->errsize) != 0)
		return -1;
	struct topo_config tc = { .fixtures = c->s.fixtures,
	                          .casedir = c->s.casedir,
	                          .any_name = c->s.any_name,
	                          .dnsmasq = spawn_which("dnsmasq") };
	if (kept) {
		if (topo_take(c->srv, c->nsrv, c->s.kept, &tc, &c->undo, c->err,
		              c->errsize) != 0)
			return -1;
		trace("servers taken", c->r->t_start);
	} else {
		if (topo_start(c->srv, c->nsrv, &tc, &c->undo, c->err,
		               c->errsize) != 0)
			return -1;
		/* dnsmasq starts while the sandbox and the capture are set up;
		 * wait_servers() waits for it. */
		trace("servers started", c->r->t_start);
	}
	c->dirfd = open(c->s.casedir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		snprintf(c->err, c->errsize, "cannot open %s: %s", c->s.casedir,
		         strerror(errno));
		return -1;
	}
	defer_push(&c->undo, close_fd, &c->dirfd, "close the case folder");
	snprintf(c->dirpath, sizeof c->dirpath, "/proc/self/fd/%d", c->dirfd);
	c->s.casedir = c->dirpath;
	return 0;
}

/* 2. The sandbox, and in it the process's own /etc/resolv.conf,
 * pointing at the old server. */
static int build_sandbox(struct case_state *c)
{
	const struct case_spec *s = &c->s;
	if (sandbox_build(&c->sb, s->root, s->keep_secrets, &c->undo, c->err,
	                  c->errsize) != 0 ||
	    view_setup(&c->view, c->sb.root, s->update, c->rc_old, &c->undo,
	               c->err, c->errsize) != 0 ||
	    keep_resolv_conf(c, "resolv.conf.before") != 0)
		return -1;
	if (s->root[0] && s->bind_probes &&
	    view_bind_dir(&c->view, s->bind_probes, "probes", &c->undo, c->err,
	                  c->errsize) != 0)
		return -1;
	trace("view", c->r->t_start);
	return 0;
}

/* The command could not start (no such program in its tree, its loader
 * missing, ...): an error naming the cause and the tree, not a verdict. */
static int start_failed(struct case_state *c)
{
	char why[sizeof c->r->error];
	if (!c->tgt.start_failed)
		return -1;
	snprintf(why, sizeof why, "%s", c->err);
	if (c->s.root[0])
		snprintf(c->err, c->errsize, "the command could not start: %s (inside "
		         "the root filesystem %s)", why, c->s.root);
	else
		snprintf(c->err, c->errsize, "the command could not start: %s", why);
	c->r->start_failed = true;
	return -1;
}

/* Every server answers (and with nscd, from nscd's namespace too)
 * before anything that may query starts. */
static int wait_servers(struct case_state *c)
{
	if (topo_wait(c->srv, c->nsrv, c->err, c->errsize) != 0)
		return -1;
	if (c->s.nscd && topo_side_start(&c->nscd_net, c->srv, c->nsrv,
	                                 &c->undo, c->err, c->errsize) != 0)
		return -1;
	trace("servers ready", c->r->t_start);
	return 0;
}

/* 3. The process's init (it enters the sandbox meanwhile), the capture
 * (while dnsmasq starts: it leaves the readiness checks out), the
 * servers ready, then nscd and the process, so every lookup is on the
 * wire. */
static int start_process(struct case_state *c)
{
	const struct case_spec *s = &c->s;
	char path[4096];
	snprintf(path, sizeof path, "%s/process.err", s->casedir);
	if (target_prepare(&c->tgt, s->argv, s->env, &c->sb, path, c->err,
	                   c->errsize) != 0)
		return -1;
	defer_push(&c->undo, stop_target, &c->tgt, "stop the process");
	snprintf(path, sizeof path, "%s/capture.pcap", s->casedir);
	if (capture_open(&c->cap, s->kept_capture, s->kept_capture_at, path,
	                 c->err, c->errsize) != 0)
		return -1;
	defer_push(&c->undo, close_capture, &c->cap, "close capture");
	trace("capture", c->r->t_start);
	if (s->notify > 0)
		sigqueue(s->notify, CASE_SET_UP_SIG, (union sigval){ 0 });
	if (wait_servers(c) != 0)
		return -1;
	if (s->nscd && nscd_start(s, &c->sb, &c->view, &c->nscd_net, &c->nscd,
	                          &c->undo, c->err, c->errsize) != 0)
		return -1;
	if (s->stub && stub_start(&c->stub, s->stub, s->stub_tree, WN_OLD4,
	                          s->casedir, &c->undo, c->err, c->errsize) != 0)
		return -1;
	if (!(c->out = case_file(c, "process.out", c->err, c->errsize)))
		return -1;
	defer_push(&c->undo, close_file, &c->out, "close process.out");
	snprintf(path, sizeof path, "%s/env.txt", s->casedir);
	if (s->env)   /* best effort, as events.tsv */
		target_env_file(path, s->env, s->env_dropped);
	int started = target_go(&c->tgt, c->err, c->errsize);
	snprintf(c->r->program, sizeof c->r->program, "%s", c->tgt.prog);
	snprintf(c->r->interpreter, sizeof c->r->interpreter, "%s", c->tgt.interp);
	if (started != 0)
		return start_failed(c);
	snprintf(c->trig.log, sizeof c->trig.log, "%s/trigger.log", s->casedir);
	defer_push(&c->undo, triggers_stop, &c->trig, "stop triggers");
	c->sw = (struct observe_switch){
		.t_run = now_realtime(), .interval_ms = s->interval_ms,
		.switch_at_ms = s->switch_at_ms, .before = s->before,
		.switch_after_ms = s->switch_after_ms,
	};
	sample_tree(c, &c->tgt, c->ob.nev);   /* the command, just executed */
	trace("process started", c->r->t_start);
	return 0;
}

/* The window is over: its time and, for a process that announces its
 * rounds, enough of them (observe.h). */
static bool window_over(struct case_state *c)
{
	return observe_window_over(&c->ob, &c->sw, c->s.window_ms, now_realtime());
}

/* 4. Observe; switch at a quiet moment (or stop at the timeout); observe
 * the window.  The window ends when it is over (window_over), or when
 * the process ends; window_end is then, but never before switch_time +
 * window. */
static int observe_window(struct case_state *c)
{
	const struct case_spec *s = &c->s;
	int st = watch(c, &c->tgt, &c->trig, c->sw.t_run + s->timeout_ms / 1000.0,
	               switch_now);
	if (st < 0 || c->switch_failed)
		return -1;
	if (st == 0 && c->r->switched) {
		double cap = c->r->switch_time +
		             observe_window_max_ms(s->window_ms) / 1000.0;
		st = watch(c, &c->tgt, &c->trig, cap, window_over);
		if (st < 0)
			return -1;
		/* A process that ended in the window: its end as before. */
		c->t_end = fmax(now_realtime(), c->r->switch_time +
		                s->window_ms / 1000.0);
	}
	if (st == 1)
		c->t_exit = now_realtime();
	if (!c->t_end)
		c->t_end = now_realtime();
	c->procs.t_next = 0;   /* the tree as the window leaves it */
	sample_tree(c, &c->tgt, c->ob.nev);
	return 0;
}

/* Ahead of every process while observing (spawn.h); where that is
 * refused, as before. */
static int switch_and_window(struct case_state *c)
{
	(void)spawn_priority(true);
	int rc = observe_window(c);
	(void)spawn_priority(false);
	return rc;
}

/* 5. Stop the process and its triggers; take in what is in flight. */
static void stop_process(struct case_state *c)
{
	read_output(c, &c->tgt);
	target_stop(&c->tgt);
	triggers_stop(&c->trig);
	c->r->observe_s = now_realtime() - c->sw.t_run;
	capture_dispatch(&c->cap, on_packet, &c->ob);
	trace("process stopped", c->r->t_start);
}

/* 6. A freshly started process, after the window, counted apart. */
static int run_fresh(struct case_state *c)
{
	const struct case_spec *s = &c->s;
	char out[4096 + 16], errpath[4096 + 16];
	snprintf(out, sizeof out, "%s/fresh.out", s->casedir);
	snprintf(errpath, sizeof errpath, "%s/fresh.err", s->casedir);
	c->t_fresh = c->r->fresh_time = round(now_realtime() * 1e6) / 1e6;
	if (target_start_env(&c->fresh, s->fresh, s->env, &c->sb, out, errpath,
	                     c->err, c->errsize) != 0) {
		if (c->fresh.start_failed) {
			char why[sizeof c->r->error];
			snprintf(why, sizeof why, "%s", c->err);
			snprintf(c->err, c->errsize, "the fresh process could not "
			         "start: %s", why);
		}
		return -1;
	}
	defer_push(&c->undo, stop_target, &c->fresh, "stop the fresh process");
	c->r->fresh_ran = true;
	if (watch(c, &c->fresh, NULL, c->t_fresh + s->fresh_ms / 1000.0,
	          NULL) < 0)
		return -1;
	target_stop(&c->fresh);
	capture_dispatch(&c->cap, on_packet, &c->ob);
	return 0;
}

/* The case's C library: the probe's own "#libc" line (the most exact),
 * else the C library of the processes that sent its queries, as the
 * samples tell them (lib/procs.h); every process of the tree beside it. */
static void name_libc(struct case_state *c)
{
	struct case_result *r = c->r;
	struct procs_query *q = calloc(c->ob.nev ? c->ob.nev : 1, sizeof *q);
	size_t nq = 0;
	char name[sizeof r->libc];
	proctree_finish(&c->procs);
	for (size_t i = 0; q && i < c->ob.nev; i++) {
		const struct wn_event *e = &c->ob.ev[i];
		if (!e->qr && (!c->t_fresh || e->t < c->t_fresh))
			q[nq++] = (struct procs_query){ e->t, e->sport };
	}
	c->libc_from = procs_headline(&c->procs.tab, q, nq, PROCTREE_PERIOD,
	                              name, sizeof name);
	free(q);
	procs_summary(&c->procs.tab, r->libc_tree, sizeof r->libc_tree);
	char line[160];
	snprintf(line, sizeof line, "process tree: %zu processes, %u samples, "
	         "%.1f ms sampling, the longest %.1f ms", c->procs.tab.n,
	         c->procs.samples, c->procs.busy_s * 1000, c->procs.max_s * 1000);
	trace(line, r->t_start);
	snprintf(r->libc, sizeof r->libc, "%s", c->ob.libc[0] ? c->ob.libc : name);
	snprintf(r->libc_from, sizeof r->libc_from, "%s",
	         c->ob.libc[0] ? "probe" : procs_from_name(c->libc_from));
}

/* The verdict per resolution path (lib/paths.h): nscd is told by its
 * own address, the fresh process by when it started. */
static int decide_paths(struct case_state *c, const struct vd_input *in)
{
	struct path_senders ps;
	if (paths_senders_set(&ps, c->s.nscd != NULL, c->s.trigger != NULL,
	                      c->t_fresh) != 0)
		return -1;
	size_t more = 0;
	int n = paths_decide(c->ob.ev, c->ob.nev, &ps, in, c->r->paths,
	                     PATHS_MAX, &more);
	if (n < 0)
		return -1;
	c->r->npaths = (unsigned)n;
	c->r->paths_more = (unsigned)more;
	return 0;
}

/* A command that ended by itself, failing, before any query of the case
 * is no verdict (lib/earlyexit.h): an error that says how it ended and
 * how its stderr ends; the runner exits 3 as for a start failure. */
static void could_not_run(struct case_state *c)
{
	struct case_result *r = c->r;
	char how[96], path[4096 + 16], tail[1024], last[320];
	size_t queries = 0;
	for (size_t i = 0; i < c->ob.nev; i++)
		queries += !c->ob.ev[i].qr && c->ob.ev[i].t <= c->t_exit;
	if (!earlyexit_check(c->t_exit > 0 && c->tgt.ended, r->exit_code,
	                     r->exit_signal, queries, r->skip[0] != '\0', how,
	                     sizeof how))
		return;
	snprintf(path, sizeof path, "%s/process.err", c->s.casedir);
	target_err_tail(path, tail, sizeof tail);
	earlyexit_last_line(tail, last, sizeof last);
	/* Short enough that the terminal table's note shows the line. */
	snprintf(r->error, sizeof r->error, "could not run (%s; no lookup)%s%s",
	         how, last[0] ? ": " : "; its stderr is empty", last);
	r->start_failed = true;
}

/* 7. Close the capture, keep resolv.conf as the case leaves it, and
 * decide from the capture, with the process's output beside it. */
static int decide(struct case_state *c)
{
	struct case_result *r = c->r;
	uint64_t drops = 0;
	if (capture_drops(&c->cap, &drops) == 0)
		r->dropped = drops;
	/* Every packet was taken in (stop_process, run_fresh): the servers
	 * end and the packet socket closes while the case decides. */
	topo_stop_begin(c->srv, c->nsrv);
	capture_release(&c->cap);
	observe_finish(&c->ob);
	if (keep_resolv_conf(c, "resolv.conf.after") != 0)
		return -1;
	c->nsswitch = view_read(&c->view, "/etc/nsswitch.conf", 64 << 10);

	name_libc(c);
	r->packets = c->ob.packets;
	r->malformed = c->ob.malformed;
	r->window_end = round(c->t_end * 1e6) / 1e6;
	struct observe_window w = { .t_end = r->window_end, .t_fresh = c->t_fresh };
	struct vd_input in = {
		.switched = r->switched, .t_switch = r->switch_time,
		.t_switch_end = r->switch_end, .dropped = r->dropped,
		.exited = c->t_exit > 0, .t_exit = c->t_exit,
	};
	bool oom = observe_decide(&c->ob, &w, &in, &r->vd,
	                          &r->fresh_queries_old,
	                          &r->fresh_queries_new) != 0;
	/* The verdict's bound, earlier when a query reached a new server
	 * first, is what every other count takes (and result.txt keeps). */
	if (!oom && r->switched)
		in.t_switch_end = r->switch_end = r->vd.old_from;
	if (oom || decide_paths(c, &in) != 0)
		snprintf(c->err, c->errsize, "out of memory");
	/* Each server's counts and the application impact, beside the
	 * verdict (casecount.h). */
	casecount_fill(r, c->set, c->ob.ev, c->ob.nev, c->s.only_qtype,
	               c->out, c->s.casedir);
	r->exit_code = -1;
	r->exit_signal = 0;
	if (c->tgt.ended && c->t_exit > 0 && WIFSIGNALED(c->tgt.status)) {
		r->exit_signal = WTERMSIG(c->tgt.status);
		r->exit_code = 128 + r->exit_signal;
	} else if (c->tgt.ended && c->t_exit > 0) {
		r->exit_code = WEXITSTATUS(c->tgt.status);
	}
	/* A SKIP needs both the probe's word and its exit status 77: printed
	 * text alone must not excuse a case from its expectation. */
	if (c->ob.unsupported[0] && r->exit_code == 77)
		snprintf(r->skip, sizeof r->skip, "the probe cannot run on %s: %s",
		         r->libc, c->ob.unsupported);
	could_not_run(c);
	return 0;
}

/* events.tsv: every DNS message of the capture, decoded.  The evidence
 * files are the case's best effort: a failure leaves the verdict alone. */
static void write_events(const struct case_state *c)
{
	char err[256];
	FILE *f = case_file(c, "events.tsv", err, sizeof err);
	if (!f)
		return;
	events_tsv_header(f);
	for (size_t i = 0; i < c->ob.nev; i++)
		events_tsv(f, &c->ob.ev[i], c->r->switched ? c->r->switch_time : -1);
	fclose(f);
}

/* processes.tsv: each process of the tree the samples saw, with its C
 * library, and which the case's libc names.  Best effort, as events.tsv. */
static void write_processes(const struct case_state *c)
{
	char err[256];
	FILE *f = case_file(c, "processes.tsv", err, sizeof err);
	if (!f)
		return;
	procs_tsv(f, &c->procs.tab, c->sw.t_run, c->libc_from);
	fclose(f);
}

/* nsswitch.conf as the process saw it, beside resolv.conf's copies, for
 * report.md (the runner writes it once the expected verdict is known). */
static void keep_nsswitch(const struct case_state *c)
{
	char err[256];
	FILE *f = c->nsswitch ? case_file(c, "nsswitch.conf", err, sizeof err) : NULL;
	if (f) {
		fputs(c->nsswitch, f);
		fclose(f);
	}
}

int case_run(const struct case_spec *spec, struct case_result *r)
{
	/* 270 KB, most of it room for servers and triggers a case does not
	 * have.  A case process (the runner forks one per case) runs one
	 * case: static, its pages are zero pages until written, and only
	 * those written cost a page fault (doc/design.md, "What a case
	 * costs"), where calloc from the heap would write every byte. */
	static struct case_state state;
	struct case_state *c = &state;
	int rc = -1;

	r->t_start = now_realtime();
	if (case_init(c, spec, r) != 0)
		goto out;
	if (serverset_render(c->set, false, spec->conf_old, spec->conf_new,
	                     spec->options, c->rc_old, sizeof c->rc_old) < 0 ||
	    serverset_render(c->set, true, spec->conf_old, spec->conf_new,
	                     spec->options, c->rc_new, sizeof c->rc_new) < 0) {
		snprintf(c->err, c->errsize, "bad resolv.conf options '%s', or a "
		         "resolv.conf with them is longer than %d bytes",
		         spec->options, SS_TEXT_MAX - 1);
		goto out;
	}
	if (spec->stub && spec->nscd) {
		snprintf(c->err, c->errsize, "the resolved stub and nscd do not go "
		         "together: nscd's network namespace has no 127.0.0.53");
		goto out;
	}
	/* With the stub, the process's file names it, before and after. */
	if (spec->stub && (spec->conf_old ||
	    resolvconf_render(c->rc_old, sizeof c->rc_old, "systemd-resolved stub",
	                      STUB_ADDR4, spec->options) < 0 ||
	    resolvconf_render(c->rc_new, sizeof c->rc_new, "systemd-resolved stub",
	                      STUB_ADDR4, spec->options) < 0)) {
		snprintf(c->err, c->errsize, "the resolved stub runs with the "
		         "default pair of servers, not resolv.conf files");
		goto out;
	}
	defer_push(&c->undo, join_capture, &c->cap, "wait for the capture's release");
	/* 1. Namespaces and servers. */
	if (start_servers(c) != 0)
		goto out;
	/* 2. The sandbox and the process's resolv.conf. */
	if (build_sandbox(c) != 0)
		goto out;
	/* 3. Capture, then nscd, then the process. */
	if (start_process(c) != 0)
		goto out;
	/* 4. Observe, switch at a quiet moment, observe the window. */
	if (switch_and_window(c) != 0)
		goto out;
	/* 5. Stop the process. */
	stop_process(c);
	/* 6. The fresh process, when the case has one. */
	if (spec->fresh && run_fresh(c) != 0)
		goto out;
	/* 7. Decide from the capture; write the evidence. */
	if (decide(c) != 0)
		goto out;
	trace("decided", r->t_start);
	if (spec->stub && !r->why[0])
		stub_note(&c->stub, r->why, sizeof r->why);
	write_events(c);
	write_processes(c);
	keep_nsswitch(c);
	rc = 0;
out:
	/* The teardown: every undo, newest first, whatever happened above. */
	defer_run(&c->undo);
	trace("torn down", r->t_start);
	case_free(c);
	r->t_end = now_realtime();
	r->complete = rc == 0;
	return rc;
}
