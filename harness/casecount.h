/*
 * casecount.h - what a case adds to its verdict once the window closed:
 * each server's counts (lib/servercount.h) and the application impact
 * from the probe's own lines in process.out (lib/impact.h).
 *
 * Owns: reading process.out back for the impact.
 * Never: changes the verdict, or fails the case: what it cannot read is
 * left out (r->impact_read stays false, r->nservers 0) and the report
 * says nothing of it.
 */
#ifndef WHICHNS_CASECOUNT_H
#define WHICHNS_CASECOUNT_H

#include <stdint.h>
#include <stdio.h>
#include "caseres.h"
#include "events.h"
#include "serverset.h"

/* r's switch, switch_time, switch_end and window_end must be set.  set: the case's
 * servers (NULL: the default pair); out: process.out as the case writes
 * it (flushed here before it is read back from casedir). */
void casecount_fill(struct case_result *r, const struct serverset *set,
                    const struct wn_event *ev, size_t nev,
                    uint16_t only_qtype, FILE *out, const char *casedir);

#endif
