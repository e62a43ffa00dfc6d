/* roothash.c - the content hash of a root's source; see roothash.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "roothash.h"
#include "rootextract.h"

#define fail(code, ...) do { snprintf(err, errsize, __VA_ARGS__); return code; } while (0)

static int feed_fd(struct sha256 *h, int fd, const char *what, char *err,
                   size_t errsize)
{
	static char buf[1 << 17];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n == 0)
			return RI_OK;
		if (rootextract_stop)
			return RI_INTR;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail(RI_ENV, "cannot read %s: %s", what, strerror(errno));
		sha256_update(h, buf, (size_t)n);
	}
}

int roothash_file(int fd, const char *what, char hex[static SHA256_HEX],
                  char *err, size_t errsize)
{
	struct sha256 h;
	uint8_t d[SHA256_LEN];
	sha256_init(&h);
	if (lseek(fd, 0, SEEK_SET) != 0)
		fail(RI_ENV, "cannot read %s: %s", what, strerror(errno));
	int rc = feed_fd(&h, fd, what, err, errsize);
	sha256_final(&h, d);
	sha256_to_hex(d, hex);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the folder fd, sorted: a NULL-terminated array to free
 * (each name, then the array), or NULL (errno). */
static char **sorted_names(int fd, size_t *n)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*n + 1 >= cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[(*n)++] = strdup(de->d_name)))
			(*n)--;
	}
	closedir(d);
	if (!v && !(v = calloc(1, sizeof *v)))
		return NULL;
	v[*n] = NULL;
	qsort(v, *n, sizeof *v, by_name);
	return v;
}

static void free_names(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* A walk: the hash fed, the file system not to leave, and whether only
 * what stat says is fed (a stamp: no file is read). */
struct walk {
	struct sha256 *h;
	dev_t top;
	bool stamp;
};

static int walk(int dirfd, const char *rel, int depth, const struct walk *w,
                char *err, size_t errsize);

/* One entry's record, and what is below or in it (depth: rel's). */
static int walk_entry(int dirfd, const char *name, const char *rel, int depth,
                      const struct walk *w, char *err, size_t errsize)
{
	char path[PATH_MAX], head[PATH_MAX + 160], target[PATH_MAX] = "";
	struct stat st;
	if ((size_t)snprintf(path, sizeof path, "%s%s%s", rel, rel[0] ? "/" : "",
	                     name) >= sizeof path)
		fail(RI_BAD, "%.200s...: a path longer than %d bytes; a root "
		     "filesystem has none", path, PATH_MAX - 1);
	if (depth + 1 > ROOTEXTRACT_DEPTH_MAX)   /* as an archive's entry */
		fail(RI_BAD, "%.200s...: deeper than %d folders; a root "
		     "filesystem is not", path, ROOTEXTRACT_DEPTH_MAX);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		fail(RI_ENV, "cannot read %s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		ssize_t k = readlinkat(dirfd, name, target, sizeof target - 1);
		target[k > 0 ? k : 0] = '\0';
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		snprintf(target, sizeof target, "%u:%u", major(st.st_rdev),
		         minor(st.st_rdev));
	}
	int n = snprintf(head, sizeof head, "%s%c%o%c%u%c%u%c%jd%c%s%c", path, 0,
	                 (unsigned)st.st_mode, 0, (unsigned)st.st_uid, 0,
	                 (unsigned)st.st_gid, 0,
	                 S_ISREG(st.st_mode) ? (intmax_t)st.st_size : 0, 0, target, 0);
	sha256_update(w->h, head, (size_t)n < sizeof head ? (size_t)n : sizeof head);
	if (w->stamp) {   /* a write changes ctime, and nobody can set it */
		long long t[4] = { (long long)st.st_ino, (long long)st.st_size,
		                   st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
		                   st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec };
		sha256_update(w->h, t, sizeof t);
	}
	if (S_ISDIR(st.st_mode) && st.st_dev == w->top) {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fail(RI_ENV, "cannot read %s: %s", path, strerror(errno));
		int rc = walk(fd, path, depth + 1, w, err, errsize);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || w->stamp)
		return RI_OK;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fail(RI_ENV, "cannot read %s: %s", path, strerror(errno));
	int rc = feed_fd(w->h, fd, path, err, errsize);
	close(fd);
	return rc;
}

static int walk(int dirfd, const char *rel, int depth, const struct walk *w,
                char *err, size_t errsize)
{
	size_t n;
	char **names = sorted_names(dirfd, &n);
	int rc = RI_OK;
	if (!names)
		fail(RI_ENV, "cannot list %s: %s", rel[0] ? rel : ".", strerror(errno));
	for (size_t i = 0; i < n && rc == RI_OK; i++)
		rc = walk_entry(dirfd, names[i], rel, depth, w, err, errsize);
	free_names(names);
	return rc;
}

/* The tree's hash, or with stamp its stamp. */
static int tree_walk(const char *path, bool stamp, char hex[static SHA256_HEX],
                     char *err, size_t errsize)
{
	struct sha256 h;
	uint8_t d[SHA256_LEN];
	struct stat st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		fail(RI_ENV, "cannot read %s: %s", path, strerror(errno));
	}
	struct walk w = { .h = &h, .top = st.st_dev, .stamp = stamp };
	sha256_init(&h);
	/* Never a file's hash, and a stamp is never a tree's. */
	sha256_update(&h, stamp ? "whichns-stamp-1" : "whichns-tree-1", 15);
	int rc = walk(fd, "", 0, &w, err, errsize);
	close(fd);
	if (rc == RI_BAD) {   /* named from the top the user gave */
		char *why = strdup(err);
		snprintf(err, errsize, "%s: %s", path, why ? why : "too deep");
		free(why);
	}
	sha256_final(&h, d);
	sha256_to_hex(d, hex);
	return rc;
}

int roothash_tree(const char *path, char hex[static SHA256_HEX], char *err,
                  size_t errsize)
{
	return tree_walk(path, false, hex, err, errsize);
}

int roothash_tree_stamp(const char *path, char hex[static SHA256_HEX],
                        char *err, size_t errsize)
{
	return tree_walk(path, true, hex, err, errsize);
}

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* A line is "dev ino size mtime_ns ctime_ns sha256 path": ctime, which
 * every write changes and nobody can set back, tells a file rewritten to
 * the same size with its old mtime restored (touch -d).  Lines of the
 * older shape (without ctime) never match: their hash field is cut. */
int roothash_memo_get(const char *memo, const char *path, const struct stat *st,
                      char hex[static SHA256_HEX])
{
	char line[PATH_MAX + 200], h[SHA256_HEX], p[PATH_MAX];
	unsigned long long dev, ino;
	long long size, mt, ct;
	FILE *f = fopen(memo, "re");
	int rc = -1;
	if (!f)
		return -1;
	/* The last line for a file wins: it may have been imported anew. */
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%llu\t%llu\t%lld\t%lld\t%lld\t%64[0-9a-f]\t%4095[^\n]",
		           &dev, &ino, &size, &mt, &ct, h, p) == 7 &&
		    dev == (unsigned long long)st->st_dev &&
		    ino == (unsigned long long)st->st_ino && size == st->st_size &&
		    mt == ns(&st->st_mtim) && ct == ns(&st->st_ctim) &&
		    strcmp(p, path) == 0 && strlen(h) == 64) {
			memcpy(hex, h, SHA256_HEX);
			rc = 0;
		}
	fclose(f);
	return rc;
}

/* One line appended to memo under its lock; a memo that cannot be
 * written is only a memo missed. */
__attribute__((format(printf, 2, 3)))
static void memo_append(const char *memo, const char *fmt, ...)
{
	int fd = open(memo, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX) == 0) {
		va_list ap;
		va_start(ap, fmt);
		vdprintf(fd, fmt, ap);
		va_end(ap);
	}
	close(fd);
}

void roothash_memo_put(const char *memo, const char *path,
                       const struct stat *st, const char *hex)
{
	if (!strchr(path, '\n'))   /* a line a file */
		memo_append(memo, "%llu\t%llu\t%lld\t%lld\t%lld\t%s\t%s\n",
		            (unsigned long long)st->st_dev,
		            (unsigned long long)st->st_ino, (long long)st->st_size,
		            ns(&st->st_mtim), ns(&st->st_ctim), hex, path);
}

int roothash_stamp_get(const char *memo, const char *path, const char *stamp,
                       char hex[static SHA256_HEX])
{
	char line[PATH_MAX + 160], st[SHA256_HEX], h[SHA256_HEX], p[PATH_MAX];
	FILE *f = fopen(memo, "re");
	int rc = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%64[0-9a-f]\t%64[0-9a-f]\t%4095[^\n]", st, h, p) == 3 &&
		    strcmp(st, stamp) == 0 && strcmp(p, path) == 0 && strlen(h) == 64) {
			memcpy(hex, h, SHA256_HEX);
			rc = 0;
		}
	fclose(f);
	return rc;
}

void roothash_stamp_put(const char *memo, const char *path, const char *stamp,
                        const char *hex)
{
	if (!strchr(path, '\n'))
		memo_append(memo, "%s\t%s\t%s\n", stamp, hex, path);
}
