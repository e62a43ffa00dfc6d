/*
 * check_dnsconf.c - each server's dnsmasq configuration: the classic
 * pair's data as the fixtures had it (every baseline rests on it), the
 * NS record's wire form for any mark, and the limits.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "dnsconf.h"
#include "suites.h"

/* The data lines of fixtures/dnsmasq/old.conf and old-any.conf as they
 * were before the confs were generated, for mark 203. */
static const char old_data[] =
	"host-record=hat.com,203.0.113.203,2001:db8:203::203\n"
	"host-record=mail-203.hat.com,203.0.113.203,2001:db8:203::203\n"
	"host-record=ns-203.hat.com,203.0.113.203,2001:db8:203::203\n"
	"mx-host=hat.com,mail-203.hat.com,10\n"
	"dns-rr=hat.com,2,066e732d3230330368617403636f6d00\n";
static const char old_any[] =
	"address=/#/203.0.113.203\n"
	"address=/#/2001:db8:203::203\n";

/* The lines of text that are not comments, in order. */
static void data_lines(const char *text, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = text; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (*p != '#' && n + len < size) {
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p += len;
	}
}

START_TEST(test_classic_old)
{
	char buf[2048], lines[2048], want[1024];
	int n = dnsconf_data(buf, sizeof buf, "old (198.51.100.10)", 203, false);
	ck_assert_int_eq(n, (int)strlen(buf));
	data_lines(buf, lines, sizeof lines);
	ck_assert_str_eq(lines, old_data);
	ck_assert_ptr_nonnull(strstr(buf, "# whichns: the server old (198.51.100.10)"));
	n = dnsconf_data(buf, sizeof buf, "old", 203, true);
	ck_assert_int_gt(n, 0);
	data_lines(buf, lines, sizeof lines);
	snprintf(want, sizeof want, "%s%s", old_data, old_any);
	ck_assert_str_eq(lines, want);
}
END_TEST

START_TEST(test_classic_new)
{
	char buf[2048];
	ck_assert_int_gt(dnsconf_data(buf, sizeof buf, "new", 204, true), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\ndns-rr=hat.com,2,"
	                             "066e732d3230340368617403636f6d00\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nmx-host=hat.com,mail-204.hat.com,10\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\naddress=/#/2001:db8:203::204\n"));
	ck_assert_ptr_null(strstr(buf, "203.0.113.203"));
}
END_TEST

START_TEST(test_ns_rdata)
{
	char hex[64];
	/* the label's length first: 4 for "ns-7", 6 for "ns-210" */
	ck_assert_int_eq(dnsconf_ns_rdata(hex, sizeof hex, 7), 28);
	ck_assert_str_eq(hex, "046e732d370368617403636f6d00");
	ck_assert_int_eq(dnsconf_ns_rdata(hex, sizeof hex, 210), 32);
	ck_assert_str_eq(hex, "066e732d3231300368617403636f6d00");
	ck_assert_int_eq(dnsconf_ns_rdata(hex, 32, 210), -1);   /* no room for NUL */
}
END_TEST

START_TEST(test_limits)
{
	char buf[2048];
	ck_assert_int_eq(dnsconf_data(buf, sizeof buf, "s1", 256, false), -1);
	ck_assert_int_eq(dnsconf_data(buf, 100, "s1", 203, false), -1);
	int n = dnsconf_data(buf, sizeof buf, "s1", 203, false);
	ck_assert_int_eq(dnsconf_data(buf, (size_t)n, "s1", 203, false), -1);
	ck_assert_int_eq(dnsconf_data(buf, (size_t)n + 1, "s1", 203, false), n);
	ck_assert_int_eq(dnsconf_data(buf, (size_t)n + 1, "s1", 203, true), -1);
}
END_TEST

START_TEST(test_failing)
{
	char buf[2048];
	ck_assert_int_gt(dnsconf_refused(buf, sizeof buf, "s2 (192.0.2.1)"), 0);
	ck_assert_ptr_null(strstr(buf, "\nhost-record"));
	ck_assert_ptr_null(strstr(buf, "\nserver="));
	ck_assert_ptr_null(strstr(buf, "\naddress="));
	ck_assert_int_gt(dnsconf_servfail(buf, sizeof buf, "s2", "127.0.0.1"), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\ndnssec\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\ntrust-anchor=.,20326,8,2,"));
	ck_assert_ptr_nonnull(strstr(buf, "\nserver=127.0.0.1\n"));
	/* DNSSEC needs dnsmasq's cache: nothing may turn it off */
	ck_assert_ptr_null(strstr(buf, "cache-size"));
	ck_assert_int_eq(dnsconf_servfail(buf, 64, "s2", "127.0.0.1"), -1);
}
END_TEST

Suite *dnsconf_suite(void)
{
	Suite *s = suite_create("dnsconf");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, test_classic_old);
	tcase_add_test(tc, test_classic_new);
	tcase_add_test(tc, test_ns_rdata);
	tcase_add_test(tc, test_failing);
	suite_add_tcase(s, tc);
	TCase *lim = tcase_create("Limits");
	tcase_add_test(lim, test_limits);
	suite_add_tcase(s, lim);
	return s;
}
