/*
 * casefolder.h - a case folder made whole once its case process ended.
 *
 * Owns: reading the case's record back (a case process that crashed
 * becomes an error record), setting its expected verdict, and writing
 * report.md and timeline.svg from what the folder holds, so that the
 * report shows the expectation and every folder stands alone.
 * Never: decides a verdict (the case process did, from its capture) or
 * changes result.txt, which is the case process's own record.
 */
#ifndef WHICHNS_CASEFOLDER_H
#define WHICHNS_CASEFOLDER_H

#include "caseres.h"
#include "job.h"
#include "runfolder.h"

/* The case process of j ended with wait status status: fill r, and for a
 * case that ran to its end write its report.  0, or -1 with f set when
 * the folder refused a write. */
int casefolder_finish(struct runfolder *rf, const struct job *j, int status,
                      struct case_result *r, struct wfault *f);

/* report.md and timeline.svg in dir, from r (its record, the expectation
 * set), events.tsv, resolv.conf.before and .after and nsswitch.conf there,
 * and rerun, the whichns command that runs the case again.  0, or -1 with
 * f set. */
int casefolder_render(const char *dir, const struct case_result *r,
                      const char *rerun, struct wfault *f);

#endif
