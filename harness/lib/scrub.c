/* scrub.c - absolute paths out of a text; see scrub.h. */
#include <stdbool.h>
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

size_t scrub_text(FILE *f, const char *text, size_t len,
                  const struct scrub_rule *rules, size_t nrules)
{
	size_t done = 0, from = 0, i = 0, k;
	while (i < len) {
		if (text[i] != '/' || (i > 0 && path_byte(text[i - 1]))) {
			i++;
			continue;
		}
		const struct scrub_rule *r = NULL;
		const char *to;
		if ((k = whichns_command(text, len, i)) != 0) {
			to = "whichns";
		} else if ((r = match(text, len, i, rules, nrules, &k)) != NULL) {
			to = r->to;
		} else {
			i++;
			continue;
		}
		fwrite(text + from, 1, i - from, f);
		fputs(to, f);
		i += k;
		from = i;
		done++;
	}
	fwrite(text + from, 1, len - from, f);
	return done;
}
