/*
 * check_procs.c - a case's processes: /proc/net socket lines, status
 * fields, which processes sent the queries (by socket, by being alive,
 * else the whole tree) and the C library the case is named for, and
 * processes.tsv.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procs.h"
#include "suites.h"
#include "testutil.h"

static const struct {
	const char *line;
	int rc;
	unsigned long inode;
	unsigned lport, rport;
} net_lines[] = {
	{ "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
	  "retrnsmt   uid  timeout inode ref pointer drops", -1, 0, 0, 0 },
	{ "  734: 0264330A:A1B2 0A6433C6:0035 01 00000000:00000000 00:00000000 "
	  "00000000     0        0 123456 2 0000000000000000 0\n", 0, 123456, 0xa1b2, 53 },
	{ " 1043: 00000000:D431 00000000:0000 07 00000000:00000000 00:00000000 "
	  "00000000     0        0 98 2 0000000000000000 0", 0, 98, 0xd431, 0 },
	/* udp6: 32 hex digits an address */
	{ "  101: 00000000000000000000000000000000:9C40 "
	  "B80D0120000000000000000000001000:0035 01 00000000:00000000 "
	  "00:00000000 00000000     0        0 777 2 0000000000000000 0", 0, 777, 0x9c40, 53 },
	{ "  734: 0264330A:A1B2 0A6433C6:0035 01", -1, 0, 0, 0 },          /* cut */
	{ "  734: 0264330:A1B2 0A6433C6:0035 01 0:0 0:0 0 0 0 5", -1, 0, 0, 0 },
	{ "  734: 0264330A:A1B 0A6433C6:0035 01 0:0 0:0 0 0 0 5", -1, 0, 0, 0 },
	{ "  734: 0264330A:A1B2 0A6433C6:0035 01 0:0 0:0 0 0 0 5x", -1, 0, 0, 0 },
	{ "  734: 0264330A:A1B2 0A6433C6:0035 01 0:0 0:0 0 0 0 "
	  "99999999999999999999999", -1, 0, 0, 0 },
	{ "734 0264330A:A1B2 0A6433C6:0035 01 0:0 0:0 0 0 0 5", -1, 0, 0, 0 },
	{ "", -1, 0, 0, 0 },
};

START_TEST(test_net_line)
{
	unsigned long inode = 0;
	uint16_t l = 0, r = 0;
	int rc = procs_net_line(net_lines[_i].line, &inode, &l, &r);
	ck_assert_msg(rc == net_lines[_i].rc, "row %d: %d", _i, rc);
	if (rc == 0) {
		ck_assert_uint_eq(inode, net_lines[_i].inode);
		ck_assert_uint_eq(l, net_lines[_i].lport);
		ck_assert_uint_eq(r, net_lines[_i].rport);
	}
}
END_TEST

/* /proc/net/sockstat and sockstat6 as kernel 6.x writes them. */
START_TEST(test_sockstat)
{
	static const char v4[] = "sockets: used 8\n"
	                         "TCP: inuse 1 orphan 0 tw 17 alloc 5 mem 213\n"
	                         "UDP: inuse 0 mem 0\nUDPLITE: inuse 0\n";
	static const char v6[] = "TCP6: inuse 3\nUDP6: inuse 0\n";
	unsigned v = 99;
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP:", "inuse", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP:", "tw", &v), 0);
	ck_assert_uint_eq(v, 17);
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP:", "mem", &v), 0);
	ck_assert_uint_eq(v, 213);
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "UDP:", "inuse", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(procs_sockstat(v6, sizeof v6 - 1, "TCP6:", "inuse", &v), 0);
	ck_assert_uint_eq(v, 3);
	/* TCP: is not TCP6:'s line, nor the other way round */
	ck_assert_int_eq(procs_sockstat(v6, sizeof v6 - 1, "TCP:", "inuse", &v), -1);
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP6:", "inuse", &v), -1);
	/* a name that is a part of another, a missing one, no number */
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP:", "t", &v), -1);
	ck_assert_int_eq(procs_sockstat(v4, sizeof v4 - 1, "TCP:", "max", &v), -1);
	static const char bad[] = "TCP: inuse x tw 1\nTCP: inuse 1234567890\n";
	ck_assert_int_eq(procs_sockstat(bad, sizeof bad - 1, "TCP:", "inuse", &v), -1);
	ck_assert_int_eq(procs_sockstat(bad + 18, sizeof bad - 19, "TCP:", "inuse", &v), -1);
	/* cut: the number ends the text; the name ends it */
	ck_assert_int_eq(procs_sockstat("TCP: tw 4", 9, "TCP:", "tw", &v), 0);
	ck_assert_uint_eq(v, 4);
	ck_assert_int_eq(procs_sockstat("TCP: tw 4", 7, "TCP:", "tw", &v), -1);
	ck_assert_int_eq(procs_sockstat("TCP: tw 45", 9, "TCP:", "tw", &v), 0);
	ck_assert_uint_eq(v, 4);
	ck_assert_int_eq(procs_sockstat("", 0, "TCP:", "tw", &v), -1);
}
END_TEST

START_TEST(test_status_field)
{
	static const char st[] = "Name:\tgetent\nPid:\t4242\nPPid:\t4240\n"
	                         "NSpid:\t4242\t7\nNSsid:\t1\n";
	int v = 0;
	ck_assert_int_eq(procs_status_field(st, sizeof st - 1, "NSpid:", &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(procs_status_field(st, sizeof st - 1, "PPid:", &v), 0);
	ck_assert_int_eq(v, 4240);
	ck_assert_int_eq(procs_status_field(st, sizeof st - 1, "Tgid:", &v), -1);
	/* Cut inside a field's value: only what is there. */
	ck_assert_int_eq(procs_status_field(st, 20, "Pid:", &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(procs_status_field("PPid:\t\n", 7, "PPid:", &v), -1);
	ck_assert_int_eq(procs_status_field("PPid:x5\n", 8, "PPid:", &v), -1);
	ck_assert_int_eq(procs_status_field("PPid:", 5, "PPid:", &v), -1);
	ck_assert_int_eq(procs_status_field("PPid:\t12345678901\n", 18, "PPid:", &v), -1);
}
END_TEST

/* A table: "comm libc first last [leaf_first leaf_last]" each. */
static struct proc_entry *put(struct proc_table *t, int pid, const char *comm,
                              const char *libc, double first, double last)
{
	struct proc_entry *e = procs_add(t, pid, first);
	ck_assert_ptr_nonnull(e);
	snprintf(e->comm, sizeof e->comm, "%s", comm);
	snprintf(e->libc, sizeof e->libc, "%s", libc);
	e->t_last = last;
	return e;
}

/* sh (glibc) runs m (musl), which resolves: whichever way it is told,
 * the case is named for musl. */
START_TEST(test_headline_socket)
{
	struct proc_table t = { 0 };
	char buf[64];
	put(&t, 10, "sh", "glibc 2.36", 0, 2);
	struct proc_entry *m = put(&t, 11, "m", "musl 1.2.3", 0.1, 2);
	procs_add_port(m, 40000);
	struct procs_query q[] = { { 0.5, 40000 }, { 1.0, 40001 } };
	ck_assert_int_eq(procs_headline(&t, q, 2, 0.05, buf, sizeof buf), PROCS_SOCKET);
	ck_assert_str_eq(buf, "musl 1.2.3");
	ck_assert(!t.p[0].sender && t.p[1].sender);
	/* A connected socket to port 53 says it as well. */
	m->nports = 0;
	m->dns_socket = true;
	ck_assert_int_eq(procs_headline(&t, q, 2, 0.05, buf, sizeof buf), PROCS_SOCKET);
	ck_assert_str_eq(buf, "musl 1.2.3");
	procs_free(&t);
}
END_TEST

START_TEST(test_headline_alive)
{
	struct proc_table t = { 0 };
	char buf[64];
	struct proc_entry *sh = put(&t, 10, "sh", "glibc 2.36", 0, 2);
	struct proc_entry *m = put(&t, 11, "m", "musl 1.2.3", 0.1, 2);
	struct proc_entry *late = put(&t, 12, "sleep", "glibc 2.36", 3, 4);
	struct procs_query q[] = { { 0.5, 1 }, { 1.0, 2 } };
	/* No socket seen; sh and m alive at the queries, m a leaf. */
	m->leaf_first = 0.1;
	m->leaf_last = 2;
	ck_assert_int_eq(procs_headline(&t, q, 2, 0.05, buf, sizeof buf), PROCS_ALIVE);
	ck_assert_str_eq(buf, "musl 1.2.3");
	ck_assert(!sh->sender && m->sender && !late->sender);
	/* No leaf known: both alive, both named, the first seen first. */
	m->leaf_first = m->leaf_last = 0;
	ck_assert_int_eq(procs_headline(&t, q, 2, 0.05, buf, sizeof buf), PROCS_ALIVE);
	ck_assert_str_eq(buf, "glibc 2.36 (m: musl 1.2.3)");
	/* A shell seen once, just before it executed the resolver: alive
	 * (within the slack) at its first query only, not at the other 9. */
	struct proc_table t2 = { 0 };
	struct procs_query q10[10];
	for (int i = 0; i < 10; i++)
		q10[i] = (struct procs_query){ 0.02 + 0.05 * i, (uint16_t)(100 + i) };
	struct proc_entry *s2 = put(&t2, 20, "sh", "glibc 2.36", 0, 0);
	struct proc_entry *g2 = put(&t2, 20, "getip", "musl 1.2.3", 0.015, 0.5);
	s2->ended = true;
	s2->leaf_first = s2->leaf_last = 0.001;
	g2->leaf_first = 0.015;
	g2->leaf_last = 0.5;
	ck_assert_int_eq(procs_headline(&t2, q10, 10, 0.05, buf, sizeof buf), PROCS_ALIVE);
	ck_assert_str_eq(buf, "musl 1.2.3");
	ck_assert(!s2->sender && g2->sender);
	procs_free(&t2);
	/* No query: the whole tree. */
	ck_assert_int_eq(procs_headline(&t, NULL, 0, 0.05, buf, sizeof buf), PROCS_TREE);
	ck_assert_str_eq(buf, "glibc 2.36 (m: musl 1.2.3)");
	ck_assert(late->sender);
	procs_free(&t);
}
END_TEST

START_TEST(test_headline_limits)
{
	struct proc_table t = { 0 };
	char buf[64], small[32];
	ck_assert_int_eq(procs_headline(&t, NULL, 0, 0.05, buf, sizeof buf), PROCS_NONE);
	ck_assert_str_eq(buf, "unknown");
	put(&t, 1, "a", "musl 1.2.3", 0, 1);
	put(&t, 2, "b", "glibc 2.36", 0, 1);
	put(&t, 3, "c", "glibc 2.36", 0, 1);
	put(&t, 4, "d", "", 0, 1);                     /* ended before known */
	put(&t, 5, "e", "static", 0, 1);
	put(&t, 6, "b", "glibc 2.36", 0, 1);           /* named once */
	ck_assert_int_eq(procs_headline(&t, NULL, 0, 0.05, buf, sizeof buf), PROCS_TREE);
	ck_assert_str_eq(buf, "glibc 2.36 (a: musl 1.2.3, d: unknown, e: static)");
	/* A name that ends another ("ba" after "a") is a command of its own. */
	struct proc_table t3 = { 0 };
	put(&t3, 1, "sh", "glibc 2.36", 0, 1);
	put(&t3, 4, "cat", "glibc 2.36", 0, 1);
	put(&t3, 5, "tr", "glibc 2.36", 0, 1);
	put(&t3, 2, "bash", "musl 1.2.3", 0, 1);
	put(&t3, 3, "sh", "musl 1.2.3", 0, 1);
	ck_assert_int_eq(procs_headline(&t3, NULL, 0, 0.05, buf, sizeof buf), PROCS_TREE);
	ck_assert_str_eq(buf, "glibc 2.36 (bash: musl 1.2.3, sh: musl 1.2.3)");
	procs_free(&t3);
	/* Cut at a whole entry, the parenthesis closed. */
	procs_headline(&t, NULL, 0, 0.05, small, sizeof small);
	ck_assert_str_eq(small, "glibc 2.36 (a: musl 1.2.3)");
	procs_headline(&t, NULL, 0, 0.05, small, 12);
	ck_assert_str_eq(small, "glibc 2.36");
	char big[128];
	procs_summary(&t, big, sizeof big);
	ck_assert_str_eq(big, "a: musl 1.2.3, b: glibc 2.36, c: glibc 2.36, d: unknown, e: static");
	procs_summary(&t, small, sizeof small);
	ck_assert_str_eq(small, "a: musl 1.2.3, b: glibc 2.36");
	procs_free(&t);
}
END_TEST

START_TEST(test_find_add)
{
	struct proc_table t = { 0 };
	for (int i = 0; i < 40; i++)
		put(&t, 100 + i, "p", "glibc 2.36", 0, 1);
	ck_assert_int_eq(procs_find(&t, 120)->pid, 120);
	procs_find(&t, 120)->ended = true;
	ck_assert_ptr_null(procs_find(&t, 120));
	struct proc_entry *again = put(&t, 120, "q", "musl 1.2.3", 1, 2);  /* an execve */
	ck_assert_ptr_eq(procs_find(&t, 120), again);
	for (unsigned p = 0; p < PROCS_PORTS + 3; p++)
		procs_add_port(again, (uint16_t)(1000 + p % (PROCS_PORTS + 2)));
	ck_assert_uint_eq(again->nports, PROCS_PORTS);
	procs_free(&t);
}
END_TEST

START_TEST(test_tsv)
{
	struct proc_table t = { .init_pid = 50 };
	char *text = NULL;
	size_t len = 0;
	struct proc_entry *sh = put(&t, 51, "sh", "glibc 2.36", 10.0, 11.5);
	sh->nspid = 2;
	sh->ppid = 50;
	snprintf(sh->exe, sizeof sh->exe, "/usr/bin/dash");
	struct proc_entry *m = put(&t, 52, "m\tx", "musl 1.2.3", 10.25, 11.5);
	m->nspid = 3;
	m->ppid = 51;
	m->sender = true;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(procs_tsv(f, &t, 10.0, PROCS_SOCKET), 0);
	fclose(f);
	ck_assert_str_eq(text,
		"pid\tns_pid\tparent_ns_pid\tcomm\texe\tlibc\tfrom_ms\tto_ms\tnamed_by\n"
		"51\t2\t1\tsh\t/usr/bin/dash\tglibc 2.36\t0\t1500\t-\n"
		"52\t3\t2\tm x\t-\tmusl 1.2.3\t250\t1500\tsocket\n");
	free(text);
	procs_free(&t);
}
END_TEST

Suite *procs_suite(void)
{
	Suite *s = suite_create("procs");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, test_headline_socket);
	tcase_add_test(tc, test_headline_alive);
	tcase_add_test(tc, test_find_add);
	tcase_add_test(tc, test_tsv);
	tcase_add_test(tc, test_status_field);
	tcase_add_test(tc, test_sockstat);
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_net_line, 0, NROWS(net_lines));
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_headline_limits);
	suite_add_tcase(s, tc);
	return s;
}
