/*
 * check_pktring.c - ring frames read as capture records (every offset
 * the kernel's header gives checked against the frame), libpcap's rule
 * for the loopback's copies, and the filter rewritten for a cooked
 * packet socket, instruction by instruction and on a program libpcap
 * compiled; the ring read in the kernel's order, on a ring whose kernel
 * is faked: frames in flight, a full ring, a reader in the wrong place.
 */
#include <check.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include "pktring.h"
#include "suites.h"

#define FRAME 256
#define AT    80   /* where the kernel puts a packet: TPACKET_ALIGN(52) + 16 */

static uint8_t frame[FRAME];

/* A frame as the kernel writes one: header, link address, packet. */
static void make_frame(uint32_t len, uint32_t snap, uint16_t mac, int ifindex,
                       uint8_t pkttype, uint8_t halen)
{
	struct tpacket2_hdr h = { .tp_status = TP_STATUS_USER, .tp_len = len,
	                          .tp_snaplen = snap, .tp_mac = mac, .tp_net = mac,
	                          .tp_sec = 1795663444, .tp_nsec = 850123456 };
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
	                         .sll_protocol = htons(0x0800),
	                         .sll_ifindex = ifindex, .sll_hatype = 1,
	                         .sll_pkttype = pkttype, .sll_halen = halen,
	                         .sll_addr = { 2, 0, 0, 0, 0, 7, 8, 9 } };
	memset(frame, 0xee, sizeof frame);
	memcpy(frame, &h, sizeof h);
	memcpy(frame + TPACKET_ALIGN(sizeof h), &a, sizeof a);
	for (int i = 0; i < FRAME - AT; i++)
		frame[AT + i] = (uint8_t)i;
}

START_TEST(test_frame)
{
	struct pktring_pkt p;
	make_frame(60, 60, AT, 3, PACKET_OUTGOING, 6);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.sec, 1795663444);
	ck_assert_uint_eq(p.usec, 850123);
	ck_assert_uint_eq(p.caplen, 76);
	ck_assert_uint_eq(p.len, 76);
	ck_assert_uint_eq(p.data, AT);
	ck_assert_int_eq(p.ifindex, 3);
	ck_assert_int_eq(p.pkttype, PACKET_OUTGOING);
	/* packet type 4, ARPHRD 1, 6 address bytes, the address padded with
	 * zeros, IPv4: tcpdump's and tshark's Linux cooked header. */
	static const uint8_t sll[16] = { 0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 7, 0, 0,
	                                 0x08, 0x00 };
	ck_assert_mem_eq(p.sll, sll, sizeof sll);

	/* Cut to snaplen, the header counted; len stays the packet's. */
	make_frame(1500, 100, AT, 3, PACKET_HOST, 6);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 40, &p), 0);
	ck_assert_uint_eq(p.caplen, 40);
	ck_assert_uint_eq(p.len, 1516);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.caplen, 116);

	/* A length below what was captured, or near the largest: never
	 * less than caplen, never past 32 bits. */
	make_frame(10, 60, AT, 3, PACKET_HOST, 6);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.len, 76);
	make_frame(UINT32_MAX - 3, 60, AT, 3, PACKET_HOST, 6);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.len, UINT32_MAX);

	/* A full 8-byte address is kept whole; a longer one is cut there,
	 * its length kept (libpcap's). */
	make_frame(60, 60, AT, 3, PACKET_HOST, 8);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.sll[13], 9);
	make_frame(60, 60, AT, 3, PACKET_HOST, 20);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
	ck_assert_uint_eq(p.sll[5], 20);
	ck_assert_uint_eq(p.sll[13], 9);
	ck_assert_uint_eq(p.sll[14], 0x08);
}
END_TEST

START_TEST(test_frame_malformed)
{
	struct pktring_pkt p;
	make_frame(60, FRAME - AT + 1, AT, 3, PACKET_HOST, 6);   /* past the end */
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), -1);
	make_frame(60, 0, FRAME + 1, 3, PACKET_HOST, 6);         /* data outside */
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), -1);
	make_frame(60, 10, 40, 3, PACKET_HOST, 6);               /* in the header */
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), -1);
	make_frame(60, 60, AT, 3, PACKET_HOST, 6);
	ck_assert_int_eq(pktring_frame(frame, 51, 65535, &p), -1); /* no room */
	ck_assert_int_eq(pktring_frame(frame, FRAME, 15, &p), -1); /* snaplen */
	struct tpacket2_hdr h;
	memcpy(&h, frame, sizeof h);
	h.tp_nsec = 1000000000u;
	memcpy(frame, &h, sizeof h);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), -1);
	/* All of it in the frame, to its last byte: taken. */
	make_frame(60, FRAME - AT, AT, 3, PACKET_HOST, 6);
	ck_assert_int_eq(pktring_frame(frame, FRAME, 65535, &p), 0);
}
END_TEST

START_TEST(test_skip)
{
	struct pktring_pkt p = { .ifindex = 1, .pkttype = PACKET_OUTGOING };
	ck_assert(pktring_skip(&p, 1));
	ck_assert(!pktring_skip(&p, 2));
	ck_assert(!pktring_skip(&p, 0));   /* no loopback known */
	p.pkttype = PACKET_HOST;
	ck_assert(!pktring_skip(&p, 1));
}
END_TEST

static struct pktring_insn insn(uint16_t code, uint32_t k)
{
	return (struct pktring_insn){ code, 0, 0, k };
}

START_TEST(test_fix_filter)
{
	const uint32_t ad = (uint32_t)SKF_AD_OFF;
	struct pktring_insn prog[] = {
		insn(BPF_LD | BPF_H | BPF_ABS, 0),          /* packet type */
		insn(BPF_LD | BPF_H | BPF_ABS, 14),         /* protocol */
		insn(BPF_LD | BPF_B | BPF_ABS, 16 + 9),     /* IPv4's protocol */
		insn(BPF_LDX | BPF_B | BPF_MSH, 16),        /* IPv4's header length */
		insn(BPF_LD | BPF_H | BPF_IND, 16 + 2),     /* UDP's destination */
		insn(BPF_LD | BPF_W | BPF_ABS, ad + SKF_AD_IFINDEX),
		insn(BPF_LD | BPF_IMM, 5),                  /* not the packet */
		insn(BPF_LD | BPF_W | BPF_LEN, 0),
		insn(BPF_LDX | BPF_IMM, 3),
		insn(BPF_JMP | BPF_JEQ | BPF_K, 4),
		insn(BPF_LD | BPF_MEM, 0),                  /* scratch memory: */
		insn(BPF_LDX | BPF_MEM, 14),                /* not the packet */
		insn(BPF_ST, 0),
		insn(BPF_STX, 14),
		insn(BPF_RET | BPF_K, 65535),
	};
	const uint32_t want[] = { ad + SKF_AD_PKTTYPE, ad + SKF_AD_PROTOCOL, 9, 0, 2,
	                          ad + SKF_AD_IFINDEX, 5, 0, 3, 4, 0, 14, 0, 14,
	                          65535 };
	ck_assert_int_eq(pktring_fix_filter(prog, sizeof prog / sizeof prog[0]), 0);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_msg(prog[i].k == want[i], "instruction %zu: k %u, want %u",
		              i, prog[i].k, want[i]);

	/* The link address, its length, ARPHRD: no kernel field. */
	for (uint32_t k = 1; k < 16; k++) {
		if (k == 14)
			continue;
		struct pktring_insn p = insn(BPF_LD | BPF_B | BPF_ABS, k);
		ck_assert_msg(pktring_fix_filter(&p, 1) == -1, "offset %u taken", k);
	}
}
END_TEST

/* A filter of the capture's kind, compiled by libpcap for the "any"
 * device: every load it makes has a kernel form. */
START_TEST(test_fix_compiled)
{
	pcap_t *dead = pcap_open_dead(DLT_LINUX_SLL, 65535);
	struct bpf_program bp;
	ck_assert_ptr_nonnull(dead);
	ck_assert_int_eq(pcap_compile(dead, &bp, "(outbound and dst port 53) or "
	                              "(inbound and src port 53) or (ip6 and "
	                              "udp portrange 5742-5805 and ip6[48:2] = 0x5742)",
	                              1, PCAP_NETMASK_UNKNOWN), 0);
	struct pktring_insn prog[256];
	ck_assert_uint_le(bp.bf_len, 256);
	bool pkttype = false;
	for (u_int i = 0; i < bp.bf_len; i++) {
		prog[i] = (struct pktring_insn){ bp.bf_insns[i].code,
			bp.bf_insns[i].jt, bp.bf_insns[i].jf, bp.bf_insns[i].k };
		pkttype |= BPF_CLASS(prog[i].code) == BPF_LD &&
		           BPF_MODE(prog[i].code) == BPF_ABS && prog[i].k == 0;
	}
	ck_assert(pkttype);   /* inbound and outbound read it */
	ck_assert_int_eq(pktring_fix_filter(prog, bp.bf_len), 0);
	const uint32_t ad = (uint32_t)SKF_AD_OFF;
	unsigned moved = 0;
	for (u_int i = 0; i < bp.bf_len; i++) {
		uint16_t code = prog[i].code;
		uint32_t was = bp.bf_insns[i].k, want = was;
		bool load = (BPF_CLASS(code) == BPF_LD || BPF_CLASS(code) == BPF_LDX) &&
		            (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND ||
		             BPF_MODE(code) == BPF_MSH);
		if (load)
			want = was == 0 ? ad + SKF_AD_PKTTYPE : was == 14 ?
			       ad + SKF_AD_PROTOCOL : was - 16;
		moved += load;
		ck_assert_msg(prog[i].k == want && prog[i].code == bp.bf_insns[i].code &&
		              prog[i].jt == bp.bf_insns[i].jt &&
		              prog[i].jf == bp.bf_insns[i].jf,
		              "instruction %u: k %u from %u, want %u", i, prog[i].k, was,
		              want);
	}
	ck_assert_uint_gt(moved, 10);
	pcap_freecode(&bp);
	pcap_close(dead);
}
END_TEST

/* A ring of RN frames of RB bytes, as a packet socket's: each frame's
 * status and time where the kernel keeps them. */
#define RN 8u
#define RB 64u
static _Alignas(8) uint8_t ringmem[RN * RB];
static struct pktring ring;
static unsigned kernel_next;   /* the frame the fake kernel fills next */

static void ring_reset(void)
{
	memset(ringmem, 0, sizeof ringmem);
	ring = (struct pktring){ .base = ringmem, .block_size = RB, .frames = RN };
	kernel_next = 0;
}

/* Frame i as the kernel left it: its status, and written at t (0: never). */
static void ring_set(unsigned i, uint32_t status, uint32_t t)
{
	struct tpacket2_hdr h = { .tp_status = status, .tp_sec = t };
	memcpy(ringmem + (i % RN) * RB, &h, sizeof h);
}

static uint32_t ring_time(const uint8_t *f)
{
	struct tpacket2_hdr h;
	memcpy(&h, f, sizeof h);
	return h.tp_sec;
}

/* The kernel takes a packet at t: into its next frame if the reader gave
 * that back, else dropped. */
static void kernel_put(uint32_t t)
{
	struct tpacket2_hdr h;
	memcpy(&h, ringmem + kernel_next * RB, sizeof h);
	if (h.tp_status & TP_STATUS_USER)
		return;
	ring_set(kernel_next, TP_STATUS_USER, t);
	kernel_next = (kernel_next + 1) % RN;
}

/* The times of the frames the reader takes now, in its order. */
static size_t read_all(uint32_t *out, size_t max)
{
	size_t n = 0;
	uint8_t *f;
	while (n < max && (f = pktring_ready(&ring)) != NULL) {
		ck_assert_ptr_eq(f, ringmem + ring.next * RB);
		out[n++] = ring_time(f);
		pktring_done(&ring);
	}
	return n;
}

START_TEST(test_ring_find)
{
	/* Nothing written yet: frame 0. */
	ring_reset();
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 0);

	/* Three written and given back: one past the latest. */
	for (unsigned i = 0; i < 3; i++)
		ring_set(i, TP_STATUS_KERNEL, 10 + i);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 3);

	/* ... also across the ring's end. */
	for (unsigned i = 0; i < RN; i++)
		ring_set(i, TP_STATUS_KERNEL, 10 + i);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 0);
	ring_set(0, TP_STATUS_KERNEL, 30);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 1);

	/* Frames handed over and not read: the first of their run, even
	 * when the run goes over the end and an older frame is in it. */
	ring_set(2, TP_STATUS_USER, 40);
	ring_set(3, TP_STATUS_USER, 41);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 2);
	ring_reset();
	ring_set(6, TP_STATUS_USER, 40);
	ring_set(7, TP_STATUS_USER, 41);
	ring_set(0, TP_STATUS_USER, 42);
	ring_set(1, TP_STATUS_KERNEL, 5);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 6);

	/* A full ring: its earliest frame. */
	for (unsigned i = 0; i < RN; i++)
		ring_set(i, TP_STATUS_USER, 100 + (i + RN - 5) % RN);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 5);
}
END_TEST

START_TEST(test_ring_order)
{
	uint32_t got[64];
	ring_reset();
	pktring_find(&ring);

	/* Read in the kernel's order, over the ring's end several times,
	 * whatever the reader's pace. */
	uint32_t t = 1;
	for (unsigned round = 0; round < 10; round++) {
		for (unsigned k = 0; k < round % 4 + 1; k++)
			kernel_put(t++);
		size_t n = read_all(got, 64);
		ck_assert_uint_eq(n, round % 4 + 1);
		for (size_t i = 0; i < n; i++)
			ck_assert_uint_eq(got[i], t - n + i);
	}

	/* A full ring (the kernel drops the rest): all of it, in order. */
	for (unsigned k = 0; k < RN + 3; k++)
		kernel_put(t++);
	ck_assert_uint_eq(read_all(got, 64), RN);
	for (unsigned i = 1; i < RN; i++)
		ck_assert_uint_eq(got[i], got[i - 1] + 1);
	ck_assert_uint_eq(read_all(got, 64), 0);
}
END_TEST

START_TEST(test_ring_in_flight)
{
	uint32_t got[64];
	ring_reset();
	for (unsigned i = 0; i < 3; i++)
		ring_set(i, TP_STATUS_KERNEL, 10 + i);
	pktring_find(&ring);
	ck_assert_uint_eq(ring.next, 3);

	/* The kernel took frames 3 and 4 and finished 4 first: 4 is not
	 * passed on, nor 3 skipped. */
	ring_set(4, TP_STATUS_USER, 21);
	ck_assert_ptr_null(pktring_ready(&ring));
	ck_assert_uint_eq(ring.next, 3);
	ring_set(3, TP_STATUS_USER, 20);
	ck_assert_uint_eq(read_all(got, 64), 2);
	ck_assert_uint_eq(got[0], 20);
	ck_assert_uint_eq(got[1], 21);
	ck_assert_uint_eq(ring.next, 5);

	/* The reader in the wrong place (the frame before it handed over,
	 * its own not): found again, at the run's first. */
	ring.next = 7;
	ring_set(5, TP_STATUS_USER, 30);
	ring_set(6, TP_STATUS_USER, 31);
	ck_assert_uint_eq(read_all(got, 64), 2);
	ck_assert_uint_eq(got[0], 30);
	ck_assert_uint_eq(got[1], 31);
	ck_assert_uint_eq(ring.next, 7);
}
END_TEST

START_TEST(test_ring_drain)
{
	uint32_t got[64];
	ring_reset();
	ring_set(0, TP_STATUS_KERNEL, 10);
	ring_set(1, TP_STATUS_USER, 11);
	ring_set(2, TP_STATUS_USER, 12);
	pktring_drain(&ring);
	ck_assert_uint_eq(read_all(got, 64), 0);
	ck_assert_uint_eq(ring.next, 3);
	kernel_next = 3;
	kernel_put(13);
	ck_assert_uint_eq(read_all(got, 64), 1);
	ck_assert_uint_eq(got[0], 13);
}
END_TEST

static bool ring_user(unsigned i)
{
	struct tpacket2_hdr h;
	memcpy(&h, ringmem + (i % RN) * RB, sizeof h);
	return h.tp_status & TP_STATUS_USER;
}

START_TEST(test_ring_drain_from)
{
	uint32_t got[64];
	/* The last reader stopped at 3; 3 and 4 came after it. */
	ring_reset();
	for (unsigned i = 0; i < 3; i++)
		ring_set(i, TP_STATUS_KERNEL, 10 + i);
	ring_set(3, TP_STATUS_USER, 13);
	ring_set(4, TP_STATUS_USER, 14);
	ring_set(7, TP_STATUS_USER, 1);   /* not looked at */
	pktring_drain_from(&ring, 3);
	ck_assert_uint_eq(ring.next, 5);
	ck_assert(!ring_user(3) && !ring_user(4) && ring_user(7));
	ring_set(7, TP_STATUS_KERNEL, 1);
	kernel_next = 5;
	kernel_put(15);
	ck_assert_uint_eq(read_all(got, 64), 1);
	ck_assert_uint_eq(got[0], 15);

	/* Over the ring's end; and nothing left over. */
	ring_set(7, TP_STATUS_USER, 16);
	ring_set(0, TP_STATUS_USER, 17);
	pktring_drain_from(&ring, 7);
	ck_assert_uint_eq(ring.next, 1);
	ck_assert(!ring_user(7) && !ring_user(0));
	pktring_drain_from(&ring, 1);
	ck_assert_uint_eq(ring.next, 1);

	/* A frame in flight before a finished one: the whole ring. */
	ring_set(1, TP_STATUS_KERNEL, 2);
	ring_set(2, TP_STATUS_USER, 18);
	pktring_drain_from(&ring, 1);
	ck_assert(!ring_user(2));
	ck_assert_uint_eq(ring.next, 3);

	/* A ring full of them: all given back, the place kept. */
	for (unsigned i = 0; i < RN; i++)
		ring_set(i, TP_STATUS_USER, 20 + (i + RN - 2) % RN);
	pktring_drain_from(&ring, 2);
	ck_assert_uint_eq(ring.next, 2);
	for (unsigned i = 0; i < RN; i++)
		ck_assert(!ring_user(i));
}
END_TEST

Suite *pktring_suite(void)
{
	Suite *s = suite_create("pktring");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_frame);
	tcase_add_test(tc, test_frame_malformed);
	tcase_add_test(tc, test_skip);
	tcase_add_test(tc, test_fix_filter);
	tcase_add_test(tc, test_fix_compiled);
	tcase_add_test(tc, test_ring_find);
	tcase_add_test(tc, test_ring_order);
	tcase_add_test(tc, test_ring_in_flight);
	tcase_add_test(tc, test_ring_drain);
	tcase_add_test(tc, test_ring_drain_from);
	suite_add_tcase(s, tc);
	return s;
}
