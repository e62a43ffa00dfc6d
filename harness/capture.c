/*
 * capture.c - the pcap lifecycle, as libpcap's own capturetest does it:
 * create, snaplen, immediate mode, buffer, activate (negative = error,
 * positive = warning), setfilter; stats at the end.  The filter is
 * compiled once per run (capture_prepare), before the cases fork; a
 * case compiles (and frees) its own only when that one does not fit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "capture.h"
#include "topo.h"

#define SNAPLEN     65535
/* The kernel ring (TPACKET_V2: immediate mode) holds a slot per packet
 * in flight, each snaplen long and alone in a 128 KB block: 4 MB is 63
 * slots in 8 MB of memory the kernel zeroes, maps and frees for every
 * case, ten times the largest burst one process's DNS makes (res_loop:
 * three queries and three answers).  1 MB (15 slots) dropped nothing in
 * 300 cases of the whole matrix at --jobs 32 on two CPUs; 8 MB (127 slots
 * in 16 MB) cost 3.8 ms per case to open and close against 2.2 ms here,
 * and more in each fork of the case.  ps_drop tells if it was ever too
 * small. */
#define BUFFER_SIZE (4 << 20)
/* Each DNS packet once, as it crosses the case's namespace's edge: a
 * query as it leaves (for a server), a response as it arrives (from
 * one).  nscd's packets are forwarded through the case's namespace
 * (topo_side_start), so they pass two of its interfaces; the copy on
 * nscd's link (a query coming in, a response going out) is left out.
 * On the loopback every packet is seen once, as arriving: the queries
 * to a local stub (systemd-resolved's 127.0.0.53, stub.h) are taken as
 * they arrive, its answers by the rule for responses. */
#define FILTER      "(outbound and dst port 53) or (inbound and src port 53)" \
                    " or (inbound and dst host 127.0.0.53 and dst port 53)"
/* But not the case's own readiness checks of its servers (topo.h),
 * which may still go on when the capture starts: their DNS ID from one
 * of their ports (IPv6 by its fixed header: pcap's udp[] is IPv4's). */
#define STR_(x) #x
#define STR(x)  STR_(x)
#define READY_PORTS "udp portrange " STR(TOPO_READY_PORT) "-" \
                    STR(TOPO_READY_PORT_LAST)
#define NOT_READY   "not ((ip and " READY_PORTS " and udp[8:2] = " \
                    STR(TOPO_READY_ID) ") or (ip6 and ip6[6] = 17 and " \
                    READY_PORTS " and ip6[48:2] = " STR(TOPO_READY_ID) "))"
#define CAPTURE_FILTER "(" FILTER ") and " NOT_READY

/* capture_prepare's program, and the link type it is for ("any" is
 * DLT_LINUX_SLL; -1: none). */
static struct bpf_program prepared;
static int prepared_linktype = -1;

void capture_prepare(void)
{
	pcap_t *dead = pcap_open_dead(DLT_LINUX_SLL, SNAPLEN);
	if (dead && pcap_compile(dead, &prepared, CAPTURE_FILTER, 1,
	                         PCAP_NETMASK_UNKNOWN) == 0)
		prepared_linktype = DLT_LINUX_SLL;
	if (dead)
		pcap_close(dead);
}

/* The filter on c->p: capture_prepare's program when it is for c's link
 * type, else one compiled here. */
static int set_filter(struct capture *c, char *err, size_t errsize)
{
	struct bpf_program prog;
	int st;
	if (prepared_linktype == c->linktype)
		st = pcap_setfilter(c->p, &prepared);
	else if (pcap_compile(c->p, &prog, CAPTURE_FILTER, 1,
	                      PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errsize, "pcap_compile(\"%s\"): %s", CAPTURE_FILTER,
		         pcap_geterr(c->p));
		return -1;
	} else {
		st = pcap_setfilter(c->p, &prog);
		pcap_freecode(&prog);
	}
	if (st != 0)
		snprintf(err, errsize, "pcap_setfilter: %s", pcap_geterr(c->p));
	return st;
}

int capture_open(struct capture *c, const char *path, char *err, size_t errsize)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int st;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->p = pcap_create("any", ebuf);
	if (!c->p) {
		snprintf(err, errsize, "pcap_create(any): %s", ebuf);
		return -1;
	}
	if (pcap_set_snaplen(c->p, SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(c->p, 1) != 0 ||
	    pcap_set_buffer_size(c->p, BUFFER_SIZE) != 0 ||
	    pcap_set_timeout(c->p, 10) != 0) {
		snprintf(err, errsize, "pcap settings on any: %s", pcap_geterr(c->p));
		goto out_close;
	}
	st = pcap_activate(c->p);
	if (st < 0) {
		snprintf(err, errsize, "pcap_activate(any): %s: %s",
		         pcap_statustostr(st), pcap_geterr(c->p));
		goto out_close;
	}
	if (st > 0)
		fprintf(stderr, "whichns: pcap_activate(any): warning: %s: %s\n",
		        pcap_statustostr(st), pcap_geterr(c->p));
	c->linktype = pcap_datalink(c->p);
	if (set_filter(c, err, errsize) != 0)
		goto out_close;
	if (pcap_setnonblock(c->p, 1, ebuf) != 0) {
		snprintf(err, errsize, "pcap_setnonblock: %s", ebuf);
		goto out_close;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	c->dump = pcap_dump_open(c->p, path);
	if (!c->dump) {
		snprintf(err, errsize, "cannot write %s: %s", path, pcap_geterr(c->p));
		goto out_close;
	}
	/* libpcap opens both without O_CLOEXEC: no child may inherit the
	 * capture or the evidence file. */
	fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	fcntl(fileno(pcap_dump_file(c->dump)), F_SETFD, FD_CLOEXEC);
	return 0;
out_close:
	pcap_close(c->p);
	c->p = NULL;
	return -1;
}

struct dispatch_ctx {
	struct capture *c;
	capture_fn      fn;
	void           *ctx;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	pcap_dump((u_char *)d->c->dump, h, bytes);
	d->fn(d->ctx, h, bytes, d->c->linktype);
}

int capture_dispatch(struct capture *c, capture_fn fn, void *ctx)
{
	struct dispatch_ctx d = { c, fn, ctx };
	int total = 0;
	if (!c->p)
		return 0;   /* released */
	for (;;) {
		int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)&d);
		if (n < 0)
			return -1;
		if (n == 0)
			return total;
		total += n;
	}
}

int capture_drops(struct capture *c, uint64_t *drops)
{
	struct pcap_stat st;
	if (!c->p || pcap_stats(c->p, &st) != 0)
		return -1;
	*drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
	return 0;
}

static void dump_close(struct capture *c)
{
	if (c->dump) {
		pcap_dump_flush(c->dump);
		pcap_dump_close(c->dump);
		c->dump = NULL;
	}
}

static void *closer(void *arg)
{
	pcap_close(arg);
	return NULL;
}

void capture_release(struct capture *c)
{
	dump_close(c);
	if (c->p && !c->releasing &&
	    pthread_create(&c->closer, NULL, closer, c->p) == 0) {
		c->releasing = true;
		c->p = NULL;
		c->fd = -1;
	}
}

void capture_close(struct capture *c)
{
	dump_close(c);
	if (c->p) {
		pcap_close(c->p);
		c->p = NULL;
	}
}

void capture_join(struct capture *c)
{
	if (c->releasing)
		pthread_join(c->closer, NULL);
	c->releasing = false;
}
