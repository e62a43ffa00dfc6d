/*
 * check_libcname.c - a C library's name and version from its path and
 * bytes: the families, the version rules of glibc and musl, bounds, and
 * the host's own libc.so.6 read as gnu_get_libc_version() says it; a
 * /proc/PID/maps line; a program's interpreter (ELF PT_INTERP, "#!").
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

static const struct {
	const char *path;
	enum libc_family fam;
} loaders[] = {
	{ "/lib64/ld-linux-x86-64.so.2", LIBC_GLIBC },
	{ "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", LIBC_GLIBC },
	{ "/lib/ld-linux-aarch64.so.1", LIBC_GLIBC },
	{ "/lib/ld-linux.so.2", LIBC_GLIBC },
	{ "/lib/x86_64-linux-gnu/ld-2.31.so", LIBC_GLIBC },     /* before 2.34 */
	{ "/lib/ld-musl-x86_64.so.1", LIBC_MUSL },
	{ "/usr/lib/x86_64-linux-gnu/libc.so.6", LIBC_OTHER },  /* a libc, no loader */
	{ "/opt/ld-linux-notes.txt", LIBC_OTHER },
	{ "/usr/bin/ld", LIBC_OTHER },
	{ "", LIBC_OTHER },
};

START_TEST(test_loader_family)
{
	ck_assert_msg(libcname_loader_family(loaders[_i].path) == loaders[_i].fam,
	              "%s: family %d", loaders[_i].path,
	              (int)libcname_loader_family(loaders[_i].path));
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
 * proctree.c's way of naming glibc agree. */
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


static const struct {
	const char *line, *range, *path;   /* range NULL: not a maps line */
} maps_lines[] = {
	{ "7f01c0000000-7f01c0028000 r--p 00000000 08:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6\n",
	  "7f01c0000000-7f01c0028000", "/usr/lib/x86_64-linux-gnu/libc.so.6" },
	{ "55d0a0a00000-55d0a0a21000 rw-p 00000000 00:00 0                          [heap]",
	  "55d0a0a00000-55d0a0a21000", "[heap]" },
	{ "7ffd1000-7ffd2000 rw-p 00000000 00:00 0\n", "7ffd1000-7ffd2000", "" },
	{ "7f00-7f10 r-xp 00000000 00:1f 42 /tmp/my lib.so (deleted)\n",
	  "7f00-7f10", "/tmp/my lib.so (deleted)" },
	{ "7f00-7f10 r-xp 00000000 00:1f\n", NULL, NULL },        /* no inode */
	{ "7f00 r-xp 00000000 00:1f 42 /x\n", NULL, NULL },        /* no end */
	{ "7f00-7f10-7f20 r-xp 0 0 0 /x\n", NULL, NULL },
	{ "-7f10 r-xp 0 0 0 /x\n", NULL, NULL },
	{ "7f00- r-xp 0 0 0 /x\n", NULL, NULL },
	{ "xyz-7f10 r-xp 0 0 0 /x\n", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(test_maps_line)
{
	char range[64] = "junk";
	const char *path = NULL;
	size_t plen = 0;
	int rc = libcname_maps_line(maps_lines[_i].line, range, sizeof range,
	                            &path, &plen);
	if (!maps_lines[_i].range) {
		ck_assert_msg(rc == -1, "'%s' taken for a maps line", maps_lines[_i].line);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(range, maps_lines[_i].range);
	ck_assert_uint_eq(plen, strlen(maps_lines[_i].path));
	ck_assert_int_eq(strncmp(path, maps_lines[_i].path, plen), 0);
}
END_TEST

START_TEST(test_maps_file)
{
	unsigned ma = 0, mi = 0;
	unsigned long ino = 0;
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 r--p 00000000 08:1f 1311 /lib/libc.so.6\n",
	                                    &ma, &mi, &ino), 0);
	ck_assert_uint_eq(ma, 8);
	ck_assert_uint_eq(mi, 31);
	ck_assert_uint_eq(ino, 1311);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 00000000 00:00 0\n",
	                                    &ma, &mi, &ino), 0);
	ck_assert_uint_eq(ino, 0);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 00000000 00:00", &ma, &mi, &ino), -1);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 0 0800 5 /x", &ma, &mi, &ino), -1);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 0 08:01 5x /x", &ma, &mi, &ino), -1);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 0 fffffffff:01 5 /x", &ma, &mi, &ino), -1);
	ck_assert_int_eq(libcname_maps_file("7f00-7f10 rw-p 0 08:01 "
	                                    "99999999999999999999999 /x", &ma, &mi, &ino), -1);
	ck_assert_int_eq(libcname_maps_file("", &ma, &mi, &ino), -1);
}
END_TEST

START_TEST(test_maps_range_fits)
{
	const char *path;
	size_t plen;
	char range[10];   /* 9 characters and the NUL */
	ck_assert_int_eq(libcname_maps_line("7f00-7f10 r 0 0 0 /x", range, 10, &path, &plen), 0);
	ck_assert_int_eq(libcname_maps_line("7f00-7f100 r 0 0 0 /x", range, 10, &path, &plen), -1);
}
END_TEST

/* A little ELF file: header, program headers (the last PT_INTERP when
 * interp is not NULL), then the interpreter's path.  bits 32 or 64,
 * big-endian or not.  Returns its length. */
static size_t mkelf(unsigned char *b, size_t cap, int bits, int big,
                    const char *interp)
{
	size_t eh = bits == 64 ? 64 : 52, ph = bits == 64 ? 56 : 32;
	size_t nph = interp ? 2 : 1, ioff = eh + nph * ph;
	size_t ilen = interp ? strlen(interp) + 1 : 0, len = ioff + ilen;
	ck_assert_uint_le(len, cap);
	memset(b, 0, len);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = bits == 64 ? 2 : 1;
	b[5] = big ? 2 : 1;
#define PUT(off, n, v) do { unsigned long long v_ = (v); \
	for (size_t i_ = 0; i_ < (n); i_++) \
		b[(off) + (big ? (n) - 1 - i_ : i_)] = (unsigned char)(v_ >> (8 * i_)); \
	} while (0)
	PUT(bits == 64 ? 32 : 28, bits == 64 ? 8 : 4, eh);   /* e_phoff */
	PUT(bits == 64 ? 54 : 42, 2, ph);                    /* e_phentsize */
	PUT(bits == 64 ? 56 : 44, 2, nph);                   /* e_phnum */
	PUT(eh, 4, 6);                                       /* PT_PHDR */
	if (interp) {
		size_t at = eh + ph;
		PUT(at, 4, 3);                                   /* PT_INTERP */
		PUT(at + (bits == 64 ? 8 : 4), bits == 64 ? 8 : 4, ioff);
		PUT(at + (bits == 64 ? 32 : 16), bits == 64 ? 8 : 4, ilen);
		memcpy(b + ioff, interp, ilen);
	}
#undef PUT
	return len;
}

START_TEST(test_interp_elf)
{
	static const char *musl = "/lib/ld-musl-x86_64.so.1";
	unsigned char b[512];
	char out[64];
	for (int bits = 32; bits <= 64; bits += 32)
		for (int big = 0; big <= 1; big++) {
			size_t len = mkelf(b, sizeof b, bits, big, musl);
			ck_assert_int_eq(libcname_interp(b, len, out, sizeof out), 1);
			ck_assert_str_eq(out, musl);
			len = mkelf(b, sizeof b, bits, big, NULL);
			ck_assert_int_eq(libcname_interp(b, len, out, sizeof out), 0);
			ck_assert_str_eq(out, "");
		}
	/* An interpreter longer than the buffer is none. */
	size_t len = mkelf(b, sizeof b, 64, 0, musl);
	ck_assert_int_eq(libcname_interp(b, len, out, 10), -1);
	ck_assert_str_eq(out, "");
	/* A PT_INTERP pointing past the end. */
	b[64 + 56 + 8] = 0xff;
	ck_assert_int_eq(libcname_interp(b, len, out, sizeof out), -1);
}
END_TEST

/* Every prefix, alone in a block of its own size: no read past it, and
 * the answer is "cut short" until the whole path is in. */
START_TEST(test_interp_prefixes)
{
	unsigned char b[512];
	char out[64];
	size_t len = mkelf(b, sizeof b, 64, 0, "/lib64/ld-linux-x86-64.so.2");
	for (size_t n = 0; n <= len; n++) {
		struct wire w = { .n = 0 };
		put_bytes(&w, b, n);
		uint8_t *exact = wire_exact(&w, n);
		int rc = libcname_interp(exact, n, out, sizeof out);
		free(exact);
		if (n == len) {
			ck_assert_int_eq(rc, 1);
			ck_assert_str_eq(out, "/lib64/ld-linux-x86-64.so.2");
		} else {
			ck_assert_msg(rc == -1 || (rc == 1 && n == len - 1),
			              "%zu of %zu bytes: %d '%s'", n, len, rc, out);
		}
	}
}
END_TEST

static const struct {
	const char *name, *bytes;
	size_t len;
	int rc;
	const char *want;
} interps[] = {
	{ "shell script", B("#!/bin/sh\necho hi\n"), 1, "/bin/sh" },
	{ "env with args", B("#! /usr/bin/env python3\n"), 1, "/usr/bin/env" },
	{ "script cut short", B("#!/usr/bi"), -1, "" },
	{ "empty #!", B("#!\n"), -1, "" },
	{ "text", B("hello world\n"), 0, "" },
	{ "short text", B("he"), 0, "" },
	{ "cut ELF magic", B("\x7f" "EL"), -1, "" },
	{ "ELF, no class", B("\x7f" "ELF\0\0\0\0"), -1, "" },
	{ "one #", B("#"), -1, "" },
	{ "empty", "", 0, -1, "" },
};

START_TEST(test_interp_table)
{
	char out[64] = "junk";
	int rc = libcname_interp((const unsigned char *)interps[_i].bytes,
	                         interps[_i].len, out, sizeof out);
	ck_assert_msg(rc == interps[_i].rc, "%s: %d", interps[_i].name, rc);
	ck_assert_str_eq(out, interps[_i].want);
}
END_TEST

/* This test program itself: what readelf calls its interpreter. */
START_TEST(test_interp_self)
{
	unsigned char b[4096];
	char out[256];
	FILE *f = fopen("/proc/self/exe", "rb");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	ck_assert_int_eq(libcname_interp(b, n, out, sizeof out), 1);
	ck_assert_msg(strstr(out, "/ld-linux") != NULL, "interpreter %s", out);
}
END_TEST

Suite *libcname_suite(void)
{
	Suite *s = suite_create("libcname");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_family, 0, NROWS(families));
	tcase_add_loop_test(tc, test_loader_family, 0, NROWS(loaders));
	tcase_add_loop_test(tc, test_version, 0, NROWS(versions));
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_host_glibc);
	tcase_add_loop_test(tc, test_maps_line, 0, NROWS(maps_lines));
	tcase_add_test(tc, test_maps_file);
	tcase_add_loop_test(tc, test_interp_table, 0, NROWS(interps));
	tcase_add_test(tc, test_interp_elf);
	tcase_add_test(tc, test_interp_self);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_small_buffer);
	tcase_add_test(tc, test_maps_range_fits);
	tcase_add_test(tc, test_interp_prefixes);
	suite_add_tcase(s, tc);
	return s;
}
