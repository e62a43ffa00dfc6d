/*
 * check_watchout.c - what whichns watch writes (watchout.h): UTC times
 * against the C library's gmtime_r, the live line, the table's columns and
 * verdict texts, the advice for none, one and several stale processes,
 * --json events and summary parsed back, events.tsv's columns (the JSON
 * event's keys, in order), report.md and timeline.svg; every format fed
 * a comm and a query name holding control bytes, markup and bytes that
 * are not UTF-8.
 *
 * Rows are made by the model itself (wm_table_row, wm_row_add) from
 * queries written here, so the outputs are checked on what watch counts.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "suites.h"
#include "testutil.h"
#include "watchev.h"
#include "watchout.h"
#include "wellformed.h"

#define S    1000000000ull
#define T0   (1795788120ull * S)   /* 2026-11-27 14:02:00 UTC */
#define T1   (T0 + 10 * S)

/* Bytes a comm or a name may hold: markup, quotes, a tab, a newline, an
 * ESC, a DEL, a Markdown table's bar and bytes that are not UTF-8. */
#define HOSTILE_COMM "a<b\"\t\n\x1b|&\x7f\xff"
#define HOSTILE_NAME "x<y>\"z\t\n\x1b\\|&\xfe.hat.com"

static const char *const conf_new[] = { "198.51.100.53", NULL };

static struct wm_conf mkconf(const char *const *ns)
{
	struct wm_conf c = { 0 };
	for (; *ns; ns++)
		ck_assert_int_eq(pkt_addr_parse(*ns, &c.ns[c.n++]), 0);
	return c;
}

static struct wm_row *mkrow(struct wm_table *t, uint32_t pid, const char *comm)
{
	struct wm_proc p = { .tgid = pid, .start = 4242 + pid, .mntns = 4026531841u };
	snprintf(p.comm, sizeof p.comm, "%s", comm);
	snprintf(p.exe, sizeof p.exe, "/usr/bin/%s", comm);
	snprintf(p.cgroup, sizeof p.cgroup, "/system.slice/%s.service", comm);
	struct wm_row *r = wm_table_row(t, &p);
	ck_assert_ptr_nonnull(r);
	return r;
}

static struct wm_query mkquery(const struct wm_row *r, uint64_t t_ns,
                               const char *dst, const char *qname)
{
	struct wm_query q = {
		.t_ns = t_ns, .tgid = r->p.tgid, .tid = r->p.tgid + 1,
		.owner = WN_OWNER_CURRENT, .kind = WN_EV_PACKET, .sport = 40000,
		.dport = 53, .proto = 17, .nmsgs = 1, .id = 4660, .qtype = 1,
		.wire_len = 60,
	};
	snprintf(q.comm, sizeof q.comm, "%s", r->p.comm);
	snprintf(q.qname, sizeof q.qname, "%s", qname);
	ck_assert_int_eq(pkt_addr_parse("192.0.2.7", &q.src), 0);
	ck_assert_int_eq(pkt_addr_parse(dst, &q.dst), 0);
	return q;
}

/* A query to dst at t, judged by conf (NULL: not known) as watch does. */
static enum wm_class ask(struct wm_table *t, struct wm_row *r, uint64_t t_ns,
                         const char *dst, const struct wm_conf *conf)
{
	struct wm_query q = mkquery(r, t_ns, dst, "mail.hat.com");
	enum wm_class c = wm_classify(conf, r->p.forwarder, &q.dst);
	wm_row_add(t, r, &q, c, conf);
	return c;
}

/* The table of most tests: getip stale from 14:02:01, web following,
 * idle with no query. */
static void table3(struct wm_table *t, const struct wm_conf *conf)
{
	wm_table_init(t, T0);
	struct wm_row *a = mkrow(t, 123, "getip");
	struct wm_row *b = mkrow(t, 456, "web");
	mkrow(t, 789, "idle");
	for (int i = 0; i < 3; i++)
		ask(t, a, T0 + (1 + i) * S + 123000000, "198.51.100.10", conf);
	for (int i = 0; i < 2; i++)
		ask(t, b, T0 + (2 + i) * S, "198.51.100.53", conf);
}

static struct wo_meta meta(void)
{
	return (struct wo_meta){ .t0_ns = T0, .t1_ns = T1, .filter = "all processes",
	                         .version = "0.1 (test)", .host = "host1" };
}

/* ---- Time ---- */

START_TEST(test_times_match_gmtime)
{
	/* Leap days, centuries, the epoch, and a pseudo-random spread up to
	 * 2554, where nanoseconds since the epoch leave 64 bits. */
	uint64_t fixed[] = { 0, 951782400ull, 951868799ull, 4107542400ull,
	                     1795788131ull, 13574606400ull, 18429292799ull };
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 2000; i++) {
		uint64_t s;
		if (i < NROWS(fixed)) {
			s = fixed[i];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s = x % 18429292800ull;
		}
		uint32_t ns = (uint32_t)(x % S);
		time_t tt = (time_t)s;
		struct tm tm;
		char want[64], got[64], clk[32];
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ",
		         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		         tm.tm_min, tm.tm_sec, ns);
		wo_iso(s * S + ns, got, sizeof got);
		ck_assert_str_eq(got, want);
		wo_clock(s * S + ns, clk, sizeof clk);
		ck_assert_uint_eq(strlen(clk), 12);
		ck_assert_int_eq(memcmp(clk, want + 11, 12), 0);
	}
}
END_TEST

/* ---- The live line ---- */

START_TEST(test_live_line)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	struct wm_row *r = mkrow(&t, 1234, "getip");
	struct wm_query q = mkquery(r, T0 + 11 * S + 123456789, "198.51.100.10",
	                            "mail.hat.com");
	struct memout m;
	wo_live_line(memout_open(&m), &q, r, &conf);
	char *got = memout_text(&m);
	ck_assert_str_eq(got, "14:02:11.123 STALE pid 1234 getip -> 198.51.100.10 "
	                 "A mail.hat.com (its resolv.conf lists 198.51.100.53)\n");
	free(got);

	/* Printable UTF-8 is kept; a C1 control (CSI, U+009B) is not. */
	snprintf(q.comm, sizeof q.comm, "caf\xc3\xa9\xc2\x9b");
	wo_live_line(memout_open(&m), &q, r, &conf);
	got = memout_text(&m);
	ck_assert_has(got, " caf\xc3\xa9\\xc2\\x9b -> ");
	free(got);

	/* A hostile comm and name: one line, no control byte left. */
	snprintf(q.comm, sizeof q.comm, "%s", HOSTILE_COMM);
	snprintf(q.qname, sizeof q.qname, "%s", HOSTILE_NAME);
	wo_live_line(memout_open(&m), &q, r, &conf);
	got = memout_text(&m);
	ck_assert_uint_eq(count_str(got, "\n"), 1);
	for (const char *p = got; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte "
		              "%#x in %s", *p, got);
	ck_assert_utf8(got);
	ck_assert_has(got, "a<b\"\\x09\\x0a\\x1b|&\\x7f\\xff -> ");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* ---- The table ---- */

static char *table_text(const struct wm_table *t, const struct wo_meta *m)
{
	struct memout mo;
	wo_table(memout_open(&mo), t, m);
	return memout_text(&mo);
}

START_TEST(test_table_columns)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	char *got = table_text(&t, &m);
	ck_assert_has(got, "PID      COMM   QUERIES    STALE  SERVERS USED      "
	              "FIRST STALE   LAST STALE    VERDICT\n");
	ck_assert_has(got, "123      getip        3        3  198.51.100.10(3)  "
	              "14:02:01.123  14:02:03.123  STALE since 14:02:01\n");
	ck_assert_has(got, "456      web          2        0  198.51.100.53(2)  "
	              "-             -             FOLLOWED\n");
	ck_assert_has(got, "789      idle         0        0  -                 "
	              "-             -             NO QUERIES\n");
	ck_assert_uint_eq(count_str(got, "\n"), 4);   /* nothing lost: no note */
	free(got);

	m.lost = 7;
	t.dropped_rows = 1;
	got = table_text(&t, &m);
	ck_assert_has(got, "7 records were lost (the kernel's ring buffer was full)");
	ck_assert_has(got, "1 query of processes past the first 512 was not counted.\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* Each verdict's text: STALE/MIXED since the first stale query, LATE
 * until the last one. */
START_TEST(test_table_verdicts)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	wm_table_init(&t, T0);
	struct wm_row *mixed = mkrow(&t, 10, "mixed");
	ask(&t, mixed, T0 + 1 * S, "198.51.100.10", &conf);
	ask(&t, mixed, T0 + 2 * S, "198.51.100.53", &conf);
	ask(&t, mixed, T0 + 3 * S, "198.51.100.10", &conf);
	struct wm_row *late = mkrow(&t, 11, "late");
	ask(&t, late, T0 + 4 * S, "198.51.100.10", &conf);
	ask(&t, late, T0 + 5 * S, "198.51.100.10", &conf);
	ask(&t, late, T0 + 6 * S, "198.51.100.53", &conf);
	struct wm_row *unread = mkrow(&t, 12, "unread");
	ask(&t, unread, T0 + 1 * S, "198.51.100.10", NULL);
	char *got = table_text(&t, &m);
	ck_assert_has(got, "MIXED since 14:02:01\n");
	ck_assert_has(got, "LATE, stale until 14:02:05\n");
	ck_assert_has(got, "INCONCLUSIVE\n");
	ck_assert_has(got, " 198.51.100.10(2) 198.51.100.53(1) ");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* The verdict column starts where its heading does, whatever the comm. */
START_TEST(test_table_hostile_aligned)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	snprintf(t.rows[1]->p.comm, sizeof t.rows[1]->p.comm, "%s", HOSTILE_COMM);
	char *got = table_text(&t, &m);
	ck_assert_uint_eq(count_str(got, "\n"), 4);
	ck_assert_has(got, "a<b\"\\x09\\x0a\\x1b|&\\x7f\\xff");
	size_t col = (size_t)(strstr(got, "VERDICT") - got);
	for (const char *line = strchr(got, '\n') + 1; *line;
	     line = strchr(line, '\n') + 1) {
		const char *v = strstr(line, "STALE since");
		if (!v)
			v = strstr(line, "FOLLOWED");
		if (!v)
			v = strstr(line, "NO QUERIES");
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq((size_t)(v - line), col);
	}
	free(got);
	wm_table_free(&t);
}
END_TEST

/* ---- The advice ---- */

static char *advice_text(const struct wm_table *t)
{
	struct memout mo;
	wo_advice(memout_open(&mo), t);
	return memout_text(&mo);
}

START_TEST(test_advice_none)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	ask(&t, mkrow(&t, 456, "web"), T0 + S, "198.51.100.53", &conf);
	mkrow(&t, 789, "idle");
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "No process queried a server its resolv.conf "
	                 "does not list.\n");
	free(got);
	wm_table_free(&t);

	wm_table_init(&t, T0);   /* no row at all */
	got = advice_text(&t);
	ck_assert_str_eq(got, "No process queried a server its resolv.conf "
	                 "does not list.\n");
	free(got);
}
END_TEST

START_TEST(test_advice_one)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	table3(&t, &conf);
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "Restart or reload these processes: they still "
	                 "query servers their resolv.conf no longer lists: getip "
	                 "(pid 123).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_advice_several)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	table3(&t, &conf);
	struct wm_row *c = mkrow(&t, 321, "cron");
	ask(&t, c, T0 + 4 * S, "2001:db8::10", &conf);
	ask(&t, c, T0 + 5 * S, "198.51.100.53", &conf);
	ask(&t, c, T0 + 6 * S, "2001:db8::10", &conf);     /* MIXED */
	struct wm_row *l = mkrow(&t, 654, "late");
	ask(&t, l, T0 + 4 * S, "198.51.100.10", &conf);
	ask(&t, l, T0 + 5 * S, "198.51.100.53", &conf);    /* LATE */
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "Restart or reload these processes: they still "
	                 "query servers their resolv.conf no longer lists: getip "
	                 "(pid 123), cron (pid 321). These did, then followed "
	                 "their resolv.conf on their own (nothing to do): late "
	                 "(pid 654).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_advice_late_only)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	struct wm_row *l = mkrow(&t, 654, "late");
	ask(&t, l, T0 + 4 * S, "198.51.100.10", &conf);
	ask(&t, l, T0 + 5 * S, "198.51.100.53", &conf);
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "No process still queries a server its resolv.conf "
	                 "does not list. These did, then followed their "
	                 "resolv.conf on their own (nothing to do): late (pid 654).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* A process whose resolv.conf could not be read is not judged; one that
 * had exited before is said to need nothing, and one still there not. */
START_TEST(test_advice_unread)
{
	struct wm_table t;
	wm_table_init(&t, T0);
	struct wm_row *a = mkrow(&t, 31, "getent");
	a->p.gone = true;
	ask(&t, a, T0 + S, "198.51.100.10", NULL);
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "No process queried a server its resolv.conf "
	                 "does not list. Not judged, their resolv.conf could not "
	                 "be read: getent (pid 31) (a process that exited before "
	                 "it could be read starts afresh next time: nothing to "
	                 "restart).\n");
	free(got);
	a->p.gone = false;
	got = advice_text(&t);
	ck_assert_str_eq(got, "No process queried a server its resolv.conf "
	                 "does not list. Not judged, their resolv.conf could not "
	                 "be read: getent (pid 31).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* A process that asks only the local stub: which stub, and that the
 * stub's own row answers the question (or that it sent nothing). */
START_TEST(test_advice_local)
{
	static const char *const stub[] = { "127.0.0.53", NULL };
	struct wm_conf sconf = mkconf(stub), conf = mkconf(conf_new);
	struct wm_table t;
	wm_table_init(&t, T0);
	ask(&t, mkrow(&t, 77, "sshd"), T0 + S, "127.0.0.53", &sconf);
	char *got = advice_text(&t);
	ck_assert_str_eq(got, "No process queried a server its resolv.conf does "
	                 "not list. These ask only a local resolver their "
	                 "resolv.conf lists: sshd (pid 77) asks 127.0.0.53. "
	                 "Whether they get answers from the new servers is that "
	                 "resolver's question: its own row shows the servers it "
	                 "asks, and no DNS server sent a query during the watch "
	                 "(it may have answered from its cache, or be outside the "
	                 "filter).\n");
	free(got);

	struct wm_proc p = { .tgid = 300, .start = 1, .forwarder = true };
	snprintf(p.comm, sizeof p.comm, "systemd-resolve");
	struct wm_row *fw = wm_table_row(&t, &p);
	ask(&t, fw, T0 + 2 * S, "198.51.100.10", &conf);
	got = advice_text(&t);
	ck_assert_has(got, "its own row shows the servers it asks "
	              "(systemd-resolve (pid 300)).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_advice_many_names)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	for (uint32_t i = 0; i < 25; i++)
		ask(&t, mkrow(&t, 1000 + i, "w"), T0 + S, "198.51.100.10", &conf);
	char *got = advice_text(&t);
	ck_assert_uint_eq(count_str(got, " (pid "), 20);
	ck_assert_has(got, "w (pid 1019) and 5 more (the table has them all).\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* ---- JSON Lines ---- */

static char *json_event_text(const struct wm_query *q, const struct wm_row *r,
                             enum wm_class c, const struct wm_conf *conf)
{
	struct memout mo;
	wo_json_event(memout_open(&mo), q, r, c, conf);
	return memout_text(&mo);
}

START_TEST(test_json_event)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	struct wm_row *r = mkrow(&t, 123, "getip");
	struct wm_query q = mkquery(r, T0 + 11 * S + 5, "198.51.100.10", "mail.hat.com");
	char *got = json_event_text(&q, r, WM_STALE, &conf);
	ck_assert_str_eq(got, "{\"type\":\"query\",\"time\":"
	                 "\"2026-11-27T14:02:11.000000005Z\",\"pid\":123,\"tid\":124,"
	                 "\"comm\":\"getip\",\"exe\":\"/usr/bin/getip\",\"mntns\":"
	                 "4026531841,\"cgroup\":\"/system.slice/getip.service\","
	                 "\"proto\":\"udp\",\"src\":\"192.0.2.7\",\"sport\":40000,"
	                 "\"server\":\"198.51.100.10\",\"port\":53,\"id\":4660,"
	                 "\"qtype\":\"A\",\"qname\":\"mail.hat.com\",\"messages\":1,"
	                 "\"class\":\"stale\",\"listed\":[\"198.51.100.53\"]}\n");
	free(got);

	/* A connect: no DNS fields; no conf: listed null. */
	q.kind = WN_EV_CONNECT;
	q.proto = 6;
	q.src = (struct pkt_addr){ 0 };
	got = json_event_text(&q, r, WM_UNJUDGED, NULL);
	ck_assert_json(got);
	ck_assert_has(got, "{\"type\":\"connect\",");
	ck_assert_has(got, "\"proto\":\"tcp\",\"src\":null,\"sport\":null,");
	ck_assert_has(got, "\"port\":53,\"class\":\"unjudged\",\"listed\":null}\n");
	ck_assert_ptr_null(strstr(got, "qname"));
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_json_hostile)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	wm_table_init(&t, T0);
	struct wm_row *r = mkrow(&t, 123, HOSTILE_COMM);
	snprintf(r->p.exe, sizeof r->p.exe, "/tmp/%s", HOSTILE_NAME);
	snprintf(r->p.cgroup, sizeof r->p.cgroup, "/%s", HOSTILE_NAME);
	struct wm_query q = mkquery(r, T0 + S, "2001:db8::10", HOSTILE_NAME);
	wm_row_add(&t, r, &q, WM_STALE, &conf);
	char *got = json_event_text(&q, r, WM_STALE, &conf);
	ck_assert_json(got);
	ck_assert_utf8(got);
	ck_assert_uint_eq(count_str(got, "\n"), 1);
	ck_assert_has(got, "\"comm\":\"a<b\\\"\\t\\n\\u001b|&\x7f\xef\xbf\xbd\"");
	free(got);

	struct wo_meta m = meta();
	m.filter = "comm " HOSTILE_COMM;
	m.host = HOSTILE_NAME;
	struct memout mo;
	wo_json_summary(memout_open(&mo), &t, &m);
	got = memout_text(&mo);
	ck_assert_json(got);
	ck_assert_utf8(got);
	ck_assert_uint_eq(count_str(got, "\n"), 1);
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_json_summary)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	m.lost = 2;
	m.pcapng = "/tmp/w.pcapng";
	struct memout mo;
	wo_json_summary(memout_open(&mo), &t, &m);
	char *got = memout_text(&mo);
	ck_assert_json(got);
	ck_assert_uint_eq(count_str(got, "\n"), 1);
	ck_assert_has(got, "{\"type\":\"summary\",\"t0\":\"2026-11-27T14:02:00."
	              "000000000Z\",\"t1\":\"2026-11-27T14:02:10.000000000Z\","
	              "\"seconds\":10.000,\"filter\":\"all processes\",");
	ck_assert_has(got, "\"pcapng\":\"/tmp/w.pcapng\",\"lost\":2,\"not_dns\":0,"
	              "\"dropped_rows\":0,\"interrupted\":false,\"needs_restart\":1,"
	              "\"processes\":[{\"pid\":123,");
	ck_assert_has(got, "{\"pid\":123,\"start\":4365,\"comm\":\"getip\",\"exe\":"
	              "\"/usr/bin/getip\",\"mntns\":4026531841,\"cgroup\":"
	              "\"/system.slice/getip.service\",\"cgroup_id\":0,\"forwarder\":"
	              "false,\"gone\":false,\"queries\":3,\"listed\":0,\"stale\":3,"
	              "\"local\":0,\"unjudged\":0,\"connects\":0,\"servers\":[{\"server\":"
	              "\"198.51.100.10\",\"queries\":3,\"stale\":3}],\"other_servers\":0,");
	ck_assert_has(got, "\"first_stale\":\"2026-11-27T14:02:01.123000000Z\","
	              "\"last_stale\":\"2026-11-27T14:02:03.123000000Z\",\"verdict\":"
	              "\"STALE\",\"since\":\"2026-11-27T14:02:01.123000000Z\","
	              "\"needs_restart\":true,\"conf\":[\"198.51.100.53\"],");
	/* idle: nothing known */
	ck_assert_has(got, "\"verdict\":\"NO QUERIES\",\"since\":null,"
	              "\"needs_restart\":false,\"conf\":null,");
	free(got);
	wm_table_free(&t);

	wm_table_init(&t, T0);   /* empty */
	m = (struct wo_meta){ 0 };
	wo_json_summary(memout_open(&mo), &t, &m);
	got = memout_text(&mo);
	ck_assert_json(got);
	ck_assert_has(got, "\"filter\":null,");
	ck_assert_has(got, "\"processes\":[]}\n");
	free(got);
}
END_TEST

/* ---- events.tsv ---- */

static size_t fields(const char *line, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += line[i] == '\t';
	return n;
}

/* The keys of a one-line JSON object, tab-separated, in order. */
static void json_keys(const char *obj, char *out, size_t size)
{
	size_t o = 0;
	int depth = 0;
	bool in = false;
	out[0] = '\0';
	for (const char *p = obj; *p; p++) {
		if (in) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in = false;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		else if (*p == '"' && depth == 1 && (p[-1] == '{' || p[-1] == ',')) {
			const char *e = strchr(p + 1, '"');
			o += (size_t)snprintf(out + o, size - o, "%s%.*s", o ? "\t" : "",
			                      (int)(e - p - 1), p + 1);
			p = e;
			continue;
		} else if (*p == '"')
			in = true;
	}
}

START_TEST(test_tsv)
{
	struct wm_table t;
	struct wm_conf conf = mkconf((const char *const[]){ "198.51.100.53",
	                                                    "2001:db8::53", NULL });
	wm_table_init(&t, T0);
	struct wm_row *r = mkrow(&t, 123, HOSTILE_COMM);
	struct wm_query q = mkquery(r, T0 + S, "198.51.100.10", HOSTILE_NAME);
	struct memout mo;
	FILE *f = memout_open(&mo);
	wo_tsv_header(f);
	wo_tsv_event(f, &q, r, WM_STALE, &conf);
	struct wm_query c = q;
	c.kind = WN_EV_CONNECT;
	wo_tsv_event(f, &c, r, WM_STALE, NULL);
	char *got = memout_text(&mo);
	ck_assert_utf8(got);
	ck_assert_uint_eq(count_str(got, "\n"), 3);

	const char *l1 = strchr(got, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
	size_t n0 = (size_t)(l1 - got - 1), n1 = (size_t)(l2 - l1 - 1);
	ck_assert_uint_eq(fields(got, n0), 19);
	ck_assert_uint_eq(fields(l1, n1), 19);
	ck_assert_uint_eq(fields(l2, strlen(l2) - 1), 19);
	/* The header is the JSON event's keys, in their order. */
	char *js = json_event_text(&q, r, WM_STALE, &conf), keys[512], head[512];
	json_keys(js, keys, sizeof keys);
	snprintf(head, sizeof head, "%.*s", (int)n0, got);
	ck_assert_str_eq(keys, head);
	free(js);
	ck_assert_has(l1, "\ta<b\"\\x09\\x0a\\x1b|&\\x7f\\xff\t");
	ck_assert_has(l1, "\tx<y>\"z\\x09\\x0a\\x1b\\\\|&\\xfe.hat.com\t1\tstale\t"
	              "198.51.100.53,2001:db8::53\n");
	ck_assert_has(l2, "connect\t2026-11-27T14:02:01.000000000Z\t123\t124\t");
	ck_assert_has(l2, "\t198.51.100.10\t53\t-\t-\t-\t-\tstale\t-\n");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* ---- report.md ---- */

static char *report_text(const struct wm_table *t, const struct wo_meta *m)
{
	struct wo_doc d = { t, m };
	struct memout mo;
	ck_assert_int_eq(wo_report_md(memout_open(&mo), &d), 0);
	return memout_text(&mo);
}

START_TEST(test_report_md)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	char *got = report_text(&t, &m);
	ck_assert_has(got, "# whichns watch on host1\n\nWatched all processes from "
	              "2026-11-27 14:02:00 to 14:02:10 UTC (10.0 s). whichns 0.1 "
	              "(test).\n");
	ck_assert_has(got, "| 123 | getip | 3 | 3 | 198.51.100.10(3) | 14:02:01.123 "
	              "| 14:02:03.123 | **STALE since 14:02:01** | 198.51.100.53 |\n");
	ck_assert_has(got, "| 789 | idle | 0 | 0 | - | - | - | **NO QUERIES** | "
	              "not read |\n");
	ck_assert_has(got, "| **FOLLOWED** | 198.51.100.53 |\n");
	ck_assert_has(got, "## What to do\n\nRestart or reload these processes: "
	              "they still query servers their resolv.conf no longer lists: "
	              "getip (pid 123).\n");
	ck_assert_has(got, "/proc/PID/root/etc/resolv.conf");
	ck_assert_has(got, "a stat per event");
	ck_assert_ptr_null(strstr(got, "## Not counted"));
	ck_assert_ptr_null(strstr(got, "`-w`"));
	ck_assert_has(got, "- `events.tsv`:");
	ck_assert_has(got, "- `timeline.svg`:");
	ck_assert_has(got, "- `summary.json`:");
	free(got);

	/* web's file had no nameserver line: 127.0.0.1, said so */
	static const char *const dflt[] = { "127.0.0.1", NULL };
	t.rows[1]->conf = mkconf(dflt);
	t.rows[1]->conf.defaulted = true;
	m.lost = 3;
	m.not_dns = 4;
	m.pcapng = "/tmp/w.pcapng";
	got = report_text(&t, &m);
	ck_assert_has(got, "## Not counted\n\n- **3 records lost**");
	ck_assert_has(got, "- 4 packets to port 53 did not decode as a DNS query");
	ck_assert_ptr_null(strstr(got, "past the table's first"));
	ck_assert_has(got, "- /tmp/w.pcapng (`-w`)");
	ck_assert_has(got, "| **FOLLOWED** | 127.0.0.1 (no nameserver line: "
	              "the default) |\n");
	free(got);

	/* a path as long as Linux allows is written whole */
	char path[4096], want[4200];
	memset(path, 'p', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	m.pcapng = path;
	snprintf(want, sizeof want, "- %s (`-w`)", path);
	got = report_text(&t, &m);
	ck_assert_has(got, want);
	free(got);
	wm_table_free(&t);
}
END_TEST

/* A hostile comm cannot add a table cell, a line, markup or a byte that
 * is not UTF-8. */
START_TEST(test_report_md_hostile)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	snprintf(t.rows[0]->p.comm, sizeof t.rows[0]->p.comm, "%s", HOSTILE_COMM);
	m.host = "h|<i>";
	char *got = report_text(&t, &m);
	ck_assert_utf8(got);
	ck_assert_has(got, "# whichns watch on h\\|\\<i\\>\n");
	ck_assert_has(got, "| 123 | a\\<b\"\\\\x09\\\\x0a\\\\x1b\\|\\&\\\\x7f\\\\xff | 3 |");
	ck_assert_has(got, "lists: a\\<b\"\\\\x09");
	for (const char *p = got; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte");
	/* every table line has the header's 9 cells: 10 unescaped bars */
	for (const char *l = strstr(got, "| pid"); l && *l == '|';
	     l = strchr(l, '\n') + 1) {
		size_t bars = 0;
		for (const char *p = l; *p != '\n'; p++)
			bars += *p == '|' && p[-1] != '\\';
		ck_assert_uint_eq(bars, 10);
	}
	free(got);
	wm_table_free(&t);
}
END_TEST

/* ---- timeline.svg ---- */

static char *svg_text(const struct wm_table *t, const struct wo_meta *m)
{
	struct wo_doc d = { t, m };
	struct memout mo;
	ck_assert_int_eq(wo_timeline_svg(memout_open(&mo), &d), 0);
	return memout_text(&mo);
}

START_TEST(test_svg)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	table3(&t, &conf);
	char *got = svg_text(&t, &m);
	ck_assert_xml(got);
	ck_assert_utf8(got);
	ck_assert_ptr_null(strstr(got, "<script"));
	ck_assert_ptr_null(strstr(got, "href"));
	ck_assert_has(got, "whichns watch from 2026-11-27 14:02:00 to 14:02:10 UTC "
	              "(10.0 s)</text>");
	ck_assert_uint_eq(count_str(got, "<g class=\"lane\">"), 3);
	ck_assert_has(got, "getip</tspan> (123) <tspan x=\"8\" dy=\"16\" fill=\""
	              "#d95f02\" font-weight=\"bold\">STALE since 14:02:01</tspan>");
	ck_assert_has(got, "idle</tspan> (789) <tspan");
	ck_assert_has(got, ">NO QUERIES</tspan>");
	/* getip: 3 stale queries, 1 s apart, 3 marks; web: 2 listed */
	ck_assert_uint_eq(count_str(got, "<rect class=\"m stale\""), 3);
	ck_assert_uint_eq(count_str(got, "<rect class=\"m listed\""), 2);
	ck_assert_uint_eq(count_str(got, "<rect class=\"m "), 5);
	for (int k = 0; k < 4; k++) {
		static const char *const c[] = { "#1b9e77", "#d95f02", "#7570b3", "#bdbdbd" };
		ck_assert_has(got, c[k]);
	}
	ck_assert_has(got, "stale: to a server it does not list");
	free(got);
	wm_table_free(&t);
}
END_TEST

/* A query half-way through the watch is drawn half-way across the plot
 * (170 + 700 / 2), its column as wide as the table's bin. */
START_TEST(test_svg_x)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	m.t1_ns = T0 + 20 * S;
	wm_table_init(&t, T0);
	struct wm_row *r = mkrow(&t, 5, "half");
	ask(&t, r, T0 + 10 * S, "198.51.100.10", &conf);
	ask(&t, r, T0 + 10 * S + 1, "198.51.100.10", &conf);   /* same column */
	ask(&t, r, T0 + 15 * S, "127.0.0.1", &conf);           /* stale too */
	ask(&t, r, T0 + 19 * S, "198.51.100.53", &conf);
	ask(&t, r, T0 + 19960 * 1000000ull, "198.51.100.53", &conf);  /* cut */
	ask(&t, r, T0 + 21 * S, "198.51.100.53", &conf);   /* after t1: not drawn */
	ck_assert_uint_eq(t.bin_ns, 50000000);
	char *got = svg_text(&t, &m);
	ck_assert_xml(got);
	/* 50 ms of 20 s is 1.75 px: widened to 3 px around its centre */
	ck_assert_has(got, "<rect class=\"m stale\" x=\"519.4\" y=\"");
	ck_assert_has(got, "><title>2 stale queries, 14:02:10.000 to "
	              "14:02:10.050</title></rect>");
	ck_assert_has(got, "<rect class=\"m stale\" x=\"694.4\" y=\"");
	ck_assert_has(got, "<rect class=\"m listed\" x=\"834.4\" y=\"");
	/* the column 19.95 s to 20 s, widened to 3 px, cut at the plot's edge */
	ck_assert_has(got, "<rect class=\"m listed\" x=\"867.6\" y=\"72.5\" "
	              "width=\"2.4\" height=\"4.0\"");
	ck_assert_uint_eq(count_str(got, "<rect class=\"m "), 4);
	ck_assert_has(got, ">14:02:10</text>");   /* a tick every 5 s */
	ck_assert_has(got, ">14:02:15</text>");
	free(got);
	wm_table_free(&t);
}
END_TEST

START_TEST(test_svg_hostile_and_limits)
{
	struct wm_table t;
	struct wm_conf conf = mkconf(conf_new);
	struct wo_meta m = meta();
	m.filter = "comm " HOSTILE_COMM;
	wm_table_init(&t, T0);
	for (uint32_t i = 0; i < WO_LANES_MAX + 12; i++)
		ask(&t, mkrow(&t, 100 + i, HOSTILE_COMM), T0 + i * 100000000ull,
		    "198.51.100.10", &conf);
	char *got = svg_text(&t, &m);
	ck_assert_xml(got);
	ck_assert_utf8(got);
	ck_assert_uint_eq(count_str(got, "<g class=\"lane\">"), WO_LANES_MAX);
	ck_assert_has(got, ">12 more processes, not drawn (report.md has them all): ");
	ck_assert_has(got, "a&lt;b&quot;\t\n|&amp;\x7f\xef\xbf\xbd (140), ");
	ck_assert_has(got, ", \xe2\x80\xa6</text>");
	free(got);
	wm_table_free(&t);

	wm_table_init(&t, T0);   /* no process */
	m.t1_ns = m.t0_ns;       /* and no time */
	got = svg_text(&t, &m);
	ck_assert_xml(got);
	ck_assert_has(got, "no process sent a DNS query");
	/* a second shown: ticks every 200 ms, no trailing zero */
	ck_assert_has(got, ">14:02:00</text>");
	ck_assert_has(got, ">14:02:00.2</text>");
	ck_assert_has(got, ">14:02:01</text>");
	free(got);
}
END_TEST

Suite *watchout_suite(void)
{
	Suite *s = suite_create("watchout");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, test_times_match_gmtime);
	tcase_add_test(tc, test_live_line);
	tcase_add_test(tc, test_table_columns);
	tcase_add_test(tc, test_table_verdicts);
	tcase_add_test(tc, test_advice_none);
	tcase_add_test(tc, test_advice_one);
	tcase_add_test(tc, test_advice_several);
	tcase_add_test(tc, test_advice_late_only);
	tcase_add_test(tc, test_advice_unread);
	tcase_add_test(tc, test_advice_local);
	tcase_add_test(tc, test_json_event);
	tcase_add_test(tc, test_json_summary);
	tcase_add_test(tc, test_tsv);
	tcase_add_test(tc, test_report_md);
	tcase_add_test(tc, test_svg);
	tcase_add_test(tc, test_svg_x);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_advice_many_names);
	tcase_add_test(tc, test_svg_hostile_and_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_test(tc, test_table_hostile_aligned);
	tcase_add_test(tc, test_json_hostile);
	tcase_add_test(tc, test_report_md_hostile);
	suite_add_tcase(s, tc);
	return s;
}
