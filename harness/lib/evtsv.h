/*
 * evtsv.h - events.tsv read back into events.
 *
 * Owns: parsing what events_tsv() writes (doc/design.md, "events.tsv"),
 * so that a case's report can be made from the files in its folder.
 * Every line comes back as the event events_tsv() would write again
 * byte for byte (a "-" name or answer list reads as none, a query's rcode
 * as 0).
 * Never: trusts the text: every field is bounds-checked and checked
 * against what events_tsv() can write, and a line that is not one is an
 * error naming it.
 */
#ifndef WHICHNS_EVTSV_H
#define WHICHNS_EVTSV_H

#include <stddef.h>
#include "events.h"

/* One line of len bytes (no newline), every column events_tsv() writes
 * today, into *e.  0, or -1 with err saying which column is wrong. */
int evtsv_parse_line(const char *line, size_t len, struct wn_event *e,
                     char *err, size_t errsize);

/* A whole events.tsv: its header line, then one event a line; a file
 * written before the frame column (its header ends in "answers") reads
 * as events of frame 0.  0 with
 * *ev (malloc'ed; the caller frees it, NULL when n is 0) and *n; or -1
 * with err "line N: what", and *ev NULL. */
int evtsv_parse(const char *text, size_t len, struct wn_event **ev, size_t *n,
                char *err, size_t errsize);

#endif
