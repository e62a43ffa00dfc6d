/*
 * check_runrec.c - run.txt, a run's record: written with the reports,
 * read back by merge, and refused when it is not one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runrec.h"
#include "version.h"
#include "suites.h"
#include "testutil.h"

static char *report_text(const struct run_info *ri, size_t n)
{
	struct memout m;
	runrec_report(memout_open(&m), ri, NULL, n);
	return memout_text(&m);
}

START_TEST(test_report)
{
	struct run_info ri = { .run = "20260127-101500-4242",
	                       .host = "Linux 6.1.0 x86_64", .planned = 12,
	                       .shard_k = 2, .shard_n = 3, .matrix = 36,
	                       .matrix_id = "5e0a2b4c6d8e0f12" };
	char *text = report_text(&ri, 12), want[512];
	snprintf(want, sizeof want, "run\t20260127-101500-4242\n"
	         "host\tLinux 6.1.0 x86_64\n"
	         "version\t%s\n"
	         "complete\tyes\n"
	         "planned\t12\n"
	         "cases\t12\n"
	         "shard_k\t2\n"
	         "shard_n\t3\n"
	         "matrix\t36\n"
	         "matrix_id\t5e0a2b4c6d8e0f12\n", whichns_version);
	ck_assert_text(text, want);
	free(text);
	/* Interrupted, or a shard cut short: not complete. */
	ri.interrupted = true;
	ri.host = NULL;
	ri.shard_k = ri.shard_n = 0;
	ri.matrix = 0;
	ri.matrix_id = NULL;
	text = report_text(&ri, 5);
	/* A run that is not a shard is shard 1/1 of its planned cases. */
	snprintf(want, sizeof want, "run\t20260127-101500-4242\nhost\t\n"
	         "version\t%s\ncomplete\tno\nplanned\t12\ncases\t5\n"
	         "shard_k\t1\nshard_n\t1\nmatrix\t12\nmatrix_id\t\n",
	         whichns_version);
	ck_assert_text(text, want);
	free(text);
}
END_TEST

START_TEST(test_round_trip)
{
	struct run_record a = { .complete = true, .planned = 300, .cases = 299,
	                        .shard_k = 7, .shard_n = 9, .matrix = 2700,
	                        .matrix_id = "ffffffffffffffff" };
	memset(a.run, 'r', sizeof a.run - 1);      /* the longest each holds */
	memset(a.host, 'h', sizeof a.host - 1);
	struct memout m;
	ck_assert_int_eq(runrec_write(memout_open(&m), &a), 0);
	char *text = memout_text(&m), err[200] = "";
	struct run_record b;
	ck_assert_msg(runrec_parse(text, strlen(text), &b, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(b.run, a.run);
	ck_assert_str_eq(b.host, a.host);
	ck_assert(b.complete);
	ck_assert_uint_eq(b.planned, 300);
	ck_assert_uint_eq(b.cases, 299);
	ck_assert_uint_eq(b.shard_k, 7);
	ck_assert_uint_eq(b.shard_n, 9);
	ck_assert_uint_eq(b.matrix, 2700);
	ck_assert_str_eq(b.matrix_id, "ffffffffffffffff");
	free(text);
}
END_TEST

/* A newer whichns may add keys; a record that never says complete is not. */
START_TEST(test_partial)
{
	const char text[] = "run\tmerged-1\nwhat\tnew\n\nplanned\t3\n";
	struct run_record r;
	char err[200] = "";
	ck_assert_int_eq(runrec_parse(text, strlen(text), &r, err, sizeof err), 0);
	ck_assert_str_eq(r.run, "merged-1");
	ck_assert(!r.complete);
	ck_assert_uint_eq(r.planned, 3);
	/* Written before shards were recorded: 0/0, which merge skips. */
	ck_assert_uint_eq(r.shard_n, 0);
	ck_assert_uint_eq(r.matrix, 0);
	ck_assert_str_eq(r.matrix_id, "");
}
END_TEST

/* A matrix's identity: its case names in order, each with a newline,
 * through SHA-256, first 16 hex digits.  The wanted values are
 * "printf 'NAME\n...' | sha256sum | cut -c1-16". */
static const struct { const char *names[3]; const char *id; } id_rows[] = {
	{ { NULL }, "e3b0c44298fc1c14" },
	{ { "getip/inplace/default", "res_loop/inplace/default", NULL },
	  "e0951d195772033a" },
	/* the same names in another order are another matrix */
	{ { "res_loop/inplace/default", "getip/inplace/default", NULL },
	  "1a0d33d88938a1ca" },
};

START_TEST(test_matrix_id)
{
	struct sha256 h;
	char id[RUNREC_MATRIX_ID_LEN + 1];
	runrec_matrix_init(&h);
	for (size_t k = 0; id_rows[_i].names[k]; k++)
		runrec_matrix_add(&h, id_rows[_i].names[k]);
	runrec_matrix_id(&h, id);
	ck_assert_str_eq(id, id_rows[_i].id);
}
END_TEST

static const struct { const char *text, *err; } bad_rows[] = {
	{ "", "no 'run' line" },
	{ "complete\tyes\n", "no 'run' line" },
	{ "run\tx\ncomplete\ttrue\n", "line 2: bad value for complete" },
	{ "run\tx\nplanned\t-1\n", "line 2: bad value for planned" },
	{ "run\tx\ncases\t12 cases\n", "line 2: bad value for cases" },
	{ "run\tx\ncomplete yes\n", "line 2: expected key<TAB>value" },
	{ "run\tx\nshard_k\t3\nshard_n\t2\n", "shard 3/2 is not one" },
	{ "run\tx\nshard_k\t0\nshard_n\t2\n", "shard 0/2 is not one" },
	{ "run\tx\nshard_k\t1\n", "shard 1/0 is not one" },
	{ "run\tx\nshard_n\t-2\n", "line 2: bad value for shard_n" },
	{ "run\tx\nmatrix_id\t0123456789ABCDEF\n",
	  "matrix_id 0123456789ABCDEF is not 16 hex digits" },
	{ "run\tx\nmatrix_id\t0123456789abcde\n",
	  "matrix_id 0123456789abcde is not 16 hex digits" },
	{ "run\tx\nmatrix_id\t0123456789abcdef0\n", "line 2: bad value for matrix_id" },
	{ "run\t" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	  "line 1: bad value for run" },
};

START_TEST(test_malformed)
{
	struct run_record r;
	char err[200] = "";
	const char *text = bad_rows[_i].text;
	ck_assert_int_eq(runrec_parse(text, strlen(text), &r, err, sizeof err), -1);
	ck_assert_str_eq(err, bad_rows[_i].err);
}
END_TEST

Suite *runrec_suite(void)
{
	Suite *s = suite_create("runrec");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_partial);
	tcase_add_loop_test(tc, test_matrix_id, 0, NROWS(id_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NROWS(bad_rows));
	suite_add_tcase(s, tc);
	return s;
}
