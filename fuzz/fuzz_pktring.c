/*
 * fuzz_pktring.c - one frame of a packet socket's receive ring through
 * pktring_frame() and pktring_skip(), as harness/capture.c reads the
 * ring of a case's live capture.
 *
 * libfuzzer: -max_len=4096
 *
 * Input: 2 bytes snaplen (big-endian), then the frame (its size is what
 * is left): the kernel's struct tpacket2_hdr, the link address beside it,
 * the packet.
 *
 * Beyond not crashing, pktring.h promises, on 0: PKTRING_SLL_LEN <=
 * caplen <= snaplen, caplen <= len, the caplen - PKTRING_SLL_LEN bytes
 * at data inside the frame (read here, so ASan sees any overrun), a
 * microsecond below a million, and the SLL header's packet type as the
 * record's; -1 whenever snaplen is below PKTRING_SLL_LEN.
 */
#include <arpa/inet.h>
#include "fuzz.h"
#include "pktring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint32_t snaplen = (uint32_t)data[0] << 8 | data[1];
	size_t n = size - 2;
	/* A copy of its own size: ASan catches a read past the frame. */
	uint8_t *frame = malloc(n ? n : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, n);
	struct pktring_pkt p;
	int st = pktring_frame(frame, n, snaplen, &p);
	FUZZ_CHECK(st == 0 || st == -1, "status %d", st);
	if (snaplen < PKTRING_SLL_LEN)
		FUZZ_CHECK(st == -1, "snaplen %u taken", snaplen);
	if (st == 0) {
		FUZZ_CHECK(p.caplen >= PKTRING_SLL_LEN && p.caplen <= snaplen,
		           "caplen %u, snaplen %u", p.caplen, snaplen);
		FUZZ_CHECK(p.caplen <= p.len, "caplen %u, len %u", p.caplen, p.len);
		FUZZ_CHECK(p.usec < 1000000, "usec %u", p.usec);
		size_t k = p.caplen - PKTRING_SLL_LEN;
		FUZZ_CHECK(p.data <= n && k <= n - p.data, "data %zu + %zu of %zu",
		           p.data, k, n);
		unsigned sum = 0;
		for (size_t i = 0; i < k; i++)
			sum += frame[p.data + i];
		uint16_t type;
		memcpy(&type, p.sll, 2);
		FUZZ_CHECK(ntohs(type) == (uint16_t)p.pkttype, "packet type %u vs %d",
		           ntohs(type), p.pkttype);
		(void)pktring_skip(&p, (int)(sum & 3));
	}
	free(frame);
	return 0;
}
