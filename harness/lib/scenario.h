/*
 * scenario.h - scenario files: axes that expand into cases.
 *
 * A scenario file is lines of "key value..." with '#' comments.  Keys
 * before the first "[group]" header are defaults for every group; each
 * group is one matrix (the cross product of its axes).  A file without
 * groups is one matrix.  See fixtures/scenarios/README.md.
 *
 * Owns: parsing, validating and expanding scenario text.
 * Never: opens files (the caller hands in the text) or trusts a length.
 */
#ifndef WHICHNS_SCENARIO_H
#define WHICHNS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include "serverset.h"

#define SCN_VALUES_MAX 16
#define SCN_WORD_MAX   48
#define SCN_GROUPS_MAX 16
#define SCN_FILE_MAX   (1u << 20) /* a scenario file */
#define SCN_TEXT_MAX   256 /* a command line */
#define SCN_NAME_MAX   256 /* five axis words and separators fit */
#define SCN_ENV_MAX    8   /* "env NAME=VALUE" lines of a group */
#define SCN_CONF_LINES 32  /* "resolv-before" (or -after) lines of a group */
#define SCN_STATE_MAX  SS_MAX   /* "server ADDR STATE" lines of a group */

enum scn_axis { SCN_PROBE, SCN_UPDATE, SCN_OPTIONS, SCN_CACHE, SCN_LIBC,
                SCN_AXES };

struct scn_axisvals {
	size_t n;
	char   v[SCN_VALUES_MAX][SCN_WORD_MAX];
};

struct scn_group {
	char     name[SCN_WORD_MAX];
	struct scn_axisvals axis[SCN_AXES];
	char     qname[SCN_WORD_MAX];      /* name the probe looks up */
	unsigned interval_ms;              /* between the probe's lookups */
	unsigned window_ms;                /* observed after the switch */
	unsigned before;                   /* queries to old before switching */
	unsigned switch_after_ms;          /* or this long after the first one */
	unsigned timeout_ms;               /* give up waiting for "before" */
	char     why[SCN_GROUPS_MAX * 8];  /* optional explanation */
	/* A group may run a command instead of probes (its name is then the
	 * probe axis): a daemon, a trigger that makes it resolve, a fresh
	 * process after the window, and the query type the verdict is about. */
	char     exec[SCN_TEXT_MAX], trigger[SCN_TEXT_MAX], fresh[SCN_TEXT_MAX];
	unsigned trigger_ms, fresh_ms;
	char     only[16];
	bool     secrets_shown;            /* /etc/shadow and host keys unmasked */
	/* The process's environment (lib/envpolicy.h): "env NAME=VALUE"
	 * lines, and "environment kept" (the caller's, minus the resolver
	 * variables) instead of the fixed one. */
	char     env[SCN_ENV_MAX][SCN_TEXT_MAX];
	unsigned nenv;
	bool     env_kept;
	/* The servers (lib/serverset.h): the whole resolv.conf before and
	 * after the switch, one "resolv-before LINE" (or "resolv-after
	 * LINE") per file line, and where each came from; none: the default
	 * pair.  Each "server ADDR STATE" line, as "ADDR=STATE". */
	char     conf[2][SS_TEXT_MAX];
	size_t   nconf[2];
	unsigned conf_line[2][SCN_CONF_LINES];
	char     state[SCN_STATE_MAX][SCN_WORD_MAX * 2];
	unsigned state_line[SCN_STATE_MAX];
	size_t   nstate;
	unsigned line;                     /* where the group starts */
};

struct scn_file {
	char   path[256];
	size_t ngroups;
	struct scn_group groups[SCN_GROUPS_MAX];
};

struct scn_case {
	unsigned seq;                      /* place in the whole expansion */
	char     name[SCN_NAME_MAX];       /* probe/update/options[/cache]
	                                    * [/GROUP: a group with servers of
	                                    * its own] */
	char     group[SCN_WORD_MAX];
	char     probe[SCN_WORD_MAX], update[SCN_WORD_MAX],
	         options[SCN_WORD_MAX], cache[SCN_WORD_MAX], libc[SCN_WORD_MAX];
	char     qname[SCN_WORD_MAX];
	unsigned interval_ms, window_ms, before, switch_after_ms, timeout_ms;
	char     why[SCN_GROUPS_MAX * 8];
	char     exec[SCN_TEXT_MAX], trigger[SCN_TEXT_MAX], fresh[SCN_TEXT_MAX];
	unsigned trigger_ms, fresh_ms;
	char     only[16];
	bool     secrets_shown;
	char     env[SCN_ENV_MAX][SCN_TEXT_MAX];
	unsigned nenv;
	bool     env_kept;
	/* The group's servers, as scn_group has them (empty: the default
	 * pair, every server up). */
	char     conf[2][SS_TEXT_MAX];
	char     state[SCN_STATE_MAX][SCN_WORD_MAX * 2];
	size_t   nstate;
};

/*
 * Parse len bytes of text.  On error returns -1 and writes one line to
 * err: "FILE:LINE: what is wrong; expected ...".
 */
int scn_parse(const char *text, size_t len, const char *path,
              struct scn_file *out, char *err, size_t errsize);

/* Replace axis a of every group with the comma-separated values csv
 * (e.g. --libc host,bullseye); -1 with err on a bad value. */
int scn_override_axis(struct scn_file *f, enum scn_axis a, const char *csv,
                      char *err, size_t errsize);

/* Number of cases the file expands into. */
size_t scn_count(const struct scn_file *f);
/* Expand case number i (0 <= i < scn_count) into *c. */
void scn_case_at(const struct scn_file *f, size_t i, struct scn_case *c);

/* Axis names and the values an axis allows (NULL: any word). */
const char *scn_axis_name(enum scn_axis a);
extern const char *const scn_updates[];
extern const char *const scn_caches[];

/* "K/N" with 1 <= K <= N <= 10000; 0, or -1 on anything else. */
int scn_parse_shard(const char *s, unsigned *k, unsigned *n);
/* Is the i-th selected case (from 0) in shard k of n?  Shards take every
 * nth case in turn, so together they hold each case exactly once. */
int scn_in_shard(size_t i, unsigned k, unsigned n);

/* Parse "250ms", "1.5s", "2s", "300" (ms) into milliseconds. */
int scn_parse_duration(const char *s, unsigned *ms);

/* Case selection: a filter is a comma-separated list of terms; a case is
 * selected when any term is part of its name or equals one of its axis
 * values, or, for a term "=NAME", when NAME is its whole name.  NULL or ""
 * selects everything.  (Several filters: all must
 * select the case, so "-f getip,ghbn -f rename" is (getip or ghbn) and
 * rename.) */
int scn_case_matches(const struct scn_case *c, const char *filter);

#endif
