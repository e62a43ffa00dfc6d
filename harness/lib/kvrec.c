/* kvrec.c - "key<TAB>value" records from a field table; see kvrec.h. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "kvrec.h"
#include "impact.h"
#include "paths.h"
#include "servercount.h"
#include "verdict.h"

/* Values are one line: tabs and newlines become spaces on the way out. */
static void put_str(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int kv_write(FILE *f, const struct kv_field *t, size_t n, const void *base,
             unsigned only)
{
	for (size_t i = 0; i < n; i++) {
		const struct kv_field *fd = &t[i];
		const void *p = (const char *)base + fd->off;
		if (only && !(fd->flags & only))
			continue;
		if (fd->type == KV_PATH && !((const struct vd_path *)p)->types[0])
			continue;
		if (fd->type == KV_SERVER && !((const struct sc_server *)p)->addr[0])
			continue;
		fprintf(f, "%s\t", fd->key);
		switch (fd->type) {
		case KV_STR:     put_str(f, p); break;
		case KV_DBL:     fprintf(f, "%.6f", *(const double *)p); break;
		case KV_UINT:    fprintf(f, "%u", *(const unsigned *)p); break;
		case KV_ULL:     fprintf(f, "%llu", *(const unsigned long long *)p); break;
		case KV_INT:     fprintf(f, "%d", *(const int *)p); break;
		case KV_BOOL:    fputs(*(const bool *)p ? "yes" : "no", f); break;
		case KV_VERDICT: fputs(verdict_name(*(const enum verdict *)p), f); break;
		case KV_PATH: {
			char line[KV_LINE_MAX];
			paths_format(p, line, sizeof line);
			put_str(f, line);
			break;
		}
		case KV_SERVER: {
			char line[KV_LINE_MAX];
			servercount_format(p, line, sizeof line);
			put_str(f, line);
			break;
		}
		case KV_RECOVERY:
			fputs(impact_recovery_name(*(const enum impact_recovery *)p), f);
			break;
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static int set_field(const struct kv_field *fd, char *base, const char *v)
{
	void *p = base + fd->off;
	char *end;
	errno = 0;
	switch (fd->type) {
	case KV_STR:
		if (strlen(v) >= fd->size)
			return -1;
		strcpy(p, v);
		return 0;
	case KV_DBL:
		*(double *)p = strtod(v, &end);
		if (!isfinite(*(double *)p))   /* JSON has no NaN or infinity */
			return -1;
		break;
	case KV_UINT: {
		unsigned long n = strtoul(v, &end, 10);
		if (n > 0xffffffffUL || *v == '-')
			return -1;
		*(unsigned *)p = (unsigned)n;
		break;
	}
	case KV_ULL:
		if (*v == '-')
			return -1;
		*(unsigned long long *)p = strtoull(v, &end, 10);
		break;
	case KV_INT: {
		long n = strtol(v, &end, 10);
		if (n < -1000000 || n > 1000000)
			return -1;
		*(int *)p = (int)n;
		break;
	}
	case KV_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return -1;
		*(bool *)p = strcmp(v, "yes") == 0;
		return 0;
	case KV_VERDICT:
		*(enum verdict *)p = verdict_parse(v);
		return *(enum verdict *)p == V_NONE && strcmp(v, "NONE") != 0 ? -1 : 0;
	case KV_PATH:
		return paths_parse(v, p);
	case KV_SERVER:
		return servercount_parse(v, p);
	case KV_RECOVERY:
		return impact_recovery_parse(v, p);
	}
	return end == v || *end || errno ? -1 : 0;
}

int kv_parse(const char *text, size_t len, const struct kv_field *t, size_t n,
             void *base, char *err, size_t errsize)
{
	char line[KV_LINE_MAX];
	unsigned lineno = 0;

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
		for (i = 0; i < n && strcmp(t[i].key, line) != 0; i++)
			;
		if (i == n)
			continue;   /* a field from a newer whichns: keep going */
		if (set_field(&t[i], base, tab + 1) != 0) {
			snprintf(err, errsize, "line %u: bad value for %s", lineno, line);
			return -1;
		}
	}
	return 0;
}
