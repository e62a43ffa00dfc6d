/*
 * check_paths.c - a verdict per resolution path (doc/design.md, "Paths"):
 * who sent each query (the process, nscd by its own address, the fresh
 * process by its start), the type groups, each path decided by the one
 * verdict function on its own queries, and result.txt's line of a path.
 *
 * Captures are written as timelines, one token per message, 250 ms apart:
 *   Po Pn Px      a query of type A from the process (198.51.100.2) to the
 *                 old / new / another server; Po:MX of that type
 *   Co Cn         the same from nscd (WN_NSCD4)
 *   r             the answer to the previous query
 *   |             the switch, half a step after the previous message
 *   fresh         the fresh process starts half a step after it
 *   end           the window ends half a step after it
 *   triggers      the case has triggers (anywhere in the line)
 * Each sender keeps one socket (port 40000, nscd 41000), each query a
 * new id.  Without "end" the window closes a second after the last one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "paths.h"
#include "suites.h"
#include "testutil.h"
#include "wnconst.h"

#define T0   1795663444.0
#define STEP 0.25

struct cap {
	struct wn_event     ev[64];
	size_t              nev;
	struct path_senders s;
	struct vd_input     in;
};

static void addr(const char *s, struct pkt_addr *a)
{
	ck_assert_int_eq(pkt_addr_parse(s, a), 0);
}

static void add_query(struct cap *c, const char *w, double t, uint16_t id)
{
	struct wn_event *e = &c->ev[c->nev++];
	bool nscd = w[0] == 'C';
	const char *type = strchr(w, ':');
	memset(e, 0, sizeof *e);
	e->t = t;
	e->id = id;
	e->proto = 17;
	e->qtype = DNS_T_A;
	if (type)
		ck_assert_msg(dns_type_parse(type + 1, &e->qtype) == 0, "bad %s", w);
	e->server = w[1] == 'o' ? VD_OLD : w[1] == 'n' ? VD_NEW : VD_OTHER;
	addr(nscd ? WN_NSCD4 : WN_CLIENT4, &e->src);
	addr(w[1] == 'o' ? WN_OLD4 : w[1] == 'n' ? WN_NEW4 : "192.0.2.53", &e->dst);
	e->sport = nscd ? 41000 : 40000;
	e->dport = 53;
	snprintf(e->qname, sizeof e->qname, "%s", WN_QNAME);
}

/* The answer to the previous message, which must be a query. */
static void add_response(struct cap *c, double t)
{
	ck_assert_msg(c->nev > 0 && !c->ev[c->nev - 1].qr, "r answers nothing");
	struct wn_event *e = &c->ev[c->nev];
	*e = c->ev[c->nev - 1];
	e->t = t;
	e->qr = true;
	e->src = c->ev[c->nev - 1].dst;
	e->dst = c->ev[c->nev - 1].src;
	e->sport = 53;
	e->dport = c->ev[c->nev - 1].sport;
	c->nev++;
}

static void build(struct cap *c, const char *tl)
{
	char buf[512], *save = NULL;
	double t = T0, last = T0;
	uint16_t id = 1;
	bool end = false;
	memset(c, 0, sizeof *c);
	addr(WN_NSCD4, &c->s.nscd[0]);
	addr(WN_NSCD6, &c->s.nscd[1]);
	c->s.nnscd = 2;
	snprintf(buf, sizeof buf, "%s", tl);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "|") == 0) {
			c->in.switched = true;
			c->in.t_switch = last + STEP / 2;
		} else if (strcmp(w, "fresh") == 0) {
			c->s.t_fresh = last + STEP / 2;
		} else if (strcmp(w, "triggers") == 0) {
			c->s.triggers = true;
		} else if (strcmp(w, "end") == 0) {
			c->in.t_end = last + STEP / 2;
			end = true;
		} else {
			if (strcmp(w, "r") == 0)
				add_response(c, t);
			else
				add_query(c, w, t, id++);
			last = t;
			t += STEP;
		}
	}
	if (!end)
		c->in.t_end = last + 1.0;
}

/* The paths of a timeline as one line: the summary, then each path's
 * numbers "old<sw/old>sw/new>sw lookups old/new". */
static const char *decide(const char *tl, char *out, size_t size)
{
	struct cap c;
	struct vd_path p[PATHS_MAX];
	size_t more = 0;
	build(&c, tl);
	int n = paths_decide(c.ev, c.nev, &c.s, &c.in, p, PATHS_MAX, &more);
	ck_assert_int_ge(n, 0);
	size_t len = strlen(paths_summary(p, (size_t)n, out, size));
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, " | %u/%u/%u %u/%u",
		                        p[i].queries_old_before, p[i].queries_old_after,
		                        p[i].queries_new_after, p[i].lookups_old_after,
		                        p[i].lookups_new_after);
	if (more && len < size)
		snprintf(out + len, size - len, " | +%zu", more);
	return out;
}

static const struct {
	const char *tl, *want;
} rows[] = {
	/* The sendmail-with-nscd case of issue 12: the daemon's own MX goes
	 * to the old server, nscd's A/AAAA for the mail host to the new.
	 * nscd's AAAA leaves 250 ms after the A's answer, beyond the pair's
	 * 100 ms (verdict.h, "Lookups"): two lookups here; a pair within it
	 * is one (test_lookups_per_path). */
	{ "Po:MX r Co r Co:AAAA r | Po:MX r Cn r Cn:AAAA r Po:MX r",
	  "MX (process): STALE; A/AAAA (via nscd): FOLLOWED"
	  " | 1/2/0 2/0 | 2/0/2 0/2" },
	/* One sender, one group: the path is the headline. */
	{ "Po r Po r | Pn r Pn r", "A/AAAA (process): FOLLOWED | 2/0/2 0/2" },
	{ "Po r | Po r Pn r Pn r", "A/AAAA (process): LATE 1 | 1/1/2 1/2" },
	{ "Po r | Po r Pn r Po r", "A/AAAA (process): MIXED | 1/2/1 2/1" },
	/* Each type of the process on its own: res_loop's A, MX, NS. */
	{ "Po r Po:MX r Po:NS r | Pn r Po:MX r Pn:NS r",
	  "A/AAAA (process): FOLLOWED; MX (process): STALE; NS (process): "
	  "FOLLOWED | 1/0/1 0/1 | 1/1/0 1/0 | 1/0/1 0/1" },
	/* nscd asked nothing before the switch: the rules still apply
	 * (INCONCLUSIVE), the process's path is decided on its own. */
	{ "Po:MX r | Po:MX r Cn r",
	  "MX (process): STALE; A/AAAA (via nscd): INCONCLUSIVE"
	  " | 1/1/0 1/0 | 0/0/1 0/1" },
	/* nscd answered from its cache after the switch: SILENT. */
	{ "Co r Po:MX r | Po:MX r",
	  "MX (process): STALE; A/AAAA (via nscd): SILENT | 1/1/0 1/0 | 1/0/0 0/0" },
	/* The window: a query after its end is not counted. */
	{ "Po r | Pn r end Po r", "A/AAAA (process): FOLLOWED | 1/0/1 0/1" },
	/* The fresh process started after the switch: judged without a query
	 * before it; its nscd queries are its own path. */
	{ "Po:MX r Co r | Po:MX r Cn r fresh Po:MX r Cn r",
	  "MX (process): STALE; A/AAAA (via nscd): FOLLOWED; MX (fresh process): "
	  "STALE; A/AAAA (fresh process via nscd): FOLLOWED"
	  " | 1/1/0 1/0 | 1/0/1 0/1 | 0/1/0 1/0 | 0/0/1 0/1" },
	/* With triggers, the process's address is theirs too: its path
	 * says so. */
	{ "triggers Po:MX r Co r | Po:MX r Cn r",
	  "MX (process and its triggers): STALE; A/AAAA (via nscd): FOLLOWED"
	  " | 1/1/0 1/0 | 1/0/1 0/1" },
	/* Another server's queries are no lookup to either. */
	{ "Po r | Px r Pn r", "A/AAAA (process): FOLLOWED | 1/0/1 0/1" },
	/* No switch: every path INCONCLUSIVE. */
	{ "Po:MX r Co r", "MX (process): INCONCLUSIVE; A/AAAA (via nscd): "
	  "INCONCLUSIVE | 1/0/0 0/0 | 1/0/0 0/0" },
	{ "", "" },
};

START_TEST(test_timelines)
{
	char got[1024];
	decide(rows[_i].tl, got, sizeof got);
	ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s\n got: %s\nwant: %s",
	              rows[_i].tl, got, rows[_i].want);
}
END_TEST

/* A getaddrinfo's A and AAAA through nscd are one lookup; a resend is
 * none; an MX of the same sender in the same second is a lookup of its
 * own path, not joined to the A. */
START_TEST(test_lookups_per_path)
{
	struct cap c;
	struct vd_path p[PATHS_MAX];
	build(&c, "Co r | Cn Cn:AAAA r Co:MX r");
	c.ev[3].t = c.ev[2].t + 0.001;   /* AAAA in flight with A */
	int n = paths_decide(c.ev, c.nev, &c.s, &c.in, p, PATHS_MAX, NULL);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(p[0].types, "A/AAAA");
	ck_assert_int_eq(p[0].sender, PS_NSCD);
	ck_assert_int_eq(p[0].queries_new_after, 2);
	ck_assert_int_eq(p[0].lookups_new_after, 1);
	ck_assert_int_eq(p[0].v, V_FOLLOWED);
	ck_assert_str_eq(p[1].types, "MX");
	ck_assert_int_eq(p[1].v, V_INCONCLUSIVE);   /* no MX before the switch */
}
END_TEST

START_TEST(test_max)
{
	char got[512];
	struct cap c;
	struct vd_path p[2];
	size_t more = 0;
	build(&c, "Po r Po:MX r Po:NS r Co r | Pn r");
	int n = paths_decide(c.ev, c.nev, &c.s, &c.in, p, 2, &more);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(more, 2);
	ck_assert_str_eq(paths_summary(p, 2, got, sizeof got),
	                 "A/AAAA (process): FOLLOWED; MX (process): SILENT");
	/* A summary cut short stays a string. */
	ck_assert_int_eq(strlen(paths_summary(p, 2, got, 10)), 9);
}
END_TEST

START_TEST(test_sender)
{
	struct cap c;
	build(&c, "Co r Po r fresh Co r");
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[0]), PS_NSCD);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[1]), PS_NSCD);  /* to nscd */
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[2]), PS_PROCESS);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[3]), PS_PROCESS);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[4]), PS_FRESH_NSCD);
	/* With triggers, the process's address is theirs too; nscd's and the
	 * fresh process's paths stay as they are. */
	c.s.triggers = true;
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[2]), PS_PROCESS_TRIGGERS);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[0]), PS_NSCD);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[4]), PS_FRESH_NSCD);
	c.s.triggers = false;
	/* IPv6 source: nscd's other address. */
	addr(WN_NSCD6, &c.ev[0].src);
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[0]), PS_NSCD);
	/* Without nscd addresses nothing is nscd's. */
	c.s.nnscd = 0;
	ck_assert_int_eq(paths_sender(&c.s, &c.ev[0]), PS_PROCESS);
	for (unsigned s = 0; s < PS_COUNT; s++)
		ck_assert_int_eq(paths_sender_parse(paths_sender_name(s)), s);
	ck_assert_int_eq(paths_sender_parse("nscd2"), PS_COUNT);
	/* paths_senders_set: nscd's two addresses only when it ran */
	struct path_senders ps;
	ck_assert_int_eq(paths_senders_set(&ps, true, true, 1e12), 0);
	ck_assert_uint_eq(ps.nnscd, 2);
	ck_assert(ps.triggers);
	ck_assert(ps.t_fresh == 1e12);
	addr(WN_NSCD4, &c.ev[0].src);
	ck_assert_int_eq(paths_sender(&ps, &c.ev[0]), PS_NSCD);
	addr(WN_NSCD6, &c.ev[0].src);
	ck_assert_int_eq(paths_sender(&ps, &c.ev[0]), PS_NSCD);
	ck_assert_int_eq(paths_senders_set(&ps, false, false, -1), 0);
	ck_assert_uint_eq(ps.nnscd, 0);
	ck_assert(!ps.triggers && ps.t_fresh == 0);
	ck_assert_int_eq(paths_sender(&ps, &c.ev[0]), PS_PROCESS);
	char b[16];
	ck_assert_str_eq(paths_types(DNS_T_AAAA, b, sizeof b), "A/AAAA");
	ck_assert_str_eq(paths_types(DNS_T_MX, b, sizeof b), "MX");
	ck_assert_str_eq(paths_types(65, b, sizeof b), "TYPE65");
}
END_TEST

START_TEST(test_format_parse)
{
	struct vd_path p = {
		.sender = PS_FRESH_NSCD, .types = "A/AAAA", .v = V_LATE,
		.late_by = 2, .queries_old_before = 1, .queries_new_before = 0,
		.queries_old_after = 3, .queries_new_after = 4,
		.lookups_old_after = 2, .lookups_new_after = 4,
		.first_new_ms = 12.5, .reason = "2 more lookups to the old server",
	}, q;
	char line[512];
	paths_format(&p, line, sizeof line);
	ck_assert_str_eq(line, "fresh-nscd A/AAAA LATE 2 1 0 3 4 2 4 12.500 "
	                 "2 more lookups to the old server");
	ck_assert_int_eq(paths_parse(line, &q), 0);
	ck_assert_int_eq(memcmp(&p, &q, sizeof p), 0);
	/* An empty reason and no new query. */
	p.reason[0] = '\0';
	p.first_new_ms = -1;
	p.v = V_NONE;
	paths_format(&p, line, sizeof line);
	ck_assert_int_eq(paths_parse(line, &q), 0);
	ck_assert_int_eq(q.v, V_NONE);
	ck_assert(q.first_new_ms == -1);
}
END_TEST

static const char *const bad[] = {
	"", "process", "process MX", "someone MX STALE 0 0 0 0 0 0 0 -1.000 x",
	"process MX STALER 0 0 0 0 0 0 0 -1.000 x",
	"process MX STALE 0 0 0 0 0 0 -1.000",          /* a number short */
	"process MX STALE 0 0 0 -3 0 0 0 -1.000 x",     /* negative count */
	"process MX STALE 0 0 0 x 0 0 0 -1.000 x",
	"process MX STALE 0 0 0 99999999999 0 0 0 -1.000 x",
	"process MX STALE 0 0 0 0 0 0 0 nan x",
	"process MX STALE 0 0 0 0 0 0 0 1e300 x",
	"process TYPE65535TYPE65535 STALE 0 0 0 0 0 0 0 -1.000 x",  /* too long */
	"process  MX STALE 0 0 0 0 0 0 0 -1.000 x",     /* an empty word */
	/* A tab in a word would come back from result.txt as a space (found
	 * by fuzz_caseres). */
	"fresh-nscd only\tA/AAAA FOLLOWED 0 0 0 0 2 0 2 1.000 x",
	"nscd MX\x01 STALE 0 0 0 0 0 0 0 -1.000 x",
};

START_TEST(test_parse_bad)
{
	struct vd_path q;
	ck_assert_msg(paths_parse(bad[_i], &q) == -1, "accepted: '%s'", bad[_i]);
}
END_TEST

START_TEST(test_parse_long_reason)
{
	char line[600];
	struct vd_path q;
	int n = snprintf(line, sizeof line, "nscd MX STALE 0 0 0 0 0 0 0 -1.000 ");
	memset(line + n, 'x', sizeof q.reason);
	line[n + (int)sizeof q.reason] = '\0';
	ck_assert_int_eq(paths_parse(line, &q), -1);
	line[n + (int)sizeof q.reason - 1] = '\0';
	ck_assert_int_eq(paths_parse(line, &q), 0);
}
END_TEST

Suite *paths_suite(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_timelines, 0, NROWS(rows));
	tcase_add_test(tc, test_lookups_per_path);
	tcase_add_test(tc, test_sender);
	tcase_add_test(tc, test_format_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_max);
	tcase_add_test(tc, test_parse_long_reason);
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_parse_bad, 0, NROWS(bad));
	suite_add_tcase(s, tc);
	return s;
}
