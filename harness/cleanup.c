/*
 * cleanup.c - end the processes of a run that could not tear down.
 *
 * Parent-death signals already end everything when a run is SIGKILLed
 * (tests/integration/reliability.t kills runs at random moments and finds
 * nothing left, without calling cleanup); this is the safety net for what
 * could slip through (a process that changed its credentials, which
 * clears that signal).  Every process
 * a run starts carries CLEANUP_MARK=<runner pid>.<its start time>; only
 * those whose runner is gone are ended.  It also removes named network
 * namespaces carrying the "whichns-" prefix (whichns makes none itself),
 * and what imports of root filesystems killed with SIGKILL left in the
 * cache ($WHICHNS_CACHE, else /var/cache/whichns; rootimport_sweep).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cleanup.h"
#include "cli.h"
#include "rootimport.h"
#include "spawn.h"

/* /proc/PID/NAME into buf, NUL-terminated; its length, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	return cli_read_small(path, buf, size);
}

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks
 * since boot.  With the pid it names one process for good (pids are
 * reused, start times with them are not).  0 when unreadable. */
static unsigned long long start_time(pid_t pid)
{
	char buf[1024];
	if (read_proc(pid, "stat", buf, sizeof buf) <= 0)
		return 0;
	/* The command name may hold spaces and ')': count from the last ')'. */
	char *p = strrchr(buf, ')');
	unsigned long long t = 0;
	for (int field = 2; p && *p; p++)
		if (*p == ' ' && ++field == 22) {
			t = strtoull(p + 1, NULL, 10);
			break;
		}
	return t;
}

void cleanup_mark(void)
{
	char mark[64];
	snprintf(mark, sizeof mark, "%d.%llu", (int)getpid(), start_time(getpid()));
	setenv(CLEANUP_MARK, mark, 1);
}

/* Marked by a whichns run that no longer exists?  The runs still going
 * are left alone: two runs, or a CI job beside a user, must not end each
 * other's cases. */
static int orphaned(pid_t pid)
{
	char buf[65536];
	ssize_t n = read_proc(pid, "environ", buf, sizeof buf);
	if (n <= 0)
		return 0;
	size_t marklen = strlen(CLEANUP_MARK);
	for (ssize_t off = 0; off < n; off += (ssize_t)strlen(buf + off) + 1) {
		if (strncmp(buf + off, CLEANUP_MARK, marklen) != 0 ||
		    buf[off + (ssize_t)marklen] != '=')
			continue;
		int owner;
		unsigned long long since;
		if (sscanf(buf + off + marklen + 1, "%d.%llu", &owner, &since) != 2)
			return 1;   /* marked, but not by a whichns that says who */
		return owner <= 0 || start_time(owner) != since;
	}
	return 0;
}

static int remove_named_netns(void)
{
	DIR *d = opendir("/run/netns");
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, "whichns-", 8) != 0)
			continue;
		char *argv[] = { "ip", "netns", "delete", e->d_name, NULL };
		char err[256];
		if (spawn_run(argv, NULL, err, sizeof err) == 0) {
			printf("deleted network namespace %s\n", e->d_name);
			n++;
		} else {
			fprintf(stderr, "whichns: ip netns delete %s: %s\n", e->d_name, err);
		}
	}
	closedir(d);
	return n;
}

int cleanup_run(void)
{
	DIR *d = opendir("/proc");
	int n = 0;
	if (!d) {
		fprintf(stderr, "whichns: cannot read /proc: %s\n", strerror(errno));
		return -1;
	}
	pid_t self = getpid();
	for (struct dirent *e; (e = readdir(d));) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid == self || !orphaned(pid))
			continue;
		if (kill(pid, SIGKILL) == 0) {
			printf("ended process %d\n", (int)pid);
			n++;
		}
	}
	closedir(d);
	n += remove_named_netns();
	n += rootimport_sweep(getenv("WHICHNS_CACHE") ? getenv("WHICHNS_CACHE")
	                      : "/var/cache/whichns", true);
	if (n == 0)
		printf("nothing of whichns's was left behind\n");
	return n;
}
