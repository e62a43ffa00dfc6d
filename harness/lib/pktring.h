/*
 * pktring.h - the frames of a Linux packet socket's receive ring
 * (TPACKET_V2, cooked: SOCK_DGRAM on every interface) and the filter
 * that runs on such a socket, as pure code.
 *
 * Owns: reading one ring frame (the header the kernel writes, the link
 * address it puts beside it, where the packet's bytes are) into a
 * record of a DLT_LINUX_SLL capture, every offset checked against the
 * frame; whether a frame is one libpcap leaves out (a packet the
 * loopback sends: it is seen again as it arrives); and turning a
 * classic BPF program compiled for DLT_LINUX_SLL into the one the
 * kernel runs on a cooked socket, as libpcap does for its own.
 * Also the reader's walk through the ring: which frame comes next, in
 * the ring's order, and where that is when the reader does not know.
 * Never: touches a socket, or makes a system call; puts a VLAN tag back
 * into the packet as libpcap does (the namespaces whichns captures in
 * have no VLAN, and the process under test cannot make one).
 * harness/capture.c is the ring's live side.
 */
#ifndef WHICHNS_PKTRING_H
#define WHICHNS_PKTRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A DLT_LINUX_SLL header: the packet type, ARPHRD type, link address
 * length and address (8 bytes, zero-padded), protocol (network order). */
#define PKTRING_SLL_LEN 16

/* One classic BPF instruction: struct bpf_insn and struct sock_filter
 * have this layout. */
struct pktring_insn {
	uint16_t code;
	uint8_t  jt, jf;
	uint32_t k;
};

/* Rewrite prog (n instructions, compiled for DLT_LINUX_SLL) for a cooked
 * packet socket, whose filter sees the packet from its network header on
 * and the header's fields as the kernel's: a load from the packet at
 * offset 16 or more reads 16 bytes earlier, the packet type (offset 0)
 * and the protocol (14) become the kernel's SKF_AD_PKTTYPE and
 * SKF_AD_PROTOCOL.  -1 when a load reads another part of the SLL header,
 * which the kernel cannot give (prog is then partly rewritten). */
int pktring_fix_filter(struct pktring_insn *prog, size_t n);

/* One packet of the ring, as a capture file's record. */
struct pktring_pkt {
	uint32_t sec, usec;       /* when the kernel took it */
	uint32_t caplen, len;     /* with the SLL header; caplen <= snaplen */
	uint8_t  sll[PKTRING_SLL_LEN];
	size_t   data;            /* where its bytes start in the frame */
	int      ifindex;         /* the interface it crossed */
	int      pkttype;         /* PACKET_HOST, PACKET_OUTGOING, ... */
};

/* The packet in frame (frame_size bytes, a frame the kernel handed over),
 * cut to snaplen (the SLL header included, so at least
 * PKTRING_SLL_LEN).  On 0, PKTRING_SLL_LEN <= caplen <= snaplen,
 * caplen <= len, and the caplen - PKTRING_SLL_LEN bytes at data are in
 * the frame.  A link address longer than the SLL header's 8 bytes is cut
 * there (its length is kept).  -1 when the frame's header points
 * outside the frame, its time does not fit, or snaplen is too small. */
int pktring_frame(const uint8_t *frame, size_t frame_size, uint32_t snaplen,
                  struct pktring_pkt *p);

/* A receive ring as its reader sees it: frames frames, each at the start
 * of its own block_size bytes from base, and the frame to read next. */
struct pktring {
	uint8_t *base;
	size_t   block_size;
	unsigned frames;
	unsigned next;
};

/* Set r->next to the frame the kernel hands over next, found from the
 * frames themselves: the first of the frames handed over and not read
 * yet (the run whose frame before is the kernel's, or the earliest when
 * the ring is full); when there are none, one past the latest the
 * kernel wrote (a frame keeps its time when given back; with none
 * written, frame 0). */
void pktring_find(struct pktring *r);

/* The frame to read now, or NULL when there is none yet.  Frames are
 * read in the ring's order, as libpcap reads them: the kernel takes its
 * frames in turn but may finish a packet's copy after the next one's,
 * so a frame not handed over yet is waited for, never passed.  Only when
 * the frame before r->next is handed over and r->next is not (r->next
 * is not where the kernel writes) is the place found again
 * (pktring_find).  The frame is read with acquire order: its bytes are
 * then the kernel's. */
uint8_t *pktring_ready(struct pktring *r);

/* The frame pktring_ready gave is read: given back to the kernel, and
 * r->next the one after it. */
void pktring_done(struct pktring *r);

/* Every frame handed over and not read given back unread; r->next then
 * found again. */
void pktring_drain(struct pktring *r);

/* As pktring_drain, for a ring whose last reader stopped at frame next
 * (the kernel writes there or beyond): the frames handed over from next
 * on given back, and r->next past them, without looking at the others.
 * When a frame the kernel has not finished lies before one it has, the
 * whole ring is drained. */
void pktring_drain_from(struct pktring *r, unsigned next);

/* libpcap's rule for a capture on every interface: a packet the
 * loopback (ifindex lo) sends is left out, since the same packet is
 * seen again as the loopback receives it. */
bool pktring_skip(const struct pktring_pkt *p, int lo);

#endif
