/*
 * check_impact.c - the application impact from made-up probe lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "impact.h"
#include "suites.h"

#define T0 1795663440.0   /* the first lookup */
#define SW 1795663450.0   /* the switch */

/* A lookup line started at t with duration ms (< 0: the old form,
 * without the column). */
static void add(char *buf, size_t size, double t, const char *status,
                double ms)
{
	size_t n = strlen(buf);
	if (ms >= 0)
		snprintf(buf + n, size - n, "%.6f\tgetaddrinfo\that.com\tA\t%s\t"
		         "203.0.113.203\tms=%.3f\n", t, status, ms);
	else
		snprintf(buf + n, size - n, "%.6f\tgetaddrinfo\that.com\tA\t%s\t"
		         "203.0.113.203\n", t, status);
}

static struct app_impact run(const char *text, double t_switch, double t_end)
{
	struct app_impact a;
	ck_assert_int_eq(impact_from_text(text, strlen(text), t_switch, t_end,
	                                  &a), 0);
	return a;
}

/* ---- Core ---- */

/* Ten lookups of 1..10 ms before; after: a failure, a slow one, then
 * good ones: recovered at the first good lookup of the last run. */
START_TEST(test_recovered)
{
	static char text[16384];
	text[0] = '\0';
	strcat(text, "#libc\tglibc 2.36\n#probe\tgetip\tgetaddrinfo\t42\n");
	for (int i = 0; i < 10; i++)
		add(text, sizeof text, T0 + i * 0.1, "ok", i + 1);
	add(text, sizeof text, SW + 0.1, "EAI_AGAIN", 5000);
	add(text, sizeof text, SW + 5.2, "ok", 5003);   /* slow */
	add(text, sizeof text, SW + 10.3, "ok", 2);     /* good from here */
	add(text, sizeof text, SW + 10.4, "ok", 1);
	add(text, sizeof text, SW + 10.5, "ok", 3);
	struct app_impact a = run(text, SW, SW + 20);

	ck_assert(a.measured);
	ck_assert_uint_eq(a.before.lookups, 10);
	ck_assert_uint_eq(a.before.failed, 0);
	ck_assert_double_eq_tol(a.before.median_ms, 5, 1e-9);   /* nearest rank */
	ck_assert_double_eq_tol(a.before.p95_ms, 10, 1e-9);
	ck_assert_double_eq_tol(a.before.max_ms, 10, 1e-9);
	ck_assert_uint_eq(a.after.lookups, 5);
	ck_assert_uint_eq(a.after.failed, 1);
	ck_assert_double_eq_tol(a.after.median_ms, 3, 1e-9);
	ck_assert_double_eq_tol(a.after.max_ms, 5003, 1e-9);
	ck_assert_double_eq_tol(a.after.p95_ms, 5003, 1e-9);
	ck_assert_double_eq_tol(a.slow_bound_ms, 110, 1e-9);   /* 10 + 100 */
	ck_assert_uint_eq(a.slow_after, 1);
	ck_assert_int_eq(a.recovery, IMP_RECOVERED);
	ck_assert_double_eq_tol(a.recovered_ms, 10300, 1e-3);
	ck_assert_uint_eq(a.bad_lines, 0);
}
END_TEST

START_TEST(test_not_affected)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 0.5);
	add(text, sizeof text, SW + 0.05, "ok", 0.7);
	add(text, sizeof text, SW + 0.15, "ok", 99.0);   /* within 100 ms more */
	struct app_impact a = run(text, SW, -1);
	ck_assert_int_eq(a.recovery, IMP_NOT_AFFECTED);
	ck_assert_double_eq(a.recovered_ms, -1);
	ck_assert_uint_eq(a.slow_after, 0);
}
END_TEST

/* Every lookup after the switch pays the timeout: never recovered. */
START_TEST(test_never)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 1);
	add(text, sizeof text, SW + 0.1, "ok", 5001);
	add(text, sizeof text, SW + 5.2, "ok", 1.0);
	add(text, sizeof text, SW + 5.3, "ok", 5001);
	struct app_impact a = run(text, SW, SW + 12);
	ck_assert_int_eq(a.recovery, IMP_NEVER);
	ck_assert_uint_eq(a.slow_after, 2);
	ck_assert_uint_eq(a.after.failed, 0);
}
END_TEST

/* A switch with no lookup line after it in the window: never (none
 * finished); lookups after the window's end are left out. */
START_TEST(test_none_after)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 1);
	add(text, sizeof text, SW + 30, "ok", 1);   /* after t_end */
	struct app_impact a = run(text, SW, SW + 10);
	ck_assert_uint_eq(a.after.lookups, 0);
	ck_assert_double_eq(a.after.median_ms, -1);
	ck_assert_int_eq(a.recovery, IMP_NEVER);
}
END_TEST

START_TEST(test_no_switch)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 1);
	add(text, sizeof text, SW + 1, "ok", 3);
	struct app_impact a = run(text, -1, -1);
	ck_assert(a.measured);
	ck_assert_uint_eq(a.before.lookups, 2);
	ck_assert_uint_eq(a.after.lookups, 0);
	ck_assert_int_eq(a.recovery, IMP_NO_SWITCH);
	ck_assert_double_eq(a.slow_bound_ms, -1);
}
END_TEST

/* No lookup before the switch: the bound is the margin alone. */
START_TEST(test_no_before)
{
	char text[4096] = "";
	add(text, sizeof text, SW + 0.1, "ok", 150);
	add(text, sizeof text, SW + 0.3, "ok", 20);
	add(text, sizeof text, SW + 0.4, "ok", 99);
	add(text, sizeof text, SW + 0.5, "ok", 1);
	struct app_impact a = run(text, SW, -1);
	ck_assert_double_eq_tol(a.slow_bound_ms, IMPACT_SLOW_MARGIN_MS, 1e-9);
	ck_assert_int_eq(a.recovery, IMP_RECOVERED);
	ck_assert_double_eq_tol(a.recovered_ms, 300, 1e-3);
	ck_assert_uint_eq(a.good_run, 3);
}
END_TEST

/* rotate over a dead server: every other lookup pays the timeout; the
 * window ending on a good one is no recovery. */
START_TEST(test_alternating)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 1);
	for (int i = 0; i < 4; i++) {
		add(text, sizeof text, SW + 0.2 + 5.2 * i, "ok", 1);
		add(text, sizeof text, SW + 0.4 + 5.2 * i, "ok", 5004);
	}
	add(text, sizeof text, SW + 21, "ok", 1);
	add(text, sizeof text, SW + 21.2, "ok", 2);
	struct app_impact a = run(text, SW, -1);
	ck_assert_int_eq(a.recovery, IMP_UNSETTLED);
	ck_assert_uint_eq(a.good_run, 2);
	ck_assert_double_eq(a.recovered_ms, -1);
	ck_assert_uint_eq(a.slow_after, 4);
	char buf[512];
	ck_assert_str_eq(impact_summary(&a, buf, sizeof buf), "not settled by "
	                 "the window's end: only the last 2 lookups were good (3 "
	                 "needed), after 0 of 10 failed and 4 slow (median 1.0 ms, "
	                 "max 5004.0 ms; before: median 1.0 ms, p95 1.0 ms)");
	/* One more good one: recovered, from the first of the three. */
	add(text, sizeof text, SW + 21.4, "ok", 1);
	a = run(text, SW, -1);
	ck_assert_int_eq(a.recovery, IMP_RECOVERED);
	ck_assert_double_eq_tol(a.recovered_ms, 21000, 1e-3);
	ck_assert_uint_eq(a.good_run, 3);
}
END_TEST

/* Lines in the output out of time order (two threads): sorted first. */
START_TEST(test_out_of_order)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 1);
	add(text, sizeof text, SW + 2, "ok", 1);
	add(text, sizeof text, SW + 4, "ok", 1);
	add(text, sizeof text, SW + 1, "EAI_AGAIN", 1);
	add(text, sizeof text, SW + 3, "ok", 1);
	struct app_impact a = run(text, SW, -1);
	ck_assert_int_eq(a.recovery, IMP_RECOVERED);
	ck_assert_double_eq_tol(a.recovered_ms, 2000, 1e-3);
}
END_TEST

/* Fed one byte at a time, the same as at once. */
START_TEST(test_pieces)
{
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", 4);
	add(text, sizeof text, SW + 1, "NXDOMAIN", 2);
	add(text, sizeof text, SW + 2, "ok", 1);
	add(text, sizeof text, SW + 3, "ok", 1);
	add(text, sizeof text, SW + 4, "ok", 1);
	struct impact_reader r;
	struct app_impact a, b = run(text, SW, -1);
	impact_reader_init(&r, SW, -1);
	for (size_t i = 0; text[i]; i++)
		impact_reader_feed(&r, text + i, 1);
	ck_assert_int_eq(impact_reader_finish(&r, &a), 0);
	impact_reader_free(&r);
	ck_assert_uint_eq(a.before.lookups, b.before.lookups);
	ck_assert_uint_eq(a.after.lookups, 4);
	ck_assert_uint_eq(a.after.failed, 1);
	ck_assert_uint_eq(b.after.failed, 1);
	ck_assert_double_eq(a.before.median_ms, b.before.median_ms);
	ck_assert_double_eq(a.after.max_ms, b.after.max_ms);
	ck_assert_int_eq(a.recovery, b.recovery);
	ck_assert_double_eq(a.recovered_ms, b.recovered_ms);
	ck_assert_int_eq(a.recovery, IMP_RECOVERED);
}
END_TEST

/* ---- Lines ---- */

struct line_row {
	const char *line;
	int    rc;
	double ms;
	bool   ok;
};

static const struct line_row line_rows[] = {
	{ "1795663444.500000\tgetaddrinfo\that.com\tA\tok\t203.0.113.203\tms=1.250", 1, 1.25, true },
	{ "1795663444.5\tres_query\that.com\tMX\tok\t10 mail-203.hat.com\tms=0", 1, 0, true },
	/* The old form, without a duration. */
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tok\t203.0.113.203", 1, -1, true },
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tEAI_AGAIN\t-\tms=5000.125", 1, 5000.125, false },
	/* A newer column before or after ms=. */
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tok\t-\tx=1\tms=2", 1, 2, true },
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tok\t-\tms=2\tx=1", 1, 2, true },
	/* Not lookup lines: skipped. */
	{ "#libc\tglibc 2.36", 0, 0, false },
	{ "#reinit\t1795663444.5", 0, 0, false },
	{ "", 0, 0, false },
	{ "203.0.113.203", 0, 0, false },
	{ "1795663444.5 getaddrinfo hat.com A ok -", 0, 0, false },   /* no tab */
	{ "999999999.5\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },      /* < 1e9 */
	{ "10000000000\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },      /* >= 1e10 */
	{ "inf\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },
	{ "0x6b0a8e90\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },
	{ " 1795663444.5\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },
	{ "1795663444.5.1\tgetaddrinfo\th\tA\tok\t-", 0, 0, false },
	/* Start like one, broken: counted as bad. */
	{ "1795663444.5\tgetaddrinfo\that.com\tA\tok", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\that.com\tA\t\t-", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=-1", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=nan", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=1e3", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=10000001", -1, 0, false },
	{ "1795663444.5\tgetaddrinfo\th\tA\tok\t-\tms=1.2.3", -1, 0, false },
};

START_TEST(test_line)
{
	const struct line_row *w = &line_rows[_i];
	double t = 0, ms = 99;
	bool ok = false;
	int rc = impact_parse_line(w->line, &t, &ms, &ok);
	ck_assert_msg(rc == w->rc, "'%s': %d, want %d", w->line, rc, w->rc);
	if (rc == 1) {
		ck_assert_double_eq_tol(t, 1795663444.5, 1e-6);
		ck_assert_double_eq_tol(ms, w->ms, 1e-9);
		ck_assert(ok == w->ok);
	}
}
END_TEST

/* ---- Malformed ---- */

/* Garbage around good lines: the good ones count, the broken ones are
 * counted as bad lines, the rest (any other program's) skipped. */
START_TEST(test_garbage)
{
	static char text[16384];
	char big[IMPACT_LINE_MAX + 64];
	memset(big, '7', sizeof big - 1);
	big[10] = '\t';
	big[sizeof big - 1] = '\0';
	text[0] = '\0';
	strcat(text, "hello world\n\n\n\t\t\t\n");
	add(text, sizeof text, T0, "ok", 2);
	strcat(text, "1795663444.5\tgetaddrinfo\that.com\n");   /* cut short */
	strcat(text, big);                                    /* overlong */
	strcat(text, "\n\xff\xfe\x01 binary\r\n");
	add(text, sizeof text, SW + 1, "ok", 3);
	strcat(text, "1795663451.0\tgetaddrinfo\that.com\tA\tok\t-\tms=1");   /* no '\n' */
	struct app_impact a = run(text, SW, -1);
	ck_assert_uint_eq(a.before.lookups, 1);
	ck_assert_uint_eq(a.after.lookups, 2);
	ck_assert_uint_eq(a.bad_lines, 2);
	ck_assert_int_eq(a.recovery, IMP_NOT_AFFECTED);

	/* A NUL inside a line: not a lookup line, whatever follows. */
	static const char nul[] = "1795663451.0\tgetaddrinfo\th\tA\tok\t-\0\tms=1\n";
	struct app_impact b;
	ck_assert_int_eq(impact_from_text(nul, sizeof nul - 1, SW, -1, &b), 0);
	ck_assert_uint_eq(b.after.lookups, 0);
	ck_assert_uint_eq(b.bad_lines, 1);
	ck_assert(!b.measured);
}
END_TEST

/* Any other program: not measured.  Old probe lines: lookups counted,
 * not measured. */
START_TEST(test_not_measured)
{
	struct app_impact a = run("Server: nginx\n203.0.113.203\n", SW, -1);
	ck_assert(!a.measured);
	ck_assert_uint_eq(a.before.lookups + a.after.lookups, 0);
	ck_assert_int_eq(a.recovery, IMP_NOT_MEASURED);
	char text[4096] = "";
	add(text, sizeof text, T0, "ok", -1);
	add(text, sizeof text, SW + 1, "EAI_AGAIN", -1);
	a = run(text, SW, -1);
	ck_assert(!a.measured);
	ck_assert_uint_eq(a.before.lookups, 1);
	ck_assert_uint_eq(a.after.failed, 1);
	ck_assert_int_eq(a.recovery, IMP_NOT_MEASURED);
	ck_assert_double_eq(a.before.median_ms, -1);
}
END_TEST

START_TEST(test_names)
{
	for (int i = IMP_NOT_MEASURED; i <= IMP_UNSETTLED; i++) {
		enum impact_recovery r;
		ck_assert_int_eq(impact_recovery_parse(impact_recovery_name(i), &r), 0);
		ck_assert_int_eq(r, i);
	}
	enum impact_recovery r;
	ck_assert_int_eq(impact_recovery_parse("Never", &r), -1);
	ck_assert_str_eq(impact_recovery_name((enum impact_recovery)99), "not measured");
}
END_TEST

Suite *impact_suite(void)
{
	Suite *s = suite_create("impact");
	TCase *core = tcase_create("Core");
	tcase_add_test(core, test_recovered);
	tcase_add_test(core, test_not_affected);
	tcase_add_test(core, test_never);
	tcase_add_test(core, test_none_after);
	tcase_add_test(core, test_no_switch);
	tcase_add_test(core, test_no_before);
	tcase_add_test(core, test_alternating);
	tcase_add_test(core, test_out_of_order);
	tcase_add_test(core, test_pieces);
	tcase_add_test(core, test_names);
	suite_add_tcase(s, core);
	TCase *lines = tcase_create("Lines");
	tcase_add_loop_test(lines, test_line, 0,
	                    sizeof line_rows / sizeof line_rows[0]);
	suite_add_tcase(s, lines);
	TCase *bad = tcase_create("Malformed");
	tcase_add_test(bad, test_garbage);
	tcase_add_test(bad, test_not_measured);
	suite_add_tcase(s, bad);
	return s;
}
