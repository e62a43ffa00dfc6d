/*
 * fuzz_capfile.c - a whole capture file as whichns decode reads it: every
 * record through capfile_next(), every packet through flow_frame() by its
 * own interface's link type (UDP messages, TCP streams reassembled), then
 * flow_finish(), and every message into a timeline event.
 *
 * libfuzzer: -max_len=65536
 * seeds: tests/captures tests/captures/damaged
 *
 * Input: the file (pcap or pcapng).
 *
 * Beyond not crashing (and not leaking: TCP reassembly copies segments
 * and messages), capfile.h, flow.h, tcpdns.h and events.h promise:
 * - capfile_open() is 0, or -1 with a reason; the walk gives packets
 *   whose bytes lie inside the file, at most CAPFILE_CAPLEN_MAX of them,
 *   with nsec < 10^9, then CAPFILE_END, or CAPFILE_TRUNCATED or
 *   CAPFILE_BAD with a reason and an offset inside the file, and the
 *   same status again on the next call; cf.packets counts the packets;
 * - flow counts every frame, hands on exactly stats.messages messages of
 *   which stats.cut are cut, each to or from port 53 over UDP or TCP
 *   between two addresses of one family, names within their buffers;
 *   nothing it counts as failed lacks a reason;
 * - a message cut by the capture ends its event's answers with
 *   EV_CUT_MARK.
 */
#include "capfile.h"
#include "events.h"
#include "flow.h"
#include "fuzz.h"

struct seen {
	struct serverset servers;
	uint64_t messages, cut;
};

static void on_message(void *ctx, const struct flow_msg *fm)
{
	static struct wn_event e;
	struct seen *s = ctx;
	const struct pkt_flow *f = fm->f;

	s->messages++;
	s->cut += fm->m->cut;
	FUZZ_CHECK(f->proto == 6 || f->proto == 17, "DNS over protocol %u", f->proto);
	FUZZ_CHECK(f->sport == 53 || f->dport == 53, "DNS between ports %u and %u",
	           f->sport, f->dport);
	FUZZ_CHECK((f->src.family == 4 || f->src.family == 6) &&
	           f->src.family == f->dst.family, "address families %d and %d",
	           f->src.family, f->dst.family);
	FUZZ_CHECK_STR(fm->m->qname);
	events_from_msg(f, fm->m, fm->t, &s->servers, &e);
	FUZZ_CHECK_STR(e.qname);
	FUZZ_CHECK_STR(e.answers);
	size_t len = strlen(e.answers), mark = strlen(EV_CUT_MARK);
	FUZZ_CHECK(!fm->m->cut || (len >= mark &&
	           strcmp(e.answers + len - mark, EV_CUT_MARK) == 0),
	           "cut message's answers '%s'", e.answers);
}

static void check_packet(const struct capfile *cf, const struct capfile_pkt *pkt,
                         const uint8_t *data, size_t size)
{
	FUZZ_CHECK(pkt->caplen <= CAPFILE_CAPLEN_MAX, "caplen %u", pkt->caplen);
	FUZZ_CHECK(pkt->data >= data && pkt->data <= data + size &&
	           pkt->caplen <= (size_t)(data + size - pkt->data),
	           "packet of %u bytes outside the file", pkt->caplen);
	FUZZ_CHECK(!pkt->has_time || pkt->nsec < 1000000000u, "nsec %u", pkt->nsec);
	FUZZ_CHECK(cf->format == CAPFILE_PCAPNG || pkt->linktype == cf->linktype,
	           "pcap packet of link type %d in a file of %d", pkt->linktype,
	           cf->linktype);
}

/* The walk ended: how, and that it stays ended. */
static void check_end(struct capfile *cf, enum capfile_status st, size_t size)
{
	static struct capfile_pkt pkt;

	FUZZ_CHECK(st == CAPFILE_END || st == CAPFILE_TRUNCATED || st == CAPFILE_BAD,
	           "status %d", (int)st);
	FUZZ_CHECK(st == CAPFILE_END || (cf->why && cf->err_off <= size),
	           "status %d without a reason, at %zu of %zu", (int)st, cf->err_off,
	           size);
	FUZZ_CHECK(capfile_next(cf, &pkt) == st, "status %d did not stick", (int)st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct capfile cf;
	static struct capfile_pkt pkt;
	struct seen seen = { .messages = 0 };
	enum capfile_status st;
	uint64_t packets = 0;
	double t = 0;

	if (capfile_open(&cf, data, size) != 0) {
		FUZZ_CHECK(cf.why != NULL, "refused without a reason");
		return 0;
	}
	events_default_servers(&seen.servers);
	struct flow *fl = flow_new(on_message, &seen);
	if (!fl)
		abort();
	while ((st = capfile_next(&cf, &pkt)) == CAPFILE_PACKET) {
		check_packet(&cf, &pkt, data, size);
		if (pkt.has_time)
			t = (double)pkt.sec + pkt.nsec / 1e9;
		flow_frame(fl, pkt.linktype, pkt.data, pkt.caplen, t);
		packets++;
	}
	check_end(&cf, st, size);
	FUZZ_CHECK(cf.packets == packets, "%llu packets counted, %llu walked",
	           (unsigned long long)cf.packets, (unsigned long long)packets);
	flow_finish(fl);
	const struct flow_stats *fs = flow_stats(fl);
	FUZZ_CHECK(fs->packets == packets, "flow saw %llu of %llu packets",
	           (unsigned long long)fs->packets, (unsigned long long)packets);
	FUZZ_CHECK(fs->messages == seen.messages && fs->cut == seen.cut,
	           "flow counts %llu messages (%llu cut), handed on %llu (%llu)",
	           (unsigned long long)fs->messages, (unsigned long long)fs->cut,
	           (unsigned long long)seen.messages, (unsigned long long)seen.cut);
	FUZZ_CHECK(fs->bad[PKT_DNS] == 0 && fs->bad[PKT_SKIP] == 0, "bad counts");
	FUZZ_CHECK((fs->first_bad_packet == 0) == (fs->bad[PKT_TRUNCATED] +
	           fs->bad[PKT_INVALID] + fs->bad[PKT_UNSUPPORTED] == 0) &&
	           (fs->first_bad_packet == 0 || fs->first_bad_why),
	           "first failure at packet %llu", (unsigned long long)fs->first_bad_packet);
	flow_free(fl);
	return 0;
}
