/*
 * probe_libc.h - the name and version of the C library a probe runs on,
 * as the library itself says it: "glibc 2.36", "musl 1.2.3", or
 * "musl unknown" when it cannot say.
 *
 * This is the canonical form of a C library's name in whichns: the
 * harness reads the same string from the library file of any other
 * program (harness/lib/libcname.h, harness/proctree.c), and the expected
 * verdicts are keyed by it (fixtures/expected/glibc-2.36, musl-1.2.3).
 * tests/integration/libc.t checks that both ways give the same string.
 *
 * Owns: asking the C library.  Never: links harness code (probes are
 * compiled inside old root filesystems, libc only), or guesses a version.
 */
#ifndef WHICHNS_PROBE_LIBC_H
#define WHICHNS_PROBE_LIBC_H

#include <stddef.h>

/* The C library's name and version into buf (NUL-terminated, cut to
 * size).  glibc: gnu_get_libc_version().  musl has no version API: its
 * dynamic loader prints "musl libc (ARCH)\nVersion 1.2.3" when run
 * without arguments, so the probe runs it once (a static binary has no
 * loader: "musl unknown"). */
void probe_libc(char *buf, size_t size);

#endif
