/*
 * runner.c - case processes, progress lines, and merging shards.
 *
 * Each case runs in a child process that unshares its own namespaces and
 * sits in a process group of its own, so a Ctrl-C reaches only this
 * process, which then asks every case to tear down (SIGTERM) and still
 * writes an honest, incomplete summary.
 *
 * A case process that cannot write its folder (a full, read-only or
 * failing disk) cannot write down why either: it tells the runner through
 * a slot of memory they share (struct wfault), and the runner stops the
 * whole run with that one line and exit 3, writing no summary.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/prctl.h>
#include "case.h"
#include "dns.h"
#include "evidence.h"
#include "report.h"
#include "runner.h"

/* In a case process: a SIGTERM from the runner (or its death) asks the
 * case to tear down; case.c's ppoll() lets it in. */
static void on_case_stop(int sig)
{
	(void)sig;
	case_interrupted = 1;
}

/* The runner takes its signals synchronously: blocked, then received with
 * sigwaitinfo(), so a Ctrl-C cannot slip in between a check and a wait. */
static void runner_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* Reap a case process, or learn that a stop was asked for: returns the
 * pid reaped, 0 after a stop signal, -1 when no child is left. */
static pid_t next_event(const sigset_t *set, int *status)
{
	for (;;) {
		pid_t pid = waitpid(-1, status, WNOHANG);
		if (pid != 0)
			return pid;
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			return 0;
		/* SIGCHLD (or EINTR): look again. */
	}
}

/* A case process ends its case (SIGTERM, handled) when the runner dies,
 * even by SIGKILL; its own children die with it. */
static pid_t fork_case(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent))
		_exit(1);
	return pid;
}

static void case_dirname(const struct scn_case *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%03u-", c->seq + 1);
	for (const char *p = c->name; *p && (size_t)n + 1 < size; p++)
		buf[n++] = *p == '/' || *p == ':' ? '_' : *p;
	buf[n] = '\0';
}

static void fill_identity(struct case_result *r, const struct scn_case *c,
                          const char *sub)
{
	snprintf(r->name, sizeof r->name, "%s", c->name);
	snprintf(r->group, sizeof r->group, "%s", c->group);
	snprintf(r->probe, sizeof r->probe, "%s", c->probe);
	snprintf(r->update, sizeof r->update, "%s", c->update);
	snprintf(r->options, sizeof r->options, "%s", c->options);
	snprintf(r->cache, sizeof r->cache, "%s", c->cache);
	snprintf(r->libc_axis, sizeof r->libc_axis, "%s", c->libc);
	snprintf(r->dir, sizeof r->dir, "%s", sub);
	snprintf(r->pcap, sizeof r->pcap, "%s/capture.pcap", sub);
}

static int write_result(FILE *f, const void *r)
{
	return caseres_write(f, r);
}

/* One struct wfault per job slot, shared with the case processes. */
static struct wfault *faults_map(size_t n)
{
	void *p = mmap(NULL, n * sizeof(struct wfault), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The signals of a case process: Ctrl-C reaches only the runner, which
 * asks each case to stop with SIGTERM; ppoll() in the case unblocks it. */
static void case_process_signals(void)
{
	struct sigaction sa = { .sa_handler = on_case_stop };
	sigset_t block;

	setpgid(0, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
}

/* Run spec in its folder and save the record: never returns.  When the
 * folder refuses a write, fault says which and why. */
static void case_process(struct case_spec *spec, const char *update,
                         bool env_ok, struct case_result *r, struct wfault *fault)
{
	char path[PATH_MAX + 16];
	if (mkdir(spec->casedir, 0755) != 0) {
		runfolder_fault_set(fault, "create", spec->casedir, errno);
		_exit(1);
	}
	if (!env_ok)
		;   /* r->error says what is missing */
	else if (view_method_parse(update, &spec->update) != 0)
		snprintf(r->error, sizeof r->error, "unknown update method %s", update);
	else
		case_run(spec, r);
	snprintf(path, sizeof path, "%s/result.txt", spec->casedir);
	_exit(runfolder_write(path, write_result, r, fault) == 0 ? 0 : 1);
}

/* A scenario case in its process: never returns. */
static void case_child(const struct run_opts *o, const char *rundir,
                       const struct scn_case *c, struct wfault *fault)
{
	struct case_result r;
	char dir[PATH_MAX], sub[SCN_NAME_MAX + 8], probe[PATH_MAX], interval[16],
	     qname[SCN_WORD_MAX];

	case_process_signals();
	caseres_init(&r);
	case_dirname(c, sub, sizeof sub);
	snprintf(dir, sizeof dir, "%s/%s", rundir, sub);
	fill_identity(&r, c, sub);
	struct libc_env env;
	int env_ok = libc_resolve(&o->libc, c->libc, strcmp(c->cache, "nscd") == 0,
	                          &env, r.error, sizeof r.error);
	/* In a root filesystem the probes are bound in at /run/whichns/probes. */
	snprintf(probe, sizeof probe, "%s/%s",
	         env.root[0] ? "/run/whichns/probes" : env.probes, c->probe);
	snprintf(interval, sizeof interval, "%u", c->interval_ms);
	snprintf(qname, sizeof qname, "%s", c->qname);
	char *argv[] = { probe, "-i", interval, qname, NULL };
	snprintf(r.command, sizeof r.command, "%s%s%s%s -i %s %s",
	         env.root[0] ? "chroot " : "", env.root, env.root[0] ? " " : "",
	         probe, interval, qname);
	/* A group that runs a command: a shell runs it, like exec's. */
	char exec_cmd[SCN_TEXT_MAX], trigger_cmd[SCN_TEXT_MAX], fresh_cmd[SCN_TEXT_MAX];
	char *exec_argv[] = { "/bin/sh", "-c", exec_cmd, NULL };
	char *trigger_argv[] = { "/bin/sh", "-c", trigger_cmd, NULL };
	char *fresh_argv[] = { "/bin/sh", "-c", fresh_cmd, NULL };
	snprintf(exec_cmd, sizeof exec_cmd, "%s", c->exec);
	snprintf(trigger_cmd, sizeof trigger_cmd, "%s", c->trigger);
	snprintf(fresh_cmd, sizeof fresh_cmd, "%s", c->fresh);
	if (c->exec[0])
		snprintf(r.command, sizeof r.command, "%s%s%s%s", env.root[0] ? "chroot " : "",
		         env.root, env.root[0] ? " " : "", c->exec);
	snprintf(r.why, sizeof r.why, "%s", c->why);
	snprintf(r.only, sizeof r.only, "%s", c->only);

	/* How to run just this case again, for report.md. */
	char quoted[SCN_NAME_MAX + 8], rerun[2048];
	char *name_argv[] = { (char *)(uintptr_t)c->name, NULL };
	evidence_shell_quote(quoted, sizeof quoted, name_argv);
	/* Exactly this case: its libc, its whole name, the scenario files. */
	snprintf(rerun, sizeof rerun, "%s --libc %s -f =%s %s",
	         o->rerun_head ? o->rerun_head : "whichns run", c->libc, quoted,
	         o->rerun_tail ? o->rerun_tail : "");
	struct case_spec spec = {
		.argv = argv, .root = env.root,
		.bind_probes = env.probes, .fixtures = o->fixtures,
		.casedir = dir, .options = c->options, .any_name = false,
		.interval_ms = c->interval_ms, .window_ms = c->window_ms,
		.before = c->before, .switch_after_ms = c->switch_after_ms,
		.timeout_ms = c->timeout_ms, .nscd = env.nscd[0] ? env.nscd : NULL,
		.keep_secrets = c->secrets_shown,
		.rerun = rerun,
	};
	if (c->exec[0]) {
		spec.argv = exec_argv;
		spec.any_name = true;
		spec.bind_probes = NULL;
		spec.trigger = c->trigger[0] ? trigger_argv : NULL;
		spec.trigger_ms = c->trigger_ms;
		spec.fresh = c->fresh[0] ? fresh_argv : NULL;
		spec.fresh_ms = c->fresh_ms;
	}
	if (c->only[0] && dns_type_parse(c->only, &spec.only_qtype) != 0)
		snprintf(r.error, sizeof r.error, "unknown query type '%s'", c->only);
	case_process(&spec, c->update, env_ok == 0 && !r.error[0], &r, fault);
}

static void progress(const struct case_result *r, size_t done, size_t n)
{
	char v[32];
	fprintf(stderr, "[%zu/%zu] %s ... %s (%.2f s)%s%s\n", done, n, r->name,
	        report_verdict_text(r, v, sizeof v), r->t_end - r->t_start,
	        r->error[0] ? ": " : "", r->error);
}

/* Read back what case process i wrote; a crash becomes an error record. */
static void collect(struct runfolder *rf, const struct scn_case *c, int status,
                    struct case_result *r)
{
	char sub[SCN_NAME_MAX + 8], dir[PATH_MAX], err[256];
	case_dirname(c, sub, sizeof sub);
	snprintf(dir, sizeof dir, "%s/%s", rf->dir, sub);
	if (runfolder_read_case(dir, r, err, sizeof err) != 0) {
		caseres_init(r);
		fill_identity(r, c, sub);
		snprintf(r->error, sizeof r->error, "the case process ended (wait "
		         "status %d) without a readable result: %s", status, err);
	}
	runfolder_expect(rf, r);
}

struct slot { pid_t pid; size_t idx; };

/* Ask every running case to tear down (SIGTERM: its handler does). */
static void stop_cases(const struct slot *slots, unsigned jobs)
{
	for (unsigned s = 0; s < jobs; s++)
		if (slots[s].pid)
			kill(slots[s].pid, SIGTERM);
}

int runner_run(const struct run_opts *o, const struct scn_case *cases, size_t n)
{
	struct runfolder rf = { .expected_dir = o->expected };
	struct slot *slots = calloc(o->jobs, sizeof *slots);
	struct wfault *faults = faults_map(o->jobs);
	struct wfault fault = { 0 };   /* the first, which stops the run */
	struct case_result *res = calloc(n ? n : 1, sizeof *res);
	bool *ran = calloc(n ? n : 1, sizeof *ran);
	size_t next = 0, running = 0, done = 0;
	bool stop = false, signalled = false, forkfail = false;
	int rc = EXIT_ENV;

	if (!slots || !faults || !res || !ran) {
		fprintf(stderr, "whichns: out of memory\n");
		goto out;
	}
	if (runfolder_create(&rf, o->results, "", &fault) != 0) {
		rc = runfolder_fault_print(&fault, FAULT_NOTHING_RAN);
		goto out;
	}
	if (!o->quiet)
		fprintf(stderr, "whichns: %zu case%s, %u at a time, evidence in %s\n",
		        n, n == 1 ? "" : "s", o->jobs, rf.dir);

	sigset_t sigs;
	runner_signals(&sigs);

	while (next < n || running > 0) {
		while (!stop && next < n && running < o->jobs) {
			unsigned s;
			for (s = 0; slots[s].pid; s++)
				;
			memset(&faults[s], 0, sizeof faults[s]);
			pid_t pid = fork_case();
			if (pid < 0) {
				fprintf(stderr, "whichns: fork: %s\n", strerror(errno));
				stop = forkfail = true;
				break;
			}
			if (pid == 0)
				case_child(o, rf.dir, &cases[next], &faults[s]);
			setpgid(pid, pid);  /* both sides: no race with Ctrl-C */
			slots[s].pid = pid;
			slots[s].idx = next++;
			running++;
		}
		if (running == 0)
			break;
		int st;
		pid_t pid = next_event(&sigs, &st);
		if (pid == 0 && !signalled) {   /* Ctrl-C: every case tears down */
			stop = signalled = true;
			stop_cases(slots, o->jobs);
		}
		for (unsigned s = 0; pid > 0 && s < o->jobs; s++) {
			if (slots[s].pid != pid)
				continue;
			slots[s].pid = 0;
			running--;
			if (faults[s].errnum && !fault.errnum) {
				fault = faults[s];   /* the folder refused: stop all */
				stop = true;
				stop_cases(slots, o->jobs);
			}
			if (fault.errnum)
				continue;   /* a run that stops on a fault reports nothing */
			size_t i = slots[s].idx;
			collect(&rf, &cases[i], st, &res[i]);
			ran[i] = true;
			if (!o->quiet)
				progress(&res[i], ++done, n);
		}
	}
	if (fault.errnum) {
		rc = runfolder_fault_print(&fault, FAULT_STOPPED);
		goto out;
	}

	/* Only cases that ran go in the reports, in matrix order. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ran[i])
			res[k++] = res[i];
	struct finish_opts fo = { n, k < n, signalled, o->strict };
	rc = runfolder_finish(&rf, res, k, &fo);
	if (forkfail && rc != EXIT_INTERRUPTED)
		rc = EXIT_ENV;
out:
	runfolder_free(&rf);
	if (faults)
		munmap(faults, o->jobs * sizeof *faults);
	free(ran);
	free(res);
	free(slots);
	return rc;
}

static int by_dir(const void *a, const void *b)
{
	const struct case_result *x = a, *y = b;
	return strcmp(x->dir, y->dir);
}

/* Add the cases of one shard's run folder, linking their folders in.
 * Returns 0, EXIT_USAGE (said why), or EXIT_ENV with fault set. */
static int merge_one(struct runfolder *rf, const char *src,
                     struct case_result **res, size_t *n, size_t *cap,
                     struct wfault *fault)
{
	char abs[PATH_MAX], err[PATH_MAX + 64];
	int rc = EXIT_USAGE;
	if (!realpath(src, abs)) {
		fprintf(stderr, "whichns: merge: %s: %s\n", src, strerror(errno));
		return EXIT_USAGE;
	}
	DIR *d = opendir(abs);
	if (!d) {
		fprintf(stderr, "whichns: merge: cannot read %s: %s\n", abs, strerror(errno));
		return EXIT_USAGE;
	}
	size_t found = 0;
	for (struct dirent *e; (e = readdir(d));) {
		char casedir[PATH_MAX + 256], link[PATH_MAX + 256], probe[PATH_MAX + 300];
		snprintf(casedir, sizeof casedir, "%s/%s", abs, e->d_name);
		snprintf(probe, sizeof probe, "%s/result.txt", casedir);
		if (e->d_name[0] == '.' || access(probe, R_OK) != 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			void *nr = realloc(*res, *cap * sizeof **res);
			if (!nr) {
				fprintf(stderr, "whichns: out of memory\n");
				rc = EXIT_ENV;
				goto fail;
			}
			*res = nr;
		}
		struct case_result *r = &(*res)[*n];
		if (runfolder_read_case(casedir, r, err, sizeof err) != 0) {
			fprintf(stderr, "whichns: merge: %s\n", err);
			goto fail;
		}
		snprintf(link, sizeof link, "%s/%s", rf->dir, e->d_name);
		if (symlink(casedir, link) != 0) {
			if (errno == EEXIST) {
				fprintf(stderr, "whichns: merge: %s appears in two runs: "
				        "merge the shards of one matrix only\n", e->d_name);
			} else {
				runfolder_fault_set(fault, "write", link, errno);
				rc = EXIT_ENV;
			}
			goto fail;
		}
		runfolder_expect(rf, r);
		(*n)++;
		found++;
	}
	closedir(d);
	if (found == 0) {
		fprintf(stderr, "whichns: merge: %s holds no case folders (with "
		        "result.txt): is it a run folder?\n", abs);
		return EXIT_USAGE;
	}
	return 0;
fail:
	closedir(d);
	return rc;
}

/* A shard that was interrupted, or that never wrote its reports (killed,
 * or its disk refused), leaves the merged run incomplete: say which. */
static bool incomplete_shards(char *const dirs[], size_t ndirs)
{
	bool any = false;
	for (size_t i = 0; i < ndirs; i++) {
		char path[PATH_MAX + 16], line[256];
		snprintf(path, sizeof path, "%s/summary.json", dirs[i]);
		FILE *f = fopen(path, "re");
		bool cut = false;
		while (f && fgets(line, sizeof line, f))
			if (strstr(line, "\"complete\": false"))
				cut = true;
		if (f)
			fclose(f);
		if (f && !cut)
			continue;
		fprintf(stderr, "whichns: merge: %s %s: the merged run is incomplete; "
		        "run that shard again\n", dirs[i], f
		        ? "was interrupted (its summary.json says \"complete\": false)"
		        : "has no summary.json (its run was killed, or could not "
		          "write its reports)");
		any = true;
	}
	return any;
}

/* A merged folder holds only links to case folders: remove them and it. */
static void remove_links(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

int runner_merge(const struct run_opts *o, char *const dirs[], size_t ndirs)
{
	struct runfolder rf = { .expected_dir = o->expected };
	struct case_result *res = NULL;
	struct wfault fault = { 0 };
	size_t n = 0, cap = 0;
	int rc;

	if (runfolder_create(&rf, o->results, "merged-", &fault) != 0)
		return runfolder_fault_print(&fault, FAULT_NOTHING_RAN);
	for (size_t i = 0; i < ndirs; i++)
		if ((rc = merge_one(&rf, dirs[i], &res, &n, &cap, &fault)) != 0) {
			remove_links(rf.dir);   /* a refused merge leaves nothing */
			if (fault.errnum)
				rc = runfolder_fault_print(&fault, "the merge stopped "
				                           "and wrote no summary");
			goto out;
		}
	qsort(res, n, sizeof *res, by_dir);
	/* An incomplete shard is cases that did not run (exit 1), never an
	 * interrupt of this merge (130). */
	struct finish_opts fo = { n, incomplete_shards(dirs, ndirs), false, o->strict };
	rc = runfolder_finish(&rf, res, n, &fo);
out:
	runfolder_free(&rf);
	free(res);
	return rc;
}

/* exec's case identity, as run's fill_identity gives a scenario case. */
static void exec_identity(struct case_result *r, const struct exec_job *job)
{
	caseres_init(r);
	snprintf(r->name, sizeof r->name, "%s", job->name);
	snprintf(r->group, sizeof r->group, "exec");
	snprintf(r->probe, sizeof r->probe, "%s", job->argv[0]);
	snprintf(r->update, sizeof r->update, "%s", job->update);
	snprintf(r->options, sizeof r->options, "%s", job->spec.options);
	snprintf(r->cache, sizeof r->cache, "%s", job->spec.nscd ? "nscd" : "none");
	snprintf(r->libc_axis, sizeof r->libc_axis, "%s", job->libc);
	snprintf(r->dir, sizeof r->dir, "001-exec");
	snprintf(r->pcap, sizeof r->pcap, "001-exec/capture.pcap");
	if (job->only[0])
		snprintf(r->only, sizeof r->only, "%s", job->only);
	evidence_shell_quote(r->command, sizeof r->command, job->argv);
}

/* whichns exec: one case, any command. */
int runner_exec(const struct run_opts *o, const struct exec_job *job)
{
	struct runfolder rf = { .expected_dir = NULL };
	struct wfault *fault = faults_map(1), first = { 0 };
	struct case_result r;
	char err[PATH_MAX + 64], dir[PATH_MAX + 16];
	struct libc_env env;
	int rc = EXIT_ENV;

	if (!fault) {
		fprintf(stderr, "whichns: out of memory\n");
		return EXIT_ENV;
	}
	if (runfolder_create(&rf, o->results, "exec-", &first) != 0) {
		rc = runfolder_fault_print(&first, FAULT_NOTHING_RAN);
		goto out;
	}
	exec_identity(&r, job);
	snprintf(dir, sizeof dir, "%s/001-exec", rf.dir);
	if (!o->quiet)
		fprintf(stderr, "whichns: running %s; evidence in %s\n", r.command, dir);

	sigset_t sigs;
	runner_signals(&sigs);
	pid_t pid = fork_case();
	if (pid < 0) {
		fprintf(stderr, "whichns: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		case_process_signals();
		int env_ok = libc_resolve(&o->libc, job->libc, job->spec.nscd != NULL,
		                          &env, r.error, sizeof r.error);
		struct case_spec spec = job->spec;
		spec.argv = job->argv;
		spec.root = env.root;
		spec.casedir = dir;
		spec.fixtures = o->fixtures;
		spec.nscd = job->spec.nscd && env_ok == 0 ? env.nscd : NULL;
		case_process(&spec, job->update, env_ok == 0, &r, fault);
	}
	setpgid(pid, pid);
	int st;
	bool stop = false;
	for (pid_t got; (got = next_event(&sigs, &st)) != pid && got >= 0;)
		if (got == 0 && !stop) {   /* Ctrl-C: the case tears down */
			stop = true;
			kill(pid, SIGTERM);
		}
	if (fault->errnum) {
		rc = runfolder_fault_print(fault, FAULT_STOPPED);
		goto out;
	}
	struct case_result got;
	if (runfolder_read_case(dir, &got, err, sizeof err) != 0) {
		got = r;
		snprintf(got.error, sizeof got.error, "the case process ended "
		         "without a readable result: %s", err);
	}
	got.expected = job->expected;
	if (!o->quiet)
		progress(&got, 1, 1);
	struct finish_opts fo = { 1, stop, stop, false };
	rc = runfolder_finish(&rf, &got, 1, &fo);
out:
	runfolder_free(&rf);
	munmap(fault, sizeof *fault);
	return rc;
}
