/*
 * proctree.c - sample the command's process tree from /proc; see
 * proctree.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "libcname.h"
#include "proctree.h"

#define TREE_MAX 512          /* processes looked at in one sample */
#define SOCKS_MAX 256         /* DNS-like sockets looked at in one sample */
#define LIBC_FILE_MAX (64u << 20)

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


/* The PIDs of a children file's text, appended to out[*n..max). */
static void pids_of(const char *text, pid_t *out, size_t *n, size_t max)
{
	char *end;
	for (const char *p = text; *n < max; p = end) {
		long c = strtol(p, &end, 10);
		if (end == p)
			break;
		if (c > 0)
			out[(*n)++] = (pid_t)c;
	}
}

/* Append pid's children (every thread's) to out[*n..max). */
static void children_of(pid_t pid, pid_t *out, size_t *n, size_t max)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/children", (int)pid,
		         de->d_name);
		if (cli_read_small(path, buf, sizeof buf) > 0)
			pids_of(buf, out, n, max);
	}
	if (d)
		closedir(d);
}

/*
 * glibc's version, as libcname_version() finds it in the whole file
 * (size bytes), read through a buffer of 16 KiB from the end: the
 * banner is in .rodata, after the code (1.68 MB into glibc 2.36's 1.93
 * MB), so about 16 reads find it (over 100 from the start).  The
 * buffer is small because each of its pages costs the case a page
 * fault (doc/design.md, "What a case costs"), and a read of 16 KiB
 * costs less than two.
 * Each hit of its banner's words in a chunk, in the order of the file,
 * is handed to libcname_version() with the bytes that follow it, until
 * one reads as a version: the last chunk's first such hit wins (glibc
 * has one banner).  Reading the 2 MB file into fresh memory cost
 * about 10 ms of CPU per case (page faults); this, well under 1 ms.
 */
#define BANNER      "release version "
#define BANNER_LEN  (sizeof BANNER - 1)
#define BANNER_ROOM (BANNER_LEN + LIBCNAME_VERSION_MAX + 2)

/* The banner's hits in chunk (len bytes, at offset at of the file). */
static bool banner_in(int fd, const unsigned char *chunk, size_t len, off_t at,
                      char *ver, size_t size)
{
	size_t off = 0;
	const unsigned char *hit;
	while ((hit = memmem(chunk + off, len - off, BANNER, BANNER_LEN))) {
		unsigned char tail[BANNER_ROOM];
		ssize_t k = pread(fd, tail, sizeof tail, at + (hit - chunk));
		if (k > 0 && libcname_version(LIBC_GLIBC, tail, (size_t)k, ver,
		                              size) == 0)
			return true;
		off = (size_t)(hit - chunk) + 1;
	}
	return false;
}

static void glibc_banner(int fd, off_t fsize, char *ver, size_t size)
{
	static unsigned char chunk[16 << 10];
	off_t end = fsize;
	while (end >= (off_t)BANNER_LEN) {
		off_t at = end > (off_t)sizeof chunk ? end - (off_t)sizeof chunk : 0;
		ssize_t r = pread(fd, chunk, (size_t)(end - at), at);
		if (r < (ssize_t)BANNER_LEN)
			return;   /* cut short while we read: what is left is gone */
		if (banner_in(fd, chunk, (size_t)r, at, ver, size) || at == 0)
			return;
		/* The chunk before again holds a banner cut at this one's start. */
		end = at + (off_t)(BANNER_LEN - 1);
	}
}

/* The C library in the file open as fd, of family fam: "glibc 2.36",
 * or "glibc unknown" when the file cannot be read or has no version.
 * Read, not mapped: the process may truncate a file it mapped (one in
 * its /tmp), and a mapping would then end the case with SIGBUS; a read
 * just gets fewer bytes. */
static void read_version(int fd, enum libc_family fam, char *buf, size_t size)
{
	char ver[LIBCNAME_VERSION_MAX + 1] = "";
	struct stat st;
	bool fits = fstat(fd, &st) == 0 && st.st_size > 0 &&
	            (unsigned long long)st.st_size <= LIBC_FILE_MAX;
	if (fits && fam == LIBC_GLIBC) {
		glibc_banner(fd, st.st_size, ver, sizeof ver);
	} else if (fits) {
		size_t len = (size_t)st.st_size, n = 0;
		unsigned char *data = malloc(len);
		ssize_t r;
		while (data && n < len && (r = pread(fd, data + n, len - n, (off_t)n)) > 0)
			n += (size_t)r;
		if (data)
			libcname_version(fam, data, n, ver, sizeof ver);
		free(data);
	}
	libcname_format(fam, ver, buf, size);
}

/* A mapped file, as one maps line names it. */
struct mapped {
	char range[64];
	unsigned major, minor;
	unsigned long ino;
	enum libc_family fam;
};

/* The index in pt->files of the file m names, or -1. */
static int file_known(const struct proctree *pt, const struct mapped *m)
{
	for (size_t i = 0; m->ino && i < pt->nfiles; i++) {
		const struct proctree_file *f = &pt->files[i];
		if (f->major == m->major && f->minor == m->minor && f->ino == m->ino &&
		    f->fam == (int)m->fam)
			return (int)i;
	}
	return -1;
}

/*
 * The C library file m in e's memory.  A file seen before (by device and
 * inode) is not opened again; a new one is opened through map_files, so
 * it is the very file mapped, even in a root filesystem (whose paths in
 * maps are the process's, not ours), and kept open: its version is read
 * once, after the case (proctree_finish), since a glibc is 2 MB and
 * reading it here would stall the case for tens of milliseconds.  Until
 * then e->libc says the family ("glibc unknown").
 */
static void libc_of_file(struct proctree *pt, struct proc_entry *e,
                         const struct mapped *m)
{
	char path[128];
	struct stat st;
	libcname_format(m->fam, "", e->libc, sizeof e->libc);
	int i = file_known(pt, m);
	if (i >= 0) {
		e->libc_file = i + 1;
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/map_files/%s", e->pid, m->range);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	if (pt->nfiles == PROCTREE_FILES) {   /* full: read it now */
		read_version(fd, m->fam, e->libc, sizeof e->libc);
		close(fd);
		return;
	}
	pt->files[pt->nfiles] = (struct proctree_file){
		m->major, m->minor, m->ino, fd, (int)m->fam, "" };
	e->libc_file = (int)++pt->nfiles;
}

/* No C library mapped: a static program ("static"), one whose loader
 * has not mapped it yet ("": ask again next time), or unreadable. */
static void libc_unmapped(pid_t pid, char *buf, size_t size)
{
	char path[64], interp[PATH_MAX];
	unsigned char head[4096];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, head, sizeof head, 0) : -1;
	if (fd >= 0)
		close(fd);
	int rc = n >= 0 ? libcname_interp(head, (size_t)n, interp, sizeof interp) : -1;
	snprintf(buf, size, "%s", rc == 0 ? "static" : rc == 1 ? "" : "unknown");
}

/* The C library e has mapped, into e->libc ("" when not yet known).
 * A process caught between its execve and its loader mapping the C
 * library stays "" (asked again at the next sample), with its loader's
 * file as the fallback should it end first. */
static void libc_of(struct proctree *pt, struct proc_entry *e)
{
	char path[64], line[PATH_MAX + 128], lib[PATH_MAX];
	struct mapped m, loader = { .fam = LIBC_OTHER };
	snprintf(path, sizeof path, "/proc/%d/maps", e->pid);
	FILE *f = fopen(path, "re");
	e->libc[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		const char *p;
		size_t plen;
		if (libcname_maps_line(line, m.range, sizeof m.range, &p, &plen) != 0 ||
		    libcname_maps_file(line, &m.major, &m.minor, &m.ino) != 0 ||
		    plen == 0 || plen >= sizeof lib)
			continue;
		memcpy(lib, p, plen);
		lib[plen] = '\0';
		if ((m.fam = libcname_family(lib)) != LIBC_OTHER) {
			libc_of_file(pt, e, &m);
			break;
		}
		if (loader.fam == LIBC_OTHER &&
		    (m.fam = libcname_loader_family(lib)) != LIBC_OTHER)
			loader = m;
	}
	fclose(f);
	if (!e->libc[0] && loader.fam != LIBC_OTHER) {
		libc_of_file(pt, e, &loader);
		e->libc[0] = '\0';   /* still pending: libc.so.6 says it better */
	}
	if (!e->libc[0] && loader.fam == LIBC_OTHER)
		libc_unmapped(e->pid, e->libc, sizeof e->libc);
}

/* What is read of a process once: its name, executable, PIDs. */
static void read_process(struct proctree *pt, struct proc_entry *e,
                         const char *exe)
{
	char path[64], status[4096];
	snprintf(e->exe, sizeof e->exe, "%s", exe);
	snprintf(path, sizeof path, "/proc/%d/comm", e->pid);
	if (cli_read_small(path, e->comm, sizeof e->comm) > 0)
		e->comm[strcspn(e->comm, "\n")] = '\0';
	snprintf(path, sizeof path, "/proc/%d/status", e->pid);
	ssize_t n = cli_read_small(path, status, sizeof status);
	if (n > 0) {
		procs_status_field(status, (size_t)n, "NSpid:", &e->nspid);
		procs_status_field(status, (size_t)n, "PPid:", &e->ppid);
	}
	libc_of(pt, e);
}

/* pid as seen now: a new entry, or the same one seen again. */
static void seen(struct proctree *pt, pid_t pid, bool leaf, double now)
{
	struct proc_table *tab = &pt->tab;
	char path[64], exe[256];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	ssize_t k = readlink(path, exe, sizeof exe - 1);
	if (k < 0)
		return;   /* gone already, or a kernel thread */
	exe[k] = '\0';
	struct proc_entry *e = procs_find(tab, pid);
	if (e && strcmp(e->exe, exe) != 0) {
		e->ended = true;   /* an execve: a new program in the same process */
		e = NULL;
	}
	if (!e) {
		if (!(e = procs_add(tab, pid, now)))
			return;
		read_process(pt, e, exe);
	} else if (!e->libc[0]) {
		libc_of(pt, e);   /* the loader was not done */
	}
	e->t_last = now;
	if (leaf) {
		if (!e->leaf_first)
			e->leaf_first = now;
		e->leaf_last = now;
	}
}

struct dns_sock { unsigned long inode; uint16_t lport, rport; };

/* Socket table t of the case's namespace, kept open from the first
 * sample on and read again from its start: a /proc seq file is made
 * anew when read from offset 0, and rewind() is one lseek there.  NULL
 * when it cannot be opened. */
static FILE *net_table(struct proctree *pt, unsigned t, const char *path)
{
	if (!pt->net[t])
		return pt->net[t] = fopen(path, "re");
	rewind(pt->net[t]);
	return pt->net[t];
}

/* The case's sockets that DNS may go through: connected to port 53, or
 * UDP and unconnected (musl sends from one).  The case shares the
 * command's network namespace, so its own /proc/self/net is theirs.
 * The TCP tables only with tcp (DNS over TCP was captured): reading one
 * walks the kernel's whole TCP hash, about 0.8 ms, where UDP's takes
 * 0.02 ms. */
static size_t dns_sockets(struct proctree *pt, struct dns_sock *out, size_t max)
{
	static const struct { const char *path; bool udp; } tabs[] = {
		{ "/proc/self/net/udp", true }, { "/proc/self/net/udp6", true },
		{ "/proc/self/net/tcp", false }, { "/proc/self/net/tcp6", false },
	};
	_Static_assert(sizeof tabs / sizeof tabs[0] == PROCTREE_NET_TABLES,
	               "one kept FILE per table");
	char line[512];
	size_t n = 0;
	for (unsigned t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
		if (!tabs[t].udp && !pt->tcp)
			continue;
		/* Read to its end even when out is full: after a partial
		 * read, glibc's rewind() keeps what it buffered and the next
		 * sample would read this one's text. */
		FILE *f = net_table(pt, t, tabs[t].path);
		while (f && fgets(line, sizeof line, f)) {
			struct dns_sock s;
			if (n < max &&
			    procs_net_line(line, &s.inode, &s.lport, &s.rport) == 0 &&
			    s.inode && (s.rport == 53 || (tabs[t].udp && s.rport == 0)))
				out[n++] = s;
		}
	}
	return n;
}

/* The children of init (ours, and single-threaded: its one task's), read
 * through a descriptor kept open while init is the same. */
static void init_children(struct proctree *pt, pid_t init, pid_t *out,
                          size_t *n, size_t max)
{
	char path[64], buf[4096];
	if (pt->init_of && pt->init_of != init) {
		close(pt->init_fd);
		pt->init_of = 0;
	}
	if (!pt->init_of) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)init,
		         (int)init);
		if ((pt->init_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return;
		pt->init_of = init;
	}
	ssize_t r = pread(pt->init_fd, buf, sizeof buf - 1, 0);
	if (r <= 0)
		return;
	buf[r] = '\0';
	pids_of(buf, out, n, max);
}

/* Which of e's descriptors are among socks. */
static void match_sockets(struct proc_entry *e, const struct dns_sock *socks,
                          size_t n)
{
	char path[64], link[64];
	snprintf(path, sizeof path, "/proc/%d/fd", e->pid);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		unsigned long inode;
		char fdpath[300];
		snprintf(fdpath, sizeof fdpath, "%s/%s", path, de->d_name);
		ssize_t k = readlink(fdpath, link, sizeof link - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		if (sscanf(link, "socket:[%lu]", &inode) != 1)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (socks[i].inode != inode)
				continue;
			if (socks[i].rport == 53)
				e->dns_socket = true;
			else
				procs_add_port(e, socks[i].lport);
		}
	}
	if (d)
		closedir(d);
}

static void sample(struct proctree *pt, pid_t init, double now)
{
	static pid_t pids[TREE_MAX];
	static struct dns_sock socks[SOCKS_MAX];
	size_t n = 0;
	pt->tab.init_pid = init;
	init_children(pt, init, pids, &n, TREE_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t before = n;
		children_of(pids[i], pids, &n, TREE_MAX);
		seen(pt, pids[i], n == before, now);
	}
	/* Whatever was not seen now has ended. */
	for (size_t i = 0; i < pt->tab.n; i++) {
		struct proc_entry *e = &pt->tab.p[i];
		if (e->ended)
			continue;
		bool live = false;
		for (size_t k = 0; k < n && !live; k++)
			live = pids[k] == e->pid;
		if (!live)
			e->ended = true;
	}
	size_t ns = dns_sockets(pt, socks, SOCKS_MAX);
	for (size_t i = 0; ns && i < pt->tab.n; i++)
		if (!pt->tab.p[i].ended)
			match_sockets(&pt->tab.p[i], socks, ns);
}

void proctree_tick(struct proctree *pt, pid_t init, double now, bool soon)
{
	if (init <= 0 || (now < pt->t_next &&
	                  !(soon && now >= pt->t_next - PROCTREE_PERIOD + 0.01)))
		return;
	double t0 = mono();
	sample(pt, init, now);
	pt->samples++;
	pt->t_next = now + PROCTREE_PERIOD;
	double took = mono() - t0;
	pt->busy_s += took;
	pt->max_s = took > pt->max_s ? took : pt->max_s;
}

void proctree_finish(struct proctree *pt)
{
	for (size_t i = 0; i < pt->nfiles; i++) {
		struct proctree_file *f = &pt->files[i];
		if (f->fd < 0)
			continue;
		read_version(f->fd, (enum libc_family)f->fam, f->name, sizeof f->name);
		close(f->fd);
		f->fd = -1;
	}
	for (size_t i = 0; i < pt->tab.n; i++) {
		struct proc_entry *e = &pt->tab.p[i];
		if (e->libc_file > 0 && (size_t)e->libc_file <= pt->nfiles)
			snprintf(e->libc, sizeof e->libc, "%s", pt->files[e->libc_file - 1].name);
	}
}

void proctree_free(struct proctree *pt)
{
	for (unsigned t = 0; t < PROCTREE_NET_TABLES; t++)
		if (pt->net[t]) {
			fclose(pt->net[t]);
			pt->net[t] = NULL;
		}
	if (pt->init_of)
		close(pt->init_fd);
	pt->init_of = 0;
	for (size_t i = 0; i < pt->nfiles; i++)
		if (pt->files[i].fd >= 0)
			close(pt->files[i].fd);
	pt->nfiles = 0;
	procs_free(&pt->tab);
}
