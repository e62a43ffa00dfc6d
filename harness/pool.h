/*
 * pool.h - servers kept across cases: for each job slot of a run, the
 * servers its last case had, kept running for the slot's next case
 * when that case has the same servers.
 *
 * Making a network namespace, starting two dnsmasq in namespaces of
 * their own and linking them was most of what a case cost beyond its
 * own observation.  With a slot's servers kept, a case enters their
 * client namespace (the runner's, made for them) and only checks that
 * they answer.  The cases stay independent: dnsmasq keeps no cache
 * (cache-size=0) and answers from its conf alone; the process under
 * test cannot change the namespace's network (no CAP_NET_ADMIN) and
 * ends with its case (its PID namespace), and a namespace one of its
 * TCP sockets outlives it in (TIME_WAIT) is not kept; the slot's packet
 * socket stays open, but a case saves and counts only what it took from
 * its own start on, once the previous case's process is gone; and each
 * case gets the lines its servers logged while it held them.
 *
 * Owns: the kept servers (children of the runner), their client
 * namespace and its packet socket, their folder RUNDIR/.servers (removed
 * when the run ends), and whether a slot's servers may serve its next
 * case.
 * Never: keeps servers with states (a down, refused, servfail or slow
 * server has a twin), or servers for a case with nscd or the resolved
 * stub (they add to the client namespace): such a case makes its own
 * namespace and servers, as every case does with WHICHNS_POOL=0.
 */
#ifndef WHICHNS_POOL_H
#define WHICHNS_POOL_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "capture.h"
#include "job.h"
#include "serverset.h"
#include "topo.h"

struct pool_slot {
	struct serverset set;      /* its servers' set; srv[i].ss point here */
	bool   any_name;
	size_t n;                  /* 0: none kept */
	unsigned gen;              /* how many times started: its folder */
	char   dir[PATH_MAX];
	int    netns;              /* the client namespace the servers are
	                            * linked to, open */
	int    capture;            /* a packet socket made in it (capture.h),
	                            * which each case reads from its open on */
	struct capture_place capture_at;   /* where its next case reads it
	                            * from, told by the last */
	struct defer undo;         /* stops them */
	struct server srv[TOPO_MAX];   /* topo_plan fills n, and ends them */
};

struct pool {
	struct pool_slot *slot;    /* shared with the case processes, which
	                            * mark a server lost */
	unsigned n;
	bool     off;
	char     dir[PATH_MAX];    /* RUNDIR/.servers */
	const char *fixtures, *dnsmasq;
};

/* A pool of job slots for the run in rundir.  -1 when out of memory
 * (the run then goes on without: every case starts its own servers). */
int pool_init(struct pool *p, unsigned jobs, const char *rundir,
              const char *fixtures);
/* What a case takes from its slot: the kept servers (n of them), the
 * namespace they are linked to and its packet socket, both open, and
 * where in the socket's ring the case starts reading. */
struct pool_take {
	struct server *srv;
	size_t n;
	int    netns, capture;
	struct capture_place *capture_at;   /* the slot's, shared */
};

/* The kept servers for job j's case in slot s, started when the slot
 * has none or others, into *t; false (t->srv NULL) when j's case makes
 * its own. */
bool pool_get(struct pool *p, unsigned s, const struct job *j,
              struct pool_take *t);
/* The servers of the run's first cases (jobs[0..n), one per slot),
 * started at once and waited for until each answers, before any case
 * starts: each slot's first case would otherwise wait for its own while
 * the others start theirs.  A slot whose servers do not answer is left
 * to its case, which checks them as every case does and says why. */
void pool_prestart(struct pool *p, const struct job *jobs, size_t n);
/* Slot s's case ended with wait status st: anything but exit 0, or a
 * server it marked lost, and the slot's servers are stopped. */
void pool_case_ended(struct pool *p, unsigned s, int st);
/* In slot s's case process: close the descriptors of the other slots'
 * namespaces and packet sockets, which the fork copied, so that a slot
 * stopped meanwhile does not live on in it.  The slots, shared with the
 * runner, are not written. */
void pool_leave_others(const struct pool *p, unsigned s);
/* The runner reaped pid: when it was a kept server, its slot's are lost. */
void pool_reaped(struct pool *p, pid_t pid);
/* Stop every kept server and remove the folder. */
void pool_free(struct pool *p);

#endif
