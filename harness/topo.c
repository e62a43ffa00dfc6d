/*
 * topo.c - two DNS servers in their own network namespaces.
 *
 * Each server child unshares its network namespace, tells the case it is
 * ready, waits while the case creates the veth pair into it, configures
 * its side and starts dnsmasq, which drops to an unprivileged user once
 * it has bound its sockets (server_keep).  The namespaces have no names:
 * they live exactly as long as their processes, so a killed run cannot
 * leave one behind.  Links are point-to-point /32 (and /128) peers: the client
 * reaches each server through its own link and nothing else is routed.
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
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include "dnsquery.h"
#include "spawn.h"
#include "topo.h"
#include "wnconst.h"

#define READY_TIMEOUT_MS 5000

/* Both servers at once: signal both, then reap both. */
static void servers_stop(void *arg)
{
	struct server *srv = arg;
	for (int i = 0; i < 2; i++)
		if (srv[i].pid > 0)
			kill(srv[i].pid, SIGTERM);
	for (int i = 0; i < 2; i++) {
		spawn_stop(srv[i].pid, 500);
		srv[i].pid = -1;
		if (srv[i].errfd >= 0)
			close(srv[i].errfd);
		srv[i].errfd = -1;
	}
}

/* The user dnsmasq drops to once it has bound its sockets and opened
 * its log (--user, --group): Debian's dnsmasq-base makes "dnsmasq";
 * "nobody" where it is missing.  0, or -1 when neither exists. */
static int server_user(char *user, size_t usize, char *group, size_t gsize)
{
	static const char *const names[] = { "dnsmasq", "nobody" };
	for (size_t i = 0; i < 2; i++) {
		struct passwd *pw = getpwnam(names[i]);
		struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;
		if (pw && gr && pw->pw_uid != 0) {
			snprintf(user, usize, "--user=%s", pw->pw_name);
			snprintf(group, gsize, "--group=%s", gr->gr_name);
			return 0;
		}
	}
	return -1;
}

static volatile sig_atomic_t server_stopping;
static void on_server_stop(int sig) { (void)sig; server_stopping = 1; }

/*
 * dnsmasq's parent-death signal does not survive its change of user, so
 * it runs as PID 2 of a PID namespace of its own, whose init (PID 1, root,
 * doing nothing but reap) keeps that signal: when this process ends,
 * init is killed, and the kernel kills dnsmasq with the namespace.  This
 * process, the one the case knows, ends when init does, with dnsmasq's
 * status; on SIGTERM it ends init and then itself.  Never returns.
 */
static void server_keep(char *const argv[])
{
	struct sigaction sa = { .sa_handler = on_server_stop };
	sigaction(SIGTERM, &sa, NULL);
	close_range(3, ~0U, 0);   /* nothing of the case's: only its logs */
	if (unshare(CLONE_NEWPID) != 0) {
		fprintf(stderr, "unshare(CLONE_NEWPID): %s\n", strerror(errno));
		_exit(3);
	}
	pid_t init = spawn_fork(), st_pid;
	int st = 0, code = 0;
	if (init == 0) {
		pid_t d = spawn_fork();
		if (d == 0) {
			execvp(argv[0], argv);
			fprintf(stderr, "cannot run dnsmasq: %s\n", strerror(errno));
			_exit(127);
		}
		while ((st_pid = wait(&st)) > 0 || errno == EINTR)
			if (st_pid == d)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		_exit(d < 0 ? 3 : code);
	}
	if (init < 0)
		_exit(3);
	while ((st_pid = waitpid(init, &st, 0)) < 0 && errno == EINTR)
		if (server_stopping)
			kill(init, SIGKILL);   /* the namespace, dnsmasq with it */
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (server_stopping || (code > 128 && code < 128 + 32)) {
		int sig = server_stopping ? SIGTERM : code - 128;
		signal(sig, SIG_DFL);
		raise(sig);   /* ended as dnsmasq did, for topo_server_gone */
	}
	_exit(code);
}

/* The far end of a link to the case, as ip -batch commands: eth0 with
 * its addresses (point to point with the case's), the case's end as a
 * permanent neighbour (mac), up.  The caller adds its routes after the
 * returned length, which leaves room for them in a 1024-byte buffer. */
static int far_end_cmds(char *cmds, size_t size, const char *addr4,
                        const char *addr6, const char *mac)
{
	int n = snprintf(cmds, size,
	         "link set lo up\n"
	         "addr add %s/32 peer %s/32 dev eth0\n"
	         "addr add %s/128 peer %s/128 dev eth0 nodad\n"
	         "neigh add %s lladdr %s dev eth0 nud permanent\n"
	         "neigh add %s lladdr %s dev eth0 nud permanent\n"
	         "link set eth0 up\n",
	         addr4, WN_CLIENT4, addr6, WN_CLIENT6,
	         WN_CLIENT4, mac, WN_CLIENT6, mac);
	return n < 0 ? 0 : (size_t)n >= size ? (int)size - 1 : n;
}

/* In the server child: never returns. */
static void server_child(const struct server *s, const struct topo_config *cfg,
                         int ready_w, int go_r)
{
	char cmds[1024], err[512], common[PATH_MAX], own[PATH_MAX], any[PATH_MAX];
	char listen[128], logopt[PATH_MAX + 32], user[300], group[300];

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
	/* nscd's own address is behind the case (topo_side_start) */
	int n = far_end_cmds(cmds, sizeof cmds, s->addr4, s->addr6,
	                     s->mac_client);
	snprintf(cmds + n, sizeof cmds - (size_t)n,
	         "route add %s/32 via %s dev eth0 onlink\n"
	         "route add %s/128 via %s dev eth0 onlink\n",
	         WN_NSCD4, WN_CLIENT4, WN_NSCD6, WN_CLIENT6);
	char *ip[] = { (char *)(uintptr_t)cfg->ip, "-batch", "-", NULL };
	if (spawn_run(ip, cmds, err, sizeof err) != 0) {
		fprintf(stderr, "ip -batch in the %s server namespace: %s\n",
		        s->label, err);
		_exit(3);
	}
	snprintf(common, sizeof common, "--conf-file=%s/dnsmasq/common.conf",
	         cfg->fixtures);
	snprintf(own, sizeof own, "--conf-file=%s/dnsmasq/%s.conf",
	         cfg->fixtures, s->label);
	snprintf(any, sizeof any, "--conf-file=%s/dnsmasq/%s-any.conf",
	         cfg->fixtures, s->label);
	snprintf(listen, sizeof listen, "--listen-address=%s,%s", s->addr4,
	         s->addr6);
	snprintf(logopt, sizeof logopt, "--log-facility=%s", s->log);
	if (server_user(user, sizeof user, group, sizeof group) != 0) {
		fprintf(stderr, "no user for dnsmasq to run as: neither 'dnsmasq' "
		        "nor 'nobody' exists (apt-get install dnsmasq-base)\n");
		_exit(3);
	}
	char *argv[] = {
		(char *)(uintptr_t)cfg->dnsmasq, "--keep-in-foreground", common, own,
		listen, logopt,
		/* No pid file.  Root only to bind port 53 and open the log
		 * (which it then hands to its user); it parses every packet the
		 * process sends as that user, with no capability. */
		"--pid-file=", user, group,
		cfg->any_name ? any : NULL, NULL,
	};
	server_keep(argv);
}

static int start_one(struct server *s, const struct topo_config *cfg,
                     int *go_w, char *err, size_t errsize)
{
	int ready[2], go[2];
	snprintf(s->log, sizeof s->log, "%s/dnsmasq-%s.log", cfg->casedir, s->label);
	snprintf(s->errlog, sizeof s->errlog, "%s/dnsmasq-%s.err", cfg->casedir,
	         s->label);
	/* Kept open: the case's mounts may later hide this path (a results
	 * folder under /tmp), and how dnsmasq ended is written here. */
	s->errfd = open(s->errlog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (s->errfd < 0)
		goto out_err;
	if (pipe2(ready, O_CLOEXEC) != 0)
		goto out_err;
	if (pipe2(go, O_CLOEXEC) != 0)
		goto out_ready;
	s->pid = spawn_fork();
	if (s->pid < 0)
		goto out_go;
	if (s->pid == 0)
		server_child(s, cfg, ready[1], go[0]);
	close(ready[1]);
	close(go[0]);
	char c;
	ssize_t r = read(ready[0], &c, 1);
	close(ready[0]);
	*go_w = go[1];
	if (r != 1) {
		snprintf(err, errsize, "the %s server process failed before "
		         "setting up its namespace; see %s", s->label, s->errlog);
		return -1;
	}
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

static int link_client(struct server srv[2], const struct topo_config *cfg,
                       char *err, size_t errsize)
{
	char cmds[1024], out[512];
	int n = snprintf(cmds, sizeof cmds, "link set lo up\n");
	for (int i = 0; i < 2; i++)
		n += snprintf(cmds + n, sizeof cmds - (size_t)n,
		              "link add %s address %s type veth peer name eth0 "
		              "address %s netns %d\n"
		              "addr add %s/32 peer %s/32 dev %s\n"
		              "addr add %s/128 peer %s/128 dev %s nodad\n"
		              "neigh add %s lladdr %s dev %s nud permanent\n"
		              "neigh add %s lladdr %s dev %s nud permanent\n"
		              "link set %s up\n",
		              srv[i].veth, srv[i].mac_client, srv[i].mac_server,
		              (int)srv[i].pid,
		              WN_CLIENT4, srv[i].addr4, srv[i].veth,
		              WN_CLIENT6, srv[i].addr6, srv[i].veth,
		              srv[i].addr4, srv[i].mac_server, srv[i].veth,
		              srv[i].addr6, srv[i].mac_server, srv[i].veth,
		              srv[i].veth);
	char *ip[] = { (char *)(uintptr_t)cfg->ip, "-batch", "-", NULL };
	if (spawn_run(ip, cmds, out, sizeof out) != 0) {
		snprintf(err, errsize, "ip -batch in the client namespace: %s", out);
		return -1;
	}
	return 0;
}

/* Ask each server for hat.com A until both answer: no sleep-and-hope.
 * A query sent before dnsmasq has bound its socket is lost, so resend,
 * quickly at first (start-up takes a few milliseconds), then backing off. */
static int wait_ready(struct server srv[2], char *err, size_t errsize)
{
	struct pollfd pfd[2];
	struct sockaddr_in to[2];
	bool answered[2] = { false, false };
	uint8_t q[64];
	int qlen = dns_build_query(q, sizeof q, 0x5742, WN_QNAME, 1);
	int rc = -1, wait_ms = 1;

	for (int i = 0; i < 2; i++) {
		pfd[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		pfd[i].events = POLLIN;
		memset(&to[i], 0, sizeof to[i]);
		to[i].sin_family = AF_INET;
		to[i].sin_port = htons(53);
		inet_pton(AF_INET, srv[i].addr4, &to[i].sin_addr);
	}
	double deadline = now_realtime() + READY_TIMEOUT_MS / 1000.0;
	while (now_realtime() < deadline) {
		for (int i = 0; i < 2; i++)
			if (!answered[i] && pfd[i].fd >= 0)
				sendto(pfd[i].fd, q, (size_t)qlen, 0,
				       (struct sockaddr *)&to[i], sizeof to[i]);
		poll(pfd, 2, wait_ms);
		wait_ms = wait_ms < 16 ? wait_ms * 2 : 20;
		for (int i = 0; i < 2; i++) {
			uint8_t buf[512];
			while ((pfd[i].revents & POLLIN) &&
			       recv(pfd[i].fd, buf, sizeof buf, 0) >= 12)
				if (buf[0] == q[0] && buf[1] == q[1])
					answered[i] = true;
		}
		if (answered[0] && answered[1]) {
			rc = 0;
			break;
		}
		int gone = topo_server_gone(srv);
		if (gone >= 0) {
			snprintf(err, errsize, "dnsmasq for the %s server %s during "
			         "start-up; see %s", srv[gone].label, srv[gone].ended,
			         srv[gone].errlog);
			goto out;
		}
	}
	if (rc != 0) {
		int late = answered[0] ? 1 : 0;
		snprintf(err, errsize, "dnsmasq for the %s server did not answer "
		         "within %d ms; see %s", srv[late].label, READY_TIMEOUT_MS,
		         srv[late].errlog);
	}
out:
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	return rc;
}

int topo_start(struct server srv[2], const struct topo_config *cfg,
               struct defer *d, char *err, size_t errsize)
{
	int go[2] = { -1, -1 };
	int rc = -1;

	if (!cfg->ip || !cfg->dnsmasq) {
		snprintf(err, errsize, "%s not found in PATH", cfg->ip ? "dnsmasq" : "ip");
		return -1;
	}
	srv[0].pid = srv[1].pid = -1;
	srv[0].errfd = srv[1].errfd = -1;
	srv[0].ended[0] = srv[1].ended[0] = '\0';
	defer_push(d, servers_stop, srv, "stop dnsmasq");
	for (int i = 0; i < 2; i++)
		if (start_one(&srv[i], cfg, &go[i], err, errsize) != 0)
			goto out;
	if (link_client(srv, cfg, err, errsize) != 0)
		goto out;
	for (int i = 0; i < 2; i++) {
		char c = 'g';
		if (write(go[i], &c, 1) != 1) {
			snprintf(err, errsize, "the %s server process is gone; see %s",
			         srv[i].label, srv[i].errlog);
			goto out;
		}
	}
	rc = wait_ready(srv, err, errsize);
out:
	for (int i = 0; i < 2; i++)
		if (go[i] >= 0)
			close(go[i]);
	return rc;
}

int topo_server_gone(struct server srv[2])
{
	for (int i = 0; i < 2; i++) {
		int st;
		if (srv[i].pid > 0 && waitpid(srv[i].pid, &st, WNOHANG) == srv[i].pid) {
			spawn_describe_end(st, srv[i].ended, sizeof srv[i].ended);
			if (srv[i].errfd >= 0)
				dprintf(srv[i].errfd, "whichns: this dnsmasq (the %s server, "
				        "pid %d) %s during the case\n", srv[i].label,
				        (int)srv[i].pid, srv[i].ended);
			srv[i].pid = -1;
		}
		if (srv[i].pid < 0)
			return i;
	}
	return -1;
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

static int run_ip(const struct topo_config *cfg, const char *cmds,
                  const char *where, char *err, size_t errsize)
{
	char out[512];
	char *ip[] = { (char *)(uintptr_t)cfg->ip, "-batch", "-", NULL };
	if (spawn_run(ip, cmds, out, sizeof out) != 0) {
		snprintf(err, errsize, "ip -batch in %s: %s", where, out);
		return -1;
	}
	return 0;
}

/* The link, from the case's end, then from the side's: this process is
 * then in the side's namespace (unless the first half failed); the
 * caller goes back. */
static int side_link(const struct topo_side *n, const struct topo_config *cfg,
                     char *err, size_t errsize)
{
	char cmds[1024], where[64];
	snprintf(cmds, sizeof cmds,
	         "link add %s address %s type veth peer name eth0 address %s "
	         "netns /proc/%d/fd/%d\n"
	         "addr add %s/32 peer %s/32 dev %s\n"
	         "addr add %s/128 peer %s/128 dev %s nodad\n"
	         "neigh add %s lladdr %s dev %s nud permanent\n"
	         "neigh add %s lladdr %s dev %s nud permanent\n"
	         "link set %s up\n",
	         n->veth, n->mac_case, n->mac_side, (int)getpid(), n->side_fd,
	         WN_CLIENT4, n->addr4, n->veth, WN_CLIENT6, n->addr6, n->veth,
	         n->addr4, n->mac_side, n->veth, n->addr6, n->mac_side, n->veth,
	         n->veth);
	if (run_ip(cfg, cmds, "the client namespace", err, errsize) != 0)
		return -1;
	if (topo_side_enter(n) != 0) {
		snprintf(err, errsize, "setns into the %s network namespace: %s",
		         n->label, strerror(errno));
		return -1;
	}
	int len = far_end_cmds(cmds, sizeof cmds, n->addr4, n->addr6,
	                       n->mac_case);
	snprintf(cmds + len, sizeof cmds - (size_t)len,
	         "route add default via %s dev eth0 onlink\n"
	         "route add default via %s dev eth0 onlink\n",
	         WN_CLIENT4, WN_CLIENT6);
	snprintf(where, sizeof where, "the %s network namespace", n->label);
	return run_ip(cfg, cmds, where, err, errsize);
}

int topo_side_start(struct topo_side *n, struct server srv[2],
                    const struct topo_config *cfg, struct defer *d,
                    char *err, size_t errsize)
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
	 * see both servers answer from its address before anything starts
	 * in it: a broken route would look like a cache. */
	int rc = side_link(n, cfg, err, errsize);
	if (rc == 0)
		rc = wait_ready(srv, err, errsize);
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
