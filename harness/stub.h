/*
 * stub.h - systemd-resolved as the local stub of a case (doc/resolved.md).
 *
 * Owns: starting Debian's systemd-resolved from a root filesystem that
 * has it (mkrootfs.sh's trixie-resolved, bookworm-resolved) in the case's
 * network namespace, so that it listens on 127.0.0.53 of the case's
 * loopback and asks the old server upstream; switching its upstream to
 * the new server through its own configuration (lib/stubspec.h: reload
 * or restart); noticing when it ends; the case folder's
 * resolved.conf.before and .after (the settings it got, a drop-in on its
 * own /run) and resolved.log (its own debug log: which server each
 * transaction used).
 * Never: touches the host or the tree: resolved runs chrooted in the tree
 * bound read-only, with a /run, /tmp and /dev of its own and the /proc of
 * a PID namespace of its own, in a mount namespace of its own; as root
 * only until it drops to its user systemd-resolve, as under systemd.
 * No systemd as PID 1 and no D-Bus: resolved waits for a bus that never
 * comes and serves its stub meanwhile.
 */
#ifndef WHICHNS_STUB_H
#define WHICHNS_STUB_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "defer.h"
#include "stubspec.h"

struct stub {
	struct stubspec spec;
	char     tree[PATH_MAX];
	unsigned version;         /* systemd's, from the tree's stamp */
	char     casedir[PATH_MAX];
	char     conf[512];       /* resolved's settings now (a drop-in) */
	int      log_fd;          /* resolved.log */
	pid_t    pid;             /* the keeper: resolved's PID namespace */
	unsigned starts;          /* 2 after a restart */
	unsigned reloads;         /* "Config file reloaded." lines seen */
	char     ended[96];       /* how it ended, once stub_gone() saw it */
};

/* Before a run: the words, the tree in cache (rootfs/SUITE-resolved)
 * and whether its systemd can switch that way.  0; EXIT_USAGE (bad words,
 * or a reload that systemd cannot do) or EXIT_ENV (no tree) with err. */
int stub_preflight(const char *words, const char *cache, char *err,
                   size_t errsize);

/* Start resolved from tree with upstream old_addr and wait until it
 * listens on 127.0.0.53:53; undos go on d.  Called in the case's
 * network namespace, with the capture already running. */
int stub_start(struct stub *st, const struct stubspec *sp, const char *tree,
               const char *old_addr, const char *casedir, struct defer *d,
               char *err, size_t errsize);

/* Make resolved ask new_addr from now on, its way (sp->how); returns once
 * it did (reload: once it says "Config file reloaded."; restart: once it
 * listens again). */
int stub_switch(struct stub *st, const char *new_addr, char *err,
                size_t errsize);

/* Has resolved ended?  The first time, fills ended and the log says it. */
bool stub_gone(struct stub *st);

/* The sentence for the case record: where the switch happened, and that
 * the process itself never needed to re-read anything. */
void stub_note(const struct stub *st, char *buf, size_t size);

#endif
