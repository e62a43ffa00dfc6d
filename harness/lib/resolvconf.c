/*
 * resolvconf.c - render resolv.conf text for one side of a switch.
 *
 * Both sides of a switch differ only in the server address, and both
 * addresses have the same length, so old and new files have the same
 * size: a reader that notices the change can only have noticed it by
 * inode, mtime or ctime, which is what glibc compares.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "resolvconf.h"

#define OPTION_WORD_MAX 32

int resolvconf_options_valid(const char *options)
{
	if (strcmp(options, "default") == 0)
		return 0;
	if (strlen(options) > RESOLVCONF_OPTIONS_MAX)
		return -1;
	size_t word = 0;
	for (const char *p = options;; p++) {
		if (*p == '+' || *p == '\0') {
			if (word == 0 || word > OPTION_WORD_MAX)
				return -1;
			if (*p == '\0')
				return 0;
			word = 0;
			continue;
		}
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-' && *p != ':' && *p != '_')
			return -1;
		word++;
	}
}

int resolvconf_render(char *buf, size_t size, const char *label,
                      const char *server, const char *options)
{
	if (resolvconf_options_valid(options) != 0)
		return -1;
	char opts[RESOLVCONF_OPTIONS_MAX + 1] = "";
	if (strcmp(options, "default") != 0) {
		if (strlen(options) >= sizeof opts)
			return -1;
		strcpy(opts, options);
		for (char *p = opts; *p; p++)
			if (*p == '+')
				*p = ' ';
	}
	int n = snprintf(buf, size, "# whichns: %s server\nnameserver %s\n%s%s%s",
	                 label, server, *opts ? "options " : "", opts,
	                 *opts ? "\n" : "");
	return n < 0 || (size_t)n >= size ? -1 : n;
}
