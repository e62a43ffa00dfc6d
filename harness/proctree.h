/*
 * proctree.h - the processes of the command's tree, sampled while they
 * live, each with the C library it has loaded.
 *
 * Owns: walking the tree under the init of the command's PID namespace
 * (/proc/PID/task/TID/children), reading each new process once (its
 * name, executable, PID in its namespace, and its C library from its
 * memory map and the library file, opened through /proc/PID/map_files
 * so that a root filesystem's file is the one read, and held open until
 * the case is over, when each file's version is read once), noticing an
 * execve (the executable changed: a new entry), and which of them hold a
 * socket that DNS went through (their descriptors against the case's
 * /proc/net socket tables).  What to make of it is lib/procs.h's.
 * Never: writes to a process, stops it, or reads more than the first
 * time (only new processes; a process's sockets only while the case's
 * socket tables hold one DNS may use: one to port 53, or an unconnected
 * UDP socket).
 */
#ifndef WHICHNS_PROCTREE_H
#define WHICHNS_PROCTREE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "procs.h"

/* How often the tree is sampled while the case runs (seconds). */
#define PROCTREE_PERIOD 0.05

/* The socket tables a sample reads: udp, udp6, tcp, tcp6. */
#define PROCTREE_NET_TABLES 4

/* A C library file some process of the tree mapped, held open until
 * proctree_finish reads its version. */
#define PROCTREE_FILES 8
struct proctree_file {
	unsigned major, minor;   /* its device and inode, as maps names them */
	unsigned long ino;
	int   fd;             /* -1 once read */
	int   fam;            /* enum libc_family */
	char  name[PROCS_LIBC];
};

struct proctree {
	struct proc_table tab;
	struct proctree_file files[PROCTREE_FILES];
	size_t   nfiles;
	double   t_next;      /* the next periodic sample */
	unsigned samples;
	double   busy_s;      /* time spent sampling, for WHICHNS_TRACE */
	double   max_s;       /* ... the longest sample */
	bool     tcp;         /* DNS over TCP was captured: look at TCP
	                       * sockets too (set by the case) */
	/* Kept open from the first sample on, each read again from its
	 * start: the case's socket tables (/proc/self/net/udp, udp6, tcp,
	 * tcp6), and init's children file while init_of is not 0. */
	FILE    *net[PROCTREE_NET_TABLES];
	int      init_fd;
	pid_t    init_of;     /* the init init_fd is of; 0: none open */
};

/* Sample now when the period has passed, or when soon (a DNS message
 * was just captured: its sender is likely alive) and at least 10 ms
 * went by since the last sample.  init: target_init() of the command. */
void proctree_tick(struct proctree *pt, pid_t init, double now, bool soon);
/* After the tree's last sample: read each C library file once and name
 * every process that mapped it ("glibc 2.36"). */
void proctree_finish(struct proctree *pt);
/* Close what is held and free the table (also after a failed case). */
void proctree_free(struct proctree *pt);

#endif
