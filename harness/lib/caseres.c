/*
 * caseres.c - a case record as "key<TAB>value" lines, and back.
 *
 * One table lists every field once; writing and parsing both walk it, so
 * the two directions cannot drift apart.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "caseres.h"

enum ftype { F_STR, F_DBL, F_UINT, F_ULL, F_INT, F_BOOL, F_VERDICT };

struct field {
	const char *key;
	enum ftype  type;
	size_t      off, size;
};

#define CR(f)      offsetof(struct case_result, f)
#define STR(k, f)  { k, F_STR, CR(f), sizeof(((struct case_result *)0)->f) }
#define NUM(k, t, f) { k, t, CR(f), 0 }

static const struct field fields[] = {
	STR("case", name), STR("group", group), STR("probe", probe),
	STR("update", update), STR("options", options), STR("cache", cache),
	STR("libc_axis", libc_axis), STR("libc", libc), STR("command", command),
	STR("dir", dir), STR("pcap", pcap), STR("error", error), STR("why", why), STR("skip", skip), STR("only", only),
	NUM("fresh_ran", F_BOOL, fresh_ran),
	NUM("fresh_time", F_DBL, fresh_time),
	NUM("fresh_queries_old", F_UINT, fresh_queries_old),
	NUM("fresh_queries_new", F_UINT, fresh_queries_new),
	NUM("verdict", F_VERDICT, vd.v),
	NUM("late_by", F_UINT, vd.late_by),
	NUM("queries_old_before", F_UINT, vd.queries_old_before),
	NUM("queries_new_before", F_UINT, vd.queries_new_before),
	NUM("queries_other_before", F_UINT, vd.queries_other_before),
	NUM("queries_old_after", F_UINT, vd.queries_old_after),
	NUM("queries_new_after", F_UINT, vd.queries_new_after),
	NUM("queries_other_after", F_UINT, vd.queries_other_after),
	NUM("lookups_old_after", F_UINT, vd.lookups_old_after),
	NUM("lookups_new_after", F_UINT, vd.lookups_new_after),
	NUM("first_new_ms", F_DBL, vd.first_new_ms),
	NUM("answers_old_before", F_UINT, vd.answers_old_before),
	NUM("answers_new_before", F_UINT, vd.answers_new_before),
	NUM("answers_old_after", F_UINT, vd.answers_old_after),
	NUM("answers_new_after", F_UINT, vd.answers_new_after),
	STR("reason", vd.reason), STR("app_note", vd.app_note),
	NUM("expected", F_VERDICT, expected), STR("expected_why", expected_why),
	NUM("switched", F_BOOL, switched), NUM("switch_time", F_DBL, switch_time),
	NUM("window_end", F_DBL, window_end),
	NUM("t_start", F_DBL, t_start), NUM("t_end", F_DBL, t_end),
	NUM("observe_s", F_DBL, observe_s), NUM("dropped", F_ULL, dropped),
	NUM("packets", F_UINT, packets), NUM("malformed", F_UINT, malformed),
	NUM("exit_code", F_INT, exit_code), NUM("complete", F_BOOL, complete),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

void caseres_init(struct case_result *r)
{
	memset(r, 0, sizeof *r);
	r->vd.v = V_NONE;
	r->vd.first_new_ms = -1;
	r->expected = V_NONE;
	r->exit_code = -1;
}

bool caseres_matches(const struct case_result *r)
{
	return r->skip[0] || r->expected == V_NONE || r->expected == r->vd.v;
}

/* Values are one line: tabs and newlines become spaces on the way out. */
static void put_str(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int caseres_write(FILE *f, const struct case_result *r)
{
	const char *base = (const char *)r;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *fd = &fields[i];
		const void *p = base + fd->off;
		fprintf(f, "%s\t", fd->key);
		switch (fd->type) {
		case F_STR:     put_str(f, p); break;
		case F_DBL:     fprintf(f, "%.6f", *(const double *)p); break;
		case F_UINT:    fprintf(f, "%u", *(const unsigned *)p); break;
		case F_ULL:     fprintf(f, "%llu", *(const unsigned long long *)p); break;
		case F_INT:     fprintf(f, "%d", *(const int *)p); break;
		case F_BOOL:    fputs(*(const bool *)p ? "yes" : "no", f); break;
		case F_VERDICT: fputs(verdict_name(*(const enum verdict *)p), f); break;
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static int set_field(const struct field *fd, char *base, const char *v)
{
	void *p = base + fd->off;
	char *end;
	errno = 0;
	switch (fd->type) {
	case F_STR:
		if (strlen(v) >= fd->size)
			return -1;
		strcpy(p, v);
		return 0;
	case F_DBL:
		*(double *)p = strtod(v, &end);
		if (!isfinite(*(double *)p))   /* JSON has no NaN or infinity */
			return -1;
		break;
	case F_UINT: {
		unsigned long n = strtoul(v, &end, 10);
		if (n > 0xffffffffUL || *v == '-')
			return -1;
		*(unsigned *)p = (unsigned)n;
		break;
	}
	case F_ULL:
		if (*v == '-')
			return -1;
		*(unsigned long long *)p = strtoull(v, &end, 10);
		break;
	case F_INT: {
		long n = strtol(v, &end, 10);
		if (n < -1000000 || n > 1000000)
			return -1;
		*(int *)p = (int)n;
		break;
	}
	case F_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return -1;
		*(bool *)p = strcmp(v, "yes") == 0;
		return 0;
	case F_VERDICT:
		*(enum verdict *)p = verdict_parse(v);
		return *(enum verdict *)p == V_NONE && strcmp(v, "NONE") != 0 ? -1 : 0;
	}
	return end == v || *end || errno ? -1 : 0;
}

int caseres_parse(const char *text, size_t len, struct case_result *r,
                  char *err, size_t errsize)
{
	char line[CR_TEXT * 3];
	unsigned lineno = 0;

	caseres_init(r);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		lineno++;
		if (l >= sizeof line) {
			snprintf(err, errsize, "line %u: longer than %zu bytes", lineno,
			         sizeof line - 1);
			return -1;
		}
		memcpy(line, text + off, l);
		line[l] = '\0';
		off += l + (nl != NULL);
		if (l == 0)
			continue;
		char *tab = strchr(line, '\t');
		if (!tab || memchr(line, '\0', l)) {
			snprintf(err, errsize, "line %u: expected key<TAB>value", lineno);
			return -1;
		}
		*tab = '\0';
		size_t i;
		for (i = 0; i < NFIELDS && strcmp(fields[i].key, line) != 0; i++)
			;
		if (i == NFIELDS)
			continue;   /* a field from a newer whichns: keep going */
		if (set_field(&fields[i], (char *)r, tab + 1) != 0) {
			snprintf(err, errsize, "line %u: bad value for %s", lineno, line);
			return -1;
		}
	}
	if (!r->name[0]) {
		snprintf(err, errsize, "no 'case' line");
		return -1;
	}
	return 0;
}
