/*
 * check_earlyexit.c - a command that failed before its first lookup: when
 * that is an error rather than a verdict, how its end is said, and the
 * last lines of its stderr (blank lines, no final newline, control bytes,
 * long lines, small buffers).
 */
#include <check.h>
#include <string.h>
#include "earlyexit.h"
#include "suites.h"
#include "testutil.h"

static const struct {
	bool ended;
	int code, sig;      /* sig: the signal that killed it, 0: it exited */
	size_t queries;
	bool skip;
	int rc;
	const char *how;
} cases[] = {
	{ true, 1, 0, 0, false, 1, "exit 1" },
	{ true, 127, 0, 0, false, 1, "exit 127" },
	{ true, 137, 9, 0, false, 1, "killed by signal 9, SIGKILL" },
	{ true, 139, 11, 0, false, 1, "killed by signal 11, SIGSEGV" },
	{ true, 153, 25, 0, false, 1, "killed by signal 25, SIGXFSZ" },
	{ true, 0, 11, 0, false, 1, "killed by signal 11, SIGSEGV" },  /* code not read */
	{ true, 162, 34, 0, false, 1, "killed by signal 34" },   /* unnamed */
	/* exit(139) is an exit status, not SIGSEGV (sh -c 'exit 139') */
	{ true, 139, 0, 0, false, 1, "exit 139" },
	{ true, 137, 0, 0, false, 1, "exit 137" },
	{ true, 200, 0, 0, false, 1, "exit 200" },
	{ true, 0, 0, 0, false, 0, "" },       /* exit 0: INCONCLUSIVE, as before */
	{ true, 1, 0, 1, false, 0, "" },       /* it looked up: a verdict */
	{ true, 139, 11, 1, false, 0, "" },    /* killed after a lookup: a verdict */
	{ false, 1, 0, 0, false, 0, "" },      /* still running */
	{ true, -1, 0, 0, false, 0, "" },      /* no status */
	{ true, 77, 0, 0, true, 0, "" },       /* a probe's SKIP */
};

START_TEST(test_check)
{
	char how[96] = "";
	int rc = earlyexit_check(cases[_i].ended, cases[_i].code, cases[_i].sig,
	                         cases[_i].queries, cases[_i].skip, how, sizeof how);
	ck_assert_int_eq(rc, cases[_i].rc);
	if (rc)
		ck_assert_str_eq(how, cases[_i].how);
}
END_TEST

static const struct { const char *text; unsigned lines; const char *tail; } tails[] = {
	{ "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n"
	  "ModuleNotFoundError: No module named 'nonexistent'\n", 2,
	  "  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'nonexistent'" },
	{ "sh: 1: missing: not found\n", 5, "sh: 1: missing: not found" },
	{ "a\n\n  \nb", 5, "a\nb" },          /* blank lines skipped, no final newline */
	{ "a\r\nb\r\n", 5, "a?\nb?" },
	{ "x\001y\n", 1, "x?y" },
	{ "\n\n\n", 3, "" },
	{ "", 3, "" },
	{ "one\n", 0, "" },
};

START_TEST(test_tail)
{
	char buf[512];
	earlyexit_tail(tails[_i].text, strlen(tails[_i].text), tails[_i].lines,
	               buf, sizeof buf);
	ck_assert_str_eq(buf, tails[_i].tail);
}
END_TEST

START_TEST(test_tail_limits)
{
	static char big[2000];
	char buf[400], small[8], last[16];
	memset(big, 'x', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	earlyexit_tail(big, strlen(big), 3, buf, sizeof buf);
	ck_assert_uint_eq(strlen(buf), 300);   /* a line is cut to 300 bytes */
	/* too little room: the newest line wins, the older is left out */
	earlyexit_tail("abcdefghij\nk\n", 13, 2, small, sizeof small);
	ck_assert_str_eq(small, "k");
	earlyexit_tail("abcdefghij\nklmnopqrst\n", 22, 2, small, sizeof small);
	ck_assert_str_eq(small, "klmnopq");
	/* five 300-byte lines and a short last one in 1024 bytes: the last
	 * is there, whole, at the end */
	{
		static char many[2000];
		size_t m = 0;
		for (int i = 0; i < 4; i++) {
			memset(many + m, '1' + i, 300);
			m += 300;
			many[m++] = '\n';
		}
		m += (size_t)sprintf(many + m, "FATAL: the real last line\n");
		char tail[1024], line[320];
		earlyexit_tail(many, m, 5, tail, sizeof tail);
		earlyexit_last_line(tail, line, sizeof line);
		ck_assert_str_eq(line, "FATAL: the real last line");
		ck_assert_uint_lt(strlen(tail), sizeof tail);
		ck_assert_ptr_null(strchr(tail, '1'));   /* the oldest left out */
		ck_assert_ptr_nonnull(strchr(tail, '4'));
	}
	earlyexit_tail("a\n", 2, 1, small, 1);
	ck_assert_str_eq(small, "");
	/* not terminated: only len bytes are read */
	earlyexit_tail("abcXYZ", 3, 1, small, sizeof small);
	ck_assert_str_eq(small, "abc");
	earlyexit_last_line("first\nModuleNotFoundError: x", last, sizeof last);
	ck_assert_str_eq(last, "ModuleNotFoundE");
	earlyexit_last_line("only", last, sizeof last);
	ck_assert_str_eq(last, "only");
}
END_TEST

Suite *earlyexit_suite(void)
{
	Suite *s = suite_create("earlyexit");
	TCase *core = tcase_create("Core");
	tcase_add_loop_test(core, test_check, 0, NROWS(cases));
	tcase_add_loop_test(core, test_tail, 0, NROWS(tails));
	suite_add_tcase(s, core);
	TCase *lim = tcase_create("Limits");
	tcase_add_test(lim, test_tail_limits);
	suite_add_tcase(s, lim);
	return s;
}
