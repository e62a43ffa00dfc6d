/*
 * job.h - one case to run, whichever command asked for it: a case of a
 * scenario file (whichns run) or exec's options (whichns exec).
 *
 * Owns: what a case is called and where its folder goes, what it runs (a
 * probe, a shell command, or a command as given) and with which timing,
 * its identity in the case record, and the command line that runs it
 * again.  Both commands build their cases here, so a case of either is
 * described, recorded and run the same way.
 * Never: looks at the system (which C library, where the probes are,
 * whether nscd exists): the case process resolves that (jobspec.c), and
 * job_command() is handed what it found.
 */
#ifndef WHICHNS_JOB_H
#define WHICHNS_JOB_H

#include <limits.h>
#include <stdbool.h>
#include "caseres.h"
#include "envpolicy.h"
#include "scenario.h"
#include "serverset.h"
#include "verdict.h"

#define JOB_RERUN_MAX 4096
#define JOB_DIR_MAX   (SCN_NAME_MAX + 8)
/* Where a case in a root filesystem sees the probes built for it: the
 * case binds their host folder there (view_bind_dir, "probes"). */
#define JOB_PROBES_IN_ROOT "/run/whichns/probes"

enum job_kind {
	JOB_PROBE,   /* one of our probes: PROBE -i INTERVAL QNAME */
	JOB_SHELL,   /* a scenario group's exec line, run by /bin/sh -c */
	JOB_ARGV,    /* a command as given (whichns exec) */
};

/* The strings are not copied: they stay the scenario case's or the
 * command line's, which outlive the job. */
struct job {
	/* Identity: the case record's fields of the same names. */
	const char *name, *group, *probe, *update, *options, *libc;
	bool        nscd;          /* run nscd in the case (cache "nscd...") */
	bool        nscd_nocheck;  /* ...with "check-files hosts no" */
	const char *stub;          /* NULL, or "resolved[:SUITE][/HOW]": the
	                            * process asks systemd-resolved (stubspec.h) */
	const char *only;          /* "" or the query type the verdict counts */
	const char *why;           /* "" or the scenario's sentence */
	char        dir[JOB_DIR_MAX];   /* its folder in the run folder */
	/* What runs. */
	enum job_kind kind;
	const char *qname;         /* JOB_PROBE: the name it looks up */
	const char *shell;         /* JOB_SHELL: the command line */
	char *const *argv;         /* JOB_ARGV: the command */
	const char *trigger, *fresh;   /* NULL or shell command lines */
	unsigned    trigger_ms, fresh_ms;
	/* When to switch and how long to watch (doc/design.md, "The switch"). */
	unsigned    interval_ms;   /* how often it looks up; 0: unknown */
	unsigned    before, switch_after_ms, switch_at_ms, window_ms, timeout_ms;
	bool        keep_secrets;  /* show /etc/shadow and host keys unmasked */
	struct envpolicy env;      /* the command's environment: clean for a
	                            * scenario (unless "environment kept"),
	                            * kept for exec; set[] points into the
	                            * scenario case or the command line */
	/* The servers (serverset.h): the whole resolv.conf texts before
	 * and after the switch, NULL for the default pair; and the states
	 * after the switch, "ADDR=STATE" each. */
	const char *conf_old, *conf_new;
	const char *state[SS_MAX];
	size_t      nstate;
	enum verdict expected;     /* given with the job (--expect); V_NONE:
	                            * the baseline's, if any */
	char        rerun[JOB_RERUN_MAX];   /* the whichns command for it alone */
};

/* Case c of a scenario.  rerun_head is "whichns run" and rerun_tail the
 * scenario files, each shell-quoted (NULL: "whichns run" and nothing):
 * the rerun line adds c's C library and its whole name as a filter. */
void job_from_scenario(struct job *j, const struct scn_case *c,
                       const char *rerun_head, const char *rerun_tail);

/* exec's defaults, before its options change them: the case "exec" in
 * 001-exec, host libc, inplace, default options, the timing of
 * "whichns exec --help". */
void job_exec_defaults(struct job *j);
/* The command exec runs, and words, exec's whole command line after
 * "whichns" (NULL-terminated), for the rerun line. */
void job_exec_command(struct job *j, char *const *argv, char *const *words);

/* The servers answer every name: anything but our probes may look up
 * any name. */
bool job_any_name(const struct job *j);

/* The identity fields of a record: name, group, axis values, folder,
 * capture, why and only (not command: job_command knows it). */
void job_identity(const struct job *j, struct case_result *r);

/* What the case process runs, with the buffers its argv points into. */
struct job_cmd {
	char  path[PATH_MAX + 64];     /* the probe, as the case sees it */
	char  interval[16];
	char *words[5], *trigger_words[4], *fresh_words[4];
	char *const *argv;             /* the process under test */
	char *const *trigger, *const *fresh;   /* NULL: none */
	char  command[sizeof ((struct case_result *)0)->command];  /* for the record */
};

/* root: "" on the host's tree, else the root filesystem the case runs
 * in (the probes are then at JOB_PROBES_IN_ROOT); probes: the host folder
 * of the probes for its C library.  cmd's argv, trigger and fresh point
 * into j's strings too. */
void job_command(const struct job *j, const char *root, const char *probes,
                 struct job_cmd *cmd);

#endif
