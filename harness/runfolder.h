/*
 * runfolder.h - results/<run-id>/: creating it, and finishing it with the
 * reports, whether its cases were just run or merged from shards.
 *
 * Owns: run ids, results/latest, reading case records back, applying
 * expected verdicts, the exit status of a run.
 * Never: runs a case.
 */
#ifndef WHICHNS_RUNFOLDER_H
#define WHICHNS_RUNFOLDER_H

#include <limits.h>
#include <stdbool.h>
#include "caseres.h"
#include "expect.h"

struct runfolder {
	char   dir[PATH_MAX];
	char   results[PATH_MAX];   /* the folder holding run folders */
	char   id[96];
	const char *expected_dir;   /* NULL: no expectations */
	struct { char key[64]; bool found; struct expect x; } *base;
	size_t nbase;
};

/* Exit codes of DESIGN.md. */
enum {
	EXIT_OK = 0, EXIT_DIFFERS = 1, EXIT_USAGE = 2, EXIT_ENV = 3,
	EXIT_INTERRUPTED = 130,
};

/* Make results/<prefix><time>-<pid>/ and point results/latest at it. */
int  runfolder_create(struct runfolder *rf, const char *results,
                      const char *prefix, char *err, size_t errsize);
/* Read <casedir>/result.txt. */
int  runfolder_read_case(const char *casedir, struct case_result *r,
                         char *err, size_t errsize);
/* Set r->expected from the baseline of the libc the case reported. */
void runfolder_expect(struct runfolder *rf, struct case_result *r);

struct finish_opts {
	size_t planned;       /* cases the run meant to run */
	bool   interrupted;
	bool   strict;        /* no expectation counts as a difference */
};
/* Write the reports, print the table and grid; returns the exit status. */
int  runfolder_finish(struct runfolder *rf, const struct case_result *r,
                      size_t n, const struct finish_opts *fo);
void runfolder_free(struct runfolder *rf);

#endif
