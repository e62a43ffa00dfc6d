/*
 * rootprobes.c - the probes of an imported root, compiled inside it by
 * its own compiler; see rootprobes.h.
 *
 * The build runs in a child with its own mount, network and IPC
 * namespaces, chrooted into the tree: the sources bound read-only at
 * /mnt/src, the output at /mnt/out, a fresh /dev with the host's
 * /dev/null and a tmpfs /tmp, mounted from inside the chroot (open_tree
 * and move_mount) so that the tree's own symlinks cannot point a mount
 * anywhere else; then the compiler runs as nobody.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "rootimage.h"
#include "rootimport.h"
#include "rootprobes.h"
#include "sha256.h"

#ifndef WHICHNS_DATADIR
#define WHICHNS_DATADIR "/usr/local/share/whichns"
#endif

#define fail(code, ...) do { snprintf(err, errsize, __VA_ARGS__); return code; } while (0)

#define PROBE_CFLAGS "-std=gnu11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-O2", "-g"
#define PROBES_MAX 64

struct sources {
	size_t nmain, nshared;
	char main[PROBES_MAX][64], shared[PROBES_MAX][64];   /* "x.c" */
	char stamp[17];     /* the first 16 hex digits of their hash */
};

static int by_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && strcmp(s + n - t, tail) == 0;
}

/* Feed repro's files of names[0..n) to h. */
static int feed_files(struct sha256 *h, const char *repro, char (*names)[64],
                      size_t n)
{
	char path[PATH_MAX + 80];
	for (size_t i = 0; i < n; i++) {
		size_t len;
		snprintf(path, sizeof path, "%s/%s", repro, names[i]);
		char *text = cli_read_file(path, 4 << 20, &len);
		if (!text)
			return -1;
		sha256_update(h, text, len);
		free(text);
	}
	return 0;
}

/* The probe sources in repro, and their stamp: the hash of the .c files
 * then the .h files, each in name order (as build-probes.sh's cat). */
static int sources_read(const char *repro, struct sources *s)
{
	static char headers[PROBES_MAX][64];
	char all[2 * PROBES_MAX][64], hex[SHA256_HEX];
	size_t nall = 0, nh = 0;
	struct sha256 h;
	uint8_t d[SHA256_LEN];
	DIR *dir = opendir(repro);
	memset(s, 0, sizeof *s);
	if (!dir)
		return -1;
	for (struct dirent *de; (de = readdir(dir));)
		if (strlen(de->d_name) < 64 && (ends_with(de->d_name, ".c") ||
		    ends_with(de->d_name, ".h")) && nall < 2 * PROBES_MAX)
			strcpy(all[nall++], de->d_name);
	closedir(dir);
	qsort(all, nall, sizeof all[0], by_str);
	for (size_t i = 0; i < nall; i++) {
		bool c = ends_with(all[i], ".c");
		bool shared = strncmp(all[i], "probe_", 6) == 0;
		if (!c && nh < PROBES_MAX)
			strcpy(headers[nh++], all[i]);
		else if (c && shared && s->nshared < PROBES_MAX)
			strcpy(s->shared[s->nshared++], all[i]);
		else if (c && !shared && s->nmain < PROBES_MAX)
			strcpy(s->main[s->nmain++], all[i]);
	}
	sha256_init(&h);
	for (size_t i = 0; i < nall; i++)   /* every .c, in order, then .h */
		if (ends_with(all[i], ".c") && feed_files(&h, repro, &all[i], 1) != 0)
			return -1;
	if (feed_files(&h, repro, headers, nh) != 0)
		return -1;
	sha256_final(&h, d);
	sha256_to_hex(d, hex);
	memcpy(s->stamp, hex, 16);
	return s->nmain ? 0 : -1;
}

/* A clone of the host's path, to mount inside the chroot later: the
 * mount point is then found inside the tree (its symlinks stay there). */
static int tree_of(const char *path, bool ro)
{
	int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID };
	if (fd >= 0 && ro && mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void mkdirs_in(const char *const *dirs)
{
	for (; *dirs; dirs++)
		if (mkdir(*dirs, 0755) != 0 && errno != EEXIST)
			fprintf(stderr, "mkdir %s: %s\n", *dirs, strerror(errno));
}

/* In the child, chrooted: sources at /mnt/src, output at /mnt/out, a
 * fresh /dev with the host's /dev/null, and /tmp for the compiler. */
static int build_mounts(int src, int out, int null)
{
	static const char *const dirs[] = { "/mnt", "/mnt/src", "/mnt/out", "/dev",
	                                    "/tmp", NULL };
	mkdirs_in(dirs);
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") != 0 ||
	    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=512m") != 0)
		return -1;
	int fd = open("/dev/null", O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	close(fd);
	return move_mount(src, "", AT_FDCWD, "/mnt/src", MOVE_MOUNT_F_EMPTY_PATH) ||
	       move_mount(out, "", AT_FDCWD, "/mnt/out", MOVE_MOUNT_F_EMPTY_PATH) ||
	       move_mount(null, "", AT_FDCWD, "/dev/null", MOVE_MOUNT_F_EMPTY_PATH)
	       ? -1 : 0;
}

/* One probe: cc CFLAGS -o /mnt/out/NAME NAME.c probe_*.c -lresolv. */
static int compile_one(const char *cc, struct sources *s, size_t i)
{
	static char flags[][16] = { PROBE_CFLAGS, "-pipe", "-o" }, lresolv[] = "-lresolv";
	char out[96], ccbuf[32], *argv[PROBES_MAX + 16];
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                     "/usr/bin:/sbin:/bin", lc[] = "LC_ALL=C";
	char *const envp[] = { path, lc, NULL };
	size_t n = 0;
	snprintf(out, sizeof out, "/mnt/out/%.*s", (int)strlen(s->main[i]) - 2,
	         s->main[i]);
	snprintf(ccbuf, sizeof ccbuf, "%s", cc);
	argv[n++] = ccbuf;
	for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
		argv[n++] = flags[k];
	argv[n++] = out;
	argv[n++] = s->main[i];
	for (size_t k = 0; k < s->nshared; k++)
		argv[n++] = s->shared[k];
	argv[n++] = lresolv;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		execve(cc, argv, envp);
		fprintf(stderr, "%s: %s\n", cc, strerror(errno));
		_exit(127);
	}
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The tree's compiler is the tree's code: it runs as nobody, with no
 * way back to privileges, no network, and only /mnt/out to write (made
 * nobody's for the build; given back to root after it). */
#define BUILD_UID 65534
static int drop_privileges(void)
{
	return setgroups(0, NULL) != 0 || setgid(BUILD_UID) != 0 ||
	       setuid(BUILD_UID) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
	       ? -1 : 0;
}

/* The builder, PID 1 of a PID namespace of its own (so the tree's code,
 * running as nobody, cannot signal a process outside it, the nobody
 * processes of other cases included): mounts, chroot, every probe.  It
 * dies with its parent (alive: the read end of a pipe whose only writer
 * is that parent; a parent gone before PR_SET_PDEATHSIG was set leaves
 * it at EOF).  Its exit status: 0, 1 a compile failed (the log says), 3
 * the set-up failed. */
static void build_child(const char *rootfs, const char *repro, const char *out,
                        int alive, const char *cc, struct sources *s)
{
	struct pollfd pf = { .fd = alive, .events = POLLIN };
	if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0)
		_exit(3);
	int src = tree_of(repro, true), dst = tree_of(out, false);
	int null = tree_of("/dev/null", false);
	if (src < 0 || dst < 0 || null < 0 || chdir(rootfs) != 0 ||
	    chroot(".") != 0 || chdir("/") != 0 || build_mounts(src, dst, null) != 0 ||
	    chdir("/mnt/src") != 0 || drop_privileges() != 0) {
		fprintf(stderr, "setting up the build in %s: %s\n", rootfs, strerror(errno));
		_exit(3);
	}
	/* After setuid, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || poll(&pf, 1, 0) != 0)
		_exit(3);
	for (size_t i = 0; i < s->nmain; i++)
		if (rootextract_stop || compile_one(cc, s, i) != 0)
			_exit(1);
	_exit(0);
}

/* The child we wait for: it dies with us, holds none of our descriptors
 * (KEY.lock), and makes the builder in a new PID namespace; its exit
 * status is the builder's. */
static void build_ns(const char *rootfs, const char *repro, const char *out,
                     int logfd, const char *cc, struct sources *s)
{
	int alive[2], st = 0;
	if (dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(3);
	rootextract_close_fds(-1, -1);
	if (pipe2(alive, O_CLOEXEC) != 0 || unshare(CLONE_NEWPID) != 0) {
		fprintf(stderr, "setting up the build in %s: %s\n", rootfs, strerror(errno));
		_exit(3);
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(alive[1]);
		build_child(rootfs, repro, out, alive[0], cc, s);
	}
	close(alive[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(3);
	_exit(pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 3);
}

static bool stamp_is(const char *probes, const char *stamp)
{
	char path[PATH_MAX + 16], text[64];
	snprintf(path, sizeof path, "%s/.stamp", probes);
	ssize_t n = cli_read_small(path, text, sizeof text);
	return n >= 16 && strncmp(text, stamp, 16) == 0;
}

const char *rootprobes_state(const char *cache, const char *key,
                                    const char *repro)
{
	static struct sources s;
	char probes[PATH_MAX + 48];
	snprintf(probes, sizeof probes, "%s/roots/%s/probes", cache, key);
	if (!cli_is_dir(probes))
		return "none";
	return repro && sources_read(repro, &s) == 0 && stamp_is(probes, s.stamp)
	       ? "built" : "stale";
}

/* The root's compiler ("/usr/bin/gcc"), or NULL with err saying what to
 * install. */
static const char *compiler(const char *rootfs, const struct rootinfo *ri,
                            const char *label, char *err, size_t errsize)
{
	int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *cc = NULL;
	bool headers = false;
	if (fd >= 0) {
		cc = rootimport_exists_in(fd, "usr/bin/gcc") ? "/usr/bin/gcc"
		   : rootimport_exists_in(fd, "usr/bin/cc") ? "/usr/bin/cc" : NULL;
		headers = rootimport_exists_in(fd, "usr/include/stdio.h");
		close(fd);
	}
	if (cc && headers)
		return cc;
	snprintf(err, errsize, "root filesystem %s (%s, %s%s%s) has %s%s%s: the "
	         "probes are compiled inside it, with its own C library; add "
	         "them to the image (%s) and import it again",
	         label, ri->key, ri->libc, ri->os[0] ? ", " : "", ri->os,
	         cc ? "" : "no C compiler (usr/bin/gcc or usr/bin/cc)",
	         !cc && !headers ? " and " : "",
	         headers ? "" : "no C library headers (usr/include/stdio.h)",
	         rootimage_compiler_hint(rootimport_family(ri->family)));
	return NULL;
}

/* Fork the build, wait: 0, or -1 (its log on stderr). */
static int build_probes(const char *rootfs, const char *repro, const char *tmp,
                        const char *cc, struct sources *s, const char *log)
{
	int logfd = open(log, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		return -1;
	pid_t self = getpid(), pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != self)
			_exit(3);
		build_ns(rootfs, repro, tmp, logfd, cc, s);
	}
	/* Polled, not blocked on: a stop asked of us alone (SIGTERM to our
	 * pid, a timeout) kills the build, whose namespace then goes. */
	int st = 0;
	bool killed = false, reaped = false;
	for (pid_t r; pid > 0 && !(reaped = (r = waitpid(pid, &st, WNOHANG)) == pid);) {
		struct timespec tick = { 0, 20 * 1000 * 1000 };
		if (r < 0 && errno != EINTR)
			break;
		if (rootextract_stop && !killed)
			killed = kill(pid, SIGKILL) == 0;
		nanosleep(&tick, NULL);
	}
	bool ok = reaped && WIFEXITED(st) && WEXITSTATUS(st) == 0 && !rootextract_stop;
	if (!ok && !rootextract_stop) {
		char buf[4096];
		lseek(logfd, 0, SEEK_SET);
		for (ssize_t n; (n = read(logfd, buf, sizeof buf)) > 0;)
			fwrite(buf, 1, (size_t)n, stderr);
	}
	close(logfd);
	return ok ? 0 : -1;
}

/* The probes built, and their folder, made root's again. */
static int owned_by_root(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	int rc = d ? 0 : -1;
	for (struct dirent *de; d && (de = readdir(d));)
		if (strcmp(de->d_name, "..") != 0 &&
		    fchownat(fd, de->d_name, 0, 0, AT_SYMLINK_NOFOLLOW) != 0)
			rc = -1;
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	return rc;
}

struct paths { char dir[PATH_MAX], rootfs[PATH_MAX + 16], probes[PATH_MAX + 16],
               tmp[PATH_MAX + 32], log[PATH_MAX + 16]; };

/* Probes built into tmp, stamped, renamed over the old ones. */
static int probes_locked(const struct paths *p, const struct rootinfo *ri,
                         const char *label, const char *repro, const char *cc,
                         struct sources *s, bool quiet, char *err,
                         size_t errsize)
{
	char stamp[PATH_MAX + 48];
	int dirfd = open(p->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *tmpbase = strrchr(p->tmp, '/') + 1;
	if (dirfd < 0)
		fail(RI_ENV, "%s: %s", p->dir, strerror(errno));
	rootextract_rmtree(dirfd, tmpbase);
	if (mkdir(p->tmp, 0755) != 0) {
		close(dirfd);
		fail(RI_ENV, "cannot create %s: %s", p->tmp, strerror(errno));
	}
	double t0 = rootimport_now();
	if (!quiet)
		fprintf(stderr, "whichns: compiling the probes inside %s (%s) with "
		        "its %s ...\n", label, ri->libc, cc);
	int rc = chown(p->tmp, BUILD_UID, BUILD_UID) == 0 ? 0 : -1;
	if (rc == 0)
		rc = build_probes(p->rootfs, repro, p->tmp, cc, s, p->log);
	if (rc == 0)
		rc = owned_by_root(p->tmp);
	snprintf(stamp, sizeof stamp, "%s/.stamp", p->tmp);
	FILE *f = rc == 0 ? fopen(stamp, "we") : NULL;
	if (f && (fprintf(f, "%s\n", s->stamp) < 0) + fclose(f) == 0 &&
	    rootextract_rmtree(dirfd, "probes") == 0 && rename(p->tmp, p->probes) == 0) {
		if (!quiet)
			fprintf(stderr, "whichns: probes built in %s (%.1f s)\n", p->probes,
			        rootimport_now() - t0);
		unlink(p->log);
		close(dirfd);
		return RI_OK;
	}
	rootextract_rmtree(dirfd, tmpbase);
	close(dirfd);
	if (rootextract_stop) {
		unlink(p->log);
		fail(RI_INTR, "compiling the probes inside %s: interrupted; nothing "
		     "was kept", label);
	}
	fail(RI_ENV, "compiling the probes inside %s failed (the compiler's "
	     "output is above); repro/ must build with that root's C library",
	     label);
}

int rootprobes_build(const char *cache, const struct rootinfo *ri,
                      const char *label, const char *repro, bool quiet,
                      char *err, size_t errsize)
{
	static struct sources s;
	static struct paths p;
	struct sigaction sa = { .sa_handler = rootimport_on_signal }, old_int, old_term;
	if (sources_read(repro, &s) != 0)
		fail(RI_ENV, "no probe sources in %s (repro/*.c): run from a checkout "
		     "or reinstall whichns (make install puts them in %s/repro)",
		     repro, WHICHNS_DATADIR);
	snprintf(p.dir, sizeof p.dir, "%s/roots/%s", cache, ri->key);
	snprintf(p.rootfs, sizeof p.rootfs, "%s/rootfs", p.dir);
	snprintf(p.probes, sizeof p.probes, "%s/probes", p.dir);
	snprintf(p.tmp, sizeof p.tmp, "%s/probes.tmp-%d", p.dir, (int)getpid());
	snprintf(p.log, sizeof p.log, "%s/probes.log", p.dir);
	if (stamp_is(p.probes, s.stamp))
		return RI_OK;
	const char *cc = compiler(p.rootfs, ri, label, err, errsize);
	if (!cc)
		return RI_ENV;
	char roots[PATH_MAX + 8];
	snprintf(roots, sizeof roots, "%s/roots", cache);
	rootimport_sweep(cache, false);   /* what killed builds left */
	rootextract_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int rc = RI_OK, lockfd = rootimport_lock(roots, ri->key, err, errsize);
	if (lockfd < 0)
		rc = lockfd;
	else if (!stamp_is(p.probes, s.stamp))   /* not built meanwhile */
		rc = probes_locked(&p, ri, label, repro, cc, &s, quiet, err, errsize);
	if (lockfd >= 0)
		close(lockfd);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
