/*
 * target.c - the command under test in a PID namespace of its own.
 *
 * init (our child, PID 1 of a new namespace: enters the sandbox, reaps
 *       orphans)
 *   command
 * When the command and everything it started have ended, init exits with
 * the command's status.  Ending init (SIGKILL, or the case's death: its
 * parent-death signal) makes the kernel kill every process left in its
 * PID namespace: nothing the command forked can escape.
 *
 * A command that cannot start must not become a verdict ("ended before
 * the switch"): the command's child holds the write end of a pipe to the
 * case, close-on-exec.  A successful execve closes it; a failure writes
 * why, in one line, and so does init when the sandbox cannot be set up.
 * target_start waits for one or the other.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "earlyexit.h"
#include "envpolicy.h"
#include "libcname.h"
#include "sandbox.h"
#include "spawn.h"
#include "target.h"

/* The exit code that carries a command's wait status through init's
 * exit (the shell's 128 + N for signal N).  It cannot tell exit(139) from
 * SIGSEGV: init also puts the command's own wait status in the page the
 * case shares with it (struct target's said), which can. */
static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Why the command could not start, to the case (fd: the pipe's write
 * end), in one write (a line shorter than PIPE_BUF arrives whole). */
static void say_start_failed(int fd, const char *why)
{
	ssize_t n = write(fd, why, strnlen(why, 1024));
	(void)n;
	dprintf(2, "whichns: %s\n", why);
}

/* execve's ENOEXEC as execvp treats it: a file without a "#!" line is a
 * shell script. */
static void exec_as_script(const char *prog, char *const argv[], char *const env[])
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **sh = calloc(n + 2, sizeof *sh);
	if (!sh)
		return;
	sh[0] = (char *)(uintptr_t)"/bin/sh";
	sh[1] = (char *)(uintptr_t)prog;
	for (size_t i = 1; i < n; i++)
		sh[i + 1] = argv[i];
	execve("/bin/sh", sh, env);
	free(sh);
}

/* The "#!" interpreter of prog, for the report: "" for a program that is
 * not a script; "/usr/bin/env NAME -> FOUND" when env looks NAME up in
 * path (as env will, in the same environment). */
static void find_interp(const char *prog, const char *path, char *buf,
                        size_t size)
{
	unsigned char head[1024];
	char interp[PATH_MAX], arg[PATH_MAX], found[PATH_MAX], why[PATH_MAX + 64];
	ssize_t n = -1;
	int fd = open(prog, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	buf[0] = '\0';
	if (fd >= 0) {
		n = pread(fd, head, sizeof head, 0);
		close(fd);
	}
	if (n <= 0 || envpolicy_shebang(head, (size_t)n, interp, sizeof interp,
	                                arg, sizeof arg) != 1)
		return;
	const char *base = strrchr(interp, '/');
	base = base ? base + 1 : interp;
	arg[strcspn(arg, " \t")] = '\0';
	if (strcmp(base, "env") == 0 && arg[0] && arg[0] != '-' &&
	    target_find(-1, arg, path, found, sizeof found, why, sizeof why) == 0)
		snprintf(buf, size, "%s %s -> %s", interp, arg, found);
	else
		snprintf(buf, size, "%s", interp);
}

/* What is about to run, to the case through the start pipe (fd 3), one
 * "\001prog\t..." and "\001interp\t..." line each: its absolute path
 * (and the real one behind a link) and its interpreter.  A failure that
 * follows is written after them, unmarked. */
static void say_program(const char *prog, const char *path)
{
	char abs[PATH_MAX + 8], real[PATH_MAX], cwd[PATH_MAX], interp[PATH_MAX * 2],
	     line[PATH_MAX * 3 + 64];
	if (prog[0] != '/' && getcwd(cwd, sizeof cwd))
		snprintf(abs, sizeof abs, "%s/%s", strcmp(cwd, "/") ? cwd : "",
		         prog[0] == '.' && prog[1] == '/' ? prog + 2 : prog);
	else
		snprintf(abs, sizeof abs, "%s", prog);
	bool link = realpath(prog, real) && strcmp(real, abs) != 0;
	find_interp(prog, path, interp, sizeof interp);
	int k = snprintf(line, sizeof line, "\001prog\t%s%s%s\n\001interp\t%s\n",
	                 abs, link ? " -> " : "", link ? real : "", interp);
	if (k > 0) {
		ssize_t w = write(3, line, (size_t)k < sizeof line ? (size_t)k
		                                                   : sizeof line - 1);
		(void)w;
	}
}

/*
 * The process under test starts with only fds 0-2, as init set them
 * (init_fds), and the environment env (lib/envpolicy.h: the caller's
 * without the variables that change name resolution, or the fixed one,
 * with what --env set), or with env NULL the fixed one.  The program is
 * looked up once, by init in the sandbox before the word to start it
 * (command_find), with the PATH of that environment, and execve'd by the
 * path found.  fd 3 is the start pipe (close-on-exec).
 */
struct command {
	char *const       *argv;
	const char *const *env;   /* NULL: the fixed one */
	/* command_find's: */
	char               mark[128];
	char              *fixed[5];
	char *const       *envp;  /* env, or fixed */
	char               prog[PATH_MAX];
};

/* What is about to run, to the case (say_program); a program that cannot
 * be found ends init here, with the exit code its start would have. */
static void command_find(struct command *c)
{
	static char path[] = "PATH=" TARGET_PATH, home[] = "HOME=/root",
	            lc[] = "LC_ALL=C";
	char why[PATH_MAX + 200];
	const char *run = getenv(CLEANUP_MARK);
	snprintf(c->mark, sizeof c->mark, "%s=%s", CLEANUP_MARK, run ? run : "");
	c->fixed[0] = path;
	c->fixed[1] = home;
	c->fixed[2] = lc;
	c->fixed[3] = c->mark;
	c->fixed[4] = NULL;
	c->envp = c->env ? (char *const *)(uintptr_t)c->env : c->fixed;
	const char *search = envpolicy_get((const char *const *)c->envp, "PATH");
	if (target_find(-1, c->argv[0], search, c->prog, sizeof c->prog, why,
	                sizeof why) != 0) {
		say_start_failed(3, why);
		_exit(127);
	}
	say_program(c->prog, search);
}

static void run_command(void *arg)
{
	const struct command *c = arg;
	char why[PATH_MAX + 200];
	execve(c->prog, c->argv, c->envp);
	int e = errno;
	if (e == ENOEXEC)
		exec_as_script(c->prog, c->argv, c->envp);
	snprintf(why, sizeof why, "%s: %s", c->prog, strerror(e));
	say_start_failed(3, why);
	_exit(e == ENOENT ? 127 : 126);
}

/*
 * init keeps no descriptor of the case: the command runs as the same
 * user with the same capabilities, so it can open every descriptor of
 * init through /proc/1/fd, and one of the case's (its folder, the
 * capture, the caller's terminal) would lead out of the sandbox.  init
 * holds /dev/null, the command's stdout and its stderr as 0-2, and until
 * the command is forked the start pipe as 3 (a pipe to the case, read
 * only until the command's execve) and, held, the go pipe's read end
 * as 4 (go_r, or -1), nothing else.  -1 when one of them cannot be set
 * up.
 */
#define INIT_GO_FD 4
static int init_fds(int out_w, const char *errpath, int start_w, int go_r)
{
	int err_w = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (err_w < 0)
		return -1;
	/* Above 4 first, so that no dup below closes another. */
	int o = fcntl(out_w, F_DUPFD_CLOEXEC, 5), e = fcntl(err_w, F_DUPFD_CLOEXEC, 5),
	    x = fcntl(start_w, F_DUPFD_CLOEXEC, 5),
	    g = go_r < 0 ? -1 : fcntl(go_r, F_DUPFD_CLOEXEC, 5);
	if (o < 0 || e < 0 || x < 0 || (go_r >= 0 && g < 0) ||
	    dup2(o, 1) < 0 || dup2(e, 2) < 0 || dup3(x, 3, O_CLOEXEC) < 0 ||
	    (g >= 0 && dup3(g, INIT_GO_FD, O_CLOEXEC) < 0) ||
	    spawn_redirect(0, "/dev/null") != 0)
		return -1;
	close_range(g >= 0 ? INIT_GO_FD + 1 : 3 + 1, ~0U, 0);
	return 0;
}

/* Held (target_prepare): wait for target_go's word on the go pipe.  Its
 * end without a word (the case ended it, or ended) starts nothing. */
static void wait_for_go(void)
{
	char b;
	ssize_t n;
	while ((n = read(INIT_GO_FD, &b, 1)) < 0 && errno == EINTR)
		;
	close(INIT_GO_FD);
	if (n != 1)
		_exit(125);
}

/* PID 1 of the command's namespace: enters the sandbox (its /proc, its
 * root, its privileges) in a mount namespace of its own, so the case
 * keeps its view; then starts the command and reaps whatever ends. */
static void init_main(char *const argv[], const char *const *env,
                      const struct sandbox *sb, int out_w,
                      const char *errpath, int start_w, int go_r, int *said)
{
	char err[512], why[600];
	if (start_w < 0)   /* target_spawn: nobody waits for the word */
		start_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
	/* Not dumpable: the command (same uid, no CAP_SYS_PTRACE) cannot
	 * read init's /proc/1/environ (the caller's whole environment, its
	 * tokens with it), its memory or its descriptors.  The command gets
	 * dumpable back with its execve. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    init_fds(out_w, errpath, start_w, go_r) != 0) {
		snprintf(why, sizeof why, "its init could not set up its descriptors "
		         "(%s)", strerror(errno));
		ssize_t n = write(start_w, why, strlen(why));
		(void)n;
		_exit(125);
	}
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) {
		snprintf(why, sizeof why, "private mount namespace: %s", strerror(errno));
		say_start_failed(3, why);
		_exit(125);
	}
	if (sandbox_enter(sb, err, sizeof err) != 0) {
		snprintf(why, sizeof why, "sandbox: %s", err);
		say_start_failed(3, why);
		_exit(125);
	}
	/* Found while the case still sets up; then, on its word, vfork:
	 * init waits anyway, and the command execs at once. */
	struct command cmdline = { .argv = argv, .env = env };
	command_find(&cmdline);
	if (go_r >= 0)
		wait_for_go();
	pid_t cmd = spawn_vfork_exec(run_command, &cmdline);
	if (cmd < 0) {
		snprintf(why, sizeof why, "fork: %s", strerror(errno));
		say_start_failed(3, why);
		_exit(125);
	}
	close(1);
	close(2);
	close(3);   /* the command's copy says whether it started */
	int code = 125, st;
	for (;;) {
		pid_t r = wait(&st);
		if (r == cmd) {
			code = status_code(st);
			__atomic_store_n(said, st, __ATOMIC_SEQ_CST);
		}
		else if (r < 0 && errno == ECHILD)
			_exit(code);
	}
}

/*
 * Fork init as PID 1 of a new PID namespace, with no process in between
 * (a fork and an exit less per command): clone(2) with CLONE_NEWPID and
 * no stack of its own, which is fork with a new namespace, made by the
 * raw system call as bubblewrap makes its PID 1.  glibc's fork handlers
 * do not run, and nothing in this single-threaded process needs them.
 * 0 in init; init's PID, or -1 with errno, here.
 */
static pid_t fork_init(void)
{
	pid_t parent = getpid();
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL,
	                           NULL, NULL);
	if (pid == 0)
		spawn_child_setup(parent);
	return pid;
}

/* Wait for the start pipe's answer: "" when the command was executed
 * (every write end closed without a word), else why it could not start.
 * Gives up after 10 s, as if it had started (the case's timeout then
 * says the rest). */
static void read_start(int fd, char *why, size_t size)
{
	size_t n = 0;
	why[0] = '\0';
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 10000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ssize_t k = read(fd, why + n, size - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == size - 1)
			break;
	}
	why[n] = '\0';
}

/* The start pipe's text: the "\001prog\t" and "\001interp\t" lines
 * (say_program) into t; why keeps the first other line, the failure,
 * or "" when there is none. */
static void take_program(struct target *t, char *why)
{
	char *p = why, *fail = NULL;
	while (*p) {
		char *nl = p + strcspn(p, "\n");
		char keep = *nl;
		*nl = '\0';
		if (strncmp(p, "\001prog\t", 6) == 0)
			snprintf(t->prog, sizeof t->prog, "%s", p + 6);
		else if (strncmp(p, "\001interp\t", 8) == 0)
			snprintf(t->interp, sizeof t->interp, "%s", p + 8);
		else if (!fail && *p)
			fail = p;
		if (!keep)
			break;
		p = nl + 1;
	}
	if (fail)
		memmove(why, fail, strlen(fail) + 1);
	else
		why[0] = '\0';
}

/* The command's own wait status, once the tree is reaped: what init said
 * (-1: it reaped no command, e.g. the case ended it first), else
 * init's.  The page is then unmapped. */
static void unshare_said(struct target *t)
{
	if (!t->said)
		return;
	int st = __atomic_load_n(t->said, __ATOMIC_SEQ_CST);
	if (t->ended && st != -1)
		t->status = st;
	munmap(t->said, sizeof *t->said);
	t->said = NULL;
}

static int start_failed(struct target *t, char *err, size_t errsize,
                        const char *why)
{
	snprintf(err, errsize, "%s", why);
	target_stop(t);
	t->start_failed = true;
	return -1;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

/* How start() hands over: target_spawn's (no start pipe: its init's fd
 * 3 is /dev/null), target_start's (once the command was executed), or
 * target_prepare's (init held until target_go). */
enum start_mode { START_SPAWN, START_WAIT, START_HOLD };

/* The start pipe's word (a failure, or the command executed). */
static int started(struct target *t, int start_r, char *err, size_t errsize)
{
	char why[4096];
	read_start(start_r, why, sizeof why);
	close(start_r);
	take_program(t, why);
	return why[0] ? start_failed(t, err, errsize, why) : 0;
}

static int start(struct target *t, char *const argv[], const char *const *env,
                 const struct sandbox *sb, const char *outpath,
                 const char *errpath, enum start_mode mode, char *err,
                 size_t errsize)
{
	int out[2] = { -1, -1 }, st[2] = { -1, -1 }, go[2] = { -1, -1 };
	memset(t, 0, sizeof *t);
	t->out = t->go_w = t->start_r = -1;
	/* Shared with init; the command's execve drops it. */
	void *page = mmap(NULL, sizeof *t->said, PROT_READ | PROT_WRITE,
	                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		snprintf(err, errsize, "mmap: %s", strerror(errno));
		return -1;
	}
	t->said = page;
	*t->said = -1;
	if ((mode != START_SPAWN && pipe2(st, O_CLOEXEC) != 0) ||
	    (mode == START_HOLD && pipe2(go, O_CLOEXEC) != 0) ||
	    (!outpath && pipe2(out, O_CLOEXEC) != 0)) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (outpath && (out[1] = open(outpath, O_WRONLY | O_CREAT | O_APPEND |
	                              O_CLOEXEC, 0644)) < 0) {
		snprintf(err, errsize, "cannot write %s: %s", outpath, strerror(errno));
		goto fail;
	}
	if ((t->pid = fork_init()) < 0) {
		snprintf(err, errsize, "a PID namespace for the command: %s",
		         strerror(errno));
		goto fail;
	}
	if (t->pid == 0) {
		if (out[0] >= 0)
			close(out[0]);
		if (st[0] >= 0)
			close(st[0]);
		if (go[1] >= 0)
			close(go[1]);
		init_main(argv, env, sb, out[1], errpath, st[1], go[0], t->said);
	}
	close(out[1]);
	t->out = out[0];
	if (t->out >= 0)
		fcntl(t->out, F_SETFL, O_NONBLOCK);
	if (st[1] >= 0)
		close(st[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (mode == START_SPAWN)
		return 0;
	if (mode == START_WAIT)
		return started(t, st[0], err, errsize);
	t->held = true;
	t->go_w = go[1];
	t->start_r = st[0];
	return 0;
fail:
	close_pair(out);
	close_pair(st);
	close_pair(go);
	unshare_said(t);
	return -1;
}

int target_start(struct target *t, char *const argv[], const struct sandbox *sb,
                 const char *outpath, const char *errpath,
                 char *err, size_t errsize)
{
	return start(t, argv, NULL, sb, outpath, errpath, START_WAIT, err, errsize);
}

int target_spawn(struct target *t, char *const argv[], const struct sandbox *sb,
                 const char *outpath, const char *errpath,
                 char *err, size_t errsize)
{
	return start(t, argv, NULL, sb, outpath, errpath, START_SPAWN, err, errsize);
}

int target_start_env(struct target *t, char *const argv[], const char *const *env,
                     const struct sandbox *sb, const char *outpath,
                     const char *errpath, char *err, size_t errsize)
{
	return start(t, argv, env, sb, outpath, errpath, START_WAIT, err, errsize);
}

int target_prepare(struct target *t, char *const argv[], const char *const *env,
                   const struct sandbox *sb, const char *errpath,
                   char *err, size_t errsize)
{
	return start(t, argv, env, sb, NULL, errpath, START_HOLD, err, errsize);
}

int target_go(struct target *t, char *err, size_t errsize)
{
	int start_r = t->start_r;
	/* A write to an init that ended fails (EPIPE; SIGPIPE is ignored):
	 * the start pipe then says why it ended. */
	ssize_t w = write(t->go_w, "g", 1);
	(void)w;
	close(t->go_w);
	t->go_w = t->start_r = -1;
	t->held = false;
	return started(t, start_r, err, errsize);
}

int target_spawn_env(struct target *t, char *const argv[], const char *const *env,
                     const struct sandbox *sb, const char *outpath,
                     const char *errpath, char *err, size_t errsize)
{
	return start(t, argv, env, sb, outpath, errpath, START_SPAWN, err, errsize);
}

void target_err_tail(const char *errpath, char *buf, size_t size)
{
	char text[8192];
	ssize_t n = -1;
	struct stat st;
	buf[0] = '\0';
	int fd = open(errpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		off_t at = st.st_size > (off_t)sizeof text
		           ? st.st_size - (off_t)sizeof text : 0;
		n = pread(fd, text, sizeof text, at);
	}
	close(fd);
	if (n > 0)
		earlyexit_tail(text, (size_t)n, EARLYEXIT_LINES, buf, size);
}

int target_env_file(const char *path, const char *const *env,
                    size_t dropped)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	envpolicy_show(f, env, CLEANUP_MARK, dropped);
	return fclose(f) == 0 ? 0 : -1;
}

pid_t target_init(const struct target *t)
{
	return t->pid > 0 && !t->ended ? t->pid : 0;
}

bool target_poll(struct target *t)
{
	if (!t->ended && t->pid > 0 && waitpid(t->pid, &t->status, WNOHANG) == t->pid) {
		t->ended = true;
		unshare_said(t);
	}
	return t->ended;
}

/*
 * SIGKILL to our init: the kernel then kills every process of the PID
 * namespace, and init's death completes only once they are all gone.
 * So when init is reaped, nothing of the command is left to send a late
 * packet.
 */
void target_stop(struct target *t)
{
	if (t->held) {   /* prepared, never let go: init starts nothing */
		close(t->go_w);
		close(t->start_r);
		t->go_w = t->start_r = -1;
		t->held = false;
	}
	if (t->pid > 0 && !t->ended) {
		kill(t->pid, SIGKILL);
		t->status = spawn_wait(t->pid, 2000);
		t->ended = true;
	}
	unshare_said(t);
	if (t->out >= 0) {
		close(t->out);
		t->out = -1;
	}
}

/* path in the tree: inside rootfd's tree, or in our own view. */
static int open_in(int rootfd, const char *path, int flags)
{
	return rootfd >= 0 ? sandbox_open_in(rootfd, path, flags)
	                   : open(path, flags | O_CLOEXEC);
}

/* Is path a regular file with an execute bit?  0; -1 (with err) when
 * there is nothing there; -2 (with err) when what is there cannot run. */
static int executable(int rootfd, const char *path, char *err, size_t errsize)
{
	struct stat st;
	int fd = open_in(rootfd, path, O_PATH);
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return e == ENOENT || e == ENOTDIR ? -1 : -2;
	}
	close(fd);
	if (S_ISDIR(st.st_mode))
		snprintf(err, errsize, "%s: %s", path, strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		snprintf(err, errsize, "%s: not a regular file", path);
	else if (!(st.st_mode & 0111))
		snprintf(err, errsize, "%s: not executable (mode %04o)", path,
		         (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return -2;
}

/* The interpreter prog names (ELF loader, "#!") must be in the tree. */
static int interp_there(int rootfd, const char *prog, char *err, size_t errsize)
{
	unsigned char head[4096];
	char interp[PATH_MAX], why[PATH_MAX + 64];
	ssize_t n = -1;
	int fd = open_in(rootfd, prog, O_RDONLY | O_NONBLOCK);
	if (fd >= 0) {
		n = pread(fd, head, sizeof head, 0);
		close(fd);
	}
	/* Unreadable, cut short or malformed: let execve say. */
	if (n < 0 || libcname_interp(head, (size_t)n, interp, sizeof interp) != 1)
		return 0;
	if (executable(rootfd, interp, why, sizeof why) == 0)
		return 0;
	snprintf(err, errsize, "%s: its interpreter %s is missing or unusable (%s)",
	         prog, interp, why);
	return TARGET_NO_INTERP;
}

int target_find(int rootfd, const char *argv0, const char *path, char *prog,
                size_t size, char *err, size_t errsize)
{
	char cand[PATH_MAX], why[PATH_MAX + 64], first[PATH_MAX + 64] = "";
	prog[0] = '\0';
	if (!argv0[0]) {
		snprintf(err, errsize, "the command is empty");
		return TARGET_NO_PROGRAM;
	}
	if (strchr(argv0, '/')) {
		if (executable(rootfd, argv0, err, errsize) != 0)
			return TARGET_NO_PROGRAM;
		snprintf(prog, size, "%s", argv0);
		return interp_there(rootfd, prog, err, errsize);
	}
	if (!path)
		path = TARGET_PATH;
	for (const char *d = path; *d;) {
		size_t k = strcspn(d, ":");
		/* An empty entry is the working directory, as for execvp. */
		snprintf(cand, sizeof cand, "%.*s%s%s", (int)k, d, k ? "/" : "./", argv0);
		d += k + (d[k] == ':');
		/* A file that cannot run: execvp goes on, and says so when
		 * nothing else is found. */
		int rc = executable(rootfd, cand, why, sizeof why);
		if (rc == -2 && !first[0])
			snprintf(first, sizeof first, "%s", why);
		if (rc != 0)
			continue;
		snprintf(prog, size, "%s", cand);
		return interp_there(rootfd, prog, err, errsize);
	}
	if (first[0])
		snprintf(err, errsize, "%s", first);
	else
		snprintf(err, errsize, "%s: not found in PATH (%s)", argv0, path);
	return TARGET_NO_PROGRAM;
}
