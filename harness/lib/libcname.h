/*
 * libcname.h - which C library a mapped file is, and its version, in the
 * one form whichns names C libraries everywhere: "glibc 2.36",
 * "musl 1.2.3" ("NAME VERSION"; "NAME unknown" when the file does not say).
 *
 * The probes print this form themselves ("#libc" line, repro/probe_libc.c,
 * from gnu_get_libc_version() or musl's loader); for any other program
 * harness/proctree.c reads the memory map of each process of the tree
 * and hands the mapped library's path and bytes to this module.  Both read
 * the same string the library carries, so they agree
 * (tests/integration/libc.t shows it).  The string keys the expected
 * verdicts (fixtures/expected/glibc-2.36, musl-1.2.3: expect_libc_key),
 * so changing its form changes which baseline applies.
 *
 * Owns: telling glibc and musl apart by a mapped file's path, finding
 * the version in the file's bytes, reading a /proc/PID/maps line, and a
 * program's interpreter (its dynamic loader) from its first bytes.
 * Never: opens or reads a file (its caller does), or reads a byte
 * outside the buffer it is given.
 */
#ifndef WHICHNS_LIBCNAME_H
#define WHICHNS_LIBCNAME_H

#include <stddef.h>

enum libc_family { LIBC_OTHER = 0, LIBC_GLIBC, LIBC_MUSL };

/* At most this many characters in a version: longer is not a version. */
#define LIBCNAME_VERSION_MAX 31

/*
 * The C library a file is, from its path as /proc/PID/maps shows it:
 * glibc's libc.so.6, or before glibc 2.34 libc-2.NN.so; musl's loader,
 * which is its libc too: ld-musl-ARCH.so.1, libc.musl-ARCH.so.1
 * (Alpine), or a libc.so in a directory whose path says musl (Debian's
 * /usr/lib/x86_64-linux-musl/libc.so, /usr/lib/musl/lib/libc.so).
 * LIBC_OTHER for anything else (the dynamic loader of glibc included).
 */
enum libc_family libcname_family(const char *path);

/*
 * The C library whose dynamic loader a file is, from its path: glibc's
 * ld-linux-ARCH.so.N (ld-2.NN.so before glibc 2.34), musl's
 * ld-musl-ARCH.so.1; LIBC_OTHER for anything else.  The loader is mapped
 * at execve, before it maps the C library, so a process caught in
 * between is named from it (glibc's loader carries the same banner as
 * its libc.so.6 since glibc 2.33).
 */
enum libc_family libcname_loader_family(const char *path);

/*
 * The version a library file of family fam carries, copied into ver
 * (NUL-terminated); 0, or -1 when the bytes hold none (ver is then "").
 *   glibc: its banner, "... release version 2.36.": the digits and dots
 *          after "release version ", the sentence's last dot left out.
 *   musl:  the version string its loader prints as "Version %s" (the
 *          file has no banner around it): the first string between NUL
 *          bytes that reads MAJOR.MINOR.PATCH followed by nothing or by
 *          letters, digits, '-', '_', '+' (as "1.2.3", "1.2.4-git-5-g1a2b"),
 *          not by another '.' (so "127.0.0.1" is not taken for one).
 */
int libcname_version(enum libc_family fam, const unsigned char *data,
                     size_t len, char *ver, size_t size);

/*
 * One line of /proc/PID/maps, "START-END PERMS OFFSET DEV INODE   PATH":
 * the address range copied into range (as /proc/PID/map_files names the
 * mapping, "7f01c0000000-7f01c0028000") and *path pointing at the path
 * in line ("" for an anonymous mapping; the trailing newline is not part
 * of it, and line is not changed: *path runs to the newline or the end,
 * *pathlen says how far).  0, or -1 when the line is not of that form or
 * the range does not fit.
 */
int libcname_maps_line(const char *line, char *range, size_t rsize,
                       const char **path, size_t *pathlen);

/* The device ("08:01", hex) and inode of the file a maps line names:
 * 0, or -1 when the line is not of that form.  With its path, they tell
 * one mapped file from another without opening it. */
int libcname_maps_file(const char *line, unsigned *major, unsigned *minor,
                       unsigned long *inode);

/*
 * What a program file needs to start, from its first len bytes: the
 * ELF program interpreter (PT_INTERP, "/lib/ld-musl-x86_64.so.1": a
 * dynamic loader, which names the program's C library), or a script's
 * "#!" interpreter (its first word).  1 with interp set; 0 when it needs
 * none (an ELF without PT_INTERP: static; or neither ELF nor script);
 * -1 when the answer lies beyond len, or the file is malformed (interp
 * is then "").  ELF32 and ELF64, either byte order.
 */
int libcname_interp(const unsigned char *data, size_t len, char *interp,
                    size_t size);

/* "glibc 2.36", or "glibc unknown" when version is NULL or empty, into
 * buf; -1 (buf "") for LIBC_OTHER or when it does not fit, else 0. */
int libcname_format(enum libc_family fam, const char *version,
                    char *buf, size_t size);

#endif
