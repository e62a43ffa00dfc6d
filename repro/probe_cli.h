/*
 * probe_cli.h - a probe's command line and the pace of its lookup loop:
 * what every probe shares besides its output (probe_out.h) and its C
 * library's name (probe_libc.h).
 *
 * Owns: the options every probe takes (-i, -n, -d, -h, NAME), a probe's
 * own options through struct probe_info, exit 2 on a bad command line,
 * and the sleeps between rounds.  Never: links harness code, or touches
 * the resolver's configuration: each probe alone decides how it resolves.
 *
 *   PROBE [-i INTERVAL_MS] [-n COUNT] [-d DURATION_MS] [own options] NAME
 */
#ifndef WHICHNS_PROBE_CLI_H
#define WHICHNS_PROBE_CLI_H

#define PROBE_EXIT_USAGE 2

struct probe_opts {
	long interval_ms;  /* pause between rounds, default 100 */
	long count;        /* stop after this many rounds; 0 = no limit */
	long duration_ms;  /* stop this long after the start; 0 = no limit */
	const char *name;  /* the name to resolve */
};

struct probe_info {
	const char *prog;  /* probe name, as in "#probe" */
	const char *api;   /* the API column of every lookup line */
	/* Probe-specific options: getopt letters (must not clash with
	 * i, n, d, h), their usage text, and a handler that returns 0, or -1
	 * after probe_bad_arg() named the bad value.  May all be NULL. */
	const char *opts;
	const char *usage;
	const char *help;
	int (*option)(int opt, const char *arg);
};

/*
 * Parse the command line (exit 2 on a bad one, 0 after -h), start the
 * output with "#libc" and "#probe" (probe_out_begin), and start the clock
 * that -d counts from.
 */
void probe_start(int argc, char *argv[], const struct probe_info *info,
                 struct probe_opts *o);

/* For option handlers: print one line naming the bad value; returns -1. */
int probe_bad_arg(const char *what, const char *arg);
/* Parse a decimal number in [min, max]; -1 (after probe_bad_arg) if not. */
int probe_parse_long(const char *what, const char *arg, long min, long max,
                     long *out);

/*
 * Call before each round with the number of rounds done so far.  Returns 1
 * at once for the first round; afterwards sleeps the interval and returns 1,
 * or returns 0 when -n or -d says stop (sleeping out the rest of -d first).
 */
int probe_next(const struct probe_opts *o, unsigned long done);

#endif
