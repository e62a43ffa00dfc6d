/*
 * runner.h - run many cases, each in a process of its own, in parallel,
 * and write the run folder.
 *
 * Owns: the run folder and results/latest, case processes and their
 * progress lines, expectations, signals (Ctrl-C tears every case down).
 * Never: decides a verdict; case processes do, from their captures.
 */
#ifndef WHICHNS_RUNNER_H
#define WHICHNS_RUNNER_H

#include <stdbool.h>
#include "scenario.h"

struct run_opts {
	const char *fixtures;     /* fixtures folder */
	const char *probes;       /* folder of probe binaries */
	const char *results;      /* parent of run folders */
	const char *expected;     /* folder of expected files; NULL: none */
	unsigned    jobs;
	bool        strict;       /* a case without expectation fails */
	bool        quiet;        /* no progress lines */
};

/* Exit codes of DESIGN.md. */
enum {
	EXIT_OK = 0, EXIT_DIFFERS = 1, EXIT_USAGE = 2, EXIT_ENV = 3,
	EXIT_INTERRUPTED = 130,
};

int runner_run(const struct run_opts *o, const struct scn_case *cases, size_t n);

#endif
