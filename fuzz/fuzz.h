/*
 * fuzz.h - what every libFuzzer target in fuzz/ shares.
 *
 * A target is one file, fuzz/fuzz_NAME.c, defining LLVMFuzzerTestOneInput()
 * (and, if it needs one-time setup, LLVMFuzzerInitialize()).  It feeds the
 * input to one parser of outside bytes in harness/lib and then checks what
 * the parser promised beyond "no crash": a broken promise is reported with
 * FUZZ_CHECK, which aborts, so libFuzzer saves the input as a crash.
 *
 * Checks must never fire on a correct library: each states a contract
 * written in the module's header, not a guess about how it behaves.
 */
#ifndef WHICHNS_FUZZ_H
#define WHICHNS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken promise: say which, then abort so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* A char array field holds a C string: a NUL inside its size. */
#define FUZZ_CHECK_STR(field) \
	FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL, \
	           "%s is not NUL-terminated within %zu bytes", #field, sizeof(field))

/* The input as a NUL-terminated string in a heap block of its own size,
 * so AddressSanitizer sees a read past its end.  NULs inside stay: a
 * parser handed (text, size) must cope with them.  The caller frees it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Text a writer puts on a FILE, read back: fuzz_mem_open(), write,
 * fuzz_mem_text() (the caller frees the text). */
struct fuzz_mem {
	FILE  *f;
	char  *buf;
	size_t size;
};

static inline FILE *fuzz_mem_open(struct fuzz_mem *m)
{
	m->buf = NULL;
	m->size = 0;
	m->f = open_memstream(&m->buf, &m->size);
	if (!m->f)
		abort();
	return m->f;
}

static inline char *fuzz_mem_text(struct fuzz_mem *m)
{
	if (fclose(m->f) != 0)
		abort();
	return m->buf;
}

/* Where s stops being UTF-8 (RFC 3629: no overlong forms, surrogates or
 * code points past U+10FFFF), or n when all of it is. */
static inline size_t fuzz_utf8_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = u[i], k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1
		           : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
		if (k == 9 || n - i - 1 < k)
			return i;
		unsigned lo = 0x80, hi = 0xbf;
		if (c == 0xe0) lo = 0xa0;
		if (c == 0xed) hi = 0x9f;
		if (c == 0xf0) lo = 0x90;
		if (c == 0xf4) hi = 0x8f;
		for (unsigned j = 1; j <= k; j++) {
			if (u[i + j] < (j == 1 ? lo : 0x80) || u[i + j] > (j == 1 ? hi : 0xbf))
				return i;
		}
		i += 1 + k;
	}
	return n;
}

#endif
