/*
 * spawn.c - processes that die with the harness.
 *
 * PR_SET_PDEATHSIG makes the kernel kill a child when its parent dies, so
 * even a SIGKILLed harness leaves no dnsmasq or probe behind; the check of
 * getppid() closes the race where the parent died before the prctl.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "spawn.h"

const char *spawn_which(const char *name)
{
	static struct { char name[32]; char path[PATH_MAX]; } cache[8];
	static size_t n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].path;
	const char *env = getenv("PATH");
	char path[4096];
	snprintf(path, sizeof path, "%s", env ? env : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char full[PATH_MAX];
		snprintf(full, sizeof full, "%s/%s", d, name);
		if (access(full, X_OK) != 0)
			continue;
		if (n == sizeof cache / sizeof cache[0])
			return NULL;
		snprintf(cache[n].name, sizeof cache[n].name, "%s", name);
		snprintf(cache[n].path, sizeof cache[n].path, "%s", full);
		return cache[n++].path;
	}
	return NULL;
}

double now_realtime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The nice value children start with; INT_MIN: what they inherit. */
static int child_nice = INT_MIN;

#define OBSERVER_STEPS 10   /* nice steps ahead, while observing */

int spawn_priority(bool on)
{
	if (child_nice == INT_MIN) {
		errno = 0;
		int nice = getpriority(PRIO_PROCESS, 0);
		if (nice == -1 && errno != 0)
			return -1;
		child_nice = nice;
	}
	return setpriority(PRIO_PROCESS, 0, child_nice - (on ? OBSERVER_STEPS : 0));
}

/* A child's first steps (parent: the PID it was forked by).  System
 * calls only, on its own stack: spawn_vfork_exec's child shares our
 * memory. */
void spawn_child_setup(pid_t parent)
{
	/* getppid() is 0 for the first child in a new PID namespace. */
	pid_t pp = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || (pp != parent && pp != 0))
		_exit(127);
	/* The harness blocks these to handle them in its loop; children
	 * must start with them at their defaults. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (child_nice != INT_MIN && setpriority(PRIO_PROCESS, 0, child_nice) != 0)
		_exit(127);
}

pid_t spawn_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		spawn_child_setup(parent);
	return pid;
}

pid_t spawn_vfork_exec(void (*child)(void *), void *arg)
{
	pid_t parent = getpid();
	pid_t pid = vfork();
	if (pid == 0) {
		spawn_child_setup(parent);
		child(arg);
		_exit(127);
	}
	return pid;
}

static int reopen(int fd, const char *path, int flags)
{
	int nfd = open(path, flags | O_CLOEXEC, 0644);
	if (nfd < 0)
		return -1;
	int rc = dup2(nfd, fd);   /* dup2 clears O_CLOEXEC on fd */
	close(nfd);
	return rc < 0 ? -1 : 0;
}

int spawn_redirect(int fd, const char *path)
{
	return reopen(fd, path, fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC);
}

int spawn_append(int fd, const char *path)
{
	return reopen(fd, path, O_WRONLY | O_CREAT | O_APPEND);
}

static void read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == size - 1) {  /* full: drain the rest so the child ends */
			char sink[512];
			while (read(fd, sink, sizeof sink) > 0)
				;
			break;
		}
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

int spawn_run(char *const argv[], const char *input, char *errbuf,
              size_t errsize)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	errbuf[0] = '\0';
	pid_t pid = -1;
	if (pipe2(out, O_CLOEXEC) != 0 || (input && pipe2(in, O_CLOEXEC) != 0) ||
	    (pid = spawn_fork()) < 0) {
		snprintf(errbuf, errsize, "%s: %s", out[0] < 0 || (input && in[0] < 0)
		         ? "pipe" : "fork", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (out[i] >= 0)
				close(out[i]);
			if (in[i] >= 0)
				close(in[i]);
		}
		return -1;
	}
	if (pid == 0) {
		if (input)
			dup2(in[0], 0);
		else
			spawn_redirect(0, "/dev/null");
		dup2(out[1], 1);
		dup2(out[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (input) {
		close(in[0]);
		/* Inputs are a few hundred bytes: below the pipe buffer. */
		size_t len = strlen(input);
		if (write(in[1], input, len) != (ssize_t)len)
			snprintf(errbuf, errsize, "write to %s: %s", argv[0],
			         strerror(errno));
		close(in[1]);
	}
	char tmp[1024];
	read_all(out[0], tmp, sizeof tmp);
	close(out[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(errbuf, errsize, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	if (tmp[0])
		snprintf(errbuf, errsize, "%s", tmp);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (!errbuf[0])
		snprintf(errbuf, errsize, "%s killed by signal %d", argv[0],
		         WTERMSIG(st));
	return -1;
}

int spawn_wait(pid_t pid, unsigned timeout_ms)
{
	int st;
	if (pid <= 0)
		return -1;
	/* A pidfd becomes readable when the process ends: wait for exactly
	 * that, at most timeout_ms, instead of polling waitpid. */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (poll(&p, 1, (int)timeout_ms) < 0 && errno == EINTR)
			;
		close(fd);
	}
	pid_t r = waitpid(pid, &st, WNOHANG);
	if (r == pid)
		return st;
	if (r < 0)
		return -1;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}

int spawn_stop(pid_t pid, unsigned grace_ms)
{
	int st;
	if (pid <= 0)
		return -1;
	if (waitpid(pid, &st, WNOHANG) == pid)
		return st;
	kill(pid, SIGTERM);
	return spawn_wait(pid, grace_ms);
}

void spawn_describe_end(int st, char *buf, size_t size)
{
	if (WIFSIGNALED(st))
		snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(st),
		         strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, size, "ended (wait status %#x)", (unsigned)st);
}
