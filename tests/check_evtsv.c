/*
 * check_evtsv.c - events.tsv read back: every line events_tsv() writes
 * comes back as an event that writes the same line again, and every
 * line it could not write is refused, naming the column.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "evtsv.h"
#include "suites.h"
#include "testutil.h"

/* events_tsv()'s line for e, without its newline. */
static char *line_of(const struct wn_event *e, double t_switch)
{
	struct memout m;
	events_tsv(memout_open(&m), e, t_switch);
	char *s = memout_text(&m);
	size_t n = strlen(s);
	ck_assert(n > 0 && s[n - 1] == '\n');
	s[n - 1] = '\0';
	return s;
}

/* ---- Round trips ---- */

static struct wn_event round_trip_rows[9];

static void make_rows(void)
{
	struct wn_event *r = round_trip_rows;
	r[0] = mkevent(false, "198.51.100.2", 40000, "198.51.100.10", 53);
	r[0].frame = 1;
	r[1] = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 40000);
	r[1].frame = UINT64_MAX;            /* the widest frame number */
	snprintf(r[1].answers, sizeof r[1].answers, "203.0.113.203");
	r[2] = mkevent(false, "2001:db8:100::2", 1, "2001:db8:100::10", 53);
	r[2].qtype = DNS_T_AAAA;
	r[2].proto = 6;
	r[2].frame = 1234567;
	r[3] = mkevent(true, "2001:db8:100::20", 53, "2001:db8:100::2", 65535);
	r[3].rcode = 3;                     /* NXDOMAIN, no answers */
	r[3].server = VD_NEW;
	r[4] = mkevent(false, "198.51.100.2", 5353, "192.0.2.1", 53);
	r[4].server = VD_OTHER;
	r[4].qtype = 65;                    /* no name: TYPE65 */
	r[4].id = 0;
	r[5] = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
	r[5].qname[0] = '\0';               /* no question: "-" and TYPE0 */
	r[5].qtype = 0;
	r[5].rcode = 15;                    /* RCODE15 */
	r[6] = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
	snprintf(r[6].answers, sizeof r[6].answers, "mail-203.hat.com,%s", EV_CUT_MARK);
	r[6].qtype = DNS_T_MX;
	r[7] = mkevent(false, "198.51.100.2", 1, "198.51.100.10", 53);
	r[7].t = -12.5;                     /* a pcapng offset before 1970 */
	snprintf(r[7].qname, sizeof r[7].qname, "we\\009ird\\032name.");
	r[8] = mkevent(false, "198.51.100.2", 1, "198.51.100.10", 53);
	memset(r[8].qname, 'a', sizeof r[8].qname - 1);   /* the longest name */
	r[8].qname[sizeof r[8].qname - 1] = '\0';
}

START_TEST(test_round_trip)
{
	make_rows();
	const struct wn_event *want = &round_trip_rows[_i];
	double switches[] = { 1795663950.0, -1 };   /* with and without a switch */
	for (int s = 0; s < 2; s++) {
		char *line = line_of(want, switches[s]), err[200] = "";
		struct wn_event got;
		ck_assert_msg(evtsv_parse_line(line, strlen(line), &got, err,
		                               sizeof err) == 0, "%s: %s", line, err);
		char *again = line_of(&got, switches[s]);
		ck_assert_str_eq(again, line);
		ck_assert(got.qr == want->qr);
		ck_assert_int_eq(got.server, want->server);
		ck_assert_int_eq(got.qtype, want->qtype);
		ck_assert_int_eq(got.id, want->id);
		ck_assert_int_eq(got.sport, want->sport);
		ck_assert_int_eq(got.dport, want->dport);
		ck_assert_int_eq(got.proto, want->proto);
		ck_assert(pkt_addr_eq(&got.src, &want->src) && pkt_addr_eq(&got.dst, &want->dst));
		ck_assert_str_eq(got.qname, want->qname);
		ck_assert_str_eq(got.answers, want->answers);
		ck_assert_int_eq(got.rcode, want->qr ? want->rcode : 0);
		ck_assert_double_eq_tol(got.t, want->t, 1e-6);
		ck_assert_uint_eq(got.frame, want->frame);
		free(line);
		free(again);
	}
}
END_TEST

/* A whole file: the header as events_tsv_header() writes it, then lines. */
static char *file_of(const struct wn_event *ev, size_t n)
{
	struct memout m;
	FILE *f = memout_open(&m);
	events_tsv_header(f);
	for (size_t i = 0; i < n; i++)
		events_tsv(f, &ev[i], ev[0].t);
	return memout_text(&m);
}

START_TEST(test_file)
{
	make_rows();
	size_t n = NROWS(round_trip_rows);
	char *text = file_of(round_trip_rows, n), err[200] = "";
	struct wn_event *ev;
	size_t got;
	ck_assert_msg(evtsv_parse(text, strlen(text), &ev, &got, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_uint_eq(got, n);
	char *again = file_of(ev, got);
	ck_assert_text(again, text);
	free(ev);
	free(text);
	free(again);
}
END_TEST

START_TEST(test_header_only)
{
	char *text = file_of(NULL, 0), err[200] = "";
	struct wn_event *ev = (struct wn_event *)&err;
	size_t n = 99;
	ck_assert_int_eq(evtsv_parse(text, strlen(text), &ev, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ev);
	free(text);
}
END_TEST

/* A file written before the frame column reads, frame 0. */
START_TEST(test_old_file)
{
	const char *text = "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto"
	                   "\tid\tqname\tqtype\trcode\tanswers\n"
	                   "1795663950.327489\t-0.500\told\tquery\t198.51.100.2:4000\t"
	                   "198.51.100.10:53\tudp\t42\that.com\tMX\t-\t-\n";
	struct wn_event *ev;
	size_t n;
	char err[200] = "";
	ck_assert_msg(evtsv_parse(text, strlen(text), &ev, &n, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ev[0].frame, 0);
	ck_assert_int_eq(ev[0].qtype, DNS_T_MX);
	ck_assert_int_eq(ev[0].id, 42);
	free(ev);
}
END_TEST

/* ---- Malformed ---- */

#define GOOD_Q "1795663950.327489\t-0.500\told\tquery\t198.51.100.2:4000\t" \
               "198.51.100.10:53\tudp\t42\that.com\tA\t-\t-\t7"

static const struct { const char *line, *err; } bad_rows[] = {
	{ "", "fewer columns" },
	{ GOOD_Q "\textra", "more columns" },
	{ GOOD_Q "\t", "more columns" },
	{ "1795663950.327489\t\told\tquery", "fewer columns" },
	{ "x\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time 'x'" },
	{ "nan\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ "1e999\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ " 1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	/* Read, but written back by "%.6f" as a text too long to read again
	 * (fuzz_evtsv): an exponent, a hex float, a number too large. */
	{ "1795765218.8e60\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ "1e9\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ "0x1p30\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ "1000000000000000000\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad time" },
	{ "1\tabc\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad ms_since_switch" },
	{ "1\t\tOLD\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad server" },
	{ "1\t\told\tanswer\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad direction" },
	{ "1\t\told\tquery\t1.2.3.4\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t1.2.3.4:65536\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t1.2.3.4:-1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t1.2.3.4:\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t2001:db8::1:53\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t[1.2.3.4]:53\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t[]:53\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t[2001:db8::1:53\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad src" },
	{ "1\t\told\tquery\t1.2.3.4:1\t999.2.3.4:53\tudp\t1\ta\tA\t-\t-\t1", "bad dst" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tsctp\t1\ta\tA\t-\t-\t1", "bad proto" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t65536\ta\tA\t-\t-\t1", "bad id" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t+1\ta\tA\t-\t-\t1", "bad id" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\t\tA\t-\t-\t1", "bad qname" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tBOGUS\t-\t-\t1", "bad qtype" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tTYPE65536\t-\t-\t1", "bad qtype" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tTYPE\t-\t-\t1", "bad qtype" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\tNOERROR\t-\t1", "bad rcode" },
	{ "1\t\told\tresponse\t1.2.3.4:53\t1.2.3.4:1\tudp\t1\ta\tA\t-\t-\t1", "bad rcode" },
	{ "1\t\told\tresponse\t1.2.3.4:53\t1.2.3.4:1\tudp\t1\ta\tA\tRCODE16\t-\t1", "bad rcode" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t\t1", "bad answers" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-", "fewer columns" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t0", "bad frame '0'" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t07", "bad frame" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t+7", "bad frame" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t7x", "bad frame" },
	{ "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\ta\tA\t-\t-\t18446744073709551616", "bad frame" },
};

START_TEST(test_malformed)
{
	struct wn_event e;
	char err[200] = "";
	const char *line = bad_rows[_i].line;
	ck_assert_int_eq(evtsv_parse_line(line, strlen(line), &e, err, sizeof err), -1);
	ck_assert_msg(strstr(err, bad_rows[_i].err), "%s: got '%s'", line, err);
}
END_TEST

/* Longer than the event holds: refused, never cut. */
START_TEST(test_too_long)
{
	static char line[4096];
	struct wn_event e;
	char err[200];
	snprintf(line, sizeof line, "1\t\told\tquery\t1.2.3.4:1\t1.2.3.4:53\tudp\t1\t"
	         "%0*d\tA\t-\t-\t", DNS_NAME_MAX, 0);
	ck_assert_int_eq(evtsv_parse_line(line, strlen(line), &e, err, sizeof err), -1);
	ck_assert_has(err, "bad qname");
	snprintf(line, sizeof line, "1\t\told\tresponse\t1.2.3.4:53\t1.2.3.4:1\tudp\t1\t"
	         "a\tA\tNOERROR\t%0*d\t", EV_ANSWERS_MAX, 0);
	ck_assert_int_eq(evtsv_parse_line(line, strlen(line), &e, err, sizeof err), -1);
	ck_assert_has(err, "bad answers");
	/* Exactly what fits is taken. */
	snprintf(line, sizeof line, "1\t\told\tresponse\t1.2.3.4:53\t1.2.3.4:1\tudp\t1\t"
	         "a\tA\tNOERROR\t%0*d\t", EV_ANSWERS_MAX - 1, 0);
	ck_assert_int_eq(evtsv_parse_line(line, strlen(line), &e, err, sizeof err), 0);
	ck_assert_uint_eq(strlen(e.answers), EV_ANSWERS_MAX - 1);
}
END_TEST

/* Only len bytes are read: the line need not end in NUL, and a NUL
 * inside is refused. */
START_TEST(test_bounds)
{
	const char *good = GOOD_Q;
	size_t len = strlen(good);
	char *exact = malloc(len);
	memcpy(exact, good, len);
	struct wn_event e;
	char err[200];
	ck_assert_int_eq(evtsv_parse_line(exact, len, &e, err, sizeof err), 0);
	ck_assert_str_eq(e.qname, "hat.com");
	ck_assert_int_eq(evtsv_parse_line(exact, len - 2, &e, err, sizeof err), -1);
	exact[len - 11] = '\0';   /* inside "hat.com" */
	ck_assert_int_eq(evtsv_parse_line(exact, len, &e, err, sizeof err), -1);
	ck_assert_has(err, "bad qname");
	free(exact);
}
END_TEST

static const struct { const char *text, *err; } bad_files[] = {
	{ "", "empty" },
	{ "time\tserver\n", "line 1: not the events.tsv header" },
	{ "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid\tqname\tqtype\trcode\tanswers\tframe",
	  "line 1: no newline" },
	{ "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid\tqname\tqtype\trcode\tanswers\tframe\n"
	  GOOD_Q "\n" GOOD_Q, "line 3: no newline" },
	{ "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid\tqname\tqtype\trcode\tanswers\tframe\n"
	  GOOD_Q "\n\n", "line 3: fewer columns" },
	/* A file from before the frame column: its lines have none. */
	{ "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid\tqname\tqtype\trcode\tanswers\n"
	  GOOD_Q "\n", "line 2: more columns" },
	{ "time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid\tqname\tqtype\trcode\tanswers\tframe\tmore\n", "line 1: not the events.tsv header" },
};

START_TEST(test_bad_file)
{
	const char *text = bad_files[_i].text;
	struct wn_event *ev = (struct wn_event *)&ev;
	size_t n = 7;
	char err[200] = "";
	ck_assert_int_eq(evtsv_parse(text, strlen(text), &ev, &n, err, sizeof err), -1);
	ck_assert_msg(strstr(err, bad_files[_i].err), "got '%s'", err);
	ck_assert_ptr_null(ev);
	ck_assert_uint_eq(n, 0);
}
END_TEST

Suite *evtsv_suite(void)
{
	Suite *s = suite_create("evtsv");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_round_trip, 0, NROWS(round_trip_rows));
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_header_only);
	tcase_add_test(tc, test_old_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_bounds);
	tcase_add_loop_test(tc, test_bad_file, 0, NROWS(bad_files));
	suite_add_tcase(s, tc);
	return s;
}
