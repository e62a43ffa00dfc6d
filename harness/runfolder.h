/*
 * runfolder.h - results/<run-id>/: creating it, and finishing it with the
 * reports, whether its cases were just run or merged from shards.
 *
 * Owns: run ids, results/latest (run and merge) and results/latest-exec
 * (exec), reading case records back, applying expected verdicts, the
 * exit status of a run (exitcodes.h), and the one line that says the
 * results folder refused a write.
 * Never: runs a case; claims a summary it could not write.
 */
#ifndef WHICHNS_RUNFOLDER_H
#define WHICHNS_RUNFOLDER_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include "caseres.h"
#include "exitcodes.h"
#include "expect.h"

struct runfolder {
	char   dir[PATH_MAX];
	char   results[PATH_MAX];   /* the folder holding run folders */
	char   id[96];
	char   latest[32];          /* the link to move: "latest", "latest-exec" */
	const char *expected_dir;   /* NULL: no expectations */
	struct { char key[64]; bool found; struct expect x; } *base;
	size_t nbase;
};

/* A write the results folder refused (ENOSPC, EIO, EROFS, EDQUOT...):
 * what was being done, to which path, and errno.  The run cannot keep its
 * evidence, so it stops: exit 3, and no summary is claimed. */
struct wfault {
	int  errnum;              /* 0: no fault */
	char what[16];            /* "create", "write" */
	char path[PATH_MAX + 64];
};

void runfolder_fault_set(struct wfault *f, const char *what, const char *path,
                         int errnum);
/* The one line of a fault: path, errno text, outcome (what became of the
 * run), what to do.  Returns EXIT_ENV. */
int  runfolder_fault_print(const struct wfault *f, const char *outcome);
#define FAULT_NOTHING_RAN "nothing ran"
#define FAULT_STOPPED "the run stopped, every case torn down, and wrote no summary"


/* Write path whole or not at all: fn writes to a temporary file, which is
 * flushed to the disk (so an EIO of the write-back shows here, not
 * never) and renamed into place.  0, or -1 with f set. */
int  runfolder_write(const char *path, int (*fn)(FILE *, const void *),
                     const void *ctx, struct wfault *f);

/* Make results/<prefix><time>-<pid>/, whose reports will move
 * results/<latest>.  0, or -1 with f set. */
int  runfolder_create(struct runfolder *rf, const char *results,
                      const char *prefix, const char *latest,
                      struct wfault *f);
/* Point results/<latest> at rf's folder, atomically (a new link renamed
 * over the old).  0, or -1 with f set. */
int  runfolder_link_latest(struct runfolder *rf, struct wfault *f);
/* Read <casedir>/result.txt. */
int  runfolder_read_case(const char *casedir, struct case_result *r,
                         char *err, size_t errsize);
/* Set r->expected from the baseline of the libc the case reported. */
void runfolder_expect(struct runfolder *rf, struct case_result *r);
/* Where r's expected verdict came from, for a diff's label: the baseline
 * file that holds the case, else "--expect on the command line". */
const char *runfolder_expect_source(const struct runfolder *rf,
                                    const struct case_result *r);

struct finish_opts {
	size_t planned;       /* cases the run meant to run */
	bool   incomplete;    /* not every planned case is here (exit 1) */
	bool   interrupted;   /* this process was stopped by a signal (exit 130) */
	bool   strict;        /* INCONCLUSIVE fails (exit 1, not 4); with a
	                       * baseline folder, so does no expectation */
	bool   json;          /* --json: stdout holds JSON Lines only (the
	                       * runner wrote them), so no table or grid */
	unsigned shard_k, shard_n; /* the run is slice K of N (1/1: all) */
	size_t matrix;        /* cases of the whole matrix, before sharding */
	const char *matrix_id; /* its identity (runrec.h); NULL: not known */
};
/* Write the reports, point results/<latest> at them, print the table and
 * grid; returns the exit status.  When a report cannot be written, the
 * ones written are removed again, latest stays, and the last line is the
 * fault's (exit 3). */
int  runfolder_finish(struct runfolder *rf, const struct case_result *r,
                      size_t n, const struct finish_opts *fo);
void runfolder_free(struct runfolder *rf);

#endif
