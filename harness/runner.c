/*
 * runner.c - case processes and progress lines.
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
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "case.h"
#include "casefolder.h"
#include "jobspec.h"
#include "pool.h"
#include "report.h"
#include "runner.h"
#include "runrec.h"
#include "scenfiles.h"

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
	sigaddset(set, CASE_SET_UP_SIG);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* Reap a case process, or learn that a stop was asked for, or that a
 * case is set up: returns the pid reaped, 0 after a stop signal, -1 when
 * no child is left, -2 when case process *said is set up
 * (CASE_SET_UP_SIG). */
static pid_t next_event(const sigset_t *set, int *status, pid_t *said)
{
	for (;;) {
		pid_t pid = waitpid(-1, status, WNOHANG);
		if (pid != 0)
			return pid;
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			return 0;
		if (sig == CASE_SET_UP_SIG) {
			*said = si.si_pid;
			return -2;
		}
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

/* The case process of j: run it in its folder and save the record; never
 * returns.  When the folder refuses a write, fault says which and why. */
static void case_process(const struct run_opts *o, const char *rundir,
                         const struct job *j, struct wfault *fault,
                         const struct pool_take *kept)
{
	/* 64 KB of room, most of it never used: static, so zero pages until
	 * written, each written one a page fault (doc/design.md, "What a
	 * case costs"), and nothing to fail (a case process makes one, and
	 * exits), as case_run's state. */
	static struct jobspec spec;
	struct jobspec *js = &spec;
	struct case_result r;
	char path[PATH_MAX + 16];

	case_process_signals();
	caseres_init(&r);
	/* When it cannot run, r.error says why, in its folder. */
	bool runs = jobspec_make(js, j, &o->libc, o->fixtures, rundir, &r) == 0;
	if (mkdir(js->casedir, 0755) != 0) {
		runfolder_fault_set(fault, "create", js->casedir, errno);
		_exit(1);
	}
	js->spec.kept = kept->srv;
	js->spec.nkept = kept->n;
	js->spec.kept_netns = kept->netns;
	js->spec.kept_capture = kept->capture;
	js->spec.kept_capture_at = kept->capture_at;
	js->spec.notify = getppid();
	if (runs)
		case_run(&js->spec, &r);
	snprintf(path, sizeof path, "%s/result.txt", js->casedir);
	_exit(runfolder_write(path, write_result, &r, fault) == 0 ? 0 : 1);
}

static void progress(const struct case_result *r, size_t done, size_t n)
{
	char v[32];
	fprintf(stderr, "[%zu/%zu] %s ... %s (%.2f s)%s%s\n", done, n, r->name,
	        report_verdict_text(r, v, sizeof v), r->t_end - r->t_start,
	        r->error[0] ? ": " : "", r->error);
}

/* A job slot: its case process (0: none), its job, and whether the case
 * is setting up (until it says CASE_SET_UP_SIG). */
struct slot { pid_t pid; size_t idx; bool setup; };

/* A run under way. */
struct run {
	const struct run_opts *o;
	const struct job *jobs;
	size_t n;
	struct runfolder rf;
	struct slot *slots;         /* o->jobs of them */
	struct wfault *faults;      /* one per slot, shared with its case process */
	struct pool pool;           /* servers kept for each slot's next case */
	struct wfault fault;        /* the first, which stops the run */
	struct case_result *res;    /* res[i] for jobs[i], when ran[i] */
	bool *ran;
	size_t next, running, done;
	unsigned setting_up, setups_max;   /* cases setting up: at most ... */
	bool stop, signalled, forkfail;
};

/* Ask every running case to tear down (SIGTERM: its handler does). */
static void stop_cases(struct run *run)
{
	for (unsigned s = 0; s < run->o->jobs; s++)
		if (run->slots[s].pid)
			kill(run->slots[s].pid, SIGTERM);
}

/* The first fault stops the run: every case is torn down. */
static void fault_stop(struct run *run, const struct wfault *f)
{
	if (run->fault.errnum)
		return;
	run->fault = *f;
	run->stop = true;
	stop_cases(run);
}

static void banner(const struct run *run)
{
	const struct job *j = &run->jobs[0];
	if (run->o->quiet)
		return;
	if (run->n == 1 && j->kind == JOB_ARGV) {   /* exec: one command */
		struct job_cmd cmd;
		job_command(j, "", "", &cmd);
		fprintf(stderr, "whichns: running %s; evidence in %s/%s\n",
		        cmd.command, run->rf.dir, j->dir);
		return;
	}
	fprintf(stderr, "whichns: %zu case%s, %u at a time, evidence in %s\n",
	        run->n, run->n == 1 ? "" : "s", run->o->jobs, run->rf.dir);
}

/* Fork case processes while there are jobs and free slots. */
static void start_cases(struct run *run)
{
	while (!run->stop && run->next < run->n && run->running < run->o->jobs &&
	       run->setting_up < run->setups_max) {
		unsigned s;
		for (s = 0; run->slots[s].pid; s++)
			;
		memset(&run->faults[s], 0, sizeof run->faults[s]);
		struct pool_take kept;
		pool_get(&run->pool, s, &run->jobs[run->next], &kept);
		pid_t pid = fork_case();
		if (pid < 0) {
			fprintf(stderr, "whichns: fork: %s\n", strerror(errno));
			run->stop = run->forkfail = true;
			return;
		}
		if (pid == 0) {
			pool_leave_others(&run->pool, s);
			case_process(run->o, run->rf.dir, &run->jobs[run->next],
			             &run->faults[s], &kept);
		}
		setpgid(pid, pid);  /* both sides: no race with Ctrl-C */
		run->slots[s] = (struct slot){ pid, run->next++, true };
		run->running++;
		run->setting_up++;
	}
}

/* --json: the case as it ends, one line, flushed, so a reader of the
 * pipe sees each case at once. */
static void json_line(const struct run *run, const struct case_result *r)
{
	struct run_info ri = { .run = run->rf.id };
	report_json_line(stdout, &ri, r);
	fflush(stdout);
}

/* Case process pid ended with wait status st: take its case in. */
static void case_ended(struct run *run, pid_t pid, int st)
{
	struct wfault f = { 0 };
	unsigned s;
	for (s = 0; s < run->o->jobs && run->slots[s].pid != pid; s++)
		;
	if (s == run->o->jobs) {
		pool_reaped(&run->pool, pid);   /* a kept server ended */
		return;
	}
	pool_case_ended(&run->pool, s, st);
	if (run->slots[s].setup)
		run->setting_up--;
	run->slots[s].pid = 0;
	run->slots[s].setup = false;
	run->running--;
	if (run->faults[s].errnum)
		fault_stop(run, &run->faults[s]);   /* the folder refused */
	if (run->fault.errnum)
		return;   /* a run that stops on a fault reports nothing */
	size_t i = run->slots[s].idx;
	if (casefolder_finish(&run->rf, &run->jobs[i], st, &run->res[i], &f) != 0) {
		fault_stop(run, &f);
		return;
	}
	run->ran[i] = true;
	if (!run->o->quiet)
		progress(&run->res[i], ++run->done, run->n);
	if (run->o->json)
		json_line(run, &run->res[i]);
}

/* Case process pid says its set-up is over. */
static void case_started(struct run *run, pid_t pid)
{
	for (unsigned s = 0; s < run->o->jobs; s++)
		if (run->slots[s].pid == pid && run->slots[s].setup) {
			run->slots[s].setup = false;
			run->setting_up--;
		}
}

/* A command that could not start (no such program in its tree, its
 * loader missing, execve failing) is no verdict: each says why in one
 * line, and the run exits 3 unless it was interrupted. */
static int start_failures(const struct case_result *r, size_t n, int rc)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (r[i].start_failed) {
			fprintf(stderr, "whichns: %s: %s\n", r[i].name, r[i].error);
			any = true;
		}
	return any && rc != EXIT_INTERRUPTED ? EXIT_ENV : rc;
}

/* The reports of the cases that ran, in the jobs' order. */
static int finish(struct run *run)
{
	size_t k = 0;
	for (size_t i = 0; i < run->n; i++)
		if (run->ran[i])
			run->res[k++] = run->res[i];
	/* exec's jobs are its whole matrix; a run names its own. */
	char id[RUNREC_MATRIX_ID_LEN + 1];
	struct sha256 h;
	runrec_matrix_init(&h);
	for (size_t i = 0; i < run->n; i++)
		runrec_matrix_add(&h, run->jobs[i].name);
	runrec_matrix_id(&h, id);
	struct finish_opts fo = {
		.planned = run->n, .incomplete = k < run->n,
		.interrupted = run->signalled, .strict = run->o->strict,
		.json = run->o->json, .shard_k = run->o->shard_k,
		.shard_n = run->o->shard_n, .matrix = run->o->matrix,
		.matrix_id = run->o->matrix_id ? run->o->matrix_id : id,
	};
	int rc = runfolder_finish(&run->rf, run->res, k, &fo);
	rc = start_failures(run->res, k, rc);
	return run->forkfail && rc != EXIT_INTERRUPTED ? EXIT_ENV : rc;
}

/*
 * The run's own network namespace, which the runner enters as the run
 * begins, so that the namespaces made from it (each case's, and the
 * client namespace of kept servers: the ones whose /proc/net/udp a case
 * reads, at each of some twenty samples of the process tree) get a UDP
 * hash table of their own, of 128 buckets, where they would share the
 * host's (16384 buckets here) and each reading would walk it.  The
 * setting is this namespace's own (it says what namespaces made in it
 * get), so the host's stays as it is; namespaces made from a case's
 * (its servers', nscd's) share the host's table as before.  Only UDP's:
 * a namespace made with a small TCP table also gets small TCP limits
 * (64 TIME_WAIT sockets, and the kernel logs each overflow), which
 * would change the process's world and write to the host's kernel log.
 * Nothing of the run needs the host's network.  Without the setting (a
 * kernel before 6.2), the namespaces share the host's table.
 */
static void run_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return;
	int fd = open("/proc/sys/net/ipv4/udp_child_hash_entries",
	              O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t w = write(fd, "128", 3);
		(void)w;
		close(fd);
	}
}

/*
 * How many cases may set up at once: one per CPU.  Setting up (the
 * namespaces, the sandbox, the process's init and the capture, until the
 * case says CASE_SET_UP_SIG) is where a case works; the rest of it
 * mostly waits, for its servers and its process.  Eight cases setting
 * up at once on two CPUs (a run's first eight) took 50 to 100 ms each,
 * against 15 to 25 for one among others that observe; a case waiting to
 * start costs no case anything, and on the matrix the run's time stayed
 * the same.
 */
static unsigned setups_max(unsigned jobs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned m = cpus > 0 ? (unsigned)cpus : 1;
	return m < jobs ? m : jobs;
}

int runner_run(const struct run_opts *o, const struct job *jobs, size_t n)
{
	struct run run = { .o = o, .jobs = jobs, .n = n,
	                   .setups_max = setups_max(o->jobs),
	                   .rf = { .expected_dir = o->expected } };
	int rc = EXIT_ENV;

	run.slots = calloc(o->jobs, sizeof *run.slots);
	run.faults = faults_map(o->jobs);
	run.res = calloc(n ? n : 1, sizeof *run.res);
	run.ran = calloc(n ? n : 1, sizeof *run.ran);
	if (!run.slots || !run.faults || !run.res || !run.ran) {
		fprintf(stderr, "whichns: out of memory\n");
		goto out;
	}
	if (runfolder_create(&run.rf, o->results, o->prefix ? o->prefix : "",
	                     o->latest ? o->latest : "latest", &run.fault) != 0) {
		rc = runfolder_fault_print(&run.fault, FAULT_NOTHING_RAN);
		goto out;
	}
	if (o->nscenarios && scenfiles_keep(run.rf.dir, o->scenarios,
	                                    o->nscenarios, &run.fault) != 0) {
		rc = run.fault.errnum ? runfolder_fault_print(&run.fault,
		                                              FAULT_NOTHING_RAN)
		                      : EXIT_USAGE;
		goto out;
	}
	banner(&run);
	run_netns();
	capture_prepare();
	pool_init(&run.pool, o->jobs, run.rf.dir, o->fixtures);

	/* Before the servers start: a Ctrl-C from here on is the loop's to
	 * take (next_event), never the default end of the runner. */
	sigset_t sigs;
	runner_signals(&sigs);
	pool_prestart(&run.pool, jobs, n);
	for (;;) {
		start_cases(&run);
		if (run.running == 0)
			break;
		int st;
		pid_t said = 0, pid = next_event(&sigs, &st, &said);
		if (pid == 0 && !run.signalled) {   /* Ctrl-C: every case tears down */
			run.stop = run.signalled = true;
			stop_cases(&run);
		} else if (pid > 0) {
			case_ended(&run, pid, st);
		} else if (pid == -2) {
			case_started(&run, said);
		}
	}
	pool_free(&run.pool);
	rc = run.fault.errnum ? runfolder_fault_print(&run.fault, FAULT_STOPPED)
	                      : finish(&run);
out:
	runfolder_free(&run.rf);
	if (run.faults)
		munmap(run.faults, o->jobs * sizeof *run.faults);
	free(run.ran);
	free(run.res);
	free(run.slots);
	return rc;
}
