/*
 * expect.h - expected verdicts: a regression baseline, never a result.
 *
 * fixtures/expected/<libc> (e.g. glibc-2.36) holds one line per case:
 *   CASE  VERDICT  reason...
 * Owns: parsing that text and looking a case up.  Never: opens files.
 */
#ifndef WHICHNS_EXPECT_H
#define WHICHNS_EXPECT_H

#include <stddef.h>
#include <stdio.h>
#include "verdict.h"

struct expect_entry {
	char name[256];
	enum verdict v;
	char why[256];
};

struct expect {
	char   source[256];
	size_t n, cap;
	struct expect_entry *e;
};

/* -1 with err "FILE:LINE: ..." on bad input.  Frees with expect_free. */
int  expect_parse(const char *text, size_t len, const char *source,
                  struct expect *x, char *err, size_t errsize);
const struct expect_entry *expect_find(const struct expect *x, const char *name);
void expect_free(struct expect *x);

/* A measured verdict that differs from its expectation, as a diff whose
 * labels say where each side came from:
 *   --- expected (SOURCE: the baseline file, or "--expect on the command line")
 *   +++ measured (MEASURED: the capture the verdict came from)
 *   -NAME EXPECTED
 *   +NAME FOUND  (REASON) */
void expect_diff(FILE *f, const char *source, const char *measured,
                 const char *name, enum verdict expected, const char *found,
                 const char *reason);

/* "glibc 2.36" -> "glibc-2.36": the file name of a libc's baseline. */
void expect_libc_key(const char *libc, char *buf, size_t size);

#endif
