/*
 * fuzz_expect.c - expect_parse() on any text: an expected-verdict file
 * (fixtures/expected/<libc>, or a baseline someone hands in).
 *
 * libfuzzer: -max_len=16384
 *
 * Beyond not crashing (or leaking: expect_free() after every parse), it
 * checks what expect.h promises:
 * - a rejected file gets one line "fuzz-libc:LINE: ..." (or "fuzz-libc: ...")
 *   and leaves nothing allocated;
 * - an accepted file has at most one entry per line, each with a name that
 *   is a C string within its field and not listed twice, a decided verdict,
 *   and a reason that is a C string; expect_find() finds each entry;
 * - the entries written back as "CASE VERDICT reason" lines parse into the
 *   same entries;
 * - expect_libc_key() on the first line (as a libc name a probe reported)
 *   gives a file name of letters, digits, '.' and '-' only.
 */
#include "expect.h"
#include "fuzz.h"

#define SOURCE "fuzz-libc"

static size_t lines_in(const uint8_t *data, size_t size)
{
	size_t n = size > 0;
	for (size_t i = 0; i + 1 < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_entries(const struct expect *x, size_t lines)
{
	FUZZ_CHECK(x->n <= lines, "%zu entries from %zu lines", x->n, lines);
	FUZZ_CHECK(x->n <= x->cap, "%zu entries, room for %zu", x->n, x->cap);
	for (size_t i = 0; i < x->n; i++) {
		const struct expect_entry *e = &x->e[i];
		FUZZ_CHECK_STR(e->name);
		FUZZ_CHECK_STR(e->why);
		FUZZ_CHECK(e->name[0] != '\0', "entry %zu has no name", i);
		FUZZ_CHECK(e->v < V_NONE, "entry %s has no verdict", e->name);
		FUZZ_CHECK(expect_find(x, e->name) == e,
		           "entry %s is not the one expect_find() finds", e->name);
	}
}

static char *written(const struct expect *x)
{
	struct fuzz_mem m;
	FILE *f = fuzz_mem_open(&m);
	for (size_t i = 0; i < x->n; i++)
		fprintf(f, "%s %s %s\n", x->e[i].name, verdict_name(x->e[i].v),
		        x->e[i].why);
	return fuzz_mem_text(&m);
}

static void check_round_trip(const struct expect *x)
{
	struct expect again;
	char err[512] = "";

	char *text = written(x);
	int rc = expect_parse(text, strlen(text), SOURCE, &again, err, sizeof err);
	FUZZ_CHECK(rc == 0, "the entries written back are rejected: %s\n%s", err, text);
	FUZZ_CHECK(again.n == x->n, "%zu entries written back, %zu read", x->n, again.n);
	for (size_t i = 0; i < x->n; i++)
		FUZZ_CHECK(strcmp(again.e[i].name, x->e[i].name) == 0 &&
		           again.e[i].v == x->e[i].v &&
		           strcmp(again.e[i].why, x->e[i].why) == 0,
		           "entry %zu changed when written back:\n%s", i, text);
	expect_free(&again);
	free(text);
}

/* The input's first line as a libc name, as a probe reports it: the
 * file name of its baseline has only letters, digits, '.' and '-', one
 * for each character that fits. */
static void check_libc_key(const uint8_t *data, size_t size)
{
	char libc[256], key[64];
	size_t n = 0;

	while (n < size && n < sizeof libc - 1 && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(libc, data, n);
	libc[n] = '\0';
	memset(key, 'x', sizeof key);
	expect_libc_key(libc, key, sizeof key);
	FUZZ_CHECK_STR(key);
	FUZZ_CHECK(strlen(key) == (n < sizeof key - 1 ? n : sizeof key - 1),
	           "key '%s' from libc '%s'", key, libc);
	FUZZ_CHECK(strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                  "0123456789.-") == strlen(key), "key '%s'", key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect x;
	char err[512];

	check_libc_key(data, size);
	err[0] = '\0';
	if (expect_parse((const char *)data, size, SOURCE, &x, err, sizeof err) != 0) {
		FUZZ_CHECK(strncmp(err, SOURCE ":", strlen(SOURCE ":")) == 0 &&
		           strchr(err, '\n') == NULL, "error message '%s'", err);
		FUZZ_CHECK(x.e == NULL && x.n == 0, "a rejected file left entries");
		return 0;
	}
	check_entries(&x, lines_in(data, size));
	check_round_trip(&x);
	expect_free(&x);
	return 0;
}
