/* jobspec.c - a job made into a case_spec in its case process; see jobspec.h. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "cleanup.h"
#include "dns.h"
#include "jobspec.h"

/* The command's environment (lib/envpolicy.h) from ours, which is the
 * caller's, and what the record says of it. */
static void command_env(struct jobspec *js, const struct job *j,
                        struct case_result *r)
{
	const char *run = getenv(CLEANUP_MARK);
	snprintf(js->mark, sizeof js->mark, "%s=%s", CLEANUP_MARK, run ? run : "");
	envpolicy_build(&j->env, environ, js->mark, &js->cmdenv);
	snprintf(r->env_policy, sizeof r->env_policy, "%s",
	         envpolicy_mode_name(j->env.mode));
	snprintf(r->env_removed, sizeof r->env_removed, "%s", js->cmdenv.removed);
	r->env_dropped = (unsigned)js->cmdenv.dropped;
	envpolicy_set_text(&j->env, r->env_set, sizeof r->env_set);
}

int jobspec_servers(struct serverset *set, const struct job *j, char *err,
                    size_t errsize)
{
	if (!j->conf_old)
		serverset_default(set);
	else if (serverset_from_texts(set, j->conf_old, strlen(j->conf_old),
	                              "resolv.conf before", j->conf_new,
	                              strlen(j->conf_new), "resolv.conf after",
	                              err, errsize) != 0)
		return -1;
	for (size_t i = 0; i < j->nstate; i++)
		if (serverset_set_state(set, j->state[i], err, errsize) != 0)
			return -1;
	return 0;
}

/* The job's resolved stub: its words (checked when the job was made) and
 * its tree in the cache (stub.c says when it is not built). */
static int job_stub(struct jobspec *js, const struct job *j,
                    const struct libc_paths *lp, struct case_result *r)
{
	char name[64];
	if (!j->stub)
		return 0;
	if (stubspec_parse(j->stub, &js->stub, r->error, sizeof r->error) != 0 ||
	    stubspec_tree_name(&js->stub, name, sizeof name) < 0)
		return -1;
	snprintf(js->stub_tree, sizeof js->stub_tree, "%s/rootfs/%s", lp->cache,
	         name);
	js->spec.stub = &js->stub;
	js->spec.stub_tree = js->stub_tree;
	return 0;
}

int jobspec_make(struct jobspec *js, const struct job *j,
                 const struct libc_paths *lp, const char *fixtures,
                 const char *rundir, struct case_result *r)
{
	struct libc_env *env = &js->env;

	snprintf(js->casedir, sizeof js->casedir, "%s/%s", rundir, j->dir);
	job_identity(j, r);
	if (libc_resolve(lp, j->libc, j->kind == JOB_PROBE, j->nscd, env,
	                 r->error, sizeof r->error) != 0)
		return -1;
	job_command(j, env->root, env->probes, &js->cmd);
	command_env(js, j, r);
	snprintf(r->command, sizeof r->command, "%s", js->cmd.command);
	js->spec = (struct case_spec){
		.kept_netns = -1, .kept_capture = -1,
		.argv = js->cmd.argv, .root = env->root,
		/* A root filesystem sees our probes only when they are bound in. */
		.bind_probes = j->kind == JOB_PROBE ? env->probes : NULL,
		.fixtures = fixtures, .casedir = js->casedir, .options = j->options,
		.any_name = job_any_name(j), .interval_ms = j->interval_ms,
		.window_ms = j->window_ms, .before = j->before,
		.switch_after_ms = j->switch_after_ms, .timeout_ms = j->timeout_ms,
		.switch_at_ms = j->switch_at_ms,
		.trigger = js->cmd.trigger, .trigger_ms = j->trigger_ms,
		.fresh = js->cmd.fresh, .fresh_ms = j->fresh_ms,
		.nscd = j->nscd ? env->nscd : NULL,
		.nscd_nocheck = j->nscd_nocheck,
		.keep_secrets = j->keep_secrets,
		.env = js->cmdenv.env, .env_dropped = js->cmdenv.dropped,
	};
	js->spec.servers = &js->servers;
	js->spec.conf_old = j->conf_old;
	js->spec.conf_new = j->conf_new;
	if (jobspec_servers(&js->servers, j, r->error, sizeof r->error) != 0 ||
	    job_stub(js, j, lp, r) != 0)
		return -1;
	if (view_method_parse(j->update, &js->spec.update) != 0) {
		snprintf(r->error, sizeof r->error, "unknown update method %s", j->update);
		return -1;
	}
	if (j->only[0] && dns_type_parse(j->only, &js->spec.only_qtype) != 0) {
		snprintf(r->error, sizeof r->error, "unknown query type '%s'", j->only);
		return -1;
	}
	return 0;
}
