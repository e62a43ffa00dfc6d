/*
 * check_events.c - events: server classification, the events.tsv columns
 * and the events.json objects, from frames through pkt_decode() to text.
 *
 * JSON lines are read back by a small strict parser below, so hostile
 * names (quotes, backslashes, control bytes) must survive the round trip,
 * not just look right.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"
#include "suites.h"
#include "testutil.h"

/* ---- Building events ---- */

static char *capture(void (*fn)(FILE *, const struct wn_event *, double),
                     const struct wn_event *e, double t_switch)
{
	struct memout m;
	fn(memout_open(&m), e, t_switch);
	return memout_text(&m);
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* ---- A strict reader for one flat JSON object per line ---- */

struct jfield {
	char key[32];
	char str[1024];   /* decoded string value; an array's, '\n' between */
	bool is_null, is_str, is_arr, is_bool, b;
	int  narr;        /* strings in an array */
	double num;
};

static bool jstr(const char **pp, char *out, size_t size)
{
	const char *p = *pp;
	size_t n = 0;
	if (*p++ != '"')
		return false;
	for (; *p != '"'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			p++;
			switch (*p) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v;
				if (sscanf(p + 1, "%4x", &v) != 1 || v > 0xff)
					return false;   /* we only ever escape bytes */
				c = (unsigned char)v;
				p += 4;
				break;
			}
			default: return false;
			}
		}
		if (n + 1 >= size)
			return false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*pp = p + 1;
	return true;
}

/* An array of strings, as one string with '\n' between them. */
static bool jarr(const char **pp, struct jfield *f)
{
	const char *p = *pp + 1;
	size_t n = 0;
	f->is_arr = true;
	while (*p != ']') {
		if (f->narr && *p++ != ',')
			return false;
		if (n && n + 1 < sizeof f->str)
			f->str[n++] = '\n';
		if (!jstr(&p, f->str + n, sizeof f->str - n))
			return false;
		n += strlen(f->str + n);
		f->narr++;
	}
	*pp = p + 1;
	return true;
}

/* Parse {"k":v,...}\n into f[]; returns the number of fields or -1. */
static int jparse(const char *line, struct jfield *f, int max)
{
	const char *p = line;
	int n = 0;
	if (*p++ != '{')
		return -1;
	while (*p != '}') {
		if (n == max || (n && *p++ != ','))
			return -1;
		memset(&f[n], 0, sizeof f[n]);
		if (!jstr(&p, f[n].key, sizeof f[n].key) || *p++ != ':')
			return -1;
		if (*p == '"') {
			if (!jstr(&p, f[n].str, sizeof f[n].str))
				return -1;
			f[n].is_str = true;
		} else if (*p == '[') {
			if (!jarr(&p, &f[n]))
				return -1;
		} else if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
			f[n].is_bool = true;
			f[n].b = *p == 't';
			p += f[n].b ? 4 : 5;
		} else if (strncmp(p, "null", 4) == 0) {
			f[n].is_null = true;
			p += 4;
		} else {
			char *end;
			f[n].num = strtod(p, &end);
			if (end == p)
				return -1;
			p = end;
		}
		n++;
	}
	return strcmp(p, "}\n") == 0 ? n : -1;
}

static const struct jfield *jget(const struct jfield *f, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return &f[i];
	ck_abort_msg("no field %s", key);
	return NULL;
}

/* ---- Core ---- */

START_TEST(tsv_header_columns)
{
	struct memout m;
	events_tsv_header(memout_open(&m));
	char *buf = memout_text(&m);
	ck_assert_str_eq(buf, "time\tms_since_switch\tserver\tdirection\tsrc\tdst"
	                 "\tproto\tid\tqname\tqtype\trcode\tanswers\tframe\n");
	ck_assert_int_eq(count_char(buf, '\t'), 12);
	free(buf);
}
END_TEST

START_TEST(tsv_query)
{
	struct wn_event e = mkevent(false, "198.51.100.2", 57125, "198.51.100.20", 53);
	char *s = capture(events_tsv, &e, 1795663950.444018);
	ck_assert_str_eq(s, "1795663950.327489\t-116.529\tnew\tquery\t"
	                 "198.51.100.2:57125\t198.51.100.20:53\tudp\t57133\t"
	                 "hat.com\tA\t-\t-\t\n");
	free(s);
}
END_TEST

START_TEST(tsv_response_ipv6_tcp_no_switch)
{
	struct wn_event e = mkevent(true, "2001:db8:100::10", 53, "2001:db8:100::2", 40000);
	e.proto = 6;
	e.rcode = 3;
	e.qtype = DNS_T_AAAA;
	snprintf(e.answers, sizeof e.answers, "2001:db8:203::203,2001:db8:203::1");
	char *s = capture(events_tsv, &e, -1);
	ck_assert_str_eq(s, "1795663950.327489\t\told\tresponse\t"
	                 "[2001:db8:100::10]:53\t[2001:db8:100::2]:40000\ttcp\t57133\t"
	                 "hat.com\tAAAA\tNXDOMAIN\t2001:db8:203::203,2001:db8:203::1\t\n");
	ck_assert_int_eq(count_char(s, '\t'), 12);
	free(s);
}
END_TEST

START_TEST(json_query_fields)
{
	struct wn_event e = mkevent(false, "198.51.100.2", 57125, "198.51.100.20", 53);
	char *s = capture(events_json, &e, 1795663950.444018);
	ck_assert_str_eq(s, "{\"time\":1795663950.327489,\"ms_since_switch\":-116.529,"
	                 "\"server\":\"new\",\"direction\":\"query\","
	                 "\"src\":\"198.51.100.2\",\"sport\":57125,"
	                 "\"dst\":\"198.51.100.20\",\"dport\":53,\"proto\":\"udp\","
	                 "\"id\":57133,\"qname\":\"hat.com\",\"qtype\":\"A\","
	                 "\"rcode\":null,\"answers\":[],\"cut\":false,\"frame\":null}\n");
	struct jfield f[20];
	ck_assert_int_eq(jparse(s, f, 20), 16);
	free(s);
}
END_TEST

START_TEST(json_response_fields)
{
	struct wn_event e = mkevent(true, "2001:db8:100::10", 53, "2001:db8:100::2", 40000);
	e.proto = 6;
	e.qtype = 65;
	snprintf(e.answers, sizeof e.answers, "203.0.113.203");
	e.frame = 4242;
	char *s = capture(events_json, &e, -1);
	struct jfield f[20];
	int n = jparse(s, f, 20);
	ck_assert_int_eq(n, 16);
	ck_assert(jget(f, n, "ms_since_switch")->is_null);
	ck_assert_str_eq(jget(f, n, "server")->str, "old");
	ck_assert_str_eq(jget(f, n, "direction")->str, "response");
	ck_assert_str_eq(jget(f, n, "src")->str, "2001:db8:100::10");
	ck_assert_str_eq(jget(f, n, "dst")->str, "2001:db8:100::2");
	ck_assert(jget(f, n, "sport")->num == 53);
	ck_assert(jget(f, n, "dport")->num == 40000);
	ck_assert_str_eq(jget(f, n, "proto")->str, "tcp");
	ck_assert_str_eq(jget(f, n, "qtype")->str, "TYPE65");
	ck_assert_str_eq(jget(f, n, "rcode")->str, "NOERROR");
	ck_assert(jget(f, n, "answers")->is_arr);
	ck_assert_int_eq(jget(f, n, "answers")->narr, 1);
	ck_assert_str_eq(jget(f, n, "answers")->str, "203.0.113.203");
	ck_assert(jget(f, n, "cut")->is_bool && !jget(f, n, "cut")->b);
	ck_assert(jget(f, n, "frame")->num == 4242);
	ck_assert(jget(f, n, "time")->num > 1795663950.3274 &&
	          jget(f, n, "time")->num < 1795663950.3276);
	free(s);
}
END_TEST

START_TEST(json_no_question)
{
	struct wn_event e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
	e.qname[0] = '\0';
	e.qtype = 0;
	char *s = capture(events_json, &e, -1);
	struct jfield f[20];
	int n = jparse(s, f, 20);
	ck_assert_int_eq(n, 16);
	ck_assert(jget(f, n, "qname")->is_null);
	ck_assert(jget(f, n, "qtype")->is_null);
	free(s);
}
END_TEST

/* events_tsv() formats numbers itself for speed: it must write exactly
 * what the printf format it replaced writes. */
static char *tsv_reference(const struct wn_event *e, double t_switch)
{
	char src[64], dst[64], type[16], rel[32] = "";
	struct memout m;
	FILE *f = memout_open(&m);
	if (t_switch >= 0)
		snprintf(rel, sizeof rel, "%.3f", (e->t - t_switch) * 1000.0);
	bool v6 = e->src.family == 6;   /* IPv6 endpoints are [addr]:port */
	fprintf(f, "%.6f\t%s\t%s\t%s\t%s%s%s:%u\t%s%s%s:%u\t%s\t%u\t%s\t%s\t%s\t%s\t",
	        e->t, rel, events_server_name(e->server),
	        e->qr ? "response" : "query",
	        v6 ? "[" : "", pkt_addr_str(&e->src, src, sizeof src), v6 ? "]" : "",
	        e->sport,
	        v6 ? "[" : "", pkt_addr_str(&e->dst, dst, sizeof dst), v6 ? "]" : "",
	        e->dport,
	        e->proto == 6 ? "tcp" : "udp", e->id,
	        e->qname[0] ? e->qname : "-", dns_type_name(e->qtype, type, sizeof type),
	        e->qr ? dns_rcode_name(e->rcode) : "-",
	        e->answers[0] ? e->answers : "-");
	if (e->frame)
		fprintf(f, "%llu", (unsigned long long)e->frame);
	fputc('\n', f);
	return memout_text(&m);
}

static void tsv_same(const struct wn_event *e, double t_switch)
{
	char *got = capture(events_tsv, e, t_switch), *want = tsv_reference(e, t_switch);
	ck_assert_msg(strcmp(got, want) == 0, "t=%a switch=%a\n got:  %s want: %s",
	              e->t, t_switch, got, want);
	free(got);
	free(want);
}

START_TEST(tsv_numbers_match_printf)
{
	static const double edge[] = {
		0, -0.0, 0.0625, 0.0005, 0.0015, 0.0025, 1e-7, 4.9e-324, 0.5e-6,
		1.5e-6, 2.5e-6, 1795663950.327489, 1795663950.4440185, 999999999999.9999,
		1e12, -1e12, 1e15, 123456789.0000005, 7.0000005, __builtin_inf(),
		-__builtin_inf(), __builtin_nan(""), 65535, 4294967296.0,
	};
	struct wn_event e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 65535);
	e.id = 65535;
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
		for (size_t j = 0; j < sizeof edge / sizeof edge[0]; j++) {
			e.t = edge[i];
			tsv_same(&e, edge[j]);
			tsv_same(&e, -1);
			e.t = -edge[i];
			tsv_same(&e, edge[j]);
		}
	/* Capture times around now, switch times within seconds of them. */
	uint64_t r = 88172645463325252ull;
	for (int i = 0; i < 100000; i++) {
		r ^= r << 13; r ^= r >> 7; r ^= r << 17;
		e.t = 1.7e9 + (double)(r % 100000000000ull) / 1e3 / (double)(1 + r % 7);
		double sw = e.t + ((double)(r >> 40) - (double)(1u << 23)) / 1e6;
		tsv_same(&e, i % 5 ? sw : -1);
		e.sport = (uint16_t)r;
		e.frame = i % 3 ? r >> (r % 64) : 0;   /* 0: the column is empty */
		/* Every octet value, in every position (IPv4 is formatted by
		 * hand; IPv6 by inet_ntop). */
		int fam = i % 4 ? 4 : 6;
		e.src.family = e.dst.family = fam;
		for (int b = 0; b < 16; b++) {
			e.src.a[b] = (uint8_t)(r >> (b * 4 % 64));
			e.dst.a[b] = (uint8_t)(i + b);
		}
	}
}
END_TEST

/* ---- Escaping ---- */

START_TEST(json_escapes_hostile_name)
{
	/* dns.c presents odd bytes as \DDD and escapes '.' and '\'; a name
	 * may still hold quotes, and the answers field is free text too. */
	static const char *const names[] = {
		"a\"b.hat.com", "back\\\\slash\\.dot", "ctl\\001\\010",
		"raw\x01\x1f\n\t\x7f", "utf8-\xc3\xa9", "}{\",:",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct wn_event e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
		snprintf(e.qname, sizeof e.qname, "%s", names[i]);
		snprintf(e.answers, sizeof e.answers, "10 %s", names[i]);
		e.nanswers = 1;   /* one answer, commas and all, as events_from_msg says */
		e.answer_at[0] = 0;
		char *s = capture(events_json, &e, 1795663950.0);
		struct jfield f[20];
		int n = jparse(s, f, 20);
		ck_assert_msg(n == 16, "not one JSON object: %s", s);
		ck_assert_str_eq(jget(f, n, "qname")->str, names[i]);
		ck_assert_int_eq(jget(f, n, "answers")->narr, 1);
		ck_assert_str_eq(jget(f, n, "answers")->str + 3, names[i]);
		ck_assert_int_eq(count_char(s, '\n'), 1);   /* one line */
		free(s);
	}
}
END_TEST

/* events_json_line() writes what events_json() writes, or 0 and nothing
 * counted when a name or an answer needs escaping (decode then writes
 * the line with events_json()). */
static void json_line_same(const struct wn_event *e, double t_switch,
                           bool plain)
{
	char buf[EV_TSV_LINE_MAX];
	char *want = capture(events_json, e, t_switch);
	size_t n = events_json_line(buf, sizeof buf, e, t_switch);

	if (!plain) {
		ck_assert_msg(n == 0, "a line that needs escaping was written: %s", want);
	} else {
		ck_assert_msg(n > 0, "a plain line was refused: %s", want);
		ck_assert_msg(n == strlen(want) && memcmp(buf, want, n) == 0,
		              "\n got:  %.*s want: %s", (int)n, buf, want);
	}
	free(want);
}

START_TEST(json_line_matches_events_json)
{
	static const char *const odd[] = {
		"a\"b.hat.com", "back\\\\slash", "raw\x01", "tab\t", "utf8-\xc3\xa9",
	};
	struct wn_event e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);

	json_line_same(&e, -1, true);                 /* no answers, no switch */
	snprintf(e.answers, sizeof e.answers, "203.0.113.203,2001:db8::1");
	e.nanswers = 2;
	e.answer_at[0] = 0;
	e.answer_at[1] = 14;
	e.frame = 12345678901234ull;
	json_line_same(&e, 1795663950.0, true);
	snprintf(e.answers, sizeof e.answers, "10 a,b.hat.com,x.hat.com,[cut]");
	e.nanswers = 2;                               /* a name with a comma */
	e.answer_at[1] = 15;
	e.cut = true;
	json_line_same(&e, 1795663951.5, true);
	e.nanswers = 0;                               /* read back: commas only */
	e.cut = false;
	json_line_same(&e, 1795663951.5, true);
	snprintf(e.answers, sizeof e.answers, "[cut]");
	json_line_same(&e, 1795663951.5, true);
	e = mkevent(false, "2001:db8:100::2", 40000, "2001:db8:100::10", 53);
	e.proto = 6;
	e.qtype = 65;
	json_line_same(&e, 1e13, true);               /* IPv6, TYPE65, a huge offset */
	e.qname[0] = '\0';
	e.qtype = 0;
	json_line_same(&e, -1, true);                 /* no question: nulls */
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
		snprintf(e.qname, sizeof e.qname, "%s", odd[i]);
		json_line_same(&e, -1, false);
		snprintf(e.qname, sizeof e.qname, "hat.com");
		snprintf(e.answers, sizeof e.answers, "10 %s", odd[i]);
		json_line_same(&e, -1, false);
	}
}
END_TEST

/* ---- From frames ---- */

/* A raw-IPv4 frame of one UDP DNS message. */
static size_t frame_ipv4(uint8_t *f, const uint8_t src[4], const uint8_t dst[4],
                         unsigned sport, unsigned dport, const uint8_t *dns,
                         size_t dlen)
{
	memset(f, 0, 28);
	f[0] = 0x45;
	f[2] = (uint8_t)((28 + dlen) >> 8);
	f[3] = (uint8_t)(28 + dlen);
	f[8] = 64;
	f[9] = 17;
	memcpy(f + 12, src, 4);
	memcpy(f + 16, dst, 4);
	f[20] = (uint8_t)(sport >> 8);
	f[21] = (uint8_t)sport;
	f[22] = (uint8_t)(dport >> 8);
	f[23] = (uint8_t)dport;
	f[24] = (uint8_t)((8 + dlen) >> 8);
	f[25] = (uint8_t)(8 + dlen);
	memcpy(f + 28, dns, dlen);
	return 28 + dlen;
}

START_TEST(from_frame_classifies_by_server_side)
{
	static const uint8_t cli[4] = { 198, 51, 100, 2 }, old[4] = { 198, 51, 100, 10 },
	                     other[4] = { 192, 0, 2, 53 };
	static const uint8_t query[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'h', 'a', 't', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	};
	static const uint8_t resp[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		3, 'h', 'a', 't', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 203,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 1,
	};
	struct serverset sv;
	struct pkt_dns p;
	struct wn_event ev[PKT_MSGS_MAX];
	uint8_t frame[256];
	const char *why;
	events_default_servers(&sv);

	size_t n = frame_ipv4(frame, cli, old, 40000, 53, query, sizeof query);
	ck_assert_int_eq(pkt_decode(PKT_LINK_RAW, frame, n, &p, &why), PKT_DNS);
	ck_assert_uint_eq(events_from_frame(&p, 5.5, &sv, ev), 1);
	ck_assert_int_eq(ev[0].server, VD_OLD);
	ck_assert(!ev[0].qr);
	ck_assert_uint_eq(ev[0].id, 0x1234);
	ck_assert_str_eq(ev[0].qname, "hat.com");
	ck_assert(ev[0].t == 5.5);

	n = frame_ipv4(frame, old, cli, 53, 40000, resp, sizeof resp);
	ck_assert_int_eq(pkt_decode(PKT_LINK_RAW, frame, n, &p, &why), PKT_DNS);
	ck_assert_uint_eq(events_from_frame(&p, 6, &sv, ev), 1);
	ck_assert_int_eq(ev[0].server, VD_OLD);   /* a response: by its source */
	ck_assert_str_eq(ev[0].answers, "203.0.113.203,203.0.113.1");

	n = frame_ipv4(frame, cli, other, 40000, 53, query, sizeof query);
	ck_assert_int_eq(pkt_decode(PKT_LINK_RAW, frame, n, &p, &why), PKT_DNS);
	events_from_frame(&p, 7, &sv, ev);
	ck_assert_int_eq(ev[0].server, VD_OTHER);

	struct vd_query q;
	events_to_query(&ev[0], &q);
	ck_assert(q.t == 7 && q.to == VD_OTHER && q.id == 0x1234 && q.qtype == 1);
	ck_assert_uint_eq(q.qname_hash, vd_hash_name("HAT.com"));
}
END_TEST

/* "answers" is an array: an answer whose name holds a comma stays one
 * (its bounds come from the message), and [cut] becomes "cut": true. */
START_TEST(json_answers_array)
{
	static const uint8_t cli[4] = { 198, 51, 100, 2 }, old[4] = { 198, 51, 100, 10 };
	static const uint8_t resp[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		3, 'h', 'a', 't', 3, 'c', 'o', 'm', 0, 0, 12, 0, 1,
		0xc0, 0x0c, 0, 12, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'a', ',', 'b', 0xc0, 0x0c,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 1,
	};
	struct serverset sv;
	struct pkt_dns p;
	struct wn_event ev[PKT_MSGS_MAX];
	struct jfield f[20];
	uint8_t frame[256];
	const char *why;
	events_default_servers(&sv);
	size_t n = frame_ipv4(frame, old, cli, 53, 40000, resp, sizeof resp);
	ck_assert_int_eq(pkt_decode(PKT_LINK_RAW, frame, n, &p, &why), PKT_DNS);
	ck_assert_uint_eq(events_from_frame(&p, 6, &sv, ev), 1);
	ck_assert_str_eq(ev[0].answers, "a,b.hat.com,203.0.113.1");
	char *s = capture(events_json, &ev[0], -1);
	int k = jparse(s, f, 20);
	ck_assert_msg(k == 16, "not one JSON object: %s", s);
	ck_assert_int_eq(jget(f, k, "answers")->narr, 2);
	ck_assert_str_eq(jget(f, k, "answers")->str, "a,b.hat.com\n203.0.113.1");
	ck_assert(!jget(f, k, "cut")->b);
	free(s);

	/* Cut short: the mark is not an answer. */
	ev[0].cut = true;
	snprintf(ev[0].answers + strlen(ev[0].answers), 16, ",%s", EV_CUT_MARK);
	s = capture(events_json, &ev[0], -1);
	k = jparse(s, f, 20);
	ck_assert_str_eq(jget(f, k, "answers")->str, "a,b.hat.com\n203.0.113.1");
	ck_assert(jget(f, k, "cut")->b);
	free(s);
}
END_TEST

/* An event read back from events.tsv knows only the commas and the mark. */
START_TEST(json_answers_from_tsv)
{
	static const struct { const char *answers, *json; } rows[] = {
		{ "", "\"answers\":[],\"cut\":false," },
		{ "203.0.113.203,203.0.113.1", "\"answers\":[\"203.0.113.203\",\"203.0.113.1\"],\"cut\":false," },
		{ "203.0.113.203,[cut]", "\"answers\":[\"203.0.113.203\"],\"cut\":true," },
		{ "[cut]", "\"answers\":[],\"cut\":true," },
		{ "x[cut]", "\"answers\":[\"x[cut]\"],\"cut\":false," },
	};
	for (int i = 0; i < NROWS(rows); i++) {
		struct wn_event e = mkevent(true, "198.51.100.10", 53, "198.51.100.2", 1);
		snprintf(e.answers, sizeof e.answers, "%s", rows[i].answers);
		char *s = capture(events_json, &e, -1);
		ck_assert_has(s, rows[i].json);
		free(s);
	}
}
END_TEST

START_TEST(servers_limits)
{
	struct serverset s;
	struct pkt_addr a;
	char addr[32];
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(events_add_server(&s, VD_OLD, "192.0.2.1"), 0);
	ck_assert_int_eq(events_add_server(&s, VD_OLD, "2001:db8::1"), 0);
	ck_assert_int_eq(events_add_server(&s, VD_NEW, "192.0.2.999"), -1);
	ck_assert_int_eq(events_add_server(&s, VD_NEW, ""), -1);
	ck_assert_int_eq(events_add_server(&s, VD_OTHER, "192.0.2.9"), -1);
	ck_assert_uint_eq(s.n, 2);
	pkt_addr_parse("2001:db8::1", &a);
	ck_assert_int_eq(serverset_role(&s, &a), VD_OLD);
	pkt_addr_parse("192.0.2.3", &a);
	ck_assert_int_eq(serverset_role(&s, &a), VD_OTHER);
	/* Any number up to SS_MAX in all; one given as both is kept. */
	for (int i = 2; i < SS_MAX; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", 10 + i);
		ck_assert_int_eq(events_add_server(&s, i % 2 ? VD_OLD : VD_NEW, addr),
		                 0);
	}
	ck_assert_int_eq(events_add_server(&s, VD_OLD, "192.0.2.3"), -1);  /* full */
	ck_assert_int_eq(events_add_server(&s, VD_NEW, "192.0.2.1"), 0);
	pkt_addr_parse("192.0.2.1", &a);
	ck_assert_int_eq(serverset_role(&s, &a), VD_KEPT);
	pkt_addr_parse("192.0.2.13", &a);
	ck_assert_int_eq(serverset_role(&s, &a), VD_OLD);
	ck_assert_str_eq(events_server_name(VD_OLD), "old");
	ck_assert_str_eq(events_server_name(VD_NEW), "new");
	ck_assert_str_eq(events_server_name(VD_OTHER), "other");
	ck_assert_str_eq(events_server_name(VD_KEPT), "kept");
}
END_TEST

Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, tsv_header_columns);
	tcase_add_test(tc, tsv_query);
	tcase_add_test(tc, tsv_response_ipv6_tcp_no_switch);
	tcase_add_test(tc, tsv_numbers_match_printf);
	tcase_add_test(tc, json_query_fields);
	tcase_add_test(tc, json_response_fields);
	tcase_add_test(tc, json_no_question);
	tcase_add_test(tc, from_frame_classifies_by_server_side);
	tcase_add_test(tc, servers_limits);
	tcase_add_test(tc, json_answers_array);
	tcase_add_test(tc, json_answers_from_tsv);
	suite_add_tcase(s, tc);
	tc = tcase_create("Escaping");
	tcase_add_test(tc, json_escapes_hostile_name);
	tcase_add_test(tc, json_line_matches_events_json);
	suite_add_tcase(s, tc);
	return s;
}
