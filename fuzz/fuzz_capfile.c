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
 *   EV_CUT_MARK;
 * - the same file read piece by piece (capfile_open_stream(), then
 *   capfile_refill() at each CAPFILE_MORE, pieces of a size the input's
 *   last byte picks) gives the very same packets (bytes, link type,
 *   interface, time) and ends the same way, at the same offset, with the
 *   same reason.
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

/* What the whole walk saw, for the streamed walk to match. */
struct rec {
	size_t   off;       /* of the packet's bytes in the file */
	uint32_t caplen, iface;
	int      linktype;
	bool     has_time;
	int64_t  sec;
	uint32_t nsec;
};

#define RECS_MAX 4096

/* The file again, streamed through a buffer that holds step bytes more
 * each time (as decode's, which holds a block, the record that did not
 * fit moved to its start); every packet and the end as the whole walk's. */
static void check_stream(const uint8_t *data, size_t size, size_t step,
                         const struct rec *recs, size_t nrecs,
                         enum capfile_status end, const struct capfile *whole)
{
	static struct capfile cf;
	static struct capfile_pkt pkt;
	uint8_t *buf = malloc(size + 1);
	size_t have = step < size ? step : size, from = 0, n = 0;   /* file bytes in buf */
	enum capfile_status st;
	int rc;

	if (!buf)
		abort();
	memcpy(buf, data, have);
	while ((rc = capfile_open_stream(&cf, buf, have, have < size)) == 1) {
		FUZZ_CHECK(cf.need > have, "open wants %zu, has %zu", cf.need, have);
		size_t more = step > cf.need - have ? step : cf.need - have;
		have = more < size - have ? have + more : size;
		memcpy(buf, data, have);
	}
	FUZZ_CHECK(rc == 0, "streamed open refused what the whole open took: %s",
	           cf.why ? cf.why : "?");
	while ((st = capfile_next(&cf, &pkt)) == CAPFILE_PACKET || st == CAPFILE_MORE) {
		if (st == CAPFILE_MORE) {
			size_t keep = cf.len - cf.off, at = from + cf.off;
			FUZZ_CHECK(from + have < size, "MORE at byte %zu with the whole "
			           "file read", at);
			size_t want = cf.need > keep ? cf.need - keep : 0;
			size_t add = step > want ? step : want;
			if (add > size - (at + keep))
				add = size - (at + keep);
			memmove(buf, buf + cf.off, keep);
			memcpy(buf + keep, data + at + keep, add);
			from = at;
			have = keep + add;
			capfile_refill(&cf, buf, have, from + have < size);
			continue;
		}
		FUZZ_CHECK(n < nrecs, "streamed walk found packet %zu of %zu", n + 1, nrecs);
		const struct rec *r = &recs[n++];
		FUZZ_CHECK(cf.base + (size_t)(pkt.data - buf) == r->off &&
		           pkt.caplen == r->caplen && pkt.linktype == r->linktype &&
		           pkt.iface == r->iface && pkt.has_time == r->has_time &&
		           (!r->has_time || (pkt.sec == r->sec && pkt.nsec == r->nsec)) &&
		           memcmp(pkt.data, data + r->off, pkt.caplen) == 0,
		           "streamed packet %zu differs", n);
	}
	FUZZ_CHECK(st == end && n == nrecs, "streamed walk ended %d after %zu "
	           "packets, whole walk %d after %zu", (int)st, n, (int)end, nrecs);
	FUZZ_CHECK(st == CAPFILE_END || (cf.err_off == whole->err_off &&
	           strcmp(cf.why, whole->why) == 0),
	           "streamed walk ended at %zu (%s), whole at %zu (%s)", cf.err_off,
	           cf.why, whole->err_off, whole->why);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec recs[RECS_MAX];
	size_t nrecs = 0;
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
		if (nrecs < RECS_MAX)
			recs[nrecs++] = (struct rec){ (size_t)(pkt.data - data), pkt.caplen,
			                              pkt.iface, pkt.linktype, pkt.has_time,
			                              pkt.sec, pkt.nsec };
		if (pkt.has_time)
			t = (double)pkt.sec + pkt.nsec / 1e9;
		flow_frame(fl, pkt.linktype, pkt.data, pkt.caplen, t);
		packets++;
	}
	check_end(&cf, st, size);
	if (nrecs < RECS_MAX && size > 0)
		check_stream(data, size, 1 + data[size - 1] % 64, recs, nrecs, st, &cf);
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
