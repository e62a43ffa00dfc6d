/*
 * rootextract.c - unpack untrusted archives into the cache, chrooted; see
 * rootextract.h.
 *
 * The archive's bytes are read by libarchive in a child that has its own
 * mount namespace and has chrooted into the destination: whatever an
 * entry's name or a symlink in the tree says, "/" is the new tree.  The
 * SECURE_* flags refuse ".." and absolute names and writing through a
 * symlink on top of that.  The child answers in one line on a pipe and
 * its exit status (0, 2 bad input, 3 this machine, 130 interrupted).
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "rootextract.h"
#include "rootimage.h"
#include "sandbox.h"

volatile int rootextract_stop;

#define EXTRACT_FLAGS (ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |      \
                       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |      \
                       ARCHIVE_EXTRACT_SECURE_NODOTDOT |                   \
                       ARCHIVE_EXTRACT_SECURE_SYMLINKS |                   \
                       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS)

#define fail(code, ...) do { snprintf(err, errsize, __VA_ARGS__); return code; } while (0)

/* Errors of this machine rather than of the archive's bytes. */
static int errno_kind(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS ||
	       e == ENOMEM || e == EMFILE || e == ENFILE ? RI_ENV : RI_BAD;
}

/* ---- removing without following symlinks ---- */

/* Where the walk down is: each folder's identity, to check that ".."
 * leads back to it. */
struct level {
	dev_t dev;
	ino_t ino;
};

/* One pass over the folder fd: every entry that is not a folder, or an
 * empty folder, removed; the first folder that is not empty into sub.
 * 1 (sub found), 0 (fd is empty now), -1 (errno). */
static int clear_pass(int fd, char sub[static 256])
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	for (struct dirent *de; rc == 0 && (errno = 0, de = readdir(d));) {
		struct stat st;
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			rc = errno == ENOENT ? 0 : -1;
		else if (!S_ISDIR(st.st_mode))
			rc = unlinkat(fd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
		else if (unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			rc = 0;
		else if (errno == ENOTEMPTY || errno == EEXIST)
			rc = 1, snprintf(sub, 256, "%s", name);
		else
			rc = -1;
	}
	if (rc == 0 && errno != 0)
		rc = -1;   /* readdir failed */
	int saved = errno;
	closedir(d);
	errno = saved;
	return rc;
}

/* Empty the folder fd (kept open, the caller's), at any depth: the walk
 * goes down one folder at a time and back up by "..", holding two
 * descriptors, not one per level.  0, or -1 (errno). */
static int empty_dir(int fd)
{
	struct level *up = NULL;
	size_t depth = 0, cap = 0;
	char sub[256];
	int cur = fd, rc;
	while ((rc = clear_pass(cur, sub)) >= 0) {
		struct stat st;
		int next;
		if (rc == 1) {   /* down into sub, remembering where we were */
			if (depth == cap) {
				struct level *n = realloc(up, (cap = cap ? 2 * cap : 64) * sizeof *up);
				if (!n)
					break;
				up = n;
			}
			if (fstat(cur, &st) != 0)
				break;
			up[depth] = (struct level){ st.st_dev, st.st_ino };
			next = openat(cur, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0)
				break;
			depth++;
		} else if (depth == 0) {
			free(up);
			return 0;
		} else {   /* empty: back up, where its rmdir is the next pass's */
			next = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (next < 0)
				break;
			depth--;
			if (fstat(next, &st) != 0 || st.st_dev != up[depth].dev ||
			    st.st_ino != up[depth].ino) {   /* moved meanwhile */
				close(next);
				errno = ESTALE;
				break;
			}
		}
		if (cur != fd)
			close(cur);
		cur = next;
	}
	int saved = errno;
	if (cur != fd)
		close(cur);
	free(up);
	errno = saved;
	return -1;
}

int rootextract_rmtree(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = empty_dir(fd), saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

/* path under rootfd, every component a real folder (no symlink, no ".."
 * out): its descriptor, or -1. */
static int open_beneath(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, path[0] ? path : ".", &how,
	                    sizeof how);
}

/* A whiteout: target of the layers below goes; a path through a symlink
 * or through nothing deletes nothing. */
static int whiteout(int rootfd, const char *target)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - target) : 0,
	         target);
	int fd = open_beneath(rootfd, parent, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return 0;
	int rc = rootextract_rmtree(fd, base);
	close(fd);
	return rc;
}

/* An opaque folder: what the layers below put in it goes. */
static int opaque(int rootfd, const char *dir)
{
	int fd = open_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	int rc = empty_dir(fd);
	close(fd);
	return rc;
}

/* How many folders deep name is ("./a/b/c" and "a/b/c/" are 3). */
static int name_depth(const char *name)
{
	int n = 0;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len > 0 && !(len == 1 && p[0] == '.'))
			n++;
		p += len + strspn(p + len, "/");
	}
	return n;
}

void rootextract_close_fds(int keep_a, int keep_b)
{
	int lo = 3, keep[2] = { keep_a < keep_b ? keep_a : keep_b,
	                        keep_a < keep_b ? keep_b : keep_a };
	for (size_t i = 0; i < 2; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo)
			syscall(SYS_close_range, (unsigned)lo, (unsigned)keep[i] - 1, 0);
		lo = keep[i] + 1;
	}
	syscall(SYS_close_range, (unsigned)lo, ~0U, 0);
}

int rootextract_open_file(int rootfd, const char *path)
{
	char proc[64];
	struct stat st;
	int pfd = sandbox_open_in(rootfd, path, O_PATH);
	if (pfd < 0)
		return -1;
	int e = fstat(pfd, &st) != 0 ? errno
	      : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EINVAL : 0;
	if (e) {
		close(pfd);
		errno = e;
		return -1;
	}
	/* The inode checked, opened for reading: a FIFO or a device put in
	 * its place meanwhile is not what this opens. */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
	int fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	e = errno;
	close(pfd);
	errno = e;
	return fd;
}

/* ---- reading archives ---- */

/* Only filters libarchive has built in: one it would run as a program
 * would run it from the tree we are chrooted into. */
static void native_filters(struct archive *a)
{
	static int (*const add[])(struct archive *) = {
		archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
		archive_read_support_filter_xz, archive_read_support_filter_lzma,
		archive_read_support_filter_zstd, archive_read_support_filter_lz4,
	};
	for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
		struct archive *probe = archive_read_new();
		int native = probe && add[i](probe) == ARCHIVE_OK;
		if (probe)
			archive_read_free(probe);
		if (native)
			add[i](a);
	}
}

static struct archive *reader_open(int fd)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	native_filters(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		return a;   /* the caller reads the error from it */
	return a;
}

/* The read side's error: corrupt or cut bytes are the source's.  none:
 * not one entry could be read. */
static int read_error(struct archive *a, const char *what, const char *entry,
                      bool none, char *err, size_t errsize)
{
	int e = archive_errno(a), rc = e > 0 ? errno_kind(e) : RI_BAD;
	fail(rc, "%s: %s%s%s%s", what, entry ? entry : "", entry ? ": " : "",
	     archive_error_string(a) ? archive_error_string(a) : "unreadable",
	     rc != RI_BAD ? ""
	     : none ? "; not a tar archive: give a folder, a tarball (.tar, "
	              ".tar.gz, .tgz, .tar.zst, .tar.xz) or an image archive"
	     : "; the archive is damaged or cut short: make or fetch it again");
}

/* A layer's first pass: whiteouts and opaque markers, names only. */
static int layer_deletes(int fd, const char *what, char *err, size_t errsize)
{
	char target[PATH_MAX];
	struct archive_entry *e;
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), rc = RI_OK, r;
	struct archive *a = reader_open(fd);
	if (!a || rootfd < 0)
		fail(RI_ENV, "%s: %s", what, strerror(errno));
	while (rc == RI_OK && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		enum rootimage_entry k = rootimage_entry(name ? name : "", target,
		                                         sizeof target);
		if (rootextract_stop)
			rc = RI_INTR;
		else if (k == ROOTIMAGE_BAD)
			rc = RI_BAD, snprintf(err, errsize, "%s: entry '%s' is not a "
			                      "path inside the image", what, name ? name : "");
		else if (k == ROOTIMAGE_WHITEOUT && whiteout(rootfd, target) != 0)
			rc = RI_ENV, snprintf(err, errsize, "%s: whiteout of %s: %s", what,
			                      target, strerror(errno));
		else if (k == ROOTIMAGE_OPAQUE && opaque(rootfd, target) != 0)
			rc = RI_ENV, snprintf(err, errsize, "%s: opaque folder %s: %s",
			                      what, target, strerror(errno));
	}
	if (rc == RI_OK && r != ARCHIVE_EOF)
		rc = read_error(a, what, NULL, false, err, errsize);
	archive_read_free(a);
	close(rootfd);
	return rc;
}

static int copy_data(struct archive *in, struct archive *out, const char *what,
                     const char *name, char *err, size_t errsize)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	for (int r; (r = archive_read_data_block(in, &buf, &size, &off)) != ARCHIVE_EOF;) {
		if (r < ARCHIVE_WARN)
			return read_error(in, what, name, false, err, errsize);
		if (rootextract_stop)
			return RI_INTR;
		if (archive_write_data_block(out, buf, size, off) < ARCHIVE_WARN)
			fail(errno_kind(archive_errno(out)), "%s: %s: %s", what, name,
			     archive_error_string(out));
	}
	return RI_OK;
}

/* Names relative to the top, as tar makes them ("/etc" -> "etc", "/" ->
 * "."): images made by umoci say "/"; we are chrooted anyway, and
 * SECURE_NOABSOLUTEPATHS then refuses nothing that is really outside. */
static void relative_names(struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const char *link = archive_entry_hardlink(e);
	if (name && name[0] == '/') {
		name += strspn(name, "/");
		archive_entry_copy_pathname(e, name[0] ? name : ".");
	}
	if (link && link[0] == '/') {
		link += strspn(link, "/");
		archive_entry_copy_hardlink(e, link[0] ? link : ".");
	}
}

/* One entry, unless it is a device node, a FIFO, a socket or (in a
 * layer) a marker. */
static int write_entry(struct archive *in, struct archive *out,
                       struct archive_entry *e, bool layer, const char *what,
                       char *err, size_t errsize)
{
	char target[PATH_MAX];
	relative_names(e);
	const char *name = archive_entry_pathname(e);
	mode_t type = archive_entry_filetype(e);
	if (!name)
		fail(RI_BAD, "%s: an entry without a name", what);
	if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO ||
	    type == AE_IFSOCK)
		return RI_OK;   /* a case's /dev is made fresh; a FIFO in the
		                 * tree would block whoever opens it */
	if (name_depth(name) > ROOTEXTRACT_DEPTH_MAX)
		fail(RI_BAD, "%s: %.200s...: deeper than %d folders; a root "
		     "filesystem is not, make the archive again", what, name,
		     ROOTEXTRACT_DEPTH_MAX);
	if (layer && rootimage_entry(name, target, sizeof target) != ROOTIMAGE_ENTRY)
		return RI_OK;   /* applied by layer_deletes */
	int r = archive_write_header(out, e);
	int kind = archive_errno(out) > 0 ? errno_kind(archive_errno(out)) : RI_BAD;
	if (r < ARCHIVE_WARN)
		fail(kind, "%s: %s: %s%s", what, name, archive_error_string(out),
		     kind == RI_BAD ? "; an entry that would be written outside "
		     "the tree, or through a symlink, is refused" : "");
	if (archive_entry_size(e) > 0) {
		int rc = copy_data(in, out, what, name, err, errsize);
		if (rc != RI_OK)
			return rc;
	}
	if (archive_write_finish_entry(out) < ARCHIVE_WARN)
		fail(errno_kind(archive_errno(out)), "%s: %s: %s", what, name,
		     archive_error_string(out));
	return RI_OK;
}

/* Every entry of the archive on fd into "/" (the child's, chrooted). */
static int extract_all(int fd, bool layer, const char *what, char *err,
                       size_t errsize)
{
	struct archive_entry *e;
	struct archive *in = reader_open(fd), *out = archive_write_disk_new();
	int rc = RI_OK, r = ARCHIVE_OK, n = 0;
	if (!in || !out)
		fail(RI_ENV, "%s: libarchive: out of memory", what);
	archive_write_disk_set_options(out, EXTRACT_FLAGS);
	/* No name lookup: it would read (and load NSS modules from) the tree
	 * being written; the entries' numeric owners are what we want. */
	while (rc == RI_OK && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		n++;
		rc = rootextract_stop ? RI_INTR
		                      : write_entry(in, out, e, layer, what, err, errsize);
	}
	if (rc == RI_OK && r != ARCHIVE_EOF)
		rc = read_error(in, what, NULL, n == 0, err, errsize);
	if (rc == RI_OK && n == 0)
		rc = RI_BAD, snprintf(err, errsize, "%s: an empty archive", what);
	if (archive_write_close(out) < ARCHIVE_WARN && rc == RI_OK)
		rc = RI_ENV, snprintf(err, errsize, "%s: %s", what,
		                      archive_error_string(out));
	archive_write_free(out);
	archive_read_free(in);
	return rc;
}

/* ---- the child ---- */

struct job {
	int fd;
	bool layer;
	bool mounts;        /* a root filesystem: make its mount points */
	const char *what;
};

/* The folders a case's sandbox mounts on (sandbox.c: /dev, /proc, /sys,
 * /run, /tmp, and /etc for resolv.conf): an image FROM scratch or a
 * distroless one has none of them.  Made in our copy, chrooted; one
 * there already (or a symlink) stays as it is. */
static int mount_points(char *err, size_t errsize)
{
	static const struct { const char *path; mode_t mode; } dirs[] = {
		{ "/dev", 0755 }, { "/proc", 0555 }, { "/sys", 0555 },
		{ "/run", 0755 }, { "/tmp", 01777 }, { "/etc", 0755 },
	};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (mkdir(dirs[i].path, dirs[i].mode) != 0) {
			if (errno == EEXIST)
				continue;
			fail(errno_kind(errno), "cannot create %s in the tree: %s",
			     dirs[i].path, strerror(errno));
		}
		if (chmod(dirs[i].path, dirs[i].mode) != 0)   /* past the umask */
			fail(RI_ENV, "chmod %s: %s", dirs[i].path, strerror(errno));
	}
	return RI_OK;
}

/* What a tarball unpacked is, as rootimport's folder_kind tells it: an
 * image (its layers are applied elsewhere: an OCI layout, or a
 * docker-archive without etc and usr) or a root filesystem. */
static bool is_image(void)
{
	return (access("/oci-layout", F_OK) == 0 && access("/index.json", F_OK) == 0) ||
	       (access("/manifest.json", F_OK) == 0 && access("/etc", F_OK) != 0 &&
	        access("/usr", F_OK) != 0);
}

static int job_body(const struct job *j, char *err, size_t errsize)
{
	int rc = RI_OK;
	if (j->layer) {
		rc = layer_deletes(j->fd, j->what, err, errsize);
		if (rc == RI_OK && lseek(j->fd, 0, SEEK_SET) != 0)
			fail(RI_ENV, "%s: cannot read it twice: %s", j->what, strerror(errno));
	}
	if (rc == RI_OK)
		rc = extract_all(j->fd, j->layer, j->what, err, errsize);
	if (rc == RI_OK && (j->mounts || (!j->layer && !is_image())))
		rc = mount_points(err, errsize);
	return rc;
}

/* A mount namespace of its own (nothing it mounts or sees leaks back),
 * no network, and dir as its "/". */
static int enter(const char *dir, char *err, size_t errsize)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0)
		fail(RI_ENV, "cannot make a mount namespace: %s", strerror(errno));
	if (chdir(dir) != 0 || chroot(".") != 0 || chdir("/") != 0)
		fail(RI_ENV, "cannot chroot into %s: %s", dir, strerror(errno));
	umask(022);
	return RI_OK;
}

static int status_rc(int st)
{
	if (WIFSIGNALED(st))
		return WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM ? RI_INTR
		                                                        : RI_ENV;
	switch (WEXITSTATUS(st)) {
	case 0: return RI_OK;
	case 2: return RI_BAD;
	case 130: return RI_INTR;
	default: return RI_ENV;
	}
}

static int exit_code(int rc)
{
	return rc == RI_OK ? 0 : rc == RI_BAD ? 2 : rc == RI_INTR ? 130 : 3;
}

/* Read the child's line, wait for it: its RI_ answer.  A stop asked of
 * us (SIGTERM to our pid alone, a timeout) kills the child: it would
 * unpack to the end otherwise. */
static int child_wait(pid_t pid, int rfd, char *err, size_t errsize)
{
	size_t n = 0;
	bool killed = false;
	for (;;) {
		struct pollfd pf = { .fd = rfd, .events = POLLIN };
		if (rootextract_stop && !killed)
			killed = kill(pid, SIGKILL) == 0;
		int r = poll(&pf, 1, 100);
		if (r <= 0) {
			if (r == 0 || errno == EINTR)
				continue;
			break;
		}
		ssize_t k = read(rfd, err + n, errsize - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n + 1 >= errsize)
			break;
	}
	err[n] = '\0';
	close(rfd);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail(RI_ENV, "waitpid: %s", strerror(errno));
	int rc = killed ? RI_INTR : status_rc(st);
	if (killed)   /* the caller says what was stopped */
		snprintf(err, errsize, "the unpacking was stopped");
	else if (rc != RI_OK && n == 0)
		snprintf(err, errsize, "the unpacking process ended (status %d)", st);
	return rc;
}

/* A pipe p and a child whose end is p[1] (the parent's is p[0]): 0 in
 * the child, its pid in the parent, -1 (said in err).  The child is
 * killed with its importer, so that a SIGKILL leaves no writer behind in
 * the folder the next import removes, and holds nothing of the
 * importer's but keep (-1: nothing) and p[1]: not its KEY.lock, which
 * would outlive it in a child. */
static pid_t fork_child(int keep, int p[2], char *err, size_t errsize)
{
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t self = getpid(), pid = fork();
	if (pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != self)
			_exit(3);
		rootextract_close_fds(keep, p[1]);
		return 0;
	}
	close(p[1]);
	return pid;
}

/* The unpacking child: the archive on fd into dir.  mounts: dir is a
 * root filesystem whatever it holds (a folder's copy). */
static int unpack_in_child(int fd, const char *dir, bool layer, bool mounts,
                           const char *what, char *err, size_t errsize)
{
	struct job j = { .fd = fd, .layer = layer, .mounts = mounts, .what = what };
	int p[2];
	pid_t pid = fork_child(fd, p, err, errsize);
	if (pid < 0)
		return RI_ENV;
	if (pid == 0) {
		char msg[1024] = "";
		int rc = enter(dir, msg, sizeof msg);
		if (rc == RI_OK)
			rc = job_body(&j, msg, sizeof msg);
		if (write(p[1], msg, strlen(msg)) < 0)
			_exit(3);
		_exit(exit_code(rc));
	}
	return child_wait(pid, p[0], err, errsize);
}

int rootextract_archive(int fd, const char *dir, bool layer, const char *what,
                        char *err, size_t errsize)
{
	return unpack_in_child(fd, dir, layer, layer, what, err, errsize);
}

/* ---- copying a folder: a tar stream from it, unpacked as any other ---- */

/* Every entry of rd written to w: 0, -1 (the caller says why), -2
 * (said), or -3 (said: too deep, the source's fault). */
static int tar_entries(struct archive *rd, struct archive *w, const char *src)
{
	char buf[65536];
	for (;;) {
		struct archive_entry *e = archive_entry_new();
		int r = archive_read_next_header2(rd, e);
		if (r == ARCHIVE_EOF) {
			archive_entry_free(e);
			return 0;
		}
		if (r < ARCHIVE_WARN || rootextract_stop) {
			archive_entry_free(e);
			return -1;
		}
		if (name_depth(archive_entry_pathname(e)) > ROOTEXTRACT_DEPTH_MAX) {
			fprintf(stderr, "whichns: copying %s: %.200s...: deeper than %d "
			        "folders; a root filesystem is not\n", src,
			        archive_entry_pathname(e), ROOTEXTRACT_DEPTH_MAX);
			archive_entry_free(e);
			return -3;
		}
		archive_read_disk_descend(rd);
		r = archive_write_header(w, e);
		if (r < ARCHIVE_WARN) {
			archive_entry_free(e);
			return -1;
		}
		la_ssize_t k = 0;
		la_int64_t done = 0, size = archive_entry_size(e);
		if (archive_entry_filetype(e) == AE_IFREG && size > 0)
			while ((k = archive_read_data(rd, buf, sizeof buf)) > 0 &&
			       archive_write_data(w, buf, (size_t)k) >= 0)
				done += k;
		/* A read error (EIO) or a file cut while copied: never an
		 * entry padded with zeros. */
		if (k != 0 || (archive_entry_filetype(e) == AE_IFREG && done != size)) {
			const char *why = k < 0 ? archive_error_string(rd)
			                : k > 0 ? archive_error_string(w)
			                : "it changed while it was copied";
			fprintf(stderr, "whichns: copying %s: %s: %s\n", src,
			        archive_entry_pathname(e), why ? why : strerror(EIO));
			archive_entry_free(e);
			return -2;
		}
		archive_entry_free(e);
	}
}

/* The reader child: src as a tar stream on fd; its exit status says. */
static void tar_writer(const char *src, int fd)
{
	struct archive *rd = archive_read_disk_new(), *w = archive_write_new();
	if (!rd || !w || chdir(src) != 0)
		_exit(3);
	archive_read_disk_set_symlink_physical(rd);
	archive_read_disk_set_behavior(rd, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	archive_write_set_format_pax_restricted(w);
	archive_write_add_filter_none(w);
	if (archive_read_disk_open(rd, ".") != ARCHIVE_OK ||
	    archive_write_open_fd(w, fd) != ARCHIVE_OK)
		_exit(3);
	int rc = tar_entries(rd, w, src);
	if (rc == -1)
		fprintf(stderr, "whichns: copying %s: %s\n", src,
		        archive_error_string(rd) ? archive_error_string(rd)
		                                 : archive_error_string(w));
	if (archive_write_close(w) != ARCHIVE_OK)
		rc = -1;
	_exit(rc == 0 ? 0 : rc == -3 ? 2 : 3);
}

int rootextract_copy(const char *src, const char *dir, char *err,
                     size_t errsize)
{
	int p[2];
	pid_t pid = fork_child(-1, p, err, errsize);
	if (pid < 0)
		return RI_ENV;
	if (pid == 0)
		tar_writer(src, p[1]);
	int rc = unpack_in_child(p[0], dir, false, true, src, err, errsize);
	close(p[0]);   /* the writer, if still going, stops on EPIPE */
	if (rootextract_stop)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		if (rootextract_stop)
			kill(pid, SIGKILL);
	if (rc == RI_OK && rootextract_stop)
		fail(RI_INTR, "the copy of %s was stopped", src);
	if (rc == RI_OK && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fail(WIFEXITED(st) && WEXITSTATUS(st) == 2 ? RI_BAD : RI_ENV,
		     "copying %s failed (said above)", src);
	return rc;
}
