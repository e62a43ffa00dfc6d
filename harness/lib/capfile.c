/*
 * capfile.c - walk a pcap or pcapng file in memory; see capfile.h.
 *
 * Formats: libpcap's savefile (pcap-savefile(5)) and the pcapng draft
 * (draft-ietf-opsawg-pcapng).  Every length is checked as "len - off < n"
 * against what is left of the buffer or of the block, so no sum can
 * overflow.  A failure is recorded once and sticks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capfile.h"

#define PCAP_HDR      24
#define PCAP_REC      16
#define NG_SHB        0x0a0d0d0au
#define NG_IDB        1u
#define NG_PB         2u          /* obsolete packet block */
#define NG_SPB        3u
#define NG_EPB        6u
#define NG_BOM        0x1a2b3c4du
#define NG_BLOCK_MIN  12          /* type, length, trailing length */
#define OPT_TSRESOL   9
#define OPT_TSOFFSET  14
#define NS            1000000000u

static inline uint16_t rd16(const struct capfile *cf, const uint8_t *p)
{
	return cf->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t rd32(const struct capfile *cf, const uint8_t *p)
{
	if (cf->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct capfile *cf, const uint8_t *p)
{
	uint64_t a = rd32(cf, p), b = rd32(cf, p + 4);
	return cf->be ? a << 32 | b : b << 32 | a;
}

static enum capfile_status fail(struct capfile *cf, enum capfile_status st,
                                size_t at, const char *why)
{
	cf->err = st;
	cf->err_off = cf->base + at;
	cf->why = why;
	return st;
}

/* The record at off is not whole in the buffer, and more bytes may come:
 * need of them from off, at least.  Nothing sticks. */
static enum capfile_status want(struct capfile *cf, size_t need)
{
	cf->need = need;
	return CAPFILE_MORE;
}

/* A reason with numbers in it, kept in cf->errbuf. */
__attribute__((format(printf, 4, 5)))
static enum capfile_status failf(struct capfile *cf, enum capfile_status st,
                                 size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cf->errbuf, sizeof cf->errbuf, fmt, ap);
	va_end(ap);
	return fail(cf, st, at, cf->errbuf);
}

/* Classic pcap. */

static int pcap_open(struct capfile *cf)
{
	static const struct { uint8_t m[4]; bool be, nano; } magics[] = {
		{ { 0xd4, 0xc3, 0xb2, 0xa1 }, false, false },
		{ { 0xa1, 0xb2, 0xc3, 0xd4 }, true,  false },
		{ { 0x4d, 0x3c, 0xb2, 0xa1 }, false, true },
		{ { 0xa1, 0xb2, 0x3c, 0x4d }, true,  true },
	};
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		if (memcmp(cf->buf, magics[i].m, 4) != 0)
			continue;
		cf->be = magics[i].be;
		cf->nano = magics[i].nano;
		if (cf->len < PCAP_HDR) {
			fail(cf, CAPFILE_TRUNCATED, 0, "pcap file header cut short");
			return -1;
		}
		if (rd16(cf, cf->buf + 4) != 2) {
			failf(cf, CAPFILE_BAD, 0, "pcap version %u.%u, not 2.x",
			      rd16(cf, cf->buf + 4), rd16(cf, cf->buf + 6));
			return -1;
		}
		cf->format = CAPFILE_PCAP;
		cf->snaplen = rd32(cf, cf->buf + 16);
		/* The top bits may say how long a frame check sequence is. */
		cf->linktype = (int)(rd32(cf, cf->buf + 20) & 0x03ffffffu);
		cf->off = PCAP_HDR;
		return 0;
	}
	return 1;   /* not pcap */
}

static enum capfile_status pcap_next(struct capfile *cf, struct capfile_pkt *pkt)
{
	size_t at = cf->off, left = cf->len - cf->off;

	if (left < PCAP_REC && cf->more)
		return want(cf, PCAP_REC);
	if (left == 0)
		return CAPFILE_END;
	if (left < PCAP_REC)
		return fail(cf, CAPFILE_TRUNCATED, at, "packet record header cut short");
	const uint8_t *r = cf->buf + at;
	uint32_t caplen = rd32(cf, r + 8);
	if (caplen > CAPFILE_CAPLEN_MAX)
		return failf(cf, CAPFILE_BAD, at, "packet record of %u bytes, more "
		             "than %u", caplen, CAPFILE_CAPLEN_MAX);
	if (left - PCAP_REC < caplen && cf->more)
		return want(cf, PCAP_REC + (size_t)caplen);
	if (left - PCAP_REC < caplen)
		return failf(cf, CAPFILE_TRUNCATED, at, "packet of %u bytes cut short "
		             "at %zu", caplen, left - PCAP_REC);
	uint64_t sec = rd32(cf, r), frac = rd32(cf, r + 4);
	uint64_t per = cf->nano ? NS : 1000000u;
	sec += frac / per;          /* a fraction past a second carries */
	frac %= per;
	*pkt = (struct capfile_pkt){
		.data = r + PCAP_REC, .caplen = caplen, .origlen = rd32(cf, r + 12),
		.linktype = cf->linktype, .iface = 0, .has_time = true,
		.sec = (int64_t)sec,
		.nsec = (uint32_t)(cf->nano ? frac : frac * 1000u),
	};
	cf->off += PCAP_REC + caplen;
	return CAPFILE_PACKET;
}

/* pcapng. */

/* A section header block at off: its byte order, and no interfaces yet. */
static enum capfile_status ng_section(struct capfile *cf, size_t at, size_t blen)
{
	if (blen < 28)
		return failf(cf, CAPFILE_BAD, at, "section header block of %zu bytes, "
		             "fewer than 28", blen);
	uint16_t major = rd16(cf, cf->buf + at + 12);
	if (major != 1)
		return failf(cf, CAPFILE_BAD, at, "pcapng version %u.%u, not 1.x",
		             major, rd16(cf, cf->buf + at + 14));
	cf->nifaces = 0;
	cf->sections++;
	return CAPFILE_PACKET;   /* read on */
}

/* Timestamp units from if_tsresol: 10^-v, or 2^-(v & 0x7f) with the top
 * bit set. */
static bool tsresol_units(uint8_t v, uint64_t *units)
{
	unsigned e = v & 0x7f;
	if (v & 0x80) {
		if (e > 63)
			return false;
		*units = (uint64_t)1 << e;
		return true;
	}
	if (e > 19)
		return false;
	for (*units = 1; e > 0; e--)
		*units *= 10;
	return true;
}

static enum capfile_status ng_iface_options(struct capfile *cf, size_t at,
                                            size_t off, size_t end,
                                            struct capfile_iface *ifc)
{
	while (end - off >= 4) {
		const uint8_t *o = cf->buf + off;
		uint16_t code = rd16(cf, o), olen = rd16(cf, o + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		if (code == 0)
			break;
		if (end - off - 4 < padded)
			return failf(cf, CAPFILE_BAD, at, "interface option %u runs past "
			             "its block", code);
		if (code == OPT_TSRESOL && olen >= 1 && !tsresol_units(o[4], &ifc->units))
			return failf(cf, CAPFILE_BAD, at, "if_tsresol 0x%02x is finer than "
			             "the 64-bit timestamps can count", o[4]);
		if (code == OPT_TSOFFSET && olen >= 8)
			ifc->offset = (int64_t)rd64(cf, o + 4);
		off += 4 + padded;
	}
	return CAPFILE_PACKET;
}

static enum capfile_status ng_iface(struct capfile *cf, size_t at, size_t blen)
{
	if (blen < 20)
		return failf(cf, CAPFILE_BAD, at, "interface description block of %zu "
		             "bytes, fewer than 20", blen);
	if (cf->nifaces == CAPFILE_IFACES_MAX)
		return failf(cf, CAPFILE_BAD, at, "more than %u interfaces in one "
		             "section", CAPFILE_IFACES_MAX);
	struct capfile_iface ifc = {
		.linktype = rd16(cf, cf->buf + at + 8),
		.snaplen = rd32(cf, cf->buf + at + 12),
		.units = 1000000u,
	};
	enum capfile_status st = ng_iface_options(cf, at, at + 16, at + blen - 4, &ifc);
	if (st == CAPFILE_PACKET)
		cf->ifaces[cf->nifaces++] = ifc;
	return st;
}

/* A 64-bit count of the interface's units since the epoch. */
static void ng_time(const struct capfile_iface *ifc, uint64_t ts,
                    struct capfile_pkt *pkt)
{
	uint64_t rem = ts % ifc->units;
	uint64_t ns;
	if (ifc->units <= NS && NS % ifc->units == 0)
		ns = rem * (NS / ifc->units);
	else if (ifc->units % NS == 0)
		ns = rem / (ifc->units / NS);
	else
		ns = (uint64_t)((unsigned __int128)rem * NS / ifc->units);
	/* Unsigned: a wild offset wraps, as the file's clock then does. */
	pkt->sec = (int64_t)(ts / ifc->units + (uint64_t)ifc->offset);
	pkt->nsec = (uint32_t)ns;
	pkt->has_time = true;
}

/* Enhanced (EPB) and obsolete (PB) packet blocks share a layout but for
 * the width of the interface id; simple ones (SPB) have no id and no
 * timestamp, and belong to interface 0. */
static enum capfile_status ng_packet(struct capfile *cf, uint32_t type, size_t at,
                                     size_t blen, struct capfile_pkt *pkt)
{
	const uint8_t *b = cf->buf + at;
	size_t head = type == NG_SPB ? 12 : 28;

	if (blen < head + 4)
		return failf(cf, CAPFILE_BAD, at, "packet block of %zu bytes, fewer "
		             "than %zu", blen, head + 4);
	size_t room = blen - head - 4;
	uint32_t iface = type == NG_EPB ? rd32(cf, b + 8) : type == NG_PB ? rd16(cf, b + 8) : 0;
	if (iface >= cf->nifaces)
		return failf(cf, CAPFILE_BAD, at, "packet on interface %u, but the "
		             "section describes %u", iface, cf->nifaces);
	const struct capfile_iface *ifc = &cf->ifaces[iface];
	memset(pkt, 0, sizeof *pkt);
	if (type == NG_SPB) {
		pkt->origlen = rd32(cf, b + 8);
		pkt->caplen = pkt->origlen;
		if (ifc->snaplen && pkt->caplen > ifc->snaplen)
			pkt->caplen = ifc->snaplen;
		if (pkt->caplen > room)
			pkt->caplen = (uint32_t)room;   /* padding may follow */
	} else {
		pkt->caplen = rd32(cf, b + 20);
		pkt->origlen = rd32(cf, b + 24);
		if (pkt->caplen > room)
			return failf(cf, CAPFILE_BAD, at, "packet of %u bytes in a block "
			             "with room for %zu", pkt->caplen, room);
		ng_time(ifc, (uint64_t)rd32(cf, b + 12) << 32 | rd32(cf, b + 16), pkt);
	}
	if (pkt->caplen > CAPFILE_CAPLEN_MAX)
		return failf(cf, CAPFILE_BAD, at, "packet of %u bytes, more than %u",
		             pkt->caplen, CAPFILE_CAPLEN_MAX);
	pkt->data = b + head;
	pkt->linktype = ifc->linktype;
	pkt->iface = iface;
	return CAPFILE_PACKET;
}

/* The block at off: its length checked at both ends.  A section header
 * says its own byte order first. */
static enum capfile_status ng_block(struct capfile *cf, uint32_t *type, size_t *blen)
{
	size_t at = cf->off, left = cf->len - cf->off;
	const uint8_t *b = cf->buf + at;

	if (left < NG_BLOCK_MIN && cf->more)
		return want(cf, NG_BLOCK_MIN);
	if (left < NG_BLOCK_MIN)
		return fail(cf, CAPFILE_TRUNCATED, at, "block header cut short");
	if (memcmp(b, "\x0a\x0d\x0d\x0a", 4) == 0) {
		if (memcmp(b + 8, "\x1a\x2b\x3c\x4d", 4) == 0)
			cf->be = true;
		else if (memcmp(b + 8, "\x4d\x3c\x2b\x1a", 4) == 0)
			cf->be = false;
		else
			return fail(cf, CAPFILE_BAD, at, "section header without its "
			            "byte-order magic");
	}
	*type = rd32(cf, b);
	*blen = rd32(cf, b + 4);
	if (*blen < NG_BLOCK_MIN || *blen % 4 != 0)
		return failf(cf, CAPFILE_BAD, at, "block length %zu is %s", *blen,
		             *blen < NG_BLOCK_MIN ? "less than 12" : "not a multiple of 4");
	if (left < *blen && cf->more)
		return want(cf, *blen);
	if (left < *blen)
		return failf(cf, CAPFILE_TRUNCATED, at, "block of %zu bytes cut short "
		             "at %zu", *blen, left);
	if (rd32(cf, b + *blen - 4) != *blen)
		return failf(cf, CAPFILE_BAD, at, "block length %zu at its start, "
		             "%u at its end", *blen, rd32(cf, b + *blen - 4));
	return CAPFILE_PACKET;
}

static enum capfile_status ng_next(struct capfile *cf, struct capfile_pkt *pkt)
{
	for (;;) {
		uint32_t type;
		size_t blen, at = cf->off;
		enum capfile_status st;

		if (cf->len == cf->off && !cf->more)
			return CAPFILE_END;
		if ((st = ng_block(cf, &type, &blen)) != CAPFILE_PACKET)
			return st;
		switch (type) {
		case NG_SHB:
			st = ng_section(cf, at, blen);
			break;
		case NG_IDB:
			st = ng_iface(cf, at, blen);
			break;
		case NG_EPB:
		case NG_PB:
		case NG_SPB:
			st = ng_packet(cf, type, at, blen, pkt);
			if (st == CAPFILE_PACKET) {
				cf->off += blen;
				return st;
			}
			break;
		default:
			break;   /* statistics, name resolution, custom: not ours */
		}
		if (st != CAPFILE_PACKET)
			return st;
		cf->off += blen;
	}
}

int capfile_open(struct capfile *cf, const uint8_t *buf, size_t len)
{
	return capfile_open_stream(cf, buf, len, false);
}

int capfile_open_stream(struct capfile *cf, const uint8_t *buf, size_t len,
                        bool more)
{
	memset(cf, 0, sizeof *cf);
	cf->buf = buf;
	cf->len = len;
	cf->more = more;
	if (len < PCAP_HDR && more) {   /* either header's first 24 bytes */
		cf->need = PCAP_HDR;
		return 1;
	}
	if (len < 4) {
		fail(cf, CAPFILE_BAD, 0, "shorter than any capture file header");
		return -1;
	}
	int rc = pcap_open(cf);
	if (rc <= 0)
		return rc;
	if (memcmp(buf, "\x0a\x0d\x0d\x0a", 4) == 0) {
		cf->format = CAPFILE_PCAPNG;
		uint32_t type;
		size_t blen;
		/* The first block must be a whole section header. */
		enum capfile_status st = ng_block(cf, &type, &blen);
		if (st == CAPFILE_MORE)
			return 1;
		if (st != CAPFILE_PACKET || ng_section(cf, 0, blen) != CAPFILE_PACKET)
			return -1;
		cf->off = blen;
		return 0;
	}
	if (memcmp(buf, "\xa1\xb2\xcd\x34", 4) == 0 || memcmp(buf, "\x34\xcd\xb2\xa1", 4) == 0)
		fail(cf, CAPFILE_BAD, 0, "a modified (Kuznetsov) pcap file: convert it "
		     "with editcap -F pcap");
	else
		failf(cf, CAPFILE_BAD, 0, "starts with %02x %02x %02x %02x, which is "
		      "neither pcap (a1 b2 c3 d4) nor pcapng (0a 0d 0d 0a)",
		      buf[0], buf[1], buf[2], buf[3]);
	return -1;
}

void capfile_refill(struct capfile *cf, const uint8_t *buf, size_t len,
                    bool more)
{
	cf->base += cf->off;
	cf->buf = buf;
	cf->len = len;
	cf->off = 0;
	cf->more = more;
}

enum capfile_status capfile_next(struct capfile *cf, struct capfile_pkt *pkt)
{
	enum capfile_status st;

	if (cf->err != CAPFILE_PACKET)
		return cf->err;
	st = cf->format == CAPFILE_PCAP ? pcap_next(cf, pkt) : ng_next(cf, pkt);
	if (st == CAPFILE_PACKET)
		cf->packets++;
	return st;
}

const char *capfile_format_name(enum capfile_format f)
{
	return f == CAPFILE_PCAPNG ? "pcapng" : "pcap";
}
