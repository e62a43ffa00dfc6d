/*
 * check_envpolicy.c - the process's environment: which inherited
 * variables go (the resolver's, the loader's), that an explicit one stays,
 * the clean environment, PATH when there is none, secrets masked, bad
 * assignments, and "#!" lines as the kernel splits them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "envpolicy.h"
#include "suites.h"
#include "testutil.h"

/* env as one line: "A=1 B=2" (a golden text to compare). */
static void joined(const struct envpolicy_out *o, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; o->env[i]; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", o->env[i]);
	ck_assert_uint_lt(n, size);
}

static char *caller[] = {
	"HOME=/home/ann", "PATH=/tmp/venv/bin:/usr/bin", "RES_OPTIONS=no-reload",
	"LANG=C.UTF-8", "LD_PRELOAD=/x/libfake.so", "LOCALDOMAIN=corp",
	"HOSTALIASES=/tmp/h", "VIRTUAL_ENV=/tmp/venv", "LD_LIBRARY_PATH=/x",
	"NOEQUALS", "WHICHNS_RUN=old", "GODEBUG=netdns=cgo", NULL,
};

START_TEST(test_keep_removes_resolver_vars)
{
	struct envpolicy p = { .mode = ENV_KEEP };
	struct envpolicy_out o;
	char got[1024];
	envpolicy_build(&p, caller, "WHICHNS_RUN=1.2", &o);
	joined(&o, got, sizeof got);
	ck_assert_str_eq(got, "HOME=/home/ann PATH=/tmp/venv/bin:/usr/bin "
	                 "LANG=C.UTF-8 VIRTUAL_ENV=/tmp/venv WHICHNS_RUN=1.2");
	ck_assert_str_eq(o.removed, "RES_OPTIONS LD_PRELOAD LOCALDOMAIN "
	                 "HOSTALIASES LD_LIBRARY_PATH GODEBUG");
	ck_assert_str_eq(envpolicy_get(o.env, "PATH"), "/tmp/venv/bin:/usr/bin");
	ck_assert_ptr_null(envpolicy_get(o.env, "RES_OPTIONS"));
	ck_assert_ptr_null(envpolicy_get(o.env, "NOEQUALS"));
}
END_TEST

/* An explicit --env of a resolver variable is the user's choice: it
 * stays, and is not "removed" (the inherited one it replaces is not). */
START_TEST(test_explicit_resolver_var_stays)
{
	struct envpolicy p = { .mode = ENV_KEEP };
	struct envpolicy_out o;
	char got[1024];
	ck_assert_int_eq(envpolicy_add(&p, "RES_OPTIONS=attempts:1"), 0);
	ck_assert_int_eq(envpolicy_add(&p, "RES_OPTIONS=no-reload"), 0);  /* wins */
	ck_assert_int_eq(envpolicy_add(&p, "LANG=C"), 0);
	envpolicy_build(&p, caller, NULL, &o);
	joined(&o, got, sizeof got);
	ck_assert_str_eq(got, "HOME=/home/ann PATH=/tmp/venv/bin:/usr/bin "
	                 "VIRTUAL_ENV=/tmp/venv WHICHNS_RUN=old "
	                 "RES_OPTIONS=no-reload LANG=C");
	ck_assert_str_eq(o.removed, "LD_PRELOAD LOCALDOMAIN HOSTALIASES "
	                 "LD_LIBRARY_PATH GODEBUG");
	envpolicy_set_text(&p, got, sizeof got);
	ck_assert_str_eq(got, "RES_OPTIONS=no-reload LANG=C");
}
END_TEST

START_TEST(test_clean)
{
	struct envpolicy p = { .mode = ENV_CLEAN };
	struct envpolicy_out o;
	char got[1024];
	envpolicy_build(&p, caller, "WHICHNS_RUN=1", &o);
	joined(&o, got, sizeof got);
	ck_assert_str_eq(got, "PATH=" ENVPOLICY_PATH " HOME=/root LC_ALL=C "
	                 "WHICHNS_RUN=1");
	ck_assert_str_eq(o.removed, "");   /* nothing inherited to remove */
	envpolicy_add(&p, "PATH=/opt/bin");
	envpolicy_add(&p, "RES_OPTIONS=no-reload");
	envpolicy_build(&p, caller, NULL, &o);
	joined(&o, got, sizeof got);
	ck_assert_str_eq(got, "HOME=/root LC_ALL=C PATH=/opt/bin RES_OPTIONS=no-reload");
}
END_TEST

START_TEST(test_keep_without_path)
{
	char *bare[] = { "TERM=dumb", NULL };
	struct envpolicy p = { .mode = ENV_KEEP };
	struct envpolicy_out o;
	char got[512];
	envpolicy_build(&p, bare, NULL, &o);
	joined(&o, got, sizeof got);
	ck_assert_str_eq(got, "TERM=dumb PATH=" ENVPOLICY_PATH);
	envpolicy_build(&p, NULL, NULL, &o);   /* no caller's: the fixed one */
	ck_assert_str_eq(envpolicy_get(o.env, "HOME"), "/root");
}
END_TEST

/* More variables than fit: the rest are counted, never written past. */
START_TEST(test_limits)
{
	static char names[ENVPOLICY_MAX + 50][16];
	static char *many[ENVPOLICY_MAX + 51];
	for (int i = 0; i < ENVPOLICY_MAX + 50; i++) {
		snprintf(names[i], sizeof names[i], "V%d=x", i);
		many[i] = names[i];
	}
	many[ENVPOLICY_MAX + 50] = NULL;
	struct envpolicy p = { .mode = ENV_KEEP };
	struct envpolicy_out o;
	for (int i = 0; i < ENVPOLICY_SET_MAX; i++)
		ck_assert_int_eq(envpolicy_add(&p, names[i]), 0);
	ck_assert_int_eq(envpolicy_add(&p, "ONE_MORE=1"), -1);
	envpolicy_build(&p, many, "M=1", &o);
	ck_assert_ptr_null(o.env[o.n]);
	ck_assert_uint_le(o.n, ENVPOLICY_MAX + ENVPOLICY_SET_MAX + 2);
	/* the set ones and extra are all there, extra last */
	ck_assert_str_eq(envpolicy_get(o.env, "V31"), "x");
	ck_assert_str_eq(o.env[o.n - 1], "M=1");
	/* MAX + 50 of the caller's, 32 of them set again: 18 too many */
	ck_assert_uint_eq(o.dropped, 18);
	ck_assert_str_eq(envpolicy_get(o.env, "V4127"), "x");
	ck_assert_ptr_null(envpolicy_get(o.env, "V4128"));
	/* ... and env.txt says so, last (after the set ones) */
	{
		struct memout m;
		FILE *f = memout_open(&m);
		envpolicy_show(f, o.env, "M", o.dropped);
		char *text = memout_text(&m);
		ck_assert_has(text, "\nV31=x\n# 18 more variables not passed: "
		              "the command gets at most 4096 of yours\n");
		ck_assert_msg(!strstr(text, "M=1"), "the mark is left out");
		free(text);
	}
	/* removed[] fills up with "..." and stays terminated */
	static char rnames[64][32];
	static char *res[65];
	for (int i = 0; i < 64; i++) {
		snprintf(rnames[i], sizeof rnames[i], "%s=1",
		         i % 2 ? "RESOLV_OVERRIDE_TRIM_DOMAINS" : "LD_PRELOAD");
		res[i] = rnames[i];
	}
	res[64] = NULL;
	p.nset = 0;
	envpolicy_build(&p, res, NULL, &o);
	ck_assert_uint_lt(strlen(o.removed), sizeof o.removed);
	ck_assert_has(o.removed, "...");
}
END_TEST

static const struct { const char *name; bool secret; } secrets[] = {
	{ "GITHUB_TOKEN", true }, { "db_password", true }, { "PGPASSWD", true },
	{ "AWS_SECRET_ACCESS_KEY", true }, { "API_KEY", true }, { "apikey", true },
	{ "MY_CREDENTIALS", true }, { "PATH", false }, { "HOME", false },
	{ "KE", false }, { "", false }, { "TOKE", false },
};

START_TEST(test_secret_names)
{
	const char *n = secrets[_i].name;
	ck_assert_msg(envpolicy_secret(n, strlen(n)) == secrets[_i].secret, "%s", n);
}
END_TEST

START_TEST(test_show_masks)
{
	const char *env[] = { "API_TOKEN=abc123", "PATH=/bin", "EMPTY_KEY=",
	                      "CTRL=a\tb\x7f", "WHICHNS_RUN=9", NULL };
	struct memout m;
	FILE *f = memout_open(&m);
	envpolicy_show(f, env, "WHICHNS_RUN", 0);
	char *text = memout_text(&m);
	ck_assert_text(text, "API_TOKEN=***\nPATH=/bin\nEMPTY_KEY=\nCTRL=a?b?\n");
	free(text);
	char one[8];
	envpolicy_show_one(one, sizeof one, "LONGNAME=value");
	ck_assert_str_eq(one, "LONGNAM");   /* cut, terminated */
}
END_TEST

/* A value too long for env.txt's line is cut visibly, its length said. */
START_TEST(test_show_cut)
{
	static char big[ENVPOLICY_SHOW_MAX + 100];
	memcpy(big, "BIG=", 4);
	memset(big + 4, 'v', sizeof big - 5);
	size_t vlen = sizeof big - 5;
	const char *env[] = { big, "AFTER=1", NULL };
	struct memout m;
	FILE *f = memout_open(&m);
	envpolicy_show(f, env, NULL, 0);
	char *text = memout_text(&m);
	char mark[64];
	snprintf(mark, sizeof mark, "v ... (cut, %zu bytes)\nAFTER=1\n", vlen);
	ck_assert_has(text, mark);
	ck_assert_uint_eq(strcspn(text, "\n"), ENVPOLICY_SHOW_MAX - 1);
	free(text);
	/* small buffers: the mark when it fits, a plain cut when not */
	char one[40];
	const char *forty = "NAME=0123456789abcdefghij0123456789abcdefghij";
	envpolicy_show_one(one, sizeof one, forty);
	ck_assert_str_eq(one, "NAME=0123456789abcd ... (cut, 40 bytes)");
	envpolicy_show_one(one, 20, forty);
	ck_assert_str_eq(one, "NAME=0123456789abcd");
	/* a secret's value is "***": never cut, its length never said */
	envpolicy_show_one(one, sizeof one, "API_TOKEN=0123456789abcdefghij0123456789");
	ck_assert_str_eq(one, "API_TOKEN=***");
	/* fits exactly: no mark */
	envpolicy_show_one(one, 11, "NAME=01234");
	ck_assert_str_eq(one, "NAME=01234");
}
END_TEST

static const struct { const char *s; bool ok; } assigns[] = {
	{ "RES_OPTIONS=no-reload", true }, { "A=", true }, { "_x1=a=b c", true },
	{ "=v", false }, { "NOEQ", false }, { "1A=v", false }, { "A-B=v", false },
	{ "A B=v", false }, { "A=two\nlines", false }, { "", false },
};

START_TEST(test_assign_valid)
{
	char err[200] = "";
	int rc = envpolicy_assign_valid(assigns[_i].s, err, sizeof err);
	ck_assert_msg((rc == 0) == assigns[_i].ok, "'%s': %d %s", assigns[_i].s, rc, err);
	if (rc != 0)
		ck_assert_msg(err[0], "'%s': no reason", assigns[_i].s);
}
END_TEST

START_TEST(test_resolver_names)
{
	ck_assert(envpolicy_resolver_var("RES_OPTIONS", 11));
	ck_assert(envpolicy_resolver_var("LD_AUDIT", 8));
	ck_assert(!envpolicy_resolver_var("RES_OPTIONSX", 12));
	ck_assert(!envpolicy_resolver_var("RES_OPTION", 10));
	ck_assert(!envpolicy_resolver_var("res_options", 11));
	ck_assert_str_eq(envpolicy_mode_name(ENV_KEEP), "kept");
	ck_assert_str_eq(envpolicy_mode_name(ENV_CLEAN), "clean");
}
END_TEST

static const struct {
	const char *head;
	int rc;
	const char *interp, *arg;
} shebangs[] = {
	{ "#!/bin/sh\necho", 1, "/bin/sh", "" },
	{ "#! /usr/bin/env  python3 \nx", 1, "/usr/bin/env", "python3" },
	{ "#!/usr/bin/env -S a b\r\n", 1, "/usr/bin/env", "-S a b" },
	{ "#!/bin/sh", -1, "", "" },          /* no end of line read */
	{ "#!\n", -1, "", "" },               /* no interpreter */
	{ "\x7f" "ELF", 0, "", "" },
	{ "#", 0, "", "" },
	{ "", 0, "", "" },
};

START_TEST(test_shebang)
{
	char interp[64] = "", arg[64] = "";
	const char *h = shebangs[_i].head;
	int rc = envpolicy_shebang((const unsigned char *)h, strlen(h), interp,
	                           sizeof interp, arg, sizeof arg);
	ck_assert_int_eq(rc, shebangs[_i].rc);
	if (rc == 1) {
		ck_assert_str_eq(interp, shebangs[_i].interp);
		ck_assert_str_eq(arg, shebangs[_i].arg);
	}
	char small[4];   /* too long for the buffer: -1, not cut */
	ck_assert_int_eq(envpolicy_shebang((const unsigned char *)"#!/bin/bash\n",
	                                   12, small, sizeof small, arg, sizeof arg), -1);
}
END_TEST

Suite *envpolicy_suite(void)
{
	Suite *s = suite_create("envpolicy");
	TCase *core = tcase_create("Core");
	tcase_add_test(core, test_keep_removes_resolver_vars);
	tcase_add_test(core, test_explicit_resolver_var_stays);
	tcase_add_test(core, test_clean);
	tcase_add_test(core, test_keep_without_path);
	tcase_add_loop_test(core, test_secret_names, 0, NROWS(secrets));
	tcase_add_test(core, test_show_masks);
	tcase_add_test(core, test_show_cut);
	tcase_add_test(core, test_resolver_names);
	suite_add_tcase(s, core);
	TCase *lim = tcase_create("Limits");
	tcase_add_test(lim, test_limits);
	suite_add_tcase(s, lim);
	TCase *bad = tcase_create("Malformed");
	tcase_add_loop_test(bad, test_assign_valid, 0, NROWS(assigns));
	tcase_add_loop_test(bad, test_shebang, 0, NROWS(shebangs));
	suite_add_tcase(s, bad);
	return s;
}
