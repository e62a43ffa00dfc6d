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
 * Never: touches a socket or the ring beyond the frame it is given, or
 * makes a system call; puts a VLAN tag back into the packet as libpcap
 * does (the namespaces whichns captures in have no VLAN, and the process
 * under test cannot make one).  harness/capture.c is the ring's live side.
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

/* libpcap's rule for a capture on every interface: a packet the
 * loopback (ifindex lo) sends is left out, since the same packet is
 * seen again as the loopback receives it. */
bool pktring_skip(const struct pktring_pkt *p, int lo);

#endif
