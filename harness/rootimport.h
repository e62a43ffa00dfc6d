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
 * Everything is built in CACHE/roots/.tmp-KEY-PID and renamed into place;
 * a failed or interrupted import leaves nothing.
 *
 * Owns: the import (hash, unpack through rootextract.h, apply layers,
 * find the C library and os-release from the tree's files, never by
 * running them), the probe build, names and removal.
 * Never: modifies the source, runs a program of the tree except its
 * compiler (in a chroot), or falls back to probes built on the host.
 */
#ifndef WHICHNS_ROOTIMPORT_H
#define WHICHNS_ROOTIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "rootextract.h"   /* RI_OK, RI_ENV, RI_BAD, RI_INTR */
#include "rootinfo.h"

/* The exit status of an RI_ answer: 0, EXIT_ENV, EXIT_USAGE (bad input),
 * EXIT_INTERRUPTED. */
int rootimport_exit(int rc);

/* Import source (a path) into cache/roots, unless its content is there
 * already; *ri is its record.  Says what it does on stderr unless quiet
 * (a source already imported is silent).  RI_OK, or another RI_ with err
 * (one line naming the source, the problem and the fix). */
int rootimport_import(const char *cache, const char *source, bool quiet,
                      struct rootinfo *ri, char *err, size_t errsize);

/* The record of an imported key: 0, or -1 when there is none. */
int rootimport_load(const char *cache, const char *key, struct rootinfo *ri);

/* Where the probes' sources are: FIXTURES/repro (installed: the fixtures
 * are DATADIR), FIXTURES/../repro (a checkout); without fixtures, next to
 * this program's checkout, else DATADIR/repro.  0, or -1. */
int rootimport_repro(const char *fixtures, char *out, size_t size);

/* Build the probes of ri's root from the sources in repro with the
 * root's own compiler, unless built from the same sources already.
 * label names the root in what it says.  No compiler or no C headers in
 * the root: RI_ENV with err naming what to install for its family.  A
 * compile that fails: RI_ENV, the compiler's output on stderr. */
int rootimport_probes(const char *cache, const struct rootinfo *ri,
                      const char *label, const char *repro, bool quiet,
                      char *err, size_t errsize);

/* "built" (from repro's sources as they are), "stale" (other sources)
 * or "none". */
const char *rootimport_probes_state(const char *cache, const char *key,
                                    const char *repro);

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
