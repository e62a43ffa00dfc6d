/*
 * check_dnsquery.c - dns_build_query() against dns_parse(): whatever the
 * builder writes, the parser reads back as the same question, and every
 * name the builder refuses is one the wire cannot carry.
 *
 * Each message is built into a heap block of exactly the size the test
 * allows, so that under AddressSanitizer a write or read one byte past
 * it is caught.
 */
#include <stdlib.h>
#include <string.h>
#include "dns.h"
#include "dnsquery.h"
#include "suites.h"
#include "testutil.h"

/* Build into exactly size bytes; then parse what was built. */
static int build(size_t size, uint16_t id, const char *name, uint16_t qtype,
                 struct dns_msg *m)
{
	uint8_t *buf = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(buf);
	int n = dns_build_query(buf, size, id, name, qtype);
	if (n >= 0) {
		const char *why = "";
		ck_assert_int_le(n, (int)size);
		ck_assert_msg(dns_parse(buf, (size_t)n, m, &why) == DNS_OK,
		              "'%s' built, not parsed: %s", name, why);
	}
	free(buf);
	return n;
}

/* A name of labels of the given lengths, made of letters. */
static void name_of(char *out, size_t size, const int *len, int nlabels)
{
	size_t k = 0;
	for (int i = 0; i < nlabels; i++) {
		if (i > 0)
			out[k++] = '.';
		for (int j = 0; j < len[i]; j++)
			out[k++] = (char)('a' + (i + j) % 26);
		ck_assert_uint_lt(k, size);
	}
	out[k] = '\0';
}

static const struct {
	const char *name;
	uint16_t    qtype, id;
	const char *parsed;   /* the question's name as dns_parse() shows it */
	int         len;      /* the message's length on the wire */
} trip_rows[] = {
	{ "hat.com", DNS_T_A, 0x5742, "hat.com", 12 + 9 + 4 },
	{ "hat.com", DNS_T_AAAA, 0, "hat.com", 12 + 9 + 4 },
	{ "mail-203.hat.com", DNS_T_MX, 0xffff, "mail-203.hat.com", 12 + 18 + 4 },
	{ "hat.com.", DNS_T_NS, 1, "hat.com", 12 + 9 + 4 },   /* fully qualified */
	{ "", DNS_T_NS, 2, ".", 12 + 1 + 4 },                  /* the root */
	{ "x", 65535, 3, "x", 12 + 3 + 4 },
	{ "a b.com", DNS_T_A, 4, "a\\032b.com", 12 + 9 + 4 },  /* bytes as given */
};

START_TEST(test_round_trip)
{
	struct dns_msg m;
	int n = build(512, trip_rows[_i].id, trip_rows[_i].name,
	              trip_rows[_i].qtype, &m);
	ck_assert_int_eq(n, trip_rows[_i].len);
	ck_assert_uint_eq(m.id, trip_rows[_i].id);
	ck_assert(!m.qr);
	ck_assert(m.rd);
	ck_assert(!m.tc && !m.aa && !m.ra);
	ck_assert_uint_eq(m.opcode, 0);
	ck_assert_uint_eq(m.qdcount, 1);
	ck_assert_uint_eq(m.ancount + m.nscount + m.arcount, 0);
	ck_assert(m.has_question);
	ck_assert_str_eq(m.qname, trip_rows[_i].parsed);
	ck_assert_uint_eq(m.qtype, trip_rows[_i].qtype);
	ck_assert_uint_eq(m.qclass, 1);
	ck_assert_uint_eq(m.nanswers, 0);
}
END_TEST

/* Exactly the bytes it needs, and not one fewer. */
START_TEST(test_buffer_size)
{
	struct dns_msg m;
	int need = build(512, 7, "mail-203.hat.com", DNS_T_MX, &m);
	ck_assert_int_gt(need, 0);
	ck_assert_int_eq(build((size_t)need, 7, "mail-203.hat.com", DNS_T_MX, &m),
	                 need);
	for (size_t size = 0; size < (size_t)need; size++)
		ck_assert_int_eq(build(size, 7, "mail-203.hat.com", DNS_T_MX, &m), -1);
}
END_TEST

/* A name on the wire is at most 255 bytes, its lengths and the root's
 * zero byte included (RFC 1035 2.3.4), and a label at most 63. */
START_TEST(test_longest_name)
{
	struct dns_msg m;
	char name[300];
	static const int fits[] = { 63, 63, 63, 61 };     /* 64*3 + 62 + 1 = 255 */
	static const int over[] = { 63, 63, 63, 62 };     /* 256 */
	name_of(name, sizeof name, fits, 4);
	ck_assert_int_eq(build(512, 9, name, DNS_T_A, &m), 12 + 255 + 4);
	ck_assert_str_eq(m.qname, name);
	name_of(name, sizeof name, over, 4);
	ck_assert_int_eq(build(512, 9, name, DNS_T_A, &m), -1);

	static const int label63[] = { 63, 3 }, label64[] = { 64, 3 };
	name_of(name, sizeof name, label63, 2);
	ck_assert_int_eq(build(512, 9, name, DNS_T_A, &m), 12 + 64 + 4 + 4 + 1);
	ck_assert_str_eq(m.qname, name);
	name_of(name, sizeof name, label64, 2);
	ck_assert_int_eq(build(512, 9, name, DNS_T_A, &m), -1);
}
END_TEST

/* Empty labels cannot be written: only the root is empty. */
static const char *const bad_names[] = {
	".", "..", ".hat.com", "hat..com", "hat.com..",
};

START_TEST(test_bad_name)
{
	struct dns_msg m;
	ck_assert_int_eq(build(512, 1, bad_names[_i], DNS_T_A, &m), -1);
}
END_TEST

Suite *dnsquery_suite(void)
{
	Suite *s = suite_create("dnsquery");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_round_trip, 0, NROWS(trip_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_buffer_size);
	tcase_add_test(tc, test_longest_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("Malformed");
	tcase_add_loop_test(tc, test_bad_name, 0, NROWS(bad_names));
	suite_add_tcase(s, tc);
	return s;
}
