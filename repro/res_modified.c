/*
 * res_modified - res_search() for MX in a loop after changing _res the way
 * sendmail does: the sendmail case of the classic experiments, which they
 * could not explain, without sendmail.
 *
 * sendmail's main.c calls res_init(), sets RES_NOALIASES, clears RES_DEBUG
 * (unless debugging) and keeps _res.retry/_res.retrans, which its queue.c,
 * srvrsmtp.c and savemail.c write back before deliveries.  Per
 * doc/resolvers.md, glibc 2.26 and later never reload resolv.conf in a
 * thread whose _res the program changed (resolv_context.c,
 * replicated_configuration_matches), so MX lookups should stay on the old
 * server until restart; musl's _res is a dummy and it reads the file on
 * every lookup.  The retry/retrans writes keep their values (as sendmail's
 * defaults do): the options bit is the change.
 */
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>

#include "probe_cli.h"
#include "probe_out.h"

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "res_modified", .api = "res_search",
	};
	static unsigned char answer[NS_MAXMSG];
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
	if (res_init() != 0)
		fprintf(stderr, "res_modified: res_init failed\n");
	_res.options &= ~(unsigned long)RES_DEBUG;
#ifdef RES_NOALIASES
	_res.options |= RES_NOALIASES;
#endif
	int retry = _res.retry, retrans = _res.retrans;

	for (unsigned long done = 0; probe_next(&o, done); done++) {
		_res.retry = retry;
		_res.retrans = retrans;
		struct timespec t = probe_now();
		int n = res_search(o.name, ns_c_in, ns_t_mx, answer, sizeof answer);
		probe_res_result(&t, ns_t_mx, n, h_errno, answer, sizeof answer);
	}
	return 0;
}
