/*
 * kvrec.h - records as "key<TAB>value" lines, driven by a table of fields.
 *
 * Owns: the text form every whichns record shares (a case's result.txt,
 * a run's run.txt, decode's summary): one field a line, strings on one
 * line (tabs and newlines become spaces), numbers with a fractional part
 * with six decimals, booleans as yes or no.  A table lists each field
 * once, and writing and parsing both walk it, so they cannot drift apart.
 * Never: opens files, or trusts a length: a line longer than
 * KV_LINE_MAX - 1 bytes, a string longer than its field, a number out of
 * its type's range or followed by anything are errors naming the line.
 */
#ifndef WHICHNS_KVREC_H
#define WHICHNS_KVREC_H

#include <stddef.h>
#include <stdio.h>

#define KV_LINE_MAX 768

enum kv_type {
	KV_STR,       /* char[size] */
	KV_DBL,       /* double, finite */
	KV_UINT,      /* unsigned */
	KV_ULL,       /* unsigned long long */
	KV_INT,       /* int, -1000000 to 1000000 */
	KV_BOOL,      /* bool: yes, no */
	KV_VERDICT,   /* enum verdict: its name, NONE for none */
	KV_PATH,      /* struct vd_path: paths_format's line; not written
	               * when its types are empty (an unused slot) */
	KV_SERVER,    /* struct sc_server: servercount_format's line; not
	               * written when its address is empty (an unused slot) */
	KV_RECOVERY,  /* enum impact_recovery: impact_recovery_name's words */
};

struct kv_field {
	const char  *key;
	enum kv_type type;
	size_t       off, size;   /* in the record; size: of a KV_STR */
	unsigned     flags;       /* the table's own marks, for kv_write's only */
};

/* The fields of table t[0..n) of the record at base, in table order: all
 * of them when only is 0, else those whose flags share a bit with only.
 * 0, or -1 when the stream reports an error. */
int kv_write(FILE *f, const struct kv_field *t, size_t n, const void *base,
             unsigned only);

/* Parse len bytes of text into the record at base (which the caller
 * initialised): keys not in t are skipped (a newer writer's), empty lines
 * too.  0, or -1 with err "line N: what". */
int kv_parse(const char *text, size_t len, const struct kv_field *t, size_t n,
             void *base, char *err, size_t errsize);

#endif
