/*
 * scrub.h - text with the absolute paths of one machine taken out.
 *
 * Owns: rewriting a text so that it names no folder of the machine that
 * wrote it: each rule's path (a whole path, or the start of one) becomes
 * the rule's stand-in ("." for the run folder, "~" for the home folder,
 * "<probes>"...), and an absolute path to a program named whichns that
 * is run with arguments ("/src/build/whichns run ...") becomes plain
 * "whichns", the command an installed whichns answers to.  In a command
 * (a line's text after a mark, such as report.md's "to run it again:
 * `"), a rule's shell form is used instead, one that a shell reads as
 * that folder when the line is pasted ("${WHICHNS_PROBES:-...}"), never
 * as a redirection as "<probes>" would be; a single-quoted word is
 * closed and reopened around it.
 * Never: touches a path that only starts like a rule's (/work/main2 is not
 * /work/main), or one inside a longer path (/x/work/main).
 */
#ifndef WHICHNS_SCRUB_H
#define WHICHNS_SCRUB_H

#include <stddef.h>
#include <stdio.h>

struct scrub_rule {
	const char *from;   /* an absolute path, without a trailing '/' */
	const char *to;     /* what stands for it */
	const char *sh;     /* what stands for it in a command, shell-safe;
	                     * NULL: to */
};

/* text[0..len) to f, rewritten; the longest rule that matches wins.
 * Returns how many paths were rewritten. */
size_t scrub_text(FILE *f, const char *text, size_t len,
                  const struct scrub_rule *rules, size_t nrules);
/* The same, but each line's text after the first of marks (NULL-ended;
 * NULL: none) is a command, where the rules' shell forms stand in. */
size_t scrub_text_commands(FILE *f, const char *text, size_t len,
                           const struct scrub_rule *rules, size_t nrules,
                           const char *const *marks);

#endif
