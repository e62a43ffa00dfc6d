/*
 * view.h - the /etc/resolv.conf a case's process sees, and its switch.
 *
 * Owns: the case's resolv.conf in the sandbox's /etc (an overlay, see
 * sandbox.h), the files behind it in the sandbox's /run/whichns, and the
 * five update methods.
 * Never: writes the host's /etc; it works only inside a sandbox tree,
 * and once the process runs, it resolves every path there as the process
 * would (a symlink the process made cannot lead it to a host file).
 */
#ifndef WHICHNS_VIEW_H
#define WHICHNS_VIEW_H

#include <limits.h>
#include "defer.h"

enum update_method {
	UPD_INPLACE, UPD_RENAME, UPD_SYMLINK, UPD_BIND_INPLACE, UPD_BIND_RENAME,
};

struct view {
	char root[PATH_MAX];      /* the sandbox's tree, as the case sees it */
	enum update_method method;
	unsigned generation;      /* how many times the file was written */
	char rc[PATH_MAX];        /* root + /etc/resolv.conf */
	char runroot[PATH_MAX];   /* root + /run: the sandbox's own tmpfs */
	char run[PATH_MAX];       /* root + /run/whichns: link targets, bind sources */
	char source[PATH_MAX];    /* the file a bind mount shows */
	char bound[PATH_MAX + 32];/* a folder bound in by view_bind_dir */
	int  rootfd;              /* root, open: paths resolved inside it */
};

int view_method_parse(const char *name, enum update_method *m);

/* Take over resolv.conf in the sandbox tree root; write the first one. */
int view_setup(struct view *v, const char *root, enum update_method m,
               const char *text, struct defer *d, char *err, size_t errsize);
/* Show host folder dir read-only at /run/whichns/NAME inside the view. */
int view_bind_dir(struct view *v, const char *dir, const char *name,
                  struct defer *d, char *err, size_t errsize);
/* Replace resolv.conf's content with text by the view's method. */
int view_switch(struct view *v, const char *text, char *err, size_t errsize);
/* Copy what the process would read now into path (for the evidence). */
int view_save(const struct view *v, const char *path);
/* The regular file at path ("/etc/nsswitch.conf") as the process would
 * resolve it (symlinks stay inside the tree), at most max bytes,
 * NUL-terminated; NULL with errno set.  Free it. */
char *view_read(const struct view *v, const char *path, size_t max);

#endif
