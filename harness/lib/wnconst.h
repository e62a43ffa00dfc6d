/*
 * wnconst.h - the fixed addresses and answers of every case
 * (doc/design.md, "Addresses").
 *
 * Documentation ranges only (RFC 5737, RFC 3849): nothing here can reach
 * a real host even if a packet escaped the namespaces.
 */
#ifndef WHICHNS_WNCONST_H
#define WHICHNS_WNCONST_H

#define WN_CLIENT4   "198.51.100.2"
#define WN_OLD4      "198.51.100.10"
#define WN_NEW4      "198.51.100.20"
#define WN_CLIENT6   "2001:db8:100::2"
#define WN_OLD6      "2001:db8:100::10"
#define WN_NEW6      "2001:db8:100::20"
/* nscd, in a network namespace of its own routed through the case's:
 * its queries leave from this address, so that each query on the wire
 * says whether the process or nscd sent it (paths.h). */
#define WN_NSCD4     "198.51.100.3"
#define WN_NSCD6     "2001:db8:100::3"

/* What each server answers: the application view tells them apart. */
#define WN_ANSWER_OLD4 "203.0.113.203"
#define WN_ANSWER_NEW4 "203.0.113.204"
#define WN_ANSWER_OLD6 "2001:db8:203::203"
#define WN_ANSWER_NEW6 "2001:db8:203::204"

/* MX and NS targets carry the same mark: mail-203.hat.com, ns-204.hat.com */
#define WN_NAME_OLD    "-203.hat.com"
#define WN_NAME_NEW    "-204.hat.com"

#define WN_QNAME     "hat.com"
#define WN_HOSTNAME  "client.hat.com"   /* the case's own host name */

/* The largest file a process of the sandbox may write (RLIMIT_FSIZE):
 * its stdout and stderr are files of the results folder on the host. */
#define WN_FILE_MAX_MIB 256

#endif
