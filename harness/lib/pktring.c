/*
 * pktring.c - ring frames and the cooked socket's filter; see pktring.h.
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include "pktring.h"

#define SLL_ADDR_LEN 8

/* libpcap's fix_offset() for DLT_LINUX_SLL: k is a load's offset into
 * the SLL record; 0 when it reads what the kernel can give. */
static int fix_offset(uint32_t *k)
{
	if ((int32_t)*k < 0)
		return 0;   /* the kernel's own (SKF_AD_OFF, SKF_NET_OFF, ...),
		             * which libpcap's compiler never emits; libpcap
		             * would move SKF_NET_OFF's and SKF_LL_OFF's too */
	if (*k >= PKTRING_SLL_LEN)
		*k -= PKTRING_SLL_LEN;
	else if (*k == 0)
		*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE);
	else if (*k == 14)
		*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL);
	else
		return -1;
	return 0;
}

int pktring_fix_filter(struct pktring_insn *prog, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint16_t code = prog[i].code;
		if (BPF_CLASS(code) != BPF_LD && BPF_CLASS(code) != BPF_LDX)
			continue;
		switch (BPF_MODE(code)) {
		case BPF_ABS: case BPF_IND: case BPF_MSH:
			if (fix_offset(&prog[i].k) != 0)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int pktring_frame(const uint8_t *frame, size_t frame_size, uint32_t snaplen,
                  struct pktring_pkt *p)
{
	struct tpacket2_hdr h;
	struct sockaddr_ll a;
	const size_t at = TPACKET_ALIGN(sizeof h);
	if (frame_size < at + sizeof a || snaplen < PKTRING_SLL_LEN)
		return -1;
	memcpy(&h, frame, sizeof h);
	memcpy(&a, frame + at, sizeof a);
	if (h.tp_mac < at + sizeof a || h.tp_mac > frame_size ||
	    h.tp_snaplen > frame_size - h.tp_mac || h.tp_nsec >= 1000000000u)
		return -1;
	memset(p, 0, sizeof *p);
	p->sec = h.tp_sec;
	p->usec = h.tp_nsec / 1000;
	p->caplen = h.tp_snaplen + PKTRING_SLL_LEN;
	if (p->caplen > snaplen)
		p->caplen = snaplen;
	p->len = h.tp_len > UINT32_MAX - PKTRING_SLL_LEN ? UINT32_MAX
	                                                 : h.tp_len + PKTRING_SLL_LEN;
	if (p->len < p->caplen)
		p->len = p->caplen;
	uint16_t f[3] = { htons(a.sll_pkttype), htons(a.sll_hatype),
	                  htons(a.sll_halen) };
	memcpy(p->sll, f, sizeof f);
	/* A longer address (InfiniBand's 20 bytes) is cut, its length
	 * kept, as libpcap does. */
	memcpy(p->sll + 6, a.sll_addr,
	       a.sll_halen < SLL_ADDR_LEN ? a.sll_halen : SLL_ADDR_LEN);
	memcpy(p->sll + 14, &a.sll_protocol, 2);   /* network order already */
	p->data = h.tp_mac;
	p->ifindex = a.sll_ifindex;
	p->pkttype = a.sll_pkttype;
	return 0;
}

bool pktring_skip(const struct pktring_pkt *p, int lo)
{
	return p->pkttype == PACKET_OUTGOING && lo > 0 && p->ifindex == lo;
}

static uint8_t *frame_at(const struct pktring *r, unsigned i)
{
	return r->base + (size_t)(i % r->frames) * r->block_size;
}

static bool handed_over(const struct pktring *r, unsigned i)
{
	return __atomic_load_n((const uint32_t *)frame_at(r, i), __ATOMIC_ACQUIRE) &
	       TP_STATUS_USER;
}

static void give_back(const struct pktring *r, unsigned i)
{
	__atomic_store_n((uint32_t *)frame_at(r, i), TP_STATUS_KERNEL,
	                 __ATOMIC_RELEASE);
}

static uint64_t frame_time(const struct pktring *r, unsigned i)
{
	struct tpacket2_hdr h;
	memcpy(&h, frame_at(r, i), sizeof h);
	return (uint64_t)h.tp_sec * 1000000000u + h.tp_nsec;
}

void pktring_find(struct pktring *r)
{
	unsigned latest = r->frames - 1;
	uint64_t latest_t = frame_time(r, latest), first_t = 0;
	int first = -1;
	for (unsigned i = 0; i < r->frames; i++) {
		uint64_t t = frame_time(r, i);
		if (t > latest_t) {
			latest = i;
			latest_t = t;
		}
		if (!handed_over(r, i))
			continue;
		if (!handed_over(r, i + r->frames - 1)) {
			r->next = i;
			return;
		}
		if (first < 0 || t < first_t) {
			first = (int)i;
			first_t = t;
		}
	}
	r->next = first >= 0 ? (unsigned)first : (latest + 1) % r->frames;
}

uint8_t *pktring_ready(struct pktring *r)
{
	if (!handed_over(r, r->next)) {
		if (!handed_over(r, r->next + r->frames - 1))
			return NULL;
		pktring_find(r);
		if (!handed_over(r, r->next))
			return NULL;
	}
	return frame_at(r, r->next);
}

void pktring_done(struct pktring *r)
{
	give_back(r, r->next);
	r->next = (r->next + 1) % r->frames;
}

void pktring_drain(struct pktring *r)
{
	for (unsigned i = 0; i < r->frames; i++)
		if (handed_over(r, i))
			give_back(r, i);
	pktring_find(r);
}

void pktring_drain_from(struct pktring *r, unsigned next)
{
	r->next = next % r->frames;
	for (unsigned k = 0; k < r->frames && handed_over(r, r->next); k++)
		pktring_done(r);
	if (handed_over(r, r->next + 1))
		pktring_drain(r);
}
