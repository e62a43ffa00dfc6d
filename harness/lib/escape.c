/* escape.c - text escaped for JSON, XML and Markdown; see escape.h. */
#include "escape.h"

size_t escape_utf8_len(const unsigned char *s)
{
	unsigned c = s[0], n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2
	           : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;

	for (unsigned i = 1; i < n; i++)   /* a NUL fails here: it ends s */
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
	if (n == 3 && c == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
		return 0;
	return n;
}

/* Text from outside may be in any encoding; summary.json and junit.xml
 * must be UTF-8, so a byte that does not start a UTF-8 character becomes
 * U+FFFD.  Returns how many bytes of s were written, or 0 for an ASCII
 * byte, which the caller escapes. */
static size_t put_non_ascii(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80)
		return 0;
	size_t n = escape_utf8_len(u);
	if (n == 0) {
		fputs("\xef\xbf\xbd", f);
		return 1;
	}
	fwrite(s, 1, n, f);
	return n;
}

void escape_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n = put_non_ascii(f, s);
		if (n)
			s += n - 1;
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void escape_xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n = put_non_ascii(f, s);
		if (n) {
			s += n - 1;
			continue;
		}
		switch (c) {
		case '<':  fputs("&lt;", f); break;
		case '>':  fputs("&gt;", f); break;
		case '&':  fputs("&amp;", f); break;
		case '"':  fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters outright. */
			if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
		}
	}
}

void escape_md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else
			fputc(*s == '\n' ? ' ' : *s, f);
	}
}
