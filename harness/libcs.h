/*
 * libcs.h - where a C library under test lives: the host's own, musl
 * (Debian's musl-tools, probes built with musl-gcc), or a cached Debian
 * root filesystem (scripts/mkrootfs.sh) with probes built inside it
 * (scripts/build-probes.sh), or a root filesystem a user brings
 * (rootimport.h): a name given by "whichns roots add", or a PATH
 * imported on first use and known in case names by its last component.
 *
 * Owns: turning a libc axis value into a root and a probe folder, and
 * saying what to run when one is missing.  Never: builds anything.
 *
 * The probes are needed only when a case runs one: a command of
 * "whichns exec" or a scenario's exec line brings its own program, so
 * --libc musl then needs no probes at all (the program brings its own C
 * library; the value only labels the case), and a root filesystem needs
 * its tree but not the probes built in it.
 */
#ifndef WHICHNS_LIBCS_H
#define WHICHNS_LIBCS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct libc_paths {
	const char *probes_host;  /* probes built for the host's libc */
	const char *probes_musl;  /* probes built with musl-gcc */
	const char *cache;        /* holds rootfs/SUITE and probes/SUITE */
};

struct libc_env {
	char root[PATH_MAX];      /* "" or the root filesystem to chroot into */
	char key[24];             /* "" or the key of an imported root */
	char lock[PATH_MAX];      /* with key: its lock file */
	char probes[PATH_MAX];    /* folder of probe binaries, host path */
	char nscd[PATH_MAX];      /* with want_nscd: nscd, as the case runs it */
};

/* Hold a shared lock on a root filesystem for as long as this process
 * lives, so that scripts/mkrootfs.sh (which takes it exclusively) cannot
 * replace the tree under running cases.  0, or -1 with err when the tree
 * is being built right now. */
int libc_hold(const struct libc_env *env, char *err, size_t errsize);

/* Is name a C library whichns knows by itself (host, musl, the Debian
 * suites), which no root a user brings may be named? */
bool libc_is_builtin(const char *name);

/* A --libc PATH, remembered for this process and the cases it forks
 * under its label (rootinfo_label: "bullseye.tar.gz"), the value case
 * names and the libc axis show; key is set once it is imported. */
struct libc_source {
	char label[48];
	char path[PATH_MAX];
	char key[24];
};

/* The value a --libc word stands for in case names: itself, or for a
 * PATH its label (remembered).  NULL, said on stderr, when a path's
 * label is a built-in C library's or another path's (bad usage). */
const char *libc_label_for(const char *value);

/* A --libc list (comma-separated) with each PATH made its label, into
 * out: out, or NULL (said; bad usage). */
const char *libc_list_labels(const char *csv, char *out, size_t size);

/* The path remembered under label, or NULL. */
struct libc_source *libc_source_find(const char *label);

/* libc_resolve()'s answer for a name that is no C library a case can
 * run on: bad usage (exit 2), where -1 is a known one not built (exit 3). */
#define LIBC_UNKNOWN (-2)

/* want_probes: the case runs one of our probes, so they must be built
 * for this C library (env->probes is set either way).  0; -1 with a
 * one-line err naming what is missing and the fix; or LIBC_UNKNOWN with
 * a one-line err listing the names that are known. */
int libc_resolve(const struct libc_paths *p, const char *libc,
                 bool want_probes, bool want_nscd,
                 struct libc_env *env, char *err, size_t errsize);

#endif
