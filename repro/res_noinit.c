/*
 * res_noinit - res_query() for A in a loop, never calling res_init().
 *
 * The control for res_loop: the resolver initialises itself on first use.
 * Per doc/resolvers.md, glibc 2.26 and later then reload resolv.conf before
 * each res_query (glibc 2.5/2.12 of the classic experiments read it once, so
 * the program stayed on the old server), and musl reads it on every lookup.
 */
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

#include "probe_cli.h"
#include "probe_out.h"

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "res_noinit", .api = "res_query",
	};
	static unsigned char answer[NS_MAXMSG];
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
	for (unsigned long done = 0; probe_next(&o, done); done++) {
		struct timespec t = probe_now();
		int n = res_query(o.name, ns_c_in, ns_t_a, answer, sizeof answer);
		probe_res_result(&t, ns_t_a, n, h_errno, answer, sizeof answer);
	}
	return 0;
}
