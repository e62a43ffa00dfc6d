/*
 * stub.c - systemd-resolved as the case's local stub; see stub.h.
 *
 * The process tree, like dnsmasq's (topo.c, server_keep): the keeper,
 * a child of the case, unshares a mount namespace and mounts resolved's
 * world there (the tree bound read-only on itself, tmpfs on /run, /tmp
 * and /dev with five device nodes bound in, the case's resolved.conf
 * bound over the tree's), then a PID namespace whose init (root, never
 * changing user, so its parent-death signal holds) starts resolved
 * chrooted in the tree.  When the case ends, however it ends, init dies
 * and the kernel ends resolved with the namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "exitcodes.h"
#include "spawn.h"
#include "stub.h"

#define RESOLVED      "/lib/systemd/systemd-resolved"
#define READY_MS      5000   /* resolved listens within this, or fails */
#define RELOADED      "Config file reloaded."
/* resolved reads drop-ins of /run too (systemd 252 and 257): the case's
 * settings go there, on resolved's own /run, written by the keeper when
 * it starts resolved and by the case (through the keeper's root, in
 * /proc) when it switches. */
#define DROPIN_DIR    "/run/systemd/resolved.conf.d"
#define DROPIN        DROPIN_DIR "/whichns.conf"

#define STOP_MS       500    /* the keeper's grace after SIGTERM */

__attribute__((format(printf, 2, 3)))
static void say(int fd, const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, line, (size_t)n < sizeof line ? (size_t)n
	                                  : sizeof line - 1) < 0)
		return;   /* the log is evidence, best effort */
}

/* fails: "whichns: <what>: <errno>" into resolved.log (stderr), exit 3. */
static void die(const char *what, const char *path)
{
	char msg[PATH_MAX + 64];
	snprintf(msg, sizeof msg, "%s%s%s", what, path ? " " : "", path ? path : "");
	fprintf(stderr, "whichns: %s: %s\n", msg, strerror(errno));
	_exit(3);
}

static void mount_at(const char *src, const char *tree, const char *at,
                     const char *type, unsigned long flags, const char *data)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s%s", tree, at);
	if (mount(src, path, type, flags, data) != 0)
		die("mount", path);
}

/* The devices resolved opens (its random numbers, /dev/null for its
 * children), as bind mounts on an empty tmpfs. */
static void mount_dev(const char *tree)
{
	static const char *const nodes[] = { "/dev/null", "/dev/zero",
		"/dev/full", "/dev/random", "/dev/urandom" };
	char path[PATH_MAX];
	mount_at("tmpfs", tree, "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		snprintf(path, sizeof path, "%s%s", tree, nodes[i]);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			die("create", path);
		close(fd);
		mount_at(nodes[i], tree, nodes[i], NULL, MS_BIND, NULL);
	}
}

/* In the keeper, in its own mount namespace: resolved's world. */
static void mount_world(const struct stub *st)
{
	const char *t = st->tree;
	char path[PATH_MAX + 64];
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) != 0)
		die("private mount namespace", NULL);
	mount_at(t, t, "", NULL, MS_BIND | MS_REC, NULL);
	mount_at(NULL, t, "", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	mount_at("tmpfs", t, "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755");
	mount_at("tmpfs", t, "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mount_dev(t);
	/* systemd's RuntimeDirectory= and the case's settings. */
	static const char *const dirs[] = { "/run/systemd", DROPIN_DIR };
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s%s", t, dirs[i]);
		if (mkdir(path, 0755) != 0)
			die("mkdir", path);
	}
	snprintf(path, sizeof path, "%s%s", t, DROPIN);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, st->conf, strlen(st->conf)) != (ssize_t)strlen(st->conf))
		die("write", path);
	close(fd);
}

/* PID 2 of the namespace: resolved itself. */
static void exec_resolved(const struct stub *st)
{
	static char *argv[] = { RESOLVED, NULL };
	char mark[256];
	const char *run = getenv(CLEANUP_MARK);
	snprintf(mark, sizeof mark, "%s=%s", CLEANUP_MARK, run ? run : "");
	char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
	                "SYSTEMD_LOG_LEVEL=debug", "SYSTEMD_LOG_TARGET=console",
	                "SYSTEMD_LOG_TIME=1", mark, NULL };
	mount_at("proc", st->tree, "/proc", "proc",
	         MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (chroot(st->tree) != 0 || chdir("/") != 0)
		die("chroot", st->tree);
	execve(RESOLVED, argv, env);
	die("cannot run", RESOLVED);
}

/*
 * The keeper and its init take SIGTERM, SIGHUP and SIGCHLD blocked from
 * their start, one at a time with sigwaitinfo in their loops: a signal
 * that comes before the loop, or between two of its waits, stays
 * pending until the loop takes it, where a handler's flag looked at
 * only after waitpid's EINTR was lost.  Their children start with
 * nothing blocked (spawn_fork).
 */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* Ends this process by sig, as resolved ended, for stub_gone (returns
 * when sig's default is not to end). */
static void end_by(int sig)
{
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	signal(sig, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
}

/* PID 1: reaps, hands SIGHUP on to resolved, ends with its status. */
static void init_main(const struct stub *st)
{
	sigset_t set;
	block_signals(&set);
	pid_t d = spawn_fork(), w;
	if (d == 0)
		exec_resolved(st);
	int s = 0, code = d < 0 ? 3 : 0;
	bool running = d > 0;
	while (d > 0) {
		while ((w = waitpid(-1, &s, WNOHANG)) > 0)
			if (w == d) {
				code = WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
				running = false;
			}
		if (w < 0)
			break;   /* nothing left to reap */
		if (sigwaitinfo(&set, NULL) == SIGHUP && running)
			kill(d, SIGHUP);
	}
	_exit(code);
}

/* The case's child.  Never returns. */
static void keeper_main(const struct stub *st)
{
	sigset_t set;
	block_signals(&set);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
	    dup2(st->log_fd, 2) < 0)
		_exit(3);
	mount_world(st);
	close_range(3, ~0U, 0);   /* nothing of the case's: its log is 2 */
	if (unshare(CLONE_NEWPID) != 0)
		die("unshare(CLONE_NEWPID)", NULL);
	pid_t init = spawn_fork();
	if (init == 0)
		init_main(st);
	int s = 0;
	bool stopping = false;
	while (init > 0 && waitpid(init, &s, WNOHANG) == 0) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig == SIGTERM && !stopping) {
			stopping = true;
			kill(init, SIGKILL);   /* the namespace, resolved with it */
		} else if (sig == SIGHUP && !stopping) {
			kill(init, SIGHUP);
		}
	}
	int code = init < 0 ? 3 : WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
	if (stopping || (code > 128 && code < 128 + 32))
		end_by(stopping ? SIGTERM : code - 128);
	_exit(code);
}

/* Is anything of the case's network namespace bound to 127.0.0.53:53
 * (UDP)?  /proc/net/udp is the reader's namespace's: "3500007F:0035". */
static bool listening(void)
{
	FILE *f = fopen("/proc/net/udp", "re");
	char line[512];
	bool yes = false;
	while (f && !yes && fgets(line, sizeof line, f))
		yes = strstr(line, " 3500007F:0035 ") != NULL;
	if (f)
		fclose(f);
	return yes;
}

static void stop(void *arg)
{
	struct stub *st = arg;
	if (st->pid <= 0)
		return;
	/* SIGTERM, and SIGKILL if it lingers: init and resolved die with it */
	spawn_stop(st->pid, STOP_MS);
	st->pid = -1;
}

static int launch(struct stub *st, char *err, size_t errsize)
{
	say(st->log_fd, "whichns: starting %s from %s\n", RESOLVED, st->tree);
	st->pid = spawn_fork();
	if (st->pid == 0)
		keeper_main(st);
	if (st->pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		return -1;
	}
	st->starts++;
	for (int waited = 0; waited < READY_MS; waited += 5) {
		if (listening())
			return 0;
		if (stub_gone(st))
			break;
		poll(NULL, 0, 5);
	}
	snprintf(err, errsize, "systemd-resolved (%s%s) %s: it did not listen on "
	         STUB_ADDR4 ":53 within %d s; see resolved.log in the case folder",
	         st->tree, RESOLVED, st->ended[0] ? st->ended : "ran on",
	         READY_MS / 1000);
	return -1;
}

/* resolved's settings with upstream addr: st->conf (the keeper writes
 * it as it starts resolved), resolved's own drop-in if it runs, and a
 * copy in the case folder named keep. */
static int write_conf(struct stub *st, const char *addr, const char *keep,
                      char *err, size_t errsize)
{
	char path[PATH_MAX * 2 + 64];
	if (stubspec_conf(st->conf, sizeof st->conf, addr) < 0) {
		snprintf(err, errsize, "resolved.conf for %s does not fit", addr);
		return -1;
	}
	size_t n = strlen(st->conf);
	snprintf(path, sizeof path, "%s/%s", st->casedir, keep);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bool ok = fd >= 0 && write(fd, st->conf, n) == (ssize_t)n;
	if (fd >= 0)
		close(fd);
	if (ok && st->pid > 0) {
		snprintf(path, sizeof path, "/proc/%d/root%s%s", (int)st->pid,
		         st->tree, DROPIN);
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		ok = fd >= 0 && write(fd, st->conf, n) == (ssize_t)n;
		if (fd >= 0)
			close(fd);
	}
	if (!ok)
		snprintf(err, errsize, "cannot write %s: %s", fd < 0 ? path :
		         "resolved's settings", strerror(errno));
	return ok ? 0 : -1;
}

/* The tree's systemd version, from its stamp: 0, or -1 with err naming
 * the tree and the mkrootfs.sh command (no tree, or no stamp). */
static int tree_version(const struct stubspec *sp, const char *tree,
                        unsigned *version, char *err, size_t errsize)
{
	char path[PATH_MAX + 32], stamp[8192];
	snprintf(path, sizeof path, "%s/.whichns-stamp", tree);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, stamp, sizeof stamp) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		snprintf(err, errsize, "no systemd-resolved tree at %s (%s): run "
		         "'scripts/mkrootfs.sh %s-resolved'", tree, strerror(errno),
		         sp->suite);
		return -1;
	}
	*version = stubspec_systemd_version(stamp, (size_t)n);
	return 0;
}

/* Can this tree's systemd switch this way?  NULL, or why not. */
static const char *cannot(const struct stubspec *sp, const char *tree,
                          unsigned version, char *err, size_t errsize)
{
	const char *why = stubspec_check(sp, version);
	if (why)
		snprintf(err, errsize, "stub resolved:%s/%s (%s, systemd %u): %s",
		         sp->suite, stubspec_how_name(sp->how), tree, version, why);
	return why;
}

static int check_tree(struct stub *st, char *err, size_t errsize)
{
	if (tree_version(&st->spec, st->tree, &st->version, err, errsize) != 0 ||
	    cannot(&st->spec, st->tree, st->version, err, errsize))
		return -1;
	return 0;
}

int stub_preflight(const char *words, const char *cache, char *err,
                   size_t errsize)
{
	struct stubspec sp;
	char name[64], tree[PATH_MAX];
	unsigned version;
	if (stubspec_parse(words, &sp, err, errsize) != 0 ||
	    stubspec_tree_name(&sp, name, sizeof name) < 0)
		return EXIT_USAGE;
	snprintf(tree, sizeof tree, "%s/rootfs/%s", cache, name);
	if (tree_version(&sp, tree, &version, err, errsize) != 0)
		return EXIT_ENV;
	return cannot(&sp, tree, version, err, errsize) ? EXIT_USAGE : 0;
}

static void close_log(void *arg)
{
	struct stub *st = arg;
	if (st->log_fd >= 0)
		close(st->log_fd);
	st->log_fd = -1;
}

int stub_start(struct stub *st, const struct stubspec *sp, const char *tree,
               const char *old_addr, const char *casedir, struct defer *d,
               char *err, size_t errsize)
{
	char path[PATH_MAX + 32];
	memset(st, 0, sizeof *st);
	st->spec = *sp;
	st->pid = -1;
	snprintf(st->tree, sizeof st->tree, "%s", tree);
	snprintf(st->casedir, sizeof st->casedir, "%s", casedir);
	if (check_tree(st, err, errsize) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/resolved.log", casedir);
	st->log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	                  O_CLOEXEC, 0644);
	if (st->log_fd < 0) {
		snprintf(err, errsize, "cannot write resolved.log in the case "
		         "folder: %s", strerror(errno));
		return -1;
	}
	defer_push(d, close_log, st, "close resolved.log");
	if (write_conf(st, old_addr, "resolved.conf.before", err, errsize) != 0)
		return -1;
	defer_push(d, stop, st, "stop systemd-resolved");
	return launch(st, err, errsize);
}

/* How many times resolved has said it reloaded. */
static unsigned reloads(const struct stub *st)
{
	char path[PATH_MAX + 32], buf[65536];
	snprintf(path, sizeof path, "%s/resolved.log", st->casedir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned n = 0;
	size_t keep = 0;
	ssize_t got;
	while (fd >= 0 && (got = read(fd, buf + keep, sizeof buf - 1 - keep)) > 0) {
		size_t len = keep + (size_t)got;
		buf[len] = '\0';
		for (const char *p = buf; (p = strstr(p, RELOADED)); p++)
			n++;
		/* A line cut at the buffer's end is counted with the next read. */
		keep = len < sizeof RELOADED ? len : sizeof RELOADED - 1;
		memmove(buf, buf + len - keep, keep);
	}
	if (fd >= 0)
		close(fd);
	return n;
}

static int reload(struct stub *st, const char *addr, char *err, size_t errsize)
{
	unsigned before = reloads(st);
	say(st->log_fd, "whichns: SIGHUP: resolved.conf now says DNS=%s\n", addr);
	kill(st->pid, SIGHUP);   /* the keeper hands it to init, init to resolved */
	for (int waited = 0; waited < READY_MS; waited += 2) {
		if (stub_gone(st))
			break;
		if (reloads(st) > before && listening()) {
			st->reloads++;
			return 0;
		}
		poll(NULL, 0, 2);
	}
	snprintf(err, errsize, "systemd-resolved %s after SIGHUP instead of "
	         "saying '" RELOADED "' and listening again; see resolved.log in "
	         "the case folder", st->ended[0] ? st->ended : "went silent");
	return -1;
}

int stub_switch(struct stub *st, const char *new_addr, char *err,
                size_t errsize)
{
	if (write_conf(st, new_addr, "resolved.conf.after", err, errsize) != 0)
		return -1;
	if (st->spec.how == STUB_RELOAD)
		return reload(st, new_addr, err, errsize);
	say(st->log_fd, "whichns: restart: stopping resolved; resolved.conf now "
	    "says DNS=%s\n", new_addr);
	stop(st);
	st->ended[0] = '\0';
	return launch(st, err, errsize);
}

bool stub_gone(struct stub *st)
{
	int s;
	if (st->ended[0])
		return true;
	if (st->pid <= 0 || waitpid(st->pid, &s, WNOHANG) != st->pid)
		return false;
	st->pid = -1;
	if (WIFSIGNALED(s))
		snprintf(st->ended, sizeof st->ended, "was killed by signal %d (%s)",
		         WTERMSIG(s), strsignal(WTERMSIG(s)));
	else
		snprintf(st->ended, sizeof st->ended, "exited with status %d",
		         WEXITSTATUS(s));
	say(st->log_fd, "whichns: systemd-resolved %s\n", st->ended);
	return true;
}

void stub_note(const struct stub *st, char *buf, size_t size)
{
	snprintf(buf, size, "via systemd-resolved %u on " STUB_ADDR4 ": the "
	         "switch changed resolved's DNS= (%s); the verdict is on "
	         "resolved's upstream queries; the process's resolv.conf never "
	         "changed: it never needed to re-read anything", st->version,
	         st->spec.how == STUB_RELOAD ? "reload, SIGHUP" : "restart");
}
