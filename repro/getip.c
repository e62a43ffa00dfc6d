/*
 * getip - getaddrinfo(NAME) in a loop: the first of the classic experiments.
 *
 * Models a long-running daemon that resolves through NSS.  The classic
 * experiments (the stale-resolver investigation this project reproduces)
 * saw it stay on the old server until restarted (resolv.conf read once,
 * glibc of RHEL 5/6) unless nscd was running.  glibc 2.26 and later stat
 * resolv.conf before each lookup and reload it (unless "options no-reload"),
 * and musl re-reads the file on every lookup (doc/resolvers.md): this probe
 * shows which holds.
 *
 * -f inet (default: A, as the classic experiments did), inet6 (AAAA), unspec
 * (A and AAAA, printed as QTYPE "ANY").
 */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "probe_cli.h"
#include "probe_out.h"

static int family = AF_INET;

static int option(int opt, const char *arg)
{
	(void)opt;  /* only -f */
	if (strcmp(arg, "inet") == 0)
		family = AF_INET;
	else if (strcmp(arg, "inet6") == 0)
		family = AF_INET6;
	else if (strcmp(arg, "unspec") == 0)
		family = AF_UNSPEC;
	else
		return probe_bad_arg("family", arg);
	return 0;
}

static void lookup(const char *name, const char *qtype)
{
	struct addrinfo hints, *res = NULL;
	struct probe_answers ans;
	char text[INET6_ADDRSTRLEN];

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;  /* one entry per address */
	probe_answers_init(&ans);

	struct timespec t = probe_now();
	int rc = getaddrinfo(name, NULL, &hints, &res);
	for (struct addrinfo *ai = rc == 0 ? res : NULL; ai; ai = ai->ai_next) {
		const void *addr = NULL;
		if (ai->ai_family == AF_INET)
			addr = &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			addr = &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
		if (addr && inet_ntop(ai->ai_family, addr, text, sizeof text))
			probe_answers_add(&ans, text);
	}
	probe_lookup(&t, qtype, probe_gai_status(rc), &ans);
	if (rc == 0)
		freeaddrinfo(res);
}

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "getip", .api = "getaddrinfo",
		.opts = "f:", .usage = "[-f inet|inet6|unspec]",
		.help = "  -f FAMILY       inet (A, default), inet6 (AAAA),"
		        " unspec (both: QTYPE ANY)\n",
		.option = option,
	};
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
	const char *qtype = family == AF_INET ? "A"
	                  : family == AF_INET6 ? "AAAA" : "ANY";
	for (unsigned long done = 0; probe_next(&o, done); done++)
		lookup(o.name, qtype);
	return 0;
}
