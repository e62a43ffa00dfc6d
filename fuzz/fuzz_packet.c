/*
 * fuzz_packet.c - one captured frame through pkt_decode() and on into
 * timeline events (events.tsv and JSON lines); its transport payload
 * through pkt_segment() and pkt_dns_message(), as decode reads it.
 *
 * libfuzzer: -max_len=2048
 *
 * Input: a 10-byte prefix standing for what a capture file says about the
 * frame, then the frame:
 *   bytes 0-1  link type (big-endian: 1 Ethernet, 113 SLL, 276 SLL2,
 *              101 or 12 raw IP, 0 BSD loopback, ...)
 *   bytes 2-5  capture time, seconds (big-endian, signed: a pcapng
 *              interface's time offset can put it before 1970)
 *   bytes 6-9  fraction of a second in nanoseconds (big-endian, mod 1e9)
 *   bytes 10-  the frame as captured (caplen = what is left)
 * fuzz/seedgen.c writes seeds in this form from capture files.
 *
 * Beyond not crashing, packet.h and events.h promise:
 * - PKT_DNS exactly when at least one message was decoded, never more
 *   than PKT_MSGS_MAX; *why is NULL exactly on a whole PKT_DNS (not
 *   partial, no message cut by the capture);
 * - pkt_segment() finds a payload inside the frame, no more present than
 *   claimed, and fails exactly as pkt_decode() does; pkt_dns_message()
 *   marks a message cut only when bytes are missing, and says so;
 * - partial only on PKT_DNS from TCP; a DNS frame has port 53 on one
 *   side and two addresses of one family;
 * - every decoded name is a C string within its buffer;
 * - one event per message; its events.tsv line has 13 fields and one
 *   newline, its time columns are what printf's %.6f and %.3f give; its
 *   JSON line is one object on one line with no raw control character.
 */
#include "events.h"
#include "fuzz.h"
#include "packet.h"

#define PREFIX       10
#define T_SWITCH     1795663444.85

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_decoded(enum pkt_status st, const struct pkt_dns *p,
                          const char *why)
{
	FUZZ_CHECK(st >= PKT_DNS && st <= PKT_UNSUPPORTED, "status %d", (int)st);
	FUZZ_CHECK(p->nmsgs <= PKT_MSGS_MAX, "%zu messages", p->nmsgs);
	FUZZ_CHECK((st == PKT_DNS) == (p->nmsgs > 0), "status %s with %zu messages",
	           pkt_status_name(st), p->nmsgs);
	bool cut = false;
	for (size_t i = 0; i < p->nmsgs && i < PKT_MSGS_MAX; i++)
		cut |= p->msgs[i].cut;
	FUZZ_CHECK((why == NULL) == (st == PKT_DNS && !p->partial && !cut),
	           "status %s, partial %d, cut %d, why %s", pkt_status_name(st),
	           p->partial, cut, why ? why : "NULL");
	FUZZ_CHECK(!p->partial || (st == PKT_DNS && p->proto == 6),
	           "partial with status %s, protocol %u", pkt_status_name(st),
	           p->proto);
	for (size_t i = 0; i < p->nmsgs; i++) {
		FUZZ_CHECK_STR(p->msgs[i].qname);
		for (size_t j = 0; j < p->msgs[i].nanswers && j < DNS_ANSWERS_MAX; j++) {
			FUZZ_CHECK_STR(p->msgs[i].answers[j].name);
			FUZZ_CHECK_STR(p->msgs[i].answers[j].data);
		}
	}
	if (st != PKT_DNS)
		return;
	FUZZ_CHECK(p->proto == 6 || p->proto == 17, "DNS over protocol %u", p->proto);
	FUZZ_CHECK(p->sport == 53 || p->dport == 53, "DNS between ports %u and %u",
	           p->sport, p->dport);
	FUZZ_CHECK((p->src.family == 4 || p->src.family == 6) &&
	           p->src.family == p->dst.family, "address families %d and %d",
	           p->src.family, p->dst.family);
}

/* The frame's transport payload: inside the frame, and the status
 * pkt_decode() gives whenever it is not DNS. */
static void check_segment(int linktype, const uint8_t *frame, size_t caplen,
                          enum pkt_status decoded)
{
	static struct dns_msg m;
	struct pkt_seg seg;
	const char *why = "unset";

	enum pkt_status st = pkt_segment(linktype, frame, caplen, &seg, &why);
	FUZZ_CHECK(st == PKT_DNS ? decoded != PKT_UNSUPPORTED : st == decoded,
	           "pkt_segment says %s, pkt_decode %s", pkt_status_name(st),
	           pkt_status_name(decoded));
	FUZZ_CHECK((why == NULL) == (st == PKT_DNS), "segment %s with why %s",
	           pkt_status_name(st), why ? why : "NULL");
	if (st != PKT_DNS)
		return;
	FUZZ_CHECK(seg.f.proto == 6 || seg.f.proto == 17, "protocol %u", seg.f.proto);
	FUZZ_CHECK(seg.present <= seg.claimed, "%zu bytes present of %zu claimed",
	           seg.present, seg.claimed);
	FUZZ_CHECK(seg.present == 0 || (seg.p >= frame && seg.p <= frame + caplen &&
	           seg.present <= (size_t)(frame + caplen - seg.p)),
	           "payload of %zu bytes outside the frame", seg.present);
	if (seg.f.proto != 17)
		return;
	st = pkt_dns_message(seg.p, seg.present, seg.claimed, &m, &why);
	FUZZ_CHECK(!m.cut || (st == PKT_DNS && why && seg.present < seg.claimed),
	           "cut with status %s, %zu of %zu bytes", pkt_status_name(st),
	           seg.present, seg.claimed);
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static void check_tsv(const struct wn_event *e)
{
	struct fuzz_mem m;
	char want[512];

	events_tsv(fuzz_mem_open(&m), e, T_SWITCH);
	char *line = fuzz_mem_text(&m);
	size_t len = strlen(line);
	FUZZ_CHECK(len == m.size, "events.tsv line has a NUL byte");
	FUZZ_CHECK(len > 0 && line[len - 1] == '\n' && count_char(line, '\n') == 1,
	           "events.tsv line is not one line: %s", line);
	FUZZ_CHECK(count_char(line, '\t') == 12, "events.tsv line has %zu tabs: %s",
	           count_char(line, '\t'), line);
	snprintf(want, sizeof want, "%.6f\t%.3f\t", e->t, (e->t - T_SWITCH) * 1000.0);
	FUZZ_CHECK(strncmp(line, want, strlen(want)) == 0,
	           "events.tsv times '%.*s', printf gives '%s'",
	           (int)strlen(want), line, want);
	free(line);
}

static void check_json(const struct wn_event *e)
{
	struct fuzz_mem m;

	events_json(fuzz_mem_open(&m), e, T_SWITCH);
	char *line = fuzz_mem_text(&m);
	size_t len = strlen(line);
	FUZZ_CHECK(len == m.size, "JSON line has a NUL byte");
	FUZZ_CHECK(len >= 3 && line[0] == '{' && strcmp(line + len - 2, "}\n") == 0,
	           "JSON line is not one object: %s", line);
	for (size_t i = 0; i + 1 < len; i++)
		FUZZ_CHECK((unsigned char)line[i] >= 0x20,
		           "JSON line has raw byte 0x%02x: %s", (unsigned char)line[i], line);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pkt_dns p;                  /* large: off the stack */
	static struct wn_event ev[PKT_MSGS_MAX];
	struct serverset servers;
	const char *why = "unset";

	if (size < PREFIX)
		return 0;
	int linktype = data[0] << 8 | data[1];
	double t = (int32_t)be32(data + 2) + (be32(data + 6) % 1000000000u) / 1e9;
	enum pkt_status st = pkt_decode(linktype, data + PREFIX, size - PREFIX, &p, &why);
	check_decoded(st, &p, why);
	check_segment(linktype, data + PREFIX, size - PREFIX, st);

	events_default_servers(&servers);
	size_t n = events_from_frame(&p, t, &servers, ev);
	FUZZ_CHECK(n == p.nmsgs, "%zu events from %zu messages", n, p.nmsgs);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK_STR(ev[i].qname);
		FUZZ_CHECK_STR(ev[i].answers);
		check_tsv(&ev[i]);
		check_json(&ev[i]);
	}
	return 0;
}
