/*
 * watchout.c - what whichns watch writes; see watchout.h.
 *
 * One event is one list of fields (event_fields), rendered as a JSON
 * object or a TSV line, so --json and events.tsv cannot drift apart.
 * Outside text (comm, exe, cgroup, query names) reaches a terminal or
 * events.tsv through safe_text(): what is not printable UTF-8 becomes
 * \xHH, so an ESC in a comm cannot drive the terminal and a tab cannot
 * shift a column; JSON, XML and Markdown have escapers of their own.
 * Times are UTC, converted here by arithmetic (no gmtime: the library
 * makes no system call and reads no time zone).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include "dns.h"
#include "escape.h"
#include "timeline.h"
#include "watchev.h"
#include "watchout.h"

#define NS_PER_S 1000000000ull

/* ---- time ---- */

struct civil {
	unsigned year, mon, day, hour, min, sec;
	uint32_t ns;
};

/* Days since 1970-01-01 to a date in the proleptic Gregorian calendar
 * (H. Hinnant's civil_from_days, for days >= 0). */
static void civil_of(uint64_t t_ns, struct civil *c)
{
	uint64_t s = t_ns / NS_PER_S, z = s / 86400 + 719468;
	uint64_t era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	c->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (unsigned)(yoe + era * 400 + (c->mon <= 2));
	c->hour = (unsigned)(s % 86400 / 3600);
	c->min = (unsigned)(s % 3600 / 60);
	c->sec = (unsigned)(s % 60);
	c->ns = (uint32_t)(t_ns % NS_PER_S);
}

void wo_clock(uint64_t t_ns, char *buf, size_t size)
{
	struct civil c;
	civil_of(t_ns, &c);
	snprintf(buf, size, "%02u:%02u:%02u.%03u", c.hour, c.min, c.sec,
	         (unsigned)(c.ns / 1000000));
}

void wo_iso(uint64_t t_ns, char *buf, size_t size)
{
	struct civil c;
	civil_of(t_ns, &c);
	snprintf(buf, size, "%04u-%02u-%02uT%02u:%02u:%02u.%09uZ", c.year, c.mon,
	         c.day, c.hour, c.min, c.sec, (unsigned)c.ns);
}

/* "14:02:11", whole seconds: a verdict's "since". */
static void clock_s(uint64_t t_ns, char *buf, size_t size)
{
	struct civil c;
	civil_of(t_ns, &c);
	snprintf(buf, size, "%02u:%02u:%02u", c.hour, c.min, c.sec);
}

/* "2026-11-27 14:02:11" */
static void date_time(uint64_t t_ns, char *buf, size_t size)
{
	struct civil c;
	civil_of(t_ns, &c);
	snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u", c.year, c.mon, c.day,
	         c.hour, c.min, c.sec);
}

static bool same_day(uint64_t a_ns, uint64_t b_ns)
{
	return a_ns / NS_PER_S / 86400 == b_ns / NS_PER_S / 86400;
}

/* ---- outside text ---- */

/* The length of the printable UTF-8 character at s, a byte of 0x80 or
 * more (escape.h's rule, less the C1 controls U+0080 to U+009F, which
 * some terminals obey), or 0. */
static size_t utf8_printable(const unsigned char *s)
{
	size_t n = escape_utf8_len(s);
	if (n < 2 || (s[0] == 0xc2 && s[1] < 0xa0))
		return 0;
	return n;
}

/*
 * The next character of s for a terminal or a TSV field: control bytes,
 * DEL and bytes that are not printable UTF-8 as \xHH; with bs, a
 * backslash as \\ too, so that a field reads back unambiguously.  *put
 * and *len say what to write (perhaps esc); returns the bytes of s used.
 */
static size_t safe_next(const unsigned char *p, bool bs, char esc[8],
                        const char **put, size_t *len)
{
	size_t n = *p >= 0x80 ? utf8_printable(p) : 1;
	*put = (const char *)p;
	*len = n;
	if (!n || *p < 0x20 || *p == 0x7f) {
		snprintf(esc, 8, "\\x%02x", *p);
		*put = esc;
		*len = 4;
		return 1;
	}
	if (bs && *p == '\\') {
		*put = "\\\\";
		*len = 2;
	}
	return n;
}

/* s as safe_next writes it, into buf (always NUL-terminated, cut before
 * a character that would not fit): for widths. */
static const char *safe_text(const char *s, char *buf, size_t size, bool bs)
{
	size_t o = 0;
	if (!size)
		return buf;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		const char *put;
		size_t len, n = safe_next(p, bs, esc, &put, &len);
		if (size - 1 - o < len)
			break;
		memcpy(buf + o, put, len);
		o += len;
		p += n;
	}
	buf[o] = '\0';
	return buf;
}

#define SAFE_SIZE(field) (sizeof(field) * 4)   /* every byte as \xHH */

static void put_safe(FILE *f, const char *s, bool bs)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		const char *put;
		size_t len;
		p += safe_next(p, bs, esc, &put, &len);
		fwrite(put, 1, len, f);
	}
}

/* s in Markdown text or a table cell: safe_next's escapes (a backslash
 * before a letter is shown as it is), then every character Markdown or
 * HTML could read as markup backslash-escaped. */
static void put_md(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		const char *put;
		size_t len;
		p += safe_next(p, false, esc, &put, &len);
		for (size_t i = 0; i < len; i++) {
			if (strchr("\\`*_[]<>|&~#!", put[i]))
				fputc('\\', f);
			fputc(put[i], f);
		}
	}
}

/* ---- rows ---- */

static bool has(const struct pkt_addr *a)
{
	return a->family == 4 || a->family == 6;
}

static const char *addr_text(const struct pkt_addr *a, char *buf, size_t size)
{
	if (!has(a)) {
		snprintf(buf, size, "?");
		return buf;
	}
	return pkt_addr_str(a, buf, size);
}

/* "STALE since 14:02:11", "LATE, stale until 14:02:11", "FOLLOWED". */
static const char *verdict_text(const struct wm_row *r, char *buf, size_t size)
{
	uint64_t since = 0;
	enum wm_verdict v = wm_row_verdict(r, &since);
	char clk[16];

	clock_s(since, clk, sizeof clk);
	if (since && (v == WMV_STALE || v == WMV_MIXED))
		snprintf(buf, size, "%s since %s", wm_verdict_name(v), clk);
	else if (since && v == WMV_LATE)
		snprintf(buf, size, "LATE, stale until %s", clk);
	else
		snprintf(buf, size, "%s", wm_verdict_name(v));
	return buf;
}

/* "198.51.100.10(12) 198.51.100.53(3)", and "+other(N)" for queries to
 * servers past WM_SERVERS_MAX; "-" when none. */
static const char *servers_text(const struct wm_row *r, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nservers && i < WM_SERVERS_MAX; i++) {
		char a[64];
		int k = snprintf(buf + o, size - o, "%s%s(%" PRIu64 ")", o ? " " : "",
		                 addr_text(&r->servers[i].a, a, sizeof a),
		                 r->servers[i].queries);
		if (k < 0 || (size_t)k >= size - o)
			return buf;
		o += (size_t)k;
	}
	if (r->other_servers)
		snprintf(buf + o, size - o, "%s+other(%" PRIu64 ")", o ? " " : "",
		         r->other_servers);
	if (!buf[0])
		snprintf(buf, size, "-");
	return buf;
}

#define SERVERS_TEXT (WM_SERVERS_MAX * 72 + 40)

/* The listed servers as "a,b" into buf; "-" when not known. */
static const char *conf_text(const struct wm_conf *c, char *buf, size_t size)
{
	size_t o = 0;
	snprintf(buf, size, "-");
	for (size_t i = 0; c && i < c->n && i < WM_CONF_MAX; i++) {
		char a[64];
		int k = snprintf(buf + o, size - o, "%s%s", i ? "," : "",
		                 addr_text(&c->ns[i], a, sizeof a));
		if (k < 0 || (size_t)k >= size - o)
			break;
		o += (size_t)k;
	}
	return buf;
}

#define CONF_TEXT (WM_CONF_MAX * 48)

/* ---- the live line ---- */

void wo_live_line(FILE *f, const struct wm_query *q, const struct wm_row *r,
                  const struct wm_conf *conf)
{
	char clk[16], dst[64], type[16], lists[CONF_TEXT];
	(void)r;   /* the line is the query's: its thread's comm */

	wo_clock(q->t_ns, clk, sizeof clk);
	fprintf(f, "%s STALE pid %" PRIu32 " ", clk, q->tgid);
	put_safe(f, q->comm, false);
	fprintf(f, " -> %s", addr_text(&q->dst, dst, sizeof dst));
	if (q->dport != 53)
		fprintf(f, " port %u", (unsigned)q->dport);
	if (q->kind == WN_EV_CONNECT) {
		fprintf(f, " connect (%s)", q->proto == 6 ? "tcp" : "udp");
	} else {
		fprintf(f, " %s ", dns_type_name(q->qtype, type, sizeof type));
		put_safe(f, q->qname[0] ? q->qname : "(no question)", false);
		if (q->nmsgs > 1)
			fprintf(f, " (+%u more in the packet)", q->nmsgs - 1);
	}
	conf_text(conf, lists, sizeof lists);
	for (char *c = lists; *c; c++)
		if (*c == ',')
			*c = ' ';
	if (conf && conf->defaulted)
		fprintf(f, " (its resolv.conf lists no nameserver: the default "
		        "%s)\n", lists);
	else if (conf)
		fprintf(f, " (its resolv.conf lists %s)\n", lists);
	else
		fputs(" (its resolv.conf could not be read)\n", f);
}

/* ---- the table and the advice ---- */

/* Terminal cells of s: a byte that does not continue a UTF-8 character. */
static size_t cells(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void put_padded(FILE *f, const char *s, size_t width)
{
	fputs(s, f);
	for (size_t n = cells(s); n < width; n++)
		fputc(' ', f);
}

/* Queries of processes past WM_ROWS_MAX: the table counts them, the
 * caller may too; the larger is the truth. */
static uint64_t dropped(const struct wm_table *t, const struct wo_meta *m)
{
	return t->dropped_rows > m->dropped_rows ? t->dropped_rows : m->dropped_rows;
}

struct table_widths {
	size_t comm, servers;
};

static void table_widths(const struct wm_table *t, struct table_widths *w)
{
	w->comm = 4;
	w->servers = 12;
	for (size_t i = 0; i < t->n; i++) {
		char c[SAFE_SIZE(t->rows[i]->p.comm)], s[SERVERS_TEXT];
		size_t k = cells(safe_text(t->rows[i]->p.comm, c, sizeof c, false));
		if (k > w->comm)
			w->comm = k;
		k = cells(servers_text(t->rows[i], s, sizeof s));
		if (k > w->servers)
			w->servers = k;
	}
}

/* A row's first and last stale times as clock times, "-" when none. */
static void stale_clocks(const struct wm_row *r, char first[16], char last[16])
{
	snprintf(first, 16, "-");
	snprintf(last, 16, "-");
	if (r->first_stale_ns)
		wo_clock(r->first_stale_ns, first, 16);
	if (r->last_stale_ns)
		wo_clock(r->last_stale_ns, last, 16);
}

static void table_row(FILE *f, const struct wm_row *r,
                      const struct table_widths *w)
{
	char c[SAFE_SIZE(r->p.comm)], s[SERVERS_TEXT], v[64];
	char first[16], last[16];

	stale_clocks(r, first, last);
	fprintf(f, "%-7" PRIu32 "  ", r->p.tgid);
	put_padded(f, safe_text(r->p.comm, c, sizeof c, false), w->comm);
	fprintf(f, "  %7" PRIu64 "  %7" PRIu64 "  ", r->queries, r->stale);
	put_padded(f, servers_text(r, s, sizeof s), w->servers);
	fprintf(f, "  %-12s  %-12s  %s\n", first, last,
	        verdict_text(r, v, sizeof v));
}

void wo_table(FILE *f, const struct wm_table *t, const struct wo_meta *m)
{
	struct table_widths w;

	if (!t->n) {
		fputs("No process sent a DNS query during the watch (", f);
		put_safe(f, m->filter ? m->filter : "all processes", false);
		fputs(").\n", f);
	} else {
		table_widths(t, &w);
		fputs("PID      ", f);
		put_padded(f, "COMM", w.comm);
		fputs("  QUERIES    STALE  ", f);
		put_padded(f, "SERVERS USED", w.servers);
		fputs("  FIRST STALE   LAST STALE    VERDICT\n", f);
		for (size_t i = 0; i < t->n; i++)
			table_row(f, t->rows[i], &w);
	}
	if (m->lost)
		fprintf(f, "%" PRIu64 " record%s lost (the kernel's ring buffer was "
		        "full): the counts may be low.\n", m->lost,
		        m->lost == 1 ? " was" : "s were");
	if (dropped(t, m))
		fprintf(f, "%" PRIu64 " quer%s of processes past the first %d %s "
		        "not counted.\n", dropped(t, m), dropped(t, m) == 1 ? "y" :
		        "ies", WM_ROWS_MAX, dropped(t, m) == 1 ? "was" : "were");
}

enum fmt { FMT_TEXT, FMT_MD };

static void put_text(FILE *f, enum fmt fmt, const char *s)
{
	if (fmt == FMT_MD)
		put_md(f, s);
	else
		put_safe(f, s, false);
}

typedef bool (*row_pred)(const struct wm_row *r);

static bool is_restart(const struct wm_row *r) { return wm_row_needs_restart(r); }
static bool is_late(const struct wm_row *r) { return wm_row_verdict(r, NULL) == WMV_LATE; }
static bool is_local(const struct wm_row *r) { return wm_row_verdict(r, NULL) == WMV_LOCAL; }
static bool is_forwarder(const struct wm_row *r) { return wm_row_verdict(r, NULL) == WMV_FORWARDER; }
static bool is_unjudged(const struct wm_row *r) { return wm_row_verdict(r, NULL) == WMV_INCONCLUSIVE; }
static bool is_gone(const struct wm_row *r) { return is_unjudged(r) && r->p.gone; }

static size_t count_rows(const struct wm_table *t, row_pred pick)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += pick(t->rows[i]);
	return n;
}

#define ADVICE_NAMES 20   /* processes named in one sentence; the table has all */

/* "getip (pid 123), foo (pid 456)"; with asks, each followed by the
 * servers it asked ("sshd (pid 77) asks 127.0.0.53"). */
static void list_rows(FILE *f, enum fmt fmt, const struct wm_table *t,
                      row_pred pick, bool asks)
{
	size_t shown = 0, total = count_rows(t, pick);
	for (size_t i = 0; i < t->n && shown < ADVICE_NAMES; i++) {
		const struct wm_row *r = t->rows[i];
		if (!pick(r))
			continue;
		fputs(shown++ ? ", " : "", f);
		put_text(f, fmt, r->p.comm);
		fprintf(f, " (pid %" PRIu32 ")", r->p.tgid);
		for (size_t k = 0; asks && k < r->nservers && k < WM_SERVERS_MAX; k++) {
			char a[64];
			fprintf(f, "%s%s", k ? " and " : " asks ",
			        addr_text(&r->servers[k].a, a, sizeof a));
		}
	}
	if (total > shown)
		fprintf(f, " and %zu more (the table has them all)", total - shown);
}

/* The local stub's sentence: who asks only a local resolver, and where
 * the answer is: that resolver's own row. */
static void advice_local(FILE *f, enum fmt fmt, const struct wm_table *t)
{
	fputs(" These ask only a local resolver their resolv.conf lists: ", f);
	list_rows(f, fmt, t, is_local, true);
	fputs(". Whether they get answers from the new servers is that "
	      "resolver's question: its own row shows the servers it asks", f);
	if (count_rows(t, is_forwarder)) {
		fputs(" (", f);
		list_rows(f, fmt, t, is_forwarder, false);
		fputs(").", f);
	} else {
		fputs(", and no DNS server sent a query during the watch (it may "
		      "have answered from its cache, or be outside the filter).", f);
	}
}

static void advice(FILE *f, enum fmt fmt, const struct wm_table *t)
{
	bool restart = count_rows(t, is_restart), late = count_rows(t, is_late);

	if (restart) {
		fputs("Restart or reload these processes: they still query servers "
		      "their resolv.conf no longer lists: ", f);
		list_rows(f, fmt, t, is_restart, false);
		fputc('.', f);
	} else {
		fprintf(f, "No process %s a server its resolv.conf does not list.",
		        late ? "still queries" : "queried");
	}
	if (late) {
		fputs(" These did, then followed their resolv.conf on their own "
		      "(nothing to do): ", f);
		list_rows(f, fmt, t, is_late, false);
		fputc('.', f);
	}
	if (count_rows(t, is_local))
		advice_local(f, fmt, t);
	else if (count_rows(t, is_forwarder)) {
		fputs(" Not judged, as DNS servers themselves (their upstream "
		      "servers come from their own configuration): ", f);
		list_rows(f, fmt, t, is_forwarder, false);
		fputc('.', f);
	}
	if (count_rows(t, is_unjudged)) {
		fputs(" Not judged, their resolv.conf could not be read: ", f);
		list_rows(f, fmt, t, is_unjudged, false);
		fputs(count_rows(t, is_gone) ? " (a process that exited before "
		      "it could be read starts afresh next time: nothing to "
		      "restart)." : ".", f);
	}
	fputc('\n', f);
}

void wo_advice(FILE *f, const struct wm_table *t)
{
	advice(f, FMT_TEXT, t);
}

/* ---- events: --json and events.tsv ---- */

enum fkind { FK_NULL, FK_STR, FK_NUM, FK_CONF };

struct field {
	enum fkind k;
	bool dns;              /* a DNS field: not in a connect's JSON */
	const char *s;
	uint64_t n;
	const struct wm_conf *conf;
};

/* The fields of an event, in this order (watchout.h). */
static const char *const ev_keys[] = {
	"type", "time", "pid", "tid", "comm", "exe", "mntns", "cgroup", "proto",
	"src", "sport", "server", "port", "id", "qtype", "qname", "messages",
	"class", "listed",
};
enum { EV_NFIELDS = sizeof ev_keys / sizeof ev_keys[0] };

/* Text the fields point to. */
struct ev_text {
	char time[40], src[64], dst[64], qtype[16];
};

static struct field f_str(const char *s) { return (struct field){ .k = FK_STR, .s = s }; }
static struct field f_num(uint64_t n) { return (struct field){ .k = FK_NUM, .n = n }; }
static struct field f_null(void) { return (struct field){ .k = FK_NULL }; }
static struct field f_str_or_null(const char *s) { return *s ? f_str(s) : f_null(); }

static void event_fields(const struct wm_query *q, const struct wm_row *r,
                         enum wm_class c, const struct wm_conf *conf,
                         struct field *v, struct ev_text *x)
{
	bool who = q->owner != WN_OWNER_NONE, src = has(&q->src);
	bool connect = q->kind == WN_EV_CONNECT;

	wo_iso(q->t_ns, x->time, sizeof x->time);
	v[0] = f_str(connect ? "connect" : "query");
	v[1] = f_str(x->time);
	v[2] = who ? f_num(q->tgid) : f_null();
	v[3] = who ? f_num(q->tid) : f_null();
	v[4] = who ? f_str(q->comm) : f_null();
	v[5] = r ? f_str_or_null(r->p.exe) : f_null();
	v[6] = r && r->p.mntns ? f_num(r->p.mntns) : f_null();
	v[7] = r ? f_str_or_null(r->p.cgroup) : f_null();
	v[8] = f_str(q->proto == 6 ? "tcp" : "udp");
	v[9] = src ? f_str(addr_text(&q->src, x->src, sizeof x->src)) : f_null();
	v[10] = src ? f_num(q->sport) : f_null();
	v[11] = f_str(addr_text(&q->dst, x->dst, sizeof x->dst));
	v[12] = f_num(q->dport);
	v[13] = connect ? f_null() : f_num(q->id);
	v[14] = connect ? f_null() : f_str(dns_type_name(q->qtype, x->qtype,
	                                                 sizeof x->qtype));
	v[15] = connect ? f_null() : f_str(q->qname);
	v[16] = connect ? f_null() : f_num(q->nmsgs);
	for (int i = 13; i <= 16; i++)
		v[i].dns = true;
	v[17] = f_str(wm_class_name(c));
	v[18] = conf ? (struct field){ .k = FK_CONF, .conf = conf } : f_null();
}

static void json_conf(FILE *f, const struct wm_conf *c)
{
	fputc('[', f);
	for (size_t i = 0; i < c->n && i < WM_CONF_MAX; i++) {
		char a[64];
		fputs(i ? "," : "", f);
		escape_json_string(f, addr_text(&c->ns[i], a, sizeof a));
	}
	fputc(']', f);
}

void wo_json_event(FILE *f, const struct wm_query *q, const struct wm_row *r,
                   enum wm_class c, const struct wm_conf *conf)
{
	struct field v[EV_NFIELDS];
	struct ev_text x;
	bool connect = q->kind == WN_EV_CONNECT, first = true;

	event_fields(q, r, c, conf, v, &x);
	fputc('{', f);
	for (int i = 0; i < EV_NFIELDS; i++) {
		if (connect && v[i].dns)
			continue;
		fprintf(f, "%s\"%s\":", first ? "" : ",", ev_keys[i]);
		first = false;
		if (v[i].k == FK_STR)
			escape_json_string(f, v[i].s);
		else if (v[i].k == FK_NUM)
			fprintf(f, "%" PRIu64, v[i].n);
		else if (v[i].k == FK_CONF)
			json_conf(f, v[i].conf);
		else
			fputs("null", f);
	}
	fputs("}\n", f);
}

void wo_tsv_header(FILE *f)
{
	for (int i = 0; i < EV_NFIELDS; i++)
		fprintf(f, "%s%s", i ? "\t" : "", ev_keys[i]);
	fputc('\n', f);
}

/* A TSV field: "-" for none (null, or an empty text); text through
 * safe_text with backslashes doubled, so no tab or newline is left. */
void wo_tsv_event(FILE *f, const struct wm_query *q, const struct wm_row *r,
                  enum wm_class c, const struct wm_conf *conf)
{
	struct field v[EV_NFIELDS];
	struct ev_text x;
	char list[CONF_TEXT];

	event_fields(q, r, c, conf, v, &x);
	for (int i = 0; i < EV_NFIELDS; i++) {
		fputs(i ? "\t" : "", f);
		if (v[i].k == FK_STR && v[i].s[0])
			put_safe(f, v[i].s, true);
		else if (v[i].k == FK_NUM)
			fprintf(f, "%" PRIu64, v[i].n);
		else if (v[i].k == FK_CONF)
			fputs(conf_text(v[i].conf, list, sizeof list), f);
		else
			fputc('-', f);
	}
	fputc('\n', f);
}

/* ---- the summary ---- */

static void json_time(FILE *f, const char *key, uint64_t t_ns)
{
	char iso[40];
	fprintf(f, ",\"%s\":", key);
	if (!t_ns) {
		fputs("null", f);
		return;
	}
	wo_iso(t_ns, iso, sizeof iso);
	fprintf(f, "\"%s\"", iso);
}

static void json_text(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s && *s)
		escape_json_string(f, s);
	else
		fputs("null", f);
}

static void json_servers(FILE *f, const struct wm_row *r)
{
	fputs(",\"servers\":[", f);
	for (size_t i = 0; i < r->nservers && i < WM_SERVERS_MAX; i++) {
		char a[64];
		fputs(i ? ",{\"server\":" : "{\"server\":", f);
		escape_json_string(f, addr_text(&r->servers[i].a, a, sizeof a));
		fprintf(f, ",\"queries\":%" PRIu64 ",\"stale\":%" PRIu64 "}",
		        r->servers[i].queries, r->servers[i].stale);
	}
	fprintf(f, "],\"other_servers\":%" PRIu64, r->other_servers);
}

static void json_row(FILE *f, const struct wm_row *r)
{
	uint64_t since = 0;
	enum wm_verdict v = wm_row_verdict(r, &since);

	fprintf(f, "{\"pid\":%" PRIu32 ",\"start\":%" PRIu64 ",\"comm\":",
	        r->p.tgid, r->p.start);
	escape_json_string(f, r->p.comm);
	json_text(f, "exe", r->p.exe);
	fputs(",\"mntns\":", f);
	if (r->p.mntns)
		fprintf(f, "%" PRIu64, r->p.mntns);
	else
		fputs("null", f);
	json_text(f, "cgroup", r->p.cgroup);
	fprintf(f, ",\"cgroup_id\":%" PRIu64 ",\"forwarder\":%s,\"gone\":%s",
	        r->p.cgroup_id, r->p.forwarder ? "true" : "false",
	        r->p.gone ? "true" : "false");
	fprintf(f, ",\"queries\":%" PRIu64 ",\"listed\":%" PRIu64 ",\"stale\":%"
	        PRIu64 ",\"local\":%" PRIu64 ",\"unjudged\":%" PRIu64
	        ",\"connects\":%" PRIu64, r->queries, r->listed, r->stale,
	        r->local, r->unjudged, r->connects);
	json_servers(f, r);
	json_time(f, "first", r->first_ns);
	json_time(f, "last", r->last_ns);
	json_time(f, "first_stale", r->first_stale_ns);
	json_time(f, "last_stale", r->last_stale_ns);
	fputs(",\"verdict\":", f);
	escape_json_string(f, wm_verdict_name(v));
	json_time(f, "since", since);
	fprintf(f, ",\"needs_restart\":%s,\"conf\":",
	        wm_row_needs_restart(r) ? "true" : "false");
	if (r->conf_known)
		json_conf(f, &r->conf);
	else
		fputs("null", f);
	fprintf(f, ",\"conf_defaulted\":%s}",
	        r->conf_known && r->conf.defaulted ? "true" : "false");
}

void wo_json_summary(FILE *f, const struct wm_table *t, const struct wo_meta *m)
{
	fputs("{\"type\":\"summary\"", f);
	json_time(f, "t0", m->t0_ns);
	json_time(f, "t1", m->t1_ns);
	/* integers: a JSON number whatever the locale's decimal point */
	uint64_t ms = m->t1_ns > m->t0_ns ? (m->t1_ns - m->t0_ns) / 1000000 : 0;
	fprintf(f, ",\"seconds\":%" PRIu64 ".%03u", ms / 1000,
	        (unsigned)(ms % 1000));
	json_text(f, "filter", m->filter);
	json_text(f, "version", m->version);
	json_text(f, "host", m->host);
	json_text(f, "pcapng", m->pcapng);
	fprintf(f, ",\"lost\":%" PRIu64 ",\"not_dns\":%" PRIu64 ",\"dropped_rows\":%"
	        PRIu64 ",\"interrupted\":%s,\"needs_restart\":%zu,\"processes\":[",
	        m->lost, m->not_dns, dropped(t, m),
	        m->interrupted ? "true" : "false", count_rows(t, is_restart));
	for (size_t i = 0; i < t->n; i++) {
		fputs(i ? "," : "", f);
		json_row(f, t->rows[i]);
	}
	fputs("]}\n", f);
}

/* ---- report.md ---- */

/* "from 2026-11-27 14:02:00 to 14:02:10 UTC (10.0 s)" */
static void period(FILE *f, const struct wo_meta *m)
{
	char a[32], b[32];
	date_time(m->t0_ns, a, sizeof a);
	date_time(m->t1_ns, b, sizeof b);
	fprintf(f, "from %s to %s UTC (%.1f s)", a,
	        same_day(m->t0_ns, m->t1_ns) ? b + 11 : b,
	        m->t1_ns > m->t0_ns ? (double)(m->t1_ns - m->t0_ns) / 1e9 : 0.0);
}

static void md_row(FILE *f, const struct wm_row *r)
{
	char s[SERVERS_TEXT], v[64], list[CONF_TEXT];
	char first[16], last[16];

	stale_clocks(r, first, last);
	fprintf(f, "| %" PRIu32 " | ", r->p.tgid);
	put_md(f, r->p.comm);
	fprintf(f, " | %" PRIu64 " | %" PRIu64 " | %s | %s | %s | **%s** | %s%s |\n",
	        r->queries, r->stale, servers_text(r, s, sizeof s), first, last,
	        verdict_text(r, v, sizeof v),
	        r->conf_known ? conf_text(&r->conf, list, sizeof list) : "not read",
	        r->conf_known && r->conf.defaulted ? " (no nameserver line: "
	        "the default)" : "");
}

static void md_counts(FILE *f, const struct wm_table *t, const struct wo_meta *m)
{
	if (!m->lost && !m->not_dns && !dropped(t, m))
		return;
	fputs("## Not counted\n\n", f);
	if (m->lost)
		fprintf(f, "- **%" PRIu64 " records lost**: the kernel's ring buffer "
		        "was full, so they never reached watch; the counts above may "
		        "be low, and a process may be missing.\n", m->lost);
	if (m->not_dns)
		fprintf(f, "- %" PRIu64 " packets to port 53 did not decode as a DNS "
		        "query (a response, or not DNS): not counted.\n", m->not_dns);
	if (dropped(t, m))
		fprintf(f, "- %" PRIu64 " queries of processes past the table's first "
		        "%d: not counted.\n", dropped(t, m), WM_ROWS_MAX);
	fputc('\n', f);
}

static void md_files(FILE *f, const struct wo_meta *m)
{
	fputs("## Files\n\n"
	      "- `report.md`: this report.\n"
	      "- `summary.json`: the watch as one JSON object: its period and "
	      "filter, and per process the counts, the servers used, the verdict "
	      "and the servers its resolv.conf lists (`--json`'s last line).\n"
	      "- `events.tsv`: one line per query or connect to port 53, with "
	      "the fields of `--json`'s events, each query's class among them.\n"
	      "- `timeline.svg`: a lane per process, its queries over time, "
	      "coloured by class.\n", f);
	if (m->pcapng) {
		fputs("- ", f);
		put_md(f, m->pcapng);
		fputs(" (`-w`): the packets, each with its process in a packet "
		      "comment (Wireshark shows it under Packet comments).\n", f);
	}
}

int wo_report_md(FILE *f, const void *ctx)
{
	const struct wo_doc *d = ctx;
	const struct wm_table *t = d->t;
	const struct wo_meta *m = d->m;

	fputs("# whichns watch", f);
	if (m->host && *m->host) {
		fputs(" on ", f);
		put_md(f, m->host);
	}
	fputs("\n\nWatched ", f);
	put_md(f, m->filter ? m->filter : "all processes");
	fputc(' ', f);
	period(f, m);
	fputs(m->interrupted ? ", ended by a signal" : "", f);
	fputs(".", f);
	if (m->version)
		fprintf(f, " whichns %s.", m->version);
	fputs("\n\n## Processes\n\n", f);
	if (!t->n)
		fputs("No process sent a DNS query during the watch.\n\n", f);
	else
		fputs("| pid | comm | queries | stale | servers used (queries) | "
		      "first stale | last stale | verdict | its resolv.conf lists |\n"
		      "|---:|---|---:|---:|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < t->n; i++)
		md_row(f, t->rows[i]);
	fputs(t->n ? "\n## What to do\n\n" : "## What to do\n\n", f);
	advice(f, FMT_MD, t);
	fputs("\n## How it was judged\n\n"
	      "Each query was judged by the resolv.conf its process sees, read "
	      "through /proc/PID/root/etc/resolv.conf (a container's or a chroot's "
	      "own file), in the version in force when the query left: stale when "
	      "that file does not list the server, local when it is a loopback "
	      "address the file lists, not judged for a DNS server's own queries "
	      "or when the file could not be read. The file is looked at with a "
	      "stat per event and read again when it changed, and a new version "
	      "counts from the file's change time, so a query sent just before a "
	      "switch is judged by the file before it.\n\n", f);
	md_counts(f, t, m);
	md_files(f, m);
	return ferror(f) ? -1 : 0;
}

/* ---- timeline.svg ---- */

/* Layout, in pixels: timeline.c's widths, so the two pictures line up. */
#define S_LEFT    170
#define S_TOP     66         /* the first lane, below two title lines */
#define S_LANE    44         /* a lane: four class rows */
#define S_PITCH   9          /* between class rows */
#define S_AXIS    46
#define S_LEGEND  60
#define S_MORE    20         /* the line naming the lanes not drawn */
#define S_MARK_MIN 3.0
#define S_MORE_NAMES 8

#define C_LISTED   "#1b9e77"  /* timeline.c's new server */
#define C_STALE    "#d95f02"  /* its old server */
#define C_LOCAL    "#7570b3"  /* its other */
#define C_UNJUDGED "#bdbdbd"  /* its not counted */

static const struct {
	const char *name, *color, *what;
} classes[4] = {
	{ "listed",   C_LISTED,   "to a server its resolv.conf lists" },
	{ "stale",    C_STALE,    "to a server it does not list" },
	{ "local",    C_LOCAL,    "to a local resolver it lists" },
	{ "unjudged", C_UNJUDGED, "not judged (a DNS server, or no resolv.conf)" },
};

static uint32_t bin_count(const struct wm_bin *b, int k)
{
	return k == 0 ? b->listed : k == 1 ? b->stale : k == 2 ? b->local
	                                                      : b->unjudged;
}

/* The x axis: t0 to t1 of the watch over TL_COLUMNS pixels. */
struct sframe {
	uint64_t t0, span;       /* ns */
	uint64_t bin0, bin_ns;   /* the table's columns */
	int lanes, height;
};

static double x_of(const struct sframe *s, uint64_t t)
{
	double dx = t >= s->t0 ? (double)(t - s->t0) : -(double)(s->t0 - t);
	return S_LEFT + dx / (double)s->span * TL_COLUMNS;
}

/* Taller for more queries: 1, 2-9, 10-99, 100+. */
static double mark_height(uint64_t n)
{
	return n >= 100 ? 8 : n >= 10 ? 7 : n >= 2 ? 6 : 4;
}

static const char *verdict_color(const struct wm_row *r)
{
	switch (wm_row_verdict(r, NULL)) {
	case WMV_STALE: case WMV_MIXED: return C_STALE;
	case WMV_FOLLOWED: return C_LISTED;
	case WMV_LATE: return "#a6761d";
	case WMV_LOCAL: return C_LOCAL;
	default: return "#666";
	}
}

/* One class row of a lane: a mark per non-empty column, runs of
 * adjacent columns of one height joined, each with a tooltip. */
static void svg_class_row(FILE *f, const struct sframe *s,
                          const struct wm_row *r, int k, double ymid)
{
	double right = S_LEFT + TL_COLUMNS;
	for (size_t i = 0; i < WM_BINS;) {
		uint64_t n = bin_count(&r->bins[i], k);
		if (!n) {
			i++;
			continue;
		}
		double h = mark_height(n);
		size_t j = i + 1;
		for (; j < WM_BINS && bin_count(&r->bins[j], k) &&
		       mark_height(bin_count(&r->bins[j], k)) == h; j++)
			n += bin_count(&r->bins[j], k);
		uint64_t ta = s->bin0 + i * s->bin_ns, tb = s->bin0 + j * s->bin_ns;
		double x = x_of(s, ta), w = x_of(s, tb) - x;
		if (w < S_MARK_MIN) {
			x -= (S_MARK_MIN - w) / 2;
			w = S_MARK_MIN;
		}
		if (x < right) {
			char a[16], b[16];
			wo_clock(ta, a, sizeof a);
			wo_clock(tb, b, sizeof b);
			fprintf(f, "<rect class=\"m %s\" x=\"%.1f\" y=\"%.1f\" "
			        "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%" PRIu64
			        " %s quer%s, %s to %s</title></rect>\n", classes[k].name, x,
			        ymid - h / 2, x + w > right ? right - x : w, h,
			        classes[k].color,
			        n, classes[k].name, n == 1 ? "y" : "ies", a, b);
		}
		i = j;
	}
}

static void svg_lane(FILE *f, const struct sframe *s, const struct wm_row *r,
                     int lane)
{
	int y = S_TOP + lane * S_LANE;
	char v[64], sv[SERVERS_TEXT];

	verdict_text(r, v, sizeof v);
	fputs("<g class=\"lane\"><title>", f);
	escape_xml_text(f, r->p.comm);
	fprintf(f, " (%" PRIu32 ") %s: %" PRIu64 " queries, %" PRIu64 " stale; "
	        "servers %s</title>\n", r->p.tgid, v, r->queries, r->stale,
	        servers_text(r, sv, sizeof sv));
	fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" "
	        "fill=\"%s\"/>\n", y, TL_WIDTH, S_LANE,
	        lane % 2 ? "#ffffff" : "#f4f4f4");
	fprintf(f, "<text class=\"label\" x=\"8\" y=\"%d\"><tspan "
	        "font-weight=\"bold\">", y + 17);
	escape_xml_text(f, r->p.comm);
	fprintf(f, "</tspan> (%" PRIu32 ") <tspan x=\"8\" dy=\"16\" fill=\"%s\" "
	        "font-weight=\"bold\">%s</tspan></text>\n", r->p.tgid,
	        verdict_color(r), v);
	for (int k = 0; k < 4; k++)
		svg_class_row(f, s, r, k, y + 8.5 + k * S_PITCH);
	fputs("</g>\n", f);
}

/* The lanes past WO_LANES_MAX, named on one line. */
static void svg_more(FILE *f, const struct wm_table *t, int y)
{
	size_t more = t->n - WO_LANES_MAX;
	fprintf(f, "<text class=\"more\" x=\"8\" y=\"%d\" fill=\"#555\">%zu more "
	        "process%s, not drawn (report.md has them all): ", y, more,
	        more == 1 ? "" : "es");
	for (size_t i = WO_LANES_MAX; i < t->n && i < WO_LANES_MAX + S_MORE_NAMES; i++) {
		fputs(i > WO_LANES_MAX ? ", " : "", f);
		escape_xml_text(f, t->rows[i]->p.comm);
		fprintf(f, " (%" PRIu32 ")", t->rows[i]->p.tgid);
	}
	fputs(more > S_MORE_NAMES ? ", \xe2\x80\xa6</text>\n" : "</text>\n", f);
}

/* A round step in seconds giving at most about 8 ticks. */
static uint64_t tick_step_ns(uint64_t span)
{
	static const uint64_t ms[] = {
		1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000,
		30000, 60000, 120000, 300000, 600000, 900000, 1800000, 3600000,
		7200000, 10800000, 21600000, 43200000, 86400000,
	};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
		if (span / (ms[i] * 1000000) <= 8)
			return ms[i] * 1000000;
	return span / 8 ? span / 8 : 1;
}

static void svg_axis(FILE *f, const struct sframe *s, int y)
{
	uint64_t step = tick_step_ns(s->span);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	        S_LEFT, y, S_LEFT + TL_COLUMNS, y);
	for (uint64_t t = (s->t0 + step - 1) / step * step;
	     t <= s->t0 + s->span; t += step) {
		char c[16];
		wo_clock(t, c, sizeof c);
		/* "14:02:11", "14:02:11.5", "14:02:11.05": no trailing zero */
		for (size_t n = strlen(c); n > 8 && (c[n - 1] == '0' || c[n - 1] == '.');)
			c[--n] = '\0';
		double x = x_of(s, t);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		        "stroke=\"#333\"/>\n<text x=\"%.1f\" y=\"%d\" "
		        "text-anchor=\"middle\">%s</text>\n", x, y, x, y + 5, x,
		        y + 18, c);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time of day "
	        "(UTC)</text>\n", S_LEFT + TL_COLUMNS / 2, y + 36);
}

static void svg_legend(FILE *f, int y)
{
	int x = 10;
	fputs("<g class=\"legend\">\n", f);
	for (int k = 0; k < 4; k++) {
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		        "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s: %s</text>\n", x,
		        y - 9, classes[k].color, x + 15, y, classes[k].name,
		        classes[k].what);
		x += k % 2 ? -440 : 440;
		if (k % 2)
			y += 16;
	}
	fprintf(f, "<text x=\"10\" y=\"%d\" fill=\"#555\">one mark per column "
	        "of the table's timeline, taller for more queries (1, 2-9, 10-99, "
	        "100+)</text>\n</g>\n", y + 4);
}

/* The title, drawn and in <title>: the period, then the filter and what
 * was found. */
static void svg_title(FILE *f, const struct wm_table *t, const struct wo_meta *m)
{
	size_t stale = count_rows(t, is_restart);
	for (int drawn = 0; drawn < 2; drawn++) {
		fputs(drawn ? "<text class=\"title\" x=\"10\" y=\"22\" font-size=\"15\" "
		      "font-weight=\"bold\">" : "<title>", f);
		fputs("whichns watch ", f);
		period(f, m);
		fputs(drawn ? "</text>\n<text class=\"title\" x=\"10\" y=\"40\">"
		      : " \xe2\x80\x94 ", f);
		escape_xml_text(f, m->filter ? m->filter : "all processes");
		fprintf(f, ": %zu process%s, %zu still asking servers their "
		        "resolv.conf no longer lists%s", t->n, t->n == 1 ? "" : "es",
		        stale, m->interrupted ? "; ended by a signal" : "");
		fputs(drawn ? "</text>\n" : "</title>\n", f);
		if (!drawn)
			fprintf(f, "<rect width=\"%d\" height=\"100%%\" fill=\"#fff\"/>\n",
			        TL_WIDTH);
	}
}

static void svg_frame(const struct wm_table *t, const struct wo_meta *m,
                      struct sframe *s)
{
	s->t0 = m->t0_ns;
	s->span = m->t1_ns > m->t0_ns ? m->t1_ns - m->t0_ns : NS_PER_S;
	s->bin0 = t->t0_ns;
	s->bin_ns = t->bin_ns ? t->bin_ns : WM_BIN_NS_MIN;
	s->lanes = t->n < WO_LANES_MAX ? (int)t->n : WO_LANES_MAX;
	s->height = S_TOP + (s->lanes ? s->lanes : 1) * S_LANE +
	            (t->n > WO_LANES_MAX ? S_MORE : 0) + S_AXIS + S_LEGEND;
}

int wo_timeline_svg(FILE *f, const void *ctx)
{
	const struct wo_doc *d = ctx;
	const struct wm_table *t = d->t;
	struct sframe s;
	int y;

	svg_frame(t, d->m, &s);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	        TL_WIDTH, s.height, TL_WIDTH, s.height);
	svg_title(f, t, d->m);
	for (int i = 0; i < s.lanes; i++)
		svg_lane(f, &s, t->rows[i], i);
	y = S_TOP + (s.lanes ? s.lanes : 1) * S_LANE;
	if (!s.lanes)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		        "fill=\"#555\">no process sent a DNS query</text>\n",
		        S_LEFT + TL_COLUMNS / 2, S_TOP + S_LANE / 2 + 4);
	if (t->n > WO_LANES_MAX) {
		svg_more(f, t, y + 14);
		y += S_MORE;
	}
	svg_axis(f, &s, y);
	svg_legend(f, y + S_AXIS + 12);
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}
