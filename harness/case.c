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
#include <sys/mount.h>
#include <unistd.h>
#include "capture.h"
#include "case.h"
#include "defer.h"
#include "events.h"
#include "resolvconf.h"
#include "spawn.h"
#include "target.h"
#include "topo.h"
#include "wnconst.h"

volatile int case_interrupted;

/* WHICHNS_TRACE=1: phase times on stderr, to see where a case's time goes. */
static void trace(const char *what, double t0)
{
	static int on = -1;
	if (on < 0)
		on = getenv("WHICHNS_TRACE") != NULL;
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
	if (st != PKT_DNS) {
		if (st != PKT_SKIP)
			ob->malformed++;
		return;
	}
	if (grow((void **)&ob->ev, &ob->evcap, ob->nev + PKT_MSGS_MAX,
	         sizeof *ob->ev) != 0)
		return;
	size_t n = events_from_frame(&p, t, &ob->servers, ob->ev + ob->nev);
	for (size_t i = 0; i < n; i++) {
		const struct wn_event *e = &ob->ev[ob->nev + i];
		if (!e->qr && e->server == VD_OLD && ob->old_queries++ == 0)
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
	ob->ans[ob->nans].t = now_realtime();
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
	if (ob->old_queries == 0 || (now - ob->t_last_packet) * 1000 < quiet)
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
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
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
	return 0;
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

static void decide(const struct observe *ob,
                   const struct target *t, double t_exit, double t_end,
                   struct case_result *r)
{
	size_t nq = 0;
	struct vd_query *q = calloc(ob->nev + 1, sizeof *q);
	if (!q) {
		snprintf(r->error, sizeof r->error, "out of memory");
		return;
	}
	for (size_t i = 0; i < ob->nev; i++)
		if (!ob->ev[i].qr)
			events_to_query(&ob->ev[i], &q[nq++]);
	vd_mark_retransmissions(q, nq);
	struct vd_input in = {
		.q = q, .nq = nq, .a = ob->ans, .na = ob->nans,
		.switched = r->switched, .t_switch = r->switch_time,
		.t_end = t_end, .dropped = r->dropped,
		.exited = t_exit > 0, .t_exit = t_exit,
	};
	verdict_decide(&in, &r->vd);
	free(q);
	r->exit_code = t->ended && t_exit > 0 ? (t->status >> 8) & 0xff : -1;
}

int case_run(const struct case_spec *s, struct case_result *r)
{
	struct defer undo = { 0 };
	struct observe ob = { 0 };
	struct server srv[2] = {
		{ .label = "old", .addr4 = WN_OLD4, .addr6 = WN_OLD6, .veth = "w-old",
		  .mac_client = "02:77:6e:0a:00:02", .mac_server = "02:77:6e:0a:00:0a" },
		{ .label = "new", .addr4 = WN_NEW4, .addr6 = WN_NEW6, .veth = "w-new",
		  .mac_client = "02:77:6e:14:00:02", .mac_server = "02:77:6e:14:00:14" },
	};
	struct view view;
	struct capture cap = { 0 };
	struct target tgt = { .pid = -1, .out = -1 };
	char rc_old[512], rc_new[512], path[4096];
	char *err = r->error;
	size_t errsize = sizeof r->error;
	double t_end = 0, t_exit = 0;
	int rc = -1;

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
	struct topo_config tc = { s->fixtures, s->casedir, s->any_name };
	if (topo_start(srv, &tc, &undo, err, errsize) != 0)
		goto out;
	trace("servers ready", r->t_start);

	/* 2. The process's own /etc/resolv.conf, pointing at the old server. */
	if (view_setup(&view, s->root, s->update, rc_old, &undo, err, errsize) != 0)
		goto out;
	snprintf(path, sizeof path, "%s/resolv.conf.before", s->casedir);
	view_save(&view, path);
	if (s->root[0] && s->bind_probes &&
	    view_bind_dir(&view, s->bind_probes, "probes", &undo, err, errsize) != 0)
		goto out;
	trace("view", r->t_start);

	/* 3. Capture, then the process, so its first lookup is on the wire. */
	snprintf(path, sizeof path, "%s/capture.pcap", s->casedir);
	if (capture_open(&cap, path, err, errsize) != 0)
		goto out;
	defer_push(&undo, close_capture, &cap, "close capture");
	trace("capture", r->t_start);
	if (!(ob.out = case_file(s, "process.out", err, errsize)))
		goto out;
	defer_push(&undo, close_file, ob.out, "close process.out");
	snprintf(path, sizeof path, "%s/process.err", s->casedir);
	if (target_start(&tgt, s->argv, s->root, path, s->env, err, errsize) != 0)
		goto out;
	defer_push(&undo, stop_target, &tgt, "stop the process");
	double t_run = now_realtime();
	trace("process started", r->t_start);

	/* 4. Observe; switch at a quiet moment; observe the window. */
	sigset_t unblocked;
	sigemptyset(&unblocked);
	for (;;) {
		double now = now_realtime();
		if (case_interrupted) {
			snprintf(err, errsize, "interrupted");
			goto out;
		}
		if (!r->switched && ready_to_switch(&ob, s, now)) {
			if (view_switch(&view, rc_new, err, errsize) != 0)
				goto out;
			r->switch_time = now_realtime();
			r->switched = true;
			t_end = r->switch_time + s->window_ms / 1000.0;
		}
		if (r->switched ? now >= t_end
		                : (now - t_run) * 1000 >= s->timeout_ms)
			break;
		if (target_poll(&tgt)) {
			t_exit = now;
			break;
		}
		int gone = topo_server_gone(srv);
		if (gone >= 0) {
			snprintf(err, errsize, "the %s server (dnsmasq) exited during "
			         "the case; see %s", srv[gone].label, srv[gone].errlog);
			goto out;
		}
		struct pollfd pfd[2] = {
			{ .fd = cap.fd, .events = POLLIN },
			{ .fd = tgt.out, .events = POLLIN },
		};
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		if (ppoll(pfd, 2, &ts, &unblocked) < 0 && errno != EINTR) {
			snprintf(err, errsize, "poll: %s", strerror(errno));
			goto out;
		}
		if (capture_dispatch(&cap, on_packet, &ob) < 0) {
			snprintf(err, errsize, "capture: %s", pcap_geterr(cap.p));
			goto out;
		}
		read_output(&ob, tgt.out);
	}

	/* 5. Stop the process, take what is still in flight, count drops. */
	if (!t_end)
		t_end = now_realtime();
	read_output(&ob, tgt.out);
	target_stop(&tgt);
	r->observe_s = now_realtime() - t_run;
	capture_dispatch(&cap, on_packet, &ob);
	uint64_t drops = 0;
	if (capture_drops(&cap, &drops) == 0)
		r->dropped = drops;
	else
		r->dropped = 0;
	capture_close(&cap);
	snprintf(path, sizeof path, "%s/resolv.conf.after", s->casedir);
	view_save(&view, path);

	trace("process stopped", r->t_start);
	/* 6. Decide from the capture, with the process's output beside it. */
	snprintf(r->libc, sizeof r->libc, "%s", ob.libc[0] ? ob.libc : "unknown");
	r->packets = ob.packets;
	r->malformed = ob.malformed;
	decide(&ob, &tgt, t_exit, t_end, r);
	if (ob.unsupported[0])
		snprintf(r->skip, sizeof r->skip, "the probe cannot run on %s: %s",
		         r->libc, ob.unsupported);
	write_events(s, &ob, r->switched ? r->switch_time : -1);
	rc = 0;
out:
	defer_run(&undo);
	trace("torn down", r->t_start);
	free(ob.ev);
	free(ob.ans);
	r->t_end = now_realtime();
	r->complete = rc == 0;
	return rc;
}
