/*
 * evidence.c - write report.md for one case.
 *
 * The verdict comes first with the numbers behind it, then the raw
 * material (files, timeline), so a reader can check the claim without
 * taking it on trust: the capture is beside the report.
 */
#include <string.h>
#include "evidence.h"
#include "escape.h"

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
	fprintf(f, "| | old server | new server | other |\n|---|---|---|---|\n");
	fprintf(f, "| queries before the switch | %u | %u | %u |\n",
	        v->queries_old_before, v->queries_new_before, v->queries_other_before);
	fprintf(f, "| queries after the switch | %u | %u | %u |\n",
	        v->queries_old_after, v->queries_new_after, v->queries_other_after);
	fprintf(f, "| answers the process printed after the switch | %u | %u | |\n\n",
	        v->answers_old_after, v->answers_new_after);
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

static void timeline(FILE *f, const struct evidence *e)
{
	size_t shown = 0;
	double t0 = e->r->switched ? e->r->switch_time : (e->nev ? e->ev[0].t : 0);
	fprintf(f, "## Timeline\n\nTimes in ms relative to %s.\n\n",
	        e->r->switched ? "the switch" : "the first packet");
	fputs("| ms | server | message | name | type | answer |\n"
	      "|---:|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < e->nev; i++) {
		const struct wn_event *ev = &e->ev[i];
		char type[16];
		if (e->max_rows && shown == e->max_rows) {
			fprintf(f, "| … | | %zu more messages in events.tsv | | | |\n",
			        e->nev - i);
			break;
		}
		if (e->r->switched && i > 0 && e->ev[i - 1].t < e->r->switch_time &&
		    ev->t >= e->r->switch_time)
			fputs("| **0** | | **resolv.conf switched** | | | |\n", f);
		fprintf(f, "| %.1f | %s | %s | ", (ev->t - t0) * 1000.0,
		        events_server_name(ev->server), ev->qr ? "response" : "query");
		escape_md_cell(f, ev->qname[0] ? ev->qname : "-");
		fprintf(f, " | %s | ", dns_type_name(ev->qtype, type, sizeof type));
		escape_md_cell(f, ev->qr ? (ev->answers[0] ? ev->answers : dns_rcode_name(ev->rcode)) : "");
		fputs(" |\n", f);
		shown++;
	}
	fputc('\n', f);
}

void evidence_report_md(FILE *f, const struct evidence *e)
{
	const struct case_result *r = e->r;
	fprintf(f, "# whichns evidence: %s\n\n", r->name);
	if (r->error[0]) {
		fprintf(f, "**The case could not run:** %s\n\n", r->error);
	} else if (r->skip[0]) {
		fprintf(f, "**Skipped:** %s\n\n", r->skip);
	} else {
		fprintf(f, "## Verdict: %s", verdict_name(r->vd.v));
		if (r->vd.v == V_LATE)
			fprintf(f, " (%u lookups late)", r->vd.late_by);
		fprintf(f, "\n\n%s.\n\n", r->vd.reason);
		if (r->vd.app_note[0])
			fprintf(f, "Application view: %s.\n\n", r->vd.app_note);
		if (r->expected != V_NONE)
			fprintf(f, "Expected: %s%s%s.\n\n", verdict_name(r->expected),
			        r->expected_why[0] ? " — " : "", r->expected_why);
		else if (r->why[0])
			fprintf(f, "Why: %s.\n\n", r->why);
		numbers(f, r);
	}
	fputs("Verdicts are computed from the packets in `capture.pcap` (beside this "
	      "report; open it in Wireshark or `tshark -r capture.pcap`). The old "
	      "server is 198.51.100.10 (answers 203.0.113.203), the new one "
	      "198.51.100.20 (answers 203.0.113.204).\n\n", f);

	fputs("## What ran\n\n", f);
	fprintf(f, "- process under test: `%s`\n", r->command[0] ? r->command : "?");
	if (e->rerun)
		fprintf(f, "- to run it again: `%s`\n", e->rerun);
	fprintf(f, "- resolv.conf update method: %s; options: %s\n", r->update, r->options);
	if (r->switched)
		fprintf(f, "- switch time (capture clock): %.6f\n", r->switch_time);
	fprintf(f, "- process exit: %s\n\n",
	        r->exit_code >= 0 ? "ended by itself during the case" : "still running; ended by whichns");

	fputs("## Environment\n\n", f);
	fprintf(f, "- kernel: %s\n- C library (read from the process): %s\n"
	        "- nscd: %s\n\n", e->kernel ? e->kernel : "?", r->libc,
	        e->nscd ? "ran in the case (its queries are on the wire too)"
	                : "not running in the case");
	fenced(f, "resolv.conf before the switch", e->rc_before);
	fenced(f, "resolv.conf after the switch", e->rc_after);
	fenced(f, "nsswitch.conf", e->nsswitch);
	fputs("![queries over time](timeline.svg)\n\n", f);
	timeline(f, e);
	fputs("## Files\n\n"
	      "- `capture.pcap`: every DNS packet of the case (libpcap, Linux cooked)\n"
	      "- `timeline.svg`: the queries over time, by server, the switch marked\n"
	      "- `events.tsv`: each DNS message decoded, with ms since the switch\n"
	      "- `process.out`, `process.err`: the process's own output\n"
	      "- `dnsmasq-old.log`, `dnsmasq-new.log`: each server's query log\n"
	      "- `resolv.conf.before`, `resolv.conf.after`\n"
	      "- `result.txt`: every number above, one per line\n", f);
}
