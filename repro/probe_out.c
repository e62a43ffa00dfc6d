/*
 * probe_out.c - the lines a probe prints; see probe_out.h.
 *
 * Plain libc only (glibc 2.31 and later, musl): probes are compiled inside
 * old root filesystems, so nothing here may need a newer API than those.
 * Single-threaded by contract: status words live in static buffers.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe_out.h"

/* --- output ------------------------------------------------------------ */

static const char *api, *qname;  /* columns of every lookup line */
/* When the latest lookup began, on a clock no one sets (its duration). */
static struct timespec began_mono;

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

void probe_out_begin(const char *prog, const char *api_name, const char *name,
                     const char *libc)
{
	setvbuf(stdout, NULL, _IOLBF, 0);  /* the harness reads line by line */
	api = api_name;
	qname = name;
	emit("#libc\t%s\n", libc);
	emit("#probe\t%s\t%s\t%ld\n", prog, api, (long)getpid());
}

static struct timespec realtime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

struct timespec probe_now(void)
{
	clock_gettime(CLOCK_MONOTONIC, &began_mono);
	return realtime();
}

/* Milliseconds since the latest probe_now(), on the monotonic clock: a
 * step of the real-time clock during a lookup does not enter it. */
static double lookup_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - began_mono.tv_sec) * 1e3 +
	            (double)(now.tv_nsec - began_mono.tv_nsec) / 1e6;
	return ms > 0 ? ms : 0;
}

void probe_event(const char *event)
{
	struct timespec now = realtime();
	emit("#%s\t%lld.%06ld\n", event, (long long)now.tv_sec, now.tv_nsec / 1000);
}

void probe_fact(const char *name, long value)
{
	emit("#%s\t%ld\n", name, value);
}

void probe_unsupported(const char *reason)
{
	emit("#unsupported\t%s\n", reason);
	exit(PROBE_EXIT_UNSUPPORTED);
}

static void lookup_line(const struct timespec *t, double ms,
                        const char *qtype, const char *status,
                        const struct probe_answers *a)
{
	int none = !a || (a->len == 0 && !a->full);
	emit("%lld.%06ld\t%s\t%s\t%s\t%s\t%s%s\tms=%.3f\n",
	     (long long)t->tv_sec, t->tv_nsec / 1000, api, qname, qtype,
	     status, none ? "-" : a->buf, a && a->full ? ",..." : "", ms);
}

void probe_lookup(const struct timespec *t, const char *qtype,
                  const char *status, const struct probe_answers *a)
{
	lookup_line(t, lookup_ms(), qtype, status, a);
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
	double ms = lookup_ms();   /* the call's end, before the parsing */

	probe_answers_init(&ans);
	if (n < 0)
		status = probe_herrno_status(herr);
	else  /* glibc returns the full length of a reply it had to cut */
		status = parse_reply(answer, (size_t)n < size ? n : (int)size,
		                     type, &ans);
	lookup_line(t, ms, type_name(type), status, &ans);
}
