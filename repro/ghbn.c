/*
 * ghbn - gethostbyname(NAME) in a loop: the legacy NSS API.
 *
 * Older daemons still call it.  In glibc it shares getaddrinfo's path
 * (NSS, nscd, and since 2.26 the stat-and-reload of resolv.conf before each
 * lookup: doc/resolvers.md), but it keeps its own static state, so
 * it is measured on its own rather than assumed to match getip.
 */
#include <netdb.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "probe_cli.h"
#include "probe_out.h"

static void lookup(const char *name)
{
	struct probe_answers ans;
	char text[INET6_ADDRSTRLEN];

	probe_answers_init(&ans);
	struct timespec t = probe_now();
	struct hostent *h = gethostbyname(name);
	if (!h) {
		probe_lookup(&t, "A", probe_herrno_status(h_errno), NULL);
		return;
	}
	for (char **p = h->h_addr_list; *p; p++)
		if (inet_ntop(h->h_addrtype, *p, text, sizeof text))
			probe_answers_add(&ans, text);
	probe_lookup(&t, "A", "ok", &ans);
}

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "ghbn", .api = "gethostbyname",
	};
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
	for (unsigned long done = 0; probe_next(&o, done); done++)
		lookup(o.name);
	return 0;
}
