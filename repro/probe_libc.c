/*
 * probe_libc.c - the C library's name and version; see probe_libc.h.
 *
 * Plain libc only (glibc 2.31 and later, musl).
 */
#include <stdio.h>

#include "probe_libc.h"

#ifdef __GLIBC__
#include <gnu/libc-version.h>

void probe_libc(char *buf, size_t size)
{
	snprintf(buf, size, "glibc %s", gnu_get_libc_version());
}

#else
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The loader is the object mapped at AT_BASE (maps shows the symlink's
 * target, so matching on "ld-musl" alone would miss it).
 */
static int loader_path(char *path, size_t size)
{
	unsigned long base = getauxval(AT_BASE);
	char line[PATH_MAX + 128];
	int found = -1;

	if (base == 0)
		return -1;  /* static binary: no loader to ask */
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		unsigned long start;
		int off = 0;
		if (sscanf(line, "%lx-%*x %*s %*s %*s %*s %n", &start, &off) < 1
		    || off == 0 || start != base || line[off] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line + off) < size) {
			memcpy(path, line + off, strlen(line + off) + 1);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* What the loader at path prints when run without arguments, into out. */
static int loader_says(char *path, char *out, size_t size)
{
	size_t got = 0;
	ssize_t r;
	int fd[2];

	if (pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		char *const argv[] = { path, NULL };
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		execv(path, argv);
		_exit(127);
	}
	close(fd[1]);
	while (got < size - 1) {
		r = read(fd[0], out + got, size - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	out[got] = '\0';
	return 0;
}

/* "musl libc (x86_64)\nVersion 1.2.3\n...": the version into ver. */
static int musl_version(char *ver, size_t size)
{
	char path[PATH_MAX], out[512];

	if (loader_path(path, sizeof path) < 0 ||
	    loader_says(path, out, sizeof out) < 0)
		return -1;
	const char *v = strstr(out, "\nVersion ");
	if (strncmp(out, "musl libc", 9) != 0 || !v)
		return -1;
	v += strlen("\nVersion ");
	size_t len = strspn(v, "0123456789.-_+abcdefghijklmnopqrstuvwxyz"
	                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (len == 0 || len >= size)
		return -1;
	memcpy(ver, v, len);
	ver[len] = '\0';
	return 0;
}

void probe_libc(char *buf, size_t size)
{
	char ver[64];
	if (musl_version(ver, sizeof ver) == 0)
		snprintf(buf, size, "musl %s", ver);
	else
		snprintf(buf, size, "musl unknown");
}
#endif
