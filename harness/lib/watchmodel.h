/*
 * watchmodel.h - whichns watch's judgement: which DNS queries a running
 * process sent to servers its own resolv.conf does not list, and what
 * that makes each process (doc/watch.md, "Verdicts").
 *
 * Owns: reading a kernel record into a query (wm_query_from_event), or
 * into the queries it completes on its TCP stream (wm_tcp_record), the
 * nameservers of a resolv.conf text (wm_conf_parse), which version of a
 * file a query is judged by (wm_confhist), the class of one query
 * (wm_classify), and the table of processes with their counts, servers,
 * timeline bins and verdicts (wm_table).
 * Never: reads /proc or a file, or keeps a record per query: the caller
 * (harness/cmd_watch.c, harness/procinfo.c) reads what a process sees and
 * hands it in; memory is bounded by WM_ROWS_MAX rows of fixed size.
 *
 * Times are wall-clock nanoseconds since the epoch throughout (the
 * caller adds the monotonic-to-real offset when reading a record).
 */
#ifndef WHICHNS_WATCHMODEL_H
#define WHICHNS_WATCHMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "packet.h"

#define WM_CONF_MAX    16    /* nameserver lines kept from one file */
#define WM_ROWS_MAX    512   /* processes in a table; more: dropped_rows */
#define WM_SERVERS_MAX 8     /* distinct servers per row; more: other_servers */
#define WM_BINS        600   /* timeline columns per row */
#define WM_BIN_NS_MIN  50000000ull /* first bin width: 50 ms */

/* ---- resolv.conf ---- */

/* The nameservers a resolv.conf lists, in order. */
struct wm_conf {
	size_t n;
	struct pkt_addr ns[WM_CONF_MAX];
	bool   defaulted;   /* no nameserver line: the C libraries' default,
	                     * 127.0.0.1 (glibc and musl), is in ns[] */
	bool   truncated;   /* more than WM_CONF_MAX lines; the rest dropped */
};

/* The nameserver lines of a resolv.conf text of len bytes (any bytes:
 * NULs, no final newline, CRs), read as glibc 2.36 reads them
 * (serverset.h states the rule): "nameserver" at the start of a line, a
 * blank, the address up to the next blank or the line's end.  An IPv4
 * address is read as glibc's inet_aton reads it, whole ("10.1" is
 * 10.0.0.1, "010.0.0.1" is 8.0.0.1: octal); an IPv6 address with a scope
 * ("fe80::1%eth0") counts without its scope; a line whose address is
 * neither is skipped, as glibc skips it.
 * No line: defaulted, ns[0] = 127.0.0.1.  Never fails. */
void wm_conf_parse(const char *text, size_t len, struct wm_conf *out);
bool wm_conf_lists(const struct wm_conf *c, const struct pkt_addr *a);
/* "198.51.100.53 2001:db8::53" (space-separated; "(none)" when n is 0);
 * always NUL-terminated, cut to size. */
void wm_conf_render(const struct wm_conf *c, char *buf, size_t size);
bool wm_conf_equal(const struct wm_conf *x, const struct wm_conf *y);

/* One process's resolv.conf as it changed during the watch: the version
 * now and the one before it, each with when it took effect.  A query is
 * judged by the version in force when it left, so a query sent a moment
 * before a switch and read after it is not called stale.  When the
 * change is dated (the file's change time, ctime, falls between the last
 * look that saw the old version and the look that saw the new one) it
 * took effect then; when not (a link switched to an older file, a file
 * put back with its old times, a step of the clock), it took effect
 * somewhere between those two looks, and a query sent in between is
 * stale only when neither version lists its server (wm_judge). */
struct wm_confver {
	bool     known;
	uint64_t since_ns;  /* surely in force from then on; 0: since before
	                     * the watch began */
	uint64_t after_ns;  /* and not before then: from after_ns to since_ns
	                     * this one or the one before may have been in
	                     * force (equal when the change is dated) */
	struct wm_conf conf;
};
struct wm_confhist {
	struct wm_confver cur, prev;
};
/* A version read now whose change time is since_ns: when it differs from
 * cur (wm_conf_equal), cur becomes prev and this one cur; when equal,
 * nothing changes (a touch without a change).  (A dated change:
 * wm_confhist_change with all three times since_ns.) */
void wm_confhist_update(struct wm_confhist *h, uint64_t since_ns,
                        const struct wm_conf *c);
/* A version seen by a look at before_ns, the last look before it (which
 * saw cur) at after_ns, and the latest change time the caller found for
 * it, change_ns (the file's ctime, or its symbolic link's; 0: none).
 * The first version known takes effect at change_ns, with nothing known
 * before it.  Later, when change_ns is in (after_ns, before_ns +
 * WM_CHANGE_SLACK_NS] the change is dated: since is change_ns, after_ns
 * WM_CHANGE_SLACK_NS earlier (a file's times are coarse: a query sent
 * that little before may have read either); else since is before_ns and
 * after after_ns.  One equal to cur changes nothing. */
#define WM_CHANGE_SLACK_NS 10000000ull   /* 10 ms */
void wm_confhist_change(struct wm_confhist *h, uint64_t after_ns,
                        uint64_t before_ns, uint64_t change_ns,
                        const struct wm_conf *c);
/* The version in force at t_ns: cur when t_ns >= cur.since_ns, else prev
 * when known, else cur.  NULL when nothing is known. */
const struct wm_conf *wm_confhist_at(const struct wm_confhist *h,
                                     uint64_t t_ns);

/* ---- one query ---- */

/* A DNS query (or connect to port 53) a process sent, from one record. */
struct wm_query {
	uint64_t t_ns;           /* wall clock */
	uint32_t tgid, tid;
	uint64_t cgroup_id;
	char     comm[16];       /* NUL-terminated */
	int      owner;          /* enum wn_ev_owner */
	int      kind;           /* enum wn_ev_kind */
	struct pkt_addr src, dst;
	uint16_t sport, dport;
	uint8_t  proto;          /* 17 UDP, 6 TCP */
	unsigned nmsgs;          /* DNS query messages in the packet (>= 1);
	                          * 0 for a connect */
	uint16_t id, qtype;      /* the first message's */
	char     qname[256];     /* its question name ("." for the root,
	                          * "" when it has no question) */
	uint32_t wire_len;
	const uint8_t *pkt;      /* the packet bytes in the record (for -w) */
	uint32_t cap_len;
};

/*
 * Read one ring-buffer record of size bytes.  real_offset_ns is added to
 * the record's monotonic time.  0 and *q filled (q->pkt points into rec);
 * -1 and *why (a static string) when the record is not one whole struct
 * wn_watch_rec, its kind or owner is unknown, cap_len exceeds WN_EV_SNAP or
 * wire_len, a CONNECT's family is not 2 or 10, or a PACKET does not
 * decode (pkt_decode, link type RAW) as at least one DNS query (QR 0)
 * to port 53.  A response, or a packet with only responses, is -1 too
 * ("not a query").
 */
int wm_query_from_event(const void *rec, size_t size, uint64_t real_offset_ns,
                        struct wm_query *q, const char **why);

/*
 * The queries of a watch's records, with its TCP streams followed.  The
 * kernel hands over one record per TCP segment with payload, and a
 * message may span segments (a length prefix written apart from its
 * message) or come again (a retransmission): each TCP direction is
 * reassembled by tcpdns.h, so every DNS message is handed on once and
 * whole, as a capture tool that reassembles (tshark) counts it.
 * Bounded by tcpdns.h's limits; one per watch.
 */
struct wm_tcp;

/* NULL when out of memory. */
struct wm_tcp *wm_tcp_new(void);
void wm_tcp_free(struct wm_tcp *s);

/* q is valid during the call only (q->pkt points into the record). */
typedef void (*wm_query_fn)(void *ctx, const struct wm_query *q);

/*
 * One ring-buffer record, checked as wm_query_from_event() checks it,
 * hands each query it yields to fn:
 * - CONNECT: itself (nmsgs 0);
 * - UDP: its query, as wm_query_from_event() reads it (nmsgs messages);
 * - TCP: each message the segment completes on its stream that is a
 *   query (QR 0) to port 53, as one query (nmsgs 1) with this record's
 *   process, time and addresses; a message split across records counts
 *   with the record that completed it, bytes seen before count no more.
 * The record's packet goes with the first query it yields (q->pkt,
 * cap_len, wire_len); later ones from the same record have q->pkt NULL,
 * so the packet is written once.  *rec_q is the record itself (nmsgs 0):
 * its identity, addresses and, when no query took it, its packet (else
 * rec_q->pkt is NULL); the caller writes that packet itself if it keeps
 * every packet (-w).
 * Returns the number of queries handed to fn, or -1 and *why as
 * wm_query_from_event() (the record is refused, or holds no DNS: *rec_q
 * then holds what could be read).  A TCP record that yields nothing
 * returns 0 with *why NULL when it only carried part of a message or
 * bytes already seen, or with *why saying what else it completed (a
 * message that is not a query, or stream bytes lost): then it is not DNS
 * as far as the counts go.
 */
int wm_tcp_record(struct wm_tcp *s, const void *rec, size_t size,
                  uint64_t real_offset_ns, wm_query_fn fn, void *ctx,
                  struct wm_query *rec_q, const char **why);

/* ---- judging it ---- */

enum wm_class {
	WM_LISTED,     /* to a server the file in force lists */
	WM_STALE,      /* to a server it does not list */
	WM_LOCAL,      /* to a loopback address the file lists: a local stub
	                * or cache (127.0.0.53, ...); the question moves to
	                * that daemon, whose own queries have a row */
	WM_UNJUDGED,   /* the process serves DNS itself (a forwarder, whose
	                * upstreams come from its own configuration), or its
	                * resolv.conf could not be read (conf NULL) */
};
enum wm_class wm_classify(const struct wm_conf *conf, bool forwarder,
                          const struct pkt_addr *dst);
/* A query to dst that left at t_ns, judged by h: WM_UNJUDGED when h is
 * NULL or the query left before the first version known took effect
 * (the one in force then is unknown); else wm_classify by the version in
 * force (wm_confhist_at), and between cur's after_ns and since_ns, where
 * either version may have been in force, by the one that lists dst when
 * one does.  *by (may be NULL) gets the version it was judged by (NULL
 * when none). */
enum wm_class wm_judge(const struct wm_confhist *h, uint64_t t_ns,
                       bool forwarder, const struct pkt_addr *dst,
                       const struct wm_conf **by);
const char *wm_class_name(enum wm_class c);   /* "listed", "stale", ... */

/* ---- the processes ---- */

/* What /proc said about a process (harness/procinfo.c reads it). */
struct wm_proc {
	uint32_t tgid;
	uint64_t start;          /* start time (/proc/PID/stat field 22):
	                          * a row is (tgid, start), so a reused pid is
	                          * a new row */
	char     comm[16];
	char     exe[256];       /* "" unknown */
	uint64_t mntns;          /* inode of /proc/PID/ns/mnt; 0 unknown */
	uint64_t cgroup_id;
	char     cgroup[256];    /* cgroup v2 path, "" unknown */
	bool     forwarder;      /* holds a socket bound to port 53 */
	bool     gone;           /* exited before /proc could be read */
};

enum wm_verdict {
	WMV_NO_QUERIES,   /* sent no query during the watch */
	WMV_FOLLOWED,     /* every judged query went to a server it lists */
	WMV_STALE,        /* stale queries, none listed since the first */
	WMV_MIXED,        /* stale and listed both, the last one stale */
	WMV_LATE,         /* stale queries, then only listed ones */
	WMV_LOCAL,        /* only a local stub or cache it lists */
	WMV_FORWARDER,    /* a DNS server itself: not judged */
	WMV_INCONCLUSIVE, /* only queries that could not be judged */
};
/* "NO QUERIES", "FOLLOWED", "STALE", "MIXED", "LATE", "LOCAL",
 * "FORWARDER", "INCONCLUSIVE" */
const char *wm_verdict_name(enum wm_verdict v);

struct wm_server_use {
	struct pkt_addr a;
	uint64_t queries;
	uint64_t stale;          /* of them, judged stale */
};

/* Counts per timeline column, by class. */
struct wm_bin {
	uint32_t listed, stale, local, unjudged;
};

struct wm_row {
	struct wm_proc p;
	struct wm_conf conf;     /* the file in force at its last query */
	bool     conf_known;
	uint64_t queries;        /* DNS query messages (nmsgs summed) */
	uint64_t listed, stale, local, unjudged;   /* by class, summing to queries */
	uint64_t connects;       /* connect() to port 53 */
	uint64_t first_ns, last_ns;               /* any query; 0: none */
	uint64_t first_stale_ns, last_stale_ns;   /* 0: none */
	/* A query to a local stub the file lists counts as listed in these
	 * two (and so in the verdict): asking the new 127.0.0.53 after an
	 * old server is coming back, as asking a new server is. */
	uint64_t listed_after_first_stale;        /* listed queries after it */
	uint64_t last_listed_ns;                  /* 0: none */
	size_t   nservers;
	struct wm_server_use servers[WM_SERVERS_MAX]; /* by first use */
	uint64_t other_servers;  /* queries to servers past WM_SERVERS_MAX */
	struct wm_bin bins[WM_BINS];
};

struct wm_table {
	size_t   n;
	struct wm_row *rows[WM_ROWS_MAX];   /* allocated as needed, by first sight */
	uint64_t dropped_rows;   /* queries of processes past WM_ROWS_MAX */
	uint64_t t0_ns;          /* the watch began */
	uint64_t bin_ns;         /* the timeline's column width: doubles, and
	                          * every row's bins merge in pairs, when a
	                          * query falls past WM_BINS columns */
};

void wm_table_init(struct wm_table *t, uint64_t t0_ns);
void wm_table_free(struct wm_table *t);
/* The row of (p->tgid, p->start), added with p's fields when new; NULL
 * when the table is full (the caller adds its query's messages to
 * dropped_rows: only it knows them) or memory ran out. */
struct wm_row *wm_table_row(struct wm_table *t, const struct wm_proc *p);
/* Count one query (q->nmsgs messages) or connect of that row, judged c
 * by conf (the version in force, NULL unknown). */
void wm_row_add(struct wm_table *t, struct wm_row *r, const struct wm_query *q,
                enum wm_class c, const struct wm_conf *conf);
/* The row's verdict; *since_ns (may be NULL) gets the time the verdict
 * dates from: the first stale query (STALE, MIXED), the last stale one
 * (LATE), else 0. */
enum wm_verdict wm_row_verdict(const struct wm_row *r, uint64_t *since_ns);
/* True when the verdict is STALE or MIXED: the process still asks
 * servers its resolv.conf no longer lists, and needs a reload or a
 * restart.  (LATE came back on its own.) */
bool wm_row_needs_restart(const struct wm_row *r);

#endif
