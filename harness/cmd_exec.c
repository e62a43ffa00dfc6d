/*
 * cmd_exec.c - whichns exec: any program as the process under test.
 *
 * The support engineer's path: run the customer's own daemon (and a
 * trigger that makes it resolve) through the same controlled switch as
 * the probes, and hand over the run folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli.h"
#include "commands.h"
#include "envpolicy.h"
#include "dns.h"
#include "exitcodes.h"
#include "libcs.h"
#include "preflight.h"
#include "resolvconf.h"
#include "sandbox.h"
#include "scenario.h"
#include "serverset.h"
#include "stub.h"
#include "stubspec.h"
#include "target.h"
#include "view.h"

static const char exec_usage[] =
"usage: whichns exec [--libc L] [--update M] [--options O] [--nscd]\n"
"                    [--before N] [--switch-after DUR] [--switch-at DUR]\n"
"                    [--window DUR] [--timeout DUR] [--interval DUR]\n"
"                    [--trigger CMD] [--trigger-every DUR] [--fresh CMD]\n"
"                    [--fresh-for DUR] [--only TYPE] [--expect VERDICT]\n"
"                    [--name NAME] [--secrets] [--env NAME=VALUE]\n"
"                    [--before-conf FILE --after-conf FILE]\n"
"                    [--server ADDR=STATE] [--stub resolved[:SUITE][/HOW]]\n"
"                    [--keep-env | --clean-env] [--results DIR] [--cache DIR]\n"
"                    [--strict] [--json] [-q]\n"
"                    -- command [arg ...]\n";

static const char exec_help[] =
"\n"
"Runs COMMAND (its whole process tree) in a case's namespaces against the\n"
"servers, which answer every name (old: 203.0.113.203, new: .204, unless\n"
"--before-conf and --after-conf name others);\n"
"switches its resolv.conf; gives the verdict from the capture.\n"
"\n"
"  --libc L            host (default); musl: COMMAND is a musl program, run\n"
"                      on the host's tree (it brings its own C library); or\n"
"                      a root filesystem (bullseye, bookworm, trixie, sid,\n"
"                      bookworm-zoo, bookworm-resolved, trixie-resolved):\n"
"                      that tree is COMMAND's /, and COMMAND is looked up\n"
"                      in it; or a NAME from whichns roots, or a PATH to a\n"
"                      root filesystem of your own (a folder, a tarball or\n"
"                      an image archive, imported on first use; whichns\n"
"                      roots --help).  Another name is bad usage (exit 2);\n"
"                      a suite not built yet exits 3 (scripts/mkrootfs.sh\n"
"                      SUITE)\n"
"  --update M          inplace (default), rename, symlink, bind-inplace,\n"
"                      bind-rename\n"
"  --options O         resolv.conf options: default, or words joined by '+'\n"
"                      (no-reload, no-reload+single-request, ...)\n"
"  --nscd              run nscd in the case (glibc only)\n"
"  --before-conf FILE  the whole resolv.conf before the switch (any number\n"
"                      of IPv4 and IPv6 nameservers, search, options): one\n"
"                      server per address, each answering 203.0.113.M\n"
"                      (M = 203, 204, ... in the order the files list them)\n"
"  --after-conf FILE   ... and after it (both or neither)\n"
"  --server ADDR=STATE what the server at ADDR does from the switch on: up,\n"
"                      down (drops queries), refused, servfail, slow:DUR\n"
"                      (repeatable; ADDR: 198.51.100.10 or .20 without files,\n"
"                      or a label: old, new, s1, s2, ...)\n"
"  --stub resolved[:SUITE][/HOW]\n"
"                      COMMAND's resolv.conf says nameserver 127.0.0.53, where\n"
"                      systemd-resolved from the tree SUITE-resolved listens\n"
"                      (trixie: systemd 257, the default; bookworm: 252),\n"
"                      asking the old server; the switch changes resolved's\n"
"                      DNS= and HOW: reload (SIGHUP; trixie's default) or\n"
"                      restart (bookworm's: 252 cannot reload).  The verdict\n"
"                      is on resolved's upstream queries (doc/resolved.md)\n"
"  --before N          switch after N queries reached the old server (3)\n"
"  --switch-after DUR  ... or this long after the first one (2s)\n"
"  --switch-at DUR     switch this long after COMMAND started, lookups or not\n"
"  --window DUR        observe this long after the switch (5s)\n"
"  --timeout DUR       give up waiting for lookups before the switch (30s)\n"
"  --interval DUR      how often COMMAND looks up, if known (sets the quiet\n"
"                      moment the switch waits for; it waits at most two\n"
"                      intervals, at least 200 ms); a COMMAND that prints\n"
"                      \"#pause<TAB>EPOCH\" as it begins to sleep is switched\n"
"                      in such a pause, and observed at least half the\n"
"                      window's rounds; one that printed \"#reinit-every<TAB>N\"\n"
"                      only in the pause after every Nth round (man whichns)\n"
"  --trigger CMD       shell command run in the case every --trigger-every\n"
"                      (1s) to make a daemon resolve\n"
"  --fresh CMD         after the window, run this shell command as a freshly\n"
"                      started process and count its queries apart\n"
"  --fresh-for DUR     how long the fresh process may run (5s)\n"
"  --only TYPE         the verdict counts queries of this type only (MX, A...)\n"
"  --expect VERDICT    exit 1 unless the verdict is this\n"
"  --name NAME         the case's name in reports (default: exec)\n"
"  --secrets           show COMMAND /etc/shadow, /etc/gshadow and the host\n"
"                      keys as they are (masked by default)\n"
"  --env NAME=VALUE    set a variable in COMMAND's environment (repeatable;\n"
"                      RES_OPTIONS=... and the like are kept when set here)\n"
"  --keep-env          COMMAND gets your environment without the variables\n"
"                      that change name resolution (RES_OPTIONS, LOCALDOMAIN,\n"
"                      HOSTALIASES, LD_PRELOAD, ...; the default)\n"
"  --clean-env         COMMAND gets PATH, HOME=/root and LC_ALL=C only\n"
"  --results DIR       where the run folder goes (default: results)\n"
"  --cache DIR         root filesystems and their probes\n"
"                      (default: $WHICHNS_CACHE or /var/cache/whichns)\n"
"  --strict            an INCONCLUSIVE verdict fails (exit 1, TAP not ok,\n"
"                      JUnit failure) instead of exit 4 and a visible skip\n"
"  --json              print the case as one JSON line on stdout (the object\n"
"                      of summary.json's cases); the table is left out\n"
"  -q, --quiet         no progress lines\n"
"\n"
"The run folder is results/exec-TIME-PID; results/latest-exec points at\n"
"the last one (results/latest is left to whichns run).\n"
"COMMAND is looked up once, in the PATH it runs with; report.md and\n"
"summary.json name the program that ran and its environment.  A COMMAND\n"
"that exits non-zero (or is killed) before its first lookup could not run.\n"
"DUR is 250ms, 1.5s, 2m.  Exit status as for whichns run: 0 as expected\n"
"(or no --expect), 1 the verdict differs, 3 COMMAND could not start or\n"
"could not run, 4 INCONCLUSIVE (unless --expect INCONCLUSIVE), 2, 130.\n";

enum { O_LIBC = 256, O_UPDATE, O_OPTIONS, O_NSCD, O_BEFORE, O_SW_AFTER,
       O_SW_AT, O_WINDOW, O_TIMEOUT, O_INTERVAL, O_TRIGGER, O_TRIG_EVERY,
       O_FRESH, O_FRESH_FOR, O_ONLY, O_EXPECT, O_NAME, O_RESULTS, O_CACHE,
       O_SECRETS, O_STRICT, O_JSON, O_ENV, O_KEEP_ENV, O_CLEAN_ENV,
       O_BEFORE_CONF, O_AFTER_CONF, O_SERVER, O_STUB };

static const struct option exec_opts[] = {
	{ "libc", required_argument, NULL, O_LIBC },
	{ "update", required_argument, NULL, O_UPDATE },
	{ "options", required_argument, NULL, O_OPTIONS },
	{ "nscd", no_argument, NULL, O_NSCD },
	{ "stub", required_argument, NULL, O_STUB },
	{ "before", required_argument, NULL, O_BEFORE },
	{ "switch-after", required_argument, NULL, O_SW_AFTER },
	{ "switch-at", required_argument, NULL, O_SW_AT },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "interval", required_argument, NULL, O_INTERVAL },
	{ "trigger", required_argument, NULL, O_TRIGGER },
	{ "trigger-every", required_argument, NULL, O_TRIG_EVERY },
	{ "fresh", required_argument, NULL, O_FRESH },
	{ "fresh-for", required_argument, NULL, O_FRESH_FOR },
	{ "only", required_argument, NULL, O_ONLY },
	{ "expect", required_argument, NULL, O_EXPECT },
	{ "name", required_argument, NULL, O_NAME },
	{ "secrets", no_argument, NULL, O_SECRETS },
	{ "results", required_argument, NULL, O_RESULTS },
	{ "cache", required_argument, NULL, O_CACHE },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "json", no_argument, NULL, O_JSON },
	{ "env", required_argument, NULL, O_ENV },
	{ "keep-env", no_argument, NULL, O_KEEP_ENV },
	{ "clean-env", no_argument, NULL, O_CLEAN_ENV },
	{ "before-conf", required_argument, NULL, O_BEFORE_CONF },
	{ "after-conf", required_argument, NULL, O_AFTER_CONF },
	{ "server", required_argument, NULL, O_SERVER },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options that take a duration, and the job's field each sets. */
static const struct { int opt; const char *name; size_t off; } durations[] = {
	{ O_SW_AFTER, "--switch-after", offsetof(struct job, switch_after_ms) },
	{ O_SW_AT, "--switch-at", offsetof(struct job, switch_at_ms) },
	{ O_WINDOW, "--window", offsetof(struct job, window_ms) },
	{ O_TIMEOUT, "--timeout", offsetof(struct job, timeout_ms) },
	{ O_INTERVAL, "--interval", offsetof(struct job, interval_ms) },
	{ O_TRIG_EVERY, "--trigger-every", offsetof(struct job, trigger_ms) },
	{ O_FRESH_FOR, "--fresh-for", offsetof(struct job, fresh_ms) },
};

static int bad(const char *what, const char *value, const char *expected)
{
	fprintf(stderr, "whichns: exec: bad %s '%s': expected %s\n", what, value,
	        expected);
	return EXIT_USAGE;
}

/* Option c: 1 when it is a duration (set or said bad in *rc), else 0. */
static int duration_option(int c, const char *v, struct job *j, int *rc)
{
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		if (durations[i].opt != c)
			continue;
		unsigned *ms = (unsigned *)(void *)((char *)j + durations[i].off);
		*rc = scn_parse_duration(v, ms) != 0 || *ms == 0
		      ? bad(durations[i].name, v, "a duration such as 500ms, 2s or 1m")
		      : 0;
		return 1;
	}
	return 0;
}

/* --env NAME=VALUE: kept as given (it points into argv). */
static int env_option(const char *v, struct job *j)
{
	char why[200];
	if (envpolicy_assign_valid(v, why, sizeof why) != 0) {
		fprintf(stderr, "whichns: exec: bad --env '%s': %s; expected "
		        "NAME=VALUE\n", v, why);
		return EXIT_USAGE;
	}
	if (envpolicy_add(&j->env, v) != 0) {
		fprintf(stderr, "whichns: exec: too many --env; at most %d\n",
		        ENVPOLICY_SET_MAX);
		return EXIT_USAGE;
	}
	return 0;
}

/* --keep-env or --clean-env: one of them (the same one twice is fine). */
static int env_mode_option(enum envpolicy_mode m, struct job *j)
{
	if (j->env.mode_said && j->env.mode != m) {
		fprintf(stderr, "whichns: exec: --keep-env and --clean-env say "
		        "opposite things; give one of them\n");
		return EXIT_USAGE;
	}
	j->env.mode = m;
	j->env.mode_said = true;
	return 0;
}

/* The files of --before-conf and --after-conf, as given and as read. */
static const char *conf_path[2];
static char *conf_text[2];

/* --before-conf FILE (after: false) or --after-conf FILE: read now, once;
 * checked with the other (exec_servers). */
static int conf_option(bool after, const char *path, struct job *j)
{
	const char *opt = after ? "--after-conf" : "--before-conf";
	size_t len;
	if (conf_path[after]) {
		fprintf(stderr, "whichns: exec: %s given twice; give one file\n", opt);
		return EXIT_USAGE;
	}
	/* A folder reads as an I/O error and a FIFO blocks for ever: only a
	 * regular file, or a pipe the shell made for us (<(...), /dev/fd/N). */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !(S_ISFIFO(st.st_mode) && strncmp(path, "/dev/fd/", 8) == 0)) {
		fprintf(stderr, "whichns: exec: %s %s is not a regular file; "
		        "expected a resolv.conf file\n", opt, path);
		return EXIT_USAGE;
	}
	char *text = cli_read_file(path, SS_CONF_MAX, &len);
	if (!text) {
		fprintf(stderr, "whichns: exec: cannot read %s %s: %s; expected a "
		        "resolv.conf file of at most %d bytes\n", opt, path,
		        errno == EFBIG ? "too large" : strerror(errno), SS_CONF_MAX);
		return EXIT_USAGE;
	}
	if (memchr(text, '\0', len)) {
		fprintf(stderr, "whichns: exec: %s %s holds a NUL byte; expected "
		        "a resolv.conf text file\n", opt, path);
		free(text);
		return EXIT_USAGE;
	}
	conf_path[after] = path;
	conf_text[after] = text;
	*(after ? &j->conf_new : &j->conf_old) = text;
	return 0;
}

/* --server ADDR=STATE, checked against the servers once all options are
 * read (exec_servers). */
static int server_option(const char *v, struct job *j)
{
	if (j->nstate == SS_MAX) {
		fprintf(stderr, "whichns: exec: too many --server; at most %d\n",
		        SS_MAX);
		return EXIT_USAGE;
	}
	j->state[j->nstate++] = v;
	return 0;
}

/* The servers the options make: both files or neither, each a
 * resolv.conf whichns can build servers from, each --server naming one
 * of them. */
static int exec_servers(const struct job *j)
{
	struct serverset set;
	char err[512];
	if (!conf_path[0] != !conf_path[1]) {
		fprintf(stderr, "whichns: exec: %s without %s; give the resolv.conf "
		        "before and after the switch\n",
		        conf_path[0] ? "--before-conf" : "--after-conf",
		        conf_path[0] ? "--after-conf" : "--before-conf");
		return EXIT_USAGE;
	}
	if (!conf_path[0])
		serverset_default(&set);
	else if (serverset_from_texts(&set, conf_text[0], strlen(conf_text[0]),
	                              conf_path[0], conf_text[1],
	                              strlen(conf_text[1]), conf_path[1], err,
	                              sizeof err) != 0) {
		fprintf(stderr, "whichns: exec: %s\n", err);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < j->nstate; i++)
		if (serverset_set_state(&set, j->state[i], err, sizeof err) != 0) {
			fprintf(stderr, "whichns: exec: --server: %s\n", err);
			return EXIT_USAGE;
		}
	return 0;
}

/* --stub: the words are checked now (lib/stubspec.h); the tree, when the
 * case starts. */
static int stub_option(char *v, struct job *j)
{
	struct stubspec sp;
	char err[256];
	if (stubspec_parse(v, &sp, err, sizeof err) != 0) {
		fprintf(stderr, "whichns: exec: --stub: %s\n", err);
		return EXIT_USAGE;
	}
	j->stub = v;
	return 0;
}

/* One option into the job or the run's options: 0, -1 after --help, or
 * an exit status (said). */
static int exec_option(int c, char *v, struct job *j, struct run_opts *o)
{
	enum update_method m;
	uint16_t qtype;
	char *end;
	long n;
	int rc;

	if (duration_option(c, v, j, &rc))
		return rc;
	switch (c) {
	case O_LIBC:   /* a PATH is known by its label (libcs.h) */
		j->libc = libc_label_for(v);
		return j->libc ? 0 : EXIT_USAGE;
	case O_UPDATE:
		j->update = v;
		return view_method_parse(v, &m) == 0 ? 0 : bad("--update", v,
		       "inplace, rename, symlink, bind-inplace or bind-rename");
	case O_OPTIONS:
		j->options = v;
		return resolvconf_options_valid(v) == 0 ? 0 : bad("--options", v,
		       "default or resolv.conf option words joined by '+'");
	case O_NSCD: j->nscd = true; return 0;
	case O_BEFORE:
		n = strtol(v, &end, 10);
		if (*end || end == v || n < 1 || n > 10000)
			return bad("--before", v, "a count from 1 to 10000");
		j->before = (unsigned)n;
		return 0;
	case O_TRIGGER: j->trigger = v; return 0;
	case O_FRESH: j->fresh = v; return 0;
	case O_ONLY:
		j->only = v;
		return dns_type_parse(v, &qtype) == 0 ? 0 : bad("--only", v,
		       "a query type: A, AAAA, MX, NS, PTR, TXT, CNAME, SOA, SRV");
	case O_EXPECT:
		j->expected = verdict_parse(v);
		return j->expected != V_NONE ? 0 : bad("--expect", v, "FOLLOWED, "
		       "LATE, STALE, MIXED, SILENT or INCONCLUSIVE");
	case O_NAME:
		j->name = v;
		return *v && strlen(v) <= 100 && !strchr(v, '/') ? 0
		       : bad("--name", v, "a short name without '/'");
	case O_SECRETS: j->keep_secrets = true; return 0;
	case O_ENV: return env_option(v, j);
	case O_KEEP_ENV: return env_mode_option(ENV_KEEP, j);
	case O_CLEAN_ENV: return env_mode_option(ENV_CLEAN, j);
	case O_BEFORE_CONF: return conf_option(false, v, j);
	case O_AFTER_CONF: return conf_option(true, v, j);
	case O_SERVER: return server_option(v, j);
	case O_STUB: return stub_option(v, j);
	case O_RESULTS: o->results = v; return 0;
	case O_CACHE: o->libc.cache = v; return 0;
	case O_STRICT: o->strict = true; return 0;
	case O_JSON: o->json = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'h': fputs(exec_usage, stdout); fputs(exec_help, stdout); return -1;
	}
	fputs(exec_usage, stderr);
	return EXIT_USAGE;
}

/* The command and what must hold of it before anything starts. */
static int exec_command(int argc, char **argv, struct job *j)
{
	if (optind >= argc) {
		fprintf(stderr, "whichns: exec needs a command after its options "
		        "(whichns exec [options] -- command [args])\n");
		fputs(exec_usage, stderr);
		return EXIT_USAGE;
	}
	/* The rerun line in report.md: this very command line. */
	job_exec_command(j, argv + optind, argv);
	if (j->nscd && strcmp(j->libc, "musl") == 0) {
		fprintf(stderr, "whichns: exec: --nscd needs a glibc; musl has no nscd\n");
		return EXIT_USAGE;
	}
	if (j->stub && j->conf_old) {
		fprintf(stderr, "whichns: exec: --stub and --before-conf/--after-conf "
		        "do not go together: the stub's upstream servers are the "
		        "default pair (leave out the files, or --stub)\n");
		return EXIT_USAGE;
	}
	if (j->nscd && j->stub) {
		fprintf(stderr, "whichns: exec: --nscd and --stub do not go together: "
		        "nscd runs in a network namespace of its own, where nothing "
		        "listens on 127.0.0.53 (leave out --nscd)\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* A program there on the host, in a folder the case replaces with its own
 * (/dev/shm, /run, ...; sandbox.h), is not there in the case: the
 * environment (exit 3), said up front with where to put it instead.  On
 * the host's tree the real path counts (a link into /dev/shm is hidden
 * too); in a root filesystem, the path as it is named there. */
static int hidden_program(bool in_rootfs, const char *prog)
{
	char real[PATH_MAX];
	const char *path = prog, *dir;
	if (!in_rootfs && realpath(prog, real) && strcmp(real, prog) != 0)
		path = real;
	if (!(dir = sandbox_replaced_dir(path)))
		return 0;
	fprintf(stderr, "whichns: exec: cannot run the command: %s%s%s: %s in "
	        "the case (the case has its own %s, without the host's files; "
	        "put the program elsewhere, e.g. under your home folder)\n", prog,
	        path == prog ? "" : " -> ", path == prog ? "" : path,
	        strerror(ENOENT), dir);
	return EXIT_ENV;
}

/*
 * The command must be there in the tree that runs it, as it will be
 * looked up (target_find: the path as given, else in the PATH of the
 * environment it will get, exec_env; an
 * executable file; its ELF loader or "#!" interpreter there too): the
 * host's tree for host and musl (a musl program brings its own C
 * library), the root filesystem for a root filesystem's name.  No such
 * program there is bad input (exit 2); a program whose loader the tree
 * lacks needs another C library (exit 3), and so does one in a folder
 * the case replaces (hidden_program).  The case checks again as it
 * starts the command, and says why if it cannot (target_start).
 */
static int exec_program(const struct run_opts *o, const struct job *j,
                        const char *path)
{
	char err[PATH_MAX + 200], prog[PATH_MAX], in[PATH_MAX + 64] = "";
	struct libc_env env;
	int rootfd = -1;
	if (libc_resolve(&o->libc, j->libc, false, false, &env, err, sizeof err) != 0)
		return 0;   /* preflight_run says what is missing */
	if (env.root[0]) {
		rootfd = open(env.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return 0;
		snprintf(in, sizeof in, " inside the root filesystem %s (%s)",
		         j->libc, env.root);
	}
	int rc = target_find(rootfd, j->argv[0], path, prog, sizeof prog, err,
	                     sizeof err);
	if (rootfd >= 0)
		close(rootfd);
	if (rc == 0)
		return hidden_program(env.root[0] != '\0', prog);
	if (rc == TARGET_NO_PROGRAM)
		fprintf(stderr, "whichns: exec: cannot run the command%s: %s%s\n", in,
		        err, in[0] ? "; the command runs with that tree as its /, so "
		        "name it as it is there" : "");
	else if (rc == TARGET_NO_INTERP)
		fprintf(stderr, "whichns: exec: cannot run the command%s: %s; install "
		        "it there, or run the command on a tree that has it "
		        "(--libc)\n", in, err);
	return rc == 0 ? 0 : rc == TARGET_NO_INTERP ? EXIT_ENV : EXIT_USAGE;
}

/* The environment COMMAND will get (lib/envpolicy.h; the case builds it
 * the same way from the same variables), said on stderr when it is not
 * simply the caller's: what it leaves out, what is set. */
static void exec_env(const struct run_opts *o, const struct job *j,
                     struct envpolicy_out *eo)
{
	char set[512];
	envpolicy_build(&j->env, environ, NULL, eo);
	envpolicy_set_text(&j->env, set, sizeof set);
	if (eo->dropped)
		fprintf(stderr, "whichns: exec: %zu of your variables not passed "
		        "(the command gets at most %d of them)\n", eo->dropped,
		        ENVPOLICY_MAX);
	if (o->quiet || (!eo->removed[0] && !set[0] && j->env.mode == ENV_KEEP))
		return;
	fprintf(stderr, "whichns: exec: the command's environment: %s%s%s%s\n",
	        j->env.mode == ENV_CLEAN ? "clean (PATH, HOME, LC_ALL)" : "yours",
	        eo->removed[0] ? " without " : "", eo->removed,
	        eo->removed[0] ? " (they change name resolution; --env sets one)"
	                       : "");
	if (set[0])
		fprintf(stderr, "whichns: exec: set for the command: %s\n", set);
}

/* --stub's tree is there and its systemd can switch as asked (stub.h). */
static int exec_stub(const struct run_opts *o, const struct job *j)
{
	char err[PATH_MAX + 256];
	int rc = j->stub ? stub_preflight(j->stub, o->libc.cache, err, sizeof err) : 0;
	if (rc)
		fprintf(stderr, "whichns: exec: --stub: %s\n", err);
	return rc;
}

int cmd_exec(int argc, char **argv)
{
	static struct envpolicy_out eo;   /* large */
	static struct preflight_paths paths;
	static struct job job;
	struct run_opts o = { .prefix = "exec-", .latest = "latest-exec", .jobs = 1 };
	int c, rc;

	job_exec_defaults(&job);
	while ((c = getopt_long(argc, argv, "+qh", exec_opts, NULL)) != -1)
		if ((rc = exec_option(c, optarg, &job, &o)) != 0)
			return rc < 0 ? EXIT_OK : rc;
	if ((rc = exec_servers(&job)) != 0 ||
	    (rc = exec_command(argc, argv, &job)) != 0 ||
	    (rc = preflight_paths(&paths, &o, NULL)) != 0 ||
	    (rc = exec_stub(&o, &job)) != 0 ||
	    (rc = preflight_libcs(&paths, &o, &job, 1)) != 0 ||
	    (exec_env(&o, &job, &eo),
	     rc = exec_program(&o, &job, envpolicy_get(eo.env, "PATH"))) != 0)
		return rc;
	o.expected = NULL;   /* exec's expectation is --expect, nothing else */
	if ((rc = preflight_run(&paths, &o, &job, 1)) != 0)
		return rc;
	return runner_run(&o, &job, 1);
}
