/*
 * procs.h - the processes of a case's tree, as the sampler saw them
 * (harness/proctree.c), and which C library the case is named for.
 *
 * A case runs a command, and the command may run others (a shell
 * running a musl program, a daemon forking workers, getent per lookup):
 * each process has a C library of its own.  The sampler reads /proc
 * every few tens of milliseconds while the case runs and hands each
 * process here once, with its C library read from the library it had
 * mapped (lib/libcname.h); which of them sent the DNS queries is told,
 * as far as /proc can tell it, by their sockets (one connected to port
 * 53, or one whose local port a captured query came from), else by
 * which processes were alive when the queries were captured.
 *
 * Owns: the table of processes, the reading of /proc's text (a socket
 * table line of /proc/net/udp, a field of /proc/PID/status), the
 * headline C library of a case and where it came from, and
 * processes.tsv.  Never: reads /proc or any file (the sampler does).
 */
#ifndef WHICHNS_PROCS_H
#define WHICHNS_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROCS_PORTS 8
#define PROCS_LIBC  48

struct proc_entry {
	int      pid;            /* in the case's view */
	int      nspid;          /* in the command's PID namespace; 0: unknown */
	int      ppid;           /* parent, in the case's view; 0: unknown */
	char     comm[17];
	char     exe[256];       /* the executable, as the process sees it */
	char     libc[PROCS_LIBC];   /* "glibc 2.36", "musl 1.2.3", "static",
	                              * "unknown"; "" while not yet known */
	double   t_first, t_last;    /* the first and last sample that saw it */
	double   leaf_first, leaf_last;  /* ... without a child; 0: never */
	bool     ended;          /* gone, or replaced by an execve */
	bool     dns_socket;     /* a socket of it was connected to port 53 */
	uint16_t ports[PROCS_PORTS]; /* local ports of its other sockets */
	size_t   nports;
	bool     sender;         /* in the set the headline names */
	int      libc_file;      /* the sampler's: 1 + which C library file
	                          * libc will be read from; 0: none */
};

struct proc_table {
	struct proc_entry *p;
	size_t n, cap;
	int    init_pid;         /* the namespace's init (PID 1 in it), ours */
};

/* Where the headline C library came from. */
enum procs_from {
	PROCS_NONE = 0,   /* no process was seen */
	PROCS_SOCKET,     /* the processes whose sockets sent DNS queries */
	PROCS_ALIVE,      /* the processes alive when queries were captured */
	PROCS_TREE,       /* every process of the tree (no query, or none matched) */
};

/* A query of the case, as the capture has it: when, and its source port. */
struct procs_query {
	double   t;
	uint16_t sport;
};

/* The live entry of pid (not ended), or NULL. */
struct proc_entry *procs_find(struct proc_table *tab, int pid);
/* A new entry, zeroed but for pid and times; NULL when out of memory. */
struct proc_entry *procs_add(struct proc_table *tab, int pid, double now);
void procs_free(struct proc_table *tab);
/* A local port of one of e's sockets (kept once, at most PROCS_PORTS). */
void procs_add_port(struct proc_entry *e, uint16_t port);

/*
 * One line of /proc/net/{udp,udp6,tcp,tcp6}: "sl local rem st tx:rx
 * tr:tm retrnsmt uid timeout inode ...", addresses as HEX:PORT (hex).
 * 0 with the inode and both ports; -1 for the header or a line not of
 * that form.
 */
int procs_net_line(const char *line, unsigned long *inode, uint16_t *lport,
                   uint16_t *rport);

/* The last number of field key ("NSpid:", "PPid:") of /proc/PID/status
 * text: 0, or -1 when it is not there. */
int procs_status_field(const char *text, size_t len, const char *key, int *val);

/*
 * The count name of line proto of /proc/net/sockstat or sockstat6 text
 * ("TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 1": proto "TCP:", name "tw"):
 * 0 with it in *val (at most 9 digits), or -1 when no line starts with
 * proto or that line has no "name N".
 */
int procs_sockstat(const char *text, size_t len, const char *proto,
                   const char *name, unsigned *val);

/*
 * Which processes sent the n queries (marks them e->sender) and the C
 * library to name the case for, into buf: the senders' C library when
 * they share one ("musl 1.2.3"), else the most common one followed by
 * the others with the command names that have them ("musl 1.2.3 (sh:
 * glibc 2.36)"), cut at a whole entry to fit.  slack: how far apart a
 * query and a sample may be (the sampling period).  Returns where the
 * name came from; PROCS_NONE with buf "unknown" when there is no
 * process.
 */
enum procs_from procs_headline(struct proc_table *tab,
                               const struct procs_query *q, size_t n,
                               double slack, char *buf, size_t size);

/* "socket", "alive", "tree", "none". */
const char *procs_from_name(enum procs_from f);

/* Every distinct "comm: libc" of the table, in the order seen, joined by
 * ", " and cut at a whole entry to fit. */
void procs_summary(const struct proc_table *tab, char *buf, size_t size);

/* processes.tsv: a header, then one line per entry: pid, ns_pid,
 * parent_ns_pid, comm, exe, libc, from_ms and to_ms (the first and last
 * sample that saw it, since t0), named_by (for a process the headline
 * names, how it was told: procs_from_name(from); else "-").  Control
 * bytes in a cell become spaces; an empty cell is "-".  0, or -1 on a
 * stream error. */
int procs_tsv(FILE *f, const struct proc_table *tab, double t0,
              enum procs_from from);

#endif
