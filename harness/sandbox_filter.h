/*
 * sandbox_filter.h - the seccomp filter of the sandbox.
 *
 * Owns: the system calls the process under test may not make, or may
 * make only with some arguments, because each would change host-wide
 * state that no namespace holds and no dropped capability guards: the
 * kernel keyrings, kernel modules the kernel loads on the process's
 * behalf (a socket family or protocol, a tty line discipline), and user
 * namespaces (which would let it mount file system types, and so load
 * their modules); and io_uring, whose requests would make those calls
 * (a socket above all) out of the filter's sight.  doc/sandbox.md lists each, and what it cannot stop.
 * Never: kills the process or logs: a denied call fails with the errno a
 * kernel without that feature gives, and the program goes on.
 */
#ifndef WHICHNS_SANDBOX_FILTER_H
#define WHICHNS_SANDBOX_FILTER_H

#include <stddef.h>

/* Set no new privileges and install the filter in the calling thread;
 * its children and every program they execute inherit it.  -1 with err
 * saying why. */
int sandbox_filter_install(char *err, size_t errsize);

#endif
