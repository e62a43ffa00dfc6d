/* events.c - DNS messages as timeline events; see events.h. */
#include <stdint.h>
#include <string.h>
#include "events.h"
#include "escape.h"

const char *events_server_name(enum vd_server s)
{
	return s == VD_OLD ? "old" : s == VD_NEW ? "new" :
	       s == VD_KEPT ? "kept" : "other";
}

int events_add_server(struct serverset *s, enum vd_server which, const char *addr)
{
	if (which != VD_OLD && which != VD_NEW)
		return -1;
	return serverset_add(s, addr, which == VD_OLD, which == VD_NEW);
}

void events_default_servers(struct serverset *s)
{
	serverset_default(s);
}

/* A message the capture cut short ends in EV_CUT_MARK, always: room for
 * it is kept. */
static void join_answers(const struct dns_msg *m, struct wn_event *e)
{
	char *buf = e->answers;
	size_t size = sizeof e->answers;
	size_t n = 0, room = m->cut ? size - sizeof EV_CUT_MARK : size;
	buf[0] = '\0';
	e->nanswers = 0;
	e->cut = m->cut;
	for (size_t i = 0; i < m->nanswers && i < DNS_ANSWERS_MAX; i++) {
		const char *d = m->answers[i].data;
		size_t comma = n > 0, k = strnlen(d, sizeof m->answers[i].data);
		if (k == 0)
			continue;
		if (room - n <= comma + k)
			break;   /* keep whole answers only, and room for the NUL */
		buf[n] = ',';   /* overwritten when it is the first */
		memcpy(buf + n + comma, d, k);
		e->answer_at[e->nanswers++] = (uint16_t)(n + comma);
		n += comma + k;
		buf[n] = '\0';
	}
	if (m->cut)
		snprintf(buf + n, size - n, "%s%s", n ? "," : "", EV_CUT_MARK);
}

void events_from_msg(const struct pkt_flow *f, const struct dns_msg *m,
                     double t, const struct serverset *s, struct wn_event *e)
{
	e->t = t;
	e->src = f->src;
	e->dst = f->dst;
	e->sport = f->sport;
	e->dport = f->dport;
	e->proto = f->proto;
	e->id = m->id;
	e->qr = m->qr;
	e->tc = m->tc;
	size_t k = m->has_question ? strnlen(m->qname, sizeof e->qname - 1) : 0;
	memcpy(e->qname, m->qname, k);
	e->qname[k] = '\0';
	e->qtype = m->has_question ? m->qtype : 0;
	e->rcode = m->rcode;
	join_answers(m, e);
	e->server = serverset_role(s, m->qr ? &f->src : &f->dst);
	e->frame = 0;
}

size_t events_from_frame(const struct pkt_dns *p, double t,
                         const struct serverset *s,
                         struct wn_event out[PKT_MSGS_MAX])
{
	struct pkt_flow f = { p->src, p->dst, p->sport, p->dport, p->proto };

	for (size_t i = 0; i < p->nmsgs; i++)
		events_from_msg(&f, &p->msgs[i], t, s, &out[i]);
	return p->nmsgs;
}

/* FNV-1a over an endpoint: the address, then port and protocol (0 and 0
 * for the address alone). */
static uint32_t endpoint_hash(const struct pkt_addr *a, uint16_t port,
                              uint8_t proto)
{
	uint8_t tail[4] = { (uint8_t)(port >> 8), (uint8_t)port, proto,
	                    (uint8_t)a->family };
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < (a->family == 6 ? 16u : 4u); i++)
		h = (h ^ a->a[i]) * 16777619u;
	for (size_t i = 0; i < sizeof tail; i++)
		h = (h ^ tail[i]) * 16777619u;
	return h;
}

void events_to_query(const struct wn_event *e, struct vd_query *q)
{
	/* The client is a query's source and a response's destination. */
	const struct pkt_addr *cl = e->qr ? &e->dst : &e->src;
	uint16_t cport = e->qr ? e->dport : e->sport;

	memset(q, 0, sizeof *q);
	q->t = e->t;
	q->to = e->server;
	q->id = e->id;
	q->qtype = e->qtype;
	q->qname_hash = vd_hash_name(e->qname);
	q->client = endpoint_hash(cl, cport, e->proto);
	q->client_addr = endpoint_hash(cl, 0, 0);
	q->tcp = e->proto == 6;
	q->tc = e->qr && e->tc;
}

void events_note_message(const struct wn_event *e, struct vd_query *q,
                         size_t *nq)
{
	struct vd_query m;
	events_to_query(e, &m);
	if (e->qr)
		vd_note_response(q, *nq, &m);
	else
		q[(*nq)++] = m;
}

void events_tsv_header(FILE *f)
{
	fputs("time\tms_since_switch\tserver\tdirection\tsrc\tdst\tproto\tid"
	      "\tqname\tqtype\trcode\tanswers\tframe\n", f);
}

/*
 * events.tsv is written for every message of captures with millions of
 * them, so a line is built in memory (the caller's, for decode: straight
 * into its output block) and numbers are formatted here rather than by
 * printf's format interpreter; the text is byte for byte what "%.6f",
 * "%.3f" and "%u" would give (check_events.c compares them).  Every put
 * stops at the buffer's end, which EV_TSV_LINE_MAX bytes never reach.
 */
struct line {
	char  *buf;
	size_t size, n;
};

/* memcpy() for the short pieces a line is made of (a name, a type, an
 * address): fixed-size copies the compiler inlines, overlapping when k is
 * not their size, instead of a call per piece; never a byte outside
 * either buffer. */
static inline void copy_short(char *o, const char *s, size_t k)
{
	if (k >= 8 && k <= 16) {
		memcpy(o, s, 8);
		memcpy(o + k - 8, s + k - 8, 8);
	} else if (k >= 4 && k < 8) {
		memcpy(o, s, 4);
		memcpy(o + k - 4, s + k - 4, 4);
	} else if (k < 4) {
		for (size_t i = 0; i < k; i++)
			o[i] = s[i];
	} else {
		memcpy(o, s, k);
	}
}

static inline void put_mem(struct line *l, const char *s, size_t k)
{
	if (k > l->size - l->n)
		k = l->size - l->n;
	copy_short(l->buf + l->n, s, k);
	l->n += k;
}

static inline void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static inline void put_char(struct line *l, char c)
{
	if (l->n < l->size)
		l->buf[l->n++] = c;
}

/* Two digits a step: "00" to "99". */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static inline void put_pair(char *d, unsigned v)
{
	d[0] = digit_pairs[2 * v];
	d[1] = digit_pairs[2 * v + 1];
}

/* How many decimal digits v has: from the bit length (1233/4096 is just
 * under log10(2)), one look at the powers of ten to settle it. */
static inline size_t digits(uint64_t v)
{
	static const uint64_t p10[20] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
		1000000000, 10000000000ull, 100000000000ull, 1000000000000ull,
		10000000000000ull, 100000000000000ull, 1000000000000000ull,
		10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	uint64_t u = v | 1;   /* 0 has one digit, as 1 has */
	unsigned bits = 64 - (unsigned)__builtin_clzll(u);
	size_t t = (bits * 1233) >> 12;   /* the digits, or one more */
	return t + 1 - (u < p10[t]);
}

/* Straight into the line, from its last digit back; four digits a
 * division, each four made of two independent pairs, so the chain of
 * dependent divisions is a quarter of the digits long. */
static void put_uint(struct line *l, uint64_t v)
{
	size_t k = digits(v);
	if (l->size - l->n < k) {   /* never, with EV_TSV_LINE_MAX */
		char tmp[20];
		struct line t = { tmp, sizeof tmp, 0 };
		put_uint(&t, v);
		put_mem(l, tmp, t.n);
		return;
	}
	char *d = l->buf + l->n;
	l->n += k;
	while (v >= 10000) {
		uint64_t q = v / 10000;
		unsigned r = (unsigned)(v - q * 10000);
		k -= 4;
		put_pair(d + k, r / 100);
		put_pair(d + k + 2, r % 100);
		v = q;
	}
	if (v >= 100) {
		k -= 2;
		put_pair(d + k, (unsigned)(v % 100));
		v /= 100;
	}
	if (v >= 10)
		put_pair(d + k - 2, (unsigned)v);
	else
		d[k - 1] = (char)('0' + v);
}

/* A byte in decimal, "0" to "255". */
static inline void put_byte(struct line *l, unsigned v)
{
	if (l->size - l->n < 3) {
		put_uint(l, v);
		return;
	}
	char *o = l->buf + l->n;
	size_t n = 0;
	if (v >= 100)
		o[n++] = (char)('0' + v / 100);
	if (v >= 10)
		o[n++] = (char)('0' + v / 10 % 10);
	o[n++] = (char)('0' + v % 10);
	l->n += n;
}

/* printf("%.*f", decimals, v) for 0 <= decimals <= 6: the double is
 * mant * 2^exp exactly, so v * 10^decimals is rounded exactly (to even on
 * a tie, as printf does) with 128-bit integers.  Huge, infinite and NaN
 * values go to snprintf. */
static void put_fixed(struct line *l, double v, int decimals)
{
	static const uint64_t p10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	uint64_t bits, mant;
	int exp;

	memcpy(&bits, &v, sizeof bits);
	exp = (int)(bits >> 52 & 0x7ff);
	if (exp == 0x7ff || !(v < 1e12 && v > -1e12)) {
		char buf[400];
		int k = snprintf(buf, sizeof buf, "%.*f", decimals, v);
		put_mem(l, buf, k > 0 ? (size_t)k : 0);
		return;
	}
	if (bits >> 63)
		put_char(l, '-');   /* "-0.000" for small negatives, as printf */
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp)
		mant |= UINT64_C(1) << 52;
	exp = (exp ? exp : 1) - 1075;          /* v = mant * 2^exp */

	unsigned __int128 num = (unsigned __int128)mant * p10[decimals], q;
	if (exp >= 0) {
		q = num << exp;                    /* |v| < 1e12: exp is small */
	} else if (exp <= -127) {
		q = 0;                             /* below 2^-74: rounds to 0 */
	} else {
		unsigned sh = (unsigned)-exp;
		unsigned __int128 one = 1, rem = num & ((one << sh) - 1),
		                  half = one << (sh - 1);
		q = num >> sh;
		if (rem > half || (rem == half && (q & 1)))
			q++;
	}
	/* |v| < 1e12 and decimals <= 6: q < 10^18 fits 64 bits, and a
	 * 64-bit division is several times cheaper than a 128-bit one. */
	uint64_t q64 = (uint64_t)q;
	if (decimals == 6) {   /* the common case, by constants */
		uint64_t ip = q64 / 1000000;
		unsigned f = (unsigned)(q64 - ip * 1000000);
		char frac[7] = { '.' };
		put_uint(l, ip);
		put_pair(frac + 1, f / 10000);
		put_pair(frac + 3, f / 100 % 100);
		put_pair(frac + 5, f % 100);
		put_mem(l, frac, sizeof frac);
		return;
	}
	put_uint(l, q64 / p10[decimals]);
	if (decimals) {
		char frac[8];
		uint64_t f = q64 % p10[decimals];
		for (int i = decimals; i-- > 0; f /= 10)
			frac[i] = (char)('0' + f % 10);
		put_char(l, '.');
		put_mem(l, frac, (size_t)decimals);
	}
}

/* IPv4 by hand: glibc's inet_ntop() formats it with sprintf(), which was
 * a third of decode's time. */
static void put_endpoint(struct line *l, const struct pkt_addr *a, uint16_t port)
{
	char buf[64];
	if (a->family == 4) {
		put_byte(l, a->a[0]);
		for (int i = 1; i < 4; i++) {
			put_char(l, '.');
			put_byte(l, a->a[i]);
		}
	} else {   /* [2001:db8::1]:53, as in URLs: the colons stay unambiguous */
		put_char(l, '[');
		put_str(l, pkt_addr_str(a, buf, sizeof buf));
		put_char(l, ']');
	}
	put_char(l, ':');
	put_uint(l, port);
}

size_t events_tsv_line(char *buf, size_t size, const struct wn_event *e,
                       double t_switch)
{
	struct line l = { buf, size, 0 };
	char type[16];

	put_fixed(&l, e->t, 6);
	put_char(&l, '\t');
	if (t_switch >= 0)
		put_fixed(&l, (e->t - t_switch) * 1000.0, 3);
	put_char(&l, '\t');
	put_str(&l, events_server_name(e->server));
	put_str(&l, e->qr ? "\tresponse\t" : "\tquery\t");
	put_endpoint(&l, &e->src, e->sport);
	put_char(&l, '\t');
	put_endpoint(&l, &e->dst, e->dport);
	put_str(&l, e->proto == 6 ? "\ttcp\t" : "\tudp\t");
	put_uint(&l, e->id);
	put_char(&l, '\t');
	put_str(&l, e->qname[0] ? e->qname : "-");
	put_char(&l, '\t');
	put_str(&l, dns_type_name(e->qtype, type, sizeof type));
	put_char(&l, '\t');
	put_str(&l, e->qr ? dns_rcode_name(e->rcode) : "-");
	put_char(&l, '\t');
	put_str(&l, e->answers[0] ? e->answers : "-");
	put_char(&l, '\t');
	if (e->frame)
		put_uint(&l, e->frame);
	put_char(&l, '\n');
	return l.n;
}

void events_tsv(FILE *f, const struct wn_event *e, double t_switch)
{
	char buf[EV_TSV_LINE_MAX];
	fwrite(buf, 1, events_tsv_line(buf, sizeof buf, e, t_switch), f);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (*s)
		escape_json_string(f, s);
	else
		fputs("null", f);
}

/* The answers one by one, as the JSON array has them: their bounds come
 * from answer_at; an event read back from events.tsv has only the
 * commas.  The [cut] mark is not an answer: it makes "cut" true. */
struct answer_walk {
	const struct wn_event *e;
	size_t len, n, at, i;
	bool   cut;
};

static void answer_walk_begin(struct answer_walk *w, const struct wn_event *e)
{
	static const size_t mk = sizeof EV_CUT_MARK - 1;
	size_t len = strnlen(e->answers, sizeof e->answers);

	w->e = e;
	w->cut = e->cut || (len >= mk && memcmp(e->answers + len - mk,
	                    EV_CUT_MARK, mk) == 0 &&
	                    (len == mk || e->answers[len - mk - 1] == ','));
	if (w->cut)   /* ",[cut]", or "[cut]" alone */
		len = len > mk ? len - mk - 1 : 0;
	w->len = len;
	w->n = e->nanswers > DNS_ANSWERS_MAX ? DNS_ANSWERS_MAX : e->nanswers;
	w->at = w->i = 0;
}

/* The next answer, answers[*from, *to); false after the last. */
static bool answer_walk_next(struct answer_walk *w, size_t *from, size_t *to)
{
	const struct wn_event *e = w->e;
	size_t end;

	if (w->at >= w->len)
		return false;
	if (w->n) {
		if (w->i == w->n || e->answer_at[w->i] > w->len)
			return false;
		w->at = e->answer_at[w->i++];
		end = w->i < w->n && e->answer_at[w->i] > w->at &&
		      e->answer_at[w->i] <= w->len ? e->answer_at[w->i] - 1u : w->len;
	} else {
		const char *comma = memchr(e->answers + w->at, ',', w->len - w->at);
		end = comma ? (size_t)(comma - e->answers) : w->len;
	}
	*from = w->at;
	*to = end;
	w->at = end + 1;
	return true;
}

/* The answers as a JSON array, then "cut". */
static void json_answers(FILE *f, const struct wn_event *e)
{
	char piece[EV_ANSWERS_MAX];
	struct answer_walk w;
	size_t from, to;

	answer_walk_begin(&w, e);
	fputs(",\"answers\":[", f);
	for (size_t k = 0; answer_walk_next(&w, &from, &to); k++) {
		memcpy(piece, e->answers + from, to - from);
		piece[to - from] = '\0';
		if (k)
			fputc(',', f);
		escape_json_string(f, piece);
	}
	fprintf(f, "],\"cut\":%s", w.cut ? "true" : "false");
}

void events_json(FILE *f, const struct wn_event *e, double t_switch)
{
	char src[64], dst[64], type[16];
	fprintf(f, "{\"time\":%.6f,\"ms_since_switch\":", e->t);
	if (t_switch >= 0)
		fprintf(f, "%.3f", (e->t - t_switch) * 1000.0);
	else
		fputs("null", f);
	fprintf(f, ",\"server\":\"%s\",\"direction\":\"%s\",\"src\":",
	        events_server_name(e->server), e->qr ? "response" : "query");
	escape_json_string(f, pkt_addr_str(&e->src, src, sizeof src));
	fprintf(f, ",\"sport\":%u,\"dst\":", e->sport);
	escape_json_string(f, pkt_addr_str(&e->dst, dst, sizeof dst));
	fprintf(f, ",\"dport\":%u,\"proto\":\"%s\",\"id\":%u,\"qname\":", e->dport,
	        e->proto == 6 ? "tcp" : "udp", e->id);
	/* Names come from the wire: dns.c escapes odd bytes as \DDD, which
	 * JSON must escape again. */
	json_str_or_null(f, e->qname);
	fputs(",\"qtype\":", f);
	json_str_or_null(f, e->qname[0] || e->qtype
	                    ? dns_type_name(e->qtype, type, sizeof type) : "");
	fputs(",\"rcode\":", f);
	json_str_or_null(f, e->qr ? dns_rcode_name(e->rcode) : "");
	json_answers(f, e);
	fputs(",\"frame\":", f);
	if (e->frame)
		fprintf(f, "%llu", (unsigned long long)e->frame);
	else
		fputs("null", f);
	fputs("}\n", f);
}

/* A JSON string of k bytes that escape_json_string() writes as they are
 * (printable ASCII but '"' and '\'); false, writing nothing, for any
 * other (the caller then writes the line with events_json()). */
static bool put_json_plain(struct line *l, const char *s, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			return false;
	}
	put_char(l, '"');
	put_mem(l, s, k);
	put_char(l, '"');
	return true;
}

static bool put_json_or_null(struct line *l, const char *s)
{
	if (!*s) {
		put_mem(l, "null", 4);
		return true;
	}
	return put_json_plain(l, s, strlen(s));
}

static void put_json_addr(struct line *l, const struct pkt_addr *a)
{
	char buf[64];
	if (a->family == 4) {
		put_char(l, '"');
		put_byte(l, a->a[0]);
		for (int i = 1; i < 4; i++) {
			put_char(l, '.');
			put_byte(l, a->a[i]);
		}
		put_char(l, '"');
	} else {   /* inet_ntop's text, or "?": never escaped */
		const char *s = pkt_addr_str(a, buf, sizeof buf);
		put_char(l, '"');
		put_str(l, s);
		put_char(l, '"');
	}
}

size_t events_json_line(char *buf, size_t size, const struct wn_event *e,
                        double t_switch)
{
	struct line l = { buf, size, 0 };
	struct answer_walk w;
	char type[16];
	size_t from, to;

	put_str(&l, "{\"time\":");
	put_fixed(&l, e->t, 6);
	put_str(&l, ",\"ms_since_switch\":");
	if (t_switch >= 0)
		put_fixed(&l, (e->t - t_switch) * 1000.0, 3);
	else
		put_str(&l, "null");
	put_str(&l, ",\"server\":\"");
	put_str(&l, events_server_name(e->server));
	put_str(&l, e->qr ? "\",\"direction\":\"response\",\"src\":"
	                  : "\",\"direction\":\"query\",\"src\":");
	put_json_addr(&l, &e->src);
	put_str(&l, ",\"sport\":");
	put_uint(&l, e->sport);
	put_str(&l, ",\"dst\":");
	put_json_addr(&l, &e->dst);
	put_str(&l, ",\"dport\":");
	put_uint(&l, e->dport);
	put_str(&l, e->proto == 6 ? ",\"proto\":\"tcp\",\"id\":"
	                          : ",\"proto\":\"udp\",\"id\":");
	put_uint(&l, e->id);
	put_str(&l, ",\"qname\":");
	if (!put_json_or_null(&l, e->qname))
		return 0;
	put_str(&l, ",\"qtype\":");
	put_json_or_null(&l, e->qname[0] || e->qtype
	                     ? dns_type_name(e->qtype, type, sizeof type) : "");
	put_str(&l, ",\"rcode\":");
	put_json_or_null(&l, e->qr ? dns_rcode_name(e->rcode) : "");
	put_str(&l, ",\"answers\":[");
	answer_walk_begin(&w, e);
	for (size_t k = 0; answer_walk_next(&w, &from, &to); k++) {
		if (k)
			put_char(&l, ',');
		if (!put_json_plain(&l, e->answers + from, to - from))
			return 0;
	}
	put_str(&l, w.cut ? "],\"cut\":true,\"frame\":" : "],\"cut\":false,\"frame\":");
	if (e->frame)
		put_uint(&l, e->frame);
	else
		put_str(&l, "null");
	put_str(&l, "}\n");
	return l.n < size ? l.n : 0;   /* full: it may have been cut */
}
