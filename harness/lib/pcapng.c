/*
 * pcapng.c - a pcapng writer; see pcapng.h.
 *
 * Every block is written in one pass: its total length is known before
 * the first byte (the body's fixed part, the data and each option padded
 * to 32 bits), so nothing is buffered and nothing is sought back to.
 * Values go out in the host's byte order, as the section header's
 * byte-order magic tells a reader.
 *
 * An option's length is 16 bits: a longer string (a comment, a name) is
 * cut to the last whole UTF-8 character within 65535 bytes rather than
 * refused, so one long command line never costs the packet.  A block's
 * total length is 32 bits: a packet whose block would not fit, or whose
 * original length is below its captured length, is refused (-1).
 */
#include <string.h>
#include "pcapng.h"

enum {
	BT_SHB = 0x0A0D0D0A,
	BT_IDB = 0x00000001,
	BT_EPB = 0x00000006,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,

	OPT_ENDOFOPT  = 0,
	OPT_COMMENT   = 1,
	OPT_SHB_USERAPPL = 4,
	OPT_IF_NAME   = 2,
	OPT_IF_TSRESOL = 9,

	TSRESOL_NS = 9,            /* 10^-9 s */
	OPT_LEN_MAX = 0xffff,
};

/* Block header (type, length) and trailer (length): 12 bytes. */
#define BLOCK_FRAME 12u
/* A packet block's body before the data: interface, time high and low,
 * captured and original length. */
#define EPB_FIXED 20u
/* The largest block this writer makes: well below 2^32, so every sum
 * below stays in range once its parts are checked against it. */
#define BLOCK_MAX 0x7fff0000u

static uint32_t pad4(uint32_t n) { return (4 - (n & 3)) & 3; }

/* A stream with a sticky error: later writes do nothing once one
 * failed, and the caller checks once at the end. */
struct out {
	FILE *f;
	int   err;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (!o->err && n && fwrite(p, 1, n, o->f) != n)
		o->err = 1;
}

static void put16(struct out *o, uint16_t v) { put(o, &v, sizeof v); }
static void put32(struct out *o, uint32_t v) { put(o, &v, sizeof v); }

static void put_pad(struct out *o, uint32_t n)
{
	static const uint8_t zero[4];
	put(o, zero, pad4(n));
}

static int out_end(struct out *o)
{
	return o->err || ferror(o->f) ? -1 : 0;
}

/* How many bytes of s an option carries: all of it, or the whole UTF-8
 * characters within OPT_LEN_MAX.  0 for NULL. */
static uint32_t opt_strlen(const char *s)
{
	if (!s)
		return 0;
	size_t n = strnlen(s, (size_t)OPT_LEN_MAX + 1);
	if (n <= OPT_LEN_MAX)
		return (uint32_t)n;
	n = OPT_LEN_MAX;
	while (n > 0 && ((uint8_t)s[n] & 0xC0) == 0x80)   /* s[n] starts the cut */
		n--;
	return (uint32_t)n;
}

/* Bytes an option of n value bytes takes (0 for no option). */
static uint32_t opt_size(uint32_t n) { return n ? 4 + n + pad4(n) : 0; }

static void put_opt(struct out *o, uint16_t code, const void *val, uint32_t n)
{
	if (!n)
		return;
	put16(o, code);
	put16(o, (uint16_t)n);
	put(o, val, n);
	put_pad(o, n);
}

/* opt_endofopt, written only when some option came before it (the
 * spec's rule: an empty option list is no list at all). */
static uint32_t opt_end_size(uint32_t opts) { return opts ? 4 : 0; }

static void put_opt_end(struct out *o, uint32_t opts)
{
	if (opts) {
		put16(o, OPT_ENDOFOPT);
		put16(o, 0);
	}
}

int pcapng_begin(struct pcapng *w, FILE *f, const char *app)
{
	w->f = f;
	w->nif = 0;
	if (!f)
		return -1;
	struct out o = { f, 0 };
	uint32_t napp = opt_strlen(app);
	uint32_t opts = opt_size(napp);
	/* magic, version 1.0, section length -1 (not given) */
	uint32_t len = BLOCK_FRAME + 4 + 2 + 2 + 8 + opts + opt_end_size(opts);
	uint64_t section_len = UINT64_MAX;

	put32(&o, BT_SHB);
	put32(&o, len);
	put32(&o, BYTE_ORDER_MAGIC);
	put16(&o, 1);
	put16(&o, 0);
	put(&o, &section_len, sizeof section_len);
	put_opt(&o, OPT_SHB_USERAPPL, app, napp);
	put_opt_end(&o, opts);
	put32(&o, len);
	return out_end(&o);
}

int pcapng_interface(struct pcapng *w, uint16_t linktype, uint32_t snaplen,
                     const char *name)
{
	if (!w->f || w->nif >= INT32_MAX)
		return -1;
	struct out o = { w->f, 0 };
	static const uint8_t tsresol = TSRESOL_NS;
	uint32_t nname = opt_strlen(name);
	uint32_t opts = opt_size(nname) + opt_size(sizeof tsresol);
	uint32_t len = BLOCK_FRAME + 2 + 2 + 4 + opts + opt_end_size(opts);

	put32(&o, BT_IDB);
	put32(&o, len);
	put16(&o, linktype);
	put16(&o, 0);                          /* reserved */
	put32(&o, snaplen);
	put_opt(&o, OPT_IF_NAME, name, nname);
	put_opt(&o, OPT_IF_TSRESOL, &tsresol, sizeof tsresol);
	put_opt_end(&o, opts);
	put32(&o, len);
	if (out_end(&o) != 0)
		return -1;
	return (int)w->nif++;
}

int pcapng_packet(struct pcapng *w, uint32_t ifid, uint64_t t_ns,
                  const uint8_t *data, uint32_t caplen, uint32_t origlen,
                  const char *comment)
{
	if (!w->f || ifid >= w->nif || origlen < caplen || (caplen && !data))
		return -1;
	uint32_t ncomment = opt_strlen(comment);
	uint32_t opts = opt_size(ncomment);
	uint32_t fixed = BLOCK_FRAME + EPB_FIXED + opts + opt_end_size(opts);
	if (caplen > BLOCK_MAX - fixed - 3)    /* 3: the data's padding */
		return -1;
	uint32_t len = fixed + caplen + pad4(caplen);
	struct out o = { w->f, 0 };

	put32(&o, BT_EPB);
	put32(&o, len);
	put32(&o, ifid);
	put32(&o, (uint32_t)(t_ns >> 32));
	put32(&o, (uint32_t)t_ns);
	put32(&o, caplen);
	put32(&o, origlen);
	put(&o, data, caplen);
	put_pad(&o, caplen);
	put_opt(&o, OPT_COMMENT, comment, ncomment);
	put_opt_end(&o, opts);
	put32(&o, len);
	return out_end(&o);
}
