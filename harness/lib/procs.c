/*
 * procs.c - a case's processes and the C library it is named for; see
 * procs.h.  Every parse checks its bounds before it reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procs.h"
#include "textfield.h"

struct proc_entry *procs_find(struct proc_table *tab, int pid)
{
	for (size_t i = tab->n; i > 0; i--)
		if (tab->p[i - 1].pid == pid && !tab->p[i - 1].ended)
			return &tab->p[i - 1];
	return NULL;
}

struct proc_entry *procs_add(struct proc_table *tab, int pid, double now)
{
	if (tab->n == tab->cap) {
		size_t cap = tab->cap ? tab->cap * 2 : 16;
		struct proc_entry *p = realloc(tab->p, cap * sizeof *p);
		if (!p)
			return NULL;
		tab->p = p;
		tab->cap = cap;
	}
	struct proc_entry *e = &tab->p[tab->n++];
	memset(e, 0, sizeof *e);
	e->pid = pid;
	e->t_first = e->t_last = now;
	return e;
}

void procs_free(struct proc_table *tab)
{
	free(tab->p);
	memset(tab, 0, sizeof *tab);
}

void procs_add_port(struct proc_entry *e, uint16_t port)
{
	for (size_t i = 0; i < e->nports; i++)
		if (e->ports[i] == port)
			return;
	if (e->nports < PROCS_PORTS)
		e->ports[e->nports++] = port;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "HEXADDR:PORT" at *p (8 or 32 hex digits, then 4): the port; *p after
 * it and its spaces.  -1 when it is not of that form. */
static int net_endpoint(const char **p)
{
	const char *s = *p;
	size_t k = 0;
	while (hexval(s[k]) >= 0)
		k++;
	if ((k != 8 && k != 32) || s[k] != ':')
		return -1;
	s += k + 1;
	int port = 0;
	for (int i = 0; i < 4; i++) {
		int v = hexval(s[i]);
		if (v < 0)
			return -1;
		port = port * 16 + v;
	}
	s += 4;
	if (*s != ' ')
		return -1;
	while (*s == ' ')
		s++;
	*p = s;
	return port;
}

int procs_net_line(const char *line, unsigned long *inode, uint16_t *lport,
                   uint16_t *rport)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	size_t k = 0;
	while (p[k] >= '0' && p[k] <= '9')
		k++;
	if (k == 0 || p[k] != ':')
		return -1;   /* the header, or not a socket line */
	p += k + 1;
	while (*p == ' ')
		p++;
	int l = net_endpoint(&p), r = l < 0 ? -1 : net_endpoint(&p);
	if (r < 0)
		return -1;
	/* st, tx:rx, tr:tm, retrnsmt, uid, timeout, then the inode */
	for (int i = 0; i < 6; i++)
		if (textfield_skip(&p) != 0)
			return -1;
	unsigned long v = 0;
	for (k = 0; p[k] >= '0' && p[k] <= '9'; k++) {
		if (v > (~0UL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long)(p[k] - '0');
	}
	if (k == 0 || (p[k] && p[k] != ' ' && p[k] != '\n'))
		return -1;
	*inode = v;
	*lport = (uint16_t)l;
	*rport = (uint16_t)r;
	return 0;
}

int procs_status_field(const char *text, size_t len, const char *key, int *val)
{
	size_t klen = strlen(key);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - off > klen && memcmp(text + off, key, klen) == 0) {
			/* the last number of the line */
			size_t i = end;
			while (i > off + klen && (text[i - 1] == ' ' || text[i - 1] == '\t'))
				i--;
			size_t j = i;
			while (j > off + klen && text[j - 1] >= '0' && text[j - 1] <= '9')
				j--;
			if (j == i || i - j > 9 ||
			    (j != off + klen && text[j - 1] != ' ' && text[j - 1] != '\t'))
				return -1;
			int v = 0;
			for (size_t m = j; m < i; m++)
				v = v * 10 + (text[m] - '0');
			*val = v;
			return 0;
		}
		off = end + 1;
	}
	return -1;
}

/* In line [off, end): " name N" with N of 1 to 9 digits ending the line
 * or followed by a space. */
static int sockstat_count(const char *text, size_t off, size_t end,
                          const char *name, unsigned *val)
{
	size_t nlen = strlen(name);
	for (size_t i = off; i + nlen + 2 < end; i++) {
		if (text[i] != ' ' ||
		    memcmp(text + i + 1, name, nlen) != 0 || text[i + 1 + nlen] != ' ')
			continue;
		size_t j = i + 2 + nlen, k = j;
		unsigned v = 0;
		while (k < end && k - j < 10 && text[k] >= '0' && text[k] <= '9')
			v = v * 10 + (unsigned)(text[k++] - '0');
		if (k == j || k - j > 9 || (k < end && text[k] != ' '))
			return -1;
		*val = v;
		return 0;
	}
	return -1;
}

int procs_sockstat(const char *text, size_t len, const char *proto,
                   const char *name, unsigned *val)
{
	size_t plen = strlen(proto);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - off >= plen && memcmp(text + off, proto, plen) == 0)
			return sockstat_count(text, off + plen, end, name, val);
		off = end + 1;
	}
	return -1;
}

static bool sent_a_query(const struct proc_entry *e, const struct procs_query *q,
                         size_t n)
{
	if (e->dns_socket)
		return true;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < e->nports; k++)
			if (q[i].sport == e->ports[k])
				return true;
	return false;
}

/* How many queries fell while e was alive (leaf: alive without a
 * child), within slack of the samples that saw it. */
static size_t queries_while_alive(const struct proc_entry *e,
                                  const struct procs_query *q, size_t n,
                                  double slack, bool leaf)
{
	double a = leaf ? e->leaf_first : e->t_first, b = leaf ? e->leaf_last : e->t_last;
	size_t k = 0;
	if (leaf && a == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		k += q[i].t >= a - slack && q[i].t <= b + slack;
	return k;
}

/*
 * Mark the senders by the first rule that finds any: a socket that sent
 * a query; else the processes alive while the queries were sent, leaves
 * first (a shell waiting for its child sends nothing), and of those the
 * ones alive for at least half as many queries as the most (a shell
 * seen once before it executed the resolver, 50 ms from its first
 * query, is not named for the 20 queries after); else every process.
 */
static enum procs_from mark_senders(struct proc_table *tab,
                                    const struct procs_query *q, size_t n,
                                    double slack)
{
	size_t found = 0;
	for (size_t i = 0; i < tab->n; i++)
		found += tab->p[i].sender = sent_a_query(&tab->p[i], q, n);
	if (found)
		return PROCS_SOCKET;
	for (int leaf = 1; leaf >= 0; leaf--) {
		size_t most = 0;
		for (size_t i = 0; i < tab->n; i++) {
			size_t k = queries_while_alive(&tab->p[i], q, n, slack, leaf);
			most = k > most ? k : most;
		}
		for (size_t i = 0; most && i < tab->n; i++)
			tab->p[i].sender = 2 * queries_while_alive(&tab->p[i], q, n,
			                                           slack, leaf) >= most;
		if (most)
			return PROCS_ALIVE;
	}
	for (size_t i = 0; i < tab->n; i++)
		tab->p[i].sender = true;
	return tab->n ? PROCS_TREE : PROCS_NONE;
}

static const char *libc_of(const struct proc_entry *e)
{
	return e->libc[0] ? e->libc : "unknown";
}

/* Append s to buf (holding *len) when the whole of it fits. */
static bool append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t k = strlen(s);
	if (size - *len <= k)
		return false;
	memcpy(buf + *len, s, k + 1);
	*len += k;
	return true;
}

enum procs_from procs_headline(struct proc_table *tab,
                               const struct procs_query *q, size_t n,
                               double slack, char *buf, size_t size)
{
	if (size == 0)
		return PROCS_NONE;
	enum procs_from from = mark_senders(tab, q, n, slack);
	snprintf(buf, size, "unknown");
	if (from == PROCS_NONE)
		return from;
	/* The most common C library of the senders, the first seen on a tie. */
	size_t best = 0, best_n = 0;
	for (size_t i = 0; i < tab->n; i++) {
		size_t c = 0;
		if (!tab->p[i].sender)
			continue;
		for (size_t j = 0; j < tab->n; j++)
			c += tab->p[j].sender && strcmp(libc_of(&tab->p[i]),
			                                libc_of(&tab->p[j])) == 0;
		if (c > best_n) {
			best = i;
			best_n = c;
		}
	}
	const char *main_libc = libc_of(&tab->p[best]);
	size_t len = 0;
	buf[0] = '\0';
	append(buf, size, &len, main_libc);
	bool first = true;
	for (size_t i = 0; i < tab->n; i++) {
		const struct proc_entry *e = &tab->p[i];
		char item[PROCS_LIBC + 24];
		if (!e->sender || strcmp(libc_of(e), main_libc) == 0)
			continue;
		bool named = false;   /* this command with this C library */
		for (size_t j = 0; j < i && !named; j++)
			named = tab->p[j].sender &&
			        strcmp(tab->p[j].comm, e->comm) == 0 &&
			        strcmp(libc_of(&tab->p[j]), libc_of(e)) == 0;
		if (named)
			continue;
		snprintf(item, sizeof item, "%s%s: %s", first ? " (" : ", ", e->comm,
		         libc_of(e));
		size_t keep = len;
		if (!append(buf, size, &len, item) || size - len <= 1) {
			buf[keep] = '\0';
			len = keep;
			break;
		}
		first = false;
	}
	if (!first)
		append(buf, size, &len, ")");
	return from;
}

const char *procs_from_name(enum procs_from f)
{
	switch (f) {
	case PROCS_SOCKET: return "socket";
	case PROCS_ALIVE:  return "alive";
	case PROCS_TREE:   return "tree";
	case PROCS_NONE:   break;
	}
	return "none";
}

void procs_summary(const struct proc_table *tab, char *buf, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < tab->n; i++) {
		char item[PROCS_LIBC + 24];
		snprintf(item, sizeof item, "%s: %s", tab->p[i].comm, libc_of(&tab->p[i]));
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(tab->p[j].comm, tab->p[i].comm) == 0 &&
			       strcmp(libc_of(&tab->p[j]), libc_of(&tab->p[i])) == 0;
		if (seen)
			continue;
		size_t keep = len;
		if ((len && !append(buf, size, &len, ", ")) ||
		    !append(buf, size, &len, item)) {
			buf[keep] = '\0';
			return;
		}
	}
}

/* Text for one TSV cell: tabs, newlines and other control bytes become
 * spaces, so no cell can break the line; "-" when empty. */
static void tsv_cell(FILE *f, const char *s)
{
	if (!*s)
		fputc('-', f);
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

static int ns_pid_of(const struct proc_table *tab, int pid)
{
	if (pid && pid == tab->init_pid)
		return 1;
	for (size_t i = 0; i < tab->n; i++)
		if (tab->p[i].pid == pid)
			return tab->p[i].nspid;
	return 0;
}

int procs_tsv(FILE *f, const struct proc_table *tab, double t0,
              enum procs_from from)
{
	fputs("pid\tns_pid\tparent_ns_pid\tcomm\texe\tlibc\tfrom_ms\tto_ms\tnamed_by\n", f);
	for (size_t i = 0; i < tab->n; i++) {
		const struct proc_entry *e = &tab->p[i];
		fprintf(f, "%d\t%d\t%d\t", e->pid, e->nspid, ns_pid_of(tab, e->ppid));
		tsv_cell(f, e->comm);
		fputc('\t', f);
		tsv_cell(f, e->exe);
		fputc('\t', f);
		tsv_cell(f, libc_of(e));
		fprintf(f, "\t%.0f\t%.0f\t%s\n", (e->t_first - t0) * 1000,
		        (e->t_last - t0) * 1000,
		        e->sender ? procs_from_name(from) : "-");
	}
	return ferror(f) ? -1 : 0;
}
