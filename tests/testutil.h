/*
 * testutil.h - what more than one unit suite needs: table sizes, golden
 * text compared line by line, text written to memory, and a byte buffer
 * to assemble messages and frames in.
 *
 * Test code only: the helpers assert with Check, so they are called from
 * inside a test, and a failure ends that test.
 */
#ifndef WHICHNS_TESTUTIL_H
#define WHICHNS_TESTUTIL_H
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "events.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- Text ---- */

/* NULL when the texts are equal; else the first line where they differ,
 * written into buf.  Golden texts are compared with this rather than
 * ck_assert_str_eq: a failing ck_assert_str_eq on a long literal overflows
 * Check's message limit (4 KiB) and ends the test with "Message string
 * too long", exit 2, instead of showing the difference. */
const char *text_diff(const char *got, const char *want, char *buf, size_t size);

#define ck_assert_text(got, want) do { \
	char d_[1024]; \
	const char *e_ = text_diff(got, want, d_, sizeof d_); \
	ck_assert_msg(e_ == NULL, "%s", e_); \
} while (0)

#define ck_assert_has(text, needle) \
	ck_assert_msg(strstr(text, needle) != NULL, "missing: %s\n--- in ---\n%.3000s", \
	              needle, text)

/* How often needle occurs in hay, occurrences not overlapping. */
size_t count_str(const char *hay, const char *needle);

/* ---- Memory streams ---- */

/* Text a writer puts on a FILE: memout_open(), write, memout_text(). */
struct memout {
	FILE  *f;
	char  *buf;
	size_t size;
};

FILE *memout_open(struct memout *m);
/* Closes the stream; the text is the caller's to free. */
char *memout_text(struct memout *m);

/* ---- Bytes on the wire ---- */

struct wire {
	uint8_t b[4096];
	size_t  n;
};

void put8(struct wire *w, unsigned v);
void put16(struct wire *w, unsigned v);        /* network byte order */
void put32(struct wire *w, uint32_t v);
void put_bytes(struct wire *w, const void *p, size_t n);

/* The first len bytes alone in a heap block of exactly that size, so that
 * under AddressSanitizer a read one byte past the end is caught, not
 * hidden by the rest of the buffer.  The caller frees it. */
uint8_t *wire_exact(const struct wire *w, size_t len);

/* ---- Events ---- */

/* A UDP query (qr false, to the old server) or response (qr true, from
 * the new one) for hat.com A, id 57133, at a fixed time. */
struct wn_event mkevent(bool qr, const char *src, unsigned sport,
                        const char *dst, unsigned dport);

#endif
