/*
 * preflight.h - what must hold before a run starts: where whichns's own
 * files are, and that this machine can run the cases asked for.
 *
 * Owns: finding the probes and fixtures (next to the binary in a build
 * tree, else where "make install" put them), the results folder, and the
 * checks run and exec make once their arguments are good: each case's C
 * library, nscd, query type and probe; root, the programs a case needs,
 * and namespaces.  Each check that fails says so in one line and gives
 * the exit status to stop with.
 * Never: starts a case, or anything a failed check would have to undo
 * (a root filesystem it holds stays held only for this process's life).
 */
#ifndef WHICHNS_PREFLIGHT_H
#define WHICHNS_PREFLIGHT_H

#include <limits.h>
#include <stdbool.h>
#include "job.h"
#include "runner.h"

struct preflight_paths {
	char self[PATH_MAX];             /* the folder of this binary */
	char probes[PATH_MAX], musl[PATH_MAX + 8];
	char fixtures[PATH_MAX], expected[PATH_MAX + 16], results[PATH_MAX];
	char repro[PATH_MAX];            /* the probes' sources (preflight_repro) */
	bool has_repro;                  /* found there; else the first place looked */
	bool results_default;            /* no --results: ./results */
};

/* Where the probes' sources are (a folder holding probe_libc.c), for a
 * root a user brought (rootprobes.h): FIXTURES/repro (installed: the
 * fixtures are DATADIR), FIXTURES/../repro (a checkout), the checkout
 * this program was built in, then DATADIR/repro; fixtures may be NULL.
 * Fills p->self when empty, p->repro and p->has_repro: 0, or -1 (p->repro
 * the first place looked at, to name it).  preflight_paths calls it. */
int preflight_repro(struct preflight_paths *p, const char *fixtures);

/* Fill in what o leaves NULL: the fixtures folder (fixtures_opt, else
 * found), expected verdicts, probes (and p->repro, their sources), the cache ($WHICHNS_CACHE or
 * /var/cache/whichns) and results ("results").  o then points into p.
 * 0, or EXIT_USAGE (said) when the fixtures folder is not there. */
int preflight_paths(struct preflight_paths *p, struct run_opts *o,
                    const char *fixtures_opt);

/* Create o->results and make it absolute: case processes write their
 * folders by absolute path.  The default, ./results, is made only where
 * it can be: never in / (EXIT_USAGE: pass --results), and a working
 * folder that refuses it is EXIT_ENV; a results folder that exists but
 * cannot be written is EXIT_ENV too.  0, or the exit status (said, in
 * one line naming the folder and --results). */
int preflight_results(struct preflight_paths *p, struct run_opts *o);

/* The C libraries users brought (rootimport.h), each distinct value of
 * the jobs once: every value checked first (a built-in tree there, a
 * name known, a path there), then, where any was brought, root, dnsmasq,
 * ip and namespaces, then a --libc PATH imported into the cache, and
 * where a case runs probes, the probes built inside it by its own
 * compiler; progress on stderr unless o->quiet.  preflight_run does it first; exec calls
 * it before it looks for its command in the tree.  0, or the exit status
 * (said: 2 a source that is bad input, 3 no compiler in the root, ...). */
int preflight_libcs(const struct preflight_paths *p, const struct run_opts *o,
                    const struct job *jobs, size_t n);

/* run's and exec's checks, in this order: preflight_libcs; every job's
 * C library (each root filesystem held against a rebuild for this
 * process's life), its nscd, query type and probe; root, dnsmasq and ip,
 * namespaces (asked once: before an import, when there is one); the
 * results folder.  Then marks this process's descendants for "whichns
 * cleanup".  0, or the exit status to stop with (said). */
int preflight_run(struct preflight_paths *p, struct run_opts *o,
                  const struct job *jobs, size_t n);

#endif
