/*
 * probe_out.h - the lines a probe prints, which the harness reads: the
 * header, one line per lookup, events, and the words and answer lists
 * that go into them (turning resolver results into both).
 *
 * Owns: stdout (line-buffered, one line per event) and the exit after
 * "#unsupported".  Never: links harness code, or caches answers.
 *
 * Output (TSV on stdout; doc/design.md, "Probes"):
 *   #libc	glibc 2.36               (probe_libc.h)
 *   #probe	PROBE	API	PID
 *   EPOCH	API	QNAME	QTYPE	STATUS	ANSWERS	ms=DURATION
 *   #EVENT	EPOCH                    (e.g. #reinit; #pause: about to
 *                                     sleep between two rounds)
 *   #unsupported	REASON           (then exit 77)
 * EPOCH is CLOCK_REALTIME when the lookup started, so a lookup that was
 * on the wire before the resolv.conf switch is dated before it.
 * DURATION is how long the call took, in milliseconds with three
 * decimals, on CLOCK_MONOTONIC (from probe_now() to the line): the
 * application's own view of a slow or dead server.  It comes last, so a
 * reader of the first six columns (whichns before it) reads on.
 */
#ifndef WHICHNS_PROBE_OUT_H
#define WHICHNS_PROBE_OUT_H

#include <stddef.h>
#include <time.h>

#define PROBE_EXIT_UNSUPPORTED 77

/* Make stdout line-buffered and print "#libc" and "#probe"; api and name
 * (kept, not copied) fill the API and QNAME columns of lookup lines. */
void probe_out_begin(const char *prog, const char *api, const char *name,
                     const char *libc);

/* Comma-separated answers, escaped so no field can break a TSV line. */
struct probe_answers {
	size_t len;
	int full;          /* an answer did not fit: line ends with ",..." */
	char buf[2048];
};
void probe_answers_init(struct probe_answers *a);
void probe_answers_add(struct probe_answers *a, const char *text);

/* One lookup line, dated by started (CLOCK_REALTIME, from probe_now(),
 * called just before the lookup: its duration runs from that call to
 * this one); a may be NULL. */
void probe_lookup(const struct timespec *started, const char *qtype,
                  const char *status, const struct probe_answers *a);
/* "#event<TAB>EPOCH", dated now. */
void probe_event(const char *event);
/* "#NAME<TAB>VALUE": a fact about the probe's own schedule, said once
 * (res_loop: "#reinit-every 5", the rounds between its re-reads). */
void probe_fact(const char *name, long value);
/* "#unsupported<TAB>reason", then exit 77. */
void probe_unsupported(const char *reason) __attribute__((noreturn));
/* Now, on the clock of the EPOCH column: call it just before a lookup
 * (it also starts the lookup's duration). */
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
