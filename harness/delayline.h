/*
 * delayline.h - a server that answers late (state slow:DUR): a relay
 * in the server's network namespace, on the server's addresses, port 53,
 * that hands each query at once to that namespace's dnsmasq (at
 * 127.0.0.1) and sends dnsmasq's answer back DUR after the query came.
 *
 * This kernel has no sch_netem (the qdisc that delays packets); the
 * relay does in user space what netem would do on the server's link,
 * for the answers only, and changes no byte of them.  The answer is
 * dnsmasq's.  Over TCP too: each query of a connection is relayed over
 * a connection to dnsmasq, and its answer written back DUR after it came.
 *
 * Owns: its sockets and its pending queries.
 * Never: returns; it runs as a process of its own until killed.
 */
#ifndef WHICHNS_DELAYLINE_H
#define WHICHNS_DELAYLINE_H

#include <stddef.h>

/* addrs: the server's addresses (presentation form).  Answers go back
 * without delay until the process gets SIGUSR1 (the switch), then
 * delay_ms late.  user, group: who to run as once the sockets are
 * bound (NULL: stay).  Never returns: _exit(3) when it cannot start. */
void delayline_run(const char *const *addrs, size_t naddrs,
                   unsigned delay_ms, const char *user, const char *group);

#endif
