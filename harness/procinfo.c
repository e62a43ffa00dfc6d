/*
 * procinfo.c - what /proc says about a running process (procinfo.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "procinfo.h"

#define CONF_READ_MAX (1024 * 1024) /* a resolv.conf larger is not judged */
#define PORT53_MAX    256           /* sockets on port 53 looked for */

/* Field 22 of /proc/PID/stat, after the comm's closing parenthesis (a
 * comm may hold spaces and parentheses: the last ')' ends it). */
static uint64_t start_time(const char *stat)
{
	const char *p = strrchr(stat, ')');
	if (!p)
		return 0;
	/* field 3 starts after ") "; field 22 is 19 fields further */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void read_cgroup(uint32_t tgid, struct wm_proc *p)
{
	char path[64], buf[8192];
	snprintf(path, sizeof path, "/proc/%u/cgroup", tgid);
	if (cli_read_small(path, buf, sizeof buf) < 0)
		return;
	/* the cgroup v2 line is "0::/path" */
	for (char *line = buf; line && *line; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(p->cgroup, sizeof p->cgroup, "%s", line + 3);
			return;
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* The inodes of the sockets bound to local port 53 in one of
 * /proc/PID/net/{udp,udp6,tcp,tcp6}: "sl local_address rem_address st
 * ... uid timeout inode"; local_address is HEX:PORT. */
static size_t port53_inodes(uint32_t tgid, const char *table,
                            unsigned long *ino, size_t n, size_t max)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%u/net/%s", tgid, table);
	FILE *f = fopen(path, "re");
	if (!f)
		return n;
	while (n < max && fgets(line, sizeof line, f)) {
		char local[64];
		unsigned long inode;
		if (sscanf(line, " %*s %63s %*s %*s %*s %*s %*s %*s %*s %lu",
		           local, &inode) != 2)
			continue;
		const char *colon = strrchr(local, ':');
		if (colon && strcmp(colon, ":0035") == 0 && inode != 0)
			ino[n++] = inode;
	}
	fclose(f);
	return n;
}

/* Does tgid hold one of those sockets?  A DNS server or forwarder does. */
static bool serves_dns(uint32_t tgid)
{
	static const char *const tables[] = { "udp", "udp6", "tcp", "tcp6" };
	unsigned long ino[PORT53_MAX];
	size_t n = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		n = port53_inodes(tgid, tables[i], ino, n, PORT53_MAX);
	if (n == 0)
		return false;
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%u/fd", tgid);
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		char link[64], target[64];
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		ssize_t len = readlink(link, target, sizeof target - 1);
		unsigned long s;
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &s) != 1)
			continue;
		for (size_t i = 0; i < n && !found; i++)
			found = ino[i] == s;
	}
	closedir(d);
	return found;
}

/* Who tgid is, without the forwarder check (procinfo_read adds it). */
static int read_ident(uint32_t tgid, struct wm_proc *p)
{
	char path[64], buf[1024];
	memset(p, 0, sizeof *p);
	p->tgid = tgid;
	snprintf(path, sizeof path, "/proc/%u/stat", tgid);
	if (cli_read_small(path, buf, sizeof buf) < 0) {
		p->gone = true;
		return -1;
	}
	p->start = start_time(buf);
	snprintf(path, sizeof path, "/proc/%u/comm", tgid);
	ssize_t n = cli_read_small(path, buf, sizeof buf);
	if (n > 0) {
		if (buf[n - 1] == '\n')   /* the kernel's; a comm may hold one too */
			buf[n - 1] = '\0';
		snprintf(p->comm, sizeof p->comm, "%s", buf);
	}
	snprintf(path, sizeof path, "/proc/%u/exe", tgid);
	ssize_t len = readlink(path, p->exe, sizeof p->exe - 1);
	p->exe[len > 0 ? len : 0] = '\0';
	struct stat st;
	snprintf(path, sizeof path, "/proc/%u/ns/mnt", tgid);
	if (stat(path, &st) == 0)
		p->mntns = st.st_ino;
	read_cgroup(tgid, p);
	return 0;
}

int procinfo_read(uint32_t tgid, struct wm_proc *p)
{
	if (read_ident(tgid, p) != 0)
		return -1;
	p->forwarder = serves_dns(tgid);
	return 0;
}

bool procinfo_under_cgroup(const char *path, const char *cgroup)
{
	size_t n = strlen(cgroup);
	while (n > 1 && cgroup[n - 1] == '/')
		n--;
	if (strncmp(path, cgroup, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && cgroup[0] == '/');
}

void procinfo_scan(const char *comm, const char *cgroup,
                   void (*fn)(void *ctx, const struct wm_proc *p), void *ctx)
{
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(e->d_name, &end, 10);
		if (*end || pid == 0 || pid > UINT32_MAX ||
		    pid == (unsigned long)getpid())
			continue;
		struct wm_proc p;
		if (read_ident((uint32_t)pid, &p) != 0)
			continue;
		if (comm && strcmp(p.comm, comm) != 0)
			continue;
		if (cgroup && !procinfo_under_cgroup(p.cgroup, cgroup))
			continue;
		p.forwarder = serves_dns(p.tgid);
		fn(ctx, &p);
	}
	closedir(d);
}

/* ---- resolv.conf per root ---- */

struct root_key {
	uint64_t mntns;
	dev_t    dev;
	ino_t    ino;
};

struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	bool  missing;      /* no such file: the default servers */
};

struct root_entry {
	bool     used;
	bool     bad;         /* the file of identity id cannot be read */
	uint32_t tgid;        /* the last process seen with this root */
	uint64_t last_use;
	uint64_t looked_ns;   /* the watch's clock just before the file was
	                       * last opened: a change after it is not known */
	struct root_key key;
	struct file_id  id;
	struct wm_confhist hist;
};

/* Which root a process had when its file was last looked at. */
struct tgid_entry {
	bool     used;
	uint32_t tgid;
	uint32_t slot;        /* in procconf.e[] */
	struct root_key key;  /* the slot's key then: a reused slot differs */
};

struct procconf {
	uint64_t offset;      /* the watch's clock minus CLOCK_MONOTONIC */
	uint64_t clock;
	struct root_entry e[PC_ROOTS_MAX];
	struct tgid_entry tg[PC_TGIDS];   /* by tgid % PC_TGIDS */
};

struct procconf *procconf_new(uint64_t offset)
{
	struct procconf *pc = calloc(1, sizeof(struct procconf));
	if (pc)
		pc->offset = offset;
	return pc;
}

void procconf_free(struct procconf *pc)
{
	free(pc);
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
	if (a->missing || b->missing)
		return a->missing == b->missing;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static struct root_entry *root_slot(struct procconf *pc,
                                    const struct root_key *k)
{
	struct root_entry *lru = &pc->e[0];
	for (size_t i = 0; i < PC_ROOTS_MAX; i++) {
		struct root_entry *r = &pc->e[i];
		if (r->used && r->key.mntns == k->mntns && r->key.dev == k->dev &&
		    r->key.ino == k->ino)
			return r;
		if (!r->used || (lru->used && r->last_use < lru->last_use))
			lru = r;
	}
	memset(lru, 0, sizeof *lru);
	lru->used = true;
	lru->key = *k;
	return lru;
}

/* Open /etc/resolv.conf as the process sees it: under its root, with
 * links resolved inside that root.  The fd, or -1 (errno set). */
static int open_in_root(int rootfd)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how,
	                    sizeof how);
}

/* The whole file open at fd, as glibc reads it (to its end), into a
 * malloc'ed buffer: its length, or -1 when it cannot be read or holds
 * more than CONF_READ_MAX bytes (not judged: a part of it would name
 * other servers than the whole). */
static ssize_t read_whole(int fd, char **text)
{
	size_t len = 0;
	*text = malloc(CONF_READ_MAX + 1);
	if (!*text)
		return -1;
	for (;;) {
		ssize_t n = pread(fd, *text + len, CONF_READ_MAX + 1 - len,
		                  (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (len += (size_t)n) > CONF_READ_MAX) {
			free(*text);
			*text = NULL;
			return -1;
		}
		if (n == 0)
			return (ssize_t)len;
	}
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

/* When the file last changed, as far as the root shows: its ctime, or,
 * when etc/resolv.conf is a symbolic link, the link's own when later
 * ("ln -sf" renames a new link into place: a switch to an older file is
 * dated by the link).  0 for a missing file: a deletion is not dated
 * (wm_confhist_change then takes the time between two looks). */
static uint64_t change_time(int rootfd, const struct file_id *id)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	if (id->missing)
		return 0;
	uint64_t t = ts_ns(&id->ctime);
	int fd = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how,
	                      sizeof how);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode) &&
	    ts_ns(&st.st_ctim) > t)
		t = ts_ns(&st.st_ctim);
	if (fd >= 0)
		close(fd);
	return t;
}

/* Read and parse the file open at fd (-1: there is none) into a new
 * version of e, seen by the look at looked and changed at change_ns;
 * e->looked_ns is the look before, which saw the version before
 * (wm_confhist_change dates the change).  0, or -1 when it cannot be
 * read (e->bad: not read again while its identity stays). */
static int read_version(struct root_entry *e, int fd,
                        const struct file_id *id, uint64_t looked,
                        uint64_t change_ns)
{
	struct wm_conf conf;
	e->id = *id;
	e->bad = false;
	if (fd < 0) {
		wm_conf_parse("", 0, &conf);
	} else {
		char *text;
		ssize_t n = read_whole(fd, &text);
		if (n < 0) {
			e->bad = true;
			return -1;
		}
		wm_conf_parse(text, (size_t)n, &conf);
		free(text);
	}
	wm_confhist_change(&e->hist, e->looked_ns, looked, change_ns, &conf);
	return 0;
}

static int root_of(uint32_t tgid, struct root_key *k, int *rootfd)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%u/ns/mnt", tgid);
	if (stat(path, &st) != 0)
		return -1;
	k->mntns = st.st_ino;
	snprintf(path, sizeof path, "/proc/%u/root", tgid);
	*rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0)
		return -1;
	if (fstat(*rootfd, &st) != 0) {
		close(*rootfd);
		return -1;
	}
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	return 0;
}

static bool same_key(const struct root_key *a, const struct root_key *b)
{
	return a->mntns == b->mntns && a->dev == b->dev && a->ino == b->ino;
}

/* Now on the watch's clock: CLOCK_MONOTONIC plus the offset taken at
 * its start, as the queries' times are, so a step of the wall clock
 * during the watch moves neither. */
static uint64_t now_ns(const struct procconf *pc)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec +
	       pc->offset;
}

/* What is known already, when tgid's file was looked at after t_ns. */
static const struct wm_confhist *known(struct procconf *pc, uint32_t tgid,
                                       uint64_t t_ns)
{
	const struct tgid_entry *te = &pc->tg[tgid % PC_TGIDS];
	if (!te->used || te->tgid != tgid)
		return NULL;
	struct root_entry *e = &pc->e[te->slot];
	if (!e->used || !same_key(&e->key, &te->key) || e->looked_ns < t_ns ||
	    !e->hist.cur.known || e->bad)
		return NULL;
	e->last_use = ++pc->clock;
	return &e->hist;
}

/* The identity of the file open at fd (-1 with errno ENOENT: none). */
static int file_identity(int fd, struct file_id *id)
{
	struct stat st;
	memset(id, 0, sizeof *id);
	if (fd < 0) {
		id->missing = true;
		return 0;
	}
	if (fstat(fd, &st) != 0)
		return -1;
	*id = (struct file_id){ st.st_dev, st.st_ino, st.st_size, st.st_mtim,
	                        st.st_ctim, false };
	return 0;
}

/* Look at tgid's file now: its root's entry, or NULL. */
static struct root_entry *look(struct procconf *pc, uint32_t tgid)
{
	uint64_t looked = now_ns(pc);
	struct root_key k;
	struct file_id id;
	int rootfd, rc = -1;
	if (root_of(tgid, &k, &rootfd) != 0)
		return NULL;
	int fd = open_in_root(rootfd);
	struct root_entry *e = NULL;
	if ((fd >= 0 || errno == ENOENT) && file_identity(fd, &id) == 0) {
		e = root_slot(pc, &k);
		e->last_use = ++pc->clock;
		rc = 0;
		if (!e->hist.cur.known || !same_file(&e->id, &id))
			rc = read_version(e, fd, &id, looked,
			                  change_time(rootfd, &id));
		else if (e->bad)
			rc = -1;
		e->looked_ns = looked;
		e->tgid = tgid;
		pc->tg[tgid % PC_TGIDS] = (struct tgid_entry){
			true, tgid, (uint32_t)(e - pc->e), k };
	}
	if (fd >= 0)
		close(fd);
	close(rootfd);
	return rc == 0 ? e : NULL;
}

const struct wm_confhist *procconf_get(struct procconf *pc, uint32_t tgid,
                                       uint64_t t_ns)
{
	const struct wm_confhist *h = known(pc, tgid, t_ns);
	if (h)
		return h;
	struct root_entry *e = look(pc, tgid);
	return e && e->hist.cur.known ? &e->hist : NULL;
}

void procconf_refresh(struct procconf *pc)
{
	for (size_t i = 0; i < PC_ROOTS_MAX; i++)
		if (pc->e[i].used && pc->e[i].tgid)
			(void)look(pc, pc->e[i].tgid);
}

void procconf_prime(struct procconf *pc)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);
		if (!*end && pid > 0 && pid <= UINT32_MAX)
			(void)look(pc, (uint32_t)pid);
	}
	closedir(d);
}
