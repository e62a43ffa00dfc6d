/*
 * scenfiles.c - a run's scenario files in its folder; see scenfiles.h.
 *
 * A copy is named after the file (its last component); a second file of
 * the same name becomes 2-NAME, and so on, so that none hides another.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "scenario.h"
#include "scenfiles.h"

static bool taken(char names[][256], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* A name for the copy of path, none of names[0..n). */
static void copy_name(const char *path, char names[][256], size_t n,
                      char out[static 256])
{
	const char *base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	if (strcmp(base, "index.txt") == 0 || base[0] == '.')
		base = "scenario.scn";
	snprintf(out, 256, "%s", base);
	for (unsigned k = 2; taken(names, n, out); k++)
		snprintf(out, 256, "%u-%s", k, base);
}

/* One line of the index: a path with a tab or a newline cannot be told
 * apart, so it is left out (its copy is still there). */
static int write_index(FILE *idx, const char *copy, const char *given)
{
	if (strpbrk(given, "\t\n"))
		return 0;
	return fprintf(idx, "%s\t%s\n", copy, given) < 0 ? -1 : 0;
}

int scenfiles_keep(const char *rundir, char *const *files, size_t n,
                   struct wfault *f)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 300];
	char (*names)[256] = calloc(n ? n : 1, sizeof *names);
	FILE *idx = NULL;
	int rc = -1;

	snprintf(dir, sizeof dir, "%s/%s", rundir, SCENFILES_DIR);
	if (!names) {
		runfolder_fault_set(f, "create", dir, ENOMEM);
		return -1;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		runfolder_fault_set(f, "create", dir, errno);
		goto out;
	}
	snprintf(path, sizeof path, "%s/%s", rundir, SCENFILES_INDEX);
	if (!(idx = fopen(path, "we"))) {
		runfolder_fault_set(f, "write", path, errno);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text = cli_read_file(files[i], SCN_FILE_MAX, &len);
		if (!text) {
			fprintf(stderr, "whichns: cannot read %s again to keep it in "
			        "the run folder: %s\n", files[i], strerror(errno));
			goto out;
		}
		copy_name(files[i], names, i, names[i]);
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *c = fopen(path, "we");
		bool bad = !c || fwrite(text, 1, len, c) != len;
		int e = errno;
		if (c && fclose(c) != 0 && !bad) {
			bad = true;
			e = errno;
		}
		free(text);
		if (bad || write_index(idx, names[i], files[i]) != 0) {
			runfolder_fault_set(f, "write", path, bad ? e : errno);
			goto out;
		}
	}
	rc = 0;
out:
	if (idx && fclose(idx) != 0 && rc == 0) {
		snprintf(path, sizeof path, "%s/%s", rundir, SCENFILES_INDEX);
		runfolder_fault_set(f, "write", path, errno);
		rc = -1;
	}
	free(names);
	return rc;
}
