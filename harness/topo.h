/*
 * topo.h - the network of one case: a client namespace (the caller's own,
 * already unshared) joined by veth links to one network namespace per
 * server of the case's set (lib/serverset.h), each running dnsmasq in
 * the foreground; a server whose state after the switch is not up has
 * a twin namespace, reached at the same addresses, which stands in for
 * it from the switch on; with nscd, a side namespace for
 * it, linked to the client namespace, which forwards its packets.
 *
 * Owns: server, twin and side namespaces, veth links, addresses, routes,
 * forwarding in the client namespace, each server's dnsmasq-LABEL.conf
 * in the case folder, dnsmasq processes, the check that each answers on
 * each of its addresses (from the side's address too), and each
 * server's state from the switch on.
 * Never: touches the host's namespace; it must be called from inside a
 * fresh network namespace.
 */
#ifndef WHICHNS_TOPO_H
#define WHICHNS_TOPO_H

#include <stdbool.h>
#include <limits.h>
#include <net/if.h>
#include <sys/types.h>
#include "defer.h"
#include "serverset.h"

/* Namespaces of servers: each server, and at most one twin each. */
#define TOPO_MAX (2 * SS_MAX)

struct server {
	const struct ss_server *ss;  /* its server in the case's set */
	char  label[24];      /* "old", "new", "s1"; a twin: "s1-after" */
	int   twin;           /* the twin answering for it after the switch,
	                       * or -1 */
	int   of;             /* a twin: the server it answers for; else -1 */
	enum ss_state kind;   /* a server: SS_UP; a twin: its server's state */
	char  veth[IFNAMSIZ]; /* client side of the link */
	char  mac_client[18], mac_server[18]; /* neighbours are static */
	pid_t pid;            /* the process that keeps dnsmasq (topo.c,
	                       * server_keep); the namespace dies with it */
	int   pidfd_relay;    /* a slow twin's delay line (delayline.h) */
	char  conf[PATH_MAX]; /* dnsmasq-LABEL.conf in the case folder */
	char  log[PATH_MAX];  /* dnsmasq --log-queries */
	char  errlog[PATH_MAX];
	int   errfd;          /* errlog, opened before any mount can hide it */
	char  ended[96];      /* how dnsmasq ended, once topo_server_gone() saw
	                       * it: "was killed by signal 9 (Killed)" */
	/* A server kept across the cases of a job slot (topo_keep_start),
	 * and a case's server taken from one (topo_take): */
	bool  kept;           /* not this case's own: never stopped by it */
	bool  lost;           /* in the kept one: it stopped answering in a
	                       * case, or the namespace keeps something of
	                       * one; start it anew (pool.h) */
	bool  fresh;          /* in the kept one: no case took it yet */
	int   pidfd_keep;     /* a kept one's keeper, or -1 */
	struct server *from;  /* in a case: the kept one it took */
	int   log_src, log_dst;   /* in a case: the kept dnsmasq's log, read */
	off_t log_off;            /* from log_off, and the case's copy of it */
	int   err_src;            /* and its errlog, read from err_off into */
	off_t err_off;            /* errfd (the case's) */
};

struct topo_config {
	const char *fixtures;  /* folder holding dnsmasq/common.conf */
	const char *casedir;   /* where the confs and logs go */
	bool any_name;         /* answer every name (exec mode) */
	const char *dnsmasq;   /* its absolute path (spawn_which) */
	bool say_end;          /* each keeper writes how dnsmasq ended to its
	                        * errlog (topo_keep_start: the case that
	                        * holds the servers is not its parent) */
};

/* The namespaces set needs, into srv (room for TOPO_MAX): its servers
 * in order, then the twins, then (when there is room) an entry whose
 * label is empty: the undos topo_start pushes stop there.  Nothing past
 * it is written.  set must outlive srv.  Returns how many. */
size_t topo_plan(struct server *srv, const struct serverset *set);

/* Set up the n servers (namespaces, links, addresses, routes) and start
 * their dnsmasq, without waiting for them; undos go on d.  The caller
 * may do other work meanwhile, then call topo_wait(). */
int topo_start(struct server *srv, size_t n, const struct topo_config *cfg,
               struct defer *d, char *err, size_t errsize);
/* Wait until each server (and each twin) answers on each of its
 * addresses, asking every millisecond; -1 with err when one ended or
 * did not answer within 5 s. */
int topo_wait(struct server *srv, size_t n, char *err, size_t errsize);

/*
 * Servers kept across cases (the runner's pool.h).  topo_keep_start
 * makes a network namespace (*netns, open) and a packet socket in it
 * (*capture, capture_socket()), starts the n servers of a set without
 * twins from it as topo_start does (undos on d), and returns to the
 * caller's own namespace; their confs and logs go in
 * cfg->casedir.  Their readiness is the case's to wait for.  -1 with
 * err.  A case that runs in *netns (not one of its own) takes them with
 * topo_take: srv (planned from the same set) gets their processes, the
 * servers' confs in cfg->casedir, and the undo pushed on d writes there
 * the lines their logs got meanwhile (a server that no longer answers
 * is marked lost in kept).  -1 with err when one has ended.
 */
int  topo_keep_start(struct server *srv, size_t n, const struct topo_config *cfg,
                     struct defer *d, int *netns, int *capture, char *err,
                     size_t errsize);
/* From the runner: wait until each of the n kept servers answers, asked
 * from their client namespace (open as netns), as topo_wait asks.  -1
 * with err. */
int  topo_keep_wait(struct server *srv, size_t n, int netns, char *err,
                    size_t errsize);
bool topo_kept_alive(const struct server *s);
int  topo_take(struct server *srv, size_t n, struct server *kept,
               const struct topo_config *cfg, struct defer *d,
               char *err, size_t errsize);

/* The readiness checks (topo_wait, topo_side_start) ask with this DNS
 * ID from ports TOPO_READY_PORT .. + TOPO_READY_PORTS - 1, below the
 * kernel's ephemeral range (32768-60999): the capture leaves out the
 * messages with both (capture.c), so it can run while they go on. */
#define TOPO_READY_ID    0x5742
#define TOPO_READY_PORT  5742
#define TOPO_READY_PORTS 64
#define TOPO_READY_PORT_LAST 5805   /* TOPO_READY_PORT + TOPO_READY_PORTS - 1 */

/* The case needs its servers no more: ask each to end (SIGTERM), not
 * waiting; the undo topo_start pushed reaps them. */
void topo_stop_begin(struct server *srv, size_t n);

/* Has a server ended?  Returns its index, or -1 while all run.  The
 * first time it sees one ended, it fills srv[i].ended and appends the
 * same words to srv[i].errlog: a killed dnsmasq writes nothing itself. */
int topo_server_gone(struct server *srv, size_t n);

/* "198.51.100.10, 2001:db8:100::10": a server's addresses, for errors. */
const char *topo_addrs(const struct server *s, char *buf, size_t size);

/*
 * The states from the switch on, right after it: for each server that
 * is not up, remove the case's routes through the server's own link, so
 * that its addresses are reached through its twin's (down: a blackhole;
 * refused, servfail: a dnsmasq that answers so; slow: the server's data
 * behind a delay line, which a signal starts delaying).  An
 * acknowledged netlink message per address: well under a millisecond.
 * -1 with err when one could not be applied.
 */
int topo_apply_states(struct server *srv, size_t n, char *err,
                      size_t errsize);

/* A side network namespace of the case, nscd's (WN_NSCD4, WN_NSCD6),
 * linked to the case's, which
 * forwards its queries to the servers: so each query on the wire says
 * who sent it (lib/paths.h).  The caller fills the first fields. */
struct topo_side {
	const char *label;          /* "nscd" */
	const char *addr4, *addr6;  /* its address on its link */
	const char *veth;           /* the case's side of its link */
	const char *mac_case, *mac_side;
	int case_fd, side_fd;       /* the two namespaces, O_CLOEXEC */
};

/* Make it, link it, and wait until every server answers from it (the
 * twins are checked from the case's address only); undos go on d.
 * Called in the case's namespace, after topo_start(). */
int topo_side_start(struct topo_side *n, struct server *srv, size_t nsrv,
                    struct defer *d, char *err, size_t errsize);
/* Move this (single-threaded) process into the side's namespace, so
 * that what it forks starts there, and back.  -1 with errno. */
int topo_side_enter(const struct topo_side *n);
int topo_side_leave(const struct topo_side *n);

#endif
