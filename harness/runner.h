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
#include "case.h"
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
	const char *rerun_tail;   /* the scenario files, quoted */
};

/* One case of any command (whichns exec).  spec's root, casedir,
 * fixtures and nscd path are filled in by runner_exec. */
struct exec_job {
	const char  *name;
	char *const *argv;
	const char  *libc;        /* host, musl or a root filesystem */
	const char  *update;      /* update method name */
	char         only[16];    /* query type name the verdict counts */
	enum verdict expected;    /* V_NONE: none */
	struct case_spec spec;    /* nscd: non-NULL to run nscd */
};

int runner_exec(const struct run_opts *o, const struct exec_job *job);

/* cases[i].seq numbers the case folders (its place in the whole matrix). */
int runner_run(const struct run_opts *o, const struct scn_case *cases, size_t n);
/* Join the cases of run folders dirs[] into a new run folder. */
int runner_merge(const struct run_opts *o, char *const dirs[], size_t ndirs);

#endif
