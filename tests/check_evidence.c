/*
 * check_evidence.c - report.md of one case, and the shell quoting of the
 * command lines it prints.
 *
 * The report is compared as canonical text: its layout is what a support
 * engineer reads.  Quoted command lines are also unquoted again by a small
 * POSIX single-quote reader below, so "safe" means a shell would give back
 * the same words.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "evidence.h"
#include "suites.h"
#include "timeline.h"
#include "testutil.h"

/* ---- Shell quoting ---- */

/*
 * Split a line as a POSIX shell splits words made only of plain
 * characters, '...' and \x: the inverse of what evidence_shell_quote may
 * write.  Returns the number of words, or -1 on an open quote, a
 * character a shell would expand, or too many words.
 */
static int sh_unquote(const char *s, char words[][1100], int max)
{
	int n = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		size_t k = 0;
		for (; *s && *s != ' '; s++) {
			if (*s == '\'') {
				const char *close = strchr(s + 1, '\'');
				if (!close)
					return -1;
				for (s++; s < close; s++)
					words[n][k++] = *s;
			} else if (*s == '\\' && s[1]) {
				words[n][k++] = *++s;
			} else if (strchr("\"$`*?[]{}()<>|&;~#!\t\n", *s)) {
				return -1;   /* unquoted, a shell would act on it */
			} else {
				words[n][k++] = *s;
			}
			if (k >= 1099)
				return -1;
		}
		words[n++][k] = '\0';
	}
	return n;
}

static const struct {
	char *const argv[5];
	const char *want;
} quote_rows[] = {
	{ { "whichns", "run", "-f", "getip", NULL }, "whichns run -f getip" },
	{ { "/usr/sbin/sendmail", "-bD", "-q2s", NULL }, "/usr/sbin/sendmail -bD -q2s" },
	{ { "a-z_A.Z/0=9:,+@%", NULL }, "a-z_A.Z/0=9:,+@%" },
	{ { "it's", NULL }, "'it'\\''s'" },
	{ { "", NULL }, "''" },
	{ { "x", "", "y", NULL }, "x '' y" },
	{ { "a b", NULL }, "'a b'" },
	{ { "''", NULL }, "''\\'''\\'''" },
	{ { "say \"hi\"", NULL }, "'say \"hi\"'" },
	{ { "$HOME", "`id`", "*", "~", NULL }, "'$HOME' '`id`' '*' '~'" },
	{ { "a;b", "a|b", "a&b", "a\\b", NULL }, "'a;b' 'a|b' 'a&b' 'a\\b'" },
	{ { "line\nnext", "tab\there", NULL }, "'line\nnext' 'tab\there'" },
	{ { "#x", "!x", "(x)", NULL }, "'#x' '!x' '(x)'" },
	{ { "caf\xc3\xa9", NULL }, "'caf\xc3\xa9'" },
	{ { "sh", "-c", "echo Subject: x | sendmail root@hat.com", NULL },
	  "sh -c 'echo Subject: x | sendmail root@hat.com'" },
	{ { NULL }, "" },
};

START_TEST(test_quote)
{
	char buf[512], words[5][1100];
	char *const *argv = quote_rows[_i].argv;
	memset(buf, 'Z', sizeof buf);
	evidence_shell_quote(buf, sizeof buf, argv);
	ck_assert_str_eq(buf, quote_rows[_i].want);

	/* A shell reading the line gets the same words back. */
	int n = sh_unquote(buf, words, 5);
	int want_n = 0;
	while (argv[want_n])
		want_n++;
	ck_assert_int_eq(n, want_n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(words[i], argv[i]);
}
END_TEST

/* The reader above must itself refuse what a shell would misread. */
START_TEST(test_unquote_checker)
{
	char words[5][1100];
	ck_assert_int_eq(sh_unquote("'open", words, 5), -1);
	ck_assert_int_eq(sh_unquote("a $HOME", words, 5), -1);
	ck_assert_int_eq(sh_unquote("a b;c", words, 5), -1);
	ck_assert_int_eq(sh_unquote("a b c d e f", words, 5), -1);
	ck_assert_int_eq(sh_unquote("'it'\\''s' x", words, 5), 2);
	ck_assert_str_eq(words[0], "it's");
	ck_assert_str_eq(words[1], "x");
}
END_TEST

/* A buffer too small for the line keeps whole words only: never a word
 * cut inside an open quote, always NUL-terminated. */
static const struct {
	size_t size;
	const char *want;
} quote_cut_rows[] = {
	{ 1, "" },
	{ 7, "" },                              /* "whichns" needs 8 */
	{ 8, "whichns" },
	{ 12, "whichns run" },
	{ 17, "whichns run" },                  /* "whichns run 'a b'" needs 18 */
	{ 18, "whichns run 'a b'" },
	{ 27, "whichns run 'a b'" },            /* "... 'it'\''s'" needs 28 */
	{ 28, "whichns run 'a b' 'it'\\''s'" },
	{ 64, "whichns run 'a b' 'it'\\''s'" },
};

START_TEST(test_quote_cut)
{
	char *const argv[] = { "whichns", "run", "a b", "it's", NULL };
	char buf[64];
	memset(buf, 'Z', sizeof buf);
	evidence_shell_quote(buf, quote_cut_rows[_i].size, argv);
	ck_assert_str_eq(buf, quote_cut_rows[_i].want);
	/* Nothing written past size. */
	if (quote_cut_rows[_i].size < sizeof buf)
		ck_assert_int_eq(buf[quote_cut_rows[_i].size], 'Z');
	char words[5][1100];
	ck_assert_int_ge(sh_unquote(buf, words, 5), 0);
}
END_TEST

/* One argument longer than the quoter's word buffer: what is kept is a
 * prefix of it, still quoted so a shell reads one word. */
START_TEST(test_quote_long_word)
{
	static char arg[2000], buf[4096];
	static char words[2][1100];
	for (size_t i = 0; i < sizeof arg - 1; i++)
		arg[i] = i % 3 == 0 ? '\'' : 'x';
	arg[sizeof arg - 1] = '\0';
	char *const argv[] = { "x", arg, NULL };
	evidence_shell_quote(buf, sizeof buf, argv);
	ck_assert_int_eq(sh_unquote(buf, words, 2), 2);
	ck_assert_str_eq(words[0], "x");
	ck_assert_uint_gt(strlen(words[1]), 300);
	ck_assert_int_eq(strncmp(words[1], arg, strlen(words[1])), 0);
}
END_TEST

/* ---- report.md ---- */

#define T_SWITCH 1700000000.5

static struct wn_event ev(double ms, enum vd_server server, bool qr,
                          const char *qname, uint16_t qtype, uint8_t rcode,
                          const char *answers)
{
	struct wn_event e;
	memset(&e, 0, sizeof e);
	e.t = T_SWITCH + ms / 1000.0;
	e.server = server;
	e.qr = qr;
	snprintf(e.qname, sizeof e.qname, "%s", qname);
	e.qtype = qtype;
	e.rcode = rcode;
	snprintf(e.answers, sizeof e.answers, "%s", answers);
	e.proto = 17;
	return e;
}

/* Two before the switch, four after; the last with a '|' in its name. */
static void events(struct wn_event e[6])
{
	e[0] = ev(-200, VD_OLD, false, "hat.com", 1, 0, "");
	e[1] = ev(-199, VD_OLD, true, "hat.com", 1, 0, "203.0.113.203");
	e[2] = ev(100, VD_OLD, false, "hat.com", 15, 0, "");
	e[3] = ev(250, VD_NEW, false, "hat.com", 28, 0, "");
	e[4] = ev(250.5, VD_NEW, true, "hat.com", 28, 3, "");
	e[5] = ev(400, VD_OTHER, true, "a|b.hat.com", 65, 0, "x|y,z");
	for (int i = 0; i < 6; i++)   /* frames of capture.pcap */
		e[i].frame = (uint64_t)(3 * i + 1);
}

static void late_case(struct case_result *r)
{
	caseres_init(r);
	strcpy(r->name, "res_loop/inplace/no-reload");
	strcpy(r->probe, "res_loop");
	strcpy(r->update, "inplace");
	strcpy(r->options, "no-reload");
	strcpy(r->cache, "none");
	strcpy(r->libc, "glibc 2.36");
	strcpy(r->command, "/usr/libexec/whichns/res_loop -i 50 hat.com");
	r->vd.v = V_LATE;
	r->vd.late_by = 2;
	r->vd.queries_old_before = 3;
	r->vd.queries_other_before = 1;
	r->vd.queries_old_after = 2;
	r->vd.queries_new_after = 4;
	r->vd.queries_other_after = 5;
	r->vd.answers_old_after = 1;
	r->vd.answers_new_after = 3;
	r->vd.first_new_ms = 250.4;
	strcpy(r->vd.reason, "2 lookups went to the old server before the first "
	       "to the new one");
	r->expected = V_LATE;
	strcpy(r->expected_why, "res_init() rereads the file");
	r->switched = true;
	r->switch_time = T_SWITCH;
	r->window_end = T_SWITCH + 0.5;
	r->complete = true;
}

static char *render(const struct evidence *e)
{
	struct memout m;
	evidence_report_md(memout_open(&m), e);
	return memout_text(&m);
}

static const char files_section[] =
	"## Files\n"
	"\n"
	"- `capture.pcap`: every DNS packet of the case (libpcap, Linux cooked)\n"
	"- `timeline.svg`: the messages over time, by server, what the verdict "
	"counts in colour, the rest grey; the switch, the window's end and a "
	"fresh process marked\n"
	"- `events.tsv`: each DNS message decoded, with ms since the switch and "
	"its frame number\n"
	"- `process.out`, `process.err`: the process's own output\n"
	"- `processes.tsv`: each process of the tree, its executable and "
	"C library, and which sent the queries\n"
	"- `dnsmasq-LABEL.conf`, `dnsmasq-LABEL.log`: each server's data and "
	"query log (LABEL: old and new, or s1, s2, ... for a server set; "
	"`-after` for what answers in a server's place from the switch on)\n"
	"- `resolv.conf.before`, `resolv.conf.after`\n"
	"- `result.txt`: every number above, one per line\n";

#define CAPTURE_NOTE \
	"Verdicts are computed from the packets in `capture.pcap` (beside this " \
	"report; open it in Wireshark or `tshark -r capture.pcap`). The old " \
	"server is 198.51.100.10 (answers 203.0.113.203), the new one " \
	"198.51.100.20 (answers 203.0.113.204).\n\n"

/* late_case()'s answers are stamped by the program (vd_app_dating). */
#define DATED "Application view dated: the program stamps its lines.\n\n"

#define CHART \
	"<img src=\"timeline.svg\" width=\"900\" alt=\"DNS messages over time, " \
	"by server\">\n\n"

#define TIMELINE_HEAD(rel) \
	"## Timeline\n\nTimes in ms relative to " rel "; `frame` is the packet's " \
	"number in `capture.pcap` as Wireshark shows it (for a message over TCP, " \
	"the frame that completed it).  `verdict` says whether the verdict " \
	"counts a query.\n\n" \
	"| frame | ms | server | message | verdict | name | type | answer |\n" \
	"|---:|---:|---|---|---|---|---|---|\n"

#define SWITCH_ROW "| | **0.0** | | **resolv.conf switched** | | | | |\n"
#define END_ROW "| | **500.0** | | **window end: later queries are in the " \
	"capture, not in the verdict** | | | | |\n"

START_TEST(test_report_late)
{
	struct case_result r;
	struct wn_event e[6];
	late_case(&r);
	events(e);
	struct evidence x = {
		.r = &r, .rerun = "whichns run -f 'res_loop/inplace/no-reload' repro.scn",
		.kernel = "Linux 6.1.0-13-amd64",
		.rc_before = "nameserver 198.51.100.10\n",
		.rc_after = "nameserver 198.51.100.20",    /* no final newline */
		.nsswitch = NULL, .nscd = false, .ev = e, .nev = 6, .max_rows = 0,
	};
	char *got = render(&x);
	struct memout w;
	FILE *m = memout_open(&w);
	fputs("# whichns evidence: res_loop/inplace/no-reload\n"
	      "\n"
	      "## Verdict: LATE (2 lookups late)\n"
	      "\n"
	      "2 lookups went to the old server before the first to the new one.\n"
	      "\n"
	      DATED
	      "Expected: LATE — res_init() rereads the file.\n"
	      "\n"
	      CHART
	      "| | old server | new server | other |\n"
	      "|---|---|---|---|\n"
	      "| queries before the switch | 3 | 0 | 1 |\n"
	      "| queries after the switch | 2 | 4 | 5 |\n"
	      "| answers the process printed after the switch | 1 | 3 | |\n"
	      "\n"
	      "First query to the new server: 250 ms after the switch.\n"
	      "\n"
	      CAPTURE_NOTE
	      TIMELINE_HEAD("the switch")
	      "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	      "| 4 | -199.0 | old | response |  | hat.com | A | 203.0.113.203 |\n"
	      SWITCH_ROW
	      "| 7 | 100.0 | old | query | counted | hat.com | MX |  |\n"
	      "| 10 | 250.0 | new | query | counted | hat.com | AAAA |  |\n"
	      "| 13 | 250.5 | new | response |  | hat.com | AAAA | NXDOMAIN |\n"
	      "| 16 | 400.0 | other | response |  | a\\|b.hat.com | TYPE65 | x\\|y,z |\n"
	      END_ROW
	      "\n"
	      "## What ran\n"
	      "\n"
	      "- process under test: `/usr/libexec/whichns/res_loop -i 50 hat.com`\n"
	      "- to run it again: `whichns run -f 'res_loop/inplace/no-reload' repro.scn`\n"
	      "- resolv.conf update method: inplace; options: no-reload\n"
	      "- switch time (capture clock): 1700000000.500000; window end: 1700000001.000000\n"
	      "- process exit: still running; ended by whichns\n"
	      "\n"
	      "## Environment\n"
	      "\n"
	      "- kernel: Linux 6.1.0-13-amd64\n"
	      "- C library (read from the process): glibc 2.36\n"
	      "- nscd: not running in the case\n"
	      "\n"
	      "resolv.conf before the switch:\n\n```\nnameserver 198.51.100.10\n```\n\n"
	      "resolv.conf after the switch:\n\n```\nnameserver 198.51.100.20\n```\n\n"
	      "nsswitch.conf:\n\n```\n(not available)\n```\n\n", m);
	fputs(files_section, m);
	char *want = memout_text(&w);
	ck_assert_text(got, want);
	free(want);
	free(got);
}
END_TEST

/* The marker row sits between the last message before the switch and the
 * first one after it, wherever that is. */
static const struct {
	double ms[4];
	const char *rows;   /* ms column, 'S' for the marker */
} marker_rows[] = {
	{ { -30, -20, -10, 10 }, "-30.0 -20.0 -10.0 S 10.0 E" },
	{ { -30, 0, 10, 20 }, "-30.0 S 0.0 10.0 20.0 E" },     /* at the switch: after */
	{ { -30, -0.1, 0.1, 20 }, "-30.0 -0.1 S 0.1 20.0 E" },
	{ { -30, 0.1, 500, 501 }, "-30.0 S 0.1 500.0 E 501.0" }, /* at the end: before */
	{ { 1, 2, 3, 4 }, "S 1.0 2.0 3.0 4.0 E" },            /* none before the switch */
};

START_TEST(test_marker_place)
{
	struct case_result r;
	struct wn_event e[4];
	late_case(&r);
	for (int i = 0; i < 4; i++)
		e[i] = ev(marker_rows[_i].ms[i], VD_OLD, false, "hat.com", 1, 0, "");
	struct evidence x = { .r = &r, .ev = e, .nev = 4 };
	char *got = render(&x);
	const char *t = strstr(got, "|---:|---:|---|---|---|---|---|---|\n");
	ck_assert_ptr_nonnull(t);
	char rows[128] = "";
	for (t = strchr(t, '\n') + 1; strncmp(t, "| ", 2) == 0; t = strchr(t, '\n') + 1) {
		size_t n = strlen(rows);
		const char *ms = t + 4;   /* after "| | ": these events have no frame */
		if (strncmp(t, SWITCH_ROW, strlen(SWITCH_ROW)) == 0)
			snprintf(rows + n, sizeof rows - n, "%sS", n ? " " : "");
		else if (strncmp(t, END_ROW, strlen(END_ROW)) == 0)
			snprintf(rows + n, sizeof rows - n, "%sE", n ? " " : "");
		else
			snprintf(rows + n, sizeof rows - n, "%s%.*s", n ? " " : "",
			         (int)strcspn(ms, " "), ms);
	}
	ck_assert_str_eq(rows, marker_rows[_i].rows);
	free(got);
}
END_TEST

/* A switch held up 15 ms: report.md says when the new file was in place,
 * in "What ran" and as a row of the timeline; one of 0.2 ms is not said. */
START_TEST(test_switch_end)
{
	struct case_result r;
	struct wn_event e[2] = {
		ev(-100, VD_OLD, false, "hat.com", 1, 0, ""),
		ev(10, VD_OLD, false, "hat.com", 1, 0, ""),
	};
	late_case(&r);
	r.switch_end = T_SWITCH + 0.015;
	struct evidence x = { .r = &r, .ev = e, .nev = 2 };
	char *got = render(&x);
	ck_assert_ptr_nonnull(strstr(got, "- the new file was in place 15.0 ms "
	                             "after the switch began"));
	const char *row = strstr(got, "**the new file in place: the old "
	                         "server's queries count as after the switch "
	                         "from here**");
	const char *q = strstr(got, "| 10.0 | old | query |");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(q);
	ck_assert(q < row);   /* the query at 10 ms came before its end */
	free(got);
	r.switch_end = T_SWITCH + 0.0002;
	got = render(&x);
	ck_assert_ptr_null(strstr(got, "the new file was in place"));
	ck_assert_ptr_null(strstr(got, "the new file in place"));
	free(got);
}
END_TEST

/* max_rows cuts the timeline with a line that counts what is left out;
 * the marker is no message and is not counted. */
static const struct {
	size_t max;
	const char *tail;   /* the timeline after its header */
} cut_rows[] = {
	{ 1, "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	     "| | … | | 5 more messages in events.tsv | | | | |\n\n" },
	{ 2, "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	     "| 4 | -199.0 | old | response |  | hat.com | A | 203.0.113.203 |\n"
	     "| | … | | 4 more messages in events.tsv | | | | |\n\n" },
	{ 3, "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	     "| 4 | -199.0 | old | response |  | hat.com | A | 203.0.113.203 |\n"
	     SWITCH_ROW
	     "| 7 | 100.0 | old | query | counted | hat.com | MX |  |\n"
	     "| | … | | 3 more messages in events.tsv | | | | |\n\n" },
	{ 5, "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	     "| 4 | -199.0 | old | response |  | hat.com | A | 203.0.113.203 |\n"
	     SWITCH_ROW
	     "| 7 | 100.0 | old | query | counted | hat.com | MX |  |\n"
	     "| 10 | 250.0 | new | query | counted | hat.com | AAAA |  |\n"
	     "| 13 | 250.5 | new | response |  | hat.com | AAAA | NXDOMAIN |\n"
	     "| | … | | 1 more messages in events.tsv | | | | |\n\n" },
	{ 6, "| 1 | -200.0 | old | query | counted | hat.com | A |  |\n"
	     "| 4 | -199.0 | old | response |  | hat.com | A | 203.0.113.203 |\n"
	     SWITCH_ROW
	     "| 7 | 100.0 | old | query | counted | hat.com | MX |  |\n"
	     "| 10 | 250.0 | new | query | counted | hat.com | AAAA |  |\n"
	     "| 13 | 250.5 | new | response |  | hat.com | AAAA | NXDOMAIN |\n"
	     "| 16 | 400.0 | other | response |  | a\\|b.hat.com | TYPE65 | x\\|y,z |\n"
	     END_ROW "\n" },
};

START_TEST(test_max_rows)
{
	struct case_result r;
	struct wn_event e[6];
	late_case(&r);
	events(e);
	struct evidence x = { .r = &r, .ev = e, .nev = 6, .max_rows = cut_rows[_i].max };
	char *got = render(&x);
	const char *head = TIMELINE_HEAD("the switch");
	const char *t = strstr(got, head);
	ck_assert_ptr_nonnull(t);
	t += strlen(head);
	const char *end = strstr(t, "## What ran\n");
	ck_assert_ptr_nonnull(end);
	char tail[1024];
	snprintf(tail, sizeof tail, "%.*s", (int)(end - t), t);
	ck_assert_text(tail, cut_rows[_i].tail);
	free(got);
}
END_TEST

/* No switch: times from the first packet, no marker, no switch time. */
START_TEST(test_no_switch)
{
	struct case_result r;
	struct wn_event e[6];
	late_case(&r);
	events(e);
	r.switched = false;
	r.vd.v = V_INCONCLUSIVE;
	strcpy(r.vd.reason, "resolv.conf was never switched");
	r.expected = V_NONE;
	r.vd.first_new_ms = -1;
	struct evidence x = { .r = &r, .ev = e, .nev = 2 };
	char *got = render(&x);
	ck_assert_has(got, "## Verdict: INCONCLUSIVE\n\nresolv.conf was never switched.\n\n"
	                   DATED CHART "| | old server |");
	ck_assert_has(got, TIMELINE_HEAD("the first packet")
	                   "| 1 | 0.0 | old | query | counted | hat.com | A |  |\n"
	                   "| 4 | 1.0 | old | response |  | hat.com | A | 203.0.113.203 |\n\n"
	                   "## What ran\n");
	ck_assert_ptr_null(strstr(got, "window end"));
	ck_assert_ptr_null(strstr(got, "switched**"));
	ck_assert_ptr_null(strstr(got, "switch time"));
	ck_assert_ptr_null(strstr(got, "First query to the new server"));
	ck_assert_ptr_null(strstr(got, "Expected:"));
	ck_assert_ptr_null(strstr(got, "to run it again"));
	/* Unknown kernel and command are marked, not left blank. */
	ck_assert_has(got, "- kernel: ?\n");
	free(got);

	/* No events at all: the table header alone. */
	r.command[0] = '\0';
	x.nev = 0;
	got = render(&x);
	ck_assert_has(got, TIMELINE_HEAD("the first packet") "\n## What ran\n");
	ck_assert_has(got, "- process under test: `?`\n");
	free(got);
}
END_TEST

/* An error or a skip replaces the verdict and its numbers. */
START_TEST(test_error_and_skip)
{
	struct case_result r;
	late_case(&r);
	strcpy(r.error, "dnsmasq (old) exited with status 2");
	strcpy(r.skip, "not shown: the error wins");
	struct evidence x = { .r = &r, .kernel = "k", .rc_before = "", .nscd = true };
	char *got = render(&x);
	ck_assert_has(got, "# whichns evidence: res_loop/inplace/no-reload\n\n"
	                   "**The case failed in the harness:** dnsmasq (old) exited with "
	                   "status 2\n\n" CHART CAPTURE_NOTE "## Timeline\n");
	ck_assert_ptr_null(strstr(got, "## Verdict"));
	ck_assert_ptr_null(strstr(got, "| | old server |"));
	ck_assert_ptr_null(strstr(got, "not shown"));
	ck_assert_has(got, "- nscd: ran in the case (its queries are on the wire too)\n");
	/* An empty file is shown as empty, a missing one as not available. */
	ck_assert_has(got, "resolv.conf before the switch:\n\n```\n```\n\n"
	                   "resolv.conf after the switch:\n\n```\n(not available)\n```\n\n");
	free(got);

	r.error[0] = '\0';
	strcpy(r.skip, "the probe cannot run on musl 1.2.3: no res_init");
	got = render(&x);
	ck_assert_has(got, "# whichns evidence: res_loop/inplace/no-reload\n\n"
	                   "**Skipped:** the probe cannot run on musl 1.2.3: no "
	                   "res_init\n\n" CHART CAPTURE_NOTE "## Timeline\n");
	ck_assert_ptr_null(strstr(got, "## Verdict"));
	ck_assert_ptr_null(strstr(got, "| | old server |"));
	free(got);
}
END_TEST

/* A fresh process after the window: one sentence, its ending from the
 * two counts. */
static const struct {
	unsigned old, new_;
	const char *ending;
} fresh_rows[] = {
	{ 0, 2, "queried the old server 0 times and the new server 2 times: it "
	        "reads the new file.\n\n" },
	{ 1, 2, "queried the old server 1 times and the new server 2 times: it "
	        "still asked the old server.\n\n" },
	{ 3, 0, "queried the old server 3 times and the new server 0 times: it "
	        "still asked the old server.\n\n" },
	{ 0, 0, "queried the old server 0 times and the new server 0 times: it "
	        "made no lookup.\n\n" },
};

START_TEST(test_fresh)
{
	struct case_result r;
	late_case(&r);
	r.fresh_ran = true;
	r.fresh_queries_old = fresh_rows[_i].old;
	r.fresh_queries_new = fresh_rows[_i].new_;
	strcpy(r.only, "MX");
	struct evidence x = { .r = &r };
	char *got = render(&x);
	char want[512];
	snprintf(want, sizeof want, "First query to the new server: 250 ms after the "
	         "switch.\n\nOnly MX queries count toward the verdict.\n\n"
	         "A freshly started process after the window %s" CAPTURE_NOTE,
	         fresh_rows[_i].ending);
	ck_assert_has(got, want);
	free(got);

	/* No fresh process, no sentence. */
	r.fresh_ran = false;
	got = render(&x);
	ck_assert_ptr_null(strstr(got, "freshly started"));
	free(got);
}
END_TEST

/* Without an expectation the scenario's "why" is shown; an application
 * note follows the reason; a process that ended is said to have. */
START_TEST(test_why_note_exit)
{
	struct case_result r;
	late_case(&r);
	r.vd.v = V_FOLLOWED;
	strcpy(r.vd.reason, "all lookups after the switch went to the new server");
	strcpy(r.vd.app_note, "the process printed old answers twice");
	r.expected = V_NONE;
	strcpy(r.why, "glibc reloads a changed file");
	r.exit_code = 0;
	struct evidence x = { .r = &r };
	char *got = render(&x);
	ck_assert_has(got, "## Verdict: FOLLOWED\n\nall lookups after the switch "
	                   "went to the new server.\n\nApplication view: the process "
	                   "printed old answers twice.\n\n" DATED "Why: glibc reloads a "
	                   "changed file.\n\n" CHART "| | old server |");
	ck_assert_has(got, "- process exit: ended by itself during the case, "
	                   "status 0\n");
	free(got);

	/* An expectation without a reason: the verdict word alone. */
	r.expected = V_STALE;
	r.expected_why[0] = '\0';
	got = render(&x);
	ck_assert_has(got, "\n\nExpected: STALE.\n\n" CHART "| | old server |");
	ck_assert_ptr_null(strstr(got, "Why:"));
	free(got);
}
END_TEST

/* --only MX and a fresh process: the verdict column, the markers in time
 * order (the fresh process after the window's end), and the chart's alt
 * text agree with what the verdict counts. */
START_TEST(test_only_and_fresh)
{
	struct case_result r;
	struct wn_event e[6];
	late_case(&r);
	strcpy(r.only, "MX");
	r.fresh_ran = true;
	r.fresh_time = T_SWITCH + 0.6;
	e[0] = ev(-100, VD_OLD, false, "hat.com", DNS_T_MX, 0, "");
	e[1] = ev(100, VD_NEW, false, "client.hat.com", DNS_T_AAAA, 0, "");
	e[2] = ev(100.5, VD_NEW, true, "client.hat.com", DNS_T_AAAA, 0, "2001:db8::1");
	e[3] = ev(550, VD_OLD, false, "hat.com", DNS_T_MX, 0, "");
	e[4] = ev(650, VD_NEW, false, "hat.com", DNS_T_MX, 0, "");
	e[5] = ev(651, VD_NEW, false, "hat.com", DNS_T_A, 0, "");
	struct evidence x = { .r = &r, .ev = e, .nev = 6 };
	char *got = render(&x);
	ck_assert_has(got, "<img src=\"timeline.svg\" width=\"900\" alt=\"DNS "
	                   "messages over time, by server; grey: not counted (only "
	                   "MX queries count)\">\n\n");
	ck_assert_has(got,
	    "| | -100.0 | old | query | counted | hat.com | MX |  |\n"
	    SWITCH_ROW
	    "| | 100.0 | new | query | no: not MX | client.hat.com | AAAA |  |\n"
	    "| | 100.5 | new | response |  | client.hat.com | AAAA | 2001:db8::1 |\n"
	    END_ROW
	    "| | 550.0 | old | query | no: after the window | hat.com | MX |  |\n"
	    "| | **600.0** | | **fresh process started** | | | | |\n"
	    "| | 650.0 | new | query | fresh process | hat.com | MX |  |\n"
	    "| | 651.0 | new | query | fresh process; not MX | hat.com | A |  |\n\n");
	ck_assert_has(got, "- fresh process started (capture clock): 1700000001.100000\n");
	free(got);
}
END_TEST

/* timeline.svg's title: the verdict, its reason, the counted numbers. */
/* The verdict per path: a line under the verdict, and a table. */
START_TEST(test_paths)
{
	struct case_result r;
	late_case(&r);
	r.npaths = 2;
	r.paths_more = 1;
	r.paths[0] = (struct vd_path){ .sender = PS_PROCESS, .types = "MX",
		.v = V_STALE, .queries_old_before = 2, .queries_old_after = 6,
		.lookups_old_after = 6, .first_new_ms = -1,
		.reason = "6 lookups after the switch, all to the old server" };
	r.paths[1] = (struct vd_path){ .sender = PS_NSCD, .types = "A/AAAA",
		.v = V_LATE, .late_by = 1, .queries_old_before = 3,
		.queries_old_after = 1, .queries_new_after = 3,
		.lookups_old_after = 1, .lookups_new_after = 2, .first_new_ms = 23.5,
		.reason = "a | b" };
	struct evidence x = { .r = &r };
	char *got = render(&x);
	ck_assert_has(got, "By path: MX (process): STALE; A/AAAA (via nscd): "
	              "LATE 1 (see \"Paths\" below).\n\n");
	ck_assert_has(got, "|---|---|---|---|---|---|---|---|\n"
	              "| MX (process) | STALE | 2 | 6 | 0 | 6 / 0 | — | 6 lookups "
	              "after the switch, all to the old server |\n"
	              "| A/AAAA (via nscd) | LATE 1 | 3 | 1 | 3 | 1 / 2 | 24 ms | "
	              "a \\| b |\n\n1 more path not shown.\n");
	free(got);
	/* No paths (an older result.txt): no section. */
	r.npaths = 0;
	got = render(&x);
	ck_assert_msg(strstr(got, "## Paths") == NULL && strstr(got, "By path") == NULL,
	              "%s", got);
	free(got);
}
END_TEST

/* The servers by address: the headline names those queried after the
 * switch, a table has each, and the application impact has its own
 * section; a record without them (older) has neither. */
START_TEST(test_servers_impact)
{
	struct case_result r;
	late_case(&r);
	r.nservers = 3;
	r.servers[0] = (struct sc_server){ .addr = "198.51.100.10", .in_old = true,
		.state = "down", .queries_before = 3, .queries_after = 3,
		.lookups_after = 1, .no_response = 3 };
	r.servers[1] = (struct sc_server){ .addr = "2001:db8::53", .in_old = true,
		.in_new = true, .state = "slow:500ms", .queries_before = 1,
		.queries_after = 12, .lookups_after = 6, .answered = 11, .servfail = 1 };
	r.servers[2] = (struct sc_server){ .addr = "198.51.100.20|x", .in_new = true,
		.state = "up" };
	r.impact_read = true;
	r.impact.measured = true;
	r.impact.before = (struct impact_side){ 10, 0, 10, 0.5, 1.5, 2 };
	r.impact.after = (struct impact_side){ 8, 2, 8, 501.5, 5000.5, 5001 };
	r.impact.slow_after = 5;
	r.impact.slow_bound_ms = 101.5;
	r.impact.recovery = IMP_NEVER;
	r.impact.bad_lines = 1;
	struct evidence x = { .r = &r };
	char *got = render(&x);
	ck_assert_has(got, "2 lookups went to the old server before the first to "
	              "the new one.\n\nQueried after the switch (queries): "
	              "2001:db8::53 (12), 198.51.100.10 (3).\n\n");
	ck_assert_has(got, "| server | in old file | in new file | after the "
	              "switch | queries before | queries after | lookups after | "
	              "outcome after |\n|---|---|---|---|---:|---:|---:|---|\n"
	              "| 198.51.100.10 | yes | no | down | 3 | 3 | 1 | 3 no response |\n"
	              "| 2001:db8::53 | yes | yes | slow:500ms | 1 | 12 | 6 | "
	              "11 answered, 1 SERVFAIL |\n"
	              "| 198.51.100.20\\|x | no | yes | up | 0 | 0 | 0 | — |\n\n");
	ck_assert_has(got, "## Application impact\n\nnever recovered in the "
	              "window: 2 of 8 lookups after it failed, 5 slow (median "
	              "501.5 ms, max 5001.0 ms; before: median 0.5 ms, p95 1.5 ms)."
	              "\n\n");
	ck_assert_has(got, "| before the switch | 10 | 0 | 0.5 | 1.5 | 2.0 |\n"
	              "| after the switch | 8 | 2 | 501.5 | 5000.5 | 5001.0 |\n\n"
	              "Slow: longer than 101.5 ms (4 x the p95 before the switch, "
	              "at least the p95 + 100 ms); ");
	ck_assert_has(got, "1 line that began like a lookup line did not parse "
	              "and was left out.\n\n");
	free(got);

	/* Any other program: said, without a table. */
	r.impact.measured = false;
	r.impact.recovery = IMP_NOT_MEASURED;
	r.impact.before = r.impact.after = (struct impact_side){ 0, 0, 0, -1, -1, -1 };
	got = render(&x);
	ck_assert_has(got, "## Application impact\n\nnot measured (the program "
	              "prints no probe lines).\n\nVerdicts are computed");
	/* A set of its own: the note points at the table. */
	ck_assert_has(got, "tshark -r capture.pcap`). The servers, by address, "
	              "are in \"Servers\" above.\n\n");
	free(got);

	/* No server queried after the switch. */
	for (int i = 0; i < 3; i++) {
		r.servers[i].queries_after = 0;
		r.servers[i].answered = r.servers[i].servfail = r.servers[i].no_response = 0;
	}
	got = render(&x);
	ck_assert_has(got, "No server was queried after the switch.\n\n");
	free(got);

	/* The classic pair: the note names the two as before. */
	r.nservers = 2;
	snprintf(r.servers[0].addr, sizeof r.servers[0].addr, "198.51.100.10,2001:db8:100::10");
	r.servers[0].in_new = false;
	snprintf(r.servers[1].addr, sizeof r.servers[1].addr, "198.51.100.20,2001:db8:100::20");
	r.servers[1].in_old = false;
	got = render(&x);
	ck_assert_has(got, CAPTURE_NOTE);
	free(got);

	/* An older record: nothing of either. */
	r.nservers = 0;
	r.impact_read = false;
	got = render(&x);
	ck_assert_has(got, CAPTURE_NOTE);
	ck_assert_msg(strstr(got, "## Servers") == NULL &&
	              strstr(got, "Queried after") == NULL &&
	              strstr(got, "No server was") == NULL &&
	              strstr(got, "## Application impact") == NULL, "%s", got);
	free(got);
}
END_TEST

START_TEST(test_picture_title)
{
	struct case_result r;
	char buf[1024];
	late_case(&r);
	evidence_picture_title(buf, sizeof buf, &r);
	ck_assert_str_eq(buf, "res_loop/inplace/no-reload: LATE 2\n2 lookups went "
	                 "to the old server before the first to the new one\n"
	                 "counted queries: old server 3 before the switch, 2 after; "
	                 "new server 4 after (the first 250 ms after it)");
	r.vd.v = V_STALE;
	r.vd.first_new_ms = -1;
	strcpy(r.only, "MX");
	r.fresh_ran = true;
	r.fresh_queries_new = 1;
	strcpy(r.vd.reason, "7 lookups after the switch, all to the old server");
	evidence_picture_title(buf, sizeof buf, &r);
	ck_assert_str_eq(buf, "res_loop/inplace/no-reload: STALE\n7 lookups after "
	                 "the switch, all to the old server\nMX queries only: old "
	                 "server 3 before the switch, 2 after; new server 4 after\n"
	                 "fresh process after the window: 0 to the old server, 1 to "
	                 "the new");
	strcpy(r.error, "dnsmasq (old) exited with status 2");
	evidence_picture_title(buf, sizeof buf, &r);
	ck_assert_str_eq(buf, "res_loop/inplace/no-reload: could not run\n"
	                 "dnsmasq (old) exited with status 2");
	/* A small buffer: cut, terminated. */
	r.error[0] = '\0';
	evidence_picture_title(buf, 20, &r);
	ck_assert_uint_eq(strlen(buf), 19);
}
END_TEST

/* A scope from the record: only a switched case has a window end. */
START_TEST(test_scope)
{
	struct case_result r;
	struct tl_scope sc;
	late_case(&r);
	strcpy(r.only, "MX");
	evidence_scope(&r, &sc);
	ck_assert(sc.t_switch == T_SWITCH && sc.t_end == T_SWITCH + 0.5);
	ck_assert(sc.t_fresh < 0);
	ck_assert_int_eq(sc.only_qtype, DNS_T_MX);
	r.switched = false;
	strcpy(r.only, "BOGUS");   /* not a type: every type counts */
	r.fresh_ran = true;
	r.fresh_time = T_SWITCH + 1;
	evidence_scope(&r, &sc);
	ck_assert(sc.t_switch < 0 && sc.t_end < 0 && sc.t_fresh == T_SWITCH + 1);
	ck_assert_int_eq(sc.only_qtype, 0);
}
END_TEST

/* What ran and its environment (lib/envpolicy.h), and a command that
 * could not run: its error first, then how its stderr ends. */
START_TEST(test_program_env_could_not_run)
{
	struct case_result r;
	late_case(&r);
	strcpy(r.program, "/tmp/venv/bin/python3 -> /usr/bin/python3.11");
	strcpy(r.interpreter, "/usr/bin/env python3 -> /tmp/venv/bin/python3");
	strcpy(r.env_policy, "kept");
	strcpy(r.env_removed, "LD_PRELOAD LOCALDOMAIN");
	strcpy(r.env_set, "RES_OPTIONS=no-reload");
	struct evidence x = { .r = &r, .environment = "PATH=/tmp/venv/bin\nAPI_TOKEN=***\n" };
	char *got = render(&x);
	ck_assert_has(got, "- program that ran: `/tmp/venv/bin/python3 -> /usr/bin/python3.11`\n"
	                   "- its interpreter (`#!`): `/usr/bin/env python3 -> /tmp/venv/bin/python3`\n");
	ck_assert_has(got, "- the process's environment: kept (the caller's, without "
	                   "the variables that change name resolution)\n"
	                   "- resolver variables removed: LD_PRELOAD LOCALDOMAIN\n"
	                   "- set for this case (`--env`, `env`): RES_OPTIONS=no-reload\n\n"
	                   "The environment the process got (`env.txt`; values of names "
	                   "with TOKEN, PASSWORD, PASSWD, SECRET, KEY or CREDENTIAL "
	                   "masked):\n\n```\n"
	                   "PATH=/tmp/venv/bin\nAPI_TOKEN=***\n```\n");
	ck_assert_msg(!strstr(got, "The last lines of its stderr"), "no tail asked");
	free(got);
	/* variables past ENVPOLICY_MAX: said, after what was set */
	r.env_dropped = 7;
	got = render(&x);
	ck_assert_has(got, "- set for this case (`--env`, `env`): RES_OPTIONS=no-reload\n"
	                   "- not passed: 7 more of the caller's variables (the "
	                   "command gets at most 4096 of them)\n\n");
	free(got);
	r.env_dropped = 0;

	strcpy(r.env_policy, "clean");
	r.env_removed[0] = r.env_set[0] = '\0';
	strcpy(r.error, "could not run (exit 1; no lookup): ModuleNotFoundError: "
	       "No module named 'x'");
	r.start_failed = true;
	r.exit_code = 1;
	x.environment = NULL;
	x.stderr_tail = "Traceback (most recent call last):\nModuleNotFoundError: "
	                "No module named 'x'";
	got = render(&x);
	ck_assert_has(got, "**No verdict:** could not run (exit 1; "
	                   "no lookup): ModuleNotFoundError");
	ck_assert_has(got, "The last lines of its stderr (`process.err`):\n\n```\n"
	                   "Traceback (most recent call last):\nModuleNotFoundError: "
	                   "No module named 'x'\n```\n");
	ck_assert_has(got, "- the process's environment: clean (PATH, HOME=/root, "
	                   "LC_ALL=C, and what was set below)\n"
	                   "- resolver variables removed: none\n"
	                   "- set for this case (`--env`, `env`): nothing\n");
	ck_assert_has(got, "- process exit: ended by itself during the case, status 1\n");
	free(got);
}
END_TEST

Suite *evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc;

	tc = tcase_create("Quote");
	tcase_add_loop_test(tc, test_quote, 0, NROWS(quote_rows));
	tcase_add_test(tc, test_unquote_checker);
	suite_add_tcase(s, tc);

	tc = tcase_create("Core");
	tcase_add_test(tc, test_report_late);
	tcase_add_loop_test(tc, test_marker_place, 0, NROWS(marker_rows));
	tcase_add_test(tc, test_no_switch);
	tcase_add_test(tc, test_switch_end);
	tcase_add_test(tc, test_error_and_skip);
	tcase_add_loop_test(tc, test_fresh, 0, NROWS(fresh_rows));
	tcase_add_test(tc, test_why_note_exit);
	tcase_add_test(tc, test_program_env_could_not_run);
	tcase_add_test(tc, test_only_and_fresh);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_servers_impact);
	tcase_add_test(tc, test_picture_title);
	tcase_add_test(tc, test_scope);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_loop_test(tc, test_quote_cut, 0, NROWS(quote_cut_rows));
	tcase_add_test(tc, test_quote_long_word);
	tcase_add_loop_test(tc, test_max_rows, 0, NROWS(cut_rows));
	suite_add_tcase(s, tc);

	return s;
}
