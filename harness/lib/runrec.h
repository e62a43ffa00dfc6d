/*
 * runrec.h - run.txt: what a run folder says of itself, for programs.
 *
 * Owns: the run record written with a run's reports ("key<TAB>value"
 * lines, kvrec.h): its id, its host, whether every planned case ran, how
 * many were planned and how many are in the reports, which shard of how
 * many it is, how many cases the whole matrix has and which matrix it is
 * (matrix_id: a digest of its case names, so that shards of two matrices
 * of one size are told apart).  "whichns merge"
 * reads it to tell a shard that was interrupted (complete no) from one
 * killed before it wrote its reports (no run.txt), and to find a shard
 * that is missing.
 * Never: opens files; nor does anything read summary.json's formatting
 * to learn these.
 */
#ifndef WHICHNS_RUNREC_H
#define WHICHNS_RUNREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "report.h"
#include "sha256.h"

#define RUNREC_MATRIX_ID_LEN 16

struct run_record {
	char run[96];
	char host[400];
	char version[128];             /* whichns --version of its writer */
	bool complete;                 /* every planned case ran */
	unsigned long long planned;    /* cases the run meant to run */
	unsigned long long cases;      /* cases in its reports */
	unsigned shard_k, shard_n;     /* slice K of N; 0/0 in a record written
	                                * before shards were recorded */
	unsigned long long matrix;     /* cases of the matrix, before sharding */
	char matrix_id[RUNREC_MATRIX_ID_LEN + 1]; /* "" in a record written
	                               * before matrices were named */
};

/* The matrix's identity, built from its case names in the order they
 * run (after filters and --libc, before sharding): the first 16 hex
 * digits of the SHA-256 of "NAME\n" for each case.  Start with
 * runrec_matrix_init, add every name, then runrec_matrix_id. */
void runrec_matrix_init(struct sha256 *h);
void runrec_matrix_add(struct sha256 *h, const char *name);
void runrec_matrix_id(struct sha256 *h, char id[static RUNREC_MATRIX_ID_LEN + 1]);

int  runrec_write(FILE *f, const struct run_record *rec);
/* run.txt of the run ri whose reports hold r[0..n): a report like those
 * of report.h, so that it is written with them, all or none. */
void runrec_report(FILE *f, const struct run_info *ri,
                   const struct case_result *r, size_t n);
/* 0, or -1 with err "line N: what", "no 'run' line", "shard K/N
 * is not one", or "matrix_id X is not 16 hex digits". */
int  runrec_parse(const char *text, size_t len, struct run_record *rec,
                  char *err, size_t errsize);

#endif
