/*
 * capfile.h - the packets of a capture file held in memory: classic pcap
 * (either byte order, micro- or nanosecond timestamps) and pcapng
 * (sections in either byte order, any number of interfaces with their
 * own link types and timestamp resolutions).
 *
 * Owns: walking the file's records and blocks, each packet's link type
 * (from its own interface in pcapng), timestamp and captured bytes.
 * Never: reads a byte it has not bounds-checked, trusts a length, copies
 * a packet (each points into the caller's buffer), allocates, or makes a
 * system call: the caller reads or maps the file.
 *
 * pcapng blocks read: section header, interface description (if_tsresol,
 * if_tsoffset), enhanced packet, simple packet and the obsolete packet
 * block; any other block is stepped over.  A file that ends inside a
 * record is CAPFILE_TRUNCATED (a capture cut short: what came before is
 * good); a record that contradicts itself (a block length that is not a
 * multiple of 4 or differs at its two ends, a packet longer than its
 * block or than CAPFILE_CAPLEN_MAX, an interface never described) is
 * CAPFILE_BAD.  Either ends the walk: the walk cannot resynchronize.
 *
 * A file need not be in memory whole: capfile_open_stream() starts on its
 * first bytes, and capfile_next() then says CAPFILE_MORE when the next
 * record is not whole in the buffer yet (cf->need bytes from cf->off);
 * the caller moves those bytes to its buffer's start, reads on after
 * them and hands the buffer back with capfile_refill().  Every record is
 * checked as it would be in the whole file, and offsets (err_off) are the
 * file's.  Packets point into the buffer: they are good until the next
 * capfile_refill().
 */
#ifndef WHICHNS_CAPFILE_H
#define WHICHNS_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPFILE_IFACES_MAX 256            /* interfaces in one pcapng section */
#define CAPFILE_CAPLEN_MAX (256u << 10)   /* libpcap's and Wireshark's limit */

enum capfile_status {
	CAPFILE_PACKET = 0,
	CAPFILE_END,        /* the file ended where a record may end */
	CAPFILE_TRUNCATED,  /* the file ended inside a record */
	CAPFILE_BAD,        /* a record makes no sense */
	CAPFILE_MORE,       /* streaming: the next record is not whole in the
	                     * buffer yet (cf->need); never sticks */
};

enum capfile_format { CAPFILE_PCAP, CAPFILE_PCAPNG };

struct capfile_pkt {
	const uint8_t *data;     /* caplen bytes inside the caller's buffer */
	uint32_t caplen, origlen;
	int      linktype;       /* LINKTYPE_ value of the packet's interface */
	uint32_t iface;          /* pcapng: interface within its section; pcap: 0 */
	bool     has_time;       /* false: a simple packet block has none */
	int64_t  sec;            /* since the epoch */
	uint32_t nsec;           /* < 1000000000 */
};

struct capfile_iface {
	int      linktype;
	uint32_t snaplen;
	uint64_t units;          /* timestamp units per second */
	int64_t  offset;         /* if_tsoffset, seconds */
};

struct capfile {
	const uint8_t *buf;
	size_t   len, off;       /* off: where the next record starts */
	bool     more;           /* streaming: bytes after buf[len] may follow */
	size_t   base;           /* streaming: the file's offset of buf[0] */
	size_t   need;           /* CAPFILE_MORE: bytes from off the record
	                          * needs at least (it may then need more) */
	enum capfile_format format;
	bool     be;             /* the file (pcapng: section) is big-endian */
	/* pcap: the file's link type, snaplen and timestamp units; pcapng:
	 * the interfaces of the current section. */
	int      linktype;
	uint32_t snaplen;
	bool     nano;
	unsigned nifaces;
	struct capfile_iface ifaces[CAPFILE_IFACES_MAX];
	unsigned sections;
	uint64_t packets;        /* CAPFILE_PACKET returned so far */
	enum capfile_status err; /* CAPFILE_PACKET: none yet; else it sticks */
	size_t   err_off;        /* where the record that failed starts (in
	                          * the file) */
	const char *why;         /* what failed; static text or errbuf */
	char     errbuf[160];
};

/* Start reading the len bytes at buf (which must outlive *cf).  0: a pcap
 * or pcapng file; -1: not one, or its header is cut or bad, cf->why says
 * which. */
int capfile_open(struct capfile *cf, const uint8_t *buf, size_t len);
/* The same on the first len bytes of a file read piece by piece; more:
 * others may follow.  1 (only with more): the header is not whole yet:
 * call again with the first cf->need bytes or more. */
int capfile_open_stream(struct capfile *cf, const uint8_t *buf, size_t len,
                        bool more);
/* After CAPFILE_MORE: the bytes that were at cf->off on, and any read
 * after them, are now the len bytes at buf; more: others may follow. */
void capfile_refill(struct capfile *cf, const uint8_t *buf, size_t len,
                    bool more);
/* The next packet into *pkt; on CAPFILE_TRUNCATED and CAPFILE_BAD,
 * cf->why and cf->err_off say what and where, and every later call
 * returns the same.  CAPFILE_MORE only when streaming (see above). */
enum capfile_status capfile_next(struct capfile *cf, struct capfile_pkt *pkt);

const char *capfile_format_name(enum capfile_format f);

#endif
