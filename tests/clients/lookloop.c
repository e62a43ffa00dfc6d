/*
 * lookloop.c - N getaddrinfo() lookups of NAME, one after another, for
 * scripts/bench-watch.sh (the cost whichns watch adds to a lookup).
 *
 * Each lookup asks for IPv4 only (AF_INET, one socket type), so glibc
 * sends one A query and waits for its answer: a lookup is one query.
 * Prints the nanoseconds the N lookups took (CLOCK_MONOTONIC), one
 * number and a newline.  Exit 0 when every lookup answered; 1 when any
 * failed (how many and the last error on stderr: a benchmark of failing
 * lookups measures timeouts, not the resolver); 2 on bad arguments.
 *
 * Test code only: it asks the servers its resolv.conf lists, which the
 * benchmark points at a server in its own network namespace.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char *end;
	long n = argc == 3 ? strtol(argv[1], &end, 10) : 0;
	if (argc != 3 || *end != '\0' || n < 1 || n > 100000000) {
		fprintf(stderr, "usage: lookloop N NAME (N lookups, 1 to 100000000)\n");
		return 2;
	}
	const char *name = argv[2];
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	long failed = 0;
	int last = 0;
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		struct addrinfo *res = NULL;
		int rc = getaddrinfo(name, NULL, &hints, &res);
		if (rc != 0) {
			failed++;
			last = rc;
			continue;
		}
		freeaddrinfo(res);
	}
	long long t1 = now_ns();
	printf("%lld\n", t1 - t0);
	if (failed) {
		fprintf(stderr, "lookloop: %ld of %ld lookups of %s failed, the last: %s\n",
		        failed, n, name, gai_strerror(last));
		return 1;
	}
	return 0;
}
