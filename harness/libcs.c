/* libcs.c - find a C library's root filesystem and probes; see libcs.h. */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "libcs.h"
#include "rootimport.h"

static int libc_where(const struct libc_paths *p, const char *libc,
                      bool want_probes, struct libc_env *env, char *err,
                      size_t errsize);
static int libc_imported(const struct libc_paths *p, const char *libc,
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

bool libc_is_builtin(const char *name)
{
	return libc_known(name);
}

/* --libc PATHs of this run: a few; the cases inherit them at fork. */
#define SOURCES_MAX 16
static struct libc_source sources[SOURCES_MAX];
static size_t nsources;

struct libc_source *libc_source_find(const char *label)
{
	for (size_t i = 0; i < nsources; i++)
		if (strcmp(sources[i].label, label) == 0)
			return &sources[i];
	return NULL;
}

const char *libc_label_for(const char *value)
{
	char label[ROOTINFO_NAME_MAX], abs[PATH_MAX];
	if (!rootinfo_is_path(value))
		return value;
	rootinfo_label(value, label);
	if (!realpath(value, abs))
		snprintf(abs, sizeof abs, "%s", value);   /* import says why */
	struct libc_source *s = libc_source_find(label);
	if (s && strcmp(s->path, abs) == 0)
		return s->label;
	if (s || libc_known(label) || nsources == SOURCES_MAX) {
		fprintf(stderr, "whichns: --libc %s: %s; name it with 'whichns roots "
		        "add NAME %s' and pass --libc NAME\n", value,
		        s ? "another --libc path has the same last component"
		        : nsources == SOURCES_MAX ? "too many --libc paths"
		        : "its last component is the name of a built-in C library",
		        value);
		return NULL;
	}
	s = &sources[nsources++];
	snprintf(s->label, sizeof s->label, "%s", label);
	snprintf(s->path, sizeof s->path, "%s", abs);
	s->key[0] = '\0';
	return s->label;
}

const char *libc_list_labels(const char *csv, char *out, size_t size)
{
	char buf[4096], *save;
	size_t n = 0;
	if (strlen(csv) >= sizeof buf) {
		fprintf(stderr, "whichns: --libc: list too long\n");
		return NULL;
	}
	strcpy(buf, csv);
	out[0] = '\0';
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const char *label = libc_label_for(w);
		if (!label)
			return NULL;
		n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s",
		                      n ? "," : "", label);
	}
	if (n >= size) {
		fprintf(stderr, "whichns: --libc: list too long\n");
		return NULL;
	}
	return out;
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
	/* An imported root's lock is CACHE/roots/KEY.lock (rootimport.h). */
	snprintf(lock, sizeof lock, "%s%s", env->key[0] ? env->lock : env->root,
	         env->key[0] ? "" : ".lock");
	int fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;   /* a read-only cache: nobody can rebuild it either */
	if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		close(fd);
		snprintf(err, errsize, "the root filesystem %s is being %s right "
		         "now; run again when it is done", env->root, env->key[0]
		         ? "imported, or its probes built," : "built (scripts/mkrootfs.sh)");
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
	int rc;
	if (libc_known(libc)) {
		rc = libc_where(p, libc, want_probes, env, err, errsize);
	} else if ((rc = libc_imported(p, libc, want_probes, env, err, errsize))
	           == LIBC_UNKNOWN) {
		struct stat st;
		/* A file or folder of that name here is likely meant: a value
		 * without a '/' is a name, so say how to write it as a path. */
		bool here = stat(libc, &st) == 0;
		memset(env, 0, sizeof *env);
		known_list(names, sizeof names);
		snprintf(err, errsize, "unknown C library '%s' %s%s%s(--libc, or a "
		         "scenario's libc line; a path to a root filesystem, or a "
		         "name from 'whichns roots list', is one too): expected %s",
		         libc, here ? "(a path? write ./" : "", here ? libc : "",
		         here ? ") " : "", names);
		return LIBC_UNKNOWN;
	}
	env->nscd[0] = '\0';
	if (rc == 0 && want_nscd)
		rc = find_nscd(p, libc, env, err, errsize);
	return rc;
}

/* A root a user brought (rootimport.h): a --libc PATH of this run,
 * imported by preflight, or a name from "whichns roots add".
 * LIBC_UNKNOWN when libc is neither. */
static int libc_imported(const struct libc_paths *p, const char *libc,
                         bool want_probes, struct libc_env *env, char *err,
                         size_t errsize)
{
	struct libc_source *src = libc_source_find(libc);
	char key[ROOTINFO_KEY_SIZE], info[PATH_MAX + 64];
	memset(env, 0, sizeof *env);
	if (src && !src->key[0]) {
		snprintf(err, errsize, "--libc %s: not imported yet (whichns roots "
		         "add NAME %s imports it)", src->path, src->path);
		return -1;
	}
	if (src)
		memcpy(key, src->key, sizeof key);
	else if (rootimport_name_get(p->cache, libc, key) != 0)
		return LIBC_UNKNOWN;
	snprintf(env->key, sizeof env->key, "%s", key);
	snprintf(env->lock, sizeof env->lock, "%s/roots/%s.lock", p->cache, key);
	snprintf(env->root, sizeof env->root, "%s/roots/%s/rootfs", p->cache, key);
	snprintf(env->probes, sizeof env->probes, "%s/roots/%s/probes", p->cache, key);
	snprintf(info, sizeof info, "%s/roots/%s/info", p->cache, key);
	if (access(info, R_OK) != 0) {
		snprintf(err, errsize, "root filesystem '%s' names %s, which is not "
		         "in %s/roots: run 'whichns roots add %s SOURCE' again", libc,
		         key, p->cache, libc);
		return -1;
	}
	if (want_probes && !cli_is_dir(env->probes)) {
		snprintf(err, errsize, "no probes built inside '%s' (%s): run "
		         "'whichns roots add %s %s' without --no-probes", libc,
		         env->root, src ? "NAME" : libc, src ? src->path : "SOURCE");
		return -1;
	}
	return 0;
}

static int libc_where(const struct libc_paths *p, const char *libc,
                      bool want_probes, struct libc_env *env, char *err,
                      size_t errsize)
{
	char stamp[PATH_MAX + 32];

	env->root[0] = '\0';
	env->key[0] = '\0';
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
