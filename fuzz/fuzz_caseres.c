/*
 * fuzz_caseres.c - caseres_parse() on any text: a case's result.txt, which
 * "whichns merge" reads back from run folders it is handed.
 *
 * libfuzzer: -max_len=8192
 *
 * Beyond not crashing, caseres.h promises:
 * - a rejected text gets one line of error and accepted text a case name;
 * - every text field of the record is a C string within its field;
 * - the text form goes both ways: what caseres_write() writes from a
 *   parsed record parses again, and writes the very same text.
 */
#include "caseres.h"
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
	FUZZ_CHECK(r->name[0] != '\0', "accepted without a case name");
}

static char *written(const struct case_result *r)
{
	struct fuzz_mem m;
	FUZZ_CHECK(caseres_write(fuzz_mem_open(&m), r) == 0, "write failed");
	return fuzz_mem_text(&m);
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
