/*
 * view.c - a private /etc/resolv.conf that behaves like the real thing.
 *
 * A bind mount of a single file would pin its inode and hide a rename, so
 * the file lives in the sandbox's /etc, an overlay of the host's (or a
 * root filesystem's): the case's own resolv.conf is in the upper layer,
 * where in-place rewrites keep the inode and renames make a new one,
 * exactly as on a host.  The bind methods then deliberately add the
 * single-file bind mount that container runtimes use, with its real
 * consequences.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "sandbox.h"
#include "view.h"

static const char *const method_names[] = {
	[UPD_INPLACE] = "inplace", [UPD_RENAME] = "rename",
	[UPD_SYMLINK] = "symlink", [UPD_BIND_INPLACE] = "bind-inplace",
	[UPD_BIND_RENAME] = "bind-rename",
};

int view_method_parse(const char *name, enum update_method *m)
{
	for (unsigned i = 0; i < sizeof method_names / sizeof method_names[0]; i++)
		if (strcmp(name, method_names[i]) == 0) {
			*m = (enum update_method)i;
			return 0;
		}
	return -1;
}

/*
 * Once the process under test runs, it owns the sandbox's /etc and /run:
 * it may have made any name there a symlink ("/etc/resolv.conf ->
 * /etc/passwd", "/run/whichns -> /etc").  Followed from the case's root,
 * the host's, such a link would make a switch write a host file, or a
 * copy of the evidence read one.  So every path the switch and the
 * copies use is resolved as the process would resolve it: inside the
 * tree (openat2, RESOLVE_IN_ROOT on the tree's descriptor).
 */
static int open_in(const struct view *v, const char *path, int flags)
{
	return sandbox_open_in(v->rootfd, path, flags);
}

/* The folder of path inside the tree, as a descriptor, and path's last
 * name in *base: for renameat and symlinkat, which do not follow it. */
static int parent_in(const struct view *v, const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 0, path);
	*base = slash ? slash + 1 : path;
	return open_in(v, dir[0] ? dir : "/", O_PATH | O_DIRECTORY);
}

static void close_rootfd(void *arg)
{
	int *fd = arg;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Write text to path: O_TRUNC keeps an existing inode (in-place edit). */
static int write_fd(int fd, const char *text)
{
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t w = write(fd, text, len);
	int saved = errno;
	if (close(fd) != 0 || w != (ssize_t)len) {
		errno = w < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *text, int extra_flags)
{
	return write_fd(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	                     extra_flags, 0644), text);
}

/* The same, for a path inside the tree (see open_in). */
static int write_in(const struct view *v, const char *path, const char *text,
                    int extra_flags)
{
	return write_fd(open_in(v, path, O_WRONLY | O_CREAT | O_TRUNC |
	                        extra_flags), text);
}

static void undo_umount(void *arg)
{
	umount2(arg, MNT_DETACH);
}

/* target must outlive the undo stack: it is a field of the view. */
static int xmount(const char *src, char *target, const char *type,
                  unsigned long flags, const char *data, struct defer *d,
                  char *err, size_t errsize)
{
	if (mount(src, target, type, flags, data) != 0) {
		snprintf(err, errsize, "cannot mount %s on %s: %s", type ? type : src,
		         target, strerror(errno));
		return -1;
	}
	defer_push(d, undo_umount, target, "umount");
	return 0;
}

/* Replace whatever /etc/resolv.conf is in the lower layer (a file, a
 * systemd-resolved symlink) with our own entry in the upper layer. */
static int take_over(struct view *v, char *err, size_t errsize)
{
	if (unlink(v->rc) != 0 && errno != ENOENT) {
		snprintf(err, errsize, "cannot replace %s in the case's /etc: %s",
		         v->rc, strerror(errno));
		return -1;
	}
	return 0;
}

static int first_write(struct view *v, const char *text, struct defer *d,
                       char *err, size_t errsize)
{
	char path[PATH_MAX];
	switch (v->method) {
	case UPD_INPLACE:
	case UPD_RENAME:
		if (write_file(v->rc, text, 0) != 0)
			goto fail_rc;
		return 0;
	case UPD_SYMLINK:
		/* As on a systemd-resolved host: the link points into /run. */
		snprintf(path, sizeof path, "%s/resolv.conf.0", v->run);
		if (write_file(path, text, 0) != 0 ||
		    symlink("/run/whichns/resolv.conf.0", v->rc) != 0)
			goto fail_rc;
		return 0;
	case UPD_BIND_INPLACE:
	case UPD_BIND_RENAME:
		/* As a container runtime does: a file outside /etc, bound
		 * onto /etc/resolv.conf. */
		snprintf(v->source, sizeof v->source, "%s/resolv.conf", v->run);
		if (write_file(v->source, text, 0) != 0 || write_file(v->rc, "", 0) != 0)
			goto fail_rc;
		return xmount(v->source, v->rc, NULL, MS_BIND, NULL, d, err, errsize);
	}
fail_rc:
	snprintf(err, errsize, "cannot write the case's %s: %s", v->rc,
	         strerror(errno));
	return -1;
}

int view_setup(struct view *v, const char *root, enum update_method m,
               const char *text, struct defer *d, char *err, size_t errsize)
{
	/* Each field set here, not a memset of its 24 KB of paths (a case
	 * pays a page fault for each page it writes: doc/design.md, "What a
	 * case costs"). */
	v->generation = 0;
	v->source[0] = v->bound[0] = '\0';
	snprintf(v->root, sizeof v->root, "%s", root);
	v->method = m;
	snprintf(v->rc, sizeof v->rc, "%s/etc/resolv.conf", root);
	snprintf(v->runroot, sizeof v->runroot, "%s/run", root);
	snprintf(v->run, sizeof v->run, "%s/run/whichns", root);

	v->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->rootfd < 0) {
		snprintf(err, errsize, "cannot open %s: %s", root, strerror(errno));
		return -1;
	}
	defer_push(d, close_rootfd, &v->rootfd, "close the sandbox's root");
	if (mkdir(v->run, 0755) != 0) {
		snprintf(err, errsize, "cannot create %s: %s", v->run, strerror(errno));
		return -1;
	}
	if (take_over(v, err, errsize) != 0)
		return -1;
	return first_write(v, text, d, err, errsize);
}

int view_bind_dir(struct view *v, const char *dir, const char *name,
                  struct defer *d, char *err, size_t errsize)
{
	snprintf(v->bound, sizeof v->bound, "%s/%s", v->run, name);
	if (mkdir(v->bound, 0755) != 0) {
		snprintf(err, errsize, "cannot create %s: %s", v->bound, strerror(errno));
		return -1;
	}
	if (xmount(dir, v->bound, NULL, MS_BIND, NULL, d, err, errsize) != 0)
		return -1;
	/* Read-only takes a remount of the bind mount itself. */
	if (mount(NULL, v->bound, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0) {
		snprintf(err, errsize, "cannot make %s read-only: %s", v->bound,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* The paths the switch uses, inside the tree (see open_in). */
#define RC_IN     "/etc/resolv.conf"
#define SOURCE_IN "/run/whichns/resolv.conf"

/* Write a new file beside target and rename it over target, both inside
 * the tree. */
static int replace_by_rename(const struct view *v, const char *target,
                             const char *text)
{
	char tmp[PATH_MAX];
	const char *base, *tmpbase;
	snprintf(tmp, sizeof tmp, "%s.whichns-new", target);
	int dir = parent_in(v, target, &base);
	if (dir < 0)
		return -1;
	tmpbase = tmp + (base - target);
	int rc = write_fd(openat(dir, tmpbase, O_WRONLY | O_CREAT | O_EXCL |
	                         O_NOFOLLOW | O_CLOEXEC, 0644), text);
	if (rc == 0 && renameat(dir, tmpbase, dir, base) != 0) {
		int saved = errno;
		unlinkat(dir, tmpbase, 0);
		errno = saved;
		rc = -1;
	}
	int saved = errno;
	close(dir);
	errno = saved;
	return rc;
}

/* A new target file resolv.conf.N, and a new link to it renamed over
 * /etc/resolv.conf, as systemd-resolved does. */
static int replace_link(const struct view *v)
{
	char target[64];
	const char *base;
	snprintf(target, sizeof target, "/run/whichns/resolv.conf.%u",
	         v->generation);
	int dir = parent_in(v, RC_IN, &base);
	if (dir < 0)
		return -1;
	int rc = symlinkat(target, dir, "resolv.conf.whichns-link");
	if (rc == 0)
		rc = renameat(dir, "resolv.conf.whichns-link", dir, base);
	int saved = errno;
	close(dir);
	errno = saved;
	return rc;
}

int view_switch(struct view *v, const char *text, char *err, size_t errsize)
{
	char path[64];
	int rc = -1;

	v->generation++;
	switch (v->method) {
	case UPD_INPLACE:
		rc = write_in(v, RC_IN, text, 0);
		break;
	case UPD_RENAME:
		rc = replace_by_rename(v, RC_IN, text);
		break;
	case UPD_SYMLINK:
		snprintf(path, sizeof path, "/run/whichns/resolv.conf.%u",
		         v->generation);
		rc = write_in(v, path, text, O_EXCL);
		if (rc == 0)
			rc = replace_link(v);
		break;
	case UPD_BIND_INPLACE:
		rc = write_in(v, SOURCE_IN, text, 0);
		break;
	case UPD_BIND_RENAME:
		rc = replace_by_rename(v, SOURCE_IN, text);
		break;
	}
	if (rc != 0)
		snprintf(err, errsize, "cannot update %s by %s: %s", v->rc,
		         method_names[v->method], strerror(errno));
	return rc;
}

char *view_read(const struct view *v, const char *path, size_t max)
{
	int fd = open_in(v, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	/* A regular file only: a FIFO or a device put there would block the
	 * case or read without end. */
	FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
	if (!f) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	char *text = cli_read_stream(f, max, NULL);
	int saved = errno;
	fclose(f);
	errno = saved;
	return text;
}

int view_save(const struct view *v, const char *path)
{
	char *text = view_read(v, RC_IN, 64 << 10);
	if (!text)
		return -1;
	int rc = write_file(path, text, 0);
	free(text);
	return rc;
}
