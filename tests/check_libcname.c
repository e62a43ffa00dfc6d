/*
 * check_libcname.c - a C library's name and version from its path and
 * bytes: the families, the version rules of glibc and musl, bounds, and
 * the host's own libc.so.6 read as gnu_get_libc_version() says it.
 */
#include <check.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcname.h"
#include "suites.h"
#include "testutil.h"

static const struct {
	const char *path;
	enum libc_family fam;
} families[] = {
	{ "/usr/lib/x86_64-linux-gnu/libc.so.6", LIBC_GLIBC },
	{ "/lib/x86_64-linux-gnu/libc-2.31.so", LIBC_GLIBC },   /* before 2.34 */
	{ "libc.so.6", LIBC_GLIBC },
	{ "/usr/lib/x86_64-linux-musl/libc.so", LIBC_MUSL },    /* Debian */
	{ "/usr/lib/musl/lib/libc.so", LIBC_MUSL },
	{ "/lib/ld-musl-x86_64.so.1", LIBC_MUSL },              /* Alpine */
	{ "/lib/libc.musl-x86_64.so.1", LIBC_MUSL },
	{ "/lib64/ld-linux-x86-64.so.2", LIBC_OTHER },          /* glibc's loader */
	{ "/usr/lib/x86_64-linux-gnu/libc.so", LIBC_OTHER },    /* a linker script */
	{ "/usr/lib/x86_64-linux-gnu/libcap.so.2", LIBC_OTHER },
	{ "/opt/libc.so.6.bak", LIBC_OTHER },
	{ "/musl/bin/sh", LIBC_OTHER },
	{ "/usr/lib/libc.so", LIBC_OTHER },                     /* "musl" only in a directory */
	{ "", LIBC_OTHER },
};

START_TEST(test_family)
{
	ck_assert_msg(libcname_family(families[_i].path) == families[_i].fam,
	              "%s: family %d", families[_i].path,
	              (int)libcname_family(families[_i].path));
}
END_TEST

/* Bytes (with NULs: sizeof - 1 of a literal) and the version in them. */
#define B(s) s, sizeof s - 1
static const struct {
	const char *name;
	enum libc_family fam;
	const char *bytes;
	size_t len;
	const char *want;   /* NULL: none found */
} versions[] = {
	{ "glibc banner", LIBC_GLIBC,
	  B("\0GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\nCopyright"),
	  "2.36" },
	{ "glibc development", LIBC_GLIBC,
	  B("GNU C Library (GNU libc) development release version 2.41.9000.\n"), "2.41.9000" },
	{ "glibc no sentence dot", LIBC_GLIBC, B("release version 2.31\0"), "2.31" },
	{ "glibc second try", LIBC_GLIBC,
	  B("release version x\0 release version 2.43."), "2.43" },
	{ "glibc dots only", LIBC_GLIBC, B("release version ...\0"), NULL },
	{ "glibc needle at the end", LIBC_GLIBC, B("xx release version "), NULL },
	{ "glibc too long", LIBC_GLIBC,
	  B("release version 1234567890123456789012345678901234567890."), NULL },
	{ "glibc no banner", LIBC_GLIBC, B("\0GLIBC_2.2.5\0GLIBC_2.34\0"), NULL },
	{ "musl rodata", LIBC_MUSL,
	  B("musl libc (x86_64)\0Version %s\0\0\0" "1.2.3\0" "127.0.0.1\0"), "1.2.3" },
	{ "musl after an address", LIBC_MUSL,
	  B("\0" "127.0.0.1\0" "1.2.4\0"), "1.2.4" },
	{ "musl git build", LIBC_MUSL, B("\0" "1.2.4-git-5-g1a2b3c\0"), "1.2.4-git-5-g1a2b3c" },
	{ "musl at offset 0", LIBC_MUSL, B("1.1.24\0"), "1.1.24" },
	{ "musl two numbers", LIBC_MUSL, B("\0" "1.2\0" "GLIBC_2.2.5\0"), NULL },
	{ "musl a word after", LIBC_MUSL, B("\0" "1.2.3 beta\0"), NULL },
	{ "musl not NUL-ended", LIBC_MUSL, B("\0" "1.2.3"), NULL },
	{ "musl inside a word", LIBC_MUSL, B("\0v1.2.3\0"), NULL },
	{ "musl too long", LIBC_MUSL,
	  B("\0" "1.2.3-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0"), NULL },
	{ "musl empty strings", LIBC_MUSL, B("\0\0\0\0"), NULL },
	{ "other", LIBC_OTHER, B("release version 2.36.\0" "1.2.3\0"), NULL },
	{ "empty", LIBC_GLIBC, "", 0, NULL },
};

START_TEST(test_version)
{
	char ver[64] = "junk";
	int rc = libcname_version(versions[_i].fam,
	                          (const unsigned char *)versions[_i].bytes,
	                          versions[_i].len, ver, sizeof ver);
	if (versions[_i].want) {
		ck_assert_msg(rc == 0, "%s: not found", versions[_i].name);
		ck_assert_str_eq(ver, versions[_i].want);
	} else {
		ck_assert_msg(rc == -1, "%s: found '%s'", versions[_i].name, ver);
		ck_assert_str_eq(ver, "");
	}
}
END_TEST

/* Every prefix of a file, alone in a block of its own size: no read past
 * the end (AddressSanitizer), and the version only once it is whole. */
START_TEST(test_prefixes)
{
	static const struct { enum libc_family fam; const char *text; size_t len, whole; } f[] = {
		{ LIBC_GLIBC, B("abc release version 2.36.\n"), 24 },
		{ LIBC_MUSL, B("\0" "127.0.0.1\0" "1.2.3\0"), 17 },
	};
	for (int k = 0; k < NROWS(f); k++) {
		for (size_t len = 0; len <= f[k].len; len++) {
			struct wire w = { .n = 0 };
			put_bytes(&w, f[k].text, len);
			uint8_t *exact = wire_exact(&w, len);
			char ver[64];
			int rc = libcname_version(f[k].fam, exact, len, ver, sizeof ver);
			free(exact);
			/* glibc: "2.3" of a cut "2.36" is found; the version is
			 * right once its last digit is in. */
			if (len >= f[k].whole) {
				ck_assert_msg(rc == 0, "row %d, %zu bytes: not found", k, len);
				ck_assert_str_eq(ver, f[k].fam == LIBC_GLIBC ? "2.36" : "1.2.3");
			} else if (f[k].fam == LIBC_MUSL) {
				ck_assert_msg(rc == -1, "row %d, %zu bytes: found %s", k, len, ver);
			}
		}
	}
}
END_TEST

START_TEST(test_small_buffer)
{
	static const unsigned char musl[] = "\0" "1.2.3";  /* with its final NUL */
	static const unsigned char glibc[] = "release version 2.36.";
	char ver[8];
	ck_assert_int_eq(libcname_version(LIBC_MUSL, musl, sizeof musl, ver, 5), -1);
	ck_assert_int_eq(libcname_version(LIBC_MUSL, musl, sizeof musl, ver, 6), 0);
	ck_assert_str_eq(ver, "1.2.3");
	ck_assert_int_eq(libcname_version(LIBC_GLIBC, glibc, sizeof glibc - 1, ver, 4), -1);
	ck_assert_int_eq(libcname_version(LIBC_GLIBC, glibc, sizeof glibc - 1, ver, 5), 0);
	ck_assert_str_eq(ver, "2.36");
	ck_assert_int_eq(libcname_version(LIBC_GLIBC, glibc, sizeof glibc - 1, ver, 0), -1);
	ck_assert_int_eq(libcname_version(LIBC_GLIBC, NULL, 10, ver, sizeof ver), -1);
}
END_TEST

START_TEST(test_format)
{
	char buf[32];
	ck_assert_int_eq(libcname_format(LIBC_GLIBC, "2.36", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "glibc 2.36");
	ck_assert_int_eq(libcname_format(LIBC_MUSL, "1.2.3", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "musl 1.2.3");
	ck_assert_int_eq(libcname_format(LIBC_MUSL, "", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "musl unknown");
	ck_assert_int_eq(libcname_format(LIBC_GLIBC, NULL, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "glibc unknown");
	ck_assert_int_eq(libcname_format(LIBC_OTHER, "1.0", buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(libcname_format(LIBC_MUSL, "1.2.3", buf, 10), -1);  /* needs 11 */
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(libcname_format(LIBC_MUSL, "1.2.3", buf, 11), 0);
}
END_TEST

/* The bytes of the libc.so.6 this test runs on (found in its own memory
 * map) say what gnu_get_libc_version() says: the probes' way and
 * target_libc's way of naming glibc agree. */
START_TEST(test_host_glibc)
{
	char line[4096], path[4096] = "";
	FILE *maps = fopen("/proc/self/maps", "re");
	ck_assert_ptr_nonnull(maps);
	while (!path[0] && fgets(line, sizeof line, maps)) {
		char *p = strchr(line, '/');
		if (!p)
			continue;
		p[strcspn(p, "\n")] = '\0';
		if (libcname_family(p) == LIBC_GLIBC)
			snprintf(path, sizeof path, "%s", p);
	}
	fclose(maps);
	ck_assert_msg(path[0], "no glibc in this process's memory map");

	FILE *f = fopen(path, "re");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 1 << 20, len = 0, n;
	unsigned char *data = malloc(cap);
	ck_assert_ptr_nonnull(data);
	while ((n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			unsigned char *more = realloc(data, cap *= 2);
			ck_assert_ptr_nonnull(more);
			data = more;
		}
	}
	fclose(f);

	char ver[64], name[80], want[80];
	ck_assert_int_eq(libcname_version(LIBC_GLIBC, data, len, ver, sizeof ver), 0);
	free(data);
	ck_assert_int_eq(libcname_format(LIBC_GLIBC, ver, name, sizeof name), 0);
	snprintf(want, sizeof want, "glibc %s", gnu_get_libc_version());
	ck_assert_str_eq(name, want);
}
END_TEST

Suite *libcname_suite(void)
{
	Suite *s = suite_create("libcname");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_family, 0, NROWS(families));
	tcase_add_loop_test(tc, test_version, 0, NROWS(versions));
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_host_glibc);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
