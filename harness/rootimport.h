/*
 * rootimport.h - root filesystems a user brings (a folder, a tarball, a
 * docker-archive or an OCI image layout), imported into the cache once,
 * keyed by the SHA-256 of their content, with probes built inside them
 * by their own compiler.
 *
 * Cache layout, under CACHE/roots/:
 *   KEY/rootfs/    the tree ("sha256-" and 16 hex digits of the hash)
 *   KEY/probes/    probes built inside it, with .stamp (the sources' hash)
 *   KEY/info       what it is (rootinfo.h): source, kind, libc, os, family
 *   KEY.lock       flock: exclusive while importing or building probes,
 *                  shared while cases run on it
 *   names/NAME     a symlink to ../KEY ("whichns roots add NAME SOURCE")
 *   sources        "dev ino size mtime_ns sha256 path" lines: a file seen
 *                  before is not hashed again
 *   trees          "stamp sha256 path" lines: nor is a folder whose stat
 *                  walk (roothash.h) is what it was
 * Everything is built in CACHE/roots/.tmp-KEY-PID and renamed into place;
 * a failed or interrupted import leaves nothing, and what a killed one
 * left goes at the next import, probe build or "whichns cleanup".
 *
 * Owns: the import (hash, unpack through rootextract.h, apply layers,
 * find the C library and os-release from the tree's files, never by
 * running them), names and removal (the probes: rootprobes.h).
 * Never: modifies the source, runs a program of the tree except its
 * compiler (in a chroot), or falls back to probes built on the host.
 */
#ifndef WHICHNS_ROOTIMPORT_H
#define WHICHNS_ROOTIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "rootextract.h"   /* RI_OK, RI_ENV, RI_BAD, RI_INTR */
#include "rootimage.h"
#include "rootinfo.h"

/* The exit status of an RI_ answer: 0, EXIT_ENV, EXIT_USAGE (bad input),
 * EXIT_INTERRUPTED. */
int rootimport_exit(int rc);

/* Import source (a path) into cache/roots, unless its content is there
 * already; *ri is its record, *fresh (when not NULL) whether this call
 * imported it (a caller that fails afterwards removes what it made).
 * Says what it does on stderr unless quiet (a source already imported
 * is silent).  First removes what killed imports left (rootimport_sweep).
 * RI_OK, or another RI_ with err (one line naming the source, the
 * problem and the fix). */
int rootimport_import(const char *cache, const char *source, bool quiet,
                      struct rootinfo *ri, bool *fresh, char *err,
                      size_t errsize);

/* Remove what imports and probe builds killed with SIGKILL left in
 * cache/roots: each .tmp-KEY-PID and KEY/probes.tmp-PID whose PID is no
 * process and whose KEY.lock nobody holds (taken without waiting: a
 * live import's folder is never touched).  Says each on stdout when say.
 * How many it removed. */
int rootimport_sweep(const char *cache, bool say);

/* The record of an imported key: 0, or -1 when there is none. */
int rootimport_load(const char *cache, const char *key, struct rootinfo *ri);

/* Shared with rootprobes.c: seconds on the monotonic clock; whether
 * path exists inside the tree rootfd (resolved there); a family from its
 * name in an info record; the SIGINT/SIGTERM handler that sets
 * rootextract_stop; KEY.lock taken exclusively (its descriptor, or an
 * RI_ answer below 0, with err). */
double rootimport_now(void);
bool rootimport_exists_in(int rootfd, const char *path);
enum rootimage_family rootimport_family(const char *name);
void rootimport_on_signal(int sig);
int rootimport_lock(const char *roots, const char *key, char *err,
                    size_t errsize);

/* The key a name points at: 0, or -1 when there is no such name. */
int rootimport_name_get(const char *cache, const char *name,
                        char key[static ROOTINFO_KEY_SIZE]);
/* Point name at key (replacing what it named): 0, or -1 (errno). */
int rootimport_name_set(const char *cache, const char *name, const char *key);
/* 0, or -1 (errno; ENOENT: no such name). */
int rootimport_name_rm(const char *cache, const char *name);

/* Remove an imported root, unless a run holds it.  RI_OK or RI_ENV with
 * err. */
int rootimport_remove(const char *cache, const char *key, char *err,
                      size_t errsize);


#endif
