/*
 * escape.h - text from outside made safe inside one output format.
 *
 * Owns: JSON strings, XML text and Markdown table cells, and keeping JSON
 * and XML output UTF-8 whatever bytes come in (a command line, a
 * scenario's "why", what a probe printed, a name off the wire).
 * Never: opens a file or decides what to write; it writes s, escaped, to
 * the caller's stream, so every escaper is testable on memory streams.
 */
#ifndef WHICHNS_ESCAPE_H
#define WHICHNS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* The length of the UTF-8 character at s (RFC 3629: no overlong form,
 * surrogate or code point past U+10FFFF; nor U+FFFE or U+FFFF, which XML
 * forbids; 1 for an ASCII byte), or 0 when the bytes there are not one.
 * Reads no further than a NUL. */
size_t escape_utf8_len(const unsigned char *s);

/* s as a JSON string, quotes included (RFC 8259): '"', '\\' and control
 * characters escaped; a byte that does not start a UTF-8 character
 * becomes U+FFFD. */
void escape_json_string(FILE *f, const char *s);
/* s as XML text or an attribute value (no quotes written): the five
 * special characters as entities, control characters XML 1.0 forbids
 * left out, a byte that does not start a UTF-8 character as U+FFFD. */
void escape_xml_text(FILE *f, const char *s);
/* s inside a Markdown table cell: '|' escaped, newlines as spaces. */
void escape_md_cell(FILE *f, const char *s);

#endif
