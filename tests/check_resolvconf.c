/*
 * check_resolvconf.c - the text of a case's resolv.conf, and which
 * option words may reach it.
 */
#include <check.h>
#include <string.h>
#include "resolvconf.h"
#include "suites.h"
#include "testutil.h"
#include "wnconst.h"

static const struct {
	const char *name, *options, *expected;
} render_rows[] = {
	{ "default", "default",
	  "# whichns: old server\n"
	  "nameserver 198.51.100.10\n" },
	{ "no-reload", "no-reload",
	  "# whichns: old server\n"
	  "nameserver 198.51.100.10\n"
	  "options no-reload\n" },
	{ "two-words", "no-reload+single-request",
	  "# whichns: old server\n"
	  "nameserver 198.51.100.10\n"
	  "options no-reload single-request\n" },
	{ "values", "ndots:2+timeout:1+attempts:5",
	  "# whichns: old server\n"
	  "nameserver 198.51.100.10\n"
	  "options ndots:2 timeout:1 attempts:5\n" },
	{ "underscore-digits", "use_vc+inet6+edns0",
	  "# whichns: old server\n"
	  "nameserver 198.51.100.10\n"
	  "options use_vc inet6 edns0\n" },
};

START_TEST(test_render)
{
	char buf[512];
	int n = resolvconf_render(buf, sizeof buf, "old", WN_OLD4,
	                          render_rows[_i].options);
	ck_assert_msg(n >= 0, "%s: options '%s' rejected", render_rows[_i].name,
	              render_rows[_i].options);
	ck_assert_str_eq(buf, render_rows[_i].expected);
	ck_assert_int_eq(n, (int)strlen(render_rows[_i].expected));
}
END_TEST

START_TEST(test_render_new)
{
	char buf[256];
	int n = resolvconf_render(buf, sizeof buf, "new", WN_NEW4, "no-reload");
	ck_assert_str_eq(buf, "# whichns: new server\n"
	                      "nameserver 198.51.100.20\n"
	                      "options no-reload\n");
	ck_assert_int_eq(n, (int)strlen(buf));
}
END_TEST

/* Old and new files have the same size, so a reader that notices the
 * switch noticed it by inode or time stamps, not by size: with IPv4
 * servers and with IPv6 ones. */
START_TEST(test_same_length)
{
	static const struct {
		const char *old, *new_;
	} servers[] = { { WN_OLD4, WN_NEW4 }, { WN_OLD6, WN_NEW6 } };

	for (int k = 0; k < NROWS(servers); k++) {
		char old[512], new[512];
		int no = resolvconf_render(old, sizeof old, "old", servers[k].old,
		                           render_rows[_i].options);
		int nn = resolvconf_render(new, sizeof new, "new", servers[k].new_,
		                           render_rows[_i].options);
		ck_assert_int_gt(no, 0);
		ck_assert_int_eq(no, nn);
		ck_assert_uint_eq(strlen(old), strlen(new));
		ck_assert_str_ne(old, new);
	}
}
END_TEST

/* Words that must never reach a file. */
static const char *const bad_options[] = {
	"no reload",          /* a space would become a second word */
	"",
	"+",
	"a++b",
	"+no-reload",
	"no-reload+",
	"No-Reload",
	"NO-RELOAD",
	"x;rm",
	"rotate\nnameserver 192.0.2.1",
	"a/b",
	"ndots=2",
	"Default",
	"default+rotate+",
};

START_TEST(test_reject)
{
	char buf[512];
	const char *o = bad_options[_i];
	memcpy(buf, "untouched", 10);
	ck_assert_msg(resolvconf_options_valid(o) == -1,
	              "options_valid accepted '%s'", o);
	ck_assert_msg(resolvconf_render(buf, sizeof buf, "old", WN_OLD4, o) == -1,
	              "render accepted '%s'", o);
	ck_assert_str_eq(buf, "untouched");
}
END_TEST

static const char *const good_options[] = {
	"default", "no-reload", "single-request-reopen", "ndots:15",
	"a+b+c", "trust-ad", "no_tld_query",
};

START_TEST(test_accept)
{
	ck_assert_msg(resolvconf_options_valid(good_options[_i]) == 0,
	              "rejected '%s'", good_options[_i]);
}
END_TEST

/* A word may be 32 characters long, not 33. */
START_TEST(test_word_length)
{
	char w[64], buf[256];
	memset(w, 'a', 32);
	w[32] = '\0';
	ck_assert_int_eq(resolvconf_options_valid(w), 0);
	ck_assert_int_gt(resolvconf_render(buf, sizeof buf, "old", WN_OLD4, w), 0);
	strcat(w, "+b");
	ck_assert_int_eq(resolvconf_options_valid(w), 0);
	w[32] = 'a';
	w[33] = '\0';
	ck_assert_int_eq(resolvconf_options_valid(w), -1);
	ck_assert_int_eq(resolvconf_render(buf, sizeof buf, "old", WN_OLD4, w), -1);
}
END_TEST

/* The text must fit with its NUL: one byte short is an error, not a
 * silently cut file. */
START_TEST(test_buffer_size)
{
	const char *want = "# whichns: old server\n"
	                   "nameserver 198.51.100.10\n"
	                   "options no-reload\n";
	size_t len = strlen(want);
	char buf[128];
	ck_assert_int_eq(resolvconf_render(buf, len + 1, "old", WN_OLD4,
	                                   "no-reload"), (int)len);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(resolvconf_render(buf, len, "old", WN_OLD4,
	                                   "no-reload"), -1);
	ck_assert_int_eq(resolvconf_render(buf, 1, "old", WN_OLD4, "default"), -1);
	ck_assert_int_eq(resolvconf_render(buf, 0, "old", WN_OLD4, "default"), -1);
}
END_TEST

/* Valid words that together do not fit the options line are refused by
 * the check itself, so "exec --options" stops at once (exit 2) instead of
 * starting a case that cannot render its resolv.conf; up to the limit,
 * what the check passes renders. */
START_TEST(test_options_too_long)
{
	char o[400] = "", buf[1024];
	for (int i = 0; i < 9; i++)
		strcat(o, i ? "+abcdefghijklmnopqrstuvwxyz-0123" :
		              "abcdefghijklmnopqrstuvwxyz-0123");
	ck_assert_uint_ge(strlen(o), 256);
	ck_assert_int_eq(resolvconf_options_valid(o), -1);
	ck_assert_int_eq(resolvconf_render(buf, sizeof buf, "old", WN_OLD4, o), -1);
	o[RESOLVCONF_OPTIONS_MAX] = '\0';   /* 8 whole words, 255 characters */
	ck_assert_int_eq(resolvconf_options_valid(o), 0);
	ck_assert_int_gt(resolvconf_render(buf, sizeof buf, "old", WN_OLD4, o), 0);
	ck_assert_has(buf, " abcdefghijklmnopqrstuvwxyz-0123\n");
}
END_TEST

Suite *resolvconf_suite(void)
{
	Suite *s = suite_create("resolvconf");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_render, 0, NROWS(render_rows));
	tcase_add_test(tc, test_render_new);
	tcase_add_loop_test(tc, test_same_length, 0, NROWS(render_rows));
	tcase_add_loop_test(tc, test_accept, 0, NROWS(good_options));
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_word_length);
	tcase_add_test(tc, test_buffer_size);
	tcase_add_test(tc, test_options_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_reject, 0, NROWS(bad_options));
	suite_add_tcase(s, tc);

	return s;
}
