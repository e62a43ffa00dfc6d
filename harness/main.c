/*
 * main.c - the whichns command line.
 *
 * Checks what it can before anything privileged happens (arguments,
 * scenario files, then root, programs and namespaces), so a mistake costs
 * one clear line and a documented exit status, never a half-made run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "dns.h"
#include "evidence.h"
#include "runner.h"
#include "scenario.h"
#include "spawn.h"

#ifndef WHICHNS_VERSION
#define WHICHNS_VERSION "0.1"
#endif
#ifndef WHICHNS_DATADIR
#define WHICHNS_DATADIR "/usr/local/share/whichns"
#endif
#ifndef WHICHNS_LIBEXECDIR
#define WHICHNS_LIBEXECDIR "/usr/local/libexec/whichns"
#endif

static const char usage_text[] =
"usage: whichns run [-j jobs] [-f filter] [--shard K/N] [--strict] [-q]\n"
"                   [--check] [--libc list] [--probes dir] [--fixtures dir]\n"
"                   [--cache dir] [--results dir] [--expected dir] scenario ...\n"
"       whichns exec [options] -- command [arg ...]   (whichns exec --help)\n"
"       whichns decode [options] capture.pcap        (whichns decode --help)\n"
"       whichns merge [--results dir] [--expected dir] [--strict] rundir ...\n"
"       whichns bundle [-o file.tar.gz] rundir\n"
"       whichns cleanup\n"
"       whichns help | --help | --version\n";

static const char help_text[] =
"\n"
"whichns answers, with packet-level proof, which DNS server a long-running\n"
"process queries after /etc/resolv.conf changes.\n"
"\n"
"Commands:\n"
"  run        run the cases of scenario files; evidence in results/<run>/\n"
"  exec       run any command as the process under test\n"
"  decode     decode a capture taken anywhere into the same timeline\n"
"  merge      join the run folders of shards (--shard K/N) into one run\n"
"  bundle     pack a run folder into one .tar.gz to attach to a ticket\n"
"  cleanup    end processes a killed run left behind (whichns's own only)\n"
"\n"
"Options of run:\n"
"  -j, --jobs N        cases at a time (default: two per CPU, at most 16)\n"
"  -f, --filter TERMS  only cases matching any comma-separated term (a part\n"
"                      of the name, an axis value, or =NAME for exactly one\n"
"                      case); repeat to narrow\n"
"      --shard K/N     only slice K of N of the matrix\n"
"      --strict        a case without an expected verdict fails\n"
"  -q, --quiet         no progress lines\n"
"      --check         validate the scenario files and exit (no root needed)\n"
"      --libc LIST     C libraries to run on, comma-separated, instead of the\n"
"                      scenario's: host, musl, or a root filesystem (bullseye,\n"
"                      bookworm, trixie, sid; see scripts/mkrootfs.sh)\n"
"      --probes DIR    probe programs for the host libc (default: next to whichns)\n"
"      --cache DIR     root filesystems and their probes\n"
"                      (default: $WHICHNS_CACHE or /var/cache/whichns)\n"
"      --fixtures DIR  dnsmasq data, scenarios, expected verdicts\n"
"      --results DIR   where run folders go (default: results)\n"
"      --expected DIR  expected verdicts (default: FIXTURES/expected)\n"
"\n"
"Exit status: 0 every verdict as expected; 1 a verdict differs from its\n"
"expectation or a case could not run (for merge: a shard was interrupted\n"
"or killed); 2 bad usage or bad input; 3 the environment cannot run it\n"
"(not root, no namespaces, a missing program or C library, a results\n"
"folder that refuses a write: one line names the path and the error, and\n"
"no summary is written); 130 interrupted (the summary says which cases ran).\n";

#define usage_error(...) cli_usage_error(usage_text, __VA_ARGS__)

/* The folder this program lives in, to find build/repro and fixtures. */
static void self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}



static int check_environment(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "whichns: must run as root: it creates network and "
		        "mount namespaces (try: sudo whichns ...)\n");
		return EXIT_ENV;
	}
	static const struct { const char *prog, *package; } need[] = {
		{ "dnsmasq", "dnsmasq-base" }, { "ip", "iproute2" },
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!spawn_which(need[i].prog)) {
			fprintf(stderr, "whichns: %s not found in PATH: install it with "
			        "'apt-get install %s' (or run 'make deps')\n",
			        need[i].prog, need[i].package);
			return EXIT_ENV;
		}
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID |
		              CLONE_NEWUTS) == 0 ? 0 : 1);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "whichns: this system does not allow new network, "
		        "mount, PID and UTS namespaces (unshare failed); whichns "
		        "needs them\n");
		return EXIT_ENV;
	}
	return 0;
}



/* A case's C library (and its nscd, when asked) must be there before
 * anything starts, and its root filesystem held so that it is not rebuilt
 * under the run: run and exec ask exactly this.  0, or EXIT_ENV said. */
static int check_libc(const struct libc_paths *lp, const char *libc,
                      bool want_nscd, bool hold, struct libc_env *env)
{
	char err[PATH_MAX + 200];
	if (libc_resolve(lp, libc, want_nscd, env, err, sizeof err) != 0 ||
	    (hold && libc_hold(env, err, sizeof err) != 0)) {
		fprintf(stderr, "whichns: %s\n", err);
		return EXIT_ENV;
	}
	return 0;
}

/* The libc and probe of every case must exist before anything starts:
 * returns 0, or the exit status to stop with. */
static int check_probes(const struct libc_paths *lp, const struct scn_case *c,
                        size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX * 2];
		struct libc_env env;
		/* Cases of one libc come together: hold each tree once. */
		bool first_of_libc = i == 0 || strcmp(c[i].libc, c[i - 1].libc) != 0;
		int rc = check_libc(lp, c[i].libc, strcmp(c[i].cache, "nscd") == 0,
		                    first_of_libc, &env);
		if (rc != 0)
			return rc;
		uint16_t qtype;
		if (c[i].only[0] && dns_type_parse(c[i].only, &qtype) != 0) {
			fprintf(stderr, "whichns: case %s: unknown query type '%s' in "
			        "'only'; expected A, AAAA, MX, NS, PTR, ...\n", c[i].name,
			        c[i].only);
			return EXIT_USAGE;
		}
		if (c[i].exec[0])
			continue;   /* a command, not one of our probes */
		snprintf(path, sizeof path, "%s/%s", env.probes, c[i].probe);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "whichns: probe '%s' (case %s) not found in %s: "
			        "build it with 'make' or name another --probes folder\n",
			        c[i].probe, c[i].name, env.probes);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Where things are: next to the binary in a build tree (build/whichns,
 * build/repro, fixtures/), else where "make install" put them. */
struct paths {
	char self[PATH_MAX];           /* the folder of this binary */
	char probes[PATH_MAX], musl[PATH_MAX + 8];
	char fixtures[PATH_MAX], expected[PATH_MAX + 16], results[PATH_MAX];
};

static int find_paths(struct paths *p, struct run_opts *o, const char *fixtures_opt)
{
	char guess[PATH_MAX + 16];
	self_dir(p->self, sizeof p->self);
	snprintf(p->probes, sizeof p->probes, "%s/repro", p->self);
	snprintf(p->musl, sizeof p->musl, "%s/repro-musl", p->self);
	if (!cli_is_dir(p->probes)) {
		snprintf(p->probes, sizeof p->probes, "%s", WHICHNS_LIBEXECDIR);
		snprintf(p->musl, sizeof p->musl, "%s/musl", WHICHNS_LIBEXECDIR);
	}
	snprintf(guess, sizeof guess, "%s/../fixtures", p->self);
	if (!cli_is_dir(guess))
		snprintf(guess, sizeof guess, "%s", WHICHNS_DATADIR);
	if (!realpath(fixtures_opt ? fixtures_opt : guess, p->fixtures)) {
		fprintf(stderr, "whichns: fixtures folder %s: %s\n",
		        fixtures_opt ? fixtures_opt : guess, strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(p->expected, sizeof p->expected, "%s/expected", p->fixtures);
	o->fixtures = p->fixtures;
	o->expected = p->expected;
	o->libc.probes_host = p->probes;
	o->libc.probes_musl = p->musl;
	o->libc.cache = getenv("WHICHNS_CACHE") ? getenv("WHICHNS_CACHE")
	                                        : "/var/cache/whichns";
	o->results = "results";
	return 0;
}

/* Case processes write their folders by absolute path. */
static int results_dir(struct paths *p, struct run_opts *o)
{
	if (mkdir(o->results, 0755) != 0 && errno != EEXIST) {
		struct wfault f = { 0 };
		runfolder_fault_set(&f, "create", o->results, errno);
		return runfolder_fault_print(&f, FAULT_NOTHING_RAN);
	}
	if (!realpath(o->results, p->results)) {
		fprintf(stderr, "whichns: %s: %s\n", o->results, strerror(errno));
		return EXIT_ENV;
	}
	o->results = p->results;
	return 0;
}

/* Read every scenario, expand, filter and shard: all before anything
 * runs, so a typo costs nothing.  Returns 0 or an exit status. */
static int load_cases(char **files, int nfiles, const char *libc_opt,
                      const char *const *filters, size_t nfilters,
                      unsigned shard_k, unsigned shard_n,
                      struct scn_case **out, size_t *nout)
{
	static struct scn_file file;
	struct scn_case *cases = NULL;
	size_t ncases = 0, cap = 0;
	unsigned seq = 0;

	for (int i = 0; i < nfiles; i++) {
		char err[512];
		size_t len;
		char *text = cli_read_file(files[i], SCN_FILE_MAX, &len);
		if (!text) {
			fprintf(stderr, "whichns: cannot read %s: %s\n", files[i],
			        strerror(errno));
			free(cases);
			return EXIT_USAGE;
		}
		int rc = scn_parse(text, len, files[i], &file, err, sizeof err);
		free(text);
		if (rc == 0 && libc_opt)
			rc = scn_override_axis(&file, SCN_LIBC, libc_opt, err, sizeof err);
		if (rc != 0) {
			fprintf(stderr, "whichns: %s\n", err);
			free(cases);
			return EXIT_USAGE;
		}
		size_t total = scn_count(&file);
		for (size_t k = 0; k < total; k++) {
			struct scn_case sc;
			scn_case_at(&file, k, &sc);
			sc.seq = seq++;
			size_t f;
			for (f = 0; f < nfilters && scn_case_matches(&sc, filters[f]); f++)
				;
			if (f < nfilters)
				continue;
			if (ncases == cap) {
				cap = cap ? cap * 2 : 64;
				struct scn_case *nc = realloc(cases, cap * sizeof *nc);
				if (!nc) {
					fprintf(stderr, "whichns: out of memory\n");
					free(cases);
					return EXIT_ENV;
				}
				cases = nc;
			}
			cases[ncases++] = sc;
		}
	}
	/* Sharding after filtering, so shards stay even. */
	size_t kept = 0;
	for (size_t i = 0; i < ncases; i++)
		if (scn_in_shard(i, shard_k, shard_n))
			cases[kept++] = cases[i];
	*out = cases;
	*nout = kept;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ "shard", required_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "probes", required_argument, NULL, 'P' },
		{ "libc", required_argument, NULL, 'L' },
		{ "cache", required_argument, NULL, 'C' },
		{ "fixtures", required_argument, NULL, 'F' },
		{ "results", required_argument, NULL, 'R' },
		{ "expected", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct paths paths;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct run_opts o = { 0 };
	/* A case mostly waits (on its process's lookups and the window):
	 * two per CPU keep the CPUs busy without crowding the timing. */
	unsigned jobs = ncpu > 0 ? (unsigned)(ncpu * 2 < 16 ? ncpu * 2 : 16) : 2;
	const char *filters[16], *probes_opt = NULL, *fixtures_opt = NULL,
	           *expected_opt = NULL, *libc_opt = NULL, *cache_opt = NULL,
	           *results_opt = NULL;
	unsigned shard_k = 1, shard_n = 1;
	size_t nfilters = 0;
	bool check_only = false, strict = false, quiet = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+j:f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 256)
				return usage_error("bad --jobs '%s': expected 1 to 256", optarg);
			jobs = (unsigned)j;
			break;
		}
		case 'f':
			if (nfilters == sizeof filters / sizeof filters[0])
				return usage_error("at most %zu --filter options",
				                   sizeof filters / sizeof filters[0]);
			filters[nfilters++] = optarg;
			break;
		case 'S':
			if (scn_parse_shard(optarg, &shard_k, &shard_n) != 0)
				return usage_error("bad --shard '%s': expected K/N with "
				                   "1 <= K <= N", optarg);
			break;
		case 's': strict = true; break;
		case 'q': quiet = true; break;
		case 'c': check_only = true; break;
		case 'P': probes_opt = optarg; break;
		case 'L': libc_opt = optarg; break;
		case 'C': cache_opt = optarg; break;
		case 'F': fixtures_opt = optarg; break;
		case 'R': results_opt = optarg; break;
		case 'E': expected_opt = optarg; break;
		case 'h': fputs(usage_text, stdout); fputs(help_text, stdout); return 0;
		default:  fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("run needs at least one scenario file");

	struct scn_case *cases;
	size_t ncases;
	if ((rc = load_cases(argv + optind, argc - optind, libc_opt, filters,
	                     nfilters, shard_k, shard_n, &cases, &ncases)) != 0)
		return rc;
	if (check_only) {
		printf("%zu case%s: ", ncases, ncases == 1 ? "" : "s");
		for (size_t i = 0; i < ncases; i++)
			printf("%s%s", i ? ", " : "", cases[i].name);
		printf("\n");
		free(cases);
		return EXIT_OK;
	}
	if (ncases == 0) {
		fprintf(stderr, "whichns: no case matches%s\n",
		        nfilters ? " the filters" : "");
		free(cases);
		return EXIT_USAGE;
	}

	if ((rc = find_paths(&paths, &o, fixtures_opt)) != 0)
		goto out;
	o.jobs = jobs;
	o.strict = strict;
	o.quiet = quiet;
	if (probes_opt)
		o.libc.probes_host = probes_opt;
	if (cache_opt)
		o.libc.cache = cache_opt;
	if (expected_opt)
		o.expected = expected_opt;
	if (results_opt)
		o.results = results_opt;
	if ((rc = check_probes(&o.libc, cases, ncases)) != 0)
		goto out;

	/* report.md says how to run a case again: this command, narrowed. */
	static char head[PATH_MAX + 16], tail[4096], self[PATH_MAX + 16];
	snprintf(self, sizeof self, "%s/whichns", paths.self);
	char *head_argv[] = { self, (char *)"run", NULL };
	evidence_shell_quote(head, sizeof head, head_argv);
	evidence_shell_quote(tail, sizeof tail, argv + optind);
	o.rerun_head = head;
	o.rerun_tail = tail;

	if ((rc = check_environment()) != 0 || (rc = results_dir(&paths, &o)) != 0)
		goto out;
	cleanup_mark();
	rc = runner_run(&o, cases, ncases);
out:
	free(cases);
	return rc;
}

static int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "results", required_argument, NULL, 'R' },
		{ "expected", required_argument, NULL, 'E' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct paths paths;
	struct run_opts o = { 0 };
	const char *expected_opt = NULL, *results_opt = NULL;
	bool strict = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'R': results_opt = optarg; break;
		case 'E': expected_opt = optarg; break;
		case 's': strict = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default:  fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("merge needs at least one run folder");
	if ((rc = find_paths(&paths, &o, NULL)) != 0)
		return rc;
	o.strict = strict;
	if (expected_opt)
		o.expected = expected_opt;
	if (results_opt)
		o.results = results_opt;
	if ((rc = results_dir(&paths, &o)) != 0)
		return rc;
	return runner_merge(&o, argv + optind, (size_t)(argc - optind));
}

/* exec's paths and checks, once cmd_exec.c has parsed its arguments:
 * the same as run's, in the same order. */
static int exec_prepare(struct run_opts *o, const struct exec_job *job)
{
	static struct paths paths;
	struct libc_env env;
	int rc;
	const char *results = o->results, *cache = o->libc.cache;
	if ((rc = find_paths(&paths, o, NULL)) != 0)
		return rc;
	if (results)
		o->results = results;
	if (cache)
		o->libc.cache = cache;
	if ((rc = check_libc(&o->libc, job->libc, job->spec.nscd != NULL, true,
	                     &env)) != 0 ||
	    (rc = check_environment()) != 0 || (rc = results_dir(&paths, o)) != 0)
		return rc;
	cleanup_mark();
	return 0;
}

int main(int argc, char **argv)
{
	/* A closed pipe (| head, an ip that died) is an error to report, not
	 * a reason to die without tearing down. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return usage_error("no command given");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("whichns %s\n", WHICHNS_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "bundle") == 0)
		return cmd_bundle(argc - 1, argv + 1);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1, exec_prepare);
	if (strcmp(cmd, "cleanup") == 0) {
		if (argc > 2)
			return usage_error("cleanup takes no arguments");
		if (geteuid() != 0) {
			fprintf(stderr, "whichns: cleanup must run as root\n");
			return EXIT_ENV;
		}
		return cleanup_run() < 0 ? EXIT_ENV : EXIT_OK;
	}
	return usage_error("unknown command '%s'", cmd);
}
