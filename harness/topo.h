/*
 * topo.h - the network of one case: a client namespace (the caller's own,
 * already unshared) joined by veth links to two server namespaces, each
 * running one dnsmasq in the foreground; with nscd, a side namespace for
 * it, linked to the client namespace, which forwards its packets.
 *
 * Owns: server and side namespaces, veth links, addresses, routes,
 * forwarding in the client namespace, dnsmasq processes and the check
 * that each answers (from the side's address too).
 * Never: touches the host's namespace; it must be called from inside a
 * fresh network namespace.
 */
#ifndef WHICHNS_TOPO_H
#define WHICHNS_TOPO_H

#include <stdbool.h>
#include <limits.h>
#include <sys/types.h>
#include "defer.h"

struct server {
	const char *label;    /* "old" or "new" */
	const char *addr4, *addr6;
	const char *veth;     /* client side of the link */
	const char *mac_client, *mac_server; /* fixed: neighbours are static */
	pid_t pid;            /* the process that keeps dnsmasq (topo.c,
	                       * server_keep); the namespace dies with it */
	char  log[PATH_MAX];  /* dnsmasq --log-queries */
	char  errlog[PATH_MAX];
	int   errfd;          /* errlog, opened before any mount can hide it */
	char  ended[96];      /* how dnsmasq ended, once topo_server_gone() saw
	                       * it: "was killed by signal 9 (Killed)" */
};

struct topo_config {
	const char *fixtures;  /* folder holding dnsmasq/ */
	const char *casedir;   /* where the logs go */
	bool any_name;         /* answer every name (exec mode) */
	const char *ip, *dnsmasq;  /* absolute paths (spawn_which) */
};

/* Set up both servers and wait until each answers; undos go on d. */
int topo_start(struct server srv[2], const struct topo_config *cfg,
               struct defer *d, char *err, size_t errsize);

/* Has a server ended?  Returns its index, or -1 while both run.  The
 * first time it sees one ended, it fills srv[i].ended and appends the
 * same words to srv[i].errlog: a killed dnsmasq writes nothing itself. */
int topo_server_gone(struct server srv[2]);

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

/* Make it, link it, and wait until both servers answer from it; undos
 * go on d.  Called in the case's namespace, after topo_start(). */
int topo_side_start(struct topo_side *n, struct server srv[2],
                    const struct topo_config *cfg, struct defer *d,
                    char *err, size_t errsize);
/* Move this (single-threaded) process into the side's namespace, so
 * that what it forks starts there, and back.  -1 with errno. */
int topo_side_enter(const struct topo_side *n);
int topo_side_leave(const struct topo_side *n);

#endif
