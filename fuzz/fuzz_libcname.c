/*
 * fuzz_libcname.c - a C library file's bytes, as harness/proctree.c
 * hands them over: libcname_version() and libcname_format(); the same
 * bytes as a program file for libcname_interp(), and as text for
 * libcname_family() and libcname_maps_line().
 *
 * libfuzzer: -max_len=4096
 *
 * Input: the first byte picks the family (0 other, 1 glibc, 2 musl, by
 * its value mod 3), the second is the size of the version buffer (0-255,
 * to test the "does not fit" path), the rest is the file.
 *
 * Beyond not crashing, libcname.h promises:
 * - a version is found (0) or not (-1, ver ""), never anything else;
 * - a found version is NUL-terminated within size, at most
 *   LIBCNAME_VERSION_MAX characters, and is in the bytes: after
 *   "release version " for glibc, as a whole NUL-delimited string that
 *   starts with MAJOR.MINOR.PATCH for musl; LIBC_OTHER never finds one;
 * - libcname_format() gives "NAME VERSION" or "NAME unknown" when it
 *   fits, "" otherwise, and never for LIBC_OTHER;
 * - libcname_interp() answers 1, 0 or -1; with 1 the interpreter is a
 *   non-empty string of the bytes, NUL-terminated within its buffer,
 *   else "";
 * - libcname_maps_line() answers 0 or -1; with 0 the range is the
 *   line's start, up to its first space, and the path lies in the line;
 *   libcname_maps_file() answers 0 or -1.
 */
#include "fuzz.h"
#include "libcname.h"

static void check_musl(const uint8_t *data, size_t size, const char *ver)
{
	size_t len = strlen(ver);
	int found = 0;
	/* as a whole string: at the start or after a NUL, a NUL after it */
	for (size_t off = 0; !found && size - off > len; off++)
		found = (off == 0 || data[off - 1] == '\0') &&
		        memcmp(data + off, ver, len) == 0 && data[off + len] == '\0';
	FUZZ_CHECK(found, "musl version '%s' is not a string of the file", ver);
	int dots = 0;
	for (const char *p = ver; *p && *p != '-' && *p != '_' && *p != '+'; p++)
		dots += *p == '.';
	FUZZ_CHECK(ver[0] >= '0' && ver[0] <= '9' && dots >= 2,
	           "musl version '%s' is not MAJOR.MINOR.PATCH", ver);
}

static void check_glibc(const uint8_t *data, size_t size, const char *ver)
{
	char needle[64];
	int n = snprintf(needle, sizeof needle, "release version %s", ver);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof needle, "version '%s' too long", ver);
	FUZZ_CHECK(memmem(data, size, needle, (size_t)n) != NULL,
	           "'%s' is not in the file", needle);
	for (const char *p = ver; *p; p++)
		FUZZ_CHECK((*p >= '0' && *p <= '9') || *p == '.',
		           "glibc version '%s' has more than digits and dots", ver);
	FUZZ_CHECK(ver[strlen(ver) - 1] != '.', "glibc version '%s' ends in a dot", ver);
}

static void check_interp(const uint8_t *data, size_t size, size_t isize)
{
	char *interp = malloc(isize ? isize : 1);
	if (!interp)
		abort();
	int rc = libcname_interp(data, size, interp, isize);
	FUZZ_CHECK(rc == 1 || rc == 0 || rc == -1, "interp returned %d", rc);
	if (isize == 0) {
		FUZZ_CHECK(rc == -1, "interp into a buffer of size 0: %d", rc);
	} else {
		FUZZ_CHECK(memchr(interp, '\0', isize) != NULL,
		           "interp not NUL-terminated within %zu bytes", isize);
		if (rc == 1)
			FUZZ_CHECK(interp[0] && memmem(data, size, interp, strlen(interp)),
			           "interp '%s' is not in the file", interp);
		else
			FUZZ_CHECK(interp[0] == '\0', "interp '%s' with %d", interp, rc);
	}
	free(interp);
}

static void check_maps_line(const char *line)
{
	char range[64];
	const char *path = NULL;
	size_t plen = 0;
	int rc = libcname_maps_line(line, range, sizeof range, &path, &plen);
	FUZZ_CHECK(rc == 0 || rc == -1, "maps_line returned %d", rc);
	if (rc != 0)
		return;
	size_t rlen = strlen(range);
	FUZZ_CHECK(rlen < sizeof range && strncmp(line, range, rlen) == 0 &&
	           line[rlen] == ' ', "range '%s' is not the line's start", range);
	size_t len = strlen(line);
	FUZZ_CHECK(path >= line && (size_t)(path - line) <= len &&
	           plen <= len - (size_t)(path - line), "path outside the line");
	unsigned ma, mi;
	unsigned long ino;
	int frc = libcname_maps_file(line, &ma, &mi, &ino);
	FUZZ_CHECK(frc == 0 || frc == -1, "maps_file returned %d", frc);
	enum libc_family lf = libcname_loader_family(line);
	FUZZ_CHECK(lf == LIBC_OTHER || lf == LIBC_GLIBC || lf == LIBC_MUSL,
	           "loader family %d", (int)lf);
}

static void check_format(enum libc_family fam, const char *ver)
{
	char buf[64], want[64];
	int rc = libcname_format(fam, ver, buf, sizeof buf);
	if (fam == LIBC_OTHER) {
		FUZZ_CHECK(rc == -1 && buf[0] == '\0', "named LIBC_OTHER '%s'", buf);
		return;
	}
	snprintf(want, sizeof want, "%s %s", fam == LIBC_GLIBC ? "glibc" : "musl",
	         ver[0] ? ver : "unknown");
	FUZZ_CHECK(rc == 0 && strcmp(buf, want) == 0, "format gave '%s', want '%s'",
	           buf, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum libc_family fam = (enum libc_family)(data[0] % 3);
	size_t vsize = data[1];
	data += 2;
	size -= 2;

	/* The bytes alone in a block of their size: a read past is caught. */
	uint8_t *file = malloc(size ? size : 1);
	if (!file)
		abort();
	if (size)
		memcpy(file, data, size);
	char *ver = malloc(vsize ? vsize : 1);
	if (!ver)
		abort();
	int rc = libcname_version(fam, file, size, ver, vsize);
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (vsize > 0) {
		FUZZ_CHECK(memchr(ver, '\0', vsize) != NULL,
		           "version not NUL-terminated within %zu bytes", vsize);
		if (rc == -1)
			FUZZ_CHECK(ver[0] == '\0', "not found, yet ver is '%s'", ver);
	} else {
		FUZZ_CHECK(rc == -1, "found a version in a buffer of size 0");
	}
	if (rc == 0) {
		FUZZ_CHECK(fam != LIBC_OTHER, "a version for LIBC_OTHER");
		FUZZ_CHECK(ver[0] && strlen(ver) <= LIBCNAME_VERSION_MAX,
		           "version of %zu characters", strlen(ver));
		if (fam == LIBC_GLIBC)
			check_glibc(file, size, ver);
		else
			check_musl(file, size, ver);
	}
	check_format(fam, rc == 0 ? ver : "");

	check_interp(file, size, vsize);
	char *path = fuzz_text(data, size);
	enum libc_family pf = libcname_family(path);
	FUZZ_CHECK(pf == LIBC_OTHER || pf == LIBC_GLIBC || pf == LIBC_MUSL,
	           "family %d", (int)pf);
	check_maps_line(path);
	free(path);
	free(ver);
	free(file);
	return 0;
}
