/*
 * check_dns.c - unit tests of dns_parse() and its name helpers.
 *
 * Messages are assembled byte by byte with the put_* helpers below (the
 * bytes and numbers from testutil.h, the DNS pieces here), so every test
 * shows the wire layout it feeds in; the malformed tables list their bytes
 * outright.  Malformed inputs each assert the exact status, and the reason
 * where it matters.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "suites.h"
#include "testutil.h"

#define CLASS_IN 1

static void put_label(struct wire *w, const char *label)
{
	put8(w, (unsigned)strlen(label));
	put_bytes(w, label, strlen(label));
}

/* "hat.com" as uncompressed labels; "" is the root. */
static void put_name(struct wire *w, const char *dotted)
{
	char copy[256];

	ck_assert_uint_lt(strlen(dotted), sizeof copy);
	strcpy(copy, dotted);
	for (char *save = NULL, *l = strtok_r(copy, ".", &save); l;
	     l = strtok_r(NULL, ".", &save))
		put_label(w, l);
	put8(w, 0);
}

static void put_ptr(struct wire *w, size_t off)
{
	put16(w, 0xc000 | (unsigned)off);
}

static void put_header(struct wire *w, unsigned id, unsigned flags,
                       unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	put16(w, id);
	put16(w, flags);
	put16(w, qd);
	put16(w, an);
	put16(w, ns);
	put16(w, ar);
}

static void put_question(struct wire *w, const char *name, unsigned type)
{
	put_name(w, name);
	put16(w, type);
	put16(w, CLASS_IN);
}

/* Type, class, TTL and a zero rdlength; returns where the rdlength sits
 * so rdlength_fix() can fill it in once the rdata is written. */
static size_t put_rr_head(struct wire *w, unsigned type, unsigned rclass)
{
	put16(w, type);
	put16(w, rclass);
	put32(w, 300);
	put16(w, 0);
	return w->n - 2;
}

static void rdlength_fix(struct wire *w, size_t at)
{
	size_t len = w->n - at - 2;
	w->b[at] = (uint8_t)(len >> 8);
	w->b[at + 1] = (uint8_t)len;
}

static const uint8_t addr_a[4] = { 203, 0, 113, 203 };
static const uint8_t addr_aaaa[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0x02, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x03,
};

/*
 * A response for hat.com ANY: answers A, AAAA, MX "10 mail.hat.com" and
 * NS "ns1.hat.com", an authority NS and an EDNS OPT record.  Every owner
 * name and the MX/NS targets point back at the question name (offset 12).
 */
static void response_build(struct wire *w)
{
	size_t at;

	w->n = 0;
	put_header(w, 0x1234, 0x8580, 1, 4, 1, 1);
	put_question(w, "hat.com", 255);

	put_ptr(w, 12);
	at = put_rr_head(w, DNS_T_A, CLASS_IN);
	put_bytes(w, addr_a, sizeof addr_a);
	rdlength_fix(w, at);

	put_ptr(w, 12);
	at = put_rr_head(w, DNS_T_AAAA, CLASS_IN);
	put_bytes(w, addr_aaaa, sizeof addr_aaaa);
	rdlength_fix(w, at);

	put_ptr(w, 12);
	at = put_rr_head(w, DNS_T_MX, CLASS_IN);
	put16(w, 10);
	put_label(w, "mail");
	put_ptr(w, 12);
	rdlength_fix(w, at);

	put_ptr(w, 12);
	at = put_rr_head(w, DNS_T_NS, CLASS_IN);
	put_label(w, "ns1");
	put_ptr(w, 12);
	rdlength_fix(w, at);

	put_ptr(w, 12); /* authority */
	at = put_rr_head(w, DNS_T_NS, CLASS_IN);
	put_label(w, "ns2");
	put_ptr(w, 12);
	rdlength_fix(w, at);

	put8(w, 0);     /* additional: OPT, class = UDP payload size */
	put_rr_head(w, DNS_T_OPT, 1232);
}

/* A query header and a question of one answer-less record set up by the
 * caller; used by tests that only vary one answer. */
static void answer_start(struct wire *w, unsigned type)
{
	w->n = 0;
	put_header(w, 1, 0x8180, 1, 1, 0, 0);
	put_question(w, "hat.com", type);
	put_ptr(w, 12);
}

/* The message alone in a block of its exact size (see wire_exact). */
static enum dns_status parse_len(const struct wire *w, size_t len,
                                 struct dns_msg *m, const char **why)
{
	uint8_t *exact = wire_exact(w, len);
	enum dns_status st = dns_parse(exact, len, m, why);
	free(exact);
	return st;
}

static enum dns_status parse(const struct wire *w, struct dns_msg *m,
                             const char **why)
{
	return parse_len(w, w->n, m, why);
}

/* Core */

START_TEST(test_query_hat_com_a)
{
	struct dns_msg m;
	static const uint8_t query[] = {
		0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'a', 't',
		0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
	};
	const char *why = "unset";

	ck_assert_int_eq(dns_parse(query, sizeof query, &m, &why), DNS_OK);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(m.id, 0xbeef);
	ck_assert(!m.qr);
	ck_assert(m.rd);
	ck_assert(!m.aa && !m.tc && !m.ra);
	ck_assert_uint_eq(m.opcode, 0);
	ck_assert_uint_eq(m.qdcount, 1);
	ck_assert_uint_eq(m.ancount, 0);
	ck_assert(m.has_question);
	ck_assert_str_eq(m.qname, "hat.com");
	ck_assert_uint_eq(m.qtype, DNS_T_A);
	ck_assert_uint_eq(m.qclass, CLASS_IN);
	ck_assert_uint_eq(m.nanswers, 0);
}
END_TEST

START_TEST(test_response_compressed)
{
	struct wire w;
	struct dns_msg m;

	response_build(&w);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert(m.qr && m.aa && m.rd && m.ra);
	ck_assert_uint_eq(m.rcode, 0);
	ck_assert_uint_eq(m.ancount, 4);
	ck_assert_uint_eq(m.nscount, 1);
	ck_assert_uint_eq(m.arcount, 1);
	ck_assert_str_eq(m.qname, "hat.com");
	ck_assert_uint_eq(m.qtype, 255);
	ck_assert_uint_eq(m.nanswers, 4);

	ck_assert_str_eq(m.answers[0].name, "hat.com");
	ck_assert_uint_eq(m.answers[0].type, DNS_T_A);
	ck_assert_uint_eq(m.answers[0].rclass, CLASS_IN);
	ck_assert_uint_eq(m.answers[0].ttl, 300);
	ck_assert_str_eq(m.answers[0].data, "203.0.113.203");
	ck_assert_uint_eq(m.answers[1].type, DNS_T_AAAA);
	ck_assert_str_eq(m.answers[1].data, "2001:db8:203::203");
	ck_assert_uint_eq(m.answers[2].type, DNS_T_MX);
	ck_assert_str_eq(m.answers[2].data, "10 mail.hat.com");
	ck_assert_uint_eq(m.answers[3].type, DNS_T_NS);
	ck_assert_str_eq(m.answers[3].name, "hat.com");
	ck_assert_str_eq(m.answers[3].data, "ns1.hat.com");
}
END_TEST

START_TEST(test_root_name)
{
	struct wire w;
	struct dns_msg m;
	size_t at;

	w.n = 0;
	put_header(&w, 7, 0x8400, 1, 1, 0, 0);
	put_question(&w, "", DNS_T_NS);
	put_ptr(&w, 12);
	at = put_rr_head(&w, DNS_T_NS, CLASS_IN);
	put8(&w, 0); /* NS "." */
	rdlength_fix(&w, at);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_str_eq(m.qname, ".");
	ck_assert_str_eq(m.answers[0].name, ".");
	ck_assert_str_eq(m.answers[0].data, ".");
}
END_TEST

START_TEST(test_cname_ptr_and_other_types)
{
	struct wire w;
	struct dns_msg m;
	size_t at;

	w.n = 0;
	put_header(&w, 2, 0x8180, 1, 3, 0, 0);
	put_question(&w, "www.hat.com", DNS_T_A);
	put_ptr(&w, 12);
	at = put_rr_head(&w, DNS_T_CNAME, CLASS_IN);
	put_ptr(&w, 16); /* "hat.com" inside "www.hat.com" */
	rdlength_fix(&w, at);
	put_ptr(&w, 16);
	at = put_rr_head(&w, DNS_T_PTR, CLASS_IN);
	put_name(&w, "x.example");
	rdlength_fix(&w, at);
	put_ptr(&w, 16);
	at = put_rr_head(&w, DNS_T_TXT, CLASS_IN);
	put_label(&w, "v=spf1 -all");
	rdlength_fix(&w, at);

	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(m.nanswers, 3);
	ck_assert_str_eq(m.answers[0].name, "www.hat.com");
	ck_assert_str_eq(m.answers[0].data, "hat.com");
	ck_assert_str_eq(m.answers[1].name, "hat.com");
	ck_assert_str_eq(m.answers[1].data, "x.example");
	ck_assert_uint_eq(m.answers[2].type, DNS_T_TXT);
	ck_assert_str_eq(m.answers[2].data, "");
}
END_TEST

START_TEST(test_flags_and_rcode)
{
	struct wire w;
	struct dns_msg m;

	w.n = 0;
	put_header(&w, 0xffff, 0x8000 | 2 << 11 | 0x0200 | 3, 1, 0, 0, 0);
	put_question(&w, "nope.hat.com", DNS_T_AAAA);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(m.id, 0xffff);
	ck_assert(m.qr && m.tc);
	ck_assert(!m.aa && !m.rd && !m.ra);
	ck_assert_uint_eq(m.opcode, 2);
	ck_assert_uint_eq(m.rcode, 3);
	ck_assert_str_eq(dns_rcode_name(m.rcode), "NXDOMAIN");
}
END_TEST

START_TEST(test_escaped_labels)
{
	struct wire w;
	struct dns_msg m;
	static const uint8_t odd[] = { 3, 'a', '.', 'b', 3, 0x01, ' ', '\\' };

	w.n = 0;
	put_header(&w, 3, 0x0100, 1, 0, 0, 0);
	put_bytes(&w, odd, sizeof odd);
	put_name(&w, "com");
	put16(&w, DNS_T_A);
	put16(&w, CLASS_IN);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_str_eq(m.qname, "a\\.b.\\001\\032\\\\.com");
}
END_TEST

/* An A answer's address is formatted by hand: every octet value in every
 * position reads as inet_ntop() writes it. */
START_TEST(test_a_every_octet)
{
	struct wire w;
	struct dns_msg m;
	char want[INET_ADDRSTRLEN];

	for (unsigned v = 0; v < 256; v++) {
		uint8_t a[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7),
		                 (uint8_t)(v / 3) };
		w.n = 0;
		put_header(&w, 1, 0x8180, 1, 1, 0, 0);
		put_question(&w, "hat.com", DNS_T_A);
		put_ptr(&w, 12);
		size_t at = put_rr_head(&w, DNS_T_A, CLASS_IN);
		put_bytes(&w, a, sizeof a);
		rdlength_fix(&w, at);
		ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, a, want, sizeof want));
		ck_assert_str_eq(m.answers[0].data, want);
	}
}
END_TEST

/* An answer's name that points at the question's (c0 0c) is taken from
 * the question, already presented: the same text as expanding it,
 * escapes included; without a question the same pointer is refused. */
START_TEST(test_answer_name_points_at_question)
{
	struct wire w;
	struct dns_msg m;
	static const uint8_t odd[] = { 3, 'a', '.', 'b', 3, 0x01, ' ', '\\', 0 };

	w.n = 0;
	put_header(&w, 3, 0x8180, 1, 2, 0, 0);
	put_bytes(&w, odd, sizeof odd);
	put16(&w, DNS_T_A);
	put16(&w, CLASS_IN);
	put_ptr(&w, 12);
	size_t at = put_rr_head(&w, DNS_T_A, CLASS_IN);
	put_bytes(&w, addr_a, sizeof addr_a);
	rdlength_fix(&w, at);
	put_ptr(&w, 16);   /* the second label on: expanded, not copied */
	at = put_rr_head(&w, DNS_T_A, CLASS_IN);
	put_bytes(&w, addr_a, sizeof addr_a);
	rdlength_fix(&w, at);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_str_eq(m.qname, "a\\.b.\\001\\032\\\\");
	ck_assert_str_eq(m.answers[0].name, m.qname);
	ck_assert_str_eq(m.answers[1].name, "\\001\\032\\\\");

	w.n = 0;   /* no question: offset 12 is the answer itself */
	put_header(&w, 3, 0x8180, 0, 1, 0, 0);
	put_ptr(&w, 12);
	at = put_rr_head(&w, DNS_T_A, CLASS_IN);
	put_bytes(&w, addr_a, sizeof addr_a);
	rdlength_fix(&w, at);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_INVALID);
}
END_TEST

START_TEST(test_names_of_things)
{
	char buf[12];

	ck_assert_str_eq(dns_type_name(DNS_T_A, buf, sizeof buf), "A");
	ck_assert_str_eq(dns_type_name(DNS_T_AAAA, buf, sizeof buf), "AAAA");
	ck_assert_str_eq(dns_type_name(DNS_T_MX, buf, sizeof buf), "MX");
	ck_assert_str_eq(dns_type_name(65, buf, sizeof buf), "TYPE65");
	ck_assert_str_eq(dns_type_name(65535, buf, sizeof buf), "TYPE65535");
	ck_assert_str_eq(dns_rcode_name(0), "NOERROR");
	ck_assert_str_eq(dns_rcode_name(2), "SERVFAIL");
	ck_assert_str_eq(dns_rcode_name(5), "REFUSED");
	ck_assert_str_eq(dns_rcode_name(200), "RCODE?");
	ck_assert_str_eq(dns_status_name(DNS_OK), "ok");
	ck_assert_str_eq(dns_status_name(DNS_TRUNCATED), "truncated");
	ck_assert_str_eq(dns_status_name(DNS_INVALID), "invalid");
}
END_TEST

/* Limits */

/* Labels of the given sizes, each byte fill, then the root. */
static void put_long_name(struct wire *wp, const size_t *sizes, size_t n,
                          uint8_t fill)
{
	for (size_t i = 0; i < n; i++) {
		put8(wp, (unsigned)sizes[i]);
		for (size_t j = 0; j < sizes[i]; j++)
			put8(wp, fill);
	}
}

static void long_query(struct wire *wp, const size_t *sizes, size_t n, uint8_t fill)
{
	wp->n = 0;
	put_header(wp, 4, 0x0100, 1, 0, 0, 0);
	put_long_name(wp, sizes, n, fill);
	put8(wp, 0);
	put16(wp, DNS_T_A);
	put16(wp, CLASS_IN);
}

START_TEST(test_name_255_bytes_ok)
{
	struct wire w;
	struct dns_msg m;
	static const size_t sizes[] = { 63, 63, 63, 61 }; /* 4 + 250 + 1 = 255 */

	long_query(&w, sizes, 4, 'x');
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(strlen(m.qname), 253);
	ck_assert_int_eq(m.qname[63], '.');
}
END_TEST

START_TEST(test_name_256_bytes_invalid)
{
	struct wire w;
	struct dns_msg m;
	static const size_t sizes[] = { 63, 63, 63, 62 };
	const char *why = NULL;

	long_query(&w, sizes, 4, 'x');
	ck_assert_int_eq(parse(&w, &m, &why), DNS_INVALID);
	ck_assert_str_eq(why, "dns: question name: longer than 255 bytes");
}
END_TEST

/* The limit counts the expanded name, not the bytes in place. */
static void compressed_long(struct wire *wp, size_t first_label)
{
	static const size_t sizes[] = { 63, 63, 63 }; /* 193 bytes with root */
	char label[64];
	size_t at;

	wp->n = 0;
	put_header(wp, 5, 0x8180, 1, 1, 0, 0);
	put_long_name(wp, sizes, 3, 'q');
	put8(wp, 0);
	put16(wp, DNS_T_A);
	put16(wp, CLASS_IN);
	memset(label, 'p', first_label);
	label[first_label] = '\0';
	put_label(wp, label);
	put_ptr(wp, 12);
	at = put_rr_head(wp, DNS_T_A, CLASS_IN);
	put_bytes(wp, addr_a, 4);
	rdlength_fix(wp, at);
}

START_TEST(test_compressed_name_limit)
{
	struct wire w;
	struct dns_msg m;
	const char *why = NULL;

	compressed_long(&w, 61); /* 62 + 193 = 255 */
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(strlen(m.answers[0].name), 61 + 1 + 191);
	compressed_long(&w, 62); /* 256 */
	ck_assert_int_eq(parse(&w, &m, &why), DNS_INVALID);
	ck_assert_str_eq(why, "dns: answer name: longer than 255 bytes");
}
END_TEST

/* 250 bytes of \001 present as 1000 characters: cut, never overflowed. */
START_TEST(test_presentation_cut_safely)
{
	struct wire w;
	struct dns_msg m;
	static const size_t sizes[] = { 63, 63, 63, 61 };

	long_query(&w, sizes, 4, 0x01);
	memset(m.qname, 'Z', sizeof m.qname);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(strlen(m.qname), 63 * 4);
	ck_assert_int_eq(strncmp(m.qname, "\\001\\001", 8), 0);
	ck_assert_int_eq(m.qname[strlen(m.qname) - 1], '1');
}
END_TEST

START_TEST(test_label_63_ok_64_invalid)
{
	struct wire w;
	struct dns_msg m;
	static const size_t ok[] = { 63 };
	const char *why = NULL;

	long_query(&w, ok, 1, 'a');
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(strlen(m.qname), 63);
	w.b[12] = 64; /* 0x40: an extended label type, not a length */
	ck_assert_int_eq(parse(&w, &m, &why), DNS_INVALID);
	ck_assert_str_eq(why, "dns: question name: unknown label type");
	w.b[12] = 0x80;
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_INVALID);
}
END_TEST

/* Answer k's owner is a pointer to answer k-1's owner, so it takes k+1
 * hops to reach the root question name. */
static void pointer_chain(struct wire *wp, unsigned answers)
{
	size_t prev = 12;

	wp->n = 0;
	put_header(wp, 6, 0x8180, 1, answers, 0, 0);
	put_question(wp, "", DNS_T_TXT);
	for (unsigned i = 0; i < answers; i++) {
		size_t here = wp->n;
		put_ptr(wp, prev);
		put_rr_head(wp, DNS_T_TXT, CLASS_IN);
		prev = here;
	}
}

START_TEST(test_pointer_hop_limit)
{
	struct wire w;
	struct dns_msg m;
	const char *why = NULL;

	pointer_chain(&w, 64);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(m.nanswers, DNS_ANSWERS_MAX);
	ck_assert_str_eq(m.answers[DNS_ANSWERS_MAX - 1].name, ".");
	pointer_chain(&w, 65);
	ck_assert_int_eq(parse(&w, &m, &why), DNS_INVALID);
	ck_assert_str_eq(why, "dns: answer name: too many compression pointers");
}
END_TEST

static void many_a(struct wire *wp, unsigned count, unsigned bad_index)
{
	wp->n = 0;
	put_header(wp, 8, 0x8180, 1, count, 0, 0);
	put_question(wp, "hat.com", DNS_T_A);
	for (unsigned i = 0; i < count; i++) {
		uint8_t a[5] = { 203, 0, 113, (uint8_t)i, 0 };
		put_ptr(wp, 12);
		size_t at = put_rr_head(wp, DNS_T_A, CLASS_IN);
		put_bytes(wp, a, i == bad_index ? 5 : 4);
		rdlength_fix(wp, at);
	}
}

START_TEST(test_answers_past_max_kept_counted_checked)
{
	struct wire w;
	struct dns_msg m;

	many_a(&w, DNS_ANSWERS_MAX + 4, ~0u);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(m.ancount, DNS_ANSWERS_MAX + 4);
	ck_assert_uint_eq(m.nanswers, DNS_ANSWERS_MAX);
	ck_assert_str_eq(m.answers[DNS_ANSWERS_MAX - 1].data, "203.0.113.15");
	/* An answer that is not kept is still checked. */
	many_a(&w, DNS_ANSWERS_MAX + 4, DNS_ANSWERS_MAX + 1);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_INVALID);
}
END_TEST

START_TEST(test_question_counts)
{
	struct wire w;
	struct dns_msg m;

	w.n = 0;
	put_header(&w, 9, 0x0100, 0, 0, 0, 0);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert(!m.has_question);
	ck_assert_str_eq(m.qname, "");

	w.n = 0;
	put_header(&w, 9, 0x0100, 2, 0, 0, 0);
	put_question(&w, "hat.com", DNS_T_A);
	put_question(&w, "other.example", DNS_T_MX);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_str_eq(m.qname, "hat.com");
	ck_assert_uint_eq(m.qtype, DNS_T_A);
	w.n -= 3; /* the second question is still bounds-checked */
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_TRUNCATED);
}
END_TEST

START_TEST(test_trailing_bytes_ignored)
{
	struct wire w;
	struct dns_msg m;

	response_build(&w);
	put16(&w, 0xdead);
	ck_assert_int_eq(parse(&w, &m, NULL), DNS_OK);
	ck_assert_uint_eq(m.nanswers, 4);
}
END_TEST

/* Malformed */

START_TEST(test_header_truncated)
{
	struct wire w;
	struct dns_msg m;
	const char *why = NULL;
	size_t len = (size_t)_i;

	response_build(&w);
	ck_assert_int_eq(parse_len(&w, len, &m, &why), DNS_TRUNCATED);
	ck_assert_str_eq(why, "dns: header");
	ck_assert(!m.cut);       /* the caller's to set */
	ck_assert_uint_eq(m.qdcount, 0);
	ck_assert(!m.has_question);
	/* The id and flags survive once they are there: a message cut by the
	 * capture still says whether it is a query. */
	if (len < DNS_ID_FLAGS_LEN) {
		ck_assert_uint_eq(m.id, 0);
		ck_assert(!m.qr);
	} else {
		ck_assert_uint_eq(m.id, 0x1234);
		ck_assert(m.qr && m.aa && m.rd && m.ra);
	}
}
END_TEST

/* A query header (id 10, one question), then these bytes where the
 * question goes. */
static const struct {
	const char     *name;
	uint8_t         q[16];
	size_t          n;
	enum dns_status st;
	const char     *why;    /* NULL: any reason */
} question_rows[] = {
	{ "label-past-end", { 3, 'h', 'a' }, 3,
	  DNS_TRUNCATED, "dns: question name: label past end" },
	{ "pointer-to-itself", { 0xc0, 12, 0, DNS_T_A, 0, CLASS_IN }, 6,
	  DNS_INVALID, "dns: question name: compression pointer not backwards" },
	/* A label then a pointer back to that same name's start: a loop too. */
	{ "pointer-loop-via-label",
	  { 3, 'h', 'a', 't', 0xc0, 12, 0, DNS_T_A, 0, CLASS_IN }, 10,
	  DNS_INVALID, NULL },
	/* Past the type and class, at a real name. */
	{ "forward-pointer",
	  { 0xc0, 18, 0, DNS_T_A, 0, CLASS_IN, 3, 'h', 'a', 't', 3, 'c', 'o', 'm', 0 },
	  15, DNS_INVALID, "dns: question name: compression pointer not backwards" },
	{ "pointer-cut", { 0xc0 }, 1, DNS_TRUNCATED, NULL },
};

START_TEST(test_bad_question)
{
	struct wire w = { .n = 0 };
	struct dns_msg m;
	const char *why = NULL;

	put_header(&w, 10, 0x0100, 1, 0, 0, 0);
	put_bytes(&w, question_rows[_i].q, question_rows[_i].n);
	enum dns_status st = parse(&w, &m, &why);
	ck_assert_msg(st == question_rows[_i].st, "%s: %s (%s)", question_rows[_i].name,
	              dns_status_name(st), why ? why : "-");
	ck_assert_ptr_nonnull(why);
	if (question_rows[_i].why)
		ck_assert_str_eq(why, question_rows[_i].why);
	ck_assert_uint_eq(m.id, 10); /* the header survives */
}
END_TEST

/* One answer after answer_start(): its rdata starts at RDATA_AT, and its
 * rdlength is the rdata's own length unless a row claims another. */
#define RDATA_AT 37
#define OWN      (~0u)

static const struct {
	const char     *name;
	uint16_t        type;
	uint8_t         rdata[16];
	size_t          n;
	unsigned        rdlength;
	enum dns_status st;
	const char     *why;    /* NULL: any reason */
} rdata_rows[] = {
	{ "a-0", DNS_T_A, { 0 }, 0, OWN,
	  DNS_INVALID, "dns: answer A: rdata length not 4" },
	{ "a-3", DNS_T_A, { 1, 1, 1 }, 3, OWN,
	  DNS_INVALID, "dns: answer A: rdata length not 4" },
	{ "a-5", DNS_T_A, { 1, 1, 1, 1, 1 }, 5, OWN,
	  DNS_INVALID, "dns: answer A: rdata length not 4" },
	{ "a-16", DNS_T_A, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 16, OWN,
	  DNS_INVALID, "dns: answer A: rdata length not 4" },
	{ "aaaa-4", DNS_T_AAAA, { 203, 0, 113, 203 }, 4, OWN,
	  DNS_INVALID, "dns: answer AAAA: rdata length not 16" },
	/* Claims one byte more than the message holds. */
	{ "rdlength-past-end", DNS_T_A, { 203, 0, 113, 203 }, 4, 5,
	  DNS_TRUNCATED, "dns: answer: rdata past end" },
	{ "rdlength-far-past-end", DNS_T_A, { 203, 0, 113, 203 }, 4, 0xff05,
	  DNS_TRUNCATED, NULL },
	/* The pointer's last byte: in the message, not the rdata. */
	{ "name-longer-than-rdlength", DNS_T_NS, { 3, 'n', 's', '1', 0xc0, 12 }, 6, 5,
	  DNS_INVALID, "dns: answer rdata name: runs past rdlength" },
	/* A stray byte inside the rdata. */
	{ "name-shorter-than-rdlength", DNS_T_CNAME, { 0xc0, 12, 0 }, 3, OWN,
	  DNS_INVALID, "dns: answer rdata: shorter than rdlength" },
	{ "name-pointer-to-itself", DNS_T_PTR, { 0xc0, RDATA_AT }, 2, OWN,
	  DNS_INVALID, NULL },
	{ "mx-too-short", DNS_T_MX, { 10 }, 1, OWN,
	  DNS_INVALID, "dns: answer MX: rdata too short" },
};

START_TEST(test_bad_rdata)
{
	struct wire w;
	struct dns_msg m;
	const char *why = NULL;
	unsigned claim = rdata_rows[_i].rdlength;

	answer_start(&w, rdata_rows[_i].type);
	size_t at = put_rr_head(&w, rdata_rows[_i].type, CLASS_IN);
	ck_assert_uint_eq(w.n, RDATA_AT);
	put_bytes(&w, rdata_rows[_i].rdata, rdata_rows[_i].n);
	rdlength_fix(&w, at);
	if (claim != OWN) {
		w.b[at] = (uint8_t)(claim >> 8);
		w.b[at + 1] = (uint8_t)claim;
	}
	enum dns_status st = parse(&w, &m, &why);
	ck_assert_msg(st == rdata_rows[_i].st, "%s: %s (%s)", rdata_rows[_i].name,
	              dns_status_name(st), why ? why : "-");
	ck_assert_ptr_nonnull(why);
	if (rdata_rows[_i].why)
		ck_assert_str_eq(why, rdata_rows[_i].why);
}
END_TEST

/* Cutting a valid response anywhere leaves a field it announced missing. */
START_TEST(test_every_prefix_truncated)
{
	struct wire w;
	struct dns_msg m;

	response_build(&w);
	for (size_t len = 0; len < w.n; len++) {
		const char *why = NULL;
		enum dns_status st = parse_len(&w, len, &m, &why);
		ck_assert_msg(st == DNS_TRUNCATED, "prefix %zu of %zu: %s (%s)",
		              len, w.n, dns_status_name(st), why ? why : "-");
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

static void assert_terminated(const char *s, size_t size)
{
	ck_assert_uint_lt(strnlen(s, size), size);
}

/* Every single-byte change of a valid response: decoded or refused, but
 * every string stays inside its buffer (run under ASan to mean much). */
START_TEST(test_every_byte_mutated)
{
	struct wire w;
	struct dns_msg m;
	struct wire orig;
	size_t ok = 0, bad = 0;

	response_build(&orig);
	for (size_t at = 0; at < orig.n; at++) {
		for (unsigned v = 0; v < 256; v++) {
			w = orig;
			w.b[at] = (uint8_t)v;
			enum dns_status st = parse(&w, &m, NULL);
			ck_assert(st == DNS_OK || st == DNS_TRUNCATED || st == DNS_INVALID);
			assert_terminated(m.qname, sizeof m.qname);
			ck_assert_uint_le(m.nanswers, DNS_ANSWERS_MAX);
			for (size_t i = 0; i < m.nanswers; i++) {
				assert_terminated(m.answers[i].name, sizeof m.answers[i].name);
				assert_terminated(m.answers[i].data, sizeof m.answers[i].data);
			}
			if (st == DNS_OK)
				ok++;
			else
				bad++;
		}
	}
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(bad, 0);
}
END_TEST

/* Types: dns_type_parse() for "only MX" and "whichns exec --only" */

/* Names dns_type_name() gives, any case; TYPEnn and unknown words never. */
static const struct {
	const char *in;
	int         rc;
	uint16_t    type;
} type_rows[] = {
	{ "MX", 0, DNS_T_MX }, { "mx", 0, DNS_T_MX }, { "Mx", 0, DNS_T_MX },
	{ "AAAA", 0, DNS_T_AAAA }, { "aaaa", 0, DNS_T_AAAA }, { "A", 0, DNS_T_A },
	{ "NS", 0, DNS_T_NS }, { "CNAME", 0, DNS_T_CNAME }, { "SOA", 0, DNS_T_SOA },
	{ "PTR", 0, DNS_T_PTR }, { "TXT", 0, DNS_T_TXT }, { "SRV", 0, 33 },
	{ "OPT", 0, DNS_T_OPT }, { "ANY", 0, 255 },
	{ "TYPE15", -1, 0 }, { "TYPE1", -1, 0 }, { "type28", -1, 0 },
	{ "TYPE?", -1, 0 }, { "", -1, 0 }, { "NAPTR", -1, 0 }, { "MXX", -1, 0 },
	{ "M", -1, 0 }, { "AAA", -1, 0 }, { " MX", -1, 0 }, { "MX ", -1, 0 },
	{ "15", -1, 0 },
};

START_TEST(test_type_parse)
{
	uint16_t type = 4242;
	int rc = dns_type_parse(type_rows[_i].in, &type);
	ck_assert_msg(rc == type_rows[_i].rc, "'%s': rc %d, want %d",
	              type_rows[_i].in, rc, type_rows[_i].rc);
	/* A failed parse leaves the caller's value alone. */
	ck_assert_uint_eq(type, rc == 0 ? type_rows[_i].type : 4242);
}
END_TEST

/* Every name dns_type_name() gives parses back to its type. */
START_TEST(test_type_round_trip)
{
	char buf[16];
	unsigned named = 0;
	for (unsigned t = 0; t <= 65535; t++) {
		const char *name = dns_type_name((uint16_t)t, buf, sizeof buf);
		uint16_t back = 0;
		if (strncmp(name, "TYPE", 4) == 0) {
			ck_assert_int_eq(dns_type_parse(name, &back), -1);
			continue;
		}
		ck_assert_int_eq(dns_type_parse(name, &back), 0);
		ck_assert_uint_eq(back, t);
		named++;
	}
	ck_assert_uint_eq(named, 11);
}
END_TEST

Suite *dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");
	TCase *bad = tcase_create("Malformed");

	tcase_add_test(core, test_query_hat_com_a);
	tcase_add_test(core, test_response_compressed);
	tcase_add_test(core, test_a_every_octet);
	tcase_add_test(core, test_answer_name_points_at_question);
	tcase_add_test(core, test_root_name);
	tcase_add_test(core, test_cname_ptr_and_other_types);
	tcase_add_test(core, test_flags_and_rcode);
	tcase_add_test(core, test_escaped_labels);
	tcase_add_test(core, test_names_of_things);
	suite_add_tcase(s, core);

	tcase_add_test(limits, test_name_255_bytes_ok);
	tcase_add_test(limits, test_name_256_bytes_invalid);
	tcase_add_test(limits, test_compressed_name_limit);
	tcase_add_test(limits, test_presentation_cut_safely);
	tcase_add_test(limits, test_label_63_ok_64_invalid);
	tcase_add_test(limits, test_pointer_hop_limit);
	tcase_add_test(limits, test_answers_past_max_kept_counted_checked);
	tcase_add_test(limits, test_question_counts);
	tcase_add_test(limits, test_trailing_bytes_ignored);
	suite_add_tcase(s, limits);

	tcase_add_loop_test(bad, test_header_truncated, 0, 12);
	tcase_add_loop_test(bad, test_bad_question, 0, NROWS(question_rows));
	tcase_add_loop_test(bad, test_bad_rdata, 0, NROWS(rdata_rows));
	tcase_add_test(bad, test_every_prefix_truncated);
	tcase_add_test(bad, test_every_byte_mutated);
	suite_add_tcase(s, bad);

	TCase *types = tcase_create("Types");
	tcase_add_loop_test(types, test_type_parse, 0, NROWS(type_rows));
	tcase_add_test(types, test_type_round_trip);
	suite_add_tcase(s, types);
	return s;
}
