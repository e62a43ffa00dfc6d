/*
 * fuzz_serverset.c - a case's servers from two resolv.conf texts as they
 * come from outside (exec --before-conf/--after-conf, decode's, scenario
 * files): serverset_from_texts(), serverset_render(),
 * serverset_set_state() and serverset_state_name().
 *
 * libfuzzer: -max_len=8192
 *
 * Input: the first byte picks the render buffer's size (16 times it, to
 * test the "does not fit" path); the rest is the old file, then, after a
 * line "%%", the new file (the old one again when there is none), then,
 * after a second line "%%", a server state word.
 *
 * Beyond not crashing, serverset.h promises:
 * - on -1, *set is unchanged and err is one line "FILE:..." or
 *   "FILE:LINE: ..." naming one of the two files, with "; " before the fix;
 * - on 0, 1 to SS_MAX servers, each with one address, listed in one file
 *   at least, marked SS_MARK_FIRST + its index, found by its address and
 *   by its mark, no two the same; its role old (only the old file lists
 *   it), new (only the new one) or kept (both);
 * - every text it took renders into SS_TEXT_MAX bytes as given, with or
 *   without options, and the rendered texts, when they are at most
 *   SS_CONF_MAX bytes (the options line may take a text past it), give
 *   the same set again;
 *   a smaller buffer gives -1 or a text that fits;
 * - a state word either sets one server's state, whose name reads back
 *   to the same state, or leaves the set as it was with one line in err.
 */
#include "fuzz.h"
#include "serverset.h"

#define SEP "\n%%\n"

static const char *name_old = "before.conf", *name_new = "after.conf";

static void check_error(const char *err)
{
	size_t lo = strlen(name_old), ln = strlen(name_new);
	FUZZ_CHECK(err[0] != '\0', "no error message");
	FUZZ_CHECK(strchr(err, '\n') == NULL, "error of two lines: %s", err);
	FUZZ_CHECK((strncmp(err, name_old, lo) == 0 && err[lo] == ':') ||
	           (strncmp(err, name_new, ln) == 0 && err[ln] == ':'),
	           "error names no file: %s", err);
	FUZZ_CHECK(strstr(err, "; ") != NULL, "error without a fix: %s", err);
}

static void check_set(const struct serverset *s)
{
	FUZZ_CHECK(s->n >= 1 && s->n <= SS_MAX, "%zu servers", s->n);
	FUZZ_CHECK(s->from_files, "not from files");
	for (size_t i = 0; i < s->n; i++) {
		const struct ss_server *v = &s->s[i];
		FUZZ_CHECK_STR(v->label);
		FUZZ_CHECK_STR(v->addr[0]);
		FUZZ_CHECK(v->naddrs == 1, "server %zu has %zu addresses", i, v->naddrs);
		FUZZ_CHECK(v->before || v->after, "server %zu in no file", i);
		FUZZ_CHECK(v->mark == SS_MARK_FIRST + i, "server %zu mark %u", i,
		           v->mark);
		FUZZ_CHECK(serverset_find(s, &v->a[0]) == (int)i, "%s not found at %zu",
		           v->addr[0], i);
		FUZZ_CHECK(serverset_mark_of(s, v->mark) == (int)i, "mark %u", v->mark);
		FUZZ_CHECK(serverset_role(s, &v->a[0]) == (v->before && v->after ?
		           VD_KEPT : v->after ? VD_NEW : VD_OLD), "role of %s",
		           v->addr[0]);
		FUZZ_CHECK(v->state == SS_UP, "server %zu not up", i);
	}
}

static bool same_servers(const struct serverset *a, const struct serverset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!pkt_addr_eq(&a->s[i].a[0], &b->s[i].a[0]) ||
		    a->s[i].before != b->s[i].before || a->s[i].after != b->s[i].after)
			return false;
	return true;
}

/* Render both sides, check them, and read them back. */
static void check_render(const struct serverset *s, const char *o,
                         const char *n, size_t small)
{
	static char ro[SS_TEXT_MAX], rn[SS_TEXT_MAX];
	static struct serverset again;
	char err[512];

	int k = serverset_render(s, false, o, n, "default", ro, sizeof ro);
	FUZZ_CHECK(k >= 0 && strcmp(ro, o) == 0, "old text not as given (%d)", k);
	k = serverset_render(s, false, o, n, "rotate+timeout:1", ro, sizeof ro);
	FUZZ_CHECK(k > 0 && (size_t)k == strlen(ro), "render with options: %d", k);
	FUZZ_CHECK(strncmp(ro, o, strlen(o)) == 0, "text changed");
	FUZZ_CHECK(strcmp(ro + k - 25, "options rotate timeout:1\n") == 0,
	           "no options line: %s", ro);
	k = serverset_render(s, true, o, n, "rotate+timeout:1", rn, sizeof rn);
	FUZZ_CHECK(k > 0, "new render: %d", k);
	if (strlen(ro) <= SS_CONF_MAX && strlen(rn) <= SS_CONF_MAX) {
		FUZZ_CHECK(serverset_from_texts(&again, ro, strlen(ro), name_old, rn,
		                                strlen(rn), name_new, err, sizeof err) == 0,
		           "rendered texts refused: %s", err);
		FUZZ_CHECK(same_servers(s, &again), "rendered texts give other servers");
	}

	char *buf = malloc(small ? small : 1);   /* exact: overruns show */
	if (!buf)
		abort();
	k = serverset_render(s, true, o, n, "no-reload", buf, small);
	FUZZ_CHECK(k == -1 || (k > 0 && (size_t)k < small), "returned %d for %zu",
	           k, small);
	free(buf);
}

static void check_state(struct serverset *s, const char *word)
{
	static struct serverset before;
	char err[512], name[24];

	before = *s;
	if (serverset_set_state(s, word, err, sizeof err) != 0) {
		FUZZ_CHECK(memcmp(s, &before, sizeof *s) == 0, "set changed");
		FUZZ_CHECK(err[0] && !strchr(err, '\n'), "error: '%s'", err);
		return;
	}
	size_t changed = 0, at = 0;
	for (size_t i = 0; i < s->n; i++)
		if (memcmp(&s->s[i], &before.s[i], sizeof s->s[i]) != 0) {
			changed++;
			at = i;
		}
	FUZZ_CHECK(changed <= 1, "%zu servers changed", changed);
	if (changed == 0)
		return;   /* the state it had already */
	struct ss_server set = s->s[at];
	char again[SS_ADDR_TEXT + 32];
	snprintf(again, sizeof again, "%s=%s", set.addr[0],
	         serverset_state_name(&set, name, sizeof name));
	*s = before;
	FUZZ_CHECK(serverset_set_state(s, again, err, sizeof err) == 0,
	           "'%s' refused: %s", again, err);
	FUZZ_CHECK(s->s[at].state == set.state && s->s[at].slow_ms == set.slow_ms,
	           "'%s' (from '%s') reads back otherwise", again, word);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct serverset s, before;
	char err[512];

	if (size < 1)
		return 0;
	size_t small = (size_t)data[0] * 16;
	char *text = fuzz_text(data + 1, size - 1);
	size_t len = size - 1;
	const char *o = text, *n = text, *word = "";
	size_t lo = len, ln = len;
	char *sep = memmem(text, len, SEP, sizeof SEP - 1);
	if (sep) {
		*sep = '\0';
		lo = (size_t)(sep - text);
		n = sep + sizeof SEP - 1;
		ln = len - lo - (sizeof SEP - 1);
		char *sep2 = memmem(n, ln, SEP, sizeof SEP - 1);
		if (sep2) {
			*sep2 = '\0';
			word = sep2 + sizeof SEP - 1;
			ln = (size_t)(sep2 - n);
		}
	}
	serverset_default(&s);
	before = s;
	if (serverset_from_texts(&s, o, lo, name_old, n, ln, name_new, err,
	                         sizeof err) != 0) {
		check_error(err);
		FUZZ_CHECK(memcmp(&s, &before, sizeof s) == 0, "set changed on error");
		check_state(&s, word);
		free(text);
		return 0;
	}
	check_set(&s);
	/* The texts it took hold no NUL: they are C strings of their length. */
	FUZZ_CHECK(strlen(o) == lo && strlen(n) == ln, "a NUL was taken");
	check_render(&s, o, n, small);
	check_state(&s, word);
	free(text);
	return 0;
}
