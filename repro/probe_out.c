/*
 * probe_out.c - the parts every probe shares; see probe_out.h.
 *
 * Plain libc only (glibc 2.31 and later, musl): probes are compiled inside
 * old root filesystems, so nothing here may need a newer API than those.
 * Single-threaded by contract: status words live in static buffers.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#else
#include <sys/auxv.h>
#endif

#include "probe_out.h"

#define INTERVAL_MAX_MS 86400000L  /* one day */
#define DURATION_MAX_MS 2147483647L
#define COUNT_MAX       1000000000L

static const struct probe_info *probe;
static const char *qname;
static struct timespec started;  /* CLOCK_MONOTONIC, for -d */

/* --- output ------------------------------------------------------------ */

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintf(fmt, ap);
	va_end(ap);
	if (r < 0 || ferror(stdout))
		exit(1);  /* the reader is gone; nobody to tell */
}

struct timespec probe_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

void probe_event(const char *event)
{
	struct timespec now = probe_now();
	emit("#%s\t%lld.%06ld\n", event, (long long)now.tv_sec, now.tv_nsec / 1000);
}

void probe_unsupported(const char *reason)
{
	emit("#unsupported\t%s\n", reason);
	exit(PROBE_EXIT_UNSUPPORTED);
}

void probe_lookup(const struct timespec *t, const char *qtype,
                  const char *status, const struct probe_answers *a)
{
	int none = !a || (a->len == 0 && !a->full);
	emit("%lld.%06ld\t%s\t%s\t%s\t%s\t%s%s\n",
	     (long long)t->tv_sec, t->tv_nsec / 1000, probe->api, qname, qtype,
	     status, none ? "-" : a->buf, a && a->full ? ",..." : "");
}

void probe_answers_init(struct probe_answers *a)
{
	a->len = 0;
	a->full = 0;
	a->buf[0] = '\0';
}

/* Bytes that would split a field, a line or the list: \DDD, as in zone
 * files.  Backslashes pass: glibc's dn_expand has already escaped. */
static int needs_escape(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == ',';
}

void probe_answers_add(struct probe_answers *a, const char *text)
{
	size_t need = a->len ? 1 : 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		need += needs_escape(*p) ? 4 : 1;
	/* keep room for the NUL and the ",..." that marks a cut list */
	if (a->full || sizeof a->buf - a->len < need + 1 + 4) {
		a->full = 1;
		return;
	}
	char *w = a->buf + a->len;
	if (a->len)
		*w++ = ',';
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (needs_escape(*p)) {
			snprintf(w, 5, "\\%03u", *p);
			w += 4;
		} else {
			*w++ = (char)*p;
		}
	}
	*w = '\0';
	a->len = (size_t)(w - a->buf);
}

/* --- status words ------------------------------------------------------ */

const char *probe_errno_status(int err)
{
	static const struct { int num; const char *name; } names[] = {
		{ ECONNREFUSED, "ECONNREFUSED" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ENETUNREACH, "ENETUNREACH" }, { EHOSTUNREACH, "EHOSTUNREACH" },
		{ EAGAIN, "EAGAIN" }, { EINTR, "EINTR" }, { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { EINVAL, "EINVAL" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENOMEM, "ENOMEM" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ EMFILE, "EMFILE" }, { EBADF, "EBADF" }, { ENOSYS, "ENOSYS" },
	};
	static char buf[32];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].num == err) {
			snprintf(buf, sizeof buf, "errno:%s", names[i].name);
			return buf;
		}
	snprintf(buf, sizeof buf, "errno:%d", err);
	return buf;
}

const char *probe_gai_status(int rc)
{
	static char buf[32];
	switch (rc) {
	case 0: return "ok";
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
	case EAI_SERVICE: return "EAI_SERVICE";
	case EAI_MEMORY: return "EAI_MEMORY";
	case EAI_BADFLAGS: return "EAI_BADFLAGS";
	case EAI_OVERFLOW: return "EAI_OVERFLOW";
	case EAI_SYSTEM: return probe_errno_status(errno);
#ifdef EAI_NODATA
	case EAI_NODATA: return "EAI_NODATA";
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY: return "EAI_ADDRFAMILY";
#endif
	default:
		snprintf(buf, sizeof buf, "EAI_%d", rc);
		return buf;
	}
}

const char *probe_herrno_status(int herr)
{
	static char buf[32];
	switch (herr) {
	case HOST_NOT_FOUND: return "NXDOMAIN";
	case TRY_AGAIN: return "TRY_AGAIN";
	case NO_RECOVERY: return "NO_RECOVERY";
	case NO_DATA: return "NO_DATA";
#ifdef NETDB_INTERNAL
	case NETDB_INTERNAL: return probe_errno_status(errno);
#endif
	default:
		snprintf(buf, sizeof buf, "h_errno:%d", herr);
		return buf;
	}
}

static const char *rcode_status(int rcode)
{
	static const char *const names[] = {
		"ok", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	};
	static char buf[32];
	if (rcode >= 0 && (size_t)rcode < sizeof names / sizeof names[0])
		return names[rcode];
	snprintf(buf, sizeof buf, "RCODE%d", rcode);
	return buf;
}

/* --- replies ----------------------------------------------------------- */

/* Add one record's data; -1 if its rdata is not what its type says. */
static int add_rdata(const ns_msg *h, const ns_rr *rr, int type,
                     struct probe_answers *a)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	int rdlen = ns_rr_rdlen(*rr), used;
	char name[NS_MAXDNAME], text[NS_MAXDNAME + 8];

	switch (type) {
	case ns_t_a:
		if (rdlen != 4 || !inet_ntop(AF_INET, rd, text, sizeof text))
			return -1;
		break;
	case ns_t_aaaa:
		if (rdlen != 16 || !inet_ntop(AF_INET6, rd, text, sizeof text))
			return -1;
		break;
	case ns_t_mx:
		if (rdlen < 3)
			return -1;
		used = dn_expand(ns_msg_base(*h), ns_msg_end(*h), rd + 2,
		                 name, sizeof name);
		if (used != rdlen - 2)  /* the name must fill the rdata exactly */
			return -1;
		snprintf(text, sizeof text, "%u %s", ns_get16(rd),
		         name[0] ? name : ".");
		break;
	case ns_t_ns:
		used = dn_expand(ns_msg_base(*h), ns_msg_end(*h), rd,
		                 name, sizeof name);
		if (used != rdlen)
			return -1;
		snprintf(text, sizeof text, "%s", name[0] ? name : ".");
		break;
	default:
		return 0;
	}
	probe_answers_add(a, text);
	return 0;
}

static const char *parse_reply(const unsigned char *msg, int len, int qtype,
                               struct probe_answers *a)
{
	ns_msg h;
	ns_rr rr;

	if (len < NS_HFIXEDSZ || ns_initparse(msg, len, &h) < 0)
		return "badreply";
	if ((msg[3] & 0x0f) != 0)
		return rcode_status(msg[3] & 0x0f);
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
			return "badreply";
		if ((int)ns_rr_type(rr) != qtype || ns_rr_class(rr) != ns_c_in)
			continue;  /* CNAMEs on the way to the answer */
		if (add_rdata(&h, &rr, qtype, a) < 0)
			return "badreply";
	}
	return a->len || a->full ? "ok" : "NO_DATA";
}

static const char *type_name(int type)
{
	static char buf[16];
	switch (type) {
	case ns_t_a: return "A";
	case ns_t_aaaa: return "AAAA";
	case ns_t_mx: return "MX";
	case ns_t_ns: return "NS";
	default:
		snprintf(buf, sizeof buf, "TYPE%d", type);
		return buf;
	}
}

void probe_res_result(const struct timespec *t, int type, int n, int herr,
                      const unsigned char *answer, size_t size)
{
	struct probe_answers ans;
	const char *status;

	probe_answers_init(&ans);
	if (n < 0)
		status = probe_herrno_status(herr);
	else  /* glibc returns the full length of a reply it had to cut */
		status = parse_reply(answer, (size_t)n < size ? n : (int)size,
		                     type, &ans);
	probe_lookup(t, type_name(type), status, &ans);
}

/* --- libc -------------------------------------------------------------- */

#ifndef __GLIBC__
/*
 * musl has no version API, but its dynamic loader prints "musl libc
 * (x86_64)\nVersion 1.2.3\n..." when run without arguments.  The loader
 * is the object mapped at AT_BASE (maps shows the symlink's target, so
 * matching on "ld-musl" alone would miss it).
 */
static int musl_loader_path(char *path, size_t size)
{
	unsigned long base = getauxval(AT_BASE);
	char line[PATH_MAX + 128];
	int found = -1;

	if (base == 0)
		return -1;  /* static binary: no loader to ask */
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		unsigned long start;
		int off = 0;
		if (sscanf(line, "%lx-%*x %*s %*s %*s %*s %n", &start, &off) < 1
		    || off == 0 || start != base || line[off] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line + off) < size) {
			memcpy(path, line + off, strlen(line + off) + 1);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int musl_version(char *ver, size_t size)
{
	char path[PATH_MAX], out[512];
	size_t got = 0;
	ssize_t r;
	int fd[2];

	if (musl_loader_path(path, sizeof path) < 0 || pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		char *const argv[] = { path, NULL };
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		execv(path, argv);
		_exit(127);
	}
	close(fd[1]);
	while (got < sizeof out - 1) {
		r = read(fd[0], out + got, sizeof out - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	out[got] = '\0';

	const char *v = strstr(out, "\nVersion ");
	if (strncmp(out, "musl libc", 9) != 0 || !v)
		return -1;
	v += strlen("\nVersion ");
	size_t len = strspn(v, "0123456789.-_+abcdefghijklmnopqrstuvwxyz"
	                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (len == 0 || len >= size)
		return -1;
	memcpy(ver, v, len);
	ver[len] = '\0';
	return 0;
}
#endif

static void libc_name(char *buf, size_t size)
{
#ifdef __GLIBC__
	snprintf(buf, size, "glibc %s", gnu_get_libc_version());
#else
	char ver[64];
	if (musl_version(ver, sizeof ver) == 0)
		snprintf(buf, size, "musl %s", ver);
	else
		snprintf(buf, size, "musl unknown");
#endif
}

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

	setvbuf(stdout, NULL, _IOLBF, 0);  /* the harness reads line by line */
	probe = info;
	o->interval_ms = 100;
	o->count = 0;
	o->duration_ms = 0;
	parse_args(argc, argv, o);
	qname = o->name;

	libc_name(libc, sizeof libc);
	emit("#libc\t%s\n", libc);
	emit("#probe\t%s\t%s\t%ld\n", info->prog, info->api, (long)getpid());
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
	sleep_ms(o->interval_ms);
	return 1;
}
