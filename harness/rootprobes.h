/*
 * rootprobes.h - the probes of a root filesystem a user brought
 * (rootimport.h), compiled inside it by its own compiler from the
 * checkout's or the installation's repro/ sources (preflight_repro finds
 * them), into CACHE/roots/KEY/probes with a .stamp of the sources' hash.
 *
 * Owns: the build (a chrooted child; the tree's compiler runs as nobody,
 * without network) and saying what to install when the root has no
 * compiler.
 * Never: uses probes built on the host for a root, or builds anything
 * when the stamp says the probes are of these sources already.
 */
#ifndef WHICHNS_ROOTPROBES_H
#define WHICHNS_ROOTPROBES_H

#include <stdbool.h>
#include <stddef.h>
#include "rootinfo.h"

/* Build the probes of ri's root from the sources in repro with the
 * root's own compiler, unless built from the same sources already.
 * label names the root in what it says.  RI_OK; RI_ENV with err when the
 * root has no compiler or no C headers (naming what to install for its
 * family; the caller adds what else can use the root: exec needs no
 * probes), or a compile fails (its output on stderr); RI_INTR.  First
 * removes what killed builds left (rootimport_sweep). */
int rootprobes_build(const char *cache, const struct rootinfo *ri,
                     const char *label, const char *repro, bool quiet,
                     char *err, size_t errsize);

/* "built" (from repro's sources as they are), "stale" (other sources)
 * or "none". */
const char *rootprobes_state(const char *cache, const char *key,
                             const char *repro);

#endif
