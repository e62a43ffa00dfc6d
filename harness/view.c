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
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* Write text to path: O_TRUNC keeps an existing inode (in-place edit). */
static int write_file(const char *path, const char *text, int extra_flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | extra_flags,
	              0644);
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
	memset(v, 0, sizeof *v);
	snprintf(v->root, sizeof v->root, "%s", root);
	v->method = m;
	snprintf(v->etc, sizeof v->etc, "%s/etc", root);
	snprintf(v->rc, sizeof v->rc, "%s/etc/resolv.conf", root);
	snprintf(v->runroot, sizeof v->runroot, "%s/run", root);
	snprintf(v->run, sizeof v->run, "%s/run/whichns", root);

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

/* Write a new file beside target and rename it over target. */
static int replace_by_rename(const char *target, const char *text)
{
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.whichns-new", target);
	if (write_file(tmp, text, O_EXCL) != 0)
		return -1;
	if (rename(tmp, target) != 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int view_switch(struct view *v, const char *text, char *err, size_t errsize)
{
	char path[PATH_MAX + 32], target[64], link[PATH_MAX + 16];
	int rc = -1;

	v->generation++;
	switch (v->method) {
	case UPD_INPLACE:
		rc = write_file(v->rc, text, 0);
		break;
	case UPD_RENAME:
		rc = replace_by_rename(v->rc, text);
		break;
	case UPD_SYMLINK:
		snprintf(path, sizeof path, "%s/resolv.conf.%u", v->run, v->generation);
		snprintf(target, sizeof target, "/run/whichns/resolv.conf.%u",
		         v->generation);
		snprintf(link, sizeof link, "%s.whichns-link", v->rc);
		rc = write_file(path, text, O_EXCL);
		if (rc == 0)
			rc = symlink(target, link);
		if (rc == 0)
			rc = rename(link, v->rc);
		break;
	case UPD_BIND_INPLACE:
		rc = write_file(v->source, text, 0);
		break;
	case UPD_BIND_RENAME:
		rc = replace_by_rename(v->source, text);
		break;
	}
	if (rc != 0)
		snprintf(err, errsize, "cannot update %s by %s: %s", v->rc,
		         method_names[v->method], strerror(errno));
	return rc;
}

int view_save(const struct view *v, const char *path)
{
	char buf[4096], link[PATH_MAX + 32];
	const char *src = v->rc;
	/* The symlink's target is absolute inside the process's root, so it
	 * must not be followed from ours: read the file it names in the run
	 * folder instead. */
	if (v->method == UPD_SYMLINK) {
		snprintf(link, sizeof link, "%s/resolv.conf.%u", v->run, v->generation);
		src = link;
	}
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	ssize_t n = read(in, buf, sizeof buf - 1);
	close(in);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return write_file(path, buf, 0);
}
