/*
 * sandbox.h - what the process under test can see, and what it can change.
 *
 * Owns: the tree the process sees as "/" (the host's or a root
 * filesystem's, bound read-only, with throw-away overlays where daemons
 * write, a /run of its own, a minimal /dev, a read-only sysfs of the
 * case's network namespace, secrets masked), and, in each process that
 * enters it, a /proc of its PID namespace with the host-wide parts
 * read-only or masked, pivot_root into the tree, a session of its own,
 * a bounded capability set, limits on its files' size and its cores, no
 * new privileges, and the seccomp filter of sandbox_filter.h (no kernel
 * keyrings, no module loads on its behalf, no user namespaces).
 * Never: mounts outside the case's private mount namespace, or lets a
 * write of the process reach the host (doc/sandbox.md lists each layer
 * and why it is there).
 *
 * The tree is built once per case, in the case's mount namespace, and
 * shared by every process of the case (the process under test, its
 * triggers, the fresh process, nscd), as the processes of one machine
 * share a filesystem.  The case itself keeps its own view of the host (it
 * writes the results folder); only processes that enter see the sandbox.
 */
#ifndef WHICHNS_SANDBOX_H
#define WHICHNS_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include "defer.h"

struct sandbox {
	char root[PATH_MAX];     /* the process's "/" as the case sees it */
	char cwd[PATH_MAX];      /* where the process starts, inside it */
};

/* Build the tree from src ("" or "/" for the host's own, or a root
 * filesystem).  keep_secrets: show /etc/shadow and the host keys as they
 * are.  Call in a private mount namespace whose "/" is a slave. */
int sandbox_build(struct sandbox *sb, const char *src, bool keep_secrets,
                  struct defer *d, char *err, size_t errsize);

/* Open path ("/etc/shadow") of the tree whose root is open as rootfd,
 * resolved as a process whose "/" that is would resolve it: every
 * symlink stays inside the tree (openat2, RESOLVE_IN_ROOT).  O_CLOEXEC is
 * added; a file created gets mode 0644.  -1 with errno set. */
int sandbox_open_in(int rootfd, const char *path, int flags);

/* The folder of the tree that the case replaces with one of its own
 * ("/dev/shm", "/dev", "/run", "/sys", "/proc") and that holds path (an
 * absolute path as the host sees it), so that the case does not see the
 * host's file there; NULL when the case sees the host's (the overlays
 * show it too). */
const char *sandbox_replaced_dir(const char *path);

/* In a process that is PID 1 of a new PID namespace and has just
 * unshared its mount namespace: mount its /proc, pivot into the tree,
 * start a new session, and drop every privilege but the kept set.  Its
 * children inherit all of it.  On failure err says which step failed. */
int sandbox_enter(const struct sandbox *sb, char *err, size_t errsize);

#endif
