/*
 * earlyexit.h - a command that failed before its first lookup.
 *
 * Owns: the rule that a process ending by itself with a non-zero status
 * (or by a signal) before any query of the case is not a verdict but a
 * case that could not run (doc/design.md, "Exit codes"), the words that
 * say how it ended, and the last lines of its stderr as the reports show
 * them.
 * Never: reads files or waits for processes: the case hands in the
 * status, the count and the text.
 */
#ifndef WHICHNS_EARLYEXIT_H
#define WHICHNS_EARLYEXIT_H

#include <stdbool.h>
#include <stddef.h>

#define EARLYEXIT_LINES 5   /* stderr lines the report shows */

/*
 * ended: the process ended by itself while the case watched; code: its
 * exit status; sig: the signal that killed it, or 0 when it exited (a
 * status of 128 + N is an exit, not signal N); queries: DNS queries of
 * the case before it ended; skip: the probe said it cannot run here (a
 * SKIP, not an error).  1 when the case could not run, with how
 * (earlyexit_how) in how; else 0.
 */
int  earlyexit_check(bool ended, int code, int sig, size_t queries, bool skip,
                     char *how, size_t hsize);
/* How it ended, in words: "exit 139" for an exit status, "killed by
 * signal 11, SIGSEGV" when sig > 0 (code is then not read). */
void earlyexit_how(int code, int sig, char *how, size_t hsize);
/* "SIGSEGV" for 11..., NULL for a signal it does not name. */
const char *earlyexit_signal_name(int sig);

/*
 * The last `lines` non-empty lines of text (len bytes, not terminated),
 * '\n'-separated, each cut to 300 bytes, control bytes and invalid
 * bytes shown as '?'.  "" when there are none.  When they do not all fit
 * in size bytes, the oldest are left out; the newest is cut only when
 * it alone does not fit.
 */
void earlyexit_tail(const char *text, size_t len, unsigned lines,
                    char *buf, size_t size);
/* The last line of a tail (or of any text) into buf. */
void earlyexit_last_line(const char *tail, char *buf, size_t size);

#endif
