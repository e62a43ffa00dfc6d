/*
 * check_expect.c - expected-verdict files: "CASE VERDICT reason" lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"
#include "suites.h"
#include "testutil.h"

/* Every entry as "name|VERDICT|why" lines: one text to compare. */
static void dump(const struct expect *x, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < x->n && n < size; i++) {
		int k = snprintf(buf + n, size - n, "%s|%s|%s\n", x->e[i].name,
		                 verdict_name(x->e[i].v), x->e[i].why);
		ck_assert_int_ge(k, 0);
		n += (size_t)k;
	}
}

static const char valid_text[] =
	"# Expected verdicts on glibc 2.36\n"
	"   # an indented comment\n"
	"\n"
	"\t\n"
	"getip/inplace/default           FOLLOWED  glibc >= 2.26 stats resolv.conf\n"
	"res_loop/inplace/no-reload\tLATE\tno-reload;  res_init  every 5 rounds\n"
	"getip/rename/no-reload  stale\n"
	"bookworm:getip/symlink/default Inconclusive   why: \"quoted\" # kept\n"
	"crlf/case  MIXED  ends in CR LF\r\n"
	"\r\n"
	"last/line SILENT no newline at the end";

START_TEST(test_valid)
{
	struct expect x;
	char err[256] = "", got[2048];
	ck_assert_int_eq(expect_parse(valid_text, sizeof valid_text - 1,
	                              "glibc-2.36", &x, err, sizeof err), 0);
	ck_assert_str_eq(x.source, "glibc-2.36");
	dump(&x, got, sizeof got);
	ck_assert_str_eq(got,
		"getip/inplace/default|FOLLOWED|glibc >= 2.26 stats resolv.conf\n"
		"res_loop/inplace/no-reload|LATE|no-reload;  res_init  every 5 rounds\n"
		"getip/rename/no-reload|STALE|\n"
		"bookworm:getip/symlink/default|INCONCLUSIVE|why: \"quoted\" # kept\n"
		"crlf/case|MIXED|ends in CR LF\n"
		"last/line|SILENT|no newline at the end\n");
	expect_free(&x);
	ck_assert_ptr_null(x.e);
	ck_assert_uint_eq(x.n, 0);
}
END_TEST

START_TEST(test_find)
{
	struct expect x;
	char err[256] = "";
	ck_assert_int_eq(expect_parse(valid_text, sizeof valid_text - 1, "e",
	                              &x, err, sizeof err), 0);
	const struct expect_entry *e = expect_find(&x, "getip/rename/no-reload");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->v, V_STALE);
	e = expect_find(&x, "res_loop/inplace/no-reload");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->v, V_LATE);
	ck_assert_str_eq(e->why, "no-reload;  res_init  every 5 rounds");
	/* Whole names only, and exactly as written. */
	ck_assert_ptr_null(expect_find(&x, "getip/rename"));
	ck_assert_ptr_null(expect_find(&x, "GETIP/rename/no-reload"));
	ck_assert_ptr_null(expect_find(&x, "getip/symlink/default"));
	ck_assert_ptr_null(expect_find(&x, ""));
	expect_free(&x);
	ck_assert_ptr_null(expect_find(&x, "getip/rename/no-reload"));
}
END_TEST

START_TEST(test_empty)
{
	struct expect x;
	char err[64] = "";
	ck_assert_int_eq(expect_parse("", 0, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(x.n, 0);
	ck_assert_ptr_null(expect_find(&x, "a"));
	expect_free(&x);
	ck_assert_int_eq(expect_parse("# only\n\n", 8, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(x.n, 0);
	expect_free(&x);
}
END_TEST

/* Many entries: the table grows and every entry stays findable. */
START_TEST(test_many)
{
	struct memout m;
	FILE *f = memout_open(&m);
	for (int i = 0; i < 300; i++)
		fprintf(f, "case/%d %s reason %d\n", i, i % 2 ? "LATE" : "STALE", i);
	char *text = memout_text(&m);
	struct expect x;
	char err[128] = "";
	ck_assert_int_eq(expect_parse(text, m.size, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(x.n, 300);
	for (int i = 0; i < 300; i++) {
		char name[32], why[32];
		snprintf(name, sizeof name, "case/%d", i);
		snprintf(why, sizeof why, "reason %d", i);
		const struct expect_entry *e = expect_find(&x, name);
		ck_assert_msg(e != NULL, "%s not found", name);
		ck_assert_int_eq(e->v, i % 2 ? V_LATE : V_STALE);
		ck_assert_str_eq(e->why, why);
	}
	expect_free(&x);
	free(text);
}
END_TEST

/* Only len bytes are read. */
START_TEST(test_len_respected)
{
	const char text[] = "a FOLLOWED\nb BOGUS\n";
	struct expect x;
	char err[128] = "";
	ck_assert_int_eq(expect_parse(text, 11, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(x.n, 1);
	expect_free(&x);
	ck_assert_int_eq(expect_parse(text, sizeof text - 1, "e", &x, err,
	                              sizeof err), -1);
}
END_TEST

/* ---- Malformed ---- */

#define WANTED "expected 'CASE VERDICT reason', VERDICT one of FOLLOWED " \
               "LATE STALE MIXED SILENT INCONCLUSIVE; got "

static const struct {
	const char *name, *text, *err;
} bad_rows[] = {
	{ "unknown-verdict", "# c\na FOLLOWED\nb FOLOWED because\n",
	  "fixtures/expected/glibc-2.36:3: " WANTED "'FOLOWED'" },
	{ "none-is-no-verdict", "a NONE\n",
	  "fixtures/expected/glibc-2.36:1: " WANTED "'NONE'" },
	{ "name-only", "\n\nonlyname\n",
	  "fixtures/expected/glibc-2.36:3: " WANTED "''" },
	{ "name-only-crlf", "a STALE\nonlyname\r\n",
	  "fixtures/expected/glibc-2.36:2: " WANTED "''" },
	{ "verdict-with-suffix", "a LATE:2\n",
	  "fixtures/expected/glibc-2.36:1: " WANTED "'LATE:2'" },
	{ "duplicate", "a FOLLOWED\nb STALE\n\na LATE again\n",
	  "fixtures/expected/glibc-2.36:4: case a is listed twice" },
	{ "duplicate-other-case-spelling", "x/y STALE\nx/y stale\n",
	  "fixtures/expected/glibc-2.36:2: case x/y is listed twice" },
};

START_TEST(test_malformed)
{
	struct expect x;
	char err[512] = "";
	const char *t = bad_rows[_i].text;
	ck_assert_int_eq(expect_parse(t, strlen(t), "fixtures/expected/glibc-2.36",
	                              &x, err, sizeof err), -1);
	ck_assert_msg(strcmp(err, bad_rows[_i].err) == 0, "%s\n  want: %s\n  got:  %s",
	              bad_rows[_i].name, bad_rows[_i].err, err);
	/* A failed parse leaves nothing to free. */
	ck_assert_ptr_null(x.e);
	ck_assert_uint_eq(x.n, 0);
}
END_TEST

/* Past the 64 entries of the first allocation, a failure still frees. */
START_TEST(test_malformed_after_growth)
{
	char text[8192] = "";
	for (int i = 0; i < 100; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text),
		         "c%d FOLLOWED\n", i);
	strcat(text, "c7 STALE\n");
	struct expect x;
	char err[128] = "";
	ck_assert_int_eq(expect_parse(text, strlen(text), "e", &x, err,
	                              sizeof err), -1);
	ck_assert_str_eq(err, "e:101: case c7 is listed twice");
	ck_assert_ptr_null(x.e);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_line_length)
{
	char text[1200];
	struct expect x;
	char err[128] = "";

	/* 1023 characters: the longest line there is room for. */
	memset(text, ' ', sizeof text);
	memcpy(text, "a STALE", 7);
	text[1023] = '\n';
	ck_assert_int_eq(expect_parse(text, 1024, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(x.n, 1);
	expect_free(&x);

	/* 1024 characters on line 2. */
	memcpy(text, "#\n", 2);
	memset(text + 2, 'x', 1024);
	text[2 + 1024] = '\n';
	ck_assert_int_eq(expect_parse(text, 2 + 1025, "e", &x, err, sizeof err), -1);
	ck_assert_str_eq(err, "e:2: line too long");
	ck_assert_ptr_null(x.e);
}
END_TEST

START_TEST(test_name_length)
{
	char text[600], name[300];
	struct expect x;
	char err[128] = "";

	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(text, sizeof text, "%s FOLLOWED ok\n", name);
	ck_assert_int_eq(expect_parse(text, strlen(text), "e", &x, err, sizeof err), 0);
	ck_assert_ptr_nonnull(expect_find(&x, name));
	expect_free(&x);

	strcat(name, "n");   /* 256: one more than fits */
	snprintf(text, sizeof text, "#\n%s FOLLOWED ok\n", name);
	ck_assert_int_eq(expect_parse(text, strlen(text), "e", &x, err, sizeof err), -1);
	ck_assert_str_eq(err, "e:2: case name too long");
}
END_TEST

/* A reason longer than the entry holds is cut, not an overflow. */
START_TEST(test_why_length)
{
	char text[700];
	struct expect x;
	char err[128] = "";
	memset(text, 'w', sizeof text);
	memcpy(text, "a LATE ", 7);
	text[600] = '\n';
	ck_assert_int_eq(expect_parse(text, 601, "e", &x, err, sizeof err), 0);
	ck_assert_uint_eq(strlen(x.e[0].why), sizeof x.e[0].why - 1);
	expect_free(&x);
}
END_TEST

static const struct {
	const char *libc, *key;
} key_rows[] = {
	{ "glibc 2.36", "glibc-2.36" },
	{ "musl 1.2.3", "musl-1.2.3" },
	{ "glibc 2.41", "glibc-2.41" },
	{ "unknown", "unknown" },
	{ "glibc  2.31/x", "glibc--2.31-x" },
	{ "", "" },
};

/* A diff says where each side came from: the file, or the command line. */
START_TEST(test_diff)
{
	struct memout m;
	expect_diff(memout_open(&m), "/src/fixtures/expected/glibc-2.36",
	            "results/r/001-x/capture.pcap", "getip/inplace/default",
	            V_STALE, "LATE 2", "2 more lookups");
	char *got = memout_text(&m);
	ck_assert_str_eq(got, "--- expected (/src/fixtures/expected/glibc-2.36)\n"
	                      "+++ measured (results/r/001-x/capture.pcap)\n"
	                      "-getip/inplace/default STALE\n"
	                      "+getip/inplace/default LATE 2  (2 more lookups)\n");
	free(got);
	expect_diff(memout_open(&m), "--expect on the command line", "c.pcap",
	            "exec", V_FOLLOWED, "INCONCLUSIVE", "never switched");
	got = memout_text(&m);
	ck_assert_has(got, "--- expected (--expect on the command line)\n");
	ck_assert_ptr_null(strstr(got, "fixtures"));
	free(got);
}
END_TEST

START_TEST(test_libc_key)
{
	char buf[64];
	memset(buf, 'Z', sizeof buf);
	expect_libc_key(key_rows[_i].libc, buf, sizeof buf);
	ck_assert_str_eq(buf, key_rows[_i].key);
}
END_TEST

START_TEST(test_libc_key_small)
{
	char buf[6];
	memset(buf, 'Z', sizeof buf);
	expect_libc_key("glibc 2.36", buf, sizeof buf);
	ck_assert_str_eq(buf, "glibc");
	expect_libc_key("glibc 2.36", buf, 1);
	ck_assert_str_eq(buf, "");
}
END_TEST

Suite *expect_suite(void)
{
	Suite *s = suite_create("expect");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_len_respected);
	tcase_add_test(tc, test_diff);
	tcase_add_loop_test(tc, test_libc_key, 0, NROWS(key_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_why_length);
	tcase_add_test(tc, test_libc_key_small);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_malformed_after_growth);
	suite_add_tcase(s, tc);

	return s;
}
