/*
 * seedgen.c - seed inputs for the fuzz targets, cut from capture files.
 *
 *   seedgen frames CAPTURE DIR PREFIX   frames as fuzz_packet reads them
 *   seedgen dns CAPTURE DIR PREFIX      DNS messages of UDP frames (fuzz_dns)
 *   seedgen tcp CAPTURE DIR PREFIX      TCP frames made from those messages:
 *                                       1, 2 and 7 per segment, and one cut
 *                                       in the middle (fuzz_packet)
 *
 * Seeds are DIR/PREFIX-N.  Of the frames of one capture, only the first of
 * each shape (length and last four bytes: a query's type and class, an
 * answer's data) is kept: a test capture repeats a few shapes many times,
 * and the corpus stays small.  Used by fuzz/mkcorpus.sh; reads files with
 * libpcap (pcap and pcapng), as whichns decode does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define SEEN_MAX 65536
#define MSGS_MAX 8

struct out {
	const char *dir, *prefix;
	unsigned    n;
};

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void write_seed(struct out *o, const void *a, size_t na, const void *b, size_t nb)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s-%u", o->dir, o->prefix, ++o->n);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb) ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static unsigned shape_of(const uint8_t *p, size_t caplen)
{
	uint32_t h = (uint32_t)caplen;
	for (size_t i = caplen < 4 ? 0 : caplen - 4; i < caplen; i++)
		h = h * 31 + p[i];
	return h % SEEN_MAX;
}

/* The UDP payload of a frame, for the link types test captures use. */
static const uint8_t *udp_payload(int dlt, const uint8_t *p, size_t caplen, size_t *len)
{
	size_t off;
	switch (dlt) {
	case DLT_EN10MB:    off = 14; break;
	case DLT_LINUX_SLL: off = 16; break;
	case 276:           off = 20; break;   /* LINKTYPE_LINUX_SLL2 */
	case DLT_RAW: case 101: case 228: case 229: off = 0; break;
	default: return NULL;
	}
	if (caplen < off + 40)
		return NULL;
	const uint8_t *ip = p + off;
	size_t hlen;
	if (ip[0] >> 4 == 4 && ip[9] == 17)
		hlen = (ip[0] & 15u) * 4;
	else if (ip[0] >> 4 == 6 && ip[6] == 17)
		hlen = 40;
	else
		return NULL;
	if (caplen - off < hlen + 8)
		return NULL;
	const uint8_t *udp = ip + hlen;
	size_t ulen = (size_t)(udp[4] << 8 | udp[5]);
	if (ulen < 8 || ulen - 8 > caplen - off - hlen - 8)
		return NULL;
	*len = ulen - 8;
	return udp + 8;
}

/* A raw IPv4 frame (LINKTYPE_RAW) from 198.51.100.10:53 to the client with
 * n bytes of TCP payload, in fuzz_packet's form. */
static void write_tcp(struct out *o, const uint8_t *payload, size_t n)
{
	static uint8_t seed[10 + 40 + 65535];
	uint8_t *ip = seed + 10, *tcp = ip + 20;
	if (n > 65535 - 40)
		return;
	memset(seed, 0, 10 + 40);
	put16(seed, DLT_RAW);
	put32(seed + 2, 1795663444);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(40 + n));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, (const uint8_t[]){ 198, 51, 100, 10 }, 4);
	memcpy(ip + 16, (const uint8_t[]){ 198, 51, 100, 2 }, 4);
	put16(tcp, 53);
	put16(tcp + 2, 40000);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;   /* PSH, ACK */
	memcpy(tcp + 20, payload, n);
	write_seed(o, seed, 10 + 40 + n, NULL, 0);
}

/* Up to MSGS_MAX messages, length-prefixed as on TCP. */
struct stream {
	uint8_t b[MSGS_MAX * 1024];
	size_t  n, msgs;
};

static void stream_add(struct stream *s, const uint8_t *m, size_t len)
{
	if (s->msgs == MSGS_MAX || len > 1000)
		return;
	put16(s->b + s->n, (unsigned)len);
	memcpy(s->b + s->n + 2, m, len);
	s->n += 2 + len;
	s->msgs++;
}

static void tcp_seeds(struct out *o, const struct stream *all)
{
	size_t one = 0, two = 0, seven = 0;
	/* Offsets where the 1st, 2nd and 7th message end. */
	for (size_t off = 0, k = 0; off < all->n; k++) {
		off += 2 + (size_t)(all->b[off] << 8 | all->b[off + 1]);
		if (k == 0) one = off;
		if (k == 1) two = off;
		if (k == 6) seven = off;
	}
	if (one)
		write_tcp(o, all->b, one);
	if (two)
		write_tcp(o, all->b, two);
	if (seven)
		write_tcp(o, all->b, seven);
	if (two)
		write_tcp(o, all->b, one + (two - one) / 2);   /* the 2nd cut */
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	static uint8_t seen[SEEN_MAX];
	static struct stream all;

	if (argc != 5 || (strcmp(argv[1], "frames") && strcmp(argv[1], "dns") &&
	                  strcmp(argv[1], "tcp"))) {
		fprintf(stderr, "usage: seedgen frames|dns|tcp CAPTURE DIR PREFIX\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[2],
	                PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "seedgen: %s\n", err);
		return 1;
	}
	struct out o = { argv[3], argv[4], 0 };
	int dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const uint8_t *bytes;
	bool tcp = strcmp(argv[1], "tcp") == 0;
	while (pcap_next_ex(p, &h, &bytes) == 1) {
		size_t len;
		const uint8_t *dns = udp_payload(dlt, bytes, h->caplen, &len);
		if (tcp) {   /* messages in capture order, repeats and all */
			if (dns)
				stream_add(&all, dns, len);
			continue;
		}
		unsigned shape = shape_of(bytes, h->caplen);
		if (seen[shape])
			continue;
		if (strcmp(argv[1], "frames") == 0) {
			uint8_t pre[10];
			put16(pre, (unsigned)dlt);
			put32(pre + 2, (uint32_t)h->ts.tv_sec);
			put32(pre + 6, (uint32_t)h->ts.tv_usec);   /* nanoseconds here */
			write_seed(&o, pre, sizeof pre, bytes, h->caplen);
		} else if (dns) {
			write_seed(&o, dns, len, NULL, 0);
		} else {
			continue;
		}
		seen[shape] = 1;
	}
	pcap_close(p);
	if (tcp)
		tcp_seeds(&o, &all);
	return 0;
}
