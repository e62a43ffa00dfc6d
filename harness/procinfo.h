/*
 * procinfo.h - what /proc says about a running process, for whichns
 * watch: who it is, whether it serves DNS itself, and the resolv.conf it
 * sees.
 *
 * Owns: every read of /proc/PID/... that watch makes, and the cache of
 * resolv.conf versions per root (mount namespace and root directory).
 * Never: writes anything, or follows a link out of the process's root:
 * its /etc/resolv.conf is opened with openat2(RESOLVE_IN_ROOT) under
 * /proc/PID/root, so an absolute symbolic link in a container resolves
 * in the container, as the process itself would see it.
 */
#ifndef WHICHNS_PROCINFO_H
#define WHICHNS_PROCINFO_H

#include <stdbool.h>
#include <stdint.h>
#include "watchmodel.h"

/* Who tgid is: comm, exe, start time, mount namespace, cgroup v2 path
 * and id, and whether it holds a socket bound to port 53 (a forwarder:
 * dnsmasq, systemd-resolved, unbound).  0; or -1 when it is gone (p->gone
 * set, p->tgid kept, the rest empty). */
int procinfo_read(uint32_t tgid, struct wm_proc *p);

/* Is the cgroup v2 path path cgroup or under it ("/a/b" is under "/a",
 * "/ab" is not; "/" holds every path)? */
bool procinfo_under_cgroup(const char *path, const char *cgroup);

/* The processes whose comm is comm (exactly), or whose cgroup v2 path is
 * cgroup or under it (a NULL filter matches any): calls fn for each.
 * This process itself is left out.  For the quiet rows of a filtered watch ("NO QUERIES"). */
void procinfo_scan(const char *comm, const char *cgroup,
                   void (*fn)(void *ctx, const struct wm_proc *p), void *ctx);

/* The resolv.conf versions of every root seen, bounded (PC_ROOTS_MAX;
 * the least recently used is dropped), and which root each process had
 * (PC_TGIDS, by pid modulo). */
#define PC_ROOTS_MAX 256
#define PC_TGIDS     1024
struct procconf;
/* offset: the watch's clock (the queries' times) minus CLOCK_MONOTONIC. */
struct procconf *procconf_new(uint64_t offset);
void procconf_free(struct procconf *pc);
/* The versions of the resolv.conf tgid sees, as known at least up to
 * t_ns (the query's time, wall clock): when its root's file was looked
 * at after t_ns, that is returned with no system call; else the file is
 * opened and fstat'ed now (doc/watch.md, "Judging a query": a look per
 * batch of queries, not per query), and read and parsed again only when
 * its identity (device, inode, size, change and modification times)
 * changed since the last look at that root.
 * NULL when it cannot be read (the process is gone and was not looked
 * at after t_ns, or the file is unreadable).  No such file is a known
 * version: the C libraries then use 127.0.0.1, which is what
 * wm_conf_parse("") says. */
const struct wm_confhist *procconf_get(struct procconf *pc, uint32_t tgid,
                                       uint64_t t_ns);
/* Look at the file of every process now: at a watch's start, so that a
 * version is known before any change (a query sent before the first
 * version seen is not judged: watchmodel.h, wm_judge). */
void procconf_prime(struct procconf *pc);
/* Look again at every root known, through the last process seen with
 * it (skipped when gone): called once a second, so that a change its
 * times do not date is known within a second (the window in which a
 * query is judged by either version). */
void procconf_refresh(struct procconf *pc);

#endif
