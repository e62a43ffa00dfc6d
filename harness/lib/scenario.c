/*
 * scenario.c - parse and expand scenario files.
 *
 * Every error names the file, the line and what was expected, because a
 * scenario file is hand-written and its author has only that line to fix.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "envpolicy.h"
#include "resolvconf.h"
#include "scenario.h"

const char *const scn_updates[] = {
	"inplace", "rename", "symlink", "bind-inplace", "bind-rename", NULL,
};
/* "nscd-nocheck": nscd with "check-files hosts no", which does not watch
 * resolv.conf (doc/resolvers.md, "nscd"). */
const char *const scn_caches[] = { "none", "nscd", "nscd-nocheck", NULL };

static const char *const axis_names[SCN_AXES] = {
	[SCN_PROBE] = "probe", [SCN_UPDATE] = "update", [SCN_OPTIONS] = "options",
	[SCN_CACHE] = "cache", [SCN_LIBC] = "libc",
};

static const char *const scalar_keys[] = {
	"name", "interval", "window", "before", "switch-after", "timeout", "why",
	"exec", "trigger", "fresh", "trigger-every", "fresh-for", "only",
	"secrets", "env", "environment", "resolv-before", "resolv-after",
	"server", NULL,
};
/* Keys whose value is the rest of the line, as written. */
static const char *const text_keys[] = { "why", "exec", "trigger", "fresh",
                                         "env", "resolv-before",
                                         "resolv-after", NULL };

const char *scn_axis_name(enum scn_axis a)
{
	return (unsigned)a < SCN_AXES ? axis_names[a] : "?";
}

struct parser {
	const char *path;
	unsigned    line;
	char       *err;
	size_t      errsize;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errsize, "%s:%u: ", p->path, p->line);
	if (n >= 0 && (size_t)n < p->errsize) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int scn_parse_shard(const char *s, unsigned *k, unsigned *n)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long kk = strtoul(s, &end, 10);
	if (errno || *end != '/' || !isdigit((unsigned char)end[1]))
		return -1;
	unsigned long nn = strtoul(end + 1, &end, 10);
	if (errno || *end || kk < 1 || nn < 1 || kk > nn || nn > 10000)
		return -1;
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}

int scn_in_shard(size_t i, unsigned k, unsigned n)
{
	return n >= 1 && k >= 1 && i % n == k - 1;
}

int scn_parse_duration(const char *s, unsigned *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0 || !isdigit((unsigned char)*s))
		return -1;
	double scale = 1;
	if (strcmp(end, "ms") == 0 || *end == '\0')
		scale = 1;
	else if (strcmp(end, "s") == 0)
		scale = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		scale = 60000;
	else
		return -1;
	v *= scale;
	if (v > 24.0 * 3600 * 1000)
		return -1;
	*ms = (unsigned)(v + 0.5);
	return 0;
}

static int word_ok(const char *w)
{
	if (!*w)
		return 0;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && !strchr("-_.+:", *w))
			return 0;
	return 1;
}

/* A path: words of word_ok's characters joined by '/'. */
static int libc_path_ok(const char *w)
{
	if (!strchr(w, '/'))
		return 0;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && !strchr("-_.+:/", *w))
			return 0;
	return 1;
}

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

static void join(char *buf, size_t size, const char *const *list)
{
	buf[0] = '\0';
	for (size_t n = 0; *list; list++) {
		int k = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", *list);
		if (k < 0 || (size_t)k >= size - n)
			return;
		n += (size_t)k;
	}
}

static int set_axis(struct parser *p, struct scn_group *g, enum scn_axis a,
                    char **words, size_t nwords)
{
	struct scn_axisvals *av = &g->axis[a];
	if (nwords == 0)
		return fail(p, "'%s' needs at least one value", axis_names[a]);
	if (nwords > SCN_VALUES_MAX)
		return fail(p, "'%s' has %zu values; at most %d", axis_names[a],
		            nwords, SCN_VALUES_MAX);
	for (size_t i = 0; i < nwords; i++) {
		const char *w = words[i];
		char list[160];
		/* A libc may be a path to a root filesystem (cmd_run.c names
		 * it by its last component before cases are made). */
		if (strlen(w) >= SCN_WORD_MAX ||
		    !(word_ok(w) || (a == SCN_LIBC && libc_path_ok(w))))
			return fail(p, "bad %s value '%s'; expected a word of "
			            "letters, digits and -_.+:", axis_names[a], w);
		if (a == SCN_UPDATE && !in_list(w, scn_updates)) {
			join(list, sizeof list, scn_updates);
			return fail(p, "unknown update method '%s'; expected one "
			            "of: %s", w, list);
		}
		if (a == SCN_CACHE && !in_list(w, scn_caches)) {
			join(list, sizeof list, scn_caches);
			return fail(p, "unknown cache '%s'; expected one of: %s",
			            w, list);
		}
		if (a == SCN_OPTIONS && resolvconf_options_valid(w) != 0)
			return fail(p, "bad options value '%s'; expected 'default' "
			            "or resolv.conf option words joined by '+' "
			            "(e.g. no-reload+single-request)", w);
		for (size_t j = 0; j < i; j++)
			if (strcmp(words[j], w) == 0)
				return fail(p, "'%s' is listed twice in '%s'", w,
				            axis_names[a]);
		strcpy(av->v[i], w);
	}
	av->n = nwords;
	return 0;
}

/* "env NAME=VALUE": the rest of the line; a name given again replaces
 * its value. */
static int set_env(struct parser *p, struct scn_group *g, const char *rest)
{
	char why[160];
	if (envpolicy_assign_valid(rest, why, sizeof why) != 0)
		return fail(p, "bad env '%s': %s", rest, why);
	if (strlen(rest) >= sizeof g->env[0])
		return fail(p, "'env' is longer than %zu characters; expected a "
		            "shorter line", sizeof g->env[0] - 1);
	size_t k = strcspn(rest, "=") + 1, i;
	for (i = 0; i < g->nenv && strncmp(g->env[i], rest, k) != 0; i++)
		;
	if (i == SCN_ENV_MAX)
		return fail(p, "too many env lines; at most %d", SCN_ENV_MAX);
	strcpy(g->env[i], rest);
	if (i == g->nenv)
		g->nenv++;
	return 0;
}

/* "resolv-before LINE": one line of the whole file, appended. */
static int add_conf(struct parser *p, struct scn_group *g, bool after,
                    const char *rest)
{
	const char *key = after ? "resolv-after" : "resolv-before";
	char *text = g->conf[after];
	size_t len = strlen(text), n = strlen(rest);
	if (!*rest)
		return fail(p, "'%s' needs a value; expected a resolv.conf line "
		            "such as 'nameserver 192.0.2.53'", key);
	if (n >= SCN_TEXT_MAX)
		return fail(p, "'%s' is longer than %d characters; expected a "
		            "shorter line", key, SCN_TEXT_MAX - 1);
	if (g->nconf[after] == SCN_CONF_LINES)
		return fail(p, "too many '%s' lines; at most %d", key,
		            SCN_CONF_LINES);
	if (n + 1 >= SS_TEXT_MAX - len)
		return fail(p, "'%s' lines are longer than %d characters in all; "
		            "expected a shorter resolv.conf", key, SS_TEXT_MAX - 1);
	memcpy(text + len, rest, n);
	text[len + n] = '\n';
	text[len + n + 1] = '\0';
	g->conf_line[after][g->nconf[after]++] = p->line;
	return 0;
}

/* "server ADDR STATE": checked against the group's servers once the
 * group is whole (check_servers). */
static int add_state(struct parser *p, struct scn_group *g, char **words,
                     size_t nwords)
{
	if (nwords != 2)
		return fail(p, "'server' takes an address and a state; expected "
		            "e.g. 'server 198.51.100.10 down'");
	if (g->nstate == SCN_STATE_MAX)
		return fail(p, "too many 'server' lines; at most %d", SCN_STATE_MAX);
	int k = snprintf(g->state[g->nstate], sizeof g->state[0], "%s=%s",
	                 words[0], words[1]);
	if (k < 0 || (size_t)k >= sizeof g->state[0])
		return fail(p, "bad server '%s %s'; expected an address and a "
		            "state such as down or slow:500ms", words[0], words[1]);
	g->state_line[g->nstate++] = p->line;
	return 0;
}

static int set_scalar(struct parser *p, struct scn_group *g, const char *key,
                      char **words, size_t nwords, const char *rest)
{
	if (strcmp(key, "env") == 0)
		return set_env(p, g, rest);
	if (strncmp(key, "resolv-", 7) == 0)
		return add_conf(p, g, strcmp(key, "resolv-after") == 0, rest);
	if (strcmp(key, "server") == 0)
		return add_state(p, g, words, nwords);
	/* Keys whose value is the rest of the line, as written. */
	const struct { const char *key; char *field; size_t size; } text[] = {
		{ "why", g->why, sizeof g->why },
		{ "exec", g->exec, sizeof g->exec },
		{ "trigger", g->trigger, sizeof g->trigger },
		{ "fresh", g->fresh, sizeof g->fresh },
	};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		if (strcmp(key, text[i].key) != 0)
			continue;
		if (!*rest)
			return fail(p, "'%s' needs a value; expected %s", key,
			            i == 0 ? "a sentence" : "a shell command");
		if (strlen(rest) >= text[i].size)
			return fail(p, "'%s' is longer than %zu characters; expected "
			            "a shorter line", key, text[i].size - 1);
		strcpy(text[i].field, rest);
		return 0;
	}
	if (nwords != 1)
		return fail(p, "'%s' takes exactly one value", key);
	const char *v = words[0];
	if (strcmp(key, "name") == 0) {
		if (strlen(v) >= sizeof g->qname || !word_ok(v))
			return fail(p, "bad name '%s'; expected a domain name", v);
		strcpy(g->qname, v);
		return 0;
	}
	if (strcmp(key, "only") == 0) {
		uint16_t type;
		bool ok = strlen(v) < sizeof g->only && *v &&
		          dns_type_parse(v, &type) == 0;
		for (const char *c = v; ok && *c; c++)
			ok = isupper((unsigned char)*c) || isdigit((unsigned char)*c);
		if (!ok)
			return fail(p, "bad only '%s'; expected a query type such as "
			            "MX or A", v);
		strcpy(g->only, v);
		return 0;
	}
	if (strcmp(key, "secrets") == 0) {
		if (strcmp(v, "masked") != 0 && strcmp(v, "shown") != 0)
			return fail(p, "bad secrets '%s'; expected masked or shown", v);
		g->secrets_shown = strcmp(v, "shown") == 0;
		return 0;
	}
	if (strcmp(key, "environment") == 0) {
		if (strcmp(v, "clean") != 0 && strcmp(v, "kept") != 0)
			return fail(p, "bad environment '%s'; expected clean or kept", v);
		g->env_kept = strcmp(v, "kept") == 0;
		return 0;
	}
	if (strcmp(key, "before") == 0) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (*end || end == v || errno || n < 1 || n > 1000)
			return fail(p, "bad before '%s'; expected a count from 1 "
			            "to 1000", v);
		g->before = (unsigned)n;
		return 0;
	}
	unsigned ms;
	if (scn_parse_duration(v, &ms) != 0 || ms == 0)
		return fail(p, "bad %s '%s'; expected a duration such as 100ms "
		            "or 1.5s", key, v);
	if (strcmp(key, "interval") == 0)
		g->interval_ms = ms;
	else if (strcmp(key, "window") == 0)
		g->window_ms = ms;
	else if (strcmp(key, "switch-after") == 0)
		g->switch_after_ms = ms;
	else if (strcmp(key, "trigger-every") == 0)
		g->trigger_ms = ms;
	else if (strcmp(key, "fresh-for") == 0)
		g->fresh_ms = ms;
	else
		g->timeout_ms = ms;
	return 0;
}

/* An error of serverset.h on the text of "resolv-before" lines
 * ("resolv-before:N: what" or "resolv-before: what") at the scenario's
 * line it came from. */
static int conf_fail(struct parser *p, const struct scn_group *g,
                     const char *err)
{
	bool after = strncmp(err, "resolv-after", 12) == 0;
	const char *at = err + strcspn(err, ":");
	size_t digits = *at == ':' ? strspn(at + 1, "0123456789") : 0;
	unsigned long n = digits ? strtoul(at + 1, NULL, 10) : 0;
	if (n >= 1 && n <= g->nconf[after] && at[1 + digits] == ':') {
		p->line = g->conf_line[after][n - 1];
		at += 1 + digits;
	} else {
		p->line = g->nconf[after] ? g->conf_line[after][0] : g->line;
	}
	at += *at == ':';
	return fail(p, "%s%s", after ? "resolv-after" : "resolv-before", at);
}

/* The group's servers as its cases will have them: both files or
 * neither, servers that can be made from them (serverset.h), and each
 * "server" line naming one of them with a state it knows. */
static int check_servers(struct parser *p, const struct scn_group *g)
{
	struct serverset set;
	char err[384];
	if (!g->nconf[0] != !g->nconf[1]) {
		bool after = g->nconf[1] != 0;
		p->line = g->conf_line[after][0];
		return fail(p, "group [%s] has '%s' lines but no '%s' lines; "
		            "expected the resolv.conf before and after the switch",
		            g->name, after ? "resolv-after" : "resolv-before",
		            after ? "resolv-before" : "resolv-after");
	}
	if (!g->nconf[0])
		serverset_default(&set);
	else if (serverset_from_texts(&set, g->conf[0], strlen(g->conf[0]),
	                              "resolv-before", g->conf[1],
	                              strlen(g->conf[1]), "resolv-after",
	                              err, sizeof err) != 0)
		return conf_fail(p, g, err);
	for (size_t i = 0; i < g->nstate; i++) {
		if (serverset_set_state(&set, g->state[i], err, sizeof err) != 0) {
			p->line = g->state_line[i];
			return fail(p, "%s", err);
		}
	}
	return 0;
}

static void group_defaults(struct scn_group *g)
{
	memset(g, 0, sizeof *g);
	strcpy(g->axis[SCN_UPDATE].v[0], "inplace");
	g->axis[SCN_UPDATE].n = 1;
	strcpy(g->axis[SCN_OPTIONS].v[0], "default");
	g->axis[SCN_OPTIONS].n = 1;
	strcpy(g->axis[SCN_CACHE].v[0], "none");
	g->axis[SCN_CACHE].n = 1;
	strcpy(g->axis[SCN_LIBC].v[0], "host");
	g->axis[SCN_LIBC].n = 1;
	strcpy(g->qname, "hat.com");
	g->interval_ms = 100;
	g->window_ms = 1500;
	g->before = 3;
	g->switch_after_ms = 1000;
	g->timeout_ms = 10000;
	g->trigger_ms = 1000;
	g->fresh_ms = 5000;
}

#define WORDS_MAX (SCN_VALUES_MAX + 2)

/* Split line in place into words; -1 when there are too many. */
static int split(char *line, char **words, size_t *n)
{
	*n = 0;
	for (char *s = strtok(line, " \t\r"); s; s = strtok(NULL, " \t\r")) {
		if (*n == WORDS_MAX)
			return -1;
		words[(*n)++] = s;
	}
	return 0;
}

static int parse_header(struct parser *p, struct scn_file *out,
                        const struct scn_group *defaults, char *line)
{
	char *close = strchr(line, ']');
	if (!close || close[1] != '\0')
		return fail(p, "bad group header; expected [name]");
	*close = '\0';
	const char *name = line + 1;
	if (!word_ok(name) || strlen(name) >= SCN_WORD_MAX)
		return fail(p, "bad group name '%s'; expected a word", name);
	if (out->ngroups == SCN_GROUPS_MAX)
		return fail(p, "too many groups; at most %d", SCN_GROUPS_MAX);
	for (size_t i = 0; i < out->ngroups; i++)
		if (strcmp(out->groups[i].name, name) == 0)
			return fail(p, "group [%s] is defined twice", name);
	struct scn_group *g = &out->groups[out->ngroups++];
	*g = *defaults;
	strcpy(g->name, name);
	g->line = p->line;
	return 0;
}

static int parse_line(struct parser *p, struct scn_group *g, char *line)
{
	char rest[SCN_TEXT_MAX + 8];
	char *words[WORDS_MAX];
	size_t n;

	/* "why" keeps its text as written; take it before splitting. */
	const char *sp = line + strcspn(line, " \t");
	snprintf(rest, sizeof rest, "%s", sp + strspn(sp, " \t"));
	bool too_many = split(line, words, &n) != 0;
	if (n == 0)
		return 0;
	const char *key = words[0];
	/* A sentence or a command is one value, however many words it has. */
	if (too_many && !in_list(key, text_keys))
		return fail(p, "too many values; at most %d per line",
		            SCN_VALUES_MAX);
	for (unsigned a = 0; a < SCN_AXES; a++)
		if (strcmp(key, axis_names[a]) == 0)
			return set_axis(p, g, (enum scn_axis)a, words + 1, n - 1);
	if (in_list(key, scalar_keys))
		return set_scalar(p, g, key, words + 1, n - 1, rest);
	return fail(p, "unknown key '%s'; expected one of: probe, update, "
	            "options, cache, libc, name, interval, window, before, "
	            "switch-after, timeout, why, exec, trigger, trigger-every, "
	            "fresh, fresh-for, only, secrets, env, environment, "
	            "resolv-before, resolv-after, server, or a [group] header",
	            key);
}

int scn_parse(const char *text, size_t len, const char *path,
              struct scn_file *out, char *err, size_t errsize)
{
	struct parser p = { .path = path, .line = 0, .err = err, .errsize = errsize };
	struct scn_group defaults;
	char line[1024];

	memset(out, 0, sizeof *out);
	snprintf(out->path, sizeof out->path, "%s", path);
	group_defaults(&defaults);

	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		p.line++;
		if (l >= sizeof line)
			return fail(&p, "line longer than %zu characters",
			            sizeof line - 1);
		memcpy(line, text + off, l);
		line[l] = '\0';
		off += l + (nl != NULL);
		if (memchr(line, '\0', l))
			return fail(&p, "NUL byte; expected text");
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		/* Trailing blanks and a CRLF file's CR belong to no value: a
		 * header may carry a comment, and "why" text keeps no CR. */
		size_t e = strlen(line);
		while (e > 0 && strchr(" \t\r", line[e - 1]))
			e--;
		line[e] = '\0';
		char *s = line + strspn(line, " \t\r");
		if (*s == '\0')
			continue;
		int rc = *s == '['
			? parse_header(&p, out, &defaults, s)
			: parse_line(&p, out->ngroups
			                 ? &out->groups[out->ngroups - 1]
			                 : &defaults, s);
		if (rc != 0)
			return -1;
	}
	if (out->ngroups == 0) {   /* the file is one group, named after it */
		out->groups[0] = defaults;
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t l = strcspn(base, ".");
		snprintf(out->groups[0].name, sizeof out->groups[0].name, "%.*s",
		         (int)(l < SCN_WORD_MAX - 1 ? l : SCN_WORD_MAX - 1), base);
		out->ngroups = 1;
	}
	for (size_t i = 0; i < out->ngroups; i++) {
		struct scn_group *g = &out->groups[i];
		p.line = g->line ? g->line : 1;
		if (g->exec[0] && g->axis[SCN_PROBE].n) {
			return fail(&p, "group [%s] has both 'probe' and 'exec'; "
			            "expected one of them", g->name);
		} else if (g->exec[0]) {   /* the command is the group's one probe */
			strcpy(g->axis[SCN_PROBE].v[0], g->name);
			g->axis[SCN_PROBE].n = 1;
		} else if (g->axis[SCN_PROBE].n == 0) {
			return fail(&p, "group [%s] has no 'probe' line; expected "
			            "e.g. 'probe getip res_loop', or 'exec COMMAND'",
			            g->name);
		}
		if (check_servers(&p, g) != 0)
			return -1;
	}
	return 0;
}

int scn_override_axis(struct scn_file *f, enum scn_axis a, const char *csv,
                      char *err, size_t errsize)
{
	char buf[SCN_VALUES_MAX * SCN_WORD_MAX];
	char *words[SCN_VALUES_MAX + 1];
	size_t n = 0;
	struct parser p = { .path = "--", .line = 0, .err = err, .errsize = errsize };

	if (strlen(csv) >= sizeof buf) {
		snprintf(err, errsize, "--%s: list too long", axis_names[a]);
		return -1;
	}
	strcpy(buf, csv);
	char *save;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == SCN_VALUES_MAX + 1)
			break;
		words[n++] = w;
	}
	for (size_t i = 0; i < f->ngroups; i++)
		if (set_axis(&p, &f->groups[i], a, words, n) != 0) {
			/* Say which option, not a file and line. */
			char msg[512];
			const char *colon = strstr(err, ": ");
			snprintf(msg, sizeof msg, "--%s: %s", axis_names[a],
			         colon ? colon + 2 : err);
			snprintf(err, errsize, "%s", msg);
			return -1;
		}
	return 0;
}

static size_t group_count(const struct scn_group *g)
{
	size_t n = 1;
	for (unsigned a = 0; a < SCN_AXES; a++)
		n *= g->axis[a].n;
	return n;
}

size_t scn_count(const struct scn_file *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->ngroups; i++)
		n += group_count(&f->groups[i]);
	return n;
}

void scn_case_at(const struct scn_file *f, size_t i, struct scn_case *c)
{
	const struct scn_group *g = f->groups;
	while (i >= group_count(g)) {
		i -= group_count(g);
		g++;
	}
	/* The last axis varies slowest: cases of one libc stay together,
	 * and the probe varies fastest only within (update, options). */
	size_t idx[SCN_AXES];
	for (unsigned a = 0; a < SCN_AXES; a++) {
		idx[a] = i % g->axis[a].n;
		i /= g->axis[a].n;
	}
	memset(c, 0, sizeof *c);
	strcpy(c->group, g->name);
	strcpy(c->probe, g->axis[SCN_PROBE].v[idx[SCN_PROBE]]);
	strcpy(c->update, g->axis[SCN_UPDATE].v[idx[SCN_UPDATE]]);
	strcpy(c->options, g->axis[SCN_OPTIONS].v[idx[SCN_OPTIONS]]);
	strcpy(c->cache, g->axis[SCN_CACHE].v[idx[SCN_CACHE]]);
	strcpy(c->libc, g->axis[SCN_LIBC].v[idx[SCN_LIBC]]);
	strcpy(c->qname, g->qname);
	c->interval_ms = g->interval_ms;
	c->window_ms = g->window_ms;
	c->before = g->before;
	c->switch_after_ms = g->switch_after_ms;
	c->timeout_ms = g->timeout_ms;
	strcpy(c->why, g->why);
	strcpy(c->exec, g->exec);
	strcpy(c->trigger, g->trigger);
	strcpy(c->fresh, g->fresh);
	strcpy(c->only, g->only);
	c->secrets_shown = g->secrets_shown;
	memcpy(c->env, g->env, sizeof c->env);
	c->nenv = g->nenv;
	c->env_kept = g->env_kept;
	c->trigger_ms = g->trigger_ms;
	c->fresh_ms = g->fresh_ms;
	memcpy(c->conf, g->conf, sizeof c->conf);
	memcpy(c->state, g->state, sizeof c->state);
	c->nstate = g->nstate;
	/* A group with servers of its own names its cases apart. */
	bool own = g->nconf[0] || g->nstate;
	snprintf(c->name, sizeof c->name, "%s%s%s/%s/%s%s%s%s%s",
	         strcmp(c->libc, "host") ? c->libc : "",
	         strcmp(c->libc, "host") ? ":" : "",
	         c->probe, c->update, c->options,
	         strcmp(c->cache, "none") ? "/" : "",
	         strcmp(c->cache, "none") ? c->cache : "",
	         own ? "/" : "", own ? g->name : "");
}

/* Is s exactly the n bytes at t? */
static int equals(const char *s, const char *t, size_t n)
{
	return strlen(s) == n && memcmp(s, t, n) == 0;
}

/* Terms are read in place, not copied: a filter of any length (many
 * "=NAME" terms) keeps all of them. */
int scn_case_matches(const struct scn_case *c, const char *filter)
{
	if (!filter || !*filter)
		return 1;
	const char *vals[] = { c->probe, c->update, c->options, c->cache,
	                       c->libc, c->group };
	for (const char *t = filter; *t; t += *t == ',') {
		size_t n = strcspn(t, ",");
		const char *term = t;
		t += n;
		if (n == 0)
			continue;
		if (term[0] == '=') {   /* "=NAME": this one case, nothing else */
			if (equals(c->name, term + 1, n - 1))
				return 1;
			continue;
		}
		if (memmem(c->name, strlen(c->name), term, n))
			return 1;
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
			if (equals(vals[i], term, n))
				return 1;
	}
	return 0;
}
