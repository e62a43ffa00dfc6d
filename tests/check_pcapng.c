/*
 * check_pcapng.c - unit tests of the pcapng writer.
 *
 * Each block's bytes are compared with a block built here word by word
 * in the host's byte order (the writer's), so a wrong length, a missing
 * pad byte or an option out of place shows as the first word that
 * differs.  The round trip writes a file to a temporary path and reads
 * it back with libpcap (nanosecond precision), as Wireshark and tcpdump
 * would, and with whichns's own reader (capfile), as decode would.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "pcapng.h"
#include "suites.h"
#include "testutil.h"

enum { RAW = 101, EN10MB = 1 };

/* ---- The expected bytes, host byte order ---- */

struct blk {
	uint8_t b[512];
	size_t  n;
};

static void b_put(struct blk *k, const void *p, size_t n)
{
	ck_assert_uint_le(k->n + n, sizeof k->b);
	memcpy(k->b + k->n, p, n);
	k->n += n;
}
static void b16(struct blk *k, uint16_t v) { b_put(k, &v, 2); }
static void b32(struct blk *k, uint32_t v) { b_put(k, &v, 4); }
static void bpad(struct blk *k) { while (k->n % 4) k->b[k->n++] = 0; }

static void bopt(struct blk *k, uint16_t code, const void *val, uint16_t n)
{
	b16(k, code);
	b16(k, n);
	b_put(k, val, n);
	bpad(k);
}

/* Type and a length word filled in by bend(), which repeats it last. */
static void bbegin(struct blk *k, uint32_t type)
{
	k->n = 0;
	b32(k, type);
	b32(k, 0);
}

static void bend(struct blk *k)
{
	uint32_t len = (uint32_t)k->n + 4;
	memcpy(k->b + 4, &len, 4);
	b32(k, len);
}

/* What the writer put on its stream, compared with k. */
static void assert_bytes(const uint8_t *got, size_t n, const struct blk *k)
{
	ck_assert_uint_eq(n, k->n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == k->b[i], "byte %zu: 0x%02x, expected 0x%02x",
		              i, got[i], k->b[i]);
}

/* The 32-bit word at byte off of p, host order. */
static uint32_t word(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}

/* The bytes one call writes: everything written since mark. */
struct stream {
	struct memout m;
	struct pcapng w;
};

static void stream_open(struct stream *s)
{
	memout_open(&s->m);
	s->w.f = s->m.f;
	s->w.nif = 0;
}

static size_t stream_mark(struct stream *s)
{
	ck_assert_int_eq(fflush(s->m.f), 0);
	return s->m.size;
}

/* ---- Core ---- */

static void expect_shb(struct blk *k, const char *app)
{
	uint64_t minus1 = UINT64_MAX;
	bbegin(k, 0x0A0D0D0A);
	b32(k, 0x1A2B3C4D);
	b16(k, 1);
	b16(k, 0);
	b_put(k, &minus1, 8);
	if (app) {
		bopt(k, 4, app, (uint16_t)strlen(app));
		b32(k, 0);                       /* opt_endofopt */
	}
	bend(k);
}

START_TEST(section_header)
{
	const char *apps[] = { "whichns 0.1", "abcd", NULL };
	for (int i = 0; i < NROWS(apps); i++) {
		struct stream s;
		struct blk k;
		memout_open(&s.m);
		ck_assert_int_eq(pcapng_begin(&s.w, s.m.f, apps[i]), 0);
		ck_assert_uint_eq(s.w.nif, 0);
		char *got = memout_text(&s.m);
		expect_shb(&k, apps[i]);
		assert_bytes((uint8_t *)got, s.m.size, &k);
		free(got);
	}
}
END_TEST

static void expect_idb(struct blk *k, uint16_t link, uint32_t snap, const char *name)
{
	uint8_t nine = 9;
	bbegin(k, 1);
	b16(k, link);
	b16(k, 0);
	b32(k, snap);
	if (name)
		bopt(k, 2, name, (uint16_t)strlen(name));
	bopt(k, 9, &nine, 1);
	b32(k, 0);
	bend(k);
}

START_TEST(interfaces)
{
	struct { uint16_t link; uint32_t snap; const char *name; } rows[] = {
		{ RAW, 65535, "lo" },
		{ EN10MB, 262144, "veth-case-3" },
		{ RAW, 0, NULL },
		{ RAW, 1500, "" },               /* "": no if_name option */
	};
	struct stream s;
	stream_open(&s);
	ck_assert_int_eq(pcapng_begin(&s.w, s.m.f, "t"), 0);
	size_t at[NROWS(rows) + 1];
	for (int i = 0; i < NROWS(rows); i++) {
		at[i] = stream_mark(&s);
		ck_assert_int_eq(pcapng_interface(&s.w, rows[i].link, rows[i].snap,
		                                  rows[i].name), i);
	}
	at[NROWS(rows)] = stream_mark(&s);
	ck_assert_uint_eq(s.w.nif, NROWS(rows));
	char *got = memout_text(&s.m);
	for (int i = 0; i < NROWS(rows); i++) {
		struct blk k;
		const char *name = rows[i].name && *rows[i].name ? rows[i].name : NULL;
		expect_idb(&k, rows[i].link, rows[i].snap, name);
		assert_bytes((uint8_t *)got + at[i], at[i + 1] - at[i], &k);
	}
	free(got);
}
END_TEST

static void expect_epb(struct blk *k, uint32_t ifid, uint64_t t, const uint8_t *data,
                       uint32_t caplen, uint32_t origlen, const char *comment)
{
	bbegin(k, 6);
	b32(k, ifid);
	b32(k, (uint32_t)(t >> 32));
	b32(k, (uint32_t)(t & 0xffffffffu));
	b32(k, caplen);
	b32(k, origlen);
	b_put(k, data, caplen);
	bpad(k);
	if (comment && *comment) {
		bopt(k, 1, comment, (uint16_t)strlen(comment));
		b32(k, 0);
	}
	bend(k);
}

/* Every padding of the data (0 to 3 bytes) and of the comment, times
 * that need both halves, no comment and an empty one. */
START_TEST(packets)
{
	static const uint8_t data[] = { 0x45, 0, 0, 0x3c, 1, 2, 3, 4, 5, 6, 7 };
	struct { uint32_t caplen, origlen; uint64_t t; const char *comment; } rows[] = {
		{ 8, 8, 1795776131123456789ull, "pid 4242 (res_loop) exe /usr/bin/x" },
		{ 9, 60, 1, "a" },
		{ 10, 10, 0xffffffffull, "ab" },
		{ 11, 11, 0x100000000ull, "abc" },
		{ 0, 0, 0, "abcd" },
		{ 3, 3, UINT64_MAX, NULL },
		{ 5, 5, 42, "" },
	};
	struct stream s;
	stream_open(&s);
	ck_assert_int_eq(pcapng_begin(&s.w, s.m.f, NULL), 0);
	ck_assert_int_eq(pcapng_interface(&s.w, RAW, 0, NULL), 0);
	ck_assert_int_eq(pcapng_interface(&s.w, RAW, 0, NULL), 1);
	size_t at[NROWS(rows) + 1];
	for (int i = 0; i < NROWS(rows); i++) {
		at[i] = stream_mark(&s);
		ck_assert_int_eq(pcapng_packet(&s.w, (uint32_t)i % 2, rows[i].t, data,
		                               rows[i].caplen, rows[i].origlen,
		                               rows[i].comment), 0);
	}
	at[NROWS(rows)] = stream_mark(&s);
	char *got = memout_text(&s.m);
	for (int i = 0; i < NROWS(rows); i++) {
		struct blk k;
		const uint8_t *p = (uint8_t *)got + at[i];
		size_t n = at[i + 1] - at[i];
		expect_epb(&k, (uint32_t)i % 2, rows[i].t, data, rows[i].caplen,
		           rows[i].origlen, rows[i].comment);
		assert_bytes(p, n, &k);
		/* and in words, as a reader walks it */
		ck_assert_uint_eq(n % 4, 0);
		ck_assert_uint_eq(word(p, 4), n);
		ck_assert_uint_eq(word(p, n - 4), n);
	}
	free(got);
}
END_TEST

/* ---- Limits ---- */

/* A comment past the 16-bit option length is cut to 65535 bytes, and
 * back to the start of a UTF-8 character the cut would split. */
START_TEST(long_comment)
{
	struct { size_t len; const char *tail; size_t want; } rows[] = {
		{ 70000, "", 65535 },
		{ 65535, "", 65535 },
		{ 65534, "\xc3\xa9", 65534 },        /* é would end at 65536 */
		{ 65533, "\xe2\x82\xac", 65533 },    /* € would end at 65536 */
		{ 65532, "\xe2\x82\xac", 65535 },    /* € ends at 65535: kept */
	};
	for (int i = 0; i < NROWS(rows); i++) {
		size_t tl = strlen(rows[i].tail);
		char *c = malloc(rows[i].len + tl + 1);
		ck_assert_ptr_nonnull(c);
		memset(c, 'x', rows[i].len);
		memcpy(c + rows[i].len, rows[i].tail, tl + 1);
		struct stream s;
		stream_open(&s);
		ck_assert_int_eq(pcapng_begin(&s.w, s.m.f, NULL), 0);
		ck_assert_int_eq(pcapng_interface(&s.w, RAW, 0, NULL), 0);
		size_t at = stream_mark(&s);
		ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, (const uint8_t *)"abcd", 4, 4, c), 0);
		char *got = memout_text(&s.m);
		const uint8_t *p = (uint8_t *)got + at;
		size_t n = s.m.size - at;
		size_t opt = 8 + 20 + 4;             /* the comment option */
		uint16_t code, len;
		memcpy(&code, p + opt, 2);
		memcpy(&len, p + opt + 2, 2);
		ck_assert_uint_eq(code, 1);
		ck_assert_uint_eq(len, rows[i].want);
		ck_assert_int_eq(memcmp(p + opt + 4, c, rows[i].want), 0);
		size_t padded = (rows[i].want + 3) & ~(size_t)3;
		ck_assert_uint_eq(n, 12 + 20 + 4 + 4 + padded + 4);
		ck_assert_uint_eq(word(p, 4), n);
		ck_assert_uint_eq(word(p, n - 4), n);
		free(got);
		free(c);
	}
}
END_TEST

/* A refused packet writes nothing. */
START_TEST(refused)
{
	static const uint8_t data[4] = { 1, 2, 3, 4 };
	struct stream s;
	stream_open(&s);
	ck_assert_int_eq(pcapng_begin(&s.w, s.m.f, "t"), 0);
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, data, 4, 4, "x"), -1);  /* no interface */
	ck_assert_int_eq(pcapng_interface(&s.w, RAW, 0, "lo"), 0);
	size_t at = stream_mark(&s);
	ck_assert_int_eq(pcapng_packet(&s.w, 1, 1, data, 4, 4, "x"), -1);  /* bad ifid */
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, data, 4, 3, "x"), -1);  /* origlen < caplen */
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, NULL, 4, 4, "x"), -1);
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, data, UINT32_MAX, UINT32_MAX, "x"), -1);
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, data, 0x7ffeffff, 0x7ffeffff, NULL), -1);
	ck_assert_uint_eq(stream_mark(&s), at);
	ck_assert_int_eq(pcapng_packet(&s.w, 0, 1, NULL, 0, 0, NULL), 0);    /* empty is fine */
	free(memout_text(&s.m));

	struct pcapng w;
	ck_assert_int_eq(pcapng_begin(&w, NULL, "t"), -1);
	ck_assert_int_eq(pcapng_interface(&w, RAW, 0, "lo"), -1);
}
END_TEST

/* A stream that fails (a full disk) is reported by each call. */
START_TEST(stream_error)
{
	FILE *f = fopen("/dev/full", "we");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	struct pcapng w;
	ck_assert_int_eq(pcapng_begin(&w, f, "t"), -1);
	ck_assert_int_eq(pcapng_interface(&w, RAW, 0, "lo"), -1);
	ck_assert_uint_eq(w.nif, 0);
	w.nif = 1;                               /* as if it had been written */
	ck_assert_int_eq(pcapng_packet(&w, 0, 1, (const uint8_t *)"abcd", 4, 4, "c"), -1);
	fclose(f);
}
END_TEST

/* ---- Round trip ---- */

/* An IPv4/UDP query to 192.0.2.53:53 of hat.com A, as LINKTYPE_RAW. */
static size_t udp_query(uint8_t *b, uint8_t last)
{
	static const uint8_t pkt[] = {
		0x45, 0, 0, 53, 0, 1, 0, 0, 64, 17, 0, 0,
		192, 0, 2, 1, 192, 0, 2, 53,
		0xc0, 0x01, 0, 53, 0, 33, 0, 0,
		0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'h', 'a', 't', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	};
	memcpy(b, pkt, sizeof pkt);
	b[19] = last;
	return sizeof pkt;
}

static const struct {
	uint32_t ifid;
	uint64_t t;
	uint32_t origlen;   /* 0: the whole packet */
	const char *comment;
} trip[] = {
	{ 0, 1795776131000000001ull, 0, "pid 101 comm res_loop" },
	{ 1, 1795776131999999999ull, 0, NULL },
	{ 0, 1795776132123456789ull, 1000, "pid 102 comm getent \xe2\x82\xac" },
};

/* The file: packets on interfaces 0 and 1 (two: 0 for both), the last
 * cut to 40 bytes of 1000.  libpcap (1.10.3) reads only one interface of
 * LINKTYPE_RAW: it compares a later interface's LINKTYPE_RAW (101) with
 * the first one's DLT_RAW (12), "an interface has a type 101 different
 * from the type of the first interface"; watch -w writes one. */
static void write_trip(FILE *f, bool two)
{
	struct pcapng w;
	uint8_t b[64];
	ck_assert_int_eq(pcapng_begin(&w, f, "whichns test"), 0);
	ck_assert_int_eq(pcapng_interface(&w, RAW, 65535, "lo"), 0);
	if (two)
		ck_assert_int_eq(pcapng_interface(&w, RAW, 65535, "eth0"), 1);
	for (int i = 0; i < NROWS(trip); i++) {
		size_t n = udp_query(b, (uint8_t)(53 + i));
		uint32_t caplen = trip[i].origlen ? 40 : (uint32_t)n;
		uint32_t origlen = trip[i].origlen ? trip[i].origlen : (uint32_t)n;
		ck_assert_int_eq(pcapng_packet(&w, two ? trip[i].ifid : 0, trip[i].t, b, caplen,
		                               origlen, trip[i].comment), 0);
	}
}

START_TEST(libpcap_reads_it)
{
	char path[] = "/tmp/check_pcapng.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	write_trip(f, false);
	ck_assert_int_eq(fclose(f), 0);

	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
	                PCAP_TSTAMP_PRECISION_NANO, err);
	unlink(path);
	ck_assert_msg(p != NULL, "libpcap: %s", err);
	ck_assert_int_eq(pcap_datalink(p), DLT_RAW);
	ck_assert_int_eq(pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_NANO);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t want[64];
	int i = 0, rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		ck_assert_int_lt(i, NROWS(trip));
		size_t n = udp_query(want, (uint8_t)(53 + i));
		uint32_t caplen = trip[i].origlen ? 40 : (uint32_t)n;
		uint32_t origlen = trip[i].origlen ? trip[i].origlen : (uint32_t)n;
		ck_assert_int_eq(h->ts.tv_sec, (long)(trip[i].t / 1000000000u));
		ck_assert_int_eq(h->ts.tv_usec, (long)(trip[i].t % 1000000000u));
		ck_assert_uint_eq(h->caplen, caplen);
		ck_assert_uint_eq(h->len, origlen);
		ck_assert_int_eq(memcmp(data, want, caplen), 0);
		i++;
	}
	ck_assert_msg(rc == PCAP_ERROR_BREAK, "libpcap: %s", pcap_geterr(p));
	ck_assert_int_eq(i, NROWS(trip));
	pcap_close(p);
}
END_TEST

START_TEST(capfile_reads_it)
{
	struct memout m;
	write_trip(memout_open(&m), true);
	char *buf = memout_text(&m);
	struct capfile *cf = malloc(sizeof *cf);
	ck_assert_ptr_nonnull(cf);
	ck_assert_int_eq(capfile_open(cf, (uint8_t *)buf, m.size), 0);
	ck_assert_int_eq(cf->format, CAPFILE_PCAPNG);
	struct capfile_pkt pkt;
	for (int i = 0; i < NROWS(trip); i++) {
		ck_assert_int_eq(capfile_next(cf, &pkt), CAPFILE_PACKET);
		ck_assert_int_eq(pkt.linktype, RAW);
		ck_assert_uint_eq(pkt.iface, trip[i].ifid);
		ck_assert(pkt.has_time);
		ck_assert_int_eq(pkt.sec, (int64_t)(trip[i].t / 1000000000u));
		ck_assert_uint_eq(pkt.nsec, trip[i].t % 1000000000u);
		ck_assert_uint_eq(pkt.caplen, trip[i].origlen ? 40 : 53);
		ck_assert_uint_eq(pkt.origlen, trip[i].origlen ? trip[i].origlen : 53);
	}
	ck_assert_int_eq(capfile_next(cf, &pkt), CAPFILE_END);
	free(cf);
	free(buf);
}
END_TEST

Suite *pcapng_suite(void)
{
	Suite *s = suite_create("pcapng");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");
	TCase *trip_tc = tcase_create("RoundTrip");
	tcase_add_test(core, section_header);
	tcase_add_test(core, interfaces);
	tcase_add_test(core, packets);
	tcase_add_test(limits, long_comment);
	tcase_add_test(limits, refused);
	tcase_add_test(limits, stream_error);
	tcase_add_test(trip_tc, libpcap_reads_it);
	tcase_add_test(trip_tc, capfile_reads_it);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	suite_add_tcase(s, trip_tc);
	return s;
}
