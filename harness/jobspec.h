/*
 * jobspec.h - a job made into the spec its case process runs.
 *
 * Owns: resolving a job's C library where the case runs (libc_resolve:
 * its root filesystem, its probes, its nscd), reading its update method
 * and query type, and filling the case record's identity and command.
 * Never: forks or runs anything; the runner calls it in the case process,
 * and case_run() runs the spec.
 */
#ifndef WHICHNS_JOBSPEC_H
#define WHICHNS_JOBSPEC_H

#include <limits.h>
#include "case.h"
#include "envpolicy.h"
#include "job.h"
#include "libcs.h"

struct jobspec {
	struct libc_env  env;
	struct envpolicy_out cmdenv;   /* the command's environment */
	char             mark[128];    /* CLEANUP_MARK=..., in cmdenv */
	struct job_cmd   cmd;
	char             casedir[PATH_MAX];
	struct serverset servers;  /* the job's, states set */
	struct stubspec  stub;     /* with the job's stub */
	char             stub_tree[PATH_MAX];
	struct case_spec spec;     /* points into env, cmd, casedir and the job */
};

/* The case of j in the run folder rundir, into js (zeroed: a case
 * process's static one, whose pages cost only where written): js and
 * the identity and command
 * of r (caseres_init'ed by the caller).  0, or -1 with r->error saying why
 * the case cannot run; js->casedir is set either way. */
int jobspec_make(struct jobspec *js, const struct job *j,
                 const struct libc_paths *lp, const char *fixtures,
                 const char *rundir, struct case_result *r);

/* The job's servers with their states into set (the runner's pool
 * asks too).  The texts and words were checked when the job was made
 * (scenario.c, exec's options), so -1 here, with err, is the harness's
 * error. */
int jobspec_servers(struct serverset *set, const struct job *j, char *err,
                    size_t errsize);

#endif
