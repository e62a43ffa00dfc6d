/*
 * check_scrub.c - scrub: a machine's paths out of reports, rules as a
 * bundle makes them, and the paths that must be left alone.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scrub.h"
#include "suites.h"
#include "testutil.h"

static const struct scrub_rule rules[] = {
	{ "/work/main/results/20261127-053306-17048", ".", NULL },
	{ "/work/main/results", "..", NULL },
	{ "/work/main/build/repro", "<probes>", NULL },
	{ "/work/main", "<repo>", NULL },
	{ "/home/ann", "~", NULL },
};

static char *scrub(const char *in, size_t *n)
{
	struct memout m;
	*n = scrub_text(memout_open(&m), in, strlen(in), rules, NROWS(rules));
	return memout_text(&m);
}

static const struct { const char *in, *out; size_t n; } cases[] = {
	/* report.md's two lines, as a build tree's whichns writes them */
	{ "- process under test: `/work/main/build/repro/getip -i 50 hat.com`\n",
	  "- process under test: `<probes>/getip -i 50 hat.com`\n", 1 },
	{ "- to run it again: `/work/main/build/whichns run --libc host -f "
	  "=getip/inplace/default fixtures/scenarios/repro.scn`\n",
	  "- to run it again: `whichns run --libc host -f "
	  "=getip/inplace/default fixtures/scenarios/repro.scn`\n", 1 },
	/* the longest rule wins; the run folder itself becomes "." */
	{ "Evidence: /work/main/results/20261127-053306-17048/summary.md",
	  "Evidence: ./summary.md", 1 },
	{ "\"dir\": \"/work/main/results/other/001-x\"", "\"dir\": \"../other/001-x\"", 1 },
	{ "command\t/home/ann/bin/mydaemon --foreground\n",
	  "command\t~/bin/mydaemon --foreground\n", 1 },
	/* whole paths only */
	{ "/work/main2/x /work/main.old /x/work/main /work/mainx",
	  "/work/main2/x /work/main.old /x/work/main /work/mainx", 0 },
	{ "/work/main", "<repo>", 1 },
	{ "(/work/main),/home/ann:/work/main/", "(<repo>),~:<repo>/", 3 },
	/* whichns only as a command: a folder of that name stays */
	{ "/opt/whichns/whichns exec -- x", "whichns exec -- x", 1 },
	{ "/usr/share/whichns/fixtures", "/usr/share/whichns/fixtures", 0 },
	{ "/usr/bin/whichns\n", "/usr/bin/whichns\n", 0 },
	{ "", "", 0 },
	{ "/", "/", 0 },
};

START_TEST(test_scrub)
{
	size_t n;
	char *got = scrub(cases[_i].in, &n);
	ck_assert_str_eq(got, cases[_i].out);
	ck_assert_uint_eq(n, cases[_i].n);
	free(got);
}
END_TEST

/* Bytes that are not text pass through, NULs included. */
START_TEST(test_binary)
{
	static const char in[] = "a\0/work/main\0b";
	struct memout m;
	FILE *f = memout_open(&m);
	ck_assert_uint_eq(scrub_text(f, in, sizeof in - 1, rules, NROWS(rules)), 1);
	fflush(f);
	ck_assert_uint_eq(m.size, sizeof in - 1 - strlen("/work/main") + strlen("<repo>"));
	ck_assert_int_eq(memcmp(m.buf, "a\0<repo>\0b", m.size), 0);
	free(memout_text(&m));
}
END_TEST

/* In a command (after a mark), the shell forms: a pasted line must never
 * read "<probes>/getip" as a redirection. */
static const struct scrub_rule shell_rules[] = {
	{ "/work/main/results/20261127-053306-17048", ".", NULL },
	{ "/work/main/build/repro", "<probes>",
	  "\"${WHICHNS_PROBES:-/usr/local/libexec/whichns}\"" },
	{ "/work/main", "<repo>", "\"${WHICHNS_REPO:?a whichns source folder}\"" },
	{ "/home/ann", "~", "\"$HOME\"" },
};

static const char *const marks[] = { "to run it again: `", "command\t", NULL };

static const struct { const char *in, *out; size_t n; } shell_cases[] = {
	{ "- to run it again: `/work/main/build/whichns exec -- "
	  "/work/main/build/repro/getip -i 50 hat.com`\n",
	  "- to run it again: `whichns exec -- "
	  "\"${WHICHNS_PROBES:-/usr/local/libexec/whichns}\"/getip -i 50 hat.com`\n", 2 },
	/* before the mark, and on other lines: the readable forms */
	{ "| /work/main/build/repro/getip | to run it again: `/home/ann/x`\n"
	  "/work/main/build/repro/getip\n",
	  "| <probes>/getip | to run it again: `\"$HOME\"/x`\n<probes>/getip\n", 3 },
	{ "command\t/work/main/x/y --conf /home/ann/a.conf\n",
	  "command\t\"${WHICHNS_REPO:?a whichns source folder}\"/x/y --conf "
	  "\"$HOME\"/a.conf\n", 2 },
	/* a single-quoted word is closed and reopened around it */
	{ "command\t'/home/ann/my dir/x' 'it'\\''s /home/ann'\n",
	  "command\t''\"$HOME\"'/my dir/x' 'it'\\''s '\"$HOME\"''\n", 2 },
	/* the run folder's "." needs no quoting */
	{ "command\t/work/main/results/20261127-053306-17048/x\n", "command\t./x\n", 1 },
	{ "no mark /home/ann\n", "no mark ~\n", 1 },
};

START_TEST(test_shell)
{
	struct memout m;
	const char *in = shell_cases[_i].in;
	size_t n = scrub_text_commands(memout_open(&m), in, strlen(in), shell_rules,
	                               NROWS(shell_rules), marks);
	char *got = memout_text(&m);
	ck_assert_str_eq(got, shell_cases[_i].out);
	ck_assert_uint_eq(n, shell_cases[_i].n);
	free(got);
}
END_TEST

Suite *scrub_suite(void)
{
	Suite *s = suite_create("scrub");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_scrub, 0, NROWS(cases));
	tcase_add_test(tc, test_binary);
	tcase_add_loop_test(tc, test_shell, 0, NROWS(shell_cases));
	suite_add_tcase(s, tc);
	return s;
}
