/*
 * runner.h - run cases, each in a process of its own, in parallel.
 *
 * Owns: case processes (fork, their signals, waiting for them), progress
 * lines on stderr and, with --json, a JSON line per case on stdout as it
 * ends, Ctrl-C (it tears every case down), and the fault that stops a
 * run when a case cannot write its folder.
 * Never: decides a verdict (case processes do, from their captures) or
 * builds a case (job.c does, for run and exec alike).
 */
#ifndef WHICHNS_RUNNER_H
#define WHICHNS_RUNNER_H

#include <stdbool.h>
#include "job.h"
#include "libcs.h"

struct run_opts {
	const char *fixtures;     /* fixtures folder */
	struct libc_paths libc;   /* probes and root filesystems per libc */
	const char *results;      /* parent of run folders */
	const char *expected;     /* folder of expected files; NULL: none */
	const char *prefix;       /* of the run folder's name: "" or "exec-" */
	const char *latest;       /* the link to it: "latest" (run, merge) or
	                           * "latest-exec" (exec) */
	unsigned    jobs;         /* cases at a time */
	bool        strict;       /* INCONCLUSIVE fails; with a baseline, so
	                           * does a case without expectation */
	bool        quiet;        /* no progress lines */
	char *const *scenarios;   /* run: its scenario files, kept in the run
	                           * folder (scenfiles.h); exec, merge: none */
	size_t      nscenarios;
	bool        json;         /* a JSON line per case on stdout, nothing else */
	unsigned    shard_k, shard_n; /* the jobs are slice K of N (0: 1/1) */
	size_t      matrix;       /* cases of the whole matrix, before sharding */
	const char *matrix_id;    /* its identity (runrec.h); NULL: the jobs'
	                           * names, when they are the whole matrix */
};

/* Run jobs[0..n) in a new run folder, in the order given, and write its
 * reports; returns the exit status (exitcodes.h). */
int runner_run(const struct run_opts *o, const struct job *jobs, size_t n);

#endif
