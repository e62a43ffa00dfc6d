/*
 * caseres.h - the record of one case: what was run and what was measured.
 *
 * Owns: the struct every report is written from, and its text form
 * (result.txt in the case folder: "key<TAB>value" lines, kvrec.h), which
 * is what a case process hands to the runner and what "whichns merge"
 * reads back.
 * Never: decides a verdict (verdict.c does) or opens files.
 */
#ifndef WHICHNS_CASERES_H
#define WHICHNS_CASERES_H

#include <stdbool.h>
#include <stdio.h>
#include "impact.h"
#include "paths.h"
#include "servercount.h"
#include "verdict.h"

#define CR_TEXT 256

struct case_result {
	char     name[CR_TEXT], group[64], probe[64], update[32], options[64],
	         cache[16], libc_axis[48];   /* a scenario word: SCN_WORD_MAX */
	char     libc[64];          /* as the process reported it */
	char     libc_from[16];     /* how libc was told: probe, socket,
	                             * alive, tree, none (lib/procs.h) */
	char     libc_tree[CR_TEXT];/* every "comm: libc" of the tree */
	bool     start_failed;      /* the command could not start (error) */
	char     command[512];      /* what ran, shell-quoted */
	/* The program that ran, as its start found it (lib/envpolicy.h):
	 * its absolute path ("PATH -> REAL" when a link), the "#!" script's
	 * interpreter, and its environment: "kept" or "clean", the inherited
	 * resolver variables removed, the assignments set on top. */
	char     program[400], interpreter[400];
	char     env_policy[16], env_removed[256], env_set[512];
	unsigned env_dropped;       /* caller's variables past ENVPOLICY_MAX,
	                             * not passed */
	char     dir[CR_TEXT];      /* case folder, relative to the run folder */
	char     pcap[CR_TEXT];     /* relative to the run folder */
	char     error[CR_TEXT];    /* the case could not run: why */
	char     why[CR_TEXT];      /* explanation from scenario/expected */
	char     skip[CR_TEXT];     /* the process cannot run here: why */
	char     only[16];          /* verdict on queries of this type only */
	bool     fresh_ran;         /* a fresh process ran after the window */
	double   fresh_time;        /* when it started (capture clock) */
	unsigned fresh_queries_old, fresh_queries_new;
	struct vd_result vd;
	/* The verdict per resolution path (paths.h), beside the headline. */
	unsigned npaths;
	unsigned paths_more;        /* paths that did not fit in paths[] */
	struct vd_path paths[PATHS_MAX];
	/* Each server of the case's set, counted (servercount.h); 0: a
	 * record from before the counts. */
	unsigned nservers;
	struct sc_server servers[SS_MAX];
	/* The application impact from the probe's lines (impact.h);
	 * impact_read false: process.out was not read for it (a record from
	 * before it, or a case that did not get that far). */
	bool     impact_read;
	struct app_impact impact;
	enum verdict expected;      /* V_NONE: no expectation */
	char     expected_why[CR_TEXT];
	bool     switched;
	double   switch_time;       /* epoch seconds, capture clock: begun */
	double   switch_end;        /* ... the new file in place (0: at
	                             * switch_time; vd_input.t_switch_end) */
	double   window_end;        /* queries after it are not in the verdict */
	bool     switch_forced;     /* switched without a quiet moment */
	unsigned switch_quiet_ms;   /* the quiet moment the switch waited for */
	double   t_start, t_end;    /* of the case, wall clock */
	double   observe_s;         /* probe start to end of window */
	unsigned long long dropped;
	unsigned packets, malformed;
	int      exit_code;         /* process's, -1 while running at the end;
	                             * 128 + N when signal N killed it */
	int      exit_signal;       /* that N; 0: it exited (exit_code is
	                             * its status, 139 included) */
	bool     out_cut;           /* process.out stopped at WN_FILE_MAX_MIB */
	bool     complete;          /* false: interrupted or crashed */
};

void caseres_init(struct case_result *r);
/* A case's name without its "LIBC:" prefix, as baselines key it: the
 * prefix is what comes before a ':' that comes before the first '/'
 * ("bullseye:getip/rename/default"); a ':' later on is the name's own
 * ("getip/inplace/no-reload+timeout:1/failover"). */
const char *caseres_bare_name(const char *name);
/* Does the verdict match the expectation?  No expectation: matches. */
bool caseres_matches(const struct case_result *r);
/* Text form.  write: returns 0 or -1 on a stream error. */
int  caseres_write(FILE *f, const struct case_result *r);
/* The verdict's fields a capture alone gives, as result.txt writes them:
 * verdict, late_by, queries_*, lookups_*, first_new_ms, reason (decode's
 * summary).  0, or -1 on a stream error. */
int  caseres_write_wire(FILE *f, const struct vd_result *vd);
/* The servers' lines alone ("servers", "server1".."serverN"), as
 * result.txt writes them: for decode's summary.  0, or -1 on a stream
 * error. */
int  caseres_write_servers(FILE *f, const struct sc_server *s, size_t n);
/* Parse the text form; -1 with err "LINE: what" on bad input. */
int  caseres_parse(const char *text, size_t len, struct case_result *r,
                   char *err, size_t errsize);

#endif
