/*
 * case.h - one case: one process observed through one resolv.conf switch.
 *
 * Owns: the life of a case, from namespaces to verdict, in case_run().
 * Never: runs in the caller's namespaces; case_run() unshares its own
 * network, mount, UTS and IPC namespaces, so call it in a process of its
 * own.
 */
#ifndef WHICHNS_CASE_H
#define WHICHNS_CASE_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include "caseres.h"
#include "serverset.h"
#include "stubspec.h"
#include "view.h"

struct capture_place;   /* capture.h */

struct server;

struct case_spec {
	char *const *argv;        /* the process under test */
	const char *root;         /* "" for the host, or a root filesystem */
	const char *bind_probes;  /* with a root: host folder shown at
	                           * /run/whichns/probes inside it */
	const char *fixtures;
	const char *casedir;      /* absolute; exists */
	const char *options;      /* resolv.conf options axis value */
	/* The servers (lib/serverset.h) and, for a set from files, the two
	 * whole resolv.conf texts (NULL with the default pair). */
	const struct serverset *servers;
	const char *conf_old, *conf_new;
	enum update_method update;
	bool        any_name;     /* servers answer every name */
	unsigned    interval_ms;  /* how often the process looks up (0: unknown) */
	unsigned    window_ms, before, switch_after_ms, timeout_ms;
	unsigned    switch_at_ms;  /* nonzero: switch this long after the start */
	/* Optional parts: */
	char *const *trigger;     /* run every trigger_ms to make a daemon look up */
	unsigned    trigger_ms;
	char *const *fresh;       /* after the window: a new process, counted apart */
	unsigned    fresh_ms;     /* at most this long */
	uint16_t    only_qtype;   /* the verdict counts only this query type */
	const char *nscd;         /* run this nscd (path in the root) in the case */
	bool        nscd_nocheck; /* its nscd.conf says "check-files hosts no" */
	const struct stubspec *stub;  /* systemd-resolved as the process's
	                           * stub (stub.h), from the root filesystem
	                           * stub_tree; NULL: none */
	const char *stub_tree;
	bool        keep_secrets; /* show /etc/shadow and host keys unmasked */
	const char *const *env;   /* the environment of the command, its
	                           * triggers and fresh process (envpolicy.h);
	                           * NULL: the fixed one */
	size_t      env_dropped;  /* the caller's variables left out of env
	                           * past ENVPOLICY_MAX (env.txt says so) */
	struct server *kept;      /* the runner's servers for this case
	                           * (pool.h), taken instead of starting its
	                           * own; NULL: its own */
	size_t      nkept;
	int         kept_netns;   /* with kept: the network namespace to
	                           * enter, where they are linked */
	pid_t       notify;       /* told by CASE_SET_UP_SIG when the case is
	                           * set up (the runner); 0: nobody */
	int         kept_capture; /* with kept: the packet socket made in it
	                           * (capture.h), read from the case's
	                           * start on; -1: the case's own */
	struct capture_place *kept_capture_at;   /* with kept_capture: where
	                           * its ring is read from (the slot's) */
};

/* The signal a case sends spec->notify once the part of its set-up that
 * works (namespaces, sandbox, the process's init, capture) is done, and
 * what is left waits for its servers and its process (a realtime signal:
 * each one is queued). */
#define CASE_SET_UP_SIG SIGRTMIN

/* Run the case; fills r.  Returns 0 when the case ran (whatever its
 * verdict), -1 when it could not (r->error says why).  Once per process:
 * its state is static (a case process runs one case). */
int case_run(const struct case_spec *spec, struct case_result *r);

/* Set by the signal handler: stop the case and tear it down. */
extern volatile sig_atomic_t case_interrupted;

#endif
