/* scrub.c - absolute paths out of a text; see scrub.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "scrub.h"

/* Bytes that continue a file name: a rule's path followed by one of
 * these is a longer name, not that path. */
static bool name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == '+' || c == '~' || c == '@';
}

/* Bytes of a path as it appears in a command line or a report. */
static bool path_byte(char c)
{
	return name_byte(c) || c == '/';
}

/* The length of the absolute path at text[i] that ends in "/whichns" and
 * is followed by a space (a command), else 0. */
static size_t whichns_command(const char *text, size_t len, size_t i)
{
	static const char tail[] = "/whichns";
	size_t k = i;
	while (k < len && path_byte(text[k]))
		k++;
	if (k == len || text[k] != ' ' || k - i < sizeof tail - 1 ||
	    memcmp(text + k - (sizeof tail - 1), tail, sizeof tail - 1) != 0)
		return 0;
	return k - i;
}

/* The longest rule whose path is at text[i], as a whole path. */
static const struct scrub_rule *match(const char *text, size_t len, size_t i,
                                      const struct scrub_rule *rules,
                                      size_t nrules, size_t *mlen)
{
	const struct scrub_rule *best = NULL;
	*mlen = 0;
	for (size_t r = 0; r < nrules; r++) {
		size_t k = strlen(rules[r].from);
		if (k < 2 || k <= *mlen || len - i < k ||
		    memcmp(text + i, rules[r].from, k) != 0)
			continue;
		if (i + k < len && name_byte(text[i + k]))
			continue;   /* /work/main2, /work/main.old */
		best = &rules[r];
		*mlen = k;
	}
	return best;
}

/* Where a command's single quotes stand after c (as a shell reads
 * them, and as evidence_shell_quote writes them: '...', \'). */
struct quoting { bool single, escaped; };

static void quote_step(struct quoting *q, char c)
{
	if (q->escaped)
		q->escaped = false;
	else if (q->single)
		q->single = c != '\'';
	else if (c == '\\')
		q->escaped = true;
	else if (c == '\'')
		q->single = true;
}

/* text[start..end) to f; in a command (shell), the rules' shell forms,
 * closing and reopening a single-quoted word around them. */
static size_t scrub_span(FILE *f, const char *text, size_t start, size_t end,
                         const struct scrub_rule *rules, size_t nrules,
                         bool shell)
{
	struct quoting q = { 0 };
	size_t done = 0, from = start, i = start, k;
	while (i < end) {
		if (text[i] != '/' || (i > 0 && path_byte(text[i - 1]))) {
			quote_step(&q, text[i++]);
			continue;
		}
		const struct scrub_rule *r = NULL;
		const char *to;
		if ((k = whichns_command(text, end, i)) != 0) {
			to = "whichns";
		} else if ((r = match(text, end, i, rules, nrules, &k)) != NULL) {
			to = shell && r->sh ? r->sh : r->to;
		} else {
			quote_step(&q, text[i++]);
			continue;
		}
		fwrite(text + from, 1, i - from, f);
		bool requote = shell && q.single && r && r->sh;
		fprintf(f, requote ? "'%s'" : "%s", to);
		i += k;
		from = i;
		done++;
	}
	fwrite(text + from, 1, end - from, f);
	return done;
}

/* Where the command of line[0..len) starts: after the first mark in it;
 * len when there is none. */
static size_t command_at(const char *line, size_t len, const char *const *marks)
{
	size_t at = len;
	for (size_t m = 0; marks && marks[m]; m++) {
		const char *p = memmem(line, len, marks[m], strlen(marks[m]));
		if (p && (size_t)(p - line) + strlen(marks[m]) < at)
			at = (size_t)(p - line) + strlen(marks[m]);
	}
	return at;
}

size_t scrub_text_commands(FILE *f, const char *text, size_t len,
                           const struct scrub_rule *rules, size_t nrules,
                           const char *const *marks)
{
	size_t done = 0, line = 0;
	while (line < len) {
		const char *nl = memchr(text + line, '\n', len - line);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		size_t cmd = line + command_at(text + line, end - line, marks);
		done += scrub_span(f, text, line, cmd, rules, nrules, false);
		done += scrub_span(f, text, cmd, end, rules, nrules, true);
		line = end;
	}
	return done;
}

size_t scrub_text(FILE *f, const char *text, size_t len,
                  const struct scrub_rule *rules, size_t nrules)
{
	return scrub_text_commands(f, text, len, rules, nrules, NULL);
}
