/*
 * cmd_exec.c - whichns exec: any program as the process under test.
 *
 * The support engineer's path: run the customer's own daemon (and a
 * trigger that makes it resolve) through the same controlled switch as
 * the probes, and hand over the run folder.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "dns.h"
#include "evidence.h"
#include "resolvconf.h"
#include "runner.h"
#include "scenario.h"

static const char exec_usage[] =
"usage: whichns exec [--libc L] [--update M] [--options O] [--nscd]\n"
"                    [--before N] [--switch-after DUR] [--switch-at DUR]\n"
"                    [--window DUR] [--timeout DUR] [--interval DUR]\n"
"                    [--trigger CMD] [--trigger-every DUR] [--fresh CMD]\n"
"                    [--fresh-for DUR] [--only TYPE] [--expect VERDICT]\n"
"                    [--name NAME] [--secrets] [--results DIR] [--cache DIR]\n"
"                    [-q]\n"
"                    -- command [arg ...]\n";

static const char exec_help[] =
"\n"
"Runs COMMAND (its whole process tree) in a case's namespaces against the\n"
"two servers, which answer every name (old: 203.0.113.203, new: .204);\n"
"switches its resolv.conf; gives the verdict from the capture.\n"
"\n"
"  --libc L            host (default), musl, or a root filesystem (bullseye,\n"
"                      bookworm, trixie, sid): that tree is COMMAND's /\n"
"  --update M          inplace (default), rename, symlink, bind-inplace,\n"
"                      bind-rename\n"
"  --options O         resolv.conf options: default, or words joined by '+'\n"
"                      (no-reload, no-reload+single-request, ...)\n"
"  --nscd              run nscd in the case (glibc only)\n"
"  --before N          switch after N queries reached the old server (3)\n"
"  --switch-after DUR  ... or this long after the first one (2s)\n"
"  --switch-at DUR     switch this long after COMMAND started, lookups or not\n"
"  --window DUR        observe this long after the switch (5s)\n"
"  --timeout DUR       give up waiting for lookups before the switch (30s)\n"
"  --interval DUR      how often COMMAND looks up, if known (sets the quiet\n"
"                      moment the switch waits for)\n"
"  --trigger CMD       shell command run in the case every --trigger-every\n"
"                      (1s) to make a daemon resolve\n"
"  --fresh CMD         after the window, run this shell command as a freshly\n"
"                      started process and count its queries apart\n"
"  --fresh-for DUR     how long the fresh process may run (5s)\n"
"  --only TYPE         the verdict counts queries of this type only (MX, A...)\n"
"  --expect VERDICT    exit 1 unless the verdict is this\n"
"  --name NAME         the case's name in reports (default: exec)\n"
"  --secrets           show COMMAND /etc/shadow, /etc/gshadow and the host\n"
"                      keys as they are (masked by default)\n"
"\n"
"DUR is 250ms, 1.5s, 2m.  Exit status as for whichns run.\n";

static int bad(const char *what, const char *value, const char *expected)
{
	fprintf(stderr, "whichns: exec: bad %s '%s': expected %s\n", what, value,
	        expected);
	return EXIT_USAGE;
}

static int duration(const char *opt, const char *v, unsigned *ms)
{
	if (scn_parse_duration(v, ms) != 0 || *ms == 0)
		return bad(opt, v, "a duration such as 500ms, 2s or 1m");
	return 0;
}

int cmd_exec(int argc, char **argv,
             int (*prepare)(struct run_opts *, const struct exec_job *))
{
	enum { O_LIBC = 256, O_UPDATE, O_OPTIONS, O_NSCD, O_BEFORE, O_SW_AFTER,
	       O_SW_AT, O_WINDOW, O_TIMEOUT, O_INTERVAL, O_TRIGGER, O_TRIG_EVERY,
	       O_FRESH, O_FRESH_FOR, O_ONLY, O_EXPECT, O_NAME, O_RESULTS, O_CACHE,
	       O_SECRETS };
	static const struct option opts[] = {
		{ "libc", required_argument, NULL, O_LIBC },
		{ "update", required_argument, NULL, O_UPDATE },
		{ "options", required_argument, NULL, O_OPTIONS },
		{ "nscd", no_argument, NULL, O_NSCD },
		{ "before", required_argument, NULL, O_BEFORE },
		{ "switch-after", required_argument, NULL, O_SW_AFTER },
		{ "switch-at", required_argument, NULL, O_SW_AT },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "trigger", required_argument, NULL, O_TRIGGER },
		{ "trigger-every", required_argument, NULL, O_TRIG_EVERY },
		{ "fresh", required_argument, NULL, O_FRESH },
		{ "fresh-for", required_argument, NULL, O_FRESH_FOR },
		{ "only", required_argument, NULL, O_ONLY },
		{ "expect", required_argument, NULL, O_EXPECT },
		{ "name", required_argument, NULL, O_NAME },
		{ "secrets", no_argument, NULL, O_SECRETS },
		{ "results", required_argument, NULL, O_RESULTS },
		{ "cache", required_argument, NULL, O_CACHE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	struct exec_job job = {
		.name = "exec", .libc = "host", .update = "inplace", .expected = V_NONE,
		.spec = { .options = "default", .any_name = true, .before = 3,
		          .switch_after_ms = 2000, .window_ms = 5000, .timeout_ms = 30000,
		          .trigger_ms = 1000, .fresh_ms = 5000 },
	};
	static char *trigger[] = { "/bin/sh", "-c", NULL, NULL };
	static char *fresh[] = { "/bin/sh", "-c", NULL, NULL };
	enum update_method m;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case O_LIBC: job.libc = optarg; break;
		case O_UPDATE:
			if (view_method_parse(optarg, &m) != 0)
				return bad("--update", optarg, "inplace, rename, symlink, "
				           "bind-inplace or bind-rename");
			job.update = optarg;
			break;
		case O_OPTIONS:
			if (resolvconf_options_valid(optarg) != 0)
				return bad("--options", optarg, "default or resolv.conf "
				           "option words joined by '+'");
			job.spec.options = optarg;
			break;
		case O_NSCD: job.spec.nscd = "yes"; break;
		case O_BEFORE: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 10000)
				return bad("--before", optarg, "a count from 1 to 10000");
			job.spec.before = (unsigned)n;
			break;
		}
		case O_SW_AFTER:
			if ((rc = duration("--switch-after", optarg, &job.spec.switch_after_ms)))
				return rc;
			break;
		case O_SW_AT:
			if ((rc = duration("--switch-at", optarg, &job.spec.switch_at_ms)))
				return rc;
			break;
		case O_WINDOW:
			if ((rc = duration("--window", optarg, &job.spec.window_ms)))
				return rc;
			break;
		case O_TIMEOUT:
			if ((rc = duration("--timeout", optarg, &job.spec.timeout_ms)))
				return rc;
			break;
		case O_INTERVAL:
			if ((rc = duration("--interval", optarg, &job.spec.interval_ms)))
				return rc;
			break;
		case O_TRIGGER: trigger[2] = optarg; job.spec.trigger = trigger; break;
		case O_TRIG_EVERY:
			if ((rc = duration("--trigger-every", optarg, &job.spec.trigger_ms)))
				return rc;
			break;
		case O_FRESH: fresh[2] = optarg; job.spec.fresh = fresh; break;
		case O_FRESH_FOR:
			if ((rc = duration("--fresh-for", optarg, &job.spec.fresh_ms)))
				return rc;
			break;
		case O_ONLY:
			if (dns_type_parse(optarg, &job.spec.only_qtype) != 0)
				return bad("--only", optarg, "a query type: A, AAAA, MX, NS, "
				           "PTR, TXT, CNAME, SOA, SRV");
			snprintf(job.only, sizeof job.only, "%s", optarg);
			break;
		case O_EXPECT:
			job.expected = verdict_parse(optarg);
			if (job.expected == V_NONE)
				return bad("--expect", optarg, "FOLLOWED, LATE, STALE, MIXED, "
				           "SILENT or INCONCLUSIVE");
			break;
		case O_NAME:
			if (!*optarg || strlen(optarg) > 100 || strchr(optarg, '/'))
				return bad("--name", optarg, "a short name without '/'");
			job.name = optarg;
			break;
		case O_SECRETS: job.spec.keep_secrets = true; break;
		case O_RESULTS: o.results = optarg; break;
		case O_CACHE: o.libc.cache = optarg; break;
		case 'q': o.quiet = true; break;
		case 'h': fputs(exec_usage, stdout); fputs(exec_help, stdout); return EXIT_OK;
		default: fputs(exec_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "whichns: exec needs a command after its options "
		        "(whichns exec [options] -- command [args])\n");
		fputs(exec_usage, stderr);
		return EXIT_USAGE;
	}
	job.argv = argv + optind;
	if (strcmp(job.libc, "host") == 0 && strchr(job.argv[0], '/') &&
	    access(job.argv[0], X_OK) != 0) {
		fprintf(stderr, "whichns: exec: cannot run %s: %s\n", job.argv[0],
		        strerror(errno));
		return EXIT_USAGE;
	}
	if (job.spec.nscd && strcmp(job.libc, "musl") == 0) {
		fprintf(stderr, "whichns: exec: --nscd needs a glibc; musl has no nscd\n");
		return EXIT_USAGE;
	}
	/* report.md says how to run it again: this very command. */
	static char rerun[4096];
	char **full = calloc((size_t)argc + 2, sizeof *full);
	if (!full) {
		fprintf(stderr, "whichns: out of memory\n");
		return EXIT_ENV;
	}
	full[0] = "whichns";
	for (int i = 0; i < argc; i++)
		full[i + 1] = argv[i];
	evidence_shell_quote(rerun, sizeof rerun, full);
	free(full);
	job.spec.rerun = rerun;
	if ((rc = prepare(&o, &job)) != 0)
		return rc;
	return runner_exec(&o, &job);
}
