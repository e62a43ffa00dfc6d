/*
 * topo.c - the DNS servers of a case, each in its own network namespace.
 *
 * Each server child unshares its network namespace, tells the case it is
 * ready, waits while the case creates the veth pair into it, configures
 * its side and starts dnsmasq, which drops to an unprivileged user once
 * it has bound its sockets (server_keep).  The namespaces have no names:
 * they live exactly as long as their processes, so a killed run cannot
 * leave one behind.  A server's link is point-to-point /32 (and /128)
 * peers: the client reaches each server address through that server's
 * own link, from the client's own address, and nothing else is routed.
 * A twin (a server's stand-in from the switch on) has the same
 * addresses on a link of its own (a down server's has none: see
 * down_end), with routes of a higher metric that
 * nothing uses until the switch removes the server's (topo_apply_states).
 * Neighbours are static: the first ARP request on a fresh veth is sent
 * before the link is active, is dropped, and would cost a one-second
 * retransmit per case.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include "capture.h"
#include "delayline.h"
#include "dnsconf.h"
#include "dnsquery.h"
#include "procs.h"
#include "rtnl.h"
#include "spawn.h"
#include "topo.h"
#include "wnconst.h"

#define READY_TIMEOUT_MS 5000
#define READY_PACE_MS    1
_Static_assert(TOPO_MAX * SS_ADDRS_MAX <= TOPO_READY_PORTS,
               "a port of its own for each readiness check");
_Static_assert(TOPO_READY_PORT_LAST == TOPO_READY_PORT + TOPO_READY_PORTS - 1,
               "the capture's filter names the last port");
#define TWIN_METRIC      1024   /* above the links' own (0; IPv6: 256) */

/* The servers topo_plan put in srv: up to the entry without a label
 * that ends them, or TOPO_MAX. */
static size_t planned(const struct server *srv)
{
	size_t n = 0;
	while (n < TOPO_MAX && srv[n].label[0])
		n++;
	return n;
}

/* Every server at once: signal all, then reap all. */
static void servers_stop(void *arg)
{
	struct server *srv = arg;
	size_t n = planned(srv);
	for (size_t i = 0; i < n; i++)
		if (srv[i].pid > 0)
			kill(srv[i].pid, SIGTERM);
	for (size_t i = 0; i < n; i++) {
		spawn_stop(srv[i].pid, 500);
		srv[i].pid = -1;
		int *fds[] = { &srv[i].errfd, &srv[i].pidfd_relay,
		               &srv[i].pidfd_keep };
		for (size_t k = 0; k < 3; k++) {
			if (*fds[k] >= 0)
				close(*fds[k]);
			*fds[k] = -1;
		}
	}
}

size_t topo_plan(struct server *srv, const struct serverset *set)
{
	static const struct server none = {
		.twin = -1, .of = -1, .pid = -1, .errfd = -1,
		.pidfd_relay = -1, .pidfd_keep = -1,
		.log_src = -1, .log_dst = -1, .err_src = -1,
	};
	size_t n = set->n < SS_MAX ? set->n : SS_MAX, m = n;
	/* Only the entries used, and the one that ends them: a case's table
	 * is fresh memory, and each page it writes costs a page fault. */
	for (size_t i = 0; i < n; i++) {
		const struct ss_server *ss = &set->s[i];
		srv[i] = none;
		srv[i].ss = ss;
		snprintf(srv[i].label, sizeof srv[i].label, "%s", ss->label);
		if (ss->state != SS_UP) {
			srv[m] = srv[i];
			srv[m].of = (int)i;
			srv[m].kind = ss->state;
			snprintf(srv[m].label, sizeof srv[m].label, "%.15s-after",
			         ss->label);
			srv[i].twin = (int)m++;
		}
	}
	if (m < TOPO_MAX)
		srv[m].label[0] = '\0';
	/* MACs from the index; the classic pair keeps its own (0a for .10,
	 * 14 for .20). */
	for (size_t i = 0; i < m; i++) {
		unsigned b = i < n ? (strcmp(srv[i].label, "old") == 0 ? 0x0a :
		                      strcmp(srv[i].label, "new") == 0 ? 0x14 :
		                      0x20 + (unsigned)i) : 0x40 + (unsigned)i;
		snprintf(srv[i].veth, sizeof srv[i].veth, "w-%.13s", srv[i].label);
		snprintf(srv[i].mac_client, sizeof srv[i].mac_client,
		         "02:77:6e:%02x:00:02", b);
		snprintf(srv[i].mac_server, sizeof srv[i].mac_server,
		         "02:77:6e:%02x:00:%02x", b, b);
	}
	return m;
}

const char *topo_addrs(const struct server *s, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; s->ss && k < s->ss->naddrs && len < size; k++) {
		int w = snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
		                 s->ss->addr[k]);
		len += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

/* The user dnsmasq drops to once it has bound its sockets and opened
 * its log (--user, --group): Debian's dnsmasq-base makes "dnsmasq";
 * "nobody" where it is missing.  Read from /etc/passwd and /etc/group
 * themselves, once per case before the servers fork: through NSS
 * (getpwnam), each server loaded its modules (libnss_systemd) anew.
 * 0, or -1 when neither exists. */
static int group_name(gid_t gid, char *group, size_t gsize)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *gr;
	int rc = -1;
	while (f && rc != 0 && (gr = fgetgrent(f)) != NULL)
		if (gr->gr_gid == gid) {
			snprintf(group, gsize, "%s", gr->gr_name);
			rc = 0;
		}
	if (f)
		fclose(f);
	return rc;
}

/* Found by topo_start, for every server of the case. */
static struct { char user[64], group[64]; } run_as;

static int server_user(char *user, size_t usize, char *group, size_t gsize)
{
	static const char *const names[] = { "dnsmasq", "nobody" };
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen("/etc/passwd", "re");
		struct passwd *pw;
		bool found = false;
		while (f && !found && (pw = fgetpwent(f)) != NULL)
			if (strcmp(pw->pw_name, names[i]) == 0 && pw->pw_uid != 0 &&
			    group_name(pw->pw_gid, group, gsize) == 0) {
				snprintf(user, usize, "%s", pw->pw_name);
				found = true;
			}
		if (f)
			fclose(f);
		if (found)
			return 0;
	}
	return -1;
}

/* An exec-only child of a server's init (dnsmasq): vfork, so that none
 * of this process's memory is copied, or marked copy-on-write, for a
 * child that only sets what spawn_fork's children set and calls execv.
 * The child writes nothing of ours: its failure goes out with write(). */
static pid_t exec_child(char *const argv[])
{
	pid_t parent = getpid(), pid = vfork();
	if (pid != 0)
		return pid;
	sigset_t none;
	sigemptyset(&none);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
	    sigprocmask(SIG_SETMASK, &none, NULL) != 0 ||
	    signal(SIGPIPE, SIG_DFL) == SIG_ERR)
		_exit(127);
	execv(argv[0], argv);
	const char *why = strerror(errno), *parts[] = { "cannot run ", argv[0],
	                                                 ": ", why, "\n" };
	for (size_t i = 0; i < 5; i++)
		if (write(2, parts[i], strlen(parts[i])) < 0)
			break;
	_exit(127);
}

/* What runs in one namespace: one or two dnsmasq, and a slow twin's
 * delay line. */
struct keep {
	char *const *argv[2];
	const char *relay[SS_ADDRS_MAX];
	size_t nrelay;
	unsigned relay_ms;
	const char *user, *group;
	bool say_end;   /* kept: write how dnsmasq ended (topo_take's case
	                 * is not its parent, and reads it there) */
};

/* PID 1 of the server's PID namespace: start what k says, and end when
 * the first of them ends, with its status, after killing the rest (the
 * namespace holds nothing else). */
static void server_init(const struct keep *k)
{
	int st = 0, code = -1;
	pid_t p;
	if (!k->argv[0])   /* a down twin: nothing runs; it ends when killed */
		for (;;)
			pause();
	for (size_t i = 0; i < 3; i++) {
		if (i < 2 ? !k->argv[i] : !k->nrelay)
			continue;
		pid_t c = i < 2 ? exec_child(k->argv[i]) : spawn_fork();
		if (c == 0) {
			prctl(PR_SET_NAME, "delayline");
			delayline_run(k->relay, k->nrelay, k->relay_ms, k->user,
			              k->group);
		}
		if (c < 0)
			_exit(3);
	}
	while ((p = wait(&st)) > 0 || errno == EINTR) {
		if (p <= 0 || code >= 0)
			continue;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		kill(-1, SIGKILL);   /* the others of the namespace */
	}
	_exit(code < 0 ? 3 : code);
}

/*
 * dnsmasq's parent-death signal does not survive its change of user, so
 * it runs as PID 2 of a PID namespace of its own, whose init (PID 1, root,
 * doing nothing but reap) keeps that signal: when this process ends,
 * init is killed, and the kernel kills dnsmasq with the namespace.  This
 * process, the one the case knows, ends when init does, with dnsmasq's
 * status; on SIGTERM it ends init and then itself.  SIGTERM and SIGCHLD
 * are blocked from its start and taken by sigwaitinfo in its loop, so a
 * SIGTERM that comes before the loop, or between two of its waits, stays
 * pending until the loop takes it (a handler's flag, looked at only
 * after waitpid's EINTR, was lost).  Never returns.
 */
static void server_keep(const struct keep *k)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);   /* init starts unblocked (spawn_fork) */
	close_range(3, ~0U, 0);   /* nothing of the case's: only its logs */
	if (unshare(CLONE_NEWPID) != 0) {
		fprintf(stderr, "unshare(CLONE_NEWPID): %s\n", strerror(errno));
		_exit(3);
	}
	pid_t init = spawn_fork();
	int st = 0, code = 0;
	bool stopping = false;
	if (init == 0)
		server_init(k);
	if (init < 0)
		_exit(3);
	while (waitpid(init, &st, WNOHANG) == 0)
		if (sigwaitinfo(&set, NULL) == SIGTERM && !stopping) {
			stopping = true;
			kill(init, SIGKILL);   /* the namespace, dnsmasq with it */
		}
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (k->say_end && !stopping) {
		char how[96];
		spawn_describe_end(code > 128 && code < 128 + 32 ? code - 128
		                   : (code & 0xff) << 8, how, sizeof how);
		dprintf(2, "dnsmasq %s\n", how);
	}
	if (stopping || (code > 128 && code < 128 + 32)) {
		int sig = stopping ? SIGTERM : code - 128;
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		signal(sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);   /* ended as dnsmasq did, for topo_server_gone */
	}
	_exit(code);
}

static bool is_v6(const char *addr)
{
	return strchr(addr, ':') != NULL;
}

/* The far end of a link to the case, in the namespace the caller is
 * in: lo and eth0 up, then the addresses (each point to point with the
 * case's of its family: an IPv6 peer gets its route only when its
 * address is added to a link that is up), the case's end as a permanent
 * neighbour (mac).  0, or -1 with the request in nl->what. */
static int far_end(struct rtnl *nl, const char *const *addrs, size_t naddrs,
                   const char *mac)
{
	bool fam[2] = { false, false };
	if (rtnl_link_up(nl, "lo") != 0 || rtnl_link_up(nl, "eth0") != 0)
		return -1;
	for (size_t k = 0; k < naddrs; k++) {
		bool v6 = is_v6(addrs[k]);
		const char *client = v6 ? WN_CLIENT6 : WN_CLIENT4;
		if (rtnl_addr(nl, "eth0", addrs[k], client) != 0)
			return -1;
		if (!fam[v6] && rtnl_neigh(nl, "eth0", client, mac) != 0)
			return -1;
		fam[v6] = true;
	}
	return 0;
}

/* The routes back from a server's namespace to nscd's address, which
 * is behind the case (topo_side_start), for each family it has. */
static int server_routes(struct rtnl *nl, const struct ss_server *ss)
{
	bool fam[2] = { false, false };
	for (size_t k = 0; k < ss->naddrs; k++)
		fam[is_v6(ss->addr[k])] = true;
	for (int v6 = 0; v6 < 2; v6++) {
		struct rtnl_route r = {
			.dst = v6 ? WN_NSCD6 : WN_NSCD4, .dev = "eth0",
			.via = v6 ? WN_CLIENT6 : WN_CLIENT4,
		};
		if (fam[v6] && rtnl_route_add(nl, &r) != 0)
			return -1;
	}
	return 0;
}

/* The argument vectors of what runs in one server's namespace. */
struct server_argv {
	char common[PATH_MAX + 32], own[PATH_MAX + 32], listen[128],
	     logopt[PATH_MAX + 32], user[80], group[80];
	char *v[12], *up[12];
	char uname[64], gname[64];
};

static void build_argv(struct server_argv *a, const struct server *s,
                       const struct topo_config *cfg, struct keep *k)
{
	const struct ss_server *ss = s->ss;
	size_t len = 0;
	snprintf(a->common, sizeof a->common, "--conf-file=%s/dnsmasq/common.conf",
	         cfg->fixtures);
	snprintf(a->own, sizeof a->own, "--conf-file=%s", s->conf);
	len = (size_t)snprintf(a->listen, sizeof a->listen, "--listen-address=");
	if (s->kind == SS_SLOW)   /* the delay line has the server's */
		snprintf(a->listen + len, sizeof a->listen - len, "127.0.0.1");
	for (size_t i = 0; s->kind != SS_SLOW && i < ss->naddrs; i++)
		len += (size_t)snprintf(a->listen + len, sizeof a->listen - len,
		                        "%s%s", i ? "," : "", ss->addr[i]);
	snprintf(a->logopt, sizeof a->logopt, "--log-facility=%s", s->log);
	snprintf(a->user, sizeof a->user, "--user=%s", a->uname);
	snprintf(a->group, sizeof a->group, "--group=%s", a->gname);
	/* No pid file.  Root only to bind port 53 and open the log (which
	 * it then hands to its user); it parses every packet the process
	 * sends as that user, with no capability. */
	char **v = a->v;
	size_t i = 0;
	v[i++] = (char *)(uintptr_t)cfg->dnsmasq;
	v[i++] = "--keep-in-foreground";
	if (s->kind != SS_SERVFAIL)   /* cache-size=0: DNSSEC needs a cache */
		v[i++] = a->common;
	v[i++] = a->own;
	v[i++] = a->listen;
	v[i++] = a->logopt;
	v[i++] = "--pid-file=";
	v[i++] = a->user;
	v[i++] = a->group;
	v[i] = NULL;
	*k = (struct keep){ .argv = { a->v, NULL }, .user = a->uname,
	                    .group = a->gname };
	if (s->kind == SS_SERVFAIL) {   /* its upstream, answering NXDOMAIN */
		char *up[] = { v[0], "--keep-in-foreground", a->common,
		               DNSCONF_SERVFAIL_UPSTREAM, "--listen-address=127.0.0.1",
		               a->logopt, "--pid-file=", a->user, a->group, NULL };
		memcpy(a->up, up, sizeof up);
		k->argv[1] = a->up;
	}
	if (s->kind == SS_SLOW) {
		for (size_t j = 0; j < ss->naddrs; j++)
			k->relay[j] = ss->addr[j];
		k->nrelay = ss->naddrs;
		k->relay_ms = ss->slow_ms;
	}
}

/*
 * A down server's twin (down_end): a namespace without the server's addresses,
 * whose every route is a blackhole, and no process but its init.  A
 * packet for the server arrives on its link and is dropped without a
 * word: no answer, no ICMP, no TCP reset; a TCP client's SYN goes
 * unanswered as a switched-off host's would.
 */
static int down_end(struct rtnl *nl)
{
	struct rtnl_route r4 = { .blackhole = true },
	                  r6 = { .blackhole = true, .v6 = true };
	return rtnl_link_up(nl, "lo") != 0 || rtnl_link_up(nl, "eth0") != 0 ||
	       rtnl_route_add(nl, &r4) != 0 || rtnl_route_add(nl, &r6) != 0
	       ? -1 : 0;
}

/* In the server child: never returns. */
static void server_child(const struct server *s, const struct topo_config *cfg,
                         int ready_w, int go_r)
{
	static struct server_argv a;
	struct keep k;
	struct rtnl nl;

	setpgid(0, 0);   /* started by the runner (pool.h): a Ctrl-C is its */
	spawn_redirect(0, "/dev/null");
	spawn_redirect(1, s->errlog);
	spawn_redirect(2, s->errlog);
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s\n", strerror(errno));
		_exit(3);
	}
	char c = 'r';
	if (write(ready_w, &c, 1) != 1 || read(go_r, &c, 1) != 1)
		_exit(3);   /* the case gave up on us */
	const char *addrs[SS_ADDRS_MAX];
	for (size_t i = 0; i < s->ss->naddrs && i < SS_ADDRS_MAX; i++)
		addrs[i] = s->ss->addr[i];
	int rc = rtnl_open(&nl);
	if (rc == 0 && s->kind == SS_DOWN)
		rc = down_end(&nl);
	else if (rc == 0)
		rc = far_end(&nl, addrs, s->ss->naddrs, s->mac_client) != 0 ||
		     server_routes(&nl, s->ss) != 0 ? -1 : 0;
	if (rc != 0) {
		fprintf(stderr, "in the %s server's network namespace: cannot "
		        "%s: %s\n", s->label, nl.fd >= 0 ? nl.what :
		        "open a netlink socket", strerror(errno));
		_exit(3);
	}
	rtnl_close(&nl);
	snprintf(a.uname, sizeof a.uname, "%s", run_as.user);
	snprintf(a.gname, sizeof a.gname, "%s", run_as.group);
	if (s->kind == SS_DOWN)
		k = (struct keep){ .argv = { NULL, NULL } };
	else
		build_argv(&a, s, cfg, &k);
	k.say_end = cfg->say_end;
	server_keep(&k);
}

/* dnsmasq-LABEL.conf in the case folder (lib/dnsconf.h). */
static int write_conf(struct server *s, const struct topo_config *cfg,
                      char *err, size_t errsize)
{
	char text[2048], who[160], addrs[120];
	int n;
	snprintf(s->conf, sizeof s->conf, "%s/dnsmasq-%s.conf", cfg->casedir,
	         s->label);
	snprintf(who, sizeof who, "%s (%s)", s->ss->label,
	         topo_addrs(s, addrs, sizeof addrs));
	if (s->kind == SS_REFUSED)
		n = dnsconf_refused(text, sizeof text, who);
	else if (s->kind == SS_SERVFAIL)
		n = dnsconf_servfail(text, sizeof text, who, "127.0.0.1");
	else
		n = dnsconf_data(text, sizeof text, who, s->ss->mark, cfg->any_name);
	FILE *f = n < 0 ? NULL : fopen(s->conf, "we");
	bool bad = !f || fputs(text, f) < 0;
	if ((f && fclose(f) != 0) || bad) {
		snprintf(err, errsize, "cannot write %s: %s", s->conf,
		         n < 0 ? "the server's mark is out of range" : strerror(errno));
		return -1;
	}
	return 0;
}

/* A server's files in cfg->casedir: dnsmasq-LABEL.conf (written),
 * .log and .err (named; the .err opened). */
static int server_files(struct server *s, const struct topo_config *cfg,
                        char *err, size_t errsize)
{
	snprintf(s->log, sizeof s->log, "%s/dnsmasq-%s.log", cfg->casedir, s->label);
	snprintf(s->errlog, sizeof s->errlog, "%s/dnsmasq-%s.err", cfg->casedir,
	         s->label);
	if (s->kind != SS_DOWN && write_conf(s, cfg, err, errsize) != 0)
		return -1;   /* a down twin runs no dnsmasq: no conf, no log */
	/* Kept open: the case's mounts may later hide this path (a results
	 * folder under /tmp), and how dnsmasq ended is written here. */
	s->errfd = open(s->errlog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (s->errfd < 0) {
		snprintf(err, errsize, "cannot open %s: %s", s->errlog, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fork the server's process; *ready_r gets a byte once it is in its own
 * network namespace (topo_start): every server's process is forked
 * before the case waits for the first, so that they make their
 * namespaces at the same time. */
static int start_one(struct server *s, const struct topo_config *cfg,
                     int *go_w, int *ready_r, char *err, size_t errsize)
{
	int ready[2], go[2];
	if (server_files(s, cfg, err, errsize) != 0)
		return -1;
	if (pipe2(ready, O_CLOEXEC) != 0)
		goto out_err;
	if (pipe2(go, O_CLOEXEC) != 0)
		goto out_ready;
	/* s may be in memory the runner shares with its cases (pool.h):
	 * the child must not write it. */
	pid_t pid = spawn_fork();
	if (pid == 0)
		server_child(s, cfg, ready[1], go[0]);
	s->pid = pid;
	if (s->pid < 0)
		goto out_go;
	close(ready[1]);
	close(go[0]);
	*ready_r = ready[0];
	*go_w = go[1];
	return 0;
out_go:
	close(go[0]);
	close(go[1]);
out_ready:
	close(ready[0]);
	close(ready[1]);
out_err:
	snprintf(err, errsize, "cannot start the %s server: %s", s->label,
	         strerror(errno));
	return -1;
}

/* The case's end of one link: the server's (a twin's) addresses through
 * it, from the case's own address of each family. */
static int link_one(struct rtnl *nl, const struct server *s)
{
	if (rtnl_veth(nl, s->veth, s->mac_client, "eth0", s->mac_server,
	              (int)s->pid, -1) != 0 || rtnl_link_up(nl, s->veth) != 0)
		return -1;
	bool fam[2] = { false, false };
	for (size_t k = 0; k < s->ss->naddrs; k++) {
		const char *a = s->ss->addr[k];
		bool v6 = is_v6(a);
		const char *me = v6 ? WN_CLIENT6 : WN_CLIENT4;
		struct rtnl_route twin = { .dst = a, .dev = s->veth, .src = me,
		                           .metric = TWIN_METRIC };
		if (s->of < 0 && rtnl_addr(nl, s->veth, me, a) != 0)
			return -1;
		/* A twin's: unused until the switch removes the server's route. */
		if (s->of >= 0 && ((!fam[v6] && rtnl_addr(nl, s->veth, me, NULL)) ||
		                   rtnl_route_add(nl, &twin) != 0))
			return -1;
		fam[v6] = true;
		if (rtnl_neigh(nl, s->veth, a, s->mac_server) != 0)
			return -1;
	}
	return 0;
}

static int link_client(struct server *srv, size_t nsrv, char *err,
                       size_t errsize)
{
	struct rtnl nl;
	int rc = rtnl_open(&nl);
	if (rc == 0)
		rc = rtnl_link_up(&nl, "lo");
	for (size_t i = 0; rc == 0 && i < nsrv; i++)
		rc = link_one(&nl, &srv[i]);
	if (rc != 0)
		snprintf(err, errsize, "in the client network namespace: cannot %s: "
		         "%s", nl.fd >= 0 ? nl.what : "open a netlink socket",
		         strerror(errno));
	rtnl_close(&nl);
	return rc;
}

/* One readiness check: a socket to one address of one server; a twin's
 * is bound to its link (its routes are unused until the switch). */
struct probe {
	int    fd;
	size_t srv, addr;
	bool   answered;
	struct sockaddr_storage to;
	socklen_t tolen;
};

static int probe_open(struct probe *p, const struct server *s, size_t k,
                      size_t index)
{
	const char *a = s->ss->addr[k];
	struct sockaddr_in *a4 = (struct sockaddr_in *)&p->to;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&p->to;
	memset(&p->to, 0, sizeof p->to);
	p->addr = k;
	p->answered = false;
	if (is_v6(a)) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(53);
		inet_pton(AF_INET6, a, &a6->sin6_addr);
		p->tolen = sizeof *a6;
	} else {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(53);
		inet_pton(AF_INET, a, &a4->sin_addr);
		p->tolen = sizeof *a4;
	}
	p->fd = socket(p->to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* From a port of the checks' own, which the capture leaves out
	 * (topo.h): the capture may already run. */
	struct sockaddr_storage me;
	memset(&me, 0, sizeof me);
	me.ss_family = p->to.ss_family;
	uint16_t port = htons((uint16_t)(TOPO_READY_PORT + index));
	if (is_v6(a))
		((struct sockaddr_in6 *)&me)->sin6_port = port;
	else
		((struct sockaddr_in *)&me)->sin_port = port;
	if (p->fd >= 0 && ((s->of >= 0 &&
	    setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, s->veth,
	               (socklen_t)strlen(s->veth)) != 0) ||
	    bind(p->fd, (struct sockaddr *)&me, p->tolen) != 0)) {
		close(p->fd);
		p->fd = -1;
	}
	return p->fd;
}

/* Ask each server (and each twin, with twins) for hat.com A on each of
 * its addresses until all answer, whatever the answer (a twin's may be
 * REFUSED): no sleep-and-hope.  A query sent before dnsmasq has bound
 * its socket is lost, so ask again every READY_PACE_MS, a constant
 * pace: start-up takes tens of milliseconds, and an answer is seen
 * within one pace of dnsmasq's bind; between two asks the case sleeps
 * in poll(). */
static int wait_ready(struct server *srv, size_t n, bool twins,
                      unsigned timeout_ms, char *err, size_t errsize)
{
	struct probe p[TOPO_MAX * SS_ADDRS_MAX];
	struct pollfd pfd[TOPO_MAX * SS_ADDRS_MAX];
	size_t np = 0, left;
	uint8_t q[64];
	int qlen = dns_build_query(q, sizeof q, TOPO_READY_ID, WN_QNAME, 1);
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < srv[i].ss->naddrs; k++) {
			if (srv[i].of >= 0 && (!twins || srv[i].kind == SS_DOWN))
				continue;   /* a down twin answers nothing, by design */
			p[np].srv = i;
			pfd[np].fd = probe_open(&p[np], &srv[i], k, np);
			pfd[np++].events = POLLIN;
		}
	left = np;
	double deadline = now_realtime() + timeout_ms / 1000.0;
	while (now_realtime() < deadline) {
		for (size_t i = 0; i < np; i++)
			if (!p[i].answered && p[i].fd >= 0)
				sendto(p[i].fd, q, (size_t)qlen, 0,
				       (struct sockaddr *)&p[i].to, p[i].tolen);
		poll(pfd, np, READY_PACE_MS);
		for (size_t i = 0; i < np; i++) {
			uint8_t buf[512];
			while ((pfd[i].revents & POLLIN) &&
			       recv(pfd[i].fd, buf, sizeof buf, 0) >= 12)
				if (buf[0] == q[0] && buf[1] == q[1] && !p[i].answered) {
					p[i].answered = true;
					left--;
				}
		}
		if (left == 0) {
			rc = 0;
			break;
		}
		int gone = topo_server_gone(srv, n);
		if (gone >= 0) {
			snprintf(err, errsize, "dnsmasq for the %s server %s during "
			         "start-up; see %s", srv[gone].label, srv[gone].ended,
			         srv[gone].errlog);
			goto out;
		}
	}
	for (size_t i = 0; rc != 0 && i < np; i++)
		if (!p[i].answered) {
			const struct server *s = &srv[p[i].srv];
			snprintf(err, errsize, "dnsmasq for the %s server did not answer "
			         "on %s within %u ms; see %s", s->label,
			         s->ss->addr[p[i].addr], timeout_ms, s->errlog);
			break;
		}
out:
	for (size_t i = 0; i < np; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	return rc;
}

/* The children of pid (/proc/PID/task/PID/children), at most max. */
static size_t children(pid_t pid, pid_t *out, size_t max)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid,
	         (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	size_t n = 0;
	buf[r > 0 ? r : 0] = '\0';
	for (char *p = buf, *end; n < max; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p || v <= 0)
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

static bool comm_is(pid_t pid, const char *name)
{
	char path[64], buf[32];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (r <= 0)
		return false;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, name) == 0;
}

/* A slow twin's delay line as a pidfd (a pid could be reused; a pidfd
 * cannot), for topo_apply_states: keeper -> init -> delay line. */
static int find_relay(struct server *s, char *err, size_t errsize)
{
	pid_t init, kid[4];
	if (s->kind != SS_SLOW)
		return 0;
	size_t nk = children(s->pid, &init, 1) == 1 ? children(init, kid, 4) : 0;
	for (size_t i = 0; i < nk && s->pidfd_relay < 0; i++)
		if (comm_is(kid[i], "delayline"))
			s->pidfd_relay = (int)syscall(SYS_pidfd_open, kid[i], 0);
	if (s->pidfd_relay < 0) {
		snprintf(err, errsize, "cannot find the delay line of the %s server "
		         "(/proc/%d/task/%d/children): %s", s->label, (int)s->pid,
		         (int)s->pid, strerror(errno));
		return -1;
	}
	return 0;
}

int topo_start(struct server *srv, size_t n, const struct topo_config *cfg,
               struct defer *d, char *err, size_t errsize)
{
	int go[TOPO_MAX], ready[TOPO_MAX];
	int rc = -1;

	if (!cfg->dnsmasq) {
		snprintf(err, errsize, "dnsmasq not found in PATH");
		return -1;
	}
	if (server_user(run_as.user, sizeof run_as.user, run_as.group,
	                sizeof run_as.group) != 0) {
		snprintf(err, errsize, "no user for dnsmasq to run as: neither "
		         "'dnsmasq' nor 'nobody' is in /etc/passwd (apt-get install "
		         "dnsmasq-base)");
		return -1;
	}
	for (size_t i = 0; i < TOPO_MAX; i++)
		go[i] = ready[i] = -1;
	defer_push(d, servers_stop, srv, "stop dnsmasq");
	for (size_t i = 0; i < n; i++)
		if (start_one(&srv[i], cfg, &go[i], &ready[i], err, errsize) != 0)
			goto out;
	for (size_t i = 0; i < n; i++) {
		char c;
		ssize_t r = read(ready[i], &c, 1);
		close(ready[i]);
		ready[i] = -1;
		if (r != 1) {
			snprintf(err, errsize, "the %s server process failed before "
			         "setting up its namespace; see %s", srv[i].label,
			         srv[i].errlog);
			goto out;
		}
	}
	if (link_client(srv, n, err, errsize) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char c = 'g';
		if (write(go[i], &c, 1) != 1) {
			snprintf(err, errsize, "the %s server process is gone; see %s",
			         srv[i].label, srv[i].errlog);
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ready[i] >= 0)
			close(ready[i]);
	}
	return rc;
}

int topo_wait(struct server *srv, size_t n, char *err, size_t errsize)
{
	int rc = wait_ready(srv, n, true, READY_TIMEOUT_MS, err, errsize);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = find_relay(&srv[i], err, errsize);
	return rc;
}

void topo_stop_begin(struct server *srv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (srv[i].pid > 0 && !srv[i].kept)
			kill(srv[i].pid, SIGTERM);
}

/* Has a kept server's keeper ended?  Not this process's child: its
 * pidfd says so, not its status. */
static bool keeper_ended(const struct server *s)
{
	struct pollfd p = { .fd = s->pidfd_keep, .events = POLLIN };
	return s->pidfd_keep < 0 || poll(&p, 1, 0) != 0;
}

/* How a kept server's dnsmasq ended: its keeper's last word in the
 * slot's errlog since the case took it ("dnsmasq was killed by signal
 * 9 (Killed)"), which it writes before it ends. */
static void kept_end(struct server *s)
{
	char buf[4096];
	ssize_t r = s->err_src < 0 ? -1 :
	            pread(s->err_src, buf, sizeof buf - 1, s->err_off);
	buf[r > 0 ? r : 0] = '\0';
	const char *how = NULL;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (strncmp(line, "dnsmasq ", 8) == 0)
			how = line + 8;
	}
	snprintf(s->ended, sizeof s->ended, "%s", how ? how :
	         "ended (a server kept across cases)");
}

/* Has server s ended since last asked?  Fills s->ended when it has. */
static bool server_ended(struct server *s)
{
	int st;
	if (s->pid <= 0)
		return false;
	if (s->kept) {
		if (!keeper_ended(s))
			return false;
		kept_end(s);
		return true;
	}
	if (waitpid(s->pid, &st, WNOHANG) != s->pid)
		return false;
	spawn_describe_end(st, s->ended, sizeof s->ended);
	return true;
}

int topo_server_gone(struct server *srv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (server_ended(&srv[i])) {
			if (srv[i].errfd >= 0)
				dprintf(srv[i].errfd, "whichns: this dnsmasq (the %s server, "
				        "pid %d) %s during the case\n", srv[i].label,
				        (int)srv[i].pid, srv[i].ended);
			srv[i].pid = -1;
		}
		if (srv[i].pid < 0)
			return (int)i;
	}
	return -1;
}

/* From the switch on, a's queries go to s's twin: the case's route to
 * each address through the server's own link is removed (RTM_DELROUTE,
 * acknowledged), and the twin's, of a higher metric, carries it. */
static int to_twin(struct rtnl *nl, const struct server *s, char *err,
                   size_t errsize)
{
	int ifindex = (int)if_nametoindex(s->veth);
	if (nl->fd < 0 && rtnl_open(nl) != 0)
		nl->fd = -1;
	for (size_t k = 0; k < s->ss->naddrs; k++)
		if (nl->fd < 0 || ifindex <= 0 ||
		    rtnl_route_del(nl, &s->ss->a[k], ifindex)) {
			snprintf(err, errsize, "cannot hand %s over to the %s server's "
			         "twin (remove its route through %s): %s", s->ss->addr[k],
			         s->label, s->veth, strerror(errno));
			return -1;
		}
	return 0;
}

static int send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int topo_apply_states(struct server *srv, size_t n, char *err,
                      size_t errsize)
{
	struct rtnl nl = { .fd = -1 };
	int rc = 0;
	char st[24];
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct server *s = &srv[i];
		if (s->of >= 0 || s->ss->state == SS_UP)
			continue;
		if (s->twin < 0)
			continue;
		const struct server *t = &srv[s->twin];
		if (t->kind == SS_SLOW && send_signal(t->pidfd_relay, SIGUSR1)) {
			snprintf(err, errsize, "cannot start the delay of the %s server "
			         "(state %s): %s", s->label,
			         serverset_state_name(s->ss, st, sizeof st), strerror(errno));
			rc = -1;
		}
		if (rc == 0)
			rc = to_twin(&nl, s, err, errsize);
	}
	rtnl_close(&nl);
	return rc;
}

/*
 * A side namespace (nscd's).  It is made by the case
 * process itself (unshare, keep a descriptor, setns back), so it lives
 * as long as that descriptor or the processes in it, and a killed case
 * leaves nothing.  Its one link goes to the case's namespace, which
 * forwards its packets to the servers: the capture there sees each of
 * them once (capture.c keeps a query as it leaves for a server, a
 * response as it arrives from one), with the side's own source address.
 */
static void side_close(void *arg)
{
	struct topo_side *n = arg;
	for (int i = 0; i < 2; i++) {
		int *fd = i ? &n->side_fd : &n->case_fd;
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* Forwarding in the case's namespace only: /proc/sys/net is per network
 * namespace, and this one was made for the case. */
static int forward_on(char *err, size_t errsize)
{
	static const char *const knobs[] = {
		"/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/all/forwarding",
	};
	for (size_t i = 0; i < 2; i++) {
		int fd = open(knobs[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1\n", 2) != 2) {
			snprintf(err, errsize, "cannot turn on forwarding in the case's "
			         "network namespace (%s): %s", knobs[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* The link, from the case's end, then from the side's: this process is
 * then in the side's namespace (unless the first half failed); the
 * caller goes back. */
static int side_link(const struct topo_side *n, char *err, size_t errsize)
{
	struct rtnl nl;
	const char *where = "the client network namespace";
	int rc = rtnl_open(&nl);
	if (rc == 0)
		rc = rtnl_veth(&nl, n->veth, n->mac_case, "eth0", n->mac_side, 0,
		               n->side_fd) != 0 || rtnl_link_up(&nl, n->veth) != 0 ||
		     rtnl_addr(&nl, n->veth, WN_CLIENT4, n->addr4) != 0 ||
		     rtnl_addr(&nl, n->veth, WN_CLIENT6, n->addr6) != 0 ||
		     rtnl_neigh(&nl, n->veth, n->addr4, n->mac_side) != 0 ||
		     rtnl_neigh(&nl, n->veth, n->addr6, n->mac_side) != 0 ? -1 : 0;
	rtnl_close(&nl);
	if (rc == 0 && topo_side_enter(n) != 0) {
		snprintf(err, errsize, "setns into the %s network namespace: %s",
		         n->label, strerror(errno));
		return -1;
	}
	if (rc == 0) {
		const char *addrs[] = { n->addr4, n->addr6 };
		struct rtnl_route d4 = { .dev = "eth0", .via = WN_CLIENT4 },
		                  d6 = { .dev = "eth0", .via = WN_CLIENT6, .v6 = true };
		where = n->label;
		rc = rtnl_open(&nl);
		if (rc == 0)
			rc = far_end(&nl, addrs, 2, n->mac_case) != 0 ||
			     rtnl_route_add(&nl, &d4) != 0 ||
			     rtnl_route_add(&nl, &d6) != 0 ? -1 : 0;
		rtnl_close(&nl);
	}
	if (rc != 0)
		snprintf(err, errsize, "in %s%s: cannot %s: %s", where,
		         where == n->label ? " network namespace" : "",
		         nl.fd >= 0 || nl.what[0] ? nl.what : "open a netlink socket",
		         strerror(errno));
	return rc;
}

int topo_side_start(struct topo_side *n, struct server *srv, size_t nsrv,
                    struct defer *d, char *err, size_t errsize)
{
	n->case_fd = n->side_fd = -1;
	defer_push(d, side_close, n, "close a side network namespace");
	n->case_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->case_fd < 0 || unshare(CLONE_NEWNET) != 0) {
		snprintf(err, errsize, "the %s network namespace: %s", n->label,
		         strerror(errno));
		return -1;
	}
	/* Back into the case's at once, whatever happens: the case's own
	 * sockets and children must not start in the side's. */
	n->side_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int open_errno = errno;
	if (topo_side_leave(n) != 0 || n->side_fd < 0) {
		snprintf(err, errsize, "the %s network namespace: %s", n->label,
		         strerror(n->side_fd < 0 ? open_errno : errno));
		return -1;
	}
	if (forward_on(err, errsize) != 0)
		return -1;
	/* Link and configure it (side_link leaves this process in it), and
	 * see every server answer from its address before anything starts
	 * in it: a broken route would look like a cache. */
	int rc = side_link(n, err, errsize);
	if (rc == 0)
		rc = wait_ready(srv, nsrv, false, READY_TIMEOUT_MS, err, errsize);
	if (topo_side_leave(n) != 0) {
		snprintf(err, errsize, "setns back into the case's network "
		         "namespace: %s", strerror(errno));
		return -1;
	}
	return rc;
}

int topo_side_enter(const struct topo_side *n)
{
	return setns(n->side_fd, CLONE_NEWNET);
}

int topo_side_leave(const struct topo_side *n)
{
	return setns(n->case_fd, CLONE_NEWNET);
}

/*
 * Servers kept across cases (pool.h).  The runner makes a client
 * network namespace and starts the servers from it as a case would
 * (topo_start), then goes home; a case enters that namespace instead of
 * making its own, and takes the servers as they are (topo_take).  They
 * are the same processes case after case: dnsmasq keeps no cache
 * (common.conf: cache-size=0) and answers from its conf alone, so a case
 * sees what fresh servers would show it.  Each case gets the lines its
 * servers logged while it held them.
 */
/* Back to the namespace open as home (and close it), before anything
 * else: this process's sockets, and its children's, belong there. */
static void go_home(int home)
{
	if (home < 0)
		return;
	if (setns(home, CLONE_NEWNET) != 0) {
		fprintf(stderr, "whichns: cannot go back to its own network "
		        "namespace: %s\n", strerror(errno));
		abort();
	}
	close(home);
}

int topo_keep_start(struct server *srv, size_t n, const struct topo_config *cfg,
                    struct defer *d, int *netns, int *capture, char *err,
                    size_t errsize)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int rc = -1;
	*netns = *capture = -1;
	if (home < 0 || unshare(CLONE_NEWNET) != 0 ||
	    (*netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errsize, "a network namespace for kept servers: %s",
		         strerror(errno));
	} else if (capture_socket(capture, err, errsize) == 0) {
		struct topo_config kc = *cfg;
		kc.say_end = true;
		rc = topo_start(srv, n, &kc, d, err, errsize);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			srv[i].kept = true;
			/* There for a case to read from the start, before
			 * dnsmasq opens it (O_APPEND) and says it started. */
			int fd = open(srv[i].log, O_WRONLY | O_CREAT | O_APPEND |
			              O_CLOEXEC, 0640);
			if (fd >= 0)
				close(fd);
			srv[i].fresh = true;
			srv[i].pidfd_keep = (int)syscall(SYS_pidfd_open, srv[i].pid, 0);
			if (srv[i].pidfd_keep < 0) {
				snprintf(err, errsize, "pidfd_open: %s", strerror(errno));
				rc = -1;
			}
		}
	}
	go_home(home);
	return rc;
}

int topo_keep_wait(struct server *srv, size_t n, int netns, char *err,
                   size_t errsize)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int rc = -1;
	if (home < 0 || setns(netns, CLONE_NEWNET) != 0)
		snprintf(err, errsize, "the kept servers' network namespace: %s",
		         strerror(errno));
	else
		rc = wait_ready(srv, n, false, READY_TIMEOUT_MS, err, errsize);
	go_home(home);
	return rc;
}

bool topo_kept_alive(const struct server *s)
{
	return s->kept && s->pid > 0 && !s->lost && !keeper_ended(s);
}

/* What src got from *off on, appended to dst; best effort, as
 * dnsmasq's own log is. */
static void slice(int src, off_t *off, int dst)
{
	char buf[65536];
	ssize_t r;
	while (src >= 0 && dst >= 0 && (r = pread(src, buf, sizeof buf, *off)) > 0 &&
	       write(dst, buf, (size_t)r) == r)
		*off += r;
}

/* The lines the kept server's log and errlog got while the case held
 * it, into the case's copies. */
static void log_slice(struct server *s)
{
	slice(s->log_src, &s->log_off, s->log_dst);
	slice(s->err_src, &s->err_off, s->errfd);
	int *fds[] = { &s->log_src, &s->log_dst, &s->err_src, &s->errfd };
	for (size_t k = 0; k < 4; k++) {
		if (*fds[k] >= 0)
			close(*fds[k]);
		*fds[k] = -1;
	}
}

/* Is a TCP socket left in this network namespace, once the case's
 * processes are gone?  One in TIME_WAIT (60 s) would hold its port
 * against the next case's daemon (a bind without SO_REUSEADDR fails),
 * so the namespace must not serve another case.  The namespace's own
 * counts, from sockstat ("TCP: inuse N ... tw N", TIME_WAIT of both
 * families) and sockstat6 ("TCP6: inuse N"): reading /proc/self/net/tcp
 * instead walks the kernel's whole TCP hash, about 0.8 ms a file.
 * Unreadable counts as one left. */
static bool tcp_left(void)
{
	static const struct {
		const char *file;
		const char *count[2][2];   /* proto and name of each, or NULL */
	} stats[] = {
		{ "/proc/self/net/sockstat", { { "TCP:", "inuse" }, { "TCP:", "tw" } } },
		{ "/proc/self/net/sockstat6", { { "TCP6:", "inuse" }, { NULL, NULL } } },
	};
	for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
		char buf[1024];
		int fd = open(stats[i].file, O_RDONLY | O_CLOEXEC);
		ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof buf);
		if (fd >= 0)
			close(fd);
		for (size_t k = 0; k < 2 && stats[i].count[k][0]; k++) {
			unsigned n;
			if (r < 0 || procs_sockstat(buf, (size_t)r, stats[i].count[k][0],
			                            stats[i].count[k][1], &n) != 0 || n > 0)
				return true;
		}
	}
	return false;
}

/* The undo of topo_take.  One more readiness check first: dnsmasq logs
 * each query as it takes it, in order, so once it answers this one
 * every query of the case is in its log.  A server that does not
 * answer, or a namespace a TCP socket of the case outlives, is lost:
 * the runner starts the slot's anew. */
static void give_back(void *arg)
{
	struct server *srv = arg;
	char err[256];
	size_t n = 0, max = planned(srv);
	bool alive = true;
	for (; n < max && srv[n].kept; n++)
		if (!topo_kept_alive(&srv[n]))
			alive = false;
	err[0] = '\0';
	if (n && !alive)
		snprintf(err, sizeof err, "a server ended");
	else if (n && wait_ready(srv, n, false, 1000, err, sizeof err) != 0)
		;   /* err says which did not answer */
	else if (n && tcp_left())
		snprintf(err, sizeof err, "a TCP socket of the case is left in "
		         "its network namespace");
	if (n && err[0]) {
		/* The case said why in its folder; the next case gets anew
		 * what this one leaves. */
		for (size_t i = 0; i < n; i++) {
			srv[i].from->lost = true;
			if (srv[i].errfd >= 0)
				dprintf(srv[i].errfd, "whichns: the %s server is not kept for "
				        "the next case: %s\n", srv[i].label, err);
		}
	}
	for (size_t i = 0; i < n; i++)
		log_slice(&srv[i]);
}

/* Case server s from kept server k: its identity, its files in the
 * case's folder, and where k's log stands now. */
static int take_one(struct server *s, struct server *k,
                    const struct topo_config *cfg, char *err, size_t errsize)
{
	s->kept = true;
	s->from = k;
	s->pid = k->pid;
	s->pidfd_keep = k->pidfd_keep;
	if (!topo_kept_alive(k)) {
		snprintf(err, errsize, "the %s server, kept across cases, ended "
		         "before the case began", k->label);
		return -1;
	}
	if (server_files(s, cfg, err, errsize) != 0)
		return -1;
	/* The first case of freshly started servers gets their logs from
	 * the start (dnsmasq's start-up, and any error it gave there), as a
	 * case with servers of its own would; later ones from here on. */
	int whence = k->fresh ? SEEK_SET : SEEK_END;
	k->fresh = false;
	s->log_src = open(k->log, O_RDONLY | O_CLOEXEC);
	s->log_dst = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	s->log_off = s->log_src < 0 ? 0 : lseek(s->log_src, 0, whence);
	s->err_src = open(k->errlog, O_RDONLY | O_CLOEXEC);
	s->err_off = s->err_src < 0 ? 0 : lseek(s->err_src, 0, whence);
	if (s->log_src < 0 || s->log_dst < 0 || s->log_off < 0 ||
	    s->err_src < 0 || s->err_off < 0) {
		snprintf(err, errsize, "cannot copy the kept %s server's log %s to "
		         "%s: %s", k->label, k->log, s->log, strerror(errno));
		return -1;
	}
	return 0;
}

int topo_take(struct server *srv, size_t n, struct server *kept,
              const struct topo_config *cfg, struct defer *d,
              char *err, size_t errsize)
{
	/* From here on the undo copies the logs (and closes the files) of
	 * what was taken, whatever happens next. */
	defer_push(d, give_back, srv, "give the kept servers back");
	for (size_t i = 0; i < n; i++)
		if (take_one(&srv[i], &kept[i], cfg, err, errsize) != 0)
			return -1;
	return 0;
}
