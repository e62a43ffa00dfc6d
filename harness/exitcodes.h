/*
 * exitcodes.h - the exit statuses of every whichns command, as README.md,
 * doc/design.md ("Exit codes") and whichns(1) document them.
 *
 * When several apply, the worst wins: 130, then 3, then 1, then 4.  A
 * verdict that differs (1) says more than one the evidence could not
 * decide (4), which is still never 0.
 */
#ifndef WHICHNS_EXITCODES_H
#define WHICHNS_EXITCODES_H

enum {
	EXIT_OK = 0,            /* as expected; decoded, written, done */
	EXIT_DIFFERS = 1,       /* a verdict differs, a case could not run, a shard is missing */
	EXIT_USAGE = 2,         /* bad usage or bad input */
	EXIT_ENV = 3,           /* the environment cannot run it */
	EXIT_INCONCLUSIVE = 4,  /* no case failed, but one is INCONCLUSIVE
	                         * and was not expected to be */
	EXIT_INTERRUPTED = 130, /* interrupted: every case torn down */
};

#endif
