/* evtsv.c - events.tsv read back into events; see evtsv.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "evtsv.h"

enum { C_TIME, C_MS, C_SERVER, C_DIR, C_SRC, C_DST, C_PROTO, C_ID, C_QNAME,
       C_QTYPE, C_RCODE, C_ANSWERS, C_FRAME, NCOLS };

static const char *const col_names[NCOLS] = {
	"time", "ms_since_switch", "server", "direction", "src", "dst", "proto",
	"id", "qname", "qtype", "rcode", "answers", "frame",
};

/* The header events_tsv_header() writes; check_evtsv.c holds them equal.
 * Files written before the frame column have the shorter header, and
 * read as events of frame 0 (unknown). */
static const char header[] = "time\tms_since_switch\tserver\tdirection\tsrc"
                             "\tdst\tproto\tid\tqname\tqtype\trcode\tanswers"
                             "\tframe";
static const size_t header_old_len = sizeof header - sizeof "\tframe";

/* A column, NUL-terminated in buf; -1 when it does not fit. */
struct col {
	const char *p;
	size_t      n;
};

static int col_copy(const struct col *c, char *buf, size_t size)
{
	if (c->n >= size)
		return -1;
	memcpy(buf, c->p, c->n);
	buf[c->n] = '\0';
	return 0;
}

static bool col_is(const struct col *c, const char *s)
{
	return strlen(s) == c->n && memcmp(c->p, s, c->n) == 0;
}

/* Beyond any epoch time or millisecond offset a capture gives, and
 * small enough that printf("%.6f") writes it back within parse_number's
 * buffer. */
#define NUMBER_MAX 1e15

/* A number as printf("%.Nf") writes one: a sign, digits and a point
 * only (no exponent, no hex), of a size events_tsv() can write back. */
static int parse_number(const struct col *c, double *v)
{
	char buf[64], *end;
	if (col_copy(c, buf, sizeof buf) != 0 || c->n == 0 ||
	    !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')) ||
	    strspn(buf + 1, "0123456789.") != c->n - 1)
		return -1;
	errno = 0;
	*v = strtod(buf, &end);
	return *end || errno || !(fabs(*v) < NUMBER_MAX) ? -1 : 0;
}

/* Decimal digits only, at most max. */
static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	if (!(s[0] >= '0' && s[0] <= '9'))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end || errno || *v > max ? -1 : 0;
}

/* "198.51.100.10:53" or "[2001:db8::1]:53", as events_tsv() writes them. */
static int parse_endpoint(const struct col *c, struct pkt_addr *a, uint16_t *port)
{
	char buf[80], *addr = buf, *colon;
	unsigned long p;
	if (col_copy(c, buf, sizeof buf) != 0 || !(colon = strrchr(buf, ':')))
		return -1;
	*colon = '\0';
	if (buf[0] == '[') {
		if (colon == buf + 1 || colon[-1] != ']')
			return -1;
		colon[-1] = '\0';
		addr = buf + 1;
	}
	if (pkt_addr_parse(addr, a) != 0 || a->family != (buf[0] == '[' ? 6 : 4) ||
	    parse_uint(colon + 1, 65535, &p) != 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

/* A type by name ("MX"), or as "TYPE65" for one without a name. */
static int parse_qtype(const struct col *c, uint16_t *type)
{
	char buf[16];
	unsigned long t;
	if (col_copy(c, buf, sizeof buf) != 0)
		return -1;
	if (strncmp(buf, "TYPE", 4) == 0 && parse_uint(buf + 4, 65535, &t) == 0) {
		*type = (uint16_t)t;
		return 0;
	}
	return dns_type_parse(buf, type);
}

static int parse_rcode(const struct col *c, uint8_t *rcode)
{
	for (unsigned r = 0; r < 16; r++)
		if (col_is(c, dns_rcode_name((uint8_t)r))) {
			*rcode = (uint8_t)r;
			return 0;
		}
	return -1;
}

/* Empty (unknown), or a frame number as events_tsv() writes it: no sign,
 * no leading zero. */
static int parse_frame(const struct col *c, uint64_t *frame)
{
	char buf[24], *end;
	*frame = 0;
	if (c->n == 0)
		return 0;
	if (col_copy(c, buf, sizeof buf) != 0 || !(buf[0] >= '1' && buf[0] <= '9'))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (*end || errno)
		return -1;
	*frame = v;
	return 0;
}

/* "-" is how events_tsv() writes none. */
static int parse_text(const struct col *c, char *buf, size_t size)
{
	if (col_is(c, "-")) {
		buf[0] = '\0';
		return 0;
	}
	return c->n == 0 ? -1 : col_copy(c, buf, size);
}

/* Column i of the line into e; -1 when it is not what events_tsv() writes. */
static int parse_col(int i, const struct col *c, struct wn_event *e)
{
	double ms;
	unsigned long id;
	char buf[8];
	switch (i) {
	case C_TIME:
		return parse_number(c, &e->t);
	case C_MS:   /* made from time and the switch: checked, not kept */
		return c->n == 0 ? 0 : parse_number(c, &ms);
	case C_SERVER:
		for (int s = VD_OLD; s <= VD_KEPT; s++)
			if (col_is(c, events_server_name((enum vd_server)s))) {
				e->server = (enum vd_server)s;
				return 0;
			}
		return -1;
	case C_DIR:
		e->qr = col_is(c, "response");
		return e->qr || col_is(c, "query") ? 0 : -1;
	case C_SRC:
		return parse_endpoint(c, &e->src, &e->sport);
	case C_DST:
		return parse_endpoint(c, &e->dst, &e->dport);
	case C_PROTO:
		e->proto = col_is(c, "tcp") ? 6 : 17;
		return col_is(c, "tcp") || col_is(c, "udp") ? 0 : -1;
	case C_ID:
		if (col_copy(c, buf, sizeof buf) != 0 || parse_uint(buf, 65535, &id) != 0)
			return -1;
		e->id = (uint16_t)id;
		return 0;
	case C_QNAME:
		return parse_text(c, e->qname, sizeof e->qname);
	case C_QTYPE:
		return parse_qtype(c, &e->qtype);
	case C_RCODE:   /* a query's is "-" */
		return e->qr ? parse_rcode(c, &e->rcode) : col_is(c, "-") ? 0 : -1;
	case C_ANSWERS:
		return parse_text(c, e->answers, sizeof e->answers);
	case C_FRAME:
		return parse_frame(c, &e->frame);
	}
	return -1;
}

/* A line of the first ncols columns (NCOLS, or C_FRAME for a file
 * written before the frame column). */
static int parse_line(const char *line, size_t len, int ncols,
                      struct wn_event *e, char *err, size_t errsize)
{
	size_t off = 0;
	memset(e, 0, sizeof *e);
	for (int i = 0; i < ncols; i++) {
		const char *tab = memchr(line + off, '\t', len - off);
		struct col c = { line + off, tab ? (size_t)(tab - (line + off)) : len - off };
		if ((i < ncols - 1) != (tab != NULL)) {
			snprintf(err, errsize, "%s columns; expected %d",
			         tab ? "more" : "fewer", ncols);
			return -1;
		}
		if (memchr(c.p, '\0', c.n) || parse_col(i, &c, e) != 0) {
			snprintf(err, errsize, "bad %s '%.*s'", col_names[i],
			         c.n > 80 ? 80 : (int)c.n, c.p);
			return -1;
		}
		off += c.n + 1;
	}
	return 0;
}

int evtsv_parse_line(const char *line, size_t len, struct wn_event *e,
                     char *err, size_t errsize)
{
	return parse_line(line, len, NCOLS, e, err, errsize);
}

int evtsv_parse(const char *text, size_t len, struct wn_event **ev, size_t *n,
                char *err, size_t errsize)
{
	size_t lines = 0, off = 0, lineno = 0;
	int ncols = NCOLS;
	char why[200];

	*ev = NULL;
	*n = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > 1 && !(*ev = calloc(lines, sizeof **ev))) {
		snprintf(err, errsize, "out of memory for %zu events", lines - 1);
		return -1;
	}
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		lineno++;
		if (!nl) {
			snprintf(err, errsize, "line %zu: no newline at its end", lineno);
			goto bad;
		}
		if (lineno == 1) {
			if (l == header_old_len && memcmp(text, header, l) == 0) {
				ncols = C_FRAME;
			} else if (l != sizeof header - 1 || memcmp(text, header, l) != 0) {
				snprintf(err, errsize, "line 1: not the events.tsv header");
				goto bad;
			}
		} else if (parse_line(text + off, l, ncols, &(*ev)[(*n)++], why,
		                      sizeof why) != 0) {
			snprintf(err, errsize, "line %zu: %s", lineno, why);
			goto bad;
		}
		off += l + 1;
	}
	if (lineno == 0) {
		snprintf(err, errsize, "empty: not even the events.tsv header");
		goto bad;
	}
	return 0;
bad:
	free(*ev);
	*ev = NULL;
	*n = 0;
	return -1;
}
