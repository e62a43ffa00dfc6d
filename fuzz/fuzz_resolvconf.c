/*
 * fuzz_resolvconf.c - resolv.conf options as they come from outside (a
 * scenario's "options" axis, exec --options): resolvconf_options_valid()
 * and resolvconf_render().
 *
 * libfuzzer: -max_len=512
 *
 * Input: the first byte is the size of the output buffer (0-255, to test
 * the "does not fit" path), the rest is the options value.
 *
 * Beyond not crashing, resolvconf.h promises:
 * - render fails on options the check refuses, and never writes past size;
 * - on success it returns the text's length, and the text is the label
 *   line, one nameserver line and, unless "default", one options line of
 *   the '+'-joined words separated by spaces;
 * - options the check passes always render into a large enough buffer.
 */
#include "fuzz.h"
#include "resolvconf.h"

#define SERVER "198.51.100.10"

static void check_text(const char *buf, int n, const char *opts)
{
	char want[1024];

	if (strcmp(opts, "default") == 0) {
		snprintf(want, sizeof want, "# whichns: old server\nnameserver "
		         SERVER "\n");
	} else {
		snprintf(want, sizeof want, "# whichns: old server\nnameserver "
		         SERVER "\noptions %s\n", opts);
		for (char *p = want + strlen(want) - strlen(opts) - 1; *p; p++)
			if (*p == '+')
				*p = ' ';
	}
	FUZZ_CHECK((size_t)n == strlen(buf), "returned %d for %zu bytes", n, strlen(buf));
	FUZZ_CHECK(strcmp(buf, want) == 0, "rendered\n%s\nwant\n%s", buf, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char big[1024];

	if (size < 1)
		return 0;
	size_t small = data[0];
	char *opts = fuzz_text(data + 1, size - 1);
	/* A NUL ends the value, as it would end an argument. */
	int valid = resolvconf_options_valid(opts) == 0;

	char *buf = malloc(small ? small : 1);   /* exact: overruns show */
	if (!buf)
		abort();
	int n = resolvconf_render(buf, small, "old", SERVER, opts);
	FUZZ_CHECK(valid || n == -1, "invalid options '%s' rendered", opts);
	FUZZ_CHECK(n == -1 || (n > 0 && (size_t)n < small), "returned %d for size %zu",
	           n, small);
	if (n > 0)
		check_text(buf, n, opts);
	free(buf);

	n = resolvconf_render(big, sizeof big, "old", SERVER, opts);
	FUZZ_CHECK(valid || n == -1, "invalid options '%s' rendered", opts);
	if (valid)
		FUZZ_CHECK(n > 0, "valid options '%s' did not render", opts);
	if (n > 0)
		check_text(big, n, opts);
	free(opts);
	return 0;
}
