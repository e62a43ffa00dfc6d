/*
 * report.h - the run's results for people and for CI.
 *
 * Owns: summary.json, summary.md, TAP (version 13, which Debian 12's
 * prove reads), JUnit XML, the JSON Lines of --json and the terminal
 * table, all written from case records; and what passes: a case passes
 * when it is as expected or skipped, an INCONCLUSIVE one only without
 * --strict and then visibly (a TAP SKIP, a JUnit skipped), never as a
 * plain "ok".
 * Never: computes a verdict or opens a file (it writes to the caller's
 * streams), so every format is testable on memory streams.
 */
#ifndef WHICHNS_REPORT_H
#define WHICHNS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "caseres.h"

struct run_info {
	const char *run;          /* run id */
	const char *host;         /* kernel, for the record */
	bool        interrupted;  /* not every planned case is here */
	size_t      planned;      /* cases the run meant to run */
	bool        strict;       /* --strict: INCONCLUSIVE fails */
	bool        need_expected; /* --strict with a baseline: a case without
	                            * an expected verdict fails */
	unsigned    shard_k, shard_n; /* slice K of N (0/0: not recorded) */
	size_t      matrix;       /* cases of the whole matrix, before sharding */
	const char *matrix_id;    /* its identity (runrec.h); NULL: not known */
};

void report_json(FILE *f, const struct run_info *ri,
                 const struct case_result *r, size_t n);
void report_md(FILE *f, const struct run_info *ri,
               const struct case_result *r, size_t n);
void report_tap(FILE *f, const struct run_info *ri,
                const struct case_result *r, size_t n);
void report_junit(FILE *f, const struct run_info *ri,
                  const struct case_result *r, size_t n);
/* The table on stdout: case, verdict, expected, the numbers behind it. */
void report_table(FILE *f, const struct case_result *r, size_t n);

/* The same verdicts as a grid: rows probe/options[/cache], columns update
 * method, so a pattern shows at a glance. */
void report_grid(FILE *f, const struct case_result *r, size_t n);

/* One case's outcome in a word, the worst first: "ERROR" (could not run
 * or did not finish), "SKIP" (cannot run on this C library), "DIFFERS"
 * (a verdict other than the expected one), "INCONCLUSIVE" (the evidence
 * could not decide, and INCONCLUSIVE was not expected), "ok" (as
 * expected, or no expectation). */
const char *report_outcome(const struct case_result *r);
/* Whether r passes under ri's rules: "ok" (without an expectation, only
 * when ri->need_expected is off) or "SKIP"; "INCONCLUSIVE" when
 * ri->strict is off (reported as a skip, never a plain pass). */
bool report_passed(const struct run_info *ri, const struct case_result *r);
/* One case as one line of JSON (JSON Lines, --json): the object of
 * summary.json's "cases", with the run's id first as "run". */
void report_json_line(FILE *f, const struct run_info *ri,
                      const struct case_result *r);
/* A case's verdict in a word or two: "LATE 3", "SKIP", "ERROR", "STALE". */
const char *report_verdict_text(const struct case_result *r, char *buf,
                                size_t size);

#endif
