/*
 * capture.h - libpcap capture of DNS in the client namespace.
 *
 * Owns: the live pcap handle, its filter and the capture.pcap it saves.
 * Never: decides anything about the packets; it hands each one on.
 */
#ifndef WHICHNS_CAPTURE_H
#define WHICHNS_CAPTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <pcap/pcap.h>

struct capture {
	pcap_t        *p;
	pcap_dumper_t *dump;
	int            fd;        /* for poll() */
	int            linktype;
	bool           releasing; /* capture_release: a thread closes p */
	pthread_t      closer;
};

typedef void (*capture_fn)(void *ctx, const struct pcap_pkthdr *h,
                           const uint8_t *bytes, int linktype);

/* Compile the capture's filter once, before the cases fork: each then
 * sets it without compiling (libpcap's compiler costs a case about a
 * millisecond, most of it memory it touches for the first time).  When
 * it cannot, each case compiles it, and says so if that fails. */
void capture_prepare(void);
/* Open "any" in the caller's network namespace, filtered to the DNS
 * packets crossing its edge (capture.c), immediate mode, saving to
 * path. */
int  capture_open(struct capture *c, const char *path, char *err, size_t errsize);
/* Hand every waiting packet to fn (and to the file); returns how many, or
 * -1 on error. */
int  capture_dispatch(struct capture *c, capture_fn fn, void *ctx);
/* Packets the kernel dropped so far (ps_drop + ps_ifdrop). */
int  capture_drops(struct capture *c, uint64_t *drops);
/* The capture is over: capture.pcap written and closed, and the packet
 * socket closed by a thread of its own, since the kernel then waits for
 * a network grace period (synchronize_net, tens of milliseconds) that
 * nothing of the case needs to wait for.  The caller dispatched every
 * packet it wants first.  When no thread starts, the capture stays
 * open, and capture_close() (the undo step) closes it. */
void capture_release(struct capture *c);
/* Close what is left (capture_release's thread goes on). */
void capture_close(struct capture *c);
/* Wait for capture_release's thread, if one runs. */
void capture_join(struct capture *c);

#endif
