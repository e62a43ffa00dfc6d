/*
 * watchbpf.h - the kernel side of whichns watch: load the BPF programs
 * (harness/bpf/watch.bpf.c, its skeleton generated at build time by
 * bpftool), attach them to the cgroup v2 root, hand each record of the
 * ring buffer to a callback, detach.
 *
 * Owns: every bpf() call, the cgroup v2 root's file descriptor, and the
 * one line that says why BPF cannot run here (exit 3).
 * Never: pins anything in a bpffs, writes a file, or leaves a program
 * attached: every attachment is a bpf_link held only by this process's
 * file descriptors, so its exit (SIGKILL included) detaches all
 * (doc/watch.md, "Safety").
 */
#ifndef WHICHNS_WATCHBPF_H
#define WHICHNS_WATCHBPF_H

#include <stddef.h>
#include <stdint.h>

struct watchbpf;

/* One record, as the ring buffer holds it (struct wn_watch_rec, watchev.h,
 * not yet checked).  Return 0 to go on; non-zero stops watchbpf_poll()
 * and is returned by it. */
typedef int (*watchbpf_cb)(void *ctx, const void *rec, size_t size);

/*
 * Load and attach.  NULL with one line in err ("whichns watch: ...", no
 * trailing newline) when BPF cannot run here, naming what is missing and
 * the fix: not root (or without CAP_BPF and CAP_PERFMON), bpf() refused
 * (a user namespace, a seccomp filter, kernel.unprivileged_bpf_disabled)
 * or absent, no cgroup v2 hierarchy, a program the kernel rejects (with
 * the verifier's last line).  Every such failure is exit 3 (EXIT_ENV)
 * for the caller.
 */
struct watchbpf *watchbpf_open(watchbpf_cb cb, void *ctx, char *err,
                               size_t errsize);
/* The ring buffer's file descriptor, to wait on with poll(2)/epoll. */
int watchbpf_fd(const struct watchbpf *w);
/* Hand every record waiting, waiting at most timeout_ms for the first
 * (0: none).  Returns the records handed, or the callback's non-zero
 * value, or -errno. */
int watchbpf_poll(struct watchbpf *w, int timeout_ms);
/* Records the kernel side could not reserve (ring buffer full), so
 * never handed: counts may be that much low. */
uint64_t watchbpf_lost(const struct watchbpf *w);
/* Which hooks are attached, for report.md ("cgroup_skb/egress,
 * cgroup/sock_create, cgroup/connect4, ..."). */
const char *watchbpf_hooks(void);
/* Detach and free; NULL is fine. */
void watchbpf_close(struct watchbpf *w);

#endif
