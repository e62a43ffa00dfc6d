/*
 * pcapng.h - a pcapng writer (draft-ietf-opsawg-pcapng): one section
 * header, interface descriptions, enhanced packet blocks with a comment.
 * whichns watch -w writes the packets it saw this way, each with the
 * process that sent it in the comment, which Wireshark shows as the
 * packet's comment (frame.comment / pkt_comment).
 *
 * Owns: the blocks' bytes, in the host's byte order (the section header's
 * byte-order magic says which), each padded to 32 bits.
 * Never: opens a file or keeps state beyond the interfaces' count.
 */
#ifndef WHICHNS_PCAPNG_H
#define WHICHNS_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

struct pcapng {
	FILE    *f;
	uint32_t nif;            /* interfaces described so far */
};

/* The section header block, with shb_userappl = app.  0, or -1 when the
 * stream reports an error. */
int pcapng_begin(struct pcapng *w, FILE *f, const char *app);
/* An interface description block: link type (101 LINKTYPE_RAW, ...),
 * snap length, if_name = name (NULL: none), if_tsresol 9 (nanoseconds).
 * Returns the interface's id (0, 1, ...), or -1 on a stream error.
 * libpcap (1.10.3: tcpdump, pcap_open_offline) refuses a second
 * LINKTYPE_RAW interface in a file: describe one. */
int pcapng_interface(struct pcapng *w, uint16_t linktype, uint32_t snaplen,
                     const char *name);
/* An enhanced packet block on interface ifid: time in nanoseconds since
 * the epoch, caplen bytes of data (origlen on the wire, >= caplen), and
 * opt_comment = comment (NULL or "": none; UTF-8 is the format's, bytes
 * are written as given, cut to whole characters within 65535 bytes).
 * 0, or -1 on a stream error, a bad ifid, origlen < caplen, or a block
 * beyond 2 GiB; a refused packet writes nothing. */
int pcapng_packet(struct pcapng *w, uint32_t ifid, uint64_t t_ns,
                  const uint8_t *data, uint32_t caplen, uint32_t origlen,
                  const char *comment);

#endif
