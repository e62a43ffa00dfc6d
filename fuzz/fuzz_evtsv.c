/*
 * fuzz_evtsv.c - evtsv_parse() on any text: a case folder's events.tsv,
 * which the runner reads back to draw report.md and timeline.svg, from a
 * folder anyone may hand over (a bundle, a merged shard).
 *
 * libfuzzer: -max_len=8192
 *
 * Beyond not crashing, evtsv.h promises:
 * - a rejected text gets one line of error, and no events;
 * - every event's name and answers are C strings within their fields;
 * - an accepted text's events, written again by events_tsv(), parse again
 *   into events that write the very same text (what events_tsv() writes
 *   is what evtsv reads, byte for byte);
 * - what is drawn and reported from them, timeline.svg and report.md's
 *   table, is written without a stream error.
 */
#include "evtsv.h"
#include "timeline.h"
#include "fuzz.h"

static char *written(const struct wn_event *ev, size_t n)
{
	struct fuzz_mem m;
	FILE *f = fuzz_mem_open(&m);
	events_tsv_header(f);
	for (size_t i = 0; i < n; i++)
		events_tsv(f, &ev[i], -1);
	return fuzz_mem_text(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), err[256] = "";
	struct wn_event *ev = NULL, *again = NULL;
	size_t n = 0, n2 = 0;

	if (evtsv_parse(text, size, &ev, &n, err, sizeof err) != 0) {
		FUZZ_CHECK(ev == NULL && n == 0, "rejected, yet %zu events", n);
		FUZZ_CHECK(err[0] && !strchr(err, '\n'), "error is not one line: '%s'", err);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK_STR(ev[i].qname);
		FUZZ_CHECK_STR(ev[i].answers);
	}
	char *once = written(ev, n);
	FUZZ_CHECK(evtsv_parse(once, strlen(once), &again, &n2, err, sizeof err) == 0,
	           "events_tsv() wrote what evtsv refuses: %s", err);
	FUZZ_CHECK(n2 == n, "%zu events read back as %zu", n, n2);
	char *twice = written(again, n2);
	FUZZ_CHECK(strcmp(once, twice) == 0, "written twice, two texts:\n%s---\n%s",
	           once, twice);

	struct tl_scope sc = { .t_switch = n ? ev[0].t : -1, .t_end = n ? ev[n - 1].t : -1,
	                       .t_fresh = -1, .only_qtype = 15 };
	struct fuzz_mem m;
	FUZZ_CHECK(timeline_svg(fuzz_mem_open(&m), ev, n, &sc, "fuzz") == 0,
	           "timeline.svg not written");
	free(fuzz_mem_text(&m));
	free(twice);
	free(once);
	free(again);
	free(ev);
	free(text);
	return 0;
}
