/*
 * cmd_bundle.c - whichns bundle: one run folder as one .tar.gz for a
 * ticket.  Case folders linked in by "merge" are packed as folders, so
 * the archive stands on its own: unpack it and open summary.md.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "exitcodes.h"
#include "spawn.h"

static const char bundle_usage[] =
"usage: whichns bundle [-o file.tar.gz] rundir\n";

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *out = NULL;
	char run[PATH_MAX], parent[PATH_MAX], name[PATH_MAX], probe[PATH_MAX + 16],
	     outbuf[PATH_MAX + 16], err[1024];
	int c;

	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': fputs(bundle_usage, stdout); return EXIT_OK;
		default:  fputs(bundle_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "whichns: bundle takes one run folder\n%s", bundle_usage);
		return EXIT_USAGE;
	}
	if (!realpath(argv[optind], run)) {
		fprintf(stderr, "whichns: bundle: %s: %s\n", argv[optind], strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(probe, sizeof probe, "%s/summary.json", run);
	if (access(probe, R_OK) != 0) {
		fprintf(stderr, "whichns: bundle: %s is not a run folder (no "
		        "summary.json)\n", run);
		return EXIT_USAGE;
	}
	snprintf(parent, sizeof parent, "%s", run);
	snprintf(name, sizeof name, "%s", run);
	char *dir = dirname(parent), *base = basename(name);
	if (!out) {
		snprintf(outbuf, sizeof outbuf, "%s.tar.gz", run);
		out = outbuf;
	}
	/* -h: merged runs hold links to case folders; pack what they show. */
	char *tar[] = { "tar", "-C", dir, "-czhf", out, base, NULL };
	if (spawn_run(tar, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "whichns: bundle: tar failed: %s\n", err);
		unlink(out);
		return EXIT_ENV;
	}
	printf("%s\n", out);
	return EXIT_OK;
}
