/*
 * casefolder.c - read a finished case back and write its report; see
 * casefolder.h.
 *
 * The report is made from the folder's own files, never from what the
 * case process held in memory: what report.md shows is what anyone can
 * check in the folder beside it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "casefolder.h"
#include "cli.h"
#include "evidence.h"
#include "evtsv.h"
#include "spawn.h"
#include "target.h"
#include "timeline.h"

/* A case's events.tsv holds a line per DNS message; a case watches for
 * seconds, so this bounds it far above anything real. */
#define EVENTS_FILE_MAX (256u << 20)
#define CONF_FILE_MAX   (64u << 10)

int casefolder_finish(struct runfolder *rf, const struct job *j, int status,
                      struct case_result *r, struct wfault *f)
{
	char dir[PATH_MAX + JOB_DIR_MAX], err[PATH_MAX + 64], how[64];
	snprintf(dir, sizeof dir, "%s/%s", rf->dir, j->dir);
	if (runfolder_read_case(dir, r, err, sizeof err) != 0) {
		caseres_init(r);
		job_identity(j, r);
		spawn_describe_end(status, how, sizeof how);
		snprintf(r->error, sizeof r->error, "the case process %s without a "
		         "readable result: %s", how, err);
	}
	if (j->expected != V_NONE)
		r->expected = j->expected;
	else
		runfolder_expect(rf, r);
	/* A case that did not run to its end has no report: its folder
	 * holds what there is (summary.md links the folder). */
	if (!r->complete)
		return 0;
	return casefolder_render(dir, r, j->rerun, f);
}

static int write_report(FILE *f, const void *e)
{
	evidence_report_md(f, e);
	return 0;
}

struct picture {
	const struct case_result *r;
	const struct wn_event *ev;
	size_t nev;
};

/* Who sent the case's queries, as case.c told them for the paths:
 * nscd's address is its own in every case (the process never has it, so
 * a case without nscd has no message from it), the triggers are named
 * when a path says so. */
static void picture_senders(const struct case_result *r, struct tl_paths *tp)
{
	bool triggers = false;
	memset(tp, 0, sizeof *tp);
	for (unsigned i = 0; i < r->npaths && i < PATHS_MAX; i++)
		triggers |= r->paths[i].sender == PS_PROCESS_TRIGGERS;
	/* nscd's addresses in every case: a case without nscd has no
	 * message from them. */
	(void)paths_senders_set(&tp->senders, true, triggers,
	                        r->fresh_ran ? r->fresh_time : 0);
	tp->paths = r->paths;
	tp->npaths = r->npaths < PATHS_MAX ? r->npaths : PATHS_MAX;
	tp->more = r->paths_more;
}

/* The picture greys what the verdict does not count, by the same scope
 * as report.md's table, and says the verdict in its title; nscd's
 * queries and the paths' verdicts are drawn apart (timeline.h). */
static int write_timeline(FILE *f, const void *arg)
{
	const struct picture *p = arg;
	struct tl_scope sc;
	struct tl_paths tp;
	char title[1024];
	evidence_scope(p->r, &sc);
	evidence_picture_title(title, sizeof title, p->r);
	picture_senders(p->r, &tp);
	return timeline_svg_paths(f, p->ev, p->nev, &sc, &tp, title);
}

/* The folder's events; none (and a line on stderr) when events.tsv is
 * missing or not one whichns wrote: the report then says 0 messages,
 * while result.txt keeps the counts. */
static struct wn_event *read_events(const char *dir, size_t *n)
{
	char path[PATH_MAX + JOB_DIR_MAX + 16], err[256];
	struct wn_event *ev = NULL;
	size_t len;
	*n = 0;
	snprintf(path, sizeof path, "%s/events.tsv", dir);
	char *text = cli_read_file(path, EVENTS_FILE_MAX, &len);
	if (!text)
		fprintf(stderr, "whichns: cannot read %s: %s; its report shows no "
		        "messages\n", path, strerror(errno));
	else if (evtsv_parse(text, len, &ev, n, err, sizeof err) != 0)
		fprintf(stderr, "whichns: %s: %s; its report shows no messages\n",
		        path, err);
	free(text);
	return ev;
}

static char *read_conf(const char *dir, const char *name)
{
	char path[PATH_MAX + JOB_DIR_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return cli_read_file(path, CONF_FILE_MAX, NULL);
}

int casefolder_render(const char *dir, const struct case_result *r,
                      const char *rerun, struct wfault *f)
{
	char path[PATH_MAX + JOB_DIR_MAX + 16], kernel[300] = "";
	struct utsname u;
	size_t nev;
	struct wn_event *ev = read_events(dir, &nev);
	char *before = read_conf(dir, "resolv.conf.before"),
	     *after = read_conf(dir, "resolv.conf.after"),
	     *nsswitch = read_conf(dir, "nsswitch.conf"),
	     *environment = read_conf(dir, "env.txt");
	char tail[1024] = "";
	if (r->start_failed) {   /* could not run: how its stderr ends */
		snprintf(path, sizeof path, "%s/process.err", dir);
		target_err_tail(path, tail, sizeof tail);
	}

	if (uname(&u) == 0)
		snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release,
		         u.machine);
	struct evidence e = {
		.r = r, .rerun = rerun, .kernel = kernel,
		.rc_before = before, .rc_after = after, .nsswitch = nsswitch,
		.environment = environment, .stderr_tail = tail,
		.nscd = strncmp(r->cache, "nscd", 4) == 0,
		.ev = ev, .nev = nev, .max_rows = 400,
	};
	struct picture p = { r, ev, nev };
	snprintf(path, sizeof path, "%s/report.md", dir);
	int rc = runfolder_write(path, write_report, &e, f);
	snprintf(path, sizeof path, "%s/timeline.svg", dir);
	if (rc == 0)
		rc = runfolder_write(path, write_timeline, &p, f);
	free(before);
	free(after);
	free(nsswitch);
	free(environment);
	free(ev);
	return rc;
}
