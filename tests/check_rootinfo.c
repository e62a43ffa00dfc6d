/*
 * check_rootinfo.c - an imported root's info record written and read
 * back, keys, the names "whichns roots add" takes, and the labels a
 * --libc PATH gets in case names.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "rootinfo.h"
#include "suites.h"

#define HEX "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"

START_TEST(key_of_hash)
{
	char key[ROOTINFO_KEY_SIZE];
	ck_assert_int_eq(rootinfo_key(HEX, key), 0);
	ck_assert_str_eq(key, "sha256-1a2b3c4d5e6f7081");
	ck_assert(rootinfo_key_ok(key));
	ck_assert_int_eq(rootinfo_key("1A2B", key), -1);
	ck_assert_str_eq(key, "");
	ck_assert_int_eq(rootinfo_key(HEX "0", key), -1);
	char upper[] = HEX;
	upper[3] = 'B';
	ck_assert_int_eq(rootinfo_key(upper, key), -1);
	ck_assert(!rootinfo_key_ok("sha256-1a2b3c4d5e6f708"));
	ck_assert(!rootinfo_key_ok("sha256-1a2b3c4d5e6f708g"));
	ck_assert(!rootinfo_key_ok("../../etc/passwd"));
	ck_assert(!rootinfo_key_ok("sha256-1a2b3c4d5e6f70811"));
}
END_TEST

START_TEST(record_round_trip)
{
	struct rootinfo a = { 0 }, b;
	char err[128], *text = NULL;
	size_t len = 0;
	strcpy(a.sha256, HEX);
	rootinfo_key(HEX, a.key);
	strcpy(a.source, "/tmp/with\ttab.tar.gz");
	strcpy(a.kind, "tarball");
	strcpy(a.libc, "glibc 2.31");
	strcpy(a.os, "Debian GNU/Linux 11 (bullseye)");
	strcpy(a.family, "debian");
	strcpy(a.imported, "2026-11-27T23:40:02Z");
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(rootinfo_write(f, &a), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "libc\tglibc 2.31\n"));
	ck_assert_int_eq(rootinfo_parse(text, len, &b, err, sizeof err), 0);
	ck_assert_str_eq(b.source, "/tmp/with tab.tar.gz");   /* one line */
	ck_assert_str_eq(b.os, a.os);
	ck_assert_str_eq(b.key, a.key);
	free(text);
}
END_TEST

START_TEST(record_malformed)
{
	struct rootinfo ri;
	char err[128];
	const char *no_libc = "sha256\t" HEX "\nkey\tsha256-1a2b3c4d5e6f7081\n";
	ck_assert_int_eq(rootinfo_parse(no_libc, strlen(no_libc), &ri, err,
	                                 sizeof err), -1);
	const char *wrong_key = "sha256\t" HEX "\nkey\tsha256-0000000000000000\n"
	                        "libc\tglibc 2.31\n";
	ck_assert_int_eq(rootinfo_parse(wrong_key, strlen(wrong_key), &ri, err,
	                                 sizeof err), -1);
	char longline[2000];
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	memcpy(longline, "os\t", 3);
	ck_assert_int_eq(rootinfo_parse(longline, strlen(longline), &ri, err,
	                                sizeof err), -1);
	ck_assert_int_eq(rootinfo_parse("", 0, &ri, err, sizeof err), -1);
}
END_TEST

static const struct { const char *name; int ok; } names[] = {
	{ "bullseye-img", 0 }, { "c7", 0 }, { "A.b_c-d", 0 }, { "", -1 },
	{ "-x", -1 }, { ".hidden", -1 }, { "a/b", -1 }, { "a b", -1 },
	{ "..", -1 }, { "x:y", -1 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },    /* 47 */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1 },   /* 48 */
	/* A key's shape: "roots rm" would take it for the key. */
	{ "sha256-1a2b3c4d5e6f7081", -1 }, { "sha256-0000000000000000", -1 },
	{ "sha256-1a2b3c4d5e6f708", 0 }, { "sha256-1A2B3C4D5E6F7081", 0 },
	{ "sha256-1a2b3c4d5e6f70811", 0 },
};

START_TEST(name_words)
{
	char err[128];
	ck_assert_int_eq(rootinfo_name_check(names[_i].name, err, sizeof err),
	                 names[_i].ok);
}
END_TEST

static const struct { const char *path, *label; } labels[] = {
	{ "/tmp/rimp/bullseye.tar.gz", "bullseye.tar.gz" },
	{ "./roots/c7/", "c7" },
	{ "/", "root" }, { "", "root" }, { "x//", "x" },
	{ "/a/my image (1).tar", "my_image__1_.tar" },
	{ "/a/c++:x", "c++:x" },
	{ "/a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
};

START_TEST(path_labels)
{
	char label[ROOTINFO_NAME_MAX];
	rootinfo_label(labels[_i].path, label);
	ck_assert_str_eq(label, labels[_i].label);
}
END_TEST

START_TEST(paths_and_names)
{
	ck_assert(rootinfo_is_path("./x"));
	ck_assert(rootinfo_is_path("/x.tar"));
	ck_assert(!rootinfo_is_path("bullseye"));
	ck_assert(!rootinfo_is_path("x.tar.gz"));
}
END_TEST

Suite *rootinfo_suite(void)
{
	Suite *s = suite_create("rootinfo");
	TCase *core = tcase_create("Core");
	tcase_add_test(core, key_of_hash);
	tcase_add_test(core, record_round_trip);
	tcase_add_loop_test(core, name_words, 0, sizeof names / sizeof names[0]);
	tcase_add_loop_test(core, path_labels, 0, sizeof labels / sizeof labels[0]);
	tcase_add_test(core, paths_and_names);
	suite_add_tcase(s, core);
	TCase *bad = tcase_create("Malformed");
	tcase_add_test(bad, record_malformed);
	suite_add_tcase(s, bad);
	return s;
}
