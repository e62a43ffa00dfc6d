/*
 * report.h - the run's results for people and for CI.
 *
 * Owns: summary.json, summary.md, TAP 14, JUnit XML and the terminal
 * table, all written from case records.
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
	bool        interrupted;  /* not every case ran */
	size_t      planned;      /* cases the run meant to run */
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

/* One case's outcome in a word: "ok", "DIFFERS", "ERROR". */
const char *report_outcome(const struct case_result *r);
/* A case's verdict in a word or two: "LATE 3", "SKIP", "ERROR", "STALE". */
const char *report_verdict_text(const struct case_result *r, char *buf,
                                size_t size);

#endif
