/*
 * evidence.h - report.md: one case's evidence, readable without whichns.
 *
 * Owns: the report a support engineer attaches to a ticket, in this
 * order: the verdict with its reason, the picture (timeline.svg), the
 * numbers, every DNS message around the switch with its frame number in
 * capture.pcap and whether the verdict counts it, what ran and how to
 * run it again, and the environment; and the picture's title.
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
	const char *environment;  /* env.txt: the command's environment, or NULL */
	const char *stderr_tail;  /* a command that could not run: the last
	                           * lines of process.err, or NULL */
	bool        nscd;         /* nscd ran in the case */
	const struct wn_event *ev;
	size_t      nev;
	size_t      max_rows;     /* timeline rows shown; 0: all */
};

void evidence_report_md(FILE *f, const struct evidence *e);

/* Which queries the verdict of r counts (its switch, window end, fresh
 * process and --only type), as timeline.h draws them. */
struct tl_scope;
void evidence_scope(const struct case_result *r, struct tl_scope *sc);
/* timeline.svg's title for r: "NAME: VERDICT", the reason, the counted
 * queries per server, and the fresh process's, one a line. */
void evidence_picture_title(char *buf, size_t size, const struct case_result *r);

/* Quote argv for a POSIX shell into buf ("a 'b c'"); truncates safely. */
void evidence_shell_quote(char *buf, size_t size, char *const argv[]);

#endif
