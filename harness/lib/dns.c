/*
 * dns.c - decode one DNS message (RFC 1035) into a struct dns_msg.
 *
 * Owns: the header, the first question, the answer records (kept up to
 * DNS_ANSWERS_MAX) and a bounds-checked walk over every other record, so a
 * message is only DNS_OK when all of it is well formed.
 * Never: reads a byte it has not bounds-checked, follows a compression
 * pointer that does not point strictly backwards, writes past an output
 * buffer, allocates, or makes a system call.
 *
 * Reading goes through a cursor in the manner of OpenBSD's asr unpacker:
 * the first error sticks and later reads do nothing, so a record is read
 * field by field and checked once.  Bounds tests are written
 * "len - off < n" so they cannot overflow.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "dns.h"

#define NAME_WIRE_MAX 255 /* RFC 1035 3.1, length bytes and root included */
#define NAME_HOPS_MAX 64  /* backwards pointers already end; this bounds work */

struct cursor {
	const uint8_t   *buf;
	size_t           len, off; /* invariant: off <= len */
	enum dns_status  err;      /* first error; sticks */
	const char      *why;
};

static void fail(struct cursor *c, enum dns_status st, const char *why)
{
	if (c->err != DNS_OK)
		return;
	c->err = st;
	c->why = why;
}

static bool have(struct cursor *c, size_t n, const char *why)
{
	if (c->err != DNS_OK)
		return false;
	if (c->len - c->off < n) {
		fail(c, DNS_TRUNCATED, why);
		return false;
	}
	return true;
}

static uint16_t get16(struct cursor *c, const char *why)
{
	if (!have(c, 2, why))
		return 0;
	const uint8_t *p = c->buf + c->off;
	c->off += 2;
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(struct cursor *c, const char *why)
{
	uint32_t hi = get16(c, why);
	return hi << 16 | get16(c, why);
}

static void skip(struct cursor *c, size_t n, const char *why)
{
	if (have(c, n, why))
		c->off += n;
}

/*
 * Names.  name_expand() is the pure walk; name_read() ties it to a cursor.
 * Each place a name appears has its own table of reasons so that *why says
 * where the bad name was.
 */
enum name_err {
	NAME_OK, NAME_PAST_END, NAME_NOT_BACKWARDS, NAME_TOO_LONG,
	NAME_TOO_MANY_HOPS, NAME_LABEL_TYPE, NAME_NERR
};

#define NAME_WHY(where) { \
	[NAME_PAST_END]      = "dns: " where ": label past end", \
	[NAME_NOT_BACKWARDS] = "dns: " where ": compression pointer not backwards", \
	[NAME_TOO_LONG]      = "dns: " where ": longer than 255 bytes", \
	[NAME_TOO_MANY_HOPS] = "dns: " where ": too many compression pointers", \
	[NAME_LABEL_TYPE]    = "dns: " where ": unknown label type", \
}

/* Presentation form under construction; once a piece does not fit, nothing
 * more is written, so a name too wide to present is cut at a whole
 * character or escape, never mid-escape and never past the buffer. */
struct pres {
	char   *out;  /* DNS_NAME_MAX bytes, always NUL-terminated */
	size_t  n;
	bool    full;
};

static void pres_put(struct pres *p, const char *s, size_t k)
{
	if (p->full || DNS_NAME_MAX - 1 - p->n < k) {
		p->full = true;
		return;
	}
	memcpy(p->out + p->n, s, k);
	p->n += k;
	p->out[p->n] = '\0';
}

/* One byte of a label as text: \. and \\ for the two that would be
 * misread, \DDD for anything not printable (space included). */
static size_t pres_char(uint8_t ch, char out[static 4])
{
	if (ch == '.' || ch == '\\') {
		out[0] = '\\';
		out[1] = (char)ch;
		return 2;
	}
	if (ch > 0x20 && ch < 0x7f) {
		out[0] = (char)ch;
		return 1;
	}
	out[0] = '\\';
	out[1] = (char)('0' + ch / 100);
	out[2] = (char)('0' + ch / 10 % 10);
	out[3] = (char)('0' + ch % 10);
	return 4;
}

/* A byte pres_char() writes as itself. */
static bool pres_plain(uint8_t ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '.' && ch != '\\';
}

/* The separating dot goes out with the label's first character, so a cut
 * name never ends in a dot that was not there.  A label of plain bytes
 * that fits whole (nearly every one) is copied at once; the bytes come
 * out as the loop below would write them. */
static void pres_label(struct pres *p, const uint8_t *label, size_t len)
{
	size_t dot = p->n > 0, i = 0;

	while (i < len && pres_plain(label[i]))
		i++;
	if (i == len && !p->full && DNS_NAME_MAX - 1 - p->n >= dot + len) {
		if (dot)
			p->out[p->n++] = '.';
		memcpy(p->out + p->n, label, len);
		p->n += len;
		p->out[p->n] = '\0';
		return;
	}
	for (i = 0; i < len; i++) {
		char piece[5];
		size_t k = 0;
		if (i == 0 && p->n > 0)
			piece[k++] = '.';
		k += pres_char(label[i], piece + k);
		pres_put(p, piece, k);
	}
}

/*
 * Expand the name at off.  *next gets the offset just past the name as it
 * sits in the message (after its first pointer, if any).  A pointer must
 * land before the start of the run of labels it ends, as in OpenBSD's
 * dname_expand(): that rules out loops and forward references alike.
 */
static enum name_err name_expand(const uint8_t *buf, size_t len, size_t off,
                                 size_t *next, char out[static DNS_NAME_MAX])
{
	struct pres p = { out, 0, false };
	size_t start = off, wire = 1; /* wire: the root's zero byte */
	unsigned hops = 0;
	bool jumped = false;

	out[0] = '\0';
	for (;;) {
		if (off >= len)
			return NAME_PAST_END;
		size_t n = buf[off];
		if ((n & 0xc0) == 0xc0) {
			if (len - off < 2)
				return NAME_PAST_END;
			size_t ptr = (n & 0x3f) << 8 | buf[off + 1];
			if (ptr >= start)
				return NAME_NOT_BACKWARDS;
			if (++hops > NAME_HOPS_MAX)
				return NAME_TOO_MANY_HOPS;
			if (!jumped)
				*next = off + 2;
			jumped = true;
			off = start = ptr;
			continue;
		}
		if (n & 0xc0)
			return NAME_LABEL_TYPE; /* 0x40, 0x80: RFC 6891 retired them */
		if (n == 0)
			break;
		if (len - off - 1 < n)
			return NAME_PAST_END;
		wire += 1 + n;
		if (wire > NAME_WIRE_MAX)
			return NAME_TOO_LONG;
		pres_label(&p, buf + off + 1, n);
		off += 1 + n;
	}
	if (!jumped)
		*next = off + 1;
	if (p.n == 0)
		pres_put(&p, ".", 1);
	return NAME_OK;
}

static void name_read(struct cursor *c, char out[static DNS_NAME_MAX],
                      const char *const why[static NAME_NERR])
{
	out[0] = '\0';
	if (c->err != DNS_OK)
		return;
	size_t next = c->off;
	enum name_err e = name_expand(c->buf, c->len, c->off, &next, out);
	if (e != NAME_OK) {
		fail(c, e == NAME_PAST_END ? DNS_TRUNCATED : DNS_INVALID, why[e]);
		return;
	}
	c->off = next;
}

/* The id and flags are kept even when the rest of the header is cut
 * off, so a message cut short by the capture still says whether it is a
 * query; the cursor then fails at the counts. */
static void header_read(struct cursor *c, struct dns_msg *m)
{
	static const char why[] = "dns: header";

	if (!have(c, DNS_ID_FLAGS_LEN, why))
		return;
	m->id = get16(c, why);
	uint16_t f = get16(c, why);
	m->qr     = f >> 15 & 1;
	m->opcode = f >> 11 & 0xf;
	m->aa     = f >> 10 & 1;
	m->tc     = f >> 9 & 1;
	m->rd     = f >> 8 & 1;
	m->ra     = f >> 7 & 1;
	m->rcode  = f & 0xf;
	if (!have(c, 12 - DNS_ID_FLAGS_LEN, why))
		return;
	m->qdcount = get16(c, why);
	m->ancount = get16(c, why);
	m->nscount = get16(c, why);
	m->arcount = get16(c, why);
}

/* Only the first question is kept; the others are walked for bounds. */
static void questions_read(struct cursor *c, struct dns_msg *m)
{
	static const char *const name_why[NAME_NERR] = NAME_WHY("question name");
	static const char why[] = "dns: question: type or class past end";
	char scratch[DNS_NAME_MAX];

	for (size_t i = 0; i < m->qdcount && c->err == DNS_OK; i++) {
		bool keep = i == 0;
		name_read(c, keep ? m->qname : scratch, name_why);
		uint16_t type = get16(c, why), rclass = get16(c, why);
		if (keep && c->err == DNS_OK) {
			m->qtype = type;
			m->qclass = rclass;
			m->has_question = true;
		}
	}
}

/* "198.51.100.10", as inet_ntop() writes it, without the sprintf() that
 * glibc's inet_ntop() spends most of its time in (decode formats an
 * address for every answer of millions of messages). */
static void ipv4_text(const uint8_t a[static 4], char out[static 16])
{
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			out[n++] = '.';
		if (v >= 100)
			out[n++] = (char)('0' + v / 100);
		if (v >= 10)
			out[n++] = (char)('0' + v / 10 % 10);
		out[n++] = (char)('0' + v % 10);
	}
	out[n] = '\0';
}

/*
 * Record data of a kept answer.  rd is a cursor that ends where the rdata
 * ends, so a name may point back into the message but cannot run past its
 * rdlength; any shortfall inside it is INVALID, not TRUNCATED, because the
 * bytes are present and it is the rdlength that lies.
 */
static void rdata_addr(struct cursor *rd, struct dns_rr *rr, int af,
                       size_t size, const char *why)
{
	uint8_t a[16];

	if (rd->len - rd->off != size) {
		fail(rd, DNS_INVALID, why);
		return;
	}
	memcpy(a, rd->buf + rd->off, size);
	rd->off += size;
	if (af == AF_INET)
		ipv4_text(a, rr->data);
	else if (!inet_ntop(af, a, rr->data, sizeof rr->data))
		rr->data[0] = '\0';
}

static void rdata_decode(struct cursor *c, struct dns_rr *rr, size_t rdlength)
{
	static const char *const name_why[NAME_NERR] = {
		[NAME_PAST_END]      = "dns: answer rdata name: runs past rdlength",
		[NAME_NOT_BACKWARDS] = "dns: answer rdata name: compression pointer not backwards",
		[NAME_TOO_LONG]      = "dns: answer rdata name: longer than 255 bytes",
		[NAME_TOO_MANY_HOPS] = "dns: answer rdata name: too many compression pointers",
		[NAME_LABEL_TYPE]    = "dns: answer rdata name: unknown label type",
	};
	struct cursor rd = { c->buf, c->off + rdlength, c->off, DNS_OK, NULL };
	char name[DNS_NAME_MAX];
	uint16_t pref;

	rr->data[0] = '\0';
	switch (rr->type) {
	case DNS_T_A:
		rdata_addr(&rd, rr, AF_INET, 4, "dns: answer A: rdata length not 4");
		break;
	case DNS_T_AAAA:
		rdata_addr(&rd, rr, AF_INET6, 16, "dns: answer AAAA: rdata length not 16");
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		name_read(&rd, rr->data, name_why);
		break;
	case DNS_T_MX:
		pref = get16(&rd, "dns: answer MX: rdata too short");
		name_read(&rd, name, name_why);
		if (rd.err == DNS_OK)
			snprintf(rr->data, sizeof rr->data, "%u %s", pref, name);
		break;
	default:
		rd.off = rd.len;
		break;
	}
	if (rd.err == DNS_OK && rd.off != rd.len)
		fail(&rd, DNS_INVALID, "dns: answer rdata: shorter than rdlength");
	if (rd.err != DNS_OK) {
		rr->data[0] = '\0';
		fail(c, DNS_INVALID, rd.why);
		return;
	}
	c->off = rd.off;
}

/* Where a record sits decides the reasons given and whether its rdata is
 * decoded or only stepped over. */
struct section {
	const char *const *name_why;
	const char        *head_why;
	const char        *rdata_why;
	bool               decode;
};

static const struct section answer_sec = {
	(const char *const[NAME_NERR])NAME_WHY("answer name"),
	"dns: answer: record header past end",
	"dns: answer: rdata past end", true,
};
static const struct section authority_sec = {
	(const char *const[NAME_NERR])NAME_WHY("authority name"),
	"dns: authority: record header past end",
	"dns: authority: rdata past end", false,
};
static const struct section additional_sec = {
	(const char *const[NAME_NERR])NAME_WHY("additional name"),
	"dns: additional: record header past end",
	"dns: additional: rdata past end", false,
};

/* The question's name starts right after the 12-byte header. */
#define QNAME_AT 12

/* A record's name: nearly every answer's is a pointer to the question's
 * (c0 0c), whose expansion, made once already, is the question's name
 * (qname: NULL when the message has no question read). */
static void rr_name(struct cursor *c, const struct section *s,
                    struct dns_rr *rr, const char *qname)
{
	if (qname && c->err == DNS_OK && c->len - c->off >= 2 &&
	    c->buf[c->off] == (0xc0 | QNAME_AT >> 8) &&
	    c->buf[c->off + 1] == (QNAME_AT & 0xff)) {
		size_t k = strnlen(qname, DNS_NAME_MAX - 1);
		memcpy(rr->name, qname, k);
		rr->name[k] = '\0';
		c->off += 2;
		return;
	}
	name_read(c, rr->name, s->name_why);
}

static void rr_read(struct cursor *c, const struct section *s,
                    struct dns_rr *rr, const char *qname)
{
	rr_name(c, s, rr, qname);
	rr->type   = get16(c, s->head_why);
	rr->rclass = get16(c, s->head_why);
	rr->ttl    = get32(c, s->head_why);
	size_t rdlength = get16(c, s->head_why);
	if (!have(c, rdlength, s->rdata_why))
		return;
	if (s->decode)
		rdata_decode(c, rr, rdlength);
	else
		skip(c, rdlength, s->rdata_why);
}

/* Every answer is decoded the same way, kept or not, so whether a message
 * is valid does not depend on DNS_ANSWERS_MAX. */
static void answers_read(struct cursor *c, struct dns_msg *m)
{
	struct dns_rr scratch;

	for (size_t i = 0; i < m->ancount && c->err == DNS_OK; i++) {
		bool keep = m->nanswers < DNS_ANSWERS_MAX;
		struct dns_rr *rr = keep ? &m->answers[m->nanswers] : &scratch;
		memset(rr, 0, sizeof *rr);
		rr_read(c, &answer_sec, rr, m->has_question ? m->qname : NULL);
		if (keep && c->err == DNS_OK)
			m->nanswers++;
	}
}

static void records_skip(struct cursor *c, size_t count, const struct section *s,
                         const char *qname)
{
	struct dns_rr scratch;

	for (size_t i = 0; i < count && c->err == DNS_OK; i++)
		rr_read(c, s, &scratch, qname);
}

enum dns_status dns_parse(const uint8_t *buf, size_t len, struct dns_msg *msg,
                          const char **why)
{
	struct cursor c = { buf, len, 0, DNS_OK, NULL };

	/* Clear all but the answers, each cleared as it is read: the array is
	 * most of the struct, and decode meets millions of messages. */
	memset(msg, 0, offsetof(struct dns_msg, answers));
	header_read(&c, msg);
	questions_read(&c, msg);
	answers_read(&c, msg);
	const char *qname = msg->has_question ? msg->qname : NULL;
	records_skip(&c, msg->nscount, &authority_sec, qname);
	records_skip(&c, msg->arcount, &additional_sec, qname);
	/* Bytes after the last record are ignored, as resolvers do. */
	if (why)
		*why = c.why;
	return c.err;
}

const char *dns_type_name(uint16_t type, char *buf, size_t size)
{
	switch (type) {
	case DNS_T_A:     return "A";
	case DNS_T_NS:    return "NS";
	case DNS_T_CNAME: return "CNAME";
	case DNS_T_SOA:   return "SOA";
	case DNS_T_PTR:   return "PTR";
	case DNS_T_MX:    return "MX";
	case DNS_T_TXT:   return "TXT";
	case DNS_T_AAAA:  return "AAAA";
	case 33:          return "SRV";
	case DNS_T_OPT:   return "OPT";
	case 255:         return "ANY";
	}
	if (!buf || size == 0)
		return "TYPE?";
	snprintf(buf, size, "TYPE%u", type);
	return buf;
}

int dns_type_parse(const char *name, uint16_t *type)
{
	char buf[16];
	/* Every type dns_type_name() names, by asking it. */
	for (unsigned t = 1; t < 256; t++) {
		const char *known = dns_type_name((uint16_t)t, buf, sizeof buf);
		if (strncmp(known, "TYPE", 4) != 0 && strcasecmp(name, known) == 0) {
			*type = (uint16_t)t;
			return 0;
		}
	}
	return -1;
}

const char *dns_rcode_name(uint8_t rcode)
{
	static const char *const names[16] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15",
	};
	return rcode < 16 ? names[rcode] : "RCODE?";
}

const char *dns_status_name(enum dns_status st)
{
	switch (st) {
	case DNS_OK:        return "ok";
	case DNS_TRUNCATED: return "truncated";
	case DNS_INVALID:   return "invalid";
	}
	return "unknown";
}
