/*
 * libcname.c - a C library's name and version from its file; see
 * libcname.h.  Every scan checks len - off before it reads.
 */
#include <stdio.h>
#include <string.h>
#include "libcname.h"
#include "textfield.h"

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

enum libc_family libcname_loader_family(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (starts_with(base, "ld-linux") && strstr(base, ".so."))
		return LIBC_GLIBC;
	if (starts_with(base, "ld-2.") && strstr(base, ".so"))
		return LIBC_GLIBC;
	if (starts_with(base, "ld-musl-"))
		return LIBC_MUSL;
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
		/* memmem: a C library is megabytes, and this runs while the
		 * case does (harness/proctree.c). */
		const unsigned char *hit = memmem(data + off, len - off, needle, nlen);
		if (!hit || (size_t)(hit - data) >= len - nlen)
			break;
		off = (size_t)(hit - data);
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

static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int libcname_maps_line(const char *line, char *range, size_t rsize,
                       const char **path, size_t *pathlen)
{
	size_t k = 0;
	int dash = 0;
	while (is_hex((unsigned char)line[k]) || (line[k] == '-' && !dash++))
		k++;
	if (dash != 1 || k < 3 || line[k] != ' ' || k >= rsize ||
	    !is_hex((unsigned char)line[0]) || line[k - 1] == '-')
		return -1;
	memcpy(range, line, k);
	range[k] = '\0';
	const char *p = line + k;
	while (*p == ' ')
		p++;
	/* perms, offset, device, inode */
	for (int i = 0; i < 4; i++)
		if (textfield_skip(&p) != 0)
			return -1;
	*path = p;
	*pathlen = strcspn(p, "\n");
	return 0;
}

/* A number of digits in base (16 or 10) at *p, up to 32 bits of it
 * for base 16 and 64 for 10: 0 with *p after it, or -1. */
static int parse_num(const char **p, unsigned base, unsigned long *v)
{
	const char *s = *p;
	unsigned long n = 0;
	int k = 0;
	for (;; k++) {
		unsigned d;
		if (is_digit((unsigned char)s[k]))
			d = (unsigned)(s[k] - '0');
		else if (base == 16 && is_hex((unsigned char)s[k]))
			d = (unsigned)((s[k] | 0x20) - 'a' + 10);
		else
			break;
		if (n > (~0UL - d) / base || (base == 16 && n > 0xfffffffUL))
			return -1;
		n = n * base + d;
	}
	if (k == 0)
		return -1;
	*v = n;
	*p = s + k;
	return 0;
}

int libcname_maps_file(const char *line, unsigned *major, unsigned *minor,
                       unsigned long *inode)
{
	const char *p = line;
	unsigned long ma, mi, ino;
	/* range, perms, offset */
	for (int i = 0; i < 3; i++)
		if (textfield_skip(&p) != 0)
			return -1;
	if (parse_num(&p, 16, &ma) != 0 || *p++ != ':' ||
	    parse_num(&p, 16, &mi) != 0 || *p != ' ')
		return -1;
	while (*p == ' ')
		p++;
	if (parse_num(&p, 10, &ino) != 0 || (*p && *p != ' ' && *p != '\n'))
		return -1;
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	*inode = ino;
	return 0;
}

/* An unsigned number of n bytes at data[off], in the file's byte order. */
static unsigned long long elf_num(const unsigned char *data, size_t off,
                                  size_t n, int big)
{
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | data[off + (big ? i : n - 1 - i)];
	return v;
}

/* The "#!" line's first word. */
static int script_interp(const unsigned char *data, size_t len,
                         char *interp, size_t size)
{
	size_t off = 2, k;
	while (len - off > 0 && (data[off] == ' ' || data[off] == '\t'))
		off++;
	for (k = 0; len - off > k; k++)
		if (data[off + k] == ' ' || data[off + k] == '\t' ||
		    data[off + k] == '\n' || data[off + k] == '\0')
			break;
	if (len - off == k || k == 0 || k >= size)
		return -1;   /* cut short, empty or too long */
	memcpy(interp, data + off, k);
	interp[k] = '\0';
	return 1;
}

/* PT_INTERP of an ELF file: the layout of the header and of one program
 * header, for 32 and 64 bits. */
static const struct elf_layout {
	size_t phoff, phoff_n, phentsize, phnum, ehsize;
	size_t p_offset, p_filesz, p_n, phsize;
} elf32 = { 28, 4, 42, 44, 52, 4, 16, 4, 32 },
  elf64 = { 32, 8, 54, 56, 64, 8, 32, 8, 56 };

static int elf_interp(const unsigned char *data, size_t len,
                      char *interp, size_t size)
{
	const struct elf_layout *l = data[4] == 1 ? &elf32 : data[4] == 2 ? &elf64 : NULL;
	int big = data[5] == 2;
	if (!l || (data[5] != 1 && data[5] != 2))
		return -1;
	if (len < l->ehsize)
		return -1;
	unsigned long long phoff = elf_num(data, l->phoff, l->phoff_n, big);
	size_t entsize = (size_t)elf_num(data, l->phentsize, 2, big);
	size_t phnum = (size_t)elf_num(data, l->phnum, 2, big);
	if (phnum == 0)
		return 0;
	if (entsize < l->phsize || phoff > len)
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		size_t at = (size_t)phoff;
		if ((len - at) / entsize <= i)
			return -1;   /* the program headers go on past len */
		at += i * entsize;
		if (elf_num(data, at, 4, big) != 3)   /* PT_INTERP */
			continue;
		unsigned long long off = elf_num(data, at + l->p_offset, l->p_n, big);
		unsigned long long n = elf_num(data, at + l->p_filesz, l->p_n, big);
		if (off > len || n > len - off || n == 0)
			return -1;
		const unsigned char *nul = memchr(data + off, '\0', (size_t)n);
		size_t k = nul ? (size_t)(nul - (data + off)) : (size_t)n;
		if (k == 0 || k >= size)
			return -1;
		memcpy(interp, data + off, k);
		interp[k] = '\0';
		return 1;
	}
	return 0;   /* static */
}

int libcname_interp(const unsigned char *data, size_t len, char *interp,
                    size_t size)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	if (size == 0)
		return -1;
	interp[0] = '\0';
	if (!data)
		return -1;
	if (len >= 2 && data[0] == '#' && data[1] == '!')
		return script_interp(data, len, interp, size);
	if (len < 4)   /* too short to tell, if it may yet become either */
		return memcmp(data, magic, len) == 0 ||
		       (len == 1 && data[0] == '#') ? -1 : 0;
	if (memcmp(data, magic, 4) != 0)
		return 0;
	if (len < 6)
		return -1;
	int rc = elf_interp(data, len, interp, size);
	if (rc < 0)
		interp[0] = '\0';
	return rc;
}
