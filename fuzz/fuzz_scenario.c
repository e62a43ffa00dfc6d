/*
 * fuzz_scenario.c - scn_parse() on any text, then what the runner does
 * with a parsed file: expand cases, select them, render their resolv.conf.
 *
 * libfuzzer: -max_len=8192
 *
 * Beyond not crashing, scenario.h promises:
 * - a rejected file gets one line "fuzz.scn:LINE: ..." in err;
 * - an accepted file has 1 to SCN_GROUPS_MAX groups, each axis 1 to
 *   SCN_VALUES_MAX values, every text a C string within its field;
 * - every case expands: its name is a C string, "=NAME" selects it, and
 *   its options render a resolv.conf (the parser checked them);
 * - the file written back from what was parsed (every group in full, as
 *   render() below writes it) parses again into the same thing;
 * - command-line values, taken from comment lines of the input: "#l a,b"
 *   (--libc a,b) either fails with "--libc: ..." or gives those values; "#f FILTER" (-f) selects or not, and a
 *   case's own probe selects it; "#s K/N" (--shard) puts every case in
 *   exactly one shard.
 */
#include "fuzz.h"
#include "resolvconf.h"
#include "scenario.h"

#define PATH        "fuzz.scn"
#define CASES_EACH  32     /* cases expanded at each end of the list */

static void check_group(const struct scn_group *g)
{
	FUZZ_CHECK_STR(g->name);
	FUZZ_CHECK_STR(g->qname);
	FUZZ_CHECK_STR(g->why);
	FUZZ_CHECK_STR(g->exec);
	FUZZ_CHECK_STR(g->trigger);
	FUZZ_CHECK_STR(g->fresh);
	FUZZ_CHECK_STR(g->only);
	for (unsigned a = 0; a < SCN_AXES; a++) {
		FUZZ_CHECK(g->axis[a].n >= 1 && g->axis[a].n <= SCN_VALUES_MAX,
		           "group [%s] axis %s has %zu values", g->name,
		           scn_axis_name((enum scn_axis)a), g->axis[a].n);
		for (size_t i = 0; i < g->axis[a].n; i++)
			FUZZ_CHECK_STR(g->axis[a].v[i]);
	}
}

static void check_case(const struct scn_file *f, size_t i)
{
	struct scn_case c;
	char filter[SCN_NAME_MAX + 1], conf[1024];

	scn_case_at(f, i, &c);
	FUZZ_CHECK_STR(c.name);
	FUZZ_CHECK(c.name[0] != '\0', "case %zu has no name", i);
	snprintf(filter, sizeof filter, "=%s", c.name);
	/* The filter buffer of scn_case_matches() holds 255 characters. */
	if (strlen(filter) < 256)
		FUZZ_CHECK(scn_case_matches(&c, filter), "'%s' does not select its case",
		           filter);
	FUZZ_CHECK(resolvconf_render(conf, sizeof conf, "old", "198.51.100.10",
	                             c.options) > 0,
	           "options '%s' of case %s passed the parser but do not render",
	           c.options, c.name);
}

/* A group's resolv.conf lines and server states, as written. */
static void render_servers(FILE *out, const struct scn_group *g)
{
	for (int after = 0; after < 2; after++) {
		const char *t = g->conf[after];
		while (*t) {
			size_t l = strcspn(t, "\n");
			fprintf(out, "resolv-%s %.*s\n", after ? "after" : "before",
			        (int)l, t);
			t += l + (t[l] == '\n');
		}
	}
	for (size_t k = 0; k < g->nstate; k++) {
		const char *st = g->state[k];
		size_t a = strcspn(st, "=");
		fprintf(out, "server %.*s %s\n", (int)a, st, st[a] ? st + a + 1 : "");
	}
}

/* Write f back as scenario text: each group in full, so no value comes
 * from defaults and the text says everything the parse produced. */
static void render(FILE *out, const struct scn_file *f)
{
	for (size_t i = 0; i < f->ngroups; i++) {
		const struct scn_group *g = &f->groups[i];
		fprintf(out, "[%s]\n", g->name);
		for (unsigned a = 0; a < SCN_AXES; a++) {
			if (a == SCN_PROBE && g->exec[0])
				continue;   /* an exec group's probe is its name */
			fputs(scn_axis_name((enum scn_axis)a), out);
			for (size_t k = 0; k < g->axis[a].n; k++)
				fprintf(out, " %s", g->axis[a].v[k]);
			fputc('\n', out);
		}
		fprintf(out, "name %s\ninterval %ums\nwindow %ums\nbefore %u\n"
		        "switch-after %ums\ntimeout %ums\ntrigger-every %ums\n"
		        "fresh-for %ums\nsecrets %s\n", g->qname, g->interval_ms,
		        g->window_ms, g->before, g->switch_after_ms, g->timeout_ms,
		        g->trigger_ms, g->fresh_ms, g->secrets_shown ? "shown" : "masked");
		const struct { const char *key, *val; } text[] = {
			{ "why", g->why }, { "exec", g->exec }, { "trigger", g->trigger },
			{ "fresh", g->fresh }, { "only", g->only },
		};
		for (size_t k = 0; k < sizeof text / sizeof text[0]; k++)
			if (text[k].val[0])
				fprintf(out, "%s %s\n", text[k].key, text[k].val);
		render_servers(out, g);
	}
}

static char *rendered(const struct scn_file *f)
{
	struct fuzz_mem m;
	render(fuzz_mem_open(&m), f);
	return fuzz_mem_text(&m);
}

static void check_round_trip(const struct scn_file *f)
{
	static struct scn_file again;
	char err[512] = "";

	char *text = rendered(f);
	int rc = scn_parse(text, strlen(text), PATH, &again, err, sizeof err);
	FUZZ_CHECK(rc == 0, "the file written back is rejected: %s\n%s", err, text);
	char *text2 = rendered(&again);
	FUZZ_CHECK(strcmp(text, text2) == 0,
	           "written back and parsed again, it differs:\n%s\n---\n%s",
	           text, text2);
	FUZZ_CHECK(scn_count(&again) == scn_count(f), "case counts differ");
	free(text);
	free(text2);
}

/* The input's lines that start with tag ("#f "), after it, as C strings:
 * comments to the parser, command-line values to the target. */
static size_t directives(const uint8_t *data, size_t size, const char *tag,
                         char out[][SCN_TEXT_MAX], size_t max)
{
	size_t n = 0, k = strlen(tag);
	for (size_t off = 0; off < size && n < max;) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t l = nl ? (size_t)(nl - (data + off)) : size - off;
		if (l >= k && memcmp(data + off, tag, k) == 0) {
			size_t v = l - k < SCN_TEXT_MAX - 1 ? l - k : SCN_TEXT_MAX - 1;
			memcpy(out[n], data + off + k, v);
			out[n++][v] = '\0';
		}
		off += l + 1;
	}
	return n;
}

/* "#l a,b,c": --libc a,b,c replaces every group's libc axis.  A refused
 * value may leave the axes half replaced (whichns then stops), so each
 * one is tried on a copy and kept only when accepted. */
static void check_libc_option(struct scn_file *f, const uint8_t *data, size_t size)
{
	static struct scn_file copy;
	char d[4][SCN_TEXT_MAX], err[512];
	size_t n = directives(data, size, "#l ", d, 4);

	for (size_t i = 0; i < n; i++) {
		copy = *f;
		err[0] = '\0';
		if (scn_override_axis(&copy, SCN_LIBC, d[i], err, sizeof err) != 0) {
			FUZZ_CHECK(strncmp(err, "--libc: ", 8) == 0 && !strchr(err, '\n'),
			           "--libc error '%s'", err);
			continue;
		}
		*f = copy;
		for (size_t g = 0; g < f->ngroups; g++)
			for (size_t v = 0; v < f->groups[g].axis[SCN_LIBC].n; v++)
				FUZZ_CHECK(strstr(d[i], f->groups[g].axis[SCN_LIBC].v[v]) != NULL,
				           "--libc %s gave value '%s'", d[i],
				           f->groups[g].axis[SCN_LIBC].v[v]);
	}
}

/* "#f FILTER" (-f) and "#s K/N" (--shard) on the first cases. */
static void check_selection(const struct scn_file *f, const uint8_t *data,
                            size_t size)
{
	char d[4][SCN_TEXT_MAX];
	size_t nf = directives(data, size, "#f ", d, 4);
	size_t count = scn_count(f);
	struct scn_case c;

	for (size_t i = 0; i < count && i < 8; i++) {
		scn_case_at(f, i, &c);
		FUZZ_CHECK(scn_case_matches(&c, "") && scn_case_matches(&c, NULL),
		           "no filter leaves out %s", c.name);
		FUZZ_CHECK(scn_case_matches(&c, c.probe), "-f %s leaves out %s",
		           c.probe, c.name);
		for (size_t k = 0; k < nf; k++) {
			char more[2 * SCN_TEXT_MAX + SCN_NAME_MAX];
			int m = scn_case_matches(&c, d[k]);
			FUZZ_CHECK(m == 0 || m == 1, "scn_case_matches gave %d", m);
			/* A term selects its case whatever the terms before it. */
			snprintf(more, sizeof more, "%s,=%s", d[k], c.name);
			FUZZ_CHECK(scn_case_matches(&c, more), "-f %s leaves out %s",
			           more, c.name);
		}
	}
	size_t ns = directives(data, size, "#s ", d, 4);
	for (size_t k = 0; k < ns; k++) {
		unsigned sk = 0, sn = 0;
		if (scn_parse_shard(d[k], &sk, &sn) != 0)
			continue;
		FUZZ_CHECK(sk >= 1 && sk <= sn && sn <= 10000, "shard %u/%u from '%s'",
		           sk, sn, d[k]);
		for (size_t i = 0; i < 4 && sn <= 1000; i++) {
			unsigned holders = 0;
			for (unsigned j = 1; j <= sn; j++)
				holders += scn_in_shard(i, j, sn) != 0;
			FUZZ_CHECK(holders == 1, "case %zu is in %u of %u shards", i,
			           holders, sn);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scn_file f;   /* large: off the stack */
	char err[512];

	err[0] = '\0';
	if (scn_parse((const char *)data, size, PATH, &f, err, sizeof err) != 0) {
		FUZZ_CHECK(strncmp(err, PATH ":", strlen(PATH ":")) == 0 &&
		           strchr(err, '\n') == NULL, "error message '%s'", err);
		return 0;
	}
	FUZZ_CHECK(f.ngroups >= 1 && f.ngroups <= SCN_GROUPS_MAX, "%zu groups",
	           f.ngroups);
	for (size_t i = 0; i < f.ngroups; i++)
		check_group(&f.groups[i]);
	size_t n = scn_count(&f);
	FUZZ_CHECK(n >= 1, "no cases");
	for (size_t i = 0; i < n; i++) {
		if (i == CASES_EACH && n > 2 * CASES_EACH)
			i = n - CASES_EACH;
		check_case(&f, i);
	}
	check_libc_option(&f, data, size);
	check_selection(&f, data, size);
	check_round_trip(&f);
	return 0;
}
