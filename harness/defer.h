/*
 * defer.h - every setup step registers its undo at once.
 *
 * Undos run last in, first out, exactly once, whether the case succeeded,
 * failed or was interrupted (kernel selftests' defer.sh, in C).
 */
#ifndef WHICHNS_DEFER_H
#define WHICHNS_DEFER_H

#define DEFER_MAX 32

typedef void (*defer_fn)(void *arg);

struct defer {
	unsigned n;
	struct { defer_fn fn; void *arg; const char *what; } step[DEFER_MAX];
};

/* Register fn(arg); returns -1 (and runs fn at once) when full. */
int  defer_push(struct defer *d, defer_fn fn, void *arg, const char *what);
/* Run every registered undo, newest first. */
void defer_run(struct defer *d);

#endif
