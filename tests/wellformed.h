/*
 * wellformed.h - strict checkers of what the reports must be: one JSON
 * value (RFC 8259, no extensions), well-formed XML, UTF-8 (RFC 3629).
 *
 * Test code only, for the suites whose output leaves whichns in these
 * formats (escape, report).  The checkers are tested themselves
 * (check_escape.c, "Checkers"): each rejects what it is there to catch.
 */
#ifndef WHICHNS_WELLFORMED_H
#define WHICHNS_WELLFORMED_H
#include <check.h>
#include <stddef.h>

/* NULL when text is one valid JSON value; else where it went wrong. */
const char *json_error(const char *text);
/* NULL when s is well-formed XML with one root element; else a short
 * description of the first fault (perhaps written into why). */
const char *xml_error(const char *s, char *why, size_t size);
/* NULL when s is UTF-8 (RFC 3629); else where it stops being. */
const char *utf8_error(const char *s);

#define ck_assert_json(text) do { \
	const char *at_ = json_error(text); \
	ck_assert_msg(at_ == NULL, "invalid JSON at offset %td: %.40s\n%.3000s", \
	              at_ - (text), at_, text); \
} while (0)

#define ck_assert_xml(text) do { \
	char why_[128]; \
	const char *e_ = xml_error(text, why_, sizeof why_); \
	ck_assert_msg(e_ == NULL, "not well-formed XML: %s\n%.3000s", e_, text); \
} while (0)

#define ck_assert_utf8(text) do { \
	const char *u_ = utf8_error(text); \
	ck_assert_msg(u_ == NULL, "not UTF-8 at offset %td", u_ - (text)); \
} while (0)

#endif
