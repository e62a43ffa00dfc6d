/*
 * evidence.h - report.md: one case's evidence, readable without whichns.
 *
 * Owns: the report a support engineer attaches to a ticket: what ran and
 * how to run it again, on what, the verdict with its numbers and reason,
 * and the timeline of every DNS message around the switch.
 * Never: opens files or decides anything; it writes what it is given.
 */
#ifndef WHICHNS_EVIDENCE_H
#define WHICHNS_EVIDENCE_H

#include <stdbool.h>
#include <stdio.h>
#include "caseres.h"
#include "events.h"

struct evidence {
	const struct case_result *r;
	const char *rerun;        /* the whichns command line that ran it */
	const char *kernel;       /* uname */
	const char *rc_before, *rc_after, *nsswitch;  /* file contents */
	bool        nscd;         /* nscd ran in the case */
	const struct wn_event *ev;
	size_t      nev;
	size_t      max_rows;     /* timeline rows shown; 0: all */
};

void evidence_report_md(FILE *f, const struct evidence *e);

/* Quote argv for a POSIX shell into buf ("a 'b c'"); truncates safely. */
void evidence_shell_quote(char *buf, size_t size, char *const argv[]);

#endif
