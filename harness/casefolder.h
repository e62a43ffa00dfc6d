/*
 * casefolder.h - a case folder made whole once its case process ended.
 *
 * Owns: reading the case's record back (a case process that crashed
 * becomes an error record) and setting its expected verdict.
 * Never: decides a verdict (the case process did, from its capture) or
 * changes result.txt, which is the case process's own record.
 */
#ifndef WHICHNS_CASEFOLDER_H
#define WHICHNS_CASEFOLDER_H

#include "caseres.h"
#include "job.h"
#include "runfolder.h"

/* The case process of j ended with wait status status: fill r.  0, or
 * -1 with f set when the folder refused a write. */
int casefolder_finish(struct runfolder *rf, const struct job *j, int status,
                      struct case_result *r, struct wfault *f);

#endif
