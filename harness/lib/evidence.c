/*
 * evidence.c - write report.md for one case.
 *
 * The verdict comes first, then the picture and the numbers behind it,
 * then the raw material (every message with its frame number, what ran,
 * the files), so a reader can check the claim without taking it on
 * trust: the capture is beside the report.  Each section is a function
 * of its own: a new line goes in the section it belongs to.
 */
#include <signal.h>
#include <string.h>
#include "evidence.h"
#include "earlyexit.h"
#include "envpolicy.h"
#include "escape.h"
#include "timeline.h"
#include "wnconst.h"

void evidence_shell_quote(char *buf, size_t size, char *const argv[])
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';
		for (const char *p = a; *p && plain; p++)
			plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			               "0123456789-_./=:,+@%", *p) != NULL;
		char word[1024];
		size_t w = 0;
		if (!plain)
			word[w++] = '\'';
		for (const char *p = a; *p && w + 6 < sizeof word; p++) {
			if (*p == '\'' && !plain) {   /* ' -> '\'' */
				memcpy(word + w, "'\\''", 4);
				w += 4;
			} else {
				word[w++] = *p;
			}
		}
		if (!plain)
			word[w++] = '\'';
		word[w] = '\0';
		int k = snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
		if (k < 0 || (size_t)k >= size - n) {
			buf[n] = '\0';   /* whole words only: no open quote */
			return;
		}
		n += (size_t)k;
	}
}

static void fenced(FILE *f, const char *title, const char *text)
{
	fprintf(f, "%s:\n\n```\n%s%s```\n\n", title, text ? text : "(not available)\n",
	        text && *text && text[strlen(text) - 1] != '\n' ? "\n" : "");
}

static void numbers(FILE *f, const struct case_result *r)
{
	const struct vd_result *v = &r->vd;
	/* Servers both files list ("kept") get a column when they were
	 * asked: the verdict leaves them out. */
	bool kept = v->queries_kept_before || v->queries_kept_after;
	const char *s = kept ? "s" : "";
	char kb[16] = "", ka[16] = "";
	if (kept) {
		snprintf(kb, sizeof kb, " %u |", v->queries_kept_before);
		snprintf(ka, sizeof ka, " %u |", v->queries_kept_after);
	}
	fprintf(f, "| | old server%s | new server%s |%s other |\n|---|---|---|%s---|\n",
	        s, s, kept ? " kept (both files; not counted) |" : "",
	        kept ? "---|" : "");
	fprintf(f, "| queries before the switch | %u | %u |%s %u |\n",
	        v->queries_old_before, v->queries_new_before, kb,
	        v->queries_other_before);
	fprintf(f, "| queries after the switch | %u | %u |%s %u |\n",
	        v->queries_old_after, v->queries_new_after, ka,
	        v->queries_other_after);
	fprintf(f, "| answers the process printed after the switch | %u | %u |%s |\n\n",
	        v->answers_old_after, v->answers_new_after, kept ? " |" : "");
	if (v->first_new_ms >= 0)
		fprintf(f, "First query to the new server: %.0f ms after the switch.\n\n",
		        v->first_new_ms);
	if (r->only[0])
		fprintf(f, "Only %s queries count toward the verdict.\n\n", r->only);
	if (r->fresh_ran)
		fprintf(f, "A freshly started process after the window queried the "
		        "old server %u times and the new server %u times: %s.\n\n",
		        r->fresh_queries_old, r->fresh_queries_new,
		        r->fresh_queries_new && !r->fresh_queries_old ? "it reads the new file"
		        : r->fresh_queries_old ? "it still asked the old server"
		        : "it made no lookup");
}

/* The verdict of each path (paths.h): who sent the queries, of which
 * record type, judged by the same rules on those queries alone. */
static void paths_table(FILE *f, const struct case_result *r)
{
	if (!r->npaths)
		return;
	fputs("## Paths\n\nThe same rules, applied to the queries of each sender "
	      "and record type alone (A and AAAA together).  The process sends "
	      "from 198.51.100.2 (with its triggers, which run beside it), nscd "
	      "from 198.51.100.3 (its own network namespace); the fresh process "
	      "is told by when it started.  Every type counts here, whatever "
	      "the headline counts.\n\n"
	      "| path | verdict | queries old before | old after | new after | "
	      "lookups old / new after | first new | why |\n"
	      "|---|---|---|---|---|---|---|---|\n", f);
	for (unsigned i = 0; i < r->npaths && i < PATHS_MAX; i++) {
		const struct vd_path *p = &r->paths[i];
		char first[32] = "—";
		if (p->first_new_ms >= 0)
			snprintf(first, sizeof first, "%.0f ms", p->first_new_ms);
		fputs("| ", f);
		escape_md_cell(f, p->types);
		fprintf(f, " (%s) | %s", paths_sender_label(p->sender),
		        verdict_name(p->v));
		if (p->v == V_LATE)
			fprintf(f, " %u", p->late_by);
		fprintf(f, " | %u | %u | %u | %u / %u | %s | ", p->queries_old_before,
		        p->queries_old_after, p->queries_new_after,
		        p->lookups_old_after, p->lookups_new_after, first);
		escape_md_cell(f, p->reason);
		fputs(" |\n", f);
	}
	if (r->paths_more)
		fprintf(f, "\n%u more path%s not shown.\n", r->paths_more,
		        r->paths_more == 1 ? "" : "s");
	fputc('\n', f);
}

/* Each server of the case by address (servercount.h): which file lists
 * it, how it behaved after the switch, what it was asked and how it
 * answered. */
static void servers_table(FILE *f, const struct case_result *r)
{
	if (!r->nservers)
		return;
	fputs("## Servers\n\nEach server by address: which resolv.conf lists it, "
	      "what it did from the switch on, the queries it got (every "
	      "message, as `capture.pcap` has them; lookups: the verdict's rule "
	      "on this server's queries alone), and how each query after the "
	      "switch ended (its first response; answered: NOERROR or "
	      "NXDOMAIN).\n\n"
	      "| server | in old file | in new file | after the switch | "
	      "queries before | queries after | lookups after | outcome after |\n"
	      "|---|---|---|---|---:|---:|---:|---|\n", f);
	for (unsigned i = 0; i < r->nservers && i < SS_MAX; i++) {
		const struct sc_server *s = &r->servers[i];
		char out[160];
		fputs("| ", f);
		escape_md_cell(f, s->addr);
		fprintf(f, " | %s | %s | ", s->in_old ? "yes" : "no",
		        s->in_new ? "yes" : "no");
		escape_md_cell(f, s->state[0] ? s->state : "—");
		fprintf(f, " | %u | %u | %u | %s |\n", s->queries_before,
		        s->queries_after, s->lookups_after,
		        servercount_outcome_text(s, out, sizeof out));
	}
	fputc('\n', f);
}

static void impact_row(FILE *f, const char *what, const struct impact_side *s)
{
	char med[32] = "—", p95[32] = "—", max[32] = "—";
	if (s->median_ms >= 0) {
		snprintf(med, sizeof med, "%.1f", s->median_ms);
		snprintf(p95, sizeof p95, "%.1f", s->p95_ms);
		snprintf(max, sizeof max, "%.1f", s->max_ms);
	}
	fprintf(f, "| %s | %u | %u | %s | %s | %s |\n", what, s->lookups,
	        s->failed, med, p95, max);
}

/* The application impact from the probe's own lines (impact.h). */
static void impact_section(FILE *f, const struct case_result *r)
{
	const struct app_impact *a = &r->impact;
	char words[512];
	if (!r->impact_read)
		return;
	fprintf(f, "## Application impact\n\n%s.\n\n",
	        impact_summary(a, words, sizeof words));
	if (!a->measured)
		return;
	fputs("From the probe's own lines in `process.out`: each lookup's start "
	      "and duration (the `ms=` column), before and after the switch "
	      "(lookups starting after the window's end left out); failed: a "
	      "status other than `ok`.\n\n"
	      "| | lookups | failed | median ms | p95 ms | max ms |\n"
	      "|---|---:|---:|---:|---:|---:|\n", f);
	impact_row(f, "before the switch", &a->before);
	if (r->switched)
		impact_row(f, "after the switch", &a->after);
	fputc('\n', f);
	if (a->slow_bound_ms >= 0)
		fprintf(f, "Slow: longer than %.1f ms (%.0f x the p95 before the "
		        "switch, at least the p95 + %.0f ms); recovered: from the "
		        "start of the first lookup of the run of good ones (ok, not "
		        "slow) that lasts to the window's end, %d lookups at least "
		        "(doc/design.md, \"Application impact\").\n\n",
		        a->slow_bound_ms, IMPACT_SLOW_FACTOR, IMPACT_SLOW_MARGIN_MS,
		        IMPACT_RUN_MIN);
	if (a->bad_lines)
		fprintf(f, "%u line%s that began like a lookup line did not parse "
		        "and %s left out.\n\n", a->bad_lines,
		        a->bad_lines == 1 ? "" : "s", a->bad_lines == 1 ? "was" : "were");
}

/* The scope of the verdict's window (observe.h), for the picture and the
 * table alike. */
void evidence_scope(const struct case_result *r, struct tl_scope *sc)
{
	uint16_t type = 0;
	sc->t_switch = r->switched ? r->switch_time : -1;
	sc->t_switch_end = r->switched ? r->switch_end : -1;
	sc->t_end = r->switched && r->window_end > 0 ? r->window_end : -1;
	sc->t_fresh = r->fresh_ran && r->fresh_time > 0 ? r->fresh_time : -1;
	sc->only_qtype = r->only[0] && dns_type_parse(r->only, &type) == 0 ? type : 0;
}

/* Whether the verdict counts a query, in the words of the table: the
 * rule timeline.svg draws by (timeline_row). */
static void counts_cell(FILE *f, const struct tl_scope *sc,
                        const struct wn_event *ev)
{
	enum tl_row row = timeline_row(sc, ev->t, ev->server, ev->qr, ev->qtype);
	char buf[16];
	bool type_ok = !sc->only_qtype || ev->qtype == sc->only_qtype;

	if (ev->qr)
		return;
	const char *only = dns_type_name(sc->only_qtype, buf, sizeof buf);
	switch (row) {
	case TL_OLD_Q: case TL_NEW_Q: case TL_OTHER_Q:
		fputs("counted", f);
		break;
	case TL_FRESH_OLD: case TL_FRESH_NEW:
		fputs("fresh process", f);
		break;
	case TL_FRESH_X:
		fprintf(f, "fresh process; %s%s", type_ok ? "other server" : "not ",
		        type_ok ? "" : only);
		break;
	default:
		if (ev->server == VD_KEPT && type_ok)
			fputs("no: a server both files list", f);
		else if (type_ok)
			fputs("no: after the window", f);
		else
			fprintf(f, "no: not %s", only);
	}
}

/* A switch takes a fraction of a millisecond; report.md says when it
 * took longer (the old server's queries count from its end). */
#define SWITCH_SAID_S 0.001

/* The switch, the window's end and the fresh process's start, as rows
 * of the table: each before the first message at (strict: after) it. */
struct marker {
	double      t;
	bool        strict;
	const char *label;
};

static size_t markers(const struct tl_scope *sc, struct marker m[4])
{
	size_t n = 0;
	if (sc->t_switch >= 0)
		m[n++] = (struct marker){ sc->t_switch, false, "resolv.conf switched" };
	if (sc->t_switch >= 0 &&
	    sc->t_switch_end - sc->t_switch >= SWITCH_SAID_S)
		m[n++] = (struct marker){ sc->t_switch_end, false, "the new file "
		                          "in place: the old server's queries count "
		                          "as after the switch from here" };
	if (sc->t_end >= 0)
		m[n++] = (struct marker){ sc->t_end, true, "window end: later "
		                          "queries are in the capture, not in the verdict" };
	if (sc->t_fresh > 0)
		m[n++] = (struct marker){ sc->t_fresh, false, "fresh process started" };
	for (size_t i = 1; i < n; i++)   /* by time: insertion sort of four */
		for (size_t j = i; j > 0 && m[j].t < m[j - 1].t; j--) {
			struct marker x = m[j];
			m[j] = m[j - 1];
			m[j - 1] = x;
		}
	return n;
}

static void marker_row(FILE *f, const struct marker *m, double t0)
{
	fprintf(f, "| | **%.1f** | | **%s** | | | | |\n", (m->t - t0) * 1000.0,
	        m->label);
}

static void timeline_row_md(FILE *f, const struct wn_event *ev, double t0,
                            const struct tl_scope *sc)
{
	char type[16];
	if (ev->frame)
		fprintf(f, "| %llu ", (unsigned long long)ev->frame);
	else
		fputs("| ", f);
	fprintf(f, "| %.1f | %s | %s | ", (ev->t - t0) * 1000.0,
	        events_server_name(ev->server), ev->qr ? "response" : "query");
	counts_cell(f, sc, ev);
	fputs(" | ", f);
	escape_md_cell(f, ev->qname[0] ? ev->qname : "-");
	fprintf(f, " | %s | ", dns_type_name(ev->qtype, type, sizeof type));
	escape_md_cell(f, ev->qr ? (ev->answers[0] ? ev->answers : dns_rcode_name(ev->rcode)) : "");
	fputs(" |\n", f);
}

static void timeline(FILE *f, const struct evidence *e)
{
	struct tl_scope sc;
	struct marker m[4];
	size_t nm, k = 0, shown = 0;
	double t0 = e->r->switched ? e->r->switch_time : (e->nev ? e->ev[0].t : 0);

	evidence_scope(e->r, &sc);
	nm = markers(&sc, m);
	fprintf(f, "## Timeline\n\nTimes in ms relative to %s; `frame` is the "
	        "packet's number in `capture.pcap` as Wireshark shows it (for a "
	        "message over TCP, the frame that completed it).  `verdict` says "
	        "whether the verdict counts a query.\n\n",
	        e->r->switched ? "the switch" : "the first packet");
	fputs("| frame | ms | server | message | verdict | name | type | answer |\n"
	      "|---:|---:|---|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < e->nev; i++) {
		const struct wn_event *ev = &e->ev[i];
		if (e->max_rows && shown == e->max_rows) {
			fprintf(f, "| | … | | %zu more messages in events.tsv | | | | |\n",
			        e->nev - i);
			nm = k;   /* the markers after them are not shown either */
			break;
		}
		for (; k < nm && (m[k].strict ? ev->t > m[k].t : ev->t >= m[k].t); k++)
			marker_row(f, &m[k], t0);
		timeline_row_md(f, ev, t0, &sc);
		shown++;
	}
	for (; k < nm; k++)   /* after the last message: e.g. a silent window */
		marker_row(f, &m[k], t0);
	fputc('\n', f);
}

void evidence_picture_title(char *buf, size_t size, const struct case_result *r)
{
	const struct vd_result *v = &r->vd;
	char verdict[32];
	size_t n;

	if (r->error[0]) {
		snprintf(buf, size, "%s: could not run\n%s", r->name, r->error);
		return;
	}
	if (r->skip[0]) {
		snprintf(buf, size, "%s: SKIP\n%s", r->name, r->skip);
		return;
	}
	if (v->v == V_LATE)
		snprintf(verdict, sizeof verdict, "LATE %u", v->late_by);
	else
		snprintf(verdict, sizeof verdict, "%s", verdict_name(v->v));
	snprintf(buf, size, "%s: %s\n%s\n%s queries%s: old server %u before the "
	         "switch, %u after; new server %u after", r->name, verdict,
	         v->reason, r->only[0] ? r->only : "counted", r->only[0] ? " only" : "",
	         v->queries_old_before, v->queries_old_after, v->queries_new_after);
	n = strlen(buf);
	if (v->first_new_ms >= 0 && n < size)
		snprintf(buf + n, size - n, " (the first %.0f ms after it)",
		         v->first_new_ms);
	n = strlen(buf);
	if (r->fresh_ran && n < size)
		snprintf(buf + n, size - n, "\nfresh process after the window: %u to "
		         "the old server, %u to the new", r->fresh_queries_old,
		         r->fresh_queries_new);
}

/* The verdict, the expectation and why; or why there is none. */
static void verdict_section(FILE *f, const struct case_result *r)
{
	if (r->error[0]) {   /* the command's failure, or the harness's */
		fprintf(f, "**%s:** %s\n\n", r->start_failed ? "No verdict"
		        : "The case failed in the harness", r->error);
		return;
	}
	if (r->skip[0]) {
		fprintf(f, "**Skipped:** %s\n\n", r->skip);
		return;
	}
	fprintf(f, "## Verdict: %s", verdict_name(r->vd.v));
	if (r->vd.v == V_LATE)
		fprintf(f, " (%u lookups late)", r->vd.late_by);
	fprintf(f, "\n\n%s.\n\n", r->vd.reason);
	if (r->nservers && r->switched) {   /* by address (servercount.h) */
		char after[512];
		if (servercount_after_text(r->servers, r->nservers, after,
		                           sizeof after)[0])
			fprintf(f, "Queried after the switch (queries): %s.\n\n", after);
		else
			fputs("No server was queried after the switch.\n\n", f);
	}
	if (r->npaths) {
		char paths[1024];
		fprintf(f, "By path: %s (see \"Paths\" below).\n\n",
		        paths_summary(r->paths, r->npaths, paths, sizeof paths));
	}
	if (r->vd.app_note[0])
		fprintf(f, "Application view: %s.\n\n", r->vd.app_note);
	if (vd_app_dating(&r->vd)[0])   /* which lines can support a cache claim */
		fprintf(f, "Application view dated: %s.\n\n", vd_app_dating(&r->vd));
	if (r->expected != V_NONE)
		fprintf(f, "Expected: %s%s%s.\n\n", verdict_name(r->expected),
		        r->expected_why[0] ? " — " : "", r->expected_why);
	else if (r->why[0])
		fprintf(f, "Why: %s.\n\n", r->why);
}

/* An <img> with its width, which Markdown renderers keep (a bare ![]()
 * is shrunk to the text column). */
static void chart(FILE *f, const struct case_result *r)
{
	fputs("<img src=\"timeline.svg\" width=\"900\" alt=\"DNS messages over "
	      "time, by server", f);
	if (r->only[0]) {
		fputs("; grey: not counted (only ", f);
		escape_xml_text(f, r->only);
		fputs(" queries count)", f);
	}
	fputs("\">\n\n", f);
}

static void what_ran(FILE *f, const struct evidence *e)
{
	const struct case_result *r = e->r;
	fputs("## What ran\n\n", f);
	fprintf(f, "- process under test: `%s`\n", r->command[0] ? r->command : "?");
	if (r->program[0])   /* as its start looked it up (target.h) */
		fprintf(f, "- program that ran: `%s`\n", r->program);
	if (r->interpreter[0])
		fprintf(f, "- its interpreter (`#!`): `%s`\n", r->interpreter);
	if (e->rerun)
		fprintf(f, "- to run it again: `%s`\n", e->rerun);
	fprintf(f, "- resolv.conf update method: %s; options: %s\n", r->update, r->options);
	if (r->switched)
		fprintf(f, "- switch time (capture clock): %.6f; window end: %.6f\n",
		        r->switch_time, r->window_end);
	if (r->switched && r->switch_end - r->switch_time >= SWITCH_SAID_S)
		fprintf(f, "- the new file was in place %.1f ms after the switch "
		        "began (%.6f): queries to the old server until then are "
		        "counted before it\n", (r->switch_end - r->switch_time) * 1000,
		        r->switch_end);
	if (r->switched && r->switch_forced)   /* observe_ready_to_switch() */
		fprintf(f, "- switched without a quiet moment: the process is never "
		        "quiet for %u ms; a lookup may straddle the switch\n",
		        r->switch_quiet_ms);
	if (r->fresh_ran)
		fprintf(f, "- fresh process started (capture clock): %.6f\n", r->fresh_time);
	if (r->out_cut)
		fprintf(f, "- process.out: cut at %d MiB, the size the sandbox allows "
		        "a file; what the process wrote to its stdout after that was "
		        "read (for the application view) and dropped\n",
		        WN_FILE_MAX_MIB);
	char how[64];
	earlyexit_how(r->exit_code, r->exit_signal, how, sizeof how);
	if (r->exit_signal == SIGXFSZ)   /* the sandbox's RLIMIT_FSIZE */
		fprintf(f, "- process exit: %s, during the case: a file it wrote "
		        "(its stderr, process.err, or one of its own) reached the "
		        "%d MiB the sandbox allows a file; what it wrote after that "
		        "is lost\n\n", how, WN_FILE_MAX_MIB);
	else if (r->exit_signal > 0)
		fprintf(f, "- process exit: %s, during the case\n\n", how);
	else if (r->exit_code >= 0)
		fprintf(f, "- process exit: ended by itself during the case, status "
		        "%d\n\n", r->exit_code);
	else
		fputs("- process exit: still running; ended by whichns\n\n", f);
}

/* Which processes the C library above is that of (lib/procs.h), and
 * every process of the tree with its own (processes.tsv has each). */
static void process_libcs(FILE *f, const struct case_result *r)
{
	static const struct { const char *from, *words; } how[] = {
		{ "probe", "as the probe printed it (its #libc line)" },
		{ "socket", "of the processes whose sockets sent the queries" },
		{ "alive", "of the processes alive when the queries were captured" },
		{ "tree", "of every process of the tree (no query to tell by)" },
	};
	const char *words = NULL;
	for (size_t i = 0; i < sizeof how / sizeof how[0]; i++)
		if (strcmp(r->libc_from, how[i].from) == 0)
			words = how[i].words;
	if (!words && !r->libc_tree[0])
		return;
	if (words)
		fprintf(f, "The C library above is the one %s.  ", words);
	if (r->libc_tree[0])
		fprintf(f, "The processes of the tree, each with its C library "
		        "(`processes.tsv` lists every one): %s.", r->libc_tree);
	fputs("\n\n", f);
}

/* The command's environment (lib/envpolicy.h): which policy, what it
 * removed, what was set on top, and the whole of it (env.txt). */
static void command_env(FILE *f, const struct evidence *e)
{
	const struct case_result *r = e->r;
	if (!r->env_policy[0])
		return;
	if (strcmp(r->env_policy, "clean") == 0)
		fputs("- the process's environment: clean (PATH, HOME=/root, "
		      "LC_ALL=C, and what was set below)\n", f);
	else
		fputs("- the process's environment: kept (the caller's, without the "
		      "variables that change name resolution)\n", f);
	fprintf(f, "- resolver variables removed: %s\n",
	        r->env_removed[0] ? r->env_removed : "none");
	fprintf(f, "- set for this case (`--env`, `env`): %s\n",
	        r->env_set[0] ? r->env_set : "nothing");
	if (r->env_dropped)
		fprintf(f, "- not passed: %u more of the caller's variables (the "
		        "command gets at most %d of them)\n", r->env_dropped,
		        ENVPOLICY_MAX);
	fputc('\n', f);
	if (e->environment)
		fenced(f, "The environment the process got (`env.txt`; values of "
		       "names with TOKEN, PASSWORD, PASSWD, SECRET, KEY or "
		       "CREDENTIAL masked)",
		       e->environment);
}

static void environment(FILE *f, const struct evidence *e)
{
	const struct case_result *r = e->r;
	fputs("## Environment\n\n", f);
	fprintf(f, "- kernel: %s\n- C library (read from the process): %s\n"
	        "- nscd: %s\n\n", e->kernel ? e->kernel : "?", r->libc,
	        e->nscd ? "ran in the case (its queries are on the wire too)"
	                : "not running in the case");
	process_libcs(f, r);
	command_env(f, e);
	fenced(f, "resolv.conf before the switch", e->rc_before);
	fenced(f, "resolv.conf after the switch", e->rc_after);
	fenced(f, "nsswitch.conf", e->nsswitch);
}

/* The classic pair of servers (serverset_default), or a record without
 * servers (older): the capture note names the two. */
static bool default_pair(const struct case_result *r)
{
	return r->nservers == 0 ||
	       (r->nservers == 2 && r->servers[0].in_old && !r->servers[0].in_new &&
	        strcmp(r->servers[0].addr, WN_OLD4 "," WN_OLD6) == 0 &&
	        r->servers[1].in_new && !r->servers[1].in_old &&
	        strcmp(r->servers[1].addr, WN_NEW4 "," WN_NEW6) == 0);
}

/* Verdict, chart, numbers, timeline, then what ran and the environment:
 * the claim first, then what proves it, then the setting. */
void evidence_report_md(FILE *f, const struct evidence *e)
{
	const struct case_result *r = e->r;
	fprintf(f, "# whichns evidence: %s\n\n", r->name);
	verdict_section(f, r);
	if (e->stderr_tail && e->stderr_tail[0])
		fenced(f, "The last lines of its stderr (`process.err`)",
		       e->stderr_tail);
	chart(f, r);
	if (!r->error[0] && !r->skip[0]) {
		numbers(f, r);
		paths_table(f, r);
		servers_table(f, r);
		impact_section(f, r);
	}
	fputs("Verdicts are computed from the packets in `capture.pcap` (beside this "
	      "report; open it in Wireshark or `tshark -r capture.pcap`). ", f);
	if (default_pair(r))
		fputs("The old server is 198.51.100.10 (answers 203.0.113.203), the "
		      "new one 198.51.100.20 (answers 203.0.113.204).\n\n", f);
	else
		fputs("The servers, by address, are in \"Servers\" above.\n\n", f);
	timeline(f, e);
	what_ran(f, e);
	environment(f, e);
	fputs("## Files\n\n"
	      "- `capture.pcap`: every DNS packet of the case (libpcap, Linux cooked)\n"
	      "- `timeline.svg`: the messages over time, by server, what the verdict "
	      "counts in colour, the rest grey; the switch, the window's end and a "
	      "fresh process marked\n"
	      "- `events.tsv`: each DNS message decoded, with ms since the switch "
	      "and its frame number\n"
	      "- `process.out`, `process.err`: the process's own output\n"
	      "- `processes.tsv`: each process of the tree, its executable and "
	      "C library, and which sent the queries\n"
	      "- `dnsmasq-LABEL.conf`, `dnsmasq-LABEL.log`: each server's data and "
	      "query log (LABEL: old and new, or s1, s2, ... for a server set; "
	      "`-after` for what answers in a server's place from the switch on)\n"
	      "- `resolv.conf.before`, `resolv.conf.after`\n"
	      "- `result.txt`: every number above, one per line\n", f);
}
