/*
 * check_escape.c - JSON strings, XML text and Markdown cells: every
 * special character escaped, control characters handled, and output that
 * stays UTF-8 whatever bytes come in.  Results are checked as exact text
 * and by the checkers of wellformed.h, which are tested here first.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "suites.h"
#include "testutil.h"
#include "wellformed.h"

/* ---- Checkers ---- */

/* The checkers must themselves reject what they are here to catch. */
START_TEST(test_checkers)
{
	static const char *const bad_json[] = {
		"", "{", "{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "\"a\nb\"",
		"{\"a\": nan}", "{\"a\": 01}", "{\"a\": 1.}", "\"\\x\"", "[] []",
		"{'a': 1}", "{\"a\": True}", "\"\\u12g4\"",
		"{\"a\": {\"b\": 1,}}", "{\"a\": {1: 2}}", "{\"a\": {\"b\": 1}",
		"{\"a\": {\"b\": 1}}}", "{\"a\": {\"b\" 1}}",
	};
	static const char *const good_json[] = {
		"{}", "[]", "{\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\\"\"]}",
		" {\"a\": {\"b\": []}}\n",
		"{\"fresh\": {\"queries_old\": 1, \"queries_new\": 2}, \"x\": null}",
		"[{\"a\": {\"b\": {}}}, {}]",
	};
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
		ck_assert_msg(json_error(bad_json[i]) != NULL, "took bad JSON %s",
		              bad_json[i]);
	for (size_t i = 0; i < sizeof good_json / sizeof good_json[0]; i++)
		ck_assert_json(good_json[i]);

	static const char *const bad_xml[] = {
		"<a>", "<a></b>", "<a>x & y</a>", "<a>x < y</a>", "<a b=\"<\"/>",
		"<a b=\"&\"/>", "<a>\x01</a>", "<a/><b/>", "text<a/>", "<a b=c/>",
	};
	static const char *const good_xml[] = {
		"<?xml version=\"1.0\"?>\n<a/>\n",
		"<a b=\"&lt;&amp;&quot;\">x &gt; y &#10;<c/></a>",
	};
	char why[128];
	for (size_t i = 0; i < sizeof bad_xml / sizeof bad_xml[0]; i++)
		ck_assert_msg(xml_error(bad_xml[i], why, sizeof why) != NULL,
		              "took bad XML %s", bad_xml[i]);
	for (size_t i = 0; i < sizeof good_xml / sizeof good_xml[0]; i++)
		ck_assert_xml(good_xml[i]);
}
END_TEST

static char *escape(void (*fn)(FILE *, const char *), const char *s)
{
	struct memout m;
	fn(memout_open(&m), s);
	return memout_text(&m);
}

#define FFFD "\xef\xbf\xbd"   /* U+FFFD REPLACEMENT CHARACTER in UTF-8 */

static const struct {
	const char *in, *want;
} json_rows[] = {
	{ "plain", "\"plain\"" },
	{ "", "\"\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
	{ "a\nb\tc", "\"a\\nb\\tc\"" },
	{ "\r", "\"\\u000d\"" },
	{ "\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"" },
	{ " \x7f~", "\" \x7f~\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },   /* UTF-8 passes through */
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
	{ "</script>", "\"</script>\"" },
	/* Not UTF-8 (Latin-1, cut, overlong, a surrogate): U+FFFD a byte. */
	{ "caf\xe9", "\"caf" FFFD "\"" },
	{ "\xe2\x82", "\"" FFFD FFFD "\"" },
	{ "\xc0\xaf", "\"" FFFD FFFD "\"" },
	{ "\xed\xa0\x80!", "\"" FFFD FFFD FFFD "!\"" },
};

START_TEST(test_json_string)
{
	char *got = escape(escape_json_string, json_rows[_i].in);
	ck_assert_str_eq(got, json_rows[_i].want);
	ck_assert_json(got);
	free(got);
}
END_TEST

/* Every byte from 1 to 255 in one string still makes valid JSON, and
 * UTF-8, as JSON must be (RFC 8259 8.1). */
START_TEST(test_json_string_all_bytes)
{
	char in[256];
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	char *got = escape(escape_json_string, in);
	ck_assert_json(got);
	ck_assert_utf8(got);
	free(got);
}
END_TEST

/* The same for XML text: a document that is not UTF-8 is not XML. */
START_TEST(test_xml_text_all_bytes)
{
	char in[256];
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	char *got = escape(escape_xml_text, in);
	ck_assert_utf8(got);
	free(got);
}
END_TEST

static const struct {
	const char *in, *want;
} xml_rows[] = {
	{ "plain", "plain" },
	{ "<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&apos;" },
	{ "&amp;", "&amp;amp;" },
	{ "a\x01" "b\x1f" "c\x08", "abc" },
	{ "\r", "" },
	{ "line\nnext\ttab", "line\nnext\ttab" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "caf\xe9 \xff", "caf" FFFD " " FFFD },
	{ "\xef\xbf\xbe", FFFD FFFD FFFD },   /* U+FFFE: not an XML character */
};

START_TEST(test_xml_text)
{
	char *got = escape(escape_xml_text, xml_rows[_i].in);
	ck_assert_str_eq(got, xml_rows[_i].want);
	free(got);
}
END_TEST
/* '|' would end the cell and a newline the row; nothing else changes
 * (Markdown needs no UTF-8 repair: report.md is for people). */
static const struct {
	const char *in, *want;
} md_rows[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "a|b", "a\\|b" },
	{ "||", "\\|\\|" },
	{ "x\ny\n", "x y " },
	{ "tab\tand `code` *star*", "tab\tand `code` *star*" },
};

START_TEST(test_md_cell)
{
	char *got = escape(escape_md_cell, md_rows[_i].in);
	ck_assert_str_eq(got, md_rows[_i].want);
	free(got);
}
END_TEST

Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc;

	tc = tcase_create("Checkers");
	tcase_add_test(tc, test_checkers);
	suite_add_tcase(s, tc);

	tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_json_string, 0, NROWS(json_rows));
	tcase_add_loop_test(tc, test_xml_text, 0, NROWS(xml_rows));
	tcase_add_loop_test(tc, test_md_cell, 0, NROWS(md_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_test(tc, test_json_string_all_bytes);
	tcase_add_test(tc, test_xml_text_all_bytes);
	suite_add_tcase(s, tc);
	return s;
}
