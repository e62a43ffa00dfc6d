/*
 * res_loop - res_query() for A, MX and NS of NAME in a loop, with a
 * res_close() + res_init() every R rounds: the second of the classic
 * experiments.
 *
 * The classic experiments saw this loop follow a resolv.conf change only at
 * its explicit res_init(), nscd or not (res_* never goes through nscd).  Per
 * doc/resolvers.md, glibc 2.26 and later also reload before each res_query
 * while the program has not changed _res, and an explicit res_init() re-reads
 * the file even with "options no-reload"; musl reads the file on every lookup
 * and its res_init() does nothing.  "#reinit" lines date each re-read, so the
 * harness can tell the automatic reload from the forced one.
 */
#include <stdio.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

#include "probe_cli.h"
#include "probe_out.h"

static long reinit_every = 5;  /* rounds; 0 = never */

static int option(int opt, const char *arg)
{
	(void)opt;  /* only -r */
	return probe_parse_long("reinit period", arg, 0, 1000000000L,
	                        &reinit_every);
}

static void lookup(const char *name, int type)
{
	static unsigned char answer[NS_MAXMSG];

	struct timespec t = probe_now();
	int n = res_query(name, ns_c_in, type, answer, sizeof answer);
	probe_res_result(&t, type, n, h_errno, answer, sizeof answer);
}

static void reinit(void)
{
#ifdef __GLIBC__
	res_close();  /* musl has none: it keeps no resolver state to close */
#endif
	if (res_init() != 0)
		fprintf(stderr, "res_loop: res_init failed\n");
	probe_event("reinit");
}

int main(int argc, char *argv[])
{
	static const struct probe_info info = {
		.prog = "res_loop", .api = "res_query",
		.opts = "r:", .usage = "[-r ROUNDS]",
		.help = "  -r ROUNDS       res_close()+res_init() every ROUNDS"
		        " rounds (default 5, 0: never);\n"
		        "                  a round is three lookups: A, MX, NS\n",
		.option = option,
	};
	struct probe_opts o;

	probe_start(argc, argv, &info, &o);
	if (res_init() != 0)
		fprintf(stderr, "res_loop: res_init failed\n");
	/* The harness switches in the pause after a round that re-read, so
	 * that LATE counts the rounds in between, however busy the machine. */
	if (reinit_every)
		probe_fact("reinit-every", reinit_every);
	for (unsigned long done = 0; probe_next(&o, done); done++) {
		if (reinit_every && done > 0 && done % (unsigned long)reinit_every == 0)
			reinit();
		lookup(o.name, ns_t_a);
		lookup(o.name, ns_t_mx);
		lookup(o.name, ns_t_ns);
	}
	return 0;
}
