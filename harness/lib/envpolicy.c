/* envpolicy.c - the process's environment; see envpolicy.h. */
#include <stdio.h>
#include <string.h>
#include "envpolicy.h"

/*
 * The variables that change name resolution, and where each is read
 * (doc/resolvers.md has the same list):
 *   RES_OPTIONS, LOCALDOMAIN        glibc resolv/res_init.c
 *   HOSTALIASES                     glibc resolv/res_context_hostalias.c
 *   RESOLV_HOST_CONF, RESOLV_MULTI, RESOLV_REORDER,
 *   RESOLV_ADD_TRIM_DOMAINS, RESOLV_OVERRIDE_TRIM_DOMAINS
 *                                   glibc resolv/res_hconf.c
 *   LD_PRELOAD, LD_LIBRARY_PATH     glibc elf/rtld.c, musl ldso/dynlink.c
 *   LD_AUDIT                        glibc elf/rtld.c (audit modules see
 *                                   and may rebind every symbol)
 *   GODEBUG                         Go's net package (netdns=go|cgo
 *                                   picks the resolver)
 */
static const char *const resolver_vars[] = {
	"RES_OPTIONS", "LOCALDOMAIN", "HOSTALIASES", "RESOLV_HOST_CONF",
	"RESOLV_MULTI", "RESOLV_REORDER", "RESOLV_ADD_TRIM_DOMAINS",
	"RESOLV_OVERRIDE_TRIM_DOMAINS", "LD_PRELOAD", "LD_LIBRARY_PATH",
	"LD_AUDIT", "GODEBUG",
};

static const char *const secret_words[] = {
	"TOKEN", "PASSWORD", "PASSWD", "SECRET", "KEY", "CREDENTIAL",
};

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

bool envpolicy_resolver_var(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof resolver_vars / sizeof resolver_vars[0]; i++)
		if (name_is(name, len, resolver_vars[i]))
			return true;
	return false;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

bool envpolicy_secret(const char *name, size_t len)
{
	for (size_t w = 0; w < sizeof secret_words / sizeof secret_words[0]; w++) {
		size_t k = strlen(secret_words[w]);
		for (size_t i = 0; k <= len && i <= len - k; i++) {
			size_t j = 0;
			while (j < k && upper(name[i + j]) == secret_words[w][j])
				j++;
			if (j == k)
				return true;
		}
	}
	return false;
}

int envpolicy_assign_valid(const char *s, char *err, size_t errsize)
{
	size_t k = strcspn(s, "=");
	if (!s[k]) {
		snprintf(err, errsize, "no '='");
		return -1;
	}
	if (k == 0 || k > 128 || (s[0] >= '0' && s[0] <= '9')) {
		snprintf(err, errsize, "the name must be 1 to 128 letters, digits "
		         "or '_', not starting with a digit");
		return -1;
	}
	for (size_t i = 0; i < k; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9'))) {
			snprintf(err, errsize, "the name must be letters, digits or '_' "
			         "('%.*s' is not)", (int)k, s);
			return -1;
		}
	}
	if (strchr(s + k + 1, '\n')) {
		snprintf(err, errsize, "the value must be one line");
		return -1;
	}
	return 0;
}

/* The length of the name of "NAME=VALUE" (all of s without '='). */
static size_t name_len(const char *s)
{
	return strcspn(s, "=");
}

static bool same_name(const char *a, const char *b)
{
	size_t k = name_len(a);
	return k == name_len(b) && memcmp(a, b, k) == 0;
}

int envpolicy_add(struct envpolicy *p, const char *assign)
{
	for (size_t i = 0; i < p->nset; i++)
		if (same_name(p->set[i], assign)) {
			p->set[i] = assign;
			return 0;
		}
	if (p->nset == ENVPOLICY_SET_MAX)
		return -1;
	p->set[p->nset++] = assign;
	return 0;
}

const char *envpolicy_mode_name(enum envpolicy_mode m)
{
	return m == ENV_CLEAN ? "clean" : "kept";
}

static void removed_add(struct envpolicy_out *o, const char *s)
{
	size_t have = strlen(o->removed), k = name_len(s);
	if (sizeof o->removed - have < k + 5) {
		if (sizeof o->removed - have >= 5 && !strstr(o->removed, "..."))
			snprintf(o->removed + have, sizeof o->removed - have, " ...");
		return;
	}
	snprintf(o->removed + have, sizeof o->removed - have, "%s%.*s",
	         have ? " " : "", (int)k, s);
}

/* Is s one of p's assignments' names, or extra's? */
static bool overridden(const struct envpolicy *p, const char *extra,
                       const char *s)
{
	if (extra && same_name(extra, s))
		return true;
	for (size_t i = 0; i < p->nset; i++)
		if (same_name(p->set[i], s))
			return true;
	return false;
}

static void push(struct envpolicy_out *o, const char *s)
{
	if (o->n + 1 < sizeof o->env / sizeof o->env[0])
		o->env[o->n++] = s;
}

void envpolicy_build(const struct envpolicy *p, char *const *caller,
                     const char *extra, struct envpolicy_out *o)
{
	static const char *const fixed[] = {
		"PATH=" ENVPOLICY_PATH, "HOME=/root", "LC_ALL=C",
	};
	/* Not a memset of env[]'s 32 KB: what is read is set here, and env[]
	 * up to its NULL below (a case pays a page fault for each page it
	 * writes: doc/design.md, "What a case costs"). */
	o->n = o->dropped = 0;
	o->removed[0] = '\0';
	size_t base = 0;
	if (p->mode == ENV_CLEAN || !caller) {
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
			if (!overridden(p, extra, fixed[i]))
				push(o, fixed[i]);
	} else {
		bool path = false;
		for (size_t i = 0; caller[i]; i++) {
			const char *s = caller[i];
			size_t k = name_len(s);
			if (!s[k] || overridden(p, extra, s))
				continue;
			if (envpolicy_resolver_var(s, k)) {
				removed_add(o, s);
				continue;
			}
			if (o->n - base >= ENVPOLICY_MAX) {
				o->dropped++;
				continue;
			}
			path = path || name_is(s, k, "PATH");
			push(o, s);
		}
		if (!path && !overridden(p, extra, fixed[0]))
			push(o, fixed[0]);
	}
	for (size_t i = 0; i < p->nset; i++)
		push(o, p->set[i]);
	if (extra)
		push(o, extra);
	o->env[o->n] = NULL;
}

const char *envpolicy_get(const char *const *env, const char *name)
{
	size_t k = strlen(name);
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], name, k) == 0 && env[i][k] == '=')
			return env[i] + k + 1;
	return NULL;
}

void envpolicy_show_one(char *buf, size_t size, const char *s)
{
	size_t k = name_len(s), o = 0;
	char cut[48] = "";
	if (!size)
		return;
	bool secret = envpolicy_secret(s, k);
	const char *v = s[k] ? s + k + 1 : "";
	if (secret)
		v = *v ? "***" : "";
	/* A value that does not fit says so, and how long it is. */
	size_t vlen = strlen(v), room = size - 1;
	if (k + 1 + vlen > room) {
		int c = snprintf(cut, sizeof cut, " ... (cut, %zu bytes)", vlen);
		if (c < 0 || k + 1 + (size_t)c >= room)
			cut[0] = '\0';   /* no room even for the mark */
		else
			room -= (size_t)c;
	}
	for (size_t i = 0; i < k && o < room; i++)
		buf[o++] = s[i];
	if (o < room)
		buf[o++] = '=';
	for (; *v && o < room; v++)
		buf[o++] = (unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v;
	for (const char *m = cut; *m && o + 1 < size; m++)
		buf[o++] = *m;
	buf[o] = '\0';
}

void envpolicy_show(FILE *f, const char *const *env, const char *skip,
                    size_t dropped)
{
	char line[ENVPOLICY_SHOW_MAX];
	for (size_t i = 0; env[i]; i++) {
		if (skip && strncmp(env[i], skip, strlen(skip)) == 0 &&
		    env[i][strlen(skip)] == '=')
			continue;
		envpolicy_show_one(line, sizeof line, env[i]);
		fprintf(f, "%s\n", line);
	}
	if (dropped)
		fprintf(f, "# %zu more variables not passed: the command gets at "
		        "most %d of yours\n", dropped, ENVPOLICY_MAX);
}

void envpolicy_set_text(const struct envpolicy *p, char *buf, size_t size)
{
	char one[512];
	size_t o = 0;
	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < p->nset; i++) {
		envpolicy_show_one(one, sizeof one, p->set[i]);
		size_t k = strlen(one) + (o ? 1 : 0);
		if (size - o < k + 5) {
			snprintf(buf + o, size - o, "%s...", o ? " " : "");
			return;
		}
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? " " : "", one);
	}
}

int envpolicy_shebang(const unsigned char *head, size_t n, char *interp,
                      size_t isize, char *arg, size_t asize)
{
	if (n < 2 || head[0] != '#' || head[1] != '!')
		return 0;
	size_t i = 2, end;
	for (end = 2; end < n && head[end] != '\n'; end++)
		;
	if (end == n)
		return -1;   /* no end of line in what was read */
	while (i < end && (head[i] == ' ' || head[i] == '\t'))
		i++;
	size_t s = i;
	while (i < end && head[i] != ' ' && head[i] != '\t')
		i++;
	if (i == s || i - s >= isize)
		return -1;
	memcpy(interp, head + s, i - s);
	interp[i - s] = '\0';
	while (i < end && (head[i] == ' ' || head[i] == '\t'))
		i++;
	size_t e = end;
	while (e > i && (head[e - 1] == ' ' || head[e - 1] == '\t' ||
	                 head[e - 1] == '\r'))
		e--;
	if (e - i >= asize)
		return -1;
	memcpy(arg, head + i, e - i);
	arg[e - i] = '\0';
	return 1;
}
