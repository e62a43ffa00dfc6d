/* textfield.c - see textfield.h. */
#include "textfield.h"

int textfield_skip(const char **p)
{
	const char *s = *p;
	if (!*s || *s == ' ' || *s == '\n')
		return -1;
	while (*s && *s != ' ' && *s != '\n')
		s++;
	while (*s == ' ')
		s++;
	*p = s;
	return 0;
}
