/*
 * spawn.h - child processes that cannot outlive the harness.
 *
 * Owns: fork with a parent-death signal, exec with redirections, waiting
 * with a deadline, killing and reaping.
 * Never: leaves a child unreaped on a path it controls.
 */
#ifndef WHICHNS_SPAWN_H
#define WHICHNS_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* fork(); in the child, arrange SIGKILL when the parent dies, and the
 * scheduling priority this process had before spawn_priority(true).
 * Returns as fork() does. */
pid_t spawn_fork(void);
/* What spawn_fork does in its child (parent: getpid() before the fork),
 * for a child made otherwise (a raw clone). */
void  spawn_child_setup(pid_t parent);
/* vfork() as spawn_fork() sets its child up, then child(arg) in the
 * child, which must execve or _exit (127 if it returns).  We wait
 * until it has: no copy of our memory is made, so what child changes
 * stays changed here (memory it allocates and does not free, say):
 * it should make system calls and write its own arrays, little else.
 * Returns the child's PID, or -1 with errno. */
pid_t spawn_vfork_exec(void (*child)(void *), void *arg);

/* Schedule this process (a case: the observer) `by` nice steps before
 * the processes it starts, while it observes (on), or as it was (off);
 * the processes it starts keep the priority it had at its first call:
 * on a machine busy with many cases, a case still sees a probe's pause,
 * makes the switch and drains its capture in time, while its own set-up
 * work does not push the others' processes aside.  0, or -1 with errno. */
int spawn_priority(bool on);

/* Run argv (PATH searched), stdin fed from input (may be NULL), stdout and
 * stderr into errbuf (truncated).  Returns the exit status (0..255), or
 * -1 when it could not run or was killed; errbuf then says why. */
int spawn_run(char *const argv[], const char *input, char *errbuf,
              size_t errsize);

/* Wait up to timeout_ms for pid to end, then SIGKILL it; always reaps.
 * Returns the wait status, or -1 when pid <= 0 or already reaped. */
int spawn_wait(pid_t pid, unsigned timeout_ms);
/* SIGTERM, wait up to grace_ms, then SIGKILL; always reaps.  Returns the
 * wait status, or -1 when pid <= 0 or already reaped. */
int spawn_stop(pid_t pid, unsigned grace_ms);
/* Wait status st in words, into buf: "was killed by signal 9 (Killed)",
 * "exited with status 3". */
void spawn_describe_end(int st, char *buf, size_t size);

/* Reopen fd onto path (O_WRONLY|O_CREAT|O_TRUNC, or O_RDONLY for fd 0). */
int spawn_redirect(int fd, const char *path);
/* Reopen fd onto path for appending (several writers share one log). */
int spawn_append(int fd, const char *path);

/* The absolute path of program name in PATH, looked up once and kept
 * (a long PATH costs milliseconds per exec); NULL when not found. */
const char *spawn_which(const char *name);

/* Wall clock (the capture's clock) as epoch seconds. */
double now_realtime(void);

#endif
