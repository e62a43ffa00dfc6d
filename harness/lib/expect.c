/* expect.c - parse expected-verdict files; see expect.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"

void expect_libc_key(const char *libc, char *buf, size_t size)
{
	size_t n = 0;
	for (; *libc && n + 1 < size; libc++)
		buf[n++] = isalnum((unsigned char)*libc) || *libc == '.' ? *libc : '-';
	buf[n] = '\0';
}

void expect_diff(FILE *f, const char *source, const char *measured,
                 const char *name, enum verdict expected, const char *found,
                 const char *reason)
{
	fprintf(f, "--- expected (%s)\n+++ measured (%s)\n-%s %s\n+%s %s  (%s)\n",
	        source, measured, name, verdict_name(expected), name, found, reason);
}

int expect_parse(const char *text, size_t len, const char *source,
                 struct expect *x, char *err, size_t errsize)
{
	char line[1024];
	unsigned lineno = 0;

	memset(x, 0, sizeof *x);
	snprintf(x->source, sizeof x->source, "%s", source);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		lineno++;
		off += l + (nl != NULL);
		if (l >= sizeof line) {
			snprintf(err, errsize, "%s:%u: line too long", source, lineno);
			goto fail;
		}
		memcpy(line, text + off - l - (nl != NULL), l);
		line[l] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '#' || *s == '\0' || *s == '\r')
			continue;
		char *name = strtok(s, " \t\r");
		char *verdict = strtok(NULL, " \t\r");
		char *why = strtok(NULL, "\r");
		enum verdict v = verdict ? verdict_parse(verdict) : V_NONE;
		if (v == V_NONE) {
			snprintf(err, errsize, "%s:%u: expected 'CASE VERDICT reason', "
			         "VERDICT one of FOLLOWED LATE STALE MIXED SILENT "
			         "INCONCLUSIVE; got '%s'", source, lineno,
			         verdict ? verdict : "");
			goto fail;
		}
		if (strlen(name) >= sizeof x->e->name) {
			snprintf(err, errsize, "%s:%u: case name too long", source, lineno);
			goto fail;
		}
		if (expect_find(x, name)) {
			snprintf(err, errsize, "%s:%u: case %s is listed twice", source,
			         lineno, name);
			goto fail;
		}
		if (x->n == x->cap) {
			size_t ncap = x->cap ? x->cap * 2 : 64;
			struct expect_entry *ne = realloc(x->e, ncap * sizeof *ne);
			if (!ne) {
				snprintf(err, errsize, "%s: out of memory", source);
				goto fail;
			}
			x->e = ne;
			x->cap = ncap;
		}
		struct expect_entry *e = &x->e[x->n++];
		snprintf(e->name, sizeof e->name, "%s", name);
		e->v = v;
		snprintf(e->why, sizeof e->why, "%s", why ? why + strspn(why, " \t") : "");
	}
	return 0;
fail:
	expect_free(x);
	return -1;
}

const struct expect_entry *expect_find(const struct expect *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->e[i].name, name) == 0)
			return &x->e[i];
	return NULL;
}

void expect_free(struct expect *x)
{
	free(x->e);
	x->e = NULL;
	x->n = x->cap = 0;
}
