/*
 * check_serverset.c - the servers of a case: nameserver lines read as
 * glibc reads them, the set two files make, roles, marks, states after
 * the switch, and the texts a case writes.
 */
#include <check.h>
#include <string.h>
#include "resolvconf.h"
#include "serverset.h"
#include "suites.h"
#include "testutil.h"
#include "wnconst.h"

static struct pkt_addr A(const char *s)
{
	struct pkt_addr a;
	ck_assert_msg(pkt_addr_parse(s, &a) == 0, "bad test address %s", s);
	return a;
}

static enum vd_server role(const struct serverset *set, const char *addr)
{
	struct pkt_addr a = A(addr);
	return serverset_role(set, &a);
}

static int from(struct serverset *set, const char *o, const char *n,
                char *err, size_t size)
{
	return serverset_from_texts(set, o, strlen(o), "old.conf", n, strlen(n),
	                            "new.conf", err, size);
}

/* ---- Core ---- */

START_TEST(test_default)
{
	struct serverset s;
	serverset_default(&s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(!s.from_files);
	ck_assert_str_eq(s.s[0].label, "old");
	ck_assert_str_eq(s.s[1].label, "new");
	ck_assert_uint_eq(s.s[0].naddrs, 2);
	ck_assert_str_eq(s.s[0].addr[0], WN_OLD4);
	ck_assert_str_eq(s.s[0].addr[1], WN_OLD6);
	ck_assert_str_eq(s.s[1].addr[0], WN_NEW4);
	ck_assert_str_eq(s.s[1].addr[1], WN_NEW6);
	ck_assert(s.s[0].before && !s.s[0].after);
	ck_assert(!s.s[1].before && s.s[1].after);
	ck_assert_int_eq(role(&s, WN_OLD4), VD_OLD);
	ck_assert_int_eq(role(&s, WN_OLD6), VD_OLD);
	ck_assert_int_eq(role(&s, WN_NEW4), VD_NEW);
	ck_assert_int_eq(role(&s, WN_NEW6), VD_NEW);
	ck_assert_int_eq(role(&s, WN_CLIENT4), VD_OTHER);
	ck_assert_int_eq(role(&s, "192.0.2.53"), VD_OTHER);
	ck_assert_uint_eq(s.s[0].mark, 203);
	ck_assert_uint_eq(s.s[1].mark, 204);
	ck_assert_int_eq(serverset_mark_of(&s, 203), 0);
	ck_assert_int_eq(serverset_mark_of(&s, 204), 1);
	ck_assert_int_eq(serverset_mark_of(&s, 205), -1);
	ck_assert_int_eq(serverset_mark_of(&s, 0), -1);
	ck_assert_int_eq(s.s[0].state, SS_UP);
}
END_TEST

/* Three servers, IPv4 and IPv6; one in both files is kept. */
START_TEST(test_three)
{
	struct serverset s;
	char err[512];
	int rc = from(&s, "# the old one\nsearch corp.example hat.com\n"
	              "nameserver 192.0.2.1\nnameserver 2001:db8::53\n"
	              "options rotate timeout:1\n",
	              "nameserver 192.0.2.2\nnameserver 192.0.2.1", err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert(s.from_files);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.s[0].addr[0], "192.0.2.1");
	ck_assert_str_eq(s.s[1].addr[0], "2001:db8::53");
	ck_assert_str_eq(s.s[2].addr[0], "192.0.2.2");
	ck_assert_str_eq(s.s[0].label, "s1");
	ck_assert_str_eq(s.s[2].label, "s3");
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(s.s[i].naddrs, 1);
		ck_assert_uint_eq(s.s[i].mark, SS_MARK_FIRST + i);
		ck_assert_int_eq(serverset_mark_of(&s, SS_MARK_FIRST + (unsigned)i),
		                 (int)i);
	}
	ck_assert(s.s[0].before && s.s[0].after);
	ck_assert(s.s[1].before && !s.s[1].after);
	ck_assert(!s.s[2].before && s.s[2].after);
	ck_assert_int_eq(role(&s, "192.0.2.1"), VD_KEPT);   /* in both */
	ck_assert_int_eq(role(&s, "2001:db8::53"), VD_OLD);
	ck_assert_int_eq(role(&s, "2001:db8:0::53"), VD_OLD);
	ck_assert_int_eq(role(&s, "192.0.2.2"), VD_NEW);
	ck_assert_int_eq(role(&s, WN_OLD4), VD_OTHER);
	struct pkt_addr a = A("192.0.2.2");
	ck_assert_int_eq(serverset_find(&s, &a), 2);
}
END_TEST

/* What glibc's res_vinit_1 reads as a nameserver line, and what not. */
static const struct {
	const char *name, *text, *addrs;   /* addrs: the set's, space-joined */
} line_rows[] = {
	{ "tab", "nameserver\t192.0.2.1\n", "192.0.2.1" },
	{ "blanks", "nameserver \t  192.0.2.1 \t\n", "192.0.2.1" },
	{ "trailing words", "nameserver 192.0.2.1 # primary\n", "192.0.2.1" },
	{ "no newline", "nameserver 192.0.2.1", "192.0.2.1" },
	{ "twice", "nameserver 192.0.2.1\nnameserver 192.0.2.1\n", "192.0.2.1" },
	{ "comments", "# nameserver 192.0.2.8\n; nameserver 192.0.2.9\n"
	  "nameserver 192.0.2.1\n", "192.0.2.1" },
	{ "indented", "  nameserver 192.0.2.8\nnameserver 192.0.2.1\n",
	  "192.0.2.1" },
	{ "other keyword", "nameservers 192.0.2.8\nNAMESERVER 192.0.2.7\n"
	  "nameserver 192.0.2.1\n", "192.0.2.1" },
	{ "ipv6", "nameserver 2001:DB8::1\nnameserver 192.0.2.1\n",
	  "2001:db8::1 192.0.2.1" },
	{ "others kept", "domain a.example\nsearch b.example\nsortlist "
	  "130.155.160.0/255.255.240.0\noptions ndots:3\nnameserver 192.0.2.1\n"
	  "\n\n", "192.0.2.1" },
	{ "many", "nameserver 192.0.2.1\nnameserver 192.0.2.2\n"
	  "nameserver 192.0.2.3\nnameserver 192.0.2.4\n",
	  "192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4" },
};

START_TEST(test_lines)
{
	struct serverset s;
	char err[512], got[512] = "";
	int rc = from(&s, line_rows[_i].text, "nameserver 192.0.2.1\n", err,
	              sizeof err);
	ck_assert_msg(rc == 0, "%s: %s", line_rows[_i].name, err);
	for (size_t i = 0, n = 0; i < s.n; i++)
		n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? " " : "",
		                      s.s[i].addr[0]);
	ck_assert_msg(strcmp(got, line_rows[_i].addrs) == 0, "%s: got %s",
	              line_rows[_i].name, got);
}
END_TEST

/* The text ends at len: the bytes after it are never read. */
START_TEST(test_len_bounds)
{
	struct serverset s;
	char err[256];
	const char *t = "nameserver 192.0.2.1XYZ";
	ck_assert_int_eq(serverset_from_texts(&s, t, 20, "o", t, 20, "n", err,
	                                      sizeof err), 0);
	ck_assert_str_eq(s.s[0].addr[0], "192.0.2.1");
	ck_assert_int_eq(serverset_from_texts(&s, t, 11, "o", t, 20, "n", err,
	                                      sizeof err), -1);
	ck_assert_str_eq(err, "o:1: nameserver line without an address; write "
	                      "the server's address after it, or delete the line");
	ck_assert_int_eq(serverset_from_texts(&s, NULL, 0, "o", t, 20, "n", err,
	                                      sizeof err), -1);
	ck_assert_str_eq(err, "o: no nameserver line; add one (nameserver "
	                      "192.0.2.53)");
}
END_TEST

/* ---- Malformed ---- */

static const struct {
	const char *text, *err;
} bad_rows[] = {
	{ "", "old.conf: no nameserver line; add one (nameserver 192.0.2.53)" },
	{ "# nothing\nsearch x\n",
	  "old.conf: no nameserver line; add one (nameserver 192.0.2.53)" },
	{ "nameserver\n", "old.conf:1: nameserver line without an address; "
	  "write the server's address after it, or delete the line" },
	{ "search x\nnameserver \t \n", "old.conf:2: nameserver line without an "
	  "address; write the server's address after it, or delete the line" },
	{ "nameserver\r\n", "old.conf:1: nameserver line without an address; "
	  "write the server's address after it, or delete the line" },
	{ "nameserver 192.0.2.1\r\n", "old.conf:1: nameserver 192.0.2.1 ends in "
	  "a carriage return (a Windows line end), so glibc ignores the line; "
	  "save the file with Unix line ends (dos2unix)" },
	{ "nameserver 10.1\n", "old.conf:1: nameserver '10.1' is not an IPv4 or "
	  "IPv6 address; write one such as 192.0.2.53 or 2001:db8::53 (IPv4 as "
	  "four decimal numbers)" },
	{ "nameserver dns.example\n", "old.conf:1: nameserver 'dns.example' is "
	  "not an IPv4 or IPv6 address; write one such as 192.0.2.53 or "
	  "2001:db8::53 (IPv4 as four decimal numbers)" },
	{ "nameserver 192.0.2.\x01\n", "old.conf:1: nameserver '192.0.2.?' is "
	  "not an IPv4 or IPv6 address; write one such as 192.0.2.53 or "
	  "2001:db8::53 (IPv4 as four decimal numbers)" },
	{ "nameserver 127.0.0.53\n", "old.conf:1: nameserver 127.0.0.53 is a "
	  "loopback address (a local stub such as systemd-resolved), and whichns "
	  "cannot start a server on the case's loopback; list the upstream "
	  "servers instead (resolvectl status names them)" },
	{ "nameserver ::1\n", "old.conf:1: nameserver ::1 is a loopback address "
	  "(a local stub such as systemd-resolved), and whichns cannot start a "
	  "server on the case's loopback; list the upstream servers instead "
	  "(resolvectl status names them)" },
	{ "nameserver fe80::1%eth0\n", "old.conf:1: nameserver fe80::1%eth0 has "
	  "a scope (an interface the case does not have); list a global address "
	  "(2001:db8::53)" },
	{ "nameserver fe80::1\n", "old.conf:1: nameserver fe80::1 is link-local, "
	  "which needs an interface the case does not have; list a global "
	  "address (2001:db8::53)" },
	{ "nameserver 0.0.0.0\n", "old.conf:1: nameserver 0.0.0.0 is unspecified "
	  "(0.0.0.0/8); list the server's own address" },
	{ "nameserver ::\n", "old.conf:1: nameserver :: is unspecified (::); "
	  "list the server's own address" },
	{ "nameserver 224.0.0.251\n", "old.conf:1: nameserver 224.0.0.251 is a "
	  "multicast or reserved address; list a unicast server address" },
	{ "nameserver ff02::fb\n", "old.conf:1: nameserver ff02::fb is a "
	  "multicast address; list a unicast server address" },
	{ "nameserver ::ffff:192.0.2.1\n", "old.conf:1: nameserver "
	  "::ffff:192.0.2.1 is an IPv4-mapped address; write the IPv4 address "
	  "itself" },
	{ "nameserver " WN_CLIENT4 "\n", "old.conf:1: nameserver " WN_CLIENT4
	  " is an address the case itself uses (its client or nscd); list another "
	  "server address" },
	{ "nameserver " WN_NSCD6 "\n", "old.conf:1: nameserver " WN_NSCD6
	  " is an address the case itself uses (its client or nscd); list another "
	  "server address" },
	{ "nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n"
	  "nameserver 192.0.2.4\nnameserver 192.0.2.5\nnameserver 192.0.2.6\n"
	  "nameserver 192.0.2.7\nnameserver 192.0.2.8\nnameserver 192.0.2.1\n"
	  "nameserver 192.0.2.9\n", "old.conf:10: nameserver 192.0.2.9: more "
	  "than 8 servers; whichns runs at most 8 distinct addresses: list fewer" },
	{ "nameserver 1234567890123456789012345678901234567890123456789012345\n",
	  "old.conf:1: nameserver '123456789012345678901234567890123456789012345678"
	  "...' is not an IPv4 or IPv6 address; write one such as 192.0.2.53 or "
	  "2001:db8::53" },
};

START_TEST(test_bad)
{
	struct serverset s, before;
	char err[512];
	serverset_default(&s);
	before = s;
	ck_assert_int_eq(from(&s, bad_rows[_i].text, "nameserver 192.0.2.1\n",
	                      err, sizeof err), -1);
	ck_assert_str_eq(err, bad_rows[_i].err);
	ck_assert_msg(memcmp(&s, &before, sizeof s) == 0, "set changed on error");
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* The new file's errors name it. */
START_TEST(test_bad_new)
{
	struct serverset s;
	char err[512];
	ck_assert_int_eq(from(&s, "nameserver 192.0.2.1\n",
	                      "# x\n\nnameserver 127.0.0.1\n", err, sizeof err), -1);
	ck_assert_has(err, "new.conf:3: nameserver 127.0.0.1 is a loopback");
	ck_assert_int_eq(from(&s, "nameserver 192.0.2.1\n", "", err, sizeof err),
	                 -1);
	ck_assert_has(err, "new.conf: no nameserver line");
	/* The SS_MAX limit is over both files. */
	ck_assert_int_eq(from(&s, "nameserver 192.0.2.1\nnameserver 192.0.2.2\n"
	                      "nameserver 192.0.2.3\nnameserver 192.0.2.4\n"
	                      "nameserver 192.0.2.5\n",
	                      "nameserver 192.0.2.6\nnameserver 192.0.2.1\n"
	                      "nameserver 192.0.2.7\nnameserver 192.0.2.8\n"
	                      "nameserver 2001:db8::9\n", err, sizeof err), -1);
	ck_assert_str_eq(err, "new.conf:5: nameserver 2001:db8::9: more than 8 "
	                      "servers; whichns runs at most 8 distinct addresses: "
	                      "list fewer");
}
END_TEST

START_TEST(test_nul)
{
	struct serverset s;
	char err[256];
	static const char t[] = "# a\nnameserver 192.0.2.1\0 junk\n";
	ck_assert_int_eq(serverset_from_texts(&s, t, sizeof t - 1, "o", t,
	                                      sizeof t - 1, "n", err, sizeof err), -1);
	ck_assert_str_eq(err, "o:2: a NUL byte; resolv.conf is text: remove it "
	                      "(tr -d '\\000')");
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_long)
{
	static char t[SS_CONF_MAX + 2];
	struct serverset s;
	char err[512];

	/* A long comment line, then the server: read. */
	memset(t, '#', SS_CONF_MAX);
	memcpy(t + SS_CONF_MAX - 21, "\nnameserver 192.0.2.1", 21);
	ck_assert_int_eq(serverset_from_texts(&s, t, SS_CONF_MAX, "o", t,
	                                      SS_CONF_MAX, "n", err, sizeof err), 0);
	ck_assert_uint_eq(s.n, 1);
	/* The text renders whole, with the longest options. */
	char opts[RESOLVCONF_OPTIONS_MAX + 1], buf[SS_TEXT_MAX];
	memset(opts, 'a', sizeof opts - 1);
	opts[sizeof opts - 1] = '\0';
	for (size_t i = 32; i < sizeof opts - 1; i += 33)
		opts[i] = '+';
	ck_assert_int_eq(resolvconf_options_valid(opts), 0);
	t[SS_CONF_MAX] = '\0';
	int n = serverset_render(&s, false, t, t, opts, buf, sizeof buf);
	ck_assert_int_eq(n, SS_CONF_MAX + 1 + 8 + RESOLVCONF_OPTIONS_MAX + 1);
	/* One byte more: refused, naming the size. */
	t[SS_CONF_MAX] = '\n';
	ck_assert_int_eq(serverset_from_texts(&s, t, SS_CONF_MAX + 1, "o", t,
	                                      SS_CONF_MAX, "n", err, sizeof err), -1);
	ck_assert_str_eq(err, "o: 3585 bytes, more than whichns takes (3584); "
	                      "remove comments or lines the resolver does not need");
	/* A line of nothing but an address's worth of junk. */
	memcpy(t, "nameserver ", 11);
	memset(t + 11, '1', 3000);
	ck_assert_int_eq(serverset_from_texts(&s, t, 3011, "o", t, 3011, "n",
	                                      err, 20), -1);
	ck_assert_uint_eq(strlen(err), 19);
}
END_TEST

/* ---- States ---- */

static const struct {
	const char *word, *name;
	int server;
} state_rows[] = {
	{ "192.0.2.1=down", "down", 0 },
	{ "192.0.2.1=up", "up", 0 },
	{ "2001:db8::53=refused", "refused", 1 },
	{ "2001:db8:0:0::53=servfail", "servfail", 1 },
	{ "192.0.2.2=slow:500ms", "slow:500ms", 2 },
	{ "192.0.2.2=slow:2s", "slow:2s", 2 },
	{ "192.0.2.2=slow:1.5s", "slow:1500ms", 2 },
	{ "s3=slow:60s", "slow:60s", 2 },
};

static void three(struct serverset *s)
{
	char err[256];
	ck_assert_int_eq(from(s, "nameserver 192.0.2.1\nnameserver 2001:db8::53\n",
	                      "nameserver 192.0.2.2\n", err, sizeof err), 0);
}

START_TEST(test_state)
{
	struct serverset s;
	char err[256], name[24];
	three(&s);
	ck_assert_int_eq(serverset_set_state(&s, state_rows[_i].word, err,
	                                     sizeof err), 0);
	int k = state_rows[_i].server;
	ck_assert_str_eq(serverset_state_name(&s.s[k], name, sizeof name),
	                 state_rows[_i].name);
	for (int i = 0; i < 3; i++)
		if (i != k)
			ck_assert_int_eq(s.s[i].state, SS_UP);
	/* What it names reads back the same. */
	char again[64];
	snprintf(again, sizeof again, "%s=%s", s.s[k].addr[0], name);
	struct serverset t;
	three(&t);
	ck_assert_int_eq(serverset_set_state(&t, again, err, sizeof err), 0);
	ck_assert_int_eq(t.s[k].state, s.s[k].state);
	ck_assert_uint_eq(t.s[k].slow_ms, s.s[k].slow_ms);
}
END_TEST

START_TEST(test_state_default)
{
	struct serverset s;
	char err[256], name[24];
	serverset_default(&s);
	ck_assert_int_eq(serverset_set_state(&s, "old=down", err, sizeof err), 0);
	ck_assert_int_eq(s.s[0].state, SS_DOWN);
	ck_assert_int_eq(serverset_set_state(&s, WN_NEW6 "=slow:250ms", err,
	                                     sizeof err), 0);
	ck_assert_int_eq(s.s[1].state, SS_SLOW);
	ck_assert_uint_eq(s.s[1].slow_ms, 250);
	ck_assert_str_eq(serverset_state_name(&s.s[1], name, sizeof name),
	                 "slow:250ms");
	ck_assert_str_eq(serverset_state_name(&s.s[1], name, 5), "slow");
}
END_TEST

static const struct {
	const char *word, *err;
} bad_state_rows[] = {
	{ "192.0.2.99=down", "server state '192.0.2.99=down': 192.0.2.99 is not a "
	  "server of this case; name one of 192.0.2.1 (s1), 2001:db8::53 (s2), "
	  "192.0.2.2 (s3)" },
	{ "down", "server state 'down' is not ADDR=STATE; write it as "
	  "198.51.100.10=down" },
	{ "=down", "server state '=down' is not ADDR=STATE; write it as "
	  "198.51.100.10=down" },
	{ "192.0.2.1=sleep", "server state '192.0.2.1=sleep': unknown state; use "
	  "up, down, refused, servfail or slow:DUR (slow:500ms)" },
	{ "192.0.2.1=", "server state '192.0.2.1=': unknown state; use up, down, "
	  "refused, servfail or slow:DUR (slow:500ms)" },
	{ "192.0.2.1=DOWN", "server state '192.0.2.1=DOWN': unknown state; use "
	  "up, down, refused, servfail or slow:DUR (slow:500ms)" },
	{ "192.0.2.1=slow", "server state '192.0.2.1=slow': unknown state; use "
	  "up, down, refused, servfail or slow:DUR (slow:500ms)" },
	{ "192.0.2.1=slow:0", "server state '192.0.2.1=slow:0': bad delay; give "
	  "slow:DUR with DUR from 1ms to 60s, such as slow:500ms" },
	{ "192.0.2.1=slow:61s", "server state '192.0.2.1=slow:61s': bad delay; "
	  "give slow:DUR with DUR from 1ms to 60s, such as slow:500ms" },
	{ "192.0.2.1\n=up", "server state '192.0.2.1?=up': 192.0.2.1? is not a "
	  "server of this case; name one of 192.0.2.1 (s1), 2001:db8::53 (s2), "
	  "192.0.2.2 (s3)" },
	{ "192.0.2.1=slow:fast", "server state '192.0.2.1=slow:fast': bad delay; "
	  "give slow:DUR with DUR from 1ms to 60s, such as slow:500ms" },
};

START_TEST(test_bad_state)
{
	struct serverset s, before;
	char err[512];
	three(&s);
	before = s;
	ck_assert_int_eq(serverset_set_state(&s, bad_state_rows[_i].word, err,
	                                     sizeof err), -1);
	ck_assert_str_eq(err, bad_state_rows[_i].err);
	ck_assert(memcmp(&s, &before, sizeof s) == 0);
}
END_TEST

/* ---- Add (decode's --old/--new) ---- */

START_TEST(test_add)
{
	struct serverset s;
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(serverset_add(&s, "192.0.2.1", true, false), 0);
	ck_assert_int_eq(serverset_add(&s, "2001:db8::1", true, false), 0);
	ck_assert_int_eq(serverset_add(&s, "192.0.2.2", false, true), 0);
	ck_assert_int_eq(role(&s, "192.0.2.1"), VD_OLD);
	ck_assert_int_eq(serverset_add(&s, "192.0.2.1", false, true), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_int_eq(role(&s, "192.0.2.1"), VD_KEPT);   /* both: kept */
	ck_assert_int_eq(role(&s, "2001:db8::1"), VD_OLD);
	ck_assert_int_eq(serverset_add(&s, "192.0.2.999", true, false), -1);
	ck_assert_int_eq(serverset_add(&s, "", true, false), -1);
	for (int i = 3; i < SS_MAX; i++) {
		char a[32];
		snprintf(a, sizeof a, "198.51.100.%d", 100 + i);
		ck_assert_int_eq(serverset_add(&s, a, false, true), 0);
	}
	ck_assert_int_eq(serverset_add(&s, "192.0.2.77", true, false), -1);
	ck_assert_int_eq(serverset_add(&s, "192.0.2.2", true, false), 0);
	ck_assert_uint_eq(s.n, SS_MAX);
	ck_assert_uint_eq(s.s[SS_MAX - 1].mark, SS_MARK_FIRST + SS_MAX - 1);
}
END_TEST

/* ---- Render ---- */

static const char *const render_options[] = {
	"default", "no-reload", "no-reload+single-request",
	"ndots:2+timeout:1+attempts:5", "rotate",
};

/* The default pair writes what resolvconf_render() has always written. */
START_TEST(test_render_default)
{
	struct serverset s;
	char got[SS_TEXT_MAX], want[SS_TEXT_MAX];
	const char *o = render_options[_i];
	serverset_default(&s);
	int n = serverset_render(&s, false, NULL, NULL, o, got, sizeof got);
	ck_assert_int_eq(n, resolvconf_render(want, sizeof want, "old", WN_OLD4, o));
	ck_assert_str_eq(got, want);
	ck_assert_has(got, "# whichns: old server\nnameserver 198.51.100.10\n");
	n = serverset_render(&s, true, NULL, NULL, o, got, sizeof got);
	ck_assert_int_eq(n, resolvconf_render(want, sizeof want, "new", WN_NEW4, o));
	ck_assert_str_eq(got, want);
	ck_assert_has(got, "# whichns: new server\nnameserver 198.51.100.20\n");
}
END_TEST

START_TEST(test_render_files)
{
	struct serverset s;
	char err[256], buf[SS_TEXT_MAX];
	const char *o = "search x\nnameserver 192.0.2.1\n",
	           *n = "nameserver 192.0.2.2";   /* no final newline */
	ck_assert_int_eq(from(&s, o, n, err, sizeof err), 0);
	ck_assert_int_eq(serverset_render(&s, false, o, n, "default", buf,
	                                  sizeof buf), (int)strlen(o));
	ck_assert_str_eq(buf, o);
	ck_assert_int_eq(serverset_render(&s, true, o, n, "default", buf,
	                                  sizeof buf), (int)strlen(n));
	ck_assert_str_eq(buf, n);
	int k = serverset_render(&s, false, o, n, "rotate+timeout:1", buf,
	                         sizeof buf);
	ck_assert_str_eq(buf, "search x\nnameserver 192.0.2.1\n"
	                      "options rotate timeout:1\n");
	ck_assert_int_eq(k, (int)strlen(buf));
	serverset_render(&s, true, o, n, "rotate", buf, sizeof buf);
	ck_assert_str_eq(buf, "nameserver 192.0.2.2\noptions rotate\n");
	/* Bad options, no room, no text. */
	ck_assert_int_eq(serverset_render(&s, false, o, n, "Rotate", buf,
	                                  sizeof buf), -1);
	ck_assert_int_eq(serverset_render(&s, false, o, n, "default", buf,
	                                  strlen(o)), -1);
	ck_assert_int_eq(serverset_render(&s, false, o, n, "default", buf,
	                                  strlen(o) + 1), (int)strlen(o));
	ck_assert_int_eq(serverset_render(&s, false, NULL, n, "default", buf,
	                                  sizeof buf), -1);
}
END_TEST

Suite *serverset_suite(void)
{
	Suite *s = suite_create("serverset");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_three);
	tcase_add_loop_test(tc, test_lines, 0, NROWS(line_rows));
	tcase_add_test(tc, test_len_bounds);
	tcase_add_loop_test(tc, test_state, 0, NROWS(state_rows));
	tcase_add_test(tc, test_state_default);
	tcase_add_test(tc, test_add);
	tcase_add_loop_test(tc, test_render_default, 0, NROWS(render_options));
	tcase_add_test(tc, test_render_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_bad, 0, NROWS(bad_rows));
	tcase_add_test(tc, test_bad_new);
	tcase_add_test(tc, test_nul);
	tcase_add_loop_test(tc, test_bad_state, 0, NROWS(bad_state_rows));
	suite_add_tcase(s, tc);
	return s;
}
