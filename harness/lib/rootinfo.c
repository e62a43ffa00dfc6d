/* rootinfo.c - an imported root's record, keys, names and labels; see rootinfo.h. */
#include <stddef.h>
#include <string.h>
#include "kvrec.h"
#include "rootinfo.h"

#define RI(f) offsetof(struct rootinfo, f), sizeof ((struct rootinfo *)0)->f
static const struct kv_field fields[] = {
	{ "sha256", KV_STR, RI(sha256), 0 },
	{ "key", KV_STR, RI(key), 0 },
	{ "source", KV_STR, RI(source), 0 },
	{ "kind", KV_STR, RI(kind), 0 },
	{ "libc", KV_STR, RI(libc), 0 },
	{ "os", KV_STR, RI(os), 0 },
	{ "family", KV_STR, RI(family), 0 },
	{ "imported", KV_STR, RI(imported), 0 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]) || s[i] == '\0')
			return false;
	return true;
}

int rootinfo_key(const char *hex, char key[static ROOTINFO_KEY_SIZE])
{
	key[0] = '\0';
	if (strlen(hex) != 64 || !all_hex(hex, 64))
		return -1;
	memcpy(key, "sha256-", 7);
	memcpy(key + 7, hex, 16);
	key[23] = '\0';
	return 0;
}

bool rootinfo_key_ok(const char *s)
{
	return strlen(s) == 23 && strncmp(s, "sha256-", 7) == 0 &&
	       all_hex(s + 7, 16);
}

int rootinfo_write(FILE *f, const struct rootinfo *ri)
{
	return kv_write(f, fields, NFIELDS, ri, 0);
}

int rootinfo_parse(const char *text, size_t len, struct rootinfo *ri,
                   char *err, size_t errsize)
{
	char key[ROOTINFO_KEY_SIZE];
	memset(ri, 0, sizeof *ri);
	if (kv_parse(text, len, fields, NFIELDS, ri, err, errsize) != 0)
		return -1;
	if (!ri->libc[0] || rootinfo_key(ri->sha256, key) != 0 ||
	    strcmp(key, ri->key) != 0) {
		snprintf(err, errsize, "no libc line, or a key that is not its "
		         "sha256's");
		return -1;
	}
	return 0;
}

static bool name_byte(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (!first && strchr("._-", c));
}

int rootinfo_name_check(const char *name, char *err, size_t errsize)
{
	size_t n = strlen(name);
	if (n == 0 || n >= ROOTINFO_NAME_MAX) {
		snprintf(err, errsize, "a name of 1 to %d characters", ROOTINFO_NAME_MAX - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!name_byte(name[i], i == 0)) {
			snprintf(err, errsize, "letters, digits, '.', '_' and '-' "
			         "only, beginning with a letter or a digit");
			return -1;
		}
	if (rootinfo_key_ok(name)) {   /* "roots rm" takes it as the key */
		snprintf(err, errsize, "shaped like a key (sha256- and 16 hex "
		         "digits), which 'roots rm' takes for one; choose another");
		return -1;
	}
	return 0;
}

bool rootinfo_is_path(const char *value)
{
	return strchr(value, '/') != NULL;
}

void rootinfo_label(const char *path, char label[static ROOTINFO_NAME_MAX])
{
	size_t end = strlen(path);
	while (end > 0 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = end - start < ROOTINFO_NAME_MAX - 1 ? end - start
	                                               : ROOTINFO_NAME_MAX - 1;
	if (n == 0) {
		strcpy(label, "root");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char c = path[start + i];
		/* A scenario word: letters, digits and -_.+: (scenario.c). */
		label[i] = name_byte(c, false) || c == '+' || c == ':' ? c : '_';
	}
	label[n] = '\0';
}
