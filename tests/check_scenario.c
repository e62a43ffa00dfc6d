/*
 * check_scenario.c - scenario files: parsing, expansion into cases,
 * selection, and an exact "FILE:LINE: ..." for every bad input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario.h"
#include "suites.h"
#include "testutil.h"

/* The tails of the parser's messages: what it expected instead.  Tables of
 * bad input below spell out the part that differs and end with one of these. */
#define EXPECT_KEY "expected one of: probe, update, options, cache, libc, " \
	"name, interval, window, before, switch-after, timeout, why, exec, " \
	"trigger, trigger-every, fresh, fresh-for, only, secrets, env, environment, " \
	"resolv-before, resolv-after, server, or a [group] header"
#define EXPECT_UPDATE \
	"expected one of: inplace, rename, symlink, bind-inplace, bind-rename"
#define EXPECT_OPTIONS "expected 'default' or resolv.conf option words " \
	"joined by '+' (e.g. no-reload+single-request)"
#define EXPECT_WORDS "expected a word of letters, digits and -_.+:"
#define EXPECT_DURATION "expected a duration such as 100ms or 1.5s"
#define EXPECT_COUNT "expected a count from 1 to 1000"
#define EXPECT_PROBE "expected e.g. 'probe getip res_loop', or 'exec COMMAND'"
#define EXPECT_COMMAND "expected a shell command"
#define EXPECT_SHORTER "expected a shorter line"
#define EXPECT_ONE "expected one of them"
#define EXPECT_QTYPE "expected a query type such as MX or A"

/* struct scn_file is large; keep it off the test's stack. */
static struct scn_file *parse_ok(const char *text, size_t len)
{
	struct scn_file *f = malloc(sizeof *f);
	char err[512] = "";
	ck_assert_ptr_nonnull(f);
	int rc = scn_parse(text, len, "t.scn", f, err, sizeof err);
	ck_assert_msg(rc == 0, "rejected: %s\n--- text ---\n%s", err, text);
	return f;
}

static struct scn_file *parse_str(const char *text)
{
	return parse_ok(text, strlen(text));
}

/* A case as one line of text: the listings below compare whole cases. */
typedef void case_line_fn(FILE *out, const struct scn_case *c);

/* Every field scn_case_at fills in for a probe case. */
static void probe_line(FILE *out, const struct scn_case *c)
{
	fprintf(out, "%s [%s] %s %s %s %s %s q=%s i=%u w=%u b=%u s=%u t=%u\n",
	        c->name, c->group, c->probe, c->update, c->options, c->cache,
	        c->libc, c->qname, c->interval_ms, c->window_ms, c->before,
	        c->switch_after_ms, c->timeout_ms);
}

/* The fields of a command case. */
static void exec_line(FILE *out, const struct scn_case *c)
{
	fprintf(out, "%s [%s] probe=%s exec=<%s> trigger=<%s>/%u "
	        "fresh=<%s>/%u only=<%s>\n", c->name, c->group, c->probe,
	        c->exec, c->trigger, c->trigger_ms, c->fresh, c->fresh_ms, c->only);
}

/* One line per case of f, in scn_case_at() order. */
static char *list_cases(const struct scn_file *f, case_line_fn *line)
{
	struct memout m;
	FILE *out = memout_open(&m);
	for (size_t i = 0; i < scn_count(f); i++) {
		struct scn_case c;
		scn_case_at(f, i, &c);
		line(out, &c);
	}
	return memout_text(&m);
}

/* text parses, and its cases, one line each, are want. */
static void assert_cases(case_line_fn *line, const char *text, const char *want)
{
	struct scn_file *f = parse_str(text);
	char *got = list_cases(f, line);
	ck_assert_text(got, want);
	free(got);
	free(f);
}

/* ---- Core ---- */

/* A group may ask for the host's secrets; the others keep them masked. */
START_TEST(test_secrets_per_group)
{
	struct scn_file *f = parse_str("probe getip\n[shown]\nprobe getip\n"
	                               "secrets shown\n[masked]\nprobe getip\n"
	                               "secrets masked\n");
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.group, "shown");
	ck_assert(c.secrets_shown);
	scn_case_at(f, 1, &c);
	ck_assert_str_eq(c.group, "masked");
	ck_assert(!c.secrets_shown);
	free(f);
}
END_TEST

/* "env NAME=VALUE" per group (the defaults' lines too; a name given
 * again replaces its value); "environment kept" instead of the clean one. */
START_TEST(test_env_per_group)
{
	struct scn_file *f = parse_str("probe getip\nenv LANG=C.UTF-8\n[plain]\n"
	                               "probe getip\n[set]\nprobe getip\n"
	                               "env RES_OPTIONS=no-reload attempts:1\n"
	                               "env LANG=C\nenvironment kept\n");
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.group, "plain");
	ck_assert_uint_eq(c.nenv, 1);
	ck_assert_str_eq(c.env[0], "LANG=C.UTF-8");
	ck_assert(!c.env_kept);
	scn_case_at(f, 1, &c);
	ck_assert_uint_eq(c.nenv, 2);
	ck_assert_str_eq(c.env[0], "LANG=C");
	ck_assert_str_eq(c.env[1], "RES_OPTIONS=no-reload attempts:1");
	ck_assert(c.env_kept);
	free(f);
}
END_TEST

START_TEST(test_defaults_only)
{
	struct scn_file *f = parse_str("probe getip\n");
	ck_assert_uint_eq(f->ngroups, 1);
	const struct scn_group *g = &f->groups[0];
	ck_assert_str_eq(g->name, "t");   /* named after the file */
	ck_assert_str_eq(f->path, "t.scn");
	ck_assert_uint_eq(g->axis[SCN_PROBE].n, 1);
	ck_assert_str_eq(g->axis[SCN_UPDATE].v[0], "inplace");
	ck_assert_str_eq(g->axis[SCN_OPTIONS].v[0], "default");
	ck_assert_str_eq(g->axis[SCN_CACHE].v[0], "none");
	ck_assert_str_eq(g->axis[SCN_LIBC].v[0], "host");
	ck_assert_str_eq(g->why, "");
	ck_assert_uint_eq(scn_count(f), 1);
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert(!c.secrets_shown);   /* masked unless asked */
	free(f);
	assert_cases(probe_line, "probe getip\n",
	             "getip/inplace/default [t] getip inplace default none "
	             "host q=hat.com i=100 w=1500 b=3 s=1000 t=10000\n");
}
END_TEST

/* The classic experiments (fixtures/scenarios/repro.scn): the probe varies fastest. */
START_TEST(test_repro_matrix)
{
	assert_cases(probe_line,
		"# repro.scn\n"
		"probe    getip res_loop\n"
		"update   inplace rename\n"
		"options  default no-reload\n"
		"interval 50ms\n"
		"window   1200ms\n"
		"before   3\n",
		"getip/inplace/default [t] getip inplace default none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"res_loop/inplace/default [t] res_loop inplace default none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"getip/rename/default [t] getip rename default none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"res_loop/rename/default [t] res_loop rename default none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"getip/inplace/no-reload [t] getip inplace no-reload none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"res_loop/inplace/no-reload [t] res_loop inplace no-reload none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"getip/rename/no-reload [t] getip rename no-reload none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n"
		"res_loop/rename/no-reload [t] res_loop rename no-reload none host q=hat.com i=50 w=1200 b=3 s=1000 t=10000\n");
}
END_TEST

/* Groups start from the defaults above the first header, never from the
 * group before them; "/cache" and "libc:" appear only when not default. */
static const char groups_text[] =
	"# defaults for every group\n"
	"interval 50ms\n"
	"window   2s\n"
	"probe    getip\n"
	"\n"
	"[fast]\n"
	"update rename symlink\n"
	"name   example.org\n"
	"[slow]\n"
	"probe    res_loop\n"
	"interval 1.5s\n"
	"cache    none nscd\n"
	"libc     host bookworm\n"
	"why      glibc  caches nothing; nscd does   # not this\n"
	"switch-after 250ms\n"
	"timeout  1m\n"
	"before   7\n";

START_TEST(test_groups)
{
	assert_cases(probe_line, groups_text,
		"getip/rename/default [fast] getip rename default none host q=example.org i=50 w=2000 b=3 s=1000 t=10000\n"
		"getip/symlink/default [fast] getip symlink default none host q=example.org i=50 w=2000 b=3 s=1000 t=10000\n"
		"res_loop/inplace/default [slow] res_loop inplace default none host q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"res_loop/inplace/default/nscd [slow] res_loop inplace default nscd host q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"bookworm:res_loop/inplace/default [slow] res_loop inplace default none bookworm q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"bookworm:res_loop/inplace/default/nscd [slow] res_loop inplace default nscd bookworm q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n");
}
END_TEST

START_TEST(test_group_fields)
{
	struct scn_file *f = parse_str(groups_text);
	ck_assert_uint_eq(f->ngroups, 2);
	ck_assert_str_eq(f->groups[0].name, "fast");
	ck_assert_uint_eq(f->groups[0].line, 6);
	ck_assert_str_eq(f->groups[0].why, "");
	ck_assert_str_eq(f->groups[1].name, "slow");
	ck_assert_uint_eq(f->groups[1].line, 9);
	/* "why" keeps its text as written, comment left out. */
	ck_assert_str_eq(f->groups[1].why, "glibc  caches nothing; nscd does");
	ck_assert_uint_eq(scn_count(f), 6);
	free(f);
}
END_TEST

START_TEST(test_comments_blank_lines)
{
	assert_cases(probe_line,
		"# leading comment\n"
		"   # indented comment\n"
		"\n"
		"   \t  \n"
		"\r\n"
		"probe getip   # trailing comment\r\n"
		"\tupdate\trename\t# tabs\n"
		"options no-reload#no space before the comment\n"
		"#probe res_loop\n"
		"\n",
		"getip/rename/no-reload [t] getip rename no-reload none host q=hat.com i=100 w=1500 b=3 s=1000 t=10000\n");
}
END_TEST

/* The last line needs no newline; a later line for the same key wins. */
START_TEST(test_last_line_and_override)
{
	assert_cases(probe_line, "probe getip\nwindow 1s\nwindow 3s",
	             "getip/inplace/default [t] getip inplace default none "
	             "host q=hat.com i=100 w=3000 b=3 s=1000 t=10000\n");
	assert_cases(probe_line, "probe a b\nprobe c",
	             "c/inplace/default [t] c inplace default none "
	             "host q=hat.com i=100 w=1500 b=3 s=1000 t=10000\n");
}
END_TEST

/* "why" keeps inner spacing but not a CRLF file's CR. */
START_TEST(test_why_crlf)
{
	struct scn_file *f = parse_str("probe a\r\nwhy two  spaces\t inside\r\n");
	ck_assert_str_eq(f->groups[0].why, "two  spaces\t inside");
	free(f);
}
END_TEST

/* A header line may carry a comment and a CRLF ending like any other. */
static const struct {
	const char *name, *text;
} header_rows[] = {
	{ "comment",  "probe getip\n[a] # the first group\nupdate rename\n" },
	{ "space",    "probe getip\n[a]   \nupdate rename\n" },
	{ "crlf",     "probe getip\r\n[a]\r\nupdate rename\r\n" },
	{ "indented", "probe getip\n  [a]\nupdate rename\n" },
};

START_TEST(test_header_forms)
{
	struct scn_file f;
	char err[512] = "";
	const char *text = header_rows[_i].text;
	int rc = scn_parse(text, strlen(text), "t.scn", &f, err, sizeof err);
	ck_assert_msg(rc == 0, "header with %s rejected: %s",
	              header_rows[_i].name, err);
	ck_assert_uint_eq(f.ngroups, 1);
	ck_assert_str_eq(f.groups[0].name, "a");
	ck_assert_str_eq(f.groups[0].axis[SCN_UPDATE].v[0], "rename");
}
END_TEST

static const struct {
	const char *in;
	int rc;
	unsigned ms;
} duration_rows[] = {
	{ "50ms", 0, 50 }, { "1.5s", 0, 1500 }, { "2s", 0, 2000 },
	{ "300", 0, 300 }, { "0.5s", 0, 500 }, { "1m", 0, 60000 },
	{ "2min", 0, 120000 }, { "0", 0, 0 }, { "1.0004s", 0, 1000 },
	{ "1.0006s", 0, 1001 }, { "1440m", 0, 86400000 },
	{ "", -1, 0 }, { "ms", -1, 0 }, { "fast", -1, 0 }, { "-1s", -1, 0 },
	{ "+1s", -1, 0 }, { ".5s", -1, 0 }, { "1.5x", -1, 0 }, { "2h", -1, 0 },
	{ "1 s", -1, 0 }, { "1sec", -1, 0 }, { "1S", -1, 0 },
	{ "1441m", -1, 0 }, { "1e99", -1, 0 }, { "nan", -1, 0 },
	{ "inf", -1, 0 },
};

START_TEST(test_duration)
{
	unsigned ms = 4242;
	int rc = scn_parse_duration(duration_rows[_i].in, &ms);
	ck_assert_msg(rc == duration_rows[_i].rc, "'%s': rc %d, want %d",
	              duration_rows[_i].in, rc, duration_rows[_i].rc);
	if (rc == 0)
		ck_assert_msg(ms == duration_rows[_i].ms, "'%s': %u ms, want %u",
		              duration_rows[_i].in, ms, duration_rows[_i].ms);
	else
		ck_assert_uint_eq(ms, 4242);
}
END_TEST

/* A file without [group] headers is one group named after the file. */
static const struct {
	const char *path, *group;
} path_rows[] = {
	{ "t.scn", "t" },
	{ "fixtures/scenarios/repro.scn", "repro" },
	{ "/abs/dir.d/matrix.v2.scn", "matrix" },
	{ "noext", "noext" },
	{ "a/b/c", "c" },
	{ "dir/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.scn",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },  /* 47 kept */
};

START_TEST(test_group_from_path)
{
	struct scn_file f;
	char err[256] = "";
	ck_assert_int_eq(scn_parse("probe a\n", 8, path_rows[_i].path, &f, err,
	                           sizeof err), 0);
	ck_assert_uint_eq(f.ngroups, 1);
	ck_assert_str_eq(f.groups[0].name, path_rows[_i].group);
	struct scn_case c;
	scn_case_at(&f, 0, &c);
	ck_assert_str_eq(c.group, path_rows[_i].group);
}
END_TEST

START_TEST(test_axis_names)
{
	static const char *const want[] = {
		"probe", "update", "options", "cache", "libc" };
	for (int a = 0; a < SCN_AXES; a++)
		ck_assert_str_eq(scn_axis_name((enum scn_axis)a), want[a]);
	ck_assert_str_eq(scn_axis_name(SCN_AXES), "?");
	ck_assert_str_eq(scn_updates[0], "inplace");
	ck_assert_ptr_null(scn_updates[5]);
	ck_assert_str_eq(scn_caches[2], "nscd-nocheck");
	ck_assert_ptr_null(scn_caches[3]);
}
END_TEST

/* ---- Commands: groups that run exec instead of probes ---- */

/* Values of exec, trigger and fresh are the rest of the line as written:
 * inner spaces, quotes and '|' kept, the comment and trailing blanks not. */
static const char exec_text[] =
	"window 2s\n"
	"[classic]\n"
	"probe getip\n"
	"[mail]\n"
	"exec          /usr/sbin/sendmail -bD  -q2s\n"
	"trigger       echo 'Subject: x' | /usr/sbin/sendmail root@hat.com   # every 2s\n"
	"trigger-every 2s\n"
	"fresh\t/usr/sbin/sendmail -q -v \t\r\n"
	"fresh-for     7.5s\n"
	"only          MX\n"
	"update        inplace rename\n"
	"cache         none nscd\n"
	"libc          host bookworm\n"
	"[plain]\n"
	"exec sleep 100\n";

START_TEST(test_exec_cases)
{
	/* The group's name is its one probe, so it names the cases. */
	assert_cases(exec_line, exec_text,
		"getip/inplace/default [classic] probe=getip exec=<> trigger=<>/1000 fresh=<>/5000 only=<>\n"
		"mail/inplace/default [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"mail/rename/default [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"mail/inplace/default/nscd [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"mail/rename/default/nscd [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"bookworm:mail/inplace/default [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"bookworm:mail/rename/default [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"bookworm:mail/inplace/default/nscd [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"bookworm:mail/rename/default/nscd [mail] probe=mail exec=</usr/sbin/sendmail -bD  -q2s> trigger=<echo 'Subject: x' | /usr/sbin/sendmail root@hat.com>/2000 fresh=</usr/sbin/sendmail -q -v>/7500 only=<MX>\n"
		"plain/inplace/default [plain] probe=plain exec=<sleep 100> trigger=<>/1000 fresh=<>/5000 only=<>\n");
}
END_TEST

START_TEST(test_exec_group_fields)
{
	struct scn_file *f = parse_str(exec_text);
	ck_assert_uint_eq(f->ngroups, 3);
	const struct scn_group *g = &f->groups[1];
	ck_assert_str_eq(g->name, "mail");
	ck_assert_uint_eq(g->line, 4);
	ck_assert_uint_eq(g->axis[SCN_PROBE].n, 1);
	ck_assert_str_eq(g->axis[SCN_PROBE].v[0], "mail");
	ck_assert_str_eq(g->exec, "/usr/sbin/sendmail -bD  -q2s");
	ck_assert_str_eq(g->trigger, "echo 'Subject: x' | /usr/sbin/sendmail root@hat.com");
	ck_assert_str_eq(g->fresh, "/usr/sbin/sendmail -q -v");
	ck_assert_uint_eq(g->trigger_ms, 2000);
	ck_assert_uint_eq(g->fresh_ms, 7500);
	ck_assert_str_eq(g->only, "MX");
	ck_assert_uint_eq(g->window_ms, 2000);       /* from the defaults */
	ck_assert_uint_eq(scn_count(f), 1 + 8 + 1);
	/* A probe group keeps no command fields. */
	g = &f->groups[0];
	ck_assert_str_eq(g->exec, "");
	ck_assert_str_eq(g->trigger, "");
	ck_assert_str_eq(g->fresh, "");
	ck_assert_str_eq(g->only, "");
	ck_assert_uint_eq(g->trigger_ms, 1000);
	ck_assert_uint_eq(g->fresh_ms, 5000);
	free(f);
}
END_TEST

/* Command keys above the first header are defaults like any other key;
 * a file without headers is one command group named after the file. */
START_TEST(test_exec_defaults)
{
	assert_cases(exec_line, "exec sleep 5\n",
		"t/inplace/default [t] probe=t exec=<sleep 5> trigger=<>/1000 fresh=<>/5000 only=<>\n");
	assert_cases(exec_line,
		"only AAAA\ntrigger-every 250ms\nfresh-for 1m\ntrigger ping -c1 x\n"
		"[a]\nexec a\n[b]\nprobe getip\nonly SRV\n[c]\nexec c\ntrigger-every 3s\n",
		"a/inplace/default [a] probe=a exec=<a> trigger=<ping -c1 x>/250 fresh=<>/60000 only=<AAAA>\n"
		"getip/inplace/default [b] probe=getip exec=<> trigger=<ping -c1 x>/250 fresh=<>/60000 only=<SRV>\n"
		"c/inplace/default [c] probe=c exec=<c> trigger=<ping -c1 x>/3000 fresh=<>/60000 only=<AAAA>\n");
}
END_TEST

/* A later line for the same key wins, for command keys too. */
START_TEST(test_exec_override_line)
{
	assert_cases(exec_line, "exec one\nexec two  words\nonly MX\nonly A\n",
		"t/inplace/default [t] probe=t exec=<two  words> trigger=<>/1000 fresh=<>/5000 only=<A>\n");
}
END_TEST

/* 'only' takes an upper-case type word that dns_type_parse() knows, so
 * --check catches a wrong one before anything runs. */
static const char *const only_ok_rows[] = {
	"A", "MX", "AAAA", "PTR", "NS", "SRV", "TXT",
};

START_TEST(test_only_ok)
{
	char text[64];
	snprintf(text, sizeof text, "exec x\nonly %s\n", only_ok_rows[_i]);
	struct scn_file *f = parse_str(text);
	ck_assert_str_eq(f->groups[0].only, only_ok_rows[_i]);
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.only, only_ok_rows[_i]);
	free(f);
}
END_TEST

/* ---- Filters ---- */

/* Terms of one filter are alternatives: any one selects the case. */
static const struct {
	const char *filter;   /* NULL: no filter */
	const char *want;     /* indexes of the selected cases of groups_text */
} filter_rows[] = {
	{ NULL, "0 1 2 3 4 5" },
	{ "", "0 1 2 3 4 5" },
	{ "getip", "0 1" },
	{ "nscd", "3 5" },
	{ "bookworm", "4 5" },
	{ "bookworm:", "4 5" },
	{ "slow", "2 3 4 5" },        /* a group name */
	{ "slow,nscd", "2 3 4 5" },
	{ "getip,nscd", "0 1 3 5" },
	{ "rename,bookworm", "0 4 5" },
	{ "inplace", "2 3 4 5" },
	{ "host", "0 1 2 3" },        /* an axis value not in the name */
	{ "ho", "" },                 /* ... which must match whole */
	{ "def", "0 1 2 3 4 5" },     /* a substring of the name */
	{ "/default/nscd", "3 5" },
	{ "zzz", "" },
	{ "getip,zzz", "0 1" },
	{ ",,symlink,", "1" },
};

START_TEST(test_filter)
{
	struct scn_file *f = parse_str(groups_text);
	char got[64] = "";
	for (size_t i = 0; i < scn_count(f); i++) {
		struct scn_case c;
		scn_case_at(f, i, &c);
		if (scn_case_matches(&c, filter_rows[_i].filter))
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%zu",
			         got[0] ? " " : "", i);
	}
	ck_assert_msg(strcmp(got, filter_rows[_i].want) == 0,
	              "filter '%s': selected '%s', want '%s'",
	              filter_rows[_i].filter ? filter_rows[_i].filter : "(null)",
	              got, filter_rows[_i].want);
	free(f);
}
END_TEST

/* However long the filter (-f with many "=NAME" terms), its last term
 * counts: a filter cut to a buffer's size would drop terms unseen. */
START_TEST(test_filter_long)
{
	struct scn_file *f = parse_str(groups_text);
	struct scn_case c;
	char filter[1024] = "", got[64] = "";
	for (int i = 0; i < 100; i++)
		strcat(filter, "zzz,");
	scn_case_at(f, 1, &c);
	strcat(filter, "=");
	strcat(filter, c.name);
	for (size_t i = 0; i < scn_count(f); i++) {
		scn_case_at(f, i, &c);
		if (scn_case_matches(&c, filter))
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%zu",
			         got[0] ? " " : "", i);
	}
	ck_assert_str_eq(got, "1");
	free(f);
}
END_TEST

/* ---- Overrides from the command line (--libc host,bullseye) ---- */

START_TEST(test_override)
{
	struct scn_file *f = parse_str(groups_text);
	char err[256] = "";
	ck_assert_int_eq(scn_override_axis(f, SCN_LIBC, "host,bullseye", err,
	                                   sizeof err), 0);
	ck_assert_int_eq(scn_override_axis(f, SCN_UPDATE, "bind-inplace", err,
	                                   sizeof err), 0);
	char *got = list_cases(f, probe_line);
	ck_assert_text(got,
		"getip/bind-inplace/default [fast] getip bind-inplace default none host q=example.org i=50 w=2000 b=3 s=1000 t=10000\n"
		"bullseye:getip/bind-inplace/default [fast] getip bind-inplace default none bullseye q=example.org i=50 w=2000 b=3 s=1000 t=10000\n"
		"res_loop/bind-inplace/default [slow] res_loop bind-inplace default none host q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"res_loop/bind-inplace/default/nscd [slow] res_loop bind-inplace default nscd host q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"bullseye:res_loop/bind-inplace/default [slow] res_loop bind-inplace default none bullseye q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n"
		"bullseye:res_loop/bind-inplace/default/nscd [slow] res_loop bind-inplace default nscd bullseye q=hat.com i=1500 w=2000 b=7 s=250 t=60000\n");
	free(got);
	free(f);
}
END_TEST

/* --libc on a file with command groups: the libc prefixes the name and
 * the command stays with every case. */
START_TEST(test_override_exec)
{
	struct scn_file *f = parse_str("[classic]\nprobe getip\n"
	                               "[mail]\nexec sendmail -bD\nlibc bookworm\n");
	char err[256] = "";
	ck_assert_int_eq(scn_override_axis(f, SCN_LIBC, "host,bullseye", err,
	                                   sizeof err), 0);
	ck_assert_str_eq(err, "");
	char *got = list_cases(f, exec_line);
	ck_assert_text(got,
		"getip/inplace/default [classic] probe=getip exec=<> trigger=<>/1000 fresh=<>/5000 only=<>\n"
		"bullseye:getip/inplace/default [classic] probe=getip exec=<> trigger=<>/1000 fresh=<>/5000 only=<>\n"
		"mail/inplace/default [mail] probe=mail exec=<sendmail -bD> trigger=<>/1000 fresh=<>/5000 only=<>\n"
		"bullseye:mail/inplace/default [mail] probe=mail exec=<sendmail -bD> trigger=<>/1000 fresh=<>/5000 only=<>\n");
	free(got);
	struct scn_case c;
	scn_case_at(f, 3, &c);
	ck_assert_str_eq(c.libc, "bullseye");
	ck_assert_str_eq(c.probe, "mail");
	free(f);
}
END_TEST

/* A libc may be a path to a root filesystem (whichns roots): only in
 * libc, and only of word characters and '/'. */
START_TEST(test_libc_path)
{
	struct scn_file *f = parse_str("probe getip\nlibc host ../roots/c7.tar.gz\n");
	ck_assert_str_eq(f->groups[0].axis[SCN_LIBC].v[1], "../roots/c7.tar.gz");
	free(f);
	char err[256] = "";
	struct scn_file *g = calloc(1, sizeof *g);
	const char *bad[] = { "probe getip\nlibc /x/a$b\n",
	                      "probe getip\nlibc /x/a;b\n",
	                      "probe a/b\n", "update in/place\nprobe getip\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(scn_parse(bad[i], strlen(bad[i]), "t.scn", g, err,
		                           sizeof err), -1);
	free(g);
}
END_TEST

/* An option's error names the option, not a file and a line. */
static const struct {
	enum scn_axis axis;
	const char *csv, *err;
} override_bad_rows[] = {
	{ SCN_UPDATE, "rename,inplase",
	  "--update: unknown update method 'inplase'; " EXPECT_UPDATE },
	{ SCN_LIBC, "host,host", "--libc: 'host' is listed twice in 'libc'" },
	{ SCN_LIBC, "", "--libc: 'libc' needs at least one value" },
	{ SCN_LIBC, "host,glibc;2",
	  "--libc: bad libc value 'glibc;2'; " EXPECT_WORDS },
	{ SCN_LIBC, "bullseye,host bookworm",
	  "--libc: bad libc value 'host bookworm'; " EXPECT_WORDS },
	{ SCN_CACHE, ",", "--cache: 'cache' needs at least one value" },
	{ SCN_OPTIONS, "no reload",
	  "--options: bad options value 'no reload'; " EXPECT_WORDS },
	{ SCN_OPTIONS, "default,No-Reload",
	  "--options: bad options value 'No-Reload'; " EXPECT_OPTIONS },
	{ SCN_PROBE, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q",
	  "--probe: 'probe' has 17 values; at most 16" },
	{ SCN_PROBE, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s",
	  "--probe: 'probe' has 17 values; at most 16" },
};

START_TEST(test_override_bad)
{
	struct scn_file *f = parse_str(groups_text);
	char err[512] = "";
	ck_assert_int_eq(scn_override_axis(f, override_bad_rows[_i].axis,
	                                   override_bad_rows[_i].csv, err,
	                                   sizeof err), -1);
	ck_assert_str_eq(err, override_bad_rows[_i].err);
	free(f);
}
END_TEST

/* A list longer than the values could ever be is refused, and the
 * message names the option like every other --option error. */
START_TEST(test_override_too_long)
{
	struct scn_file *f = parse_str(groups_text);
	char csv[SCN_VALUES_MAX * SCN_WORD_MAX + 8], err[512] = "";
	memset(csv, 'a', sizeof csv - 1);
	csv[sizeof csv - 1] = '\0';
	ck_assert_int_eq(scn_override_axis(f, SCN_PROBE, csv, err, sizeof err), -1);
	ck_assert_str_eq(err, "--probe: list too long");
	free(f);
}
END_TEST

/* ---- Limits ---- */

/* Append prefix, i and suffix to buf. */
static void append(char *buf, size_t size, const char *prefix, int i,
                   const char *suffix)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s%d%s", prefix, i, suffix);
}

START_TEST(test_limit_values)
{
	char text[1024] = "probe";
	for (int i = 0; i < SCN_VALUES_MAX; i++)
		append(text, sizeof text, " p", i, "");
	strcat(text, "\nupdate inplace rename symlink bind-inplace bind-rename\n"
	             "options default no-reload single-request\n"
	             "cache none nscd\nlibc host l1\n");
	struct scn_file *f = parse_str(text);
	ck_assert_uint_eq(scn_count(f), 16 * 5 * 3 * 2 * 2);
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.name, "p0/inplace/default");
	scn_case_at(f, 17, &c);
	ck_assert_str_eq(c.name, "p1/rename/default");
	scn_case_at(f, 16 * 5 * 3 * 2 * 2 - 1, &c);
	ck_assert_str_eq(c.name, "l1:p15/bind-rename/single-request/nscd");
	free(f);
}
END_TEST

START_TEST(test_limit_groups)
{
	char text[1024] = "probe x\n";
	for (int i = 0; i < SCN_GROUPS_MAX; i++)
		append(text, sizeof text, "[g", i, "]\n");
	struct scn_file *f = parse_str(text);
	ck_assert_uint_eq(f->ngroups, SCN_GROUPS_MAX);
	ck_assert_uint_eq(scn_count(f), SCN_GROUPS_MAX);
	struct scn_case c;
	scn_case_at(f, SCN_GROUPS_MAX - 1, &c);
	ck_assert_str_eq(c.group, "g15");
	ck_assert_str_eq(c.name, "x/inplace/default");
	free(f);
}
END_TEST

/* Words of SCN_WORD_MAX - 1 characters, on every axis at once: the case
 * name must hold them all. */
START_TEST(test_limit_word)
{
	char w[SCN_WORD_MAX], text[1024];
	memset(w, 'w', SCN_WORD_MAX - 1);
	w[SCN_WORD_MAX - 1] = '\0';
	snprintf(text, sizeof text, "probe %s\nlibc %s\n[%s]\n", w, w, w);
	struct scn_file *f = parse_str(text);
	struct scn_case c;
	scn_case_at(f, 0, &c);
	char want[SCN_NAME_MAX];
	snprintf(want, sizeof want, "%s:%s/inplace/default", w, w);
	ck_assert_str_eq(c.name, want);
	ck_assert_str_eq(c.group, w);
	free(f);
}
END_TEST

START_TEST(test_limit_line)
{
	char text[1100];
	memset(text, 'x', sizeof text);
	memcpy(text, "probe a\n#", 9);
	/* line 2 is '#' and 1022 more characters: 1023 in all */
	text[8 + 1023] = '\n';
	struct scn_file *f = parse_ok(text, 8 + 1024);
	ck_assert_uint_eq(scn_count(f), 1);
	free(f);
}
END_TEST

START_TEST(test_limit_before)
{
	struct scn_file *f = parse_str("probe a\nbefore 1\n[b]\nbefore 1000\n");
	ck_assert_uint_eq(f->groups[0].before, 1000);
	free(f);
	f = parse_str("probe a\nbefore 1\n");
	ck_assert_uint_eq(f->groups[0].before, 1);
	free(f);
}
END_TEST

/* A sentence or a command is one value: more words than an axis may
 * have values, and as many characters as the field holds. */
START_TEST(test_limit_text)
{
	const char *why = "one two three four five six seven eight nine ten "
	                  "eleven twelve thirteen fourteen fifteen sixteen "
	                  "seventeen eighteen nineteen";
	const char *cmd = "sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
	                  "16 17 18; do echo $i; done'";
	char text[1024];
	snprintf(text, sizeof text, "why %s\nexec %s\n", why, cmd);
	struct scn_file *f = parse_str(text);
	ck_assert_str_eq(f->groups[0].why, why);
	ck_assert_str_eq(f->groups[0].exec, cmd);
	free(f);

	/* 255 characters fit in exec, 127 in why. */
	char longcmd[SCN_TEXT_MAX], longwhy[sizeof f->groups[0].why];
	memset(longcmd, 'c', sizeof longcmd - 1);
	longcmd[sizeof longcmd - 1] = '\0';
	memset(longwhy, 'w', sizeof longwhy - 1);
	longwhy[sizeof longwhy - 1] = '\0';
	ck_assert_uint_eq(strlen(longcmd), 255);
	ck_assert_uint_eq(strlen(longwhy), 127);
	snprintf(text, sizeof text, "exec %s\ntrigger %s\nfresh %s\nwhy %s\n",
	         longcmd, longcmd, longcmd, longwhy);
	f = parse_str(text);
	ck_assert_str_eq(f->groups[0].exec, longcmd);
	ck_assert_str_eq(f->groups[0].trigger, longcmd);
	ck_assert_str_eq(f->groups[0].fresh, longcmd);
	ck_assert_str_eq(f->groups[0].why, longwhy);
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.exec, longcmd);
	ck_assert_str_eq(c.why, longwhy);
	free(f);
}
END_TEST

/* A small error buffer gets what fits, still NUL-terminated. */
START_TEST(test_limit_errsize)
{
	struct scn_file f;
	char err[8];
	memset(err, 'Z', sizeof err);
	ck_assert_int_eq(scn_parse("probe a\nfoo\n", 12, "t.scn", &f, err,
	                           sizeof err), -1);
	ck_assert_str_eq(err, "t.scn:2");
}
END_TEST

/* ---- Malformed: every error names the file and the exact line ---- */

#define T(s) s, sizeof(s) - 1
#define A12 "aaaaaaaaaaaa"
#define A48 A12 A12 A12 A12      /* one more than a word may have */
#define C64  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define C256 C64 C64 C64 C64

static const struct {
	const char *name;
	const char *text;
	size_t      len;
	const char *err;
} bad_rows[] = {
	{ "unknown-key", T("probe getip\ninterval 50ms\nprobes getip\n"),
	  "t.scn:3: unknown key 'probes'; " EXPECT_KEY },
	{ "unknown-key-in-group", T("probe a\n[g]\n\n  Probe b\n"),
	  "t.scn:4: unknown key 'Probe'; " EXPECT_KEY },
	{ "update-typo", T("probe getip\n\nupdate inplace inplase\n"),
	  "t.scn:3: unknown update method 'inplase'; " EXPECT_UPDATE },
	{ "update-typo-in-group", T("probe a\n[g]\nprobe b\nupdate renmae\n"),
	  "t.scn:4: unknown update method 'renmae'; " EXPECT_UPDATE },
	{ "cache-unknown", T("probe getip\ncache redis\n"),
	  "t.scn:2: unknown cache 'redis'; expected one of: none, nscd, nscd-nocheck" },
	{ "options-upper", T("probe getip\noptions No-Reload\n"),
	  "t.scn:2: bad options value 'No-Reload'; " EXPECT_OPTIONS },
	{ "options-empty-word", T("probe getip\noptions no-reload++rotate\n"),
	  "t.scn:2: bad options value 'no-reload++rotate'; " EXPECT_OPTIONS },
	{ "duration-word", T("probe getip\ninterval fast\n"),
	  "t.scn:2: bad interval 'fast'; " EXPECT_DURATION },
	{ "duration-unit", T("probe getip\n\n\nwindow 2h\n"),
	  "t.scn:4: bad window '2h'; " EXPECT_DURATION },
	{ "duration-zero", T("switch-after 0ms\nprobe getip\n"),
	  "t.scn:1: bad switch-after '0ms'; " EXPECT_DURATION },
	{ "duration-negative", T("probe getip\ntimeout -1s\n"),
	  "t.scn:2: bad timeout '-1s'; " EXPECT_DURATION },
	{ "duration-two-words", T("probe getip\nwindow 1 s\n"),
	  "t.scn:2: 'window' takes exactly one value" },
	{ "duration-missing", T("probe getip\ninterval\n"),
	  "t.scn:2: 'interval' takes exactly one value" },
	{ "before-zero", T("probe getip\nbefore 0\n"),
	  "t.scn:2: bad before '0'; " EXPECT_COUNT },
	{ "before-big", T("probe getip\nbefore 1001\n"),
	  "t.scn:2: bad before '1001'; " EXPECT_COUNT },
	{ "before-junk", T("probe getip\nbefore 3x\n"),
	  "t.scn:2: bad before '3x'; " EXPECT_COUNT },
	{ "name-two-words", T("probe getip\nname hat com\n"),
	  "t.scn:2: 'name' takes exactly one value" },
	{ "name-bad", T("probe getip\nname hat/com\n"),
	  "t.scn:2: bad name 'hat/com'; expected a domain name" },
	{ "secrets-bad", T("probe getip\nsecrets yes\n"),
	  "t.scn:2: bad secrets 'yes'; expected masked or shown" },
	{ "env-bad", T("probe getip\nenv NOEQUALS\n"),
	  "t.scn:2: bad env 'NOEQUALS': no '='" },
	{ "env-name", T("probe getip\nenv A-B=1\n"),
	  "t.scn:2: bad env 'A-B=1': the name must be letters, digits or '_' ('A-B' is not)" },
	{ "env-empty", T("probe getip\nenv\n"),
	  "t.scn:2: bad env '': no '='" },
	{ "env-many", T("probe getip\nenv A=1\nenv B=1\nenv C=1\nenv D=1\nenv E=1\n"
	                "env F=1\nenv G=1\nenv H=1\nenv I=1\n"),
	  "t.scn:10: too many env lines; at most 8" },
	{ "environment-bad", T("probe getip\nenvironment dirty\n"),
	  "t.scn:2: bad environment 'dirty'; expected clean or kept" },
	{ "secrets-two", T("probe getip\nsecrets shown masked\n"),
	  "t.scn:2: 'secrets' takes exactly one value" },
	{ "duplicate-value", T("probe getip res_loop getip\n"),
	  "t.scn:1: 'getip' is listed twice in 'probe'" },
	{ "duplicate-update", T("probe a\nupdate rename inplace rename\n"),
	  "t.scn:2: 'rename' is listed twice in 'update'" },
	{ "duplicate-group", T("probe getip\n[a]\n[b]\n# c\n[a]\n"),
	  "t.scn:5: group [a] is defined twice" },
	{ "group-without-probe",
	  T("[a]\nprobe getip\n\n[b]\nupdate rename\n[c]\nprobe x\n"),
	  "t.scn:4: group [b] has no 'probe' line; " EXPECT_PROBE },
	{ "file-without-probe", T("# nothing\n\nupdate rename\n"),
	  "t.scn:1: group [t] has no 'probe' line; " EXPECT_PROBE },
	{ "empty-file", T(""),
	  "t.scn:1: group [t] has no 'probe' line; " EXPECT_PROBE },
	{ "probe-without-values", T("\nprobe\n"),
	  "t.scn:2: 'probe' needs at least one value" },
	{ "values-17", T("probe a b c d e f g h i j k l m n o p q\n"),
	  "t.scn:1: 'probe' has 17 values; at most 16" },
	{ "values-18", T("\nprobe a b c d e f g h i j k l m n o p q r\n"),
	  "t.scn:2: too many values; at most 16 per line" },
	{ "word-too-long", T("probe " A48 "\n"),
	  "t.scn:1: bad probe value '" A48 "'; " EXPECT_WORDS },
	{ "word-bad-char", T("probe getip\nlibc glibc;2\n"),
	  "t.scn:2: bad libc value 'glibc;2'; " EXPECT_WORDS },
	{ "header-unclosed", T("probe x\n[abc\n"),
	  "t.scn:2: bad group header; expected [name]" },
	{ "header-trailing", T("probe x\n[a]b\n"),
	  "t.scn:2: bad group header; expected [name]" },
	{ "header-empty", T("probe x\n[]\n"),
	  "t.scn:2: bad group name ''; expected a word" },
	{ "header-space", T("probe x\n[a b]\n"),
	  "t.scn:2: bad group name 'a b'; expected a word" },
	{ "groups-17",
	  T("probe x\n[a]\n[b]\n[c]\n[d]\n[e]\n[f]\n[g]\n[h]\n[i]\n[j]\n[k]\n"
	    "[l]\n[m]\n[n]\n[o]\n[p]\n[q]\n"),
	  "t.scn:18: too many groups; at most 16" },
	{ "nul-byte", T("probe getip\nupdate re\0name\n"),
	  "t.scn:2: NUL byte; expected text" },
	{ "why-too-long",
	  T("probe x\nwhy 0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "01234567\n"),
	  "t.scn:2: 'why' is longer than 127 characters; " EXPECT_SHORTER },
	{ "why-empty", T("probe x\nwhy   # nothing to say\n"),
	  "t.scn:2: 'why' needs a value; expected a sentence" },
	{ "exec-empty", T("[m]\nexec\n"),
	  "t.scn:2: 'exec' needs a value; " EXPECT_COMMAND },
	{ "trigger-empty", T("[m]\nexec x\ntrigger \t\r\n"),
	  "t.scn:3: 'trigger' needs a value; " EXPECT_COMMAND },
	{ "fresh-empty", T("[m]\nexec x\n\nfresh#\n"),
	  "t.scn:4: 'fresh' needs a value; " EXPECT_COMMAND },
	{ "exec-too-long", T("[m]\nexec " C256 "\n"),
	  "t.scn:2: 'exec' is longer than 255 characters; " EXPECT_SHORTER },
	{ "trigger-too-long", T("[m]\nexec x\ntrigger " C256 C64 "\n"),
	  "t.scn:3: 'trigger' is longer than 255 characters; " EXPECT_SHORTER },
	{ "fresh-too-long", T("exec x\nfresh " C256 "\n"),
	  "t.scn:2: 'fresh' is longer than 255 characters; " EXPECT_SHORTER },
	{ "probe-and-exec", T("[m]\nprobe getip\nexec sleep 1\n"),
	  "t.scn:1: group [m] has both 'probe' and 'exec'; " EXPECT_ONE },
	{ "probe-and-exec-no-groups", T("\nexec sleep 1\nprobe getip\n"),
	  "t.scn:1: group [t] has both 'probe' and 'exec'; " EXPECT_ONE },
	/* A probe above the first header is in every group, exec ones too. */
	{ "default-probe-exec-group", T("probe getip\n[classic]\n\n[mail]\nexec x\n"),
	  "t.scn:4: group [mail] has both 'probe' and 'exec'; " EXPECT_ONE },
	{ "only-lower", T("exec x\nonly mx\n"),
	  "t.scn:2: bad only 'mx'; " EXPECT_QTYPE },
	{ "only-mixed", T("exec x\nonly Aaaa\n"),
	  "t.scn:2: bad only 'Aaaa'; " EXPECT_QTYPE },
	{ "only-dash", T("exec x\nonly M-X\n"),
	  "t.scn:2: bad only 'M-X'; " EXPECT_QTYPE },
	{ "only-16", T("exec x\nonly ABCDEFGHIJKLMNOP\n"),
	  "t.scn:2: bad only 'ABCDEFGHIJKLMNOP'; " EXPECT_QTYPE },
	{ "only-unknown-type", T("exec x\nonly A6\n"),
	  "t.scn:2: bad only 'A6'; " EXPECT_QTYPE },
	{ "only-type-number", T("exec x\nonly TYPE15\n"),
	  "t.scn:2: bad only 'TYPE15'; " EXPECT_QTYPE },
	{ "only-two-words", T("exec x\nonly MX A\n"),
	  "t.scn:2: 'only' takes exactly one value" },
	{ "only-missing", T("exec x\nonly\n"),
	  "t.scn:2: 'only' takes exactly one value" },
	{ "trigger-every-zero", T("exec x\ntrigger-every 0s\n"),
	  "t.scn:2: bad trigger-every '0s'; " EXPECT_DURATION },
	{ "fresh-for-word", T("exec x\nfresh-for soon\n"),
	  "t.scn:2: bad fresh-for 'soon'; " EXPECT_DURATION },
	{ "fresh-for-two-words", T("exec x\nfresh-for 5 s\n"),
	  "t.scn:2: 'fresh-for' takes exactly one value" },
	/* Only a sentence or a command may have more than 17 words. */
	{ "name-18-values", T("probe x\nname a b c d e f g h i j k l m n o p q r\n"),
	  "t.scn:2: too many values; at most 16 per line" },
};

START_TEST(test_malformed)
{
	struct scn_file *f = malloc(sizeof *f);
	char err[512] = "";
	ck_assert_ptr_nonnull(f);
	int rc = scn_parse(bad_rows[_i].text, bad_rows[_i].len, "t.scn", f,
	                   err, sizeof err);
	ck_assert_msg(rc == -1, "%s: accepted", bad_rows[_i].name);
	ck_assert_msg(strcmp(err, bad_rows[_i].err) == 0,
	              "%s\n  want: %s\n  got:  %s", bad_rows[_i].name,
	              bad_rows[_i].err, err);
	free(f);
}
END_TEST

/* The line counter counts a line that is too long, too. */
START_TEST(test_malformed_long_line)
{
	char text[1200];
	memset(text, 'x', sizeof text);
	memcpy(text, "probe a\n# ok\n#", 14);
	/* line 3 is 1024 characters: '#' and 1023 more */
	text[13 + 1024] = '\n';
	struct scn_file f;
	char err[256];
	ck_assert_int_eq(scn_parse(text, 13 + 1025, "t.scn", &f, err, sizeof err), -1);
	ck_assert_str_eq(err, "t.scn:3: line longer than 1023 characters");
}
END_TEST

/* The path in messages is the one handed in, as the user typed it. */
START_TEST(test_malformed_path)
{
	struct scn_file f;
	char err[256];
	ck_assert_int_eq(scn_parse("probe a\nupdate inplase\n", 23,
	                           "fixtures/scenarios/x.scn", &f, err,
	                           sizeof err), -1);
	ck_assert_msg(strncmp(err, "fixtures/scenarios/x.scn:2: ", 28) == 0,
	              "got: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "expected"));
	ck_assert_ptr_nonnull(strstr(err, "inplace, rename, symlink, "
	                                  "bind-inplace, bind-rename"));
}
END_TEST

/* Nothing after len is read: a line cut at len is the last line. */
START_TEST(test_len_respected)
{
	const char text[] = "probe a\nupdate inplase\n";
	struct scn_file *f = parse_ok(text, 8);
	ck_assert_str_eq(f->groups[0].axis[SCN_UPDATE].v[0], "inplace");
	char err[256];
	ck_assert_int_eq(scn_parse(text, sizeof text - 1, "t.scn", f, err,
	                           sizeof err), -1);
	free(f);
}
END_TEST

/* ---- Servers of a group's own: resolv.conf lines and states ---- */

/* Each "resolv-before" line is a line of the file, as written; the
 * group's cases are named apart by the group; the other groups keep the
 * default pair and their names. */
START_TEST(test_servers_group)
{
	struct scn_file *f = parse_str(
		"probe getip\n"
		"[classic]\n"
		"[v6]\n"
		"resolv-before nameserver 2001:db8:100::10\n"
		"resolv-before search  example.com\n"
		"resolv-after nameserver 2001:db8:100::20\n"
		"server 2001:db8:100::10 down\n");
	const struct scn_group *g = &f->groups[1];
	ck_assert_str_eq(g->conf[0], "nameserver 2001:db8:100::10\n"
	                             "search  example.com\n");
	ck_assert_str_eq(g->conf[1], "nameserver 2001:db8:100::20\n");
	ck_assert_uint_eq(g->nstate, 1);
	ck_assert_str_eq(g->state[0], "2001:db8:100::10=down");
	ck_assert_str_eq(f->groups[0].conf[0], "");
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.name, "getip/inplace/default");
	ck_assert_str_eq(c.conf[0], "");
	scn_case_at(f, 1, &c);
	ck_assert_str_eq(c.name, "getip/inplace/default/v6");
	ck_assert_str_eq(c.conf[1], "nameserver 2001:db8:100::20\n");
	ck_assert_str_eq(c.state[0], "2001:db8:100::10=down");
	ck_assert(scn_case_matches(&c, "v6"));
	free(f);
}
END_TEST

/* A state for the default pair is allowed, and names the group too. */
START_TEST(test_servers_state_only)
{
	struct scn_file *f = parse_str("[down]\nprobe getip\n"
	                               "server 198.51.100.10 slow:500ms\n");
	struct scn_case c;
	scn_case_at(f, 0, &c);
	ck_assert_str_eq(c.name, "getip/inplace/default/down");
	ck_assert_str_eq(c.conf[0], "");
	free(f);
}
END_TEST

/* Bad servers point at the scenario's line. */
static const struct { const char *name, *text, *prefix, *has; } bad_servers[] = {
	{ "before-only", "probe a\nresolv-before nameserver 192.0.2.1\n",
	  "t.scn:2: group [t] has 'resolv-before' lines but no 'resolv-after' "
	  "lines; expected the resolv.conf before and after the switch", "" },
	{ "after-only", "probe a\n\nresolv-after nameserver 192.0.2.1\n",
	  "t.scn:3: group [t] has 'resolv-after' lines but no 'resolv-before' "
	  "lines", "" },
	{ "bad-address", "probe a\nresolv-before nameserver 192.0.2.1\n"
	  "resolv-before nameserver 192.0.2.300\n"
	  "resolv-after nameserver 192.0.2.2\n", "t.scn:3: resolv-before", "192.0.2.300" },
	{ "bad-address-after", "probe a\nresolv-before nameserver 192.0.2.1\n"
	  "resolv-after search x\nresolv-after nameserver fe80::1%eth0\n",
	  "t.scn:4: resolv-after", "fe80::1%eth0" },
	{ "no-nameserver", "probe a\nresolv-before nameserver 192.0.2.1\n"
	  "resolv-after search x\n", "t.scn:3: resolv-after", "nameserver" },
	{ "state-unknown-server", "probe a\nserver 192.0.2.99 down\n",
	  "t.scn:2: ", "192.0.2.99" },
	{ "state-unknown", "probe a\nserver 198.51.100.10 sleepy\n",
	  "t.scn:2: ", "sleepy" },
	{ "state-one-word", "probe a\nserver 198.51.100.10\n",
	  "t.scn:2: 'server' takes an address and a state; expected e.g. "
	  "'server 198.51.100.10 down'", "" },
	{ "resolv-empty", "probe a\nresolv-before\n",
	  "t.scn:2: 'resolv-before' needs a value; expected a resolv.conf line "
	  "such as 'nameserver 192.0.2.53'", "" },
};

START_TEST(test_servers_bad)
{
	struct scn_file *f = malloc(sizeof *f);
	char err[512] = "";
	ck_assert_ptr_nonnull(f);
	const char *t = bad_servers[_i].text;
	ck_assert_msg(scn_parse(t, strlen(t), "t.scn", f, err, sizeof err) == -1,
	              "%s: accepted", bad_servers[_i].name);
	ck_assert_msg(strncmp(err, bad_servers[_i].prefix,
	                      strlen(bad_servers[_i].prefix)) == 0 &&
	              strstr(err, bad_servers[_i].has) && !strchr(err, '\n'),
	              "%s: got: %s", bad_servers[_i].name, err);
	free(f);
}
END_TEST

/* ---- Shards: every case in exactly one shard, shards even. ---- */

static const struct { const char *text; int rc; unsigned k, n; } shard_rows[] = {
	{ "1/1", 0, 1, 1 }, { "2/4", 0, 2, 4 }, { "4/4", 0, 4, 4 },
	{ "10000/10000", 0, 10000, 10000 },
	{ "0/2", -1, 0, 0 }, { "3/2", -1, 0, 0 }, { "1/0", -1, 0, 0 },
	{ "1/", -1, 0, 0 }, { "/2", -1, 0, 0 }, { "1/2x", -1, 0, 0 },
	{ "1 /2", -1, 0, 0 }, { "-1/2", -1, 0, 0 }, { "", -1, 0, 0 },
	{ "1/10001", -1, 0, 0 }, { "99999999999999999999/2", -1, 0, 0 },
};

START_TEST(test_parse_shard)
{
	unsigned k = 77, n = 77;
	int rc = scn_parse_shard(shard_rows[_i].text, &k, &n);
	ck_assert_msg(rc == shard_rows[_i].rc, "'%s': rc %d", shard_rows[_i].text, rc);
	if (rc == 0) {
		ck_assert_uint_eq(k, shard_rows[_i].k);
		ck_assert_uint_eq(n, shard_rows[_i].n);
	} else {
		ck_assert_uint_eq(k, 77);   /* untouched on error */
		ck_assert_uint_eq(n, 77);
	}
}
END_TEST

START_TEST(test_shards_partition)
{
	for (unsigned n = 1; n <= 7; n++) {
		for (size_t total = 0; total <= 60; total++) {
			unsigned seen[60] = { 0 }, per[8] = { 0 };
			for (unsigned k = 1; k <= n; k++)
				for (size_t i = 0; i < total; i++)
					if (scn_in_shard(i, k, n)) {
						seen[i]++;
						per[k]++;
					}
			for (size_t i = 0; i < total; i++)
				ck_assert_msg(seen[i] == 1, "n=%u total=%zu case %zu in %u shards",
				              n, total, i, seen[i]);
			for (unsigned k = 1; k <= n; k++)   /* even: sizes differ by <= 1 */
				ck_assert_msg(per[k] * n <= total + n && per[k] * n + n >= total,
				              "n=%u total=%zu shard %u has %u", n, total, k, per[k]);
		}
	}
	ck_assert(!scn_in_shard(0, 0, 2));
	ck_assert(!scn_in_shard(0, 1, 0));
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_defaults_only);
	tcase_add_test(tc, test_secrets_per_group);
	tcase_add_test(tc, test_env_per_group);
	tcase_add_test(tc, test_repro_matrix);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_group_fields);
	tcase_add_test(tc, test_comments_blank_lines);
	tcase_add_test(tc, test_last_line_and_override);
	tcase_add_test(tc, test_why_crlf);
	tcase_add_loop_test(tc, test_header_forms, 0, NROWS(header_rows));
	tcase_add_loop_test(tc, test_duration, 0, NROWS(duration_rows));
	tcase_add_loop_test(tc, test_group_from_path, 0, NROWS(path_rows));
	tcase_add_test(tc, test_axis_names);
	tcase_add_test(tc, test_servers_group);
	tcase_add_test(tc, test_servers_state_only);
	tcase_add_loop_test(tc, test_servers_bad, 0, NROWS(bad_servers));
	suite_add_tcase(s, tc);

	tc = tcase_create("Commands");
	tcase_add_test(tc, test_exec_cases);
	tcase_add_test(tc, test_exec_group_fields);
	tcase_add_test(tc, test_exec_defaults);
	tcase_add_test(tc, test_exec_override_line);
	tcase_add_loop_test(tc, test_only_ok, 0, NROWS(only_ok_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Shards");
	tcase_add_loop_test(tc, test_parse_shard, 0, NROWS(shard_rows));
	tcase_add_test(tc, test_shards_partition);
	suite_add_tcase(s, tc);

	tc = tcase_create("Filters");
	tcase_add_loop_test(tc, test_filter, 0, NROWS(filter_rows));
	tcase_add_test(tc, test_filter_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("Overrides");
	tcase_add_test(tc, test_override);
	tcase_add_test(tc, test_override_exec);
	tcase_add_test(tc, test_libc_path);
	tcase_add_loop_test(tc, test_override_bad, 0, NROWS(override_bad_rows));
	tcase_add_test(tc, test_override_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_limit_values);
	tcase_add_test(tc, test_limit_groups);
	tcase_add_test(tc, test_limit_word);
	tcase_add_test(tc, test_limit_line);
	tcase_add_test(tc, test_limit_before);
	tcase_add_test(tc, test_limit_text);
	tcase_add_test(tc, test_limit_errsize);
	tcase_add_test(tc, test_len_respected);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_malformed_long_line);
	tcase_add_test(tc, test_malformed_path);
	suite_add_tcase(s, tc);

	return s;
}
