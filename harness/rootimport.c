/*
 * rootimport.c - import a root filesystem a user brings; see rootimport.h.
 *
 * The life of an import, in rootimport_import(): hash the source (or
 * find it remembered), take KEY.lock, build in .tmp-KEY-PID (unpack,
 * apply an image's layers, find its C library and os-release, write its
 * info), rename into place.  The temporary folder is removed on every
 * way out, SIGINT and SIGTERM included (they stop each step at its next
 * block; the child unpacking stops too, being in our process group).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "exitcodes.h"
#include "libcname.h"
#include "rootimage.h"
#include "rootimport.h"
#include "roothash.h"
#include "sandbox.h"

#define fail(code, ...) do { snprintf(err, errsize, __VA_ARGS__); return code; } while (0)
#define INFO_MAX   65536
#define JSON_MAX   (4 << 20)
#define LIBC_MAX   (32 << 20)

int rootimport_exit(int rc)
{
	return rc == RI_OK ? EXIT_OK : rc == RI_BAD ? EXIT_USAGE
	     : rc == RI_INTR ? EXIT_INTERRUPTED : EXIT_ENV;
}

double rootimport_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The whole regular file path, resolved inside the tree rootfd as the
 * tree's programs would (symlinks stay inside; a FIFO is never opened,
 * so never waited on): a buffer to free, or NULL (errno EINVAL: not a
 * regular file). */
static char *read_in(int rootfd, const char *path, size_t max, size_t *len)
{
	int fd = rootextract_open_file(rootfd, path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return NULL;
	}
	char *buf = cli_read_stream(f, max, len);
	fclose(f);
	return buf;
}

bool rootimport_exists_in(int rootfd, const char *path)
{
	int fd = sandbox_open_in(rootfd, path, O_PATH);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* ---- what the tree is ---- */

static const char *family_name(enum rootimage_family f)
{
	static const char *const names[] = {
		[ROOTIMAGE_FAMILY_UNKNOWN] = "unknown", [ROOTIMAGE_FAMILY_DEBIAN] = "debian",
		[ROOTIMAGE_FAMILY_RHEL] = "rhel", [ROOTIMAGE_FAMILY_ALPINE] = "alpine",
		[ROOTIMAGE_FAMILY_SUSE] = "suse", [ROOTIMAGE_FAMILY_ARCH] = "arch",
	};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

enum rootimage_family rootimport_family(const char *name)
{
	for (int f = ROOTIMAGE_FAMILY_UNKNOWN; f <= ROOTIMAGE_FAMILY_ARCH; f++)
		if (strcmp(family_name((enum rootimage_family)f), name) == 0)
			return (enum rootimage_family)f;
	return ROOTIMAGE_FAMILY_UNKNOWN;
}

/* The C library at path in the tree, into ri->libc: 0, or -1. */
static int libc_at(int rootfd, const char *path, struct rootinfo *ri)
{
	char ver[LIBCNAME_VERSION_MAX + 1];
	enum libc_family fam = libcname_family(path);
	size_t len;
	if (fam == LIBC_OTHER)
		return -1;
	char *bytes = read_in(rootfd, path, LIBC_MAX, &len);
	if (!bytes)
		return -1;
	int rc = libcname_version(fam, (unsigned char *)bytes, len, ver, sizeof ver);
	free(bytes);
	return libcname_format(fam, rc == 0 ? ver : NULL, ri->libc, sizeof ri->libc);
}

/* glibc before 2.34 is libc-2.NN.so, next to where libc.so.6 would be. */
static int libc_listed(int rootfd, struct rootinfo *ri)
{
	for (size_t i = 0; rootimage_libc_paths[i]; i++) {
		char dir[ROOTIMAGE_PATH_MAX], path[PATH_MAX];
		const char *slash = strrchr(rootimage_libc_paths[i], '/');
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash -
		         rootimage_libc_paths[i]) : 0, rootimage_libc_paths[i]);
		int fd = sandbox_open_in(rootfd, dir, O_RDONLY | O_DIRECTORY);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		int rc = -1;
		for (struct dirent *de; rc != 0 && (de = readdir(d));)
			if (strncmp(de->d_name, "libc-2.", 7) == 0 &&
			    strlen(de->d_name) < 40) {
				snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
				rc = libc_at(rootfd, path, ri);
			}
		closedir(d);
		if (rc == 0)
			return 0;
	}
	return -1;
}

/* The tree's C library and os-release into ri: RI_OK, or RI_BAD (no C
 * library: not a root filesystem) with err. */
static int describe(const char *rootfs, const char *source, struct rootinfo *ri,
                    char *err, size_t errsize)
{
	struct rootimage_os os;
	size_t len;
	int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), found = -1;
	if (rootfd < 0)
		fail(RI_ENV, "%s: %s", rootfs, strerror(errno));
	for (size_t i = 0; found != 0 && rootimage_libc_paths[i]; i++)
		found = libc_at(rootfd, rootimage_libc_paths[i], ri);
	if (found != 0)
		found = libc_listed(rootfd, ri);
	char *text = read_in(rootfd, "etc/os-release", INFO_MAX, &len);
	if (!text)
		text = read_in(rootfd, "usr/lib/os-release", INFO_MAX, &len);
	rootimage_os_release(text ? text : "", text ? len : 0, &os);
	free(text);
	close(rootfd);
	snprintf(ri->os, sizeof ri->os, "%s", os.pretty);
	snprintf(ri->family, sizeof ri->family, "%s", family_name(os.family));
	if (found != 0)
		fail(RI_BAD, "%s: not a root filesystem: no C library in it (looked "
		     "for %s, ... and %s); give a tree with its /lib and /usr, e.g. "
		     "from 'docker export'", source, rootimage_libc_paths[0],
		     "lib/ld-musl-x86_64.so.1");
	return RI_OK;
}

/* ---- images: layers in order ---- */

/* An image folder's layers, from manifest.json or the OCI layout.
 * RI_OK, or RI_BAD naming what is wrong. */
static int image_layers(int imgfd, const char *source, bool oci,
                        struct rootimage_layers *ly, char *err, size_t errsize)
{
	char why[256], digest[96], path[ROOTIMAGE_PATH_MAX];
	size_t len;
	int rc;
	char *json = read_in(imgfd, oci ? "index.json" : "manifest.json", JSON_MAX, &len);
	if (!json)
		fail(RI_BAD, "%s: cannot read %s of the image: %s", source,
		     oci ? "index.json" : "manifest.json",
		     errno == EINVAL ? "not a regular file" : strerror(errno));
	if (!oci) {
		rc = rootimage_docker_manifest(json, len, ly, why, sizeof why);
		free(json);
		if (rc != 0)
			fail(RI_BAD, "%s: %s; save the image again (docker save, "
			     "podman save)", source, why);
		return RI_OK;
	}
	rc = rootimage_oci_index(json, len, digest, sizeof digest, why, sizeof why);
	free(json);
	if (rc != 0 || rootimage_blob_path(digest, path, sizeof path) != 0)
		fail(RI_BAD, "%s: index.json: %s; copy the image again (skopeo copy "
		     "... oci:DIR)", source, rc ? why : "a bad digest");
	if (!(json = read_in(imgfd, path, JSON_MAX, &len)))
		fail(RI_BAD, "%s: the image manifest %s named by index.json is not "
		     "in the layout; copy the image again", source, path);
	rc = rootimage_oci_manifest(json, len, ly, why, sizeof why);
	free(json);
	if (rc != 0)
		fail(RI_BAD, "%s: %s: %s; copy the image again", source, path, why);
	return RI_OK;
}

/* Apply the image in folder img onto rootfs, layer by layer. */
static int apply_image(const char *img, const char *rootfs, const char *source,
                       bool oci, char *err, size_t errsize)
{
	static struct rootimage_layers ly;
	char what[PATH_MAX + 64];
	int imgfd = open(img, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;
	if (imgfd < 0)
		fail(RI_ENV, "%s: %s", img, strerror(errno));
	rc = image_layers(imgfd, source, oci, &ly, err, errsize);
	if (rc == RI_OK && ly.n == 0)
		rc = RI_BAD, snprintf(err, errsize, "%s: the image has no layers",
		                      source);
	for (size_t i = 0; rc == RI_OK && i < ly.n; i++) {
		int fd = rootextract_open_file(imgfd, ly.path[i]);
		snprintf(what, sizeof what, "%s: layer %zu of %zu (%s)", source, i + 1,
		         ly.n, ly.path[i]);
		if (fd < 0) {
			rc = RI_BAD;
			snprintf(err, errsize, "%s: not in the image (%s); save or copy "
			         "the image again", what, errno == EINVAL || errno == EISDIR
			         ? "not a regular file" : strerror(errno));
		} else {
			rc = rootextract_archive(fd, rootfs, true, what, err, errsize);
		}
		if (fd >= 0)
			close(fd);
	}
	close(imgfd);
	return rc;
}

enum kind { K_DIR, K_TAR, K_DOCKER, K_OCI };
static const char *const kind_names[] = { "directory", "tarball",
                                          "docker-archive", "oci" };

/* What a folder holds: an OCI layout, a docker-archive unpacked, or a
 * root filesystem. */
static enum kind folder_kind(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	enum kind k = K_DIR;
	if (fd < 0)
		return K_DIR;
	if (rootimport_exists_in(fd, "oci-layout") && rootimport_exists_in(fd, "index.json"))
		k = K_OCI;
	else if (rootimport_exists_in(fd, "manifest.json") && !rootimport_exists_in(fd, "etc") &&
	         !rootimport_exists_in(fd, "usr"))
		k = K_DOCKER;
	close(fd);
	return k;
}

/* ---- the import ---- */

struct imp {
	const char *cache;
	char source[PATH_MAX];       /* absolute */
	struct stat st;
	int fd;                      /* a file source, open */
	char roots[PATH_MAX], tmp[PATH_MAX + 64], lock[PATH_MAX + 32];
};

void rootimport_on_signal(int sig)
{
	(void)sig;
	rootextract_stop = 1;
}

/* The source's hash: a file remembered, or read; a folder walked. */
static int source_hash(struct imp *im, char hex[static SHA256_HEX], char *err,
                       size_t errsize)
{
	char memo[PATH_MAX + 16], stamp[SHA256_HEX];
	int rc;
	if (S_ISDIR(im->st.st_mode)) {
		snprintf(memo, sizeof memo, "%s/trees", im->roots);
		if ((rc = roothash_tree_stamp(im->source, stamp, err, errsize)) != RI_OK)
			return rc;
		if (roothash_stamp_get(memo, im->source, stamp, hex) == 0)
			return RI_OK;
		if ((rc = roothash_tree(im->source, hex, err, errsize)) == RI_OK)
			roothash_stamp_put(memo, im->source, stamp, hex);
		return rc;
	}
	snprintf(memo, sizeof memo, "%s/sources", im->roots);
	if (roothash_memo_get(memo, im->source, &im->st, hex) == 0)
		return RI_OK;
	rc = roothash_file(im->fd, im->source, hex, err, errsize);
	if (rc == RI_OK)
		roothash_memo_put(memo, im->source, &im->st, hex);
	return rc;
}

/* The tree into tmp/rootfs, whatever the source is; its kind into *k. */
static int unpack(struct imp *im, enum kind *k, char *err, size_t errsize)
{
	char rootfs[PATH_MAX + 80], x[PATH_MAX + 80];
	int rc;
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", im->tmp);
	snprintf(x, sizeof x, "%s/x", im->tmp);
	if (mkdir(rootfs, 0755) != 0)
		fail(RI_ENV, "cannot create %s: %s", rootfs, strerror(errno));
	if (S_ISDIR(im->st.st_mode)) {
		*k = folder_kind(im->source);
		return *k == K_DIR ? rootextract_copy(im->source, rootfs, err, errsize)
		                   : apply_image(im->source, rootfs, im->source,
		                                 *k == K_OCI, err, errsize);
	}
	if (mkdir(x, 0755) != 0)
		fail(RI_ENV, "cannot create %s: %s", x, strerror(errno));
	if (lseek(im->fd, 0, SEEK_SET) != 0)
		fail(RI_ENV, "cannot read %s: %s", im->source, strerror(errno));
	if ((rc = rootextract_archive(im->fd, x, false, im->source, err, errsize)) != RI_OK)
		return rc;
	*k = folder_kind(x);
	if (*k == K_DIR) {
		*k = K_TAR;
		if (rmdir(rootfs) != 0 || rename(x, rootfs) != 0)
			fail(RI_ENV, "cannot rename %s: %s", x, strerror(errno));
		return RI_OK;
	}
	rc = apply_image(x, rootfs, im->source, *k == K_OCI, err, errsize);
	int tmpfd = open(im->tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tmpfd >= 0) {   /* the image's own files are no longer needed */
		rootextract_rmtree(tmpfd, "x");
		close(tmpfd);
	}
	return rc;
}

static int write_info(const char *dir, const struct rootinfo *ri, char *err,
                      size_t errsize)
{
	char path[PATH_MAX + 80];
	snprintf(path, sizeof path, "%s/info", dir);
	FILE *f = fopen(path, "wxe");
	if (!f)
		fail(RI_ENV, "cannot create %s: %s", path, strerror(errno));
	int bad = rootinfo_write(f, ri) != 0;
	if (fclose(f) != 0 || bad)
		fail(RI_ENV, "cannot write %s: %s", path, strerror(errno));
	return RI_OK;
}

/* Build key's tree in tmp and rename it into place. */
static int build(struct imp *im, struct rootinfo *ri, char *err, size_t errsize)
{
	char final[PATH_MAX + 40], rootfs[PATH_MAX + 80];
	enum kind k = K_DIR;
	time_t t = time(NULL);
	snprintf(im->tmp, sizeof im->tmp, "%s/.tmp-%s-%d", im->roots, ri->key,
	         (int)getpid());
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", im->tmp);
	snprintf(final, sizeof final, "%s/%s", im->roots, ri->key);
	if (mkdir(im->tmp, 0700) != 0)
		fail(RI_ENV, "cannot create %s: %s", im->tmp, strerror(errno));
	int rc = unpack(im, &k, err, errsize);
	if (rc == RI_OK)
		rc = describe(rootfs, im->source, ri, err, errsize);
	if (rc != RI_OK)
		return rc;
	snprintf(ri->source, sizeof ri->source, "%s", im->source);
	snprintf(ri->kind, sizeof ri->kind, "%s", kind_names[k]);
	strftime(ri->imported, sizeof ri->imported, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if ((rc = write_info(im->tmp, ri, err, errsize)) != RI_OK)
		return rc;
	if (rootextract_stop)   /* asked to stop: not kept, though whole */
		fail(RI_INTR, "importing %s: interrupted; nothing was kept",
		     im->source);
	if (chmod(im->tmp, 0755) != 0 || rename(im->tmp, final) != 0)
		fail(RI_ENV, "cannot rename %s to %s: %s", im->tmp, final, strerror(errno));
	im->tmp[0] = '\0';
	return RI_OK;
}

/* Leftovers of importers of key that died (we hold its lock: none is
 * running). */
static void remove_leftovers(const char *roots, const char *key)
{
	char prefix[64];
	int fd = open(roots, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(prefix, sizeof prefix, ".tmp-%s-", key);
	for (struct dirent *de; (de = readdir(d));)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			rootextract_rmtree(fd, de->d_name);
	closedir(d);
}

/* ---- leftovers of imports that were killed ---- */

/* "KEY-PID" after ".tmp-" (or "PID" after "probes.tmp-"): the pid, or 0
 * when name is not of that shape. */
static pid_t tmp_pid(const char *tail)
{
	char *end;
	if (*tail < '1' || *tail > '9')
		return 0;
	long pid = strtol(tail, &end, 10);
	return *end == '\0' && pid > 0 && pid < (1L << 22) ? (pid_t)pid : 0;
}

static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/* KEY.lock taken exclusively without waiting: its descriptor, -2 when
 * there is no lock file (nobody holds it), -1 when another holds it. */
static int lock_nowait(int rootsfd, const char *key)
{
	char name[ROOTINFO_KEY_SIZE + 8];
	snprintf(name, sizeof name, "%s.lock", key);
	int fd = openat(rootsfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -2 : -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Remove name under dirfd (a leftover of KEY), said on stdout when say. */
static int sweep_one(int dirfd, const char *dir, const char *name, bool say)
{
	if (rootextract_rmtree(dirfd, name) != 0) {
		fprintf(stderr, "whichns: cannot remove %s/%s: %s\n", dir, name,
		        strerror(errno));
		return 0;
	}
	if (say)
		printf("removed %s/%s (an import or probe build that was killed)\n",
		       dir, name);
	return 1;
}

/* KEY/probes.tmp-PID of dead builders, removed (we hold KEY.lock), or
 * only counted when count. */
static int sweep_probes(int rootsfd, const char *roots, const char *key,
                        bool say, bool count)
{
	char dir[PATH_MAX + 32];
	int n = 0, fd = openat(rootsfd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/%s", roots, key);
	for (struct dirent *de; (de = readdir(d));) {
		pid_t pid = strncmp(de->d_name, "probes.tmp-", 11) == 0
		            ? tmp_pid(de->d_name + 11) : 0;
		if (pid > 0 && !pid_alive(pid))
			n += count ? 1 : sweep_one(fd, dir, de->d_name, say);
	}
	closedir(d);
	return n;
}

/* One entry of CACHE/roots: a .tmp-KEY-PID whose importer is dead and
 * whose KEY.lock nobody holds is removed (and the lock file, when no
 * import of KEY is there); an import's probes.tmp-PID likewise. */
static int sweep_entry(int rootsfd, const char *roots, const char *name, bool say)
{
	char key[ROOTINFO_KEY_SIZE];
	bool tmp = strncmp(name, ".tmp-", 5) == 0;
	const char *k = tmp ? name + 5 : name;
	if (strlen(k) < ROOTINFO_KEY_SIZE - 1 ||
	    k[ROOTINFO_KEY_SIZE - 1] != (tmp ? '-' : '\0'))
		return 0;
	memcpy(key, k, ROOTINFO_KEY_SIZE - 1);
	key[ROOTINFO_KEY_SIZE - 1] = '\0';
	pid_t pid = tmp ? tmp_pid(k + ROOTINFO_KEY_SIZE) : 0;
	if (!rootinfo_key_ok(key) || (tmp && (pid == 0 || pid_alive(pid))) ||
	    (!tmp && sweep_probes(rootsfd, roots, key, false, true) == 0))
		return 0;   /* the lock is taken only when there is one to remove */
	int lockfd = lock_nowait(rootsfd, key), n = 0;
	if (lockfd == -1)
		return 0;   /* an import, a probe build or a run holds it */
	if (tmp)
		n = sweep_one(rootsfd, roots, name, say);
	else
		n = sweep_probes(rootsfd, roots, key, say, false);
	if (lockfd >= 0) {
		struct stat st;
		char lock[ROOTINFO_KEY_SIZE + 8];
		snprintf(lock, sizeof lock, "%s.lock", key);
		if (fstatat(rootsfd, key, &st, AT_SYMLINK_NOFOLLOW) != 0)
			unlinkat(rootsfd, lock, 0);   /* as a failed import leaves it */
		close(lockfd);
	}
	return n;
}

int rootimport_sweep(const char *cache, bool say)
{
	char roots[PATH_MAX + 8];
	int n = 0;
	snprintf(roots, sizeof roots, "%s/roots", cache);
	int fd = open(roots, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));)
		n += sweep_entry(fd, roots, de->d_name, say);
	closedir(d);
	return n;
}

/* KEY.lock, exclusively: its descriptor, or an RI_ answer (< 0).  A
 * lock file removed while we waited (a failed import, roots rm) is
 * another's: take the one at the path now. */
int rootimport_lock(const char *roots, const char *key, char *err, size_t errsize)
{
	char path[PATH_MAX + 40];
	bool said = false;
	snprintf(path, sizeof path, "%s/%s.lock", roots, key);
	for (;;) {
		struct stat a, b;
		int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			fail(RI_ENV, "cannot create %s: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0 && !said) {
			said = true;
			fprintf(stderr, "whichns: waiting for another whichns using %s "
			        "(%s)\n", key, path);
		}
		while (flock(fd, LOCK_EX) != 0)
			if (errno != EINTR || rootextract_stop) {
				close(fd);
				fail(rootextract_stop ? RI_INTR : RI_ENV, "%s: %s", path,
				     strerror(errno));
			}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

/* A failed import leaves no lock file either (we hold it). */
static void unlock_key(const char *roots, const char *key, int fd, bool drop)
{
	char path[PATH_MAX + 40];
	snprintf(path, sizeof path, "%s/%s.lock", roots, key);
	if (drop)
		unlink(path);
	close(fd);
}

static int import_locked(struct imp *im, bool quiet, struct rootinfo *ri,
                         bool *fresh, char *err, size_t errsize)
{
	char hex[SHA256_HEX], key[ROOTINFO_KEY_SIZE];
	int rc = source_hash(im, hex, err, errsize);
	if (rc != RI_OK)
		return rc;
	rootinfo_key(hex, key);
	if (rootimport_load(im->cache, key, ri) == 0)
		return RI_OK;
	int lockfd = rootimport_lock(im->roots, key, err, errsize);
	if (lockfd < 0)
		return lockfd;
	if (rootimport_load(im->cache, key, ri) == 0) {   /* done meanwhile */
		unlock_key(im->roots, key, lockfd, false);
		return RI_OK;
	}
	remove_leftovers(im->roots, key);
	memset(ri, 0, sizeof *ri);
	memcpy(ri->sha256, hex, sizeof ri->sha256);
	memcpy(ri->key, key, sizeof ri->key);
	double t0 = rootimport_now();
	if (!quiet && S_ISDIR(im->st.st_mode))
		fprintf(stderr, "whichns: importing %s (a folder) ...\n", im->source);
	else if (!quiet)
		fprintf(stderr, "whichns: importing %s (%lld MB) ...\n", im->source,
		        (long long)(im->st.st_size >> 20));
	rc = build(im, ri, err, errsize);
	*fresh = rc == RI_OK;
	if (rc == RI_OK && !quiet)
		fprintf(stderr, "whichns: imported %s as %s: %s%s%s (%.1f s)\n",
		        im->source, key, ri->libc, ri->os[0] ? ", " : "", ri->os,
		        rootimport_now() - t0);
	unlock_key(im->roots, key, lockfd, rc != RI_OK);
	return rc;
}

static int mkdir_ok(const char *path, mode_t mode)
{
	return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

/* The source, opened and checked, and the cache's folders made. */
static int import_open(struct imp *im, const char *cache, const char *source,
                       char *err, size_t errsize)
{
	char names[PATH_MAX + 16];
	im->cache = cache;
	im->fd = -1;
	if (!realpath(source, im->source) || stat(im->source, &im->st) != 0)
		fail(errno == EACCES ? RI_ENV : RI_BAD, "%s: %s; name a root "
		     "filesystem's folder, a tarball or an image archive", source,
		     strerror(errno));
	if (!S_ISDIR(im->st.st_mode) && !S_ISREG(im->st.st_mode))
		fail(RI_BAD, "%s: neither a folder nor a file; name a root "
		     "filesystem's folder, a tarball or an image archive", source);
	/* O_NONBLOCK: a FIFO put there since the stat is not waited on. */
	if (S_ISREG(im->st.st_mode) &&
	    (im->fd = open(im->source, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		fail(RI_ENV, "cannot read %s: %s", im->source, strerror(errno));
	if (im->fd >= 0 && (fstat(im->fd, &im->st) != 0 || !S_ISREG(im->st.st_mode) ||
	                    fcntl(im->fd, F_SETFL, 0) != 0))
		fail(RI_BAD, "%s: not a regular file (it changed); name a root "
		     "filesystem's folder, a tarball or an image archive", im->source);
	snprintf(im->roots, sizeof im->roots, "%s/roots", cache);
	snprintf(names, sizeof names, "%s/names", im->roots);
	/* roots/ for root alone: its trees keep their set-user-ID programs
	 * (su, passwd), which no other user of this host should reach. */
	if (mkdir_ok(cache, 0755) != 0 || mkdir_ok(im->roots, 0700) != 0 ||
	    mkdir_ok(names, 0755) != 0)
		fail(RI_ENV, "cannot create %s: %s (--cache DIR names another "
		     "cache)", names, strerror(errno));
	return RI_OK;
}

int rootimport_import(const char *cache, const char *source, bool quiet,
                      struct rootinfo *ri, bool *fresh, char *err,
                      size_t errsize)
{
	static struct imp im;
	bool made = false;
	struct sigaction sa = { .sa_handler = rootimport_on_signal }, old_int, old_term;
	memset(&im, 0, sizeof im);
	err[0] = '\0';
	int rc = import_open(&im, cache, source, err, errsize);
	if (rc != RI_OK) {
		if (im.fd >= 0)
			close(im.fd);
		return rc;
	}
	rootimport_sweep(cache, false);
	rootextract_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = import_locked(&im, quiet, ri, &made, err, errsize);
	if (im.tmp[0]) {   /* failed or interrupted: nothing is left */
		int fd = open(im.roots, O_PATH | O_DIRECTORY | O_CLOEXEC);
		const char *base = strrchr(im.tmp, '/') + 1;
		if (fd >= 0 && rootextract_rmtree(fd, base) != 0)
			fprintf(stderr, "whichns: cannot remove %s: %s\n", im.tmp,
			        strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc == RI_OK && rootextract_stop) {   /* after the rename */
		rc = RI_INTR, snprintf(err, errsize, "importing %s: interrupted "
		                       "once it was complete: it is kept as %s (run "
		                       "the command again to use it)", im.source,
		                       ri->key);
		made = false;   /* as said: no caller removes it */
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (im.fd >= 0)
		close(im.fd);
	if (rc == RI_INTR && !strstr(err, im.source))
		snprintf(err, errsize, "importing %s: interrupted; nothing was kept",
		         im.source);
	if (fresh)
		*fresh = made;
	return rc;
}

int rootimport_load(const char *cache, const char *key, struct rootinfo *ri)
{
	char path[PATH_MAX + 64], why[160];
	size_t len;
	if (!rootinfo_key_ok(key))
		return -1;
	snprintf(path, sizeof path, "%s/roots/%s/info", cache, key);
	char *text = cli_read_file(path, INFO_MAX, &len);
	if (!text)
		return -1;
	int rc = rootinfo_parse(text, len, ri, why, sizeof why);
	free(text);
	return rc == 0 && strcmp(ri->key, key) == 0 ? 0 : -1;
}

/* ---- names, removal ---- */

int rootimport_name_get(const char *cache, const char *name,
                        char key[static ROOTINFO_KEY_SIZE])
{
	char path[PATH_MAX + 80], target[64], why[128];
	if (rootinfo_name_check(name, why, sizeof why) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/roots/names/%s", cache, name);
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n <= 3)
		return -1;
	target[n] = '\0';
	if (strncmp(target, "../", 3) != 0 || !rootinfo_key_ok(target + 3))
		return -1;
	memcpy(key, target + 3, ROOTINFO_KEY_SIZE);
	return 0;
}

int rootimport_name_set(const char *cache, const char *name, const char *key)
{
	char path[PATH_MAX + 80], tmp[PATH_MAX + 100], target[64];
	snprintf(path, sizeof path, "%s/roots/names/%s", cache, name);
	snprintf(tmp, sizeof tmp, "%s/roots/names/.%s.%d", cache, name, (int)getpid());
	snprintf(target, sizeof target, "../%s", key);
	unlink(tmp);
	if (symlink(target, tmp) != 0)
		return -1;
	if (rename(tmp, path) != 0) {   /* replaces an old name at once */
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int rootimport_name_rm(const char *cache, const char *name)
{
	char path[PATH_MAX + 80];
	snprintf(path, sizeof path, "%s/roots/names/%s", cache, name);
	return unlink(path);
}

int rootimport_remove(const char *cache, const char *key, char *err,
                      size_t errsize)
{
	char roots[PATH_MAX + 8], lock[PATH_MAX + 40];
	snprintf(roots, sizeof roots, "%s/roots", cache);
	snprintf(lock, sizeof lock, "%s/%s.lock", roots, key);
	int lockfd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (lockfd >= 0)
			close(lockfd);
		fail(RI_ENV, "%s/%s is in use (a run, or an import, holds %s); "
		     "remove it when that is done", roots, key, lock);
	}
	int fd = open(roots, O_PATH | O_DIRECTORY | O_CLOEXEC), rc = RI_OK;
	if (fd < 0 || rootextract_rmtree(fd, key) != 0)
		rc = RI_ENV, snprintf(err, errsize, "cannot remove %s/%s: %s", roots,
		                      key, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(lock);
	close(lockfd);
	return rc;
}
