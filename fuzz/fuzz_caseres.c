/*
 * fuzz_caseres.c - caseres_parse() on any text: a case's result.txt, which
 * "whichns merge" reads back from run folders it is handed, and the
 * machine-readable reports merge writes from it.
 *
 * libfuzzer: -max_len=8192
 *
 * Beyond not crashing, caseres.h promises:
 * - a rejected text gets one line of error and accepted text a case name;
 * - every text field of the record is a C string within its field;
 * - the text form goes both ways: what caseres_write() writes from a
 *   parsed record parses again, and writes the very same text;
 * - what merge writes from it, summary.json and junit.xml (report.h), is
 *   UTF-8 with no raw control character, whatever bytes the record had.
 */
#include "caseres.h"
#include "report.h"
#include "fuzz.h"

static void check_strings(const struct case_result *r)
{
	FUZZ_CHECK_STR(r->name);
	FUZZ_CHECK_STR(r->group);
	FUZZ_CHECK_STR(r->probe);
	FUZZ_CHECK_STR(r->update);
	FUZZ_CHECK_STR(r->options);
	FUZZ_CHECK_STR(r->cache);
	FUZZ_CHECK_STR(r->libc_axis);
	FUZZ_CHECK_STR(r->libc);
	FUZZ_CHECK_STR(r->command);
	FUZZ_CHECK_STR(r->dir);
	FUZZ_CHECK_STR(r->pcap);
	FUZZ_CHECK_STR(r->error);
	FUZZ_CHECK_STR(r->why);
	FUZZ_CHECK_STR(r->skip);
	FUZZ_CHECK_STR(r->only);
	FUZZ_CHECK_STR(r->expected_why);
	FUZZ_CHECK_STR(r->vd.reason);
	FUZZ_CHECK_STR(r->vd.app_note);
	for (size_t i = 0; i < PATHS_MAX; i++) {
		FUZZ_CHECK_STR(r->paths[i].types);
		FUZZ_CHECK_STR(r->paths[i].reason);
	}
	for (size_t i = 0; i < SS_MAX; i++) {
		FUZZ_CHECK_STR(r->servers[i].addr);
		FUZZ_CHECK_STR(r->servers[i].state);
		FUZZ_CHECK((i < r->nservers) == (r->servers[i].addr[0] != '\0'),
		           "servers %u, server%zu's address '%s'", r->nservers,
		           i + 1, r->servers[i].addr);
	}
	FUZZ_CHECK(r->npaths <= PATHS_MAX, "more paths than paths[] holds");
	FUZZ_CHECK(r->name[0] != '\0', "accepted without a case name");
}

static char *written(const struct case_result *r)
{
	struct fuzz_mem m;
	FUZZ_CHECK(caseres_write(fuzz_mem_open(&m), r) == 0, "write failed");
	return fuzz_mem_text(&m);
}

/* What "whichns merge" writes from the record: summary.json and
 * junit.xml must be UTF-8 (what their readers require) with no raw
 * control character, whatever bytes the record holds. */
static void check_reports(const struct case_result *r)
{
	struct run_info ri = { .run = "fuzz", .host = "Linux", .planned = 1 };
	void (*writers[])(FILE *, const struct run_info *,
	                  const struct case_result *, size_t) = {
		report_json, report_junit, NULL,
	};
	const char *names[] = { "summary.json", "junit.xml", "a --json line" };

	for (size_t w = 0; w < 3; w++) {
		struct fuzz_mem m;
		if (writers[w])
			writers[w](fuzz_mem_open(&m), &ri, r, 1);
		else
			report_json_line(fuzz_mem_open(&m), &ri, r);
		char *text = fuzz_mem_text(&m);
		size_t bad = fuzz_utf8_prefix(text, m.size);
		FUZZ_CHECK(bad == m.size, "%s is not UTF-8 at byte %zu (0x%02x)",
		           names[w], bad, (unsigned char)text[bad]);
		for (size_t i = 0; i < m.size; i++)
			FUZZ_CHECK((unsigned char)text[i] >= 0x20 || text[i] == '\n' ||
			           (w == 1 && text[i] == '\t'),
			           "%s has raw byte 0x%02x at %zu", names[w],
			           (unsigned char)text[i], i);
		free(text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct case_result r, again;   /* large: off the stack */
	char err[256];

	err[0] = '\0';
	if (caseres_parse((const char *)data, size, &r, err, sizeof err) != 0) {
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL,
		           "error message '%s'", err);
		return 0;
	}
	check_strings(&r);
	check_reports(&r);

	char *text = written(&r);
	int rc = caseres_parse(text, strlen(text), &again, err, sizeof err);
	FUZZ_CHECK(rc == 0, "what caseres_write wrote is rejected: %s\n%s", err, text);
	check_strings(&again);
	char *text2 = written(&again);
	FUZZ_CHECK(strcmp(text, text2) == 0,
	           "written, parsed and written again, it differs:\n%s\n---\n%s",
	           text, text2);
	free(text);
	free(text2);
	return 0;
}
