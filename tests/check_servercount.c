/*
 * check_servercount.c - per-server counts from made-up events.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "servercount.h"
#include "suites.h"

#define SW 1795663450.0

static struct wn_event evs[64];
static size_t nev;

/* A message between the client at caddr:cport and server saddr. */
static void msg(double t, bool qr, const char *caddr, uint16_t cport,
                const char *saddr, uint16_t id, uint16_t qtype, uint8_t rcode)
{
	struct wn_event *e = &evs[nev++];
	struct pkt_addr c, s;
	ck_assert_int_eq(pkt_addr_parse(caddr, &c), 0);
	ck_assert_int_eq(pkt_addr_parse(saddr, &s), 0);
	memset(e, 0, sizeof *e);
	e->t = t;
	e->qr = qr;
	e->src = qr ? s : c;
	e->dst = qr ? c : s;
	e->sport = qr ? 53 : cport;
	e->dport = qr ? cport : 53;
	e->proto = 17;
	e->id = id;
	e->qtype = qtype;
	e->rcode = rcode;
	snprintf(e->qname, sizeof e->qname, "hat.com");
}

/* A query and, when rcode >= 0, its response 1 ms later. */
static void ask(double t, const char *saddr, uint16_t cport, uint16_t id,
                uint16_t qtype, int rcode)
{
	const char *client = strchr(saddr, ':') ? "2001:db8:100::2" : "198.51.100.2";
	msg(t, false, client, cport, saddr, id, qtype, 0);
	if (rcode >= 0)
		msg(t + 0.001, true, client, cport, saddr, id, qtype, (uint8_t)rcode);
}

/* The default pair and 2001:db8::53 (new file only); the old server
 * down after the switch. */
static void three_servers(struct serverset *set)
{
	serverset_default(set);
	ck_assert_int_eq(serverset_add(set, "2001:db8::53", false, true), 0);
	ck_assert_uint_eq(set->n, 3);
	set->s[0].state = SS_DOWN;
	nev = 0;
	for (int i = 0; i < 3; i++)
		ask(SW - 3 + i, "198.51.100.10", 40000 + i, 100 + i, 1, 0);
	/* Old, down: a query and its resend, never answered. */
	ask(SW + 0.1, "198.51.100.10", 41000, 10, 1, -1);
	ask(SW + 1.1, "198.51.100.10", 41000, 10, 1, -1);
	ask(SW + 5.1, "2001:db8::53", 41001, 11, 1, 5);     /* REFUSED */
	ask(SW + 5.2, "198.51.100.20", 41002, 12, 1, 0);
	ask(SW + 5.2001, "198.51.100.20", 41003, 13, 28, 3); /* its AAAA: NXDOMAIN */
	ask(SW + 6, "198.51.100.20", 41004, 14, 1, 2);      /* SERVFAIL */
	ask(SW + 7, "198.51.100.20", 41005, 15, 1, 4);      /* NOTIMP */
	ask(SW + 8, "192.0.2.99", 41006, 16, 1, 0);         /* no server of the set */
	ask(SW + 30, "198.51.100.20", 41007, 17, 1, 0);     /* after the window */
}

START_TEST(test_counts)
{
	struct serverset set;
	struct sc_server s[SS_MAX];
	three_servers(&set);
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_end = SW + 10 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 3);

	ck_assert_str_eq(s[0].addr, "198.51.100.10,2001:db8:100::10");
	ck_assert(s[0].in_old && !s[0].in_new);
	ck_assert_str_eq(s[0].state, "down");
	ck_assert_uint_eq(s[0].queries_before, 3);
	ck_assert_uint_eq(s[0].queries_after, 2);
	ck_assert_uint_eq(s[0].lookups_after, 1);   /* the resend: none new */
	ck_assert_uint_eq(s[0].no_response, 2);
	ck_assert_uint_eq(s[0].answered, 0);

	ck_assert_str_eq(s[1].addr, "198.51.100.20,2001:db8:100::20");
	ck_assert(!s[1].in_old && s[1].in_new);
	ck_assert_str_eq(s[1].state, "up");
	ck_assert_uint_eq(s[1].queries_before, 0);
	ck_assert_uint_eq(s[1].queries_after, 4);
	ck_assert_uint_eq(s[1].lookups_after, 3);   /* the A+AAAA pair once */
	ck_assert_uint_eq(s[1].answered, 2);
	ck_assert_uint_eq(s[1].servfail, 1);
	ck_assert_uint_eq(s[1].other_rcode, 1);
	ck_assert_uint_eq(s[1].no_response, 0);

	ck_assert_str_eq(s[2].addr, "2001:db8::53");
	ck_assert(!s[2].in_old && s[2].in_new);
	ck_assert_uint_eq(s[2].queries_after, 1);
	ck_assert_uint_eq(s[2].refused, 1);

	char buf[256];
	ck_assert_str_eq(servercount_after_text(s, 3, buf, sizeof buf),
	                 "198.51.100.20 (4), 198.51.100.10 (2), 2001:db8::53 (1)");
	ck_assert_str_eq(servercount_outcome_text(&s[1], buf, sizeof buf),
	                 "2 answered, 1 SERVFAIL, 1 other rcode");
	ck_assert_str_eq(servercount_outcome_text(&s[0], buf, sizeof buf),
	                 "2 no response");
}
END_TEST

/* A switch that took until SW + 0.015, with a query to the new server at
 * SW + 0.012: the verdict's old_from is then SW + 0.012 (the file was in
 * place), and the counts take it: the old server's queries before it
 * are before the switch, the new server's after it from SW on. */
START_TEST(test_switch_end)
{
	struct serverset set;
	struct sc_server s[SS_MAX];
	serverset_default(&set);
	nev = 0;
	ask(SW - 1, "198.51.100.10", 40000, 1, 1, 0);
	ask(SW + 0.010, "198.51.100.10", 40001, 2, 1, 0);
	ask(SW + 0.012, "198.51.100.20", 40002, 3, 1, 0);
	ask(SW + 0.014, "198.51.100.10", 40003, 4, 1, 0);
	ask(SW + 0.016, "198.51.100.10", 40004, 5, 1, 0);
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_switch_end = SW + 0.012, .t_end = -1 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 2);
	ck_assert_uint_eq(s[0].queries_before, 2);   /* SW - 1, SW + 0.010 */
	ck_assert_uint_eq(s[0].queries_after, 2);    /* after the new one */
	ck_assert_uint_eq(s[0].lookups_after, 2);
	ck_assert_uint_eq(s[1].queries_before, 0);
	ck_assert_uint_eq(s[1].queries_after, 1);
	w.t_switch_end = 0;   /* none: at the switch */
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 2);
	ck_assert_uint_eq(s[0].queries_before, 1);
	ck_assert_uint_eq(s[0].queries_after, 3);
	/* A kept server counts from the switch's begin. */
	ck_assert_int_eq(serverset_add(&set, "2001:db8::53", true, true), 0);
	ask(SW + 0.005, "2001:db8::53", 40005, 6, 1, 0);
	w.t_switch_end = SW + 0.012;
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 3);
	ck_assert_uint_eq(s[2].queries_before, 0);
	ck_assert_uint_eq(s[2].queries_after, 1);
}
END_TEST

/* A resend is no new lookup when the server answered something (the
 * verdict's rule, on this server's queries alone). */
START_TEST(test_resend)
{
	struct serverset set;
	struct sc_server s[SS_MAX];
	serverset_default(&set);
	nev = 0;
	ask(SW - 1, "198.51.100.20", 40000, 1, 1, 0);
	ask(SW + 0.1, "198.51.100.20", 41000, 10, 1, -1);
	ask(SW + 1.1, "198.51.100.20", 41000, 10, 1, 0);   /* the resend, answered */
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_end = -1 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 2);
	ck_assert_uint_eq(s[1].queries_before, 1);
	ck_assert_uint_eq(s[1].queries_after, 2);
	ck_assert_uint_eq(s[1].lookups_after, 1);
	ck_assert_uint_eq(s[1].no_response, 1);
	ck_assert_uint_eq(s[1].answered, 1);
	ck_assert_uint_eq(s[0].queries_before + s[0].queries_after, 0);
	char buf[64];
	ck_assert_str_eq(servercount_outcome_text(&s[0], buf, sizeof buf), "—");
}
END_TEST

/* --only A: the AAAA is not counted; no switch: all before. */
START_TEST(test_only_and_no_switch)
{
	struct serverset set;
	struct sc_server s[SS_MAX];
	three_servers(&set);
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_end = SW + 10, .only_qtype = 1 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 3);
	ck_assert_uint_eq(s[1].queries_after, 3);
	ck_assert_uint_eq(s[1].answered, 1);
	struct sc_window none = { .switched = false, .t_end = -1 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &none, s), 3);
	ck_assert_uint_eq(s[0].queries_before, 5);
	ck_assert_uint_eq(s[1].queries_before, 5);   /* no window end: all */
	ck_assert_uint_eq(s[0].queries_after + s[1].queries_after, 0);
	char buf[64];
	ck_assert_str_eq(servercount_after_text(s, 3, buf, sizeof buf), "");
}
END_TEST

/* Whole entries only when the text does not fit. */
START_TEST(test_after_text_cut)
{
	struct serverset set;
	struct sc_server s[SS_MAX];
	three_servers(&set);
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_end = SW + 10 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 3);
	char buf[40];
	ck_assert_str_eq(servercount_after_text(s, 3, buf, sizeof buf),
	                 "198.51.100.20 (4), 198.51.100.10 (2)");
}
END_TEST

/* ---- Text form ---- */

START_TEST(test_round_trip)
{
	struct serverset set;
	struct sc_server s[SS_MAX], back;
	three_servers(&set);
	set.s[2].state = SS_SLOW;
	set.s[2].slow_ms = 500;
	struct sc_window w = { .switched = true, .t_switch = SW,
	                       .t_end = SW + 10 };
	ck_assert_int_eq(servercount_compute(&set, evs, nev, &w, s), 3);
	char line[512], again[512];
	servercount_format(&s[0], line, sizeof line);
	ck_assert_str_eq(line, "198.51.100.10,2001:db8:100::10 old=yes new=no "
	                 "state=down before=3 after=2 lookups=1 answered=0 "
	                 "refused=0 servfail=0 other=0 none=2");
	for (int k = 0; k < 3; k++) {
		servercount_format(&s[k], line, sizeof line);
		ck_assert_msg(servercount_parse(line, &back) == 0, "%s", line);
		ck_assert_mem_eq(&back, &s[k], sizeof back);
		servercount_format(&back, again, sizeof again);
		ck_assert_str_eq(again, line);
	}
	ck_assert_str_eq(s[2].state, "slow:500ms");
	/* No state known (decode): "-". */
	s[2].state[0] = '\0';
	servercount_format(&s[2], line, sizeof line);
	ck_assert_ptr_nonnull(strstr(line, " state=- "));
	ck_assert_int_eq(servercount_parse(line, &back), 0);
	ck_assert_str_eq(back.state, "");
}
END_TEST

static const char *const bad_lines[] = {
	"",
	"198.51.100.10",
	"old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 new=no old=yes state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=maybe new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=yes new=no state= before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=yes new=no state=up before=-1 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=yes new=no state=up before=4294967296 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	/* the outcomes do not add up to after */
	"198.51.100.10 old=yes new=no state=up before=0 after=2 lookups=1 answered=1 refused=0 servfail=0 other=0 none=0",
	/* more lookups than queries */
	"198.51.100.10 old=yes new=no state=up before=0 after=1 lookups=2 answered=1 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0",
	"198.51.100.10 old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0 more",
	"198.51.100.10 old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0x1",
	"198.51.100.10  old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.10 old=yes new=no state=aaaaaaaaaaaaaaaaaaaaaaaaaa before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
	"198.51.100.\00110 old=yes new=no state=up before=0 after=0 lookups=0 answered=0 refused=0 servfail=0 other=0 none=0",
};

START_TEST(test_parse_bad)
{
	struct sc_server s;
	ck_assert_msg(servercount_parse(bad_lines[_i], &s) == -1, "accepted: '%s'",
	              bad_lines[_i]);
}
END_TEST

Suite *servercount_suite(void)
{
	Suite *s = suite_create("servercount");
	TCase *core = tcase_create("Core");
	tcase_add_test(core, test_counts);
	tcase_add_test(core, test_resend);
	tcase_add_test(core, test_switch_end);
	tcase_add_test(core, test_only_and_no_switch);
	tcase_add_test(core, test_after_text_cut);
	suite_add_tcase(s, core);
	TCase *text = tcase_create("Text");
	tcase_add_test(text, test_round_trip);
	tcase_add_loop_test(text, test_parse_bad, 0,
	                    sizeof bad_lines / sizeof bad_lines[0]);
	suite_add_tcase(s, text);
	return s;
}
