/*
 * cmd_merge.c - whichns merge: the run folders of shards joined into one.
 *
 * A CI job matrix can split a run (--shard K/N); merge copies every case
 * folder of the shards into a new run folder (copies, not links: the
 * merged run survives the shards' folders being moved or deleted, as CI
 * artifacts are), applies the expected verdicts again and writes the
 * reports as for one run.  Each shard's run.txt says which shard of how
 * many it is, how large the matrix is and which matrix it is (matrix_id,
 * a digest of its case names): shards of two matrices are refused, even
 * of one size; a shard that is missing, was interrupted or was killed
 * leaves the merged run incomplete (exit 1), and merge says which.
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
#include "spawn.h"

/* run.txt is a few lines; anything far larger is not one. */
#define RUN_FILE_MAX (64u << 10)

#define usage_error(...) cli_usage_error(whichns_usage, __VA_ARGS__)

static int by_dir(const void *a, const void *b)
{
	const struct case_result *x = a, *y = b;
	return strcmp(x->dir, y->dir);
}

/* Copy case folder src to dst (which must not exist).  0, or -1 with
 * errno set (EEXIST: dst exists; else read from cp's message) and err
 * holding that message. */
static int copy_case(char *src, char *dst, char *err, size_t errsize)
{
	static const struct { const char *text; int errnum; } why[] = {
		{ "No space left", ENOSPC }, { "Disk quota", EDQUOT },
		{ "Read-only", EROFS }, { "Permission denied", EACCES },
	};
	/* cp's messages in English, which why[] reads. */
	char *cp[] = { "env", "LC_ALL=C", "cp", "-a", "--", src, dst, NULL };
	if (access(dst, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (spawn_run(cp, NULL, err, errsize) == 0)
		return 0;
	errno = EIO;
	for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
		if (strstr(err, why[i].text))
			errno = why[i].errnum;
	return -1;
}

/* Add the cases of one shard's run folder, copying their folders in.
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
		char casedir[PATH_MAX + 256], copy[PATH_MAX + 256], probe[PATH_MAX + 300],
		     cperr[512];
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
		snprintf(copy, sizeof copy, "%s/%s", rf->dir, e->d_name);
		if (copy_case(casedir, copy, cperr, sizeof cperr) != 0) {
			if (errno == EEXIST) {
				fprintf(stderr, "whichns: merge: %s appears in two runs: "
				        "merge the shards of one matrix only\n", e->d_name);
			} else {
				fprintf(stderr, "whichns: merge: cp: %s\n", cperr);
				runfolder_fault_set(fault, "write", copy, errno);
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

/* What merge knows of a shard from its run.txt (written last of its
 * reports). */
struct shard {
	const char *dir;
	bool have;                 /* a run.txt that parses */
	struct run_record rec;
	char cut[256];             /* why it does not hold its whole run */
};

/* Why a shard's run folder does not hold its whole run; NULL when it
 * does. */
static const char *shard_read(struct shard *sh, char *why, size_t size)
{
	char path[PATH_MAX + 16], err[200];
	size_t len;
	snprintf(path, sizeof path, "%s/run.txt", sh->dir);
	char *text = cli_read_file(path, RUN_FILE_MAX, &len);
	sh->have = false;
	if (!text)
		snprintf(why, size, "has no run.txt (its run was killed, or could "
		         "not write its reports)");
	else if (runrec_parse(text, len, &sh->rec, err, sizeof err) != 0)
		snprintf(why, size, "has a run.txt that is not one: %s", err);
	else if ((sh->have = true, !sh->rec.complete))
		snprintf(why, size, "was interrupted (its run.txt says complete no: "
		         "%llu of %llu cases ran)", sh->rec.cases, sh->rec.planned);
	else
		why = NULL;
	free(text);
	return why;
}

static void read_shards(struct shard *sh, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!shard_read(&sh[i], sh[i].cut, sizeof sh[i].cut))
			sh[i].cut[0] = '\0';
}

/* A shard that was interrupted, or that never wrote its reports (killed,
 * or its disk refused), leaves the merged run incomplete: say which. */
static bool cut_shards(const struct shard *sh, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!sh[i].cut[0])
			continue;
		fprintf(stderr, "whichns: merge: %s %s: the merged run is incomplete; "
		        "run that shard again\n", sh[i].dir, sh[i].cut);
		any = true;
	}
	return any;
}

/* A record that names its shard (whichns before this one did not). */
static bool knows_shard(const struct shard *sh)
{
	return sh->have && sh->rec.shard_n > 0;
}

/* Two shards' matrices have other cases (both named them: a record
 * written before matrices were named is not compared). */
static bool other_cases(const struct shard *a, const struct shard *b)
{
	return a->rec.matrix_id[0] && b->rec.matrix_id[0] &&
	       strcmp(a->rec.matrix_id, b->rec.matrix_id) != 0;
}

/* The shards must be slices of one matrix, each once.  0, or EXIT_USAGE
 * (said).  *matrix: its size (0: no shard said); id: its identity ("":
 * no shard said). */
static int same_matrix(const struct shard *sh, size_t n, unsigned long long *matrix,
                       char id[static RUNREC_MATRIX_ID_LEN + 1])
{
	const struct shard *first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!knows_shard(&sh[i]))
			continue;
		if (!first)
			first = &sh[i];
		if (sh[i].rec.shard_n != first->rec.shard_n ||
		    sh[i].rec.matrix != first->rec.matrix) {
			fprintf(stderr, "whichns: merge: %s is shard %u/%u of %llu cases, "
			        "%s shard %u/%u of %llu: merge the shards of one matrix "
			        "only\n", first->dir, first->rec.shard_k,
			        first->rec.shard_n, first->rec.matrix, sh[i].dir,
			        sh[i].rec.shard_k, sh[i].rec.shard_n, sh[i].rec.matrix);
			return EXIT_USAGE;
		}
		for (size_t j = 0; j < i; j++)
			if (knows_shard(&sh[j]) && other_cases(&sh[j], &sh[i])) {
				fprintf(stderr, "whichns: merge: %s is shard %u/%u of matrix "
				        "%s, %s shard %u/%u of matrix %s (other cases, or "
				        "other filters): merge the shards of one matrix "
				        "only\n", sh[j].dir, sh[j].rec.shard_k,
				        sh[j].rec.shard_n, sh[j].rec.matrix_id, sh[i].dir,
				        sh[i].rec.shard_k, sh[i].rec.shard_n,
				        sh[i].rec.matrix_id);
				return EXIT_USAGE;
			}
		for (size_t j = 0; j < i; j++)
			if (knows_shard(&sh[j]) && sh[j].rec.shard_k == sh[i].rec.shard_k) {
				fprintf(stderr, "whichns: merge: %s and %s are both shard "
				        "%u/%u: merge each shard once\n", sh[j].dir,
				        sh[i].dir, sh[i].rec.shard_k, sh[i].rec.shard_n);
				return EXIT_USAGE;
			}
	}
	*matrix = first ? first->rec.matrix : 0;
	id[0] = '\0';
	for (size_t i = 0; i < n && !id[0]; i++)
		if (knows_shard(&sh[i]))
			snprintf(id, RUNREC_MATRIX_ID_LEN + 1, "%s", sh[i].rec.matrix_id);
	return 0;
}

/* The shards of 1..N that no run.txt names, said in one line (at most
 * the first 10 numbers); true when any is missing. */
static bool missing_shards(const struct shard *sh, size_t n,
                           unsigned long long matrix)
{
	const struct shard *any = NULL;
	char list[160] = "";
	size_t len = 0, missing = 0;
	for (size_t i = 0; i < n && !any; i++)
		if (knows_shard(&sh[i]))
			any = &sh[i];
	if (!any)
		return false;
	for (unsigned k = 1; k <= any->rec.shard_n && missing < 10; k++) {
		size_t i;
		for (i = 0; i < n && !(knows_shard(&sh[i]) && sh[i].rec.shard_k == k); i++)
			;
		if (i < n)
			continue;
		missing++;
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%u/%u",
		                        len ? ", " : "", k, any->rec.shard_n);
		if (len >= sizeof list)
			len = sizeof list - 1;
	}
	if (missing)
		fprintf(stderr, "whichns: merge: shard%s %s%s of the %llu-case matrix "
		        "%s missing: the merged run is incomplete; merge the run "
		        "folder of every shard\n", missing > 1 ? "s" : "", list,
		        missing == 10 ? ", ..." : "", matrix, missing > 1 ? "are" : "is");
	return missing > 0;
}

/* A refused merge leaves nothing: its folder holds copies only. */
static void remove_merged(char *dir)
{
	char err[256];
	char *rm[] = { "rm", "-rf", "--", dir, NULL };
	if (spawn_run(rm, NULL, err, sizeof err) != 0)
		fprintf(stderr, "whichns: merge: could not remove %s: %s\n", dir, err);
}

/* The scenario files a run keeps (scenarios/, which its rerun lines
 * name) are the same in every shard of one matrix: the first shard's
 * come along.  0, or EXIT_ENV (said). */
static int keep_scenarios(struct runfolder *rf, char *const dirs[], size_t ndirs)
{
	char src[PATH_MAX + 16], dst[PATH_MAX + 16], err[512];
	snprintf(dst, sizeof dst, "%s/scenarios", rf->dir);
	for (size_t i = 0; i < ndirs; i++) {
		snprintf(src, sizeof src, "%s/scenarios", dirs[i]);
		if (!cli_is_dir(src))
			continue;
		if (copy_case(src, dst, err, sizeof err) == 0)
			return 0;
		struct wfault fault = { 0 };
		fprintf(stderr, "whichns: merge: cp: %s\n", err);
		runfolder_fault_set(&fault, "write", dst, errno);
		remove_merged(rf->dir);
		return runfolder_fault_print(&fault, "the merge stopped and wrote "
		                             "no summary");
	}
	return 0;
}

/* Every shard's cases into rf.  0, or an exit status (said). */
static int merge_cases(struct runfolder *rf, char *const dirs[], size_t ndirs,
                       struct case_result **res, size_t *n)
{
	struct wfault fault = { 0 };
	size_t cap = 0;
	for (size_t i = 0; i < ndirs; i++) {
		int rc = merge_one(rf, dirs[i], res, n, &cap, &fault);
		if (rc == 0)
			continue;
		remove_merged(rf->dir);
		if (fault.errnum)
			rc = runfolder_fault_print(&fault, "the merge stopped and "
			                           "wrote no summary");
		return rc;
	}
	qsort(*res, *n, sizeof **res, by_dir);
	return keep_scenarios(rf, dirs, ndirs);
}

static int merge(const struct run_opts *o, char *const dirs[], size_t ndirs)
{
	struct runfolder rf = { .expected_dir = o->expected };
	struct case_result *res = NULL;
	struct wfault fault = { 0 };
	unsigned long long matrix = 0;
	char matrix_id[RUNREC_MATRIX_ID_LEN + 1];
	size_t n = 0;
	int rc;

	struct shard *sh = calloc(ndirs, sizeof *sh);
	if (!sh) {
		fprintf(stderr, "whichns: out of memory\n");
		return EXIT_ENV;
	}
	for (size_t i = 0; i < ndirs; i++)
		sh[i].dir = dirs[i];
	read_shards(sh, ndirs);
	if ((rc = same_matrix(sh, ndirs, &matrix, matrix_id)) != 0)
		goto out_shards;
	if (runfolder_create(&rf, o->results, "merged-", "latest", &fault) != 0) {
		rc = runfolder_fault_print(&fault, FAULT_NOTHING_RAN);
		goto out_shards;
	}
	if ((rc = merge_cases(&rf, dirs, ndirs, &res, &n)) != 0)
		goto out;
	/* A missing or incomplete shard is cases that did not run (exit 1),
	 * never an interrupt of this merge (130). */
	bool cut = cut_shards(sh, ndirs);
	bool missing = missing_shards(sh, ndirs, matrix);
	struct finish_opts fo = {
		.planned = matrix > n ? (size_t)matrix : n,
		.incomplete = cut || missing || matrix > n, .strict = o->strict,
		.shard_k = 1, .shard_n = 1, .matrix = matrix > n ? (size_t)matrix : n,
		.matrix_id = matrix_id[0] ? matrix_id : NULL,
	};
	rc = runfolder_finish(&rf, res, n, &fo);
out:
	runfolder_free(&rf);
	free(res);
out_shards:
	free(sh);
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
