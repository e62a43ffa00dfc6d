/*
 * fuzz_impact.c - the application impact from a process's stdout
 * (impact.c): process.out is whatever the program under test printed,
 * read back by the case.
 *
 * libfuzzer: -max_len=16384
 *
 * Input: the first byte picks the size of the pieces the text is fed in
 * (1 to 256 bytes), the rest is process.out.  The switch is at
 * 1795663450 and the window ends 10 s later.
 *
 * Beyond not crashing, impact.h promises:
 * - the text fed in pieces gives the same figures as all at once;
 * - on each side, failed and timed lookups are at most the lookups, and
 *   median <= p95 <= max when some were timed, all -1 when none was;
 * - measured exactly when some lookup was timed, and then a recovery
 *   other than "not measured"; recovered_ms >= 0 exactly when recovered,
 *   and then a good run of IMPACT_RUN_MIN at least; slow lookups and
 *   the good run after the switch at most the lookups after it;
 * - impact_parse_line answers -1, 0 or 1, and with 1 a start between
 *   1e9 and 1e10 and a duration of -1 or 0 to 1e7 ms;
 * - impact_summary is one line.
 */
#include "fuzz.h"
#include "impact.h"

#define SW 1795663450.0

static void check_side(const struct impact_side *s, const char *name)
{
	FUZZ_CHECK(s->failed <= s->lookups, "%s: %u failed of %u", name,
	           s->failed, s->lookups);
	FUZZ_CHECK(s->timed <= s->lookups, "%s: %u timed of %u", name,
	           s->timed, s->lookups);
	if (s->timed)
		FUZZ_CHECK(s->median_ms >= 0 && s->median_ms <= s->p95_ms &&
		           s->p95_ms <= s->max_ms && s->max_ms <= 1e7,
		           "%s: median %g p95 %g max %g", name, s->median_ms,
		           s->p95_ms, s->max_ms);
	else
		FUZZ_CHECK(s->median_ms == -1 && s->p95_ms == -1 && s->max_ms == -1,
		           "%s: figures without a timed lookup", name);
}

static void check_lines(const char *text, size_t len)
{
	char line[IMPACT_LINE_MAX];
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		size_t k = l < sizeof line - 1 ? l : sizeof line - 1;
		memcpy(line, text + off, k);
		line[k] = '\0';
		off += l + 1;
		double t = 0, ms = 0;
		bool ok = false;
		int rc = impact_parse_line(line, &t, &ms, &ok);
		FUZZ_CHECK(rc >= -1 && rc <= 1, "parse_line returned %d", rc);
		if (rc == 1)
			FUZZ_CHECK(t >= 1e9 && t < 1e10 &&
			           (ms == -1 || (ms >= 0 && ms <= 1e7)),
			           "line taken with t %f, ms %f", t, ms);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct impact_reader r;
	struct app_impact whole, pieces;
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] + 1;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	FUZZ_CHECK(impact_from_text(text, len, SW, SW + 10, &whole) == 0,
	           "impact_from_text failed");
	impact_reader_init(&r, SW, SW + 10);
	for (size_t off = 0; off < len; off += step)
		impact_reader_feed(&r, text + off, len - off < step ? len - off : step);
	FUZZ_CHECK(impact_reader_finish(&r, &pieces) == 0, "finish failed");
	impact_reader_free(&r);

	FUZZ_CHECK(whole.before.lookups == pieces.before.lookups &&
	           whole.after.lookups == pieces.after.lookups &&
	           whole.after.failed == pieces.after.failed &&
	           whole.bad_lines == pieces.bad_lines &&
	           whole.before.median_ms == pieces.before.median_ms &&
	           whole.after.max_ms == pieces.after.max_ms &&
	           whole.recovery == pieces.recovery &&
	           whole.recovered_ms == pieces.recovered_ms,
	           "fed in pieces of %zu, the figures differ", step);
	check_side(&whole.before, "before");
	check_side(&whole.after, "after");
	FUZZ_CHECK(whole.measured == (whole.before.timed + whole.after.timed > 0),
	           "measured %d with %u + %u timed", whole.measured,
	           whole.before.timed, whole.after.timed);
	FUZZ_CHECK(whole.measured == (whole.recovery != IMP_NOT_MEASURED),
	           "measured %d, recovery %s", whole.measured,
	           impact_recovery_name(whole.recovery));
	FUZZ_CHECK((whole.recovery == IMP_RECOVERED) == (whole.recovered_ms >= 0),
	           "recovery %s, recovered_ms %f",
	           impact_recovery_name(whole.recovery), whole.recovered_ms);
	FUZZ_CHECK(whole.slow_after <= whole.after.lookups, "%u slow of %u",
	           whole.slow_after, whole.after.lookups);
	FUZZ_CHECK(whole.good_run <= whole.after.lookups &&
	           (whole.recovery != IMP_RECOVERED ||
	            whole.good_run >= IMPACT_RUN_MIN),
	           "good run %u of %u, recovery %s", whole.good_run,
	           whole.after.lookups, impact_recovery_name(whole.recovery));

	char words[512];
	impact_summary(&whole, words, sizeof words);
	FUZZ_CHECK(memchr(words, '\0', sizeof words) && !strchr(words, '\n'),
	           "summary '%s'", words);
	check_lines(text, len);
	return 0;
}
