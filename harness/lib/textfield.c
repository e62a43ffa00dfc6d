/* textfield.c - see textfield.h. */
#include <ctype.h>
#include <string.h>
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

int textfield_word(const char **s, char *buf, size_t size)
{
	size_t n = strcspn(*s, " ");
	if (n == 0 || n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)(*s)[i]))
			return -1;
	memcpy(buf, *s, n);
	buf[n] = '\0';
	*s += n;
	if (**s == ' ')
		(*s)++;
	return 0;
}
