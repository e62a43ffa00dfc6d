/*
 * main.c - the whichns command line: the usage text, and which command
 * runs.  Each command lives in a file of its own (commands.h); each checks
 * its arguments first, then what the machine must have (preflight.c), so
 * a mistake costs one clear line and a documented exit status, never a
 * half-made run.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "exitcodes.h"
#include "version.h"

const char whichns_usage[] =
"usage: whichns run [-j jobs] [-f filter] [--shard K/N] [--strict] [-q] [--json]\n"
"                   [--check] [--libc list] [--probes dir] [--fixtures dir]\n"
"                   [--cache dir] [--results dir] [--expected dir] scenario ...\n"
"       whichns exec [options] -- command [arg ...]   (whichns exec --help)\n"
"       whichns decode [options] capture.pcap|-      (whichns decode --help)\n"
"       whichns merge [--results dir] [--expected dir] [--strict] rundir ...\n"
"       whichns bundle [-o file.tar.gz] rundir\n"
"       whichns watch [options]                      (whichns watch --help)\n"
"       whichns roots add|list|rm [options]          (whichns roots --help)\n"
"       whichns cleanup\n"
"       whichns help | --help | --version\n";

const char whichns_help[] =
"\n"
"whichns answers, with packet-level proof, which DNS server a long-running\n"
"process queries after /etc/resolv.conf changes.\n"
"\n"
"Commands:\n"
"  run        run the cases of scenario files; evidence in results/<run>/\n"
"  exec       run any command as the process under test\n"
"  decode     decode a capture taken anywhere into the same timeline\n"
"  merge      join the run folders of shards (--shard K/N) into one run\n"
"  bundle     pack a run folder into one .tar.gz to attach to a ticket\n"
"  watch      on this host, now: which running processes still query servers\n"
"             their resolv.conf no longer lists (eBPF)\n"
"  roots      import a root filesystem of your own (a folder, a tarball, a\n"
"             container image) to run cases on its C library\n"
"  cleanup    end processes a killed run left behind (whichns's own only)\n"
"\n"
"Options of run:\n"
"  -j, --jobs N        cases at a time (default: four per CPU, at most 32)\n"
"  -f, --filter TERMS  only cases matching any comma-separated term (a part\n"
"                      of the name, an axis value, or =NAME for exactly one\n"
"                      case); repeat to narrow\n"
"      --shard K/N     only slice K of N of the matrix\n"
"      --strict        a case without an expected verdict, or INCONCLUSIVE,\n"
"                      fails (exit 1; TAP not ok, JUnit failure)\n"
"  -q, --quiet         no progress lines\n"
"      --json          one JSON line per case on stdout as it ends (the\n"
"                      object of summary.json's cases, with \"run\"); no table\n"
"      --check         validate the scenario files and exit (no root needed)\n"
"      --libc LIST     C libraries to run on, comma-separated, instead of the\n"
"                      scenario's: host, musl, or a root filesystem (bullseye,\n"
"                      bookworm, trixie, sid; see scripts/mkrootfs.sh), a\n"
"                      NAME from whichns roots, or a PATH (a folder, tarball\n"
"                      or image archive: imported into the cache on first\n"
"                      use, and named by its last component in cases)\n"
"      --probes DIR    probe programs for the host libc (default: next to whichns)\n"
"      --cache DIR     root filesystems and their probes\n"
"                      (default: $WHICHNS_CACHE or /var/cache/whichns)\n"
"      --fixtures DIR  dnsmasq data, scenarios, expected verdicts\n"
"      --results DIR   where run folders go (default: ./results, made where it\n"
"                      can be, never in /); results/latest points at the last\n"
"                      run or merge, results/latest-exec at the last exec\n"
"      --expected DIR  expected verdicts (default: FIXTURES/expected)\n"
"\n"
"Exit status: 0 every verdict as expected; 1 a verdict differs from its\n"
"expectation or a case could not run (for merge: a shard is missing, was\n"
"interrupted or killed); 2 bad usage or bad input; 3 the environment cannot\n"
"run it (not root, no namespaces, a missing program or C library, a results\n"
"folder that refuses a write: one line names the path and the error, and\n"
"no summary is written); 4 no case failed but one is INCONCLUSIVE (1 with\n"
"--strict); 130 interrupted (the summary says which cases ran).  The worst\n"
"wins: 130, 3, 1, 4.\n";

static const char cleanup_help[] =
"usage: whichns cleanup\n"
"\n"
"Ends the processes a killed run left behind: only those marked in their\n"
"environment as started by a whichns run that no longer exists, so runs\n"
"still going are left alone.  Also removes named network namespaces\n"
"starting with \"whichns-\", and the temporary folders of root filesystem\n"
"imports killed before they finished ($WHICHNS_CACHE, else\n"
"/var/cache/whichns: roots/.tmp-KEY-PID, unless its process lives).\n"
"\n"
"Exit status: 0 done (each process ended is named, or \"nothing of\n"
"whichns's was left behind\"); 2 bad usage; 3 not root, or /proc\n"
"unreadable.\n";

#define usage_error(...) cli_usage_error(whichns_usage, __VA_ARGS__)

int main(int argc, char **argv)
{
	/* A closed pipe (| head, an ip that died) is an error to report, not
	 * a reason to die without tearing down. */
	signal(SIGPIPE, SIG_IGN);
	/* Blocks of 128 KiB and more get pages of their own from the kernel,
	 * always.  glibc would otherwise raise this threshold after the first
	 * such block is freed, and serve the next from the heap: a calloc
	 * there writes every byte, and each case (a fork) pays a page fault
	 * for every page it writes, where fresh pages cost only the ones it
	 * touches (doc/design.md, "What a case costs"). */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	if (argc < 2)
		return usage_error("no command given");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(whichns_usage, stdout);
		fputs(whichns_help, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("whichns %s\n", whichns_version);
		return EXIT_OK;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "bundle") == 0)
		return cmd_bundle(argc - 1, argv + 1);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	if (strcmp(cmd, "roots") == 0)
		return cmd_roots(argc - 1, argv + 1);
	if (strcmp(cmd, "cleanup") == 0) {
		if (argc == 3 && (strcmp(argv[2], "--help") == 0 ||
		                  strcmp(argv[2], "-h") == 0)) {
			fputs(cleanup_help, stdout);
			return EXIT_OK;
		}
		if (argc > 2)
			return usage_error("cleanup takes no arguments");
		if (geteuid() != 0) {
			fprintf(stderr, "whichns: cleanup must run as root\n");
			return EXIT_ENV;
		}
		return cleanup_run() < 0 ? EXIT_ENV : EXIT_OK;
	}
	return usage_error("unknown command '%s'", cmd);
}
