/* wellformed.c - JSON, XML and UTF-8 checkers for the unit suites; see
 * wellformed.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "wellformed.h"

/* ---- A strict JSON syntax checker (RFC 8259, no extensions) ---- */

struct jp {
	const char *p;
	int depth;
};

static void jws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jvalue(struct jp *j);

static bool jstring(struct jp *j)
{
	if (*j->p != '"')
		return false;
	for (j->p++; *j->p != '"'; j->p++) {
		unsigned char c = (unsigned char)*j->p;
		if (c < 0x20)          /* raw control characters, NUL included */
			return false;
		if (c != '\\')
			continue;
		j->p++;
		if (*j->p == 'u') {
			for (int i = 0; i < 4; i++)
				if (!isxdigit((unsigned char)*++j->p))
					return false;
		} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
			return false;
		}
	}
	j->p++;
	return true;
}

static bool jdigits(struct jp *j)
{
	if (!isdigit((unsigned char)*j->p))
		return false;
	while (isdigit((unsigned char)*j->p))
		j->p++;
	return true;
}

static bool jnumber(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!jdigits(j))
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!jdigits(j))
			return false;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!jdigits(j))
			return false;
	}
	return true;
}

static bool jword(struct jp *j, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* open '{' or '[': members until close, separated by ',' */
static bool jcontainer(struct jp *j, char close)
{
	if (++j->depth > 32)
		return false;
	j->p++;
	jws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jws(j);
		if (close == '}') {
			if (!jstring(j))
				return false;
			jws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jvalue(j))
			return false;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return false;
		j->p++;
		j->depth--;
		return true;
	}
}

static bool jvalue(struct jp *j)
{
	jws(j);
	switch (*j->p) {
	case '{': return jcontainer(j, '}');
	case '[': return jcontainer(j, ']');
	case '"': return jstring(j);
	case 't': return jword(j, "true");
	case 'f': return jword(j, "false");
	case 'n': return jword(j, "null");
	default:  return jnumber(j);
	}
}

/* NULL when text is one valid JSON value; else where it went wrong. */
const char *json_error(const char *text)
{
	struct jp j = { text, 0 };
	if (!jvalue(&j))
		return j.p;
	jws(&j);
	return *j.p ? j.p : NULL;
}


/* ---- A small XML well-formedness checker ---- */

/* After '&': a predefined entity or a character reference. */
static bool xml_entity(const char **pp)
{
	static const char *const ents[] = { "lt;", "gt;", "amp;", "quot;", "apos;" };
	const char *p = *pp + 1;
	for (size_t i = 0; i < 5; i++)
		if (strncmp(p, ents[i], strlen(ents[i])) == 0) {
			*pp = p + strlen(ents[i]);
			return true;
		}
	if (*p++ != '#')
		return false;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != ';')
		return false;
	*pp = p + 1;
	return true;
}

static bool xml_char_ok(unsigned char c)
{
	return c >= 0x20 || c == '\n' || c == '\t' || c == '\r';
}

static const char *xml_name(const char *p, char *buf, size_t size)
{
	size_t n = 0;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return NULL;
	while ((isalnum((unsigned char)*p) || strchr("_-.:", *p)) && *p) {
		if (n + 1 < size)
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	return p;
}

/* NULL when well-formed; else a short description of the first fault. */
const char *xml_error(const char *s, char *why, size_t size)
{
	char stack[16][64], name[64];
	int depth = 0, roots = 0;
	const char *p = s;

	if (strncmp(p, "<?xml", 5) == 0) {
		p = strstr(p, "?>");
		if (!p)
			return "unterminated declaration";
		p += 2;
	}
	while (*p) {
		if (*p == '<' && p[1] == '/') {
			p = xml_name(p + 2, name, sizeof name);
			if (!p || *p != '>')
				return "bad end tag";
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
				snprintf(why, size, "</%s> does not close <%s>", name,
				         depth ? stack[depth - 1] : "");
				return why;
			}
			depth--;
			p++;
		} else if (*p == '<') {
			p = xml_name(p + 1, name, sizeof name);
			if (!p)
				return "bad start tag";
			if (depth == 0 && roots++)
				return "more than one root element";
			for (;;) {
				while (isspace((unsigned char)*p))
					p++;
				if (*p == '>' || (p[0] == '/' && p[1] == '>'))
					break;
				char attr[64];
				p = xml_name(p, attr, sizeof attr);
				if (!p || *p != '=' || p[1] != '"')
					return "bad attribute";
				for (p += 2; *p != '"';) {
					if (!*p || *p == '<' || !xml_char_ok((unsigned char)*p))
						return "bad character in attribute value";
					if (*p != '&')
						p++;
					else if (!xml_entity(&p))
						return "raw '&' in attribute value";
				}
				p++;
			}
			if (*p == '/') {
				p += 2;
			} else {
				if (depth == 16)
					return "too deep";
				snprintf(stack[depth++], sizeof stack[0], "%s", name);
				p++;
			}
		} else if (*p == '&') {
			if (!xml_entity(&p))
				return "raw '&' in text";
		} else if (*p == '>' && depth == 0) {
			return "stray '>'";
		} else {
			if (!xml_char_ok((unsigned char)*p))
				return "control character";
			if (depth == 0 && !isspace((unsigned char)*p))
				return "text outside the root element";
			p++;
		}
	}
	if (depth) {
		snprintf(why, size, "<%s> not closed", stack[depth - 1]);
		return why;
	}
	return roots == 1 ? NULL : "no root element";
}

const char *utf8_error(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		int n = *u < 0x80 ? 0 : *u >= 0xc2 && *u <= 0xdf ? 1
		      : *u >= 0xe0 && *u <= 0xef ? 2 : *u >= 0xf0 && *u <= 0xf4 ? 3 : -1;
		unsigned cp = n == 0 ? *u : n == 1 ? *u & 0x1fu : n == 2 ? *u & 0x0fu : *u & 0x07u;
		if (n < 0)
			return (const char *)u;
		for (int i = 1; i <= n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return (const char *)u;
			cp = cp << 6 | (u[i] & 0x3fu);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return (const char *)u;
		u += n + 1;
	}
	return NULL;
}
