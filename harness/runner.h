/*
 * runner.h - run many cases, each in a process of its own, in parallel;
 * and merge the run folders of shards into one.
 *
 * Owns: case processes and their progress lines, signals (Ctrl-C tears
 * every case down).
 * Never: decides a verdict; case processes do, from their captures.
 */
#ifndef WHICHNS_RUNNER_H
#define WHICHNS_RUNNER_H

#include <stdbool.h>
#include "libcs.h"
#include "runfolder.h"
#include "scenario.h"

struct run_opts {
	const char *fixtures;     /* fixtures folder */
	struct libc_paths libc;   /* probes and root filesystems per libc */
	const char *results;      /* parent of run folders */
	const char *expected;     /* folder of expected files; NULL: none */
	unsigned    jobs;
	bool        strict;       /* a case without expectation fails */
	bool        quiet;        /* no progress lines */
	const char *rerun_head;   /* "whichns run", quoted */
	const char *rerun_tail;   /* the rest of the command line, quoted */
};

/* cases[i].seq numbers the case folders (its place in the whole matrix). */
int runner_run(const struct run_opts *o, const struct scn_case *cases, size_t n);
/* Join the cases of run folders dirs[] into a new run folder. */
int runner_merge(const struct run_opts *o, char *const dirs[], size_t ndirs);

#endif
