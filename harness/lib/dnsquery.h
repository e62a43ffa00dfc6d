/*
 * dnsquery.h - build a DNS query message (for the servers' readiness check).
 * Owns: wire encoding of one question.  Never: does I/O.
 */
#ifndef WHICHNS_DNSQUERY_H
#define WHICHNS_DNSQUERY_H

#include <stddef.h>
#include <stdint.h>

/* Returns the message length, or -1 when the name is invalid or the
 * message does not fit in size bytes. */
int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name,
                    uint16_t qtype);

#endif
