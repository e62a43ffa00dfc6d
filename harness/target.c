/*
 * target.c - the command under test in a PID namespace of its own.
 *
 * keeper (our child, parent PID namespace)
 *   init (PID 1 of the new namespace: enters the sandbox, reaps orphans)
 *     command
 * When the command and everything it started have ended, init exits with
 * the command's status and keeper passes it on.  Ending keeper ends init
 * (parent-death signal), and the kernel kills every process left in a PID
 * namespace whose init dies: nothing the command forked can escape.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "libcname.h"
#include "sandbox.h"
#include "spawn.h"
#include "target.h"

/* The exit code that carries a command's wait status through two exits. */
static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/*
 * The process under test starts clean: only fds 0-2, as init set them
 * (init_fds), and a fixed environment, so that the caller's RES_OPTIONS,
 * LOCALDOMAIN or LD_PRELOAD cannot change a verdict behind the
 * scenario's back.
 */
static void run_command(char *const argv[])
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                     "/usr/bin:/sbin:/bin";
	char mark[128];
	const char *run = getenv(CLEANUP_MARK);
	snprintf(mark, sizeof mark, "%s=%s", CLEANUP_MARK, run ? run : "");
	char *env[] = { path, "HOME=/root", "LC_ALL=C", mark, NULL };

	execvpe(argv[0], argv, env);
	fprintf(stderr, "whichns: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * init keeps no descriptor of the case: the command runs as the same
 * user with the same capabilities, so it can open every descriptor of
 * init through /proc/1/fd, and one of the case's (its folder, the
 * capture, the caller's terminal) would lead out of the sandbox.  init
 * holds /dev/null, the command's stdout and its stderr as 0-2, nothing
 * else.  -1 when one of them cannot be set up.
 */
static int init_fds(int out_w, const char *errpath)
{
	int err_w = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (err_w < 0)
		return -1;
	/* Above 2 first, so that neither dup2 below closes the other. */
	int o = fcntl(out_w, F_DUPFD_CLOEXEC, 3), e = fcntl(err_w, F_DUPFD_CLOEXEC, 3);
	if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 ||
	    spawn_redirect(0, "/dev/null") != 0)
		return -1;
	close_range(3, ~0U, 0);
	return 0;
}

/* PID 1 of the command's namespace: enters the sandbox (its /proc, its
 * root, its privileges) in a mount namespace of its own, so the case
 * keeps its view; then starts the command and reaps whatever ends. */
static void init_main(char *const argv[], const struct sandbox *sb, int out_w,
                      const char *errpath)
{
	char err[512];
	/* Not dumpable: the command (same uid, no CAP_SYS_PTRACE) cannot
	 * read init's /proc/1/environ (the caller's whole environment, its
	 * tokens with it), its memory or its descriptors.  The command gets
	 * dumpable back with its execve. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || init_fds(out_w, errpath) != 0)
		_exit(125);
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) {
		dprintf(2, "whichns: private mount namespace: %s\n", strerror(errno));
		_exit(125);
	}
	if (sandbox_enter(sb, err, sizeof err) != 0) {
		dprintf(2, "whichns: sandbox: %s\n", err);
		_exit(125);
	}
	pid_t cmd = spawn_fork();
	if (cmd < 0)
		_exit(125);
	if (cmd == 0)
		run_command(argv);
	close(1);
	close(2);
	int code = 125, st;
	for (;;) {
		pid_t r = wait(&st);
		if (r == cmd)
			code = status_code(st);
		else if (r < 0 && errno == ECHILD)
			_exit(code);
	}
}

static void keeper_main(char *const argv[], const struct sandbox *sb, int out_w,
                        const char *errpath)
{
	if (unshare(CLONE_NEWPID) != 0) {
		fprintf(stderr, "whichns: unshare(CLONE_NEWPID): %s\n", strerror(errno));
		_exit(125);
	}
	pid_t init = spawn_fork();
	if (init < 0)
		_exit(125);
	if (init == 0)
		init_main(argv, sb, out_w, errpath);
	close(out_w);
	int st;
	while (waitpid(init, &st, 0) < 0 && errno == EINTR)
		;
	_exit(status_code(st));
}

int target_start(struct target *t, char *const argv[], const struct sandbox *sb,
                 const char *outpath, const char *errpath,
                 char *err, size_t errsize)
{
	int out[2];
	memset(t, 0, sizeof *t);
	t->out = -1;
	if (outpath) {
		out[0] = -1;
		out[1] = open(outpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (out[1] < 0) {
			snprintf(err, errsize, "cannot write %s: %s", outpath, strerror(errno));
			return -1;
		}
	} else if (pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		return -1;
	}
	t->pid = spawn_fork();
	if (t->pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		if (out[0] >= 0)
			close(out[0]);
		close(out[1]);
		return -1;
	}
	if (t->pid == 0) {
		if (out[0] >= 0)
			close(out[0]);
		keeper_main(argv, sb, out[1], errpath);
	}
	close(out[1]);
	t->out = out[0];
	if (t->out >= 0)
		fcntl(t->out, F_SETFL, O_NONBLOCK);
	return 0;
}

/* The first child of pid, from /proc (the command under our init). */
static pid_t first_child(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(path, "re");
	int child = 0;
	if (f) {
		if (fscanf(f, "%d", &child) != 1)
			child = 0;
		fclose(f);
	}
	return (pid_t)child;
}

/* Largest library file target_libc maps to read its version. */
#define LIBC_FILE_MAX (64u << 20)

/*
 * The name and version of the C library mapped at range in pid's memory
 * (fam says which: lib/libcname.h reads the bytes).  The file is opened
 * through map_files, so it is the very file mapped, even in the sandbox
 * (whose paths in maps are relative to its root, not ours).  A file that
 * cannot be read or has no version still names its C library:
 * "musl unknown".
 */
static int libc_of_file(pid_t pid, const char *range, enum libc_family fam,
                        char *buf, size_t size)
{
	char path[128], ver[LIBCNAME_VERSION_MAX + 1] = "";
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/map_files/%s", (int)pid, range);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (unsigned long long)st.st_size <= LIBC_FILE_MAX) {
		/* Read, not mapped: the process may truncate a file it mapped
		 * (one in its /tmp), and a mapping would then end the case with
		 * SIGBUS; a read just gets fewer bytes. */
		size_t len = (size_t)st.st_size, n = 0;
		unsigned char *data = malloc(len);
		ssize_t r;
		while (data && n < len && (r = pread(fd, data + n, len - n, (off_t)n)) > 0)
			n += (size_t)r;
		if (data)
			libcname_version(fam, data, n, ver, sizeof ver);
		free(data);
	}
	if (fd >= 0)
		close(fd);
	return libcname_format(fam, ver, buf, size);
}

int target_libc(const struct target *t, char *buf, size_t size)
{
	pid_t init = t->pid > 0 ? first_child(t->pid) : 0;
	pid_t cmd = init > 0 ? first_child(init) : 0;
	char path[64], line[PATH_MAX + 128];
	if (cmd <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)cmd);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = -1;
	enum libc_family fam = LIBC_OTHER;
	while (fam == LIBC_OTHER && fgets(line, sizeof line, f)) {
		char *lib = strchr(line, '/');
		if (!lib)
			continue;
		lib[strcspn(lib, "\n")] = '\0';
		line[strcspn(line, " ")] = '\0';   /* the address range */
		fam = libcname_family(lib);
		if (fam != LIBC_OTHER)
			rc = libc_of_file(cmd, line, fam, buf, size);
	}
	fclose(f);
	return rc;
}

bool target_poll(struct target *t)
{
	if (!t->ended && t->pid > 0 && waitpid(t->pid, &t->status, WNOHANG) == t->pid)
		t->ended = true;
	return t->ended;
}

/*
 * SIGKILL to our init: the kernel then kills every process of the PID
 * namespace, and init's death completes only once they are all gone; the
 * keeper reaps init and exits.  So when the keeper is reaped, nothing of
 * the command is left to send a late packet.
 */
void target_stop(struct target *t)
{
	if (t->pid > 0 && !t->ended) {
		pid_t init = first_child(t->pid);
		if (init > 0)
			kill(init, SIGKILL);
		else
			kill(t->pid, SIGKILL);   /* no init yet: the keeper alone */
		t->status = spawn_wait(t->pid, 2000);
		t->ended = true;
	}
	if (t->out >= 0) {
		close(t->out);
		t->out = -1;
	}
}
