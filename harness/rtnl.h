/*
 * rtnl.h - the few rtnetlink requests a case's network needs, sent from
 * C on a NETLINK_ROUTE socket of the namespace the caller is in: a veth
 * pair with its far end moved into another namespace, a link up, an
 * address (point to point), a permanent neighbour, a route (through a
 * link, via a gateway on it, a blackhole, a default), a route removed.
 * What `ip` did for the case, without a process per batch.
 *
 * Owns: its socket.  Every request is acknowledged (NLM_F_ACK) before
 * the call returns; a refusal is -1 with errno (the kernel's) and
 * nl->what naming the request ("add address 198.51.100.2 peer
 * 198.51.100.10 on w-old"), for the caller's one-line error.
 * Never: opens another namespace's socket (the caller moves first), or
 * retries.
 */
#ifndef WHICHNS_RTNL_H
#define WHICHNS_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include "packet.h"

struct rtnl {
	int      fd;
	unsigned seq;
	char     what[160];   /* the last request, in words */
};

/* A socket in the caller's network namespace.  -1 with errno. */
int  rtnl_open(struct rtnl *nl);
void rtnl_close(struct rtnl *nl);

/* Link `name` (MAC mac) of type veth, its peer `peer` (MAC peer_mac)
 * created in the namespace of process ns_pid, or with ns_pid 0 of the
 * namespace open as ns_fd. */
int rtnl_veth(struct rtnl *nl, const char *name, const char *mac,
              const char *peer, const char *peer_mac, int ns_pid, int ns_fd);
/* Link name up. */
int rtnl_link_up(struct rtnl *nl, const char *name);
/* Address local (a full-length prefix) on link name, point to point
 * with peer (NULL: none); IPv6 without duplicate address detection. */
int rtnl_addr(struct rtnl *nl, const char *name, const char *local,
              const char *peer);
/* addr is at MAC mac on link name, permanently (replacing any entry). */
int rtnl_neigh(struct rtnl *nl, const char *name, const char *addr,
               const char *mac);

struct rtnl_route {
	const char *dst;      /* a full-length prefix; NULL: the default route */
	bool        v6;       /* the family, for a default or blackhole */
	const char *dev;      /* the link, or NULL (a blackhole) */
	const char *via;      /* a gateway taken as on the link, or NULL */
	const char *src;      /* the preferred source, or NULL */
	unsigned    metric;   /* 0: the kernel's default */
	bool        blackhole;
};
int rtnl_route_add(struct rtnl *nl, const struct rtnl_route *r);
/* Remove the route to a (full length) through link ifindex. */
int rtnl_route_del(struct rtnl *nl, const struct pkt_addr *a, int ifindex);

#endif
