/*
 * probe_out.h - what every probe shares: the command line, the lookup
 * loop's pacing, the output lines the harness reads, libc identification,
 * and turning resolver results into answer lists and status words.
 *
 * Owns: stdout (line-buffered, one line per event) and the process's exit
 * on bad usage.  Never: links harness code, caches answers, or touches the
 * resolver's configuration: each probe alone decides how it resolves.
 *
 * Output (TSV on stdout; doc/design.md, "Probes"):
 *   #libc	glibc 2.36
 *   #probe	PROBE	API	PID
 *   EPOCH	API	QNAME	QTYPE	STATUS	ANSWERS
 *   #EVENT	EPOCH                    (e.g. #reinit)
 *   #unsupported	REASON           (then exit 77)
 * EPOCH is CLOCK_REALTIME when the lookup started, so a lookup that was
 * on the wire before the resolv.conf switch is dated before it.
 */
#ifndef WHICHNS_PROBE_OUT_H
#define WHICHNS_PROBE_OUT_H

#include <stddef.h>
#include <time.h>

#define PROBE_EXIT_USAGE       2
#define PROBE_EXIT_UNSUPPORTED 77

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
 * Parse the command line (exit 2 on a bad one, 0 after -h), make stdout
 * line-buffered, print "#libc" and "#probe", and start the clock that -d
 * counts from.
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

/* Comma-separated answers, escaped so no field can break a TSV line. */
struct probe_answers {
	size_t len;
	int full;          /* an answer did not fit: line ends with ",..." */
	char buf[2048];
};
void probe_answers_init(struct probe_answers *a);
void probe_answers_add(struct probe_answers *a, const char *text);

/* One lookup line, dated by started (CLOCK_REALTIME); a may be NULL. */
void probe_lookup(const struct timespec *started, const char *qtype,
                  const char *status, const struct probe_answers *a);
/* "#event<TAB>EPOCH", dated now. */
void probe_event(const char *event);
/* "#unsupported<TAB>reason", then exit 77. */
void probe_unsupported(const char *reason) __attribute__((noreturn));
/* Now, on the clock of the EPOCH column. */
struct timespec probe_now(void);

/* Status words: "ok", or the API's own error name. */
const char *probe_gai_status(int rc);      /* getaddrinfo: EAI_AGAIN, ... */
const char *probe_herrno_status(int herr); /* NXDOMAIN, TRY_AGAIN, NO_DATA */
const char *probe_errno_status(int err);   /* errno:ECONNREFUSED */

/*
 * Report one res_query()-style call that returned n (-1: failed with h_errno
 * herr) into answer, as a lookup line of the given type (ns_t_a, ns_t_aaaa,
 * ns_t_mx, ns_t_ns).  A reply's answer section becomes A/AAAA addresses,
 * MX "pref name" and NS names; other records (CNAMEs) are skipped.  STATUS
 * is "ok", the h_errno word, "NO_DATA" for an empty answer, an rcode name
 * (musl's res_query hands back SERVFAIL replies as success), or "badreply"
 * for bytes that don't parse.
 */
void probe_res_result(const struct timespec *started, int type, int n,
                      int herr, const unsigned char *answer, size_t size);

#endif
