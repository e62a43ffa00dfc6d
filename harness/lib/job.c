/*
 * job.c - a case to run, from a scenario case or exec's options; see
 * job.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "evidence.h"
#include "job.h"

/* argv holds char *, as execve() takes it; nothing writes through it. */
static char *words_of(const char *s)
{
	return (char *)(uintptr_t)s;
}

/* "NNN-name", '/' and ':' made '_': one folder per case, in matrix order. */
static void dir_name(char *buf, size_t size, unsigned seq, const char *name)
{
	int n = snprintf(buf, size, "%03u-", seq + 1);
	for (const char *p = name; *p && (size_t)n + 1 < size; p++)
		buf[n++] = *p == '/' || *p == ':' ? '_' : *p;
	buf[n] = '\0';
}

void job_from_scenario(struct job *j, const struct scn_case *c,
                       const char *rerun_head, const char *rerun_tail)
{
	memset(j, 0, sizeof *j);
	j->name = c->name;
	j->group = c->group;
	j->probe = c->probe;
	j->update = c->update;
	j->options = c->options;
	j->libc = c->libc;
	j->nscd_nocheck = strcmp(c->cache, "nscd-nocheck") == 0;
	j->nscd = j->nscd_nocheck || strcmp(c->cache, "nscd") == 0;
	j->only = c->only;
	j->why = c->why;
	dir_name(j->dir, sizeof j->dir, c->seq, c->name);
	j->kind = c->exec[0] ? JOB_SHELL : JOB_PROBE;
	j->qname = c->qname;
	if (c->exec[0]) {   /* triggers and a fresh process go with a command */
		j->shell = c->exec;
		j->trigger = c->trigger[0] ? c->trigger : NULL;
		j->fresh = c->fresh[0] ? c->fresh : NULL;
	}
	j->trigger_ms = c->trigger_ms;
	j->fresh_ms = c->fresh_ms;
	j->interval_ms = c->interval_ms;
	j->before = c->before;
	j->switch_after_ms = c->switch_after_ms;
	j->window_ms = c->window_ms;
	j->timeout_ms = c->timeout_ms;
	j->keep_secrets = c->secrets_shown;
	j->env.mode = c->env_kept ? ENV_KEEP : ENV_CLEAN;
	for (unsigned i = 0; i < c->nenv && i < SCN_ENV_MAX; i++)
		envpolicy_add(&j->env, c->env[i]);
	if (c->conf[0][0]) {
		j->conf_old = c->conf[0];
		j->conf_new = c->conf[1];
	}
	for (size_t i = 0; i < c->nstate && i < SS_MAX; i++)
		j->state[j->nstate++] = c->state[i];
	j->expected = V_NONE;

	/* Exactly this case: its libc, its whole name, the same files. */
	char quoted[2 * SCN_NAME_MAX + 8];
	char *name_argv[] = { words_of(c->name), NULL };
	evidence_shell_quote(quoted, sizeof quoted, name_argv);
	snprintf(j->rerun, sizeof j->rerun, "%s --libc %s -f =%s %s",
	         rerun_head ? rerun_head : "whichns run", c->libc, quoted,
	         rerun_tail ? rerun_tail : "");
}

void job_exec_defaults(struct job *j)
{
	memset(j, 0, sizeof *j);
	j->name = "exec";
	j->group = "exec";
	j->probe = "";
	j->update = "inplace";
	j->options = "default";
	j->libc = "host";
	j->only = "";
	j->why = "";
	snprintf(j->dir, sizeof j->dir, "001-exec");
	j->kind = JOB_ARGV;
	j->qname = "";
	j->trigger_ms = 1000;
	j->fresh_ms = 5000;
	j->before = 3;
	j->switch_after_ms = 2000;
	j->window_ms = 5000;
	j->timeout_ms = 30000;
	j->env.mode = ENV_KEEP;
	j->expected = V_NONE;
}

/* words[i], an --env value (after "--env", or "--env=...") whose name
 * looks like a secret (envpolicy_secret), as the rerun line writes it:
 * NAME="${NAME:?}", taken from the shell that runs the line, never the
 * value.  1 with it in buf, else 0. */
static int secret_env_word(char *const *words, size_t i, char *buf, size_t size)
{
	const char *w = words[i], *pre = "";
	if (strncmp(w, "--env=", 6) == 0) {
		w += 6;
		pre = "--env=";
	} else if (i == 0 || strcmp(words[i - 1], "--env") != 0) {
		return 0;
	}
	char why[160];
	size_t k = strcspn(w, "=");
	if (envpolicy_assign_valid(w, why, sizeof why) != 0 || !envpolicy_secret(w, k))
		return 0;
	snprintf(buf, size, "%s%.*s=\"${%.*s:?}\"", pre, (int)k, w, (int)k, w);
	return 1;
}

void job_exec_command(struct job *j, char *const *argv, char *const *words)
{
	j->argv = argv;
	j->probe = argv[0];
	size_t n = 0;
	int k = snprintf(j->rerun, sizeof j->rerun, "whichns");
	n = k > 0 ? (size_t)k : 0;
	bool opts = true;   /* before "--": exec's own options */
	for (size_t i = 0; words[i] && n + 1 < sizeof j->rerun; i++) {
		char word[1024 + 8];
		opts = opts && strcmp(words[i], "--") != 0;
		if (!(opts && secret_env_word(words, i, word, sizeof word))) {
			char *one[] = { words[i], NULL };
			evidence_shell_quote(word, sizeof word, one);
		}
		k = snprintf(j->rerun + n, sizeof j->rerun - n, " %s", word);
		if (k < 0 || (size_t)k >= sizeof j->rerun - n || !word[0]) {
			j->rerun[n] = '\0';   /* whole words only */
			break;
		}
		n += (size_t)k;
	}
}

bool job_any_name(const struct job *j)
{
	return j->kind != JOB_PROBE;
}

void job_identity(const struct job *j, struct case_result *r)
{
	snprintf(r->name, sizeof r->name, "%s", j->name);
	snprintf(r->group, sizeof r->group, "%s", j->group);
	snprintf(r->probe, sizeof r->probe, "%s", j->probe);
	snprintf(r->update, sizeof r->update, "%s", j->update);
	snprintf(r->options, sizeof r->options, "%s", j->options);
	snprintf(r->cache, sizeof r->cache, "%s",
	         j->nscd_nocheck ? "nscd-nocheck" : j->nscd ? "nscd" : "none");
	snprintf(r->libc_axis, sizeof r->libc_axis, "%s", j->libc);
	snprintf(r->dir, sizeof r->dir, "%s", j->dir);
	snprintf(r->pcap, sizeof r->pcap, "%s/capture.pcap", j->dir);
	snprintf(r->why, sizeof r->why, "%s", j->why);
	snprintf(r->only, sizeof r->only, "%s", j->only);
}

/* "/bin/sh -c LINE" in argv[4]. */
static void shell_argv(char *argv[4], const char *line)
{
	argv[0] = words_of("/bin/sh");
	argv[1] = words_of("-c");
	argv[2] = words_of(line);
	argv[3] = NULL;
}

void job_command(const struct job *j, const char *root, const char *probes,
                 struct job_cmd *cmd)
{
	/* How a root filesystem's case is written down: what runs, in it. */
	char in[PATH_MAX + 16] = "";
	if (root[0])
		snprintf(in, sizeof in, "chroot %s ", root);
	memset(cmd, 0, sizeof *cmd);
	if (j->trigger) {
		shell_argv(cmd->trigger_words, j->trigger);
		cmd->trigger = cmd->trigger_words;
	}
	if (j->fresh) {
		shell_argv(cmd->fresh_words, j->fresh);
		cmd->fresh = cmd->fresh_words;
	}
	cmd->argv = cmd->words;
	switch (j->kind) {
	case JOB_PROBE:
		snprintf(cmd->path, sizeof cmd->path, "%s/%s",
		         root[0] ? JOB_PROBES_IN_ROOT : probes, j->probe);
		snprintf(cmd->interval, sizeof cmd->interval, "%u", j->interval_ms);
		cmd->words[0] = cmd->path;
		cmd->words[1] = words_of("-i");
		cmd->words[2] = cmd->interval;
		cmd->words[3] = words_of(j->qname);
		cmd->words[4] = NULL;
		snprintf(cmd->command, sizeof cmd->command, "%s%s -i %s %s", in,
		         cmd->path, cmd->interval, j->qname);
		break;
	case JOB_SHELL:
		shell_argv(cmd->words, j->shell);
		snprintf(cmd->command, sizeof cmd->command, "%s%s", in, j->shell);
		break;
	case JOB_ARGV:   /* written as given: the command line that was typed */
		cmd->argv = j->argv;
		evidence_shell_quote(cmd->command, sizeof cmd->command, j->argv);
		break;
	}
}
