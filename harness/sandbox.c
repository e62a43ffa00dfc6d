/*
 * sandbox.c - the process under test's filesystem and privileges; see
 * sandbox.h and doc/sandbox.md.
 *
 * Both halves are tables, as in bubblewrap and systemd-nspawn: the mounts
 * of the tree (tree_ops, applied once per case) and the parts of /proc
 * that speak for the whole host (proc_ops, applied by each process that
 * enters).  The privileges follow in sandbox_enter(): a new session, the
 * capability bounding set cut to kept_caps, limits on the files it
 * writes and its core dumps, no new privileges, and a seccomp filter for
 * the host-wide state those leave in reach (sandbox_filter.c: the kernel
 * keyrings, module loads on its behalf, user namespaces).
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include "cli.h"
#include "sandbox.h"
#include "sandbox_filter.h"
#include "shadow.h"
#include "wnconst.h"

/* The case's private /run holds the tree and the overlays' upper layers;
 * the tree is STAGE/root, and the process never sees the rest of STAGE. */
#define STAGE "/run"

#define fail(...) do { snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

enum tree_op_kind {
	T_OVERLAY,   /* the path, with a throw-away upper layer, if it exists */
	T_TMPFS,     /* an empty tmpfs */
	T_DEV,       /* a minimal /dev */
	T_SYSFS,     /* sysfs of the case's network namespace, read-only */
};

struct tree_op {
	enum tree_op_kind kind;
	const char *path;    /* inside the tree */
	const char *data;    /* tmpfs options */
};

/* After the read-only bind of the whole source: what a daemon may write
 * (its writes stay in the case), and the kernel's file systems. */
static const struct tree_op tree_ops[] = {
	{ T_OVERLAY, "/etc",  NULL },
	{ T_OVERLAY, "/var",  NULL },
	{ T_OVERLAY, "/tmp",  NULL },
	{ T_OVERLAY, "/root", NULL },
	{ T_OVERLAY, "/home", NULL },
	{ T_TMPFS,   "/run",  "mode=0755,size=16m" },
	{ T_DEV,     "/dev",  "mode=0755,size=64k" },
	{ T_SYSFS,   "/sys",  NULL },
};

/* Under dir, or dir itself? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

const char *sandbox_replaced_dir(const char *path)
{
	/* /dev's own mounts first: the most precise name.  /proc is the
	 * PID namespace's, mounted by sandbox_enter(). */
	static const char *const others[] = { "/dev/shm", "/dev/pts", "/proc" };
	for (size_t i = 0; i < 2; i++)
		if (path_under(path, others[i]))
			return others[i];
	for (size_t i = 0; i < sizeof tree_ops / sizeof tree_ops[0]; i++)
		if (tree_ops[i].kind != T_OVERLAY && path_under(path, tree_ops[i].path))
			return tree_ops[i].path;
	return path_under(path, others[2]) ? others[2] : NULL;
}

/* Host /dev nodes bound into the minimal /dev (read-only mounts, so
 * their host inodes cannot be chmod-ed or chown-ed from inside). */
static const char *const dev_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty",
};

static const struct { const char *name, *target; } dev_links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

enum proc_op_kind { P_RDONLY, P_MASK };

/* /proc entries that act on the whole host, as systemd-nspawn and the
 * container runtimes treat them: read-only, or hidden. */
static const struct { enum proc_op_kind kind; const char *name; } proc_ops[] = {
	{ P_RDONLY, "sys" }, { P_RDONLY, "sysrq-trigger" }, { P_RDONLY, "irq" },
	{ P_RDONLY, "bus" }, { P_RDONLY, "fs" }, { P_RDONLY, "driver" },
	{ P_RDONLY, "mtrr" },
	{ P_MASK, "kcore" }, { P_MASK, "keys" }, { P_MASK, "key-users" },
	{ P_MASK, "timer_list" }, { P_MASK, "sched_debug" },
	{ P_MASK, "latency_stats" }, { P_MASK, "acpi" }, { P_MASK, "scsi" },
	{ P_MASK, "asound" },
};

/* Secrets: the shadow files keep their accounts with the hashes masked;
 * private host keys are removed from the case's /etc. */
static const char *const shadow_files[] = {
	"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
};
static const struct { const char *dir, *pattern; } secret_keys[] = {
	{ "/etc/ssh", "ssh_host_*_key" },
};

/*
 * What a daemon needs, and no more (doc/sandbox.md says which daemon
 * needs which): the container runtimes' default set without CAP_MKNOD
 * and CAP_AUDIT_WRITE (which writes the host's audit log; no daemon
 * measured needs it).  Everything else, CAP_SYS_ADMIN, CAP_SYS_MODULE,
 * CAP_SYS_RAWIO, CAP_SYS_BOOT, CAP_SYS_TIME, CAP_SYSLOG, CAP_NET_ADMIN,
 * CAP_SYS_PTRACE, CAP_SYS_RESOURCE and CAP_DAC_READ_SEARCH among them,
 * leaves the bounding set, so no exec can bring it back.
 */
static const int kept_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
	CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_SETFCAP, CAP_NET_BIND_SERVICE,
	CAP_NET_RAW, CAP_SYS_CHROOT,
};

#define N(a) (sizeof (a) / sizeof (a)[0])

static void undo_detach(void *arg)
{
	umount2(arg, MNT_DETACH);
}

static int xmount(const char *src, const char *target, const char *type,
                  unsigned long flags, const char *data, char *err,
                  size_t errsize)
{
	if (mount(src, target, type, flags, data) != 0)
		fail("cannot mount %s on %s: %s", type ? type : src, target,
		     strerror(errno));
	return 0;
}

/* The whole source, read-only and without device nodes, recursively; its
 * mounts private, so that nothing the host mounts later appears writable
 * inside. */
static int bind_source(const char *src, const char *root, char *err,
                       size_t errsize)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV };
	if (mkdir(root, 0755) != 0)
		fail("cannot create %s: %s", root, strerror(errno));
	if (xmount(src, root, NULL, MS_BIND | MS_REC, NULL, err, errsize) != 0 ||
	    xmount(NULL, root, NULL, MS_PRIVATE | MS_REC, NULL, err, errsize) != 0)
		return -1;
	if (mount_setattr(AT_FDCWD, root, AT_RECURSIVE, &ro, sizeof ro) != 0)
		fail("cannot make %s read-only: %s", root, strerror(errno));
	/* The source's own kernel file systems are replaced, not covered:
	 * whatever was mounted below them (the host's cgroup tree, tracefs,
	 * binfmt_misc) goes too.  A root filesystem has plain folders here. */
	static const char *const kernel_dirs[] = { "proc", "sys", "dev", "run" };
	for (size_t i = 0; i < N(kernel_dirs); i++) {
		char path[PATH_MAX + 8];
		snprintf(path, sizeof path, "%s/%s", root, kernel_dirs[i]);
		if (umount2(path, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
			fail("cannot unmount %s: %s", path, strerror(errno));
	}
	return 0;
}

static int overlay(const char *root, const char *path, char *err,
                   size_t errsize)
{
	char dir[PATH_MAX + 16], upper[PATH_MAX], work[PATH_MAX],
	     opts[3 * PATH_MAX + 64];
	snprintf(dir, sizeof dir, "%s%s", root, path);
	if (!cli_is_dir(dir))
		return 0;   /* a root filesystem without /home */
	snprintf(upper, sizeof upper, STAGE "/upper%s", path);
	snprintf(work, sizeof work, STAGE "/work%s", path);
	if (mkdir(upper, 0755) != 0 || mkdir(work, 0755) != 0)
		fail("cannot create %s: %s", upper, strerror(errno));
	snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", dir,
	         upper, work);
	/* nodev: an overlay does not inherit its lower layer's, and a device
	 * node anywhere under it (a cached root filesystem's dev/console,
	 * a node left in /tmp) would reach the host's device. */
	return xmount("overlay", dir, "overlay", MS_NOSUID | MS_NODEV, opts,
	              err, errsize);
}

/* A file to bind a node on, or a link: the minimal /dev of bubblewrap. */
static int dev_populate(const char *dev, char *err, size_t errsize)
{
	char path[PATH_MAX + 32], host[64];
	for (size_t i = 0; i < N(dev_nodes); i++) {
		snprintf(path, sizeof path, "%s/%s", dev, dev_nodes[i]);
		snprintf(host, sizeof host, "/dev/%s", dev_nodes[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			fail("cannot create %s: %s", path, strerror(errno));
		close(fd);
		if (xmount(host, path, NULL, MS_BIND, NULL, err, errsize) != 0 ||
		    xmount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
		           MS_NOSUID | MS_NOEXEC, NULL, err, errsize) != 0)
			return -1;
	}
	for (size_t i = 0; i < N(dev_links); i++) {
		snprintf(path, sizeof path, "%s/%s", dev, dev_links[i].name);
		if (symlink(dev_links[i].target, path) != 0)
			fail("cannot create %s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof path, "%s/pts", dev);
	if (mkdir(path, 0755) != 0 ||
	    xmount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
	           "newinstance,ptmxmode=0666,mode=620", err, errsize) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/shm", dev);
	if (mkdir(path, 0755) != 0)
		fail("cannot create %s: %s", path, strerror(errno));
	if (xmount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
	           "mode=1777,size=64m", err, errsize) != 0)
		return -1;
	/* Nothing more appears in /dev: "echo > /dev/kmsg" must not make a
	 * file that looks like the kernel log.  Its mounts keep their own
	 * flags: /dev/shm and /dev/pts stay writable. */
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(AT_FDCWD, dev, 0, &ro, sizeof ro) != 0)
		fail("cannot make %s read-only: %s", dev, strerror(errno));
	return 0;
}

static int tree_op_apply(const char *root, const struct tree_op *op,
                         char *err, size_t errsize)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s%s", root, op->path);
	switch (op->kind) {
	case T_OVERLAY:
		return overlay(root, op->path, err, errsize);
	case T_TMPFS:
		return xmount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
		              op->data, err, errsize);
	case T_DEV:
		if (xmount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV,
		           op->data, err, errsize) != 0)
			return -1;
		return dev_populate(path, err, errsize);
	case T_SYSFS:
		return xmount("sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID |
		              MS_NODEV | MS_NOEXEC, NULL, err, errsize);
	}
	fail("unknown sandbox step %d", (int)op->kind);
}

int sandbox_open_in(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = flags & O_CREAT ? 0644 : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/*
 * Rewrite a shadow file of the tree with its secrets masked.  The path
 * is resolved inside the tree, as the process will resolve it: a
 * /etc/shadow that is a link to an absolute path must not lead to the
 * host's file of that name.  The write lands in an overlay's upper
 * layer; a link into a read-only part of the tree cannot be masked, and
 * the case stops rather than show it.
 */
static int mask_shadow(int rootfd, const char *path, char *err, size_t errsize)
{
	size_t len;
	struct stat st;
	char *text = NULL;
	int fd = sandbox_open_in(rootfd, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : (snprintf(err, errsize,
		       "cannot read %s in the sandbox: %s", path, strerror(errno)), -1);
	FILE *in = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
	if (in) {
		text = cli_read_stream(in, 16 << 20, &len);
		fclose(in);
	} else {
		close(fd);
		errno = EINVAL;   /* a FIFO or a device: not a shadow file */
	}
	if (!text)
		fail("cannot read %s in the sandbox: %s", path, strerror(errno));
	fd = sandbox_open_in(rootfd, path, O_WRONLY | O_TRUNC);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = f ? shadow_mask(text, len, f) : -1;
	int saved = errno;
	if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0))
		rc = -1;
	else
		errno = saved;
	free(text);
	if (rc < 0)
		fail("cannot mask %s in the sandbox (whichns exec --secrets, or "
		     "'secrets shown', shows it as it is): %s", path, strerror(errno));
	return 0;
}

/* Remove the private keys in the tree's dir named like pattern. */
static int remove_keys(int rootfd, const char *dir, const char *pattern,
                       char *err, size_t errsize)
{
	int fd = sandbox_open_in(rootfd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : (snprintf(err,
		       errsize, "cannot read %s in the sandbox: %s", dir,
		       strerror(errno)), -1);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		fail("cannot read %s in the sandbox: %s", dir, strerror(errno));
	}
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));)
		if (fnmatch(pattern, e->d_name, 0) == 0 &&
		    unlinkat(dirfd(d), e->d_name, 0) != 0) {
			snprintf(err, errsize, "cannot hide %s/%s in the sandbox: %s",
			         dir, e->d_name, strerror(errno));
			rc = -1;
		}
	closedir(d);
	return rc;
}

static int hide_secrets(const char *root, char *err, size_t errsize)
{
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), rc = 0;
	if (rootfd < 0)
		fail("cannot open %s: %s", root, strerror(errno));
	for (size_t i = 0; rc == 0 && i < N(shadow_files); i++)
		rc = mask_shadow(rootfd, shadow_files[i], err, errsize);
	for (size_t i = 0; rc == 0 && i < N(secret_keys); i++)
		rc = remove_keys(rootfd, secret_keys[i].dir, secret_keys[i].pattern,
		                 err, errsize);
	close(rootfd);
	return rc;
}

int sandbox_build(struct sandbox *sb, const char *src, bool keep_secrets,
                  struct defer *d, char *err, size_t errsize)
{
	bool host = !src[0] || strcmp(src, "/") == 0;
	snprintf(sb->root, sizeof sb->root, STAGE "/root");
	/* The process starts where the caller is, when that exists for it. */
	if (!host || !getcwd(sb->cwd, sizeof sb->cwd))
		snprintf(sb->cwd, sizeof sb->cwd, "/");

	if (xmount("tmpfs", STAGE, "tmpfs", MS_NOSUID | MS_NODEV,
	           "mode=0755,size=256m", err, errsize) != 0)
		return -1;
	defer_push(d, undo_detach, STAGE, "unmount the sandbox");
	if (mkdir(STAGE "/upper", 0755) != 0 || mkdir(STAGE "/work", 0755) != 0)
		fail("cannot create " STAGE "/upper: %s", strerror(errno));
	if (bind_source(host ? "/" : src, sb->root, err, errsize) != 0)
		return -1;
	for (size_t i = 0; i < N(tree_ops); i++)
		if (tree_op_apply(sb->root, &tree_ops[i], err, errsize) != 0)
			return -1;
	return keep_secrets ? 0 : hide_secrets(sb->root, err, errsize);
}

/* --- In the process that enters. --- */

static int proc_op_apply(size_t i, char *err, size_t errsize)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%s", proc_ops[i].name);
	if (lstat(path, &st) != 0)
		return 0;   /* not on this kernel */
	if (proc_ops[i].kind == P_MASK && S_ISDIR(st.st_mode))
		return xmount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV |
		              MS_NOEXEC, "size=0,mode=0555", err, errsize);
	if (proc_ops[i].kind == P_MASK)
		return xmount("/dev/null", path, NULL, MS_BIND, NULL, err, errsize);
	if (xmount(path, path, NULL, MS_BIND | MS_REC, NULL, err, errsize) != 0)
		return -1;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &ro, sizeof ro) != 0)
		fail("cannot make %s read-only: %s", path, strerror(errno));
	return 0;
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves nothing of the case's tree reachable. */
static int pivot(const struct sandbox *sb, char *err, size_t errsize)
{
	char proc[PATH_MAX + 8];
	snprintf(proc, sizeof proc, "%s/proc", sb->root);
	if (xmount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
	           err, errsize) != 0)
		return -1;
	if (chdir(sb->root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
	    umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
		fail("cannot pivot into %s: %s", sb->root, strerror(errno));
	for (size_t i = 0; i < N(proc_ops); i++)
		if (proc_op_apply(i, err, errsize) != 0)
			return -1;
	if (chdir(sb->cwd) != 0 && chdir("/") != 0)
		fail("cannot enter /: %s", strerror(errno));
	return 0;
}

static bool cap_kept(int cap)
{
	for (size_t i = 0; i < N(kept_caps); i++)
		if (kept_caps[i] == cap)
			return true;
	return false;
}

static int drop_caps(char *err, size_t errsize)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (cap_kept(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			fail("cannot drop capability %d: %s", cap, strerror(errno));
	}
	for (size_t i = 0; i < N(kept_caps); i++) {
		unsigned cap = (unsigned)kept_caps[i];
		data[cap / 32].effective |= 1u << (cap % 32);
		data[cap / 32].permitted |= 1u << (cap % 32);
	}
	if (syscall(SYS_capset, &h, data) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		fail("cannot set capabilities: %s", strerror(errno));
	return 0;
}

/*
 * Soft and hard limits alike: without CAP_SYS_RESOURCE the process cannot
 * raise them again.  The size of each file it writes: its stdout and
 * stderr are files of the results folder on the host (process.out...),
 * and a write past the limit fails with EFBIG and raises SIGXFSZ, which
 * ends a program that does not handle it (the report says so).  No core
 * files: a crash's core would be written by the host's core handler.
 */
static int set_limits(char *err, size_t errsize)
{
	static const struct { int res; rlim_t max; const char *name; } lim[] = {
		{ RLIMIT_FSIZE, (rlim_t)WN_FILE_MAX_MIB << 20, "RLIMIT_FSIZE" },
		{ RLIMIT_CORE, 0, "RLIMIT_CORE" },
	};
	for (size_t i = 0; i < N(lim); i++) {
		struct rlimit r = { lim[i].max, lim[i].max };
		if (setrlimit(lim[i].res, &r) != 0)
			fail("setrlimit(%s): %s", lim[i].name, strerror(errno));
	}
	return 0;
}

int sandbox_enter(const struct sandbox *sb, char *err, size_t errsize)
{
	/* A session of its own: no controlling terminal to push input into. */
	if (setsid() < 0)
		fail("setsid: %s", strerror(errno));
	if (pivot(sb, err, errsize) != 0 || set_limits(err, errsize) != 0 ||
	    drop_caps(err, errsize) != 0)
		return -1;
	return sandbox_filter_install(err, errsize);
}
