/*
 * stubspec.h - a case whose process asks a local stub resolver, not the
 * servers: systemd-resolved listening on 127.0.0.53 in the case, from a
 * root filesystem that has it (doc/resolved.md).
 *
 * Owns: the words that ask for it ("resolved", "resolved:trixie/reload",
 * "resolved:bookworm/restart"), which tree and which way of switching
 * they mean, whether that tree's systemd can switch that way (its
 * version, from the tree's stamp), and the texts of resolved.conf.
 * Never: touches a file or a process (harness/stub.c does).
 *
 * The process's resolv.conf says "nameserver 127.0.0.53" before and after
 * the switch; the switch changes resolved's upstream instead: DNS= in
 * resolved.conf, then
 *   reload   SIGHUP: resolved re-reads resolved.conf (systemd 256 and
 *            later; 252 dies of the signal, having no handler)
 *   restart  resolved stopped and started again (any version), as
 *            "systemctl restart systemd-resolved" does.
 */
#ifndef WHICHNS_STUBSPEC_H
#define WHICHNS_STUBSPEC_H

#include <stddef.h>

#define STUB_ADDR4        "127.0.0.53"
#define STUB_RELOAD_SINCE 256   /* systemd version with resolved's SIGHUP */

enum stub_how { STUB_RELOAD, STUB_RESTART };

struct stubspec {
	char suite[16];         /* "trixie" or "bookworm" */
	enum stub_how how;
};

/* "resolved[:SUITE][/HOW]": SUITE trixie (the default, systemd 257) or
 * bookworm (252); HOW reload (trixie's default) or restart (bookworm's,
 * which cannot reload).  -1 with one line in err naming the word and the
 * fix. */
int stubspec_parse(const char *text, struct stubspec *sp, char *err,
                   size_t errsize);

/* The tree's folder name under the cache's rootfs/: "trixie-resolved". */
int stubspec_tree_name(const struct stubspec *sp, char *buf, size_t size);

const char *stubspec_how_name(enum stub_how how);

/* systemd's major version from a tree's stamp text (mkrootfs.sh's
 * "extra_versions=... systemd-resolved=257.13-1~deb13u1 ..."); 0 when it
 * is not there. */
unsigned stubspec_systemd_version(const char *stamp, size_t len);

/* Can this systemd switch this way?  NULL, or why not with the fix. */
const char *stubspec_check(const struct stubspec *sp, unsigned version);

/* resolved.conf with upstream server addr as its only DNS=, no fallback,
 * no LLMNR or mDNS (nothing else on the wire), DNSSEC and DNS over TLS
 * off; the stub listener and the cache as Debian ships them.  Returns the
 * length, or -1 when it does not fit. */
int stubspec_conf(char *buf, size_t size, const char *addr);

#endif
