/*
 * cmd_roots.c - whichns roots: import a root filesystem of one's own
 * (a folder, a tarball, a container image), name it, list and remove
 * them.  The work is rootimport.c's; this file reads the command line
 * and says, in one line, what was done.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "exitcodes.h"
#include "libcs.h"
#include "preflight.h"
#include "rootimport.h"
#include "rootprobes.h"

static const char roots_usage[] =
"usage: whichns roots add [--cache dir] [--no-probes] name source\n"
"       whichns roots list [--cache dir]\n"
"       whichns roots rm [--cache dir] name\n";

static const char roots_help[] =
"\n"
"Imports a root filesystem of your own into the cache once, keyed by the\n"
"SHA-256 of its content, and names it: --libc NAME (run, exec, a\n"
"scenario's libc line, make regress's LIBCS) then runs cases inside it.\n"
"--libc PATH imports a source the same way without naming it.\n"
"\n"
"A source is never changed.  It is one of:\n"
"  a folder holding a root filesystem;\n"
"  a tarball: .tar, .tar.gz, .tgz, .tar.zst, .tar.xz (e.g. docker export);\n"
"  a container image: a docker-archive (docker save, podman save) or an\n"
"  OCI image layout (a folder, or a tar of one); its layers are applied in\n"
"  order, whiteouts included.\n"
"The C library (glibc or musl, and its version) is read from the tree's\n"
"own files.  The probes are compiled inside it by its own compiler: a\n"
"root without gcc (or cc) and the C library's headers says what to\n"
"install; probes built on this host are never used there.\n"
"\n"
"  add   import SOURCE unless imported already, compile the probes inside\n"
"        it, and name it NAME (a name given before now names this one)\n"
"  list  the imported roots: NAME KEY LIBC OS PROBES SOURCE; an import\n"
"        without a name (from --libc PATH) shows as -\n"
"  rm    remove NAME, and its tree when no other name points at it (a KEY\n"
"        from list removes an import without a name)\n"
"\n"
"Options:\n"
"  --cache DIR   where roots live, in DIR/roots (default: $WHICHNS_CACHE\n"
"                or /var/cache/whichns)\n"
"  --no-probes   add: compile no probes (exec's commands need none)\n"
"\n"
"Exit status: 0 done; 2 bad usage or bad input (a name that is no word or\n"
"is a built-in C library, a source that is not there, a corrupt or\n"
"truncated archive, an image naming a layer it lacks, a tree with no C\n"
"library, an unknown name); 3 the environment (not root, no space, a root\n"
"without a compiler: one line says what to install, a root in use);\n"
"130 interrupted (an import not complete is not kept).\n";

#define usage_error(...) cli_usage_error(roots_usage, __VA_ARGS__)

struct roots_args {
	const char *cache;
	bool no_probes;
	int argc;
	char **argv;
};

/* Options after the subcommand's name: 0, -1 for --help (printed), or
 * an exit status. */
static int roots_options(int argc, char **argv, struct roots_args *a)
{
	static const struct option opts[] = {
		{ "cache", required_argument, NULL, 'C' },
		{ "no-probes", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		switch (c) {
		case 'C': a->cache = optarg; break;
		case 'N': a->no_probes = true; break;
		case 'h':
			fputs(roots_usage, stdout);
			fputs(roots_help, stdout);
			return -1;
		default:
			return usage_error("roots %s: unknown option '%s'", argv[0],
			                   argv[optind - 1]);
		}
	if (!a->cache)
		a->cache = getenv("WHICHNS_CACHE") ? getenv("WHICHNS_CACHE")
		                                   : "/var/cache/whichns";
	a->argc = argc - optind;
	a->argv = argv + optind;
	return 0;
}

static int need_root(void)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "whichns: roots: must run as root: it unpacks trees with "
	        "their owners and compiles inside them in a chroot (try: sudo "
	        "whichns roots ...)\n");
	return EXIT_ENV;
}

static int check_name(const char *name)
{
	char why[160];
	if (rootinfo_name_check(name, why, sizeof why) != 0)
		return usage_error("roots: bad name '%s': %s", name, why);
	if (libc_is_builtin(name))
		return usage_error("roots: '%s' is a C library whichns knows already "
		                   "(--libc %s); choose another name", name, name);
	return 0;
}

/* Remove key, imported by this command, which then failed: nothing of
 * it stays (unless a run took it meanwhile: said). */
static void forget(const char *cache, const char *key)
{
	char err[PATH_MAX + 256];
	if (rootimport_remove(cache, key, err, sizeof err) != RI_OK)
		fprintf(stderr, "whichns: roots: %s\n", err);
}

static int roots_add(struct roots_args *a)
{
	static struct rootinfo ri;
	static struct preflight_paths pp;
	char err[PATH_MAX + 512], old[ROOTINFO_KEY_SIZE];
	const char *probes = "probes not built (--no-probes)";
	int rc;
	if (a->argc != 2)
		return usage_error("roots add: expected NAME SOURCE");
	const char *name = a->argv[0], *source = a->argv[1];
	if ((rc = check_name(name)) != 0 || (rc = need_root()) != 0)
		return rc;
	/* Progress lines on a terminal only, as git does: in a log the
	 * outcome's one line is what stands. */
	bool quiet = !isatty(STDERR_FILENO), fresh = false;
	rc = rootimport_import(a->cache, source, quiet, &ri, &fresh, err, sizeof err);
	if (rc == RI_OK && !a->no_probes) {
		if (preflight_repro(&pp, NULL) != 0)
			rc = RI_ENV, snprintf(err, sizeof err, "no probe sources at %s: "
			                      "reinstall whichns, or pass --no-probes", pp.repro);
		else if ((rc = rootprobes_build(a->cache, &ri, name, pp.repro, quiet,
		                                err, sizeof err)) == RI_ENV)
			snprintf(err + strlen(err), sizeof err - strlen(err), "; or, for "
			         "whichns exec (your own programs need no probes), "
			         "'whichns roots add --no-probes %s %s'", name, source);
		probes = "probes built";
	}
	if (rc != RI_OK) {
		fprintf(stderr, "whichns: roots: %s\n", err);
		if (fresh)   /* a failed add leaves nothing it imported */
			forget(a->cache, ri.key);
		return rootimport_exit(rc);
	}
	bool had = rootimport_name_get(a->cache, name, old) == 0;
	if (rootimport_name_set(a->cache, name, ri.key) != 0) {
		fprintf(stderr, "whichns: roots: cannot name %s in %s/roots/names: %s\n",
		        name, a->cache, strerror(errno));
		return EXIT_ENV;
	}
	if (had && strcmp(old, ri.key) != 0)
		fprintf(stderr, "whichns: roots: %s named %s before; it now names %s "
		        "(%s)\n", name, old, ri.key, ri.source);
	printf("whichns: roots: %s: %s%s%s, key %s, %s\n", name, ri.libc,
	       ri.os[0] ? ", " : "", ri.os, ri.key, probes);
	return EXIT_OK;
}

/* Each name in CACHE/roots/names with its key, into names/keys (up to
 * max); their count. */
#define LIST_MAX 512
struct named { char name[ROOTINFO_NAME_MAX], key[ROOTINFO_KEY_SIZE]; };

static size_t read_names(const char *cache, struct named *v, size_t max)
{
	char dir[PATH_MAX + 16];
	size_t n = 0;
	snprintf(dir, sizeof dir, "%s/roots/names", cache);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	for (struct dirent *de; n < max && (de = readdir(d));)
		if (de->d_name[0] != '.' && strlen(de->d_name) < ROOTINFO_NAME_MAX &&
		    rootimport_name_get(cache, de->d_name, v[n].key) == 0)
			strcpy(v[n++].name, de->d_name);
	closedir(d);
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void list_row(const char *cache, int width, const char *name,
                     const char *key, const char *repro)
{
	struct rootinfo ri;
	if (rootimport_load(cache, key, &ri) != 0)
		printf("%-*s %-23s %-12s %-32s %-6s %s\n", width, name, key, "?",
		       "(not imported: roots add again)", "-", "-");
	else
		printf("%-*s %-23s %-12s %-32s %-6s %s\n", width, name, key, ri.libc,
		       ri.os[0] ? ri.os : "-", rootprobes_state(cache, key, repro),
		       ri.source);
}

static bool key_named(const struct named *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return true;
	return false;
}

static int roots_list(struct roots_args *a)
{
	static struct named v[LIST_MAX];
	static struct preflight_paths pp;
	char dir[PATH_MAX + 8];
	if (a->argc != 0)
		return usage_error("roots list takes no arguments");
	const char *src = preflight_repro(&pp, NULL) == 0 ? pp.repro : NULL;
	size_t n = read_names(a->cache, v, LIST_MAX);
	qsort(v, n, sizeof v[0], by_name);
	int width = 12;   /* the longest name's */
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(v[i].name) > width)
			width = (int)strlen(v[i].name);
	printf("%-*s %-23s %-12s %-32s %-6s %s\n", width, "NAME", "KEY", "LIBC",
	       "OS", "PROBES", "SOURCE");
	for (size_t i = 0; i < n; i++)
		list_row(a->cache, width, v[i].name, v[i].key, src);
	snprintf(dir, sizeof dir, "%s/roots", a->cache);
	DIR *d = opendir(dir);
	if (!d)
		return EXIT_OK;   /* nothing imported yet */
	for (struct dirent *de; (de = readdir(d));) {
		struct rootinfo ri;
		if (rootinfo_key_ok(de->d_name) && !key_named(v, n, de->d_name) &&
		    rootimport_load(a->cache, de->d_name, &ri) == 0)
			list_row(a->cache, width, "-", de->d_name, src);
	}
	closedir(d);
	return EXIT_OK;
}

static int roots_rm(struct roots_args *a)
{
	static struct named v[LIST_MAX];
	char key[ROOTINFO_KEY_SIZE], err[PATH_MAX + 256];
	if (a->argc != 1)
		return usage_error("roots rm: expected NAME");
	const char *name = a->argv[0];
	bool by_key = rootinfo_key_ok(name);
	if (by_key) {
		memcpy(key, name, sizeof key);
		snprintf(err, sizeof err, "%s/roots/%s", a->cache, key);
		if (!cli_is_dir(err)) {
			fprintf(stderr, "whichns: roots rm: no import %s in %s/roots "
			        "('whichns roots list' shows them)\n", key, a->cache);
			return EXIT_USAGE;
		}
	}
	if (!by_key && rootimport_name_get(a->cache, name, key) != 0) {
		fprintf(stderr, "whichns: roots rm: no root named '%s' in %s/roots/"
		        "names ('whichns roots list' shows them)\n", name, a->cache);
		return EXIT_USAGE;
	}
	int rc = need_root();
	if (rc != 0)
		return rc;
	if (!by_key && rootimport_name_rm(a->cache, name) != 0) {
		fprintf(stderr, "whichns: roots rm: cannot remove the name %s: %s\n",
		        name, strerror(errno));
		return EXIT_ENV;
	}
	/* From here on a failure puts the name back: rm does all or nothing. */
	size_t n = read_names(a->cache, v, LIST_MAX);
	if (key_named(v, n, key) && by_key) {
		fprintf(stderr, "whichns: roots rm: names point at %s: remove them "
		        "instead ('whichns roots list' shows them)\n", key);
		return EXIT_USAGE;
	}
	if (key_named(v, n, key)) {
		printf("whichns: roots: %s removed; %s stays, other names point at it\n",
		       name, key);
		return EXIT_OK;
	}
	if ((rc = rootimport_remove(a->cache, key, err, sizeof err)) != RI_OK) {
		bool kept = !by_key && rootimport_name_set(a->cache, name, key) == 0;
		fprintf(stderr, "whichns: roots rm: %s%s%s\n", err,
		        kept ? "; the name stays: " : "", kept ? name : "");
		return rootimport_exit(rc);
	}
	printf("whichns: roots: %s removed, and its tree %s/roots/%s\n", name,
	       a->cache, key);
	return EXIT_OK;
}

int cmd_roots(int argc, char **argv)
{
	struct roots_args a = { 0 };
	if (argc < 2)
		return usage_error("roots: expected add, list or rm");
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    strcmp(sub, "help") == 0) {
		fputs(roots_usage, stdout);
		fputs(roots_help, stdout);
		return EXIT_OK;
	}
	int rc = roots_options(argc - 1, argv + 1, &a);
	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if (strcmp(sub, "add") == 0)
		return roots_add(&a);
	if (strcmp(sub, "list") == 0)
		return roots_list(&a);
	if (strcmp(sub, "rm") == 0)
		return roots_rm(&a);
	return usage_error("roots: unknown subcommand '%s'; expected add, list or rm",
	                   sub);
}
