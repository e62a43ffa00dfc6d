/* shadow.c - shadow files without their secrets; see shadow.h. */
#include <string.h>
#include "shadow.h"

int shadow_mask(const char *text, size_t len, FILE *out)
{
	int lines = 0;
	size_t off = 0;
	while (off < len) {
		const char *line = text + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		off += n + (nl != NULL);
		const char *c1 = memchr(line, ':', n);
		if (!c1)
			continue;
		size_t name = (size_t)(c1 - line);
		const char *c2 = memchr(c1 + 1, ':', n - name - 1);
		size_t rest = c2 ? n - (size_t)(c2 - line) : 0;   /* from ':' on */
		if (fprintf(out, "%.*s:%s%.*s\n", (int)name, line, SHADOW_MASK,
		            (int)rest, c2 ? c2 : "") < 0)
			return -1;
		lines++;
	}
	return ferror(out) ? -1 : lines;
}
