/*
 * check_stubspec.c - the words that ask for the systemd-resolved stub,
 * the tree and the switch they mean, which systemd can reload, and
 * resolved.conf's text.
 */
#include <check.h>
#include <string.h>
#include "stubspec.h"
#include "suites.h"

static const struct {
	const char *text, *suite, *how, *tree;
} good_rows[] = {
	{ "resolved", "trixie", "reload", "trixie-resolved" },
	{ "resolved:trixie", "trixie", "reload", "trixie-resolved" },
	{ "resolved:trixie/restart", "trixie", "restart", "trixie-resolved" },
	{ "resolved:bookworm", "bookworm", "restart", "bookworm-resolved" },
	{ "resolved:bookworm/reload", "bookworm", "reload", "bookworm-resolved" },
	{ "resolved/restart", "trixie", "restart", "trixie-resolved" },
};

START_TEST(test_parse_good)
{
	struct stubspec sp;
	char err[256] = "", tree[64];
	ck_assert_int_eq(stubspec_parse(good_rows[_i].text, &sp, err, sizeof err), 0);
	ck_assert_str_eq(sp.suite, good_rows[_i].suite);
	ck_assert_str_eq(stubspec_how_name(sp.how), good_rows[_i].how);
	ck_assert_int_gt(stubspec_tree_name(&sp, tree, sizeof tree), 0);
	ck_assert_str_eq(tree, good_rows[_i].tree);
}
END_TEST

static const struct {
	const char *text, *says;
} bad_rows[] = {
	{ "", "the only stub is resolved" },
	{ "dnsmasq", "the only stub is resolved" },
	{ "resolvedx", "the only stub is resolved" },
	{ "resolved:", "unknown suite" },
	{ "resolved:sid", "unknown suite" },
	{ "resolved:trixiex", "unknown suite" },
	{ "resolved:trixie/", "unknown switch" },
	{ "resolved:trixie/resolvectl", "unknown switch" },
	{ "resolved/reload/x", "unknown switch" },
};

START_TEST(test_parse_bad)
{
	struct stubspec sp;
	char err[256] = "";
	ck_assert_int_eq(stubspec_parse(bad_rows[_i].text, &sp, err, sizeof err), -1);
	ck_assert_msg(strstr(err, bad_rows[_i].says), "%s", err);
	ck_assert_msg(strstr(err, bad_rows[_i].text), "names the word: %s", err);
}
END_TEST

START_TEST(test_version)
{
	static const char trixie[] = "suite=trixie-resolved\nextra_versions="
		"systemd-resolved=257.13-1~deb13u1 dbus=1.16.2-2\n";
	static const char bookworm[] = "extra_versions=dbus=1 "
		"systemd-resolved=252.39-1~deb12u2\n";
	static const char none[] = "extra_versions=libsystemd-resolved=999 x\n";
	ck_assert_uint_eq(stubspec_systemd_version(trixie, strlen(trixie)), 257);
	ck_assert_uint_eq(stubspec_systemd_version(bookworm, strlen(bookworm)), 252);
	ck_assert_uint_eq(stubspec_systemd_version(none, strlen(none)), 0);
	ck_assert_uint_eq(stubspec_systemd_version("", 0), 0);
	ck_assert_uint_eq(stubspec_systemd_version("systemd-resolved=", 17), 0);
	/* Only len bytes are read. */
	ck_assert_uint_eq(stubspec_systemd_version(trixie, 30), 0);
}
END_TEST

START_TEST(test_check)
{
	struct stubspec sp;
	char err[128];
	ck_assert_int_eq(stubspec_parse("resolved:bookworm/reload", &sp, err, sizeof err), 0);
	ck_assert_ptr_nonnull(stubspec_check(&sp, 252));
	ck_assert_ptr_nonnull(strstr(stubspec_check(&sp, 255), "/restart"));
	ck_assert_ptr_null(stubspec_check(&sp, 256));
	ck_assert_ptr_nonnull(stubspec_check(&sp, 0));
	ck_assert_int_eq(stubspec_parse("resolved:bookworm", &sp, err, sizeof err), 0);
	ck_assert_ptr_null(stubspec_check(&sp, 252));
}
END_TEST

START_TEST(test_conf)
{
	char buf[512];
	int n = stubspec_conf(buf, sizeof buf, "198.51.100.10");
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_str_eq(buf,
		"# whichns: the case's systemd-resolved\n"
		"[Resolve]\n"
		"DNS=198.51.100.10\n"
		"FallbackDNS=\n"
		"LLMNR=no\n"
		"MulticastDNS=no\n"
		"DNSSEC=no\n"
		"DNSOverTLS=no\n");
	ck_assert_int_eq(stubspec_conf(buf, 40, "198.51.100.10"), -1);
}
END_TEST

Suite *stubspec_suite(void)
{
	Suite *s = suite_create("stubspec");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_parse_good, 0, sizeof good_rows / sizeof good_rows[0]);
	tcase_add_loop_test(tc, test_parse_bad, 0, sizeof bad_rows / sizeof bad_rows[0]);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_conf);
	suite_add_tcase(s, tc);
	return s;
}
