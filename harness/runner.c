/*
 * runner.c - the run: case processes, progress, the run folder.
 *
 * Each case runs in a child process that unshares its own namespaces and
 * sits in a process group of its own, so a Ctrl-C reaches only this
 * process, which then asks every case to tear down (SIGTERM) and still
 * writes an honest, incomplete summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "case.h"
#include "expect.h"
#include "report.h"
#include "runner.h"
#include "spawn.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	case_interrupted = 1;
}

struct slot {
	pid_t  pid;
	size_t idx;
};

struct run {
	const struct run_opts *o;
	const struct scn_case *cases;
	size_t n;
	char   dir[4096];
	char   id[64];
	struct case_result *res;
	size_t done;
	struct expect *exp;     /* one per libc seen */
	size_t nexp;
};

static void case_dirname(const struct scn_case *c, size_t i, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%03zu-", i + 1);
	for (const char *p = c->name; *p && (size_t)n + 1 < size; p++)
		buf[n++] = *p == '/' || *p == ':' ? '_' : *p;
	buf[n] = '\0';
}

static int write_text(const char *path, void (*fn)(FILE *, const void *),
                      const void *arg)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	fn(f, arg);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void write_result(FILE *f, const void *arg) { caseres_write(f, arg); }

/* In the case process: never returns. */
static void case_child(struct run *run, size_t i)
{
	const struct scn_case *c = &run->cases[i];
	struct case_result r;
	char dir[4096 + 256], sub[SCN_NAME_MAX + 8], probe[4096], interval[16];
	struct sigaction sa = { .sa_handler = on_stop };

	setpgid(0, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);   /* ppoll unblocks them */

	caseres_init(&r);
	case_dirname(c, i, sub, sizeof sub);
	snprintf(dir, sizeof dir, "%s/%s", run->dir, sub);
	snprintf(r.name, sizeof r.name, "%s", c->name);
	snprintf(r.group, sizeof r.group, "%s", c->group);
	snprintf(r.probe, sizeof r.probe, "%s", c->probe);
	snprintf(r.update, sizeof r.update, "%s", c->update);
	snprintf(r.options, sizeof r.options, "%s", c->options);
	snprintf(r.cache, sizeof r.cache, "%s", c->cache);
	snprintf(r.libc_axis, sizeof r.libc_axis, "%s", c->libc);
	snprintf(r.dir, sizeof r.dir, "%s", sub);
	snprintf(r.pcap, sizeof r.pcap, "%s/capture.pcap", sub);
	snprintf(probe, sizeof probe, "%s/%s", run->o->probes, c->probe);
	snprintf(interval, sizeof interval, "%u", c->interval_ms);
	char qname[SCN_WORD_MAX];
	snprintf(qname, sizeof qname, "%s", c->qname);
	char *argv[] = { probe, "-i", interval, qname, NULL };
	snprintf(r.command, sizeof r.command, "%s -i %s %s", probe, interval, c->qname);

	struct case_spec spec = {
		.name = c->name, .argv = argv, .root = "", .fixtures = run->o->fixtures,
		.casedir = dir, .options = c->options, .any_name = false,
		.interval_ms = c->interval_ms, .window_ms = c->window_ms,
		.before = c->before, .switch_after_ms = c->switch_after_ms,
		.timeout_ms = c->timeout_ms,
	};
	if (mkdir(dir, 0755) != 0)
		snprintf(r.error, sizeof r.error, "cannot create %s: %s", dir,
		         strerror(errno));
	else if (view_method_parse(c->update, &spec.update) != 0)
		snprintf(r.error, sizeof r.error, "unknown update method %s", c->update);
	else if (strcmp(c->cache, "none") != 0 || strcmp(c->libc, "host") != 0)
		snprintf(r.error, sizeof r.error, "cache=%s libc=%s: not supported "
		         "by this whichns", c->cache, c->libc);
	else
		case_run(&spec, &r);
	snprintf(probe, sizeof probe, "%s/result.txt", dir);
	_exit(write_text(probe, write_result, &r) == 0 ? 0 : 1);
}

static const struct expect *expect_for(struct run *run, const char *libc)
{
	char key[64], path[4200], err[512];
	expect_libc_key(libc, key, sizeof key);
	for (size_t i = 0; i < run->nexp; i++)
		if (strcmp(run->exp[i].source + strlen(run->exp[i].source) -
		           strlen(key), key) == 0)
			return &run->exp[i];
	if (!run->o->expected)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", run->o->expected, key);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t k;
	while (mem && (k = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, k, mem);
	fclose(f);
	if (!mem)
		return NULL;
	fclose(mem);
	struct expect *ne = realloc(run->exp, (run->nexp + 1) * sizeof *ne);
	if (!ne) {
		free(text);
		return NULL;
	}
	run->exp = ne;
	if (expect_parse(text, len, path, &run->exp[run->nexp], err, sizeof err) != 0) {
		fprintf(stderr, "whichns: %s\n", err);
		free(text);
		return NULL;
	}
	free(text);
	return &run->exp[run->nexp++];
}

static void collect(struct run *run, size_t i, int status)
{
	struct case_result *r = &run->res[i];
	const struct scn_case *c = &run->cases[i];
	char sub[SCN_NAME_MAX + 8], path[4096 + 300], err[256];

	case_dirname(c, i, sub, sizeof sub);
	snprintf(path, sizeof path, "%s/%s/result.txt", run->dir, sub);
	FILE *f = fopen(path, "re");
	char text[16384];
	size_t len = f ? fread(text, 1, sizeof text, f) : 0;
	if (f)
		fclose(f);
	if (!f || caseres_parse(text, len, r, err, sizeof err) != 0) {
		caseres_init(r);
		snprintf(r->name, sizeof r->name, "%s", c->name);
		snprintf(r->error, sizeof r->error, "the case process ended "
		         "(status %d) without a readable result.txt", status);
	}
	const char *shortname = strchr(r->name, ':') ? strchr(r->name, ':') + 1 : r->name;
	const struct expect *x = expect_for(run, r->libc);
	const struct expect_entry *e = x ? expect_find(x, shortname) : NULL;
	if (e) {
		r->expected = e->v;
		snprintf(r->expected_why, sizeof r->expected_why, "%s", e->why);
	}
	run->done++;
	if (!run->o->quiet) {
		char v[32];
		if (r->error[0])
			snprintf(v, sizeof v, "ERROR");
		else if (r->vd.v == V_LATE)
			snprintf(v, sizeof v, "LATE %u", r->vd.late_by);
		else
			snprintf(v, sizeof v, "%s", verdict_name(r->vd.v));
		fprintf(stderr, "[%zu/%zu] %s ... %s (%.2f s)%s%s\n", run->done, run->n,
		        r->name, v, r->t_end - r->t_start,
		        r->error[0] ? ": " : "", r->error);
	}
}

static void write_summary(FILE *f, const void *arg);

struct summary_arg {
	struct run_info ri;
	const struct case_result *r;
	size_t n;
	void (*fn)(FILE *, const struct run_info *, const struct case_result *, size_t);
};

static void write_summary(FILE *f, const void *arg)
{
	const struct summary_arg *s = arg;
	s->fn(f, &s->ri, s->r, s->n);
}

static void write_reports(struct run *run, bool interrupted)
{
	struct utsname u;
	char host[512] = "", path[4200];
	if (uname(&u) == 0)
		snprintf(host, sizeof host, "%s %s %s", u.sysname, u.release, u.machine);
	/* Only cases that ran go in the reports, in matrix order. */
	struct case_result *ran = calloc(run->n ? run->n : 1, sizeof *ran);
	size_t k = 0;
	for (size_t i = 0; ran && i < run->n; i++)
		if (run->res[i].name[0])
			ran[k++] = run->res[i];
	struct summary_arg s = { { run->id, host, interrupted, run->n }, ran, k, NULL };
	static const struct { const char *file; void (*fn)(FILE *, const struct run_info *,
	                      const struct case_result *, size_t); } out[] = {
		{ "summary.json", report_json }, { "summary.md", report_md },
		{ "results.tap", report_tap }, { "junit.xml", report_junit },
	};
	for (size_t i = 0; ran && i < sizeof out / sizeof out[0]; i++) {
		s.fn = out[i].fn;
		snprintf(path, sizeof path, "%s/%s", run->dir, out[i].file);
		if (write_text(path, write_summary, &s) != 0)
			fprintf(stderr, "whichns: cannot write %s: %s\n", path, strerror(errno));
	}
	if (ran && k > 0) {
		report_table(stdout, ran, k);
		fputc('\n', stdout);
		report_grid(stdout, ran, k);
	}
	free(ran);
}

static int make_run_dir(struct run *run)
{
	char latest[4200];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int n = (int)strftime(run->id, sizeof run->id, "%Y%m%d-%H%M%S", &tm);
	snprintf(run->id + n, sizeof run->id - (size_t)n, "-%d", (int)getpid());
	if (mkdir(run->o->results, 0755) != 0 && errno != EEXIST)
		return -1;
	snprintf(run->dir, sizeof run->dir, "%s/%s", run->o->results, run->id);
	if (mkdir(run->dir, 0755) != 0)
		return -1;
	/* results/latest: replaced atomically, so a reader never sees none. */
	char tmp[4300];
	snprintf(latest, sizeof latest, "%s/latest", run->o->results);
	snprintf(tmp, sizeof tmp, "%s.%d", latest, (int)getpid());
	if (symlink(run->id, tmp) == 0 && rename(tmp, latest) != 0)
		unlink(tmp);
	return 0;
}

int runner_run(const struct run_opts *o, const struct scn_case *cases, size_t n)
{
	struct run run = { .o = o, .cases = cases, .n = n };
	struct slot *slots = calloc(o->jobs, sizeof *slots);
	run.res = calloc(n ? n : 1, sizeof *run.res);
	if (!slots || !run.res) {
		fprintf(stderr, "whichns: out of memory\n");
		return EXIT_ENV;
	}
	if (make_run_dir(&run) != 0) {
		fprintf(stderr, "whichns: cannot create %s: %s\n", run.dir[0] ? run.dir
		        : o->results, strerror(errno));
		return EXIT_ENV;
	}
	if (!o->quiet)
		fprintf(stderr, "whichns: %zu case%s, %u at a time, evidence in %s\n",
		        n, n == 1 ? "" : "s", o->jobs, run.dir);

	struct sigaction sa = { .sa_handler = on_stop };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	size_t next = 0, running = 0;
	bool signalled = false;
	while (next < n || running > 0) {
		while (!stop_requested && next < n && running < o->jobs) {
			size_t s;
			for (s = 0; slots[s].pid; s++)
				;
			pid_t pid = fork();
			if (pid < 0) {
				fprintf(stderr, "whichns: fork: %s\n", strerror(errno));
				stop_requested = 1;
				break;
			}
			if (pid == 0)
				case_child(&run, next);
			setpgid(pid, pid);  /* both sides: no race with Ctrl-C */
			slots[s].pid = pid;
			slots[s].idx = next++;
			running++;
		}
		if (running == 0)
			break;
		if (stop_requested && !signalled) {
			for (unsigned s = 0; s < o->jobs; s++)
				if (slots[s].pid)
					kill(slots[s].pid, SIGTERM);
			signalled = true;
		}
		int st;
		pid_t pid = wait(&st);
		if (pid < 0)
			continue;
		for (unsigned s = 0; s < o->jobs; s++)
			if (slots[s].pid == pid) {
				collect(&run, slots[s].idx, st);
				slots[s].pid = 0;
				running--;
			}
	}
	bool interrupted = stop_requested || run.done < n;
	write_reports(&run, interrupted);

	size_t differs = 0, errors = 0;
	for (size_t i = 0; i < n; i++) {
		const struct case_result *r = &run.res[i];
		if (!r->name[0])
			continue;
		if (r->error[0] || !r->complete)
			errors++;
		else if (!caseres_matches(r) || (o->strict && r->expected == V_NONE))
			differs++;
	}
	fprintf(stderr, "whichns: %zu of %zu cases ran; %zu differ from their "
	        "expectation, %zu could not run. Evidence: %s/summary.md\n",
	        run.done, n, differs, errors, run.dir);
	for (size_t i = 0; i < run.nexp; i++)
		expect_free(&run.exp[i]);
	free(run.exp);
	free(run.res);
	free(slots);
	if (interrupted)
		return EXIT_INTERRUPTED;
	return differs || errors ? EXIT_DIFFERS : EXIT_OK;
}
