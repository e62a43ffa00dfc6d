/*
 * rootinfo.h - what whichns remembers of a root filesystem it imported
 * (CACHE/roots/KEY/info), and the names a user gives one.
 *
 * Owns: the info record ("key<TAB>value" lines, kvrec.h), the cache key
 * of a content hash ("sha256-" and its first 16 hex digits), which words
 * may name a root ("whichns roots add NAME"), and the label a --libc PATH
 * gets in case names (its last component, made a scenario word).
 * Never: opens a file (harness/rootimport.c reads and writes them).
 */
#ifndef WHICHNS_ROOTINFO_H
#define WHICHNS_ROOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* "sha256-" and 16 hex digits, and its NUL. */
#define ROOTINFO_KEY_SIZE 24
/* A label or a name: shorter than a scenario word (scenario.h). */
#define ROOTINFO_NAME_MAX 48

struct rootinfo {
	char sha256[65];        /* of the source's content, 64 hex digits */
	char key[ROOTINFO_KEY_SIZE];
	char source[512];       /* the path it was imported from, absolute */
	char kind[16];          /* directory, tarball, docker-archive, oci */
	char libc[48];          /* "glibc 2.31", "musl 1.2.4" */
	char os[96];            /* os-release's PRETTY_NAME, or "" */
	char family[16];        /* debian, rhel, alpine, suse, arch, unknown */
	char imported[32];      /* when, UTC, "2026-11-27T23:40:02Z" */
};

/* The cache key of a hash given as 64 hex digits: "sha256-1a2b...".
 * 0, or -1 (key "") when hex is not 64 lowercase hex digits. */
int rootinfo_key(const char *hex, char key[static ROOTINFO_KEY_SIZE]);

/* Is s a cache key, as rootinfo_key writes them?  (A name's link target
 * is checked with it before the cache path is made from it.) */
bool rootinfo_key_ok(const char *s);

/* The record's lines, in a fixed order; 0, or -1 on a stream error. */
int rootinfo_write(FILE *f, const struct rootinfo *ri);

/* A record from its text (ri zeroed first); 0, or -1 with err "line N:
 * ...".  A record without sha256, key or libc, or whose key is not the
 * sha256's, is an error. */
int rootinfo_parse(const char *text, size_t len, struct rootinfo *ri,
                   char *err, size_t errsize);

/* A root's name: [A-Za-z0-9][A-Za-z0-9._-]*, shorter than
 * ROOTINFO_NAME_MAX, and not a key (rootinfo_key_ok: "roots rm" would
 * take it for one).  0, or -1 with err saying what is wrong with it. */
int rootinfo_name_check(const char *name, char *err, size_t errsize);

/* Is a --libc value a path (it holds a '/') rather than a name? */
bool rootinfo_is_path(const char *value);

/* A path's label: its last component ("/x/bullseye.tar.gz/" ->
 * "bullseye.tar.gz"), each byte a scenario word may not hold made '_',
 * cut to ROOTINFO_NAME_MAX - 1; "root" for "/" or "".  Always a word. */
void rootinfo_label(const char *path, char label[static ROOTINFO_NAME_MAX]);

#endif
