/*
 * impact.h - the application impact of a switch, from the probe's own
 * lines: how many lookups before and after it, how long they took, how
 * many failed, and when the process recovered (doc/design.md,
 * "Application impact").
 *
 * Owns: reading probe lookup lines ("EPOCH API QNAME QTYPE STATUS ANSWERS
 * ms=DURATION", repro/probe_out.h) out of a process's stdout, the
 * latency figures (nearest-rank median and p95, max) of each side of the
 * switch, and the recovery rule.
 * Never: reads a file or a clock: the caller hands in the bytes of
 * process.out and the switch's time, so every rule is testable with
 * made-up lines.  Lines that are not lookup lines (any other program's,
 * garbage, a cut line) are skipped and counted, never trusted.
 */
#ifndef WHICHNS_IMPACT_H
#define WHICHNS_IMPACT_H

#include <stdbool.h>
#include <stddef.h>

#define IMPACT_LINE_MAX  4096     /* a longer line is no lookup line */
#define IMPACT_KEEP_MAX  1000000  /* lookups kept per side for the figures */
/* A lookup after the switch is slow when it took longer than
 * max(IMPACT_SLOW_FACTOR x the p95 before, the p95 before +
 * IMPACT_SLOW_MARGIN_MS). */
#define IMPACT_SLOW_FACTOR    4.0
#define IMPACT_SLOW_MARGIN_MS 100.0
/* A recovery needs a run of at least this many good lookups to the
 * window's end: one good lookup between slow ones (rotate) is none. */
#define IMPACT_RUN_MIN        3

enum impact_recovery {
	IMP_NOT_MEASURED,   /* no lookup line with a duration */
	IMP_NOT_AFFECTED,   /* no lookup after the switch failed or was slow */
	IMP_RECOVERED,      /* recovered_ms after the switch */
	IMP_NEVER,          /* the last lookup of the window failed or was slow */
	IMP_NO_SWITCH,      /* lookups, but no switch to compare with */
	IMP_UNSETTLED,      /* the window ended on a run of good lookups
	                     * shorter than IMPACT_RUN_MIN, after bad ones */
};

/* One side of the switch.  Times in ms; < 0 when there is no timed
 * lookup on that side. */
struct impact_side {
	unsigned lookups, failed;   /* failed: STATUS other than "ok" */
	unsigned timed;             /* of the lookups, with a duration */
	double   median_ms, p95_ms, max_ms;
};

struct app_impact {
	bool     measured;          /* lookup lines with durations were read */
	struct impact_side before, after;
	unsigned slow_after;        /* ok after the switch, but slower than
	                             * slow_bound_ms */
	double   slow_bound_ms;     /* the bound the rule used; < 0: none */
	enum impact_recovery recovery;
	double   recovered_ms;      /* IMP_RECOVERED: from the switch to the
	                             * start of the first lookup of the good
	                             * run that lasts to the window's end */
	unsigned good_run;          /* the lookups of that run (0: the last
	                             * one after the switch was not good) */
	unsigned bad_lines;         /* lines that looked like lookup lines
	                             * (a number, a tab) but did not parse */
};

/* Reading process.out as it comes, in pieces of any size. */
struct impact_rec {
	double t, ms;               /* start (epoch s), duration (ms; < 0: none) */
	bool   ok;
};

struct impact_reader {
	double t_switch;            /* < 0: no switch */
	double t_end;               /* lookups starting later are left out */
	struct impact_rec *rec[2];  /* [0] before, [1] after */
	size_t n[2], cap[2];
	unsigned lookups[2], failed[2];  /* all, kept or not */
	unsigned bad_lines;
	bool   oom;
	char   line[IMPACT_LINE_MAX];
	size_t linelen;
	bool   overlong;            /* the line being read is past the max */
};

/* t_switch < 0: no switch (every lookup is "before"); t_end < 0: no end. */
void impact_reader_init(struct impact_reader *r, double t_switch, double t_end);
void impact_reader_feed(struct impact_reader *r, const char *buf, size_t n);
/* The figures; a last line without its '\n' counts.  -1: out of memory
 * (out says not measured).  Frees nothing: call impact_reader_free(). */
int  impact_reader_finish(struct impact_reader *r, struct app_impact *out);
void impact_reader_free(struct impact_reader *r);

/* The whole of it at once: text of len bytes. */
int  impact_from_text(const char *text, size_t len, double t_switch,
                      double t_end, struct app_impact *out);

/* One lookup line: 1 with its start, duration (-1 when the line has no
 * "ms=" column) and whether STATUS is "ok"; 0 for a line that is no
 * lookup line (a '#' line, any other text); -1 for one that starts like
 * one (EPOCH and a tab) but is broken. */
int  impact_parse_line(const char *line, double *t, double *ms, bool *ok);

/* In one sentence, for the reports: "recovered 10300 ms after the
 * switch: 2 of 5 lookups after it failed, 1 slow (median 3.0 ms, max
 * 5003.0 ms; before: median 5.0 ms, p95 10.0 ms)"; "not measured (the
 * program prints no probe lines)" and so on. */
const char *impact_summary(const struct app_impact *a, char *buf, size_t size);

/* The empty record: not measured, every time unknown. */
void impact_init(struct app_impact *a);
/* "not measured", "not affected", "recovered", "never", "no switch",
 * "unsettled". */
const char *impact_recovery_name(enum impact_recovery r);
/* impact_recovery_name's inverse; -1 when unknown. */
int  impact_recovery_parse(const char *s, enum impact_recovery *out);

#endif
