/*
 * defer.h - every setup step registers its undo at once.
 *
 * Undos run last in, first out, exactly once, whether the case succeeded,
 * failed or was interrupted (kernel selftests' defer.sh, in C).
 *
 * Contract for an undo step: it must be idempotent.  It may run after a
 * partial setup (the step it undoes got halfway, or a later step failed
 * before anything used it), and it may run after the case already did
 * the same thing on its normal path (the process stopped, the capture
 * closed): so it checks what is there, undoes only that, and leaves its
 * object marked undone (a pid of -1, a NULL stream, a closed descriptor
 * set to -1).  It must not fail in a way that stops the others: it
 * returns nothing, and reports, if at all, on stderr.
 */
#ifndef WHICHNS_DEFER_H
#define WHICHNS_DEFER_H

#define DEFER_MAX 32

typedef void (*defer_fn)(void *arg);

struct defer {
	unsigned n;
	struct { defer_fn fn; void *arg; const char *what; } step[DEFER_MAX];
	/* Optional: called with each undo's label just before it runs
	 * (WHICHNS_TRACE=1: the case prints it with its clock). */
	void (*trace)(void *ctx, const char *what);
	void  *trace_ctx;
};

/* Register fn(arg), labelled what (a short phrase: "stop dnsmasq");
 * returns -1 (and runs fn at once) when full. */
int  defer_push(struct defer *d, defer_fn fn, void *arg, const char *what);
/* Run every registered undo, newest first; the stack is empty after. */
void defer_run(struct defer *d);

#endif
