/*
 * preflight.c - paths and the checks before a run; see preflight.h.
 *
 * Checks what it can before anything privileged happens, so a mistake
 * costs one clear line and a documented exit status, never a half-made
 * run.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "cli.h"
#include "dns.h"
#include "exitcodes.h"
#include "preflight.h"
#include "rootimport.h"
#include "rootprobes.h"
#include "runfolder.h"
#include "spawn.h"

#ifndef WHICHNS_DATADIR
#define WHICHNS_DATADIR "/usr/local/share/whichns"
#endif
#ifndef WHICHNS_LIBEXECDIR
#define WHICHNS_LIBEXECDIR "/usr/local/libexec/whichns"
#endif

/* The folder this program lives in, to find build/repro and fixtures. */
static void self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

int preflight_repro(struct preflight_paths *p, const char *fixtures)
{
	char tries[4][PATH_MAX + 16];
	size_t k = 0;
	if (!p->self[0])
		self_dir(p->self, sizeof p->self);
	if (fixtures) {
		snprintf(tries[k++], sizeof tries[0], "%s/repro", fixtures);
		snprintf(tries[k++], sizeof tries[0], "%s/../repro", fixtures);
	}
	snprintf(tries[k++], sizeof tries[0], "%s/../repro", p->self);
	snprintf(tries[k++], sizeof tries[0], "%s/repro", WHICHNS_DATADIR);
	p->has_repro = false;
	for (size_t i = 0; i < k && !p->has_repro; i++) {
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof probe, "%s/probe_libc.c", tries[i]);
		p->has_repro = access(probe, R_OK) == 0 && realpath(tries[i], p->repro);
	}
	if (!p->has_repro)
		snprintf(p->repro, sizeof p->repro, "%s", tries[0]);
	return p->has_repro ? 0 : -1;
}

int preflight_paths(struct preflight_paths *p, struct run_opts *o,
                    const char *fixtures_opt)
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
	preflight_repro(p, p->fixtures);
	o->fixtures = p->fixtures;
	if (!o->expected)
		o->expected = p->expected;
	if (!o->libc.probes_host)
		o->libc.probes_host = p->probes;
	if (!o->libc.probes_musl)
		o->libc.probes_musl = p->musl;
	if (!o->libc.cache)
		o->libc.cache = getenv("WHICHNS_CACHE") ? getenv("WHICHNS_CACHE")
		                                        : "/var/cache/whichns";
	p->results_default = !o->results;
	if (!o->results)
		o->results = "results";
	return 0;
}

/* ./results, when no --results named a folder: an installed whichns may
 * run anywhere, and from / it would make /results. */
static int default_results(const char *results)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd)) {
		fprintf(stderr, "whichns: the default results folder ./%s: the working "
		        "folder cannot be named: %s; pass --results DIR\n", results,
		        strerror(errno));
		return EXIT_ENV;
	}
	if (strcmp(cwd, "/") == 0) {
		fprintf(stderr, "whichns: the default results folder would be /%s, in "
		        "the root folder: run from a folder of your own, or pass "
		        "--results DIR\n", results);
		return EXIT_USAGE;
	}
	if (mkdir(results, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "whichns: cannot create the default results folder "
		        "%s/%s: %s; nothing ran (pass --results DIR naming a folder "
		        "you can write)\n", cwd, results, strerror(errno));
		return EXIT_ENV;
	}
	return 0;
}

int preflight_results(struct preflight_paths *p, struct run_opts *o)
{
	struct wfault f = { 0 };
	int rc;
	if (p->results_default && (rc = default_results(o->results)) != 0)
		return rc;
	if (mkdir(o->results, 0755) != 0 && errno != EEXIST) {
		runfolder_fault_set(&f, "create", o->results, errno);
		return runfolder_fault_print(&f, FAULT_NOTHING_RAN);
	}
	if (!realpath(o->results, p->results)) {
		fprintf(stderr, "whichns: %s: %s\n", o->results, strerror(errno));
		return EXIT_ENV;
	}
	/* A folder that is there but read-only would fail the first case. */
	if (access(p->results, W_OK | X_OK) != 0) {
		runfolder_fault_set(&f, "write", p->results, errno);
		return runfolder_fault_print(&f, FAULT_NOTHING_RAN);
	}
	o->results = p->results;
	return 0;
}

/* Root, the programs every case runs, and the namespaces it makes: 0,
 * or EXIT_ENV (said). */
static int check_host_once(void)
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

/* check_host_once, once a process: preflight_libcs asks before it
 * imports, preflight_run again after. */
static int check_host(void)
{
	static int rc = -1;
	if (rc < 0)
		rc = check_host_once();
	return rc;
}

/* A job's C library (and its nscd, when asked) must be there, and its
 * root filesystem held so that it is not rebuilt under the run (hold).
 * 0, or EXIT_ENV said (EXIT_USAGE for a name that is no C library). */
static int check_libc(const struct libc_paths *lp, const struct job *j,
                      bool hold, struct libc_env *env)
{
	char err[PATH_MAX + 200];
	int rc = libc_resolve(lp, j->libc, j->kind == JOB_PROBE, j->nscd, env,
	                      err, sizeof err);
	if (rc != 0 || (hold && libc_hold(env, err, sizeof err) != 0)) {
		fprintf(stderr, "whichns: %s\n", err);
		return rc == LIBC_UNKNOWN ? EXIT_USAGE : EXIT_ENV;
	}
	return 0;
}

/* Every job's C library, query type and probe: 0, or the exit status. */
static int check_jobs(const struct libc_paths *lp, const struct job *jobs,
                      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		char path[PATH_MAX * 2];
		struct libc_env env;
		uint16_t qtype;
		/* Cases of one libc come together: hold each tree once. */
		bool first_of_libc = i == 0 || strcmp(j->libc, jobs[i - 1].libc) != 0;
		int rc = check_libc(lp, j, first_of_libc, &env);
		if (rc != 0)
			return rc;
		if (j->only[0] && dns_type_parse(j->only, &qtype) != 0) {
			fprintf(stderr, "whichns: case %s: unknown query type '%s' in "
			        "'only'; expected A, AAAA, MX, NS, PTR, ...\n", j->name,
			        j->only);
			return EXIT_USAGE;
		}
		if (j->kind != JOB_PROBE)
			continue;   /* a command, not one of our probes */
		snprintf(path, sizeof path, "%s/%s", env.probes, j->probe);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "whichns: probe '%s' (case %s) not found in %s: "
			        "build it with 'make' or name another --probes folder\n",
			        j->probe, j->name, env.probes);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* One C library a user brought: a --libc PATH imported (once per run),
 * and for a case that runs probes, the probes built inside it.  0, or
 * the exit status (said).  Anything else is libc_resolve's to judge. */
static int prepare_libc(const struct preflight_paths *p, const struct run_opts *o,
                        const char *libc, bool want_probes)
{
	static struct rootinfo ri;
	char err[PATH_MAX + 512], key[ROOTINFO_KEY_SIZE];
	struct libc_source *src = libc_source_find(libc);
	int rc = RI_OK;
	/* Progress lines on a terminal only (as git's): in a CI log the
	 * outcome's one line is what stands. */
	bool fresh = false, quiet = o->quiet || !isatty(STDERR_FILENO);
	if (libc_is_builtin(libc))
		return 0;
	if (!src && (rootimport_name_get(o->libc.cache, libc, key) != 0 ||
	             rootimport_load(o->libc.cache, key, &ri) != 0))
		return 0;   /* unknown, or a name whose tree is gone: resolve says */
	if (src && !src->key[0]) {
		rc = rootimport_import(o->libc.cache, src->path, quiet, &ri,
		                       &fresh, err, sizeof err);
		if (rc == RI_OK)
			memcpy(src->key, ri.key, sizeof src->key);
	} else if (src && rootimport_load(o->libc.cache, src->key, &ri) != 0) {
		return 0;
	}
	if (rc == RI_OK && want_probes) {
		if (!p->has_repro)
			rc = RI_ENV, snprintf(err, sizeof err, "no probe sources next to "
			                      "the fixtures %s (%s)", p->fixtures, p->repro);
		else if ((rc = rootprobes_build(o->libc.cache, &ri, libc, p->repro,
		                                quiet, err, sizeof err)) == RI_ENV)
			snprintf(err + strlen(err), sizeof err - strlen(err), "; or, "
			         "for your own programs (no probes), 'whichns exec "
			         "--libc %s -- ...'", src ? src->path : libc);
	}
	if (rc != RI_OK)   /* err names the source, or the root by its name */
		fprintf(stderr, "whichns: %s\n", err);
	if (rc != RI_OK && fresh) {   /* a root this run cannot use: not kept */
		if (rootimport_remove(o->libc.cache, ri.key, err, sizeof err) != RI_OK)
			fprintf(stderr, "whichns: %s\n", err);
		src->key[0] = '\0';
	}
	return rootimport_exit(rc);
}

/* What each --libc value needs that costs nothing to check, before any
 * is imported: a built-in C library's tree (and probes), a name that is
 * known, a path that is there.  0, or the exit status (said). */
static int precheck_libc(const struct run_opts *o, const char *libc,
                         bool want_probes, bool want_nscd)
{
	char err[PATH_MAX + 512];
	struct libc_env env;
	struct libc_source *src = libc_source_find(libc);
	if (src && !src->key[0]) {
		struct stat st;
		if (stat(src->path, &st) == 0)
			return 0;
		int e = errno;
		fprintf(stderr, "whichns: --libc %s: %s; name a root filesystem's "
		        "folder, a tarball or an image archive\n", src->path,
		        strerror(e));
		return e == EACCES ? EXIT_ENV : EXIT_USAGE;
	}
	bool builtin = libc_is_builtin(libc);
	int rc = libc_resolve(&o->libc, libc, builtin && want_probes,
	                      builtin && want_nscd, &env, err, sizeof err);
	if (rc == 0)
		return 0;
	fprintf(stderr, "whichns: %s\n", err);
	return rc == LIBC_UNKNOWN ? EXIT_USAGE : EXIT_ENV;
}

/* One --libc value of the jobs, and what its cases need of it. */
struct libc_need {
	const char *libc;
	bool probes, nscd;   /* a case of it runs our probes; nscd */
};

/* The distinct values of jobs into t (room for n), in the jobs' order:
 * how many. */
static size_t libc_needs(const struct job *jobs, size_t n, struct libc_need *t)
{
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < d && strcmp(t[k].libc, jobs[i].libc) != 0)
			k++;
		if (k == d)
			t[d++] = (struct libc_need){ .libc = jobs[i].libc };
		t[k].probes = t[k].probes || jobs[i].kind == JOB_PROBE;
		t[k].nscd = t[k].nscd || jobs[i].nscd;
	}
	return d;
}

int preflight_libcs(const struct preflight_paths *p, const struct run_opts *o,
                    const struct job *jobs, size_t n)
{
	struct libc_need *t = calloc(n ? n : 1, sizeof *t);
	int rc = 0;
	if (!t) {
		fprintf(stderr, "whichns: the C libraries of %zu cases: %s\n", n,
		        strerror(errno));
		return EXIT_ENV;
	}
	size_t d = libc_needs(jobs, n, t);
	bool brought = false;
	for (size_t i = 0; i < d && rc == 0; i++) {   /* every value checked, */
		rc = precheck_libc(o, t[i].libc, t[i].probes, t[i].nscd);
		brought = brought || !libc_is_builtin(t[i].libc);
	}
	/* A machine that cannot run a case says so before an import of
	 * hundreds of MB, not after. */
	if (rc == 0 && brought)
		rc = check_host();
	for (size_t i = 0; i < d && rc == 0; i++)   /* then imports */
		rc = prepare_libc(p, o, t[i].libc, t[i].probes);
	free(t);
	return rc;
}

int preflight_run(struct preflight_paths *p, struct run_opts *o,
                  const struct job *jobs, size_t n)
{
	int rc;
	if ((rc = preflight_libcs(p, o, jobs, n)) != 0 ||
	    (rc = check_jobs(&o->libc, jobs, n)) != 0 || (rc = check_host()) != 0 ||
	    (rc = preflight_results(p, o)) != 0)
		return rc;
	cleanup_mark();
	return 0;
}
