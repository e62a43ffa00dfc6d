/*
 * scenfiles.h - the scenario files of a run, kept in its folder.
 *
 * Owns: RUN/scenarios/: a copy of each scenario file a run read (as it
 * was when the run began), and RUN/scenarios/index.txt, one line per
 * file, "COPY<TAB>PATH AS GIVEN", in the order given.  So a run folder
 * (and a bundle of it) holds what its rerun lines need, and "whichns
 * bundle" can point them at the copies.
 * Never: reads a scenario's contents (it copies bytes), or writes
 * outside the run folder.
 */
#ifndef WHICHNS_SCENFILES_H
#define WHICHNS_SCENFILES_H

#include <stddef.h>
#include "runfolder.h"

#define SCENFILES_DIR "scenarios"
#define SCENFILES_INDEX "scenarios/index.txt"

/* Copy files[0..n) into rundir/scenarios/.  0, or -1 with f set (the
 * results folder refused a write) or a message said (a file unreadable:
 * it was read a moment ago). */
int scenfiles_keep(const char *rundir, char *const *files, size_t n,
                   struct wfault *f);

#endif
