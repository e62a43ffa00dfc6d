/*
 * cmd_bundle.c - whichns bundle: one run folder as one .tar.gz for a
 * ticket, that stands on its own.
 *
 * Owns: the bundle.  Its top folder is the run folder's name and holds a
 * copy of the run folder (case folders that "merge" linked in are copied
 * as folders), the run's scenario files (scenarios/, kept by the run;
 * scenfiles.h), BUNDLE.md (which whichns made the run and the bundle,
 * how to check it, how to run each case again from the unpacked folder
 * with an installed whichns) and SHA256SUMS, which "sha256sum -c
 * SHA256SUMS" checks, over every other file.  The copies of text files
 * name no folder of the machine that ran it (scrub.h): the run folder is
 * ".", the folder above it "..", the probes "<probes>", whichns's source
 * tree "<repo>", the home folder "~", and the rerun lines name
 * scenarios/ instead of the files as the run was given them.  In the
 * commands (report.md's rerun and process lines, result.txt's command)
 * those stand-ins are shell words instead, which a pasted line expands
 * ("${WHICHNS_PROBES:-/usr/local/libexec/whichns}"), never "<probes>",
 * which a shell reads as a redirection.
 * Never: changes the run folder (an output inside it is refused before
 * anything is written); leaves its staging folder behind (it lives
 * beside the output and is removed whatever happens).
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "evidence.h"
#include "exitcodes.h"
#include "preflight.h"
#include "runfolder.h"
#include "runrec.h"
#include "scenfiles.h"
#include "scrub.h"
#include "sha256.h"
#include "spawn.h"
#include "version.h"

static const char bundle_usage[] =
"usage: whichns bundle [-o file.tar.gz] rundir\n";

static const char bundle_help[] =
"\n"
"Pack a run folder into one .tar.gz (default: RUNDIR.tar.gz beside it)\n"
"that stands on its own: the reports, captures and case folders, the\n"
"run's scenario files, BUNDLE.md (the whichns versions, how to run each\n"
"case again from the unpacked folder) and SHA256SUMS (check with\n"
"'sha256sum -c SHA256SUMS' in the unpacked folder).  Absolute paths of\n"
"this machine are replaced in the copies: '.' the run folder, '..' the\n"
"folder above it, '<probes>', '<repo>', '<fixtures>', '<cache>', '~'\n"
"(home); BUNDLE.md lists them.  Links in the run folder are followed only\n"
"to case folders (as merge made them); others are left out, and said.\n"
"\n"
"In the commands (the rerun lines), they are shell words that a pasted line\n"
"expands instead: \"${WHICHNS_PROBES:-...}\", \"${WHICHNS_CACHE:-...}\",\n"
"\"${WHICHNS_REPO:?...}\" and so on.\n"
"\n"
"Exit status: 0 written; 2 bad usage, not a run folder, or an output in a\n"
"folder that does not exist or inside the run folder; 3 a file could not\n"
"be read or written, or tar failed; 130 interrupted.\n";

#define FILE_MAX  (4ull << 30)   /* a capture far larger is not a case's */
#define DEPTH_MAX 8              /* folders in folders (and links) */
#define RULES_MAX 24

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

struct entry { char *path; uint8_t d[SHA256_LEN]; };

struct bundle {
	char run[PATH_MAX];            /* the run folder, resolved */
	char top[PATH_MAX + 64];       /* staging/RUNID */
	struct scrub_rule rules[RULES_MAX];
	size_t nrules;
	char *rule_text[RULES_MAX];    /* what rules point into */
	char given[4096], copies[4096]; /* the rerun tails: as given, as bundled */
	struct entry *files;
	size_t nfiles, cap;
	int err;                       /* exit status once a step failed */
};

/* ---- Stand-ins for this machine's paths ---- */

/* The stand-ins of a pasted command: what whichns would use (the
 * installed folders; WHICHNS_CACHE as whichns reads it), or a clear stop
 * where nothing can be guessed. */
#define SH_PROBES   "\"${WHICHNS_PROBES:-" WHICHNS_LIBEXECDIR "}\""
#define SH_MUSL     "\"${WHICHNS_PROBES_MUSL:-" WHICHNS_LIBEXECDIR "/musl}\""
#define SH_FIXTURES "\"${WHICHNS_FIXTURES:-" WHICHNS_DATADIR "}\""
#define SH_CACHE    "\"${WHICHNS_CACHE:-/var/cache/whichns}\""
#define SH_REPO     "\"${WHICHNS_REPO:?set it to a whichns source folder}\""
#define SH_SELF     "\"${WHICHNS_DIR:?set it to the folder of a whichns program}\""
#define SH_CWD      "\"${WHICHNS_CWD:?set it to the folder whichns bundle ran in}\""
#define SH_HOME     "\"$HOME\""

/* The lines whose text after the mark is a command (scrub.h). */
static const char *const command_marks[] = {
	"to run it again: `", "process under test: `", "command\t", NULL,
};

static void add_rule(struct bundle *b, const char *path, const char *to,
                     const char *sh)
{
	char real[PATH_MAX];
	if (!path || path[0] != '/' || b->nrules + 2 > RULES_MAX)
		return;
	const char *forms[2] = { path, realpath(path, real) ? real : NULL };
	for (int k = 0; k < 2; k++) {
		if (!forms[k] || strlen(forms[k]) < 2 || b->nrules == RULES_MAX)
			continue;
		char *s = strdup(forms[k]);
		if (!s)
			continue;
		size_t n = strlen(s);
		while (n > 1 && s[n - 1] == '/')
			s[--n] = '\0';
		bool dup = false;
		for (size_t i = 0; i < b->nrules && !dup; i++)
			dup = strcmp(b->rules[i].from, s) == 0;
		if (dup || n < 2) {
			free(s);
			continue;
		}
		b->rule_text[b->nrules] = s;
		b->rules[b->nrules++] = (struct scrub_rule){ s, to, sh };
	}
}

/* The probes folder a case ran from, when its command is one of them,
 * or the cache of the root filesystem it ran in. */
static void add_case_probes(struct bundle *b, const char *casedir)
{
	struct case_result r;
	char err[PATH_MAX + 300];
	if (runfolder_read_case(casedir, &r, err, sizeof err) != 0 ||
	    !r.probe[0])
		return;
	/* A root filesystem's case: "chroot CACHE/rootfs/SUITE PROGRAM ...". */
	char *root = strstr(r.command, "/rootfs/");
	if (strncmp(r.command, "chroot /", 8) == 0 && root) {
		*root = '\0';
		add_rule(b, r.command + 7, "<cache>", SH_CACHE);
		return;
	}
	char *sp = strchr(r.command, ' ');
	if (sp)
		*sp = '\0';
	char *slash = strrchr(r.command, '/');
	if (r.command[0] == '/' && slash && strcmp(slash + 1, r.probe) == 0 &&
	    strncmp(r.command, "/run/whichns/", 13) != 0) {   /* in a sandbox */
		*slash = '\0';
		add_rule(b, r.command, "<probes>", SH_PROBES);
	}
}

/* Ordered so that a path under another is tried first: scrub takes the
 * longest match, whatever the order. */
static void make_rules(struct bundle *b)
{
	static struct preflight_paths p;
	struct run_opts o = { 0 };
	char parent[PATH_MAX], repo[PATH_MAX + 8], cwd[PATH_MAX];

	add_rule(b, b->run, ".", NULL);
	snprintf(parent, sizeof parent, "%s", b->run);
	add_rule(b, dirname(parent), "..", NULL);
	if (preflight_paths(&p, &o, NULL) == 0) {
		add_rule(b, p.probes, "<probes>", SH_PROBES);
		add_rule(b, p.musl, "<probes-musl>", SH_MUSL);
		add_rule(b, p.fixtures, "<fixtures>", SH_FIXTURES);
		add_rule(b, o.libc.cache, "<cache>", SH_CACHE);
	}
	snprintf(repo, sizeof repo, "%s/..", p.self);
	char mk[PATH_MAX + 32];
	snprintf(mk, sizeof mk, "%s/harness/cmd_bundle.c", repo);
	if (access(mk, F_OK) == 0)
		add_rule(b, repo, "<repo>", SH_REPO);
	add_rule(b, p.self, "<whichns-dir>", SH_SELF);
	const char *home = getenv("HOME");
	if (home && strcmp(home, "/") != 0)
		add_rule(b, home, "~", SH_HOME);
	if (getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") != 0)
		add_rule(b, cwd, "<cwd>", SH_CWD);
	DIR *d = opendir(b->run);
	for (struct dirent *e; d && (e = readdir(d));) {
		char casedir[PATH_MAX * 2];
		snprintf(casedir, sizeof casedir, "%s/%s", b->run, e->d_name);
		if (e->d_name[0] != '.' && cli_is_dir(casedir))
			add_case_probes(b, casedir);
	}
	if (d)
		closedir(d);
}

/* ---- Copying ---- */

/* One line "whichns: bundle: WHAT[: errno's text]"; b->err keeps the
 * first status.  Returns -1. */
__attribute__((format(printf, 4, 5)))
static int fail(struct bundle *b, int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	fputs("whichns: bundle: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	if (!b->err)
		b->err = status;
	return -1;
}

/* text with every " GIVEN`" and " GIVEN\n" made " COPIES..." (the rerun
 * lines of report.md); NULL when there is nothing to change. */
static char *point_reruns(const struct bundle *b, const char *text, size_t len,
                          size_t *outlen)
{
	size_t gl = strlen(b->given), cl = strlen(b->copies);
	if (!gl || !memmem(text, len, b->given, gl))
		return NULL;
	char *out = malloc(len + (len / gl + 1) * (cl + 1) + 1);
	size_t n = 0, i = 0;
	if (!out)
		return NULL;
	while (i < len) {
		if (text[i] == ' ' && len - i - 1 > gl &&
		    memcmp(text + i + 1, b->given, gl) == 0 &&
		    (text[i + 1 + gl] == '`' || text[i + 1 + gl] == '\n')) {
			out[n++] = ' ';
			memcpy(out + n, b->copies, cl);
			n += cl;
			i += 1 + gl;
		} else {
			out[n++] = text[i++];
		}
	}
	*outlen = n;
	return out;
}

/* The bytes to write for a file: a text's scrubbed, the rest as read.
 * Takes data: returns it, or the scrubbed copy with data freed; NULL
 * (data freed) when out of memory. */
static char *bundled_bytes(const struct bundle *b, char *data, size_t len,
                           size_t *outlen)
{
	if (memchr(data, '\0', len)) {   /* a capture: not text */
		*outlen = len;
		return data;
	}
	size_t plen;
	char *pointed = point_reruns(b, data, len, &plen);
	char *out = NULL;
	FILE *m = open_memstream(&out, outlen);
	if (!m) {
		free(pointed);
		free(data);
		return NULL;
	}
	scrub_text_commands(m, pointed ? pointed : data, pointed ? plen : len,
	                    b->rules, b->nrules, command_marks);
	if (fclose(m) != 0) {
		free(out);
		out = NULL;
	}
	free(pointed);
	free(data);
	return out;
}

static int add_entry(struct bundle *b, const char *rel, const char *bytes,
                     size_t len)
{
	if (b->nfiles == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 64;
		struct entry *ne = realloc(b->files, ncap * sizeof *ne);
		if (!ne)
			return fail(b, EXIT_ENV, 0, "out of memory at %s", rel);
		b->files = ne;
		b->cap = ncap;
	}
	struct entry *e = &b->files[b->nfiles];
	if (!(e->path = strdup(rel)))
		return fail(b, EXIT_ENV, 0, "out of memory at %s", rel);
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, bytes, len);
	sha256_final(&h, e->d);
	b->nfiles++;
	return 0;
}

/* Write bytes to top/rel and enter them in the manifest. */
static int put_file(struct bundle *b, const char *rel, const char *bytes,
                    size_t len)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", b->top, rel);
	FILE *f = fopen(path, "we");
	if (!f)
		return fail(b, EXIT_ENV, errno, "cannot write %s", path);
	bool bad = fwrite(bytes, 1, len, f) != len;
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	if (bad)
		return fail(b, EXIT_ENV, e, "cannot write %s", path);
	return add_entry(b, rel, bytes, len);
}

static int copy_file(struct bundle *b, const char *src, const char *rel)
{
	size_t len, outlen;
	char *data = cli_read_file(src, FILE_MAX, &len);
	if (!data)
		return fail(b, EXIT_ENV, errno, "cannot read %s", src);
	char *out = bundled_bytes(b, data, len, &outlen);   /* frees data */
	if (!out)
		return fail(b, EXIT_ENV, 0, "out of memory copying %s", src);
	int rc = put_file(b, rel, out, outlen);
	free(out);
	return rc;
}

/* A link the bundle follows: one in the run folder itself to a case
 * folder (merge linked them before it copied them).  Any other could lead
 * anywhere on the machine. */
static bool case_link(const char *path, int depth)
{
	char probe[PATH_MAX * 2 + 16];
	snprintf(probe, sizeof probe, "%s/result.txt", path);
	return depth == 0 && access(probe, R_OK) == 0;
}

/* src (a folder) to top/rel; links followed only to merged case folders. */
static int copy_tree(struct bundle *b, const char *src, const char *rel,
                     int depth)
{
	char dst[PATH_MAX * 2];
	snprintf(dst, sizeof dst, "%s%s%s", b->top, rel[0] ? "/" : "", rel);
	if (depth > DEPTH_MAX)
		return fail(b, EXIT_USAGE, 0, "%s: folders nested too deep (a link "
		            "loop?)", src);
	if (rel[0] && mkdir(dst, 0755) != 0)
		return fail(b, EXIT_ENV, errno, "cannot create %s", dst);
	DIR *d = opendir(src);
	if (!d)
		return fail(b, EXIT_ENV, errno, "cannot read %s", src);
	int rc = 0;
	for (struct dirent *e; rc == 0 && !stop && (e = readdir(d));) {
		char s[PATH_MAX * 2], r[PATH_MAX * 2];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(s, sizeof s, "%s/%s", src, e->d_name);
		snprintf(r, sizeof r, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		if (lstat(s, &st) == 0 && S_ISLNK(st.st_mode) && !case_link(s, depth)) {
			fprintf(stderr, "whichns: bundle: left out %s: a link, not a "
			        "case folder linked by merge\n", s);
			continue;
		}
		if (stat(s, &st) != 0)
			continue;   /* a dangling link: nothing to pack */
		if (S_ISDIR(st.st_mode))
			rc = copy_tree(b, s, r, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = copy_file(b, s, r);
	}
	closedir(d);
	return rc;
}

/* ---- The run's scenario files ---- */

/* Where the run kept its scenario files: its own scenarios/, or for a
 * merge whose case folders are links, the shard's beside them. */
static bool find_scenarios(const struct bundle *b, char *dir, size_t size)
{
	snprintf(dir, size, "%s/%s", b->run, SCENFILES_INDEX);
	if (access(dir, R_OK) == 0) {
		snprintf(dir, size, "%s/%s", b->run, SCENFILES_DIR);
		return true;
	}
	DIR *d = opendir(b->run);
	bool found = false;
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		char link[PATH_MAX * 2], real[PATH_MAX], idx[PATH_MAX + 32];
		struct stat st;
		snprintf(link, sizeof link, "%s/%s", b->run, e->d_name);
		if (e->d_name[0] == '.' || lstat(link, &st) != 0 ||
		    !S_ISLNK(st.st_mode) || !realpath(link, real))
			continue;
		snprintf(idx, sizeof idx, "%s/../%s", real, SCENFILES_INDEX);
		if (access(idx, R_OK) == 0) {
			snprintf(dir, size, "%s/../%s", real, SCENFILES_DIR);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* The rerun tails: the files as the run was given them, shell-quoted as
 * job.c wrote them into the rerun lines, and their copies. */
static void read_index(struct bundle *b, const char *dir)
{
	char path[PATH_MAX + 32];
	char *given[64], *copies[64], copybuf[64][300];
	size_t len, n = 0;
	snprintf(path, sizeof path, "%s/index.txt", dir);
	char *text = cli_read_file(path, 1 << 20, &len);
	if (!text)
		return;
	for (char *line = strtok(text, "\n"); line && n < 63; line = strtok(NULL, "\n")) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		snprintf(copybuf[n], sizeof copybuf[n], "%s/%s", SCENFILES_DIR, line);
		copies[n] = copybuf[n];
		given[n++] = tab + 1;
	}
	given[n] = copies[n] = NULL;
	if (n) {
		evidence_shell_quote(b->given, sizeof b->given, given);
		evidence_shell_quote(b->copies, sizeof b->copies, copies);
	}
	free(text);
}

/* ---- BUNDLE.md and SHA256SUMS ---- */

/* The "to run it again" line of a case's (bundled) report.md. */
static bool rerun_of(const struct bundle *b, const char *casedir, char *buf,
                     size_t size)
{
	static const char mark[] = "to run it again: `";
	char path[PATH_MAX * 2];
	size_t len;
	snprintf(path, sizeof path, "%s/%s/report.md", b->top, casedir);
	char *text = cli_read_file(path, 16 << 20, &len);
	char *at = text ? strstr(text, mark) : NULL, *end;
	bool ok = at && (end = strchr(at + sizeof mark - 1, '`')) != NULL;
	if (ok)
		snprintf(buf, size, "%.*s", (int)(end - at - (sizeof mark - 1)),
		         at + sizeof mark - 1);
	free(text);
	return ok;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static void write_reruns(const struct bundle *b, FILE *f)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nfiles; i++) {
		char casedir[PATH_MAX], line[8192];
		const char *p = b->files[i].path, *slash = strchr(p, '/');
		if (!slash || strcmp(slash, "/result.txt") != 0)
			continue;
		snprintf(casedir, sizeof casedir, "%.*s", (int)(slash - p), p);
		if (rerun_of(b, casedir, line, sizeof line))
			fprintf(f, "    %s\n", line);
		else
			fprintf(f, "    # %s: no report.md, no rerun line\n", casedir);
		n++;
	}
	if (!n)
		fputs("    # no case folder\n", f);
}

static int write_readme(struct bundle *b, const char *id, const char *made_by)
{
	char *text = NULL, when[64];
	size_t len;
	time_t now = time(NULL);
	struct tm tm;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return fail(b, EXIT_ENV, 0, "out of memory for %s", "BUNDLE.md");
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	qsort(b->files, b->nfiles, sizeof *b->files, by_path);   /* cases in order */
	fprintf(f, "# whichns bundle of run %s\n\n", id);
	fprintf(f, "- run made by: %s\n", made_by);
	fprintf(f, "- bundled by: whichns %s, %s\n\n", whichns_version, when);
	fputs("## Check it\n\nIn this folder:\n\n    sha256sum -c SHA256SUMS\n\n"
	      "SHA256SUMS covers every other file of the bundle.\n\n", f);
	fputs("## Run a case again\n\nFrom this folder, with whichns installed "
	      "(as root; each line is also in its case's report.md):\n\n", f);
	write_reruns(b, f);
	fprintf(f, "\n%s\n", b->given[0] ? "The scenario files are those the run "
	        "read, kept in scenarios/." : "The run kept no scenario files "
	        "(exec, or a run made before runs kept them): a rerun line of "
	        "run names the file as the run was given it.");
	fputs("\n## Paths\n\nThe text files name no folder of the machine that "
	      "ran the cases: `.` is this folder (the run folder), `..` the "
	      "folder above it, `<probes>` and `<probes-musl>` whichns's probe "
	      "programs, `<fixtures>` its fixtures, `<repo>` its source tree, "
	      "`<whichns-dir>` the folder of the whichns program, `<cache>` its "
	      "cache of root filesystems, `~` the home folder, `<cwd>` the "
	      "folder whichns bundle ran in.  Captures are as they were "
	      "taken.\n", f);
	fputs("\nIn the commands (the rerun lines above, report.md's \"process "
	      "under test\" and \"to run it again\", result.txt's `command`) "
	      "they are shell words instead, so that a line pasted into a "
	      "shell runs; set the variable to use another folder:\n\n"
	      "| stand-in | in a command | unset |\n|---|---|---|\n"
	      "| `<probes>` | `" SH_PROBES "` | the installed probes |\n"
	      "| `<probes-musl>` | `" SH_MUSL "` | the installed musl probes |\n"
	      "| `<fixtures>` | `" SH_FIXTURES "` | the installed fixtures |\n"
	      "| `<cache>` | `" SH_CACHE "` | whichns's own default (whichns "
	      "reads WHICHNS_CACHE too) |\n"
	      "| `<repo>` | `" SH_REPO "` | the line stops, saying so |\n"
	      "| `<whichns-dir>` | `" SH_SELF "` | the line stops, saying so |\n"
	      "| `<cwd>` | `" SH_CWD "` | the line stops, saying so |\n"
	      "| `~` | `" SH_HOME "` | |\n", f);
	if (fclose(f) != 0) {
		free(text);
		return fail(b, EXIT_ENV, 0, "out of memory for %s", "BUNDLE.md");
	}
	int rc = put_file(b, "BUNDLE.md", text, len);
	free(text);
	return rc;
}

static int write_manifest(struct bundle *b)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return fail(b, EXIT_ENV, 0, "out of memory for %s", "SHA256SUMS");
	qsort(b->files, b->nfiles, sizeof *b->files, by_path);
	for (size_t i = 0; i < b->nfiles; i++)
		sha256_manifest_line(f, b->files[i].d, b->files[i].path);
	if (fclose(f) != 0) {
		free(text);
		return fail(b, EXIT_ENV, 0, "out of memory for %s", "SHA256SUMS");
	}
	size_t keep = b->nfiles;
	int rc = put_file(b, "SHA256SUMS", text, len);
	b->nfiles = keep;   /* not in itself */
	if (rc == 0)
		free(b->files[keep].path);
	free(text);
	return rc;
}

/* ---- The command ---- */

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (flag == FTW_DP ? rmdir(path) : unlink(path))
		fprintf(stderr, "whichns: bundle: cannot remove %s: %s\n", path,
		        strerror(errno));
	return 0;
}

/* The run's version, from its run.txt. */
static void made_by(const char *run, char *buf, size_t size)
{
	char path[PATH_MAX + 16], err[200];
	struct run_record rec;
	size_t len;
	snprintf(path, sizeof path, "%s/run.txt", run);
	char *text = cli_read_file(path, 1 << 20, &len);
	if (text && runrec_parse(text, len, &rec, err, sizeof err) == 0 &&
	    rec.version[0])
		snprintf(buf, size, "whichns %s", rec.version);
	else
		snprintf(buf, size, "a whichns whose version is not recorded (%s)",
		         text ? "its run.txt has none: a run made before runs "
		         "recorded it" : "the run folder has no run.txt");
	free(text);
}

/* Everything into b->top; 0, or -1 with b->err set. */
static int fill(struct bundle *b, const char *id)
{
	char scen[PATH_MAX * 2], version[200];
	bool has_scen = find_scenarios(b, scen, sizeof scen);
	make_rules(b);
	if (has_scen)
		read_index(b, scen);
	if (copy_tree(b, b->run, "", 0) != 0)
		return -1;
	/* A merge's links lead to the shard that kept the scenarios. */
	char own[PATH_MAX + 32];
	snprintf(own, sizeof own, "%s/%s", b->run, SCENFILES_DIR);
	if (has_scen && strcmp(scen, own) != 0 &&
	    copy_tree(b, scen, SCENFILES_DIR, 1) != 0)
		return -1;
	made_by(b->run, version, sizeof version);
	if (stop || write_readme(b, id, version) != 0 || stop ||
	    write_manifest(b) != 0)
		return -1;
	return 0;
}

static int pack(struct bundle *b, char *staging, char *id, char *out)
{
	char err[1024];
	char *tar[] = { "tar", "-C", staging, "--owner=0", "--group=0", "-czf",
	                out, id, NULL };
	if (spawn_run(tar, NULL, err, sizeof err) != 0 || stop) {
		unlink(out);
		return fail(b, stop ? EXIT_INTERRUPTED : EXIT_ENV, 0, "tar failed: %s",
		            stop ? "interrupted" : err);
	}
	return 0;
}

/* The output's folder must exist, and lie outside the run folder: the
 * staging folder is made beside the output, and a bundle must never
 * change the run folder (nor pack itself).  0, or EXIT_USAGE (said). */
static int check_output(const char *run, const char *out)
{
	char dir[PATH_MAX + 16], real[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", out);
	const char *d = dirname(dir);
	bool found = realpath(d, real) != NULL;
	if (!found && errno != ENOENT && errno != ENOTDIR)
		return 0;   /* unreadable: mkdtemp below says why (exit 3) */
	if (!found || !cli_is_dir(real)) {
		fprintf(stderr, "whichns: bundle: cannot write %s: its folder %s %s "
		        "(create it, or name another with -o)\n", out, d,
		        !found && errno == ENOENT ? "does not exist" : "is not a folder");
		return EXIT_USAGE;
	}
	size_t n = strlen(run);
	if (strncmp(real, run, n) == 0 && (real[n] == '\0' || real[n] == '/')) {
		fprintf(stderr, "whichns: bundle: cannot write %s: the output is "
		        "inside the run folder it packs (%s); put it elsewhere\n",
		        out, run);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bundle b;
	char *out = NULL, outbuf[PATH_MAX + 16], name[PATH_MAX], odir[PATH_MAX + 16],
	     staging[PATH_MAX + 48], probe[PATH_MAX + 16];
	int c;

	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': fputs(bundle_usage, stdout); fputs(bundle_help, stdout);
		          return EXIT_OK;
		default:  fputs(bundle_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "whichns: bundle takes one run folder\n%s", bundle_usage);
		return EXIT_USAGE;
	}
	if (!realpath(argv[optind], b.run)) {
		fprintf(stderr, "whichns: bundle: %s: %s\n", argv[optind], strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(probe, sizeof probe, "%s/summary.json", b.run);
	if (access(probe, R_OK) != 0) {
		fprintf(stderr, "whichns: bundle: %s is not a run folder (no "
		        "summary.json)\n", b.run);
		return EXIT_USAGE;
	}
	snprintf(name, sizeof name, "%s", b.run);
	char *id = basename(name);
	if (!out) {
		snprintf(outbuf, sizeof outbuf, "%s.tar.gz", b.run);
		out = outbuf;
	}
	int rc = check_output(b.run, out);
	if (rc != 0)
		return rc;
	snprintf(odir, sizeof odir, "%s", out);
	snprintf(staging, sizeof staging, "%s/.whichns-bundle-XXXXXX", dirname(odir));
	/* From here on a signal ends the bundle through the cleanup below. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!mkdtemp(staging)) {
		fprintf(stderr, "whichns: bundle: cannot write %s: its folder refuses "
		        "the staging folder %s: %s (name another with -o)\n", out,
		        staging, strerror(errno));
		return EXIT_ENV;
	}
	snprintf(b.top, sizeof b.top, "%s/%s", staging, id);
	if (mkdir(b.top, 0755) != 0)
		fail(&b, EXIT_ENV, errno, "cannot create %s", b.top);
	else if (fill(&b, id) == 0 && !stop)
		pack(&b, staging, id, out);
	nftw(staging, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < b.nfiles; i++)
		free(b.files[i].path);
	free(b.files);
	for (size_t i = 0; i < b.nrules; i++)
		free(b.rule_text[i]);
	if (stop && !b.err) {
		fprintf(stderr, "whichns: bundle: interrupted; nothing written\n");
		b.err = EXIT_INTERRUPTED;
	}
	if (b.err)
		return b.err;
	printf("%s\n", out);
	return EXIT_OK;
}
