/*
 * check_report.c - every report format, written to memory streams.
 *
 * JSON and JUnit XML are checked twice: as canonical text where the
 * layout is the contract, and by the well-formedness checkers of
 * wellformed.h where hostile strings (quotes, '<', control characters)
 * go through.  The escapers themselves: check_escape.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "version.h"
#include "suites.h"
#include "testutil.h"
#include "wellformed.h"

/* ---- Records ---- */

enum { R_OK, R_DIFFERS, R_NOEXP, R_ERROR, R_SKIP, R_INCOMPLETE, NREC };

static void records(struct case_result r[NREC])
{
	for (int i = 0; i < NREC; i++) {
		caseres_init(&r[i]);
		strcpy(r[i].group, "repro");
		strcpy(r[i].libc, "glibc 2.36");
		strcpy(r[i].options, "default");
		strcpy(r[i].cache, "none");
		r[i].complete = true;
		r[i].t_start = 100.0;
		r[i].t_end = 102.5;
	}
	struct case_result *c = &r[R_OK];
	strcpy(c->name, "getip/inplace/default");
	strcpy(c->probe, "getip");
	strcpy(c->update, "inplace");
	strcpy(c->command, "getip -i 50 hat.com");
	strcpy(c->dir, "001-getip_inplace_default");
	strcpy(c->pcap, "001-getip_inplace_default/capture.pcap");
	strcpy(c->expected_why, "glibc >= 2.26 reloads");
	c->vd.v = V_FOLLOWED;
	c->expected = V_FOLLOWED;
	c->vd.queries_old_before = 3;
	c->vd.queries_new_after = 6;
	c->vd.first_new_ms = 125;
	c->vd.answers_new_after = 6;
	strcpy(c->vd.reason, "first lookup after the switch went to the new "
	       "server (125 ms after it); none to the old one");
	c->switched = true;
	c->switch_time = 1700000000.25;
	c->window_end = 1700000001.75;
	c->exit_code = -1;

	c = &r[R_DIFFERS];
	strcpy(c->name, "res_loop/inplace/no-reload");
	strcpy(c->probe, "res_loop");
	strcpy(c->update, "inplace");
	strcpy(c->options, "no-reload");
	strcpy(c->pcap, "002/capture.pcap");
	c->vd.v = V_LATE;
	c->vd.late_by = 2;
	c->expected = V_STALE;
	c->vd.queries_old_before = 3;
	c->vd.queries_old_after = 2;
	c->vd.queries_new_after = 4;
	c->vd.first_new_ms = 625.25;
	strcpy(c->vd.reason, "2 more \"lookups\" to C:\\old\nthen\tnew \x01\x1f");
	strcpy(c->vd.app_note, "answered by a cache");
	c->switched = true;
	c->switch_time = 1700000003.5;
	c->switch_end = 1700000003.50025;

	c = &r[R_NOEXP];
	strcpy(c->name, "getip/rename/default");
	strcpy(c->probe, "getip");
	strcpy(c->update, "rename");
	c->vd.v = V_INCONCLUSIVE;
	c->vd.queries_old_before = 2;
	strcpy(c->vd.reason, "resolv.conf was never switched");

	c = &r[R_ERROR];
	strcpy(c->name, "getip/symlink/default");
	strcpy(c->update, "symlink");
	strcpy(c->error, "dnsmasq <old> exited & said \"no\"");
	c->expected = V_FOLLOWED;
	c->complete = false;

	c = &r[R_SKIP];
	strcpy(c->name, "musl:getip/inplace/default");
	strcpy(c->update, "inplace");
	strcpy(c->libc, "musl 1.2.3");
	strcpy(c->skip, "the probe cannot run on musl 1.2.3: no res_init");
	c->vd.v = V_SILENT;
	c->expected = V_FOLLOWED;

	c = &r[R_INCOMPLETE];
	strcpy(c->name, "getip/bind-rename/default");
	strcpy(c->update, "bind-rename");
	c->complete = false;
}

static char *render(void (*fn)(FILE *, const struct run_info *,
                               const struct case_result *, size_t),
                    const struct run_info *ri, const struct case_result *r,
                    size_t n)
{
	struct memout m;
	fn(memout_open(&m), ri, r, n);
	return memout_text(&m);
}

/* summary.json with its "version" value (whichns --version, which a
 * build sets) written VERSION, so that goldens hold. */
static char *render_json(const struct run_info *ri, const struct case_result *r,
                         size_t n)
{
	char *got = render(report_json, ri, r, n), want[256];
	snprintf(want, sizeof want, "\n  \"version\": \"%s\",\n", whichns_version);
	char *at = strstr(got, want);
	ck_assert_msg(at != NULL, "no version line %s in:\n%.500s", want, got);
	size_t head = (size_t)(at - got), len = strlen(got);
	char *out = malloc(len + 16);
	ck_assert_ptr_nonnull(out);
	snprintf(out, len + 16, "%.*s\n  \"version\": \"VERSION\",\n%s", (int)head,
	         got, at + strlen(want));
	free(got);
	return out;
}

/* ---- Outcome ---- */

static const struct {
	int rec;
	const char *want;
} outcome_rows[] = {
	{ R_OK, "ok" }, { R_DIFFERS, "DIFFERS" }, { R_NOEXP, "INCONCLUSIVE" },
	{ R_ERROR, "ERROR" }, { R_SKIP, "SKIP" }, { R_INCOMPLETE, "ERROR" },
};

START_TEST(test_outcome)
{
	struct case_result r[NREC];
	records(r);
	ck_assert_str_eq(report_outcome(&r[outcome_rows[_i].rec]),
	                 outcome_rows[_i].want);
}
END_TEST

/* An error wins over a matching verdict and over a skip. */
START_TEST(test_outcome_error_wins)
{
	struct case_result r[NREC];
	records(r);
	strcpy(r[R_OK].error, "x");
	ck_assert_str_eq(report_outcome(&r[R_OK]), "ERROR");
	strcpy(r[R_SKIP].error, "x");
	ck_assert_str_eq(report_outcome(&r[R_SKIP]), "ERROR");
	r[R_NOEXP].complete = false;
	ck_assert_str_eq(report_outcome(&r[R_NOEXP]), "ERROR");
}
END_TEST

/* ---- JSON ---- */

START_TEST(test_json_one_case)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "20261126-0330", .host = "Linux 6.1.0 x86_64",
	                       .planned = 1, .shard_k = 2, .shard_n = 3, .matrix = 3,
	                       .matrix_id = "0123456789abcdef" };
	records(r);
	char *got = render_json(&ri, &r[R_OK], 1);
	ck_assert_text(got,
		"{\n"
		"  \"run\": \"20261126-0330\",\n"
		"  \"host\": \"Linux 6.1.0 x86_64\",\n"
		"  \"version\": \"VERSION\",\n"
		"  \"complete\": true,\n"
		"  \"planned\": 1,\n"
		"  \"shard\": \"2/3\",\n"
		"  \"matrix\": 3,\n"
		"  \"matrix_id\": \"0123456789abcdef\",\n"
		"  \"strict\": false,\n"
		"  \"cases\": [\n"
		"    {\n"
		"      \"case\": \"getip/inplace/default\",\n"
		"      \"group\": \"repro\",\n"
		"      \"probe\": \"getip\",\n"
		"      \"libc\": \"glibc 2.36\",\n"
		"      \"update\": \"inplace\",\n"
		"      \"options\": \"default\",\n"
		"      \"cache\": \"none\",\n"
		"      \"command\": \"getip -i 50 hat.com\",\n"
		"      \"program\": null,\n"
		"      \"interpreter\": null,\n"
		"      \"env_policy\": null,\n"
		"      \"env_removed\": null,\n"
		"      \"env_set\": null,\n"
		"      \"verdict\": \"FOLLOWED\",\n"
		"      \"expected\": \"FOLLOWED\",\n"
		"      \"outcome\": \"ok\",\n"
		"      \"late_by\": 0,\n"
		"      \"queries_old_before\": 3,\n"
		"      \"queries_new_before\": 0,\n"
		"      \"queries_old_after\": 0,\n"
		"      \"queries_new_after\": 6,\n"
		"      \"queries_other_after\": 0,\n"
		"      \"first_new_ms\": 125.0,\n"
		"      \"switch_time\": 1700000000.250000,\n"
		"      \"switch_end\": 1700000000.250000,\n"
		"      \"window_end\": 1700000001.750000,\n"
		"      \"pcap\": \"001-getip_inplace_default/capture.pcap\",\n"
		"      \"dir\": \"001-getip_inplace_default\",\n"
		"      \"answers_old_after\": 0,\n"
		"      \"answers_new_after\": 6,\n"
		"      \"reason\": \"first lookup after the switch went to the new "
		"server (125 ms after it); none to the old one\",\n"
		"      \"why\": \"glibc >= 2.26 reloads\",\n"
		"      \"app_note\": null,\n"
		"      \"error\": null,\n"
		"      \"skip\": null,\n"
		"      \"only\": null,\n"
		"      \"fresh\": null,\n"
		"      \"paths\": [],\n"
		"      \"paths_more\": 0,\n"
		"      \"servers\": null,\n"
		"      \"impact\": null,\n"
		"      \"dropped\": 0,\n"
		"      \"malformed\": 0,\n"
		"      \"exit_code\": -1,\n"
		"      \"exit_signal\": 0,\n"
		"      \"wall_s\": 2.500,\n"
		"      \"complete\": true\n"
		"    }\n"
		"  ]\n"
		"}\n");
	ck_assert_json(got);
	free(got);
}
END_TEST

/* doc/design.md, "summary.json": these keys in every case object. */
static const char *const design_keys[] = {
	"case", "probe", "libc", "update", "options", "cache", "verdict",
	"expected", "queries_old_before", "queries_old_after",
	"queries_new_after", "first_new_ms", "switch_time", "switch_end", "pcap",
	"answers_old_after", "answers_new_after",
};

START_TEST(test_json_all_cases)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "run \"1\"", .host = NULL, .interrupted = false, .planned = NREC };
	records(r);
	char *got = render_json(&ri, r, NREC);
	ck_assert_json(got);
	ck_assert_has(got, "{\n  \"run\": \"run \\\"1\\\"\",\n  \"host\": \"\",\n"
	                   "  \"version\": \"VERSION\",\n"
	                   "  \"complete\": true,\n  \"planned\": 6,\n"
	                   "  \"shard\": null,\n  \"matrix\": 6,\n"
	                   "  \"matrix_id\": null,\n"
	                   "  \"strict\": false,\n  \"cases\": [\n");
	for (size_t k = 0; k < sizeof design_keys / sizeof design_keys[0]; k++) {
		char key[64];
		snprintf(key, sizeof key, "\n      \"%s\": ", design_keys[k]);
		ck_assert_msg(count_str(got, key) == NREC, "key %s appears %zu times, "
		              "want %d", design_keys[k], count_str(got, key), NREC);
	}
	/* No expectation, no first query to new, no switch, no capture. */
	ck_assert_has(got, "\"case\": \"getip/rename/default\"");
	ck_assert_has(got, "\"expected\": null");
	ck_assert_has(got, "\"first_new_ms\": null");
	ck_assert_has(got, "\"switch_time\": null");
	ck_assert_has(got, "\"pcap\": null");
	ck_assert_has(got, "\"first_new_ms\": 625.2");
	ck_assert_has(got, "\"switch_time\": 1700000003.500000");
	ck_assert_has(got, "\"switch_end\": 1700000003.500250");
	ck_assert_has(got, "\"verdict\": \"LATE\",\n      \"expected\": \"STALE\",\n"
	                   "      \"outcome\": \"DIFFERS\",\n      \"late_by\": 2");
	ck_assert_has(got, "\"reason\": \"2 more \\\"lookups\\\" to C:\\\\old\\nthen"
	                   "\\tnew \\u0001\\u001f\"");
	ck_assert_has(got, "\"error\": \"dnsmasq <old> exited & said \\\"no\\\"\"");
	ck_assert_has(got, "\"outcome\": \"SKIP\"");
	ck_assert_uint_eq(count_str(got, "\"complete\": false"), 2);
	free(got);
}
END_TEST

/* A verdict on one query type, and a fresh process after the window. */
START_TEST(test_json_only_fresh)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = "h", .interrupted = false, .planned = 2 };
	records(r);
	strcpy(r[R_OK].only, "MX");
	r[R_OK].fresh_ran = true;
	r[R_OK].fresh_queries_old = 1;
	r[R_OK].fresh_queries_new = 2;
	char *got = render(report_json, &ri, &r[R_OK], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\n      \"error\": null,\n      \"skip\": null,\n"
	                   "      \"only\": \"MX\",\n"
	                   "      \"fresh\": {\"queries_old\": 1, \"queries_new\": 2},\n"
	                   "      \"paths\": [],\n");
	free(got);

	/* A fresh process that made no lookup still ran: zeros, not null. */
	r[R_OK].fresh_queries_old = r[R_OK].fresh_queries_new = 0;
	got = render(report_json, &ri, &r[R_OK], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\"fresh\": {\"queries_old\": 0, \"queries_new\": 0},\n");
	free(got);

	got = render(report_json, &ri, &r[R_SKIP], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\n      \"outcome\": \"SKIP\",\n");
	ck_assert_has(got, "\n      \"error\": null,\n      \"skip\": \"the probe "
	                   "cannot run on musl 1.2.3: no res_init\",\n"
	                   "      \"only\": null,\n      \"fresh\": null,\n");
	free(got);
}
END_TEST

START_TEST(test_json_interrupted)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = "h", .interrupted = true, .planned = 10 };
	records(r);
	char *got = render(report_json, &ri, r, 2);
	ck_assert_json(got);
	ck_assert_has(got, "\n  \"complete\": false,\n  \"planned\": 10,\n");
	free(got);
	got = render(report_json, &ri, r, 0);
	ck_assert_json(got);
	ck_assert_has(got, "\"cases\": [\n  ]\n}\n");
	free(got);
}
END_TEST

/* Strings at their longest and full of quotes stay valid JSON. */
START_TEST(test_json_hostile)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "\"\\\n", .host = "\x1b[31m", .interrupted = false, .planned = NREC };
	records(r);
	memset(r[0].name, '"', sizeof r[0].name - 1);
	memset(r[1].vd.reason, '\\', sizeof r[1].vd.reason - 1);
	memset(r[2].command, '\n', sizeof r[2].command - 1);
	memset(r[3].error, '\x02', sizeof r[3].error - 1);
	char *got = render(report_json, &ri, r, NREC);
	ck_assert_json(got);
	free(got);
}
END_TEST

/* ---- TAP ---- */

START_TEST(test_tap)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = NREC };
	records(r);
	char *got = render(report_tap, &ri, r, NREC);
	ck_assert_text(got,
		"TAP version 13\n"
		"1..6\n"
		"ok 1 - getip/inplace/default FOLLOWED\n"
		"not ok 2 - res_loop/inplace/no-reload LATE 2\n"
		"  ---\n"
		"  message: \"2 more \\\"lookups\\\" to C:\\\\old\\nthen\\tnew "
		"\\u0001\\u001f\"\n"
		"  found: \"LATE\"\n"
		"  wanted: \"STALE\"\n"
		"  ...\n"
		"ok 3 - getip/rename/default # SKIP inconclusive: resolv.conf was "
		"never switched\n"
		"not ok 4 - getip/symlink/default ERROR\n"
		"  ---\n"
		"  message: \"dnsmasq <old> exited & said \\\"no\\\"\"\n"
		"  found: \"NONE\"\n"
		"  wanted: \"FOLLOWED\"\n"
		"  ...\n"
		"ok 5 - musl:getip/inplace/default # SKIP the probe cannot run on "
		"musl 1.2.3: no res_init\n"
		"not ok 6 - getip/bind-rename/default ERROR\n"
		"  ---\n"
		"  message: \"\"\n"
		"  found: \"NONE\"\n"
		"  wanted: \"NONE\"\n"
		"  ...\n");
	free(got);
}
END_TEST

/* An error wins over a skip, as in report_outcome() and JUnit. */
START_TEST(test_tap_error_and_skip)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 1 };
	records(r);
	strcpy(r[R_SKIP].error, "rootfs bookworm missing");
	char *got = render(report_tap, &ri, &r[R_SKIP], 1);
	ck_assert_text(got,
		"TAP version 13\n"
		"1..1\n"
		"not ok 1 - musl:getip/inplace/default ERROR\n"
		"  ---\n"
		"  message: \"rootfs bookworm missing\"\n"
		"  found: \"SILENT\"\n"
		"  wanted: \"FOLLOWED\"\n"
		"  ...\n");
	free(got);
}
END_TEST

/* Interrupted: the plan is every planned case, then "Bail out!". */
START_TEST(test_tap_interrupted)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = true, .planned = 40 };
	records(r);
	char *got = render(report_tap, &ri, r, 1);
	ck_assert_str_eq(got,
		"TAP version 13\n"
		"1..40\n"
		"ok 1 - getip/inplace/default FOLLOWED\n"
		"Bail out! incomplete: 1 of 40 planned cases ran\n");
	free(got);
}
END_TEST

/* Every test line is numbered in order and the plan covers them all. */
START_TEST(test_tap_plan_matches)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = NREC };
	records(r);
	char *got = render(report_tap, &ri, r, NREC);
	unsigned next = 1;
	for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned k;
		if (sscanf(line, "ok %u -", &k) == 1 || sscanf(line, "not ok %u -", &k) == 1) {
			ck_assert_uint_eq(k, next);
			next++;
		}
	}
	ck_assert_uint_eq(next - 1, NREC);
	free(got);
}
END_TEST

/* ---- INCONCLUSIVE and --strict: never a silent pass ---- */

/* Without --strict an INCONCLUSIVE case is seen (a TAP SKIP, a JUnit
 * skipped), not passed; an expected INCONCLUSIVE passes; with --strict
 * it fails, and with a baseline so does a case without expectation. */
static const struct {
	enum verdict v, expected;
	bool strict, need_expected;
	const char *outcome;
	bool passed;
	const char *tap;    /* the test line, without "N - name" */
	const char *junit;  /* the element in its testcase, or "" */
} strict_rows[] = {
	{ V_INCONCLUSIVE, V_NONE, false, false, "INCONCLUSIVE", true,
	  "ok 1 - c # SKIP inconclusive: why\n",
	  "<skipped message=\"inconclusive: why\"/>" },
	{ V_INCONCLUSIVE, V_NONE, true, false, "INCONCLUSIVE", false,
	  "not ok 1 - c INCONCLUSIVE\n  ---\n  message: \"why\"\n",
	  "<failure message=\"inconclusive (--strict)\">why</failure>" },
	{ V_INCONCLUSIVE, V_INCONCLUSIVE, true, true, "ok", true,
	  "ok 1 - c INCONCLUSIVE\n", "" },
	{ V_INCONCLUSIVE, V_FOLLOWED, false, false, "DIFFERS", false,
	  "not ok 1 - c INCONCLUSIVE\n", "<failure message=\"verdict differs\">" },
	{ V_STALE, V_NONE, false, false, "ok", true, "ok 1 - c STALE\n", "" },
	{ V_STALE, V_NONE, true, false, "ok", true, "ok 1 - c STALE\n", "" },
	{ V_STALE, V_NONE, true, true, "ok", false,
	  "not ok 1 - c STALE\n  ---\n  message: \"no expected verdict for this "
	  "case (--strict)\"\n",
	  "<failure message=\"no expected verdict (--strict)\">" },
	{ V_STALE, V_STALE, true, true, "ok", true, "ok 1 - c STALE\n", "" },
};

START_TEST(test_strict)
{
	struct case_result r;
	struct run_info ri = { .run = "r", .planned = 1,
	                       .strict = strict_rows[_i].strict,
	                       .need_expected = strict_rows[_i].need_expected };
	caseres_init(&r);
	r.complete = true;
	strcpy(r.name, "c");
	strcpy(r.vd.reason, "why");
	r.vd.v = strict_rows[_i].v;
	r.expected = strict_rows[_i].expected;
	ck_assert_str_eq(report_outcome(&r), strict_rows[_i].outcome);
	ck_assert_int_eq(report_passed(&ri, &r), strict_rows[_i].passed);
	char *tap = render(report_tap, &ri, &r, 1);
	ck_assert_has(tap, "TAP version 13\n1..1\n");
	ck_assert_has(tap, strict_rows[_i].tap);
	free(tap);
	char *xml = render(report_junit, &ri, &r, 1);
	ck_assert_xml(xml);
	if (strict_rows[_i].junit[0])
		ck_assert_has(xml, strict_rows[_i].junit);
	else
		ck_assert_uint_eq(count_str(xml, "<failure") + count_str(xml, "<skipped")
		                  + count_str(xml, "<error"), 0);
	ck_assert_has(xml, strict_rows[_i].passed ? "failures=\"0\"" : "failures=\"1\"");
	free(xml);
}
END_TEST

/* A reason with a newline stays on its TAP line: a second line would be
 * read as TAP of its own. */
START_TEST(test_tap_one_line)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .planned = 1 };
	records(r);
	strcpy(r[R_NOEXP].vd.reason, "no\nok 2 - fake\tpass");
	strcpy(r[R_SKIP].skip, "no\nok 9");
	char *got = render(report_tap, &ri, &r[R_NOEXP], 1);
	ck_assert_str_eq(got, "TAP version 13\n1..1\nok 1 - getip/rename/default "
	                      "# SKIP inconclusive: no ok 2 - fake pass\n");
	free(got);
	got = render(report_tap, &ri, &r[R_SKIP], 1);
	ck_assert_str_eq(got, "TAP version 13\n1..1\nok 1 - "
	                      "musl:getip/inplace/default # SKIP no ok 9\n");
	free(got);
}
END_TEST

/* --json: one line per case, the keys of summary.json's case object in
 * its order, "run" first; UTF-8 whatever bytes a command line held. */
START_TEST(test_json_line)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "exec-1", .planned = NREC };
	records(r);
	strcpy(r[R_OK].command, "prog caf\xe9 \xff");
	for (int i = 0; i < NREC; i++) {
		struct memout m;
		report_json_line(memout_open(&m), &ri, &r[i]);
		char *line = memout_text(&m);
		ck_assert_json(line);
		ck_assert_utf8(line);
		ck_assert_uint_eq(count_str(line, "\n"), 1);
		ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
		ck_assert_has(line, "{\"run\": \"exec-1\", \"case\": ");
		/* The same keys as the object in summary.json, in its order. */
		char *sum = render(report_json, &ri, &r[i], 1);
		const char *at = line;
		for (const char *k = strstr(sum, "\n      \""); k;
		     k = strstr(k + 1, "\n      \"")) {
			char key[64];
			ck_assert_int_eq(sscanf(k, "\n      \"%63[^\"]\"", key), 1);
			char quoted[80];
			snprintf(quoted, sizeof quoted, "\"%s\": ", key);
			at = strstr(at, quoted);
			ck_assert_msg(at != NULL, "key %s missing or out of order", key);
		}
		free(sum);
		free(line);
	}
	struct memout m;
	report_json_line(memout_open(&m), &ri, &r[R_OK]);
	char *line = memout_text(&m);
	ck_assert_has(line, "\"command\": \"prog caf\xef\xbf\xbd \xef\xbf\xbd\"");
	ck_assert_has(line, "\"outcome\": \"ok\", \"late_by\": 0, ");
	free(line);
}
END_TEST

/* summary.json of a shard and of an interrupted merge. */
START_TEST(test_json_shard)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "m", .interrupted = true, .planned = 18,
	                       .strict = true, .shard_k = 1, .shard_n = 1,
	                       .matrix = 18 };
	records(r);
	strcpy(r[R_OK].command, "x \xc3");
	char *got = render(report_json, &ri, r, 2);
	ck_assert_json(got);
	ck_assert_utf8(got);
	ck_assert_has(got, "\"complete\": false,\n  \"planned\": 18,\n"
	                   "  \"shard\": \"1/1\",\n  \"matrix\": 18,\n"
	                   "  \"matrix_id\": null,\n"
	                   "  \"strict\": true,\n");
	free(got);
	got = render(report_tap, &ri, r, 2);
	ck_assert_has(got, "TAP version 13\n1..18\n");
	ck_assert_has(got, "Bail out! incomplete: 2 of 18 planned cases ran\n");
	free(got);
}
END_TEST

/* ---- JUnit ---- */

START_TEST(test_junit)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "run<1>&", .host = NULL, .interrupted = false, .planned = NREC };
	records(r);
	char *got = render(report_junit, &ri, r, NREC);
	ck_assert_xml(got);
	ck_assert_has(got, "<testsuite name=\"whichns run&lt;1&gt;&amp;\" tests=\"6\" "
	                   "failures=\"1\" errors=\"2\" skipped=\"2\" time=\"15.000\">");
	ck_assert_uint_eq(count_str(got, "<testcase "), NREC);
	ck_assert_uint_eq(count_str(got, "<failure "), 1);
	ck_assert_uint_eq(count_str(got, "<error "), 2);
	ck_assert_uint_eq(count_str(got, "<skipped "), 2);
	ck_assert_has(got, "name=\"getip/rename/default\" time=\"2.500\">\n"
	                   "      <skipped message=\"inconclusive: resolv.conf was "
	                   "never switched\"/>\n");
	ck_assert_has(got, "<testcase classname=\"whichns.repro\" "
	                   "name=\"res_loop/inplace/no-reload\" time=\"2.500\">\n"
	                   "      <failure message=\"verdict differs\">"
	                   "-res_loop/inplace/no-reload STALE\n"
	                   "+res_loop/inplace/no-reload LATE 2\n");
	ck_assert_has(got, "<error message=\"dnsmasq &lt;old&gt; exited &amp; said "
	                   "&quot;no&quot;\"/>");
	ck_assert_has(got, "<error message=\"incomplete\"/>");
	ck_assert_has(got, "<testcase classname=\"whichns.repro\" "
	                   "name=\"musl:getip/inplace/default\" time=\"2.500\">\n"
	                   "      <skipped message=\"the probe cannot run on musl "
	                   "1.2.3: no res_init\"/>\n      <system-out></system-out>\n"
	                   "    </testcase>\n");
	/* The control characters of the reason are dropped. */
	ck_assert_has(got, "<system-out>2 more &quot;lookups&quot; to C:\\old\n"
	                   "then\tnew </system-out>");
	free(got);
}
END_TEST

/* An errored case is an <error>, never also <skipped>, even with a skip. */
START_TEST(test_junit_error_and_skip)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 2 };
	records(r);
	strcpy(r[R_SKIP].error, "rootfs <bookworm> missing");
	char *got = render(report_junit, &ri, &r[R_ERROR], 2);
	ck_assert_xml(got);
	ck_assert_has(got, "tests=\"2\" failures=\"0\" errors=\"2\" skipped=\"0\" ");
	ck_assert_uint_eq(count_str(got, "<error "), 2);
	ck_assert_uint_eq(count_str(got, "<skipped "), 0);
	ck_assert_has(got, "name=\"musl:getip/inplace/default\" time=\"2.500\">\n"
	                   "      <error message=\"rootfs &lt;bookworm&gt; missing\"/>\n");
	free(got);
}
END_TEST

START_TEST(test_junit_empty)
{
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 0 };
	char *got = render(report_junit, &ri, NULL, 0);
	ck_assert_xml(got);
	ck_assert_has(got, "tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" "
	                   "time=\"0.000\">");
	free(got);
}
END_TEST

/* Whatever a record holds, junit.xml stays well-formed: every string of
 * a differing case goes through the escaper, the failure text too. */
START_TEST(test_junit_hostile)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 2 };
	records(r);
	strcpy(r[R_DIFFERS].name, "a&b<c>/\"d\"");
	strcpy(r[R_DIFFERS].group, "g<&>");
	strcpy(r[R_DIFFERS].vd.reason, "x < y & z\x01");
	char *got = render(report_junit, &ri, &r[R_DIFFERS], 1);
	ck_assert_xml(got);
	ck_assert_has(got, "-a&amp;b&lt;c&gt;/&quot;d&quot; STALE\n");
	free(got);
}
END_TEST

/* ---- Markdown and the terminal table ---- */

START_TEST(test_md)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r1", .host = "Linux", .interrupted = true, .planned = 9 };
	records(r);
	char *got = render(report_md, &ri, r, NREC);
	ck_assert_text(got,
		"# whichns run r1\n"
		"\n"
		"Host: Linux\n"
		"\n"
		"**Interrupted: 6 of 9 planned cases ran. These results are "
		"incomplete.**\n"
		"\n"
		"6 cases, 2 as expected, 1 inconclusive, 3 not.\n"
		"\n"
		"Verdicts come from capture.pcap of each case; queries are counted as "
		"old before / old after / new after the switch, then the time from the "
		"switch to the first query to the new server.\n"
		"\n"
		"| case | libc | verdict | expected | queries (old before / old after "
		"/ new after / first new ms) | answers old/new after | why | evidence |\n"
		"|---|---|---|---|---|---|---|---|\n"
		"| getip/inplace/default | glibc 2.36 | FOLLOWED | FOLLOWED | "
		"3 / 0 / 6 / 125 | 0 / 6 | glibc >= 2.26 reloads | "
		"[report](001-getip_inplace_default/report.md), "
		"[pcap](001-getip_inplace_default/capture.pcap) |\n"
		"| res_loop/inplace/no-reload | glibc 2.36 | LATE 2 ✗ | STALE | "
		"3 / 2 / 4 / 625 | 0 / 0 |  | — |\n"
		"| getip/rename/default | glibc 2.36 | INCONCLUSIVE ? | — | "
		"2 / 0 / 0 / - | 0 / 0 | resolv.conf was never switched | — |\n"
		"| getip/symlink/default | glibc 2.36 | ERROR ✗ | FOLLOWED | "
		"0 / 0 / 0 / - | 0 / 0 | dnsmasq <old> exited & said \"no\" | — |\n"
		"| musl:getip/inplace/default | musl 1.2.3 | SKIP | FOLLOWED | "
		"0 / 0 / 0 / - | 0 / 0 |  | — |\n"
		"| getip/bind-rename/default | glibc 2.36 | ERROR ✗ | — | "
		"0 / 0 / 0 / - | 0 / 0 |  | — |\n"
		"\n"
		"## Details\n"
		"\n"
		"- **getip/inplace/default**: first lookup after the switch went to "
		"the new server (125 ms after it); none to the old one\n"
		"- **res_loop/inplace/no-reload**: 2 more \"lookups\" to C:\\old\n"
		"then\tnew \x01\x1f; application view: answered by a cache\n"
		"- **getip/rename/default**: resolv.conf was never switched\n"
		"- **getip/symlink/default**: dnsmasq <old> exited & said \"no\"\n"
		"- **musl:getip/inplace/default**: the probe cannot run on musl "
		"1.2.3: no res_init\n"
		"- **getip/bind-rename/default**: \n");
	free(got);

	ri.interrupted = false;
	got = render(report_md, &ri, r, 1);
	ck_assert_ptr_null(strstr(got, "Interrupted"));
	ck_assert_has(got, "\n\n1 case, 1 as expected, 0 inconclusive, 0 not.\n");
	free(got);
}
END_TEST

/* A '|' in a cell would end it; a newline would end the row.  The
 * details line says what a fresh process did after the window. */
START_TEST(test_md_cells)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 1 };
	records(r);
	struct case_result *c = &r[R_OK];
	strcpy(c->name, "a|b/inplace/default");
	strcpy(c->why, "x | y\nz||");
	c->fresh_ran = true;
	c->fresh_queries_old = 0;
	c->fresh_queries_new = 3;
	char *got = render(report_md, &ri, c, 1);
	ck_assert_has(got, "|---|---|---|---|---|---|---|---|\n"
	                   "| a\\|b/inplace/default | glibc 2.36 | FOLLOWED | "
	                   "FOLLOWED | 3 / 0 / 6 / 125 | 0 / 6 | x \\| y z\\|\\| | "
	                   "[report](001-getip_inplace_default/report.md), "
	                   "[pcap](001-getip_inplace_default/capture.pcap) |\n\n");
	ck_assert_has(got, "\n- **a|b/inplace/default**: first lookup after the "
	                   "switch went to the new server (125 ms after it); none "
	                   "to the old one; a fresh process afterwards queried the "
	                   "old server 0 times and the new one 3 times\n");
	ck_assert_ptr_null(strstr(got, "Host:"));
	free(got);

	/* The reason, not the skip text, when there is no skip; the error
	 * wins over both. */
	c = &r[R_SKIP];
	strcpy(c->vd.reason, "not shown");
	got = render(report_md, &ri, c, 1);
	ck_assert_has(got, "\n- **musl:getip/inplace/default**: the probe cannot "
	                   "run on musl 1.2.3: no res_init\n");
	ck_assert_ptr_null(strstr(got, "not shown"));
	free(got);
	strcpy(c->error, "no rootfs");
	got = render(report_md, &ri, c, 1);
	ck_assert_has(got, "| musl:getip/inplace/default | musl 1.2.3 | ERROR ✗ | "
	                   "FOLLOWED | 0 / 0 / 0 / - | 0 / 0 | no rootfs | — |\n");
	ck_assert_has(got, "\n\n1 case, 0 as expected, 0 inconclusive, 1 not.\n");
	ck_assert_has(got, "\n- **musl:getip/inplace/default**: no rootfs\n");
	free(got);

	/* A case that ended early (a dnsmasq killed) wrote no report.md:
	 * the evidence cell links its folder, never a missing file. */
	c = &r[R_OK];
	c->complete = false;
	strcpy(c->error, "the old server (dnsmasq) was killed by signal 9 (Killed)");
	got = render(report_md, &ri, c, 1);
	ck_assert_has(got, " | [folder](001-getip_inplace_default/) |\n");
	ck_assert_ptr_null(strstr(got, "report.md"));
	ck_assert_has(got, "\n- **a|b/inplace/default**: the old server (dnsmasq) "
	                   "was killed by signal 9 (Killed);");
	free(got);
}
END_TEST

START_TEST(test_table)
{
	struct case_result r[NREC];
	records(r);
	struct memout m;
	report_table(memout_open(&m), r, 2);
	char *buf = memout_text(&m);
	ck_assert_text(buf,
		"case                        verdict        expected     outcome      "
		"   old<sw    old>sw    new>sw   1st new  note\n"
		"getip/inplace/default       FOLLOWED       FOLLOWED     ok           "
		"        3         0         6     125ms  \n"
		"res_loop/inplace/no-reload  LATE 2         STALE        DIFFERS      "
		"        3         2         4     625ms  cache: app view differs\n");
	free(buf);
}
END_TEST

/* The sendmail-with-nscd case: two paths that disagree, in every format. */
static void two_paths(struct case_result *r)
{
	strcpy(r->name, "bookworm:sendmail/inplace/default/nscd");
	r->vd.v = V_STALE;
	r->npaths = 2;
	r->paths[0] = (struct vd_path){ .sender = PS_PROCESS_TRIGGERS,
		.types = "MX", .v = V_STALE, .queries_old_before = 2,
		.queries_old_after = 6, .lookups_old_after = 6, .first_new_ms = -1,
		.reason = "6 lookups after the switch, all to the old server" };
	r->paths[1] = (struct vd_path){ .sender = PS_NSCD, .types = "A/AAAA",
		.v = V_LATE, .late_by = 1, .queries_old_before = 3,
		.queries_old_after = 1, .queries_new_after = 3,
		.lookups_old_after = 1, .lookups_new_after = 3, .first_new_ms = 23.5,
		.reason = "1 more lookup | to the old server" };
}

START_TEST(test_paths)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = "h", .planned = 2 };
	records(r);
	two_paths(&r[R_OK]);
	char *got = render(report_json, &ri, &r[R_OK], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\n      \"paths\": [{\"sender\": \"process+triggers\", "
	              "\"types\": \"MX\", \"verdict\": \"STALE\", \"late_by\": 0, "
	              "\"queries_old_before\": 2, \"queries_new_before\": 0, "
	              "\"queries_old_after\": 6, \"queries_new_after\": 0, "
	              "\"lookups_old_after\": 6, \"lookups_new_after\": 0, "
	              "\"first_new_ms\": null, \"reason\": \"6 lookups after the "
	              "switch, all to the old server\"}, {\"sender\": \"nscd\", "
	              "\"types\": \"A/AAAA\", \"verdict\": \"LATE\", \"late_by\": 1, ");
	ck_assert_has(got, "\"first_new_ms\": 23.5, \"reason\": \"1 more lookup | "
	              "to the old server\"}],\n      \"paths_more\": 0,\n");
	free(got);

	got = render(report_md, &ri, r, 2);
	ck_assert_has(got, "; by path: MX (process and its triggers): STALE; "
	              "A/AAAA (via nscd): LATE 1\n");
	free(got);

	/* The terminal: the paths below the table, for the case whose paths
	 * say more than its headline only. */
	struct memout m;
	report_table(memout_open(&m), r, 2);
	got = memout_text(&m);
	ck_assert_has(got, "\nby path (sender and record type; doc/design.md, "
	              "\"Paths\"):\nbookworm:sendmail/inplace/default/nscd  "
	              "MX (process and its triggers): STALE; A/AAAA (via nscd): "
	              "LATE 1\n");
	ck_assert_int_eq(count_str(got, "res_loop/inplace/no-reload"), 1);
	free(got);

	/* One path of the process itself that agrees: nothing more to say. */
	records(r);
	r[R_OK].npaths = 1;
	r[R_OK].paths[0] = (struct vd_path){ .sender = PS_PROCESS,
		.types = "A/AAAA", .v = r[R_OK].vd.v };
	report_table(memout_open(&m), r, 1);
	got = memout_text(&m);
	ck_assert_msg(strstr(got, "by path") == NULL, "%s", got);
	free(got);
}
END_TEST

/* Two servers (the old one down) and an impact that recovered. */
static void servers_impact(struct case_result *c)
{
	c->nservers = 2;
	c->servers[0] = (struct sc_server){ .addr = "198.51.100.10,2001:db8:100::10",
		.in_old = true, .state = "down", .queries_before = 3,
		.queries_after = 3, .lookups_after = 1, .no_response = 3 };
	c->servers[1] = (struct sc_server){ .addr = "2001:db8::53", .in_new = true,
		.state = "up", .queries_after = 6, .lookups_after = 6,
		.answered = 5, .refused = 1 };
	c->impact_read = true;
	c->impact.measured = true;
	c->impact.before = (struct impact_side){ 10, 0, 10, 0.5, 1.25, 2 };
	c->impact.after = (struct impact_side){ 7, 1, 7, 0.75, 5000.5, 5000.5 };
	c->impact.slow_after = 1;
	c->impact.slow_bound_ms = 101.25;
	c->impact.recovery = IMP_RECOVERED;
	c->impact.recovered_ms = 5100;
	c->impact.good_run = 4;
}

START_TEST(test_servers_impact)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = "h", .planned = 1 };
	records(r);
	servers_impact(&r[R_OK]);
	char *got = render(report_json, &ri, &r[R_OK], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\n      \"servers\": [{\"addresses\": [\"198.51.100.10\", "
	              "\"2001:db8:100::10\"], \"in_old\": true, \"in_new\": false, "
	              "\"state\": \"down\", \"queries_before\": 3, \"queries_after\": 3, "
	              "\"lookups_after\": 1, \"responses_after\": {\"answered\": 0, "
	              "\"refused\": 0, \"servfail\": 0, \"other_rcode\": 0, \"none\": 3}}, "
	              "{\"addresses\": [\"2001:db8::53\"], \"in_old\": false, ");
	ck_assert_has(got, "\n      \"impact\": {\"measured\": true, "
	              "\"lookups_before\": 10, \"failed_before\": 0, "
	              "\"median_before_ms\": 0.500, \"p95_before_ms\": 1.250, "
	              "\"max_before_ms\": 2.000, \"lookups_after\": 7, "
	              "\"failed_after\": 1, \"median_after_ms\": 0.750, "
	              "\"p95_after_ms\": 5000.500, \"max_after_ms\": 5000.500, "
	              "\"slow_after\": 1, \"slow_bound_ms\": 101.250, "
	              "\"recovery\": \"recovered\", \"recovered_ms\": 5100.000, "
	              "\"good_run\": 4, \"bad_lines\": 0},\n");
	free(got);

	got = render(report_md, &ri, r, 1);
	ck_assert_has(got, "; queried after the switch: 2001:db8::53 (6), "
	              "198.51.100.10 (3); application impact: recovered 5100 ms "
	              "after the switch: 1 of 7 lookups after it failed, 1 slow "
	              "(median 0.8 ms, max 5000.5 ms; before: median 0.5 ms, "
	              "p95 1.2 ms)\n");
	free(got);

	/* Not measured: a null impact's numbers, and nothing in summary.md. */
	r[R_OK].impact.measured = false;
	r[R_OK].impact.recovery = IMP_NOT_MEASURED;
	r[R_OK].impact.before = (struct impact_side){ 0, 0, 0, -1, -1, -1 };
	r[R_OK].impact.slow_bound_ms = -1;
	got = render(report_json, &ri, &r[R_OK], 1);
	ck_assert_json(got);
	ck_assert_has(got, "\"median_before_ms\": null, \"p95_before_ms\": null, ");
	ck_assert_has(got, "\"slow_bound_ms\": null, \"recovery\": \"not "
	              "measured\", \"recovered_ms\": null, ");
	free(got);
	got = render(report_md, &ri, r, 1);
	ck_assert_msg(strstr(got, "application impact") == NULL, "%s", got);
	free(got);

	/* An ERROR says nothing of servers. */
	servers_impact(&r[R_ERROR]);
	got = render(report_md, &ri, &r[R_ERROR], 1);
	ck_assert_msg(strstr(got, "queried after") == NULL, "%s", got);
	free(got);
}
END_TEST

/* An INCONCLUSIVE or ERROR case says why in summary.md's why cell and in
 * the table's note column, not only under Details: shortened there (at a
 * character's start, "…" after it), whole under Details.  A case with a
 * verdict keeps its explanation; an INCONCLUSIVE that was expected says
 * its reason too. */
START_TEST(test_no_verdict_why)
{
	struct case_result r[NREC];
	struct run_info ri = { .run = "r", .host = NULL, .interrupted = false, .planned = 1 };
	struct memout m;
	records(r);
	struct case_result *c = &r[R_NOEXP];
	strcpy(c->why, "rename is slow here");
	char *got = render(report_md, &ri, c, 1);
	ck_assert_has(got, "| 2 / 0 / 0 / - | 0 / 0 | resolv.conf was never "
	                   "switched | — |\n");
	free(got);
	report_table(memout_open(&m), c, 1);
	got = memout_text(&m);
	ck_assert_has(got, "        -  resolv.conf was never switched\n");
	free(got);

	/* 118 ASCII bytes, then "é" (2 bytes) across the 120th: the cut
	 * keeps whole characters. */
	char longr[200];
	memset(longr, 'x', 118);
	strcpy(longr + 118, "y\xc3\xa9zzzz");
	strcpy(c->vd.reason, longr);
	c->expected = V_INCONCLUSIVE;
	got = render(report_md, &ri, c, 1);
	char want[200];
	snprintf(want, sizeof want, "| 0 / 0 | %.119s… | — |\n", longr);
	ck_assert_has(got, want);
	snprintf(want, sizeof want, "**: %s\n", longr);   /* whole in Details */
	ck_assert_has(got, want);
	free(got);
	report_table(memout_open(&m), c, 1);
	got = memout_text(&m);
	snprintf(want, sizeof want, "  %.90s…\n", longr);
	ck_assert_has(got, want);
	free(got);

	/* An ERROR: its error in the note column. */
	report_table(memout_open(&m), &r[R_ERROR], 1);
	got = memout_text(&m);
	ck_assert_has(got, "  dnsmasq <old> exited & said \"no\"\n");
	free(got);

	/* A verdict: the explanation stays; a SKIP is not a missing verdict. */
	got = render(report_md, &ri, &r[R_OK], 1);
	ck_assert_has(got, "| 0 / 6 | glibc >= 2.26 reloads |");
	free(got);
	got = render(report_md, &ri, &r[R_SKIP], 1);
	ck_assert_has(got, "| 0 / 0 |  | — |\n");
	free(got);
}
END_TEST

/* ---- The grid ---- */

/* A record as the runner makes it: the name from the axes, as in
 * scn_case_at(); v == V_NONE with skip "-" gives a skipped case, with
 * error "-" an errored one. */
static void grid_rec(struct case_result *r, const char *libc, const char *probe,
                     const char *update, const char *options, const char *cache,
                     enum verdict v, enum verdict expected)
{
	bool host = strcmp(libc, "host") == 0, nocache = strcmp(cache, "none") == 0;
	caseres_init(r);
	snprintf(r->name, sizeof r->name, "%s%s%s/%s/%s%s%s", host ? "" : libc,
	         host ? "" : ":", probe, update, options, nocache ? "" : "/",
	         nocache ? "" : cache);
	strcpy(r->libc_axis, libc);
	strcpy(r->probe, probe);
	strcpy(r->update, update);
	strcpy(r->options, options);
	strcpy(r->cache, cache);
	r->vd.v = v;
	r->expected = expected;
	r->complete = true;
}

static char *render_grid(const struct case_result *r, size_t n)
{
	struct memout m;
	report_grid(memout_open(&m), r, n);
	return memout_text(&m);
}

/* One C library: columns are update methods in order of first use, rows
 * probe/options[/cache]; '!' marks a verdict that differs from the
 * expected one, '-' a case that did not run; no '*' column is used. */
START_TEST(test_grid_updates)
{
	struct case_result r[7];
	grid_rec(&r[0], "host", "getip", "inplace", "default", "none", V_FOLLOWED, V_FOLLOWED);
	grid_rec(&r[1], "host", "res_loop", "inplace", "default", "none", V_LATE, V_STALE);
	grid_rec(&r[2], "host", "getip", "rename", "default", "none", V_STALE, V_NONE);
	grid_rec(&r[3], "host", "res_loop", "rename", "default", "none", V_INCONCLUSIVE, V_NONE);
	grid_rec(&r[4], "host", "getip", "inplace", "no-reload", "nscd", V_MIXED, V_NONE);
	grid_rec(&r[5], "host", "getip", "rename", "no-reload", "nscd", V_SILENT, V_NONE);
	strcpy(r[5].skip, "no nscd here");
	grid_rec(&r[6], "host", "res_loop", "symlink", "default", "none", V_NONE, V_NONE);
	strcpy(r[6].error, "dnsmasq died");
	char *got = render_grid(r, 7);
	ck_assert_text(got,
		"  probe/options         inplace     rename      symlink   \n"
		"  getip/default         FOLLOWED    STALE       -         \n"
		"  res_loop/default      LATE!       INCONCL     ERROR!    \n"
		"  getip/no-reload/nscd  MIXED       SKIP        -         \n"
		"(! = differs from the expected verdict)\n");
	free(got);
}
END_TEST

/* Several C libraries: one column each, rows are the case names without
 * the libc prefix, '*' where the libraries disagree.  A SKIP, a gap and a
 * '!' mark never make a disagreement; an ERROR does. */
START_TEST(test_grid_libcs)
{
	struct case_result r[14];
	size_t n = 0;
	/* agree, one with a '!' */
	grid_rec(&r[n++], "host", "getip", "inplace", "default", "none", V_FOLLOWED, V_FOLLOWED);
	grid_rec(&r[n++], "bullseye", "getip", "inplace", "default", "none", V_FOLLOWED, V_STALE);
	grid_rec(&r[n++], "bookworm", "getip", "inplace", "default", "none", V_FOLLOWED, V_NONE);
	/* disagree */
	grid_rec(&r[n++], "host", "res_loop", "inplace", "no-reload", "none", V_STALE, V_STALE);
	grid_rec(&r[n++], "bullseye", "res_loop", "inplace", "no-reload", "none", V_STALE, V_STALE);
	grid_rec(&r[n++], "bookworm", "res_loop", "inplace", "no-reload", "none", V_LATE, V_STALE);
	/* a SKIP beside agreeing verdicts */
	grid_rec(&r[n++], "host", "getip", "rename", "default", "nscd", V_NONE, V_NONE);
	strcpy(r[n - 1].skip, "no nscd");
	grid_rec(&r[n++], "bullseye", "getip", "rename", "default", "nscd", V_MIXED, V_NONE);
	grid_rec(&r[n++], "bookworm", "getip", "rename", "default", "nscd", V_MIXED, V_MIXED);
	/* an error disagrees with a verdict */
	grid_rec(&r[n++], "host", "getip", "symlink", "default", "none", V_FOLLOWED, V_NONE);
	grid_rec(&r[n++], "bookworm", "getip", "symlink", "default", "none", V_NONE, V_NONE);
	strcpy(r[n - 1].error, "no rootfs");
	/* one libc only: nothing to disagree with */
	grid_rec(&r[n++], "bullseye", "getip", "bind-rename", "default", "none", V_SILENT, V_FOLLOWED);
	/* the same verdict with and without '!' */
	grid_rec(&r[n++], "host", "res_loop", "rename", "default", "none", V_LATE, V_STALE);
	grid_rec(&r[n++], "bullseye", "res_loop", "rename", "default", "none", V_LATE, V_NONE);
	ck_assert_uint_eq(n, 14);
	char *got = render_grid(r, n);
	ck_assert_text(got,
		"  probe/update/options        host        bullseye    bookworm  \n"
		"  getip/inplace/default       FOLLOWED    FOLLOWED!   FOLLOWED  \n"
		"* res_loop/inplace/no-reload  STALE       STALE       LATE!     \n"
		"  getip/rename/default/nscd   SKIP        MIXED       MIXED     \n"
		"* getip/symlink/default       FOLLOWED    -           ERROR!    \n"
		"  getip/bind-rename/default   -           SILENT!     -         \n"
		"  res_loop/rename/default     LATE!       LATE        -         \n"
		"(! = differs from the expected verdict; * = the C libraries disagree)\n");
	free(got);
}
END_TEST

/* A column as wide as its label: a --libc PATH's label is longer than
 * the 10 characters a verdict takes. */
START_TEST(test_grid_long_label)
{
	struct case_result r[4];
	grid_rec(&r[0], "host", "getip", "inplace", "default", "none", V_FOLLOWED, V_FOLLOWED);
	grid_rec(&r[1], "bullseye-image.tar", "getip", "inplace", "default", "none", V_FOLLOWED, V_FOLLOWED);
	grid_rec(&r[2], "host", "res_loop", "inplace", "no-reload", "none", V_LATE, V_LATE);
	grid_rec(&r[3], "bullseye-image.tar", "res_loop", "inplace", "no-reload", "none", V_STALE, V_LATE);
	char *got = render_grid(r, 4);
	ck_assert_text(got,
		"  probe/update/options        host        bullseye-image.tar\n"
		"  getip/inplace/default       FOLLOWED    FOLLOWED          \n"
		"* res_loop/inplace/no-reload  LATE        STALE!            \n"
		"(! = differs from the expected verdict; * = the C libraries disagree)\n");
	free(got);
}
END_TEST

/* The disagreement is found whichever column holds the first verdict:
 * the first may be a SKIP or a gap. */
START_TEST(test_grid_libcs_first_column_empty)
{
	struct case_result r[6];
	grid_rec(&r[0], "host", "getip", "inplace", "default", "none", V_NONE, V_NONE);
	strcpy(r[0].skip, "cannot run");
	grid_rec(&r[1], "bullseye", "getip", "inplace", "default", "none", V_FOLLOWED, V_NONE);
	grid_rec(&r[2], "bookworm", "getip", "inplace", "default", "none", V_STALE, V_NONE);
	grid_rec(&r[3], "bullseye", "res_loop", "inplace", "default", "none", V_STALE, V_NONE);
	grid_rec(&r[4], "bookworm", "res_loop", "inplace", "default", "none", V_FOLLOWED, V_NONE);
	grid_rec(&r[5], "bookworm", "getip", "rename", "default", "none", V_STALE, V_NONE);
	char *got = render_grid(r, 6);
	ck_assert_text(got,
		"  probe/update/options      host        bullseye    bookworm  \n"
		"* getip/inplace/default     SKIP        FOLLOWED    STALE     \n"
		"* res_loop/inplace/default  -           STALE       FOLLOWED  \n"
		"  getip/rename/default      -           -           STALE     \n"
		"(! = differs from the expected verdict; * = the C libraries disagree)\n");
	free(got);
}
END_TEST

/* One C library other than the host's: still columns by update method,
 * the libc kept in the row; no cases: the header and the legend. */
START_TEST(test_grid_one_libc_and_empty)
{
	struct case_result r[2];
	grid_rec(&r[0], "bullseye", "getip", "inplace", "default", "none", V_FOLLOWED, V_NONE);
	grid_rec(&r[1], "bullseye", "getip", "rename", "default", "none", V_STALE, V_FOLLOWED);
	char *got = render_grid(r, 2);
	ck_assert_text(got,
		"  probe/options           inplace     rename    \n"
		"  bullseye:getip/default  FOLLOWED    STALE!    \n"
		"(! = differs from the expected verdict)\n");
	free(got);
	got = render_grid(NULL, 0);
	ck_assert_text(got,
		"  probe/options       \n"
		"(! = differs from the expected verdict)\n");
	free(got);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_outcome, 0, NROWS(outcome_rows));
	tcase_add_test(tc, test_outcome_error_wins);
	tcase_add_test(tc, test_json_one_case);
	tcase_add_test(tc, test_json_all_cases);
	tcase_add_test(tc, test_tap);
	tcase_add_test(tc, test_tap_plan_matches);
	tcase_add_test(tc, test_tap_error_and_skip);
	tcase_add_loop_test(tc, test_strict, 0, NROWS(strict_rows));
	tcase_add_test(tc, test_tap_one_line);
	tcase_add_test(tc, test_json_line);
	tcase_add_test(tc, test_json_shard);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_junit_error_and_skip);
	tcase_add_test(tc, test_json_only_fresh);
	tcase_add_test(tc, test_md);
	tcase_add_test(tc, test_md_cells);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_servers_impact);
	tcase_add_test(tc, test_no_verdict_why);
	suite_add_tcase(s, tc);

	tc = tcase_create("Grid");
	tcase_add_test(tc, test_grid_updates);
	tcase_add_test(tc, test_grid_libcs);
	tcase_add_test(tc, test_grid_libcs_first_column_empty);
	tcase_add_test(tc, test_grid_long_label);
	tcase_add_test(tc, test_grid_one_libc_and_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_json_interrupted);
	tcase_add_test(tc, test_tap_interrupted);
	tcase_add_test(tc, test_junit_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_test(tc, test_json_hostile);
	tcase_add_test(tc, test_junit_hostile);
	suite_add_tcase(s, tc);

	return s;
}
