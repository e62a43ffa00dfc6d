/*
 * libcname.c - a C library's name and version from its file; see
 * libcname.h.  Every scan checks len - off before it reads.
 */
#include <stdio.h>
#include <string.h>
#include "libcname.h"

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int is_version_char(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '-' || c == '_' || c == '+';
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum libc_family libcname_family(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = (size_t)(base - path);

	if (strcmp(base, "libc.so.6") == 0)
		return LIBC_GLIBC;
	if (starts_with(base, "libc-2.") && strstr(base, ".so"))
		return LIBC_GLIBC;
	if (starts_with(base, "ld-musl-") || starts_with(base, "libc.musl-"))
		return LIBC_MUSL;
	if (strcmp(base, "libc.so") == 0) {
		for (size_t i = 0; i + 4 <= dirlen; i++)
			if (memcmp(path + i, "musl", 4) == 0)
				return LIBC_MUSL;
	}
	return LIBC_OTHER;
}

/* Digits and dots at data[off..len), the last dot left out: their
 * count, or 0 when there are more than LIBCNAME_VERSION_MAX. */
static size_t dotted_len(const unsigned char *data, size_t len, size_t off)
{
	size_t k = 0;
	while (len - off > k && (is_digit(data[off + k]) || data[off + k] == '.'))
		if (++k > LIBCNAME_VERSION_MAX)
			return 0;
	while (k > 0 && data[off + k - 1] == '.')
		k--;
	return k;
}

static int glibc_version(const unsigned char *data, size_t len,
                         char *ver, size_t size)
{
	static const char needle[] = "release version ";
	const size_t nlen = sizeof needle - 1;

	for (size_t off = 0; len - off > nlen; off++) {
		if (memcmp(data + off, needle, nlen) != 0)
			continue;
		size_t k = dotted_len(data, len, off + nlen);
		if (k == 0 || !is_digit(data[off + nlen]) || k >= size)
			continue;
		memcpy(ver, data + off + nlen, k);
		ver[k] = '\0';
		return 0;
	}
	return -1;
}

/* A number at data[off..end): how many digits, 0 if none. */
static size_t number_len(const unsigned char *data, size_t end, size_t off)
{
	size_t k = 0;
	while (end - off > k && is_digit(data[off + k]))
		k++;
	return k;
}

/* Does the string data[off..end) read MAJOR.MINOR.PATCH[SUFFIX]? */
static int musl_like(const unsigned char *data, size_t off, size_t end)
{
	size_t p = off;
	for (int part = 0; part < 3; part++) {
		size_t k = number_len(data, end, p);
		if (k == 0)
			return 0;
		p += k;
		if (part < 2) {
			if (end - p < 1 || data[p] != '.')
				return 0;
			p++;
		}
	}
	if (end - p >= 1 && data[p] == '.')
		return 0;   /* a fourth number: an IPv4 address, not a version */
	for (; p < end; p++)
		if (!is_version_char(data[p]))
			return 0;
	return 1;
}

static int musl_version(const unsigned char *data, size_t len,
                        char *ver, size_t size)
{
	size_t off = 0;
	while (off < len) {
		const unsigned char *nul = memchr(data + off, '\0', len - off);
		if (!nul)
			break;   /* a string cut off by the end of the buffer */
		size_t end = (size_t)(nul - data), slen = end - off;
		if (slen > 0 && slen <= LIBCNAME_VERSION_MAX && slen < size &&
		    musl_like(data, off, end)) {
			memcpy(ver, data + off, slen);
			ver[slen] = '\0';
			return 0;
		}
		off = end + 1;
	}
	return -1;
}

int libcname_version(enum libc_family fam, const unsigned char *data,
                     size_t len, char *ver, size_t size)
{
	if (size == 0)
		return -1;
	ver[0] = '\0';
	if (!data)
		return -1;
	switch (fam) {
	case LIBC_GLIBC:
		return glibc_version(data, len, ver, size);
	case LIBC_MUSL:
		return musl_version(data, len, ver, size);
	case LIBC_OTHER:
		break;
	}
	return -1;
}

int libcname_format(enum libc_family fam, const char *version,
                    char *buf, size_t size)
{
	const char *name = fam == LIBC_GLIBC ? "glibc"
	                 : fam == LIBC_MUSL ? "musl" : NULL;
	if (size == 0)
		return -1;
	buf[0] = '\0';
	if (!name)
		return -1;
	int n = snprintf(buf, size, "%s %s", name,
	                 version && version[0] ? version : "unknown");
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
