/*
 * cmd_run.c - whichns run: the cases of scenario files.
 *
 * Reads every scenario, expands, filters and shards it before anything
 * runs, so a typo costs nothing; then each case becomes a job (job.c),
 * the same kind exec makes, and the runner runs them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "evidence.h"
#include "exitcodes.h"
#include "libcs.h"
#include "preflight.h"
#include "runner.h"
#include "runrec.h"
#include "scenario.h"

#define usage_error(...) cli_usage_error(whichns_usage, __VA_ARGS__)
#define FILTERS_MAX 16

struct run_args {
	struct run_opts o;
	const char *filters[FILTERS_MAX], *libc, *fixtures;
	size_t      nfilters;
	unsigned    shard_k, shard_n;
	bool        check_only;
	char      **files;         /* the scenario files */
	int         nfiles;
};

/* A case mostly waits (on its process's lookups and the window): four
 * per CPU keep the CPUs busy.  Measured on two CPUs (make bench, the
 * 60-case matrix): 8.1 cases/s at 2 per CPU, 10.5 at 4, 10.2 at 6, 9.6
 * at 8; the verdicts do not depend on it (the probes announce their
 * pauses, doc/design.md, "The switch"), only the time. */
static unsigned default_jobs(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	return ncpu > 0 ? (unsigned)(ncpu * 4 < 32 ? ncpu * 4 : 32) : 4;
}

/* 0, -1 after --help (exit 0), or an exit status (said). */
static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ "shard", required_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
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
	int c;
	char *end;
	long j;

	a->o.jobs = default_jobs();
	a->o.prefix = "";
	a->o.latest = "latest";
	a->shard_k = a->shard_n = 1;
	while ((c = getopt_long(argc, argv, "+j:f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 256)
				return usage_error("bad --jobs '%s': expected 1 to 256", optarg);
			a->o.jobs = (unsigned)j;
			break;
		case 'f':
			if (a->nfilters == FILTERS_MAX)
				return usage_error("at most %d --filter options", FILTERS_MAX);
			a->filters[a->nfilters++] = optarg;
			break;
		case 'S':
			if (scn_parse_shard(optarg, &a->shard_k, &a->shard_n) != 0)
				return usage_error("bad --shard '%s': expected K/N with "
				                   "1 <= K <= N", optarg);
			break;
		case 's': a->o.strict = true; break;
		case 'q': a->o.quiet = true; break;
		case 'J': a->o.json = true; break;
		case 'c': a->check_only = true; break;
		case 'P': a->o.libc.probes_host = optarg; break;
		case 'L': a->libc = optarg; break;
		case 'C': a->o.libc.cache = optarg; break;
		case 'F': a->fixtures = optarg; break;
		case 'R': a->o.results = optarg; break;
		case 'E': a->o.expected = optarg; break;
		case 'h':
			fputs(whichns_usage, stdout);
			fputs(whichns_help, stdout);
			return -1;
		default:  fputs(whichns_usage, stderr); return EXIT_USAGE;
		}
	}
	static char labels[1024];   /* --libc with each PATH made its label */
	if (a->libc && !(a->libc = libc_list_labels(a->libc, labels, sizeof labels)))
		return EXIT_USAGE;   /* said */
	if (optind >= argc)
		return usage_error("run needs at least one scenario file");
	a->files = argv + optind;
	a->nfiles = argc - optind;
	a->o.scenarios = a->files;
	a->o.nscenarios = (size_t)a->nfiles;
	return 0;
}

/* A scenario's libc PATH (relative to its file's folder) is known by its
 * label, as a --libc PATH is (libcs.h).  0, or EXIT_USAGE (said). */
static int scenario_paths(struct scn_file *f, const char *file)
{
	const char *slash = strrchr(file, '/');
	for (size_t g = 0; g < f->ngroups; g++) {
		struct scn_axisvals *av = &f->groups[g].axis[SCN_LIBC];
		for (size_t i = 0; i < av->n; i++) {
			char path[PATH_MAX + SCN_WORD_MAX];
			if (!strchr(av->v[i], '/'))
				continue;
			snprintf(path, sizeof path, "%.*s%s%s", av->v[i][0] == '/' || !slash
			         ? 0 : (int)(slash - file), file,
			         av->v[i][0] == '/' || !slash ? "" : "/", av->v[i]);
			const char *label = libc_label_for(path);
			if (!label)
				return EXIT_USAGE;
			snprintf(av->v[i], sizeof av->v[i], "%s", label);
		}
	}
	return 0;
}

/* Keep c when every filter selects it; 0, or EXIT_ENV when out of memory. */
static int keep_case(const struct run_args *a, const struct scn_case *c,
                     struct scn_case **cases, size_t *n, size_t *cap)
{
	for (size_t f = 0; f < a->nfilters; f++)
		if (!scn_case_matches(c, a->filters[f]))
			return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct scn_case *nc = realloc(*cases, ncap * sizeof *nc);
		if (!nc) {
			fprintf(stderr, "whichns: out of memory\n");
			return EXIT_ENV;
		}
		*cases = nc;
		*cap = ncap;
	}
	(*cases)[(*n)++] = *c;
	return 0;
}

/* Read every scenario, expand, filter and shard: all before anything
 * runs.  *matrix: the cases before sharding; id: their identity
 * (runrec.h), so that merge tells shards of two matrices apart.
 * Returns 0 or an exit status (said). */
static int load_cases(const struct run_args *a, struct scn_case **out,
                      size_t *nout, size_t *matrix,
                      char id[static RUNREC_MATRIX_ID_LEN + 1])
{
	static struct scn_file file;
	struct scn_case *cases = NULL;
	size_t ncases = 0, cap = 0;
	unsigned seq = 0;
	int rc = 0;

	for (int i = 0; i < a->nfiles && rc == 0; i++) {
		char err[512];
		size_t len;
		char *text = cli_read_file(a->files[i], SCN_FILE_MAX, &len);
		if (!text) {
			fprintf(stderr, "whichns: cannot read %s: %s\n", a->files[i],
			        strerror(errno));
			rc = EXIT_USAGE;
			break;
		}
		rc = scn_parse(text, len, a->files[i], &file, err, sizeof err);
		free(text);
		if (rc == 0 && (rc = scenario_paths(&file, a->files[i])) != 0)
			break;
		if (rc == 0 && a->libc)
			rc = scn_override_axis(&file, SCN_LIBC, a->libc, err, sizeof err);
		if (rc != 0) {
			fprintf(stderr, "whichns: %s\n", err);
			rc = EXIT_USAGE;
			break;
		}
		for (size_t k = 0, total = scn_count(&file); k < total && rc == 0; k++) {
			struct scn_case sc;
			scn_case_at(&file, k, &sc);
			sc.seq = seq++;
			rc = keep_case(a, &sc, &cases, &ncases, &cap);
		}
	}
	if (rc != 0) {
		free(cases);
		return rc;
	}
	struct sha256 h;
	runrec_matrix_init(&h);
	for (size_t i = 0; i < ncases; i++)
		runrec_matrix_add(&h, cases[i].name);
	runrec_matrix_id(&h, id);
	/* Sharding after filtering, so shards stay even. */
	size_t kept = 0;
	for (size_t i = 0; i < ncases; i++)
		if (scn_in_shard(i, a->shard_k, a->shard_n))
			cases[kept++] = cases[i];
	*out = cases;
	*nout = kept;
	*matrix = ncases;
	return 0;
}

/* --check: the cases, named, and nothing run. */
static int list_cases(const struct scn_case *cases, size_t n)
{
	printf("%zu case%s: ", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", cases[i].name);
	printf("\n");
	return EXIT_OK;
}

/* A --libc PATH's case reruns with the path: its label names nothing
 * in another run. */
static void rerun_path(struct job *j)
{
	struct libc_source *s = libc_source_find(j->libc);
	char find[80], quoted[2 * PATH_MAX], line[JOB_RERUN_MAX];
	char *argv[] = { s ? s->path : NULL, NULL }, *at;
	snprintf(find, sizeof find, " --libc %s ", j->libc);
	if (!s || !(at = strstr(j->rerun, find)))
		return;
	evidence_shell_quote(quoted, sizeof quoted, argv);
	int n = snprintf(line, sizeof line, "%.*s --libc %s %s", (int)(at - j->rerun),
	                 j->rerun, quoted, at + strlen(find));
	if (n > 0 && (size_t)n < sizeof line)
		memcpy(j->rerun, line, (size_t)n + 1);
}

/* The jobs of the cases; their rerun lines are this command, narrowed to
 * one case.  NULL when out of memory (said). */
static struct job *make_jobs(const struct run_args *a, const char *self_dir,
                             const struct scn_case *cases, size_t n)
{
	static char head[PATH_MAX + 16], tail[4096], self[PATH_MAX + 16];
	struct job *jobs = calloc(n, sizeof *jobs);
	if (!jobs) {
		fprintf(stderr, "whichns: out of memory\n");
		return NULL;
	}
	snprintf(self, sizeof self, "%s/whichns", self_dir);
	char *head_argv[] = { self, (char *)"run", NULL };
	evidence_shell_quote(head, sizeof head, head_argv);
	evidence_shell_quote(tail, sizeof tail, a->files);
	for (size_t i = 0; i < n; i++) {
		job_from_scenario(&jobs[i], &cases[i], head, tail);
		rerun_path(&jobs[i]);
	}
	return jobs;
}

int cmd_run(int argc, char **argv)
{
	static struct preflight_paths paths;
	struct run_args a = { 0 };
	struct scn_case *cases;
	struct job *jobs = NULL;
	static char matrix_id[RUNREC_MATRIX_ID_LEN + 1];
	size_t ncases;
	int rc = parse_args(argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_cases(&a, &cases, &ncases, &a.o.matrix, matrix_id)) != 0)
		return rc;
	a.o.matrix_id = matrix_id;
	a.o.shard_k = a.shard_k;
	a.o.shard_n = a.shard_n;
	if (a.check_only) {
		rc = list_cases(cases, ncases);
	} else if (ncases == 0 && a.o.matrix > 0) {
		fprintf(stderr, "whichns: shard %u/%u of %zu cases is empty: split "
		        "them into at most %zu shards\n", a.shard_k, a.shard_n,
		        a.o.matrix, a.o.matrix);
		rc = EXIT_USAGE;
	} else if (ncases == 0) {
		fprintf(stderr, "whichns: no case matches%s\n",
		        a.nfilters ? " the filters" : "");
		rc = EXIT_USAGE;
	} else if ((rc = preflight_paths(&paths, &a.o, a.fixtures)) == 0) {
		if (!(jobs = make_jobs(&a, paths.self, cases, ncases)))
			rc = EXIT_ENV;
		else if ((rc = preflight_run(&paths, &a.o, jobs, ncases)) == 0)
			rc = runner_run(&a.o, jobs, ncases);
	}
	free(jobs);
	free(cases);
	return rc;
}
