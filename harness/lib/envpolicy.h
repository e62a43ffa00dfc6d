/*
 * envpolicy.h - the environment the process under test starts with.
 *
 * Owns: which of the caller's variables the command gets (all but the
 * ones that change name resolution, or none: a fixed environment), the
 * variables set on top (exec --env, a scenario's "env" lines), the list
 * of what was removed, and how the environment is shown (values of names
 * that look like secrets masked).  doc/design.md, "The process's
 * environment", says why; doc/resolvers.md lists the removed names with
 * the source file that reads each.
 * Never: reads environ or calls getenv: the caller hands the caller's
 * environment in, so every rule is testable.
 */
#ifndef WHICHNS_ENVPOLICY_H
#define WHICHNS_ENVPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The fixed environment's PATH, and the PATH of a kept environment that
 * has none. */
#define ENVPOLICY_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* The caller's variables the command may get; the rest are counted
 * (envpolicy_out's dropped) and said, never passed.  The caller's own
 * environment passed execve, so only its count matters here. */
#define ENVPOLICY_MAX  4096
#define ENVPOLICY_SHOW_MAX 4096  /* a shown "NAME=VALUE", its mark included */
#define ENVPOLICY_SET_MAX 32  /* --env / "env" assignments of one case */

enum envpolicy_mode {
	ENV_KEEP,    /* the caller's, minus the resolver variables (exec) */
	ENV_CLEAN,   /* PATH, HOME=/root, LC_ALL=C only (run) */
};

struct envpolicy {
	enum envpolicy_mode mode;
	bool        mode_said;                /* chosen by the user (exec's
	                                       * --keep-env or --clean-env) */
	const char *set[ENVPOLICY_SET_MAX];   /* "NAME=VALUE", in order */
	size_t      nset;
};

struct envpolicy_out {
	/* NULL-terminated; points into the caller's strings, set[] and the
	 * static fixed entries; extra (CLEANUP_MARK's) last, when given.
	 * Room for all of them: ENVPOLICY_MAX of the caller's, PATH, the
	 * set ones, extra and NULL. */
	const char *env[ENVPOLICY_MAX + ENVPOLICY_SET_MAX + 3];
	size_t      n;
	size_t      dropped;       /* caller's entries past ENVPOLICY_MAX */
	char        removed[256];  /* inherited resolver names, space-separated */
};

/* Does the variable NAME change how names resolve (glibc's resolver and
 * loader, musl's loader, Go's resolver choice)?  Such a variable is
 * removed when inherited, kept when set explicitly. */
bool envpolicy_resolver_var(const char *name, size_t len);
/* Does NAME look like it holds a secret (TOKEN, PASSWORD, PASSWD,
 * SECRET, KEY, CREDENTIAL, in any case)?  Its value is shown masked. */
bool envpolicy_secret(const char *name, size_t len);
/* Is s "NAME=VALUE" with NAME a shell variable name ([A-Za-z_][A-Za-z0-9_]*,
 * at most 128 bytes) and VALUE without a newline?  0, or -1 with err
 * saying what is wrong. */
int  envpolicy_assign_valid(const char *s, char *err, size_t errsize);
/* Add an assignment (later ones of the same name win); -1 when full. */
int  envpolicy_add(struct envpolicy *p, const char *assign);
/* The mode's name, as the reports say it: "kept" or "clean". */
const char *envpolicy_mode_name(enum envpolicy_mode m);

/*
 * The command's environment from the caller's (NULL-terminated; ignored
 * for ENV_CLEAN), the policy, and extra (NULL, or one "NAME=VALUE" that
 * always goes in last, replacing an inherited one of that name).
 * Entries without '=' are left out.  A kept environment without PATH
 * gets ENVPOLICY_PATH.
 */
void envpolicy_build(const struct envpolicy *p, char *const *caller,
                     const char *extra, struct envpolicy_out *out);

/* The value of name in env (NULL-terminated), or NULL. */
const char *envpolicy_get(const char *const *env, const char *name);

/* env as text, one "NAME=VALUE" a line, sorted as given; a secret's value
 * is "***" (its length kept out too), control bytes become '?'; a line
 * longer than ENVPOLICY_SHOW_MAX - 1 bytes ends in " ... (cut, N bytes)",
 * N the value's length.  skip: a name left out (whichns's own mark), or
 * NULL.  dropped (envpolicy_out's): a last line "# N more variables not
 * passed: ..." when not 0. */
void envpolicy_show(FILE *f, const char *const *env, const char *skip,
                    size_t dropped);
/* One assignment as envpolicy_show writes it, into buf (size bytes: a
 * value cut to fit ends in " ... (cut, N bytes)" when the mark fits). */
void envpolicy_show_one(char *buf, size_t size, const char *assign);
/* The explicit assignments of p, shown, joined by spaces, into buf
 * ("" for none); truncated with "..." when it does not fit. */
void envpolicy_set_text(const struct envpolicy *p, char *buf, size_t size);

/*
 * A "#!" line: its interpreter and first argument (as the kernel splits
 * it: the interpreter up to a blank, the rest of the line, trimmed, as
 * one argument).  1 with them; 0 when head is no "#!" script; -1 when
 * the line is cut short or too long for the buffers.
 */
int  envpolicy_shebang(const unsigned char *head, size_t n, char *interp,
                       size_t isize, char *arg, size_t asize);

#endif
