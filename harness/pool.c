/*
 * pool.c - servers kept across the cases of a job slot (pool.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "jobspec.h"
#include "pool.h"
#include "spawn.h"

int pool_init(struct pool *p, unsigned jobs, const char *rundir,
              const char *fixtures)
{
	const char *env = getenv("WHICHNS_POOL");
	*p = (struct pool){ .n = jobs, .fixtures = fixtures,
	                    .dnsmasq = spawn_which("dnsmasq") };
	p->off = (env && strcmp(env, "0") == 0) || jobs == 0;
	snprintf(p->dir, sizeof p->dir, "%s/.servers", rundir);
	if (p->off)
		return 0;
	void *m = mmap(NULL, jobs * sizeof *p->slot, PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		p->off = true;
		return -1;
	}
	p->slot = m;
	for (unsigned s = 0; s < jobs; s++) {
		p->slot[s].n = 0;
		p->slot[s].netns = -1;
		p->slot[s].capture = -1;
	}
	return 0;
}

/* The same servers: what makes each one's conf and addresses. */
static bool same_servers(const struct pool_slot *ps,
                         const struct serverset *set, bool any_name)
{
	if (ps->n != set->n || ps->any_name != any_name)
		return false;
	for (size_t i = 0; i < set->n; i++) {
		const struct ss_server *a = &ps->set.s[i], *b = &set->s[i];
		if (strcmp(a->label, b->label) != 0 || a->naddrs != b->naddrs ||
		    a->mark != b->mark || a->state != b->state)
			return false;
		for (size_t k = 0; k < a->naddrs; k++)
			if (strcmp(a->addr[k], b->addr[k]) != 0)
				return false;
	}
	return true;
}

static bool slot_lost(const struct pool_slot *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!topo_kept_alive(&ps->srv[i]))
			return true;
	return false;
}

/* The slot's servers stopped, and their files removed. */
static void slot_stop(struct pool_slot *ps)
{
	defer_run(&ps->undo);
	capture_socket_close(ps->capture);
	if (ps->netns >= 0)
		close(ps->netns);
	ps->netns = ps->capture = -1;
	ps->capture_at.known = false;
	for (size_t i = 0; i < ps->n; i++) {
		const struct server *k = &ps->srv[i];
		const char *files[] = { k->conf, k->log, k->errlog };
		for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
			if (files[f][0])
				unlink(files[f]);
	}
	if (ps->n)
		rmdir(ps->dir);
	ps->n = 0;
}

static int slot_start(struct pool *p, unsigned s, const struct serverset *set,
                      bool any_name)
{
	struct pool_slot *ps = &p->slot[s];
	char err[512];
	ps->set = *set;
	ps->any_name = any_name;
	size_t n = topo_plan(ps->srv, &ps->set);
	snprintf(ps->dir, sizeof ps->dir, "%s/%u.%u", p->dir, s, ++ps->gen);
	if (n != set->n || (mkdir(p->dir, 0755) != 0 && errno != EEXIST) ||
	    mkdir(ps->dir, 0755) != 0)
		return -1;
	struct topo_config tc = { .fixtures = p->fixtures, .casedir = ps->dir,
	                          .any_name = any_name, .dnsmasq = p->dnsmasq };
	ps->undo = (struct defer){ 0 };
	if (topo_keep_start(ps->srv, n, &tc, &ps->undo, &ps->netns, &ps->capture,
	                    err, sizeof err) != 0) {
		if (getenv("WHICHNS_TRACE"))
			fprintf(stderr, "whichns: no kept servers: %s\n", err);
		ps->n = n;   /* its files */
		slot_stop(ps);
		return -1;
	}
	ps->n = n;
	ps->capture_at = (struct capture_place){ true, 0 };   /* a new ring */
	return 0;
}

bool pool_get(struct pool *p, unsigned s, const struct job *j,
              struct pool_take *t)
{
	struct serverset set;
	char err[512];
	*t = (struct pool_take){ .netns = -1, .capture = -1 };
	if (p->off || s >= p->n || j->nscd || j->stub ||
	    jobspec_servers(&set, j, err, sizeof err) != 0)
		return false;
	for (size_t i = 0; i < set.n; i++)
		if (set.s[i].state != SS_UP)
			return false;   /* twins: the case's own */
	struct pool_slot *ps = &p->slot[s];
	bool any_name = job_any_name(j);
	if (ps->n && (slot_lost(ps) || !same_servers(ps, &set, any_name)))
		slot_stop(ps);
	if (!ps->n && slot_start(p, s, &set, any_name) != 0)
		return false;
	*t = (struct pool_take){ ps->srv, ps->n, ps->netns, ps->capture,
	                         &ps->capture_at };
	return true;
}

void pool_prestart(struct pool *p, const struct job *jobs, size_t n)
{
	struct pool_take t;
	char err[512];
	unsigned k = n < p->n ? (unsigned)n : p->n;
	if (p->off)
		return;
	for (unsigned s = 0; s < k; s++)
		pool_get(p, s, &jobs[s], &t);
	for (unsigned s = 0; s < k; s++) {
		struct pool_slot *ps = &p->slot[s];
		if (ps->n && topo_keep_wait(ps->srv, ps->n, ps->netns, err,
		                            sizeof err) != 0 && getenv("WHICHNS_TRACE"))
			fprintf(stderr, "whichns: kept servers of slot %u: %s\n", s, err);
	}
}

void pool_case_ended(struct pool *p, unsigned s, int st)
{
	if (p->off || s >= p->n)
		return;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || slot_lost(&p->slot[s]))
		slot_stop(&p->slot[s]);
}

void pool_leave_others(const struct pool *p, unsigned s)
{
	for (unsigned k = 0; !p->off && k < p->n; k++) {
		if (k == s)
			continue;
		if (p->slot[k].capture >= 0)
			close(p->slot[k].capture);
		if (p->slot[k].netns >= 0)
			close(p->slot[k].netns);
	}
}

void pool_reaped(struct pool *p, pid_t pid)
{
	for (unsigned s = 0; !p->off && s < p->n; s++)
		for (size_t i = 0; i < p->slot[s].n; i++)
			if (p->slot[s].srv[i].pid == pid) {
				p->slot[s].srv[i].pid = -1;   /* reaped: not to wait for */
				p->slot[s].srv[i].lost = true;
			}
}

void pool_free(struct pool *p)
{
	if (p->off)
		return;
	for (unsigned s = 0; s < p->n; s++)
		slot_stop(&p->slot[s]);
	rmdir(p->dir);
	munmap(p->slot, p->n * sizeof *p->slot);
	p->off = true;
}
