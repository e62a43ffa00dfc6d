/*
 * fixedid.c - a DNS client unlike any C library's resolver, for
 * tests/integration/counting.t: one UDP socket for its whole life, the
 * same query ID for every query, its own reading of /etc/resolv.conf.
 *
 * Every interval it asks the first nameserver of resolv.conf for NAME's
 * A record and prints "EPOCH<TAB>fixedid<TAB>NAME<TAB>A<TAB>STATUS<TAB>ADDR"
 * (EPOCH: when the query left).  An unanswered query is sent again with
 * the same ID after 200 ms, at most twice, as a resolver retries.  With
 * -r 0 it reads resolv.conf once at the start (it never sees a change);
 * with -r MS it reads it again when MS milliseconds have passed since the
 * last reading.  With -b its output is block-buffered and unstamped
 * ("NAME has address ADDR"), like a program that writes to a pipe
 * through stdio.
 *
 * Test code only: it talks to the case's servers in the case's network
 * namespace, nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUERY_ID  0x5a5a
#define RESEND_MS 200
#define RESENDS   2

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first "nameserver ADDR" (IPv4) of resolv.conf; -1 when none. */
static int read_server(struct sockaddr_in *sa)
{
	char line[512];
	FILE *f = fopen("/etc/resolv.conf", "re");
	int rc = -1;
	if (!f)
		return -1;
	while (rc != 0 && fgets(line, sizeof line, f)) {
		char addr[64];
		if (sscanf(line, " nameserver %63s", addr) == 1 &&
		    inet_pton(AF_INET, addr, &sa->sin_addr) == 1) {
			sa->sin_family = AF_INET;
			sa->sin_port = htons(53);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* A query for name's A record into buf; its length, or 0 if too long. */
static size_t build_query(const char *name, unsigned char *buf, size_t size)
{
	static const unsigned char hdr[12] = {
		QUERY_ID >> 8, QUERY_ID & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	};
	size_t n = sizeof hdr;
	memcpy(buf, hdr, n);
	while (*name) {
		size_t len = strcspn(name, ".");
		if (len == 0 || len > 63 || size - n < len + 6)
			return 0;
		buf[n++] = (unsigned char)len;
		memcpy(buf + n, name, len);
		n += len;
		name += len + (name[len] == '.');
	}
	buf[n++] = 0;
	buf[n++] = 0; buf[n++] = 1;   /* A */
	buf[n++] = 0; buf[n++] = 1;   /* IN */
	return n;
}

/* Skips a (possibly compressed) name at *off; -1 when it runs past len. */
static int skip_name(const unsigned char *p, size_t len, size_t *off)
{
	while (*off < len) {
		unsigned c = p[*off];
		if (c == 0) {
			*off += 1;
			return 0;
		}
		if ((c & 0xc0) == 0xc0) {
			if (len - *off < 2)
				return -1;
			*off += 2;
			return 0;
		}
		if (len - *off < c + 1u)
			return -1;
		*off += c + 1u;
	}
	return -1;
}

/* The first A record of a response to our query into addr; 1 when the
 * message is ours with one, 0 when ours without one, -1 when not ours. */
static int parse_answer(const unsigned char *p, size_t len, char *addr,
                        size_t size)
{
	if (len < 12 || p[0] != (QUERY_ID >> 8) || p[1] != (QUERY_ID & 0xff) ||
	    !(p[2] & 0x80))
		return -1;
	unsigned qd = (unsigned)p[4] << 8 | p[5], an = (unsigned)p[6] << 8 | p[7];
	size_t off = 12;
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(p, len, &off) != 0 || len - off < 4)
			return 0;
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		if (skip_name(p, len, &off) != 0 || len - off < 10)
			return 0;
		unsigned type = (unsigned)p[off] << 8 | p[off + 1];
		unsigned rdlen = (unsigned)p[off + 8] << 8 | p[off + 9];
		off += 10;
		if (len - off < rdlen)
			return 0;
		if (type == 1 && rdlen == 4) {
			inet_ntop(AF_INET, p + off, addr, (socklen_t)size);
			return 1;
		}
		off += rdlen;
	}
	return 0;
}

/* Sends the query, waits for our answer, resends unanswered; the status. */
static const char *ask(int fd, const struct sockaddr_in *sa,
                       const unsigned char *q, size_t qlen, char *addr,
                       size_t size)
{
	unsigned char buf[1500];
	for (int attempt = 0; attempt <= RESENDS; attempt++) {
		if (sendto(fd, q, qlen, 0, (const struct sockaddr *)sa, sizeof *sa) < 0)
			return "send-failed";
		double until = now() + RESEND_MS / 1000.0;
		for (double left; (left = until - now()) > 0;) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
				continue;
			ssize_t n = recv(fd, buf, sizeof buf, 0);
			if (n < 0)
				continue;
			int r = parse_answer(buf, (size_t)n, addr, size);
			if (r >= 0)
				return r ? "ok" : "no-address";
		}
	}
	return "timeout";
}

int main(int argc, char **argv)
{
	long interval = 100, reread = 0;
	int buffered = 0, c;
	while ((c = getopt(argc, argv, "i:r:b")) != -1) {
		if (c == 'i')
			interval = strtol(optarg, NULL, 10);
		else if (c == 'r')
			reread = strtol(optarg, NULL, 10);
		else if (c == 'b')
			buffered = 1;
		else
			goto usage;
	}
	if (optind != argc - 1 || interval <= 0 || reread < 0)
		goto usage;
	const char *name = argv[optind];
	unsigned char q[300];
	size_t qlen = build_query(name, q, sizeof q);
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!qlen || fd < 0 || read_server(&sa) != 0) {
		fprintf(stderr, "fixedid: %s\n", !qlen ? "bad name" : fd < 0 ?
		        strerror(errno) : "no IPv4 nameserver in /etc/resolv.conf");
		return 1;
	}
	setvbuf(stdout, NULL, buffered ? _IOFBF : _IOLBF, 0);
	double last_read = now();
	for (;;) {
		double t = now();
		if (reread && (t - last_read) * 1000 >= reread) {
			read_server(&sa);   /* a missing file keeps the last server */
			last_read = t;
		}
		char addr[INET_ADDRSTRLEN] = "";
		const char *status = ask(fd, &sa, q, qlen, addr, sizeof addr);
		if (buffered)
			printf("%s has address %s\n", name, addr);
		else
			printf("%.6f\tfixedid\t%s\tA\t%s\t%s\n", t, name, status, addr);
		usleep((useconds_t)interval * 1000);
	}
usage:
	fprintf(stderr, "usage: fixedid [-i MS] [-r MS] [-b] NAME\n");
	return 2;
}
