/*
 * target.h - the process under test, with its whole process tree.
 *
 * Owns: a PID namespace whose init is ours, so that everything the
 * command starts (a daemon that forks and detaches included) is found and
 * ended with it; its stdout pipe; its exit status.
 * Never: runs the command outside the case's network namespace, its
 * IPC namespace or its sandbox.
 */
#ifndef WHICHNS_TARGET_H
#define WHICHNS_TARGET_H

#include <stdbool.h>
#include <sys/types.h>
#include "sandbox.h"

struct target {
	pid_t pid;          /* our keeper in the parent PID namespace */
	int   out;          /* read end of the command's stdout, nonblocking */
	bool  ended;
	int   status;       /* wait status of the command, once ended */
};

/*
 * Start argv inside the sandbox sb, with stdout on a pipe (t->out), or
 * appended to outpath when it is not NULL, and stderr appended to errpath.
 */
int  target_start(struct target *t, char *const argv[], const struct sandbox *sb,
                  const char *outpath, const char *errpath,
                  char *err, size_t errsize);
/* Has the whole tree ended?  Reaps it when it has. */
bool target_poll(struct target *t);
/* Which C library the command has loaded, read from its memory map and
 * the library file itself, in the form the probes print ("glibc 2.36",
 * "musl 1.2.3": lib/libcname.h); 0, or -1 when it has none we know. */
int  target_libc(const struct target *t, char *buf, size_t size);
/* End the whole tree now (SIGKILL to its PID namespace) and reap. */
void target_stop(struct target *t);

#endif
