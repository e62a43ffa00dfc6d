/*
 * dnsconf.c - the dnsmasq configuration of each server; see dnsconf.h.
 */
#include <stdio.h>
#include <string.h>
#include "dnsconf.h"

/* The root zone's key-signing key (KSK-2017), as Debian's dnsmasq-base
 * ships it in trust-anchors.conf. */
#define ROOT_ANCHOR ".,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409" \
                    "BBC683457104237C7F8EC8D"

static int fits(int n, size_t size)
{
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int dnsconf_ns_rdata(char *hex, size_t size, unsigned mark)
{
	char label[16];
	int len = snprintf(label, sizeof label, "ns-%u", mark);
	if (len < 0 || (size_t)len >= sizeof label)
		return -1;
	int n = snprintf(hex, size, "%02x", (unsigned)len);
	for (int i = 0; i < len && n > 0 && (size_t)n < size; i++)
		n += snprintf(hex + n, size - (size_t)n, "%02x",
		              (unsigned)(unsigned char)label[i]);
	if (n > 0 && (size_t)n < size)   /* 3 "hat" 3 "com" 0 */
		n += snprintf(hex + n, size - (size_t)n, "0368617403636f6d00");
	return fits(n, size);
}

int dnsconf_data(char *buf, size_t size, const char *who, unsigned mark,
                 bool any_name)
{
	char ns[64];
	if (mark > 255 || dnsconf_ns_rdata(ns, sizeof ns, mark) < 0)
		return -1;
	int n = snprintf(buf, size,
	    "# whichns: the server %s.  Every answer it gives carries %u\n"
	    "# (addresses 203.0.113.%u / 2001:db8:203::%u, names *-%u.hat.com),\n"
	    "# so a process's output shows whose data it got.\n"
	    "host-record=hat.com,203.0.113.%u,2001:db8:203::%u\n"
	    "host-record=mail-%u.hat.com,203.0.113.%u,2001:db8:203::%u\n"
	    "host-record=ns-%u.hat.com,203.0.113.%u,2001:db8:203::%u\n"
	    "mx-host=hat.com,mail-%u.hat.com,10\n"
	    "# NS hat.com -> ns-%u.hat.com (dnsmasq has no NS option: raw "
	    "rdata, wire form)\n"
	    "dns-rr=hat.com,2,%s\n",
	    who, mark, mark, mark, mark, mark, mark, mark, mark, mark, mark,
	    mark, mark, mark, mark, ns);
	if (fits(n, size) < 0 || !any_name)
		return fits(n, size);
	int m = snprintf(buf + n, size - (size_t)n,
	    "# exec mode: this server answers every name.\n"
	    "address=/#/203.0.113.%u\n"
	    "address=/#/2001:db8:203::%u\n", mark, mark);
	return fits(m, size - (size_t)n) < 0 ? -1 : n + m;
}

int dnsconf_refused(char *buf, size_t size, const char *who)
{
	return fits(snprintf(buf, size,
	    "# whichns: what answers for the server %s from the switch on\n"
	    "# (state refused): no data and no upstream server, so dnsmasq\n"
	    "# answers every query REFUSED.\n", who), size);
}

int dnsconf_servfail(char *buf, size_t size, const char *who,
                     const char *upstream)
{
	return fits(snprintf(buf, size,
	    "# whichns: what answers for the server %s from the switch on\n"
	    "# (state servfail): a validating resolver (the root's trust\n"
	    "# anchor) whose one upstream, a second dnsmasq at %s, answers\n"
	    "# every name NXDOMAIN, unsigned: every answer is BOGUS, and\n"
	    "# dnsmasq answers a BOGUS one SERVFAIL.  Not common.conf: DNSSEC\n"
	    "# needs dnsmasq's cache.\n"
	    "no-resolv\n"
	    "no-hosts\n"
	    "no-poll\n"
	    "bind-interfaces\n"
	    "log-queries=extra\n"
	    "dnssec\n"
	    "trust-anchor=" ROOT_ANCHOR "\n"
	    "server=%s\n", who, upstream, upstream), size);
}
