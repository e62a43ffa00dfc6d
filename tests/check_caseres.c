/*
 * check_caseres.c - a case record as "key<TAB>value" text and back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "caseres.h"
#include "suites.h"
#include "testutil.h"

/* caseres_write into a string the caller frees. */
static char *write_text(const struct case_result *r)
{
	struct memout m;
	ck_assert_int_eq(caseres_write(memout_open(&m), r), 0);
	return memout_text(&m);
}

/* Every field set, none to its initial value. */
static void fill(struct case_result *r)
{
	caseres_init(r);
	strcpy(r->name, "bookworm:res_loop/bind-rename/no-reload/nscd");
	strcpy(r->group, "slow");
	strcpy(r->probe, "res_loop");
	strcpy(r->update, "bind-rename");
	strcpy(r->options, "no-reload");
	strcpy(r->cache, "nscd");
	strcpy(r->libc_axis, "bookworm");
	strcpy(r->libc, "glibc 2.36");
	strcpy(r->command, "'/usr/libexec/whichns/res_loop' -i 50 hat.com");
	strcpy(r->dir, "007-res_loop_bind-rename_no-reload_nscd");
	strcpy(r->pcap, "007-res_loop_bind-rename_no-reload_nscd/capture.pcap");
	strcpy(r->error, "the old server (dnsmasq) exited: \"x\" \\ y");
	strcpy(r->why, "res_init every 5 rounds re-reads the file");
	strcpy(r->skip, "the probe cannot run on musl 1.2.3: no res_init");
	r->vd.v = V_LATE;
	r->vd.late_by = 2;
	r->vd.queries_old_before = 3;
	r->vd.queries_new_before = 4;
	r->vd.queries_other_before = 5;
	r->vd.queries_old_after = 6;
	r->vd.queries_new_after = 7;
	r->vd.queries_other_after = 8;
	r->vd.lookups_old_after = 9;
	r->vd.lookups_new_after = 10;
	r->vd.first_new_ms = 123.5;
	r->vd.answers_old_before = 11;
	r->vd.answers_new_before = 12;
	r->vd.answers_old_after = 13;
	r->vd.answers_new_after = 4294967295u;
	strcpy(r->vd.reason, "2 more lookups to the old server, then only the new one");
	strcpy(r->vd.app_note, "answered by a cache");
	r->expected = V_STALE;
	strcpy(r->expected_why, "options no-reload: read once");
	r->switched = true;
	r->switch_time = 1700000000.123456;
	r->switch_end = 1700000000.123789;
	r->t_start = 1699999999.5;
	r->t_end = 1700000002.25;
	r->observe_s = 2.75;
	r->dropped = 18446744073709551615ull;
	r->packets = 40;
	r->malformed = 1;
	r->exit_code = -15;
	r->complete = true;
}

static struct case_result *parse_ok(const char *text)
{
	struct case_result *r = malloc(sizeof *r);
	char err[256] = "";
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(caseres_parse(text, strlen(text), r, err, sizeof err) == 0,
	              "rejected: %s", err);
	return r;
}

START_TEST(test_round_trip)
{
	struct case_result a;
	fill(&a);
	char *text = write_text(&a);
	struct case_result *b = parse_ok(text);

	ck_assert_str_eq(b->name, a.name);
	ck_assert_str_eq(b->group, a.group);
	ck_assert_str_eq(b->probe, a.probe);
	ck_assert_str_eq(b->update, a.update);
	ck_assert_str_eq(b->options, a.options);
	ck_assert_str_eq(b->cache, a.cache);
	ck_assert_str_eq(b->libc_axis, a.libc_axis);
	ck_assert_str_eq(b->libc, a.libc);
	ck_assert_str_eq(b->command, a.command);
	ck_assert_str_eq(b->dir, a.dir);
	ck_assert_str_eq(b->pcap, a.pcap);
	ck_assert_str_eq(b->error, a.error);
	ck_assert_str_eq(b->why, a.why);
	ck_assert_str_eq(b->skip, a.skip);
	ck_assert_int_eq(b->vd.v, V_LATE);
	ck_assert_uint_eq(b->vd.late_by, 2);
	ck_assert_uint_eq(b->vd.queries_old_before, 3);
	ck_assert_uint_eq(b->vd.queries_new_before, 4);
	ck_assert_uint_eq(b->vd.queries_other_before, 5);
	ck_assert_uint_eq(b->vd.queries_old_after, 6);
	ck_assert_uint_eq(b->vd.queries_new_after, 7);
	ck_assert_uint_eq(b->vd.queries_other_after, 8);
	ck_assert_uint_eq(b->vd.lookups_old_after, 9);
	ck_assert_uint_eq(b->vd.lookups_new_after, 10);
	ck_assert_double_eq(b->vd.first_new_ms, 123.5);
	ck_assert_uint_eq(b->vd.answers_old_before, 11);
	ck_assert_uint_eq(b->vd.answers_new_before, 12);
	ck_assert_uint_eq(b->vd.answers_old_after, 13);
	ck_assert_uint_eq(b->vd.answers_new_after, 4294967295u);
	ck_assert_str_eq(b->vd.reason, a.vd.reason);
	ck_assert_str_eq(b->vd.app_note, a.vd.app_note);
	ck_assert_int_eq(b->expected, V_STALE);
	ck_assert_str_eq(b->expected_why, a.expected_why);
	ck_assert(b->switched);
	ck_assert_double_eq(b->switch_time, 1700000000.123456);
	ck_assert_double_eq(b->switch_end, 1700000000.123789);
	ck_assert_double_eq(b->t_start, 1699999999.5);
	ck_assert_double_eq(b->t_end, 1700000002.25);
	ck_assert_double_eq(b->observe_s, 2.75);
	ck_assert(b->dropped == 18446744073709551615ull);
	ck_assert_uint_eq(b->packets, 40);
	ck_assert_uint_eq(b->malformed, 1);
	ck_assert_int_eq(b->exit_code, -15);
	ck_assert(b->complete);

	/* And written again, the same text. */
	char *again = write_text(b);
	ck_assert_str_eq(again, text);
	free(again);
	free(b);
	free(text);
}
END_TEST

/* Every line of want appears in got as a whole line, in want's order.
 * Fields added later may sit anywhere in between. */
static bool lines_in_order(const char *got, const char *want)
{
	const char *g = got;
	for (const char *w = want; *w;) {
		size_t wl = strcspn(w, "\n") + 1;
		for (;;) {
			size_t gl = strcspn(g, "\n") + 1;
			if (!*g)
				return false;
			bool same = gl == wl && strncmp(g, w, wl) == 0;
			g += gl;
			if (same)
				break;
		}
		w += wl;
	}
	return true;
}

/* The text form is a contract with "whichns merge" and the integration
 * tests (awk on result.txt): these keys, these value formats, this order. */
static const char initial_text[] =
	"case\tx\n" "group\t\n" "probe\t\n" "update\t\n" "options\t\n"
	"cache\t\n" "libc_axis\t\n" "libc\t\n" "command\t\n" "dir\t\n"
	"pcap\t\n" "error\t\n" "why\t\n" "skip\t\n"
	"verdict\tNONE\n" "late_by\t0\n"
	"queries_old_before\t0\n" "queries_new_before\t0\n"
	"queries_other_before\t0\n" "queries_old_after\t0\n"
	"queries_new_after\t0\n" "queries_other_after\t0\n"
	"lookups_old_after\t0\n" "lookups_new_after\t0\n"
	"first_new_ms\t-1.000000\n"
	"answers_old_before\t0\n" "answers_new_before\t0\n"
	"answers_old_after\t0\n" "answers_new_after\t0\n"
	"reason\t\n" "app_note\t\n" "expected\tNONE\n" "expected_why\t\n"
	"switched\tno\n" "switch_time\t0.000000\n" "t_start\t0.000000\n"
	"t_end\t0.000000\n" "observe_s\t0.000000\n" "dropped\t0\n"
	"packets\t0\n" "malformed\t0\n" "exit_code\t-1\n" "complete\tno\n";

START_TEST(test_initial_text)
{
	struct case_result r;
	caseres_init(&r);
	strcpy(r.name, "x");
	char *text = write_text(&r);
	ck_assert_msg(strncmp(text, "case\tx\n", 7) == 0, "'case' is not first");
	ck_assert_msg(lines_in_order(text, initial_text),
	              "\n--- want (in this order) ---\n%s--- got ---\n%s",
	              initial_text, text);
	struct case_result *back = parse_ok(text);
	ck_assert_int_eq(back->vd.v, V_NONE);
	ck_assert_int_eq(back->expected, V_NONE);
	ck_assert_double_eq(back->vd.first_new_ms, -1);
	ck_assert_int_eq(back->exit_code, -1);
	free(back);
	free(text);
}
END_TEST

/* The order check itself: a missing, changed or moved line fails. */
START_TEST(test_lines_in_order)
{
	ck_assert(lines_in_order("a\tx\nnew\t1\nb\t\n", "a\tx\nb\t\n"));
	ck_assert(!lines_in_order("a\tx\n", "a\tx\nb\t\n"));
	ck_assert(!lines_in_order("a\ty\nb\t\n", "a\tx\nb\t\n"));
	ck_assert(!lines_in_order("b\t\na\tx\n", "a\tx\nb\t\n"));
	ck_assert(!lines_in_order("a\tx2\nb\t\n", "a\tx\nb\t\n"));
}
END_TEST

/* The libc prefix comes before the first '/'; a ':' after it is the
 * name's own (resolv.conf options such as timeout:1). */
START_TEST(test_bare_name)
{
	ck_assert_str_eq(caseres_bare_name("bullseye:getip/rename/default"),
	                 "getip/rename/default");
	ck_assert_str_eq(caseres_bare_name("getip/inplace/no-reload+timeout:1/failover"),
	                 "getip/inplace/no-reload+timeout:1/failover");
	ck_assert_str_eq(caseres_bare_name("sid:getip/inplace/timeout:1"),
	                 "getip/inplace/timeout:1");
	ck_assert_str_eq(caseres_bare_name("exec"), "exec");
	ck_assert_str_eq(caseres_bare_name("musl:exec"), "exec");
}
END_TEST

/* decode's summary: the wire fields of the table, in its order, written
 * as result.txt writes them, and nothing of the case around them. */
START_TEST(test_wire)
{
	struct case_result r;
	fill(&r);
	struct memout m;
	ck_assert_int_eq(caseres_write_wire(memout_open(&m), &r.vd), 0);
	char *text = memout_text(&m);
	ck_assert_text(text,
		"verdict\tLATE\n"
		"late_by\t2\n"
		"queries_old_before\t3\n"
		"queries_new_before\t4\n"
		"queries_other_before\t5\n"
		"queries_old_after\t6\n"
		"queries_new_after\t7\n"
		"queries_other_after\t8\n"
		"lookups_old_after\t9\n"
		"lookups_new_after\t10\n"
		"queries_kept_before\t0\n"
		"queries_kept_after\t0\n"
		"lookups_kept_after\t0\n"
		"first_new_ms\t123.500000\n"
		"reason\t2 more lookups to the old server, then only the new one\n");
	/* Each line is the one result.txt has. */
	char *full = write_text(&r);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char want[512];
		snprintf(want, sizeof want, "\n%s\n", line);
		ck_assert_has(full, want);
	}
	free(full);
	free(text);
}
END_TEST

START_TEST(test_init)
{
	struct case_result r;
	memset(&r, 0x5a, sizeof r);
	caseres_init(&r);
	ck_assert_int_eq(r.vd.v, V_NONE);
	ck_assert_int_eq(r.expected, V_NONE);
	ck_assert_double_eq(r.vd.first_new_ms, -1);
	ck_assert_int_eq(r.exit_code, -1);
	ck_assert_str_eq(r.name, "");
	ck_assert_str_eq(r.vd.reason, "");
	ck_assert(!r.complete);
	ck_assert(!r.switched);
}
END_TEST

/* Fields left out keep their initial values. */
START_TEST(test_partial)
{
	struct case_result *r = parse_ok("\ncase\tgetip/inplace/default\n\n"
	                                 "verdict\tfollowed\nswitched\tyes\n");
	ck_assert_str_eq(r->name, "getip/inplace/default");
	ck_assert_int_eq(r->vd.v, V_FOLLOWED);
	ck_assert(r->switched);
	ck_assert_int_eq(r->expected, V_NONE);
	ck_assert_int_eq(r->exit_code, -1);
	ck_assert_double_eq(r->vd.first_new_ms, -1);
	free(r);
}
END_TEST

/* A field from a newer whichns is skipped, and parsing goes on. */
START_TEST(test_unknown_keys)
{
	struct case_result *r = parse_ok("future_field\twhatever it is\n"
	                                 "case\tx\n"
	                                 "queries_v6_after\t-12\n"
	                                 "verdict\tSTALE\n"
	                                 "Case\tshadow\n");
	ck_assert_str_eq(r->name, "x");
	ck_assert_int_eq(r->vd.v, V_STALE);
	free(r);
}
END_TEST

/* Values are one line: tabs, newlines and CRs become spaces on the way
 * out, so the text still parses. */
START_TEST(test_flatten)
{
	struct case_result r;
	caseres_init(&r);
	strcpy(r.name, "a\tb\nc\rd");
	strcpy(r.vd.reason, "line one\nline two\t(tabbed)\r\n");
	strcpy(r.error, "\t");
	char *text = write_text(&r);
	ck_assert_msg(strncmp(text, "case\ta b c d\n", 13) == 0, "got: %.20s", text);
	ck_assert_ptr_nonnull(strstr(text, "\nreason\tline one line two (tabbed)  \n"));
	ck_assert_ptr_nonnull(strstr(text, "\nerror\t \n"));
	/* Still one line per field with one tab each, like a plain record. */
	struct case_result plain;
	caseres_init(&plain);
	char *plain_text = write_text(&plain);
	size_t nl = 0, tabs = 0, fields = 0;
	for (const char *p = text; *p; p++) {
		nl += *p == '\n';
		tabs += *p == '\t';
	}
	for (const char *p = plain_text; *p; p++)
		fields += *p == '\n';
	free(plain_text);
	ck_assert_uint_ge(fields, 43);
	ck_assert_uint_eq(nl, fields);
	ck_assert_uint_eq(tabs, fields);
	struct case_result *b = parse_ok(text);
	ck_assert_str_eq(b->name, "a b c d");
	ck_assert_str_eq(b->vd.reason, "line one line two (tabbed)  ");
	ck_assert_str_eq(b->error, " ");
	free(b);
	free(text);
}
END_TEST

/* The longest strings each field holds survive the trip. */
START_TEST(test_full_length)
{
	struct case_result a;
	caseres_init(&a);
	memset(a.name, 'n', sizeof a.name - 1);
	memset(a.command, 'c', sizeof a.command - 1);
	memset(a.vd.reason, 'r', sizeof a.vd.reason - 1);
	memset(a.libc, 'l', sizeof a.libc - 1);
	/* A path's line: its longest words and numbers, and a reason as long
	 * as the headline's (verdict.c's reasons may fill it). */
	a.npaths = 1;
	a.paths[0] = (struct vd_path){ .sender = PS_FRESH_NSCD,
		.v = V_INCONCLUSIVE, .late_by = 4294967295u,
		.queries_old_before = 4294967295u, .queries_new_before = 4294967295u,
		.queries_old_after = 4294967295u, .queries_new_after = 4294967295u,
		.lookups_old_after = 4294967295u, .lookups_new_after = 4294967295u,
		.first_new_ms = 1e9 };
	memset(a.paths[0].types, 'T', sizeof a.paths[0].types - 1);
	memset(a.paths[0].reason, 'p', sizeof a.paths[0].reason - 1);
	ck_assert_uint_eq(sizeof a.paths[0].reason, sizeof a.vd.reason);
	char *text = write_text(&a);
	struct case_result *b = parse_ok(text);
	ck_assert_uint_eq(b->npaths, 1);
	ck_assert_int_eq(memcmp(&a.paths[0], &b->paths[0], sizeof a.paths[0]), 0);
	ck_assert_uint_eq(strlen(b->name), sizeof a.name - 1);
	ck_assert_uint_eq(strlen(b->command), sizeof a.command - 1);
	ck_assert_uint_eq(strlen(b->vd.reason), sizeof a.vd.reason - 1);
	ck_assert_uint_eq(strlen(b->libc), sizeof a.libc - 1);
	ck_assert_str_eq(b->command, a.command);
	free(b);
	free(text);
}
END_TEST

START_TEST(test_write_error)
{
	FILE *f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	struct case_result r;
	caseres_init(&r);
	strcpy(r.name, "x");
	ck_assert_int_eq(caseres_write(f, &r), -1);
	fclose(f);
}
END_TEST

/* A skipped case (the probe cannot run on this C library) has nothing
 * to differ from. */
static const struct {
	const bool matches;
	enum verdict v, expected;
	const char *skip;
} match_rows[] = {
	{ true, V_FOLLOWED, V_NONE, "" }, { true, V_NONE, V_NONE, "" },
	{ true, V_LATE, V_LATE, "" }, { false, V_LATE, V_STALE, "" },
	{ false, V_INCONCLUSIVE, V_FOLLOWED, "" },
	{ false, V_NONE, V_FOLLOWED, "" },
	{ true, V_INCONCLUSIVE, V_FOLLOWED, "no res_init" },
};

START_TEST(test_matches)
{
	struct case_result r;
	caseres_init(&r);
	r.vd.v = match_rows[_i].v;
	r.expected = match_rows[_i].expected;
	strcpy(r.skip, match_rows[_i].skip);
	ck_assert_msg(caseres_matches(&r) == match_rows[_i].matches,
	              "found %s, expected %s", verdict_name(r.vd.v),
	              verdict_name(r.expected));
}
END_TEST

/* ---- Malformed ---- */

#define SRV1 "198.51.100.10 old=yes new=no state=up before=1 after=0 " \
             "lookups=0 answered=0 refused=0 servfail=0 other=0 none=0"
#define L256 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
static const struct {
	const char *name, *line, *err;
} bad_rows[] = {
	{ "uint-negative", "queries_old_after\t-1", "line 2: bad value for queries_old_after" },
	{ "uint-minus-zero", "late_by\t-0", "line 2: bad value for late_by" },
	{ "uint-too-big", "late_by\t4294967296", "line 2: bad value for late_by" },
	{ "uint-junk", "late_by\t12abc", "line 2: bad value for late_by" },
	{ "uint-empty", "answers_new_after\t", "line 2: bad value for answers_new_after" },
	{ "ull-negative", "dropped\t-5", "line 2: bad value for dropped" },
	{ "ull-overflow", "dropped\t18446744073709551616", "line 2: bad value for dropped" },
	{ "verdict-word", "verdict\tFOLOWED", "line 2: bad value for verdict" },
	{ "verdict-empty", "verdict\t", "line 2: bad value for verdict" },
	{ "expected-word", "expected\tok", "line 2: bad value for expected" },
	{ "bool-true", "switched\ttrue", "line 2: bad value for switched" },
	{ "bool-one", "complete\t1", "line 2: bad value for complete" },
	{ "bool-case", "complete\tYes", "line 2: bad value for complete" },
	{ "int-range", "exit_code\t2000000", "line 2: bad value for exit_code" },
	{ "int-junk", "exit_code\tx", "line 2: bad value for exit_code" },
	{ "double-junk", "first_new_ms\tabc", "line 2: bad value for first_new_ms" },
	{ "double-unit", "switch_time\t1.5s", "line 2: bad value for switch_time" },
	/* strtod() takes these, but no report can print them: JSON has no
	 * NaN or infinity ("switch_time": nan is not JSON). */
	{ "double-nan", "switch_time\tnan", "line 2: bad value for switch_time" },
	{ "double-inf", "first_new_ms\tinf", "line 2: bad value for first_new_ms" },
	{ "double-minus-inf", "t_end\t-infinity", "line 2: bad value for t_end" },
	{ "string-too-long", "case\t" L256 L256 L256 L256,
	  "line 2: bad value for case" },
	{ "no-tab", "verdict STALE", "line 2: expected key<TAB>value" },
	{ "path-short", "path1\tnscd A/AAAA STALE 0 1 0 2", "line 2: bad value for path1" },
	{ "path-sender", "path2\tsomeone MX STALE 0 0 0 0 0 0 0 -1.000 x",
	  "line 2: bad value for path2" },
	{ "path-count", "paths\t11\npath1\tnscd MX STALE 0 0 0 0 0 0 0 -1.000 x",
	  "paths 11: at most 10" },
	{ "path-missing", "paths\t2\npath1\tnscd MX STALE 0 0 0 0 0 0 0 -1.000 x",
	  "paths 2, but path2 is missing" },
	{ "path-extra", "paths\t1\npath2\tnscd MX STALE 0 0 0 0 0 0 0 -1.000 x",
	  "paths 1, but path1 is missing" },
	{ "path-beyond", "paths\t1\npath1\tnscd MX STALE 0 0 0 0 0 0 0 -1.000 x\n"
	  "path3\tnscd NS STALE 0 0 0 0 0 0 0 -1.000 x",
	  "paths 1, but path3 is there" },
	{ "server-short", "server1\t198.51.100.10 old=yes new=no state=up",
	  "line 2: bad value for server1" },
	{ "server-count", "servers\t9", "servers 9: at most 8" },
	{ "server-missing", "servers\t1", "servers 1, but server1 is missing" },
	{ "server-beyond", "servers\t1\nserver1\t" SRV1 "\nserver2\t" SRV1,
	  "servers 1, but server2 is there" },
	{ "recovery", "impact_recovery\tsoon", "line 2: bad value for impact_recovery" },
	{ "impact-nan", "impact_p95_after_ms\tnan",
	  "line 2: bad value for impact_p95_after_ms" },
};

START_TEST(test_malformed)
{
	char text[1024];
	snprintf(text, sizeof text, "case\tx\n%s\nverdict\tSTALE\n", bad_rows[_i].line);
	struct case_result r;
	char err[256] = "";
	ck_assert_msg(caseres_parse(text, strlen(text), &r, err, sizeof err) == -1,
	              "%s: '%s' accepted", bad_rows[_i].name, bad_rows[_i].line);
	ck_assert_str_eq(err, bad_rows[_i].err);
}
END_TEST

/* The paths of a case, written and read back; unused slots not written. */
START_TEST(test_paths_round_trip)
{
	struct case_result a;
	fill(&a);
	a.npaths = 2;
	a.paths_more = 1;
	a.paths[0] = (struct vd_path){ .sender = PS_PROCESS, .types = "MX",
		.v = V_STALE, .queries_old_before = 2, .queries_old_after = 6,
		.lookups_old_after = 6, .first_new_ms = -1,
		.reason = "6 lookups after the switch, all to the old server" };
	a.paths[1] = (struct vd_path){ .sender = PS_NSCD, .types = "A/AAAA",
		.v = V_FOLLOWED, .queries_old_before = 3, .queries_new_after = 3,
		.lookups_new_after = 3, .first_new_ms = 23.554, .reason = "first" };
	char *text = write_text(&a);
	ck_assert_has(text, "\npaths\t2\npaths_more\t1\npath1\tprocess MX STALE "
	              "0 2 0 6 0 6 0 -1.000 6 lookups after the switch, all to "
	              "the old server\npath2\tnscd A/AAAA FOLLOWED 0 3 0 0 3 0 3 "
	              "23.554 first\nexpected\t");
	ck_assert_int_eq(count_str(text, "\npath"), 4);
	struct case_result *b = parse_ok(text);
	ck_assert_uint_eq(b->npaths, 2);
	ck_assert_uint_eq(b->paths_more, 1);
	ck_assert_int_eq(memcmp(&a.paths[0], &b->paths[0], sizeof a.paths[0]), 0);
	ck_assert_int_eq(memcmp(&a.paths[1], &b->paths[1], sizeof a.paths[1]), 0);
	ck_assert_str_eq(b->paths[2].types, "");
	free(b);
	free(text);
}
END_TEST

/* The servers and the application impact, written and read back; the
 * unused server slots are not written. */
START_TEST(test_servers_impact_round_trip)
{
	struct case_result a;
	fill(&a);
	a.nservers = 2;
	a.servers[0] = (struct sc_server){ .addr = "2001:db8::53", .in_old = true,
		.state = "down", .queries_before = 4, .queries_after = 12,
		.lookups_after = 3, .no_response = 12 };
	a.servers[1] = (struct sc_server){ .addr = "198.51.100.20", .in_new = true,
		.state = "slow:500ms", .queries_after = 3, .lookups_after = 3,
		.answered = 2, .refused = 1 };
	a.impact_read = true;
	a.impact.measured = true;
	a.impact.before = (struct impact_side){ 20, 0, 20, 0.5, 1.25, 2 };
	a.impact.after = (struct impact_side){ 5, 2, 5, 5000.125, 10000.5, 10001 };
	a.impact.slow_after = 1;
	a.impact.slow_bound_ms = 101.25;
	a.impact.recovery = IMP_RECOVERED;
	a.impact.recovered_ms = 10123.5;
	a.impact.bad_lines = 7;
	char *text = write_text(&a);
	ck_assert_has(text, "\nservers\t2\nserver1\t2001:db8::53 old=yes new=no "
	              "state=down before=4 after=12 lookups=3 answered=0 refused=0 "
	              "servfail=0 other=0 none=12\nserver2\t198.51.100.20 old=no "
	              "new=yes state=slow:500ms before=0 after=3 lookups=3 "
	              "answered=2 refused=1 servfail=0 other=0 none=0\nimpact_read\t");
	ck_assert_int_eq(count_str(text, "\nserver"), 3);
	ck_assert_has(text, "\nimpact_median_after_ms\t5000.125000\n");
	ck_assert_has(text, "\nimpact_recovery\trecovered\n");
	struct case_result *b = parse_ok(text);
	ck_assert_uint_eq(b->nservers, 2);
	ck_assert_int_eq(memcmp(&a.servers[0], &b->servers[0], sizeof a.servers[0]), 0);
	ck_assert_int_eq(memcmp(&a.servers[1], &b->servers[1], sizeof a.servers[1]), 0);
	ck_assert_str_eq(b->servers[2].addr, "");
	ck_assert(b->impact_read && b->impact.measured);
	ck_assert_uint_eq(b->impact.before.lookups, 20);
	ck_assert_double_eq(b->impact.before.p95_ms, 1.25);
	ck_assert_uint_eq(b->impact.after.failed, 2);
	ck_assert_double_eq(b->impact.after.max_ms, 10001);
	ck_assert_uint_eq(b->impact.slow_after, 1);
	ck_assert_double_eq(b->impact.slow_bound_ms, 101.25);
	ck_assert_int_eq(b->impact.recovery, IMP_RECOVERED);
	ck_assert_double_eq(b->impact.recovered_ms, 10123.5);
	ck_assert_uint_eq(b->impact.bad_lines, 7);
	char *again = write_text(b);
	ck_assert_str_eq(again, text);
	free(again);
	free(b);
	free(text);
}
END_TEST

/* A result.txt from before the counts (bundles, merge of old runs):
 * no server, the impact not read, its times unknown. */
START_TEST(test_old_record)
{
	struct case_result *r = parse_ok("case\tx\nverdict\tSTALE\ncomplete\tyes\n");
	ck_assert_uint_eq(r->nservers, 0);
	ck_assert(!r->impact_read && !r->impact.measured);
	ck_assert_int_eq(r->impact.recovery, IMP_NOT_MEASURED);
	ck_assert_double_eq(r->impact.before.median_ms, -1);
	ck_assert_double_eq(r->impact.recovered_ms, -1);
	free(r);
}
END_TEST

/* decode's summary: the servers' lines alone, as result.txt has them. */
START_TEST(test_write_servers)
{
	struct sc_server s[2] = {
		{ .addr = "198.51.100.10", .in_old = true, .queries_before = 1 },
		{ .addr = "198.51.100.20", .in_new = true, .queries_after = 1,
		  .lookups_after = 1, .answered = 1 },
	};
	struct memout m;
	ck_assert_int_eq(caseres_write_servers(memout_open(&m), s, 2), 0);
	char *text = memout_text(&m);
	ck_assert_text(text, "servers\t2\n"
		"server1\t198.51.100.10 old=yes new=no state=- before=1 after=0 "
		"lookups=0 answered=0 refused=0 servfail=0 other=0 none=0\n"
		"server2\t198.51.100.20 old=no new=yes state=- before=0 after=1 "
		"lookups=1 answered=1 refused=0 servfail=0 other=0 none=0\n");
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	const char text[] = "case\tx\nverdict\tLA\0TE\n";
	struct case_result r;
	char err[256] = "";
	ck_assert_int_eq(caseres_parse(text, sizeof text - 1, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "line 2: expected key<TAB>value");
}
END_TEST

START_TEST(test_missing_case)
{
	static const char *const texts[] = {
		"", "\n\n", "verdict\tSTALE\n", "case\t\nverdict\tSTALE\n",
		"Case\tx\n",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct case_result r;
		char err[256] = "";
		ck_assert_msg(caseres_parse(texts[i], strlen(texts[i]), &r, err,
		                            sizeof err) == -1, "text %zu accepted", i);
		ck_assert_str_eq(err, "no 'case' line");
	}
}
END_TEST

/* A line holds at most 767 bytes. */
START_TEST(test_line_length)
{
	char text[1024];
	struct case_result r;
	char err[256] = "";

	memset(text, 'z', sizeof text);
	memcpy(text, "case\tx\nunknown\t", 15);
	text[7 + 767] = '\n';       /* line 2: 767 bytes */
	ck_assert_int_eq(caseres_parse(text, 7 + 768, &r, err, sizeof err), 0);
	ck_assert_str_eq(r.name, "x");

	text[7 + 767] = 'z';
	text[7 + 768] = '\n';       /* line 2: 768 bytes */
	ck_assert_int_eq(caseres_parse(text, 7 + 769, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "line 2: longer than 767 bytes");
}
END_TEST

Suite *caseres_suite(void)
{
	Suite *s = suite_create("caseres");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_paths_round_trip);
	tcase_add_test(tc, test_servers_impact_round_trip);
	tcase_add_test(tc, test_old_record);
	tcase_add_test(tc, test_write_servers);
	tcase_add_test(tc, test_initial_text);
	tcase_add_test(tc, test_lines_in_order);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_wire);
	tcase_add_test(tc, test_bare_name);
	tcase_add_test(tc, test_partial);
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_flatten);
	tcase_add_loop_test(tc, test_matches, 0, NROWS(match_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_full_length);
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_missing_case);
	suite_add_tcase(s, tc);

	return s;
}
