/*
 * fuzz_dns.c - dns_parse() on any bytes: one DNS message as it would
 * follow a UDP header or a TCP length prefix.
 *
 * libfuzzer: -max_len=4096
 *
 * Beyond not crashing, dns.h promises:
 * - *why is NULL exactly on DNS_OK, and otherwise names a "dns: " field;
 * - the id and flags are kept once DNS_ID_FLAGS_LEN bytes are there, the
 *   counts once 12 are, whatever fails after them;
 * - answers kept never exceed the count announced nor DNS_ANSWERS_MAX, and
 *   on DNS_OK they are all kept up to that limit;
 * - every name is a C string within its buffer, in presentation form:
 *   printable ASCII only (anything else is a \DDD escape), "." for the
 *   root; an A or AAAA answer's data is an address;
 * - bytes after the last record are ignored: the message with one more
 *   byte at its end decodes the same.
 */
#include <arpa/inet.h>
#include "dns.h"
#include "fuzz.h"

static void check_name(const char *what, const char name[static DNS_NAME_MAX])
{
	FUZZ_CHECK(memchr(name, '\0', DNS_NAME_MAX) != NULL,
	           "%s is not NUL-terminated within DNS_NAME_MAX", what);
	for (const char *p = name; *p; p++)
		FUZZ_CHECK(*p > 0x20 && *p < 0x7f, "%s has byte 0x%02x unescaped",
		           what, (unsigned char)*p);
}

static void check_answer(const struct dns_rr *rr)
{
	unsigned char addr[16];

	check_name("answer name", rr->name);
	FUZZ_CHECK(rr->name[0] != '\0', "a kept answer has an empty name");
	FUZZ_CHECK_STR(rr->data);
	if (rr->type == DNS_T_A)
		FUZZ_CHECK(inet_pton(AF_INET, rr->data, addr) == 1,
		           "A answer data '%s' is not an address", rr->data);
	if (rr->type == DNS_T_AAAA)
		FUZZ_CHECK(inet_pton(AF_INET6, rr->data, addr) == 1,
		           "AAAA answer data '%s' is not an address", rr->data);
}

static void check_msg(const uint8_t *data, size_t size, enum dns_status st,
                      const struct dns_msg *m, const char *why)
{
	FUZZ_CHECK(st == DNS_OK || st == DNS_TRUNCATED || st == DNS_INVALID,
	           "status %d", (int)st);
	FUZZ_CHECK((st == DNS_OK) == (why == NULL), "status %s with why %s",
	           dns_status_name(st), why ? why : "NULL");
	if (why)
		FUZZ_CHECK(strncmp(why, "dns: ", 5) == 0, "why '%s'", why);
	if (size >= DNS_ID_FLAGS_LEN) {
		FUZZ_CHECK(m->id == (data[0] << 8 | data[1]) && m->qr == data[2] >> 7,
		           "header id and flags not kept");
	}
	if (size >= 12) {
		FUZZ_CHECK(m->ancount == (data[6] << 8 | data[7]),
		           "header ancount not kept");
	}
	FUZZ_CHECK(m->nanswers <= DNS_ANSWERS_MAX && m->nanswers <= m->ancount,
	           "%zu answers kept of %u announced", m->nanswers, m->ancount);
	check_name("qname", m->qname);
	if (m->has_question)
		FUZZ_CHECK(m->qname[0] != '\0', "a question with an empty name");
	for (size_t i = 0; i < m->nanswers; i++)
		check_answer(&m->answers[i]);
	if (st != DNS_OK)
		return;
	FUZZ_CHECK(size >= 12, "DNS_OK from %zu bytes", size);
	FUZZ_CHECK(m->has_question == (m->qdcount > 0),
	           "has_question %d with qdcount %u", m->has_question, m->qdcount);
	FUZZ_CHECK(m->nanswers == (m->ancount < DNS_ANSWERS_MAX
	                           ? m->ancount : DNS_ANSWERS_MAX),
	           "DNS_OK kept %zu of %u answers", m->nanswers, m->ancount);
}

/* The same message with one byte more at its end. */
static void check_trailing_byte(const uint8_t *data, size_t size,
                                const struct dns_msg *m)
{
	static struct dns_msg again;
	uint8_t *buf = malloc(size + 1);
	const char *why;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = 0xff;
	enum dns_status st = dns_parse(buf, size + 1, &again, &why);
	free(buf);
	FUZZ_CHECK(st == DNS_OK, "a trailing byte turned DNS_OK into %s (%s)",
	           dns_status_name(st), why);
	FUZZ_CHECK(again.id == m->id && again.qdcount == m->qdcount &&
	           again.nanswers == m->nanswers && again.qtype == m->qtype &&
	           strcmp(again.qname, m->qname) == 0,
	           "a trailing byte changed the message");
	for (size_t i = 0; i < m->nanswers; i++)
		FUZZ_CHECK(strcmp(again.answers[i].data, m->answers[i].data) == 0,
		           "a trailing byte changed answer %zu", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m;   /* large: off the stack */
	const char *why = "unset";

	/* libFuzzer hands each input in a heap block of exactly its size, so
	 * a read past the end is an AddressSanitizer report. */
	enum dns_status st = dns_parse(data, size, &m, &why);
	check_msg(data, size, st, &m, why);
	if (st == DNS_OK)
		check_trailing_byte(data, size, &m);
	return 0;
}
