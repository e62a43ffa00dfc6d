/*
 * target.h - the process under test, with its whole process tree.
 *
 * Owns: a PID namespace whose init is ours, so that everything the
 * command starts (a daemon that forks and detaches included) is found and
 * ended with it; its stdout pipe; its exit status.
 * Never: runs the command outside the case's network namespaces (its
 * own, or the side one topo.h makes for nscd, which the caller enters
 * before it starts nscd), its IPC namespace or its sandbox.
 */
#ifndef WHICHNS_TARGET_H
#define WHICHNS_TARGET_H

#include <stdbool.h>
#include <sys/types.h>
#include "envpolicy.h"
#include "sandbox.h"

/* The PATH of the fixed environment (nscd's, a scenario's commands'),
 * and the one a name without '/' is looked up in when the environment
 * has none. */
#define TARGET_PATH ENVPOLICY_PATH

struct target {
	pid_t pid;          /* its init (our child), as our namespace sees it */
	int   out;          /* read end of the command's stdout, nonblocking */
	bool  ended;
	int   status;       /* wait status of the command, once ended:
	                     * WIFSIGNALED when a signal killed it (not an
	                     * exit status of 128 + N) */
	int  *said;         /* where init puts it (shared), until reaped */
	bool  start_failed; /* the command could not start (target_start's
	                     * err says why); it is gone and reaped */
	/* What ran, as its start found it (target_start only): the
	 * absolute path, "PATH -> REAL" when it is a link; and a "#!"
	 * script's interpreter ("/usr/bin/env python3 -> /x/bin/python3"
	 * when env looks it up), else "". */
	char  prog[400], interp[400];
	/* target_prepare's, until target_go: init waits for a word on
	 * go_w; start_r is the start pipe's read end. */
	bool  held;
	int   go_w, start_r;
};

/* target_find's answers besides 0. */
enum { TARGET_NO_PROGRAM = -1, TARGET_NO_INTERP = -2 };

/*
 * The program argv0 names, as the command's own start finds it: a name
 * with '/' as it is (relative to the working directory, or with rootfd
 * to the tree's root, where a command in a root filesystem starts), else
 * the first executable file of that name in path (the PATH the command
 * runs with; NULL: TARGET_PATH; an empty entry is the working directory).  Paths resolve
 * inside the tree whose root is open as rootfd (sandbox_open_in: a link
 * cannot lead out of it), or with rootfd -1 in this process's own view.
 * It must be a regular file with an execute bit, and the interpreter it
 * names (its ELF dynamic loader, or a script's "#!" program) must be
 * there too.  0 with its path in prog; TARGET_NO_PROGRAM or
 * TARGET_NO_INTERP with err "PATH: why" (one line).
 */
int  target_find(int rootfd, const char *argv0, const char *path, char *prog,
                 size_t size, char *err, size_t errsize);

/*
 * Start argv inside the sandbox sb, with stdout on a pipe (t->out), or
 * appended to outpath when it is not NULL, and stderr appended to errpath.
 * Returns once the command has been executed (or after 10 s): when it
 * could not start (no such program in the tree, not executable, its
 * interpreter or loader missing, execve failing, or its sandbox not set
 * up), -1 with t->start_failed and err saying why in one line
 * ("/x: No such file or directory").
 */
int  target_start(struct target *t, char *const argv[], const struct sandbox *sb,
                  const char *outpath, const char *errpath,
                  char *err, size_t errsize);
/* target_start with env (NULL-terminated, lib/envpolicy.h) as the
 * command's environment, and its PATH for the lookup; target_start
 * gives the fixed one (PATH=TARGET_PATH, HOME=/root, LC_ALL=C). */
int  target_start_env(struct target *t, char *const argv[], const char *const *env,
                      const struct sandbox *sb, const char *outpath,
                      const char *errpath, char *err, size_t errsize);
/* target_start without waiting for the command's execve: for commands
 * started again and again while the case watches (triggers), which
 * must not stall it; a failure to start is then only in errpath. */
int  target_spawn(struct target *t, char *const argv[], const struct sandbox *sb,
                  const char *outpath, const char *errpath,
                  char *err, size_t errsize);
int  target_spawn_env(struct target *t, char *const argv[], const char *const *env,
                      const struct sandbox *sb, const char *outpath,
                      const char *errpath, char *err, size_t errsize);
/*
 * target_start_env in two steps (outpath NULL: stdout on t->out):
 * target_prepare starts init, which enters the sandbox, looks the
 * command up (a program not found ends it, as its start would) and then
 * waits;
 * target_go lets it start the command and returns as target_start
 * does.  What the caller does between them (opening the capture) runs
 * while init sets the sandbox up.  target_stop ends a prepared target
 * that was never let go; its command never starts.
 */
int  target_prepare(struct target *t, char *const argv[], const char *const *env,
                    const struct sandbox *sb, const char *errpath,
                    char *err, size_t errsize);
int  target_go(struct target *t, char *err, size_t errsize);
/* Has the whole tree ended?  Reaps it when it has. */
bool target_poll(struct target *t);
/* The init of the command's PID namespace (its processes are the
 * init's descendants: proctree.h), or 0 when there is none (yet). */
pid_t target_init(const struct target *t);
/* End the whole tree now (SIGKILL to its PID namespace) and reap. */
void target_stop(struct target *t);

/* The last lines of the file errpath (the command's stderr), as
 * lib/earlyexit.h shows them, into buf; "" when there are none. */
void target_err_tail(const char *errpath, char *buf, size_t size);
/* env as the reports show it (envpolicy_show, whichns's own mark left
 * out, and the count of variables dropped) into the file path; 0 or -1
 * (errno). */
int  target_env_file(const char *path, const char *const *env,
                     size_t dropped);

#endif
