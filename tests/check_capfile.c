/*
 * check_capfile.c - unit tests of the capture file reader.
 *
 * Files are built in memory with a builder that writes either byte
 * order; every file handed to the reader sits alone in a heap block of
 * its exact size (wire_exact), so a read one byte past the end is caught
 * under AddressSanitizer.  Malformed files assert the exact status and
 * reason.
 */
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "suites.h"
#include "testutil.h"

enum { EN10MB = 1, RAW = 101, SLL = 113, SLL2 = 276, USB = 189 };
enum { SHB = 0x0a0d0d0a, IDB = 1, PB = 2, SPB = 3, NRB = 4, ISB = 5, EPB = 6 };

/* A file under construction, in the byte order of be. */
struct file {
	struct wire w;
	bool be;
};

static void u8(struct file *f, unsigned v) { put8(&f->w, v); }
static void u16(struct file *f, unsigned v)
{
	if (f->be) { u8(f, v >> 8); u8(f, v & 0xff); }
	else { u8(f, v & 0xff); u8(f, v >> 8); }
}
static void u32(struct file *f, uint32_t v)
{
	if (f->be) { u16(f, v >> 16); u16(f, v & 0xffff); }
	else { u16(f, v & 0xffff); u16(f, v >> 16); }
}
static void pad4(struct file *f) { while (f->w.n % 4) u8(f, 0); }

/* Classic pcap header. */
static void pcap_head(struct file *f, bool be, bool nano, uint32_t link)
{
	f->w.n = 0;
	f->be = be;
	u32(f, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	u16(f, 2);
	u16(f, 4);
	u32(f, 0);
	u32(f, 0);
	u32(f, 65535);
	u32(f, link);
}

static void pcap_rec(struct file *f, uint32_t sec, uint32_t frac, uint32_t caplen,
                     uint32_t len, uint8_t fill)
{
	u32(f, sec);
	u32(f, frac);
	u32(f, caplen);
	u32(f, len);
	for (uint32_t i = 0; i < caplen; i++)
		u8(f, fill);
}

/* pcapng blocks: block_begin() leaves room for the length, block_end()
 * pads and writes it at both ends. */
static size_t block_begin(struct file *f, uint32_t type)
{
	size_t at = f->w.n;
	u32(f, type);
	u32(f, 0);
	return at;
}

static void block_end(struct file *f, size_t at)
{
	pad4(f);
	uint32_t len = (uint32_t)(f->w.n - at + 4);
	size_t end = f->w.n;
	f->w.n = at + 4;
	u32(f, len);
	f->w.n = end;
	u32(f, len);
}

static void shb(struct file *f, bool be)
{
	f->be = be;
	size_t at = block_begin(f, SHB);
	u32(f, 0x1a2b3c4d);
	u16(f, 1);
	u16(f, 0);
	u32(f, 0xffffffff);
	u32(f, 0xffffffff);
	block_end(f, at);
}

/* An interface; tsresol < 0: none (microseconds); tsoffset 0: none. */
static void idb(struct file *f, unsigned link, uint32_t snaplen, int tsresol,
                uint32_t tsoffset)
{
	size_t at = block_begin(f, IDB);
	u16(f, link);
	u16(f, 0);
	u32(f, snaplen);
	if (tsresol >= 0) {
		u16(f, 9);
		u16(f, 1);
		u8(f, (unsigned)tsresol);
		pad4(f);
	}
	if (tsoffset) {
		u16(f, 14);
		u16(f, 8);
		if (f->be) { u32(f, 0); u32(f, tsoffset); }
		else { u32(f, tsoffset); u32(f, 0); }
	}
	u32(f, 0);
	block_end(f, at);
}

static void epb(struct file *f, uint32_t iface, uint64_t ts, uint32_t caplen,
                uint32_t len, uint8_t fill)
{
	size_t at = block_begin(f, EPB);
	u32(f, iface);
	u32(f, (uint32_t)(ts >> 32));
	u32(f, (uint32_t)ts);
	u32(f, caplen);
	u32(f, len);
	for (uint32_t i = 0; i < caplen; i++)
		u8(f, fill);
	block_end(f, at);
}

static void pcapng_head(struct file *f, bool be)
{
	f->w.n = 0;
	shb(f, be);
}

/* The reader over an exact copy of the first len bytes. */
struct reader {
	struct capfile cf;
	uint8_t *buf;
};

static int reader_open(struct reader *r, const struct file *f, size_t len)
{
	r->buf = wire_exact(&f->w, len);
	return capfile_open(&r->cf, r->buf, len);
}

static void reader_close(struct reader *r)
{
	free(r->buf);
}

/* Packets until the walk ends; returns how it ended. */
static enum capfile_status walk(struct reader *r, unsigned *packets)
{
	struct capfile_pkt pkt;
	enum capfile_status st;

	*packets = 0;
	while ((st = capfile_next(&r->cf, &pkt)) == CAPFILE_PACKET) {
		ck_assert_ptr_nonnull(pkt.data);
		ck_assert((size_t)(pkt.data - r->buf) <= r->cf.len - pkt.caplen);
		(*packets)++;
	}
	return st;
}

/* Core */

START_TEST(test_pcap_both_orders_both_units)
{
	static const struct { bool be, nano; uint32_t frac, nsec; } rows[] = {
		{ false, false, 123456, 123456000 }, { true, false, 5, 5000 },
		{ false, true, 123456789, 123456789 }, { true, true, 999999999, 999999999 },
	};
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	for (int i = 0; i < NROWS(rows); i++) {
		pcap_head(&f, rows[i].be, rows[i].nano, EN10MB);
		pcap_rec(&f, 1795663444, rows[i].frac, 3, 60, 0xaa);
		pcap_rec(&f, 1795663445, 0, 0, 0, 0);
		ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
		ck_assert_int_eq(r.cf.format, CAPFILE_PCAP);
		ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
		ck_assert_int_eq(pkt.linktype, EN10MB);
		ck_assert_uint_eq(pkt.caplen, 3);
		ck_assert_uint_eq(pkt.origlen, 60);
		ck_assert(pkt.has_time);
		ck_assert_int_eq(pkt.sec, 1795663444);
		ck_assert_uint_eq(pkt.nsec, rows[i].nsec);
		ck_assert(pkt.data == r.buf + 24 + 16 && pkt.data[2] == 0xaa);
		ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
		ck_assert_uint_eq(pkt.caplen, 0);
		ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_END);
		ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_END);
		ck_assert_uint_eq(r.cf.packets, 2);
		reader_close(&r);
	}
}
END_TEST

/* A fraction of a second past a second carries; the FCS bits above the
 * link type are not part of it. */
START_TEST(test_pcap_odd_fields)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	pcap_head(&f, false, false, 0x14000000u | EN10MB);   /* FCS: 4 bytes */
	pcap_rec(&f, 10, 2500000, 1, 1, 0);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert_int_eq(pkt.linktype, EN10MB);
	ck_assert_int_eq(pkt.sec, 12);
	ck_assert_uint_eq(pkt.nsec, 500000000);
	reader_close(&r);
}
END_TEST

/* Interfaces of several link types, packets interleaved, and blocks that
 * are not ours stepped over. */
START_TEST(test_pcapng_interfaces)
{
	static const unsigned links[] = { EN10MB, SLL, RAW, SLL2 };
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	for (int be = 0; be < 2; be++) {
		pcapng_head(&f, be);
		for (unsigned i = 0; i < 4; i++)
			idb(&f, links[i], i == 1 ? 96 : 262144, -1, 0);
		size_t at = block_begin(&f, ISB);
		u32(&f, 0);
		u32(&f, 0);
		u32(&f, 0);
		block_end(&f, at);
		at = block_begin(&f, 0x40000bad);   /* a custom block */
		u32(&f, 32473);
		block_end(&f, at);
		for (unsigned i = 0; i < 8; i++)
			epb(&f, (i * 3) % 4, UINT64_C(1795663444000000) + i, 5 + i, 5 + i,
			    (uint8_t)i);
		ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
		ck_assert_int_eq(r.cf.format, CAPFILE_PCAPNG);
		for (unsigned i = 0; i < 8; i++) {
			ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
			ck_assert_uint_eq(pkt.iface, (i * 3) % 4);
			ck_assert_int_eq(pkt.linktype, (int)links[(i * 3) % 4]);
			ck_assert_uint_eq(pkt.caplen, 5 + i);
			ck_assert_uint_eq(pkt.data[0], i);
			ck_assert_int_eq(pkt.sec, 1795663444);
			ck_assert_uint_eq(pkt.nsec, i * 1000);
		}
		ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_END);
		ck_assert_uint_eq(r.cf.nifaces, 4);
		reader_close(&r);
	}
}
END_TEST

/* if_tsresol and if_tsoffset: the same moment, 1795663444.123456789 s,
 * in each interface's units. */
static const struct {
	int      tsresol;
	uint64_t ts;
	uint32_t nsec;
} tsresol_rows[] = {
	{ -1, UINT64_C(1795663444123456), 123456000 },
	{ 9, UINT64_C(1795663444123456789), 123456789 },
	{ 3, UINT64_C(1795663444123), 123000000 },
	{ 0, UINT64_C(1795663444), 0 },
	{ 0x80 | 20, (UINT64_C(1795663444) << 20) | (1u << 19), 500000000 },
	{ 0x80 | 30, (UINT64_C(1795663444) << 30) | 1, 0 },   /* 0.93 ns */
	{ 6, UINT64_C(1795663444123456), 123456000 },
	{ 0x80 | 0, UINT64_C(1795663444), 0 },
};

START_TEST(test_pcapng_timestamps)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;
	uint64_t ts = tsresol_rows[_i].ts;

	pcapng_head(&f, _i % 2);
	idb(&f, EN10MB, 0, tsresol_rows[_i].tsresol, 0);
	idb(&f, EN10MB, 0, tsresol_rows[_i].tsresol, 1000);
	epb(&f, 0, ts, 1, 1, 0);
	epb(&f, 1, ts, 1, 1, 0);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert_int_eq(pkt.sec, 1795663444);
	ck_assert_uint_eq(pkt.nsec, tsresol_rows[_i].nsec);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert_int_eq(pkt.sec, 1795663444 + 1000);   /* if_tsoffset */
	reader_close(&r);
}
END_TEST

/* A simple packet block: interface 0's, no time, cut to the snaplen; an
 * obsolete packet block: a 16-bit interface id. */
START_TEST(test_pcapng_simple_and_obsolete_blocks)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	pcapng_head(&f, true);
	idb(&f, RAW, 8, -1, 0);
	idb(&f, SLL, 0, -1, 0);
	size_t at = block_begin(&f, SPB);
	u32(&f, 20);                 /* original length */
	for (int i = 0; i < 8; i++)
		u8(&f, 0x45);
	block_end(&f, at);
	at = block_begin(&f, PB);
	u16(&f, 1);
	u16(&f, 0);                  /* drops */
	u32(&f, 0);
	u32(&f, 7000000);
	u32(&f, 2);
	u32(&f, 2);
	u16(&f, 0xabcd);
	block_end(&f, at);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert(!pkt.has_time);
	ck_assert_int_eq(pkt.linktype, RAW);
	ck_assert_uint_eq(pkt.caplen, 8);
	ck_assert_uint_eq(pkt.origlen, 20);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert(pkt.has_time);
	ck_assert_int_eq(pkt.sec, 7);
	ck_assert_int_eq(pkt.linktype, SLL);
	ck_assert_uint_eq(pkt.iface, 1);
	ck_assert_uint_eq(pkt.caplen, 2);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_END);
	reader_close(&r);
}
END_TEST

/* A new section has its own byte order and its own interfaces. */
START_TEST(test_pcapng_sections)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	pcapng_head(&f, false);
	idb(&f, EN10MB, 0, -1, 0);
	idb(&f, SLL, 0, -1, 0);
	epb(&f, 1, 1000000, 1, 1, 0);
	shb(&f, true);
	idb(&f, RAW, 0, -1, 0);
	epb(&f, 0, 2000000, 1, 1, 0);
	epb(&f, 1, 3000000, 1, 1, 0);       /* the old section's interface */
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert_int_eq(pkt.linktype, SLL);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_PACKET);
	ck_assert_int_eq(pkt.linktype, RAW);
	ck_assert_int_eq(pkt.sec, 2);
	ck_assert_uint_eq(r.cf.sections, 2);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_BAD);
	ck_assert_str_eq(r.cf.why, "packet on interface 1, but the section describes 1");
	reader_close(&r);
}
END_TEST

/* The file f read one byte at a time (capfile_open_stream, capfile_refill
 * at each CAPFILE_MORE, the record that did not fit kept): the packets
 * of the whole walk, in order, and the same end at the same offset. */
static void stream_same(const struct file *f)
{
	struct reader whole;
	struct capfile cf;
	struct capfile_pkt a, b;
	enum capfile_status sa, sb;
	size_t have = 0, from = 0, mores = 0;
	int rc;

	ck_assert_int_eq(reader_open(&whole, f, f->w.n), 0);
	while ((rc = capfile_open_stream(&cf, f->w.b, have, have < f->w.n)) == 1) {
		ck_assert_uint_gt(cf.need, have);
		have++;
	}
	ck_assert_int_eq(rc, 0);
	do {
		sa = capfile_next(&whole.cf, &a);
		while ((sb = capfile_next(&cf, &b)) == CAPFILE_MORE) {
			ck_assert_uint_lt(from + have, f->w.n);   /* only with more */
			mores++;
			from += cf.off;
			have = have - cf.off + 1;
			capfile_refill(&cf, f->w.b + from, have, from + have < f->w.n);
		}
		ck_assert_int_eq(sb, sa);
		if (sa == CAPFILE_PACKET) {
			ck_assert_uint_eq(cf.base + (size_t)(b.data - cf.buf),
			                  (size_t)(a.data - whole.buf));
			ck_assert_uint_eq(b.caplen, a.caplen);
			ck_assert_int_eq(b.linktype, a.linktype);
			ck_assert_int_eq(b.sec, a.sec);
			ck_assert_uint_eq(b.nsec, a.nsec);
		}
	} while (sa == CAPFILE_PACKET);
	ck_assert_uint_gt(mores, 0);
	if (sa != CAPFILE_END) {
		ck_assert_uint_eq(cf.err_off, whole.cf.err_off);
		ck_assert_str_eq(cf.why, whole.cf.why);
	}
	ck_assert_uint_eq(cf.packets, whole.cf.packets);
	reader_close(&whole);
}

START_TEST(test_stream_byte_by_byte)
{
	struct file f;

	pcapng_head(&f, false);   /* two sections, ending damaged */
	idb(&f, EN10MB, 0, -1, 0);
	idb(&f, SLL, 0, 9, 0);
	epb(&f, 1, 1000000, 3, 3, 0);
	shb(&f, true);
	idb(&f, RAW, 0, -1, 0);
	epb(&f, 0, 2000000, 5, 5, 0);
	epb(&f, 1, 3000000, 1, 1, 0);
	stream_same(&f);
	f.w.n -= 3;               /* the same cut inside its last block */
	stream_same(&f);

	pcap_head(&f, true, true, EN10MB);
	pcap_rec(&f, 1, 999999999, 7, 7, 1);
	pcap_rec(&f, 2, 5, 0, 0, 0);
	pcap_rec(&f, 3, 6, 20, 20, 2);
	stream_same(&f);          /* whole */
	f.w.n -= 1;
	stream_same(&f);          /* its last packet cut */
	f.w.n -= 20;
	stream_same(&f);          /* its last record header cut */
}
END_TEST

START_TEST(test_format_names)
{
	ck_assert_str_eq(capfile_format_name(CAPFILE_PCAP), "pcap");
	ck_assert_str_eq(capfile_format_name(CAPFILE_PCAPNG), "pcapng");
}
END_TEST

/* Limits */

/* Every prefix of a good file: some packets, then the end (at a record
 * boundary) or truncated, never bad, never a byte read past the prefix. */
START_TEST(test_every_prefix)
{
	struct file f;
	struct reader r;
	unsigned packets, whole[64], nwhole = 0;

	if (_i == 0) {
		pcap_head(&f, false, false, EN10MB);
		for (unsigned i = 0; i < 3; i++) {
			pcap_rec(&f, 1, i, 5 + i, 60, 1);
			whole[nwhole++] = (unsigned)f.w.n;
		}
	} else {
		pcapng_head(&f, _i == 2);
		idb(&f, EN10MB, 0, 9, 0);
		for (unsigned i = 0; i < 3; i++) {
			epb(&f, 0, i, 5 + i, 60, 1);
			whole[nwhole++] = (unsigned)f.w.n;
		}
	}
	size_t head = _i == 0 ? 24 : 28;
	for (size_t len = 0; len <= f.w.n; len++) {
		int rc = reader_open(&r, &f, len);
		if (len < head) {
			ck_assert_int_eq(rc, -1);
			ck_assert_int_ne(r.cf.err, CAPFILE_PACKET);
			ck_assert_ptr_nonnull(r.cf.why);
			reader_close(&r);
			continue;
		}
		ck_assert_int_eq(rc, 0);
		enum capfile_status st = walk(&r, &packets);
		unsigned want = 0;
		while (want < nwhole && whole[want] <= len)
			want++;
		ck_assert_uint_eq(packets, want);
		bool boundary = len == head || (want && whole[want - 1] == len) ||
		                (_i && len == head + 32);   /* after the IDB */
		ck_assert_msg(st == (boundary ? CAPFILE_END : CAPFILE_TRUNCATED),
		              "format %d prefix %zu: %d (%s)", _i, len, st,
		              r.cf.why ? r.cf.why : "-");
		reader_close(&r);
	}
}
END_TEST

/* One byte after another changed: whatever the reader says, it says it
 * without reading outside the file (the point is ASan's). */
START_TEST(test_every_byte_mutated)
{
	struct file f;
	struct reader r;
	unsigned packets;

	pcapng_head(&f, _i);
	idb(&f, EN10MB, 64, 9, 100);
	epb(&f, 0, 1, 20, 20, 1);
	size_t at = block_begin(&f, SPB);
	u32(&f, 30);
	for (int i = 0; i < 30; i++)
		u8(&f, 2);
	block_end(&f, at);
	for (size_t i = 0; i < f.w.n; i++) {
		for (unsigned v = 0; v < 256; v += 51) {
			struct file g = f;
			g.w.b[i] ^= (uint8_t)(v | 1);
			if (reader_open(&r, &g, g.w.n) == 0) {
				enum capfile_status st = walk(&r, &packets);
				ck_assert(st != CAPFILE_PACKET);
				ck_assert(st == CAPFILE_END || r.cf.why != NULL);
			}
			reader_close(&r);
		}
	}
}
END_TEST

START_TEST(test_too_many_interfaces)
{
	struct file f;
	struct capfile cf;
	struct capfile_pkt pkt;

	pcapng_head(&f, false);
	size_t head = f.w.n;
	idb(&f, EN10MB, 0, -1, 0);
	size_t one = f.w.n - head, len = head + (CAPFILE_IFACES_MAX + 1) * one;
	uint8_t *b = malloc(len);
	ck_assert_ptr_nonnull(b);
	memcpy(b, f.w.b, head);
	for (size_t i = 0; i <= CAPFILE_IFACES_MAX; i++)
		memcpy(b + head + i * one, f.w.b + head, one);
	ck_assert_int_eq(capfile_open(&cf, b, len), 0);
	ck_assert_int_eq(capfile_next(&cf, &pkt), CAPFILE_BAD);
	ck_assert_str_eq(cf.why, "more than 256 interfaces in one section");
	ck_assert_uint_eq(cf.nifaces, CAPFILE_IFACES_MAX);
	free(b);
}
END_TEST

/* A packet longer than CAPFILE_CAPLEN_MAX in a block that holds it. */
START_TEST(test_packet_too_long)
{
	size_t caplen = CAPFILE_CAPLEN_MAX + 4;
	struct file f;
	struct capfile cf;
	struct capfile_pkt pkt;

	pcapng_head(&f, false);
	idb(&f, EN10MB, 0, -1, 0);
	size_t head = f.w.n, len = head + 32 + caplen;
	uint8_t *b = calloc(1, len);
	ck_assert_ptr_nonnull(b);
	memcpy(b, f.w.b, head);
	f.w.n = 0;
	u32(&f, EPB);
	u32(&f, (uint32_t)(32 + caplen));
	u32(&f, 0);
	u32(&f, 0);
	u32(&f, 0);
	u32(&f, (uint32_t)caplen);
	u32(&f, (uint32_t)caplen);
	memcpy(b + head, f.w.b, f.w.n);
	f.w.n = 0;
	u32(&f, (uint32_t)(32 + caplen));
	memcpy(b + len - 4, f.w.b, 4);
	ck_assert_int_eq(capfile_open(&cf, b, len), 0);
	ck_assert_int_eq(capfile_next(&cf, &pkt), CAPFILE_BAD);
	ck_assert_str_eq(cf.why, "packet of 262148 bytes, more than 262144");
	free(b);
}
END_TEST

/* Malformed */

static const struct {
	const char *name;
	uint8_t     bytes[8];
	size_t      len;
	const char *why;
} open_rows[] = {
	{ "empty", { 0 }, 0, "shorter than any capture file header" },
	{ "three bytes", { 0xd4, 0xc3, 0xb2 }, 3, "shorter than any capture file header" },
	{ "text", { 'n', 'o', 't', ' ' }, 4, "starts with 6e 6f 74 20, which is "
	  "neither pcap (a1 b2 c3 d4) nor pcapng (0a 0d 0d 0a)" },
	{ "kuznetsov", { 0x34, 0xcd, 0xb2, 0xa1 }, 4, "a modified (Kuznetsov) "
	  "pcap file: convert it with editcap -F pcap" },
	{ "pcap header cut", { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0 }, 6, "pcap file header cut short" },
	{ "pcapng header cut", { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0 }, 8, "block header cut short" },
};

START_TEST(test_open_refused)
{
	struct capfile cf;
	struct wire w = { .n = 0 };

	put_bytes(&w, open_rows[_i].bytes, open_rows[_i].len);
	uint8_t *b = wire_exact(&w, w.n);
	ck_assert_msg(capfile_open(&cf, b, w.n) == -1, "%s", open_rows[_i].name);
	ck_assert_str_eq(cf.why, open_rows[_i].why);
	free(b);
}
END_TEST

/* Headers that are whole but wrong. */
START_TEST(test_bad_headers)
{
	struct file f;
	struct reader r;

	pcap_head(&f, true, false, EN10MB);
	f.w.b[5] = 3;                        /* version 3.4 */
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), -1);
	ck_assert_str_eq(r.cf.why, "pcap version 3.4, not 2.x");
	reader_close(&r);

	pcapng_head(&f, false);
	f.w.b[12] = 2;                       /* version 2.0 */
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), -1);
	ck_assert_str_eq(r.cf.why, "pcapng version 2.0, not 1.x");
	reader_close(&r);

	pcapng_head(&f, false);
	f.w.b[8] = 0;                        /* byte-order magic */
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), -1);
	ck_assert_str_eq(r.cf.why, "section header without its byte-order magic");
	reader_close(&r);
}
END_TEST

/* A pcapng file of a section, one interface and then what row writes. */
struct bad_row {
	const char *name;
	void (*write)(struct file *f);
	enum capfile_status st;
	const char *why;
};

static void raw_block(struct file *f, uint32_t type, uint32_t len1, uint32_t len2,
                      size_t body)
{
	u32(f, type);
	u32(f, len1);
	for (size_t i = 0; i < body; i++)
		u8(f, 0);
	u32(f, len2);
}

static void w_len_odd(struct file *f) { raw_block(f, EPB, 37, 37, 25); }
static void w_len_small(struct file *f) { raw_block(f, NRB, 8, 8, 0); }
static void w_len_differ(struct file *f) { raw_block(f, NRB, 16, 20, 4); }
static void w_len_huge(struct file *f) { raw_block(f, NRB, 0xfffffffc, 0xfffffffc, 4); }
static void w_epb_short(struct file *f) { raw_block(f, EPB, 28, 28, 16); }
static void w_spb_short(struct file *f) { raw_block(f, SPB, 12, 12, 0); }
static void w_idb_short(struct file *f) { raw_block(f, IDB, 16, 16, 4); }
static void w_iface_out(struct file *f) { epb(f, 1, 0, 1, 1, 0); }
static void w_iface_huge(struct file *f) { epb(f, 0xffffffff, 0, 1, 1, 0); }
static void w_caplen_room(struct file *f)
{
	size_t at = block_begin(f, EPB);
	u32(f, 0);
	u32(f, 0);
	u32(f, 0);
	u32(f, 9);                  /* 9 bytes in a block with room for 8 */
	u32(f, 9);
	u32(f, 0);
	u32(f, 0);
	block_end(f, at);
}
static void w_opt_past(struct file *f)
{
	size_t at = block_begin(f, IDB);
	u16(f, EN10MB);
	u16(f, 0);
	u32(f, 0);
	u16(f, 2);                  /* if_name of 64 bytes, 4 there */
	u16(f, 64);
	u32(f, 0);
	block_end(f, at);
}
static void w_tsresol_2(struct file *f) { idb(f, EN10MB, 0, 0x80 | 64, 0); }
static void w_tsresol_10(struct file *f) { idb(f, EN10MB, 0, 20, 0); }
static void w_second_shb_short(struct file *f)
{
	u32(f, SHB);
	u32(f, 16);
	u32(f, 0x1a2b3c4d);
	u32(f, 16);
}
static void w_record_cut(struct file *f) { u32(f, EPB); u32(f, 64); u32(f, 0); }

static const struct bad_row bad_rows[] = {
	{ "length odd", w_len_odd, CAPFILE_BAD, "block length 37 is not a multiple of 4" },
	{ "length < 12", w_len_small, CAPFILE_BAD, "block length 8 is less than 12" },
	{ "lengths differ", w_len_differ, CAPFILE_BAD, "block length 16 at its start, 20 at its end" },
	{ "length huge", w_len_huge, CAPFILE_TRUNCATED, "block of 4294967292 bytes cut short at 16" },
	{ "epb short", w_epb_short, CAPFILE_BAD, "packet block of 28 bytes, fewer than 32" },
	{ "spb short", w_spb_short, CAPFILE_BAD, "packet block of 12 bytes, fewer than 16" },
	{ "idb short", w_idb_short, CAPFILE_BAD, "interface description block of 16 bytes, fewer than 20" },
	{ "iface 1 of 1", w_iface_out, CAPFILE_BAD, "packet on interface 1, but the section describes 1" },
	{ "iface huge", w_iface_huge, CAPFILE_BAD, "packet on interface 4294967295, but the section describes 1" },
	{ "caplen > room", w_caplen_room, CAPFILE_BAD, "packet of 9 bytes in a block with room for 8" },
	{ "option past block", w_opt_past, CAPFILE_BAD, "interface option 2 runs past its block" },
	{ "tsresol 2^-64", w_tsresol_2, CAPFILE_BAD, "if_tsresol 0xc0 is finer than the 64-bit timestamps can count" },
	{ "tsresol 10^-20", w_tsresol_10, CAPFILE_BAD, "if_tsresol 0x14 is finer than the 64-bit timestamps can count" },
	{ "section short", w_second_shb_short, CAPFILE_BAD, "section header block of 16 bytes, fewer than 28" },
	{ "record cut", w_record_cut, CAPFILE_TRUNCATED, "block of 64 bytes cut short at 12" },
};

START_TEST(test_bad_blocks)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;
	unsigned packets;

	pcapng_head(&f, _i % 2);
	idb(&f, EN10MB, 0, -1, 0);
	epb(&f, 0, 0, 4, 4, 0);
	size_t at = f.w.n;
	bad_rows[_i].write(&f);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_msg(walk(&r, &packets) == bad_rows[_i].st, "%s: %s", bad_rows[_i].name,
	              r.cf.why ? r.cf.why : "-");
	ck_assert_str_eq(r.cf.why, bad_rows[_i].why);
	ck_assert_uint_eq(packets, 1);
	ck_assert_uint_eq(r.cf.err_off, at);
	/* It sticks. */
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), bad_rows[_i].st);
	reader_close(&r);
}
END_TEST

START_TEST(test_spb_before_interface)
{
	struct file f;
	struct reader r;
	struct capfile_pkt pkt;

	pcapng_head(&f, false);
	size_t at = block_begin(&f, SPB);
	u32(&f, 4);
	u32(&f, 0);
	block_end(&f, at);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(capfile_next(&r.cf, &pkt), CAPFILE_BAD);
	ck_assert_str_eq(r.cf.why, "packet on interface 0, but the section describes 0");
	reader_close(&r);
}
END_TEST

START_TEST(test_pcap_bad_records)
{
	struct file f;
	struct reader r;
	unsigned packets;

	pcap_head(&f, false, false, EN10MB);
	pcap_rec(&f, 1, 0, 2, 2, 0);
	u32(&f, 1);
	u32(&f, 0);
	u32(&f, CAPFILE_CAPLEN_MAX + 1);
	u32(&f, 60);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(walk(&r, &packets), CAPFILE_BAD);
	ck_assert_uint_eq(packets, 1);
	ck_assert_str_eq(r.cf.why, "packet record of 262145 bytes, more than 262144");
	ck_assert_uint_eq(r.cf.err_off, 24 + 18);
	reader_close(&r);

	pcap_head(&f, true, false, EN10MB);
	u32(&f, 1);
	u32(&f, 0);
	u32(&f, 100);
	u32(&f, 100);
	u32(&f, 0);
	ck_assert_int_eq(reader_open(&r, &f, f.w.n), 0);
	ck_assert_int_eq(walk(&r, &packets), CAPFILE_TRUNCATED);
	ck_assert_str_eq(r.cf.why, "packet of 100 bytes cut short at 4");
	reader_close(&r);
}
END_TEST

Suite *capfile_suite(void)
{
	Suite *s = suite_create("capfile");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");
	TCase *bad = tcase_create("Malformed");

	tcase_add_test(core, test_pcap_both_orders_both_units);
	tcase_add_test(core, test_pcap_odd_fields);
	tcase_add_test(core, test_pcapng_interfaces);
	tcase_add_test(core, test_stream_byte_by_byte);
	tcase_add_loop_test(core, test_pcapng_timestamps, 0, NROWS(tsresol_rows));
	tcase_add_test(core, test_pcapng_simple_and_obsolete_blocks);
	tcase_add_test(core, test_pcapng_sections);
	tcase_add_test(core, test_format_names);
	suite_add_tcase(s, core);

	tcase_add_loop_test(limits, test_every_prefix, 0, 3);
	tcase_add_loop_test(limits, test_every_byte_mutated, 0, 2);
	tcase_add_test(limits, test_too_many_interfaces);
	tcase_add_test(limits, test_packet_too_long);
	suite_add_tcase(s, limits);

	tcase_add_loop_test(bad, test_open_refused, 0, NROWS(open_rows));
	tcase_add_test(bad, test_bad_headers);
	tcase_add_loop_test(bad, test_bad_blocks, 0, NROWS(bad_rows));
	tcase_add_test(bad, test_spb_before_interface);
	tcase_add_test(bad, test_pcap_bad_records);
	suite_add_tcase(s, bad);
	return s;
}
