/*
 * capture.h - the live capture of DNS in the client namespace: a packet
 * socket on every interface with a receive ring, and the capture.pcap a
 * case saves from it.
 *
 * Owns: the packet socket (its ring, filter and statistics), reading
 * the ring, and capture.pcap.  A socket is either a case's own, made by
 * capture_open() and closed at its end, or a job slot's, made once with
 * its kept servers (capture_socket(), pool.h) and read by each case that
 * takes them, from the case's capture_open() on.
 * Never: decides anything about the packets; it hands each one on.
 */
#ifndef WHICHNS_CAPTURE_H
#define WHICHNS_CAPTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <pcap/pcap.h>
#include "pktring.h"

/* Where a job slot's next case starts reading the slot's socket's ring:
 * where its last case stopped, kept by the slot in memory its cases
 * share, so that the next one need not look through the whole ring. */
struct capture_place {
	bool     known;   /* false: look (a new slot says 0; a case that
	                   * ended without capture_release says nothing) */
	unsigned next;
};

struct capture {
	int            fd;        /* the packet socket, for poll(); -1: none */
	bool           own;       /* the case's own: closed at its end */
	struct pktring ring;      /* the socket's ring, mapped here (base) */
	struct capture_place *place;   /* a slot's: told at the release */
	pcap_dumper_t *dump;
	int            lo;        /* the loopback's interface index */
	uint64_t       drops;
	char           err[128];  /* why capture_dispatch failed */
	bool           releasing; /* capture_release: a thread closes ... */
	int            closing_fd;
	uint8_t       *closing_ring;   /* ... these */
	pthread_t      closer;
};

/* What capture_dispatch hands on: a packet, its link type always
 * DLT_LINUX_SLL (a cooked record, as libpcap's "any" device gives). */
typedef void (*capture_fn)(void *ctx, const struct pcap_pkthdr *h,
                           const uint8_t *bytes, int linktype);

/* Compile the capture's filter once, before the cases fork, for the
 * kernel (libpcap's compiler costs a case about a millisecond, most of
 * it memory it touches for the first time). */
void capture_prepare(void);
/* A packet socket on every interface of the caller's network namespace,
 * with its ring and capture_prepare's filter, into *fd (close-on-exec).
 * -1 with err set. */
int  capture_socket(int *fd, char *err, size_t errsize);
/* Close a capture_socket by a detached thread of its own: the kernel
 * waits network grace periods there, which the caller (the runner,
 * starting and reaping cases) need not; closed at once if no thread
 * starts.  For a socket nothing has mapped. */
void capture_socket_close(int fd);
/* Start saving to path what socket (capture_socket's, the slot's) takes
 * from now on (what it holds from before, and its drops, are the last
 * case's), reading its ring from place (the slot's; NULL: looked for);
 * with socket -1, from a socket of the case's own, made in the caller's
 * network namespace. */
int  capture_open(struct capture *c, int socket, struct capture_place *place,
                  const char *path, char *err, size_t errsize);
/* Hand every waiting packet to fn (and to the file), in the ring's order;
 * returns how many, or -1 (c->err says why). */
int  capture_dispatch(struct capture *c, capture_fn fn, void *ctx);
/* Packets the kernel dropped since capture_open (its ring was full). */
int  capture_drops(struct capture *c, uint64_t *drops);
/* The capture is over: capture.pcap written and closed, and the case's
 * own packet socket closed by a thread of its own, since the kernel then
 * waits for a network grace period (synchronize_net, tens of
 * milliseconds) that nothing of the case needs to wait for; a slot's
 * socket stays open for the slot's next case, which starts reading where
 * this one stopped (its place).  The caller dispatched
 * every packet it wants first.  When no thread starts, the socket stays
 * open, and capture_close() (the undo step) closes it. */
void capture_release(struct capture *c);
/* Close what is left (capture_release's thread goes on). */
void capture_close(struct capture *c);
/* Wait for capture_release's thread, if one runs. */
void capture_join(struct capture *c);

#endif
