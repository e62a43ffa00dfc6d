/*
 * res_ninit - res_ninit() once on the program's own struct __res_state, then
 * res_nquery() for A in a loop.
 *
 * Models threaded daemons that keep a private resolver state.  Per
 * doc/resolvers.md, glibc never reloads such a state: the program must
 * res_nclose() and res_ninit() again, so this probe should stay on the old
 * server after the switch.  musl has no res_ninit/res_nquery: there the probe
 * says "#unsupported" and exits 77 (can't run here, not a failure).
 */
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>

#include "probe_cli.h"
#include "probe_out.h"

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "res_ninit", .api = "res_nquery",
	};
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
#ifdef __GLIBC__
	static struct __res_state state;
	static unsigned char answer[NS_MAXMSG];

	if (res_ninit(&state) != 0) {
		fprintf(stderr, "res_ninit: res_ninit failed\n");
		return 1;
	}
	for (unsigned long done = 0; probe_next(&o, done); done++) {
		struct timespec t = probe_now();
		int n = res_nquery(&state, o.name, ns_c_in, ns_t_a,
		                   answer, sizeof answer);
		probe_res_result(&t, ns_t_a, n, state.res_h_errno,
		                 answer, sizeof answer);
	}
	res_nclose(&state);
	return 0;
#else
	probe_unsupported("res_ninit/res_nquery: not provided by this C library");
#endif
}
