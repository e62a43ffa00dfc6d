/*
 * dnsconf.h - the dnsmasq configuration of each server of a case.
 *
 * Owns: the text of dnsmasq-LABEL.conf, the file the case writes in its
 * folder and hands to that server's dnsmasq (beside the shared
 * fixtures/dnsmasq/common.conf), and of the configurations that answer
 * for a server from the switch on when its state is refused or servfail
 * (doc/design.md, "Servers").
 * Never: writes a file or starts anything (harness/topo.c does).
 */
#ifndef WHICHNS_DNSCONF_H
#define WHICHNS_DNSCONF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A server's data, every record carrying its mark M: host-record
 * hat.com, mail-M.hat.com and ns-M.hat.com at 203.0.113.M and
 * 2001:db8:203::M, MX hat.com -> mail-M.hat.com, NS hat.com ->
 * ns-M.hat.com (dns-rr, wire form); with any_name (exec mode) every
 * other name too (address=/#/...).  who names the server in the first
 * line ("old 198.51.100.10 2001:db8:100::10").  Returns the length, or
 * -1 when mark is above 255 or the text does not fit in size.
 */
int dnsconf_data(char *buf, size_t size, const char *who, unsigned mark,
                 bool any_name);

/* What answers for a server whose state is refused: dnsmasq with no
 * data and no upstream answers every query REFUSED. */
int dnsconf_refused(char *buf, size_t size, const char *who);

/* ... servfail: a validating dnsmasq (the root's trust anchor) whose
 * one upstream, a second dnsmasq in the same namespace at upstream
 * ("127.0.0.1"), answers every name NXDOMAIN, unsigned: every answer is
 * BOGUS, and a BOGUS answer is SERVFAIL.  The upstream runs with
 * DNSCONF_SERVFAIL_UPSTREAM on its command line. */
int dnsconf_servfail(char *buf, size_t size, const char *who,
                     const char *upstream);
#define DNSCONF_SERVFAIL_UPSTREAM "--local=/#/"

/* The NS rdata of ns-M.hat.com in wire form, as hex ("066e73...00"). */
int dnsconf_ns_rdata(char *hex, size_t size, unsigned mark);

#endif
