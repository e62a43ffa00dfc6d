/*
 * pcaploop.c - the floor of decode's benchmark: libpcap reading a capture
 * file (pcap or pcapng) with pcap_loop() and a callback that only counts.
 * Nothing a reader of the file can do costs less through libpcap, so
 * scripts/bench-decode.sh gives every other reader's time as a ratio to
 * this one's.
 *
 *   pcaploop FILE      prints "packets<TAB>N" on stdout; exit 0, or 2 when
 *                      libpcap cannot read FILE (its message on stderr).
 */
#include <stdio.h>
#include <pcap/pcap.h>

static void count(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)h;
	(void)bytes;
	(*(unsigned long long *)(void *)user)++;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	unsigned long long n = 0;

	if (argc != 2) {
		fputs("usage: pcaploop FILE\n", stderr);
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcaploop: %s: %s\n", argv[1], err);
		return 2;
	}
	if (pcap_loop(p, -1, count, (u_char *)&n) == PCAP_ERROR) {
		fprintf(stderr, "pcaploop: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 2;
	}
	pcap_close(p);
	printf("packets\t%llu\n", n);
	return 0;
}
