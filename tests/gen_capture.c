/*
 * gen_capture.c - write a synthetic DNS capture for decode's tests and
 * benchmark: N packets of hat.com A queries and their answers, to the old
 * server before a switch point and to the new one after it (or as a
 * pattern says), on the link type and IP version asked for.
 *
 * Only libpcap's pcap_open_dead() and pcap_dump(): no network, no root.
 * The switch time is printed as "switch_time<TAB>SECONDS" on stdout (unless
 * the capture itself goes to stdout), halfway between the last lookup
 * before the switch and the first after it.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

static const char usage_text[] =
"usage: gen_capture [-n packets] [-l en10mb|sll|sll2|raw] [-6] [-p pattern]\n"
"                   [-S query] [-t start] [-i ms] [-b every] [-N] -o file\n"
"  -n  packets to write (default 1000): queries each followed by its answer\n"
"  -p  after the switch: followed (default), stale, mixed, silent, late:K\n"
"  -S  index of the first query after the switch (default: half of them)\n"
"  -t  epoch seconds of the first packet (default 1795663444)\n"
"  -i  milliseconds between queries (default 10)\n"
"  -b  every Nth answer is cut short (malformed)\n"
"  -N  no DNS at all: NTP packets instead\n";

enum pattern { P_FOLLOWED, P_STALE, P_MIXED, P_SILENT, P_LATE };

struct gen {
	int      dlt, v6, no_dns;
	enum pattern pat;
	unsigned late;
	uint8_t  frame[512];
};

static const uint8_t client4[4] = { 198, 51, 100, 2 };
static const uint8_t old4[4] = { 198, 51, 100, 10 }, new4[4] = { 198, 51, 100, 20 };
static const uint8_t prefix6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00 };

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* 2001:db8:100::LAST */
static void addr6(uint8_t out[16], unsigned last)
{
	memcpy(out, prefix6, 16);
	out[15] = (uint8_t)last;
}

static unsigned csum_add(unsigned sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (unsigned)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (unsigned)p[n - 1] << 8;
	return sum;
}

static unsigned csum_fold(unsigned sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* DNS for hat.com A: a query, or its answer from server 0 (old) or 1 (new). */
static size_t dns_build(uint8_t *p, unsigned id, int response, int server)
{
	static const uint8_t qname[] = "\3hat\3com";
	size_t n = 12;
	put16(p, id);
	put16(p + 2, response ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, response ? 1 : 0);
	put16(p + 8, 0);
	put16(p + 10, 0);
	memcpy(p + n, qname, sizeof qname);   /* with the root's zero byte */
	n += sizeof qname;
	put16(p + n, 1);
	put16(p + n + 2, 1);
	n += 4;
	if (response) {
		static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4,
		                              203, 0, 113 };
		memcpy(p + n, rr, sizeof rr);
		n += sizeof rr;
		p[n++] = server ? 204 : 203;
	}
	return n;
}

/* One frame: link header, IP, UDP, payload.  Returns its length. */
static size_t frame_build(struct gen *g, int to_server, int server, unsigned sport,
                          unsigned dport, const uint8_t *payload, size_t plen)
{
	uint8_t *f = g->frame, *ip;
	uint8_t cli[16], srv[16];
	unsigned type = g->v6 ? 0x86dd : 0x0800;
	size_t link = 0;

	switch (g->dlt) {
	case DLT_EN10MB:
		memcpy(f, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02", 12);
		put16(f + 12, type);
		link = 14;
		break;
	case DLT_LINUX_SLL:
		memset(f, 0, 16);
		put16(f, to_server ? 4 : 0);  /* outgoing / to us */
		put16(f + 2, 1);
		put16(f + 4, 6);
		memcpy(f + 6, "\x02\0\0\0\0\x02", 6);
		put16(f + 14, type);
		link = 16;
		break;
	case DLT_LINUX_SLL2:
		memset(f, 0, 20);
		put16(f, type);
		f[7] = 2;                     /* interface index */
		put16(f + 8, 1);
		f[10] = to_server ? 4 : 0;
		f[11] = 6;
		memcpy(f + 12, "\x02\0\0\0\0\x02", 6);
		link = 20;
		break;
	default:
		break;
	}
	ip = f + link;
	size_t udplen = 8 + plen, iplen;
	if (g->v6) {
		addr6(cli, 2);
		addr6(srv, server ? 0x20 : 0x10);
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (unsigned)udplen);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, to_server ? cli : srv, 16);
		memcpy(ip + 24, to_server ? srv : cli, 16);
		iplen = 40;
	} else {
		memcpy(cli, client4, 4);
		memcpy(srv, server ? new4 : old4, 4);
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (unsigned)(20 + udplen));
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, to_server ? cli : srv, 4);
		memcpy(ip + 16, to_server ? srv : cli, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		iplen = 20;
	}
	uint8_t *u = ip + iplen;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (unsigned)udplen);
	put16(u + 6, 0);
	memcpy(u + 8, payload, plen);
	/* IPv6 requires the UDP checksum; IPv4 may leave it zero. */
	if (g->v6) {
		uint8_t pseudo[8] = { 0, 0, (uint8_t)(udplen >> 8), (uint8_t)udplen,
		                      0, 0, 0, 17 };
		unsigned sum = csum_add(0, ip + 8, 32);
		sum = csum_add(sum, pseudo, 8);
		sum = csum_fold(csum_add(sum, u, udplen));
		put16(u + 6, sum ? sum : 0xffff);
	}
	return link + iplen + udplen;
}

/* Which server query q (0-based, s = first after the switch) goes to. */
static int server_of(const struct gen *g, unsigned long q, unsigned long s)
{
	if (q < s)
		return 0;
	switch (g->pat) {
	case P_STALE:  return 0;
	case P_MIXED:  return (q - s) % 2 == 0;
	case P_LATE:   return q - s >= g->late;
	case P_FOLLOWED:
	case P_SILENT: break;
	}
	return 1;
}

static int parse_pattern(const char *s, struct gen *g)
{
	char *end;
	if (strcmp(s, "followed") == 0) g->pat = P_FOLLOWED;
	else if (strcmp(s, "stale") == 0) g->pat = P_STALE;
	else if (strcmp(s, "mixed") == 0) g->pat = P_MIXED;
	else if (strcmp(s, "silent") == 0) g->pat = P_SILENT;
	else if (strncmp(s, "late:", 5) == 0) {
		g->pat = P_LATE;
		g->late = (unsigned)strtoul(s + 5, &end, 10);
		if (end == s + 5 || *end)
			return -1;
	} else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { .dlt = DLT_EN10MB };
	unsigned long n = 1000, every_bad = 0, sw = (unsigned long)-1;
	double start = 1795663444.0, interval = 0.010;
	const char *out = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:l:6p:S:t:i:b:No:h")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'l':
			if (strcmp(optarg, "en10mb") == 0) g.dlt = DLT_EN10MB;
			else if (strcmp(optarg, "sll") == 0) g.dlt = DLT_LINUX_SLL;
			else if (strcmp(optarg, "sll2") == 0) g.dlt = DLT_LINUX_SLL2;
			else if (strcmp(optarg, "raw") == 0) g.dlt = DLT_RAW;
			else {
				fprintf(stderr, "gen_capture: bad link type '%s'\n", optarg);
				return 2;
			}
			break;
		case '6': g.v6 = 1; break;
		case 'p':
			if (parse_pattern(optarg, &g) != 0) {
				fprintf(stderr, "gen_capture: bad pattern '%s'\n", optarg);
				return 2;
			}
			break;
		case 'S': sw = strtoul(optarg, NULL, 10); break;
		case 't': start = strtod(optarg, NULL); break;
		case 'i': interval = strtod(optarg, NULL) / 1000.0; break;
		case 'b': every_bad = strtoul(optarg, NULL, 10); break;
		case 'N': g.no_dns = 1; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (!out || optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	unsigned long queries = (n + 1) / 2;
	if (sw == (unsigned long)-1)
		sw = queries / 2;

	pcap_t *p = pcap_open_dead(g.dlt, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, out) : NULL;
	if (!d) {
		fprintf(stderr, "gen_capture: cannot write %s: %s\n", out,
		        p ? pcap_geterr(p) : "pcap_open_dead failed");
		return 1;
	}
	uint8_t payload[256];
	unsigned long written = 0, responses = 0;
	for (unsigned long q = 0; written < n; q++) {
		double t = start + (double)q * interval;
		int server = server_of(&g, q, sw);
		int silent = g.pat == P_SILENT && q >= sw;
		for (int resp = 0; resp < 2 && written < n; resp++) {
			double tp = t + resp * 0.0002;
			struct pcap_pkthdr h;
			size_t plen, len;
			unsigned cport = 20000 + (unsigned)(q % 40000);
			if (g.no_dns || silent) {
				/* NTP-sized UDP to port 123: not DNS. */
				memset(payload, 0, 48);
				payload[0] = 0x23;
				len = frame_build(&g, !resp, server, resp ? 123 : cport,
				                  resp ? cport : 123, payload, 48);
			} else {
				plen = dns_build(payload, (unsigned)(q & 0xffff), resp, server);
				if (resp && every_bad && ++responses % every_bad == 0)
					plen -= 3;   /* the answer's address cut short */
				len = frame_build(&g, !resp, server, resp ? 53 : cport,
				                  resp ? cport : 53, payload, plen);
			}
			h.ts.tv_sec = (time_t)tp;
			h.ts.tv_usec = (suseconds_t)((tp - (double)h.ts.tv_sec) * 1e6 + 0.5);
			if (h.ts.tv_usec >= 1000000) {
				h.ts.tv_sec++;
				h.ts.tv_usec -= 1000000;
			}
			h.caplen = h.len = (bpf_u_int32)len;
			pcap_dump((u_char *)d, &h, g.frame);
			written++;
		}
	}
	int bad = pcap_dump_flush(d) != 0;
	pcap_dump_close(d);
	pcap_close(p);
	if (bad) {
		fprintf(stderr, "gen_capture: cannot write %s\n", out);
		return 1;
	}
	if (strcmp(out, "-") != 0)
		printf("switch_time\t%.6f\n", start + ((double)sw - 0.5) * interval);
	return 0;
}
