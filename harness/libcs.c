/* libcs.c - find a C library's root filesystem and probes; see libcs.h. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "libcs.h"

static int libc_where(const struct libc_paths *p, const char *libc,
                      bool want_probes, struct libc_env *env, char *err,
                      size_t errsize);

/* The C libraries a case can run on: the host's, musl, and the Debian
 * suites scripts/mkrootfs.sh builds (its SUITES, then its EXTRA_SUITES:
 * bookworm-zoo, the zoo's daemons on bookworm; bookworm-resolved and
 * trixie-resolved, with systemd-resolved for exec --stub).  errors.t
 * checks that the lists agree. */
static const char *const known[] = {
	"host", "musl", "bullseye", "bookworm", "trixie", "sid", "bookworm-zoo",
	"bookworm-resolved", "trixie-resolved",
};
#define NKNOWN (sizeof known / sizeof known[0])

static bool libc_known(const char *libc)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcmp(libc, known[i]) == 0)
			return true;
	return false;
}

/* "host, musl, ..., sid or bookworm-zoo" */
static void known_list(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NKNOWN && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
		                      i == 0 ? "" : i + 1 == NKNOWN ? " or " : ", ",
		                      known[i]);
}

int libc_hold(const struct libc_env *env, char *err, size_t errsize)
{
	char lock[PATH_MAX + 8];
	if (!env->root[0])
		return 0;
	snprintf(lock, sizeof lock, "%s.lock", env->root);
	int fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;   /* a read-only cache: nobody can rebuild it either */
	if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		close(fd);
		snprintf(err, errsize, "the root filesystem %s is being built right "
		         "now (scripts/mkrootfs.sh); run again when it is done",
		         env->root);
		return -1;
	}
	return 0;   /* fd stays open: the lock lasts as long as the run */
}


/* nscd must match the C library it serves exactly (it uses glibc's
 * private symbols): the root filesystem's own, or for the host one
 * unpacked from Debian's package of the host's libc6 version, never
 * installed (an installed nscd would be a service on the host). */
static int find_nscd(const struct libc_paths *p, const char *libc,
                     struct libc_env *env, char *err, size_t errsize)
{
	char path[PATH_MAX * 2];
	if (strcmp(libc, "musl") == 0) {
		snprintf(err, errsize, "musl has no nscd: cache=nscd needs a glibc");
		return -1;
	}
	if (env->root[0]) {
		snprintf(env->nscd, sizeof env->nscd, "/usr/sbin/nscd");
		snprintf(path, sizeof path, "%s/usr/sbin/nscd", env->root);
	} else {
		snprintf(env->nscd, sizeof env->nscd, "%s/nscd-host/usr/sbin/nscd", p->cache);
		snprintf(path, sizeof path, "%s", env->nscd);
	}
	if (access(path, X_OK) == 0)
		return 0;
	snprintf(err, errsize, "no nscd for libc '%s' at %s: run %s", libc, path,
	         env->root[0] ? "scripts/mkrootfs.sh --force for that suite"
	                      : "scripts/get-nscd.sh (or make deps)");
	return -1;
}

int libc_resolve(const struct libc_paths *p, const char *libc,
                 bool want_probes, bool want_nscd,
                 struct libc_env *env, char *err, size_t errsize)
{
	char names[128];
	if (!libc_known(libc)) {
		memset(env, 0, sizeof *env);
		known_list(names, sizeof names);
		snprintf(err, errsize, "unknown C library '%s' (--libc, or a "
		         "scenario's libc line): expected %s", libc, names);
		return LIBC_UNKNOWN;
	}
	int rc = libc_where(p, libc, want_probes, env, err, errsize);
	env->nscd[0] = '\0';
	if (rc == 0 && want_nscd)
		rc = find_nscd(p, libc, env, err, errsize);
	return rc;
}

static int libc_where(const struct libc_paths *p, const char *libc,
                      bool want_probes, struct libc_env *env, char *err,
                      size_t errsize)
{
	char stamp[PATH_MAX + 32];

	env->root[0] = '\0';
	if (strcmp(libc, "host") == 0) {
		snprintf(env->probes, sizeof env->probes, "%s", p->probes_host);
		return 0;
	}
	if (strcmp(libc, "musl") == 0) {
		snprintf(env->probes, sizeof env->probes, "%s", p->probes_musl);
		if (!want_probes || cli_is_dir(env->probes))
			return 0;
		snprintf(err, errsize, "no musl probes in %s: run 'make musl-probes' "
		         "(needs Debian's musl-tools)", env->probes);
		return -1;
	}
	snprintf(env->root, sizeof env->root, "%s/rootfs/%s", p->cache, libc);
	snprintf(stamp, sizeof stamp, "%s/.whichns-stamp", env->root);
	if (access(stamp, R_OK) != 0) {
		snprintf(err, errsize, "no root filesystem for libc '%s' in %s/rootfs: "
		         "run 'scripts/mkrootfs.sh %s'", libc, p->cache, libc);
		return -1;
	}
	snprintf(env->probes, sizeof env->probes, "%s/probes/%s", p->cache, libc);
	if (want_probes && !cli_is_dir(env->probes)) {
		snprintf(err, errsize, "no probes built for '%s' in %s: run "
		         "'scripts/build-probes.sh %s'", libc, env->probes, libc);
		return -1;
	}
	return 0;
}
