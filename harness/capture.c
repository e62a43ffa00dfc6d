/*
 * capture.c - the live capture: a cooked packet socket on every
 * interface (AF_PACKET, SOCK_DGRAM, bound to no interface: what
 * libpcap's "any" device is), a TPACKET_V2 receive ring the kernel fills
 * a frame per packet (libpcap's immediate mode: poll wakes for each),
 * the filter compiled by libpcap and rewritten for the kernel, the ring
 * read in its order (both lib/pktring.h), and capture.pcap written
 * through libpcap's dump functions.  Reading the ring here, rather than
 * through libpcap's live handle, lets a job slot keep one socket for all
 * its cases (pool.h): libpcap keeps its place in the ring in its own
 * memory, which a case, a fork of the runner, cannot hand on to the
 * next.  Here the slot keeps it (struct capture_place): each case starts
 * where the last one stopped (ring_start), and says where it stopped as
 * it releases the capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include "capture.h"
#include "pktring.h"
#include "topo.h"

#define SNAPLEN     65535
/* A frame holds the kernel's header, the link address and a packet of
 * SNAPLEN bytes from its network header on (the kernel puts it at
 * TPACKET_ALIGN(header) + 16 for a cooked socket), and is alone in a
 * block of 128 KB.  63 frames (libpcap's ring for a 4 MB buffer at this
 * snaplen): 8 MB the kernel zeroes, ten times the largest burst one
 * process's DNS makes (res_loop: three queries and three answers); 15
 * dropped nothing in 300 cases of the whole matrix at --jobs 32 on two
 * CPUs.  The kernel's drop count (result.txt's dropped) tells if it was
 * ever too small. */
#define DATA_AT     (TPACKET_ALIGN(TPACKET2_HDRLEN) + PKTRING_SLL_LEN)
#define FRAME_SIZE  TPACKET_ALIGN(DATA_AT + SNAPLEN)
#define BLOCK_SIZE  (128u << 10)
#define FRAMES      63u
#define RING_SIZE   ((size_t)BLOCK_SIZE * FRAMES)
_Static_assert(FRAME_SIZE <= BLOCK_SIZE && BLOCK_SIZE / FRAME_SIZE == 1,
               "a frame alone in its block (frame() and tp_frame_nr)");
_Static_assert(sizeof(struct pktring_insn) == sizeof(struct sock_filter),
               "a pktring_insn is a sock_filter");

/* Each DNS packet once, as it crosses the case's namespace's edge: a
 * query as it leaves (for a server), a response as it arrives (from
 * one).  nscd's packets are forwarded through the case's namespace
 * (topo_side_start), so they pass two of its interfaces; the copy on
 * nscd's link (a query coming in, a response going out) is left out.
 * On the loopback every packet is seen once, as arriving (pktring_skip
 * leaves out its copy as sent): the queries to a local stub
 * (systemd-resolved's 127.0.0.53, stub.h) are taken as they arrive, its
 * answers by the rule for responses. */
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

/* capture_prepare's filter, for the kernel (len 0: none), and the
 * handle capture.pcap is written through (a DLT_LINUX_SLL file). */
static struct pktring_insn prepared[256];
static struct sock_fprog prepared_prog;
static char prepared_err[160] = "capture_prepare was not called";
static pcap_t *dead;

void capture_prepare(void)
{
	struct bpf_program prog;
	dead = pcap_open_dead(DLT_LINUX_SLL, SNAPLEN);
	if (!dead) {
		snprintf(prepared_err, sizeof prepared_err, "pcap_open_dead failed");
		return;
	}
	if (pcap_compile(dead, &prog, CAPTURE_FILTER, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(prepared_err, sizeof prepared_err, "pcap_compile: %s",
		         pcap_geterr(dead));
		return;
	}
	if (prog.bf_len > sizeof prepared / sizeof prepared[0]) {
		snprintf(prepared_err, sizeof prepared_err, "the capture's filter "
		         "has %u instructions, more than %zu", prog.bf_len,
		         sizeof prepared / sizeof prepared[0]);
	} else {
		for (u_int i = 0; i < prog.bf_len; i++)
			prepared[i] = (struct pktring_insn){ prog.bf_insns[i].code,
				prog.bf_insns[i].jt, prog.bf_insns[i].jf, prog.bf_insns[i].k };
		if (pktring_fix_filter(prepared, prog.bf_len) == 0)
			prepared_prog = (struct sock_fprog){ (unsigned short)prog.bf_len,
			                                     (struct sock_filter *)prepared };
		else
			snprintf(prepared_err, sizeof prepared_err, "the capture's filter "
			         "reads a part of the link header the kernel cannot give");
	}
	pcap_freecode(&prog);
}

/* The socket's ring and filter, then the socket bound to every
 * interface; the step that failed in *what. */
static int socket_setup(int s, const char **what)
{
	int version = TPACKET_V2;
	struct tpacket_req req = { .tp_block_size = BLOCK_SIZE,
	                           .tp_block_nr = FRAMES,
	                           .tp_frame_size = FRAME_SIZE,
	                           .tp_frame_nr = FRAMES };
	struct sockaddr_ll any = { .sll_family = AF_PACKET,
	                           .sll_protocol = htons(ETH_P_ALL) };
	*what = "PACKET_VERSION";
	if (setsockopt(s, SOL_PACKET, PACKET_VERSION, &version, sizeof version))
		return -1;
	*what = "PACKET_RX_RING";
	if (setsockopt(s, SOL_PACKET, PACKET_RX_RING, &req, sizeof req))
		return -1;
	*what = "SO_ATTACH_FILTER";
	if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prepared_prog,
	               sizeof prepared_prog))
		return -1;
	*what = "bind";
	return bind(s, (struct sockaddr *)&any, sizeof any);
}

int capture_socket(int *fd, char *err, size_t errsize)
{
	const char *what = "socket(AF_PACKET)";
	if (prepared_prog.len == 0) {
		snprintf(err, errsize, "capture: %s", prepared_err);
		return -1;
	}
	/* Protocol 0: it takes nothing until bound, with its filter on. */
	int s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0 && socket_setup(s, &what) == 0) {
		*fd = s;
		return 0;
	}
	snprintf(err, errsize, "capture: %s: %s", what, strerror(errno));
	if (s >= 0)
		close(s);
	return -1;
}

static void *close_socket(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

void capture_socket_close(int fd)
{
	pthread_t t;
	pthread_attr_t a;
	if (fd < 0)
		return;
	if (pthread_attr_init(&a) != 0) {
		close(fd);
		return;
	}
	if (pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_create(&t, &a, close_socket, (void *)(intptr_t)fd) != 0)
		close(fd);
	pthread_attr_destroy(&a);
}

/* Drops so far, which the kernel then counts from 0 again. */
static int drops_read(int fd, uint64_t *drops)
{
	struct tpacket_stats st;
	socklen_t len = sizeof st;
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0)
		return -1;
	*drops += st.tp_drops;
	return 0;
}

/* The loopback's index in the socket's namespace (libpcap asks the
 * same way); 0 when it has none. */
static int loopback(int fd)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	return ioctl(fd, SIOCGIFINDEX, &ifr) == 0 ? ifr.ifr_ifindex : 0;
}

static void ring_start(struct capture *c, struct capture_place *place);

int capture_open(struct capture *c, int socket, struct capture_place *place,
                 const char *path, char *err, size_t errsize)
{
	memset(c, 0, sizeof *c);
	c->fd = socket;
	if (socket < 0) {
		if (capture_socket(&c->fd, err, errsize) != 0)
			return -1;
		c->own = true;
	}
	c->lo = loopback(c->fd);
	void *ring = mmap(NULL, RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	                  c->fd, 0);
	if (ring == MAP_FAILED) {
		snprintf(err, errsize, "capture: mmap of its ring: %s", strerror(errno));
		capture_close(c);
		return -1;
	}
	c->ring = (struct pktring){ .base = ring, .block_size = BLOCK_SIZE,
	                            .frames = FRAMES };
	/* Nothing the case forks (the servers, nscd, the triggers) copies
	 * its 2016 page table entries. */
	madvise(ring, RING_SIZE, MADV_DONTFORK);
	ring_start(c, place);
	if (!dead || !(c->dump = pcap_dump_open(dead, path))) {
		snprintf(err, errsize, "cannot write %s: %s", path,
		         dead ? pcap_geterr(dead) : "no pcap handle");
		capture_close(c);
		return -1;
	}
	/* libpcap opens it without O_CLOEXEC: no child may inherit the
	 * evidence file. */
	fcntl(fileno(pcap_dump_file(c->dump)), F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Where the case starts reading: a new ring's first frame, which the
 * kernel fills first.  What a slot's ring holds at the open is its
 * previous case's (nothing of this case has sent DNS yet): given back
 * unread, and its drops counted there, not here.  It lies from where
 * that case stopped, when the slot knows; the whole ring is looked
 * through when not.  Each frame the case touches costs it: on this
 * project's paravirtualised machines a page's first touch by a process
 * costs some 20 us, and each frame has a page of its own. */
static void ring_start(struct capture *c, struct capture_place *place)
{
	uint64_t before = 0;
	if (c->own) {
		c->ring.next = 0;
		return;
	}
	if (place && place->known)
		pktring_drain_from(&c->ring, place->next);
	else
		pktring_drain(&c->ring);
	if (place)
		place->known = false;   /* until this case's release */
	c->place = place;
	drops_read(c->fd, &before);
}

/* One frame to the file and to fn; 0, or -1 when it is malformed. */
static int take(struct capture *c, const uint8_t *f, capture_fn fn, void *ctx)
{
	static uint8_t rec[SNAPLEN];
	struct pktring_pkt p;
	if (pktring_frame(f, FRAME_SIZE, SNAPLEN, &p) != 0) {
		snprintf(c->err, sizeof c->err, "a frame of the capture's ring is "
		         "malformed");
		return -1;
	}
	if (pktring_skip(&p, c->lo))
		return 0;
	memcpy(rec, p.sll, PKTRING_SLL_LEN);
	memcpy(rec + PKTRING_SLL_LEN, f + p.data, p.caplen - PKTRING_SLL_LEN);
	struct pcap_pkthdr h = { .ts = { .tv_sec = p.sec, .tv_usec = p.usec },
	                         .caplen = p.caplen, .len = p.len };
	pcap_dump((u_char *)c->dump, &h, rec);
	fn(ctx, &h, rec, DLT_LINUX_SLL);
	return 0;
}

/* The frames in the ring's order (pktring_ready).  A frame the kernel
 * has not finished is waited for: poll wakes for it, since the frame
 * before the kernel's next is then still handed over. */
int capture_dispatch(struct capture *c, capture_fn fn, void *ctx)
{
	int total = 0;
	uint8_t *f;
	if (!c->ring.base || !c->dump)
		return 0;   /* released */
	while ((f = pktring_ready(&c->ring)) != NULL) {
		int st = take(c, f, fn, ctx);
		pktring_done(&c->ring);
		if (st != 0)
			return -1;
		total++;
	}
	return total;
}

int capture_drops(struct capture *c, uint64_t *drops)
{
	if (c->fd < 0 || drops_read(c->fd, &c->drops) != 0)
		return -1;
	*drops = c->drops;
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
	struct capture *c = arg;
	munmap(c->closing_ring, RING_SIZE);
	close(c->closing_fd);
	return NULL;
}

void capture_release(struct capture *c)
{
	dump_close(c);
	if (!c->own) {
		if (c->place && c->ring.base)
			*c->place = (struct capture_place){ true, c->ring.next };
		capture_close(c);   /* the slot's socket stays open */
		return;
	}
	if (c->fd >= 0 && !c->releasing) {
		c->closing_fd = c->fd;
		c->closing_ring = c->ring.base;
		if (pthread_create(&c->closer, NULL, closer, c) == 0) {
			c->releasing = true;
			c->fd = -1;
			c->ring.base = NULL;
		}
	}
}

void capture_close(struct capture *c)
{
	dump_close(c);
	if (c->ring.base)
		munmap(c->ring.base, RING_SIZE);
	c->ring.base = NULL;
	if (c->own && c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void capture_join(struct capture *c)
{
	if (c->releasing)
		pthread_join(c->closer, NULL);
	c->releasing = false;
}
