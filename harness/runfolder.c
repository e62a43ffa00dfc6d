/*
 * runfolder.c - the run folder and its reports.
 *
 * Reports are written to a temporary name, flushed to the disk and
 * renamed into place, so a reader (or a crash) never sees half a summary
 * presented as complete.  A write the results folder refuses (full, read
 * only, failing disk) is told in one line naming the path and errno, and
 * the run claims no summary: it has none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "report.h"
#include "runfolder.h"
#include "runrec.h"

/* result.txt and expected files are a few KB; anything far larger is not ours. */
#define RESULT_FILE_MAX (4u << 20)

void runfolder_fault_set(struct wfault *f, const char *what, const char *path,
                         int errnum)
{
	if (f->errnum)
		return;   /* the first fault is the one to tell */
	f->errnum = errnum ? errnum : EIO;
	snprintf(f->what, sizeof f->what, "%s", what);
	snprintf(f->path, sizeof f->path, "%s", path);
}

int runfolder_fault_print(const struct wfault *f, const char *outcome)
{
	const char *fix;
	switch (f->errnum) {
	case ENOSPC: case EDQUOT:
		fix = "free space there, or pass another --results folder"; break;
	case EROFS: case EACCES: case EPERM:
		fix = "pass a writable --results folder"; break;
	case EIO:
		fix = "the disk failed (see dmesg); pass another --results folder"; break;
	default:
		fix = "pass another --results folder"; break;
	}
	fprintf(stderr, "whichns: cannot %s %s: %s; %s (%s)\n", f->what, f->path,
	        strerror(f->errnum), outcome, fix);
	return EXIT_ENV;
}

int runfolder_write(const char *path, int (*fn)(FILE *, const void *),
                    const void *ctx, struct wfault *f)
{
	char tmp[PATH_MAX + 80];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *fp = fopen(tmp, "we");
	if (!fp) {
		runfolder_fault_set(f, "write", path, errno);
		return -1;
	}
	/* errno of the first failing call: stdio keeps writing after one. */
	int e = 0;
	errno = 0;
	if (fn(fp, ctx) != 0 || ferror(fp) || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0)
		e = errno ? errno : EIO;
	if (fclose(fp) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (!e)
		return 0;
	unlink(tmp);
	runfolder_fault_set(f, "write", path, e);
	return -1;
}

int runfolder_create(struct runfolder *rf, const char *results,
                     const char *prefix, const char *latest, struct wfault *f)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	int n = snprintf(rf->id, sizeof rf->id, "%s", prefix);
	n += (int)strftime(rf->id + n, sizeof rf->id - (size_t)n, "%Y%m%d-%H%M%S", &tm);
	snprintf(rf->id + n, sizeof rf->id - (size_t)n, "-%d", (int)getpid());
	snprintf(rf->dir, sizeof rf->dir, "%s/%s", results, rf->id);
	if ((mkdir(results, 0755) != 0 && errno != EEXIST) || mkdir(rf->dir, 0755) != 0) {
		runfolder_fault_set(f, "create", rf->dir, errno);
		return -1;
	}
	snprintf(rf->results, sizeof rf->results, "%s", results);
	snprintf(rf->latest, sizeof rf->latest, "%s", latest);
	return 0;
}

int runfolder_read_case(const char *casedir, struct case_result *r,
                        char *err, size_t errsize)
{
	char path[PATH_MAX + 16], perr[200];
	size_t len;
	snprintf(path, sizeof path, "%s/result.txt", casedir);
	char *text = cli_read_file(path, RESULT_FILE_MAX, &len);
	if (!text) {
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = caseres_parse(text, len, r, perr, sizeof perr);
	free(text);
	if (rc != 0)
		snprintf(err, errsize, "%s: %s", path, perr);
	return rc;
}

void runfolder_expect(struct runfolder *rf, struct case_result *r)
{
	char key[64], path[PATH_MAX + 80], err[512];
	size_t i;

	if (!rf->expected_dir)
		return;
	expect_libc_key(r->libc, key, sizeof key);
	for (i = 0; i < rf->nbase && strcmp(rf->base[i].key, key) != 0; i++)
		;
	if (i == rf->nbase) {   /* first case of this libc: load its baseline */
		void *nb = realloc(rf->base, (rf->nbase + 1) * sizeof *rf->base);
		if (!nb)
			return;
		rf->base = nb;
		memset(&rf->base[i], 0, sizeof rf->base[i]);
		snprintf(rf->base[i].key, sizeof rf->base[i].key, "%s", key);
		rf->nbase++;
		size_t len;
		snprintf(path, sizeof path, "%s/%s", rf->expected_dir, key);
		char *text = cli_read_file(path, RESULT_FILE_MAX, &len);
		if (text && expect_parse(text, len, path, &rf->base[i].x, err,
		                         sizeof err) == 0)
			rf->base[i].found = true;
		else if (text)
			fprintf(stderr, "whichns: %s\n", err);
		free(text);
	}
	if (!rf->base[i].found)
		return;
	const struct expect_entry *e = expect_find(&rf->base[i].x,
	                                           caseres_bare_name(r->name));
	if (e) {
		r->expected = e->v;
		snprintf(r->expected_why, sizeof r->expected_why, "%s", e->why);
	}
}

const char *runfolder_expect_source(const struct runfolder *rf,
                                    const struct case_result *r)
{
	char key[64];
	expect_libc_key(r->libc, key, sizeof key);
	for (size_t i = 0; i < rf->nbase; i++)
		if (rf->base[i].found && strcmp(rf->base[i].key, key) == 0 &&
		    expect_find(&rf->base[i].x, caseres_bare_name(r->name)))
			return rf->base[i].x.source;
	return "--expect on the command line";
}

typedef void (*report_fn)(FILE *, const struct run_info *,
                          const struct case_result *, size_t);

struct report_job {
	report_fn fn;
	const struct run_info *ri;
	const struct case_result *r;
	size_t n;
};

static int write_one_report(FILE *f, const void *arg)
{
	const struct report_job *j = arg;
	j->fn(f, j->ri, j->r, j->n);
	return 0;
}

/* A differing verdict as a diff against the line it was expected by. */
static void print_diff(const struct runfolder *rf, const struct case_result *r,
                       bool first)
{
	char v[32], measured[PATH_MAX + 64];
	const char *name = caseres_bare_name(r->name);
	if (first)
		fprintf(stderr, "whichns: measured verdicts that differ from the "
		        "expected ones:\n");
	snprintf(measured, sizeof measured, "%s/%s", rf->dir,
	         r->pcap[0] ? r->pcap : r->dir);
	expect_diff(stderr, runfolder_expect_source(rf, r), measured, name,
	            r->expected, report_verdict_text(r, v, sizeof v), r->vd.reason);
}

int runfolder_link_latest(struct runfolder *rf, struct wfault *f)
{
	char latest[PATH_MAX + 16], tmp[PATH_MAX + 32];
	snprintf(latest, sizeof latest, "%s/%s", rf->results, rf->latest);
	snprintf(tmp, sizeof tmp, "%s.%d", latest, (int)getpid());
	if (symlink(rf->id, tmp) == 0 && rename(tmp, latest) == 0)
		return 0;
	runfolder_fault_set(f, "write", latest, errno);
	unlink(tmp);
	return -1;
}

/* run.txt comes last: a run folder with one has every report. */
static const struct { const char *name; report_fn fn; } reports[] = {
	{ "summary.json", report_json }, { "summary.md", report_md },
	{ "results.tap", report_tap }, { "junit.xml", report_junit },
	{ "run.txt", runrec_report },
};
#define NREPORTS (sizeof reports / sizeof reports[0])

/* Every report, or none: a half set would pass for a finished run.
 * results/latest moves only to a folder with its reports written, and
 * atomically: never missing, never half.  0, or -1 with f set. */
static int write_reports(struct runfolder *rf, const struct run_info *ri,
                         const struct case_result *r, size_t n,
                         struct wfault *f)
{
	char path[PATH_MAX + 32];
	size_t i;
	for (i = 0; i < NREPORTS; i++) {
		struct report_job j = { reports[i].fn, ri, r, n };
		snprintf(path, sizeof path, "%s/%s", rf->dir, reports[i].name);
		if (runfolder_write(path, write_one_report, &j, f) != 0)
			goto undo;
	}
	if (runfolder_link_latest(rf, f) == 0)
		return 0;
undo:
	while (i-- > 0) {
		snprintf(path, sizeof path, "%s/%s", rf->dir, reports[i].name);
		unlink(path);
	}
	return -1;
}

/* How many cases of each kind; the line that closes a run says them. */
struct tally { size_t differs, errors, unrun, unsure, unclassified; };

static void tally_cases(const struct runfolder *rf, const struct case_result *r,
                        size_t n, struct tally *t)
{
	for (size_t i = 0; i < n; i++) {
		const char *o = report_outcome(&r[i]);
		if (strcmp(o, "ERROR") == 0 && r[i].start_failed)
			t->unrun++;          /* the command could not start or run */
		else if (strcmp(o, "ERROR") == 0)
			t->errors++;         /* the harness failed: a server, the capture */
		else if (strcmp(o, "DIFFERS") == 0)
			print_diff(rf, &r[i], t->differs++ == 0);
		else if (strcmp(o, "INCONCLUSIVE") == 0)
			t->unsure++;
		else if (strcmp(o, "ok") == 0 && r[i].expected == V_NONE)
			t->unclassified++;
		if (strcmp(o, "INCONCLUSIVE") == 0)
			fprintf(stderr, "whichns: %s is INCONCLUSIVE: %s\n", r[i].name,
			        r[i].vd.reason);
	}
}

/* A C library without a baseline file (a root of a distribution the
 * project has never run: glibc 2.17) runs unclassified: said once per
 * library, with the command that writes its baseline for review.  A file
 * that is there but did not parse has had its own line already. */
static void tell_no_baseline(const struct runfolder *rf,
                             const struct case_result *r, size_t n)
{
	char key[64], path[PATH_MAX + 80];
	for (size_t b = 0; b < rf->nbase; b++) {
		size_t count = 0, first = 0;
		if (rf->base[b].found || !rf->base[b].key[0])
			continue;
		snprintf(path, sizeof path, "%s/%s", rf->expected_dir, rf->base[b].key);
		if (access(path, F_OK) == 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			expect_libc_key(r[i].libc, key, sizeof key);
			if (strcmp(key, rf->base[b].key) == 0 && r[i].expected == V_NONE &&
			    strcmp(report_outcome(&r[i]), "ok") == 0 && count++ == 0)
				first = i;
		}
		if (count)
			fprintf(stderr, "whichns: no expected verdicts for %s (%s): its %zu "
			        "case%s unclassified; review the run and write them with "
			        "scripts/baseline.sh %s /dev/null %s > %s\n", r[first].libc,
			        path, count, count == 1 ? " is" : "s are", rf->dir,
			        r[first].libc_axis, path);
	}
}

int runfolder_finish(struct runfolder *rf, const struct case_result *r,
                     size_t n, const struct finish_opts *fo)
{
	struct utsname u;
	char host[400] = "";
	struct tally t = { 0 };
	struct wfault fault = { 0 };

	if (uname(&u) == 0)
		snprintf(host, sizeof host, "%s %s %s", u.sysname, u.release, u.machine);
	struct run_info ri = {
		.run = rf->id, .host = host,
		.interrupted = fo->incomplete || fo->interrupted,
		.planned = fo->planned, .strict = fo->strict,
		.need_expected = fo->strict && rf->expected_dir != NULL,
		.shard_k = fo->shard_k ? fo->shard_k : 1,
		.shard_n = fo->shard_n ? fo->shard_n : 1,
		.matrix = fo->matrix ? fo->matrix : fo->planned,
		.matrix_id = fo->matrix_id,
	};
	int bad_write = write_reports(rf, &ri, r, n, &fault);
	if (n > 0 && !fo->json) {
		report_table(stdout, r, n);
		if (n > 1) {
			fputc('\n', stdout);
			report_grid(stdout, r, n);
		}
		fflush(stdout);
	}
	tally_cases(rf, r, n, &t);
	if (bad_write)   /* the last word: no summary.md to point at */
		return runfolder_fault_print(&fault, "the table above is all "
		                             "there is: no summary was written");
	tell_no_baseline(rf, r, n);
	fprintf(stderr, "whichns: %zu of %zu case%s finished; %zu differ from their "
	        "expectation, %zu inconclusive, %zu unclassified, %zu could not "
	        "run, %zu failed in the harness. Evidence: %s/summary.md\n", n,
	        fo->planned, fo->planned == 1 ? "" : "s", t.differs, t.unsure,
	        t.unclassified, t.unrun, t.errors, rf->dir);
	if (fo->interrupted)
		return EXIT_INTERRUPTED;
	if (t.differs || t.errors || t.unrun || fo->incomplete ||
	    (ri.need_expected && t.unclassified) || (fo->strict && t.unsure))
		return EXIT_DIFFERS;
	return t.unsure ? EXIT_INCONCLUSIVE : EXIT_OK;
}

void runfolder_free(struct runfolder *rf)
{
	for (size_t i = 0; i < rf->nbase; i++)
		if (rf->base[i].found)
			expect_free(&rf->base[i].x);
	free(rf->base);
	rf->base = NULL;
	rf->nbase = 0;
}
