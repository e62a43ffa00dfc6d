/*
 * report.c - write case records as JSON, Markdown, TAP and JUnit.
 *
 * Every format says the same things: the verdict measured from the wire,
 * the expectation beside it (never instead of it), and the numbers anyone
 * can recount from capture.pcap.
 */
#include <math.h>
#include <string.h>
#include "escape.h"
#include "report.h"
#include "version.h"

const char *report_outcome(const struct case_result *r)
{
	if (!r->complete || r->error[0])
		return "ERROR";
	if (r->skip[0])
		return "SKIP";
	if (!caseres_matches(r))
		return "DIFFERS";
	/* The evidence could not decide: a pass only when that was asked
	 * for (an expected INCONCLUSIVE), else an outcome of its own. */
	if (r->vd.v == V_INCONCLUSIVE && r->expected != V_INCONCLUSIVE)
		return "INCONCLUSIVE";
	return "ok";
}

static bool is_outcome(const struct case_result *r, const char *o)
{
	return strcmp(report_outcome(r), o) == 0;
}

bool report_passed(const struct run_info *ri, const struct case_result *r)
{
	if (is_outcome(r, "SKIP"))
		return true;
	if (is_outcome(r, "INCONCLUSIVE"))
		return !ri->strict;
	if (is_outcome(r, "ok"))
		return !ri->need_expected || r->expected != V_NONE;
	return false;
}

/* "ok" in the table, the Markdown and TAP's test lines: as expected, or
 * skipped; never an INCONCLUSIVE, whatever --strict says. */
static bool passed(const struct case_result *r)
{
	const char *o = report_outcome(r);
	return strcmp(o, "ok") == 0 || strcmp(o, "SKIP") == 0;
}

/* Between the keys of a case object: summary.json puts one a line
 * (JSON_SEP), --json keeps the object on one line (", "). */
#define JSON_SEP ",\n      "

static void json_key(FILE *f, const char *sep, const char *k)
{
	fprintf(f, "%s\"%s\": ", sep, k);
}

static void json_str(FILE *f, const char *sep, const char *k, const char *v,
                     bool null_if_empty)
{
	json_key(f, sep, k);
	if (null_if_empty && !*v)
		fputs("null", f);
	else
		escape_json_string(f, v);
}

static void json_uint(FILE *f, const char *sep, const char *k, unsigned long long v)
{
	json_key(f, sep, k);
	fprintf(f, "%llu", v);
}

/* "paths": one object a path (paths.h), on one line each; then
 * "paths_more", the paths that did not fit. */
static void json_paths(FILE *f, const char *sep, const struct case_result *r)
{
	json_key(f, sep, "paths");
	fputc('[', f);
	for (unsigned i = 0; i < r->npaths && i < PATHS_MAX; i++) {
		const struct vd_path *p = &r->paths[i];
		fputs(i ? ", {" : "{", f);
		json_str(f, "", "sender", paths_sender_name(p->sender), false);
		json_str(f, ", ", "types", p->types, false);
		json_str(f, ", ", "verdict", verdict_name(p->v), false);
		json_uint(f, ", ", "late_by", p->late_by);
		json_uint(f, ", ", "queries_old_before", p->queries_old_before);
		json_uint(f, ", ", "queries_new_before", p->queries_new_before);
		json_uint(f, ", ", "queries_old_after", p->queries_old_after);
		json_uint(f, ", ", "queries_new_after", p->queries_new_after);
		json_uint(f, ", ", "lookups_old_after", p->lookups_old_after);
		json_uint(f, ", ", "lookups_new_after", p->lookups_new_after);
		json_key(f, ", ", "first_new_ms");
		if (p->first_new_ms >= 0)
			fprintf(f, "%.1f", p->first_new_ms);
		else
			fputs("null", f);
		json_str(f, ", ", "reason", p->reason, false);
		fputc('}', f);
	}
	fputc(']', f);
	json_uint(f, sep, "paths_more", r->paths_more);
}

/* A time in ms, or null when it is not known (< 0). */
static void json_ms(FILE *f, const char *sep, const char *k, double v)
{
	json_key(f, sep, k);
	if (v >= 0)
		fprintf(f, "%.3f", v);
	else
		fputs("null", f);
}

/* "servers": one object a server (servercount.h), on one line each;
 * null for a record without them (an older run, or no verdict). */
static void json_servers(FILE *f, const char *sep, const struct case_result *r)
{
	json_key(f, sep, "servers");
	if (!r->nservers) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (unsigned i = 0; i < r->nservers && i < SS_MAX; i++) {
		const struct sc_server *s = &r->servers[i];
		fputs(i ? ", {\"addresses\": [" : "{\"addresses\": [", f);
		for (const char *a = s->addr; *a;) {   /* "A,B": ["A", "B"] */
			char one[sizeof s->addr];
			size_t n = strcspn(a, ",");
			snprintf(one, sizeof one, "%.*s", (int)n, a);
			if (a != s->addr)
				fputs(", ", f);
			escape_json_string(f, one);
			a += n + (a[n] == ',');
		}
		fputc(']', f);
		fprintf(f, ", \"in_old\": %s, \"in_new\": %s",
		        s->in_old ? "true" : "false", s->in_new ? "true" : "false");
		json_str(f, ", ", "state", s->state, true);
		json_uint(f, ", ", "queries_before", s->queries_before);
		json_uint(f, ", ", "queries_after", s->queries_after);
		json_uint(f, ", ", "lookups_after", s->lookups_after);
		fprintf(f, ", \"responses_after\": {\"answered\": %u, \"refused\": "
		        "%u, \"servfail\": %u, \"other_rcode\": %u, \"none\": %u}}",
		        s->answered, s->refused, s->servfail, s->other_rcode,
		        s->no_response);
	}
	fputc(']', f);
}

/* "impact": the application impact (impact.h) on one line; null when
 * process.out was not read for it. */
static void json_impact(FILE *f, const char *sep, const struct case_result *r)
{
	const struct app_impact *a = &r->impact;
	const struct { const char *name; const struct impact_side *s; } side[] = {
		{ "before", &a->before }, { "after", &a->after },
	};
	json_key(f, sep, "impact");
	if (!r->impact_read) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"measured\": %s", a->measured ? "true" : "false");
	for (size_t i = 0; i < 2; i++) {
		char k[32];
		snprintf(k, sizeof k, "lookups_%s", side[i].name);
		json_uint(f, ", ", k, side[i].s->lookups);
		snprintf(k, sizeof k, "failed_%s", side[i].name);
		json_uint(f, ", ", k, side[i].s->failed);
		snprintf(k, sizeof k, "median_%s_ms", side[i].name);
		json_ms(f, ", ", k, side[i].s->median_ms);
		snprintf(k, sizeof k, "p95_%s_ms", side[i].name);
		json_ms(f, ", ", k, side[i].s->p95_ms);
		snprintf(k, sizeof k, "max_%s_ms", side[i].name);
		json_ms(f, ", ", k, side[i].s->max_ms);
	}
	json_uint(f, ", ", "slow_after", a->slow_after);
	json_ms(f, ", ", "slow_bound_ms", a->slow_bound_ms);
	json_str(f, ", ", "recovery", impact_recovery_name(a->recovery), false);
	json_ms(f, ", ", "recovered_ms", a->recovery == IMP_RECOVERED
	                                 ? a->recovered_ms : -1);
	json_uint(f, ", ", "good_run", a->good_run);
	json_uint(f, ", ", "bad_lines", a->bad_lines);
	fputc('}', f);
}

/* The keys after "case", in doc/design.md's order ("summary.json"). */
static void json_case_keys(FILE *f, const char *sep, const struct case_result *r)
{
	json_str(f, sep, "group", r->group, false);
	json_str(f, sep, "probe", r->probe, false);
	json_str(f, sep, "libc", r->libc, false);
	json_str(f, sep, "update", r->update, false);
	json_str(f, sep, "options", r->options, false);
	json_str(f, sep, "cache", r->cache, false);
	json_str(f, sep, "command", r->command, true);
	json_str(f, sep, "program", r->program, true);
	json_str(f, sep, "interpreter", r->interpreter, true);
	json_str(f, sep, "env_policy", r->env_policy, true);
	json_str(f, sep, "env_removed", r->env_removed, true);
	json_str(f, sep, "env_set", r->env_set, true);
	json_str(f, sep, "verdict", verdict_name(r->vd.v), false);
	json_str(f, sep, "expected", r->expected == V_NONE ? "" :
	         verdict_name(r->expected), true);
	json_str(f, sep, "outcome", report_outcome(r), false);
	json_uint(f, sep, "late_by", r->vd.late_by);
	json_uint(f, sep, "queries_old_before", r->vd.queries_old_before);
	json_uint(f, sep, "queries_new_before", r->vd.queries_new_before);
	json_uint(f, sep, "queries_old_after", r->vd.queries_old_after);
	json_uint(f, sep, "queries_new_after", r->vd.queries_new_after);
	json_uint(f, sep, "queries_other_after", r->vd.queries_other_after);
	json_key(f, sep, "first_new_ms");
	if (r->vd.first_new_ms >= 0)
		fprintf(f, "%.1f", r->vd.first_new_ms);
	else
		fputs("null", f);
	json_key(f, sep, "switch_time");
	if (r->switched)
		fprintf(f, "%.6f", r->switch_time);
	else
		fputs("null", f);
	json_key(f, sep, "switch_end");
	if (r->switched)
		fprintf(f, "%.6f", r->switch_end > r->switch_time ? r->switch_end
		                                                  : r->switch_time);
	else
		fputs("null", f);
	json_key(f, sep, "window_end");
	if (r->switched)
		fprintf(f, "%.6f", r->window_end);
	else
		fputs("null", f);
	json_str(f, sep, "pcap", r->pcap, true);
	json_str(f, sep, "dir", r->dir, true);
	json_uint(f, sep, "answers_old_after", r->vd.answers_old_after);
	json_uint(f, sep, "answers_new_after", r->vd.answers_new_after);
	json_str(f, sep, "reason", r->vd.reason, false);
	json_str(f, sep, "why", r->why[0] ? r->why : r->expected_why, true);
	json_str(f, sep, "app_note", r->vd.app_note, true);
	json_str(f, sep, "error", r->error, true);
	json_str(f, sep, "skip", r->skip, true);
	json_str(f, sep, "only", r->only, true);
	json_key(f, sep, "fresh");
	if (r->fresh_ran)
		fprintf(f, "{\"queries_old\": %u, \"queries_new\": %u}",
		        r->fresh_queries_old, r->fresh_queries_new);
	else
		fputs("null", f);
	json_paths(f, sep, r);
	json_servers(f, sep, r);
	json_impact(f, sep, r);
	json_uint(f, sep, "dropped", r->dropped);
	json_uint(f, sep, "malformed", r->malformed);
	json_key(f, sep, "exit_code");
	fprintf(f, "%d", r->exit_code);
	json_key(f, sep, "exit_signal");
	fprintf(f, "%d", r->exit_signal);
	json_key(f, sep, "wall_s");
	fprintf(f, "%.3f", r->t_end - r->t_start);
	json_key(f, sep, "complete");
	fputs(r->complete ? "true" : "false", f);
}

static void json_case(FILE *f, const struct case_result *r)
{
	fputs("    {\n      \"case\": ", f);
	escape_json_string(f, r->name);
	json_case_keys(f, JSON_SEP, r);
	fputs("\n    }", f);
}

void report_json_line(FILE *f, const struct run_info *ri,
                      const struct case_result *r)
{
	fputs("{\"run\": ", f);
	escape_json_string(f, ri->run);
	json_str(f, ", ", "case", r->name, false);
	json_case_keys(f, ", ", r);
	fputs("}\n", f);
}

/* The shard: "K/N", or null when the run did not record one. */
static void json_shard(FILE *f, const struct run_info *ri)
{
	if (ri->shard_n)
		fprintf(f, "\"%u/%u\"", ri->shard_k, ri->shard_n);
	else
		fputs("null", f);
}

void report_json(FILE *f, const struct run_info *ri,
                 const struct case_result *r, size_t n)
{
	fputs("{\n  \"run\": ", f);
	escape_json_string(f, ri->run);
	fputs(",\n  \"host\": ", f);
	escape_json_string(f, ri->host ? ri->host : "");
	fputs(",\n  \"version\": ", f);
	escape_json_string(f, whichns_version);
	fprintf(f, ",\n  \"complete\": %s,\n  \"planned\": %zu,\n  \"shard\": ",
	        ri->interrupted ? "false" : "true", ri->planned);
	json_shard(f, ri);
	fprintf(f, ",\n  \"matrix\": %zu,\n  \"matrix_id\": ",
	        ri->matrix ? ri->matrix : ri->planned);
	if (ri->matrix_id && ri->matrix_id[0])
		escape_json_string(f, ri->matrix_id);
	else
		fputs("null", f);
	fprintf(f, ",\n  \"strict\": %s,\n  \"cases\": [\n",
	        ri->strict ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		json_case(f, &r[i]);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fputs("  ]\n}\n", f);
}

static void numbers(char *buf, size_t size, const struct case_result *r)
{
	char first[32] = "-";
	if (r->vd.first_new_ms >= 0)
		snprintf(first, sizeof first, "%.0f", r->vd.first_new_ms);
	snprintf(buf, size, "%u / %u / %u / %s", r->vd.queries_old_before,
	         r->vd.queries_old_after, r->vd.queries_new_after, first);
}

const char *report_verdict_text(const struct case_result *r, char *buf, size_t size)
{
	if (r->error[0] || !r->complete)
		snprintf(buf, size, "ERROR");
	else if (r->skip[0])
		snprintf(buf, size, "SKIP");
	else if (r->vd.v == V_LATE)
		snprintf(buf, size, "LATE %u", r->vd.late_by);
	else
		snprintf(buf, size, "%s", verdict_name(r->vd.v));
	return buf;
}

/* s, or its first max bytes cut at a character's start (outside text
 * may be UTF-8) and "…" after them. */
static void shorten(char *buf, size_t size, const char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max) {
		snprintf(buf, size, "%s", s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	snprintf(buf, size, "%.*s…", (int)max, s);
}

/* Why a case gave no verdict, for a cell of its own: the error of an
 * ERROR, the reason of an INCONCLUSIVE, shortened to max bytes (the
 * whole text is under Details); "" for any other case. */
static const char *no_verdict_why(const struct case_result *c, char *buf,
                                  size_t size, size_t max)
{
	const char *why = "";
	if (c->error[0])
		why = c->error;
	else if (c->complete && !c->skip[0] && c->vd.v == V_INCONCLUSIVE)
		why = c->vd.reason;
	shorten(buf, size, why, max);
	return buf;
}

#define MD_WHY_MAX 120      /* bytes of a reason in summary.md's why cell */
#define TABLE_NOTE_MAX 90   /* ... in the terminal table's note column */

/* After a verdict in summary.md: ✗ fails, ? could not decide. */
static const char *mark(const struct run_info *ri, const struct case_result *c)
{
	if (!report_passed(ri, c))
		return " ✗";
	return is_outcome(c, "INCONCLUSIVE") ? " ?" : "";
}

/* summary.md's details of a case with a verdict: the servers queried
 * after the switch, and the application impact when measured. */
static void details_servers_impact(FILE *f, const struct case_result *c)
{
	char buf[512];
	if (c->error[0] || c->skip[0] || !c->complete)
		return;
	if (c->nservers && c->switched)
		fprintf(f, "; queried after the switch: %s",
		        servercount_after_text(c->servers, c->nservers, buf,
		                               sizeof buf)[0] ? buf : "no server");
	if (c->impact_read && c->impact.measured)
		fprintf(f, "; application impact: %s",
		        impact_summary(&c->impact, buf, sizeof buf));
}

void report_md(FILE *f, const struct run_info *ri,
               const struct case_result *r, size_t n)
{
	size_t ok = 0, unsure = 0;
	for (size_t i = 0; i < n; i++) {
		ok += passed(&r[i]) && report_passed(ri, &r[i]);
		unsure += is_outcome(&r[i], "INCONCLUSIVE") && report_passed(ri, &r[i]);
	}
	fprintf(f, "# whichns run %s\n\n", ri->run);
	if (ri->host)
		fprintf(f, "Host: %s\n\n", ri->host);
	if (ri->interrupted)
		fprintf(f, "**Interrupted: %zu of %zu planned cases ran. These "
		        "results are incomplete.**\n\n", n, ri->planned);
	fprintf(f, "%zu case%s, %zu as expected, %zu inconclusive, %zu not.\n\n",
	        n, n == 1 ? "" : "s", ok, unsure, n - ok - unsure);
	fputs("Verdicts come from capture.pcap of each case; queries are counted "
	      "as old before / old after / new after the switch, then the time "
	      "from the switch to the first query to the new server.\n\n", f);
	fputs("| case | libc | verdict | expected | queries (old before / old "
	      "after / new after / first new ms) | answers old/new after | "
	      "why | evidence |\n|---|---|---|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		char num[96], v[32], nv[MD_WHY_MAX + 8];
		const struct case_result *c = &r[i];
		numbers(num, sizeof num, c);
		/* No verdict: why not comes first (it is what the reader needs). */
		const char *why = no_verdict_why(c, nv, sizeof nv, MD_WHY_MAX);
		if (!why[0])
			why = c->why[0] ? c->why : c->expected_why;
		fputs("| ", f);
		escape_md_cell(f, c->name);
		fprintf(f, " | %s | %s%s | %s | %s | %u / %u | ", c->libc,
		        report_verdict_text(c, v, sizeof v), mark(ri, c),
		        c->expected == V_NONE ? "—" : verdict_name(c->expected), num,
		        c->vd.answers_old_after, c->vd.answers_new_after);
		escape_md_cell(f, why);
		/* A case that did not run to its end wrote no report.md (and
		 * perhaps no capture): its folder holds what there is. */
		if (c->dir[0] && c->complete)
			fprintf(f, " | [report](%s/report.md), [pcap](%s) |\n", c->dir, c->pcap);
		else if (c->dir[0])
			fprintf(f, " | [folder](%s/) |\n", c->dir);
		else
			fputs(" | — |\n", f);
	}
	fputs("\n## Details\n\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct case_result *c = &r[i];
		fprintf(f, "- **%s**: %s", c->name,
		        c->error[0] ? c->error : c->skip[0] ? c->skip : c->vd.reason);
		if (c->vd.app_note[0])
			fprintf(f, "; application view: %s", c->vd.app_note);
		if (c->fresh_ran)
			fprintf(f, "; a fresh process afterwards queried the old server "
			        "%u times and the new one %u times", c->fresh_queries_old,
			        c->fresh_queries_new);
		if (c->npaths) {
			char paths[1024];
			fprintf(f, "; by path: %s", paths_summary(c->paths, c->npaths,
			                                          paths, sizeof paths));
		}
		details_servers_impact(f, c);
		fputc('\n', f);
	}
}

/* Outside text on one TAP line: a newline would end it, so every control
 * character becomes a space (the UTF-8 rules of JSON do not apply: TAP
 * is read as bytes). */
static void tap_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

/* Why a case fails, for TAP's message and JUnit's failure. */
static const char *fail_message(const struct run_info *ri,
                                const struct case_result *c)
{
	if (c->error[0])
		return c->error;
	if (is_outcome(c, "ok") && ri->need_expected)
		return "no expected verdict for this case (--strict)";
	return c->vd.reason;
}

/* TAP version 13: Test::Harness 3.44 (Debian 12's prove) refuses 14, and
 * nothing here needs 14 (no subtests).  The plan is every planned case,
 * so a run that is incomplete (interrupted, a shard missing) fails twice
 * over: fewer tests than planned, then "Bail out!" (prove says
 * "Result: FAIL" and exits 255). */
void report_tap(FILE *f, const struct run_info *ri,
                const struct case_result *r, size_t n)
{
	fprintf(f, "TAP version 13\n1..%zu\n", ri->planned > n ? ri->planned : n);
	for (size_t i = 0; i < n; i++) {
		const struct case_result *c = &r[i];
		char v[32];
		bool pass = report_passed(ri, c);
		if (is_outcome(c, "SKIP")) {   /* an error wins */
			fprintf(f, "ok %zu - %s # SKIP ", i + 1, c->name);
			tap_text(f, c->skip);
			fputc('\n', f);
			continue;
		}
		if (is_outcome(c, "INCONCLUSIVE") && pass) {   /* seen, not passed */
			fprintf(f, "ok %zu - %s # SKIP inconclusive: ", i + 1, c->name);
			tap_text(f, c->vd.reason);
			fputc('\n', f);
			continue;
		}
		fprintf(f, "%s %zu - %s %s\n", pass ? "ok" : "not ok", i + 1,
		        c->name, report_verdict_text(c, v, sizeof v));
		if (!pass) {
			fputs("  ---\n  message: ", f);
			escape_json_string(f, fail_message(ri, c));
			fputs("\n  found: ", f);
			escape_json_string(f, verdict_name(c->vd.v));
			fputs("\n  wanted: ", f);
			escape_json_string(f, verdict_name(c->expected));
			fputs("\n  ...\n", f);
		}
	}
	if (ri->interrupted)
		fprintf(f, "Bail out! incomplete: %zu of %zu planned cases ran\n",
		        n, ri->planned);
}

/* One testcase's verdict element, if any: error, skipped or failure. */
static void junit_outcome(FILE *f, const struct run_info *ri,
                          const struct case_result *c)
{
	char v[32];
	bool pass = report_passed(ri, c);
	if (is_outcome(c, "ERROR")) {
		fputs("      <error message=\"", f);
		escape_xml_text(f, c->error[0] ? c->error : "incomplete");
		fputs("\"/>\n", f);
	} else if (is_outcome(c, "SKIP") || (is_outcome(c, "INCONCLUSIVE") && pass)) {
		fputs("      <skipped message=\"", f);
		if (c->skip[0])
			escape_xml_text(f, c->skip);
		else {
			fputs("inconclusive: ", f);
			escape_xml_text(f, c->vd.reason);
		}
		fputs("\"/>\n", f);
	} else if (is_outcome(c, "DIFFERS")) {
		fputs("      <failure message=\"verdict differs\">", f);
		fputc('-', f);
		escape_xml_text(f, c->name);
		fprintf(f, " %s\n+", verdict_name(c->expected));
		escape_xml_text(f, c->name);
		fprintf(f, " %s\n", report_verdict_text(c, v, sizeof v));
		escape_xml_text(f, c->vd.reason);
		fputs("</failure>\n", f);
	} else if (!pass) {   /* INCONCLUSIVE, or no expectation, under --strict */
		fprintf(f, "      <failure message=\"%s\">",
		        is_outcome(c, "INCONCLUSIVE") ? "inconclusive (--strict)"
		        : "no expected verdict (--strict)");
		escape_xml_text(f, fail_message(ri, c));
		fputs("</failure>\n", f);
	}
}

void report_junit(FILE *f, const struct run_info *ri,
                  const struct case_result *r, size_t n)
{
	size_t failures = 0, errors = 0, skipped = 0;
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_outcome(&r[i], "ERROR"))
			errors++;
		else if (is_outcome(&r[i], "SKIP"))
			skipped++;
		else if (!report_passed(ri, &r[i]))
			failures++;
		else if (is_outcome(&r[i], "INCONCLUSIVE"))
			skipped++;
		total += r[i].t_end - r[i].t_start;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fputs("<testsuites>\n  <testsuite name=\"whichns ", f);
	escape_xml_text(f, ri->run);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
	        "time=\"%.3f\">\n", n, failures, errors, skipped, total);
	for (size_t i = 0; i < n; i++) {
		const struct case_result *c = &r[i];
		fputs("    <testcase classname=\"whichns.", f);
		escape_xml_text(f, c->group[0] ? c->group : "case");
		fputs("\" name=\"", f);
		escape_xml_text(f, c->name);
		fprintf(f, "\" time=\"%.3f\">\n", c->t_end - c->t_start);
		junit_outcome(f, ri, c);
		fputs("      <system-out>", f);
		escape_xml_text(f, c->vd.reason);
		fputs("</system-out>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

/* Do a case's paths say more than its headline?  When another sender
 * than the process itself sent queries, or a path's verdict differs. */
static bool paths_say_more(const struct case_result *c)
{
	if (c->error[0] || c->skip[0] || !c->complete)
		return false;
	for (unsigned i = 0; i < c->npaths && i < PATHS_MAX; i++)
		if (c->paths[i].sender != PS_PROCESS || c->paths[i].v != c->vd.v)
			return true;
	return false;
}

/* Below the table: the paths of each case whose paths say more. */
static void table_paths(FILE *f, const struct case_result *r, size_t n,
                        size_t w)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		char paths[1024];
		if (!paths_say_more(&r[i]))
			continue;
		if (!any)
			fputs("\nby path (sender and record type; doc/design.md, "
			      "\"Paths\"):\n", f);
		any = true;
		fprintf(f, "%-*s  %s\n", (int)w, r[i].name,
		        paths_summary(r[i].paths, r[i].npaths, paths, sizeof paths));
	}
}

void report_table(FILE *f, const struct case_result *r, size_t n)
{
	size_t w = 4;
	for (size_t i = 0; i < n; i++)
		if (strlen(r[i].name) > w)
			w = strlen(r[i].name);
	fprintf(f, "%-*s  %-14s %-12s %-12s %9s %9s %9s %9s  %s\n", (int)w, "case",
	        "verdict", "expected", "outcome", "old<sw", "old>sw", "new>sw",
	        "1st new", "note");
	for (size_t i = 0; i < n; i++) {
		const struct case_result *c = &r[i];
		char v[32], first[16] = "-";
		if (c->vd.first_new_ms >= 0)
			snprintf(first, sizeof first, "%.0fms", c->vd.first_new_ms);
		char note[TABLE_NOTE_MAX + 8] = "";
		if (no_verdict_why(c, note, sizeof note, TABLE_NOTE_MAX)[0])
			;   /* an ERROR's error, an INCONCLUSIVE's reason */
		else if (c->fresh_ran)
			snprintf(note, sizeof note, "%s queries only; fresh process: "
			         "%u old, %u new", c->only[0] ? c->only : "all",
			         c->fresh_queries_old, c->fresh_queries_new);
		else if (c->only[0])
			snprintf(note, sizeof note, "%s queries only", c->only);
		else if (c->vd.app_note[0])
			snprintf(note, sizeof note, "cache: app view differs");
		fprintf(f, "%-*s  %-14s %-12s %-12s %9u %9u %9u %9s  %s\n", (int)w,
		        c->name, report_verdict_text(c, v, sizeof v),
		        c->expected == V_NONE ? "-" : verdict_name(c->expected),
		        report_outcome(c), c->vd.queries_old_before,
		        c->vd.queries_old_after, c->vd.queries_new_after, first, note);
	}
	table_paths(f, r, n, w);
}

/* Short verdict words keep the grid narrow enough for a terminal. */
static const char *cell(const struct case_result *r, char *buf, size_t size)
{
	static const char *const shortname[] = {
		[V_FOLLOWED] = "FOLLOWED", [V_LATE] = "LATE", [V_STALE] = "STALE",
		[V_MIXED] = "MIXED", [V_SILENT] = "SILENT", [V_INCONCLUSIVE] = "INCONCL",
		[V_NONE] = "-",
	};
	if (r->error[0] || !r->complete)
		snprintf(buf, size, "ERROR!");
	else if (r->skip[0])
		snprintf(buf, size, "SKIP");
	else
		snprintf(buf, size, "%s%s", shortname[r->vd.v <= V_NONE ? r->vd.v : V_NONE],
		         caseres_matches(r) ? "" : "!");
	return buf;
}

#define GRID_MAX 64
#define KEY_MAX  128

/* A grid row: everything about a case except the column's axis. */
static void row_key(const struct case_result *r, bool by_libc, char *buf,
                    size_t size)
{
	const char *bare = caseres_bare_name(r->name);
	bool libc = !by_libc && bare != r->name;
	bool cache = r->cache[0] && strcmp(r->cache, "none") != 0;
	if (by_libc) {   /* the case without its libc: probe/update/options */
		snprintf(buf, size, "%s", bare);
		return;
	}
	/* A group with servers of its own ends its cases' names with
	 * "/GROUP" (scenario.h): its rows stay apart. */
	size_t n = strlen(bare), g = strlen(r->group);
	bool own = g && n > g + 1 && bare[n - g - 1] == '/' &&
	           strcmp(bare + n - g, r->group) == 0 &&
	           strcmp(r->probe, r->group) != 0;
	snprintf(buf, size, "%s%s%s/%s%s%s%s%s", libc ? r->libc_axis : "",
	         libc ? ":" : "", r->probe, r->options, cache ? "/" : "",
	         cache ? r->cache : "", own ? "/" : "", own ? r->group : "");
}

static size_t intern(char (*list)[KEY_MAX], size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	if (*n == GRID_MAX)
		return GRID_MAX;
	snprintf(list[*n], KEY_MAX, "%s", s);
	return (*n)++;
}

void report_grid(FILE *f, const struct case_result *r, size_t n)
{
	static char rows[GRID_MAX * 4][KEY_MAX], cols[GRID_MAX][KEY_MAX];
	static char cells[GRID_MAX * 4][GRID_MAX][16];
	size_t nr = 0, nc = 0, w = strlen("probe/update/options");
	bool by_libc = false;

	/* The same case on several C libraries: one column per libc, so
	 * differences between versions line up; otherwise one column per
	 * update method. */
	for (size_t i = 0; i < n && !by_libc; i++) {
		char a[KEY_MAX], b[KEY_MAX];
		row_key(&r[i], true, a, sizeof a);
		for (size_t j = i + 1; j < n && !by_libc; j++) {
			row_key(&r[j], true, b, sizeof b);
			by_libc = strcmp(a, b) == 0 &&
			          strcmp(r[i].libc_axis, r[j].libc_axis) != 0;
		}
	}
	memset(cells, 0, sizeof cells);
	for (size_t i = 0; i < n; i++) {
		char key[KEY_MAX];
		row_key(&r[i], by_libc, key, sizeof key);
		size_t nrmax = GRID_MAX * 4, ri;
		for (ri = 0; ri < nr && strcmp(rows[ri], key) != 0; ri++)
			;
		if (ri == nr && nr < nrmax)
			snprintf(rows[nr++], KEY_MAX, "%s", key);
		size_t ci = intern(cols, &nc, by_libc ? r[i].libc_axis : r[i].update);
		if (ri < nrmax && ci < GRID_MAX)
			cell(&r[i], cells[ri][ci], sizeof cells[ri][ci]);
		if (strlen(key) > w)
			w = strlen(key);
	}
	/* Each column as wide as its name and cells, 10 at least (a
	 * --libc PATH's label, "bullseye-image.tar", is longer). */
	int cw[GRID_MAX];
	for (size_t c = 0; c < nc; c++) {
		size_t m = strlen(cols[c]);
		for (size_t ri = 0; ri < nr; ri++)
			if (strlen(cells[ri][c]) > m)
				m = strlen(cells[ri][c]);
		cw[c] = m > 10 ? (int)m : 10;
	}
	fprintf(f, "  %-*s", (int)w, by_libc ? "probe/update/options" : "probe/options");
	for (size_t c = 0; c < nc; c++)
		fprintf(f, "  %-*s", cw[c], cols[c]);
	fputc('\n', f);
	for (size_t ri = 0; ri < nr; ri++) {
		/* '*': the columns disagree (ignoring '!' marks, SKIPs and
		 * gaps), whichever column holds the first verdict. */
		bool differ = false;
		const char *first = NULL;
		for (size_t c = 0; c < nc; c++) {
			const char *x = cells[ri][c];
			size_t len = strcspn(x, "!");
			if (!x[0] || strcmp(x, "SKIP") == 0)
				continue;
			if (!first)
				first = x;
			else if (len != strcspn(first, "!") || strncmp(x, first, len) != 0)
				differ = true;
		}
		fprintf(f, "%c %-*s", differ && by_libc ? '*' : ' ', (int)w, rows[ri]);
		for (size_t c = 0; c < nc; c++)
			fprintf(f, "  %-*s", cw[c], cells[ri][c][0] ? cells[ri][c] : "-");
		fputc('\n', f);
	}
	fprintf(f, "(! = differs from the expected verdict%s)\n",
	        by_libc ? "; * = the C libraries disagree" : "");
}
