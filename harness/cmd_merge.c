/*
 * cmd_merge.c - whichns merge: the run folders of shards joined into one.
 *
 * A CI job matrix can split a run (--shard K/N); merge links every case
 * folder of the shards into a new run folder, applies the expected
 * verdicts again and writes the reports as for one run.  A shard that was
 * interrupted or killed leaves the merged run incomplete, and merge says
 * which.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "exitcodes.h"
#include "preflight.h"
#include "runfolder.h"
#include "runrec.h"

/* run.txt is a few lines; anything far larger is not one. */
#define RUN_FILE_MAX (64u << 10)

#define usage_error(...) cli_usage_error(whichns_usage, __VA_ARGS__)

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

/* Why a shard's run folder does not hold its whole run, from its run.txt
 * (written last of its reports); NULL when it does. */
static const char *shard_cut(const char *dir, char *why, size_t size)
{
	char path[PATH_MAX + 16], err[200];
	struct run_record rec;
	size_t len;
	snprintf(path, sizeof path, "%s/run.txt", dir);
	char *text = cli_read_file(path, RUN_FILE_MAX, &len);
	if (!text)
		snprintf(why, size, "has no run.txt (its run was killed, or could "
		         "not write its reports)");
	else if (runrec_parse(text, len, &rec, err, sizeof err) != 0)
		snprintf(why, size, "has a run.txt that is not one: %s", err);
	else if (!rec.complete)
		snprintf(why, size, "was interrupted (its run.txt says complete no: "
		         "%llu of %llu cases ran)", rec.cases, rec.planned);
	else
		why = NULL;
	free(text);
	return why;
}

/* A shard that was interrupted, or that never wrote its reports (killed,
 * or its disk refused), leaves the merged run incomplete: say which. */
static bool incomplete_shards(char *const dirs[], size_t ndirs)
{
	bool any = false;
	for (size_t i = 0; i < ndirs; i++) {
		char buf[256];
		const char *why = shard_cut(dirs[i], buf, sizeof buf);
		if (!why)
			continue;
		fprintf(stderr, "whichns: merge: %s %s: the merged run is incomplete; "
		        "run that shard again\n", dirs[i], why);
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

static int merge(const struct run_opts *o, char *const dirs[], size_t ndirs)
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


int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "results", required_argument, NULL, 'R' },
		{ "expected", required_argument, NULL, 'E' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct preflight_paths paths;
	struct run_opts o = { 0 };
	int c, rc;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'R': o.results = optarg; break;
		case 'E': o.expected = optarg; break;
		case 's': o.strict = true; break;
		case 'h': fputs(whichns_usage, stdout); return EXIT_OK;
		default:  fputs(whichns_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("merge needs at least one run folder");
	if ((rc = preflight_paths(&paths, &o, NULL)) != 0 ||
	    (rc = preflight_results(&paths, &o)) != 0)
		return rc;
	return merge(&o, argv + optind, (size_t)(argc - optind));
}
