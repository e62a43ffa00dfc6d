/*
 * probe_cli.c - a probe's command line and the pace of its loop; see
 * probe_cli.h.
 *
 * Plain libc only (glibc 2.31 and later, musl): probes are compiled inside
 * old root filesystems, so nothing here may need a newer API than those.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "probe_cli.h"
#include "probe_libc.h"
#include "probe_out.h"

#define INTERVAL_MAX_MS 86400000L  /* one day */
#define DURATION_MAX_MS 2147483647L
#define COUNT_MAX       1000000000L

static const struct probe_info *probe;
static struct timespec started;  /* CLOCK_MONOTONIC, for -d */

/* --- command line ------------------------------------------------------ */

int probe_bad_arg(const char *what, const char *arg)
{
	fprintf(stderr, "%s: bad %s '%s' (try -h)\n", probe->prog, what, arg);
	return -1;
}

int probe_parse_long(const char *what, const char *arg, long min, long max,
                     long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || *end != '\0' || errno != 0
	    || v < min || v > max)
		return probe_bad_arg(what, arg);
	*out = v;
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: %s [-i INTERVAL_MS] [-n COUNT] [-d DURATION_MS]%s%s"
	        " [-h] NAME\n", probe->prog, probe->usage ? " " : "",
	        probe->usage ? probe->usage : "");
}

static void help(void)
{
	usage(stdout);
	printf("Resolve NAME with %s() in a loop; one TSV line per lookup.\n"
	       "  -i INTERVAL_MS  pause between lookups (default 100)\n"
	       "  -n COUNT        stop after COUNT lookup rounds\n"
	       "  -d DURATION_MS  stop DURATION_MS after the start\n"
	       "                  (default for both: run until killed)\n"
	       "%s"
	       "  -h              print this help\n",
	       probe->api, probe->help ? probe->help : "");
}

/* Exit 2 on anything we can't take; -h exits 0. */
static void parse_args(int argc, char *argv[], struct probe_opts *o)
{
	char optstring[64];
	int c, bad = 0;

	/* '+': options before NAME on every libc (glibc would permute);
	 * ':': we word the errors ourselves, one line each. */
	snprintf(optstring, sizeof optstring, "+:i:n:d:h%s",
	         probe->opts ? probe->opts : "");
	opterr = 0;
	while (!bad && (c = getopt(argc, argv, optstring)) != -1) {
		char flag[3] = { '-', (char)optopt, '\0' };
		switch (c) {
		case 'i':
			bad = probe_parse_long("interval", optarg, 0,
			                       INTERVAL_MAX_MS, &o->interval_ms);
			break;
		case 'n':
			bad = probe_parse_long("count", optarg, 1, COUNT_MAX,
			                       &o->count);
			break;
		case 'd':
			bad = probe_parse_long("duration", optarg, 1,
			                       DURATION_MAX_MS, &o->duration_ms);
			break;
		case 'h':
			help();
			exit(0);
		case ':':
			fprintf(stderr, "%s: option %s needs a value\n",
			        probe->prog, flag);
			bad = -1;
			break;
		case '?':
			bad = probe_bad_arg("option", flag);
			break;
		default:
			bad = probe->option ? probe->option(c, optarg) : -1;
			break;
		}
	}
	if (bad)
		exit(PROBE_EXIT_USAGE);
	if (optind >= argc) {
		fprintf(stderr, "%s: missing NAME (try -h)\n", probe->prog);
		exit(PROBE_EXIT_USAGE);
	}
	if (argc - optind > 1) {
		probe_bad_arg("extra argument", argv[optind + 1]);
		exit(PROBE_EXIT_USAGE);
	}
	o->name = argv[optind];
	/* NAME goes into every output line: nothing that could split one */
	for (const unsigned char *p = (const unsigned char *)o->name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ',')
			bad = 1;
	if (bad || o->name[0] == '\0') {
		probe_bad_arg("NAME", o->name);
		exit(PROBE_EXIT_USAGE);
	}
}

void probe_start(int argc, char *argv[], const struct probe_info *info,
                 struct probe_opts *o)
{
	char libc[128];

	probe = info;
	o->interval_ms = 100;
	o->count = 0;
	o->duration_ms = 0;
	parse_args(argc, argv, o);

	probe_libc(libc, sizeof libc);
	probe_out_begin(info->prog, info->api, o->name, libc);
	clock_gettime(CLOCK_MONOTONIC, &started);
}

/* --- pacing ------------------------------------------------------------ */

static long elapsed_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - started.tv_sec) * 1000
	       + (now.tv_nsec - started.tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	/* absolute deadline: a signal that interrupts us doesn't stretch it */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)
	       == EINTR)
		;
}

int probe_next(const struct probe_opts *o, unsigned long done)
{
	if (done == 0)
		return 1;
	if (o->count && done >= (unsigned long)o->count)
		return 0;
	if (o->duration_ms) {
		long left = o->duration_ms - elapsed_ms();
		if (left <= o->interval_ms) {
			if (left > 0)
				sleep_ms(left);  /* live out the whole window */
			return 0;
		}
	}
	/* Between two rounds: the harness switches resolv.conf while we
	 * sleep, so that no round straddles the switch. */
	probe_event("pause");
	sleep_ms(o->interval_ms);
	return 1;
}
