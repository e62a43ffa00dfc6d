/*
 * check_shadow.c - the shadow files the process under test reads: every
 * account and field kept, no byte of a password hash.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "shadow.h"
#include "suites.h"
#include "testutil.h"

static const struct {
	const char *name, *in, *want;
	int lines;
} rows[] = {
	{ "hash", "root:$y$j9T$abc$def:19000:0:99999:7:::\n",
	  "root:" SHADOW_MASK ":19000:0:99999:7:::\n", 1 },
	{ "locked-and-empty", "daemon:*:19000::::::\nnobody::19000::::::\n",
	  "daemon:" SHADOW_MASK ":19000::::::\nnobody:" SHADOW_MASK ":19000::::::\n", 2 },
	{ "gshadow", "sudo:!:alice:bob\n", "sudo:" SHADOW_MASK ":alice:bob\n", 1 },
	{ "no-final-newline", "a:secret:1", "a:" SHADOW_MASK ":1\n", 1 },
	{ "name-and-secret-only", "a:secret", "a:" SHADOW_MASK "\n", 1 },
	{ "no-colon-dropped", "just-a-hash\nb:s:2\n", "b:" SHADOW_MASK ":2\n", 1 },
	{ "empty-lines-dropped", "\n\nc:s:3\n\n", "c:" SHADOW_MASK ":3\n", 1 },
	{ "empty", "", "", 0 },
};

START_TEST(test_mask)
{
	struct memout m;
	FILE *f = memout_open(&m);
	int n = shadow_mask(rows[_i].in, strlen(rows[_i].in), f);
	char *got = memout_text(&m);
	ck_assert_msg(n == rows[_i].lines, "%s: %d lines", rows[_i].name, n);
	ck_assert_text(got, rows[_i].want);
	free(got);
}
END_TEST

/* Bytes after len are not the file's: they never reach the output. */
START_TEST(test_len_bounds)
{
	const char text[] = "a:x:1\nb:SECRET:2\n";
	struct memout m;
	FILE *f = memout_open(&m);
	ck_assert_int_eq(shadow_mask(text, 6, f), 1);
	char *got = memout_text(&m);
	ck_assert_text(got, "a:" SHADOW_MASK ":1\n");
	free(got);
}
END_TEST

/* A long line keeps no byte of its secret, whatever its length. */
START_TEST(test_no_secret_left)
{
	static char text[70000];
	memset(text, 'S', sizeof text - 1);
	memcpy(text, "u:", 2);
	memcpy(text + sizeof text - 4, ":9\n", 3);
	struct memout m;
	FILE *f = memout_open(&m);
	ck_assert_int_eq(shadow_mask(text, strlen(text), f), 1);
	char *got = memout_text(&m);
	ck_assert_ptr_null(strstr(got, "SS"));
	ck_assert_text(got, "u:" SHADOW_MASK ":9\n");
	free(got);
}
END_TEST

Suite *shadow_suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_mask, 0, NROWS(rows));
	tcase_add_test(tc, test_len_bounds);
	tcase_add_test(tc, test_no_secret_left);
	suite_add_tcase(s, tc);
	return s;
}
